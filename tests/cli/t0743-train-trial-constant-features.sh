#!/usr/bin/env bash
# train-trial's standardization of a feature that is constant over the training clips: a mel
# band silent in every one (log(0 + 1e-6), here a training split of silent clips; also audio
# band-limited below f_max). Its variance is 0; the trainer floored it at 1e-8, a scale of 1e4,
# so a validation or test clip with any power in that band came in ten thousand times larger
# than the rest. scikit-learn's StandardScaler leaves a zero-variance feature as it is (scale 1);
# so does train-trial now. The reference is that rule in numpy over the training clips' log-mel
# (ln(P + 1e-6) in float32 of featurize --dump's power): per-feature mean and 1 / std, or 1
# where the feature is constant; a cache whose features all vary keeps 1 / std.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
need_python "constant features against numpy" numpy
make_tone_cache tones
tone_study_config c.json
# the same clips, the training ones silent (exact zeros: sox -D, no dither)
jq -c 'select(.label != "_background_noise_")' tones/manifest.jsonl >sil.jsonl
(cd tones && find . -type d -exec mkdir -p ../sil/{} \;)
sox -D -R -n -r 16000 -c 1 -b 16 silence.wav trim 0 1
while IFS=$'\t' read -r split p; do
  if [ "$split" = train ]; then cp silence.wav "sil/$p"; else cp "tones/$p" "sil/$p"; fi
done < <(jq -r '[.split, .path] | @tsv' sil.jsonl)
mv sil.jsonl sil/manifest.jsonl
featurize --quiet --out sil.feat sil/manifest.jsonl >/dev/null 2>&1

# reference NAME: NAME.feat's training clips' power dumped, and numpy's mean and scale of their
# log-mel in NAME.ref
reference() {
  local i n
  n=$(featurize --describe "$1.feat" | jq .clips)
  for i in $(seq 0 $((n - 1))); do featurize --dump "$1.feat" --clip "$i"; done | jq -c 'select(.split == "train") | .mel_power' >"$1.power"
  "$PY" - "$1.power" >"$1.ref" <<'PY'
import json, sys
import numpy as np
clips = [np.array(json.loads(l), dtype=np.float32) for l in open(sys.argv[1])]
x = np.log(np.concatenate(clips) + np.float32(1e-6)).astype(np.float64)   # [frames of all clips][mels]
mean, var = x.mean(axis=0), x.var(axis=0)
constant = x.min(axis=0) == x.max(axis=0)
scale = np.where(constant, 1.0, 1.0 / np.sqrt(np.where(constant, 1.0, var)))
print(json.dumps({"clips": len(clips), "constant": int(constant.sum()), "mean": mean.tolist(), "inv_std": scale.tolist()}))
PY
}
# matches NAME DB: the standardization the study DB keeps is NAME.ref's (relative 1e-4)
matches() {
  sqlite3 "$2" "SELECT value_json FROM study_system_attributes WHERE key LIKE 'wakesweep:normalize:%'" >"$1.kept" &&
    "$PY" - "$1.ref" "$1.kept" <<'PY'
import json, sys
ref, kept = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
bad = [(k, j, a, b) for k in ("mean", "inv_std") for j, (a, b) in enumerate(zip(ref[k], kept[k]))
       if abs(a - b) > 1e-4 * max(1.0, abs(a))]
assert len(ref["mean"]) == len(kept["mean"]) == len(kept["inv_std"]) == 40, "40 mels"
assert not bad, bad[:4]
PY
}
reference sil
reference tones
test_expect_success "(the references: every feature of the silent training split constant, none of the tones')" '
  jq -e ".clips == 32 and .constant == 40" sil.ref && jq -e ".clips == 32 and .constant == 0" tones.ref'

jq '.budget.epochs = 1' c.json >one.json
mkdir s t
suggest --db s/s.db --config one.json >s/line
suggest --db t/s.db --config one.json >t/line
test_expect_code 0 "a training split of silent clips: trains" train-trial --db s/s.db --features sil.feat --threads 1 --quiet s/line
test_expect_success "... COMPLETE" 'jq -e ".state == \"COMPLETE\"" out'
test_expect_success "... each feature constant over it: its mean, scale 1 (StandardScaler), not 1e4" 'matches sil s/s.db'
# the checkpoint's header (after its magic, version, length and checksum: tests/cli/fixtures.sh's ckpt_edit)
test_expect_success "... and so in the checkpoint" '"$PY" -c "
import json, struct, sys
d = open(\"s/trial-0.ckpt\", \"rb\").read()
k = struct.unpack(\"<I\", d[12:16])[0]
assert json.loads(d[24:24 + k])[\"features\"][\"normalize\"][\"inv_std\"] == [1.0] * 40
"'
test_expect_code 0 "the tone cache: trains" train-trial --db t/s.db --features tones.feat --threads 1 --quiet t/line
test_expect_success "... every feature varies: numpy's mean and 1 / std" 'matches tones t/s.db'
