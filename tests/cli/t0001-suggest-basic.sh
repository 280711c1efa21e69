#!/usr/bin/env bash
# suggest: creates the study, prints trial lines that fit the space, numbers trials densely,
# follows the epoch schedule, is reproducible from the seed, and guards the kept config.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
test_expect_code 0 "suggest creates the study and 6 trials" suggest --db s.db --config c.json --n 6
cp out lines
test_expect_success "six lines numbered 0..5" '[ "$(jq -r .trial lines | tr "\n" " ")" = "0 1 2 3 4 5 " ]'
test_expect_success "every line has study, params, budget and seed" \
  'jq -e "select(.study != \"kws\" or (.params|type) != \"object\" or (.seed|type) != \"number\")" lines >bad; [ ! -s bad ]'
test_expect_success "params lie in the space" '
  jq -e "select(.params.learning_rate < 1e-4 or .params.learning_rate > 1e-2
     or ([32,64,128] | index(.params.batch_size)) == null
     or (.params.channels - 16) % 16 != 0 or .params.channels > 128
     or ((.params.dropout * 10 | round) - .params.dropout * 10 | fabs) > 1e-9)" lines >bad; [ ! -s bad ]'
test_expect_success "momentum present exactly when optimizer is sgd" '
  jq -e "select((.params.optimizer == \"sgd\") != (.params | has(\"momentum\")))" lines >bad; [ ! -s bad ]'
test_expect_success "epoch schedule: 3 for trials 0-1, then 5" '[ "$(jq -r .budget.epochs lines | tr "\n" " ")" = "3 3 5 5 5 5 " ]'
test_expect_success "seeds differ per trial" '[ "$(jq -r .seed lines | sort -u | wc -l)" = 6 ]'
test_expect_success "same seed and history give the same suggestions" '
  suggest --db a.db --config c.json --n 3 >a && suggest --db b.db --config c.json --n 3 >b && cmp a b'
test_expect_success "--seed changes the suggestions" '
  suggest --db d.db --config c.json --n 3 --seed 99 >d && ! cmp -s a d'
# suggest.1: without sampler.seed, a study keeps the --seed of the call that created it (it said:
# a seed drawn then); a later --seed changes only its own call
jq "del(.sampler.seed)" c.json >ns.json
test_expect_success "a study created with --seed 5 keeps 5; a later --seed 9 changes only its call" '
  suggest --db ns1.db --config ns.json --seed 5 --n 0 && suggest --db ns1.db --config ns.json >ns1 &&
  suggest --db ns1.db --config ns.json --seed 9 >>ns1 && suggest --db ns1.db --config ns.json >>ns1 &&
  suggest --db ns2.db --config ns.json --seed 5 --n 3 >ns2 &&
  [ "$(jq -c "[.trial, .seed]" ns1 | sed 2d)" = "$(jq -c "[.trial, .seed]" ns2 | sed 2d)" ] &&
  [ "$(jq .seed ns1 | sed -n 2p)" != "$(jq .seed ns2 | sed -n 2p)" ]'
test_expect_success "the study keeps its config and seed as system attributes" '
  [ "$(sqlite3 s.db "SELECT count(*) FROM study_system_attributes WHERE key IN (\"wakesweep:config\",\"wakesweep:seed\")")" = 2 ]'
jq '.space.channels.high = 256' c.json >c2.json
test_expect_code 2 "a different config under the same study name is refused" suggest --db s.db --config c2.json
test_expect_success "... with a message naming the study" 'grep -q "study .kws. exists with a different config" err'
test_expect_code 0 "... unless --force" suggest --db s.db --config c2.json --force
test_expect_success "... which numbers on" '[ "$(jq .trial out)" = 6 ]'
test_expect_success "sqlite:/// URLs are accepted" 'suggest --db sqlite:///s.db --config c2.json >o && [ "$(jq .trial o)" = 7 ]'
test_expect_success "heartbeat recorded for each running trial" '[ "$(sqlite3 s.db "SELECT count(*) FROM trial_heartbeats")" = 8 ]'
# Spaces Optuna accepts: a step that does not divide high - low lowers high to the grid, with a
# warning naming the field; low == high is a single value. The study stores the distribution
# Optuna would (its distribution_json, byte for byte).
jq '.space.channels = {"type": "int", "low": 0, "high": 10, "step": 3}
  | .space.dropout = {"type": "float", "low": 0, "high": 1, "step": 0.3}
  | .space.width = {"type": "int", "low": 4, "high": 4}
  | .space.scale = {"type": "float", "low": 0.5, "high": 0.5, "log": true}' c.json >adj.json
test_expect_code 0 "a step that does not divide the range is accepted" suggest --db adj.db --config adj.json --n 4
test_expect_success "... with one warning per field, as Optuna does" '
  grep -qx "suggest: adj.json: space.channels: high 10 is not low + a multiple of step 3; using 9, as Optuna does" err &&
  grep -qx "suggest: adj.json: space.dropout: high 1 is not low + a multiple of step 0.3; using 0.9, as Optuna does" err &&
  [ "$(wc -l <err)" = 2 ]'
test_expect_success "... values on the lowered grid; single values exact" '
  jq -s -e "all(.params.channels % 3 == 0 and .params.channels <= 9 and .params.dropout <= 0.9
               and .params.width == 4 and .params.scale == 0.5)" out >/dev/null'
