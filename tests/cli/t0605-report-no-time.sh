#!/usr/bin/env bash
# report when no trial has any time: text, JSON (time.note) and HTML (the time card, the breakdown
# and the trial-times plots) say the same true thing: no trial has started yet (only WAITING ones), none
# has finished yet (a trial just suggested), or the finished trials took 0 s (Optuna's
# create_trial records datetime_start = datetime_complete). Each read "no trial has run yet",
# also with trials complete or running, and the JSON said nothing.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
echo '{"learning_rate": 0.001, "batch_size": 32, "channels": 16, "dropout": 0.1, "optimizer": "adam"}' >q.jsonl
suggest --db wait.db --config c.json --enqueue q.jsonl >/dev/null
suggest --db run.db --config c.json >/dev/null
# Optuna's own studies, with what Optuna reads back of them: trials started, finished, and the
# finished ones' durations (the golden counts below)
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
"$PY" -W ignore - <<'PYEOF' >want
import datetime, optuna
from optuna.distributions import FloatDistribution
from optuna.trial import create_trial, TrialState
optuna.logging.set_verbosity(optuna.logging.ERROR)
d = {"x": FloatDistribution(0, 1)}
t0 = datetime.datetime(2026, 1, 2, 3, 4, 5)
def made(name, states, same_start):
    s = optuna.create_study(study_name=name, storage="sqlite:///%s.db" % name)
    for st in states:
        t = create_trial(params={"x": 0.5}, distributions=d, value=1.0 if st == TrialState.COMPLETE else None, state=st)
        if same_start:
            t.datetime_start = t0
            t.datetime_complete = t0 if st.is_finished() else None
        s.add_trial(t)
    tr = s.get_trials()
    done = [t for t in tr if t.state.is_finished()]
    print(name, sum(t.datetime_start is not None for t in tr), len(done),
          sum((t.datetime_complete - t.datetime_start).total_seconds() for t in done))
C, R = TrialState.COMPLETE, TrialState.RUNNING
made("one", [C], False)          # one trial, 0 s
made("same", [C, C, C], True)    # three, all at one instant
made("spread", [C, C, C], False) # three, 0 s each, one after the other: some wall time
made("mix", [C, R], True)        # one 0 s, one running since the same instant
PYEOF
test_expect_success "Optuna's studies are as meant: started, finished, their seconds" '
  [ "$(cat want)" = "$(printf "one 1 1 0.0\nsame 3 3 0.0\nspread 3 3 0.0\nmix 2 1 0.0")" ]'

# check DB NOTE [TEXT]: the text's time line is TEXT ("time: NOTE" when left out), the JSON's
# time.note is NOTE, and the HTML's breakdown and trial-times plots show NOTE
check() {
  local db=$1 note=$2 text=${3:-"time: $2"}
  test_expect_code 0 "$db: text" report --db "$db.db"
  test_expect_success "... its time line: $text" '[ "$(grep "^time: " out)" = "$text" ]'
  test_expect_code 0 "$db: json" report --db "$db.db" --format json
  test_expect_success "... time.note: $note" '[ "$(jq -r .time.note out)" = "$note" ]'
  test_expect_code 0 "$db: html" report --db "$db.db" --format html
  test_expect_success "... the time plots say the same" '
    for id in breakdown trial-times; do
      awk -v id="$id" "index(\$0, \"<svg id=\\\"\" id \"\\\"\") == 1 {on = 1} on {print} on && /<\\/svg>/ {exit}" out >p.svg &&
      grep -qF "class=\"msg\">$note<" p.svg || { echo "$id: $(grep -o "class=\"msg\">[^<]*" p.svg)" >&2; exit 1; }
    done'
  test_expect_success "... and the time card" 'grep -o "id=\"card-time\".*" out | grep -qF "<dt>time</dt><dd>$note</dd>"'
}
check wait "no trial has started yet"
check run "no trial has finished yet: 1 started"
check one "1 finished trial took 0 s"
check same "3 finished trials took 0 s each"
check mix "1 finished trial took 0 s; 1 more started and not finished"
# some wall time between the 0 s trials: the shares (all idle) and the note after them; the
# breakdown plot draws the idle share, the trial-times plot has no bar to draw
test_expect_code 0 "spread: text" report --db spread.db
test_expect_success "... all idle, and why" 'grep -qE "^time: 1 slot over 0\.[0-9]+ s wall .*, idle 100\.0% \(3 finished trials took 0 s each\)$" out'
test_expect_code 0 "spread: json" report --db spread.db --format json
test_expect_success "... time.note says so" '[ "$(jq -r .time.note out)" = "3 finished trials took 0 s each" ]'
test_expect_code 0 "spread: html" report --db spread.db --format html
test_expect_success "... the trial-times plot too" '
  awk "index(\$0, \"<svg id=\\\"trial-times\\\"\") == 1 {on = 1} on {print} on && /<\\/svg>/ {exit}" out >p.svg &&
  grep -qF "class=\"msg\">3 finished trials took 0 s each<" p.svg'
# trials with time: no note
suggest --db t.db --config c.json >/dev/null && sleep 0.05 && tell --db t.db --study kws --trial 0 --state complete --value 0.5 >/dev/null
test_expect_code 0 "a trial with time: json" report --db t.db --format json
test_expect_success "... time.note is null" '[ "$(jq -c .time.note out)" = null ] && jq -e ".time.busy_s > 0" out >/dev/null'
