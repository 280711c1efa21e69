#!/usr/bin/env bash
# The sweep when trials go wrong, STUDY, and make staged, on the tiny tone corpus (1 epoch):
# a train-trial killed by SIGKILL (as the OOM killer does) ends its trial FAIL and the other
# trials and the report go on; a launcher that cannot start one trial, or a train-trial that
# cannot be run (exit 127), leaves that trial to the next make sweep; bad input (exit 2) stops
# the sweep and its monitor; STUDY names the study, so two sweeps of one config share a study
# file as two studies; make staged runs both stages, fixes stage 1's best into stage 2 and
# writes one report of both.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
cat >c.json <<'J'
{"study": "tones-fail", "direction": "maximize", "objective": "f1",
 "sampler": {"name": "random", "seed": 5}, "pruner": {"name": "nop"}, "budget": {"epochs": 1},
 "space": {"learning_rate": {"type": "float", "low": 0.005, "high": 0.02, "log": true}},
 "fixed": {"model": "dscnn", "channels": 8, "blocks": 1, "batch_size": 8, "positive": "hey_nova", "validate_every": 1}}
J
jq --arg f "$WS_ROOT/configs/features/default.json" '.fixed.features = $f' c.json >c1.json
# 3 trials a sweep: one to go wrong and others to go on (4 where a later suggest must come once
# the trial that went wrong is over).
sweep() {  # RUNS CONFIG [make args...]
  local runs=$1 config=$2; shift 2
  make -s -C "$WS_ROOT" -j2 sweep BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" \
      CONFIG="$TMP/$config" TRIALS=3 RUNS="$TMP/$runs" MONITOR_INTERVAL=0.2 "$@"
}
# A launcher that runs trials with a train-trial of its own: it kills itself with SIGKILL on
# trial KILL_TRIAL, exits with EXIT_CODE on trial EXIT_TRIAL, or fails trial STALE_TRIAL in the
# study before handing it to the real one; other trials, and every --result-of lookup, go to the
# real one. With FAIL_TARGET it refuses to start that target.
bin_but shim train-trial
cat >shim/train-trial <<EOF
#!/usr/bin/env bash
case " \$* " in *" --result-of "*) exec "$WS_BIN/train-trial" "\$@" ;; esac
IFS= read -r line
n=\$(jq .trial <<<"\$line")
[ "\$n" = "\${KILL_TRIAL:--1}" ] && kill -9 \$\$
[ "\$n" = "\${EXIT_TRIAL:--1}" ] && { echo "train-trial: shim: bad input" >&2; exit "\$EXIT_CODE"; }
if [ "\$n" = "\${STALE_TRIAL:--1}" ]; then   # failed under it, as a stale trial is
  db=\$(sed -n 's/.*--db \([^ ]*\) .*/\1/p' <<<"\$* ")
  "$WS_BIN/tell" --db "\$db" --study "\$(jq -r .study <<<"\$line")" --trial "\$n" --state fail --reason "marked stale" >/dev/null
fi
if [ "\$n" = "\${REQUEUE_TRIAL:--1}" ]; then   # failed as stale and queued again, as while the machine slept
  db=\$(sed -n 's/.*--db \([^ ]*\) .*/\1/p' <<<"\$* ")
  # its heartbeat (suggest's, at its start) made 10 s old, as a sleep past the grace would leave it
  sqlite3 -cmd ".timeout 30000" "\$db" "UPDATE trial_heartbeats SET heartbeat = datetime(heartbeat, '-10 seconds')
    WHERE trial_id = (SELECT trial_id FROM trials WHERE number = \$n)"
  "$WS_BIN/suggest" --db "\$db" --config "$TMP/c1.json" -n 0 --grace 1 2>/dev/null
fi
exec "$WS_BIN/train-trial" "\$@" <<<"\$line"
EOF
cat >launch.sh <<EOF
#!/usr/bin/env bash
case "\$*" in *"\${FAIL_TARGET:-none}") echo "launch: cannot start \$*" >&2; exit 1 ;; esac
BIN=$TMP/shim exec "\$@"
EOF
chmod +x shim/train-trial launch.sh

