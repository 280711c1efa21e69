#!/usr/bin/env bash
# report --format html of a study whose names and values hold control characters (Optuna takes
# any string: a study name with an ESC sequence, a parameter name with BEL, categorical choices
# with SOH, DEL and the C1 control NEL, a failed trial's reason). HTML forbids control characters
# other than whitespace in a document (the parser's "control-character-in-input-stream" error):
# they were written raw into the title, headings, table cells and SVG tooltips, so the page was
# not valid HTML and its SVGs not well-formed XML. Now each is shown \xNN, as the text form shows
# it (report(1)); the page holds none.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "control characters in the HTML" optuna
"$PY" -W ignore - <<'PYEOF'
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="kws\x1b[31m<red>\x01", storage="sqlite:///c.db",
                        sampler=optuna.samplers.RandomSampler(seed=2))
choices = ["a\x01b", "tab\there", "\x7f", "\u0085z", "x&y"]
s.optimize(lambda t: choices.index(t.suggest_categorical("c\x07", choices)) + t.suggest_float("x", 0, 1), n_trials=12)
for c in choices:
    s.enqueue_trial({"c\x07": c, "x": 0.5})
s.optimize(lambda t: choices.index(t.suggest_categorical("c\x07", choices)) + t.suggest_float("x", 0, 1), n_trials=5)
PYEOF
# forbidden: C0 controls but TAB, LF, FF and CR; DEL; C1 controls (U+0080-U+009F)
no_controls() {
  "$PY" -c 'import sys
s = open(sys.argv[1], encoding="utf-8").read()
bad = sorted({hex(ord(c)) for c in s if (ord(c) < 32 and c not in "\t\n\x0c\r") or 0x7f <= ord(c) <= 0x9f})
sys.exit("control characters: " + " ".join(bad) if bad else 0)' "$1"
}
test_expect_code 0 "html of a study with control characters in its names and choices" report --db c.db --format html
test_expect_success "... holds no control character" 'cp out c.html && no_controls c.html'
test_expect_success "... each SVG is well-formed XML" '
  "$PY" -c "import re, sys, xml.dom.minidom as m
[m.parseString(x) for x in re.findall(r\"<svg id=.*?</svg>\", open(\"c.html\", encoding=\"utf-8\").read(), re.S)]"'
test_expect_success "... shows them as the text form does: \\xNN" '
  grep -q "<title>kws\\\\x1b\[31m&lt;red&gt;\\\\x01 " c.html && grep -q "<th class=\"l\">c\\\\x07</th>" c.html &&
  grep -q "<td class=\"l\">a\\\\x01b</td>" c.html && grep -q "<td class=\"l\">\\\\x7f</td>" c.html &&
  grep -q "<td class=\"l\">\\\\xc2\\\\x85z</td>" c.html && grep -q "<td class=\"l\">x&amp;y</td>" c.html'
test_expect_code 0 "... text" report --db c.db
test_expect_success "... the text form shows the same" '
  grep -q "^study kws\\\\x1b\[31m<red>\\\\x01 (minimize)" out && grep -q " c\\\\x07=a\\\\x01b " out && grep -q " c\\\\x07=\\\\xc2\\\\x85z " out'
