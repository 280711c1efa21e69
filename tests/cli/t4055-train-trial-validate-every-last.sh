#!/usr/bin/env bash
# validate_every k with k not dividing the epoch budget: the trial validates after every k-th
# epoch and after its last one too, so that its value, its kept weights and the pruner see the
# weights it ends with (10 epochs at k 3: steps 3, 6, 9 and 10; without the last, the epoch
# trained after step 9 would be trained for nothing). A k that divides it adds no validation,
# and one past the budget validates the last epoch only. The steps are read back with Optuna
# (trial.intermediate_values, as trial.report(value, step) stores them).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
need_python "validate_every and the last epoch" optuna
make_tone_cache tones
tone_study_config tones.json

# steps_of NAME EVERY EPOCHS: a study NAME validating every EVERY epochs for EPOCHS, one trial
# trained; prints its intermediate values' steps as Optuna reads them, blank-separated.
steps_of() {
  mkdir "$1" && jq ".study = \"$1\" | .budget.epochs = $3 | .fixed.validate_every = $2" tones.json >"$1/c.json" &&
    suggest --db "$1/s.db" --config "$1/c.json" >"$1/line" &&
    train-trial --db "$1/s.db" --features tones.feat --threads 1 --quiet --keep none "$1/line" >"$1.result" &&
    "$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
t = optuna.load_study(study_name='$1', storage='sqlite:///$1/s.db').trials[0]
print(' '.join(map(str, sorted(t.intermediate_values))))"
}

test_expect_success "every 3 of 10 epochs: steps 3 6 9 and the last, 10; 10 epochs trained" '
  [ "$(steps_of e3of10 3 10)" = "3 6 9 10" ] && jq -e ".state == \"COMPLETE\" and .epochs == 10" e3of10.result'
test_expect_success "every 3 of 9: steps 3 6 9, the last not twice" '[ "$(steps_of e3of9 3 9)" = "3 6 9" ]'
test_expect_success "every 5 of 3: the last epoch only, step 3" '[ "$(steps_of e5of3 5 3)" = "3" ]'
test_expect_success "train-trial(1) says the last epoch validates too" '
  tr "\n" " " <"$WS_ROOT/share/man/man1/train-trial.1" |
    grep -q "Where .fBvalidate_every.fR does not divide the epochs, the last epoch validates too"'
