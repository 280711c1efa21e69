#!/usr/bin/env bash
# train-trial: a bad setting is named where it was given. The study's fixed settings and the
# trial's params are checked merged, and every bad fixed value read "trial line: params.KEY"
# (a fixed learning_rate of -1: "trial line: params.learning_rate: -1: must be >= 0"), naming a key
# the trial line does not hold. A fixed one is "study config: fixed.KEY"; a searched one is
# still the trial line's params. So are the settings checked against the cache (class_weights,
# n_mfcc), which named no origin. Exit 2 either way, the trial FAIL with that reason.
# A searched pair refused together (snr_low above snr_high) is the point the study drew, no
# longer bad input: its trial fails as infeasible, exit 0 (t0744); it is named as the trial
# line's params all the same.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
reason() {  # DB: the reason recorded for trial 0, as train-trial says it
  sqlite3 "$1" "SELECT value_json FROM trial_system_attributes WHERE key = 'wakesweep:reason'" | jq -r '"train-trial: " + .'
}
n=0
for bad in '.space = {} | .fixed.learning_rate = -1 @@ study config: fixed.learning_rate: -1: must be >= 0' \
           '.fixed.batch_size = 1.5 @@ study config: fixed.batch_size: expected an integer, got a fraction' \
           '.fixed.snr_low = 30 @@ study config: fixed.snr_low: 30 is above snr_high 20' \
           '.fixed.class_weights = [1, -1, 1, 1] @@ study config: fixed.class_weights[1]: expected a number >= 0' \
           '.fixed.transform = "MFCC" @@ study config: fixed.transform: expected "logmel" or "mfcc", got "MFCC"' \
           '.fixed.class_weights = [1, 2] @@ study config: fixed.class_weights: 2 weights for the 4 classes of tones.feat (one per class, in the cache'"'"'s order)' \
           '.fixed.class_weights = [2] @@ study config: fixed.class_weights: 1 weight for the 4 classes of tones.feat (one per class, in the cache'"'"'s order)' \
           '.fixed += {"transform": "mfcc", "n_mfcc": 41} @@ study config: fixed.n_mfcc: expected 1..40 (the cache'"'"'s n_mels), got 41'; do
  n=$((n + 1))
  mkdir "s$n"
  jq "${bad% @@ *} | .budget.epochs = 1" c.json >"s$n/c.json"
  suggest_kept "s$n/s.db" "s$n/c.json" >"s$n/line"
  printf 'train-trial: %s\n' "${bad#* @@ }" >"s$n/want"
  # on stderr a setting of the study config names the study and its file (the reason, kept in
  # the study, needs neither)
  case ${bad#* @@ } in "study config"*) printf "train-trial: s$n/s.db: study 'tones': %s\n" "${bad#* @@ }" ;; *) cat "s$n/want" ;; esac >"s$n/said"
  test_expect_code 2 "bad setting: ${bad% @@ *}" train-trial --db "s$n/s.db" --features tones.feat --quiet "s$n/line"
  test_expect_success "... says: $(cat "s$n/said")" "cmp err s$n/said"
  test_expect_success "... the trial FAIL with that reason" "
    [ \"\$(sqlite3 s$n/s.db 'SELECT state FROM trials WHERE number = 0')\" = FAIL ] && reason s$n/s.db | cmp - s$n/want"
done
# the searched pair: the same name in the infeasible trial's reason and result line
mkdir sp
# (ranges that meet, and the pair enqueued in them: suggest refuses ranges refused together at
# every point, t0848)
jq '.space.snr_low = {"type": "float", "low": 15, "high": 15} | .space.snr_high = {"type": "float", "low": 10, "high": 20}
    | .budget.epochs = 1' c.json >sp/c.json
printf '{"snr_low": 15, "snr_high": 10}\n' >sp/q
suggest --db sp/s.db --config sp/c.json --enqueue sp/q >/dev/null
suggest --db sp/s.db --config sp/c.json >sp/line
test_expect_code 0 "searched snr_low 15 above searched snr_high 10: infeasible, exit 0" \
  train-trial --db sp/s.db --features tones.feat --quiet sp/line
test_expect_success "... names the trial line's params.snr_low, in the result line and the study" '
  want="infeasible parameters: trial line: params.snr_low: 15 is above snr_high 10" &&
  jq -e --arg w "$want" ".state == \"FAIL\" and .reason == \$w" out && [ "$(reason sp/s.db)" = "train-trial: $want" ]'
