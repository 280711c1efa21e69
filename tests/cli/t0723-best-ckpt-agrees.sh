#!/usr/bin/env bash
# Everything that names the study's best agrees: best.ckpt holds the weights of the trial that
# report --best, the text, JSON and HTML forms and Optuna 3.1's study.best_trial name (lowest
# number among equal values), and --evaluate of it gives the metrics the study recorded for that
# trial. A trial killed after it finished but before its weights reached best.ckpt (waiting on
# another's .best.lock) left best.ckpt an older trial's for good: the next trial copies them.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
# best_is DIR: best.ckpt of DIR is trial-N.ckpt of the trial report --best names
best_is() {
  local b
  b=$(report --db "$1/s.db" --best | jq .trial) && [ -n "$b" ] && cmp "$1/best.ckpt" "$1/trial-$b.ckpt"
}

# Minimize, trials finishing together: values tie often on the tone cache (FRR 0 or 1).
mkdir mn
jq '.study = "mn" | .direction = "minimize" | .objective = "frr" | del(.constraints) | .budget.epochs = 3
    | .space.learning_rate = {"type": "float", "low": 0.001, "high": 0.05, "log": true}' c.json >mn.json
suggest --db mn/s.db --config mn.json --n 4 >mn.lines
for i in 0 1 2 3; do
  sed -n "$((i + 1))p" mn.lines >mn.l$i
  train-trial --db mn/s.db --features tones.feat --threads 1 --quiet mn.l$i >mn.r$i &
done
wait
test_expect_code 0 "minimize, four trials at once: report --best" report --db mn/s.db --best
cp out mn.best
test_expect_success "... best.ckpt is that trial's weights" 'best_is mn'
test_expect_success "... the lowest value, the lowest number among equal ones" '
  cat mn.r0 mn.r1 mn.r2 mn.r3 | jq -s -e --slurpfile b mn.best "(min_by(.value).value) as \$v
    | [.[] | select(.value == \$v) | .trial] | min == \$b[0].trial"'
