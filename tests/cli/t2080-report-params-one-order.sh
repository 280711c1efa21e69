#!/usr/bin/env bash
# report listed each trial's params in its own stored order: a set that suggest --enqueue
# queued (or --fixed fixed) in a file's order (as suggest stored it before t0984's fix; an
# objective asking in another order, in Optuna) showed them so in the text table, the JSON and the
# --best line, and the CSV took its params_ columns in the order first seen; an Optuna-made study
# (no config) in whatever order each trial was told. Now every form lists them in one order, the
# same for every trial: the config's space order, then any other parameter by name, as Optuna
# 3.1's trials_dataframe sorts its params_ columns (the reference for a study with no config).
. "$WS_ROOT/tests/cli/lib.sh"
need_python optuna optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
# names in order, one trial a line (space-separated), all following ORDER (a JSON array)?
in_order() {
  jq -R -s -e --argjson order "$1" 'split("\n") | map(select(length > 0) | split(" ")) | length > 0 and
    all(.[]; [.[] as $n | $order | index($n)] as $i | ($i | all(. != null)) and $i == ($i | sort))' >/dev/null
}
# the text table's rows: each one's NAMEs of NAME=VALUE, space-separated
row_names() { awk '/^ +[0-9]+  / { s = ""; for (i = 1; i <= NF; i++) if (split($i, p, "=") > 1) s = s (s == "" ? "" : " ") p[1]; print s }'; }
printf '%s\n' '{"momentum": 0.9, "optimizer": "sgd", "channels": 32, "learning_rate": 0.001}' \
  '{"dropout": 0.1, "optimizer": "adam", "batch_size": 32}' >q.jsonl
suggest --db s.db --config c.json --enqueue q.jsonl >/dev/null
suggest --db s.db --config c.json --n 4 >/dev/null   # the two queued sets, then two sampled
echo '{"zz": "x", "learning_rate": 0.005, "aa": "y"}' >f.json
suggest --db s.db --config c.json --fixed f.json >/dev/null   # trial 4: two settings outside the space
# trial 0's set in another order, as suggest stored a queued set before (its file's order), and as
# Optuna stores a trial whose objective asked in another order: learning_rate last
sqlite3 s.db "UPDATE trial_params SET param_id = param_id + 1000 WHERE trial_id = 1 AND param_name = 'learning_rate'"
for t in 0 1 2 4; do tell --db s.db --study kws --trial $t --state complete --value 0.$((t + 1)) >/dev/null; done
order=$(jq -c '(.space | keys_unsorted) + ["aa", "zz"]' c.json)   # the config's order, then the rest by name
test_expect_success "(the study: trial 0 stored learning_rate last, trial 4 zz before aa)" '
  [ "$(sqlite3 s.db "SELECT param_name FROM trial_params WHERE trial_id = 1 ORDER BY param_id DESC LIMIT 1")" = learning_rate ] &&
  [ "$(sqlite3 s.db "SELECT group_concat(param_name, \" \") FROM (SELECT param_name FROM trial_params WHERE trial_id = 5 AND param_name IN (\"aa\", \"zz\") ORDER BY param_id)")" = "zz aa" ]'
test_expect_code 0 "text" report --db s.db
test_expect_success "... every row lists its params in the config's order, then the rest by name" '
  row_names <out >rows && [ "$(wc -l <rows)" = 5 ] &&
  in_order "$order" <rows'
test_expect_code 0 "jsonl" report --db s.db --format jsonl
test_expect_success "... each trial's params in that order" 'jq -r ".params | keys_unsorted | join(\" \")" out | in_order "$order"'
test_expect_code 0 "json" report --db s.db --format json
test_expect_success "... each trial's and the best's params in that order" '
  jq -r ".trials[], .best | .params | keys_unsorted | join(\" \")" out | in_order "$order"'
test_expect_code 0 "--best" report --db s.db --best
test_expect_success "... its params in that order (trial 4, with the settings outside the space)" '
  [ "$(jq .trial out)" = 4 ] && jq -r ".params | keys_unsorted | join(\" \")" out | in_order "$order"'
test_expect_code 0 "csv" report --db s.db --format csv
test_expect_success "... its params_ columns in that order, all of them" '
  [ "$(head -1 out | tr , "\n" | sed -n "s/^params_//p" | jq -R -s -c "split(\"\n\") | map(select(length > 0))")" = "$order" ]'
test_expect_code 0 "html" report --db s.db --format html
test_expect_success "... the trials table's columns in that order" '
  grep -o "id=\"trials\"><thead>.*</thead>" out | grep -o "<th class=\"l\">[^<]*</th>" | sed "s/<[^>]*>//g" | grep -vxE "state|reason" |
    jq -R -s -c "split(\"\n\") | map(select(length > 0))" >cols && [ "$(cat cols)" = "$order" ]'

# A study Optuna made (no config), each trial told its params in another order: by name, as
# Optuna 3.1's trials_dataframe orders its params_ columns (read through its own column
# aggregation, which needs no pandas).
"$PY" -W ignore - <<'PY' >optuna.cols
import json, optuna
from optuna.distributions import FloatDistribution as F
from optuna.trial import create_trial
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="o", storage="sqlite:///o.db")
for i, names in enumerate([["zeta", "alpha"], ["mid", "zeta", "alpha"], ["alpha", "zeta"]]):
    s.add_trial(create_trial(params={n: 0.5 for n in names}, distributions={n: F(0, 1) for n in names}, value=i))
from optuna.study._dataframe import _create_records_and_aggregate_column
_, cols = _create_records_and_aggregate_column(s, ("number", "params"))
print(json.dumps([c[1] for c in cols if c[0] == "params"], separators=(",", ":")))
PY
test_expect_success "(the reference: Optuna's params_ columns; trial 0 stored zeta first)" '
  [ "$(cat optuna.cols)" = "[\"alpha\",\"mid\",\"zeta\"]" ] &&
  [ "$(sqlite3 o.db "SELECT param_name FROM trial_params ORDER BY param_id LIMIT 1")" = zeta ]'
test_expect_code 0 "csv of an Optuna-made study" report --db o.db --format csv
test_expect_success "... its params_ columns as Optuna's" '
  [ "$(head -1 out | tr , "\n" | sed -n "s/^params_//p" | jq -R -s -c "split(\"\n\") | map(select(length > 0))")" = "$(cat optuna.cols)" ]'
test_expect_code 0 "text of an Optuna-made study" report --db o.db
test_expect_success "... every row in that order" '
  row_names <out >rows && [ "$(wc -l <rows)" = 3 ] &&
  in_order "$(cat optuna.cols)" <rows'
test_expect_code 0 "jsonl of an Optuna-made study" report --db o.db --format jsonl
test_expect_success "... every trial in that order" 'jq -r ".params | keys_unsorted | join(\" \")" out | in_order "$(cat optuna.cols)"'

sed 's/\\f[BIRC]//g; s/\\-/-/g' "$WS_ROOT/share/man/man1/report.1" | tr '\n' ' ' >report.man
test_expect_success "report(1) says which order" '
  grep -qF "Every form lists the parameters in one order, the same for every trial: the config'"'"'s space order" report.man &&
  grep -qF "then any other by name" report.man && grep -qF "as Optuna'"'"'s trials_dataframe sorts its params_ columns" report.man'
