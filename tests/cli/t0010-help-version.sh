#!/usr/bin/env bash
# Every tool: --help on stdout with exit 0, --version, a man page that names the tool and its
# exit status, and a usage error (exit 2) on an unknown option, an option without its argument
# and --help=x, each said once, naming the option.
. "$WS_ROOT/tests/cli/lib.sh"
for t in "$WS_BIN"/*; do
  n=$(basename "$t")
  test_expect_code 0 "$n --help" "$t" --help
  test_expect_success "$n --help names the tool and exit status" 'grep -q "$n" out && grep -qi "exit status" out'
  test_expect_code 0 "$n --version" "$t" --version
  test_expect_success "$n --version says wakesweep" 'grep -q "wakesweep" out'
  test_expect_code 2 "$n rejects an unknown option" "$t" --no-such-option
  test_expect_success "... once, naming it" '[ "$(grep -c "^$n:" err)" = 1 ] && grep -q "^$n: unknown option .--no-such-option.$" err'
  test_expect_code 2 "$n -Z" "$t" -Z
  test_expect_success "... unknown option '-Z'" '[ "$(grep -c "^$n:" err)" = 1 ] && grep -q "^$n: unknown option .-Z.$" err'
  test_expect_code 2 "$n: --help=x" "$t" --help=x
  test_expect_success "... takes no argument" '[ "$(grep -c "^$n:" err)" = 1 ] && grep -q "^$n: --help: takes no argument$" err'
  # every tool has an option that takes an argument; the last its --help lists in its option column
  opt=$("$t" --help | grep -o -- "^ *--[a-z-]* [A-Z][A-Z_]*" | tail -1 | awk "{print \$1}")
  test_expect_code 2 "$n $opt without its argument" "$t" "$opt"
  test_expect_success "... needs an argument" '[ "$(grep -c "^$n:" err)" = 1 ] && grep -q -- "^$n: $opt: needs an argument$" err'
  test_expect_success "$n has a man page with EXIT STATUS" 'grep -q "EXIT STATUS" "$WS_ROOT/share/man/man1/$n.1" && man -l "$WS_ROOT/share/man/man1/$n.1" >/dev/null 2>&1 || grep -q "^.TH" "$WS_ROOT/share/man/man1/$n.1"'
  # Drift between the three places an option is described: the option table the tool parses,
  # its --help (the lines that start an option: indented at most 8) and its man page's OPTIONS
  # (the tag line after each .TP). Short options are compared through the getopt string.
  man1=$WS_ROOT/share/man/man1/$n.1
  "$t" --help >help.txt
  grep -E "^ {1,8}-" help.txt | grep -oE -- "(--[a-z][a-z-]*|(^| )-[a-zA-Z],)" | tr -d " ," | sort -u >help.opts
  awk '/^\.SH/ { f = ($0 ~ /OPTIONS/); next } f && p { print; p = 0; next } f && /^\.TP/ { p = 1 }' "$man1" \
    | sed 's/\\-/-/g; s/\\f.//g' | grep -oE -- "(--[a-z][a-z-]*|(^|[ \"])-[a-zA-Z]([^a-zA-Z-]|$))" | tr -d ' ",' | sort -u >man.opts
  { grep -oE "\\{\"[a-z][a-z-]*\", *(required|no|optional)_argument" "$WS_ROOT/tools/$n.c" | sed -E "s/^.\"([^\"]*)\".*/--\1/"
    grep -oE "getopt_long\(argc, argv, \"[^\"]*\"" "$WS_ROOT/tools/$n.c" | sed -E "s/.*\"(.*)\"/\1/" | tr -d : | grep -o . | sed "s/^/-/"
  } | sort -u >src.opts
  test_expect_success "$n: --help and the man page's OPTIONS list the same options" 'diff help.opts man.opts'
  test_expect_success "$n: --help lists every option the tool parses" 'diff src.opts help.opts'
  # The man page's footer names the version --version prints; README's table of tools lists it.
  test_expect_success "$n: the man page is of this version" \
    'v=$("$t" --version | grep -oE "[0-9]+\.[0-9]+\.[0-9]+"); grep -q "^\.TH .*\"wakesweep $v\"" "$man1"'
  # The man page's date (.TH's third field) is the month of its last change: its last commit's,
  # or this month's while it has changes not committed (study-copy.1 read 2026-12 beside pages
  # last changed the same month but dated 2026-11).
  page=share/man/man1/$n.1
  if [ -n "$(git -C "$WS_ROOT" log -1 --format=%cs -- "$page" 2>/dev/null)" ]; then
    if git -C "$WS_ROOT" diff --quiet HEAD -- "$page"; then
      month=$(git -C "$WS_ROOT" log -1 --format=%cd --date=format-local:%Y-%m -- "$page")
    else month=$(date +%Y-%m); fi
    test_expect_success "$n: the man page is dated $month, the month of its last change" 'grep -q "^\.TH [^ ]* 1 \"$month\"" "$man1"'
  else
    test_skip "$n: the man page is dated the month of its last change" "no git history of $page (not a git checkout)"
  fi
  test_expect_success "$n: README lists it among the tools" 'grep -q "^| \`$n\` |" "$WS_ROOT/README.md"'
  if command -v groff >/dev/null; then
    test_expect_success "$n: the man page renders without groff warnings" \
      'groff -man -Tutf8 -ww -z "$man1" 2>groff.err && [ ! -s groff.err ]'
  else
    test_skip "$n: the man page renders without groff warnings" "no groff"
  fi
done
# An unknown letter inside a group of short options, after a long option that was fine: getopt
# has not moved past the group yet, and the message still names the letter.
test_expect_code 2 "report --db=x -Zh" report --db=x -Zh
test_expect_success "... unknown option '-Z', not --db" 'grep -q "^report: unknown option .-Z.$" err'
test_expect_code 2 "report --fo (a prefix of --format) without its argument" report --db x --fo
test_expect_success "... names --format" 'grep -q "^report: --format: needs an argument$" err'
# A prefix of several long options is ambiguous, as getopt_long finds it: said so, naming them
# (util-linux getopt(1), on the same option names, agrees that it is ambiguous), not "unknown".
test_expect_code 2 "suggest --s (--study or --seed)" suggest --s x
test_expect_success "... is ambiguous, naming both" '[ "$(grep -c "^suggest:" err)" = 1 ] &&
  grep -q "^suggest: ambiguous option .--s.: --study, --seed$" err &&
  ! getopt -o "" -l study:,seed: -- --s x >/dev/null 2>&1'
test_expect_code 2 "train-trial --max=3" train-trial --max=3
test_expect_success "... is ambiguous too" 'grep -q "^train-trial: ambiguous option .--max.: --max-seconds, --max-fpr$" err'
