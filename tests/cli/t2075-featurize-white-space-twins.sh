#!/usr/bin/env bash
# featurize: class names that differ only in white space ("yes" and "yes ", " yes"; "hey nova"
# and "hey\u00a0nova", a no-break space) or in invisible characters ("no" and "no\u200b", a
# zero-width space; "n\ufeffo") were separate classes without a word, where names that differ only
# in letter case or Unicode normalization are noted. They stay classes of their own (as
# torchaudio's SPEECHCOMMANDS makes labels of them) and each pair is noted, with both names'
# bytes; a label or class folder that is only white space or invisible characters (" ", "\u200b")
# shows nothing, as an empty label, and is refused as one is (exit 2). Which pairs are twins, and
# of what kind, comes from Python's unicodedata and str.split (tests/cli/twin-notes.py, the
# reference).
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

# --- 1. a manifest: white space at either end, a no-break space and an ideographic one within, a
# zero-width space, a byte order mark inside, a soft hyphen; a pair that differs in letter case too;
# a letter-case pair beside them, still noted as before; "stop" with no twin
"$PY" - <<'PY' >labels
for s in ["yes", "yes ", " yes", "hey nova", "hey\u00a0nova", "hey\u3000 nova ", "no", "no\u200b", "n\ufeffo",
          "go", "g\u00ado", "Left\u2003", "left", "Up", "up", "stop"]:
    print(s)
PY
manifest m.jsonl
mapfile -t L <labels
want m.jsonl "${L[@]}" >want.m
test_expect_code 0 "a manifest of labels that differ in white space or invisible characters" featurize -q -o m.feat m.jsonl
test_expect_success "... notes each pair the reference finds, and only those" '
  [ "$(grep -c "white space or invisible characters" want.m)" = 11 ] && grep -qF "(bytes no and no\xe2\x80\x8b)" want.m &&
  sort err | cmp - want.m'
test_expect_success "... each label its own class" '[ "$(featurize --describe m.feat | jq ".classes | length")" = 16 ]'

# --- 2. a folder: "yes" and "yes " (a name a script's trailing space made), "no" and "no\u00a0"
"$PY" -c 'print("yes"); print("yes "); print("no"); print("no\u00a0")' >names
mapfile -t N <names
for n in "${N[@]}"; do mkdir -p "f/$n" && cp a.wav "f/$n/"; done
want f "${N[@]}" >want.f
test_expect_code 0 "a folder of yes and 'yes ', no and no with a no-break space" featurize -q -o f.feat f
test_expect_success "... notes both pairs" '[ "$(wc -l <want.f)" = 2 ] && sort err | cmp - want.f'

# --- 3. labels that show nothing: refused, as an empty one is, naming the line
for case in 'space|\u0020' 'spaces|\u0020\u00a0\u3000' 'zero-width|\u200b' 'bom-and-space|\ufeff\u0020'; do
  IFS='|' read -r name json <<<"$case"
  printf '{"path": "m0.wav", "label": "yes"}\n{"path": "m1.wav", "label": "%s"}\n' "$json" >e.jsonl
  test_expect_code 2 "label-$name" featurize -q -o e.feat e.jsonl
  test_expect_success "label-$name-message" '[ "$(wc -l <err)" = 1 ] &&
    grep -q "^featurize: e.jsonl:2: label \".*\" is only white space or invisible characters; expected a class name" err &&
    [ ! -e e.feat ]'
done
# a class folder named " ": refused the same way, naming it
mkdir -p g/yes "g/ " && cp a.wav g/yes/ && cp a.wav "g/ /"
test_expect_code 2 "a class folder named ' '" featurize -q -o g.feat g
test_expect_success "... names it" '[ "$(wc -l <err)" = 1 ] &&
  grep -qxF "featurize: g/ : the class folder'"'"'s name is only white space or invisible characters; expected a class name of at most 255 bytes, with a visible character, without '"'"'/'"'"' or control characters, not '"'"'.'"'"' or '"'"'..'"'"' (what a class folder'"'"'s name can be)" err && [ ! -e g.feat ]'
