#!/usr/bin/env bash
# share/completion.bash: bash completion for every tool, its options read from the tool's --help.
. "$WS_ROOT/tests/cli/lib.sh"
C=$WS_ROOT/share/completion.bash
# comp WORD...: what TAB offers after the words (the last one the word being completed), one a
# line, sorted; run in a bash of its own, as an interactive shell would source the file.
comp() { bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _wakesweep; printf "%s\n" "${COMPREPLY[@]}" | sort' comp "$C" "$@"; }
test_expect_success "it registers every tool" '
  for t in "$WS_BIN"/*; do bash -c ". \"\$1\"; complete -p \"\$2\"" x "$C" "$(basename "$t")" >/dev/null || exit 1; done'
for t in "$WS_BIN"/*; do
  n=$(basename "$t")
  test_expect_success "$n --<TAB> offers the options of its --help" '
    comp "$t" -- >got && "$t" --help | grep -E "^ {1,8}-" | grep -oE -- "--[a-z][a-z-]*" | sort -u >want && diff want got'
done
test_expect_success "report --format <TAB>: the formats report takes" '
  [ "$(comp report --format "" | tr "\n" " ")" = "csv html json jsonl text " ] &&
  [ "$(comp report --format j | tr "\n" " ")" = "json jsonl " ] && [ "$(comp report --format = j | tr "\n" " ")" = "json jsonl " ]'
test_expect_success "... each of them accepted by report" '
  suggest --db s.db --config "$WS_ROOT/tests/cli/study.json" >/dev/null &&
  for f in $(comp report --format ""); do report --db s.db --format "$f" >/dev/null || exit 1; done'
test_expect_success "tell --state, train-trial --device/--keep/--split, gpu-monitor --fallback: their choices" '
  [ "$(comp tell --state p)" = pruned ] && [ "$(comp train-trial --device c | tr "\n" " ")" = "cpu cuda " ] &&
  [ "$(comp train-trial --keep n)" = none ] && [ "$(comp train-trial --split v)" = validation ] &&
  [ "$(comp gpu-monitor --fallback n)" = none ]'
mkdir -p dir.d && : >cache.feat
test_expect_success "a FILE, CACHE or URL option completes files, a DIR option folders, a short one too" '
  [ "$(comp featurize --out ca)" = cache.feat ] && [ "$(comp featurize -o ca)" = cache.feat ] &&
  [ "$(comp suggest --db s.d)" = s.db ] && [ "$(comp train-trial --ckpt-dir "")" = dir.d ]'
test_expect_success "an option whose value is a name or a number completes nothing" '
  [ -z "$(comp tell --trial "")" ] && [ -z "$(comp suggest --study "")" ] && [ -z "$(comp featurize -j "")" ]'
# File names were split into words: "my cache.feat" came back as "my" and "cache.feat", and a
# name with a * was taken for a pattern.
: >"my cache.feat" && : >"g*.db" && : >g1.db
test_expect_success "a file name with a space is one completion, of an option's value and of TRIAL_FILE" '
  [ "$(comp featurize --out my)" = "my cache.feat" ] && [ "$(comp train-trial my)" = "my cache.feat" ]'
test_expect_success "... and a * in one is no pattern" '[ "$(comp suggest --db "g*" | tr "\n" " ")" = "g*.db " ]'
# The command as typed, ~/.../bin/suggest: COMP_WORDS holds the ~ unexpanded (the shell expands
# it only when the line runs), and run as it stood it was no command, so nothing was offered.
mkdir -p home && ln -s "$WS_BIN" home/wsbin
test_expect_success "~/.../bin/suggest --f<TAB> and ~/.../bin/report --format j<TAB>: as for suggest on PATH" '
  [ "$(HOME=$TMP/home comp "~/wsbin/suggest" --f | tr "\n" " ")" = "--fixed --force " ] &&
  [ "$(HOME=$TMP/home comp "~/wsbin/report" --format j | tr "\n" " ")" = "json jsonl " ]'
# ... and so does a leading variable, $WS/bin/suggest or ${WS}/bin/suggest (the shell's, here
# exported to comp's bash)
test_expect_success "\$WS/bin/suggest --f<TAB> and \${WS}/bin/report --format j<TAB>: as for suggest on PATH" '
  [ "$(WS=$TMP/home/wsbin comp "\$WS/suggest" --f | tr "\n" " ")" = "--fixed --force " ] &&
  [ "$(WS=$TMP/home/wsbin comp "\${WS}/report" --format j | tr "\n" " ")" = "json jsonl " ]'
# A shell with set -u (nounset, in some users' ~/.bashrc): the function read a variable it had
# declared without a value, and TAB printed "arg: unbound variable" instead of completing.
compu() { bash -uc '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _wakesweep; printf "%s\n" "${COMPREPLY[@]}" | sort' comp "$C" "$@"; }
test_expect_success "under set -u: suggest --f<TAB>, report --format j<TAB>, featurize --out ca<TAB>" '
  [ "$(compu suggest --f 2>&1 | tr "\n" " ")" = "--fixed --force " ] &&
  [ "$(compu report --format j 2>&1 | tr "\n" " ")" = "json jsonl " ] && [ "$(compu featurize --out ca 2>&1)" = cache.feat ]'
