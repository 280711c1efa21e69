#!/usr/bin/env bash
# A settings file saved by a Windows tool (Notepad, PowerShell's Out-File) starts with a UTF-8 byte
# order mark. featurize skipped one starting a manifest or a list file, but a --config file with
# one was refused with "bom.json:1:1: '[' or '{' expected near '<the invisible mark>'", a message
# that shows nothing wrong; so were a study config and suggest --fixed's file (the same reader).
# One at the start of a JSON settings file is skipped (RFC 8259 lets a reader ignore it), and gives
# what the file without it gives; one further on is still an error.
. "$WS_ROOT/tests/cli/lib.sh"

mkdir -p c/yes c/no
sox -n -r 16000 -b 16 -c 1 c/yes/y0_nohash_0.wav synth 1 sine 450 vol 0.3
sox -n -r 16000 -b 16 -c 1 c/no/n0_nohash_0.wav synth 1 sine 900 vol 0.3
printf '{"n_mels": 32, "f_max": 8000}\r\n' >plain.json
printf '\357\273\277{"n_mels": 32, "f_max": 8000}\r\n' >bom.json
featurize -q -c plain.json -o plain.feat c >plain.out 2>/dev/null

test_expect_code 0 "featurize --config with a byte order mark" featurize -q -c bom.json -o bom.feat c
test_expect_success "... the settings read as without it: the same cache" '[ -s plain.out ] && [ ! -s err ] &&
  jq -e ".mels == 32" out >/dev/null && cmp plain.feat bom.feat'
printf '{"n_mels": 32,\n\357\273\277 "f_max": 8000}\n' >mid.json
test_expect_code 2 "featurize --config with a byte order mark inside" featurize -q -c mid.json -o mid.feat c
test_expect_success "... names the file and line" 'grep -q "^featurize: mid.json:2:" err && [ ! -e mid.feat ]'

cat >study.json <<'J'
{"study": "s", "direction": "maximize", "sampler": {"name": "random", "seed": 1},
 "space": {"learning_rate": {"type": "float", "low": 0.001, "high": 0.1, "log": true}}, "fixed": {"model": "dscnn"}}
J
printf '\357\273\277' | cat - study.json >study-bom.json
printf '\357\273\277{"learning_rate": 0.01}\n' >fixed-bom.json
test_expect_code 0 "suggest --config (a study config) with a byte order mark" suggest --db s.db --config study-bom.json
test_expect_success "... a trial handed out" 'jq -e ".trial == 0 and (.params.learning_rate | type) == \"number\"" out >/dev/null'
test_expect_code 0 "suggest --fixed file with a byte order mark" suggest --db s.db --config study.json --fixed fixed-bom.json
test_expect_success "... its values taken" 'jq -e ".params.learning_rate == 0.01" out >/dev/null'
