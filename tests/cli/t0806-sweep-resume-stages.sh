#!/usr/bin/env bash
# What a re-run finds: train-trial --result-of looks in one study (--study, or the database's
# only one), so two studies of one database never take each other's trial files, and the line
# it rebuilds has the keys of the one training printed (best_epoch, seconds without threads);
# make staged with a higher STAGE_TRIALS runs the trials each stage lacks, as make sweep does
# with a higher TRIALS, and stage 2 keeps the fixed params its trials began with.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones

# --result-of on a study file, trial lines from suggest --tag. 8 epochs: the best validation
# comes before the last one or at it; train-trial's own line says which.
tone_sweep_config ra.json ra 8
tone_sweep_config rb.json rb 1
suggest --db s.db --config ra.json --tag runs/trial-000.json >la
train-trial --db s.db --features tones.feat --threads 1 --quiet --keep none la >la.result
test_expect_code 0 "--result-of in a database of one study finds the tagged trial" train-trial --db s.db --result-of runs/trial-000.json
test_expect_success "... its line has train-trial's keys, in its order, and seconds' keys" '
  [ "$(jq -c keys_unsorted out)" = "$(jq -c keys_unsorted la.result)" ] &&
  [ "$(jq -c ".seconds | keys_unsorted" out)" = "$(jq -c ".seconds | keys_unsorted" la.result)" ]'
test_expect_success "... and train-trial's values but the times: best_epoch, epochs, value, metrics" '
  [ "$(jq -S -c "del(.seconds)" out)" = "$(jq -S -c "del(.seconds)" la.result)" ] && jq -e ".best_epoch >= 1" out >/dev/null'
suggest --db s.db --config rb.json >lb
test_expect_code 0 "--study ra finds study ra's trial" train-trial --db s.db --study ra --result-of runs/trial-000.json
test_expect_success "... the same line" '[ "$(jq -S -c "del(.seconds)" out)" = "$(jq -S -c "del(.seconds)" la.result)" ]'
test_expect_code 1 "--study rb: the tag is study ra's, not rb's" train-trial --db s.db --study rb --result-of runs/trial-000.json
test_expect_code 1 "--study of no such study: none" train-trial --db s.db --study nope --result-of runs/trial-000.json
test_expect_code 2 "no --study, two studies in the database" train-trial --db s.db --result-of runs/trial-000.json
test_expect_success "... says to choose one" 'grep -q "holds several studies .*choose one with --study" err'
test_expect_code 2 "--study without --result-of" train-trial --db s.db --study ra --features tones.feat lb
test_expect_success "... says it goes with --result-of" 'grep -q "\-\-study goes with --result-of" err'
# suggest --unless-done asks the study the same before it makes a trial (the sweep's resume).
ntrials() { sqlite3 s.db "SELECT count(*) FROM trials"; }
n0=$(ntrials)
test_expect_code 1 "suggest --unless-done: the tag's trial finished in study ra, so no trial" \
  suggest --db s.db --config ra.json --tag runs/trial-000.json --unless-done
test_expect_success "... nothing printed, none made" '[ ! -s out ] && [ "$(ntrials)" = "$n0" ]'
test_expect_code 0 "... in study rb the tag has no finished trial: one is made" \
  suggest --db s.db --config rb.json --tag runs/trial-000.json --unless-done
test_expect_code 0 "... nor does a RUNNING trial with the tag count: another" \
  suggest --db s.db --config rb.json --tag runs/trial-000.json --unless-done
test_expect_success "... two trial lines of rb, both in the study" '[ "$(jq -r .study out)" = rb ] && [ "$(ntrials)" = $((n0 + 2)) ]'
test_expect_code 2 "--unless-done without --tag" suggest --db s.db --config ra.json --unless-done
test_expect_success "... says it goes with --tag" 'grep -q "\-\-unless-done goes with --tag" err'

