#!/usr/bin/env bash
# train-trial(1) gives the default of every setting a study's config may leave out: it listed
# the settings with their ranges, but not what a config without model, channels, blocks, kernel,
# ..., batch_size or epochs trains (its "a default dscnn" named none). The defaults are read from
# the man page's "Left out, a setting takes its default: ..." and checked on train-trial: for each
# model, a trial with them all given trains to the same value, metrics and curve as one with them
# left out (a default documented wrong trains otherwise: the last case shows one setting off its
# default does), and a study whose config gives no epochs trains the documented number.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones

# the man page's sentence, in words, as JSON: {"general": {NAME: VALUE}, "dnn": {...}, ..., "every": {...}}
man -l "$WS_ROOT/share/man/man1/train-trial.1" 2>/dev/null | col -bx | tr '\n' ' ' | tr -s ' ' | sed 's/‐ //g; s/- //g' >man.txt
cat >defaults.py <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read()
m = re.search(r'Left out, a setting takes its default: (.*?\]?[^.]*?\d)\.(\s|$)', text)
if not m: sys.exit('no sentence "Left out, a setting takes its default: ..." in train-trial(1)')
def pairs(s):
    out = {}
    for k, v in re.findall(r'\b([a-z_]+) (\[[^]]*\]|[0-9.]+|[a-z]+)', s):
        try: out[k] = json.loads(v)
        except ValueError: out[k] = v
    return out
groups, general = {}, []
for part in m.group(1).split(';'):
    g = re.match(r'\s*(?:and [^:]*: )?(dnn|cnn|dscnn|every model): (.*)', part)
    if g: groups['every' if g.group(1) == 'every model' else g.group(1)] = pairs(g.group(2))
    else: general.append(re.sub(r'\(.*?\)', '', part))
groups['general'] = pairs(' ; '.join(general))
print(json.dumps(groups))
EOF
test_expect_success "train-trial(1) gives the defaults: the model, batch_size, epochs and each model's own" '
  $PY defaults.py man.txt >defaults.json &&
  jq -e ".general.model == \"dscnn\" and (.general.batch_size | type) == \"number\" and (.general.epochs | type) == \"number\"
         and ([.dnn, .cnn, .dscnn, .every] | all(type == \"object\" and length > 0))" defaults.json'

# study NAME FIXED_JSON EPOCHS_JQ: a config of the tone cache with those fixed settings
study() {
  jq -n --arg s "$1" --argjson fixed "$2" --arg f "$WS_ROOT/configs/features/default.json" "
    {study: \$s, direction: \"maximize\", objective: \"accuracy\", sampler: {name: \"random\", seed: 2},
     pruner: {name: \"nop\"}, budget: {epochs: 4},
     space: {learning_rate: {type: \"float\", low: 0.01, high: 0.02, log: true}},
     fixed: (\$fixed + {positive: \"hey_nova\", features: \$f})} | $3" >"$1.json"
}
# train NAME: its first trial trained in NAME.db; the result line in NAME.out, its best weights in NAME.d
train() {
  mkdir -p "$1.d" && suggest --db "$1.db" --config "$1.json" >"$1.line" &&
    train-trial --db "$1.db" --features tones.feat --threads 1 --ckpt-dir "$1.d" --quiet "$1.line" >"$1.out"
}
# weights NAME: the checksum of the weights in NAME's checkpoint, after its header (which names
# the settings as given): magic, version, header length (bytes 12-15, little-endian), hash, header
weights() {
  local k
  k=$(od -An -tu4 -j 12 -N 4 "$1.d/trial-0.ckpt" | tr -d ' ')
  tail -c +$((24 + k + 1)) "$1.d/trial-0.ckpt" | sha1sum
}
same() { [ "$(jq -cS "{value, metrics, best_epoch}" "$1.out")" = "$(jq -cS "{value, metrics, best_epoch}" "$2.out")" ] &&
         [ "$(study_steps "$1.db")" = "$(study_steps "$2.db")" ] && [ "$(weights "$1")" = "$(weights "$2")" ]; }
for model in dscnn cnn dnn; do
  # dscnn: nothing at all given (the model's default too); cnn, dnn: the model alone
  left=$([ "$model" = dscnn ] && echo '{}' || echo "{\"model\": \"$model\"}")
  given=$(jq -c --arg m "$model" '(.general | del(.epochs)) + .every + .[$m] + {model: $m}' defaults.json 2>/dev/null || echo '{}')
  study "$model-left" "$left" .
  study "$model-given" "$given" .
  test_expect_success "$model: settings left out and given as documented ($given)" 'train "$model-left" && train "$model-given"'
  test_expect_success "... train the same: value, metrics, best epoch, every step and the weights" 'same "$model-left" "$model-given"'
done
# the comparison can fail: one setting off its default trains otherwise
study dscnn-off "$(jq -c '.dscnn + {channels: (.dscnn.channels + 8)}' defaults.json 2>/dev/null || echo '{}')" .
test_expect_success "dscnn: channels off the documented default trains otherwise" 'train dscnn-off && ! same dscnn-left dscnn-off'
# epochs: neither the budget nor a setting gives them (a small model: its epochs are quick)
study epochs-left '{"channels": 8, "blocks": 1}' 'del(.budget)'
test_expect_success "a config that gives no epochs" 'train epochs-left'
test_expect_success "... trains the documented number of epochs" '[ "$(jq .epochs epochs-left.out)" = "$(jq .general.epochs defaults.json)" ]'
