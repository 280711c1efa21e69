#!/usr/bin/env bash
# budget.validations_per_epoch: a trial validates K times an epoch and reports each as a step
# (a step is 1/K of an epoch), so a pruner can stop a trial before its first epoch ends. The cut
# changes nothing in training: the values at the ends of the epochs are those of a trial that
# validates once an epoch. The result line counts epochs in parts (0.25); suggest gives
# hyperband's max_resource steps as enough epochs; report labels its steps.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
mkdir one four
tone_study_config tones.json
# accuracy of 4 classes at a learning rate at which it moves from epoch to epoch, so the
# comparisons below compare values that differ (checked)
jq '.objective = "accuracy" | .fixed.learning_rate = 0.03 | .space = {"dropout": {"type": "float", "low": 0, "high": 0.1}}' tones.json >base.json
jq '.budget = {"epochs": 3}' base.json >one.json
jq '.budget = {"epochs": 3, "validations_per_epoch": 4}' base.json >four.json
suggest --db one/s.db --config one.json >one.line
suggest --db four/s.db --config four.json --tag t1 >four.line
test_expect_success "both studies draw the same trial (params and seed)" '[ "$(jq -c "del(.budget)" one.line)" = "$(jq -c "del(.budget)" four.line)" ]'
test_expect_code 0 "trains with one validation an epoch" train-trial --db one/s.db --features tones.feat --threads 1 --quiet one.line
cp out one.result
test_expect_code 0 "trains with four validations an epoch" train-trial --db four/s.db --features tones.feat --threads 1 --quiet four.line
cp out four.result
test_expect_success "steps 1..12: four a epoch for 3 epochs" '
  [ "$(study_steps four/s.db | cut -d" " -f1 | tr "\n" " ")" = "1 2 3 4 5 6 7 8 9 10 11 12 " ]'
test_expect_success "the value at the end of each epoch is the once-an-epoch trial's (steps 4, 8, 12 = 1, 2, 3)" '
  study_steps one/s.db | cut -d" " -f2 >a &&
  study_steps four/s.db | awk "\$1 % 4 == 0 { print \$2 }" >b && [ "$(sort -u a | wc -l)" -gt 1 ] && cmp a b'
test_expect_success "the result line counts whole epochs: epochs 3, best_epoch in quarters" '
  jq -e ".state == \"COMPLETE\" and .epochs == 3 and (.best_epoch * 4 | . == floor) and .best_epoch > 0 and .best_epoch <= 3" four.result'
test_expect_success "the value is the best of the twelve validations" '
  [ "$(jq .value four.result)" = "$(sqlite3 four/s.db "SELECT max(intermediate_value) FROM trial_intermediate_values" | jq .)" ]'
test_expect_code 0 "--result-of rebuilds the line from the study" train-trial --db four/s.db --result-of t1
test_expect_success "... with the same epochs and best_epoch" '
  [ "$(jq -c "{epochs, best_epoch}" out)" = "$(jq -c "{epochs, best_epoch}" four.result)" ]'

# budget.fine_epochs 1: four validations in the first epoch, then one at each epoch's end; the
# steps keep their size (epoch 2 ends at step 8) and the values are those of the four-a-epoch run.
mkdir fine
jq '.budget.fine_epochs = 1' four.json >fine.json
suggest --db fine/s.db --config fine.json >fine.line
test_expect_code 0 "budget.fine_epochs 1: trains" train-trial --db fine/s.db --features tones.feat --threads 1 --quiet --keep none fine.line
test_expect_success "... reporting steps 1 2 3 4 8 12" '
  [ "$(study_steps fine/s.db | cut -d" " -f1 | tr "\n" " ")" = "1 2 3 4 8 12 " ]'
test_expect_success "... with the values of the four-a-epoch trial at those steps" '
  study_steps four/s.db | awk "\$1 <= 4 || \$1 % 4 == 0" >a && study_steps fine/s.db >b && cmp a b &&
  jq -e ".state == \"COMPLETE\" and .epochs == 3" out'