sweep() {  # RUNS CONFIG [make args...]
  local runs=$1 config=$2; shift 2
  make -s -C "$WS_ROOT" -j2 sweep BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" \
      CONFIG="$TMP/$config" TRIALS=2 RUNS="$TMP/$runs" MONITOR_INTERVAL=0.2 "$@"
}
tone_sweep_config c4.json tones-resume 4
# A BIN whose train-trial notes every --result-of lookup: a sweep makes one only for a target
# whose trial finished before its file was written (suggest --unless-done tells).
bin_but shim train-trial
cat >shim/train-trial <<EOF
#!/usr/bin/env bash
# the tag looked up: the word after --result-of (--ckpt-dir RUNS follows it)
a=("\$@"); for i in "\${!a[@]}"; do [ "\${a[i]}" != --result-of ] || echo "\${a[i+1]}" >>"$TMP/lookups"; done
exec "$WS_BIN/train-trial" "\$@"
EOF
chmod +x shim/train-trial
test_expect_success "a sweep; a trial file lost after its trial finished (as in a kill before the rename)" '
  sweep r c4.json BIN="$TMP/shim" >r1.out 2>r1.err && cp r/trial-000.json orig.json && rm r/trial-000.json'
test_expect_success "... where every trial's file was written, no trial looked its result up" '
  [ ! -e lookups ] && [ "$(cat r/trial-*.json | jq -r .state | sort -u)" = COMPLETE ]'
test_expect_success "... is rebuilt from the study with the line training wrote, times aside" '
  sweep r c4.json BIN="$TMP/shim" >r2.out 2>r2.err && [ "$(jq -S -c "del(.seconds)" r/trial-000.json)" = "$(jq -S -c "del(.seconds)" orig.json)" ] &&
  [ "$(cat lookups)" = "$TMP/r/trial-000.json" ] &&
  [ "$(jq -c "[keys_unsorted, (.seconds | keys_unsorted)]" r/trial-000.json)" = "$(jq -c "[keys_unsorted, (.seconds | keys_unsorted)]" orig.json)" ] &&
  [ "$(sqlite3 r/study.db "SELECT count(*) FROM trials")" = 2 ]'
