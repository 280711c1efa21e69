#!/usr/bin/env bash
# featurize: options, a small Speech Commands corpus (sox tones and two espeak-ng words, 8 and
# 44.1 kHz, stereo), the summary line, --describe, --dump, threads giving the same bytes, other
# settings, the end-to-end parity of one clip with torchaudio, and clear errors (exit 2, no
# cache left) for a bad config, unknown labels, a missing corpus, an unwritable output.
. "$WS_ROOT/tests/cli/lib.sh"
# torch is imported once, in py_warm's server (meanwhile the featurize cases run), not by each of
# the two "is torchaudio here" runs and the two torchaudio checks (2-3 s of CPU each)
py_warm torchaudio

test_expect_code 0 help featurize --help
test_expect_success help-text 'featurize --help >h && grep -q "^Usage: featurize" h && grep -q -- "--describe" h'
test_expect_code 0 version featurize --version
test_expect_code 2 no-args featurize
test_expect_code 2 no-out featurize corpus
test_expect_code 2 two-inputs featurize -o x.feat a b
test_expect_code 2 bad-threads featurize -j 0 -o x.feat corpus
test_expect_code 2 dump-needs-clip featurize --dump x.feat
test_expect_code 2 describe-and-dump featurize --describe x.feat --dump x.feat --clip 0

# --- a corpus: 3 classes, lists, noise
mkdir -p corpus/yes corpus/no corpus/up corpus/_background_noise_
for i in 0 1 2 3; do
  sox -n -r 16000 -b 16 -c 1 "corpus/yes/aa0${i}_nohash_0.wav" synth 0.9 sine $((300 + 40 * i)) vol 0.3
  sox -n -r 16000 -b 16 -c 1 "corpus/no/bb0${i}_nohash_0.wav" synth 1.3 sine $((900 + 40 * i)) vol 0.3
done
sox -n -r 44100 -b 16 -c 2 corpus/up/cc00_nohash_0.wav synth 0.7 sine 500 sine 700 vol 0.3
sox -n -r 8000 -b 16 -c 1 corpus/up/cc01_nohash_0.wav synth 1 sine 1000 vol 0.3
espeak-ng -w corpus/up/cc02_nohash_0.wav up 2>/dev/null || sox -n -r 22050 -b 16 corpus/up/cc02_nohash_0.wav synth 0.5 sine 200
espeak-ng -v en-us -w corpus/yes/cc03_nohash_0.wav yes 2>/dev/null || sox -n -r 22050 -b 16 corpus/yes/cc03_nohash_0.wav synth 0.5 sine 250
sox -n -r 16000 -b 16 -c 1 corpus/_background_noise_/white.wav synth 3 whitenoise vol 0.1
echo "not audio, and ignored: no audio extension" > corpus/_background_noise_/README.md
echo "ignored too" > corpus/yes/.hidden.wav
printf 'yes/aa01_nohash_0.wav\nno/bb01_nohash_0.wav\n' > corpus/validation_list.txt
printf 'yes/aa02_nohash_0.wav\r\n\nup/cc01_nohash_0.wav\n' > corpus/testing_list.txt

test_expect_code 0 featurize featurize -q -o c.feat corpus
test_expect_success summary 'jq -e ".clips == 12 and .skipped == 0 and .noise == 1 and .frames == 101 and .mels == 40
  and .classes.yes == {train: 3, validation: 1, test: 1} and .classes.up.test == 1 and .splits.validation == 2
  and .split_rule == \"lists\" and .threads == 2 and (.seconds | type) == \"number\"" out >/dev/null && [ "$(wc -l <err)" = 1 ] &&
  grep -qxF "featurize: clips longer than clip_seconds (1 s), their features the first 1 s: 4 of 12, the longest 1.30 s (a longer clip_seconds in --config keeps more)" err'
test_expect_code 0 describe featurize --describe c.feat
test_expect_success describe-json 'jq -e ".clips == 12 and .version == 1 and .checksum_verified and .classes == [\"no\",\"up\",\"yes\"]
  and .features.n_mels == 40 and .features.mel_scale == \"htk\" and .features.norm == null and .features.center
  and .counts.no.validation == 1 and .noise[0].name == \"white.wav\" and .noise[0].frames == 301
  and .dtype == \"float32\" and .source == \"corpus\"" out >/dev/null'
