#!/usr/bin/env bash
# A wake word whose folder featurize left out (every file of it skipped, t2052, or none there,
# t2045) is not a class of the cache, and train-trial said only "'hey_nova' is not one of the 2
# classes", which sent one looking for a misspelling in a name whose folder is plainly there. The
# cache now records the folders left out and why ("left_out", shown by --describe), and
# train-trial names the reason.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir -p c/hey_nova c/no c/yes c/empty
for i in 0 1 2 3; do
  sox -R -n -r 16000 -b 16 -c 1 "c/no/n${i}_nohash_0.wav" synth 0.2 sine $((300 + 50 * i)) vol 0.3
  sox -R -n -r 16000 -b 16 -c 1 "c/yes/y${i}_nohash_0.wav" synth 0.2 sine $((900 + 50 * i)) vol 0.3
  sox -R -n -r 16000 -b 16 -c 4 "c/hey_nova/h${i}_nohash_0.wav" synth 0.2 sine 600 vol 0.3
done
printf 'no/n1_nohash_0.wav\nyes/y1_nohash_0.wav\nhey_nova/h1_nohash_0.wav\n' >c/validation_list.txt
printf 'no/n2_nohash_0.wav\nyes/y2_nohash_0.wav\n' >c/testing_list.txt
test_expect_code 0 "a wake-word folder of 4-channel recordings, and an empty folder" featurize -q -o c.feat c
test_expect_code 0 "... --describe" featurize --describe c.feat
test_expect_success "... records both as left out, and why" '
  jq -e ".classes == [\"no\", \"yes\"] and .left_out == {\"empty\": \"its folder holds no audio file\",
    \"hey_nova\": \"every one of its 4 audio files was skipped\"}" out >/dev/null'
cat >s.json <<J
{"study": "s", "direction": "maximize", "objective": "f1",
 "sampler": {"name": "random", "seed": 1}, "pruner": {"name": "nop"}, "budget": {"epochs": 1},
 "space": {"learning_rate": {"type": "float", "low": 0.001, "high": 0.01, "log": true}},
 "fixed": {"model": "dnn", "batch_size": 4, "positive": "hey_nova"}}
J
suggest --db s.db --config s.json >line
test_expect_code 2 "a wake word featurize left out" train-trial -q --device cpu --db s.db --features c.feat line
test_expect_success "... says so, and why" '[ "$(wc -l <err)" = 1 ] &&
  grep -qF "fixed.positive: '"'"'hey_nova'"'"' is not one of the 2 classes of c.feat ('"'"'no'"'"', '"'"'yes'"'"'): featurize left it out, as every one of its 4 audio files was skipped; expected a wake word with clips in the cache" err &&
  [ "$(sqlite3 s.db "SELECT state FROM trials WHERE number = 0")" = FAIL ]'
jq '.fixed.positive = "empty" | .study = "e"' s.json >e.json
suggest --db e.db --config e.json >eline
test_expect_code 2 "a wake word whose folder holds no audio" train-trial -q --device cpu --db e.db --features c.feat eline
test_expect_success "... says so" 'grep -qF "featurize left it out, as its folder holds no audio file" err'
# a corpus with no folder left out has no such record (its cache as before)
rm -r c/hey_nova c/empty && sed -i "/hey_nova/d" c/validation_list.txt
test_expect_code 0 "a corpus with none left out" featurize -q -o d.feat c
test_expect_success "... has no left_out" 'featurize --describe d.feat | jq -e "has(\"left_out\") | not" >/dev/null'
# a wake-word folder that is a symbolic link to nothing (its disk not mounted, t2053): left out as
# well, and recorded so, or train-trial sent one looking for a misspelling again
ln -s /nonexistent/mount/hey_nova c/hey_nova
ln -s loop c/loop
ln -s /nonexistent/mount/x c/$'\xff'   # a name that is not UTF-8: named on stderr, not recorded
test_expect_code 0 "a wake-word folder that is a link to nothing, another that loops" featurize -q -o l.feat c
test_expect_success "... --describe records both as left out, and why" '
  featurize --describe l.feat | jq -e ".classes == [\"no\", \"yes\"] and .left_out == {
    \"hey_nova\": \"its folder is a symbolic link to nothing (dangling)\",
    \"loop\": \"its folder is a symbolic link that cannot be followed (Too many levels of symbolic links)\"}" >/dev/null'
suggest --db s.db --config s.json >lline
test_expect_code 2 "a wake word whose folder is a link to nothing" train-trial -q --device cpu --db s.db --features l.feat lline
test_expect_success "... says so" '[ "$(wc -l <err)" = 1 ] &&
  grep -qF "featurize left it out, as its folder is a symbolic link to nothing (dangling); expected a wake word" err'
