#!/usr/bin/env bash
# report: text, json, jsonl and csv agree; trials best first; --best is a trial line that
# suggest --fixed takes.
. "$WS_ROOT/tests/cli/lib.sh"
py_warm optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 5 >lines
# a study with constraints: every complete trial carries its values (one without them would be
# infeasible, as t0603 checks)
tell --db s.db --study kws --trial 0 --state complete --value 0.7 --constraint -0.1 >/dev/null
tell --db s.db --study kws --trial 1 --state complete --value 0.9 --constraint 0.2 >/dev/null
tell --db s.db --study kws --trial 2 --state complete --value 0.8 --constraint 0 >/dev/null
tell --db s.db --study kws --trial 3 --state fail --reason "diverged, loss=nan" >/dev/null
test_expect_code 0 "json" report --db s.db --format json
cp out r.json
test_expect_success "ranked: feasible complete by value, infeasible, running, failed" '[ "$(jq -c "[.trials[].trial]" r.json)" = "[2,0,1,4,3]" ]'
test_expect_success "best is the best feasible trial" '[ "$(jq .best.trial r.json)" = 2 ] && [ "$(jq -c .states r.json)" = "{\"RUNNING\":1,\"COMPLETE\":3,\"PRUNED\":0,\"FAIL\":1,\"WAITING\":0}" ]'
test_expect_code 0 "jsonl" report --db s.db --format jsonl
# each line names its study first (t0987), the json's trial object after it
test_expect_success "jsonl lines equal the json trials, with the study" 'jq -c ".study as \$s | .trials[] | {study: \$s} + ." r.json >a; jq -c . out >b; cmp a b'
test_expect_code 0 "csv" report --db s.db --format csv
test_expect_success "csv has a header, one row per trial, quoted commas" '
  [ "$(head -1 out)" = "trial,state,value,duration_s,params_learning_rate,params_batch_size,params_channels,params_dropout,params_optimizer,params_momentum,seed,reason" -o "$(head -1 out | cut -d, -f1-4)" = "trial,state,value,duration_s" ] &&
  [ "$(wc -l <out)" = 6 ] && grep -q "\"diverged, loss=nan\"" out && [ "$(sed -n 2p out | cut -d, -f1-3)" = "2,COMPLETE,0.8" ]'
test_expect_code 0 "text" report --db s.db
test_expect_success "text names the best trial" 'grep -q "best: trial 2, value 0.8" out'
test_expect_code 0 "--best" report --db s.db --best
test_expect_success "--best is a trial line suggest --fixed takes" '
  cp out best.json && [ "$(jq .trial best.json)" = 2 ] && suggest --db s.db --config c.json --fixed best.json >f &&
  [ "$(jq -c .params.learning_rate f)" = "$(jq -c .params.learning_rate best.json)" ]'
# --best prints one JSON line whatever the format: an explicit --format json or jsonl is that
# line, while text, csv or html was ignored without a word (the JSON line came out instead of the
# CSV asked for). Now they are a usage error naming both options.
test_expect_code 0 "--best --format json" report --db s.db --best --format json
test_expect_success "... is the --best line" 'cmp out best.json'
test_expect_code 0 "--format jsonl --best" report --db s.db --format jsonl --best
test_expect_success "... is the --best line" 'cmp out best.json'
for f in text csv html; do
  test_expect_code 2 "--best --format $f" report --db s.db --best --format $f
  test_expect_success "... says why, naming both options, and prints nothing" '[ ! -s out ] &&
    grep -q "^report: --best prints one JSON line: --format $f does not go with it (leave --format out, or give json or jsonl)$" err'
done
suggest --db e.db --config c.json >/dev/null
test_expect_code 1 "--best with no completed trial exits 1" report --db e.db --best
jq '.study = "other"' c.json >o.json; suggest --db s.db --config o.json >/dev/null
test_expect_code 2 "two studies need --study" report --db s.db
test_expect_code 0 "--study picks one" report --db s.db --study other --format jsonl
# A study file the reader may not write, in a directory it may not write (a read-only mount,
# another user's study): report reads it as it is and leaves it so. Root writes everything, so
# as root the reader is nobody, from a directory nobody may enter.
ro=$(mktemp -d "${TMPDIR:-/tmp}/ws-ro.XXXXXX") && cp s.db "$WS_BIN/report" "$ro/" && chmod 755 "$ro"
as_reader() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chmod 644 "$ro/s.db" || chmod 444 "$ro/s.db"
[ "$(id -u)" = 0 ] || chmod 555 "$ro"
test_expect_code 0 "a study file the reader may not write" as_reader "$ro/report" --db "$ro/s.db" --study kws --format jsonl
test_expect_success "... reads all its trials and leaves no -wal or -shm" '
  cp out ro.jsonl && report --db s.db --study kws --format jsonl >rw.jsonl && cmp ro.jsonl rw.jsonl &&
  [ "$(ls "$ro")" = "$(printf "report\ns.db")" ]'
