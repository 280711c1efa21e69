#!/usr/bin/env bash
# featurize on Creative Voice (.voc), MATLAB 4 (.mat) and Psion (.wve) files cut short.
# libsndfile reads such a file as far as it goes and says so only in its log, in words: "Seems
# to be a truncated file." (VOC), "*** File seems to be truncated. 15966 <--> 32000" (MAT4, also
# XI), "Data length 8000 should be 3984" (WVE). Those notes went unread, so a half-copied clip
# was taken with its missing part read as silence, where a cut WAV is skipped as truncated
# (featurize(1): bad audio). Whole files of the same formats are read.
. "$WS_ROOT/tests/cli/lib.sh"

mkdir -p c/yes c/no
sox -n -r 16000 -b 16 -c 1 c/yes/y0_nohash_0.wav synth 1 sine 450 vol 0.3
n=0
for f in voc mat4 wve; do
  case $f in wve) opts="-r 8000" ;; *) opts="-r 16000 -b 16" ;; esac
  # shellcheck disable=SC2086 # opts is two options
  sox -n $opts -c 1 "whole.$f" synth 1 sine 700 vol 0.3 || continue
  cp "whole.$f" "c/no/whole_nohash_$f.$f"
  head -c $(($(stat -c %s "whole.$f") / 2)) "whole.$f" >"c/no/cut_nohash_$f.$f"
  n=$((n + 1))
done
test_expect_success "setup: sox wrote the three formats" '[ "$n" = 3 ]'

test_expect_code 0 "cut .voc, .mat and .wve clips" featurize -q -o c.feat c
test_expect_success "... each skipped as truncated; the whole ones kept" '
  jq -e ".clips == 4 and .skipped == 3" out >/dev/null && [ "$(wc -l <err)" = 3 ] &&
  for f in voc mat4 wve; do grep -q "^featurize: skipped c/no/cut_nohash_$f.$f: truncated" err || exit 1; done'
test_expect_code 2 "a cut .voc with --strict" featurize -q --strict -o s.feat c
test_expect_success "... names it, no cache" 'grep -q "cut_nohash_.*: truncated.*(--strict)" err && [ ! -e s.feat ]'