# budget.fine_steps [1, 6]: of the fine epochs' steps only 1 and 6 validate, and each epoch's
# end; training is the same, so the values at those steps are the four-a-epoch trial's.
mkdir fsteps
jq '.budget.fine_epochs = 2 | .budget.fine_steps = [1, 6]' four.json >fsteps.json
suggest --db fsteps/s.db --config fsteps.json >fsteps.line
test_expect_code 0 "budget.fine_steps [1, 6] in 2 fine epochs: trains" \
  train-trial --db fsteps/s.db --features tones.feat --threads 1 --quiet --keep none fsteps.line
test_expect_success "... reporting steps 1 4 6 8 12" '
  [ "$(study_steps fsteps/s.db | cut -d" " -f1 | tr "\n" " ")" = "1 4 6 8 12 " ]'
test_expect_success "... with the values of the four-a-epoch trial at those steps" '
  study_steps four/s.db | awk "\$1 == 1 || \$1 == 6 || \$1 % 4 == 0" >a && study_steps fsteps/s.db >b && cmp a b &&
  jq -e ".state == \"COMPLETE\" and .epochs == 3" out'
for bad in '[0]' '[9]' '[4, 2]' '[1, 1]' '[1.5]' '[]' '"1"' '[-1]' 'null' '[1, "x"]'; do
  jq --argjson s "$bad" '.budget.fine_epochs = 2 | .budget.fine_steps = $s' four.json >fsbad.json
  test_expect_code 2 "budget.fine_steps $bad is refused" suggest --db fsteps/bad.db --config fsbad.json
  test_expect_success "... naming the field and what it takes" \
    'grep -Eq "budget.fine_steps(\[[0-9]+\])?: expected (increasing integers 1..8 |an array of 1..64 steps)" err && [ ! -e fsteps/bad.db ]'
done
jq '.budget.fine_epochs = 2 | .budget.fine_steps = [8]' four.json >fstop.json
test_expect_code 0 "budget.fine_steps [8], the fine epochs' last step, is taken" suggest --db fsteps/top.db --config fstop.json -n 0
jq '.budget = {"epochs": 30, "validations_per_epoch": 4, "fine_epochs": 20} | .budget.fine_steps = [range(1; 66)]' base.json >fs65.json
test_expect_code 2 "budget.fine_steps of 65 steps is refused" suggest --db fsteps/bad.db --config fs65.json
test_expect_success "... saying at most 64" 'grep -q "budget.fine_steps: expected an array of 1..64 steps" err'
jq '.budget.fine_steps = [1]' four.json >fsnofine.json
test_expect_code 2 "budget.fine_steps without fine_epochs is refused" suggest --db fsteps/bad.db --config fsnofine.json
test_expect_success "... saying why" 'grep -q "budget.fine_steps: names steps of the fine epochs, but budget.fine_epochs is not given" err'
test_expect_code 0 "report --format html of the fine_steps study" report --db fsteps/s.db --format html
test_expect_success "... says which steps have values" '
  grep -q "(at steps 1, 6 and the end of every epoch) of every trial" out &&
  grep -q "Intermediate values at steps 1, 6 and the end of every epoch (a step is 1/4 of an epoch)" out'
jq '.budget.fine_epochs = 2 | .budget.fine_steps = [1, 5]' four.json >fsteps2.json
test_expect_code 2 "suggest --force with other budget.fine_steps on a study with trials is refused" \
  suggest --db fsteps/s.db --config fsteps2.json --force
test_expect_success "... saying why" 'grep -q "budget.fine_steps: its 1 trial reports other steps than this config.s" err'
jq '.budget.fine_epochs = 2' four.json >fsnone.json
test_expect_code 2 "... so is --force without budget.fine_steps" suggest --db fsteps/s.db --config fsnone.json --force
jq '.description = "the same steps"' fsteps.json >fsame.json
test_expect_code 0 "... while --force with the same steps replaces it" suggest --db fsteps/s.db --config fsame.json --force -n 0

