# tests/cli/fixtures.sh — small, fast, learnable test data. Source after lib.sh.
# make_tone_cache DIR: a corpus of one-second clips whose classes differ in pitch and timbre
# (hey_nova: a rising two-tone, yes: a high tone, no: a noise burst, go: a low tone), 12 clips
# each (8 train, 2 validation, 2 test) with random onset and gain, a white-noise background
# file, a JSONL manifest, and its feature cache DIR.feat made by featurize. Deterministic: the
# same clips on every run (bash's RANDOM seeded, sox in repeatable mode), so a test that trains
# on them passes or fails for a reason. TONE_SEED changes the draw.
# Under tests/run.sh (WS_FIXTURES, a folder of the run's) the clips of a seed are made once, by
# the first file that asks, and copied from there: 171 files make them, 49 sox runs each, and on
# a VM where a process start costs page faults that was about 90 s of make check's CPU. The draws
# of RANDOM are the same either way (a file that uses RANDOM after this sees what it saw before);
# featurize runs in every file, so that each cache names its own clips.
make_tone_cache() {
  local dir=$1 c i f split pad vol seed=${TONE_SEED:-7} shared= made=
  RANDOM=$seed
  mkdir -p "$dir/_background_noise_" "$dir/hey_nova" "$dir/yes" "$dir/no" "$dir/go"
  if [ -n "${WS_FIXTURES:-}" ]; then
    shared=$WS_FIXTURES/tones-$seed
    [ -d "$shared" ] && made=1 && cp -R "$shared/." "$dir/"
  fi
  [ -n "$made" ] || sox -R -n -r 16000 -c 1 -b 16 "$dir/_background_noise_/white.wav" synth 5 whitenoise vol 0.1
  : >"$dir/manifest.jsonl"
  for c in hey_nova yes no go; do
    for i in {0..11}; do
      f=$dir/$c/clip$i.wav
      pad=0.$((RANDOM % 4)) vol=0.$((RANDOM % 5 + 4))
      [ -n "$made" ] || case $c in
        hey_nova) sox -R -n -r 16000 -c 1 -b 16 "$f" synth 0.25 sine 500 synth 0.25 sine 900 pad "$pad" vol "$vol" 2>/dev/null || \
                  sox -R -n -r 16000 -c 1 -b 16 "$f" synth 0.5 sine 500-900 pad "$pad" vol "$vol" ;;
        yes) sox -R -n -r 16000 -c 1 -b 16 "$f" synth 0.4 sine 2500 pad "$pad" vol "$vol" ;;
        no)  sox -R -n -r 16000 -c 1 -b 16 "$f" synth 0.4 pinknoise pad "$pad" vol "$vol" ;;
        go)  sox -R -n -r 16000 -c 1 -b 16 "$f" synth 0.4 square 220 pad "$pad" vol "$vol" ;;
      esac
      if [ "$i" -lt 8 ]; then split=train; elif [ "$i" -lt 10 ]; then split=validation; else split=test; fi
      printf '{"path":"%s","label":"%s","split":"%s"}\n' "$c/clip$i.wav" "$c" "$split" >>"$dir/manifest.jsonl"
    done
  done
  # the noise file goes in the manifest too (last, after the clips' 48 lines): without it the cache
  # had no noise stream, and t3900's device/CPU comparison with noise_prob mixed none
  printf '{"path":"_background_noise_/white.wav","label":"_background_noise_"}\n' >>"$dir/manifest.jsonl"
  # the first file of the run to make this seed's clips leaves them for the others: copied whole
  # to a folder of its own, then renamed into place (a file copying from it never sees it half
  # made; of two that made them at once, the second's rename fails and its copy goes)
  if [ -n "$shared" ] && [ -z "$made" ] && mkdir -p "$WS_FIXTURES" && c=$(mktemp -d "$shared.XXXXXX"); then
    (cd "$dir" && cp -R _background_noise_ hey_nova yes no go manifest.jsonl "$c/") &&
      mv -T "$c" "$shared" 2>/dev/null || rm -rf "$c"
  fi
  "$WS_BIN/featurize" --quiet --out "$dir.feat" "$dir/manifest.jsonl" >"$dir.summary" 2>"$dir.err"
}

