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
