#!/usr/bin/env bash
# featurize: a class name whose only characters are format characters that show (Unicode's
# prepended concatenation marks, category Cf but drawn as signs: U+0600 ARABIC NUMBER SIGN, U+06DD
# ARABIC END OF AYAH) was refused since 26377d3 as "only white space or invisible characters",
# and "a" beside "a\u06dd" noted as twins, the mark taken for an invisible one. Only the format
# characters Unicode calls default ignorable (a zero-width space, a byte order mark, a soft
# hyphen) are dropped: such names are classes as before, and "no" beside "no\u200b" still noted.
# Which characters are default ignorable comes from Perl's Unicode tables, through the reference
# tests/cli/twin-notes.py, not from featurize.
. "$WS_ROOT/tests/cli/lib.sh"
need_python unicodedata-reference json
command -v perl >/dev/null || { test_skip visible-format-marks "perl (the reference's Default_Ignorable_Code_Point) not installed"; exit 0; }

sox -n -r 16000 -b 16 -c 1 a.wav synth 0.3 sine 440 vol 0.2
want() { ROOT=$1 "$PY" "$WS_ROOT/tests/cli/twin-notes.py" "${@:2}"; }
"$PY" -c 'print("\u0600"); print("\u06dd"); print("a"); print("a\u06dd"); print("no"); print("no\u200b")' >names
mapfile -t N <names
for n in "${N[@]}"; do mkdir -p "f/$n" && cp a.wav "f/$n/"; done
want f "${N[@]}" >want.f
test_expect_code 0 "a folder of classes named by a prepended concatenation mark (U+0600, U+06DD)" featurize -q -o f.feat f
test_expect_success "... each its own class, six in all" '[ "$(featurize --describe f.feat | jq ".classes | length")" = 6 ]'
test_expect_success "... 'no' and 'no\u200b' noted, 'a' and 'a\u06dd' not, as the reference says" '
  [ "$(wc -l <want.f)" = 1 ] && grep -qF "(bytes no and no\xe2\x80\x8b)" want.f && sort err | cmp - want.f'
