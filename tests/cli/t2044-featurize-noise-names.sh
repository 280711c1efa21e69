#!/usr/bin/env bash
# A noise stream is named by its file's base name in the cache (--describe's "noise"), so a
# manifest's n1/w.wav and n2/w.wav were two streams both named "w.wav": which was which could not
# be told. Base names that two streams share are now given as the corpus lists the paths; others
# stay base names (white.wav, as before).
. "$WS_ROOT/tests/cli/lib.sh"
mkdir -p c n1 n2
sox -R -n -r 16000 -c 1 -b 16 c/a.wav synth 1 sine 2500
sox -R -n -r 16000 -c 1 -b 16 c/b.wav synth 1 sine 300
sox -R -n -r 16000 -c 1 -b 16 n1/w.wav synth 2 whitenoise vol 0.1
sox -R -n -r 16000 -c 1 -b 16 n2/w.wav synth 3 whitenoise vol 0.1
sox -R -n -r 16000 -c 1 -b 16 n2/pink.wav synth 1 pinknoise vol 0.1
printf '%s\n' '{"path":"c/a.wav","label":"a"}' '{"path":"c/b.wav","label":"b"}' \
  '{"path":"n1/w.wav","label":"_background_noise_"}' '{"path":"n2/w.wav","label":"_background_noise_"}' \
  '{"path":"n2/pink.wav","label":"_background_noise_"}' >m.jsonl
test_expect_code 0 "two noise files of one base name" featurize -q -o m.feat m.jsonl
test_expect_code 0 "... described" featurize --describe m.feat
test_expect_success "... by their paths, the other by its base name" '
  [ "$(jq -c "[.noise[] | [.name, .frames]]" out)" = "[[\"n1/w.wav\",201],[\"n2/w.wav\",301],[\"pink.wav\",101]]" ]'