chmod 755 "$ro"; rm -rf "$ro"
# Infinite values (Optuna stores them: INF_POS, INF_NEG) are numbers in every form, told apart
# from "no value": JSON has no infinity, so +-1.7976931348623157e+308 as for constraints; a
# parameter named like one of the CSV's own columns keeps its own column (Optuna's params_ prefix).
"$PY" -W ignore - <<'PYEOF'
import optuna
from optuna.distributions import FloatDistribution
from optuna.trial import create_trial
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="inf", storage="sqlite:///inf.db", direction="maximize")
for i, v in enumerate([1.0, float("inf"), -float("inf")]):
    s.add_trial(create_trial(params={"value": i / 10}, distributions={"value": FloatDistribution(0, 1)},
                             value=v, intermediate_values={0: v}))
PYEOF
test_expect_code 0 "an infinite best value" report --db inf.db --best
test_expect_success "... is the largest double, not null" '[ "$(jq -c "[.trial, .value > 1e308]" out)" = "[1,true]" ]'
test_expect_code 0 "jsonl with infinite values" report --db inf.db --format jsonl
test_expect_success "... values and intermediate values as +-largest double" '
  [ "$(jq -s -c "map([.trial, (.value | . > 1e308 or . < -1e308), (.intermediate_values[0][1] == .value)])" out)" = "[[1,true,true],[0,false,true],[2,true,true]]" ]'
test_expect_code 0 "csv with a parameter named value" report --db inf.db --format csv
test_expect_success "... keeps it apart from the objective's column" '
  head -1 out | grep -q "^trial,state,value,duration_s,params_value,seed,reason" &&
  [ "$(sed -n 2p out | cut -d, -f1,3,5)" = "1,1.7976931348623157e+308,0.1" ]'
# Durations are Optuna's: its datetimes hold microseconds, so duration_s is datetime_complete
# minus datetime_start to the microsecond (trial.duration), without the noise of epoch doubles.
"$PY" -W ignore - <<'PYEOF' >want.dur
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="dur", storage="sqlite:///dur.db")
s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=20)
for t in s.trials: print(t.number, repr(t.duration.total_seconds()))
PYEOF
test_expect_code 0 "jsonl of an Optuna study" report --db dur.db --format jsonl
test_expect_success "... has Optuna's durations" '
  "$PY" -c "import json, sys; [print(j[\"trial\"], repr(float(j[\"duration_s\"]))) for j in map(json.loads, sys.stdin)]" <out |
    sort -n >got.dur && sort -n want.dur | cmp - got.dur'
# A study whose only COMPLETE trial has value -inf: it is not ranked for the importance (nor by
# Optuna's evaluators, which leave out non-finite values); the text said "top 0 of 0 complete
# trials" and "needs more than 5 complete trials, has 0" of a study with one complete trial
suggest --db ninf.db --config c.json >/dev/null && tell --db ninf.db --study kws --trial 0 --state complete --value -inf >/dev/null
test_expect_code 0 "a study whose only complete trial is -inf: text" report --db ninf.db
test_expect_success "... counts finite complete trials and says so" '
  grep -q "^importance (PED-ANOVA, top 0 of 0 finite complete trials vs all): not computed: needs more than 5 complete trials with a finite value, has 0" out'
test_expect_code 0 "... json" report --db ninf.db --format json
test_expect_success "... its importance baseline says the -inf trial is left out, as the text does" '
  [ "$(jq -c "[.states.COMPLETE, .importance.n_trials, .importance.baseline]" out)" = "[1,0,\"all complete trials with a finite value\"]" ]'
# An empty study (Optuna's create_study alone): with 5 or fewer complete trials the importance is
# not computed and the note says so (report(1)), not that every parameter has one value.
"$PY" -W ignore -c 'import optuna; optuna.create_study(study_name="empty", storage="sqlite:///empty.db")' 2>/dev/null
test_expect_code 0 "json of an empty study" report --db empty.db --format json
test_expect_success "... says importance needs more complete trials" '
  [ "$(jq -c "[.n_trials, .importance.params, .importance.note]" out)" = "[0,null,\"needs more than 5 complete trials with a finite value, has 0\"]" ]'
