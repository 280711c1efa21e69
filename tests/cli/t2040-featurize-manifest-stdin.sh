#!/usr/bin/env bash
# An INPUT of "-" was taken for a file named "-" ("-: cannot open: No such file or directory"), so
# `jq -c ... | featurize -o F.feat -` did not compose. "-" is now a manifest read from stdin, as
# cat and jq read it, its relative paths taken from the working folder, its lines named stdin:N.
# The same clips make the same features as the manifest file does (inputs_hash, a clip's dump).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tc
cd tc || exit 1
test_expect_code 0 "the manifest from stdin (a file)" featurize -q -o ../in.feat - <manifest.jsonl
cp out ../in.out
test_expect_code 0 "the manifest from a pipe" sh -c 'cat manifest.jsonl | "$WS_BIN/featurize" -q -o ../pipe.feat -'
test_expect_success "... the same clips, splits and inputs as the manifest file's cache" '
  [ "$(jq -c "{clips, splits, noise, inputs_hash}" ../in.out)" = "$(jq -c "{clips, splits, noise, inputs_hash}" ../tc.summary)" ] &&
  [ "$("$WS_BIN/featurize" --describe ../pipe.feat | jq -r .inputs_hash)" = "$(jq -r .inputs_hash ../tc.summary)" ]'
test_expect_success "... and the same features (clip 5 and 40)" '
  for k in 5 40; do cmp <("$WS_BIN/featurize" --dump ../in.feat --clip $k) <("$WS_BIN/featurize" --dump ../tc.feat --clip $k) || exit 1; done'
printf '{"path":"yes/clip1.wav","label":"yes"}\n{"path":3,"label":"yes"}\n' >bad.jsonl
test_expect_code 2 "a bad line on stdin" featurize -o x.feat - <bad.jsonl
test_expect_success "... is named stdin:2" 'grep -qx "featurize: stdin:2: path: expected a string, got an integer" err'
test_expect_code 2 "stdin empty (/dev/null)" featurize -o x.feat - </dev/null
test_expect_success "... no clips" 'grep -qx "featurize: stdin: no audio clips found" err'
test_expect_code 2 "stdin a device that never ends (/dev/zero)" featurize -o x.feat - </dev/zero
test_expect_success "... refused, not read for ever" 'grep -qx "featurize: stdin (INPUT -): a device; expected a JSONL manifest (a folder is given as INPUT)" err'
test_expect_code 2 "--out the manifest that stdin reads" featurize -o manifest.jsonl - <manifest.jsonl
test_expect_success "... refused, the manifest kept" 'grep -q "is the manifest being read, stdin" err && head -c1 manifest.jsonl | grep -q "{"'