# tone_study_config FILE: a study of the tone cache (F1 of hey_nova with FPR <= 0.2, random
# learning rate, a small DS-CNN for 10 epochs) that learns in a few seconds.
tone_study_config() {
  cat >"$1" <<J
{"study": "tones", "direction": "maximize", "objective": "f1", "constraints": {"fpr": {"max": 0.2}},
 "sampler": {"name": "random", "seed": 2}, "pruner": {"name": "nop"}, "budget": {"epochs": 10},
 "space": {"learning_rate": {"type": "float", "low": 0.01, "high": 0.02, "log": true}},
 "fixed": {"model": "dscnn", "channels": 16, "blocks": 1, "batch_size": 4, "positive": "hey_nova",
           "features": "$WS_ROOT/configs/features/default.json"}}
J
}

# suggest_kept DB CONFIG: suggest's first trial line, in a new study whose kept config is CONFIG
# with whatever fixed settings it holds. suggest refuses fixed settings that train-trial would
# refuse for every trial; a study can hold them all the same (made before that check, or its
# config edited in the database), and train-trial's own checks of them are tested on such a
# study: made with no fixed settings, objective or constraints (an unknown metric is refused by
# suggest too), then its kept config (wakesweep:config) set to CONFIG.
suggest_kept() {
  jq '.fixed = {} | del(.objective, .constraints)' "$2" >"$2.nofixed" &&
    suggest --db "$1" --config "$2.nofixed" &&
    jq -c . "$2" >"$2.kept" &&
    sqlite3 "$1" "UPDATE study_system_attributes SET value_json = CAST(readfile('$2.kept') AS TEXT) WHERE key = 'wakesweep:config'"
}

# tone_trial: the setup of the train-trial tests: the tone cache (tones.feat), the tone study
# (c.json) in runs/s.db and its first trial line in the file line.
tone_trial() {
  make_tone_cache tones
  mkdir -p runs
  tone_study_config c.json
  suggest --db runs/s.db --config c.json >line
}

# tone_trained: tone_trial, then that trial trained (1 thread): its result line in the file result
# and its checkpoint, the study's best, in runs/best.ckpt.
tone_trained() {
  tone_trial
  train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line >result
}

# big_cnn_config FILE: tone_trial's study (c.json) as a cnn whose weights are most of its memory
# (a hidden layer of 256 after 16 channels at every point: 64 MB of weights, 4 x that with the
# gradients and Adam's two moments), named "big", for one epoch at a learning rate small enough
# that it does not diverge in it (at the tone study's it does, and saves no checkpoint): the model
# of the tests of a checkpoint's memory.
big_cnn_config() {
  jq '.study = "big" | .budget.epochs = 1 |
      .fixed += {"model": "cnn", "channels": 16, "kernel": [1, 1], "stride": [1, 1], "inner_kernel": [1, 1], "pool": [1, 1],
                 "hidden": 256, "dropout": 0} |
      .space.learning_rate += {"low": 0.0001, "high": 0.0002}' c.json >"$1"
}

# tone_training [ARGS...]: the tone cache and study as tone_trial makes them, but for 100000
# epochs (long.json), and train-trial started on its trial in the background (ARGS appended;
# stdout in out, stderr in err, its pid in $pid): back once its first validation is in the study
# (at most 30 s), for tests of what happens to a trial while it trains.
tone_training() {
  make_tone_cache tones
  tone_study_config c.json
  jq '.budget.epochs = 100000' c.json >long.json
  mkdir -p runs
  suggest --db runs/s.db --config long.json >line
  train-trial --db runs/s.db --features tones.feat --threads 1 --quiet "$@" line >out 2>err &
  pid=$!
  for _ in $(seq 300); do
    [ "$(sqlite3 runs/s.db "SELECT count(*) FROM trial_intermediate_values")" -gt 0 ] && break
    sleep 0.1
  done
}

