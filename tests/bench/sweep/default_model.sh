# tests/bench/sweep/default_model.sh — sourced by tests/bench/sweep/run.sh and
# tests/bench/train/quality.sh, which train the study's default model with wakesweep and with
# PyTorch (sweep_ref.py) and must mean the same training on both sides.
#
# full_length_config STUDY OUT: the study config as one whole training: one validation an epoch, no
# early stopping and no pruner. The extra validations of budget.validations_per_epoch (and
# fine_epochs, fine_steps) serve a sweep's pruner, and early stopping (fixed.patience) ends a
# sweep's trials sooner; a pruner does not always let a lone trial through (a halving pruner's
# bootstrap_count, a threshold pruner).
full_length_config() {
  jq 'del(.budget.validations_per_epoch, .budget.fine_epochs, .budget.fine_steps, .fixed.patience, .fixed.min_delta)
      | .pruner = {name: "nop"}' "$1" >"$2"
}

# default_params STUDY OUT: the default model's params for suggest --fixed: the values train-trial
# takes when a parameter is not given (lib/nn/hparams.c: dscnn defaults, Adam's 1e-3, AdamW's
# weight decay 1e-2; lib/trainer/settings.c: batch 64), for each parameter of the study's space,
# each checked to lie in that space. Returns 2 with a message when one has no known default or
# lies outside.
default_params() {
  jq -n --slurpfile c "$1" '
    ($c[0].fixed // {}) as $f
    | {learning_rate: 0.001, batch_size: 64, channels: 64, blocks: 4, dropout: 0.1,
       weight_decay: (if ($f.optimizer // "adam") == "adamw" then 0.01 else 0 end), momentum: 0.9,
       optimizer: "adam", schedule: "constant"} as $d
    | $c[0].space | with_entries(.value = $d[.key])' >"$2"
  jq -e 'all(.[]; . != null)' "$2" >/dev/null ||
    { echo "$1: a parameter of the space has no known default: $(jq -c . "$2")" >&2; return 2; }
  params_in_space "$1" "$2" || { echo "the default model $(jq -c . "$2") lies outside the space of $1" >&2; return 2; }
}

# params_in_space STUDY PARAMS: 0 when every parameter of the object in PARAMS is one of the
# study's space and lies in it (a choice of a categorical one, within low..high of another).
params_in_space() {
  jq -e --slurpfile c "$1" 'type == "object" and (to_entries | all(.[]; . as $p | $c[0].space[$p.key] as $s
      | $s != null and if $s.type == "categorical" then ($s.choices | index([$p.value])) != null
        else ($p.value | type) == "number" and $p.value >= $s.low and $p.value <= $s.high end))' "$2" >/dev/null
}