# A trial stopped between two validations (--max-seconds, past the fine epochs): its result line
# counts the parts it trained, and --result-of rebuilds the same count from the study.
mkdir long
jq '.budget = {"epochs": 100000, "validations_per_epoch": 4, "fine_epochs": 1}' base.json >long.json
suggest --db long/s.db --config long.json --tag long >long.line
test_expect_code 0 "a trial stopped by --max-seconds after its fine epochs" \
  train-trial --db long/s.db --features tones.feat --threads 1 --quiet --keep none --max-seconds 1 long.line
cp out long.result
test_expect_success "... is FAIL, its epochs counted in quarters" 'jq -e ".state == \"FAIL\" and .epochs > 0 and (.epochs * 4 | . == floor)" long.result'
test_expect_code 0 "... --result-of rebuilds its line" train-trial --db long/s.db --result-of long
test_expect_success "... with the epochs it trained, not the step of its last validation" '[ "$(jq .epochs out)" = "$(jq .epochs long.result)" ]'
jq '.budget.fine_epochs = 0' four.json >fine0.json
test_expect_code 2 "budget.fine_epochs 0 is refused" suggest --db fine/bad.db --config fine0.json
test_expect_success "... naming the field and the range" 'grep -q "budget.fine_epochs: expected an integer 1\.\.100000 (at most the epochs a trial trains)" err'
jq '.budget = {"epochs": 3, "fine_epochs": 1}' base.json >fine1.json
test_expect_code 2 "budget.fine_epochs without validations_per_epoch above 1 is refused" suggest --db fine/bad.db --config fine1.json
test_expect_success "... saying why" 'grep -q "budget.fine_epochs: .*budget.validations_per_epoch is 1" err && [ ! -e fine/bad.db ]'

# A trial line without its budget (written by hand, or edited) trains the epochs suggest would
# have given it, the study's 2 here, not train-trial's default of 10.
mkdir nobudget
jq '.budget = {"epochs": 2}' base.json >two.json
suggest --db nobudget/s.db --config two.json | jq -c 'del(.budget)' >nobudget.line
test_expect_code 0 "a trial line without a budget" train-trial --db nobudget/s.db --features tones.feat --threads 1 --quiet --keep none nobudget.line
test_expect_success "... trains the study's 2 epochs" 'jq -e ".state == \"COMPLETE\" and .epochs == 2" out'

# Gradient accumulation over 3 batches, the 8 batches of an epoch cut in 3 parts (2, 3, 3): the
# cuts fall inside accumulation groups, and still the epochs end as once-an-epoch ones do.
mkdir acc1 acc3
jq '.budget = {"epochs": 3} | .fixed.accumulate = 3' base.json >acc1.json
jq '.budget = {"epochs": 3, "validations_per_epoch": 3} | .fixed.accumulate = 3' base.json >acc3.json
suggest --db acc1/s.db --config acc1.json >acc1.line
suggest --db acc3/s.db --config acc3.json >acc3.line
test_expect_code 0 "accumulating 3 batches, once an epoch" train-trial --db acc1/s.db --features tones.feat --threads 1 --quiet --keep none acc1.line
test_expect_code 0 "... and three times an epoch" train-trial --db acc3/s.db --features tones.feat --threads 1 --quiet --keep none acc3.line
test_expect_success "... the same values at the ends of the epochs (steps 3, 6, 9 = 1, 2, 3)" '
  study_steps acc1/s.db | cut -d" " -f2 >a &&
  study_steps acc3/s.db | awk "\$1 % 3 == 0 { print \$2 }" >b && [ "$(sort -u a | wc -l)" -gt 1 ] && cmp a b'