# A study whose trials hold no parameter (an Optuna objective that suggests nothing): the note
# said "no searched parameter: every parameter has one value", of parameters there are none of.
"$PY" -W ignore -c 'import optuna; optuna.logging.set_verbosity(40); optuna.create_study(study_name="bare", storage="sqlite:///bare.db").optimize(lambda t: t.number, n_trials=8)'
test_expect_code 0 "text of a study whose trials hold no parameter" report --db bare.db
test_expect_success "... says so" 'grep -q "^importance (PED-ANOVA, top 5 of 8 finite complete trials vs all): not computed: the trials hold no parameter$" out'
# report(1)'s examples that pipe the JSON into jq run on it too: the idle share divided by
# capacity_s, which is 0 here (and while the only trials are RUNNING), and jq stopped with
# "cannot be divided because the divisor is zero".
sed -n '/^\.SH EXAMPLES/,/^\.SH SEE/s/\\-/-/gp' "$WS_ROOT/share/man/man1/report.1" | grep '^report --db s.db --format json | jq ' >examples
test_expect_success "report(1)'s json | jq examples run on the empty study" '
  [ "$(wc -l <examples)" -ge 2 ] &&
  while IFS= read -r ex; do bash -o pipefail -c "${ex/s.db/empty.db}" >ex.out || { echo "failed: $ex" >&2; exit 1; }; done <examples &&
  [ "$(jq -c . ex.out)" = "{\"slots\":0,\"idle\":null}" ]'
# A study file holding a study this reader cannot take: Optuna stores a categorical choice with
# a NUL character (JSON "\u0000"), which C strings cannot hold. It is refused (exit 2), and the
# message names the file and the study, not only "trial_params: trial 0, param c" (which of the
# file's studies?).
"$PY" -W ignore - <<'PYEOF'
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
optuna.create_study(study_name="fine", storage="sqlite:///nul.db")
s = optuna.create_study(study_name="nul", storage="sqlite:///nul.db")
s.optimize(lambda t: len(t.suggest_categorical("c", ["a", "\x00b"])), n_trials=1)
PYEOF
test_expect_code 2 "a categorical choice holding NUL is refused" report --db nul.db --study nul --format json
test_expect_success "... naming the file and the study" 'grep -q "nul.db: study .nul.: trial_params: trial 0, param c: " err'
# A categorical with None among its choices (Optuna takes None, bool, int, float and str): the
# JSON shows the choice as null, and so does the text table; it showed "c=" there, as it
# shows the choice "" (and "None" is the string "None").
"$PY" -W ignore - <<'PYEOF'
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="none", storage="sqlite:///none.db")
for c in [None, "", "None"]:
    s.enqueue_trial({"c": c})
s.optimize(lambda t: [None, "", "None"].index(t.suggest_categorical("c", [None, "", "None"])), n_trials=3)
PYEOF
test_expect_code 0 "a categorical choice None: json" report --db none.db --format jsonl
test_expect_success "... is null there, as Optuna stored it" '[ "$(jq -c .params.c out | tr "\n" " ")" = "null \"\" \"None\" " ]'
test_expect_code 0 "... text" report --db none.db
test_expect_success "... shows it as null too, apart from the choices \"\" and \"None\"" '
  grep -qE "^ +0 +COMPLETE +0 .* c=null$" out && grep -qE "^ +1 +COMPLETE +1 .* c=$" out && grep -qE "^ +2 +COMPLETE +2 .* c=None$" out'
# The choices 1 and 1.0 (0 and 0.0) of one categorical are two choices (suggest --enqueue keeps
# them apart, as t0008 shows Optuna reads them): the text table showed both as c=1 (c=0); a
# float choice keeps its ".0" there.
printf '%s\n' '{"study": "ints", "sampler": {"name": "random", "seed": 1},' \
  ' "space": {"c": {"type": "categorical", "choices": [1, 1.0, 0, 0.0, 2.5]}}}' >ints.json
printf '%s\n' '{"c": 1}' '{"c": 1.0}' '{"c": 0}' '{"c": 0.0}' '{"c": 2.5}' >ints.jsonl
suggest --db ints.db --config ints.json --enqueue ints.jsonl >/dev/null && suggest --db ints.db --config ints.json --n 5 >/dev/null &&
  for n in 0 1 2 3 4; do tell --db ints.db --study ints --trial $n --state complete --value $n >/dev/null; done ||
  echo "FAIL making the study of choices 1 and 1.0"
test_expect_code 0 "categorical choices 1 and 1.0: text" report --db ints.db
test_expect_success "... shows 1, 1.0, 0, 0.0 and 2.5" '
  for row in "0 1" "1 1.0" "2 0" "3 0.0" "4 2.5"; do
    grep -qE "^ +${row% *} +COMPLETE .* c=${row#* }$" out || { echo "no row: $row" >&2; exit 1; }; done'