test_expect_success "a trial killed by SIGKILL: the sweep finishes with its report" '
  KILL_TRIAL=1 sweep k c1.json LAUNCH="$TMP/launch.sh" >k.out 2>k.err'
test_expect_success "... that trial is FAIL with the signal as its reason, in its file and in the study" '
  f=$(grep -l "\"trial\":1," k/trial-*.json) && [ "$(jq -r .state "$f")" = FAIL ] &&
  jq -r .reason "$f" | grep -q "killed by signal 9 (KILL)" &&
  [ "$(sqlite3 k/study.db "SELECT state FROM trials WHERE number = 1")" = FAIL ] &&
  sqlite3 k/study.db "SELECT value_json FROM trial_system_attributes a JOIN trials t USING (trial_id)
    WHERE t.number = 1 AND a.key = \"wakesweep:reason\"" | grep -q "signal 9"'
test_expect_success "... the other two COMPLETE, the report counts three, the monitor stopped" '
  [ "$(cat k/trial-*.json | jq -r .state | sort | uniq -c | tr -s " ")" = " 2 COMPLETE
 1 FAIL" ] && [ "$(jq .n_trials k/report.json)" = 3 ] && [ -s k/report.html ] && [ ! -e k/monitor.pid ]'

test_expect_success "a launcher that cannot start one trial: make still ends 0, with a message" '
  FAIL_TARGET=trial-002.json sweep l c1.json LAUNCH="$TMP/launch.sh" >l.out 2>l.err &&
  grep -q "trial-002.json: the trial command failed (exit status 1)" l.err'
test_expect_success "... two trial files, a report of two trials" '
  [ "$(ls l/trial-*.json | wc -l)" = 2 ] && [ ! -e l/trial-002.json ] && [ "$(jq .n_trials l/report.json)" = 2 ]'
test_expect_success "... the next make sweep runs the missing trial and remakes the report" '
  sweep l c1.json >l2.out 2>l2.err && [ "$(ls l/trial-*.json | wc -l)" = 3 ] && [ "$(jq .states.COMPLETE l/report.json)" = 3 ]'

# (trial 1 is the second trial suggest numbers: trial-001's target, or trial-000's when that one's
# suggest came second, as it can under the sanitizers' slower start)
test_expect_success "a train-trial that cannot be run (exit 127, not found): make ends 0, saying so" '
  EXIT_TRIAL=1 EXIT_CODE=127 sweep n c1.json LAUNCH="$TMP/launch.sh" TRIALS=4 >n.out 2>n.err &&
  grep -q "trial-00[0-3].json: the trial command failed (exit status 127)" n.err'
test_expect_success "... its target unmade; the trial failed by a later suggest --reap and queued again" '
  [ "$(ls n/trial-*.json | wc -l)" = 3 ] && ! grep -q "\"trial\":1," n/trial-*.json &&
  [ "$(sqlite3 n/study.db "SELECT state FROM trials WHERE number = 1")" = FAIL ] &&
  sqlite3 n/study.db "SELECT value_json FROM trial_system_attributes a JOIN trials t USING (trial_id)
    WHERE a.key = \"failed_trial\"" | grep -qx 1'
test_expect_success "... the next make sweep makes it: four trial files, all COMPLETE" '
  sweep n c1.json TRIALS=4 >n2.out 2>n2.err && [ "$(ls n/trial-*.json | wc -l)" = 4 ] &&
  [ "$(cat n/trial-*.json | jq -r .state | sort | uniq -c | tr -s " ")" = " 4 COMPLETE" ]'

test_expect_success "bad input (train-trial exit 2) stops the sweep with status 2 and its monitor" '
  ! EXIT_TRIAL=0 EXIT_CODE=2 sweep b c1.json LAUNCH="$TMP/launch.sh" >b.out 2>b.err && grep -q "shim: bad input" b.err &&
  [ ! -e b/report.json ] && [ ! -e b/monitor.pid ]'
test_expect_success "... the sweep run again (input mended) finishes" '
  sweep b c1.json >b2.out 2>b2.err && [ "$(ls b/trial-*.json | wc -l)" = 3 ] && [ "$(jq .states.COMPLETE b/report.json)" = 3 ] &&
  [ ! -e b/monitor.pid ]'
# The monitor of a stopped sweep: a trial starting late cannot start it again; the next make
# sweep (monitor.sh clear) lets it start.
mkdir m
mon() { bash "$WS_ROOT/pipelines/monitor.sh" "$@"; }
test_expect_success "a stopped sweep's monitor is not started again by a late trial" '
  mon stop m && mon start m "$TMP/m/s.db" "$WS_BIN" 0.2 && [ ! -e m/monitor.pid ]'
test_expect_success "... until make sweep clears the stop" '
  mon clear m && mon start m "$TMP/m/s.db" "$WS_BIN" 0.2 && [ -s m/monitor.pid ] && kill -0 "$(cat m/monitor.pid)" &&
  pid=$(cat m/monitor.pid) && mon stop m && [ ! -e m/monitor.pid ] &&
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.1; done; exit 1'

test_expect_success "a trial failed under its train-trial (not RUNNING: exit 2) is over, not bad input: the sweep goes on" '
  STALE_TRIAL=2 sweep st2 c1.json LAUNCH="$TMP/launch.sh" >st2.out 2>st2.err && grep -q "trial 2 is FAIL, not RUNNING" st2.err &&
  f=$(grep -l "\"trial\":2," st2/trial-*.json) && [ "$(jq -r .state "$f")" = FAIL ] && jq -r .reason "$f" | grep -q "marked stale" &&
  [ "$(ls st2/trial-*.json | wc -l)" = 3 ] && [ "$(jq .n_trials st2/report.json)" = 3 ] && ! ls st2/*.tmp.* 2>/dev/null'

# The same, but failed as stale (its heartbeat older than the grace) and so queued again: not
# this target's result (--result-of finds none, as for a killed sweep's trial), and not bad input
# either: the sweep stopped here with exit 2. The target stays unmade; the next sweep makes it.
test_expect_success "a trial failed as stale and queued again under its train-trial: the sweep goes on" '
  REQUEUE_TRIAL=1 sweep rq c1.json LAUNCH="$TMP/launch.sh" -j1 >rq.out 2>rq.err && grep -q "trial 1 is FAIL, not RUNNING" rq.err &&
  grep -q "the other trials go on" rq.err && [ "$(ls rq/trial-*.json | wc -l)" = 2 ] && ! ls rq/*.tmp.* 2>/dev/null'
test_expect_success "... the next make sweep makes its target" '
  sweep rq c1.json >rq2.out 2>rq2.err && [ "$(ls rq/trial-*.json | wc -l)" = 3 ] &&
  [ "$(cat rq/trial-*.json | jq -r .state | sort | uniq -c | tr -s " ")" = " 3 COMPLETE" ]'

test_expect_success "STUDY: two sweeps of one config in one study file are two studies" '
  sweep sa c1.json STUDY=exp-a DB="$TMP/shared.db" TRIALS=1 >sa.out 2>&1 &&
  sweep sb c1.json STUDY=exp-b DB="$TMP/shared.db" TRIALS=2 >sb.out 2>&1 &&
  [ "$(sqlite3 shared.db "SELECT s.study_name || \":\" || count(t.trial_id) FROM studies s JOIN trials t USING (study_id)
      GROUP BY s.study_id ORDER BY s.study_name" | tr "\n" " ")" = "exp-a:1 exp-b:2 " ] &&
  [ "$(jq -r .study sa/report.json)" = exp-a ] && [ "$(jq -r .study sb/report.json)" = exp-b ] &&
  [ "$(jq -r .study sb/trial-001.json)" = exp-b ]'

# make staged: stage 1 searches the learning rate, stage 2 the time shift with stage 1's best fixed.
jq '.study = "tones-stage-1"' c1.json >s1.json
jq '.study = "tones-stage-2" | .space = {"time_shift": {"type": "int", "low": 0, "high": 10, "step": 5}}' c1.json >s2.json
staged() {  # STAGED_RUNS [make args...]
  local runs=$1; shift
  tone_staged "$runs" STAGE_TRIALS=3 "$@"
}
test_expect_success "make -j2 staged runs both stages" '
  staged st >st.out 2>st.err &&
  [ "$(sqlite3 st/study.db "SELECT count(*) FROM trials WHERE state = \"COMPLETE\"")" = 6 ]'
# (stage 2 keeps the fixed value as a one-choice categorical: its external value is the choice)
test_expect_success "... every stage-2 trial has stage 1's best learning rate" '
  best=$(sqlite3 st/study.db "SELECT p.param_value FROM trial_params p JOIN trials t USING (trial_id) JOIN trial_values v USING (trial_id)
    JOIN studies s USING (study_id) WHERE s.study_name = \"tones-stage-1\" AND p.param_name = \"learning_rate\"
    ORDER BY v.value DESC, t.number LIMIT 1") &&
  report --db st/study.db --study tones-stage-2 --format jsonl | jq -r .params.learning_rate | sort -u >lr2 &&
  [ "$(wc -l <lr2)" = 1 ] && awk -v a="$(cat lr2)" -v b="$best" "BEGIN { d = a - b; exit !(d * d < 1e-24 * b * b) }"'
test_expect_success "... one report of both stages: report.json a line per stage, report.html both sections" '
  [ "$(jq -r .study st/report.json | tr "\n" " ")" = "tones-stage-1 tones-stage-2 " ] &&
  grep -q "<section class=\"study\" id=\"study-2\">" st/report.html && grep -q "<svg id=\"s2-history\"" st/report.html &&
  grep -q "<svg id=\"history\"" st/report.html &&
  [ -z "$(grep -o " id=\"[^\"]*\"" st/report.html | sort | uniq -d)" ]'
test_expect_success "... each stage keeps its own checkpoints: stage 2 did not overwrite stage 1's" '
  for k in 1 2; do
    b=$(report --db st/study.db --study tones-stage-$k --best | jq .trial) &&
    [ "$(ls st/stage-$k/trial-*.ckpt | wc -l)" = 3 ] && cmp st/stage-$k/best.ckpt st/stage-$k/trial-$b.ckpt || exit 1
  done && ! ls st/*.ckpt 2>/dev/null | grep -q .'
test_expect_success "... a finished staged run re-run does nothing" '
  before=$(sqlite3 st/study.db "SELECT count(*) FROM trials") &&
  staged st >st2.out 2>&1 &&
  [ "$(sqlite3 st/study.db "SELECT count(*) FROM trials")" = "$before" ]'
test_expect_success "a stage with a trial its launcher could not start is not done: make staged stops, saying so" '
  ! FAIL_TARGET=trial-001.json staged sp LAUNCH="$TMP/launch.sh" >sp.out 2>sp.err &&
  grep -q "stage-1: 2 of 3 trials have a file; make staged again runs the rest" sp.err && [ ! -e sp/stage-1/.done ] &&
  [ ! -e sp/stage-2 ]'
test_expect_success "... make staged again runs the missing trial and both stages" '
  staged sp >sp2.out 2>sp2.err && [ -e sp/stage-1/.done ] && [ "$(ls sp/stage-1/trial-*.json | wc -l)" = 3 ] &&
  [ "$(jq -r .study sp/report.json | wc -l)" = 2 ]'
# The stage configs are checked before anything runs, as CONFIG is for make sweep: a STAGE2 that
# is not there, one without a study name, or one naming stage 1's study would otherwise stop make
# only once the whole of stage 1 had run, the first as "CONFIG".
jq 'del(.study)' s2.json >s2-nostudy.json
test_expect_code 2 "make staged with a STAGE2 that is not there: exit 2 before anything runs" staged sv STAGE2="$TMP/nope.json"
test_expect_success "... naming STAGE2, no stage run" 'grep -q "STAGE2: .*nope.json.: no such file to read" err && [ ! -e sv ]'
test_expect_code 2 "... a STAGE2 without a study name" staged sv STAGE2="$TMP/s2-nostudy.json"
test_expect_success "... says so, no stage run" 'grep -q "STAGE2: .*s2-nostudy.json. names no study" err && [ ! -e sv ]'
test_expect_code 2 "... STAGE1 and STAGE2 of one study" staged sv STAGE2="$TMP/s1.json"
test_expect_success "... says so, no stage run" 'grep -q "STAGE1 and STAGE2 both name study .tones-stage-1." err && [ ! -e sv ]'
# make reads a variable given on its command line again: a $ in a stage's study name (or config
# path) handed to the stage's sweep as STUDY=... made that sweep run in another study ("tones").
jq '.study = "tones$x-1"' s1.json >s1-dollar.json
test_expect_success "a stage study with a \$ in its name: the stage's sweep runs in that study" '
  staged sd STAGE1="$TMP/s1-dollar.json" STAGE_TRIALS=1 >sd.out 2>sd.err &&
  [ "$(sqlite3 sd/study.db "SELECT study_name FROM studies ORDER BY study_id" | tr "\n" " ")" = "tones\$x-1 tones-stage-2 " ] &&
  [ "$(jq -r .study sd/report.json | tr "\n" " ")" = "tones\$x-1 tones-stage-2 " ]'
# A STAGED_RUNS whose stage folders hold other studies' trials (the default runs/kws-staged, after
# a run with other configs): the stage looked done, nothing ran in the new study, and make staged
# ended 0 with the old reports. Refused before anything runs.
jq '.study = "tones-other-1"' s1.json >o1.json
jq '.study = "tones-other-2"' s2.json >o2.json
test_expect_code 2 "make staged with a STAGE1 of another study than the one STAGED_RUNS holds: exit 2" staged st STAGE1="$TMP/o1.json"
test_expect_success "... naming both studies, nothing run" '
  grep -q "STAGE1 names study .tones-other-1., but $TMP/st/stage-1 holds the trials of study .tones-stage-1.: give another STAGED_RUNS" err &&
  [ "$(sqlite3 st/study.db "SELECT count(*) FROM studies WHERE study_name = \"tones-other-1\"")" = 0 ]'
test_expect_code 2 "... the same for STAGE2" staged st STAGE2="$TMP/o2.json"
test_expect_success "... naming it" 'grep -q "STAGE2 names study .tones-other-2., but $TMP/st/stage-2 holds the trials of study .tones-stage-2." err'
test_expect_code 0 "... a re-run of a \$ study's stages is not refused" staged sd STAGE1="$TMP/s1-dollar.json" STAGE_TRIALS=1
# A stage 1 none of whose trials meets its constraints has no best for stage 2: make staged
# stops (exit 2) saying what to do, and leaves no best.json nor its temporary, run after run.
jq '.constraints = {"fpr": {"max": -1}}' s1.json >s1-infeasible.json
test_expect_code 2 "a stage 1 without a feasible trial: make staged exits 2" staged si STAGE1="$TMP/s1-infeasible.json" STAGE_TRIALS=1
test_expect_success "... saying what to do next, and leaves no best.json nor a temporary of it" '
  grep -q "stage 1 has no feasible COMPLETE trial to fix into stage 2: run more stage-1 trials (make staged STAGE_TRIALS=N, N above 1)" err &&
  ! ls si/stage-1/best.json* 2>/dev/null && [ ! -e si/stage-2 ]'
test_expect_code 2 "... and again the same" staged si STAGE1="$TMP/s1-infeasible.json" STAGE_TRIALS=1
test_expect_success "... the same message, still no temporary" '
  grep -q "stage 1 has no feasible COMPLETE trial" err && ! ls si/stage-1/best.json* 2>/dev/null'
# A stage is done with the files of its first STAGE_TRIALS trials: trial-002's file, left by a
# run of STAGE_TRIALS=3 whose launcher could not start trial-000, does not stand for trial-000's.
test_expect_success "a stage missing trial-000 (launcher), STAGE_TRIALS=3: not done" '
  ! FAIL_TARGET=trial-000.json staged sl LAUNCH="$TMP/launch.sh" >sl.out 2>sl.err && [ -e sl/stage-1/trial-002.json ] &&
  [ ! -e sl/stage-1/trial-000.json ] && [ ! -e sl/stage-1/.done ]'
test_expect_success "... then STAGE_TRIALS=2, trial-000 still not started: still not done, make staged stops, saying so" '
  ! FAIL_TARGET=trial-000.json staged sl LAUNCH="$TMP/launch.sh" STAGE_TRIALS=2 >sl2.out 2>sl2.err &&
  grep -q "stage-1: 1 of 2 trials have a file; make staged again runs the rest" sl2.err && [ ! -e sl/stage-1/.done ] && [ ! -e sl/stage-2 ]'
