#!/usr/bin/env bash
# A wake word's class whose name has an invisible character or white space at an end and no twin
# (the corpus's only class of it is "hey_nova\u200b", a zero-width space pasted from a web page,
# or "hey_nova ", a space a script left): featurize has nothing to note, and the study's
# "positive": "hey_nova" failed the trial with "'hey_nova' is not one of the 3 classes of F
# ('hey_nova', 'no', 'yes')", the list showing the very name asked for. train-trial now names the
# class that differs from it only in white space, invisible characters or letter case, with its
# bytes. Which class that is, and its bytes, comes from Python's unicodedata, str.split and
# str.casefold (the reference twin-notes.py uses), not from train-trial.
. "$WS_ROOT/tests/cli/lib.sh"
need_python unicodedata-reference json

# hint POSITIVE CLASS...: the end of the message the reference expects: ": did you mean 'C'
# (bytes B)?" for each class C whose shown form, case folded, is the positive's ("" for none)
cat >hint.py <<'P'
import sys, unicodedata
def key(s): return unicodedata.normalize("NFC", unicodedata.normalize("NFD", s).casefold())
def visible(s): return " ".join("".join(c for c in s if unicodedata.category(c) != "Cf").split())
def show(s): return "".join(chr(b) if 0x20 <= b < 0x7f else "\\x%02x" % b for b in s.encode())
pos, classes = sys.argv[1], sys.argv[2:]
like = ["'%s' (bytes %s%s)" % (c, show(c), "" if show(pos) == pos else ", where '%s' is %s" % (pos, show(pos)))
        for c in classes if key(visible(c)) == key(visible(pos))]
print(": did you mean %s?" % " or ".join(like) if like else "", end="")
P
sox -R -n -r 16000 -b 16 -c 1 a.wav synth 0.2 sine 500 vol 0.3
cat >s.json <<'J'
{"study": "s", "direction": "maximize", "objective": "f1",
 "sampler": {"name": "random", "seed": 1}, "pruner": {"name": "nop"}, "budget": {"epochs": 1},
 "space": {"learning_rate": {"type": "float", "low": 0.001, "high": 0.01, "log": true}},
 "fixed": {"model": "dnn", "batch_size": 4}}
J
# case NAME POSITIVE WAKE...: a corpus of no, yes and the WAKE folders, a study whose positive is
# POSITIVE (JSON string escapes), train-trial refusing it: exit 2, the message as the reference has it
i=0
case_of() {
  local name=$1 pos=$2 w; shift 2
  i=$((i + 1))
  mkdir -p "c$i/no" "c$i/yes"
  for w in no yes "$@"; do w=$("$PY" -c 'import json, sys; print(json.loads("\"%s\"" % sys.argv[1]))' "$w"); mkdir -p "c$i/$w"
    for k in 0 1 2; do cp a.wav "c$i/$w/x${k}_nohash_0.wav"; done; done
  featurize -q -o "c$i.feat" "c$i" 2>/dev/null
  pos=$("$PY" -c 'import json, sys; print(json.loads("\"%s\"" % sys.argv[1]))' "$pos")
  jq --arg p "$pos" '.fixed.positive = $p' s.json >"s$i.json"
  suggest --db "s$i.db" --config "s$i.json" >"line$i"
  mapfile -t C < <(featurize --describe "c$i.feat" | jq -r '.classes[]')
  local list hint
  list=$(printf "'%s', " "${C[@]}") list=${list%, }
  hint=$("$PY" hint.py "$pos" "${C[@]}")
  printf '%s\n' "train-trial: s$i.db: study 's': study config: fixed.positive: '$pos' is not one of the ${#C[@]} classes of c$i.feat ($list); expected the wake word's class as the corpus names it$hint" >"want$i"
  test_expect_code 2 "$name" train-trial -q --device cpu --db "s$i.db" --features "c$i.feat" "line$i"
  test_expect_success "$name: names the class it is like, with its bytes" "cmp err want$i && grep -q 'did you mean' want$i &&
    [ \"\$(sqlite3 s$i.db 'SELECT state FROM trials WHERE number = 0')\" = FAIL ]"
}
case_of "a wake word's folder ending in a zero-width space" hey_nova 'hey_nova\u200b'
case_of "... ending in a space" hey_nova 'hey_nova '
case_of "... with a no-break space within" 'hey nova' 'hey\u00a0nova'
case_of "... in other letter case" hey_nova Hey_Nova
case_of "a positive ending in a byte order mark" 'hey_nova\ufeff' hey_nova
case_of "two classes like it" hey_nova 'hey_nova\u200b' 'HEY_NOVA '
# a positive like no class: the message as it was, no hint
i=$((i + 1))
mkdir -p "c$i/no" "c$i/yes" && cp a.wav "c$i/no/" && cp a.wav "c$i/yes/"
featurize -q -o "c$i.feat" "c$i" 2>/dev/null
suggest --db "s$i.db" --config <(jq '.fixed.positive = "hey_nova"' s.json) >"line$i"
test_expect_code 2 "a positive like no class" train-trial -q --device cpu --db "s$i.db" --features "c$i.feat" "line$i"
test_expect_success "... as before, no hint" "grep -qxF \"train-trial: s$i.db: study 's': study config: fixed.positive: 'hey_nova' is not one of the 2 classes of c$i.feat ('no', 'yes'); expected the wake word's class as the corpus names it\" err"
