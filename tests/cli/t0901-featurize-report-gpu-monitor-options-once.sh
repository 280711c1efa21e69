#!/usr/bin/env bash
# featurize's, report's and gpu-monitor's options that name a file (or a clip) are taken once, as
# tell's are (t5039): getopt kept the last of one given twice, so `featurize --out a.feat --out
# b.feat` wrote b.feat, `report --db a.db --db b.db` showed b.db and `gpu-monitor --db a.db --db
# b.db` wrote its samples into b.db, without a word (a script that adds its own to common
# arguments that hold one). A second one is refused (exit 2, naming the option), nothing printed
# and no file made. report's --study stays repeatable (several studies); the numbers, --format,
# --fallback and the flags stay getopt's last one.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
cp "$WS_ROOT/configs/features/default.json" f.json
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json >/dev/null
cp s.db o.db
echo $$ >a.pids
echo $$ >b.pids
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1)
made() { ls | grep -E '^(a|b|m|n)\.(feat|db)' ; }   # the files a refused command must not make
refused() {  # TOOL OPTION COMMAND...: COMMAND gives OPTION twice
  local tool=$1 opt=$2; shift 2
  test_expect_code 2 "$tool $opt twice${what:+ ($what)}" "$@"
  test_expect_success "... names $opt, prints nothing, makes no file" "
    grep -q '^$tool: $opt given twice: ' err && [ ! -s out ] && [ -z \"\$(made)\" ]"
  rm -f a.feat b.feat m.db* n.db*   # what one made unfixed: the next case starts clean
}
F=(featurize --quiet)
refused featurize --out "${F[@]}" --out a.feat --out b.feat tones/manifest.jsonl
refused featurize --out "${F[@]}" -o a.feat -o b.feat tones/manifest.jsonl
refused featurize --config "${F[@]}" --config f.json --out a.feat --config "$WS_ROOT/configs/features/default.json" tones/manifest.jsonl
refused featurize --describe featurize --describe tones.feat --describe other.feat
refused featurize --dump featurize --dump tones.feat --dump other.feat --clip 0
refused featurize --clip featurize --dump tones.feat --clip 0 --clip 1
refused report --db report --db s.db --db o.db
what="the same file" refused report --db report --db s.db --format json --db s.db
G=(gpu-monitor "${NOGPU[@]}" -q -i 0.02 -n 1)
refused gpu-monitor --db "${G[@]}" --db m.db --db n.db
refused gpu-monitor --pidfile "${G[@]}" --pidfile a.pids --pidfile b.pids --db m.db
refused gpu-monitor --nvml-library gpu-monitor -q -i 0.02 -n 1 --db m.db --nvml-library /nonexistent/a.so --nvml-library /nonexistent/b.so
test_expect_success "the studies are as they were" 'cmp s.db o.db && [ "$(sqlite3 s.db "SELECT count(*) FROM sqlite_master WHERE name LIKE '"'"'wakesweep_gpu%'"'"'")" = 0 ]'

# each given once, the same commands do their work
test_expect_code 0 "featurize with each option once" "${F[@]}" --config f.json --out a.feat tones/manifest.jsonl
test_expect_success "... writes the cache" 'cmp a.feat tones.feat'
test_expect_code 0 "featurize --dump and --clip once" featurize --dump tones.feat --clip 1
test_expect_success "... prints the clip" 'jq -e ".clip == 1 or .index == 1 or (.mel | length > 0)" out >/dev/null'
test_expect_code 0 "report with --db once, --study twice (repeatable, not refused)" report --db s.db --study kws --study kws --format json
test_expect_success "... a line per study, kws named twice shown once (t5081)" '[ "$(jq -s length out)" = 1 ]'
test_expect_code 0 "gpu-monitor with each option once" "${G[@]}" --db m.db --pidfile a.pids
test_expect_success "... stores its sample in m.db, watching the pidfile's pid" '
  [ "$(sqlite3 m.db "SELECT count(*) FROM wakesweep_gpu_samples WHERE kind = '"'"'process'"'"' AND pid = $$")" = 1 ]'
