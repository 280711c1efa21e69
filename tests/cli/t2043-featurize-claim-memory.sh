#!/usr/bin/env bash
# A worker claims 16 clips at once and kept a buffer of 16 clips' features, whatever a clip's size:
# the settings check lets one clip take up to 256 MiB, so allowed settings asked 16 times that a
# thread (39 MiB clips, two threads: 1.25 GB; 250 MiB clips: 8 GB), and the run ended in "out of
# memory" (exit 3). A claim now holds at most 16 MiB of features (still 16 clips at the
# defaults, 16 KB each), at least one clip. Run under 1 GB of address space, so the old
# behaviour fails fast instead of taking the memory.
. "$WS_ROOT/tests/cli/lib.sh"
can_limit_address_space "featurize under ulimit -v" featurize || exit 0
mkdir -p c/yes c/no
sox -R -n -r 16000 -c 1 -b 16 c/yes/a.wav synth 10 sine 2500 vol 0.5
sox -R -n -r 16000 -c 1 -b 16 c/no/a.wav synth 10 sine 300 vol 0.5
echo '{"clip_seconds": 10, "hop_length": 1, "n_mels": 64}' >s.json
test_expect_code 0 "two 39 MiB clips on two threads, within 1 GB" \
  sh -c 'ulimit -v 1000000; exec timeout 60 "$WS_BIN/featurize" -q -j 2 -c s.json -o c.feat c'
test_expect_success "... both cached" '[ "$(jq -c "[.clips, .frames, .mels, .threads]" out)" = "[2,160001,64,2]" ]'