test_expect_success "... the text, JSON and HTML name it too" '
  b=$(jq .trial mn.best) &&
  report --db mn/s.db | grep -q "^best: trial $b, value" &&
  [ "$(report --db mn/s.db --format json | jq .best.trial)" = "$b" ] &&
  report --db mn/s.db --format html | grep -q "<h2>Best trial</h2><div class=\"big\">#$b "'
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
if "$PY" -c 'import optuna' 2>/dev/null; then
  test_expect_success "... and Optuna 3.1's study.best_trial" '
    [ "$("$PY" -c "
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
print(optuna.load_study(study_name=\"mn\", storage=\"sqlite:///mn/s.db\").best_trial.number)")" = "$(jq .trial mn.best)" ]'
else
  test_skip "... and Optuna 3.1's study.best_trial" "python3-optuna is not installed"
fi
test_expect_code 0 "--evaluate best.ckpt on the validation split" train-trial --evaluate mn/best.ckpt --features tones.feat --split validation
test_expect_success "... the metrics the study recorded for the best trial" '
  b=$(jq .trial mn.best) &&
  [ "$(jq -c ".metrics | [.accuracy, .macro_f1, .f1, .fpr, .frr, .confusion]" out)" = \
    "$(jq -c ".metrics | [.accuracy, .macro_f1, .f1, .fpr, .frr, .confusion]" mn.r$b)" ]'

# Killed between its finish and the copy: trial 1, better than trial 0, finishes while the lock is
# held, and is killed there. Trial 2 (failing at once: a pruned or failed trial sees it too)
# copies its weights.
mkdir k
jq '.study = "k" | del(.constraints) | .budget.epochs = 3' c.json >k.json
suggest --db k/s.db --config k.json --n 3 >k.lines
for i in 0 1 2; do sed -n "$((i + 1))p" k.lines >k.l$i; done
train-trial --db k/s.db --features tones.feat --threads 1 --quiet k.l0 >k.r0
( exec 9>k/.best.lock && flock 9 && exec sleep 60 ) &   # the lock dies with $holder
holder=$!
for _ in $(seq 50); do command flock -n k/.best.lock true 2>/dev/null || break; sleep 0.1; done
train-trial --db k/s.db --features tones.feat --threads 1 --quiet k.l1 >k.r1 &
tp=$!
for _ in $(seq 300); do
  [ "$(sqlite3 k/s.db "SELECT state FROM trials WHERE number = 1")" = COMPLETE ] && break
  sleep 0.1
done
kill -KILL $tp
wait $tp 2>/dev/null
kill $holder
wait $holder 2>/dev/null
test_expect_success "a trial killed waiting on .best.lock after it finished: the study's best" '
  [ "$(report --db k/s.db --best | jq .trial)" = 1 ] && ! cmp -s k/best.ckpt k/trial-1.ckpt'
test_expect_code 0 "... the next trial (failing: a time limit)" train-trial --db k/s.db --features tones.feat --threads 1 --quiet --max-seconds 0.001 k.l2
test_expect_success "... copies its weights to best.ckpt" 'jq -e ".state == \"FAIL\"" out && best_is k'
test_expect_code 0 "--evaluate best.ckpt" train-trial --evaluate k/best.ckpt --features tones.feat
test_expect_success "... names the trial whose weights it holds: study, number and params" '
  jq -e --slurpfile l k.l1 ".trial == {study: \"k\", number: 1, params: \$l[0].params}" out'

# A best trial kept with --keep none has no weights to copy: best.ckpt stays absent.
mkdir kn
jq '.study = "kn" | del(.constraints) | .budget.epochs = 3' c.json >kn.json
suggest --db kn/s.db --config kn.json --n 2 >kn.lines
sed -n 1p kn.lines >kn.l0; sed -n 2p kn.lines >kn.l1
train-trial --db kn/s.db --features tones.feat --threads 1 --quiet --keep none kn.l0 >kn.r0
test_expect_code 0 "a study whose trial 0 kept no weights: trial 1" train-trial --db kn/s.db --features tones.feat --threads 1 --quiet kn.l1
test_expect_success "... best.ckpt only when trial 1 is the best" '
  if [ "$(report --db kn/s.db --best | jq .trial)" = 1 ]; then best_is kn; else [ ! -e kn/best.ckpt ]; fi'

# The best finished by tell (another trainer's trial, no weights here) after trial 0 had made
# best.ckpt: the next trial removes best.ckpt, which no longer holds the best's weights.
mkdir tl
jq '.study = "tl" | .budget.epochs = 3' c.json >tl.json
suggest --db tl/s.db --config tl.json --n 3 >tl.lines
for i in 0 2; do sed -n "$((i + 1))p" tl.lines >tl.l$i; done
train-trial --db tl/s.db --features tones.feat --threads 1 --quiet tl.l0 >tl.r0
tell --db tl/s.db --study tl --trial 1 --state complete --value 2 --constraint -1 >/dev/null
test_expect_success "a best trial finished by tell: best.ckpt is still trial 0's" 'best_is tl || cmp tl/best.ckpt tl/trial-0.ckpt'
test_expect_code 0 "... the next trial" train-trial --db tl/s.db --features tones.feat --threads 1 --quiet tl.l2
test_expect_success "... removes best.ckpt, saying why" '
  [ "$(report --db tl/s.db --best | jq .trial)" = 1 ] && [ ! -e tl/best.ckpt ] && [ -e tl/trial-0.ckpt ] &&
  grep -q "removed tl/best.ckpt (an earlier trial.s weights): the study.s best, trial 1, left none in tl" err'


# best.ckpt a FIFO (made by hand, or a stray mkfifo): the next trial opened it to compare with the
# best's weights and hung there, holding .best.lock, so every later trial of the study hung too.
# No trial wrote it: it is left alone, not removed as an earlier trial's (t0942).
mkdir ff
jq '.study = "ff" | del(.constraints) | .budget.epochs = 3' c.json >ff.json
suggest --db ff/s.db --config ff.json --n 2 >ff.lines
sed -n 1p ff.lines >ff.l0; sed -n 2p ff.lines >ff.l1
train-trial --db ff/s.db --features tones.feat --threads 1 --quiet ff.l0 >ff.r0
rm -f ff/best.ckpt && mkfifo ff/best.ckpt
test_expect_code 0 "best.ckpt a FIFO: the next trial (failing: a time limit)" \
  timeout 30 train-trial --db ff/s.db --features tones.feat --threads 1 --quiet --max-seconds 0.001 ff.l1
test_expect_success "... ends, the FIFO left alone, saying why" \
  '[ -p ff/best.ckpt ] && grep -q "left ff/best.ckpt alone: it is a FIFO, not a regular file" err'
