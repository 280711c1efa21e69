#!/usr/bin/env bash
# A study whose wake word is not one of the cache's classes: what one meets first on one's own
# corpus, with kws-default's "hey_nova" or a folder named "hey nova". The message was "CACHE: the
# positive class 'hey_nova' is not among the cache's classes": neither the setting to change
# (fixed.positive, or the trial's params) nor the names to choose from. It now names both, the
# classes quoted (a space in one shows), as many as fit in a one-line message.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir -p c/"hey nova" c/no
for i in 0 1 2 3; do
  sox -R -n -r 16000 -b 16 -c 1 "c/hey nova/h${i}_nohash_0.wav" synth 0.2 sine $((600 + 50 * i)) vol 0.3
  sox -R -n -r 16000 -b 16 -c 1 "c/no/n${i}_nohash_0.wav" synth 0.2 sine $((300 + 50 * i)) vol 0.3
done
printf 'hey nova/h1_nohash_0.wav\nno/n1_nohash_0.wav\n' >c/validation_list.txt
printf 'hey nova/h2_nohash_0.wav\nno/n2_nohash_0.wav\n' >c/testing_list.txt
featurize -q -o c.feat c >/dev/null 2>&1
study() {   # FILE NAME POSITIVE_JSON: a one-epoch study of c.feat whose wake word is POSITIVE
  cat >"$1" <<J
{"study": "$2", "direction": "maximize", "objective": "f1",
 "sampler": {"name": "random", "seed": 1}, "pruner": {"name": "nop"}, "budget": {"epochs": 1},
 "space": {"learning_rate": {"type": "float", "low": 0.001, "high": 0.01, "log": true}},
 "fixed": {"model": "dnn", "batch_size": 4, "positive": $3}}
J
}
study s.json own '"hey_nova"'
suggest --db s.db --config s.json >line
test_expect_code 2 "a wake word the cache has no class of" train-trial -q --device cpu --db s.db --features c.feat line
test_expect_success "... names the setting and the classes" '
  grep -qxF "train-trial: s.db: study '"'"'own'"'"': study config: fixed.positive: '"'"'hey_nova'"'"' is not one of the 2 classes of c.feat ('"'"'hey nova'"'"', '"'"'no'"'"'); expected the wake word'"'"'s class as the corpus names it" err'
test_expect_success "... the trial FAIL" '[ "$(sqlite3 s.db "SELECT state FROM trials WHERE number = 0")" = FAIL ]'

# many classes: as many names as fit, then how many there are
: >m.jsonl
for i in $(seq -w 0 119); do
  cp "c/no/n0_nohash_0.wav" "w$i.wav"
  printf '{"path": "w%s.wav", "label": "word_number_%s", "split": "%s"}\n' "$i" "$i" "$([ $((10#$i % 2)) = 0 ] && echo train || echo validation)" >>m.jsonl
done
featurize -q -o m.feat m.jsonl >/dev/null 2>&1
suggest --db m.db --config s.json >mline
test_expect_code 2 "a wake word not among 120 classes" train-trial -q --device cpu --db m.db --features m.feat mline
test_expect_success "... the first names, then the count, on one line" '[ "$(wc -l <err)" = 1 ] &&
  grep -q "'"'"'hey_nova'"'"' is not one of the 120 classes of m.feat ('"'"'word_number_000'"'"', '"'"'word_number_001'"'"', .*, \.\.\. 120 in all); expected" err'

# a searched wake word: the trial line's params are named
study p.json searched '"no"'
jq '.fixed |= del(.positive) | .space.positive = {"type": "categorical", "choices": ["Hey Nova"]}' p.json >q.json
suggest --db q.db --config q.json >qline
test_expect_code 2 "a searched wake word the cache has no class of" train-trial -q --device cpu --db q.db --features c.feat qline
test_expect_success "... names the trial line's params" '
  grep -qF "trial line: params.positive: '"'"'Hey Nova'"'"' is not one of the 2 classes of c.feat" err'
