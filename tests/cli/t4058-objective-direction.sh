#!/usr/bin/env bash
# A study's direction against its objective: minimize for f1 (a config that gives no direction
# minimizes, Optuna's default), or maximize for at_fpr.fpr. train-trial took a validation that got
# worse for an improvement: it kept the worst weights, gave the trial its worst value (the F1 of
# its first epoch, 0, where a later one reached 1) and ranked its worst trial best. It refuses to
# train such a study now, before training (exit 2, the trial FAIL with no intermediate value),
# naming the study, its direction and the objective, the default one too. suggest takes the
# config: a study whose values tell(1) gives may minimize a loss under any objective name.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
jq 'del(.constraints) | .budget.epochs = 2' c.json >base.json

# study NAME JQ: base.json changed by JQ, a study of it in NAME.db, its first trial line in NAME.line
study() { jq "$2 | .study = \"$1\"" base.json >"$1.json" && suggest --db "$1.db" --config "$1.json" >"$1.line"; }
# refused NAME: train-trial on NAME's trial exits 2 (stderr in err), the trial FAIL, nothing reported
refused() {
  local rc=0
  train-trial --db "$1.db" --features tones.feat --threads 1 --quiet "$1.line" >out 2>err || rc=$?
  [ "$rc" = 2 ] && [ "$(sqlite3 "$1.db" "SELECT state FROM trials WHERE number = 0")" = FAIL ] &&
    [ "$(sqlite3 "$1.db" "SELECT count(*) FROM trial_intermediate_values")" = 0 ]
}

test_expect_success "no objective, no direction, a wake word: suggest takes it, as a minimizing study" '
  study dflt "del(.direction, .objective)" && [ "$(sqlite3 dflt.db "SELECT direction FROM study_directions")" = MINIMIZE ]'
test_expect_success "... train-trial refuses it before training: exit 2, the trial FAIL, no intermediate value" 'refused dflt'
test_expect_success "... naming the study, its direction, the default objective and what to do" '
  grep -qxF "train-trial: study '"'dflt'"' has direction minimize, but its objective f1 (the default, with fixed.positive) is better higher: make a study of another name with \"direction\": \"maximize\" in its config (a study keeps its direction)" err'
test_expect_success "objective accuracy, direction minimize: refused" '
  study minacc ".direction = \"minimize\" | .objective = \"accuracy\"" && refused minacc &&
  grep -q "^train-trial: study .minacc. has direction minimize, but its objective accuracy is better higher: " err'
test_expect_success "objective at_fpr.fpr, direction maximize: refused, better lower" '
  study maxfpr ".objective = \"at_fpr.fpr\"" && refused maxfpr &&
  grep -q "^train-trial: study .maxfpr. has direction maximize, but its objective at_fpr.fpr is better lower: make a study of another name with \"direction\": \"minimize\"" err'
test_expect_code 0 "objective frr, direction minimize: trains" \
  sh -c 'jq ".direction = \"minimize\" | .objective = \"frr\" | .study = \"minfrr\"" base.json >minfrr.json &&
    suggest --db minfrr.db --config minfrr.json >minfrr.line &&
    train-trial --db minfrr.db --features tones.feat --threads 1 --quiet minfrr.line'
test_expect_success "... COMPLETE" 'jq -e ".state == \"COMPLETE\"" out'
test_expect_success "train-trial(1) and README say so" '
  tr "\n" " " <"$WS_ROOT/share/man/man1/train-trial.1" | grep -q "The study.s direction must be its objective.s: maximize for" &&
  grep -q "refuses (exit 2) every trial of a study whose direction is not its objective.s" "$WS_ROOT/README.md"'
