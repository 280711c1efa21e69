#!/usr/bin/env bash
# report's duration_s (JSON, JSON lines, CSV; the text's and the HTML's seconds) was the
# difference of a trial's datetimes read as epoch seconds in the reporting process's zone: a trial
# stored 01:30 to 03:30 on the night DST begins in Berlin came out 3600 s under TZ=Europe/Berlin
# and 7200 s under TZ=UTC, one study file giving two durations by where report ran. It is now
# datetime_complete - datetime_start on the wall times as stored, what Optuna's
# FrozenTrial.duration (and trials_dataframe's duration) gives whatever TZ says.
# Optuna (Debian's python3-optuna) writes the study and reads the durations back: the reference.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "report duration_s" optuna
cat >make.py <<'P'
import datetime as D, warnings
warnings.simplefilter("ignore")
import optuna
from optuna.trial import FrozenTrial, TrialState
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="kws", storage="sqlite:///s.db", direction="maximize")
for i, (a, b) in enumerate(((D.datetime(2026, 3, 29, 1, 30, 0, 250000), D.datetime(2026, 3, 29, 3, 30, 0)),
                            (D.datetime(2026, 10, 24, 23, 0, 0), D.datetime(2026, 10, 25, 2, 30, 0, 5)),
                            (D.datetime(2026, 6, 1, 12, 0, 0), D.datetime(2026, 6, 1, 12, 0, 42, 125000)))):
    s.add_trial(FrozenTrial(number=0, state=TrialState.COMPLETE, value=float(i), datetime_start=a, datetime_complete=b,
                            params={}, distributions={}, user_attrs={}, system_attrs={}, intermediate_values={},
                            trial_id=0))
for t in optuna.load_study(study_name="kws", storage="sqlite:///s.db").trials:
    print(t.number, "%.6f" % t.duration.total_seconds())
P
test_expect_success "Optuna writes three trials, two across Berlin's DST changes" '
  TZ=Europe/Berlin "$PY" make.py >optuna.txt && [ $(wc -l <optuna.txt) = 3 ] && grep -q "^0 7199.750000$" optuna.txt'
for tz in Europe/Berlin UTC; do
  test_expect_success "report --format jsonl under TZ=$tz gives Optuna's durations" '
    TZ=$tz report --db s.db --format jsonl >r.jsonl &&
    jq -r "\"\(.trial) \(.duration_s * 1e6 | round)\"" r.jsonl | sort -n >ours.txt &&
    awk "{ printf \"%d %.0f\n\", \$1, \$2 * 1e6 }" optuna.txt >want.txt &&
    { cmp -s ours.txt want.txt || { diff want.txt ours.txt >&2; false; }; }'
done
test_expect_success "... and --format csv and text under TZ=Europe/Berlin" '
  TZ=Europe/Berlin report --db s.db --format csv >r.csv &&
  [ "$(awk -F, "\$1 == 0 { print \$4 }" r.csv)" = 7199.75 ] &&
  TZ=Europe/Berlin report --db s.db >r.txt && grep -Eq "^ +0 +COMPLETE +0 +7199.75 *$" r.txt'
