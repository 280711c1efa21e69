#!/usr/bin/env bash
# report's JSON and JSON lines gave a trial's datetime_start and datetime_complete through epoch
# seconds in the reporting process's zone, not as Optuna stored them (naive wall times): a wall
# time that zone skips (02:30 on the day DST begins in New York, written by a machine in UTC)
# came out an hour off, and the years Python allows at their ends as "1-01-01 ..." and
# "10000-01-01 00:00:00.000000" (9999-12-31 23:59:59.999999 rounded up). They are now the wall
# times Optuna reads from the file, whatever TZ says, as study-copy copies them (t0016).
# Optuna (Debian's python3-optuna) writes the study and reads it back: the reference.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "report datetimes" optuna
cat >make.py <<'P'
import datetime as D, sys, warnings
warnings.simplefilter("ignore")
import optuna
from optuna.trial import FrozenTrial, TrialState
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="kws", storage="sqlite:///s.db", direction="maximize")
for i, (a, b) in enumerate(((D.datetime(2026, 3, 8, 2, 30, 0, 123456), D.datetime(2026, 11, 1, 1, 30, 0, 999999)),
                            (D.datetime(1, 1, 1), D.datetime(9999, 12, 31, 23, 59, 59, 999999)),
                            (D.datetime(2026, 12, 4, 19, 30, 38), D.datetime(2026, 12, 4, 19, 30, 38, 7)))):
    s.add_trial(FrozenTrial(number=0, state=TrialState.COMPLETE, value=float(i), datetime_start=a, datetime_complete=b,
                            params={}, distributions={}, user_attrs={}, system_attrs={}, intermediate_values={},
                            trial_id=0))
s.enqueue_trial({})
f = lambda d: d and d.isoformat(" ", "microseconds")
for t in optuna.load_study(study_name="kws", storage="sqlite:///s.db").trials:
    print(t.number, f(t.datetime_start), f(t.datetime_complete))
P
test_expect_success "Optuna writes wall times at a DST switch and at the ends of Python's years" '
  TZ=UTC "$PY" make.py >optuna.txt && [ $(wc -l <optuna.txt) = 4 ]'
dts() { jq -r '"\(.trial) \(.datetime_start // "None") \(.datetime_complete // "None")"' | sort -n; }
for tz in America/New_York UTC Australia/Lord_Howe; do
  test_expect_success "report --format jsonl under TZ=$tz gives the datetimes Optuna reads" '
    TZ=$tz report --db s.db --format jsonl | dts >ours.txt &&
    { cmp -s ours.txt optuna.txt || { diff optuna.txt ours.txt >&2; false; }; }'
done
test_expect_success "... and so does --format json (trials and best)" '
  TZ=America/New_York report --db s.db --format json >r.json &&
  jq -c ".trials[]" r.json | dts >ours.txt && cmp -s ours.txt optuna.txt &&
  [ "$(jq -c "[.best.trial, .best.datetime_start]" r.json)" = "[2,\"2026-12-04 19:30:38.000000\"]" ]'
