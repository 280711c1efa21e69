#!/usr/bin/env bash
# The pipelines' shell commands at their limits, without training: a stage of more trials than
# fit on one command line (ARG_MAX) is still counted done; SUGGEST_ARGS is not glob-expanded;
# the files the README has users write in the checkout are ignored by git.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

# A stage is done with the files of its first STAGE_TRIALS trials (STAGE_TRIALS up to 1000000).
# Their names were handed to one ls: past ~115000 (2 MiB of ARG_MAX) ls could not start, no file
# was counted, a finished stage was "0 of N trials" and ran again on every make staged. The
# probe targets run the recipe's own stage_done and stage_short on a stage folder of empty files,
# under a 512 KiB stack, whose ARG_MAX is 128 KiB (a quarter of it): 10000 names overflow it (120000
# files for the default 8 MiB stack took 30 s to make here).
n=10000
ws_make() { ( ulimit -s 512 && make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" "$@" ); }
mkdir -p big/stage-1 && (cd big/stage-1 && seq -f 'trial-%03g.json' 0 $((n - 1)) | xargs touch) && echo $n >big/stage-1/.done
probe() { ws_make "$@" STAGED_RUNS="$TMP/big" STAGE_TRIALS=$n --eval "$TMP/big/stage-1/probe.done: ; @\$(stage_done)" \
  --eval 'ws-probe: ; @echo "short:$(call stage_short,1)"'; }
test_expect_code 0 "a stage of $n trial files: stage_done counts them all" probe "$TMP/big/stage-1/probe.done"
test_expect_success "... the stage is done for $n" '[ "$(cat big/stage-1/probe.done)" = $n ]'
test_expect_code 0 "... stage_short on its .done" probe ws-probe "$TMP/big/stage-1/probe.done"
test_expect_success "... keeps it (no ws-force)" 'grep -qx "short:" out'
rm big/stage-1/trial-9999.json big/stage-1/probe.done
test_expect_code 2 "... one file fewer: not done" probe "$TMP/big/stage-1/probe.done"
test_expect_success "... counting the others" 'grep -q "stage-1: 9999 of $n trials have a file" err'
touch big/stage-1/probe.done
test_expect_code 0 "... and stage_short remakes the stage" probe ws-probe "$TMP/big/stage-1/probe.done"
test_expect_success "... (ws-force)" 'grep -qx "short:ws-force" out'

# SUGGEST_ARGS is a list of suggest options, split at blanks in pipelines/trial.sh, but not
# glob-expanded: --fixed 'b?st.json' (a file named so) reached suggest as best.json, the other
# file the pattern matches, and a trial was fixed to another file's params without a word. A
# suggest shim notes the arguments it gets (and exits 3: the trial is over).
bin_but shim suggest
cat >shim/suggest <<SH
#!/usr/bin/env bash
printf '%s\n' "\$@" >"$TMP/suggest.args"
exit 3
SH
chmod +x shim/suggest
mkdir gl && echo '{"lr": 1}' >'gl/b?st.json' && echo '{"lr": 2}' >gl/best.json
trial() { env SUGGEST_ARGS="$1" BIN="$TMP/shim" DB="$TMP/gl/s.db" CONFIG=c.json STUDY=s FEATURES=f THREADS=1 DEVICE=cpu \
  RUNS="$TMP/gl" MONITOR_INTERVAL=1 bash "$WS_ROOT/pipelines/trial.sh" "$TMP/gl/trial-000.json"; }
test_expect_code 3 "trial.sh with SUGGEST_ARGS=\"--fixed gl/b?st.json --seed 7\" (suggest's exit status)" \
  trial "--fixed $TMP/gl/b?st.json --seed  7"
test_expect_success "... suggest gets the path as given, not the file the glob matches, and the words split" '
  tail -n 4 suggest.args >args.tail && printf "%s\n" --fixed "$TMP/gl/b?st.json" --seed 7 | cmp - args.tail'

# The files the README's examples write where they run, the checkout's root (tee FILE, >FILE,
# study-copy --to sqlite:///FILE), are ignored by git: after the tour, git status listed
# trials.jsonl and report.json as files to add.
awk '/^```/ { f = !f; next } f' "$WS_ROOT/README.md" | grep -oE '(\btee|>) *[A-Za-z0-9_.][A-Za-z0-9_./-]*' |
  sed -E 's/^(tee|>) *//' >written
grep -oE -- '--to sqlite:///[A-Za-z0-9_.-]+' "$WS_ROOT/README.md" | sed 's|.*///||' >>written
if git -C "$WS_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
  test_expect_success "the files the README's examples write in the checkout are ignored by git" '
    grep -qx trials.jsonl written && grep -qx report.json written &&
    while read -r f; do git -C "$WS_ROOT" check-ignore -q --no-index "$f" || { echo "not ignored: $f" >&2; exit 1; }; done <written'
else
  test_skip "the files the README's examples write are ignored by git" "$WS_ROOT is not a git checkout"
fi
