#!/usr/bin/env bash
# A checkpoint's save copied the weights whole twice (as floats, then as little-endian bytes)
# before writing them, so saving a model took twice its weights beside it: a model that trained in
# its memory was killed as it saved. They are written a part at a time (1 MiB), the file's format
# unchanged. References: torch (fixtures.sh's torch_sizes, the model built on the meta device) for
# the number of weights, the kernel for the peak resident size (/usr/bin/time %M), a reader here
# in Python (struct, FNV-1a) for the file's layout and checksums, and the weights read back by
# --evaluate giving the metrics the trial recorded as it trained.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
need_python "the checkpoint's save" torch
tone_trial

# --- the layout, for a model of several parts (a cnn of 2.6 MB of weights: 3 parts, the last short)
fixed='{"model": "cnn", "channels": 8, "kernel": [1, 1], "stride": [1, 1], "inner_kernel": [1, 1], "pool": [1, 1],
        "hidden": 20, "dropout": 0}'
jq --argjson f "$fixed" '.study = "layout" | .budget.epochs = 1 | .fixed += $f | .space.learning_rate += {"low": 0.0001, "high": 0.0002}' c.json >layout.json
mkdir lay && suggest --db lay/s.db --config layout.json >lay.line
read -r lparams _ < <(torch_sizes "$(jq -c .fixed layout.json)")
test_expect_code 0 "a cnn of $lparams parameters: the trial" train-trial --db lay/s.db --features tones.feat --threads 1 --quiet --ckpt-dir lay lay.line
cp out lay.result
cat >read_ckpt.py <<'P'
import json, struct, sys
def fnv(b):
    x = 0xcbf29ce484222325
    for c in b: x = ((x ^ c) * 0x100000001b3) & 0xffffffffffffffff
    return x
d = open(sys.argv[1], "rb").read()
params = int(sys.argv[2])
assert d[:8] == b"WSNNCKPT", "magic"
version, k, lo, hi = struct.unpack("<IIII", d[8:24])
assert version == 2, version
text = d[24:24 + k]
assert fnv(text) == lo | hi << 32, "the header's checksum"
h = json.loads(text)
w = d[24 + k:]
count = 0
for t in h["tensors"]:
    n = 1
    for s in t["shape"]: n *= s
    count += n
assert h["params"] == params, ("params", h["params"], params)
assert len(w) == 4 * count == 4 * (h["params"] + h["buffers"]), ("weights", len(w), count)
assert h["checksum"] == "%016x" % fnv(w), ("the weights' checksum", h["checksum"], "%016x" % fnv(w))
f = struct.unpack("<%df" % count, w)
assert all(x == x and abs(x) != float("inf") for x in f), "a weight that is not finite"
assert len(set(f[i] for i in range(0, count, 257))) > 100, "weights that look unset"
print("%d bytes, %d weights" % (len(d), count))
P
test_expect_success "... its checkpoint (more than 2 parts of 1 MiB): the layout, checksums and torch's count" \
  '[ "$(stat -c %s lay/trial-0.ckpt)" -gt $((2 << 20)) ] && "$PY" read_ckpt.py lay/trial-0.ckpt "$lparams" >&2'
test_expect_code 0 "--evaluate it on the validation split" train-trial --evaluate lay/trial-0.ckpt --features tones.feat --split validation
test_expect_success "... the metrics the trial recorded: the weights read back as trained" '
  [ "$(jq -c ".metrics | [.accuracy, .macro_f1, .f1, .fpr, .frr, .confusion]" out)" = \
    "$(jq -c ".metrics | [.accuracy, .macro_f1, .f1, .fpr, .frr, .confusion]" lay.result)" ]'

# --- the memory: a cnn whose weights are most of it (64 MB, as t0874's), trained one epoch with a
# checkpoint kept and with none; the save's peak beyond training's is the difference
if asan_built train-trial; then
  test_skip "the save's memory" "train-trial is built with AddressSanitizer, whose shadow memory follows every allocation"
  exit 0
fi
big_cnn_config big.json
read -r params _ < <(torch_sizes "$(jq -c .fixed big.json)")
weights=$((params * 4))
for keep in best none; do
  mkdir "$keep" && suggest --db "$keep/s.db" --config big.json >"$keep.line"
  test_expect_code 0 "a cnn of $params parameters ($weights bytes of weights), --keep $keep" \
    /usr/bin/time -f %M -o "$keep.kb" train-trial --db "$keep/s.db" --features tones.feat --threads 1 --quiet --keep "$keep" --ckpt-dir "$keep" "$keep.line"
  test_expect_success "... COMPLETE" 'jq -e ".state == \"COMPLETE\"" out'
done
test_expect_success "... the checkpoint saved, the study's best" '[ -s best/trial-0.ckpt ] && cmp best/trial-0.ckpt best/best.ckpt'
# the two copies took 2 x the weights (128 MB); a part is 1 MiB
echo "peak resident: --keep best $(cat best.kb) KB, --keep none $(cat none.kb) KB; the weights $((weights >> 10)) KB" >&2
test_expect_success "... its save's peak beyond training's: under a quarter of the weights (two copies were 2 x)" \
  '[ $(( $(cat best.kb) - $(cat none.kb) )) -le $((weights / 4 >> 10)) ]'

# --- the memory check counts what a save now takes (nn_checkpoint_save_bytes: the file's pages and
# the 1 MiB part, no longer 3 x the weights): in a cgroup of 6 x the weights (weights, gradients and
# Adam's two moments are 4 x; the file 1 x) the trial keeping its best trains, where the check
# refused it ("out of memory: ... the checkpoint of the best weights 190, ..., its cgroup allows 378 MiB")
if ! cg=$(memory_cgroup ws-t0897 $((weights * 6))); then
  test_skip "the memory check's count of a save" "no memory cgroup can be made here (needs root and a writable cgroup v1 memory or v2 hierarchy with the memory controller)"
  exit 0
fi
mkdir cg && suggest --db cg/s.db --config big.json >cg.line
rc=0
in_cgroup "$cg" timeout 300 "$WS_BIN/train-trial" --db cg/s.db --features tones.feat --threads 1 --quiet --ckpt-dir cg cg.line >cg.out 2>cg.err || rc=$?
for _ in $(seq 100); do rmdir "$cg" 2>/dev/null && break; sleep 0.05; done
echo "--keep best in $((weights * 6)) bytes: exit $rc, $(cat cg.out) $(tail -c 300 cg.err)" >&2
test_expect_success "in a cgroup of 6 x the weights, --keep best: exit 0, COMPLETE, its checkpoint saved" '
  [ "$rc" = 0 ] && jq -e ".state == \"COMPLETE\"" cg.out && [ -s cg/trial-0.ckpt ]'
