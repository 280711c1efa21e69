#!/usr/bin/env bash
# Every file a sweep leaves in its RUNS folder is one README names: it listed the trial files,
# study.db, the reports, the checkpoints and monitor.jsonl, while the folder also held
# monitor.lock, monitor.stopped and hidden lock files that a reader of `ls -a runs/STUDY` could
# not place (nor know whether removing them is safe). Names are compared in README's spelling:
# trial-NNN.json, trial-N.ckpt, .trial-NNN.json.lock. Likewise make staged's STAGED_RUNS: its
# stage-1/ and stage-2/ folders, their .done and stage 1's best.json were not named at all.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json docs-runs 1
test_expect_success "a two-trial sweep" 'tone_sweep r >sweep.out 2>sweep.err'
test_expect_success "... leaves its trial files and a best.ckpt" '[ -s r/trial-000.json ] && [ -s r/trial-001.json ] && [ -s r/best.ckpt ]'
ls -A r | sed -E 's/^trial-[0-9]{3}\.json$/trial-NNN.json/; s/^\.trial-[0-9]{3}\.json\.lock$/.trial-NNN.json.lock/;
                  s/^trial-[0-9]+\.ckpt$/trial-N.ckpt/' | sort -u >names
test_expect_success "the folder holds files to look up" '[ "$(wc -l <names)" -ge 8 ] && grep -qx study.db names'
# README's list of the folder (its opening, "make -j2 sweep writes runs/kws-default/: ..."), where
# such a reader looks: .study.json was named only further on, in the tour, and not in that list.
awk '/`make -j2 sweep` writes/ { on = 1 } /^Interrupt it at any point/ { exit } on' "$WS_ROOT/README.md" >runs.list
test_expect_success "README's list of a sweep's folder found" 'grep -qF "\`study.db\`" runs.list'
while read -r f; do   # not "name": test_expect_success has a local of that name
  test_expect_success "README's list of a sweep's folder names $f" 'grep -qF "\`$f\`" runs.list'
done <names
# train-trial(1)'s --ckpt-dir names the files a trial writes there (the sweep's checkpoints above)
ls -A r | grep -E '^(best\.ckpt|trial-[0-9]+\.ckpt|\.best\.lock)$' | sed -E 's/^trial-[0-9]+\.ckpt$/trial-N.ckpt/' | sort -u >ckpt.names
test_expect_success "the sweep's checkpoint folder holds best.ckpt, trial-N.ckpt and .best.lock" '[ "$(wc -l <ckpt.names)" = 3 ]'
awk '/^\.BI \\-\\-ckpt-dir/ { on = 1; next } on && /^\.(TP|SH)/ { exit } on' "$WS_ROOT/share/man/man1/train-trial.1" | tr '\n' ' ' >ckpt-dir.man
while read -r f; do
  test_expect_success "train-trial(1)'s --ckpt-dir names $f" 'grep -qF "$f" ckpt-dir.man'
done <ckpt.names

# make staged: STAGED_RUNS and its stage folders (each a sweep's RUNS, checked above, and more)
jq '.study = "docs-stage-1"' c.json >s1.json
jq '.study = "docs-stage-2" | .space = {"time_shift": {"type": "int", "low": 0, "high": 10, "step": 5}}' c.json >s2.json
test_expect_success "make -j2 staged, a trial a stage" '
  ws_make -j2 staged DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" STAGE1="$TMP/s1.json" STAGE2="$TMP/s2.json" \
    STAGE_TRIALS=1 STAGED_RUNS="$TMP/st" MONITOR_INTERVAL=0.2 >staged.out 2>staged.err && [ -s st/stage-1/best.json ]'
{ for p in st st/stage-1 st/stage-2; do
    (cd "$p" && for e in $(ls -A); do [ -d "$e" ] && echo "$e/" || echo "$e"; done)
  done; } | sed -E 's/^trial-[0-9]{3}\.json$/trial-NNN.json/; s/^\.trial-[0-9]{3}\.json\.lock$/.trial-NNN.json.lock/;
                  s/^trial-[0-9]+\.ckpt$/trial-N.ckpt/' | sort -u >staged.names
test_expect_success "the staged folders hold files to look up" 'grep -qx "stage-1/" staged.names && grep -qx best.json staged.names'
while read -r f; do
  test_expect_success "README names $f (make staged)" 'grep -qF "\`$f\`" "$WS_ROOT/README.md"'
done <staged.names
