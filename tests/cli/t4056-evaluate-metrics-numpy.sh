#!/usr/bin/env bash
# The metrics of train-trial --evaluate and of a trial's validation, recomputed in numpy: each
# clip's wake-word score read alone (a cache of that one clip, whose operating point at --max-fpr
# 1 is its score), the operating point at several limits found again from those scores (the
# lowest threshold whose FPR is at most the limit, a clip accepted at score >= threshold, ties
# together), and precision, recall and F1 from the confusion as scikit-learn 1.3 divides them
# (F1 2TP/(2TP+FP+FN), 0 where 0/0), macro F1 as numpy.mean of the per-class F1s (with 4 classes
# numpy sums them left to right; test_nn_train's test_macro_f1_numpy has the pairwise sums of 8
# classes and more). Compared exactly: equal F1s are equal values, and a last
# digit off (from the rounded precision and recall) is a difference.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
need_python "metrics recomputed in numpy" numpy
tone_trained
ckpt=runs/trial-0.ckpt

# scores.tsv: LABEL SPLIT SCORE per clip of the corpus, each scored in a cache of its own
# (jq three times in all, not three times a clip: 48 clips)
grep '"split"' tones/manifest.jsonl >clips.jsonl
jq -c '.split = "test"' clips.jsonl >test-clips.jsonl
n=0 scored=()
while read -r l; do
  printf '%s\n' "$l" >tones/one$n.jsonl &&
    featurize --quiet --out one$n.feat tones/one$n.jsonl >/dev/null &&
    train-trial --evaluate $ckpt --features one$n.feat --max-fpr 1 --threads 1 >one$n.json || break
  scored+=(one$n.json) n=$((n + 1))
done <test-clips.jsonl
# the clips scored, in order (a failure leaves fewer than 48 lines)
jq -r '[.label, .split] | @tsv' clips.jsonl | head -n "$n" | paste - <(jq .at_fpr.threshold "${scored[@]}" </dev/null) >scores.tsv

cat >ref.py <<'P'
import json, sys
import numpy as np
rows = [l.split("\t") for l in open("scores.tsv").read().splitlines()]
split, limit = sys.argv[1], float(sys.argv[2])
rows = [r for r in rows if split == "all" or r[1] == split]
s = np.array([float(r[2]) for r in rows], dtype=np.float32)
pos = np.array([r[0] == "hey_nova" for r in rows])
npos, nneg = int(pos.sum()), int((~pos).sum())
t, tp, fp = None, 0, 0
for c in sorted(set(s.tolist()), reverse=True):   # lower the threshold while the FPR stays within
    acc = s >= np.float32(c)
    a_tp, a_fp = int((acc & pos).sum()), int((acc & ~pos).sum())
    if nneg and a_fp / nneg > limit:
        break
    t, tp, fp = c, a_tp, a_fp
print(json.dumps({"max_fpr": limit, "threshold": t, "f1": 2 * tp / (2 * tp + fp + npos - tp) if tp else 0.0,
                  "fpr": fp / nneg, "frr": (npos - tp) / npos}, sort_keys=True))
P
cat >prf.py <<'P'
import json, sys
import numpy as np
m = json.load(open(sys.argv[1]))
m = m.get("metrics", m)
names = list(m["per_class"])
C = np.array(m["confusion"], dtype=np.int64)
tp, pred, real = np.diag(C), C.sum(0), C.sum(1)
bad = []
for i, c in enumerate(names):
    want = {"precision": tp[i] / pred[i] if pred[i] else 0.0, "recall": tp[i] / real[i] if real[i] else 0.0,
            "f1": 2 * tp[i] / (pred[i] + real[i]) if tp[i] else 0.0, "support": int(real[i])}
    bad += [f"{c}.{k}: {m['per_class'][c][k]!r}, want {v!r}" for k, v in want.items() if m["per_class"][c][k] != v]
p = names.index("hey_nova")
TP, FP, FN = tp[p], pred[p] - tp[p], real[p] - tp[p]
TN = C.sum() - TP - FP - FN
f1s = np.array([2 * tp[i] / (pred[i] + real[i]) if tp[i] else 0.0 for i in range(len(names))], dtype=np.float64)
want = {"f1": 2 * TP / (2 * TP + FP + FN) if TP else 0.0, "fpr": FP / (FP + TN), "frr": FN / (TP + FN),
        "accuracy": tp.sum() / C.sum(), "binary_accuracy": (TP + TN) / C.sum(), "macro_f1": np.mean(f1s)}
bad += [f"{k}: {m[k]!r}, want {v!r}" for k, v in want.items() if m[k] != v]
print("; ".join(bad) or "same")
P

test_expect_success "setup: 48 clips scored, each alone; the trial COMPLETE" '
  [ "$(wc -l <scores.tsv)" = 48 ] && ! grep -q null scores.tsv && jq -e ".state == \"COMPLETE\"" result'
# same SPLIT LIMIT: --evaluate's operating point on SPLIT at LIMIT is the reference's, key by key
same() {
  train-trial --evaluate $ckpt --features tones.feat --split "$1" --max-fpr "$2" --threads 1 >ev.json &&
    [ "$(jq -S -c .at_fpr ev.json)" = "$("$PY" ref.py "$1" "$2" | jq -S -c .)" ]
}
for split in validation test all; do
  for limit in 0 0.05 0.2 0.5 1; do
    test_expect_success "--split $split --max-fpr $limit: the operating point numpy finds from the scores" "same $split $limit"
  done
done
test_expect_success "... at some limit both wake-word and other clips are accepted (the F1 check can bite)" '
  for l in 0.2 0.5 1; do "$PY" ref.py all $l; done | jq -s -e "any(.f1 > 0 and .fpr > 0 and .f1 < 1)"'
test_expect_success "the trial's recorded operating point: the validation split's at its max_fpr (0.05)" '
  [ "$(jq -S -c .metrics.at_fpr result)" = "$("$PY" ref.py validation 0.05 | jq -S -c .)" ]'
for split in train validation test all; do
  test_expect_success "--split $split: per-class precision, recall, F1, support, macro F1 and the wake word's F1, FPR, FRR from the confusion" "
    train-trial --evaluate $ckpt --features tones.feat --split $split --threads 1 >m.json && [ \"\$(\"\$PY\" prf.py m.json)\" = same ]"
done
test_expect_success "the trial's recorded metrics: the same from its confusion" '[ "$("$PY" prf.py result)" = same ]'
