#!/usr/bin/env bash
# suggest --enqueue (Optuna's enqueue_trial: WAITING trials claimed first, each exactly once,
# even by concurrent suggests) and --fixed (parameters fixed from a trial line).
. "$WS_ROOT/tests/cli/lib.sh"
py_warm optuna pywarm_optuna   # (a storage's first-use costs too, paid once: tests/cli/pywarm_optuna.py)
cp "$WS_ROOT/tests/cli/study.json" c.json
printf '%s\n' '{"learning_rate": 0.001, "batch_size": 64}' '{"params": {"learning_rate": 0.002, "optimizer": "sgd", "momentum": 0.9}}' \
  '{"learning_rate": 0.003}' '{"learning_rate": 0.004}' >q.jsonl
test_expect_code 0 "enqueue four parameter sets" suggest --db s.db --config c.json --enqueue q.jsonl
test_expect_success "... as WAITING trials 0..3 with fixed_params" '
  [ "$(jq -r .state out | sort -u)" = WAITING ] && [ "$(sqlite3 s.db "SELECT count(*) FROM trial_system_attributes WHERE key=\"fixed_params\"")" = 4 ]'
# --n 3 with --enqueue queued the file once, without a word; --fixed, --tag and --pid, which
# shape sampled trials, were ignored too: refused, and nothing queued
# --seed S seeded none of the queued trials (their seeds come from the suggest that claims them)
for opt in "--n 3" "--fixed q1.json" "--tag t" "--pid $$" "--seed 5"; do
  head -1 q.jsonl >q1.json
  test_expect_code 2 "--enqueue with $opt" suggest --db s.db --config c.json --enqueue q.jsonl $opt
  test_expect_success "... says it goes with sampled trials; nothing queued" '
    grep -q "^suggest: ${opt%% *} goes with sampled trials, not --enqueue" err &&
    [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 4 ]'
done
( suggest --db s.db --config c.json --n 2 >a & suggest --db s.db --config c.json --n 2 >b & wait )
cat a b >claimed
test_expect_success "concurrent suggests claim each queued trial exactly once" '
  [ "$(jq -r .params.learning_rate claimed | sort | tr "\n" " ")" = "0.001 0.002 0.003 0.004 " ] &&
  [ "$(jq -r .trial claimed | sort | tr "\n" " ")" = "0 1 2 3 " ]'
test_expect_success "queued values kept, the rest sampled" '
  jq -s -e "map(select(.params.learning_rate == 0.002)) | length == 1 and .[0].params.optimizer == \"sgd\" and .[0].params.momentum == 0.9 and (.[0].params.batch_size|type) == \"number\"" claimed'
test_expect_success "the next suggest samples a new trial" 'suggest --db s.db --config c.json >n && [ "$(jq .trial n)" = 4 ] && [ "$(jq .params.learning_rate n)" != 0.004 ]'
printf '{"learning_rate": 5}\n' >badq.jsonl
test_expect_code 2 "an enqueued value outside the space is refused" suggest --db s.db --config c.json --enqueue badq.jsonl
test_expect_success "... naming file, line and parameter" 'grep -q "badq.jsonl:1.learning_rate: 5.0 is outside" err'
echo '{"study":"kws","trial":9,"state":"COMPLETE","value":0.9,"params":{"learning_rate":0.0005,"batch_size":128,"stage1_only":"x"}}' >best.json
test_expect_code 0 "--fixed takes a trial line" suggest --db s.db --config c.json --fixed best.json --n 3
test_expect_success "every trial holds the fixed values" '[ "$(jq -c "[.params.learning_rate,.params.batch_size,.params.stage1_only]" out | sort -u)" = "[0.0005,128,\"x\"]" ]'
test_expect_success "Optuna reads a fixed param outside the space" '
  ! "$PY" -c "import optuna" 2>/dev/null || "$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
t = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///s.db\").trials[-1]
assert t.params[\"stage1_only\"] == \"x\", t.params"'
# A fixed number outside its distribution (channels off the step grid, dropout between grid
# points, learning_rate past high): Optuna's PartialFixedSampler uses each as given, with a
# warning; suggest --fixed refused them (exit 2), so a stage-1 best failed a narrower stage 2.
# A value no choice matches is refused by both (Optuna's suggest raises).
echo '{"channels": 20, "dropout": 0.25, "learning_rate": 0.05}' >off.json
test_expect_success "Optuna's PartialFixedSampler uses off-grid and out-of-range fixed values" '"$PY" -W ignore -c "
import optuna, warnings; optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(sampler=optuna.samplers.PartialFixedSampler(
    {\"channels\": 20, \"dropout\": 0.25, \"learning_rate\": 0.05}, optuna.samplers.RandomSampler(0)))
t = s.ask()
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter(\"always\")
    got = [t.suggest_int(\"channels\", 16, 128, step=16), t.suggest_float(\"dropout\", 0.0, 0.5, step=0.1),
           t.suggest_float(\"learning_rate\", 1e-4, 1e-2, log=True)]
assert sum(\"out of range\" in str(x.message) for x in w) == 3, [str(x.message) for x in w]
print(\"[%d,%r,%r]\" % tuple(got))
s = optuna.create_study(sampler=optuna.samplers.PartialFixedSampler({\"batch_size\": 48}, optuna.samplers.RandomSampler(0)))
try: s.ask().suggest_categorical(\"batch_size\", [32, 64, 128]); raise SystemExit(\"batch_size 48 taken\")
except ValueError: pass
" >optuna-off.out && [ "$(cat optuna-off.out)" = "[20,0.25,0.05]" ]'
test_expect_code 0 "--fixed numbers outside the space" suggest --db off.db --config c.json --fixed off.json --n 2
test_expect_success "... are used as given, as Optuna does, each with a warning" '
  [ "$(jq -c "[.params.channels,.params.dropout,.params.learning_rate]" out | sort -u)" = "$(cat optuna-off.out)" ] &&
  grep -q "off.json.channels: 20 is off the step grid of \[16, 128\] (16 + a multiple of 16); used as given" err &&
  grep -q "off.json.dropout: 0.25 is off the step grid of \[0.0, 0.5\] (0.0 + a multiple of 0.1); used as given" err && grep -q "off.json.learning_rate: 0.05 is outside .*; used as given" err'
test_expect_success "... and Optuna reads them back" '"$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
t = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///off.db\").trials[1]
assert (t.params[\"channels\"], t.params[\"dropout\"], t.params[\"learning_rate\"]) == (20, 0.25, 0.05), t.params"'
echo '{"batch_size": 48}' >nochoice.json
test_expect_code 2 "--fixed batch_size 48, no choice of the space, is refused" suggest --db off.db --config c.json --fixed nochoice.json
test_expect_success "... naming file and parameter, no trial made" '
  grep -q "nochoice.json.batch_size: 48 is not one of the choices" err && [ "$(sqlite3 off.db "SELECT count(*) FROM trials")" = 2 ]'
# A trial's result line (a sweep's trial-NNN.json: study, trial, state, value, metrics; no params)
# is not a set of params: its keys were fixed as parameters, or it failed on "metrics".
echo '{"study":"kws","trial":9,"state":"COMPLETE","value":0.9}' >result.json
echo '{"study":"kws","trial":9,"state":"COMPLETE","value":0.9,"metrics":{"f1":0.9}}' >result2.json
n0=$(sqlite3 s.db "SELECT count(*) FROM trials")
test_expect_code 2 "--fixed with a trial's result line (no params) is refused" suggest --db s.db --config c.json --fixed result.json
test_expect_success "... saying what to give, no trial made" '
  grep -q "result.json: a trial.s result line without params; give a line with params (report --db DB --study NAME --best" err &&
  [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = "$n0" ]'
test_expect_code 2 "... one with metrics too" suggest --db s.db --config c.json --fixed result2.json
test_expect_success "... says the same" 'grep -q "result2.json: a trial.s result line without params" err'
# --enqueue took such lines (a sweep's trial files, cat runs/S/trial-*.json) as parameter sets:
# the trial that claimed one held params study, trial, state and value, which train-trial refuses.
cat result.json result.json >results.jsonl
test_expect_code 2 "--enqueue with trial result lines (no params) is refused" suggest --db s.db --config c.json --enqueue results.jsonl
test_expect_success "... naming the line, saying what to give, nothing queued" '
  grep -q "results.jsonl:1: a trial.s result line without params; give a line with params" err && [ ! -s out ] &&
  [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = "$n0" ]'
# Inactive conditional parameters: Optuna uses a fixed value only when the objective suggests
# the parameter, so momentum (asked for only with sgd) is dropped under adam, from the trial
# line and from the stored params (which TPE's history reads).
printf '%s\n' '{"learning_rate": 0.001, "optimizer": "adam", "momentum": 0.9}' >inact.jsonl
suggest --db i.db --config c.json --enqueue inact.jsonl >/dev/null
test_expect_code 0 "claim an enqueued trial with an inactive momentum" suggest --db i.db --config c.json
test_expect_success "... momentum is dropped, the rest kept" '
  jq -e ".params | has(\"momentum\") == false and .optimizer == \"adam\" and .learning_rate == 0.001" out >/dev/null &&
  [ "$(sqlite3 i.db "SELECT count(*) FROM trial_params WHERE param_name = \"momentum\"")" = 0 ]'
echo '{"momentum": 0.9}' >mom.json
test_expect_code 0 "--fixed momentum with the optimizer sampled" suggest --db f.db --config c.json --fixed mom.json --n 12
test_expect_success "... momentum 0.9 exactly in the sgd trials, absent in the others" '
  jq -e "select((.params.optimizer == \"sgd\") != (.params.momentum == 0.9) or ((.params.optimizer == \"sgd\") != (.params | has(\"momentum\"))))" out >bad;
  [ ! -s bad ] && jq -s -e "any(.params.optimizer == \"sgd\") and any(.params.optimizer != \"sgd\")" out >/dev/null &&
  [ "$(sqlite3 f.db "SELECT count(*) FROM trial_params WHERE param_name = \"momentum\"")" = "$(jq -s "map(select(.params.optimizer == \"sgd\")) | length" out)" ]'
echo '{"optimizer": "adamw", "momentum": 0.9}' >adamw.json
test_expect_success "--fixed optimizer adamw and momentum: no trial holds momentum" '
  suggest --db f.db --config c.json --fixed adamw.json --n 3 >o && [ "$(jq -c "[.params.optimizer, (.params|has(\"momentum\"))]" o | sort -u)" = "[\"adamw\",false]" ]'
test_expect_success "Optuna reads the same params (no momentum under adam)" '
  ! "$PY" -c "import optuna" 2>/dev/null || "$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
t = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///i.db\").trials[0]
assert \"momentum\" not in t.params and t.params[\"optimizer\"] == \"adam\", t.params"'
# --enqueue is all or nothing: a bad line queues none, so the fixed file can be given again.
printf '%s\n' '{"learning_rate": 0.001}' '{"learning_rate": 5}' >half.jsonl
test_expect_code 2 "an enqueue file with a bad second line is refused" suggest --db q.db --config c.json --enqueue half.jsonl
test_expect_success "... naming line 2, printing nothing, queueing nothing" '
  grep -q "half.jsonl:2.learning_rate: 5.0 is outside" err && [ ! -s out ] &&
  [ "$(sqlite3 q.db "SELECT count(*) FROM trials")" = 0 ]'
printf '%s\n' '{"learning_rate": 0.001}' '{"learning_rate": 0.005}' >half.jsonl
test_expect_code 0 "... the fixed file is then queued" suggest --db q.db --config c.json --enqueue half.jsonl
test_expect_success "... each line exactly once" '
  [ "$(jq -c "[.trial, .params.learning_rate]" out | tr "\n" " ")" = "[0,0.001] [1,0.005] " ] &&
  [ "$(sqlite3 q.db "SELECT count(*) FROM trials WHERE state = \"WAITING\"")" = 2 ]'
# A NUL byte hides the rest of its line from C's string calls: refused, naming the line, and
# nothing queued (the bad value after it would otherwise go unread).
printf '{"learning_rate": 0.002}\n{"learning_rate": 0.003}\000{"learning_rate": "bad"}\n' >nul.jsonl
test_expect_code 2 "a NUL byte in the enqueue file" suggest --db q.db --config c.json --enqueue nul.jsonl
test_expect_success "... is refused, naming the line, and nothing is queued" '
  grep -q "nul.jsonl:2: a NUL byte" err && [ "$(sqlite3 q.db "SELECT count(*) FROM trials WHERE state = \"WAITING\"")" = 2 ]'
# Optuna's study name is 512 characters (String(512)), not bytes: 300 two-byte characters are a name.
long=$(printf 'é%.0s' $(seq 300))
test_expect_code 0 "--study of 300 two-byte characters" suggest --db l.db --config c.json --study "$long"
test_expect_success "... the trial line names the whole study" '[ "$(jq -r .study out)" = "$long" ]'
test_expect_code 0 "... and tell finishes its trial" tell --db l.db --study "$long" --trial 0 --state fail
test_expect_success "... naming it whole too" '[ "$(jq -r .study out)" = "$long" ]'
test_expect_code 2 "--study of 513 characters" suggest --db l.db --config c.json --study "$(printf 'é%.0s' $(seq 513))" --n 0
test_expect_success "... says the limit in characters" 'grep -q "1 to 512 characters" err'
# A WAITING trial that already holds params, as Optuna's RetryFailedTrialCallback queues a failed
# trial again (add_trial with params, fixed_params among the system attributes it copies):
# Optuna's ask returns the params the trial holds, and never reads (nor checks) a fixed value of
# one of them (batch_size 3 is no choice). suggest once tried to store them a second time
# (UNIQUE constraint failed, exit 3, and every later suggest of the study the same).
suggest --db r.db --config c.json --n 0 >/dev/null
test_expect_success "Optuna queues a trial that holds params (and fixed_params)" '"$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
from optuna.distributions import CategoricalDistribution as C, FloatDistribution as F
s = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///r.db\")
s.add_trial(optuna.create_trial(state=optuna.trial.TrialState.WAITING, params={\"batch_size\": 64, \"learning_rate\": 0.001},
    distributions={\"batch_size\": C([32, 64, 128]), \"learning_rate\": F(1e-4, 1e-2, log=True)},
    system_attrs={\"failed_trial\": 3, \"retry_history\": [3],
                  \"fixed_params\": {\"learning_rate\": 0.002, \"batch_size\": 3, \"dropout\": 0.3}}))
" && cp r.db r-optuna.db'
test_expect_success "... Optuna asks it with the params it holds, then fixed_params" '"$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
from optuna.distributions import CategoricalDistribution as C, FloatDistribution as F
t = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///r-optuna.db\").ask()
got = [t._suggest(\"batch_size\", C([32, 64, 128])), t._suggest(\"learning_rate\", F(1e-4, 1e-2, log=True)),
       t._suggest(\"dropout\", F(0.0, 0.5, step=0.1))]
print(got)
assert got == [64, 0.001, 0.3], got
" >optuna-held.out'
test_expect_code 0 "suggest claims it" suggest --db r.db --config c.json
test_expect_success "... saying nothing of the fixed values it does not read" '[ ! -s err ]'
test_expect_success "... with the same params as Optuna, each stored once" '
  [ "$(jq -c "[.trial, .params.batch_size, .params.learning_rate, .params.dropout]" out)" = "[0,64,0.001,0.3]" ] &&
  [ "$(sqlite3 r.db "SELECT count(*), count(DISTINCT param_name) FROM trial_params")" = "$(jq -r ".params | length | \"\(.)|\(.)\"" out)" ]'
test_expect_code 0 "... and the next suggest samples a new trial" suggest --db r.db --config c.json
# suggest --reap queues a dead trial again as Optuna's RetryFailedTrialCallback does: when the
# retry dies too, its retry carries the original trial's number as failed_trial
# (RetryFailedTrialCallback.retried_trial_number) and the whole retry_history. Optuna's callback,
# run on a copy of the same study, gives the values expected.
dead=$(sh -c 'echo $$')
suggest --db d.db --config c.json --pid "$dead" >/dev/null
suggest --db d.db --config c.json --reap --n 0 2>/dev/null
suggest --db d.db --config c.json --pid "$dead" >/dev/null
cp d.db d-optuna.db
test_expect_code 0 "a retry whose process is gone too is reaped" suggest --db d.db --config c.json --reap --n 0
test_expect_success "... its retry names the original trial, as Optuna's RetryFailedTrialCallback" '"$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
from optuna.storages import RetryFailedTrialCallback as R
o = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///d-optuna.db\")
o._storage.set_trial_state_values(o.trials[1]._trial_id, optuna.trial.TrialState.FAIL)
R()(o, o.trials[1])
want = (R.retried_trial_number(o.trials[2]), R.retry_history(o.trials[2]))
t = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///d.db\").trials[2]
got = (R.retried_trial_number(t), R.retry_history(t))
assert want == (0, [0, 1]) and got == want, (want, got)
"'
# A trial Optuna's enqueue_trial queued with a value outside the space: Optuna's ask uses the
# value, with a warning (_is_fixed_param). suggest once refused it, leaving the trial WAITING, so
# that every later suggest of the study refused it again (exit 2).
suggest --db o.db --config c.json --n 0 >/dev/null
test_expect_success "Optuna enqueues learning_rate 0.05, outside [1e-4, 1e-2], and its ask uses it" '"$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
optuna.load_study(study_name=\"kws\", storage=\"sqlite:///o.db\").enqueue_trial({\"learning_rate\": 0.05})
" && cp o.db o-optuna.db && "$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
t = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///o-optuna.db\").ask()
print(t.suggest_float(\"learning_rate\", 1e-4, 1e-2, log=True))
" >optuna-lr.out && [ "$(cat optuna-lr.out)" = 0.05 ]'
test_expect_code 0 "suggest claims that trial" suggest --db o.db --config c.json
test_expect_success "... with Optuna's value, and says it is outside the space" '
  [ "$(jq -c "[.trial, .params.learning_rate]" out)" = "[0,$(cat optuna-lr.out)]" ] && grep -q "learning_rate: 0.05 is outside .*used as given" err'
# A queued value the trial cannot take at all (batch_size 3 is no choice): Optuna's suggest raises
# and the trial ends FAIL, the study going on. suggest once refused it and left it WAITING, and
# so refused every later suggest of the study (exit 2).
suggest --db b.db --config c.json --n 0 >/dev/null
test_expect_success "Optuna: a trial enqueued with batch_size 3 ends FAIL" '"$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
optuna.load_study(study_name=\"kws\", storage=\"sqlite:///b.db\").enqueue_trial({\"batch_size\": 3})
" && cp b.db b-optuna.db && "$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///b-optuna.db\")
s.optimize(lambda t: t.suggest_categorical(\"batch_size\", [32, 64, 128]), n_trials=1, catch=(ValueError,))
assert [t.state.name for t in s.trials] == [\"FAIL\"], s.trials
"'
test_expect_code 0 "suggest fails that trial and makes the next" suggest --db b.db --config c.json
test_expect_success "... trial 0 FAIL, saying why; trial 1 sampled" '
  [ "$(jq .trial out)" = 1 ] && grep -q "batch_size: 3 is not one of the choices: trial 0 marked FAIL" err &&
  [ "$(sqlite3 b.db "SELECT state FROM trials WHERE number = 0")" = FAIL ] &&
  [ "$(report --db b.db --format jsonl | jq -r "select(.trial == 0) | .reason")" = "enqueued trial 0.batch_size: 3 is not one of the choices" ]'
# Many such trials (a script's enqueue_trial loop gone wrong): suggest called itself once per
# trial it failed, and died of SIGSEGV (a stack overflow) after some 20000 with an 8 MiB stack.
# 5000 queued batch_size 3 (bulk-inserted as Optuna's enqueue_trial writes them), under a 512 KiB
# stack (a quarter of the trials and of the stack: the recursion, ~21800 deep in 8 MiB, died at
# ~1400 here): all failed, and trial 5000 sampled.
suggest --db many.db --config c.json --n 0 >/dev/null
sqlite3 many.db "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < 5000)
  INSERT INTO trials (trial_id, number, study_id, state) SELECT i + 1, i, 1, 'WAITING' FROM n;
  INSERT INTO trial_system_attributes (trial_id, key, value_json)
    SELECT trial_id, 'fixed_params', '{\"batch_size\": 3}' FROM trials;"
test_expect_code 0 "5000 unusable queued trials: suggest fails them all and makes the next" \
  bash -c 'ulimit -s 512 && exec suggest --db many.db --config c.json'
test_expect_success "... trial 5000 sampled, 5000 FAIL saying why" '
  [ "$(jq .trial out)" = 5000 ] && [ "$(grep -c "batch_size: 3 is not one of the choices: trial [0-9]* marked FAIL" err)" = 5000 ] &&
  [ "$(sqlite3 many.db "SELECT state, count(*) FROM trials GROUP BY state ORDER BY state")" = "FAIL|5000
RUNNING|1" ]'
# Under TPE each of them cost a load of the whole history (4000: about a minute; 100000:
# hours): it is loaded once a trial is usable. 4000 of them, in well under 30 s.
jq '.study = "tpe" | .sampler = {"name": "tpe", "seed": 1}' c.json >tpe.json
suggest --db many-tpe.db --config tpe.json --n 0 >/dev/null
sqlite3 many-tpe.db "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < 4000)
  INSERT INTO trials (trial_id, number, study_id, state) SELECT i + 1, i, 1, 'WAITING' FROM n;
  INSERT INTO trial_system_attributes (trial_id, key, value_json)
    SELECT trial_id, 'fixed_params', '{\"batch_size\": 3}' FROM trials;"
test_expect_code 0 "4000 unusable queued trials under TPE: failed in well under 30 s" \
  timeout 30 suggest --db many-tpe.db --config tpe.json
test_expect_success "... and trial 4000 sampled" '[ "$(jq .trial out)" = 4000 ]'
# An int value past 2^53 (Optuna's enqueue_trial queues channels 1e300; Optuna's ask then holds
# 1e300, a 301-digit integer): no double holds it exactly and no int64 shows it, so the
# claimed trial's line said channels -9223372036854775808 while the study held 1e300. The trial
# cannot take it: it is failed with the reason, as a value no choice matches is; --fixed refuses
# it, as it refuses 9007199254740993, which read as ...992.
suggest --db big.db --config c.json --n 0 >/dev/null
test_expect_success "Optuna enqueues channels 1e300; its ask takes it, a 301-digit int" '"$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
optuna.load_study(study_name=\"kws\", storage=\"sqlite:///big.db\").enqueue_trial({\"channels\": 1e300})
" && cp big.db big-optuna.db && "$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
v = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///big-optuna.db\").ask().suggest_int(\"channels\", 16, 128, step=16)
assert v == 1e300 and len(str(int(v))) == 301, v"'
test_expect_code 0 "suggest claims it" suggest --db big.db --config c.json
test_expect_success "... fails it, saying why, and makes trial 1; no line shows another channels" '
  [ "$(jq .trial out)" = 1 ] && grep -q "channels: expected an integer within +-2^53, got 1e+300: trial 0 marked FAIL" err &&
  [ "$(sqlite3 big.db "SELECT state FROM trials WHERE number = 0")" = FAIL ] && ! grep -q 9223372036854775808 out'
for v in 1e+300 9007199254740993 -9007199254740993; do
  echo "{\"channels\": $v}" >big.json
  test_expect_code 2 "--fixed channels $v" suggest --db big.db --config c.json --fixed big.json
  test_expect_success "... is refused, naming the value as written" 'grep -q "big.json.channels: expected an integer within +-2^53, got $v" err'
done
# What a study holds for an int parameter shows as Optuna shows it (int(value)): Optuna's own
# enqueue_trial and ask store channels 1e300 and 2.5 as given. The trial line and report turned
# 1e300 into -9223372036854775808 (llround) and 2.5 into 3, where Optuna reads 1e300's 301-digit
# int and 2.
suggest --db ob.db --config c.json --n 0 >/dev/null
test_expect_success "Optuna runs trials with channels 1e300 and 2.5 enqueued" '"$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///ob.db\")
for v in (1e300, 2.5):
    s.enqueue_trial({\"channels\": v}); t = s.ask(); t.suggest_int(\"channels\", 16, 128, step=16); s.tell(t, 0.5)
" && "$PY" -W ignore -c "
import optuna, json; optuna.logging.set_verbosity(optuna.logging.ERROR)
print(json.dumps([float(t.params[\"channels\"]) if abs(t.params[\"channels\"]) > 2**63 else t.params[\"channels\"]
                  for t in optuna.load_study(study_name=\"kws\", storage=\"sqlite:///ob.db\").trials]))
" >optuna-ch.out && [ "$(cat optuna-ch.out)" = "[1e+300, 2]" ]'
test_expect_code 0 "report --format jsonl on it" report --db ob.db --format jsonl
test_expect_success "... shows channels as Optuna reads them" '
  [ "$(jq -s -c "sort_by(.trial) | map(.params.channels)" out)" = "$(jq -c . optuna-ch.out)" ]'
# Categorical choices that only their JSON type tells apart (true, 1, 1.0, "1", null), as
# Optuna's CategoricalDistribution keeps them: a queued or fixed value names the choice written
# so. Numbers alone were compared, so 1.0 named the 1 before it and no trial could hold 1.0
# (nor 0.0 after 0). Optuna reads each trial's value back with its type (the golden: the value
# as queued); a number that no choice has in its type still names the equal one (64.0 for 64).
cat >cat.json <<'J'
{"study": "cat", "sampler": {"name": "random", "seed": 1},
 "space": {"c": {"type": "categorical", "choices": [true, 1, 1.0, "1", null, false, 0, 0.0]},
           "b": {"type": "categorical", "choices": [32, 64]}}}
J
printf '%s\n' '{"c": 1.0, "b": 64.0}' '{"c": 0.0}' '{"c": 1}' '{"c": true}' '{"c": "1"}' '{"c": null}' '{"c": 0}' '{"c": false}' >cat.jsonl
test_expect_code 0 "enqueue each of true, 1, 1.0, \"1\", null, false, 0, 0.0" suggest --db cat.db --config cat.json --enqueue cat.jsonl
test_expect_code 0 "... suggest claims the eight" suggest --db cat.db --config cat.json --n 8
test_expect_success "... each trial line holds the choice as queued" '
  [ "$(grep -o "\"c\":[^,}]*" out | tr "\n" " ")" = "\"c\":1.0 \"c\":0.0 \"c\":1 \"c\":true \"c\":\"1\" \"c\":null \"c\":0 \"c\":false " ] &&
  [ "$(jq -s -c "map(.params.b) | .[0]" out)" = 64 ]'
test_expect_success "... and Optuna reads each trial's value back, type and all" '"$PY" -W ignore -c "
import json, optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
want = [json.loads(l)[\"c\"] for l in open(\"cat.jsonl\")]
got = [t.params[\"c\"] for t in optuna.load_study(study_name=\"cat\", storage=\"sqlite:///cat.db\").trials]
assert [(type(v), v) for v in got] == [(type(v), v) for v in want], (got, want)
"'
printf '{"c": 0.0}\n' >catfix.json
test_expect_code 0 "--fixed 0.0" suggest --db catf.db --config cat.json --fixed catfix.json
test_expect_success "... holds the choice 0.0, not 0" '
  grep -q "\"c\":0.0," out && [ "$(sqlite3 catf.db "SELECT param_value FROM trial_params WHERE param_name = \"c\"")" = 7.0 ]'
