#!/usr/bin/env bash
# A corpus whose class folders are symbolic links (to recordings on another disk): one whose
# target is gone (the disk not mounted) or that loops was not a class, without a word, and the
# wake word among them was only found missing by train-trial ("'hey_nova' is not one of the
# classes"), though its link was there. As a clip that is a link to nothing is skipped and named
# (t2011), such a folder is named on stderr, and why; it is still not a class (torchaudio's
# SPEECHCOMMANDS, whose labels are its clips', has none from it either). A link to a folder that
# is there is a class like any other.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir -p pool/yes c/no
for i in 0 1 2; do
  sox -R -n -r 16000 -b 16 -c 1 "pool/yes/y${i}_nohash_0.wav" synth 0.3 sine $((600 + 50 * i)) vol 0.3
  sox -R -n -r 16000 -b 16 -c 1 "c/no/n${i}_nohash_0.wav" synth 0.3 sine $((300 + 50 * i)) vol 0.3
done
ln -s "$PWD/pool/yes" c/yes
ln -s /nonexistent/mount/hey_nova c/hey_nova
ln -s loop c/loop

test_expect_code 0 "class folders that are links, two of them to nothing" featurize -q -o c.feat c
test_expect_success "... the one that is there is a class, the others not" '
  jq -e ".clips == 6 and (.classes | keys) == [\"no\", \"yes\"]" out >/dev/null'
test_expect_success "... each named once on stderr, with why" '[ "$(wc -l <err)" = 2 ] &&
  grep -qxF "featurize: c/hey_nova: a symbolic link to nothing (dangling), so it is not a class folder" err &&
  grep -qxF "featurize: c/loop: Too many levels of symbolic links, so it is not a class folder" err'
# a link to nothing among files is not a folder the user meant: notes are for names a folder could be
ln -s nowhere.txt c/README.txt
test_expect_code 0 "... a link to nothing of another name" featurize -q -o c.feat c
test_expect_success "... is named too: it is as much a mistake" '[ "$(wc -l <err)" = 3 ] &&
  grep -qxF "featurize: c/README.txt: a symbolic link to nothing (dangling), so it is not a class folder" err'
# hidden ones are ignored, as every hidden entry is
rm c/README.txt && ln -s nowhere c/.hidden
test_expect_code 0 "... a hidden link to nothing" featurize -q -o c.feat c
test_expect_success "... is ignored" '[ "$(wc -l <err)" = 2 ] && ! grep -q hidden err'
# the noise folder as a link to nothing: no noise, and said so in those words
rm c/.hidden && ln -s /nonexistent/noise c/_background_noise_
test_expect_code 0 "... the noise folder a link to nothing" featurize -q -o c.feat c
test_expect_success "... is named as the noise folder" '[ "$(wc -l <err)" = 3 ] && jq -e ".noise == 0" out >/dev/null &&
  grep -qxF "featurize: c/_background_noise_: a symbolic link to nothing (dangling), so no noise file is read from it" err'
# a list file naming a clip of such a folder: the label is not a class, and the error says why, as
# for a folder with no audio file (t2045), not "no such class folder", since its link is there
printf 'yes/y0_nohash_0.wav\nhey_nova/h0_nohash_0.wav\n' >c/testing_list.txt
test_expect_code 2 "a list naming a clip in a folder that is a link to nothing" featurize -q -o c.feat c
test_expect_success "... says the label's folder is a link to nothing" '
  grep -qxF "featurize: c/testing_list.txt:2: unknown label '"'"'hey_nova'"'"' (its folder is a symbolic link to nothing (dangling), so it is not a class)" err'
