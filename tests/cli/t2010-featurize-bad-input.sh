#!/usr/bin/env bash
# featurize on a corpus with every kind of broken file: empty, truncated, not audio, zero length,
# NaN and Inf samples, more than two channels, absurd sample rates, and a broken noise file. The
# run finishes, names each bad file once on stderr, counts them, and writes a valid cache of the
# good clips; --strict makes the first one fatal (exit 2) and leaves no cache. An Ogg file cut
# short is truncated too.
. "$WS_ROOT/tests/cli/lib.sh"

mkdir -p c/yes c/no c/_background_noise_
for i in 0 1 2; do
  sox -n -r 16000 -b 16 -c 1 "c/yes/good${i}_nohash_0.wav" synth 1 sine $((400 + 100 * i)) vol 0.2
  sox -n -r 16000 -b 16 -c 1 "c/no/good${i}_nohash_0.wav" synth 0.6 sine $((1500 + 100 * i)) vol 0.2
done
sox -n -r 16000 -b 16 -c 1 c/_background_noise_/pink.wav synth 2 pinknoise vol 0.1
: > c/yes/empty.wav
head -c 9000 c/yes/good0_nohash_0.wav > c/yes/truncated.wav
echo "this is not a sound" > c/no/text.wav
head -c 44 c/no/good0_nohash_0.wav > c/no/zero.wav
sox -n -r 16000 -b 16 -c 4 c/no/four.wav synth 0.5 sine 440
head -c 20000 c/_background_noise_/pink.wav > c/_background_noise_/cut.wav
# float WAVs with a NaN and an Inf, and 16-bit WAVs at 1 Hz and 10 MHz
"$PY" - <<'P'
import math, struct
def wav(path, rate, fmt, bits, samples):
    kind = "<%d%s" % (len(samples), "f" if fmt == 3 else "h")
    data = struct.pack(kind, *samples)
    fmt_chunk = struct.pack("<HHIIHH", fmt, 1, rate, rate * bits // 8, bits // 8, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt_chunk + b"data" + struct.pack("<I", len(data)) + data
    open(path, "wb").write(b"RIFF" + struct.pack("<I", len(body)) + body)
tone = [0.1 * math.sin(i / 5) for i in range(16000)]
wav("c/yes/nan.wav", 16000, 3, 32, tone[:8000] + [float("nan")] + tone[8001:])
wav("c/yes/inf.wav", 16000, 3, 32, tone[:100] + [float("inf")] + tone[101:])
wav("c/yes/float_ok_nohash_0.wav", 16000, 3, 32, tone)
wav("c/no/rate1.wav", 1, 1, 16, [0] * 100)
wav("c/no/rate10M.wav", 10000000, 1, 16, [int(3000 * x) for x in tone])
P
bad=(yes/empty.wav yes/truncated.wav no/text.wav no/zero.wav no/four.wav yes/nan.wav yes/inf.wav
     no/rate1.wav no/rate10M.wav _background_noise_/cut.wav)

test_expect_code 0 runs-through featurize -q -o c.feat c
test_expect_success summary-counts 'jq -e ".clips == 7 and .skipped == 10 and .noise == 1" out >/dev/null'
test_expect_success one-line-per-bad-file '[ "$(grep -c "^featurize: skipped " err)" = 10 ] && [ "$(wc -l <err)" = 10 ]'
for f in "${bad[@]}"; do
  test_expect_success "names $f" 'grep -q "^featurize: skipped c/$f: " err'
done
test_expect_success reasons 'grep -q "empty.wav: empty file" err && grep -q "truncated.wav: truncated" err &&
  grep -q "text.wav: not audio" err && grep -q "zero.wav: zero length" err && grep -q "four.wav: 4 channels" err &&
  grep -q "nan.wav: non-finite sample" err && grep -q "inf.wav: non-finite sample" err &&
  grep -q "rate1.wav: absurd sample rate 1 Hz" err && grep -q "rate10M.wav: absurd sample rate" err &&
  grep -q "cut.wav: truncated" err'
test_expect_code 0 cache-valid featurize --describe c.feat
test_expect_success cache-holds-good-clips 'jq -e ".clips == 7 and .counts.yes.total == 4 and .counts.no.total == 3
  and (.noise | map(.name)) == [\"pink.wav\"]" out >/dev/null'
test_expect_success no-bad-paths-in-cache 'for i in 0 1 2 3 4 5 6; do featurize --dump c.feat --clip $i | jq -r .path; done >paths &&
  ! grep -q -e empty -e truncated -e text -e zero -e four -e nan -e inf -e rate paths && grep -q float_ok paths'

test_expect_code 2 strict featurize -q --strict -o s.feat c
test_expect_success strict-no-cache '[ ! -e s.feat ] && ! ls s.feat.tmp.* 2>/dev/null && grep -q "(--strict)" err'
test_expect_success strict-names-a-bad-file '[ "$(wc -l <err)" = 1 ] &&
  grep -q -E "^featurize: c/(yes|no|_background_noise_)/(empty|truncated|text|zero|four|nan|inf|rate1|rate10M|cut).wav: " err'

mkdir -p allbad/yes && : > allbad/yes/a.wav && echo x > allbad/yes/b.wav
test_expect_code 2 nothing-usable featurize -q -o a.feat allbad
test_expect_success nothing-usable-message 'grep -q "no usable audio clips (2 skipped)" err && [ ! -e a.feat ]'

# A file more than 256 times from the configured rate (a 1 kHz clip for a 384 kHz cache) is
# beyond libsamplerate: it is bad audio, skipped, not an internal error that ends the run.
mkdir -p farrate/yes && sox -n -r 1000 -b 16 -c 1 farrate/yes/lo_nohash_0.wav synth 0.5 sine 100 vol 0.2
sox -n -r 16000 -b 16 -c 1 farrate/yes/ok_nohash_0.wav synth 0.5 sine 300 vol 0.2
echo '{"sample_rate": 384000, "f_min": 0, "f_max": null, "clip_seconds": 0.1}' > far.json
test_expect_code 0 rate-beyond-resampler-skipped featurize -q --config far.json -o far.feat farrate
test_expect_success rate-beyond-resampler-message 'jq -e ".clips == 1 and .skipped == 1" out >/dev/null &&
  grep -q "^featurize: skipped farrate/yes/lo_nohash_0.wav: .*sample rate 1000 Hz is more than 256 times from the 384000 Hz" err'

# An output that is a directory or a device is refused before any work, the device untouched.
mkdir outdir
test_expect_code 2 output-is-a-directory featurize -q -o outdir c
test_expect_success output-is-a-directory-message 'grep -q "^featurize: outdir: is a directory, expected the path of a file" err && [ -d outdir ] && [ -z "$(ls outdir)" ]'
test_expect_code 2 output-is-a-device featurize -q -o /dev/null c
test_expect_success output-is-a-device-message 'grep -q "/dev/null: is not a regular file" err && [ -c /dev/null ]'
# A killed run's temporary cache is removed by the next run of the same output.
( exec -a featurize-killed bash -c 'sleep 30' ) & dead=$!; kill -9 $dead; wait $dead 2>/dev/null
host=$(hostname | tr './' '__')
: > "k.feat.tmp.$host-$dead.AbC123"
test_expect_code 0 rerun-after-kill featurize -q -o k.feat c
test_expect_success rerun-removes-stale-temporary '[ -s k.feat ] && ! ls k.feat.tmp.* 2>/dev/null'
# An INPUT that is neither a folder nor a regular file is refused at once: a FIFO without a
# writer once hung the open, and /dev/zero was read as one endless manifest line.
mkfifo in.fifo
test_expect_code 2 input-is-a-fifo timeout 10 featurize -q -o fifo.feat in.fifo
test_expect_success input-is-a-fifo-message 'grep -q "^featurize: in.fifo: is not a regular file, expected a folder" err && [ ! -e fifo.feat ]'
# A manifest from a pipe, e.g. <(cat manifest), is refused too, pointing to stdin (INPUT -),
# which reads one; the message once said only "not a regular file".
test_expect_code 2 input-is-a-pipe timeout 10 featurize -q -o pipe.feat <(echo '{}')
test_expect_success input-is-a-pipe-points-to-stdin 'grep -q "^featurize: /dev/fd/[0-9]*: is not a regular file.*as INPUT - on stdin" err && [ ! -e pipe.feat ]'
test_expect_code 2 input-is-dev-zero timeout 10 featurize -q -o zero.feat /dev/zero
test_expect_success input-is-dev-zero-message 'grep -q "^featurize: /dev/zero: is not a regular file" err && [ ! -e zero.feat ]'
# An Ogg Vorbis file cut short has no last page to read its length from (libsndfile: "unknown",
# SF_COUNT_MAX frames): truncated, and said so; it was "too long (9223372036854775807 frames)".
# A whole Ogg clip beside it is read.
if sox -R -n -r 16000 -c 1 full.ogg synth 3 sine 300 sine 1234 vol 0.4 2>/dev/null; then
  mkdir -p ogg/yes && head -c $(($(stat -c %s full.ogg) * 7 / 10)) full.ogg >ogg/yes/cut.ogg
  sox -R -n -r 16000 -c 1 ogg/yes/whole_nohash_0.ogg synth 1 sine 500 vol 0.4
  test_expect_code 0 truncated-ogg featurize -q -o ogg.feat ogg
  test_expect_success truncated-ogg-message 'jq -e ".clips == 1 and .skipped == 1" out >/dev/null && [ "$(wc -l <err)" = 1 ] &&
    grep -qxF "featurize: skipped ogg/yes/cut.ogg: truncated: its length cannot be read (the end of the stream is missing)" err'
  # cut within its headers (the codebooks, some kilobytes): libsndfile cannot open it and says
  # "malformed", which made a half-copied clip "not audio"; its log says the file ended
  mkdir -p ogg2/yes && head -c 1000 full.ogg >ogg2/yes/head.ogg && cp ogg/yes/whole_nohash_0.ogg ogg2/yes/
  test_expect_code 0 truncated-ogg-headers featurize -q -o ogg2.feat ogg2
  test_expect_success truncated-ogg-headers-message 'jq -e ".clips == 1 and .skipped == 1" out >/dev/null &&
    grep -q "^featurize: skipped ogg2/yes/head.ogg: truncated: the file ends before its stream.s headers do (libsndfile: " err'
else
  test_skip truncated-ogg "sox cannot write Ogg Vorbis here"
fi
