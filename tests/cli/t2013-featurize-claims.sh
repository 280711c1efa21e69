#!/usr/bin/env bash
# featurize's workers claim the clips sixteen at a time and write each claim's features in one
# write (lib/audio/featurize.c, CLAIM). Each clip must still land in its own slot: on a manifest of
# 45 distinct tones, noise files first, with bad files at the claims' first and last places and
# across their edges (items 0, 15, 16, 17, 31, 32 and 44), on 1 and 3 threads, every kept clip's
# features (--dump) are those of the same file featurized alone, and the skipped ones are named.
. "$WS_ROOT/tests/cli/lib.sh"

mkdir -p a n
sox -n -r 16000 -b 16 -c 1 n/noise.wav synth 2 pinknoise vol 0.1
{
  printf '{"path": "n/noise.wav", "label": "_background_noise_"}\n'
  for i in $(seq 1 44); do
    case $i in
      15|16|17|31|32|44) echo "not audio $i" >"a/bad$i.wav" ;;
      *) sox -n -r 16000 -b 16 -c 1 "a/t$i.wav" synth 1 sine $((200 + 37 * i)) vol 0.2 ;;
    esac
    f=$( [ -e "a/t$i.wav" ] && echo "a/t$i.wav" || echo "a/bad$i.wav" )
    printf '{"path": "%s", "label": "c%d", "split": "train"}\n' "$f" $((i % 3))
  done
} >m.jsonl
# item 0 is the noise file; the seventh bad one is a clip that is not there at all
printf '{"path": "a/missing.wav", "label": "c0", "split": "train"}\n' >>m.jsonl

# each good file alone: its features as --dump prints them, [path, mel_power] a line, sorted
for f in a/t*.wav; do
  printf '{"path": "%s", "label": "c0", "split": "train"}\n' "$f" >one.jsonl
  featurize -q --threads 1 -o one.feat one.jsonl >/dev/null && featurize --dump one.feat --clip 0
done | jq -c '[.path, .mel_power]' | sort >want
for t in 1 3; do
  test_expect_code 0 "threads-$t" featurize -q --threads "$t" -o "m$t.feat" m.jsonl
  test_expect_success "threads-$t-skips-named" '[ "$(grep -c "^featurize: skipped" err)" = 7 ] &&
    for i in 15 16 17 31 32 44; do grep -q "skipped ./a/bad$i.wav: not audio" err || exit 1; done &&
    grep -q "skipped ./a/missing.wav" err && jq -e ".clips == 38 and .skipped == 7" out >/dev/null'
  test_expect_success "threads-$t-each-clip-its-own-features" '[ "$(wc -l <want)" = 38 ] &&
    n=$(featurize --describe m'$t'.feat | jq .clips) && [ "$n" = 38 ] &&
    for c in $(seq 0 $((n - 1))); do featurize --dump m'$t'.feat --clip $c; done | jq -c "[.path, .mel_power]" | sort >got &&
    cmp got want'
done
