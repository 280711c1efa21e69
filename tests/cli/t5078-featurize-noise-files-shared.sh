#!/usr/bin/env bash
# featurize's threads claimed work sixteen items at a time, noise files first: a corpus of fewer
# than sixteen noise files (Speech Commands has six) made all of its noise on the thread that
# claimed first, each file many clips long, while the other had a few clips or nothing (four
# five-minute 48 kHz files with --threads 2: one thread's work, 9.4 s against 7.5 s now on a
# loaded 2-core machine). Noise files are now claimed one at a time, the clips still in runs.
# Which thread read which file is seen from outside, in strace's record of the threads' opens:
# both threads read noise files. The cache is the one a single thread makes.
. "$WS_ROOT/tests/cli/lib.sh"
need_strace noise-files-on-both-threads || exit 0
mkdir -p c/yes c/no c/_background_noise_
sox -R -n -r 16000 -c 1 -b 16 c/yes/a.wav synth 0.5 sine 2500
sox -R -n -r 16000 -c 1 -b 16 c/no/a.wav synth 0.5 sine 300
# each takes a thread a while (resampled from 48 kHz), so the second has started long before the
# first could take them all
for i in 1 2 3 4; do sox -R -n -r 48000 -c 1 -b 16 c/_background_noise_/n$i.wav synth 30 whitenoise vol 0.1; done
test_expect_code 0 "four noise files, two threads, their opens traced" \
  strace -f -qq -e trace=openat,open -o trace featurize -q -j 2 -o two.feat c
test_expect_success "... the noise files were read on both threads (was: all four on one)" '
  awk "/_background_noise_\/n[0-9]\.wav/ && !/ENOENT/ { print \$1, \$0 }" trace >noise-opens
  cut -d" " -f1 noise-opens | sort -u >threads
  cat noise-opens >&2
  [ "$(wc -l <threads)" = 2 ]'
test_expect_code 0 "the same corpus, one thread" featurize -q -j 1 -o one.feat c
test_expect_success "... the same cache" 'cmp one.feat two.feat'
