#!/usr/bin/env bash
# When a worker thread failed (a bad clip or noise file with --strict, a write error) featurize
# aborted the run, but a noise file streaming on another thread (audio_decode_stream, a block at a
# time into the writer's temporary file) was decoded to its end before the run ended: a two-hour
# 48 kHz file, resampled, about a minute of work thrown away before the exit. Its stream now
# stops at its next block once the run is aborted, as the clip workers stop at their next clip;
# the exit status, the message and the lack of any cache or temporary file are as they were.
# How much of the noise file was read is seen from outside, in strace's record of the reads of
# it: a tenth at most (was all of it). The file is sparse, so it takes no disk.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
need_strace abort-stops-noise-stream || exit 0
for d in c n; do
  mkdir -p $d/yes $d/no $d/_background_noise_
  sox -R -n -r 16000 -c 1 -b 16 $d/yes/a.wav synth 0.5 sine 2500
  sox -R -n -r 16000 -c 1 -b 16 $d/no/a.wav synth 0.5 sine 300
  # two hours at 48 kHz: about a minute to resample whole, within the stream limit at the defaults
  silent_wav $d/_background_noise_/a-long.wav 48000 1 7200
done
mkdir dest
echo "not audio" >c/no/bad.wav
echo "not audio" >n/_background_noise_/b-bad.wav
size=$(stat -c %s c/_background_noise_/a-long.wav)

# the long noise file is claimed by one thread; the other meets the bad file at once
test_expect_code 2 "--strict, a bad clip on one thread, a long noise file streaming on the other" \
  strace -ff -y -qq -e trace=read,pread64 -o c.trace featurize -q --strict -j 2 -o dest/c.feat c
test_expect_success "... the message names the bad clip, no cache, no temporary file" '
  [ "$(cat err)" = "featurize: c/no/bad.wav: not audio (Format not recognised.) (--strict)" ] &&
  [ -z "$(ls -A dest)" ]'
test_expect_success "... the noise file was read a tenth at most (was all of it)" '
  r=$(traced_reads c.trace a-long.wav); echo "# read $r of $size bytes" >&2; [ "$r" -gt 0 ] && [ "$r" -le $((size / 10)) ]'

test_expect_code 2 "--strict, a bad noise file on one thread, a long one streaming on the other" \
  strace -ff -y -qq -e trace=read,pread64 -o n.trace featurize -q --strict -j 2 -o dest/n.feat n
test_expect_success "... the message names the bad noise file, no cache, no temporary file" '
  grep -q "^featurize: n/_background_noise_/b-bad.wav: not audio .*(--strict)$" err && [ "$(wc -l <err)" = 1 ] &&
  [ -z "$(ls -A dest)" ]'
test_expect_success "... the long one was read a tenth at most (was all of it)" '
  r=$(traced_reads n.trace a-long.wav); echo "# read $r of $size bytes" >&2; [ "$r" -gt 0 ] && [ "$r" -le $((size / 10)) ]'
