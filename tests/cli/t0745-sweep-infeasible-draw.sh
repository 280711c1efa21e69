#!/usr/bin/env bash
# make sweep with a trial whose params are refused together (snr_low above snr_high, an
# enqueued point within both ranges): train-trial's exit 2 stopped the sweep at that trial, make
# exiting 2 with no report. Now the trial ends FAIL as infeasible (exit 0) in its trial file,
# the other trials and the report go on, and the sweep ends with TRIALS finished trials, the
# infeasible one among them and none queued again (as Optuna's optimize(catch=(ValueError,))
# counts a caught trial among n_trials).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c0.json tones-snr 1
# seed 6: the trial sampled after the enqueued one draws snr_low below snr_high (checked below)
jq '.sampler.seed = 6 | .space += {"snr_low": {"type": "float", "low": 0, "high": 20}, "snr_high": {"type": "float", "low": 5, "high": 25}}' \
  c0.json >c.json
mkdir -p r
printf '{"snr_low": 18, "snr_high": 15}\n' >q
suggest --db r/study.db --config c.json --enqueue q >/dev/null
test_expect_code 0 "make -j2 sweep of 2 trials, one infeasible: exit 0" tone_sweep r
test_expect_success "... both trial files made, one FAIL as infeasible, one COMPLETE" '
  [ "$(cat r/trial-000.json r/trial-001.json | jq -r .state | sort | tr "\n" " ")" = "COMPLETE FAIL " ] &&
  cat r/trial-00[01].json | jq -se "map(select(.state == \"FAIL\"))[0].reason == \"infeasible parameters: trial line: params.snr_low: 18 is above snr_high 15\""'
test_expect_success "... (the sampled trial drew snr_low below snr_high)" '
  [ "$(sqlite3 r/study.db "SELECT a.param_value < b.param_value FROM trial_params a JOIN trial_params b USING (trial_id)
       JOIN trials USING (trial_id) WHERE number = 1 AND a.param_name = '"'snr_low'"' AND b.param_name = '"'snr_high'"'")" = 1 ]'
test_expect_success "... the report made, of 2 trials: 1 COMPLETE, 1 FAIL" '
  jq -e ".n_trials == 2 and .states.COMPLETE == 1 and .states.FAIL == 1" r/report.json'
test_expect_success "... the study: 2 trials, none RUNNING or WAITING, none a retry" '
  [ "$(sqlite3 r/study.db "SELECT group_concat(state, \" \") FROM (SELECT state FROM trials ORDER BY state)")" = "COMPLETE FAIL" ] &&
  [ "$(sqlite3 r/study.db "SELECT count(*) FROM trial_system_attributes WHERE key = '"'failed_trial'"'")" = 0 ]'
