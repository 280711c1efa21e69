#!/usr/bin/env bash
# train-trial's command line and settings: options of one mode are refused in another (exit 2,
# naming the option) rather than ignored; settings whose range depends on the cache are bad input
# (exit 2, the trial FAIL with the reason), found before training.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trial

# --split and --max-fpr were taken on a training run and ignored: "--split train" reads as
# "train on that split", "--max-fpr 0.01" as the trial's operating point (the setting max_fpr).
test_expect_code 2 "--split without --evaluate" train-trial --db runs/s.db --features tones.feat --quiet --split train line
test_expect_success "... names --split" 'grep -q "\-\-split goes with \-\-evaluate" err'
test_expect_code 2 "--max-fpr without --evaluate" train-trial --db runs/s.db --features tones.feat --quiet --max-fpr 0.01 line
test_expect_success "... names --max-fpr" 'grep -q "\-\-max-fpr goes with \-\-evaluate" err'
test_expect_code 2 "--evaluate with --probe-batch (only one of them ran)" \
  train-trial --db runs/s.db --features tones.feat --evaluate x.ckpt --probe-batch line
test_expect_code 2 "--evaluate with --result-of" train-trial --db runs/s.db --features tones.feat --evaluate x.ckpt --result-of t
test_expect_code 2 "--probe-batch with --result-of" train-trial --db runs/s.db --probe-batch --result-of t
test_expect_success "... says they exclude one another" 'grep -q "give one of them" err'
test_expect_success "the trial those left alone is still RUNNING" '[ "$(sqlite3 runs/s.db "SELECT state FROM trials WHERE number = 0")" = RUNNING ]'
test_expect_code 0 "... and trains" train-trial --db runs/s.db --features tones.feat --quiet --threads 1 line
test_expect_success "... COMPLETE" 'jq -e ".state == \"COMPLETE\"" out'
test_expect_code 0 "--evaluate still takes --split and --max-fpr" \
  train-trial --evaluate runs/best.ckpt --features tones.feat --split validation --max-fpr 0.1
test_expect_success "... and uses them" 'jq -e ".split == \"validation\" and .at_fpr.max_fpr == 0.1" out'
# --evaluate runs on the CPU: --device cuda with it was ignored without a word
test_expect_code 2 "--evaluate with --device cuda" train-trial --evaluate runs/best.ckpt --features tones.feat --device cuda
test_expect_success "... says --evaluate runs on the CPU" 'grep -q "^train-trial: --device cuda: --evaluate runs on the CPU" err && [ ! -s out ]'
test_expect_code 0 "--evaluate with --device cpu" train-trial --evaluate runs/best.ckpt --features tones.feat --device cpu

# n_mfcc above the cache's n_mels (40) was found in setting up the data, after the checks of the
# input: the trial FAIL with exit 0, so a sweep whose fixed n_mfcc is too large failed trial after
# trial instead of stopping with the message.
mkdir mf
jq '.fixed += {"transform": "mfcc", "n_mfcc": 41}' c.json >mf.json
suggest --db mf/s.db --config mf.json >mfline
test_expect_code 2 "n_mfcc above the cache's n_mels" train-trial --db mf/s.db --features tones.feat --quiet mfline
test_expect_success "... says so and fails the trial with the reason" '
  grep -q "n_mfcc: expected 1..40 (the cache.s n_mels), got 41" err && [ ! -s out ] &&
  [ "$(sqlite3 mf/s.db "SELECT state FROM trials WHERE number = 0")" = FAIL ] &&
  sqlite3 mf/s.db "SELECT value_json FROM trial_system_attributes" | grep -q "n_mfcc: expected 1..40"'
