#!/usr/bin/env bash
# suggest --force replaces the config a study keeps, but not its direction: a study keeps the
# direction it was made with (Optuna has no way to change it), so a config of the other direction
# is refused with --force too, even before the study has a trial (exit 2, "..., which a study
# keeps"). README's pipeline section said so ("is refused with --force too"); suggest --help's
# --force entry and suggest(1)'s listed what --force still refuses (another
# budget.validations_per_epoch, fine_epochs or fine_steps once the study has trials; another
# kind, log or choices of a stored parameter) without the direction, so a reader took --force for
# the way to turn a study round.
. "$WS_ROOT/tests/cli/lib.sh"
jq '.direction = "minimize" | .objective = "fpr"' "$WS_ROOT/tests/cli/study.json" >min.json

test_expect_code 0 "a maximize study, made without a trial" suggest --db s.db --config "$WS_ROOT/tests/cli/study.json" --n 0
test_expect_code 2 "suggest --force with a minimize config" suggest --db s.db --config min.json --force --n 0
test_expect_success "... refused, naming the direction the study keeps" \
  'grep -q "^suggest: min.json: direction: minimize, but study .kws. in s.db has direction maximize, which a study keeps" err'
test_expect_success "... the study as it was: maximize, the first config kept" '
  [ "$(sqlite3 s.db "SELECT direction FROM study_directions")" = MAXIMIZE ] &&
  [ "$(sqlite3 s.db "SELECT value_json FROM study_system_attributes WHERE key = \"wakesweep:config\"" | jq -r ".direction")" = maximize ]'

# The entries of --force: --help's (its lines up to the next option) and the man page's (its .TP)
suggest --help | awk '/^  --force / { on = 1; print; next } on && /^  -/ { exit } on' >help.force
awk '/^\.B \\-\\-force$/ { on = 1; next } on && /^\.(TP|SH)/ { exit } on' "$WS_ROOT/share/man/man1/suggest.1" |
  sed 's/\\f.//g; s/\\-/-/g' | tr '\n' ' ' >man.force
test_expect_success "suggest --help's --force entry says another direction is refused" \
  'grep -q "replace the config" help.force && tr "\n" " " <help.force | tr -s " " | grep -q "nor another direction"'
test_expect_success "suggest(1)'s --force entry says so" \
  'grep -q "Replace the config kept" man.force && tr -s " " <man.force | grep -q "A config with another direction is refused"'
