#!/usr/bin/env bash
# train-trial: a trial whose params each lie in the space but are refused together (snr_low
# above snr_high where their ranges overlap; nesterov beside a momentum of 0; a fixed snr_low
# above a drawn snr_high) exited 2, bad input, and the sweep stopped at the first such draw.
# suggest's config check refuses a range whose end train-trial refuses alone, so what is left is
# a property of the point drawn: as Optuna's optimize(catch=(ValueError,)), the trial ends FAIL
# ("infeasible parameters: <why>"), its result line printed, exit 0, and nothing retries it.
# A line that is not the study's record (edited by hand), a value outside the distribution the
# study records for it, a parameter train-trial does not know and a value of the wrong type are
# still bad input (exit 2). A model the params build that does not fit the cache's feature shape
# (already FAIL, exit 0) says it is infeasible too. The reference for which draws are refused:
# the drawn values compared here (jq), the messages written out with printf's %g.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
tt() { train-trial --db "$1" --features tones.feat --threads 1 --keep none --quiet "$2"; }
state() { sqlite3 "$1" "SELECT state FROM trials WHERE number = $2"; }
reason() { sqlite3 "$1" "SELECT value_json FROM trial_system_attributes JOIN trials USING (trial_id)
                         WHERE number = $2 AND key = 'wakesweep:reason'" | jq -r .; }
# infeasible NAME DB LINE WANT: LINE trains to FAIL with reason WANT, exit 0, in line and study
infeasible() {
  local n; n=$(jq .trial "$3")
  test_expect_code 0 "$1: exit 0" tt "$2" "$3"
  test_expect_success "... its result line: FAIL, reason '$4'" "jq -e --arg w '$4' '.state == \"FAIL\" and .reason == \$w and .value == null' out"
  test_expect_success "... the study's trial $n FAIL with that reason" "[ \"\$(state $2 $n)\" = FAIL ] && [ \"\$(reason $2 $n)\" = '$4' ]"
}
# refused NAME DB LINE WANT: LINE is bad input, as before: exit 2 saying WANT, the trial FAIL with it
refused() {
  local n; n=$(jq .trial "$3")
  test_expect_code 2 "$1: exit 2" tt "$2" "$3"
  test_expect_success "... says '$4', the trial FAIL with that reason" "
    [ \"\$(cat err)\" = 'train-trial: $4' ] && [ \"\$(state $2 $n)\" = FAIL ] && [ \"\$(reason $2 $n)\" = '$4' ]"
}

# overlapping ranges: seed 2 draws snr_low above snr_high at trial 3 only (of 0-3)
jq '.sampler.seed = 2 | .budget.epochs = 1 | .space += {"snr_low": {"type": "float", "low": 0, "high": 20},
    "snr_high": {"type": "float", "low": 5, "high": 25}}' c.json >snr.json
suggest --db snr.db --config snr.json --n 4 >lines
split -l1 -d -a1 lines line.
test_expect_success "seed 2 draws a refused pair at trial 3, and none before" '
  [ "$(jq -c ".params.snr_low > .params.snr_high" lines | tr "\n" " ")" = "false false false true " ]'
lo=$(jq .params.snr_low line.3) hi=$(jq .params.snr_high line.3)
infeasible "a drawn snr_low above the drawn snr_high" snr.db line.3 \
  "$(printf 'infeasible parameters: trial line: params.snr_low: %g is above snr_high %g' "$lo" "$hi")"
test_expect_code 0 "a pair drawn in order trains" tt snr.db line.0
test_expect_success "... COMPLETE" 'jq -e ".state == \"COMPLETE\"" out'
# a line edited by hand is not the point suggest drew: bad input, as before
jq '.params.snr_low = .params.snr_high + 1' line.1 >edited
refused "a line edited to snr_low above snr_high (not the study's record)" snr.db edited \
  "$(printf 'trial line: params.snr_low: %g is above snr_high %g' "$(jq .params.snr_low edited)" "$(jq .params.snr_high edited)")"
# nothing queues the infeasible trial again (it would draw the same refusal forever)
test_expect_code 0 "suggest --reap --grace 0.001 after it" suggest --db snr.db --config snr.json --reap --grace 0.001
test_expect_success "... retries no infeasible trial (no retry names trial 3)" '
  [ -z "$(sqlite3 snr.db "SELECT 1 FROM trial_system_attributes WHERE key = '"'failed_trial'"' AND value_json = '"'3'"'")" ] &&
  [ "$(state snr.db 3)" = FAIL ]'

# an enqueued pair (Optuna's enqueue_trial) within the ranges, refused together; in a study of
# its own: in snr.db the reap above fails trial 2 (never trained, its heartbeat suggest's) once
# more than a second has passed since suggest --n 4, which a busy machine takes, and its retry,
# queued first, was the line suggest gave here (1 run in 3 beside a make check)
printf '{"snr_low": 18, "snr_high": 15}\n' >q
suggest --db e.db --config snr.json --enqueue q >/dev/null
suggest --db e.db --config snr.json >lineq
infeasible "an enqueued snr_low 18 above snr_high 15, both in their ranges" e.db lineq \
  "infeasible parameters: trial line: params.snr_low: 18 is above snr_high 15"
# the same pair after --force narrowed snr_low to [0, 10]: the study records 18 outside [0, 10]
suggest --db o.db --config snr.json --enqueue q >/dev/null
jq '.space.snr_low.high = 10' snr.json >snr10.json
suggest --db o.db --config snr10.json --force >lineo 2>/dev/null
refused "... its snr_low outside the distribution the study records for it" o.db lineo \
  "trial line: params.snr_low: 18 is above snr_high 15"

# nesterov beside a momentum of 0 (SGD): each is taken beside other values
jq '.budget.epochs = 1 | .fixed.optimizer = "sgd" | .space += {"momentum": {"type": "float", "low": 0, "high": 0.9},
    "nesterov": {"type": "categorical", "choices": [true, false]}}' c.json >nes.json
