#!/usr/bin/env bash
# featurize --out into a folder that is not there said only "X: cannot create: No such file or
# directory", which did not tell the folder from the file: it names the missing folder, as the
# study tools do ("directory 'D' does not exist"), exit 2, and leaves nothing.
. "$WS_ROOT/tests/cli/lib.sh"

mkdir -p corpus/yes corpus/no
for i in 0 1; do
  sox -n -r 16000 -b 16 -c 1 "corpus/yes/a${i}_nohash_0.wav" synth 0.5 sine $((300 + 40 * i)) vol 0.3
  sox -n -r 16000 -b 16 -c 1 "corpus/no/b${i}_nohash_0.wav" synth 0.5 sine $((900 + 40 * i)) vol 0.3
done
test_expect_code 2 missing-folder featurize -q -o nodir/sub/x.feat corpus
test_expect_success missing-folder-message '
  grep -qx "featurize: nodir/sub/x.feat: cannot create: directory .nodir/sub. does not exist" err && [ ! -e nodir ]'
test_expect_code 0 existing-folder featurize -q -o x.feat corpus
