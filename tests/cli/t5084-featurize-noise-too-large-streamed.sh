#!/usr/bin/env bash
# A noise file whose header gives no length (a FLAC stream written to a pipe) can be found too
# large for its stream (256 MiB) only as it is decoded. Its frames stopped at the limit, but the
# file was still decoded to its end before it was refused, only for its length to be named: half
# an hour at these settings, where the limit comes after 4 s (and a FLAC without a length is read
# up to 2^31 frames). It is now refused as soon as the samples decoded so far pass the limit,
# before their frames are made: skipped (--strict: exit 2, no cache), the line naming the file,
# that its stream would take more than the limit, and the limit. How much of the file was read
# is seen in strace's record of the reads of it: a tenth at most (was all of it).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
need_strace noise-too-large-streamed || exit 0
mkdir -p c/yes c/no c/_background_noise_ dest
sox -R -n -r 16000 -c 1 -b 16 c/yes/a.wav synth 0.1 sine 2500
sox -R -n -r 16000 -c 1 -b 16 c/no/a.wav synth 0.1 sine 300
sox -R -n -r 16000 -c 1 -b 16 c/_background_noise_/short.wav synth 0.2 whitenoise vol 0.1
# half an hour, 44 MB: past the 16 MiB a file is read whole in, so it is read as it is decoded
sox -R -n -r 16000 -c 1 -b 16 long.flac synth 1800 whitenoise vol 0.1
flac_without_length long.flac c/_background_noise_/long.flac
size=$(stat -c %s c/_background_noise_/long.flac)
# at these settings a stream may hold 65536 frames, 4 s of audio
echo '{"clip_seconds": 0.1, "n_fft": 2048, "win_length": null, "hop_length": 1, "n_mels": 1024, "f_min": 0, "f_max": null}' >s.json
line='featurize: skipped c/_background_noise_/long.flac: its noise stream would take more than 256 MiB \([0-9]+ frames of 1024 mels, float32, in the part read: its header gives no length, so it was read no further\); expected at most 256 MiB a stream \(a shorter file, a larger hop_length or fewer n_mels\)'

test_expect_code 0 "a FLAC noise file with no length, over the stream limit" \
  strace -ff -y -qq -e trace=read,pread64 -o c.trace featurize -q -j 1 -c s.json -o dest/c.feat c
test_expect_success "... skipped, the short one kept" '[ "$(jq -c "[.clips, .noise, .skipped]" out)" = "[2,1,1]" ]'
test_expect_success "... the line names the file, more than the limit, and the limit" '
  [ "$(grep -c "^featurize: skipped" err)" = 1 ] && grep -Eqx "$line" err'
test_expect_success "... the file was read a tenth at most (was all of it)" '
  r=$(traced_reads c.trace long.flac); echo "# read $r of $size bytes" >&2; [ "$r" -gt 0 ] && [ "$r" -le $((size / 10)) ]'
test_expect_code 2 "... --strict: an error" \
  strace -ff -y -qq -e trace=read,pread64 -o d.trace featurize -q -j 1 --strict -c s.json -o dest/d.feat c
test_expect_success "... naming it, no cache, no temporary file; read a tenth at most" '
  r=$(traced_reads d.trace long.flac); echo "# read $r of $size bytes" >&2
  grep -q "long.flac: its noise stream would take more than 256 MiB" err && [ "$(ls dest)" = c.feat ] &&
  [ "$r" -le $((size / 10)) ]'
