#!/usr/bin/env bash
# train-trial(1) lists the settings the trainer reads, but gave the range of only some: those
# of channels (1..4096), blocks (0..64), kernel/stride/inner_kernel/pool (1..1024), hidden
# (0..65536), batch_size (1..65536), beta1 and beta2 ([0, 1)), momentum, eps, weight_decay,
# clip_norm and min_delta (0 or more), validate_every and patience (up to 2147483647) and n_mfcc
# (from 1) were in the code alone (lib/nn/hparams.c, lib/trainer/settings.c). For each setting:
# one just past a limit is refused, naming it (suggest's check of a fixed setting, train-trial's
# parser, exit 2), the limit itself is taken, and the man page names the range; where torch has
# a limit (its optimizers, Dropout, cross_entropy, DataLoader), torch refuses the value past it
# and takes the limit, the reference that the range is torch's. train-trial itself refuses some
# on a study that holds them (its config kept before suggest checked it).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
man=$(sed 's/\\-/-/g; s/\\(mu/x/g; s/\\f.//g' "$WS_ROOT/share/man/man1/train-trial.1" | grep -v '^\.\\"' |
  sed -E 's/^\.[A-Z]+ ?//' | tr '\n' ' ' | tr -s ' ')
base='{"study": "r", "space": {"optimizer": {"type": "categorical", "choices": ["adam", "adamw", "sgd"]}}}'
I=2147483647

# KEY | PAST (JSON) | LIMIT (JSON, taken) | the man page's words | torch, V the value, or -
cases=(
  "channels|4097|4096|channels (1 to 4096)|-"
  "channels|0|1|channels (1 to 4096)|-"
  "blocks|65|64|blocks (0 to 64)|-"
  "blocks|-1|0|blocks (0 to 64)|-"
  "kernel|1025|1024|kernel, stride, inner_kernel and pool (1 to 1024|-"
  "stride|[1, 0]|[1, 1]|kernel, stride, inner_kernel and pool (1 to 1024|-"
  "inner_kernel|[1025, 3]|[1024, 3]|kernel, stride, inner_kernel and pool (1 to 1024|-"
  "pool|0|1|kernel, stride, inner_kernel and pool (1 to 1024|-"
  "hidden|65537|65536|hidden (0 to 65536)|-"
  "dropout|1.01|1|dropout (0 to 1)|torch.nn.Dropout(V)"
  "learning_rate|-0.001|0|learning_rate, momentum, weight_decay, eps, clip_norm (each 0 or more)|torch.optim.SGD(p, lr=V)"
  "momentum|-0.1|0|learning_rate, momentum, weight_decay, eps, clip_norm (each 0 or more)|torch.optim.SGD(p, lr=0.1, momentum=V)"
  "weight_decay|-0.01|0|learning_rate, momentum, weight_decay, eps, clip_norm (each 0 or more)|torch.optim.AdamW(p, weight_decay=V)"
  "eps|-1e-9|0|learning_rate, momentum, weight_decay, eps, clip_norm (each 0 or more)|torch.optim.Adam(p, eps=V)"
  "clip_norm|-1|0|learning_rate, momentum, weight_decay, eps, clip_norm (each 0 or more)|-"
  "beta1|1|0.999999|beta1 and beta2 (0 or more, below 1)|torch.optim.Adam(p, betas=(V, 0.999))"
  "beta1|-0.1|0|beta1 and beta2 (0 or more, below 1)|torch.optim.Adam(p, betas=(V, 0.999))"
  "beta2|1|0.999999|beta1 and beta2 (0 or more, below 1)|torch.optim.Adam(p, betas=(0.9, V))"
  "warmup_epochs|100001|100000|warmup_epochs (0 to 100000)|-"
  "accumulate|1025|1024|accumulate (1 to 1024)|-"
  "accumulate|0|1|accumulate (1 to 1024)|-"
  "label_smoothing|1.01|1|label_smoothing (0 to 1)|torch.nn.functional.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 1]), label_smoothing=V)"
  "focal_gamma|-0.5|0|focal_gamma (0 or more)|-"
  "noise_prob|1.01|1|noise_prob (0 to 1)|-"
  "snr_high|100.5|100|snr_low and snr_high (-100 to 100)|-"
  "snr_low|-100.5|-100|snr_low and snr_high (-100 to 100)|-"
  "time_shift|100001|100000|time_shift (0 to 100000)|-"
  "time_masks|101|100|time_masks and freq_masks (0 to 100)|-"
  "freq_masks|-1|0|time_masks and freq_masks (0 to 100)|-"
  "time_mask_width|100001|100000|time_mask_width and freq_mask_width (0 to 100000)|-"
  "freq_mask_width|-1|0|time_mask_width and freq_mask_width (0 to 100000)|-"
  "batch_size|65537|65536|batch_size (1 to 65536)|-"
  "batch_size|0|1|batch_size (1 to 65536)|torch.utils.data.DataLoader(list(range(4)), batch_size=V)"
  "epochs|100001|100000|epochs (1 to 100000|-"
  "validate_every|$((I + 1))|$I|validate_every (1 to $I)|-"
  "validate_every|0|1|validate_every (1 to $I)|-"
  "patience|$((I + 1))|$I|patience (0 to $I)|-"
  "patience|-1|0|patience (0 to $I)|-"
  "min_delta|-0.01|0|min_delta (0 or more)|-"
  "n_mfcc|0|1|n_mfcc (1 to the cache's n_mels|-"
  "max_fpr|1.01|1|max_fpr (0 to 1|-"
)
need_python "torch's limits are the reference where it has them" torch
i=0
for c in "${cases[@]}"; do
  IFS='|' read -r key past limit words torch <<<"$c"
  i=$((i + 1))
  jq --argjson v "$past" --arg k "$key" '.fixed[$k] = $v' <<<"$base" >past$i.json
  jq --argjson v "$limit" --arg k "$key" '.fixed[$k] = $v' <<<"$base" >limit$i.json
  test_expect_code 2 "$key $past is refused" suggest --db p$i.db --config past$i.json
  test_expect_success "... naming $key" 'grep -q "^suggest: past$i\.json: fixed\.$key: " err && [ ! -s out ]'
  test_expect_code 0 "$key $limit is taken" suggest --db l$i.db --config limit$i.json
  test_expect_success "... and train-trial(1) says \"$words\"" '[[ $man == *"$words"* ]]'
  if [ "$torch" != - ]; then
    test_expect_success "... as torch: it refuses $past and takes $limit (${torch%%(*})" '
      "$PY" -c "
import torch
p = [torch.nn.Parameter(torch.zeros(2))]
try:
    ${torch//V/$past}
except (ValueError, RuntimeError):
    pass
else:
    raise SystemExit(\"torch took $past\")
${torch//V/$limit}
"'
  fi
done

# train-trial's own parser on a study that holds such a setting (kept before suggest checked it)
tone_trial
for kv in "channels 4097" "beta1 1" "batch_size 0" "validate_every $((I + 1))"; do
  read -r k v <<<"$kv"
  jq --arg k "$k" --argjson v "$v" '.study = "kept-\($k)" | .fixed[$k] = $v' c.json >kept-$k.json
  suggest_kept runs/s.db kept-$k.json >line-$k
  test_expect_code 2 "train-trial on a study whose fixed $k is $v" \
    train-trial --db runs/s.db --features tones.feat --threads 1 --quiet --keep none line-$k
  test_expect_success "... names it" 'grep -q "study config: fixed\.$k: " err'
done
