#!/usr/bin/env bash
# The summary's "threads" was the number --threads asked for (256), where featurize starts at most
# one worker a file (3 here): a user sizing -j by it read 256 threads at work. It is now the
# number of workers that ran, as the man page says.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir -p c/yes c/no c/_background_noise_
sox -R -n -r 16000 -c 1 -b 16 c/yes/a.wav synth 0.3 sine 2500
sox -R -n -r 16000 -c 1 -b 16 c/no/a.wav synth 0.3 sine 300
sox -R -n -r 16000 -c 1 -b 16 c/_background_noise_/w.wav synth 1 whitenoise vol 0.1
test_expect_code 0 "-j 256 on three files" featurize -q -j 256 -o c.feat c
test_expect_success "... the summary says 3 threads ran" '[ "$(jq .threads out)" = 3 ]'
test_expect_code 0 "-j 2 on three files" featurize -q -j 2 -o d.feat c
test_expect_success "... 2 threads" '[ "$(jq .threads out)" = 2 ]'
test_expect_success "the man page says what threads is" '
  grep -q "the worker threads that ran" "$WS_ROOT/share/man/man1/featurize.1"'
