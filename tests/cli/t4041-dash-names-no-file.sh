#!/usr/bin/env bash
# '-' is standard input where the tools take a stream (suggest --fixed - and --enqueue -,
# train-trial's trial line, featurize's manifest) and a file so named is ./- (suggest's man page).
# Where a tool writes a file that is no stream, '-' was taken as a file name: `featurize --out -`
# (meant as "the cache to stdout") wrote a cache named '-' in the working folder and printed its
# summary, exit 0; `study-copy --to -`, `suggest --db -` and `gpu-monitor --db -` made a study
# file named '-'; report, tell and prune-check said "-: no such study database". Each is now
# refused, exit 2, saying that '-' names no file there and to write ./- for a file so named, as
# --db :memory: and file: are (t0045); ./- is still that file.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

dbmsg="'-' names no file here (a study is a SQLite file, not standard input or output): give a study file (./- for a file so named)"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json >/dev/null
nofile() { [ ! -e ./- ] && [ ! -s out ]; }
test_expect_code 2 "suggest --db -" suggest --db - --config c.json
test_expect_success "... says why; no file '-', no trial line" 'grep -qxF "suggest: --db: $dbmsg" err && nofile'
test_expect_code 2 "study-copy --to -" study-copy --from s.db --to -
test_expect_success "... says why; no file '-'" 'grep -qxF "study-copy: --to: $dbmsg" err && nofile'
test_expect_code 2 "study-copy --from -" study-copy --from - --to d.db
test_expect_success "... says why; no copy" 'grep -qxF "study-copy: --from: $dbmsg" err && nofile && [ ! -e d.db ]'
test_expect_code 2 "gpu-monitor --db -" gpu-monitor --db - -n 1 -i 0.01 -q
test_expect_success "... says why; no file '-'" 'grep -qF "$dbmsg" err && nofile'
test_expect_code 2 "report --db -" report --db -
test_expect_success "... says why" 'grep -qxF "report: --db: $dbmsg" err'
test_expect_code 2 "tell --db -" tell --db - --study kws --trial 0 --state fail
test_expect_success "... says why" 'grep -qxF "tell: --db: $dbmsg" err'
test_expect_code 2 "train-trial --db - --result-of" train-trial --db - --result-of t
test_expect_success "... says why" 'grep -qxF "train-trial: --db: $dbmsg" err'
test_expect_success "the study is as it was: one RUNNING trial" '[ "$(sqlite3 s.db "SELECT group_concat(state) FROM trials")" = RUNNING ]'
test_expect_code 0 "./- is a file name" suggest --db ./- --config c.json
test_expect_success "... that file" '[ "$(sqlite3 ./- "SELECT count(*) FROM trials")" = 1 ]'
rm -f ./-

make_tone_cache tones
test_expect_code 2 "featurize --out -" featurize -q --out - tones/manifest.jsonl
test_expect_success "... says the cache is a file, not standard output; no file '-'" '
  grep -qxF "featurize: --out: '"'"'-'"'"' names no file here (the cache is a file, written whole and renamed, which train-trial maps; not standard output): give its path (./- for a file so named)" err && nofile'
test_expect_code 0 "featurize --out ./-" featurize -q --out ./- tones/manifest.jsonl
test_expect_success "... writes that file" 'cmp -s ./- tones.feat'
