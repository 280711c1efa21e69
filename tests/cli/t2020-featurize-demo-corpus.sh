#!/usr/bin/env bash
# share/make-demo-corpus.sh at a tiny size: the class folders, 16 kHz mono 16-bit one-second
# WAVs, noise files, list files that agree with featurize's which_set rule, the same corpus from
# the same SEED (and another from another), and featurize reading it.
. "$WS_ROOT/tests/cli/lib.sh"
if ! command -v espeak-ng >/dev/null || ! command -v sox >/dev/null; then
  test_skip demo-corpus "espeak-ng or sox missing"; exit 0
fi
mk() { SEED=$1 WAKE_CLIPS=4 CLIPS_PER_CLASS=1 SPEAKERS=12 NOISE_MIN_S=2 NOISE_MAX_S=3 bash "$WS_ROOT/share/make-demo-corpus.sh" "$2"; }
# shellcheck disable=SC2034  # used inside the test strings
classes="go hey_noble hey_nora hey_nova hey_now hey_over left no nova off on right stop up yes down"

test_expect_success make-corpus 'mk 7 d1'
test_expect_success class-folders '[ "$(cd d1 && ls -d */ | tr -d / | sort | tr "\n" " ")" = "$(echo _background_noise_ $classes | tr " " "\n" | sort | tr "\n" " ")" ]'
test_expect_success clip-counts '[ "$(ls d1/hey_nova | wc -l)" = 4 ] && [ "$(ls d1/yes | wc -l)" = 1 ] &&
  [ "$(find d1 -name "*_nohash_*.wav" | wc -l)" = 19 ]'
test_expect_success wav-format 'for f in d1/*/*_nohash_*.wav; do soxi "$f" | tr -s " " | grep -E "^(Channels|Sample Rate|Precision|Duration)"; done |
  sort | uniq -c | awk "\$1 != 19 { exit 1 }" && [ "$(soxi -s d1/hey_nova/*.wav | sort -u)" = 16000 ]'
test_expect_success noise-files '[ "$(ls d1/_background_noise_ | tr "\n" " ")" = "babble.wav brown_noise.wav hum.wav pink_noise.wav white_noise.wav " ] &&
  for f in d1/_background_noise_/*.wav; do d=$(soxi -D "$f"); awk -v d="$d" "BEGIN { exit !(d >= 2 && d <= 3) }" || exit 1; done'
test_expect_success not-silent 'sox d1/hey_nova/$(ls d1/hey_nova | head -1) -n stat 2>&1 | awk "/Maximum amplitude/ { exit !(\$3 > 0.01) }"'
test_expect_success stamp '[ "$(cat d1/.complete)" = "$(SEED=7 WAKE_CLIPS=4 CLIPS_PER_CLASS=1 SPEAKERS=12 NOISE_MIN_S=2 NOISE_MAX_S=3 bash "$WS_ROOT/share/make-demo-corpus.sh" --stamp)" ] && ! ls -d d1.tmp.* 2>/dev/null'
test_expect_success same-seed-same-corpus 'mk 7 d2 && diff -r d1 d2 >/dev/null'
test_expect_success other-seed-other-corpus 'mk 8 d3 && ! diff -r d1 d3 >/dev/null'
test_expect_code 2 bad-knob env CLIPS_PER_CLASS=x bash "$WS_ROOT/share/make-demo-corpus.sh" d4
# the list files follow the same rule as featurize's which_set (used when there are no lists)
test_expect_success lists-match-which-set 'featurize -q -o a.feat d1 >a.json && cp -r d1 d5 && rm d5/*_list.txt &&
  featurize -q -o b.feat d5 >b.json && jq -e .split_rule==\"lists\" a.json >/dev/null && jq -e .split_rule==\"which_set\" b.json >/dev/null &&
  [ "$(jq -c .classes a.json)" = "$(jq -c .classes b.json)" ] && jq -e ".clips == 19 and .noise == 5 and .skipped == 0" a.json >/dev/null'
