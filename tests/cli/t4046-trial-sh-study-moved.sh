#!/usr/bin/env bash
# A sweep's trial (pipelines/trial.sh) whose study file is deleted, or another study renamed over
# it, while train-trial trains: train-trial stops, says so and exits 3 (t4043), and trial.sh took
# that 3 for a crash: it told the trial FAIL with tell, by number, in whatever file now had the
# path. Another study renamed over it had its own trial of that number failed (and the file
# switched to WAL by tell's open), though train-trial leaves it as it was; a deleted one had tell
# refused, then train-trial --result-of's "no such study database" stopped the sweep. Now trial.sh
# tells nothing in a file that is not the trial's study: it passes train-trial's message on and
# stops the sweep (exit 2: every trial would meet it), its trial file unmade.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
jq '.budget.epochs = 100000' c.json >long.json

# sweep_trial ACTION: trial.sh's first trial of an endless study in runs/ (its own train-trial
# with a 25 s time limit as a backstop, through a train-trial shim); ACTION (a command) runs once
# the trial's first validation is in the study. Sets trc (trial.sh's exit status).
bin_but shim train-trial
cat >shim/train-trial <<SH
#!/usr/bin/env bash
exec "$WS_BIN/train-trial" --max-seconds 25 "\$@"
SH
chmod +x shim/train-trial
sweep_trial() {
  rm -rf runs && mkdir runs
  env BIN="$TMP/shim" DB="$TMP/runs/s.db" CONFIG=long.json STUDY=tones FEATURES=tones.feat THREADS=1 DEVICE=cpu \
    RUNS="$TMP/runs" MONITOR_INTERVAL=1 bash "$WS_ROOT/pipelines/trial.sh" "$TMP/runs/trial-000.json" >out 2>err &
  local pid=$!
  for _ in $(seq 300); do
    [ -e runs/s.db ] && [ "$(sqlite3 runs/s.db "SELECT count(*) FROM trial_intermediate_values")" -gt 0 ] && break
    sleep 0.1
  done
  eval "$1"
  trc=0; wait "$pid" || trc=$?
}

# another study 'tones', its trials 0 and 1 RUNNING, in the rollback-journal mode Optuna leaves
mkdir other
suggest --db other/o.db --config c.json --n 2 >/dev/null
sqlite3 other/o.db "PRAGMA journal_mode = DELETE" >/dev/null
cp other/o.db other/o.orig
sweep_trial "cp other/o.db runs/new.db && mv runs/new.db runs/s.db"
test_expect_success "study renamed over the trial's: trial.sh passes train-trial's message on" '
  cat err >&2; grep -q "^train-trial: .*runs/s.db: the file was deleted or replaced while trial 0 of study .tones. trained" err'
test_expect_success "... the study renamed over it is left as it was (its trial 0 not failed)" '
  sqlite3 runs/s.db "SELECT state FROM trials ORDER BY number" >&2; cmp runs/s.db other/o.orig'
test_expect_success "... the sweep stops (exit 2), the trial file unmade" '
  echo "exit $trc" >&2; [ "$trc" = 2 ] && [ ! -e runs/trial-000.json ] && ! ls runs | grep -q "\.tmp\."'

sweep_trial "rm runs/s.db"
test_expect_success "study file deleted: the message passed on, the sweep stops (exit 2), no study made again" '
  cat err >&2; echo "exit $trc" >&2
  grep -q "^train-trial: .*runs/s.db: the file was deleted or replaced while trial 0" err &&
  [ "$trc" = 2 ] && [ ! -e runs/s.db ] && [ ! -e runs/trial-000.json ]'
