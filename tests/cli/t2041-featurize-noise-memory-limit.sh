#!/usr/bin/env bash
# A noise file's mel-power stream was not held to the 256 MiB that one clip's features may take:
# the settings check covers clip_seconds only, and a noise stream's size is the file's length
# times the settings (10 s at hop_length 1 with 1024 mels: 640 MiB; a minute, 3.9 GB), so the run
# ended in "out of memory" (exit 3) after every clip was done, or took gigabytes. Such a noise file
# is now bad audio, skipped with a line naming its size and the limit (--strict: exit 2), before
# its features are allocated or computed. The run is held to 600 MB of address space, so the old
# behaviour fails fast (malloc refused) instead of taking the memory.
. "$WS_ROOT/tests/cli/lib.sh"
can_limit_address_space "featurize under ulimit -v" featurize || exit 0
mkdir -p c/yes c/no c/_background_noise_
sox -R -n -r 16000 -c 1 -b 16 c/yes/a.wav synth 0.1 sine 2500
sox -R -n -r 16000 -c 1 -b 16 c/no/a.wav synth 0.1 sine 300
sox -R -n -r 16000 -c 1 -b 16 c/_background_noise_/long.wav synth 10 whitenoise vol 0.1
sox -R -n -r 16000 -c 1 -b 16 c/_background_noise_/short.wav synth 0.2 whitenoise vol 0.1
echo '{"clip_seconds": 0.1, "n_fft": 2048, "win_length": null, "hop_length": 1, "n_mels": 1024, "f_min": 0, "f_max": null}' >s.json
test_expect_code 0 "a 10 s noise file at hop_length 1, 1024 mels" \
  sh -c 'ulimit -v 600000; exec timeout 60 "$WS_BIN/featurize" -q -c s.json -o c.feat c'
test_expect_success "... skipped (not out of memory), the short one kept" '
  [ "$(jq -c "[.clips, .noise, .skipped]" out)" = "[2,1,1]" ]'
test_expect_success "... the line names the file, its size and the limit" '
  grep -q "long.wav: its noise stream would take 625 MiB (160001 frames of 1024 mels, float32); expected at most 256 MiB" err'
test_expect_code 2 "... --strict: an error" \
  sh -c 'ulimit -v 600000; exec timeout 60 "$WS_BIN/featurize" -q --strict -c s.json -o d.feat c'
test_expect_success "... naming it, no cache" 'grep -q "long.wav: its noise stream would take" err && [ ! -e d.feat ]'
