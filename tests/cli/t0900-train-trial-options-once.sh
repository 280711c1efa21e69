#!/usr/bin/env bash
# train-trial's options that name a thing (the study database, the cache, the device, the
# checkpoints' folder, the checkpoint to evaluate, its split, the tag and study of --result-of)
# are taken once, as tell's are (t5039): getopt kept the last of one given twice, so
# `train-trial --db a.db --db b.db` trained a trial of b.db, `--features A --features B` on B,
# without a word (a script that adds its own --db to common arguments that hold one). A second
# one is refused (exit 2, naming the option), nothing printed, no checkpoint made, the study left
# as it was. The numbers (--threads, --max-seconds, ...) and the flags stay getopt's last one.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trained
suggest --db runs/s.db --config c.json >line2
cp tones.feat other.feat
mkdir other A B
cp runs/s.db other/s.db
cp runs/s.db before.db
unchanged() {  # trial 1 RUNNING, no checkpoint of it, nothing in A or B, other/s.db as it was
  [ "$(sqlite3 runs/s.db "SELECT group_concat(state) FROM (SELECT state FROM trials ORDER BY number)")" = COMPLETE,RUNNING ] &&
  [ ! -e runs/trial-1.ckpt ] && [ -z "$(ls -A A)$(ls -A B)" ] && [ "$(sqlite3 other/s.db .dump)" = "$(sqlite3 before.db .dump)" ]
}
refused() {  # OPTION COMMAND...: COMMAND gives OPTION twice
  local opt=$1; shift
  test_expect_code 2 "$opt twice${what:+ ($what)}" "$@"
  test_expect_success "... names $opt, prints nothing, changes nothing" "
    grep -q '^train-trial: $opt given twice: ' err && [ ! -s out ] && unchanged"
}
T=(train-trial --quiet --threads 1)
refused --db "${T[@]}" --db runs/s.db --features tones.feat --db other/s.db line2
refused --features "${T[@]}" --db runs/s.db --features tones.feat --features other.feat line2
refused --device "${T[@]}" --db runs/s.db --features tones.feat --device cpu --device auto line2
refused --ckpt-dir "${T[@]}" --db runs/s.db --features tones.feat --ckpt-dir A --ckpt-dir B line2
what="the same folder" refused --ckpt-dir "${T[@]}" --db runs/s.db --features tones.feat --ckpt-dir A --ckpt-d=A line2
refused --evaluate train-trial --features tones.feat --evaluate runs/best.ckpt --evaluate runs/trial-0.ckpt
refused --split train-trial --features tones.feat --evaluate runs/best.ckpt --split test --split validation
refused --result-of train-trial --db runs/s.db --result-of a --result-of b
refused --study train-trial --db runs/s.db --result-of a --study tones --study other
# each given once, the same commands do their work
test_expect_code 0 "--evaluate and --split once" train-trial --features tones.feat --evaluate runs/best.ckpt --split validation
test_expect_success "... evaluates on that split" 'jq -e ".split == \"validation\"" out'
test_expect_code 1 "--result-of and --study once (no trial has the tag)" train-trial --db runs/s.db --result-of a --study tones
test_expect_code 0 "training with each option once" "${T[@]}" --db runs/s.db --features tones.feat --device cpu --ckpt-dir A line2
test_expect_success "... trains trial 1 of runs/s.db, its checkpoint in A" '
  jq -e ".trial == 1 and .state == \"COMPLETE\"" out && [ -e A/trial-1.ckpt ] &&
  [ "$(sqlite3 other/s.db .dump)" = "$(sqlite3 before.db .dump)" ]'
