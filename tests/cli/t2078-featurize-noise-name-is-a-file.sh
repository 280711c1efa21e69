#!/usr/bin/env bash
# featurize: _background_noise_ in a Speech Commands folder is the folder of noise files; a file
# of that name (`cp noise.wav corpus/_background_noise_` where the folder was not there yet makes
# one) was ignored without a word, as the corpus folder's other files are, and the sweep trained
# without the noise it was given. A note now names it; the cache is as before (no noise stream).
# A folder of that name is read as before, and a link to nothing is named as before (t2053).
. "$WS_ROOT/tests/cli/lib.sh"

tone() { sox -n -r 16000 -b 16 -c 1 "$1" synth "${2:-0.3}" sine 440 vol 0.2; }
mkdir -p c/yes c/no && tone c/yes/a.wav && tone c/no/b.wav && tone noise.wav 2
cp noise.wav c/_background_noise_
test_expect_code 0 "a file named _background_noise_ in the corpus folder" featurize -q -o c.feat c
test_expect_success "... is named, not read" '
  grep -qxF "featurize: c/_background_noise_: a file, not a folder, so no noise file is read from it (noise files go in a folder of that name)" err &&
  [ "$(wc -l <err)" = 1 ] && jq -e ".noise == 0 and .clips == 2" out >/dev/null'
mkdir -p p/yes && tone p/yes/a.wav && mkfifo p/_background_noise_
test_expect_code 0 "a FIFO of that name" timeout 20 featurize -q -o p.feat p
test_expect_success "... is named, not opened" 'grep -qxF "featurize: p/_background_noise_: not a folder, so no noise file is read from it (noise files go in a folder of that name)" err'
mkdir -p n/yes n/_background_noise_ && tone n/yes/a.wav && cp noise.wav n/_background_noise_/
test_expect_code 0 "the folder of that name" featurize -q -o n.feat n
test_expect_success "... is read as before, without a note" '[ ! -s err ] && jq -e ".noise == 1" out >/dev/null'