test_expect_code 0 dump featurize --dump c.feat --clip 2
test_expect_success dump-json 'jq -e ".clip == 2 and .label == \"no\" and .path == \"no/bb02_nohash_0.wav\" and .split == \"train\"
  and .shape == [101, 40] and (.mel_power | length) == 101 and (.mel_power[50] | length) == 40
  and ([.mel_power[][]] | min) >= 0" out >/dev/null'
test_expect_code 2 dump-out-of-range featurize --dump c.feat --clip 12
test_expect_success dump-range-message 'grep -q "^featurize: --clip" err'

test_expect_success threads-same-bytes 'featurize -q -j 1 -o c1.feat corpus >/dev/null && featurize -q -j 3 -o c3.feat corpus >/dev/null &&
  cmp c.feat c1.feat && cmp c.feat c3.feat'

cat > mel64.json <<'J'
{"n_mels": 64, "mel_scale": "slaney", "norm": "slaney", "f_min": 0, "f_max": null, "clip_seconds": 0.5}
J
test_expect_code 0 other-settings featurize -q --config mel64.json -o m.feat corpus
test_expect_success other-settings-shape 'featurize --describe m.feat >d && jq -e ".frames == 51 and .mels == 64 and
  .features.f_max == 8000 and .features.norm == \"slaney\"" d >/dev/null && ! cmp -s d c.feat'

# centre off: the noise stream has torchaudio's frames, and --describe's seconds are the audio
# they read (hops between the first and last frame plus one n_fft), not frames x hop
echo '{"center": false}' > nocentre.json
test_expect_code 0 no-centre featurize -q --config nocentre.json -o nc.feat corpus
if "$PY" -c "import torchaudio" 2>/dev/null; then
  test_expect_success no-centre-noise-describe 'featurize --describe nc.feat >d.json && "$PY" - <<P
import json, torch, torchaudio
d = json.load(open("d.json"))["noise"][0]
x, sr = torchaudio.load("corpus/_background_noise_/white.wav")
frames = torchaudio.transforms.MelSpectrogram(sample_rate=16000, n_fft=512, win_length=400, hop_length=160,
    f_min=20.0, f_max=7600.0, n_mels=40, center=False)(x[0]).shape[1]
covered = ((frames - 1) * 160 + 512) / 16000
print("# noise", d, "torchaudio frames", frames, "covered", covered, "file", x.shape[1] / sr)
assert d["frames"] == frames and abs(d["seconds"] - covered) < 1e-9, (d, frames, covered)
assert covered <= x.shape[1] / sr < covered + 160 / 16000
P'
else
  test_skip no-centre-noise-describe "torchaudio not available to $PY"
fi

# end to end against torchaudio: decode + resample-free clip + MelSpectrogram (float64)
if "$PY" -c "import torchaudio" 2>/dev/null; then
  test_expect_success parity-torchaudio 'featurize --dump c.feat --clip 2 >d.json && "$PY" - <<P
import json, torch, torchaudio
d = json.load(open("d.json"))
x, sr = torchaudio.load("corpus/" + d["path"])
x = torch.nn.functional.pad(x[0].double(), (0, 16000 - x.shape[1]))[:16000]
ref = torchaudio.transforms.MelSpectrogram(sample_rate=16000, n_fft=512, win_length=400, hop_length=160,
    f_min=20.0, f_max=7600.0, n_mels=40).double()(x).T
ours = torch.tensor(d["mel_power"], dtype=torch.float64)
m = ref > 1e-6 * ref.max()
err = ((ours - ref).abs()[m] / ref[m]).max().item()
print("# end-to-end max rel err", err)
assert err <= 1e-4, err
P'
else
  test_skip parity-torchaudio "torchaudio not available to $PY"
fi

# --- manifests
cat > m.jsonl <<J
{"path": "corpus/yes/aa00_nohash_0.wav", "label": "yes", "split": "test"}
{"path": "corpus/no/bb00_nohash_0.wav", "label": "no", "split": "validation", "speaker": "x"}

{"path": "$PWD/corpus/no/bb01_nohash_0.wav", "label": "no"}
{"path": "corpus/_background_noise_/white.wav", "label": "_background_noise_"}
J
test_expect_code 0 manifest featurize -q -o j.feat m.jsonl
test_expect_success manifest-summary 'jq -e ".clips == 3 and .noise == 1 and .classes.yes.test == 1 and .classes.no.validation == 1
  and .split_rule == \"manifest\"" out >/dev/null'
