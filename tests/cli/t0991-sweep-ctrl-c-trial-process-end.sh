#!/usr/bin/env bash
# make sweep stopped by Ctrl-C (SIGINT to its whole process group) as a process that a trial's
# trial.sh waits for before training ends normally, its output closed (a command substitution's
# process that has said its say, or a tool that finishes its work on Ctrl-C). bash drops a SIGINT
# that comes while it waits for a command substitution's process, trap or not: trial.sh's
# $(make_jobs) (a subshell) let the trial go on to train a whole trial while make, interrupted,
# waited for it (as $(suggest ...) did before cb83261, t0986). Here the end of each process that
# trial.sh waits for before the training is made such a moment in turn, the Nth in the Nth make
# sweep: an LD_PRELOAD shim whose destructor, in a process whose parent is a trial.sh, ignores
# SIGINT, closes its output, waits 0.05 s (trial.sh then waits for it), sends SIGINT to the group
# and waits 0.1 s. The sweep must be gone within 5 s, no training started. Where the trial has no
# Nth process before its training the shim sends nothing, and that sweep, the last, trains.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
# (the shim goes into every tool of the sweep: an ASan build's refuse a library before their runtime)
if asan_built suggest; then test_skip "Ctrl-C as a trial's process ends" "tools built with AddressSanitizer refuse the preloaded shim"; exit 0; fi
sigint_at_exit_shim "Ctrl-C as a trial's process ends" || exit 0
make_tone_cache tones
tone_sweep_config c.json tones-ctrl-c-end 1
# A training train-trial (given --features) notes its start in N/trained, then takes 30 s (a
# whole trial's training) before the real one runs.
bin_but shim train-trial
cat >shim/train-trial <<EOF2
#!/usr/bin/env bash
case " \$* " in *" --features "*) echo \$\$ >>"\$SUB_DIR/trained"; sleep 30 ;; esac
exec "$WS_BIN/train-trial" "\$@"
EOF2
chmod +x shim/train-trial
gone() { for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; return 1; }
# sweep N: make sweep of one trial (the count of its processes the same each time: two trials
# each started the monitor or not) into sN, in a process group of its own, SIGINT as a terminal's
# Ctrl-C finds it, the shim firing at the trial's Nth process; waits for the shim to fire or the
# training to start (60 s at most)
sweep() {
  mkdir "$1.sub"
  (
    LD_PRELOAD=$TMP/sub.so SUB_DIR=$TMP/$1.sub SUB_NTH=$1 SUB_PARENT='pipelines/trial.sh ' "$PY" -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' \
      bash -c "$(declare -f ws_make tone_sweep); TMP=$TMP WS_ROOT=$WS_ROOT WS_BUILD=$WS_BUILD WS_BIN=$WS_BIN tone_sweep s$1 BIN=$TMP/shim TRIALS=1" \
      >"$1.out" 2>&1 & echo $! >"$1.pid"; wait
  ) 2>/dev/null &   # (not bash's "Killed" for a sweep killed below)
  for _ in $(seq 600); do [ -e "$1.sub/fired" ] || [ -e "$1.sub/trained" ] && break; sleep 0.1; done
}
n=1
while [ "$n" -le 12 ]; do
  sweep "$n"
  [ -e "$n.sub/fired" ] || break
  test_expect_success "make sweep stopped by Ctrl-C as a trial's process $n ends ($(sed -n "${n}p" "$n".sub/[0-9]* | sort -u | paste -sd /)) is gone within 5 s, no training started" '
    gone "$(cat '"$n"'.pid)" || { echo "still there 5 s after SIGINT:" >&2; ps -o pid,stat,args -s "$(cat '"$n"'.pid)" >&2; false; }
    [ ! -e '"$n"'.sub/trained ] || { echo "train-trial started: $(cat '"$n"'.sub/trained)" >&2; false; }'
  kill -KILL -- -"$(cat "$n.pid")" 2>/dev/null; gone "$(cat "$n.pid")"
  n=$((n + 1))
done
[ ! -e "$n.pid" ] || { kill -KILL -- -"$(cat "$n.pid")" 2>/dev/null; gone "$(cat "$n.pid")"; }
# The sweep where the shim did not fire: its trials went on to train, as without a Ctrl-C.
if [ "$n" -gt 12 ]; then
  test_skip "make sweep past a trial's last process before training" "more than 12 processes before it: the rest not tried"
else
  test_expect_success "make sweep past a trial's last process before training trained" '[ -s '"$n"'.sub/trained ]'
fi
