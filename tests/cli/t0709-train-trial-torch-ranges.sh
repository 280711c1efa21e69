#!/usr/bin/env bash
# train-trial: values at the closed ends of torch's ranges train, as in torch 1.13 (Dropout(p=1),
# CrossEntropyLoss(label_smoothing=1), an optimizer at lr=0, SGD's momentum above 1: torch.optim.SGD
# refuses only a negative one). They were bad input (exit 2): a
# searched dropout in steps of 0.5 up to 1, or a learning rate from 0, stopped a sweep at the
# trial that drew the end value.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
n=0
for set in '.space = {"dropout": {"type": "float", "low": 0.5, "high": 1, "step": 0.5}} @@ {"learning_rate": 0.01, "dropout": 1.0}' \
           '.fixed.label_smoothing = 1 @@ ' \
           '.space = {"learning_rate": {"type": "float", "low": 0, "high": 0.01, "step": 0.01}} @@ {"learning_rate": 0.0}' \
           '.fixed.optimizer = "sgd" | .fixed.momentum = 1.5 @@ '; do
  n=$((n + 1))
  mkdir "s$n"
  jq "${set% @@ *} | .budget.epochs = 2" c.json >"s$n/c.json"
  [ -z "${set#* @@ }" ] || { printf '%s\n' "${set#* @@ }" >"s$n/q.jsonl"; suggest --db "s$n/s.db" --config "s$n/c.json" --enqueue "s$n/q.jsonl" >/dev/null; }
  suggest --db "s$n/s.db" --config "s$n/c.json" >"s$n/line"
  test_expect_code 0 "${set% @@ *} ${set#* @@ }" train-trial --db "s$n/s.db" --features tones.feat --threads 1 --quiet "s$n/line"
  test_expect_success "... COMPLETE, not bad input" 'jq -e ".state == \"COMPLETE\" and .epochs == 2" out'
done
test_expect_success "(the lines held dropout 1 and learning_rate 0)" 'jq -e ".params.dropout == 1" s1/line && jq -e ".params.learning_rate == 0" s3/line'
test_expect_code 0 "--evaluate the dropout-1 checkpoint" train-trial --evaluate s1/trial-0.ckpt --features tones.feat --split validation
test_expect_success "... its metrics" 'jq -e "(.metrics.accuracy | type) == \"number\"" out'