# "split": null (what jq writes for a missing key) is absent: the which_set rule, the same cache
printf '{"path": "corpus/yes/aa00_nohash_0.wav", "label": "yes"}\n{"path": "corpus/no/bb03_nohash_0.wav", "label": "no"}\n' > absent.jsonl
printf '{"path": "corpus/yes/aa00_nohash_0.wav", "label": "yes", "split": null}\n{"path": "corpus/no/bb03_nohash_0.wav", "label": "no", "split": null}\n' > null.jsonl
test_expect_code 0 manifest-split-absent featurize -q -o ja.feat absent.jsonl
mv out absent.out
test_expect_code 0 manifest-split-null featurize -q -o jn.feat null.jsonl
test_expect_success manifest-split-null-is-absent '[ -s out ] && jq -e --slurpfile a absent.out ".inputs_hash == \$a[0].inputs_hash and .splits == \$a[0].splits
  and .clips == 2" out >/dev/null'
# the aliases torchaudio's SPEECHCOMMANDS subset names use
printf '{"path": "corpus/yes/aa00_nohash_0.wav", "label": "yes", "split": "training"}\n{"path": "corpus/no/bb03_nohash_0.wav", "label": "no", "split": "testing"}\n' > alias.jsonl
test_expect_code 0 manifest-split-aliases featurize -q -o jt.feat alias.jsonl
test_expect_success manifest-split-aliases-mean '[ -s out ] && jq -e ".classes.yes.train == 1 and .classes.no.test == 1" out >/dev/null'
printf '{"path": "corpus/yes/aa00_nohash_0.wav", "label": "yes", "split": "dev"}\n' > bad1.jsonl
test_expect_code 2 manifest-bad-split featurize -q -o j2.feat bad1.jsonl
test_expect_success manifest-bad-split-says-line 'grep -q "bad1.jsonl:1: unknown split .dev." err && [ ! -e j2.feat ]'
printf '{"path": "corpus/yes/aa00_nohash_0.wav"}\n{"path": 3, "label": "x"}\n' > bad2.jsonl
test_expect_code 2 manifest-no-label featurize -q -o j2.feat bad2.jsonl
printf '{"path": "a.wav", "label": "x"}\nnot json\n' > bad3.jsonl
test_expect_code 2 manifest-not-json featurize -q -o j2.feat bad3.jsonl
test_expect_success manifest-not-json-says-where 'grep -q "bad3.jsonl" err && grep -q "2" err'
# A NUL byte hides the rest of its line from C's string calls (a clip, a class, a split would
# vanish): the line is refused. A clip listed twice, by any path to the same file, too.
printf '{"path": "corpus/yes/aa00_nohash_0.wav", "label": "yes"}\n\000{"path": "corpus/no/bb00_nohash_0.wav", "label": "no"}\n' > nul.jsonl
test_expect_code 2 manifest-nul-byte featurize -q -o j2.feat nul.jsonl
test_expect_success manifest-nul-byte-says-line 'grep -q "nul.jsonl:2: a NUL byte" err && [ ! -e j2.feat ]'
printf '{"path": "corpus/yes/aa00_nohash_0.wav", "label": "yes", "split": "train"}\n{"path": "./corpus/yes/aa00_nohash_0.wav", "label": "no", "split": "test"}\n' > twice.jsonl
test_expect_code 2 manifest-clip-twice featurize -q -o j2.feat twice.jsonl
test_expect_success manifest-clip-twice-says-which 'grep -q "aa00_nohash_0.wav. is listed twice" err && [ ! -e j2.feat ]'
# A noise file listed twice was two streams (drawn twice as often); one that is also a clip put a
# test clip into training batches as noise: both were taken without a word.
printf '{"path": "corpus/_background_noise_/white.wav", "label": "_background_noise_"}\n{"path": "corpus/yes/aa00_nohash_0.wav", "label": "yes"}\n{"path": "corpus/_background_noise_/./white.wav", "label": "_background_noise_"}\n' > noise2.jsonl
test_expect_code 2 manifest-noise-twice featurize -q -o j2.feat noise2.jsonl
test_expect_success manifest-noise-twice-says-which 'grep -q "white.wav. is listed twice" err && [ ! -e j2.feat ]'
printf '{"path": "corpus/yes/aa00_nohash_0.wav", "label": "yes", "split": "test"}\n{"path": "corpus/yes/aa00_nohash_0.wav", "label": "_background_noise_"}\n' > noiseclip.jsonl
test_expect_code 2 manifest-clip-as-noise featurize -q -o j2.feat noiseclip.jsonl
test_expect_success manifest-clip-as-noise-says-which 'grep -q "aa00_nohash_0.wav. is listed twice" err && [ ! -e j2.feat ]'
printf '{"path": "", "label": "yes"}\n' > empty-path.jsonl
test_expect_code 2 manifest-empty-path featurize -q -o j2.feat empty-path.jsonl
test_expect_success manifest-empty-path-says-empty 'grep -q "empty-path.jsonl:1: \"path\" is empty" err'
cp -r corpus corpusn && printf 'yes/aa01_nohash_0.wav\n\000no/bb01_nohash_0.wav\n' > corpusn/validation_list.txt
test_expect_code 2 list-nul-byte featurize -q -o u.feat corpusn
test_expect_success list-nul-byte-says-line 'grep -q "validation_list.txt:2: a NUL byte" err && [ ! -e u.feat ]'