printf '{"momentum": 0, "nesterov": true}\n' >qn
suggest --db nes.db --config nes.json --enqueue qn >/dev/null
suggest --db nes.db --config nes.json >linen
infeasible "nesterov true beside momentum 0" nes.db linen "infeasible parameters: trial line: params.nesterov: needs momentum > 0"

# a fixed snr_low of 30 beside a drawn snr_high below it (suggest takes the config: t0002)
jq '.budget.epochs = 1 | .fixed.snr_low = 30 | .space.snr_high = {"type": "float", "low": 25, "high": 40}' c.json >fx.json
printf '{"snr_high": 27}\n' >qf
suggest --db fx.db --config fx.json --enqueue qf >/dev/null
suggest --db fx.db --config fx.json >linef
infeasible "a fixed snr_low above a drawn snr_high" fx.db linef \
  "infeasible parameters: study config: fixed.snr_low: 30 is above snr_high 27"

# refused alone, though the study drew it: still bad input
jq '.budget.epochs = 1 | .space.x = {"type": "float", "low": -5, "high": 5}' c.json >x.json
suggest --db x.db --config x.json >linex
refused "a parameter train-trial does not know (the study's own)" x.db linex "trial line: params.x: unknown parameter"
# suggest refuses a float range of an integer setting now (t5045): the study one made before,
# or Optuna, holds such a draw; made here from a step-1 range, its draw and record then widened
jq '.budget.epochs = 1 | del(.fixed.batch_size) | .space.batch_size = {"type": "float", "low": 2, "high": 8, "step": 1}' c.json >b.json
suggest --db b.db --config b.json >/dev/null
sqlite3 b.db "UPDATE trial_params SET param_value = 3.5, distribution_json = '{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": 2.0, \"high\": 8.0, \"log\": false}}'"
jq -c '.params.batch_size = 3.5' <<<'{"study": "tones", "trial": 0, "params": {}, "budget": {"epochs": 1}}' >lineb
test_expect_success "(the float batch_size drawn is a fraction)" 'jq -e ".params.batch_size | . != floor" lineb'
refused "a batch_size of the wrong type (a fraction), as the study drew it" b.db lineb \
  "trial line: params.batch_size: expected an integer, got a fraction"

# a searched pool that leaves the cnn no input (the cache has 101 frames of 40 bands)
jq '.budget.epochs = 1 | .fixed.model = "cnn" | .space.pool = {"type": "categorical", "choices": [2, 200]}' c.json >p.json
printf '{"pool": 200}\n' >qp
suggest --db p.db --config p.json --enqueue qp >/dev/null
suggest --db p.db --config p.json >linep
test_expect_code 0 "a drawn pool the model cannot take: exit 0" tt p.db linep
test_expect_success "... FAIL, reason 'infeasible parameters: model: ...pool...' in line and study" '
  jq -e ".state == \"FAIL\" and (.reason | startswith(\"infeasible parameters: model: \") and test(\"pool\"))" out &&
  [ "$(reason p.db 0)" = "$(jq -r .reason out)" ]'