# A cache of one class was found when the model was built: the trial FAIL with exit 0 ("model: 1
# classes: need at least 2"), and a sweep on it failed every trial instead of stopping.
# refused_cache NAME SELECT CONFIG_EDIT WHAT MESSAGE: the tone clips jq's select(SELECT) keeps,
# featurized into NAME.feat, and a trial of c.json edited by jq's CONFIG_EDIT on it: exit 2,
# "train-trial: NAME.feat: MESSAGE" on stderr, no result, the trial FAIL.
refused_cache() {
  mkdir "$1"
  jq -c "select($2)" tones/manifest.jsonl >"tones/$1.jsonl"
  featurize --quiet --out "$1.feat" "tones/$1.jsonl"
  jq "$3" c.json >"$1.json"
  suggest --db "$1/s.db" --config "$1.json" >"$1line"
  test_expect_code 2 "$4" train-trial --db "$1/s.db" --features "$1.feat" --quiet "$1line"
  test_expect_success "... says so and fails the trial with the reason" "
    grep -q '^train-trial: $1.feat: $5' err && [ ! -s out ] &&
    [ \"\$(sqlite3 $1/s.db 'SELECT state FROM trials WHERE number = 0')\" = FAIL ]"
}
# A cache of one class was found when the model was built: the trial FAIL with exit 0 ("model: 1
# classes: need at least 2"), and a sweep on it failed every trial instead of stopping.
refused_cache one '.label == "yes"' 'del(.fixed.positive, .constraints) | .objective = "accuracy"' \
  "a cache of one class" "1 class (yes): a classifier needs at least 2"
# noise_prob on a cache without noise streams mixed nothing, without a word (the tone cache had
# none, and the noise_prob of t3900's device/CPU comparison was never exercised).
refused_cache nn '.label != "_background_noise_"' '.fixed.noise_prob = 0.5' \
  "noise_prob on a cache without noise streams" "noise_prob 0.5, but the cache has no background-noise streams"
suggest --db nn/s.db --config nn.json >nnline2
test_expect_code 0 "... the tone cache has one, and trains with it" train-trial --db nn/s.db --features tones.feat --quiet --threads 1 nnline2
test_expect_success "... COMPLETE" 'jq -e ".state == \"COMPLETE\"" out'
# Kept as int: 4294967297 (2^32 + 1) wrapped to 1 and was taken.
for k in validate_every patience n_mfcc; do
  mkdir "w$k"
  jq --arg k "$k" '.fixed += {"transform": "mfcc"} | .fixed[$k] = 4294967297' c.json >"w$k.json"
  suggest_kept "w$k/s.db" "w$k.json" >"w$k.line"
  test_expect_code 2 "$k 2^32 + 1 (wrapped to 1)" train-trial --db "w$k/s.db" --features tones.feat --quiet "w$k.line"
  test_expect_success "... names it, a setting of the study config" "grep -q 'study config: fixed.$k: expected' err"
done

# WS_THREADS empty is unset (all cores), as WS_CUDA_MEM_MIB, WS_CUDA_BACKEND and WS_DB_RETRY_S
# are: it was "expected an integer, got ''", exit 2.
suggest --db runs/s.db --config c.json >line1
test_expect_code 0 "WS_THREADS empty: the default" env WS_THREADS= train-trial --db runs/s.db --features tones.feat --quiet line1
test_expect_success "... the trial COMPLETE" '[ -s out ] && jq -e ".state == \"COMPLETE\"" out'
test_expect_code 2 "WS_THREADS 0 still refused" env WS_THREADS=0 train-trial --db runs/s.db --features tones.feat --quiet line1
test_expect_success "... naming it" 'grep -q "WS_THREADS: expected an integer in \[1, 1024\], got 0" err'

# A trial finished by another process while train-trial trains it (failed as stale while the
# machine slept; here told by hand) was reported as "trial N: already FAIL, nothing changed":
# the sweep pipeline, which takes "not RUNNING" for a trial that is over and anything else with
# exit 2 for bad input, stopped the whole sweep on it.
mkdir under
jq '.budget.epochs = 100000' c.json >under.json
suggest --db under/s.db --config under.json >uline
train-trial --db under/s.db --features tones.feat --quiet --threads 1 --max-seconds 60 uline >under.out 2>under.err &
pid=$!
for _ in $(seq 300); do
  [ "$(sqlite3 under/s.db "SELECT count(*) FROM trial_intermediate_values")" -gt 0 ] && break; sleep 0.1
done
tell --db under/s.db --study tones --trial 0 --state fail --reason "marked stale" >/dev/null 2>&1
urc=0; wait "$pid" || urc=$?
test_expect_success "a trial failed under train-trial: exit 2 saying it is not RUNNING (what trial.sh reads as over)" '
  [ "$urc" = 2 ] && grep -q "trial 0 is FAIL, not RUNNING" under.err && [ ! -s under.out ]'
test_expect_success "... the study keeps the other process's reason" '
  sqlite3 under/s.db "SELECT value_json FROM trial_system_attributes WHERE key = \"wakesweep:reason\"" | grep -qx "\"marked stale\""'
test_expect_success "... and the message gives it (t0035)" 'grep -q "trial 0 is FAIL, not RUNNING: .* (the study.s reason: marked stale)$" under.err'

# A trial line without "seed" (written by hand, or edited) trained with seed 0: every such trial
# the same initial weights and batches. As a line without a budget gets suggest's epochs, it gets
# the seed suggest gives the trial: the weights are those of the line suggest printed, bit for bit.
mkdir -p sa sb sz
suggest --db sa/s.db --config c.json >sa.line
suggest --db sb/s.db --config c.json >sb.line
suggest --db sz/s.db --config c.json >sz.line
jq -c 'del(.seed)' sb.line >sb.noseed
# seed 0 in a line is refused while the study keeps another for the trial (t0853): sz's keeps 0
sqlite3 sz/s.db "UPDATE trial_system_attributes SET value_json = '0' WHERE key = 'wakesweep:seed'"
jq -c '.seed = 0' sz.line >sz.zero
test_expect_success "(the trial's seed is not 0)" '[ "$(jq .seed sa.line)" != 0 ]'
test_expect_code 0 "the line suggest printed" train-trial --db sa/s.db --features tones.feat --quiet --threads 1 sa.line
test_expect_code 0 "the same line without its seed" train-trial --db sb/s.db --features tones.feat --quiet --threads 1 sb.noseed
test_expect_code 0 "the same line with seed 0" train-trial --db sz/s.db --features tones.feat --quiet --threads 1 sz.zero
test_expect_success "without a seed: the weights of the trial's own seed, not of seed 0" '
  cmp sa/trial-0.ckpt sb/trial-0.ckpt && ! cmp -s sa/trial-0.ckpt sz/trial-0.ckpt'

# One line given to two train-trials at once (run twice by hand): both trained the trial, the
# second's weights overwrote trial-N.ckpt (and could become best.ckpt) while the study took the
# first's value. The second is refused before it touches the trial; once the first is gone
# (killed: the trial still RUNNING), the line can be trained again.
# first_trainer DIR PROGRAM LINE: PROGRAM trains LINE's trial of DIR/s.db in the background (its
# pid in $first) and has reported a first validation.
first_trainer() {
  "$2" --db "$1/s.db" --features tones.feat --quiet --threads 1 --max-seconds 60 "$3" >"$1.out" 2>"$1.err" &
  first=$!
  for _ in $(seq 300); do
    [ "$(sqlite3 "$1/s.db" "SELECT count(*) FROM trial_intermediate_values")" -gt 0 ] && break; sleep 0.1
  done
}
mkdir two
suggest --db two/s.db --config under.json >tline
first_trainer two "$WS_BIN/train-trial" tline
p1=$first
test_expect_code 2 "a second train-trial of a trial another one trains" \
  train-trial --db two/s.db --features tones.feat --quiet --threads 1 --max-seconds 60 tline
test_expect_success "... names the process, and leaves the trial and its pid alone" '
  grep -q "trial 0 is being trained by train-trial process $p1" err && [ ! -s out ] && kill -0 $p1 &&
  [ "$(sqlite3 two/s.db "SELECT state FROM trials WHERE number = 0")" = RUNNING ] &&
  [ "$(sqlite3 two/s.db "SELECT value_json FROM trial_system_attributes WHERE key = \"wakesweep:pid\"")" = "$p1" ]'
test_expect_code 2 "... nor does its bad input fail the trial" \
  train-trial --db two/s.db --features tones.feat --quiet --device cuda tline
test_expect_success "... still RUNNING" '[ "$(sqlite3 two/s.db "SELECT state FROM trials WHERE number = 0")" = RUNNING ]'
kill -KILL $p1; wait $p1 2>/dev/null
test_expect_code 0 "once that process is gone, the line trains" \
  train-trial --db two/s.db --features tones.feat --quiet --threads 1 --max-seconds 2 tline
test_expect_success "... to its end (here the time limit)" 'jq -e ".trial == 0 and .state == \"FAIL\" and (.reason | test(\"time limit\"))" out'

# The first trainer may be another build or checkout of train-trial (another executable file):
# it was taken for no trainer at all, as the script suggest --pid names is.
mkdir twob otherbuild
cp "$WS_BIN/train-trial" otherbuild/train-trial
suggest --db twob/s.db --config under.json >t2line
first_trainer twob otherbuild/train-trial t2line
p2=$first
test_expect_code 2 "a trial another build's train-trial trains is refused too" \
  train-trial --db twob/s.db --features tones.feat --quiet --threads 1 --max-seconds 60 t2line
test_expect_success "... naming that process" 'grep -q "trial 0 is being trained by train-trial process $p2" err && kill -0 $p2'
kill -KILL $p2; wait $p2 2>/dev/null

# A trainer that crashed leaves its trial RUNNING under its pid; that pid, taken since by another
# process of the same name (another sweep's train-trial: here a sleep copied as train-trial), was
# taken for the trial's trainer: the trial could not be trained again ("being trained by
# train-trial process N") nor reaped (suggest --reap) until its heartbeat went stale. The trainer's
# start time is recorded with its pid (wakesweep:pid_start), and a process started at another
# time is not it.
mkdir reuse fakebin
cp "$(command -v sleep)" fakebin/train-trial
suggest --db reuse/s.db --config under.json >t3line
first_trainer reuse "$WS_BIN/train-trial" t3line
kill -KILL $first; wait $first 2>/dev/null
sqlite3 reuse/s.db "VACUUM INTO 'reuse/reap.db'"   # the file and its WAL
fakebin/train-trial 120 &
fake=$!
for db in reuse/s.db reuse/reap.db; do
  sqlite3 "$db" "UPDATE trial_system_attributes SET value_json = '$fake' WHERE key = 'wakesweep:pid'"
done
test_expect_code 0 "a crashed trainer's pid, reused by another train-trial, does not keep its trial from training again" \
  train-trial --db reuse/s.db --features tones.feat --quiet --threads 1 --max-seconds 2 t3line
test_expect_success "... to its end (here the time limit)" 'jq -e ".trial == 0 and .state == \"FAIL\" and (.reason | test(\"time limit\"))" out'
test_expect_code 0 "... and suggest --reap fails it and queues it again" suggest --db reuse/reap.db --config under.json --reap
test_expect_success "... trial 0 FAIL, its process gone, and the new line retries its params" '
  [ "$(sqlite3 reuse/reap.db "SELECT state FROM trials WHERE number = 0")" = FAIL ] &&
  sqlite3 reuse/reap.db "SELECT value_json FROM trial_system_attributes t JOIN trials USING (trial_id) WHERE number = 0 AND key = \"wakesweep:died\"" | grep -q true &&
  [ "$(jq -c .params out)" = "$(jq -c .params t3line)" ]'
kill $fake; wait $fake 2>/dev/null

# --evaluate on a split without a clip: binary_accuracy read 0.0 ("every clip wrong") where
# accuracy, f1, fpr and frr are null.
grep -v '"test"' tones/manifest.jsonl >tones/notest.jsonl
featurize --quiet --out notest.feat tones/notest.jsonl >/dev/null 2>&1
test_expect_code 0 "--evaluate on an empty split" train-trial --evaluate sa/trial-0.ckpt --features notest.feat --split test
test_expect_success "... every metric of no clip is null, binary_accuracy too" '
  jq -e ".clips == 0 and .metrics.accuracy == null and .metrics.f1 == null and .metrics.binary_accuracy == null" out'
# ... and at_fpr was null as a whole, where train-trial(1) gives its keys (max_fpr as asked, every
# value the split leaves undefined null), as it does for a split without negatives
test_expect_code 0 "--evaluate --max-fpr 0.1 on an empty split" train-trial --evaluate sa/trial-0.ckpt --features notest.feat --split test --max-fpr 0.1
test_expect_success "... at_fpr keeps its keys: max_fpr 0.1, the rest null" '
  jq -e ".at_fpr == {max_fpr: 0.1, threshold: null, f1: null, fpr: null, frr: null}" out'

# A checkpoint whose standardization does not fit its features (edited, or a writer's bug) said
# "expected 0 means and scales": the count was read after the buffers were released.
python3 - <<'P'
import json
c = open("sa/trial-0.ckpt", "rb").read()
n = int.from_bytes(c[12:16], "little")
h = json.loads(c[24:24 + n])
del h["features"]["normalize"]["mean"][0]
hb = json.dumps(h, separators=(",", ":")).encode()
x = 0xcbf29ce484222325   # the header's checksum (FNV-1a 64), made again
for b in hb:
    x = ((x ^ b) * 0x100000001b3) % 2**64
open("norm.ckpt", "wb").write(c[:12] + len(hb).to_bytes(4, "little") + x.to_bytes(8, "little") + hb + c[24 + n:])
P
test_expect_code 2 "--evaluate a checkpoint with 39 means for 40 features" train-trial --evaluate norm.ckpt --features tones.feat
test_expect_success "... says 40 are expected" 'grep -q "features.normalize: expected 40 means and scales" err'