# --- clear errors, no cache left behind
cp -r corpus corpus2 && echo "maybe/zz_nohash_0.wav" >> corpus2/testing_list.txt
test_expect_code 2 unknown-label featurize -q -o u.feat corpus2
test_expect_success unknown-label-message 'grep -q "^featurize: corpus2/testing_list.txt:4: unknown label .maybe." err && [ ! -e u.feat ] && ! ls u.feat.tmp.* 2>/dev/null'
cp -r corpus corpus3 && echo "yes/nothere_nohash_0.wav" >> corpus3/validation_list.txt
test_expect_code 2 unknown-clip featurize -q -o u.feat corpus3
test_expect_success unknown-clip-message 'grep -q "validation_list.txt:3: no such clip" err'
test_expect_code 2 missing-corpus featurize -q -o u.feat no-such-folder
test_expect_success missing-corpus-message 'grep -q "^featurize: no-such-folder: cannot open" err && [ ! -e u.feat ]'
mkdir empty
test_expect_code 2 empty-corpus featurize -q -o u.feat empty
test_expect_code 2 unwritable-output featurize -q -o /nonexistent-dir/u.feat corpus
test_expect_success unwritable-message 'grep -q "^featurize: /nonexistent-dir/u.feat: cannot create" err'
echo '{"n_mels": 40, "n_mel": 3}' > typo.json
test_expect_code 2 config-typo featurize -q --config typo.json -o u.feat corpus
test_expect_success config-typo-message 'grep -q "typo.json: unknown key .n_mel." err && [ ! -e u.feat ]'
echo '{"f_max": 9000}' > nyq.json
test_expect_code 2 config-nyquist featurize -q --config nyq.json -o u.feat corpus
echo '{"n_mels": 40,' > broken.json
test_expect_code 2 config-syntax featurize -q --config broken.json -o u.feat corpus
test_expect_success config-syntax-position 'grep -q "broken.json:" err'

# --- a damaged cache is refused
cp c.feat bad.feat && flip_byte bad.feat 5000
test_expect_code 2 corrupted-cache featurize --describe bad.feat
test_expect_success corrupted-message 'grep -q "checksum mismatch" err'
head -c 3000 c.feat > short.feat
test_expect_code 2 truncated-cache featurize --describe short.feat

# Every format libsndfile reads is found in a class folder by its extension (IRCAM .sf, AVR
# .avr, WAVE .wav here); a file of another kind (.txt) is not taken for audio.
mkdir -p fmt/a fmt/b
sox -n -r 16000 -c 1 -b 16 fmt/a/one.sf synth 1 sine 440
sox -n -r 16000 -c 1 -b 16 fmt/b/two.avr synth 1 sine 330
sox -n -r 16000 -c 1 -b 16 fmt/b/three.wav synth 1 sine 220
echo notes >fmt/b/readme.txt
test_expect_code 0 formats-by-extension featurize --quiet --out fmt.feat fmt
test_expect_success formats-all-found 'jq -e ".clips == 3 and .skipped == 0" out'
