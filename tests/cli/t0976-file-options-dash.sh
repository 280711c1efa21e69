#!/usr/bin/env bash
# '-' given for an option's file: suggest --config - and featurize --config - said "-: cannot
# read: unable to open -: No such file or directory", while suggest --fixed - and --enqueue -
# read standard input, as cat and jq do. Now a file read once, whole (a study config, feature
# settings), is read from stdin where nothing else of the call reads it (two options on stdin:
# a usage error naming both). A file that stdin cannot stand for is refused, naming the option
# and why: a cache (featurize --describe, --dump, train-trial --features), which is mapped; a
# checkpoint (--evaluate); gpu-monitor's --pidfile, read again each sample (a missing pidfile
# lists no pid, so --pidfile - watched nothing, without a word); --nvml-library, a library.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json

test_expect_code 0 "suggest --config - reads the config from stdin" suggest --db s.db --config - <c.json
test_expect_success "... a trial line; the study keeps the config read" '
  [ "$(jq .trial out)" = 0 ] &&
  [ "$(sqlite3 s.db "SELECT value_json FROM study_system_attributes WHERE key = \"wakesweep:config\"" | jq -S -c .)" = "$(jq -S -c . c.json)" ]'
jq '.space.dropout.high = -1' c.json >bad.json
test_expect_code 2 "a bad config on stdin" suggest --db s.db --config - <bad.json
test_expect_success "... named stdin, as --fixed - names it" 'grep -q "^suggest: stdin: space.dropout: low must be <= high" err'
echo '{"batch_size": 64}' >fixed.json
test_expect_code 2 "suggest --config - --fixed -" suggest --db s.db --config - --fixed - <c.json
test_expect_success "... refused: stdin is read once" '
  grep -qx "suggest: --config - and --fixed - both read standard input, which holds one file: give one of them a file" err'
test_expect_code 2 "suggest --config - --enqueue -" suggest --db s.db --config - --enqueue - <c.json
test_expect_success "... refused alike" '
  grep -qx "suggest: --config - and --enqueue - both read standard input, which holds one file: give one of them a file" err'
test_expect_code 0 "suggest --config c.json --fixed - as before" suggest --db s.db --config c.json --fixed - <fixed.json
test_expect_success "... its trial has batch_size 64" '[ "$(jq .params.batch_size out)" = 64 ]'
test_expect_success "the help says --config takes -" 'suggest --help | grep -A1 -- "--config FILE" | grep -q -- "(- for stdin, but not with --fixed - or --enqueue -)"'

# featurize: two clips, the feature settings from stdin and from the file give one cache
mkdir corpus
sox -R -n -r 16000 -c 1 -b 16 corpus/a.wav synth 0.5 sine 500
sox -R -n -r 16000 -c 1 -b 16 corpus/b.wav synth 0.5 sine 900
printf '%s\n' '{"path": "a.wav", "label": "a", "split": "train"}' '{"path": "b.wav", "label": "b", "split": "validation"}' >corpus/m.jsonl
jq '.n_mels = 32' "$WS_ROOT/configs/features/default.json" >feat.json
test_expect_code 0 "featurize --config FILE" featurize --quiet --config feat.json --out file.feat corpus/m.jsonl
test_expect_code 0 "featurize --config - reads the settings from stdin" featurize --quiet --config - --out stdin.feat corpus/m.jsonl <feat.json
test_expect_success "... the same cache, made with those settings" '
  featurize --describe stdin.feat >d1 && featurize --describe file.feat >d2 &&
  [ "$(jq -c "del(.path)" d1)" = "$(jq -c "del(.path)" d2)" ] && [ "$(jq .features.n_mels d1)" = 32 ]'
echo '{"n_mels": 0}' >badfeat.json
test_expect_code 2 "bad feature settings on stdin" featurize --quiet --config - --out x.feat corpus/m.jsonl <badfeat.json
test_expect_success "... named stdin" 'grep -q "^featurize: stdin\.n_mels: " err'
test_expect_code 2 "featurize --config - with INPUT -" featurize --quiet --config - --out x.feat - <feat.json
test_expect_success "... refused: stdin is read once" '
  grep -qx "featurize: --config - and INPUT - both read standard input, which holds one file: give one of them a file" err'
test_expect_success "the help says --config takes -" 'featurize --help | grep -A2 -- "--config FILE" | grep -q -- "; - is stdin"'

# the files stdin cannot stand for
test_expect_code 2 "featurize --describe -" featurize --describe - <file.feat
test_expect_success "... '-' names no file: a cache is mapped" '
  grep -qx "featurize: --describe: .-. names no file here (a feature cache is a file, which is mapped; not standard input): give its path (./- for a file so named)" err'
test_expect_code 2 "featurize --dump - --clip 0" featurize --dump - --clip 0 <file.feat
test_expect_success "... alike" 'grep -q "^featurize: --dump: .-. names no file here (a feature cache is a file" err'
test_expect_code 2 "train-trial --features -" train-trial --db s.db --features - <file.feat
test_expect_success "... alike, before any note" '
  grep -qx "train-trial: --features: .-. names no file here (a feature cache is a file, which is mapped; not standard input): give its path (./- for a file so named)" err'
test_expect_code 2 "train-trial --evaluate -" train-trial --evaluate - --features file.feat </dev/null
test_expect_success "... a checkpoint is a file" 'grep -q "^train-trial: --evaluate: .-. names no file here (a checkpoint is a file" err'
test_expect_code 2 "gpu-monitor --pidfile -" gpu-monitor --count 1 --pidfile - </dev/null
test_expect_success "... refused, not a pidfile that lists no pid" '
  grep -qx "gpu-monitor: --pidfile: .-. names no file here (a pidfile is read again each sample; not standard input): give its path (./- for a file so named)" err && [ ! -s out ]'
test_expect_code 2 "gpu-monitor --nvml-library -" gpu-monitor --count 1 --nvml-library - </dev/null
test_expect_success "... refused, not a library not found" 'grep -q "^gpu-monitor: --nvml-library: .-. names no file here (a library is a file" err && [ ! -s out ]'
