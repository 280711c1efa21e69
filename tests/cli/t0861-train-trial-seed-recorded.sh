#!/usr/bin/env bash
# train-trial records the seed a trial trained with where its study kept none for it (a trial
# line of a suggest older than wakesweep:seed, or a trial Optuna made): such a trial trained with
# its line's seed (or, for a line without one, the seed suggest gives its number), and that seed
# was then kept nowhere: report said seed null and the trial could not be trained again as it
# was. Now the seed goes into the trial's system attribute wakesweep:seed, as suggest keeps it,
# once the line is taken (a line refused as bad input records nothing). References: the line's
# own seed; for a line without one, the seed suggest prints for that trial number in a twin
# study; and Optuna 3.1, which loads the study and reads the attribute.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
need_python "seed recorded for a trial without one" optuna
make_tone_cache tones
tone_study_config c0.json
jq '.budget.epochs = 1' c0.json >c.json
tt() { train-trial --db "$1" --features tones.feat --threads 1 --keep none --quiet "$2"; }
kept_seed() { sqlite3 "$1" "SELECT value_json FROM trial_system_attributes JOIN trials USING (trial_id)
                            WHERE number = $2 AND key = 'wakesweep:seed'"; }
# optuna_seed DB NUMBER: "STATE SEED" of the trial as Optuna 3.1 loads the study
optuna_seed() {
  "$PY" -W ignore - "$1" "$2" <<'P'
import json, sys, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
t = optuna.load_study(study_name="tones", storage="sqlite:///" + sys.argv[1]).trials[int(sys.argv[2])]
print(t.state.name, json.dumps(t.system_attrs.get("wakesweep:seed")))
P
}
# optuna_ask DB: a trial made by Optuna (study.ask) with a learning rate of the study's space;
# prints its line, without "seed"
optuna_ask() {
  "$PY" -W ignore - "$1" <<'P'
import json, sys, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.load_study(study_name="tones", storage="sqlite:///" + sys.argv[1])
t = s.ask({"learning_rate": optuna.distributions.FloatDistribution(0.01, 0.02, log=True)})
print(json.dumps({"study": "tones", "trial": t.number, "params": t.params, "budget": {"epochs": 1}}))
P
}

# a trial line of an older suggest: the study keeps no seed for its trial
mkdir o
suggest --db o/s.db --config c.json >o/line
sqlite3 o/s.db "DELETE FROM trial_system_attributes WHERE key = 'wakesweep:seed'"
seed=$(jq .seed o/line)
test_expect_code 0 "a trial the study keeps no seed for (an older suggest's line) trains" tt o/s.db o/line
test_expect_success "... and the study keeps the line's seed for it now" '[ "$(kept_seed o/s.db 0)" = "$seed" ]'
test_expect_code 0 "report --format jsonl after it" report --db o/s.db --format jsonl
test_expect_success "... gives that seed, not null" 'jq -e --argjson s "$seed" "select(.trial == 0) | .seed == \$s" out'
test_expect_success "... and Optuna 3.1 loads the study, the trial COMPLETE with that seed" '
  [ "$(optuna_seed o/s.db 0)" = "COMPLETE $seed" ]'

# trials Optuna made (study.ask): one trained from a line with a seed of the user's, one from a
# line without seed (the seed suggest gives trial 2: the twin study's third line), and one whose
# line is refused (its params edited), which records nothing
mkdir a twin
suggest --db a/s.db --config c.json >a/line0
optuna_ask a/s.db >a/line1
optuna_ask a/s.db >a/line2
optuna_ask a/s.db >a/line3
jq -c '.seed = 4242' a/line1 >a/seeded1
jq -c '.params.learning_rate = 0.015 | .seed = 77' a/line3 >a/edited3
suggest --db twin/s.db --config c.json --n 3 >twin/lines
want2=$(jq -s '.[2].seed' twin/lines)
test_expect_success "(Optuna made trials 1, 2 and 3, with no seed kept)" '
  [ "$(jq -c .trial a/line1 a/line2 a/line3 | tr "\n" " ")" = "1 2 3 " ] &&
  [ -z "$(kept_seed a/s.db 1)$(kept_seed a/s.db 2)$(kept_seed a/s.db 3)" ]'
test_expect_code 0 "an Optuna trial, a line with seed 4242: trains" tt a/s.db a/seeded1
test_expect_success "... the study keeps 4242 for it" '[ "$(kept_seed a/s.db 1)" = 4242 ]'
test_expect_code 0 "an Optuna trial, a line without seed: trains" tt a/s.db a/line2
test_expect_success "... the study keeps the seed suggest gives trial 2 ($want2)" '[ "$(kept_seed a/s.db 2)" = "$want2" ]'
test_expect_code 2 "an Optuna trial, a line whose params were edited: refused" tt a/s.db a/edited3
test_expect_success "... no seed recorded for it (the line was not taken)" '[ -z "$(kept_seed a/s.db 3)" ]'
test_expect_code 0 "report --format jsonl" report --db a/s.db --format jsonl
# (trial 4: refused trial 3's params queued again, WAITING, with no seed as trial 3 had none)
test_expect_success "... the seeds of trials 0-4: suggest's, 4242, trial 2's, null, null" '
  [ "$(jq -sc "map([.trial, .seed]) | sort" out)" = "[[0,$(jq .seed a/line0)],[1,4242],[2,$want2],[3,null],[4,null]]" ]'
test_expect_success "... Optuna 3.1 loads the study: trials 1 and 2 COMPLETE with those seeds" '
  [ "$(optuna_seed a/s.db 1)" = "COMPLETE 4242" ] && [ "$(optuna_seed a/s.db 2)" = "COMPLETE $want2" ]'
test_expect_success "... one seed row a trial, trial 0'\''s (kept by suggest) as it was" '
  [ "$(sqlite3 a/s.db "SELECT max(n) FROM (SELECT count(*) AS n FROM trial_system_attributes WHERE key = '"'wakesweep:seed'"' GROUP BY trial_id)")" = 1 ] &&
  [ "$(kept_seed a/s.db 0)" = "$(jq .seed a/line0)" ]'

# a line seed that is no trial seed (suggest's are 0..2^31-1, and a kept one must be): it trained
# where no seed was kept, and kept it would be refused by a retry; now bad input, nothing kept
mkdir r
optuna_ask a/s.db >r/line4
for s in -1 2147483648; do
  jq -c --argjson s "$s" '.seed = $s' r/line4 >r/bad
  test_expect_code 2 "a line with seed $s, its trial keeping none: refused" tt a/s.db r/bad
  test_expect_success "... naming the field and the range; no seed kept for the trial" '
    grep -qx "train-trial: trial line: seed: expected 0..2147483647 (a trial seed, as suggest prints them), got $s" err &&
    [ -z "$(kept_seed a/s.db 4)" ]'
done