# tone_sweep_config FILE STUDY EPOCHS: a sweep study of the tone cache that trains in a moment (a
# tiny DS-CNN, random learning rate, no pruner), for tests of the pipeline around the trials.
tone_sweep_config() {
  cat >"$1" <<J
{"study": "$2", "direction": "maximize", "objective": "f1",
 "sampler": {"name": "random", "seed": 5}, "pruner": {"name": "nop"}, "budget": {"epochs": $3},
 "space": {"learning_rate": {"type": "float", "low": 0.005, "high": 0.02, "log": true}},
 "fixed": {"model": "dscnn", "channels": 8, "blocks": 1, "batch_size": 8, "positive": "hey_nova", "validate_every": 1,
           "features": "$WS_ROOT/configs/features/default.json"}}
J
}

# samples_study: for report tests that write their own samples: s.db with c.json (study.json's
# study) and its trial 0 COMPLETE at 0.7, run over [0, 10] s of 2026-03-01, and gpu-monitor's
# samples table, empty (made by one sample, then removed); TZ=UTC, in which the tests' datetimes
# are written.
samples_study() {
  cp "$WS_ROOT/tests/cli/study.json" c.json
  suggest --db s.db --config c.json --n 1 >/dev/null
  tell --db s.db --study kws --trial 0 --state complete --value 0.7 >/dev/null
  gpu-monitor --db s.db --count 1 --quiet >/dev/null 2>&1
  export TZ=UTC
  sqlite3 s.db "UPDATE trials SET datetime_start = '2026-03-01 00:00:00.000000', datetime_complete = '2026-03-01 00:00:10.000000';
                DELETE FROM wakesweep_gpu_samples"
}

# sndfile_tone OUT FORMAT RATE SECONDS FREQ AMPLITUDE: a mono sine written by libsndfile itself
# (FORMAT its SF_FORMAT_* bits, e.g. 0x230082 MP3, 0x220002 16-bit RF64: formats sox here does not
# write); exit 1 when libsndfile cannot write FORMAT.
sndfile_tone() {
  "$PY" - "$@" <<'P'
import ctypes, ctypes.util, math, sys
out, fmt, rate, secs, freq, amp = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
sf = ctypes.CDLL(ctypes.util.find_library("sndfile") or "libsndfile.so.1")
class Info(ctypes.Structure):
    _fields_ = [("frames", ctypes.c_int64), ("samplerate", ctypes.c_int), ("channels", ctypes.c_int),
                ("format", ctypes.c_int), ("sections", ctypes.c_int), ("seekable", ctypes.c_int)]
sf.sf_open.restype = ctypes.c_void_p
sf.sf_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(Info)]
sf.sf_writef_float.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float), ctypes.c_int64]
sf.sf_close.argtypes = [ctypes.c_void_p]
info = Info(0, rate, 1, fmt, 0, 0)
f = sf.sf_open(out.encode(), 0x20, ctypes.byref(info))   # SFM_WRITE
if not f:
    sys.exit(1)
n = int(secs * rate)
x = (ctypes.c_float * n)(*[amp * math.sin(2 * math.pi * freq * i / rate) for i in range(n)])
sf.sf_writef_float(f, x, n)
sf.sf_close(f)
P
}

