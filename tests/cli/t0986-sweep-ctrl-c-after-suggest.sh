#!/usr/bin/env bash
# make sweep stopped by Ctrl-C (SIGINT to its whole process group) while a trial's suggest runs,
# suggest being a tool that finishes its work when the signal comes and exits 0 (a transaction
# completed). bash, given SIGINT while it waits for a child that then exits normally, takes the
# signal as the child's to handle and goes on ("wait and cooperative exit"): pipelines/trial.sh
# went on to train-trial, which trained its whole trial while make, interrupted, waited for it.
# Now trial.sh dies of the Ctrl-C once suggest is done, and the next make sweep runs the trial.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-ctrl-c 1
# The trials' suggest (the one given --tag): the real one, its line written and its output closed
# (read whole, bash waits for it to exit), then, SIGINT caught, a second in a loop the signal
# cannot cut short, then the real one's status. The moment its output is closed is marked in
# suggesting, for the signal to come then.
bin_but shim suggest train-trial
cat >shim/suggest <<EOF
#!/usr/bin/env bash
case " \$* " in *" --tag "*) ;; *) exec "$WS_BIN/suggest" "\$@" ;; esac
trap 'got=1' INT
"$WS_BIN/suggest" "\$@"; rc=\$?
exec >&-
: >"$TMP/suggesting"
for _ in 1 2 3 4 5 6 7 8 9 10; do sleep 0.1; done
exit \$rc
EOF
# A training train-trial (given --features) notes its start in trained, then takes 30 s (a whole
# trial's training) before the real one runs.
cat >shim/train-trial <<EOF
#!/usr/bin/env bash
case " \$* " in *" --features "*) echo \$\$ >>"$TMP/trained"; sleep 30 ;; esac
exec "$WS_BIN/train-trial" "\$@"
EOF
chmod +x shim/suggest shim/train-trial
# The sweep in a process group of its own, SIGINT as a terminal's Ctrl-C finds it (not ignored,
# as in a background job); its pid in s.pid; waits for the shim's mark.
(
  "$PY" -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' \
    bash -c "$(declare -f ws_make tone_sweep); TMP=$TMP WS_ROOT=$WS_ROOT WS_BUILD=$WS_BUILD WS_BIN=$WS_BIN tone_sweep s BIN=$TMP/shim" \
    >s.out 2>&1 & echo $! >s.pid; wait
) &
for _ in $(seq 600); do [ -e suggesting ] && break; sleep 0.1; done
gone() { for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; return 1; }

test_expect_success "make sweep stopped by Ctrl-C while a trial's suggest finishes its work is gone within 5 s" '
  { [ -e suggesting ] || { echo "no suggest after 60 s: $(tail -c 300 s.out)" >&2; false; }; } &&
  kill -INT -- -"$(cat s.pid)" &&
  { gone "$(cat s.pid)" || { echo "still there 5 s after SIGINT:" >&2; ps -o pid,stat,args -s "$(cat s.pid)" >&2; false; }; }'
# (what a failed case left running goes before the next make sweep)
kill -KILL -- -"$(cat s.pid)" 2>/dev/null; gone "$(cat s.pid)"
test_expect_success "... and started no train-trial" '[ ! -e trained ] || { echo "train-trial started: $(cat trained)" >&2; false; }'
test_expect_success "... and left no temporary of its trials" '[ "$(ls -a s | grep -c "\.tmp\.")" = 0 ]'
test_expect_success "... the next make sweep runs both trials and the report" '
  tone_sweep s >s2.out 2>s2.err && [ -s s/report.json ] && [ -s s/trial-000.json ] && [ -s s/trial-001.json ] &&
  [ "$(sqlite3 s/study.db "SELECT count(*) FROM trials WHERE state = \"COMPLETE\"")" = 2 ] &&
  [ "$(sqlite3 s/study.db "SELECT count(*) FROM trials WHERE state = \"RUNNING\"")" = 0 ] &&
  [ "$(ls -a s | grep -c "\.tmp\.")" = 0 ]'