# More parts than batches: batch 16 makes 2 batches an epoch, cut in 4 parts; the empty parts
# keep their steps but report nothing (no value of an untrained model at step 1).
mkdir sparse
jq '.budget = {"epochs": 2, "validations_per_epoch": 4} | .fixed.batch_size = 16' base.json >sparse.json
suggest --db sparse/s.db --config sparse.json >sparse.line
test_expect_code 0 "4 parts of an epoch of 2 batches" train-trial --db sparse/s.db --features tones.feat --threads 1 --quiet --keep none sparse.line
test_expect_success "... reports at steps 2, 4, 6, 8 only" '[ "$(study_steps sparse/s.db | cut -d" " -f1 | tr "\n" " ")" = "2 4 6 8 " ] &&
  jq -e ".epochs == 2" out'

# A pruner asked at a quarter of an epoch: the trial stops there, PRUNED with its value.
mkdir pruned
jq '.budget = {"epochs": 3, "validations_per_epoch": 4} | .pruner = {"name": "threshold", "lower": 2}' base.json >p.json
suggest --db pruned/s.db --config p.json --tag p >p.line
test_expect_code 0 "a threshold pruner stops the trial at its first step" train-trial --db pruned/s.db --features tones.feat --threads 1 --quiet p.line
test_expect_success "... PRUNED at step 1 (epoch 0.25), with a value, epochs 0.25" '
  jq -e ".state == \"PRUNED\" and .epochs == 0.25 and (.value|type) == \"number\" and (.reason | startswith(\"pruned at step 1 (epoch 0.25)\"))" out'
test_expect_success "... the study holds it PRUNED with one intermediate value" '
  [ "$(sqlite3 pruned/s.db "SELECT state || \" \" || (SELECT count(*) FROM trial_intermediate_values) FROM trials")" = "PRUNED 1" ]'
test_expect_code 0 "--result-of of the pruned trial" train-trial --db pruned/s.db --result-of p
test_expect_success "... epochs 0.25 there too" 'jq -e ".epochs == 0.25 and .best_epoch == 0.25" out'

# Hyperband's max_resource is in steps: suggest gives the epochs that hold them.
mkdir hb
jq '.budget = {"epochs": 9, "validations_per_epoch": 4} | .pruner = {"name": "hyperband", "min_resource": 1, "max_resource": 8, "reduction_factor": 3}' base.json >hb.json
test_expect_code 0 "suggest under hyperband with 4 validations an epoch" suggest --db hb/s.db --config hb.json
test_expect_success "... budget: max_resource 8 steps are 2 epochs" 'jq -e ".budget.epochs == 2" out'
jq -c 'del(.budget)' out >hb-nobudget.line
test_expect_code 0 "... and its line without the budget" train-trial --db hb/s.db --features tones.feat --threads 1 --quiet --keep none hb-nobudget.line
test_expect_success "... trains those 2 epochs, not budget.epochs 9" 'jq -e ".state == \"COMPLETE\" and .epochs == 2" out'
jq '.pruner.max_resource = 6' hb.json >hb6.json
test_expect_code 2 "a max_resource that is not whole epochs is refused" suggest --db hb/s6.db --config hb6.json
test_expect_success "... saying so" 'grep -q "pruner.max_resource 6 is not a whole number of epochs of 4 steps" err'

test_expect_code 0 "report --format html of the four-a-epoch study" report --db four/s.db --format html
test_expect_success "... its learning curves count steps in quarters of an epoch" 'grep -q "step (1/4 epoch)" out && grep -q "4 per epoch" out'
test_expect_code 0 "report --format html of the fine_epochs study" report --db fine/s.db --format html
test_expect_success "... says the later epochs have one value each" '
  grep -q "4 per epoch in the first epoch, then 1" out && grep -q "Intermediate values, 4 per epoch in the first epoch, then one" out'

# --force replaces a config, but not the length of a step once trials have reported one.
jq '.budget.validations_per_epoch = 2' four.json >four2.json
test_expect_code 2 "suggest --force with another validations_per_epoch on a study with trials is refused" \
  suggest --db four/s.db --config four2.json --force
