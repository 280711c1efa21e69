#!/usr/bin/env bash
# suggest's options that name a thing (the study database, the config, the study, the tag, the
# process) are taken once, as --fixed and --enqueue are, and as every other tool's now are (t0900,
# t0901, t5039): getopt kept the last of one given twice, so `suggest --db a.db --db b.db` made
# its trial in b.db without a word. make sweep hands suggest its own --db, --config, --study,
# --pid and --tag and then SUGGEST_ARGS: SUGGEST_ARGS="--db other.db" passed make's check (which
# made other.db, a study 'ws-check' in it, as it checked) and each trial was then made in
# other.db while train-trial looked for it in DB. A second one is refused (exit 2, naming the
# option), nothing printed, no study file made or changed; so is such a SUGGEST_ARGS, when make
# reads the makefiles. The numbers (--n, --seed, --grace) and the flags stay getopt's last one.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
cp c.json d.json
suggest --db s.db --config c.json >/dev/null
cp s.db before.db
unchanged() { [ ! -e o.db ] && [ "$(sqlite3 s.db .dump)" = "$(sqlite3 before.db .dump)" ]; }
refused() {  # OPTION COMMAND...: COMMAND gives OPTION twice
  local opt=$1; shift
  test_expect_code 2 "$opt twice${what:+ ($what)}" "$@"
  test_expect_success "... names $opt, prints nothing, makes or changes no study" "
    grep -q '^suggest: $opt given twice: ' err && [ ! -s out ] && unchanged"
  rm -f o.db
}
S=(suggest --db s.db --config c.json)
refused --db "${S[@]}" --db o.db
what="the same file" refused --db "${S[@]}" --db s.db
refused --config "${S[@]}" --config d.json
refused --study "${S[@]}" --study a --study b
refused --tag "${S[@]}" --tag a --tag b
refused --pid "${S[@]}" --pid $$ --pid 1
# each given once, the same command does its work; numbers and flags stay the last one's
test_expect_code 0 "each option once, --n twice (the last counts)" "${S[@]}" --study a --tag t --pid $$ --n 3 --n 1
test_expect_success "... one trial of study a in s.db" '[ "$(jq -s "length" out)" = 1 ] && jq -e ".study == \"a\"" out >/dev/null && [ ! -e o.db ]'

# make's check of SUGGEST_ARGS: suggest's own words, when make reads the makefiles, nothing made
make_tone_cache tones
tone_sweep_config sc.json tones-once 1
test_expect_code 2 "make -j2 sweep SUGGEST_ARGS='--db o.db'" \
  ws_make -j2 sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/f.feat" CONFIG="$TMP/sc.json" TRIALS=1 RUNS="$TMP/r" \
    DB="$TMP/r/study.db" MONITOR_INTERVAL=0.2 SUGGEST_ARGS="--db $TMP/o.db"
test_expect_success "... refused, naming SUGGEST_ARGS and --db; nothing made (no RUNS, features or o.db)" "
  grep -qF \"SUGGEST_ARGS: '--db $TMP/o.db': --db given twice: \" err && [ ! -e r ] && [ ! -e f.feat ] && [ ! -e o.db ]"
