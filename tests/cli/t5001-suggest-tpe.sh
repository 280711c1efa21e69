#!/usr/bin/env bash
# suggest with the TPE sampler through the real store: a short ask/tell loop (wakesweep and
# Optuna modes); suggestions stay inside the space, conditional parameters come only with their
# parent, the same seed gives the same trials in a fresh database, and a bad sampler config is
# exit 2 naming the field.
. "$WS_ROOT/tests/cli/lib.sh"
# minimise a function of the example space: best at lr 10^-2.5, dropout 0.2, sgd with momentum 0.9
f='.params | ((.learning_rate | log10) + 2.5) as $u | ($u * $u) + ((.dropout - 0.2) * (.dropout - 0.2))
   + (if .optimizer == "sgd" then (.momentum - 0.9) * (.momentum - 0.9) else 0.1 end)'
run_loop() {  # DB CONFIG N: N rounds of suggest | tell; trial lines appended to DB.lines
  local i
  for i in $(seq "$3"); do
    suggest --db "$1" --config "$2" >line || return 1
    cat line >>"$1.lines"
    tell --db "$1" --study kws --trial "$(jq .trial line)" --state complete --value "$(jq "$f" line)" >/dev/null || return 1
  done
}
inside='(.learning_rate >= 1e-4 and .learning_rate <= 1e-2) and (.channels % 16 == 0 and .channels >= 16
        and .channels <= 128) and (.dropout >= 0 and .dropout <= 0.5) and (.batch_size as $b | [32, 64, 128] | index($b) != null)
        and (.optimizer as $o | ["adam", "adamw", "sgd"] | index($o) != null)'
for mode in wakesweep optuna; do
  jq --arg m $mode '.direction = "minimize" | .sampler = {"name": "tpe", "mode": $m, "seed": 3, "n_startup_trials": 4}' \
    "$WS_ROOT/tests/cli/study.json" >c-$mode.json
  test_expect_success "$mode: 16 rounds of suggest and tell" "run_loop $mode.db c-$mode.json 16"
  test_expect_success "$mode: every trial COMPLETE, numbered 0..15" \
    "[ \"\$(sqlite3 $mode.db \"SELECT count(*), min(number), max(number) FROM trials WHERE state='COMPLETE'\")\" = '16|0|15' ]"
  test_expect_success "$mode: values inside the space" "jq -se 'all(.[].params; $inside)' $mode.db.lines >/dev/null"
  test_expect_success "$mode: momentum exactly when the optimizer is sgd" \
    "[ \"\$(jq -c 'select((.params.optimizer == \"sgd\") != (.params | has(\"momentum\")))' $mode.db.lines | wc -l)\" = 0 ]"
done
run_loop again.db c-wakesweep.json 16 >/dev/null 2>&1
test_expect_success "same seed, fresh database: the same 16 trials" "cmp again.db.lines wakesweep.db.lines"
jq '.sampler = {"name": "tpe", "gamma": 2}' "$WS_ROOT/tests/cli/study.json" >bad.json
test_expect_code 2 "bad sampler config is exit 2" suggest --db bad.db --config bad.json
test_expect_success "... naming the field" 'grep -q "sampler.gamma" err'
# Optuna samples its relative (multivariate) search space whole, enqueued parameters included,
# and only then lets their queued values win: with the same seed and history, queueing some
# parameters leaves the joint values of the others as they are without them. Optuna shows it on
# the same study, and so does suggest claiming a set queued by --enqueue. Its
# PartialFixedSampler, which suggest --fixed is, takes the fixed parameters out of that search
# space instead: the others are sampled as on a study that never had the fixed ones.
jq '.direction = "minimize" | .sampler = {"name": "tpe", "mode": "optuna", "multivariate": true, "n_startup_trials": 4}' \
  "$WS_ROOT/tests/cli/study.json" >c-mv.json
test_expect_success "optuna multivariate: 12 rounds of suggest and tell" "run_loop mv.db c-mv.json 12"
echo '{"batch_size": 128, "channels": 16}' >fx.json
for d in free queued fixed less py1 py2 py3; do cp mv.db mv-$d.db; done
# the study without batch_size and channels: their rows gone, the config fixing them instead
sqlite3 mv-less.db "DELETE FROM trial_params WHERE param_name IN ('batch_size', 'channels')"
jq '.space |= del(.batch_size, .channels) | .fixed = {"batch_size": 128, "channels": 16}' c-mv.json >c-less.json
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
test_expect_success "Optuna: queueing batch_size and channels leaves the joint sample of the rest" '"$PY" -W ignore -c "
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
def ask(db, fixed):
    s = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///\" + db,
                          sampler=optuna.samplers.TPESampler(multivariate=True, n_startup_trials=4, seed=5))
    if fixed: s.enqueue_trial({\"batch_size\": 128, \"channels\": 16})
    t = s.ask()
    d = s.trials[0].distributions
    return {k: t._suggest(k, d[k]) for k in (\"learning_rate\", \"batch_size\", \"channels\", \"dropout\", \"optimizer\")}
a, b = ask(\"mv-py1.db\", False), ask(\"mv-py2.db\", True)
assert (b[\"batch_size\"], b[\"channels\"]) == (128, 16), b
assert all(a[k] == b[k] for k in (\"learning_rate\", \"dropout\", \"optimizer\")), (a, b)
"'
test_expect_success "Optuna: PartialFixedSampler samples the rest as a study without the fixed ones" '"$PY" -W ignore -c "
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
rest = (\"learning_rate\", \"dropout\", \"optimizer\")
tpe = lambda: optuna.samplers.TPESampler(multivariate=True, n_startup_trials=4, seed=5)
s = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///mv-py3.db\",
                      sampler=optuna.samplers.PartialFixedSampler({\"batch_size\": 128, \"channels\": 16}, tpe()))
d = s.trials[0].distributions
t = s.ask()
a = {k: t._suggest(k, d[k]) for k in rest + (\"batch_size\", \"channels\")}
less = optuna.create_study(sampler=tpe())
for old in s.trials[:-1]:
    keep = [k for k in old.params if k not in (\"batch_size\", \"channels\")]
    less.add_trial(optuna.trial.create_trial(params={k: old.params[k] for k in keep},
                   distributions={k: old.distributions[k] for k in keep}, value=old.value))
t = less.ask()
b = {k: t._suggest(k, d[k]) for k in rest}
assert (a[\"batch_size\"], a[\"channels\"]) == (128, 16), a
assert all(a[k] == b[k] for k in rest), (a, b)
"'
suggest --db mv-free.db --config c-mv.json --seed 5 >free.line
suggest --db mv-queued.db --config c-mv.json --enqueue fx.json >/dev/null
suggest --db mv-queued.db --config c-mv.json --seed 5 >queued.line
suggest --db mv-fixed.db --config c-mv.json --seed 5 --fixed fx.json >fixed.line
suggest --db mv-less.db --config c-less.json --seed 5 --force >less.line
test_expect_success "... and so does suggest claiming a queued set in the optuna mode" \
  '[ "$(jq -c ".params | del(.batch_size, .channels)" free.line)" = "$(jq -c ".params | del(.batch_size, .channels)" queued.line)" ] &&
   [ "$(jq -c "[.params.batch_size, .params.channels]" queued.line)" = "[128,16]" ]'
test_expect_success "... and suggest --fixed samples the rest as the study without them" \
  '[ "$(jq -c ".params | del(.batch_size, .channels)" fixed.line)" = "$(jq -c .params less.line)" ] &&
   [ "$(jq -c "[.params.batch_size, .params.channels]" fixed.line)" = "[128,16]" ]'
