#!/usr/bin/env bash
# A study file that holds, beside the study asked for (--study kws), another study whose name
# holds a NUL byte (Optuna 3.1 writes one: create_study(study_name='old\x00x')). Since such a
# name is refused (t5057: JSON cannot hold it), every tool that picks a study by name through the
# list of the file's names (report, study-copy, train-trial --result-of, the best.ckpt update)
# refused the file as a whole, the other study's name in the message, where before that change
# the study asked for was read: report --study kws, study-copy --study kws and the sweep's
# train-trial --result-of exited 2. A study asked for by name is now looked up by that name; the
# file's list of names is read only to say that it is not there (or, with no --study, which
# there are), so the other study's name is said only where it is in the way. The reference:
# Optuna 3.1, which reads both studies of the file.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "optuna" optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --tag runs/kws/trial-0.json >/dev/null || exit 1
tell --db s.db --study kws --trial 0 --state complete --value 0.8125 >/dev/null || exit 1
"$PY" -W ignore - <<'PY' || exit 1
import optuna
optuna.logging.set_verbosity(optuna.logging.CRITICAL)
from optuna.distributions import FloatDistribution
s = optuna.create_study(storage="sqlite:///s.db", study_name="old\x00x", direction="maximize")
t = s.ask({"x": FloatDistribution(0, 1)}); s.tell(t, 0.25)
PY
test_expect_success "Optuna 3.1 reads both studies of the file, kws's trial 0 at 0.8125" '
  "$PY" -W ignore - <<PYEOF
import optuna
optuna.logging.set_verbosity(optuna.logging.CRITICAL)
names = sorted(s.study_name for s in optuna.get_all_study_summaries("sqlite:///s.db"))
assert names == ["kws", "old\x00x"], names
assert optuna.load_study(study_name="kws", storage="sqlite:///s.db").trials[0].value == 0.8125
PYEOF
'
test_expect_code 0 "report --study kws, another study's name holding a NUL" report --db s.db --study kws --format jsonl
test_expect_success "... prints kws's trial 0, COMPLETE at 0.8125" \
  'jq -se "map(select(.trial == 0)) | length == 1 and .[0].state == \"COMPLETE\" and .[0].value == 0.8125" out'
test_expect_code 0 "study-copy --study kws of that file" study-copy --from s.db --study kws --to c.db
test_expect_success "... Optuna 3.1 reads the copy: kws's trial 0 at 0.8125" '
  "$PY" -W ignore -c "
import optuna
optuna.logging.set_verbosity(optuna.logging.CRITICAL)
assert optuna.load_study(study_name=\"kws\", storage=\"sqlite:///c.db\").trials[0].value == 0.8125"'
test_expect_code 0 "train-trial --study kws --result-of (the sweep's lookup of a trial's file)" \
  train-trial --db s.db --study kws --result-of runs/kws/trial-0.json
test_expect_success "... prints trial 0's line: COMPLETE at 0.8125" \
  'jq -e ".study == \"kws\" and .trial == 0 and .state == \"COMPLETE\" and .value == 0.8125" out'
test_expect_code 2 "report --study nosuch: not there" report --db s.db --study nosuch
test_expect_success "... says so, or names the name it cannot read" \
  "grep -qF \"unknown study 'nosuch'\" err || grep -qF \"study_name 'old\\x00x' holds a NUL byte\" err"
test_expect_code 2 "report with no --study: the names are read, the NUL one refused" report --db s.db
test_expect_success "... names it" "grep -qF \"study_name 'old\\x00x' holds a NUL byte\" err"
