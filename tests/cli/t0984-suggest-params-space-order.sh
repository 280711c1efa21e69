#!/usr/bin/env bash
# A trial's params are kept in the order they are drawn in: the space's, as Optuna 3.1 (the
# reference) keeps them in the order the objective asks for them, an enqueued set's included.
# suggest stored (and printed) a queued set in its file's order and a --fixed set first, in its
# file's order, the drawn ones after them; the values were the same (the fixed ones take no
# draw), their order another (the param_ids Optuna writes in the order asked, its in-process
# FrozenTrial.params; report before 27b6009). (Optuna reading the file back gives them in SQLite's
# index order, by name, whatever their param_ids: no reference there.)
. "$WS_ROOT/tests/cli/lib.sh"
need_python optuna optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
echo '{"momentum": 0.9, "optimizer": "sgd", "channels": 32, "learning_rate": 0.001}' >q.jsonl
"$PY" -W ignore - <<'PY' >want
import json, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
s.enqueue_trial(json.load(open("q.jsonl")))
def objective(t):   # study.json's space, in its order
    t.suggest_float("learning_rate", 1e-4, 1e-2, log=True)
    t.suggest_categorical("batch_size", [32, 64, 128])
    t.suggest_int("channels", 16, 128, step=16)
    t.suggest_float("dropout", 0.0, 0.5, step=0.1)
    if t.suggest_categorical("optimizer", ["adam", "adamw", "sgd"]) == "sgd":
        t.suggest_float("momentum", 0.8, 0.99)
    return 0
s.optimize(objective, n_trials=1)
print(json.dumps(list(s.trials[0].params), separators=(",", ":")))
PY
test_expect_success "the reference: Optuna 3.1 keeps an enqueued trial's params in the objective's order" '
  [ "$(cat want)" = "$(jq -c ".space | keys_unsorted" c.json)" ]'
suggest --db s.db --config c.json --enqueue q.jsonl >/dev/null
test_expect_code 0 "suggest claims the queued set" suggest --db s.db --config c.json
test_expect_success "... its line's params in the space's order, as Optuna's" '[ "$(jq -c ".params | keys_unsorted" out)" = "$(cat want)" ]'
test_expect_success "... and the study keeps them so" '
  [ "$(sqlite3 s.db "SELECT param_name FROM trial_params ORDER BY param_id" | jq -R -s -c "split(\"\n\") | map(select(length > 0))")" = "$(cat want)" ]'
echo '{"zz": "x", "optimizer": "adam", "learning_rate": 0.005, "aa": "y"}' >f.json
test_expect_code 0 "--fixed with settings outside the space" suggest --db f.db --config c.json --fixed f.json --n 2
test_expect_success "... the space's params in its order, then the others as given" '
  [ "$(jq -c ".params | keys_unsorted" out | sort -u)" = "[\"learning_rate\",\"batch_size\",\"channels\",\"dropout\",\"optimizer\",\"zz\",\"aa\"]" ] &&
  [ "$(sqlite3 f.db "SELECT param_name FROM trial_params WHERE trial_id = 1 ORDER BY param_id" | tr "\n" " ")" = "learning_rate batch_size channels dropout optimizer zz aa " ]'
sed 's/\\f[BIRC]//g; s/\\-/-/g' "$WS_ROOT/share/man/man1/suggest.1" | tr '\n' ' ' >suggest.man
test_expect_success "suggest(1) says which order" '
  grep -qF "The params are listed, and kept in the study, in the order they are drawn in, the space'"'"'s (a queued or --fixed set'"'"'s too" suggest.man'