# The same RUNS (so the same tags) for another study of the same study file. The first study's
# checkpoints go with its trial files, and its claim on the folder (.study.json): train-trial
# refuses to write over another study's (t4050, t0919).
test_expect_success "another STUDY in the same study file and RUNS trains its own trials" '
  rm r/trial-*.json r/report.* r/*.ckpt r/.study.json && sweep r c4.json STUDY=other DB="$TMP/r/study.db" >r3.out 2>r3.err &&
  [ "$(cat r/trial-*.json | jq -r .study | sort -u)" = other ] &&
  [ "$(sqlite3 r/study.db "SELECT count(*) FROM trials JOIN studies USING (study_id) WHERE study_name = \"other\"")" = 2 ]'

# make staged, then with a higher STAGE_TRIALS.
tone_sweep_config s1.json tones-st-1 1
jq '.study = "tones-st-2" | .space = {"time_shift": {"type": "int", "low": 0, "high": 10, "step": 5}}' s1.json >s2.json
staged() { tone_staged "$@"; }   # STAGED_RUNS [make args...]
complete() { sqlite3 "$1/study.db" "SELECT count(*) FROM trials JOIN studies USING (study_id) WHERE study_name = '$2' AND state = 'COMPLETE'"; }
lrs2() { report --db "$1/study.db" --study tones-st-2 --format jsonl | jq -r .params.learning_rate | sort -u; }
test_expect_success "make staged with STAGE_TRIALS=2" '
  staged st STAGE_TRIALS=2 >st1.out 2>st1.err && [ "$(complete st tones-st-1)" = 2 ] && [ "$(complete st tones-st-2)" = 2 ]'
test_expect_success "... again with STAGE_TRIALS=3 runs one more trial in each stage" '
  staged st STAGE_TRIALS=3 >st2.out 2>st2.err && [ "$(complete st tones-st-1)" = 3 ] && [ "$(complete st tones-st-2)" = 3 ] &&
  [ "$(ls st/stage-1/trial-*.json st/stage-2/trial-*.json | wc -l)" = 6 ] && [ "$(jq -r .study st/report.json | wc -l)" = 2 ]'
test_expect_success "... every stage-2 trial with one learning rate" '[ "$(lrs2 st | wc -l)" = 1 ]'
test_expect_success "... and again with STAGE_TRIALS=3 does nothing" '
  before=$(sqlite3 st/study.db "SELECT count(*) FROM trials") && staged st STAGE_TRIALS=3 >st3.out 2>&1 &&
  [ "$(sqlite3 st/study.db "SELECT count(*) FROM trials")" = "$before" ] && ! grep -q "^trial-" st3.out'
# Stage 1's best moves after stage 2 began: a stage-1 trial told a value above any F1 (another
# trainer's, through suggest and tell), then one more trial a stage: stage 2 keeps the params it
# began with, so that its study holds one value of each fixed param (as Optuna's storage must:
# suggest refuses a second one).
test_expect_success "when stage 1's best moves after stage 2 began, stage 2 keeps its fixed params, saying so" '
  cp st/stage-1/best.json best.kept && lr=$(lrs2 st) &&
  n=$(suggest --db st/study.db --config s1.json | jq .trial) &&
  tell --db st/study.db --study tones-st-1 --trial "$n" --state complete --value 2 >/dev/null &&
  staged st STAGE_TRIALS=4 >st4.out 2>st4.err && grep -q "stage 1.s best is now trial $n; stage 2 goes on with trial $(jq .trial best.kept).s params" st4.err &&
  cmp -s best.kept st/stage-1/best.json && [ "$(complete st tones-st-2)" = 4 ] && [ "$(lrs2 st)" = "$lr" ]'
# Stage 2 begun but with no trial file yet (interrupted before its first rename): its study
# already holds trials with the params it began with, so a stage 1 whose best moves must not
# hand stage 2 other ones. Stage 1 made alone, then a best.json of other params (as a stage 1 of
# fewer trials would have found), stage 2 run, its files and .done removed.
test_expect_success "stage 2 begun in its study without a file: a moved best of stage 1 leaves its params alone" '
  make -s -C "$WS_ROOT" "$TMP/sf/stage-1/.done" BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/tones/manifest.jsonl" \
    FEATURES="$TMP/tones.feat" STAGE1="$TMP/s1.json" STAGE2="$TMP/s2.json" STAGED_RUNS="$TMP/sf" STAGE_TRIALS=2 >sf1.out 2>&1 &&
  report --db sf/study.db --study tones-st-1 --best | jq -c ".trial = 99 | .params.learning_rate = 0.0123" >sf/stage-1/best.json &&
  staged sf STAGE_TRIALS=2 >sf2.out 2>&1 && rm sf/stage-2/trial-*.json sf/stage-2/.done &&
  staged sf STAGE_TRIALS=3 >sf3.out 2>sf3.err && grep -q "stage 2 goes on with trial 99.s params" sf3.err &&
  [ "$(lrs2 sf)" = 0.0123 ] && [ "$(complete sf tones-st-2)" = 3 ]'
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
test_expect_success "... what the message says to remove runs stage 2 again from stage 1's best" '
  rm -r sf/stage-1/best.json sf/stage-2 && $PY -c "import optuna, sys; optuna.delete_study(study_name=\"tones-st-2\", storage=\"sqlite:///\" + sys.argv[1])" "$TMP/sf/study.db" &&
  grep -q "remove $TMP/sf/stage-1/best.json and $TMP/sf/stage-2, and stage 2.s study: optuna delete-study --study-name tones-st-2 --storage sqlite:///$TMP/sf/study.db" sf3.err &&
  staged sf STAGE_TRIALS=3 >sf4.out 2>&1 && [ "$(complete sf tones-st-2)" = 3 ] &&
  [ "$(lrs2 sf)" = "$(report --db sf/study.db --study tones-st-1 --best | jq .params.learning_rate)" ]'
# What make staged takes from its command line: SUGGEST_ARGS (and DEVICE, LAUNCH, ... which make
# hands down) reach both stages' trials; CONFIG, STUDY, TRIALS, RUNS and DB, which it sets for
# each stage itself, and a --fixed of SUGGEST_ARGS (stage 2's is stage 1's best) are refused.
bin_but shim2 suggest train-trial
for t in suggest train-trial; do
  printf '#!/usr/bin/env bash\necho "%s $*" >>"%s/calls"\nexec "%s/%s" "$@"\n' "$t" "$TMP" "$WS_BIN" "$t" >"shim2/$t"
  chmod +x "shim2/$t"
done
test_expect_success "make staged SUGGEST_ARGS=... DEVICE=cpu: both stages' trials get them" '
  staged sg STAGE_TRIALS=1 BIN="$TMP/shim2" SUGGEST_ARGS="--grace 30" DEVICE=cpu >sg.out 2>sg.err &&
  [ "$(grep -c "^suggest .*/sg/stage-1/trial-000.json --unless-done --grace 30\$" calls)" = 1 ] &&
  [ "$(grep -c "^suggest .*/sg/stage-2/trial-000.json --unless-done --grace 30 --fixed $TMP/sg/stage-1/best.json\$" calls)" = 1 ] &&
  [ "$(grep -c "^train-trial .* --device cpu " calls)" = 2 ] && [ "$(jq -r .study sg/report.json | wc -l)" = 2 ]'
