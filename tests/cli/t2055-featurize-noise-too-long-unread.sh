#!/usr/bin/env bash
# A noise file whose mel-power stream would pass the 256 MiB limit is skipped (t2041), but it was
# decoded whole first, every channel as float32 and then its mono mix and the resampled copy,
# only to be refused: an hour of 48 kHz stereo took 2.8 GB before the check (five hours at the
# default settings, over the limit, some 11 GB: a run killed for memory on a smaller machine).
# The stream's size is now worked out from the length the header gives, and such a file skipped
# before it is read. The run is held to 600 MB of address space, so the old behaviour fails fast
# (malloc refused: exit 3) instead of taking the memory; the file is sparse, so it takes no disk.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
can_limit_address_space "featurize under ulimit -v" featurize || exit 0
mkdir -p c/yes c/no c/_background_noise_
sox -R -n -r 16000 -c 1 -b 16 c/yes/a.wav synth 0.1 sine 2500
sox -R -n -r 16000 -c 1 -b 16 c/no/a.wav synth 0.1 sine 300
sox -R -n -r 16000 -c 1 -b 16 c/_background_noise_/short.wav synth 0.2 whitenoise vol 0.1
# an hour of 16-bit stereo at 48 kHz: a WAV header, then a hole the size of its data chunk
silent_wav c/_background_noise_/hour.wav 48000 2 3600
# at these settings a stream may hold 65536 frames, 4 s of audio
echo '{"clip_seconds": 0.1, "n_fft": 2048, "win_length": null, "hop_length": 1, "n_mels": 1024, "f_min": 0, "f_max": null}' >s.json
test_expect_code 0 "an hour-long 48 kHz stereo noise file over the stream limit" \
  sh -c 'ulimit -v 600000; exec timeout 60 "$WS_BIN/featurize" -q -c s.json -o c.feat c'
test_expect_success "... skipped unread (not out of memory), the short one kept" '
  [ "$(jq -c "[.clips, .noise, .skipped]" out)" = "[2,1,1]" ] && [ "$(grep -c "^featurize: skipped" err)" = 1 ]'
test_expect_success "... the line names the file, the stream's size and the limit, as after reading it" '
  grep -qxF "featurize: skipped c/_background_noise_/hour.wav: its noise stream would take 225000 MiB (57600001 frames of 1024 mels, float32); expected at most 256 MiB a stream (a shorter file, a larger hop_length or fewer n_mels)" err'
test_expect_code 2 "... --strict: an error" \
  sh -c 'ulimit -v 600000; exec timeout 60 "$WS_BIN/featurize" -q --strict -c s.json -o d.feat c'
test_expect_success "... naming it, no cache" 'grep -q "hour.wav: its noise stream would take" err && [ ! -e d.feat ]'
