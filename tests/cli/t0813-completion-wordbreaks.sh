#!/usr/bin/env bash
# share/completion.bash and COMP_WORDBREAKS: bash splits the word being completed at ':' and '='
# (its default COMP_WORDBREAKS holds both), so --db sqlite:///runs/x.db (the URL form every --db
# takes) reaches the function as "sqlite" ":" "///runs/x.db", and a file named a:b.db as "a" ":"
# "b.db"; readline then replaces only the text after the last ':'. With a COMP_WORDBREAKS
# without them (users drop ':' for scp), --format=j is one word. Each of these completes what
# the whole word would.
. "$WS_ROOT/tests/cli/lib.sh"
C=$WS_ROOT/share/completion.bash
# comp WBS WORD...: COMPREPLY after the words, split as a COMP_WORDBREAKS of WBS would (the
# test gives the split itself), one a line, sorted.
comp() { bash -c '. "$1"; COMP_WORDBREAKS=$2; shift 2; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _wakesweep; printf "%s\n" "${COMPREPLY[@]}" | sort' comp "$C" "$@"; }
dflt=$' \t\n"\'@><=;|&(:'
bare=$' \t\n"\'><;|&('
mkdir -p runs.d && : >runs.d/x.db && : >'a:b.db' && : >s.db && : >here1.db
test_expect_success "--db sqlite:///ru<TAB>: this folder's runs.d, as the text after the ':'" '
  [ "$(comp "$dflt" suggest --db sqlite : ///ru)" = "///runs.d" ]'
test_expect_success "... --db sqlite:<TAB> (the current word the ':') offers this folder's files" '
  comp "$dflt" suggest --db sqlite : >got && grep -qx "///here1.db" got && grep -qx "///runs.d" got && ! grep -qx "///proc" got'
test_expect_success "... --db=sqlite:///here1.d<TAB> too" '[ "$(comp "$dflt" report --db = sqlite : ///here1.d)" = "///here1.db" ]'
test_expect_success "a file named a:b.db: --db a:<TAB> and --db a:b<TAB> complete it (after the ':')" '
  [ "$(comp "$dflt" suggest --db a :)" = b.db ] && [ "$(comp "$dflt" suggest --db a : b)" = b.db ]'
test_expect_success "without ':' in COMP_WORDBREAKS: --db sqlite:///ru<TAB> is one word, completed whole" '
  [ "$(comp "$bare" suggest --db sqlite:///ru)" = "sqlite:///runs.d" ]'
test_expect_success "without '=' in COMP_WORDBREAKS: --format=j<TAB> and --db=s.d<TAB>, the whole word" '
  [ "$(comp "$bare" report --format=j | tr "\n" " ")" = "--format=json --format=jsonl " ] &&
  [ "$(comp "$bare" suggest --db=s.d)" = "--db=s.db" ]'
test_expect_success "... and --for<TAB> still the option" '[ "$(comp "$bare" report --for)" = "--format" ]'
test_expect_success "the default COMP_WORDBREAKS as before: --format = j, --db s.d" '
  [ "$(comp "$dflt" report --format = j | tr "\n" " ")" = "json jsonl " ] && [ "$(comp "$dflt" suggest --db s.d)" = s.db ]'
# gpu-monitor's --db (FILE in its --help) takes sqlite:///FILE as every --db does (gpu-monitor(1)),
# and completed nothing after sqlite:///, where suggest's --db URL completed the file.
test_expect_success "gpu-monitor --db sqlite:///ru<TAB>, as suggest --db: runs.d after the ':' (whole without ':')" '
  [ "$(comp "$dflt" gpu-monitor --db sqlite : ///ru)" = "///runs.d" ] &&
  [ "$(comp "$bare" gpu-monitor --db sqlite:///ru)" = "sqlite:///runs.d" ]'
