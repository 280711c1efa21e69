#!/usr/bin/env bash
# A study config whose objective or constraint names no metric a validation reports ("f2",
# "fp") was taken by suggest, which made the study and handed out its trial; train-trial then
# refused every trial of it (exit 2, "study config: objective: expected accuracy, ..."), each
# marked FAIL and its params queued again. suggest refuses such a config, as it refuses fixed
# settings train-trial would refuse for every trial: exit 2, naming the file, the field and the
# metrics there are, before anything is written.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_study_config c.json
names="accuracy, macro_f1, f1, fpr, frr, binary_accuracy, at_fpr.f1, at_fpr.fpr or at_fpr.frr"

jq '.objective = "f2"' c.json >obj.json
test_expect_code 2 "objective \"f2\": refused" suggest --db obj.db --config obj.json
test_expect_success "... naming the file, the field, the metrics and the value" '
  grep -qxF "suggest: obj.json: objective: expected $names, got '"'f2'"' (train-trial would fail every trial)" err'
test_expect_success "... no study made" '[ ! -s obj.db ] || [ "$(sqlite3 obj.db "SELECT count(*) FROM studies")" = 0 ]'

jq '.constraints = {"fpr": {"max": 0.2}, "fp": {"max": 0.1}}' c.json >con.json
test_expect_code 2 "a constraint on \"fp\": refused" suggest --db con.db --config con.json
test_expect_success "... naming it and the metrics" '
  grep -qxF "suggest: con.json: constraints.fp: not a metric ($names) (train-trial would fail every trial)" err'
test_expect_success "... no study made" '[ ! -s con.db ] || [ "$(sqlite3 con.db "SELECT count(*) FROM studies")" = 0 ]'

jq '.objective = "at_fpr.f1" | .constraints = {"at_fpr.fpr": {"max": 0.2}, "accuracy": {"min": 0.5}}' c.json >ok.json
test_expect_code 0 "metrics train-trial reports (at_fpr.f1, at_fpr.fpr, accuracy): taken" suggest --db ok.db --config ok.json
jq 'del(.objective)' c.json >none.json
test_expect_code 0 "no objective (train-trial's default): taken" suggest --db none.db --config none.json
test_expect_success "suggest(1) says so" '
  tr "\n" " " <"$WS_ROOT/share/man/man1/suggest.1" | grep -q "An objective or a constraint that names no metric"'