test_expect_success "... distributions stored as Optuna stores them" '
  [ "$(sqlite3 adj.db "SELECT DISTINCT distribution_json FROM trial_params WHERE param_name = \"channels\"")" = \
    "{\"name\": \"IntDistribution\", \"attributes\": {\"log\": false, \"step\": 3, \"low\": 0, \"high\": 9}}" ] &&
  [ "$(sqlite3 adj.db "SELECT DISTINCT distribution_json FROM trial_params WHERE param_name = \"dropout\"")" = \
    "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": 0.3, \"low\": 0.0, \"high\": 0.9, \"log\": false}}" ]'
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
test_expect_success "... the same JSON as an Optuna-made study" '
  ! "$PY" -c "import optuna" 2>/dev/null || { "$PY" -W ignore -c "
import optuna, sqlite3; optuna.logging.set_verbosity(optuna.logging.ERROR)
D = optuna.distributions
s = optuna.create_study(study_name=\"o\", storage=\"sqlite:///opt.db\")
s.enqueue_trial({})
s.optimize(lambda t: t.suggest_int(\"channels\", 0, 10, step=3) + t.suggest_float(\"dropout\", 0, 1, step=0.3)
           + t.suggest_int(\"width\", 4, 4) + t.suggest_float(\"scale\", 0.5, 0.5, log=True), n_trials=1)
" && for p in channels dropout width scale; do
    q="SELECT DISTINCT distribution_json FROM trial_params WHERE param_name = \"$p\""
    [ "$(sqlite3 adj.db "$q")" = "$(sqlite3 opt.db "$q")" ] || { echo "$p differs" >&2; exit 1; }
  done; }'
# A trial line that cannot be written (stdout full or closed): exit 3, said once (it was said
# twice, by suggest and again by the final stdout check).
test_expect_code 3 "stdout that cannot be written" sh -c 'suggest --db full.db --config c.json >/dev/full'
test_expect_success "... one message naming stdout" '[ "$(grep -c "^suggest: stdout:" err)" = 1 ] && grep -q "^suggest: stdout: write error: No space left on device$" err'
# The trial it made was handed to no one: failed at once, with the reason, and queued again with
# its params (it was left RUNNING until the stale-heartbeat grace).
test_expect_success "... the trial not handed out is FAIL with the reason, queued again" '
  grep -qx "suggest: trial 0: its line could not be written; marked FAIL and queued again" err &&
  [ "$(sqlite3 full.db "SELECT group_concat(number || \" \" || state, \",\") FROM trials")" = "0 FAIL,1 WAITING" ] &&
  sqlite3 full.db "SELECT value_json FROM trial_system_attributes WHERE trial_id = 1 AND key = \"wakesweep:reason\"" |
    grep -q "could not write its trial line: stdout: No space left on device"'
test_expect_code 3 "closed stdout" sh -c 'suggest --db full.db --config c.json >&-'
test_expect_success "... one message" '[ "$(grep -c "^suggest: stdout:" err)" = 1 ] && grep -q "^suggest: stdout: write error" err'
test_expect_success "... the claimed trial 1 is failed and queued again as 2" '
  [ "$(sqlite3 full.db "SELECT group_concat(number || \" \" || state, \",\") FROM trials")" = "0 FAIL,1 FAIL,2 WAITING" ]'
# A reader that has gone (a pipe closed at its end): exit 3, not death by SIGPIPE, and the second
# trial, which no one read, is not left RUNNING.
test_expect_code 3 "a pipe whose reader has gone" "$PY" -c '
import os, subprocess, sys
r, w = os.pipe(); os.close(r)
sys.exit(subprocess.call(["suggest", "--db", "pipe.db", "--config", "c.json", "--n", "2"], stdout=w))'
test_expect_success "... no trial left RUNNING" '
  grep -q "^suggest: stdout: write error: Broken pipe$" err &&
  [ "$(sqlite3 pipe.db "SELECT group_concat(number || \" \" || state, \",\") FROM trials")" = "0 FAIL,1 WAITING" ]'
