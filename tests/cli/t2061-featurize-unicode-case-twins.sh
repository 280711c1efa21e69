#!/usr/bin/env bash
# featurize: class names that differ only in letter case are noted on stderr, and that note
# folded ASCII letters only: "CAFÉ" beside "café", or "ÄRGER" beside "ärger" (two folders a
# case-insensitive file system could not hold apart), got no word. Letter case is now Unicode's
# full case folding, so "STRASSE" and "straße" are twins too. Which pairs are twins, and of what
# kind, comes from Python's str.casefold and unicodedata (tests/cli/twin-notes.py, the
# reference); each pair is noted, at most 16 of a kind.
. "$WS_ROOT/tests/cli/lib.sh"
need_python unicodedata-reference json

sox -n -r 16000 -b 16 -c 1 a.wav synth 0.3 sine 440 vol 0.2
want() { ROOT=$1 "$PY" "$WS_ROOT/tests/cli/twin-notes.py" "${@:2}"; }
# manifest FILE: a manifest of a.wav copies, one per label of the file labels (one a line).
manifest() {
  local i=0 l; : >"$1"
  while IFS= read -r l; do
    cp a.wav "m$i.wav"; jq -nc --arg p "m$i.wav" --arg l "$l" '{path: $p, label: $l}' >>"$1"; i=$((i + 1))
  done <labels
}

# --- 1. a folder: capitals with accents beside their small letters (all NFC), and "no"
"$PY" -c 'print("CAF\u00c9"); print("caf\u00e9"); print("\u00c4RGER"); print("\u00e4rger")' >names
mapfile -t N <names
for n in "${N[@]}" no; do mkdir -p "f/$n" && cp a.wav "f/$n/"; done
want f "${N[@]}" no >want.f
test_expect_code 0 "a folder of CAFÉ and café, ÄRGER and ärger" featurize -q -o f.feat f
test_expect_success "... notes both pairs as differing only in letter case" '
  [ "$(grep -c "differ only in letter case: they" want.f)" = 2 ] && sort err | cmp - want.f'
test_expect_success "... and keeps them four classes and no" '[ "$(featurize --describe f.feat | jq ".classes | length")" = 5 ]'

# --- 2. a manifest: full case folding (ß, final sigma, the Kelvin sign, ſ with an accent, Turkish
# İ), the same twins decomposed (NFD: only letter case) or one of them (letter case and Unicode
# normalization), a Greek pair the reference finds equal only when each is decomposed before it
# is folded, three spellings of one word (each pair noted), and names with no twin (dotless ı and I).
"$PY" - <<'PY' >labels
import unicodedata as u
D = lambda s: u.normalize("NFD", s)
for s in ["STRASSE", "Stra\u00dfe", "stra\u00dfe", "\u039f\u0394\u039f\u03a3", "\u03bf\u03b4\u03bf\u03c2",
          "\u212a", "k", "\u015a", "\u017f\u0301", "\u0130", "i\u0307", D("\u00c4RGER"), D("\u00e4rger"),
          "CAF\u00c9", D("caf\u00e9"), "\u1f84", "\u1f80\u0301", "\u0131", "I", "YES", "Yes", "yes"]:
    print(s)
PY
manifest m.jsonl
mapfile -t L <labels
want m.jsonl "${L[@]}" >want.m
greek='differ only in Unicode normalization (bytes \xe1\xbe\x80\xcc\x81 and \xe1\xbe\x84)'
test_expect_code 0 "a manifest of labels that fold equal, Unicode's case folding" featurize -q -o m.feat m.jsonl
test_expect_success "... notes each pair the reference finds, and only those" '
  [ "$(wc -l <want.m)" = 13 ] && grep -q "letter case and Unicode normalization" want.m &&
  grep -qF "$greek" want.m && sort err | cmp - want.m'
test_expect_success "... each label its own class" '[ "$(featurize --describe m.feat | jq ".classes | length")" = 22 ]'

# --- 3. at most 16 notes of a kind: 18 letter-case pairs (six spellings of yes, three of no) and
# one of Unicode normalization, which is still noted
"$PY" -c 'import unicodedata as u
for s in ["yes", "Yes", "yEs", "yeS", "YEs", "YES", "no", "No", "NO", "caf\u00e9", u.normalize("NFD", "caf\u00e9")]: print(s)' >labels
manifest n.jsonl
mapfile -t L <labels
want n.jsonl "${L[@]}" >want.n
test_expect_code 0 "a manifest of 18 letter-case pairs" featurize -q -o n.feat n.jsonl
test_expect_success "... notes 16 of them, each one the reference finds, and the normalization pair" '
  [ "$(grep -c "letter case: they" want.n)" = 18 ] && [ "$(grep -c "letter case: they" err)" = 16 ] &&
  [ "$(grep -c "Unicode normalization" err)" = 1 ] && [ "$(wc -l <err)" = 17 ] &&
  sort -u err | comm -23 - want.n | cmp - /dev/null'
