#!/usr/bin/env bash
# featurize on a folder of MP3 files (Common Voice ships MP3; libsndfile 1.1 and later reads MPEG
# audio): libsndfile names its MPEG format "m1a", so .mp3 files were not taken for audio and a
# class folder of them was left out without a word (a class with no clips, or "no audio clips
# found"), though the same files in a manifest were read. .mp3 (and .mp2, .mp1) files are clips,
# and a broken one is skipped and named, as bad audio is.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

# mp3 OUT RATE SECONDS FREQ: a tone as MP3, written by libsndfile itself (sox here has no MP3)
mp3() { sndfile_tone "$1" 0x230082 "$2" "$3" "$4" 0.2; }   # SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III

mkdir -p c/yes c/no c/_background_noise_
if ! mp3 probe.mp3 16000 1 440 2>/dev/null || [ ! -s probe.mp3 ]; then
  test_skip mp3-folder "libsndfile here cannot write MP3"
  exit 0
fi
sox -n -r 16000 -b 16 -c 1 c/yes/y0_nohash_0.wav synth 1 sine 400 vol 0.2
mp3 c/yes/y1_nohash_0.mp3 16000 1 450
mp3 c/no/n0_nohash_0.mp3 16000 1 900
mp3 c/no/n1_nohash_0.MP3 44100 0.8 950
mp3 c/_background_noise_/hum.mp3 16000 3 60
echo "not audio" >c/no/bad_nohash_0.mp3

test_expect_code 0 mp3-folder featurize -q -o c.feat c
test_expect_success mp3-folder-clips-read 'jq -e ".clips == 4 and .skipped == 1 and .noise == 1 and
    .classes.no.train + .classes.no.validation + .classes.no.test == 2" out >/dev/null &&
  [ "$(wc -l <err)" = 1 ] && grep -q "^featurize: skipped c/no/bad_nohash_0.mp3: not audio" err'
# the same clips as a folder and as a manifest: the same features
printf '{"path": "c/no/n0_nohash_0.mp3", "label": "no", "split": "train"}\n' >m.jsonl
test_expect_code 0 mp3-manifest featurize -q -o m.feat m.jsonl
test_expect_success mp3-folder-as-manifest 'featurize --describe c.feat | jq -e ".clips == 4" >/dev/null &&
  for i in 0 1 2 3; do featurize --dump c.feat --clip $i; done | jq -c "select(.path == \"no/n0_nohash_0.mp3\") | .mel_power" >a &&
  featurize --dump m.feat --clip 0 | jq -c .mel_power >b && [ -s a ] && cmp a b'
