#!/usr/bin/env bash
# A trial's seed is kept in the study (its system attribute wakesweep:seed, the seed of its trial
# line), and a trial failed and queued again (suggest --grace, --reap, Optuna's
# RetryFailedTrialCallback) is retried with it, as with its params: the retry trains as the
# failed trial would have (the same initial weights, batch order, augmentation and dropout).
# Before, the retry took the seed of its own new number, so a killed sweep's trial came back
# with other weights and another value, and a trial made by suggest --seed S kept no trace of
# its seed (a line without "seed" trained with another). The reference for "the same training":
# the failed trial's own line trained to the end in a study of its own.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
# augmentation and dropout on, which draw from the seed; 3 epochs
jq '.budget.epochs = 3 | .fixed += {"dropout": 0.3, "noise_prob": 0.5, "time_shift": 10, "time_masks": 1,
    "time_mask_width": 5, "freq_masks": 1, "freq_mask_width": 4}' c.json >a.json
# trained DB LINE: LINE trained on one thread; its result line (but trial and seconds) and every
# intermediate value, with every digit a double holds
trained() {
  train-trial --db "$1" --features tones.feat --threads 1 --quiet --keep none "$2" >"$2.res" &&
    jq -c 'del(.trial, .seconds)' "$2.res" && study_steps_of "$1" "$(jq .trial "$2.res")"
}
study_steps_of() {
  sqlite3 "$1" "SELECT step || ' ' || printf('%.17g', intermediate_value) FROM trial_intermediate_values
                JOIN trials USING (trial_id) WHERE number = $2 ORDER BY step"
}
kept_seed() { sqlite3 "$1" "SELECT value_json FROM trial_system_attributes JOIN trials USING (trial_id)
                            WHERE number = $2 AND key = 'wakesweep:seed'"; }

mkdir ref
suggest --db ref/s.db --config a.json >ref/line
trained ref/s.db ref/line >ref.out
test_expect_success "suggest keeps the line's seed as the trial's wakesweep:seed" '
  [ -n "$(kept_seed ref/s.db 0)" ] && [ "$(kept_seed ref/s.db 0)" = "$(jq .seed ref/line)" ]'

# --grace: trial 0 silent for two hours is failed and queued again; the next suggest claims it
mkdir g
suggest --db g/s.db --config a.json >g/line
sqlite3 g/s.db "UPDATE trial_heartbeats SET heartbeat = datetime('now', '-2 hours')"
test_expect_code 0 "a stale trial is failed and retried (--grace)" suggest --db g/s.db --config a.json
cp out g/retry
test_expect_success "... the retry (trial 1) has the failed trial's params and seed" '
  [ "$(jq -c "[.trial, .params, .seed]" g/retry)" = "$(jq -c "[1, .params, .seed]" g/line)" ] && [ "$(kept_seed g/s.db 1)" = "$(jq .seed g/line)" ]'
test_expect_success "... and trains as the failed trial's line does: the same values at every epoch" '
  trained g/s.db g/retry >g.out && cat ref.out g.out >&2 && [ -s ref.out ] && cmp ref.out g.out'

# --reap: the process recorded for trial 0 (--pid) is gone
mkdir r
sleep 0 & dead=$!; wait "$dead"
suggest --db r/s.db --config a.json --pid "$dead" >r/line
# (the retry is given to a process that is gone too)
test_expect_code 0 "a trial whose process is gone is failed and retried (--reap)" suggest --db r/s.db --config a.json --reap --pid "$dead"
cp out r/retry
test_expect_success "... with the failed trial's seed" '[ "$(jq -c "[.trial, .seed]" r/retry)" = "$(jq -c "[1, .seed]" r/line)" ]'
test_expect_success "... and so has the retry of the retry (trial 2)" '
  suggest --db r/s.db --config a.json --reap >r/retry2 && [ "$(jq -c "[.trial, .seed]" r/retry2)" = "$(jq -c "[2, .seed]" r/line)" ]'

# a study made with suggest --seed 99: the trial's line seed is no longer the one the study's
# seed gives trial 0, and a line without "seed" trains with the kept one all the same
mkdir s
suggest --db s/s.db --config a.json --seed 99 >s/line
jq -c 'del(.seed)' s/line >s/noseed
mkdir s2
suggest --db s2/s.db --config a.json --seed 99 >s2/line
test_expect_success "a line without seed trains with the seed kept for the trial (suggest --seed 99)" '
  [ "$(kept_seed s/s.db 0)" = "$(jq .seed s/line)" ] && [ "$(jq .seed s/line)" != "$(jq .seed ref/line)" ] &&
  trained s/s.db s/noseed >s.out && trained s2/s.db s2/line >s2.out && cat s.out s2.out >&2 && cmp s.out s2.out'

# A kept seed that is no trial seed (the study edited): said, never taken as another seed
mkdir b
suggest --db b/s.db --config a.json >b/line
sqlite3 b/s.db "UPDATE trial_system_attributes SET value_json = '\"x\"' WHERE key = 'wakesweep:seed'"
jq -c 'del(.seed)' b/line >b/noseed
test_expect_code 2 "train-trial: a line without seed whose kept seed is not an integer" \
  train-trial --db b/s.db --features tones.feat --threads 1 --quiet --keep none b/noseed
test_expect_success "... names the attribute" 'grep -q "trial 0: system attribute wakesweep:seed: expected an integer in 0..2147483647 (a trial seed), got \"x\"" err'
# (a study of its own: b's refused trial 0 is queued again, with its seed "x", as trial 1)
mkdir b2
suggest --db b2/s.db --config a.json >/dev/null
suggest --db b2/s.db --config a.json --pid "$dead" >/dev/null
sqlite3 b2/s.db "UPDATE trial_system_attributes SET value_json = '-1' WHERE key = 'wakesweep:seed' AND trial_id = 2"
test_expect_code 0 "suggest: a retry whose kept seed is -1 fails and the next trial is made" suggest --db b2/s.db --config a.json --reap
test_expect_success "... saying why; the new trial 3 has a seed of its own" '
  grep -q "trial 2: system attribute wakesweep:seed: expected an integer in 0..2147483647 (a trial seed), got -1: trial 2 marked FAIL" err &&
  [ "$(jq .trial out)" = 3 ] && [ "$(kept_seed b2/s.db 3)" = "$(jq .seed out)" ]'

# Optuna's RetryFailedTrialCallback copies the failed trial's system attributes to the retry,
# wakesweep:seed among them: suggest claiming that retry keeps the seed too.
need_python "a retry queued by Optuna's RetryFailedTrialCallback keeps the seed" optuna
mkdir o
suggest --db o/s.db --config a.json >o/line
sqlite3 o/s.db "UPDATE trial_heartbeats SET heartbeat = datetime('now', '-2 hours')"
test_expect_success "a retry queued by Optuna's RetryFailedTrialCallback: claimed with the failed trial's seed" '
  "$PY" -W ignore -c "
import sys, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.storages.RDBStorage(\"sqlite:///o/s.db\", heartbeat_interval=1, grace_period=3600,
                               failed_trial_callback=optuna.storages.RetryFailedTrialCallback())
optuna.storages.fail_stale_trials(optuna.load_study(study_name=\"tones\", storage=s))" &&
  suggest --db o/s.db --config a.json >o/retry && [ "$(jq -c "[.trial, .seed]" o/retry)" = "$(jq -c "[1, .seed]" o/line)" ]'
