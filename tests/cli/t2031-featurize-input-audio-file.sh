#!/usr/bin/env bash
# featurize given one audio file as INPUT (a clip, where a folder or a manifest is wanted) read it
# as a JSONL manifest: "c/yes/y0.wav:1: a NUL byte: expected a JSON object" (or a JSON syntax
# error), which said nothing of what INPUT must be; so was a feature cache (featurize's output
# given back as its input). Each is named for what it is, exit 2, no cache; a manifest and a
# folder are read as before.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir -p c/yes c/no
sox -n -r 16000 -b 16 -c 1 c/yes/y0.wav synth 1 sine 450 vol 0.3
sox -n -r 16000 -b 16 -c 1 c/no/n0.flac synth 1 sine 900 vol 0.3
for f in c/yes/y0.wav c/no/n0.flac; do
  test_expect_code 2 "INPUT an audio file ($f)" featurize -q -o x.feat "$f"
  test_expect_success "... says so" 'grep -qxF "featurize: $f: an audio file; expected a folder in Speech Commands layout (CLASS/FILE) or a JSONL manifest of the clips" err && [ ! -s out ] && [ ! -e x.feat ]'
done
printf '{"path":"yes/y0.wav","label":"yes","split":"train"}\n{"path":"no/n0.flac","label":"no","split":"train"}\n' >c/m.jsonl
test_expect_code 0 "a manifest still" featurize -q -o m.feat c/m.jsonl
test_expect_code 0 "a folder still" featurize -q -o f.feat c
test_expect_code 2 "INPUT a feature cache" featurize -q -o x.feat f.feat
test_expect_success "... says so" 'grep -qxF "featurize: f.feat: a feature cache; expected a folder in Speech Commands layout (CLASS/FILE) or a JSONL manifest of the clips" err && [ ! -s out ] && [ ! -e x.feat ]'
