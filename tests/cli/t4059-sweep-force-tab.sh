#!/usr/bin/env bash
# SUGGEST_ARGS is a list of options split at blanks: trial.sh hands it to suggest split by the
# shell (space, TAB or newline alike), and the check of it before the sweep (check-vars.sh's args)
# splits it so too. The check of the config the study keeps looked for --force between spaces
# alone (" $args " matched against *" --force "*): a --force set off by a TAB (SUGGEST_ARGS from a
# tab-separated list, a here-document, a variable holding one) was taken for none, and make sweep
# refused the edited config it was given to replace, saying to give SUGGEST_ARGS=--force, which
# it had been given. Now any blank sets it off, as make's own split of it (staged's --fixed check)
# and trial.sh's do.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json sm 1
jq '.space.learning_rate.high = 0.03' c.json >edited.json
mkdir m
suggest --db m/study.db --config c.json --n 0 >/dev/null
test_expect_code 2 "another kept config: make -n sweep refuses it (the reference, without --force)" \
  tone_sweep m -n TRIALS=1 CONFIG="$TMP/edited.json"
test_expect_success "... naming SUGGEST_ARGS=--force" 'grep -q "keeps another config: .*SUGGEST_ARGS=--force to replace the kept one" err'
tab=$'\t'
for args in "--seed 3 --force" "--seed 3$tab--force" "--force$tab--seed 3" "--seed${tab}3$tab--force$tab" \
            "$tab--force" "--force$tab"; do
  shown=$(printf '%q' "$args")
  test_expect_code 0 "make -n sweep SUGGEST_ARGS=$shown: the kept config is replaced, not refused" \
    tone_sweep m -n TRIALS=1 CONFIG="$TMP/edited.json" SUGGEST_ARGS="$args"
done
# --force is a word of its own, set off by blanks on both sides: not a part of another
for args in "--seed 3$tab--forced" "x--force$tab--seed 3"; do
  shown=$(printf '%q' "$args")
  test_expect_code 2 "make -n sweep SUGGEST_ARGS=$shown: no --force, refused" \
    tone_sweep m -n TRIALS=1 CONFIG="$TMP/edited.json" SUGGEST_ARGS="$args"
done
# the direction is checked whatever SUGGEST_ARGS holds (t4052), --force set off by a TAB too
jq '.direction = "minimize"' c.json >min.json
test_expect_code 2 "make -n sweep SUGGEST_ARGS=--seed<TAB>--force, CONFIG of another direction: refused" \
  tone_sweep m -n TRIALS=1 CONFIG="$TMP/min.json" SUGGEST_ARGS="--seed 3$tab--force"
test_expect_success "... naming the kept direction" 'grep -qF "keeps direction maximize, not the config'"'"'s minimize" err'
# and a real sweep with the TAB: its trial runs with the edited config, which the study keeps now
test_expect_code 0 "make sweep SUGGEST_ARGS='--seed 3<TAB>--force': the sweep runs" \
  tone_sweep m TRIALS=1 CONFIG="$TMP/edited.json" SUGGEST_ARGS="--seed 3$tab--force"
test_expect_success "... the study keeps the edited config now, its trial done" '
  [ "$(sqlite3 m/study.db "SELECT json_extract(value_json, '\''$.space.learning_rate.high'\'') FROM study_system_attributes WHERE key = '\''wakesweep:config'\''")" = 0.03 ] &&
  [ "$(sqlite3 m/study.db "SELECT count(*) FROM trials WHERE state = '\''COMPLETE'\''")" = 1 ]'
