#!/usr/bin/env bash
# Messages that count things said a count of 1 with a plural noun: "(1 of its 1 clips are
# 'hey_nova')" for a validation split of one clip, "NaN or infinite for 1 of the 1 validation
# clips", "... of the 1 clips of split validation", "util is null in all 1 device rows of the 1
# samples", "1 of 1 samples not stored". Each count now takes its noun in the singular where it
# is 1 (ws_plural, as featurize's messages have it). Here a corpus whose validation split is one
# clip, a study with one sample, a monitor that takes one sample.
# runner: waits (gpu-monitor's intervals and durations)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

# --- a corpus whose validation split is one clip, of the wake word
mkdir -p c/hey_nova c/no c/yes
for i in 0 1 2 3; do
  sox -R -n -r 16000 -b 16 -c 1 "c/no/n${i}_nohash_0.wav" synth 0.2 sine $((300 + 50 * i)) vol 0.3
  sox -R -n -r 16000 -b 16 -c 1 "c/yes/y${i}_nohash_0.wav" synth 0.2 sine $((900 + 50 * i)) vol 0.3
  sox -R -n -r 16000 -b 16 -c 1 "c/hey_nova/h${i}_nohash_0.wav" synth 0.2 sine $((1500 + 50 * i)) vol 0.3
done
printf 'hey_nova/h1_nohash_0.wav\n' >c/validation_list.txt
printf 'no/n2_nohash_0.wav\n' >c/testing_list.txt
featurize -q -o c.feat c >/dev/null
cat >s.json <<'J'
{"study": "s", "direction": "maximize", "objective": "f1",
 "sampler": {"name": "random", "seed": 1}, "pruner": {"name": "nop"}, "budget": {"epochs": 1},
 "space": {"learning_rate": {"type": "float", "low": 0.01, "high": 0.02}},
 "fixed": {"model": "dnn", "batch_size": 32, "positive": "hey_nova"}}
J
# trial NAME JQ: NAME/s.db's first trial of s.json edited by JQ, trained on c.feat
trial() {
  mkdir -p "$1" && jq "$2" s.json >"$1/s.json" && suggest --db "$1/s.db" --config "$1/s.json" >"$1/line" &&
    train-trial -q --device cpu --threads 1 --db "$1/s.db" --features c.feat "$1/line"
}
test_expect_code 2 "a constraint on fpr, the validation split one wake-word clip" trial fpr '.constraints = {"fpr": {"max": 0.5}}'
test_expect_success "... '1 of its 1 clip is'" '
  grep -qxF "train-trial: c.feat: the validation split has no clip of a class other than the wake word (1 of its 1 clip is '"'hey_nova'"'), so the constraint on fpr would be undefined at every validation; expected one at least" err'
# SGD at a learning rate of 1e30: the first step takes the weights past 1e29 (t0742)
test_expect_code 0 "weights that diverge, the validation split one clip" trial nan '.fixed.optimizer = "sgd" | .space.learning_rate = {"type": "float", "low": 1e30, "high": 2e30}'
test_expect_success "... the reason: '1 of the 1 validation clip'" '
  jq -e ".state == \"FAIL\" and .reason == \"diverged: the model'"'"'s outputs are NaN or infinite for 1 of the 1 validation clip at epoch 1\"" out'
test_expect_code 0 "weights that train" trial ok .
ckpt_edit ok/trial-0.ckpt nan.ckpt 'w = struct.pack("<f", float("nan")) * (len(w) // 4); h["checksum"] = "%016x" % fnv(w)'
test_expect_code 2 "--evaluate them made NaN, on the split of one clip" train-trial --evaluate nan.ckpt --features c.feat --split validation
test_expect_success "... '1 of the 1 clip of split validation'" '
  grep -qxF "train-trial: nan.ckpt: the model'"'"'s outputs are NaN or infinite for 1 of the 1 clip of split validation (weights gone bad: diverged): no metrics" err'

# --- report: a study with one sample, its util null (t0615's fixture)
samples_study
sqlite3 s.db "INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, util)
  VALUES (0, 1772323205, '2026-03-01 00:00:05.000000', 'proc', 'device', NULL)"
test_expect_code 0 "report: one sample, its util null" report --db s.db
test_expect_success "... 'in the 1 device row of the 1 sample'" '
  grep -qxF "utilization: no utilization readings: util is null in the 1 device row of the 1 sample, as from /proc when no CPU clock tick passed in the interval" out'

# --- gpu-monitor: one sample, not stored (another connection holds the study's write lock, t4005)
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q)
gpu-monitor "${NOGPU[@]}" -n 1 --db l.db >/dev/null
# the lock held until the monitor is done (its input left open): a lock held for a fixed time
# could end before a monitor slowed by a busy machine took its sample
mkfifo hold.fifo
sqlite3 l.db <hold.fifo & holder=$!   # lib.sh's: .timeout, or a probe below taking the lock that moment made its BEGIN fail
exec 3>hold.fifo
echo "BEGIN IMMEDIATE;" >&3
for _ in $(seq 200); do command sqlite3 l.db "BEGIN IMMEDIATE; ROLLBACK;" 2>/dev/null || break; sleep 0.05; done   # lock taken
test_expect_code 0 "gpu-monitor: one sample, the study locked" env WS_MONITOR_BUSY_S=0.3 timeout 20 gpu-monitor "${NOGPU[@]}" -n 1 --db l.db
echo "ROLLBACK;" >&3
exec 3>&-
wait $holder
test_expect_success "... '1 of 1 sample not stored'" '[ "$(wc -l <out)" = 1 ] &&
  grep -q "^gpu-monitor: l.db: 1 of 1 sample not stored (" err'
