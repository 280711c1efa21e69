#!/usr/bin/env bash
# make features asks pipelines/corpus-changed.sh, at every make of a pipeline goal, whether a
# manifest corpus changed since its cache was made. It read the manifest's paths from jq through
# a pipe into a bash array (mapfile -d ''), and bash reads a pipe a byte at a time: a read system
# call for each byte of every path, 3.7 s of each make for a Speech Commands manifest of 100 000
# clips (5.1 s in all, 0.6 s now). The paths now go from jq to find through pipes. Counted here
# as the read system calls of the check and every process it ran (/proc/PID/io's syscr, which a
# process gets its waited-for children's into): 2000 paths of about 33 bytes made 67 282 of them.
. "$WS_ROOT/tests/cli/lib.sh"
changed=$WS_ROOT/pipelines/corpus-changed.sh
mkdir -p c
for d in $(seq 20); do mkdir -p "c/speaker$d"; done
for i in $(seq 2000); do printf '{"path":"speaker%d/clip%06d_nohash_0.wav","label":"x%d","split":"train"}\n' $((i % 20 + 1)) "$i" $((i % 35)); done >c/m.jsonl
(cd c && jq -r .path m.jsonl | xargs touch)
echo '{}' >conf.json
sleep 0.05; : >cache.feat; sleep 0.05
# check: the check's output to o, its read system calls and its children's to reads
check() { bash -c 'bash "$0" cache.feat c/m.jsonl conf.json >o; rc=$?; awk "/^syscr:/ { print \$2 }" /proc/$$/io >reads; exit $rc' "$changed"; }
test_expect_code 0 "a manifest of 2000 clips, none changed since the cache" check
test_expect_success "... nothing printed: no change" '[ ! -s o ]'
test_expect_success "... in fewer read system calls than the paths (was one a byte: 67282)" '
  echo "reads: $(cat reads)" >&2; [ "$(cat reads)" -lt 2000 ]'
sleep 0.05; : >c/speaker7/clip000006_nohash_0.wav   # rewritten: its change time is now
test_expect_code 0 "one clip of them rewritten" check
test_expect_success "... printed: the change is seen" '[ "$(cat o)" = speaker7/clip000006_nohash_0.wav ]'
sleep 0.05; : >cache.feat; sleep 0.05   # made again: newer than all
rm c/speaker4/clip000003_nohash_0.wav
test_expect_code 0 "a clip removed from its folder" check
test_expect_success "... its folder printed" '[ "$(cat o)" = speaker4 ]'
printf '{"label":"x"}\n' >c/m.jsonl
sleep 0.05; : >cache.feat
test_expect_code 0 "a manifest whose lines have no path (featurize's to refuse)" check
test_expect_success "... nothing printed" '[ ! -s o ]'
