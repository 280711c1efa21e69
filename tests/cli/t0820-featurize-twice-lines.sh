#!/usr/bin/env bash
# A file a manifest lists twice is refused (exit 2), and the message named the manifest and the
# two paths as listed but no line: in a manifest of 40 000 lines the user had to find both by
# hand. It now names the second line as file:LINE, as featurize's other manifest errors do, and
# the first ("first on line N"), the paths in the order of their lines.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir -p c
sox -R -n -r 16000 -c 1 -b 16 c/a.wav synth 1 sine 500
sox -R -n -r 16000 -c 1 -b 16 c/b.wav synth 1 sine 900
printf '%s\n' '{"path":"a.wav","label":"yes","split":"train"}' '' '{"path":"b.wav","label":"no","split":"validation"}' \
  '{"path":"./a.wav","label":"yes","split":"test"}' >c/m.jsonl
test_expect_code 2 "a clip listed on lines 1 and 4" featurize --quiet --out m.feat c/m.jsonl
test_expect_success "... names the manifest's line 4 and line 1, writes no cache" '
  grep -qF "featurize: c/m.jsonl:4: '"'$PWD/c/a.wav'"' is listed twice (as '"'a.wav'"' and '"'./a.wav'"'), first on line 1: a clip is one example" err &&
  [ ! -e m.feat ]'
# a noise file listed after the same file as a clip: the lines in order whichever array holds which
printf '%s\n' '{"path":"b.wav","label":"_background_noise_"}' '{"path":"a.wav","label":"yes","split":"train"}' \
  '{"path":"b.wav","label":"no","split":"validation"}' >c/n.jsonl
test_expect_code 2 "a noise file on line 1 that line 3 lists as a clip" featurize --quiet --out n.feat c/n.jsonl
test_expect_success "... names line 3, first on line 1" 'grep -qF "c/n.jsonl:3: '"'$PWD/c/b.wav'"' is listed twice (as '"'b.wav'"' and '"'b.wav'"'), first on line 1:" err'
