#!/usr/bin/env bash
# stdout that cannot be written (/dev/full: ENOSPC; closed: EBADF) for the tools and outputs that
# t0001 (suggest), t0004 (prune-check) and t4001 (gpu-monitor) do not cover: exit 3, said once as
# "TOOL: stdout: write error: WHY", and the work that came before the line is done and whole
# (tell's trial finished, train-trial's trial recorded, study-copy's copy, featurize's cache).
# train-trial's man page gave no status for a result line that cannot be written (only "3
# internal error where no result can be recorded"), nor any 3 with --result-of.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

said_full() { [ "$(grep -c "^$1:" err)" = 1 ] && grep -qx "$1: stdout: write error: No space left on device" err; }

for t in featurize suggest train-trial prune-check report gpu-monitor tell study-copy; do
  test_expect_code 3 "$t --help to /dev/full" sh -c "$t --help >/dev/full"
  test_expect_success "... said once" "said_full $t"
  test_expect_code 3 "$t --version, stdout closed" sh -c "$t --version >&-"
  test_expect_success "... said" "grep -qx '$t: stdout: write error: Bad file descriptor' err"
done

tone_trained
tone_study_config c.json
test_expect_code 3 "featurize: the summary line" sh -c 'featurize -q -o t2.feat tones/manifest.jsonl >/dev/full'
test_expect_success "... said once, the cache whole" 'said_full featurize && cmp -s tones.feat t2.feat'
test_expect_code 3 "featurize --describe" sh -c 'featurize --describe tones.feat >/dev/full'
test_expect_success "... said once" 'said_full featurize'
test_expect_code 3 "featurize --dump" sh -c 'featurize --dump tones.feat --clip 0 >/dev/full'
test_expect_success "... said once" 'said_full featurize'

suggest --db runs/s.db --config c.json --tag t1 >line
test_expect_code 3 "train-trial: the result line" sh -c 'train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line >/dev/full'
test_expect_success "... said once, the trial recorded" 'said_full train-trial &&
  [ "$(sqlite3 runs/s.db "SELECT state FROM trials WHERE number = 1")" = COMPLETE ]'
test_expect_code 3 "train-trial --result-of" sh -c 'train-trial --db runs/s.db --result-of t1 >/dev/full'
test_expect_success "... said once" 'said_full train-trial'
test_expect_code 3 "train-trial --evaluate" sh -c 'train-trial --evaluate runs/best.ckpt --features tones.feat >/dev/full'
test_expect_success "... said once" 'said_full train-trial'

for f in text json jsonl csv html; do
  test_expect_code 3 "report --format $f" sh -c "report --db runs/s.db --format $f >/dev/full"
  test_expect_success "... said once" 'said_full report'
done
test_expect_code 3 "report --best" sh -c 'report --db runs/s.db --best >/dev/full'
test_expect_success "... said once" 'said_full report'

suggest --db runs/s.db --config c.json >line
n=$(jq .trial line)
test_expect_code 3 "tell: its line" sh -c "tell --db runs/s.db --study tones --trial $n --state fail --reason gone >/dev/full"
test_expect_success "... said once, the trial told" 'said_full tell &&
  [ "$(sqlite3 runs/s.db "SELECT state FROM trials WHERE number = $n")" = FAIL ]'

test_expect_code 3 "study-copy: its line" sh -c 'study-copy --from runs/s.db --to copy.db >/dev/full'
test_expect_success "... said once, the copy whole" 'said_full study-copy &&
  [ "$(report --db copy.db --format jsonl | jq -s length)" = "$(report --db runs/s.db --format jsonl | jq -s length)" ]'