test_expect_success "... saying why, and the kept config is the old one" '
  grep -q "budget.validations_per_epoch: its 1 trial reports 4 steps an epoch; a config with 2 would mix" err &&
  [ "$(sqlite3 four/s.db "SELECT count(*) FROM trials")" = 1 ] &&
  sqlite3 four/s.db "SELECT value_json FROM study_system_attributes WHERE key = '"'"'wakesweep:config'"'"'" |
    jq -e ".budget.validations_per_epoch == 4" >/dev/null'
jq '.budget.epochs = 4' four.json >four-e4.json
test_expect_code 0 "... while --force with the same validations_per_epoch replaces it" suggest --db four/s.db --config four-e4.json --force -n 0
jq '.budget.fine_epochs = 1' four.json >four-f1.json
test_expect_code 2 "suggest --force with another budget.fine_epochs on a study with trials is refused" \
  suggest --db four/s.db --config four-f1.json --force
test_expect_success "... saying why" '
  grep -q "budget.fine_epochs: its 1 trial reports under none (every epoch); a config with 1 would report other steps" err &&
  sqlite3 four/s.db "SELECT value_json FROM study_system_attributes WHERE key = '"'"'wakesweep:config'"'"'" |
    jq -e ".budget | has(\"fine_epochs\") | not" >/dev/null'
mkdir empty
suggest --db empty/s.db --config four.json -n 0 >/dev/null
test_expect_code 0 "... as it does on a study without trials" suggest --db empty/s.db --config four2.json --force -n 0

# Bad settings: exit 2, naming the field.
jq '.budget = {"epochs": 3, "validations_per_epoch": 0}' base.json >bad0.json
test_expect_code 2 "validations_per_epoch 0 is refused" suggest --db bad/s.db --config bad0.json
test_expect_success "... naming budget.validations_per_epoch" 'grep -q "budget.validations_per_epoch: expected an integer 1..1000" err'
jq '.budget = {"epochs": 3, "validations_per_epoch": 2.5}' base.json >bad1.json
test_expect_code 2 "a fraction is refused" suggest --db bad/s.db --config bad1.json
mkdir both
jq '.budget = {"epochs": 3, "validations_per_epoch": 4} | .fixed.validate_every = 2' base.json >both.json
test_expect_code 2 "with a fixed validate_every 2 as well: suggest refuses the config" suggest --db both/s.db --config both.json
test_expect_success "... saying why" 'grep -q "budget.validations_per_epoch 4 with fixed.validate_every 2" err'
# suggest refuses this config too (t0847); a study can hold it all the same (kept before that
# check), so it is made with one validation an epoch and its kept config then set to both.json
jq '.budget = {"epochs": 3, "validations_per_epoch": 4} | .space.validate_every = {"type": "categorical", "choices": [2]}' base.json >both.json
jq '.budget = {"epochs": 3}' both.json >both1.json
suggest --db both/s.db --config both1.json >both.line
jq -c . both.json >both.kept
sqlite3 both/s.db "UPDATE study_system_attributes SET value_json = CAST(readfile('both.kept') AS TEXT) WHERE key = 'wakesweep:config'"
test_expect_code 2 "with a searched validate_every 2: train-trial refuses the pair" train-trial --db both/s.db --features tones.feat --threads 1 --quiet both.line
test_expect_success "... saying why, and the trial is FAIL" 'grep -q "validations_per_epoch 4 with trial line: params.validate_every 2" err &&
  [ "$(sqlite3 both/s.db "SELECT state FROM trials WHERE number = 0")" = FAIL ]'

# Every ready study (kws-fast among them) is a valid config.
test_expect_success "the ready studies in configs/studies all set up a study" '
  for f in "$WS_ROOT"/configs/studies/*.json; do
    suggest --db ready.db --config "$f" -n 0 >/dev/null 2>ready.err || { echo "$f: $(cat ready.err)" >&2; exit 1; }
  done; [ "$(sqlite3 ready.db "SELECT count(*) FROM studies")" -ge 8 ]'