# A trial file removed after its stage was done is made again, as make sweep remakes one: from
# the study (train-trial --result-of), training nothing again.
test_expect_success "a stage's trial file removed after make staged: make staged makes it again, from the study" '
  n0=$(sqlite3 sg/study.db "SELECT count(*) FROM trials") && cp sg/stage-2/trial-000.json sg2.orig && rm calls &&
  rm sg/stage-1/trial-000.json sg/stage-2/trial-000.json && staged sg STAGE_TRIALS=1 BIN="$TMP/shim2" >sg2.out 2>sg2.err &&
  [ -s sg/stage-1/trial-000.json ] && [ "$(jq -S -c "del(.seconds)" sg/stage-2/trial-000.json)" = "$(jq -S -c "del(.seconds)" sg2.orig)" ] &&
  [ "$(grep -c "^train-trial .*--result-of" calls)" = 2 ] && [ "$(grep -c "^train-trial" calls)" = 2 ] &&
  [ "$(sqlite3 sg/study.db "SELECT count(*) FROM trials")" = "$n0" ]'
for v in CONFIG="$TMP/s1.json" STUDY=x TRIALS=2 RUNS="$TMP/r" DB="$TMP/d.db"; do
  test_expect_code 2 "make staged ${v%%=*}=...: refused" staged sr STAGE_TRIALS=1 "$v"
  test_expect_success "... naming it and what to give instead, nothing run" '
    grep -q "${v%%=*}: make staged sets it for each stage itself; .*give \(those\|STAGE_TRIALS\|STAGED_RUNS\)" err && [ ! -e sr ]'
done
test_expect_code 2 "make staged SUGGEST_ARGS with a --fixed: refused" staged sr STAGE_TRIALS=1 SUGGEST_ARGS="--fixed $TMP/x.json"
test_expect_success "... saying why, nothing run" 'grep -q "SUGGEST_ARGS: make staged fixes stage 1.s best into stage 2" err && [ ! -e sr ]'
# Two make staged at once in one STAGED_RUNS, both reaching best.json (stage 1 done, made alone):
# with one temporary for both, one renamed the other's away and failed, and make deleted
# best.json under the other's stage 2 (both failed), or, stage 2 begun, said stage 1's best had
# moved to trial "" (jq on the temporary gone). A report whose --best line takes a second
# to write makes them meet.
slow_best_report shim3 1
test_expect_success "two make staged at once, from a stage 1 done: both end 0, one trial per stage" '
  make -s -C "$WS_ROOT" "$TMP/cc/stage-1/.done" BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/tones/manifest.jsonl" \
    FEATURES="$TMP/tones.feat" STAGE1="$TMP/s1.json" STAGE2="$TMP/s2.json" STAGED_RUNS="$TMP/cc" STAGE_TRIALS=1 >cc0.out 2>&1 &&
  { staged cc STAGE_TRIALS=1 BIN="$TMP/shim3" >cc1.out 2>cc1.err & } && sleep 0.3 &&
  staged cc STAGE_TRIALS=1 BIN="$TMP/shim3" >cc2.out 2>cc2.err && wait $! &&
  [ "$(jq -c .params cc/stage-1/best.json)" = "$(report --db cc/study.db --study tones-st-1 --best | jq -c .params)" ] &&
  [ "$(complete cc tones-st-2)" = 1 ] && [ "$(sqlite3 cc/study.db "SELECT count(*) FROM trials")" = 2 ] && ! ls cc/stage-1/best.json.tmp* 2>/dev/null &&
  ! grep -q "best is now\|cannot\|rror" cc1.err cc2.err'
