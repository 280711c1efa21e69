#!/usr/bin/env bash
# A folder of a Speech Commands corpus that holds no audio file (macOS's __MACOSX, whose files are
# hidden ._ ones; one left empty; one of speaker subfolders, whose files featurize does not read)
# was a class of its own with no clip: the model had an output no clip could teach, and a macro
# F1 averaged it in at 0, without a word. As torchaudio's SPEECHCOMMANDS, which takes its labels
# from the files, such a folder is now not a class, and featurize says so once for each. The
# classes are checked against torchaudio's labels of the same folder.
. "$WS_ROOT/tests/cli/lib.sh"
py_warm torchaudio
mkdir -p c/yes c/no c/__MACOSX/yes c/empty c/speakers/s1 c/_background_noise_
for i in 0 1 2; do
  sox -R -n -r 16000 -b 16 -c 1 "c/yes/y${i}_nohash_0.wav" synth 0.3 sine $((600 + 50 * i)) vol 0.3
  sox -R -n -r 16000 -b 16 -c 1 "c/no/n${i}_nohash_0.wav" synth 0.3 sine $((300 + 50 * i)) vol 0.3
done
cp c/yes/y0_nohash_0.wav c/__MACOSX/yes/._y0_nohash_0.wav
cp c/no/n0_nohash_0.wav c/speakers/s1/s0_nohash_0.wav
sox -R -n -r 16000 -b 16 -c 1 c/_background_noise_/white.wav synth 2 whitenoise vol 0.1
printf 'yes/y1_nohash_0.wav\nno/n1_nohash_0.wav\n' >c/validation_list.txt
printf 'yes/y2_nohash_0.wav\nno/n2_nohash_0.wav\n' >c/testing_list.txt

test_expect_code 0 "a corpus with folders without audio" featurize -q -o c.feat c
test_expect_success "... they are not classes" '
  jq -e ".clips == 6 and (.classes | keys) == [\"no\", \"yes\"] and .classes.yes == {train: 1, validation: 1, test: 1}" out >/dev/null'
test_expect_success "... each named once on stderr" '
  [ "$(wc -l <err)" = 3 ] &&
  for d in __MACOSX empty speakers; do
    grep -qx "featurize: c/$d: no audio file in the folder, so it is not a class (a class folder'"'"'s own files are read, not its subfolders'"'"')" err || exit 1
  done'
test_expect_success "... nor in the cache" 'featurize --describe c.feat >d &&
  jq -e ".classes == [\"no\", \"yes\"] and (.counts | keys) == [\"no\", \"yes\"]" d >/dev/null'

if "$PY" -c "import torchaudio" 2>/dev/null; then
  # torchaudio's dataset is root/SpeechCommands/speech_commands_v0.02; its labels, as the PyTorch
  # tutorial takes them: the sorted distinct labels of its clips
  test_expect_success "... the classes are torchaudio's labels" 'mkdir -p ta/SpeechCommands &&
    ln -s "$TMP/c" ta/SpeechCommands/speech_commands_v0.02 && "$PY" - <<P
import json, torchaudio
ds = torchaudio.datasets.SPEECHCOMMANDS("ta", download=False)
labels = sorted({ds.get_metadata(i)[2] for i in range(len(ds))})
ours = json.load(open("d"))["classes"]
print("# torchaudio", labels, "featurize", ours)
assert ours == labels, (ours, labels)
P'
else
  test_skip "... the classes are torchaudio's labels" "torchaudio not available to $PY"
fi

# a list line in such a folder names no class; the message says why the folder is not one
cp -r c l && echo "empty/x_nohash_0.wav" >>l/testing_list.txt
test_expect_code 2 "a list line in a folder without audio" featurize -q -o l.feat l
test_expect_success "... says the folder holds no audio" '
  grep -qx "featurize: l/testing_list.txt:3: unknown label '"'"'empty'"'"' (its folder holds no audio file, so it is not a class)" err &&
  [ ! -e l.feat ]'
test_expect_code 2 "... a folder that is not there is still no such class folder" sh -c \
  'sed -i "s|^empty/|gone/|" l/testing_list.txt && featurize -q -o l.feat l'
test_expect_success "... so named" 'grep -q "unknown label '"'"'gone'"'"' (no such class folder)" err'

# nor is the noise folder, which holds audio, said to hold none
test_expect_code 2 "a list line in the noise folder" sh -c \
  'sed -i "s|^gone/.*|_background_noise_/white.wav|" l/testing_list.txt && featurize -q -o l.feat l'
test_expect_success "... names it the noise folder" \
  'grep -q "unknown label '"'"'_background_noise_'"'"' (the noise folder: its files are noise streams for training batches, in no split)" err'

# a folder whose only audio entry cannot be read (a link to nothing): that file is skipped and
# named, as before, and the folder, with no clip, is no class either (t2052)
cp -r c k && ln -s nowhere.wav k/empty/dangling.wav
test_expect_code 0 "a folder with only a dangling link" featurize -q -o k.feat k
test_expect_success "... its file skipped, the folder not a class" '
  jq -e "(.classes | keys) == [\"no\", \"yes\"] and .skipped == 1" out >/dev/null &&
  grep -q "^featurize: skipped k/empty/dangling.wav: a symbolic link to nothing" err &&
  grep -qxF "featurize: k/empty: its one audio file was skipped (named above), so it is not a class" err'
