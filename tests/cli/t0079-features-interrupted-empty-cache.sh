#!/usr/bin/env bash
# make features (or make sweep) stopped by Ctrl-C just as featurize finished: make deletes a
# target whose recipe it interrupts once the file changed ("Deleting file"), but the recipe's
# shell goes on when featurize itself ended well (bash waits for the command in the foreground
# and carries on when it did not die of the signal), and its `touch -m` (which sets the cache's
# time back to when featurize started) made the deleted cache again, empty, with the .source
# written beside it. Every later make took that empty file for the cache: each trial failed
# ("not a valid feature cache: shorter than a header") and the sweep stopped, for good
# (found by tests/stress/kill-anywhere.sh). The moment is made exact by a shim featurize that
# runs the real one, then sends SIGINT to make alone and waits for it to delete the file.
# runner: waits (make interrupted as featurize ends)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
bin_but shim featurize
cat >shim/featurize <<EOF2
#!/usr/bin/env bash
"$WS_BIN/featurize" "\$@" || exit
make=\$(ps -o ppid= -p \$PPID | tr -d ' ')
kill -INT "\$make"
for _ in \$(seq 100); do kill -0 "\$make" 2>/dev/null || break; sleep 0.05; done
EOF2
chmod +x shim/featurize
feats() { ws_make features DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/f/x.feat" "$@"; }
test_expect_code 130 "make features interrupted as featurize ends" \
  "$PY" -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' \
  bash -c "$(declare -f ws_make feats); TMP=$TMP WS_ROOT=$WS_ROOT WS_BUILD=$WS_BUILD WS_BIN=$WS_BIN feats BIN=$TMP/shim; exit \$?"
sleep 0.5   # the recipe's shell, left running by make, ends
test_expect_success "... make deleted the cache, and no empty one was made in its place" 'grep -q "Deleting file" err && [ ! -e f/x.feat ]'
test_expect_success "... the next make features makes a cache of the corpus" '
  feats >f2.out 2>&1 && [ "$(featurize --describe f/x.feat | jq .clips)" = 48 ]'
