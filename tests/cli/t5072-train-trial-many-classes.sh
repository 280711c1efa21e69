#!/usr/bin/env bash
# Memory that grows with the square of the number of classes: a validation's confusion matrix (k x
# k counts) and the metrics' JSON (k x k integers in jansson, the result line, the study). A
# checkpoint of 5,000 classes took 2.6 s, 1 GB and printed 50 MB on --evaluate; one of 50,000 (a
# 3.4 MB file, its weights there and its checksums right) went past 5.9 GB, and a cache of that
# many classes did as much in training. A keyword-spotting classifier has a few dozen classes: a
# checkpoint or a cache of more than 1024 is refused, exit 2, naming the file and the count, before
# anything of its size is allocated; 1024 still evaluate and train.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_trained

# wide_ckpt K OUT: runs/best.ckpt (a DS-CNN of 4 classes, 16 channels into its output layer) with
# K classes: the output layer's rows of the 4 kept and zero rows (c4, c5, ...) added, the header's
# class list, counts and tensor shapes to match, and both checksums (FNV-1a 64 of the weights, of
# the header) made again: a checkpoint as train-trial would have written for K classes.
wide_ckpt() {
  "$PY" - runs/best.ckpt "$1" "$2" <<'P'
import json, struct, sys
def fnv(b):
    x = 0xcbf29ce484222325
    for c in b: x = ((x ^ c) * 0x100000001b3) & 0xffffffffffffffff
    return x
src, k, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
d = open(src, "rb").read()
hl = struct.unpack("<I", d[12:16])[0]
h = json.loads(d[24:24 + hl]); w = d[24 + hl:]
assert "%016x" % fnv(w) == h["checksum"], "the FNV port disagrees with the checkpoint"
parts, at, add = [], 0, k - h["n_classes"]
for t in h["tensors"]:
    n = 4
    for s in t["shape"]: n *= s
    part = w[at:at + n]; at += n
    if t["name"] in ("out.weight", "out.bias"):
        part += bytes(n // t["shape"][0] * add)
        t["shape"][0] = k
    parts.append(part)
assert at == len(w)
w = b"".join(parts)
h["n_classes"] = k; h["params"] += add * 17
h["classes"] += ["c%d" % i for i in range(len(h["classes"]), k)]
h["checksum"] = "%016x" % fnv(w)
t = json.dumps(h).encode(); s = fnv(t)
open(dst, "wb").write(b"WSNNCKPT" + struct.pack("<IIII", 2, len(t), s & 0xffffffff, s >> 32) + t + w)
P
}

wide_ckpt 1024 k1024.ckpt
test_expect_code 0 "a checkpoint of 1024 classes evaluates" train-trial --evaluate k1024.ckpt --features tones.feat --threads 1
test_expect_success "... with its 1024 classes' metrics" 'jq -e ".metrics.per_class | length == 1024" out >/dev/null'
wide_ckpt 1025 k1025.ckpt
test_expect_code 2 "a checkpoint of 1025 classes: exit 2" train-trial --evaluate k1025.ckpt --features tones.feat --threads 1
test_expect_success "... naming the file and the count" 'grep -qxF "train-trial: k1025.ckpt: header: n_classes: 1025 is outside 2..1024" err && [ ! -s out ]'
wide_ckpt 50000 k50000.ckpt
if can_limit_address_space "a checkpoint of 50000 classes under ulimit -v" train-trial; then
  test_expect_code 2 "a checkpoint of 50000 classes under a 1 GB address-space limit: exit 2" \
    bash -c 'ulimit -v 1000000 && exec timeout 60 "$WS_BIN/train-trial" --evaluate k50000.ckpt --features tones.feat --threads 1'
  test_expect_success "... naming the file and the count" 'grep -qxF "train-trial: k50000.ckpt: header: n_classes: 50000 is outside 2..1024" err && [ ! -s out ]'
fi

# A cache whose header and class list claim K classes (the tone cache's 4 first, its clips as
# they were): trained on, and evaluated, as the tool's caches are.
cache_edit tones.feat k1024.feat 'struct.pack_into("<I", raw, 56, 1024); m["classes"] += ["c%d" % i for i in range(4, 1024)]'
cache_edit tones.feat k5000.feat 'struct.pack_into("<I", raw, 56, 5000); m["classes"] += ["c%d" % i for i in range(4, 5000)]'
test_expect_code 0 "featurize --describe: a cache of 1024 classes" featurize --describe k1024.feat
test_expect_success "... has 1024" 'jq -e ".classes | length == 1024" out >/dev/null'
W="k5000.feat: 5000 classes; expected at most 1024 (a keyword-spotting model here has no more)"
test_expect_code 2 "featurize --describe: a cache of 5000 classes: exit 2" featurize --describe k5000.feat
test_expect_success "... naming the file and the count" "[ \"\$(cat err)\" = \"featurize: $W\" ] && [ ! -s out ]"
test_expect_code 2 "--evaluate on a cache of 5000 classes: exit 2" train-trial --evaluate runs/best.ckpt --features k5000.feat --threads 1
test_expect_success "... naming the file and the count" "grep -qxF \"train-trial: $W\" err && [ ! -s out ]"

mkdir wide
jq '.study = "wide" | .budget.epochs = 1' c.json >wide.json
suggest --db wide/w.db --config wide.json >wline
test_expect_code 0 "training on a cache of 1024 classes" train-trial --db wide/w.db --features k1024.feat --threads 1 --quiet wline
test_expect_success "... validates them all" 'jq -e ".state == \"COMPLETE\" and (.metrics.per_class | length == 1024)" out >/dev/null'
mkdir wide2   # a study of its own: the data of another study's trials is another
suggest --db wide2/w.db --config wide.json >wline2
if can_limit_address_space "training on a cache of 5000 classes under ulimit -v" train-trial; then
  test_expect_code 2 "training on a cache of 5000 classes under a 1 GB address-space limit: exit 2" \
    bash -c 'ulimit -v 1000000 && exec timeout 120 "$WS_BIN/train-trial" --db wide2/w.db --features k5000.feat --threads 1 --quiet wline2'
  test_expect_success "... naming the file and the count, nothing trained" "grep -qxF \"train-trial: $W\" err &&
    [ \"\$(sqlite3 wide2/w.db 'SELECT count(*) FROM trial_intermediate_values')\" = 0 ]"
fi