# A COMPLETE trial stored with the value NaN (Optuna's add_trial takes it: the row's value is
# NULL, FINITE) has no value to rank by: it is never the best, and the trials with a value keep
# their order before it. It was compared as a number, so the sort went astray: --best named a
# NaN trial ("value": null) and 0.5 was ranked below 0.1. Optuna's best_trial (maximize:
# SQLite sorts the NULL last) is the golden best.
"$PY" -W ignore - <<'PYEOF' >want.nan
import math, optuna
from optuna.distributions import FloatDistribution
from optuna.trial import create_trial
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="nan", storage="sqlite:///nan.db", direction="maximize")
for i, v in enumerate([0.5, float("nan"), 0.7, float("nan"), 0.1, 0.9, 0.3]):
    s.add_trial(create_trial(params={"x": i / 10}, distributions={"x": FloatDistribution(0, 1)}, value=v))
print(s.best_trial.number)
valued = sorted((t for t in s.trials if not math.isnan(t.value)), key=lambda t: (-t.value, t.number))
print(" ".join(str(t.number) for t in valued + [t for t in s.trials if math.isnan(t.value)]))
s = optuna.create_study(study_name="two", storage="sqlite:///nan.db", direction="maximize")
for i, v in enumerate([0.5, float("nan")]):
    s.add_trial(create_trial(params={"x": i / 10}, distributions={"x": FloatDistribution(0, 1)}, value=v))
print(s.best_trial.number)
s = optuna.create_study(study_name="allnan", storage="sqlite:///nan.db")
s.add_trial(create_trial(params={"x": 0.1}, distributions={"x": FloatDistribution(0, 1)}, value=float("nan")))
PYEOF
test_expect_code 0 "--best of a study with NaN-valued complete trials" report --db nan.db --study nan --best
test_expect_success "... is the best trial of Optuna, with its value" '
  [ "$(jq -c "[.trial, .value]" out)" = "[$(sed -n 1p want.nan),0.9]" ]'
test_expect_code 0 "... jsonl" report --db nan.db --study nan --format jsonl
test_expect_success "... ranks the valued trials by value, the NaN ones after them" '
  [ "$(jq -r .trial out | paste -sd" ")" = "$(sed -n 2p want.nan)" ]'
test_expect_code 0 "... text" report --db nan.db --study nan
test_expect_success "... names the same best" 'grep -q "^best: trial $(sed -n 1p want.nan), value 0.9$" out'
test_expect_code 0 "--best of a study of 0.5 and NaN" report --db nan.db --study two --best
test_expect_success "... is the best trial of Optuna, 0.5" '[ "$(jq -c "[.trial, .value]" out)" = "[$(sed -n 3p want.nan),0.5]" ]'
test_expect_code 1 "--best when the only complete trial is NaN" report --db nan.db --study allnan --best
test_expect_success "... says why" 'grep -q "no best trial: no complete trial has a value (each is NaN) (1 complete)" err'
test_expect_code 0 "... text" report --db nan.db --study allnan
test_expect_success "... says the same" 'grep -q "^best: none: no complete trial has a value (each is NaN)$" out'
# Control characters in a study's names and values (Optuna takes any string): the text form
# printed them as they were, so a categorical choice "a\nb" split its trial's row in two and a
# study name holding ESC [2J cleared the terminal. They read \xNN there (C0, DEL, C1; other
# UTF-8 text as it is); the JSON has them escaped already. (The params by name, "f\tx" first: the
# study has no config, report(1).)
"$PY" -W ignore - <<'PYEOF'
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="s\x1b[2Jt", storage="sqlite:///ctl.db")
choices = ["a\nb", "c\x1bd", "\u00e9\u0085"]
for i in range(7):
    s.enqueue_trial({"p\nq": choices[i % 3]})
s.optimize(lambda t: choices.index(t.suggest_categorical("p\nq", choices)) + 0 * len(t.suggest_categorical("f\tx", ["one"])), n_trials=7)
PYEOF
test_expect_code 0 "text of a study with control characters in its names and values" report --db ctl.db
test_expect_success "... has one line per trial and no control character" '
  [ "$(wc -l <out)" = 13 ] && ! LC_ALL=C grep -q "[[:cntrl:]]" out && ! grep -q "$(printf "\302\205")" out'
test_expect_success "... shows them as \\xNN" '
  grep -qx "study s\\\\x1b\[2Jt (minimize): 7 trials: 7 complete, 0 pruned, 0 running, 0 waiting, 0 failed" out &&
  grep -qE "^ +0 +COMPLETE +0 .* f\\\\x09x=one p\\\\x0aq=a\\\\x0ab$" out && grep -qE "^ +1 +COMPLETE +1 .* f\\\\x09x=one p\\\\x0aq=c\\\\x1bd$" out &&
  grep -qE "^ +2 +COMPLETE +2 .* f\\\\x09x=one p\\\\x0aq=$(printf "\303\251")\\\\xc2\\\\x85$" out &&
  grep -q "^importance (PED-ANOVA, top 5 of 7 finite complete trials vs all): p\\\\x0aq 100.0%; fixed: f\\\\x09x$" out'
