#!/usr/bin/env bash
# A class folder (or a manifest label) every one of whose files featurize skips (not audio, empty,
# zero length, more than two channels) stayed a class with 0 clips in the cache: the model had an
# output nothing could teach, and macro F1 averaged it in at 0. As a folder with no audio file at
# all (t2045), and as torchaudio's SPEECHCOMMANDS, whose labels are those of the clips it loads,
# it is now left out, with a note naming it and why. A wake word so left out is an error naming it,
# from train-trial, which is where the wake word is known (featurize has no such setting).
. "$WS_ROOT/tests/cli/lib.sh"
mkdir -p c/yes c/no c/broken
for i in 0 1 2 3; do
  sox -R -n -r 16000 -b 16 -c 1 "c/yes/y${i}_nohash_0.wav" synth 0.3 sine $((600 + 50 * i)) vol 0.3
  sox -R -n -r 16000 -b 16 -c 1 "c/no/n${i}_nohash_0.wav" synth 0.3 sine $((300 + 50 * i)) vol 0.3
done
echo "this is not a sound" >c/broken/text_nohash_0.wav
: >c/broken/empty_nohash_0.wav
head -c 44 c/yes/y0_nohash_0.wav >c/broken/zero_nohash_0.wav
sox -R -n -r 16000 -b 16 -c 4 c/broken/four_nohash_0.wav synth 0.3 sine 440 vol 0.3
# list lines that name the skipped files are no error: the files are there
printf 'yes/y1_nohash_0.wav\nno/n1_nohash_0.wav\nbroken/text_nohash_0.wav\n' >c/validation_list.txt
printf 'yes/y2_nohash_0.wav\nno/n2_nohash_0.wav\n' >c/testing_list.txt

test_expect_code 0 "a class folder whose every file is skipped" featurize -q -o c.feat c
test_expect_success "... is not a class" '
  jq -e ".clips == 8 and .skipped == 4 and (.classes | keys) == [\"no\", \"yes\"]" out >/dev/null'
test_expect_success "... nor in the cache" 'featurize --describe c.feat >d &&
  jq -e ".classes == [\"no\", \"yes\"] and (.counts | keys) == [\"no\", \"yes\"]" d >/dev/null'
test_expect_success "... each file named, then the folder once, saying why" '
  [ "$(grep -c "^featurize: skipped c/broken/" err)" = 4 ] && [ "$(wc -l <err)" = 5 ] &&
  grep -qxF "featurize: c/broken: every one of its 4 audio files was skipped (named above), so it is not a class" err'
test_expect_success "... the labels are the cache's own: a clip's label names its class" '
  for i in $(seq 0 7); do featurize --dump c.feat --clip $i | jq -r "[.path, .label] | @tsv" || exit 1; done >labels &&
  awk -F"\t" "{ split(\$1, p, \"/\"); if (p[1] != \$2) exit 1 }" labels'

# the same in a manifest: its labels are its clips'
for f in c/yes/y0_nohash_0.wav c/yes/y1_nohash_0.wav c/no/n0_nohash_0.wav c/no/n1_nohash_0.wav; do
  printf '{"path": "%s", "label": "%s"}\n' "$f" "$(basename "$(dirname "$f")")"
done >m.jsonl
printf '{"path": "c/broken/text_nohash_0.wav", "label": "broken"}\n{"path": "c/broken/four_nohash_0.wav", "label": "broken"}\n' >>m.jsonl
test_expect_code 0 "a manifest label whose every clip is skipped" featurize -q -o m.feat m.jsonl
test_expect_success "... is not a class, and is named" '
  jq -e ".clips == 4 and .skipped == 2 and (.classes | keys) == [\"no\", \"yes\"]" out >/dev/null &&
  grep -qxF "featurize: m.jsonl: label '"'"'broken'"'"': every one of its 2 clips was skipped (named above), so it is not a class" err &&
  featurize --describe m.feat | jq -e ".classes == [\"no\", \"yes\"]" >/dev/null'

# a class with one good file among bad ones stays a class, without the note
cp -r c one && sox -R -n -r 16000 -b 16 -c 1 one/broken/good_nohash_0.wav synth 0.3 sine 900 vol 0.3
test_expect_code 0 "a class with one usable file" featurize -q -o one.feat one
test_expect_success "... stays a class" '
  jq -e "(.classes | keys) == [\"broken\", \"no\", \"yes\"] and .skipped == 4" out >/dev/null && ! grep -q "not a class" err'

# --strict: the first bad file is the error, as before
test_expect_code 2 "--strict stops at a skipped file" featurize -q --strict -o s.feat c
test_expect_success "... no cache" '[ ! -e s.feat ] && grep -q "c/broken/.*(--strict)" err'

# the wake word left out: train-trial names it and the classes there are
cat >s.json <<J
{"study": "s", "direction": "maximize", "objective": "f1",
 "sampler": {"name": "random", "seed": 1}, "pruner": {"name": "nop"}, "budget": {"epochs": 1},
 "space": {"learning_rate": {"type": "float", "low": 0.001, "high": 0.01, "log": true}},
 "fixed": {"model": "dnn", "batch_size": 4, "positive": "broken"}}
J
suggest --db s.db --config s.json >line
test_expect_code 2 "a wake word whose every clip was skipped" train-trial -q --device cpu --db s.db --features c.feat line
test_expect_success "... is an error naming it" '[ "$(wc -l <err)" = 1 ] &&
  grep -qF "fixed.positive: '"'"'broken'"'"' is not one of the 2 classes of c.feat ('"'"'no'"'"', '"'"'yes'"'"')" err'