# cache_edit IN OUT PYTHON: the feature cache IN with the Python statement run on raw (a bytearray
# of the file) and m (its meta JSON, the last section, as an object), the meta section, file_bytes
# and checksum made again, into OUT: a cache written by something else, or by an older featurize.
# The meta is written again only where the statement changed it. The layout and the checksum
# (hash64 of the header with its checksum zeroed, then the rest) are ported here from their
# description in lib/audio/cache.h and lib/audio/hash64.c, not with the code under test; the
# port is checked against IN's own checksum first.
cache_edit() {
  "$PY" - "$@" <<'P'
import json, struct, sys
M = (1 << 64) - 1
K1, K2, K3, K4 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93
def rotl(x, r): return ((x << r) | (x >> (64 - r))) & M
def lane(v, w): return rotl((v + w * K1) & M, 31) * K2 & M
def hash64(data, seed):   # lib/audio/hash64.c
    v = [(seed + K1 + K2) & M, (seed + K2) & M, seed, (seed - K1) & M]
    full = len(data) // 32 * 32
    w = struct.unpack_from("<%dQ" % (full // 8), data)
    for i in range(0, len(w), 4):
        for k in range(4): v[k] = lane(v[k], w[i + k])
    x = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) & M
    for k in range(4): x = ((x ^ lane(0, v[k])) * K1 + K4) & M
    x = (x + len(data)) & M
    t, i = data[full:], 0
    while i + 8 <= len(t): x = (rotl(x ^ lane(0, int.from_bytes(t[i:i + 8], "little")), 27) * K1 + K4) & M; i += 8
    while i < len(t): x = rotl(x ^ (t[i] * K3 & M), 11) * K1 & M; i += 1
    x ^= x >> 30; x = x * K2 & M; x ^= x >> 27; x = x * K3 & M; x ^= x >> 31
    return x
def checksum(raw): return hash64(bytes(raw[:16]) + bytes(8) + bytes(raw[24:]), 0x5753464341434845)
src, dst, code = sys.argv[1:]
raw = bytearray(open(src, "rb").read())
assert raw[:8] == b"WSFCACHE" and checksum(raw) == struct.unpack_from("<Q", raw, 16)[0], "hash64 port disagrees with the cache"
META = 72 + 16 * 6   # the 7th section's {offset, bytes}
off, n = struct.unpack_from("<QQ", raw, META)
assert off + n == len(raw), "the meta section is not the last"
m = json.loads(bytes(raw[off:]))
before = json.dumps(m)
exec(code)
if json.dumps(m) != before:
    t = json.dumps(m).encode()
    raw[off:] = t
    struct.pack_into("<Q", raw, 24, len(raw))
    struct.pack_into("<Q", raw, META + 8, len(t))
struct.pack_into("<Q", raw, 16, checksum(raw))
open(dst, "wb").write(raw)
P
}

# ws_make ARGS...: the project's make, quiet, on this test's build and binaries.
ws_make() { make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" "$@"; }

# tone_sweep RUNS [make args...]: make -j2 sweep of 2 trials of the study $TMP/c.json on the tone
# cache (make_tone_cache tones), into $TMP/RUNS.
tone_sweep() {
  local runs=$1; shift
  ws_make -j2 sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=2 \
     RUNS="$TMP/$runs" MONITOR_INTERVAL=0.2 "$@"
}

# tone_staged STAGED_RUNS [make args...]: make -j2 staged on the tone corpus and cache (as
# tone_sweep; make_tone_cache tones first), its stages the configs $TMP/s1.json and $TMP/s2.json,
# into $TMP/STAGED_RUNS; later args override (STAGE_TRIALS=N).
tone_staged() {
  local runs=$1; shift
  ws_make -j2 staged DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" STAGE1="$TMP/s1.json" STAGE2="$TMP/s2.json" \
    STAGED_RUNS="$TMP/$runs" MONITOR_INTERVAL=0.2 "$@"
}

# study_steps DB: "STEP VALUE" per intermediate value of the (one-trial) SQLite study DB, by
# step, the value with every digit a double holds (so two runs compare exactly).
study_steps() {
  sqlite3 "$1" "SELECT step || ' ' || printf('%.17g', intermediate_value) FROM trial_intermediate_values ORDER BY step"
}

# ckpt_edit IN OUT PYTHON: the checkpoint IN with its header changed by the Python statement
# (on h, the header; n is its features.normalize, or None) and its checksum made again, into OUT:
# a header edited by hand or written by something else. The file format (magic, version 2, header
# length, FNV-1a 64 of the header in two 32-bit halves, header, weights) is written out here
# from its description in lib/nn/checkpoint.c, not with the code under test.
ckpt_edit() {
  "$PY" - "$@" <<'P'
import json, struct, sys
def fnv(b):
    x = 0xcbf29ce484222325
    for c in b: x = ((x ^ c) * 0x100000001b3) & 0xffffffffffffffff
    return x
src, dst, code = sys.argv[1:]
d = open(src, "rb").read()
assert d[:8] == b"WSNNCKPT" and struct.unpack("<I", d[8:12])[0] == 2
k = struct.unpack("<I", d[12:16])[0]
h = json.loads(d[24:24 + k]); w = d[24 + k:]
n = (h.get("features") or {}).get("normalize")
exec(code)
t = json.dumps(h).encode(); s = fnv(t)
open(dst, "wb").write(b"WSNNCKPT" + struct.pack("<IIII", 2, len(t), s & 0xffffffff, s >> 32) + t + w)
P
}

# ckpt_refused NAME EDIT MESSAGE: runs/best.ckpt edited by EDIT (ckpt_edit's Python, on h) into
# NAME.ckpt is refused by --evaluate (on tones.feat), exit 2, the message "NAME.ckpt: header:
# MESSAGE" (two tests: tone_trained made the checkpoint)
ckpt_refused() {
  ckpt_edit runs/best.ckpt "$1.ckpt" "$2"
  test_expect_code 2 "$1: $2" train-trial --evaluate "$1.ckpt" --features tones.feat --threads 1
  test_expect_success "... names the file and the field" "grep -qxF 'train-trial: $1.ckpt: header: $3' err"
}

# torch_sizes FIXED: "PARAMS ACTS" of torch's model of the fixed settings FIXED (JSON: model,
# channels, blocks, kernel, stride, inner_kernel, pool, hidden) on the tone cache's [1][101][40]
# input and 4 classes: its parameters, and the floats of its convolutions' outputs for one sample
# (which training keeps for the backward pass: a lower bound of what a sample adds). Built on the
# meta device, nothing allocated (models past any machine's memory), by the builder the nn golden
# files come from (tests/ref/make_nn_golden.py), as lib/nn/models.c builds it. Needs need_python torch.
torch_sizes() {
  "$PY" - "$WS_ROOT/tests/ref" "$1" <<'P'
import json, sys
sys.dont_write_bytecode = True   # nothing written into the checkout
sys.path.insert(0, sys.argv[1])
import torch, torch.nn as nn
from make_nn_golden import build
m = build(json.loads(sys.argv[2]), frames=101, feats=40, classes=4, device="meta")
acts = []
for l in m:
    if isinstance(l, nn.Conv2d): l.register_forward_hook(lambda mod, i, o: acts.append(o.numel()))
m(torch.zeros(1, 1, 101, 40, device="meta"))
print(sum(p.numel() for p in m.parameters()), sum(acts))
P
}

# flac_without_length IN OUT: the FLAC file IN with STREAMINFO's total samples set to 0 (36 bits
# from bit 4 of its 14th byte), "unknown" by the FLAC format, as an encoder writing to a pipe
# (ffmpeg -f flac -, flac -c) leaves it; libsndfile reports such a length as unknown.
flac_without_length() {
  "$PY" - "$1" "$2" <<'P'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
assert b[:4] == b"fLaC" and b[4] & 0x7F == 0   # STREAMINFO first, its body at byte 8
b[8 + 13] &= 0xF0
b[8 + 14:8 + 18] = b"\0\0\0\0"
open(sys.argv[2], "wb").write(b)
P
}

# silent_wav PATH RATE CHANNELS SECONDS: a 16-bit WAV of that length that takes no disk: its
# header, then a hole the size of its data chunk (silence), for noise files too long to write.
silent_wav() {
  "$PY" - "$@" <<'P'
import struct, sys
path, rate, ch, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
data = rate * seconds * ch * 2
fmt = struct.pack("<HHIIHH", 1, ch, rate, rate * ch * 2, ch * 2, 16)
head = b"RIFF" + struct.pack("<I", 4 + 24 + 8 + data) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", data)
with open(path, "wb") as f:
    f.write(head)
    f.truncate(len(head) + data)
P
}

# two_report_studies: the report tests' study file s.db of two studies, kws (a.json, trials 0 and
# 1; 1 COMPLETE at 0.5) and other (b.json, trial 0 COMPLETE at 0.25), suggest's trial lines of
# each in lines.a and lines.b (the reference for what each study holds).
two_report_studies() {
  cp "$WS_ROOT/tests/cli/study.json" a.json
  jq '.study = "other"' a.json >b.json
  suggest --db s.db --config a.json --n 2 >lines.a
  suggest --db s.db --config b.json >lines.b
  tell --db s.db --study kws --trial 1 --state complete --value 0.5 >/dev/null
  tell --db s.db --study other --trial 0 --state complete --value 0.25 >/dev/null
}
