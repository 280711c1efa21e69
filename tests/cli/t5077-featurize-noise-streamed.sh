#!/usr/bin/env bash
# A noise file was decoded whole before its mel power was taken: its samples at sample_rate held
# at once (an hour of 16 kHz noise: 230 MB, and 58 MB of frames), so featurize's peak grew with
# the longest noise file. It is now decoded, resampled and made into mel frames a block at a
# time, each block of frames put in the writer's temporary file as it comes: twenty minutes of
# noise take what one minute takes (was about 87 MB more). The stream is the whole file's to the
# bit: the same file as a clip of its own length (decoded whole, its mel power taken whole) gives
# the same bytes, across the decoder's chunks, the resampler's (44.1, 48 and 8 kHz to 16 kHz),
# the blocks of frames and the centre padding at both ends (reflect, constant, none); streams
# made at once on two threads, their blocks side by side in the temporary file, give the cache
# one thread gives.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir -p one/yes one/no one/_background_noise_
sox -R -n -r 16000 -c 1 -b 16 one/yes/a.wav synth 0.1 sine 2500
sox -R -n -r 16000 -c 1 -b 16 one/no/a.wav synth 0.1 sine 300
cp -r one twenty
sox -R -n -r 16000 -c 1 -b 16 one/_background_noise_/n.wav synth 60 whitenoise vol 0.1
sox -R -n -r 16000 -c 1 -b 16 twenty/_background_noise_/n.wav synth 1200 whitenoise vol 0.1
test_expect_code 0 "a corpus with a minute of noise" /usr/bin/time -f %M -o one.kb featurize -q -j 1 -o one.feat one
test_expect_code 0 "... and one with twenty minutes" /usr/bin/time -f %M -o twenty.kb featurize -q -j 1 -o twenty.feat twenty
test_expect_success "... a stream of 120001 frames" '
  featurize --describe twenty.feat | jq -e "[.noise[].frames] == [120001]" >/dev/null'
expect_rss_within "... held within 8 MB of the minute's peak (was about 87 MB over)" featurize twenty.kb one.kb 8192

# noise files of 20 s, each also a clip of clip_seconds 20 (the same samples: 48 kHz and 8 kHz
# to 16 kHz give 20 s exactly, 44.1 kHz 882000 frames 320000 samples); 128 mels at hop 64 make
# blocks of 2048 frames (1 MiB), three of them and a part a stream
mkdir -p s/yes s/no s/_background_noise_
sox -R -n -r 48000 -c 2 -b 16 s/_background_noise_/a48.wav synth 20 pinknoise vol 0.3
sox -R -n -r 44100 -c 1 -b 24 s/_background_noise_/b44.wav synth 20 sine 100-7000 vol 0.5
sox -R -n -r 8000 -c 1 -b 16 s/_background_noise_/c08.wav synth 20 brownnoise vol 0.5
sox -R -n -r 16000 -c 1 -b 16 s/_background_noise_/d16.wav synth 20 whitenoise vol 0.5
cp s/_background_noise_/*.wav s/yes/
sox -R -n -r 16000 -c 1 -b 16 s/no/a.wav synth 20 sine 300
for pad in reflect constant none; do
  if [ $pad = none ]; then center=false mode=reflect; else center=true mode=$pad; fi
  jq -n --argjson c $center --arg m $mode '{clip_seconds: 20, n_mels: 128, hop_length: 64, center: $c, pad_mode: $m}' >$pad.json
  test_expect_code 0 "four 20 s noise files, also as clips, padding $pad" featurize -q -c $pad.json -o $pad.feat s
  test_expect_success "... each noise stream is its clip's features, to the bit" "\"\$PY\" - $pad.feat <<'P'
import json, struct, sys
import numpy as np
raw = open(sys.argv[1], 'rb').read()
off, n = struct.unpack_from('<QQ', raw, 72 + 16 * 6)
meta = json.loads(raw[off:off + n].rstrip(b'\0'))
assert [s['name'] for s in meta['noise']] == ['a48.wav', 'b44.wav', 'c08.wav', 'd16.wav'], meta['noise']
# each clip's mel power by its path, read from the layout cache.h gives (the header's n_clips,
# n_frames, n_mels; the features, paths and strings sections), not through featurize --dump: its
# 640 000 numbers a clip as JSON were most of this file's CPU
(n_clips,), (n_frames, n_mels) = struct.unpack_from('<Q', raw, 40), struct.unpack_from('<II', raw, 48)
(feat, _), (paths, _), (strings, _) = (struct.unpack_from('<QQ', raw, 72 + 16 * i) for i in (0, 3, 4))
assert n_clips == 5 and n_mels == 128, (n_clips, n_mels)
clips = {}
for k, at in enumerate(np.frombuffer(raw, '<u8', n_clips, paths)):
    name = raw[strings + int(at):raw.index(b'\0', strings + int(at))].decode()
    clips[name] = np.frombuffer(raw, '<f4', n_frames * n_mels, feat + 4 * k * n_frames * n_mels).reshape(n_frames, n_mels)
for s in meta['noise']:
    noise = np.frombuffer(raw, np.float32, s['frames'] * 128, s['offset']).reshape(-1, 128)
    clip = clips['yes/' + s['name']]
    assert noise.shape == clip.shape, (s['name'], noise.shape, clip.shape)
    bad = np.flatnonzero((noise != clip).any(axis=1))
    print('#', s['name'], noise.shape, 'frames that differ:', bad[:5])
    assert len(bad) == 0 and noise.any(), s['name']
P"
done
test_expect_code 0 "the same corpus, two threads (streams made at once)" featurize -q -j 2 -c reflect.json -o two.feat s
test_expect_success "... the cache one thread makes" 'cmp reflect.feat two.feat'
