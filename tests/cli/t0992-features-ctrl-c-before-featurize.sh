#!/usr/bin/env bash
# make features stopped by Ctrl-C (SIGINT to its whole process group) as a process that the
# cache's recipe waits for before featurize ends normally (flock once it has the lock, realpath
# writing the source's line, date noting the start): the recipe's shell, with no INT trap, took
# the signal for the child's to handle and went on ("wait and cooperative exit"), and a $(date)
# is a command substitution, whose wait drops a SIGINT trap or not: featurize made the whole
# cache while make, interrupted, waited for it. Here the end of each process the recipe's shell
# waits for is made such a moment in turn, the Nth in the Nth make features: an LD_PRELOAD shim
# whose destructor, in a process whose parent is that shell, ignores SIGINT, closes its output,
# waits 0.05 s (the shell then waits for it), sends SIGINT to the group and waits 0.1 s. make must
# be gone within 5 s, no featurize started. Where the recipe has no Nth process before featurize
# the shim sends nothing, and that make, the last, runs featurize.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
# (the shim goes into every process of make: an ASan build's tools refuse a library before their runtime)
if asan_built featurize; then test_skip "Ctrl-C as a cache recipe's process ends" "tools built with AddressSanitizer refuse the preloaded shim"; exit 0; fi
sigint_at_exit_shim "Ctrl-C as a cache recipe's process ends" || exit 0
make_tone_cache tones
# featurize making a cache (given --out) notes its start in N.sub/featurized, then takes 30 s (a
# corpus's featurizing) before the real one runs.
bin_but shim featurize
cat >shim/featurize <<EOF2
#!/usr/bin/env bash
case " \$* " in *" --out "*) echo \$\$ >>"\$SUB_DIR/featurized"; sleep 30 ;; esac
exec "$WS_BIN/featurize" "\$@"
EOF2
chmod +x shim/featurize
gone() { for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; return 1; }
feats() { ws_make features DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/f$1/x.feat" BIN="$TMP/shim"; }
# features N: make features into fN/x.feat, in a process group of its own, SIGINT as a terminal's
# Ctrl-C finds it, the shim firing at the recipe's Nth process; waits for the shim to fire or
# featurize to start (60 s at most)
features() {
  mkdir "$1.sub"
  (
    LD_PRELOAD=$TMP/sub.so SUB_DIR=$TMP/$1.sub SUB_NTH=$1 SUB_PARENT=pipelines/lock-kind.sh "$PY" -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' \
      bash -c "$(declare -f ws_make feats); TMP=$TMP WS_ROOT=$WS_ROOT WS_BUILD=$WS_BUILD WS_BIN=$WS_BIN feats $1" \
      >"$1.out" 2>&1 & echo $! >"$1.pid"; wait
  ) 2>/dev/null &   # (not bash's "Killed" for a make killed below)
  for _ in $(seq 600); do [ -e "$1.sub/fired" ] || [ -e "$1.sub/featurized" ] && break; sleep 0.1; done
}
n=1
while [ "$n" -le 12 ]; do
  features "$n"
  [ -e "$n.sub/fired" ] || break
  test_expect_success "make features stopped by Ctrl-C as the cache recipe's process $n ends ($(sed -n "${n}p" "$n".sub/[0-9]*)) is gone within 5 s, no featurize started" '
    gone "$(cat '"$n"'.pid)" || { echo "still there 5 s after SIGINT:" >&2; ps -o pid,stat,args -s "$(cat '"$n"'.pid)" >&2; false; }
    [ ! -e '"$n"'.sub/featurized ] || { echo "featurize started: $(cat '"$n"'.sub/featurized)" >&2; false; }'
  kill -KILL -- -"$(cat "$n.pid")" 2>/dev/null; gone "$(cat "$n.pid")"
  n=$((n + 1))
done
[ ! -e "$n.pid" ] || { kill -KILL -- -"$(cat "$n.pid")" 2>/dev/null; gone "$(cat "$n.pid")"; }
# The make where the shim did not fire: featurize ran, as without a Ctrl-C.
if [ "$n" -gt 12 ]; then
  test_skip "make features past the recipe's last process before featurize" "more than 12 processes before it: the rest not tried"
else
  test_expect_success "make features past the recipe's last process before featurize ran featurize" '[ -s '"$n"'.sub/featurized ]'
fi
