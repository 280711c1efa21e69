#!/usr/bin/env bash
# study-copy keeps a trial's datetimes as Optuna's copy_study does: naive wall times, copied as
# they are whatever the copying process's TZ. They went through epoch seconds in local time:
# a wall time that the local zone skips (02:30 on the day DST begins in New York, written by a
# machine in UTC) came out an hour off, and the years Python allows at their ends (0001, 9999)
# came out as "1-01-01" and "10000-01-01 00:00:00.000000", which Optuna cannot read.
# Optuna (Debian's python3-optuna) copies the same study; its copy is the reference.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "study-copy datetimes" optuna
cat >make.py <<'P'
import datetime as D, sys, warnings
warnings.simplefilter("ignore")
import optuna
from optuna.trial import FrozenTrial, TrialState
optuna.logging.set_verbosity(optuna.logging.ERROR)
if sys.argv[1] == "make":
    s = optuna.create_study(study_name="kws", storage="sqlite:///s.db", direction="maximize")
    for a, b in ((D.datetime(2026, 3, 8, 2, 30, 0, 123456), D.datetime(2026, 11, 1, 1, 30, 0, 999999)),
                 (D.datetime(1, 1, 1), D.datetime(9999, 12, 31, 23, 59, 59, 999999)),
                 (D.datetime(2026, 12, 4, 19, 30, 38), D.datetime(2026, 12, 4, 19, 30, 38, 7))):
        s.add_trial(FrozenTrial(number=0, state=TrialState.COMPLETE, value=1.0, datetime_start=a, datetime_complete=b,
                                params={}, distributions={}, user_attrs={}, system_attrs={}, intermediate_values={},
                                trial_id=0))
    optuna.copy_study(from_study_name="kws", from_storage="sqlite:///s.db", to_storage="sqlite:///optuna.db")
else:
    for t in optuna.load_study(study_name="kws", storage="sqlite:///" + sys.argv[2]).trials:
        print(t.number, t.datetime_start, t.datetime_complete)
P
dts() { sqlite3 "$1" "SELECT number, datetime_start, datetime_complete FROM trials ORDER BY number"; }
test_expect_success "Optuna writes wall times at DST switches and at the ends of Python's years, and copies them" '
  TZ=America/New_York "$PY" make.py make && [ "$(dts optuna.db)" = "$(dts s.db)" ]'
for tz in America/New_York UTC Australia/Lord_Howe; do
  test_expect_success "study-copy under TZ=$tz writes the datetimes Optuna's copy_study writes" '
    rm -f ours.db && TZ=$tz study-copy --from s.db --to ours.db >/dev/null &&
    { [ "$(dts ours.db)" = "$(dts optuna.db)" ] || { diff <(dts optuna.db) <(dts ours.db) >&2; false; }; }'
done
test_expect_success "Optuna reads the copy as its own" '
  [ "$(TZ=America/New_York "$PY" make.py read ours.db)" = "$(TZ=America/New_York "$PY" make.py read optuna.db)" ]'
