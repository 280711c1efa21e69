#!/usr/bin/env bash
# train-trial: weights that a training run's last step takes to NaN or infinity. The loss of each
# batch is checked before its step, so a step that blows the weights up is found at the next
# batch: a trial with epochs to go failed "diverged", but one whose last (here only) epoch ended
# on it was validated with those weights, every clip's logits NaN or infinite, their argmax the
# first class, and finished COMPLETE with the metrics of a model that predicts nothing (F1 0,
# binary accuracy 0.75), its checkpoint kept. As Optuna fails a trial whose objective is NaN
# (its validation loss is), the trial fails: reason "diverged", no value, no intermediate value,
# no checkpoint; on the CPU and on the device path (the emulated backend, as t3900 runs it),
# with a wake word (whose logits come back for its scores) and without one (the device counts
# the rows that are not finite with the confusion).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
emu=$WS_BUILD/tests/gpu/libwakesweep-cuda-emu.so
make_tone_cache tones
tone_study_config c.json
# one batch an epoch (the 32 training clips), SGD at a learning rate of 1e30: the first batch's
# loss is that of a fresh model, its step takes the weights past 1e29
jq '.budget.epochs = 1 | .fixed.batch_size = 32 | .fixed.optimizer = "sgd"
    | .space = {"learning_rate": {"type": "float", "low": 1e30, "high": 2e30}}' c.json >one.json
jq '.budget.epochs = 3' one.json >three.json
jq '.study = "plain" | .objective = "accuracy" | del(.constraints, .fixed.positive)' one.json >plain.json

# train NAME CONFIG [ARGS...]: NAME/s.db's first trial of CONFIG trained with ARGS (on the
# emulated device with --device cuda)
train() {
  local name=$1 config=$2; shift 2
  mkdir -p "$name" && suggest --db "$name/s.db" --config "$config" >"$name/line" &&
    env WS_CUDA_FORCE_PROBE=1 WS_CUDA_BACKEND="$emu" CUDA_VISIBLE_DEVICES=0 \
      train-trial --db "$name/s.db" --features tones.feat --threads 1 --quiet "$@" "$name/line"
}
# failed NAME: NAME's result line and study say FAIL, diverged, without a value or an
# intermediate value, and no weights were kept
failed() {
  jq -e '.state == "FAIL" and .value == null and (.reason | test("^diverged: the model.s outputs are NaN or infinite for 8 of the 8 validation clips at epoch 1$"))' out &&
    [ "$(sqlite3 "$1/s.db" "SELECT state FROM trials")" = FAIL ] &&
    [ "$(sqlite3 "$1/s.db" "SELECT count(*) FROM trial_values") $(sqlite3 "$1/s.db" "SELECT count(*) FROM trial_intermediate_values")" = "0 0" ] &&
    [ ! -e "$1/trial-0.ckpt" ] && [ ! -e "$1/best.ckpt" ]
}

test_expect_code 0 "three epochs at learning rate 1e30" train three three.json --device cpu
test_expect_success "... FAIL, diverged (before: at the second epoch's first batch; now at the first validation)" \
  'jq -e ".state == \"FAIL\" and (.reason | startswith(\"diverged: \"))" out'
test_expect_code 0 "one epoch at learning rate 1e30" train one one.json --device cpu
test_expect_success "... FAIL too, diverged: no value, nothing reported, no checkpoint" 'failed one'
test_expect_code 0 "... without a wake word" train plain plain.json --device cpu
test_expect_success "... FAIL, diverged" 'failed plain'
if [ -e "$emu" ]; then
  test_expect_code 0 "one epoch at 1e30 on the emulated device" train dev one.json --device cuda
  test_expect_success "... FAIL, diverged" 'failed dev'
  test_expect_code 0 "... without a wake word (no logits come back)" train devplain plain.json --device cuda
  test_expect_success "... FAIL, diverged" 'failed devplain'
else
  test_skip "one epoch at 1e30 on the emulated device" "no $emu (make check builds it)"
fi
# a learning rate that trains still completes, with its checkpoint
jq '.space = {"learning_rate": {"type": "float", "low": 0.01, "high": 0.02}}' one.json >ok.json
test_expect_code 0 "one epoch at a learning rate that trains" train ok ok.json --device cpu
test_expect_success "... COMPLETE with a value and its checkpoint" \
  'jq -e ".state == \"COMPLETE\" and (.value | type) == \"number\"" out && [ -s ok/trial-0.ckpt ]'

# the checkpoint with every weight NaN, its checksums made again (fixtures.sh's ckpt_edit, which
# writes the format out from its description, the weights w and their checksum replaced here)
ckpt_edit ok/trial-0.ckpt nan.ckpt 'w = struct.pack("<f", float("nan")) * (len(w) // 4); h["checksum"] = "%016x" % fnv(w)'
test_expect_code 0 "--evaluate the checkpoint that trained" train-trial --evaluate ok/trial-0.ckpt --features tones.feat --split validation
test_expect_code 2 "--evaluate it with NaN weights" train-trial --evaluate nan.ckpt --features tones.feat --split validation
test_expect_success "... no metrics: says the outputs are NaN or infinite, for which clips" '[ ! -s out ] &&
  grep -qx "train-trial: nan.ckpt: the model.s outputs are NaN or infinite for 8 of the 8 clips of split validation (weights gone bad: diverged): no metrics" err'
