#!/usr/bin/env bash
# featurize: class names that differ only in Unicode normalization ("café" typed on Linux,
# composed, NFC, beside a folder copied from macOS, whose names are decomposed, NFD) are two
# classes that print the same. They stay two classes (as torchaudio's SPEECHCOMMANDS makes two
# labels of them, and the cache is as before), but a note on stderr names both, with their bytes
# as \xNN, as it names classes that differ only in letter case. Which names are canonically
# equivalent comes from Python's unicodedata.normalize("NFC", ...), the reference; so does the
# class list the cache must hold (sorted by bytes).
. "$WS_ROOT/tests/cli/lib.sh"
need_python unicodedata-reference json

tone() { sox -n -r 16000 -b 16 -c 1 "$1" synth 0.3 sine "${2:-440}" vol 0.2; }
tone a.wav 400; tone b.wav 600; tone c.wav 800; tone d.wav 1000

# want LABEL...: the notes featurize must print for these class names (ROOT is $ROOT), one a
# line, sorted (tests/cli/twin-notes.py, the reference, as t2061's).
want() { "$PY" "$WS_ROOT/tests/cli/twin-notes.py" "$@"; }

# --- 1. a folder: "café" composed and decomposed, beside "no"
"$PY" -c 'import unicodedata as u; print(u.normalize("NFC", "caf\u00e9")); print(u.normalize("NFD", "caf\u00e9"))' >names
nfc=$(sed -n 1p names) nfd=$(sed -n 2p names)
mkdir -p f/"$nfc" f/"$nfd" f/no && cp a.wav f/"$nfc"/ && cp b.wav f/"$nfd"/ && cp c.wav f/no/
ROOT=f want "$nfc" "$nfd" no >want.f
test_expect_code 0 "a folder of café, NFC and NFD" featurize -q -o f.feat f
test_expect_success "... notes the two, their bytes shown, as Python's NFC finds them equal" '
  [ "$(wc -l <want.f)" = 1 ] && sort err | cmp - want.f'
test_expect_success "... and keeps them two classes, as before" '
  featurize --describe f.feat | jq -c .classes >got &&
  "$PY" -c "import json, sys; print(json.dumps(sorted(sys.argv[1:], key=str.encode), ensure_ascii=False, separators=(\",\", \":\")))" "$nfc" "$nfd" no >want &&
  cmp got want'

# --- 2. a manifest: twins of several kinds (Hangul syllable and its jamo, the Angstrom sign and
# A with ring, é inside a word, a capital and a decomposed letter at once), names that print
# alike but are not canonically equivalent (ﬁ and fi: compatibility only; Unicode's full case
# folding makes ﬁ fi, so a letter-case note), and names that differ (cafe, café): no note.
"$PY" - <<'PY' >labels
import unicodedata as u
for s in ["\ud55c", u.normalize("NFD", "\ud55c"), "\u212b", "\u00c5", "r\u00e9sum\u00e9", "re\u0301sume\u0301",
          "Caf\u00e9", u.normalize("NFD", "cAf\u00e9"), "\ufb01", "fi", "cafe", "no"]:
    print(s)
PY
i=0; : >m.jsonl
while IFS= read -r l; do
  cp a.wav "m$i.wav"; jq -nc --arg p "m$i.wav" --arg l "$l" '{path: $p, label: $l}' >>m.jsonl; i=$((i + 1))
done <labels
mapfile -t L <labels
ROOT=m.jsonl want "${L[@]}" >want.m
test_expect_code 0 "a manifest of labels that differ only in normalization" featurize -q -o m.feat m.jsonl
test_expect_success "... notes each pair Python's NFC finds equal, and only those" '
  [ "$(wc -l <want.m)" = 5 ] && grep -q "letter case and Unicode normalization" want.m && sort err | cmp - want.m'
test_expect_success "... each label its own class" '[ "$(featurize --describe m.feat | jq ".classes | length")" = 12 ]'

# --- 3. names that only print alike are not noted, but for ﬁ and fi, which case folding makes
# one (Python's "\ufb01".casefold() is "fi"): a letter-case note, and that alone
printf '%s\n' '{"path": "a.wav", "label": "cafe"}' '{"path": "b.wav", "label": "caf\u00e9"}' \
  '{"path": "c.wav", "label": "\ufb01"}' '{"path": "d.wav", "label": "fi"}' >n.jsonl
test_expect_code 0 "labels that are not canonically equivalent" featurize -q -o n.feat n.jsonl
test_expect_success "... get no note, ﬁ and fi but a letter-case one" '
  [ "$(wc -l <err)" = 1 ] && grep -qxF "featurize: n.jsonl: classes \"fi\" and \"ﬁ\" differ only in letter case: they are two classes" err'
