#!/usr/bin/env bash
# A Speech Commands folder with validation_list.txt but no testing_list.txt (or the other way
# round) is split by the one list: its clips in that split, the rest train, the other split
# empty. That was said nowhere: a corpus given only a test list had no validation clip, and the
# first the user heard of it was train-trial's "needs clips in the validation split".
# torchaudio's SPEECHCOMMANDS opens both lists for its training subset and fails on the missing
# one; here an empty split may be meant (no test yet), so featurize goes on and names the missing
# list and the split it leaves empty. The listed split is checked against torchaudio's subset.
. "$WS_ROOT/tests/cli/lib.sh"
py_warm torchaudio
mkdir -p c/yes c/no
for i in 0 1 2 3; do
  sox -R -n -r 16000 -b 16 -c 1 "c/yes/y${i}_nohash_0.wav" synth 0.3 sine $((600 + 50 * i)) vol 0.3
  sox -R -n -r 16000 -b 16 -c 1 "c/no/n${i}_nohash_0.wav" synth 0.3 sine $((300 + 50 * i)) vol 0.3
done
printf 'yes/y1_nohash_0.wav\nno/n1_nohash_0.wav\nno/n2_nohash_0.wav\n' >c/validation_list.txt

test_expect_code 0 "a validation list without a test list" featurize -q -o v.feat c
test_expect_success "... splits by it, the test split empty" '
  jq -e ".split_rule == \"lists\" and .splits == {train: 5, validation: 3, test: 0}" out >/dev/null'
test_expect_success "... and says so" '[ "$(wc -l <err)" = 1 ] &&
  grep -qx "featurize: c/testing_list.txt: not there, while validation_list.txt is: no clip is in the test split (a corpus with neither list is split by the which_set rule)" err'
if "$PY" -c "import torchaudio" 2>/dev/null; then
  test_expect_success "... its validation clips are torchaudio's validation subset" 'mkdir -p ta/SpeechCommands &&
    ln -s "$TMP/c" ta/SpeechCommands/speech_commands_v0.02 &&
    for i in $(seq 0 7); do featurize --dump v.feat --clip $i; done | jq -r "select(.split == \"validation\") | .path" | sort >ours &&
    "$PY" - <<P
import os, torchaudio
ds = torchaudio.datasets.SPEECHCOMMANDS("ta", download=False, subset="validation")
theirs = sorted(os.path.relpath(w, ds._path) for w in ds._walker)
ours = open("ours").read().split()
print("# torchaudio", theirs, "featurize", ours)
assert ours == theirs, (ours, theirs)
try:
    torchaudio.datasets.SPEECHCOMMANDS("ta", download=False, subset="training")
    raise SystemExit("torchaudio took a training subset without testing_list.txt")
except FileNotFoundError as e:
    print("# torchaudio training subset:", e)
P'
else
  test_skip "... its validation clips are torchaudio's validation subset" "torchaudio not available to $PY"
fi

mv c/validation_list.txt c/testing_list.txt
test_expect_code 0 "a test list without a validation list" featurize -q -o t.feat c
test_expect_success "... splits by it, the validation split empty, and says so" '
  jq -e ".splits == {train: 5, validation: 0, test: 3}" out >/dev/null && [ "$(wc -l <err)" = 1 ] &&
  grep -qx "featurize: c/validation_list.txt: not there, while testing_list.txt is: no clip is in the validation split (a corpus with neither list is split by the which_set rule)" err'

# both lists, or neither: no note, as before
: >c/validation_list.txt
test_expect_code 0 "both lists, one empty" featurize -q -o b.feat c
test_expect_success "... no note" 'jq -e ".splits.test == 3" out >/dev/null && [ ! -s err ]'
rm c/validation_list.txt c/testing_list.txt
test_expect_code 0 "neither list" featurize -q -o n.feat c
test_expect_success "... the which_set rule, no note" 'jq -e ".split_rule == \"which_set\"" out >/dev/null && [ ! -s err ]'
