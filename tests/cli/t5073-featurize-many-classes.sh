#!/usr/bin/env bash
# A corpus of more classes than a cache may hold (1024: a validation keeps k x k counts, and a
# keyword-spotting classifier has a few dozen) made a cache that featurize wrote with exit 0 and
# that nothing can open. featurize refuses it before decoding a clip: exit 2, naming the manifest
# (or folder, or stdin) and the count, no cache written. The count is of the classes kept: a class
# folder with no audio file is none.
. "$WS_ROOT/tests/cli/lib.sh"
sox -R -n -r 16000 -c 1 -b 16 a.wav synth 0.05 sine 500
# many K: K class folders many/k0000 ... each with one clip, and the manifest many-K.jsonl of them
# (one mkdir and two tees, not a mkdir and a cp per folder: 2050 process starts were 10 s here;
# tee is given 513 files at a time, under the 1024 a process may have open)
mkdir many $(printf 'many/k%04d ' {0..1024})
printf 'many/k%04d/a.wav\n' {0..1024} | xargs -n 513 sh -c 'tee -- "$@" <a.wav >/dev/null' sh
for k in 1024 1025; do
  for i in $(seq 0 $((k - 1))); do printf '{"path":"many/k%04d/a.wav","label":"k%04d"}\n' "$i" "$i"; done >"many-$k.jsonl"
done

test_expect_code 0 "a manifest of 1024 classes" featurize --quiet --out m1024.feat many-1024.jsonl
test_expect_success "... makes a cache of them" 'featurize --describe m1024.feat >d && jq -e ".classes | length == 1024" d >/dev/null'
W="expected at most 1024 (a keyword-spotting model here has no more)"
test_expect_code 2 "a manifest of 1025 classes: exit 2" featurize --quiet --out m1025.feat many-1025.jsonl
test_expect_success "... naming the manifest and the count, no cache" "[ \"\$(cat err)\" = \"featurize: many-1025.jsonl: 1025 classes; $W\" ] && [ ! -e m1025.feat ]"
test_expect_code 2 "the same on stdin: exit 2" featurize --quiet --out s1025.feat - <many-1025.jsonl
test_expect_success "... naming stdin and the count, no cache" "[ \"\$(cat err)\" = \"featurize: stdin: 1025 classes; $W\" ] && [ ! -e s1025.feat ]"
test_expect_code 2 "a folder of 1025 class folders: exit 2" featurize --quiet --out f1025.feat many
test_expect_success "... naming the folder and the count, no cache" "[ \"\$(cat err)\" = \"featurize: many: 1025 classes; $W\" ] && [ ! -e f1025.feat ]"
rm many/k0000/a.wav
test_expect_code 0 "1025 folders, one with no audio file (no class): 1024 classes" featurize --quiet --out f1024.feat many
test_expect_success "... makes a cache of them" 'featurize --describe f1024.feat >d && jq -e ".classes | length == 1024" d >/dev/null'
