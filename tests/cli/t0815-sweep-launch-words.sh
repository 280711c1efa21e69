#!/usr/bin/env bash
# LAUNCH is a prefix the recipe's shell reads: its command may be written as the shell takes it
# (quoted, escaped, ~/...), and check-vars.sh's check that the command is there must take what
# the shell would run, not refuse it. A launcher in a folder with a space notes its arguments.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-launch 1
mkdir -p "my dir"
cat >"my dir/launch it.sh" <<SH
#!/usr/bin/env bash
# one write a line (two trials launch at once: a printf and then an echo interleaved their lines)
printf '%s\n' "\$(printf '[%s]' "\$@")" >>"$TMP/launch.log"
shift; exec "\$@"
SH
chmod +x "my dir/launch it.sh"

# A backslash before the space: the shell runs it, but the check split the value at blanks and
# looked for a command named '.../my\' (exit 2, "no command to run"); only a quote, $ or ` in
# the word left it to the shell.
test_expect_code 0 "make sweep LAUNCH='.../my\\ dir/launch\\ it.sh \"a b\"' runs" \
  tone_sweep esc LAUNCH="$TMP/my\\ dir/launch\\ it.sh \"a b\""
test_expect_success "... each trial through the launcher, its argument one word" '
  [ "$(grep -c "^\[a b\]\[bash\]\[pipelines/trial.sh\]\[$TMP/esc/trial-00[01].json\]$" launch.log)" = 2 ] &&
  [ "$(cat esc/trial-*.json | jq -r .state | sort | uniq -c | xargs)" = "2 COMPLETE" ]'
# ~/...: the recipe's shell expands it, the check took it literally.
mkdir home && ln -s "$TMP/my dir" home/bin
test_expect_code 0 "make -n sweep LAUNCH='~/bin/launch\\ it.sh x' (HOME with the launcher) is not refused" \
  env HOME="$TMP/home" make -s -n -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" sweep DATA="$TMP/tones/manifest.jsonl" \
  FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 RUNS="$TMP/tl" LAUNCH="~/bin/launch\\ it.sh x"
test_expect_code 2 "... while a ~/ command that is not there still is" \
  env HOME="$TMP/home" make -s -n -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" sweep DATA="$TMP/tones/manifest.jsonl" \
  FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 RUNS="$TMP/tl" LAUNCH="~/bin/nolaunch.sh x"
test_expect_success "... naming LAUNCH and the command" 'grep -qF "no command '\''~/bin/nolaunch.sh'\'' to run" err'

# The launcher follows the sweep's NAME=VALUE words in the recipe (SWEEP_ENV), where a shell
# keyword is no keyword: LAUNCH="time -p" runs the program time, not bash's keyword. The check
# took the keyword for a command that is there, and where no program time is installed (Debian's
# time package is optional) every trial failed with "command not found" (127), the sweep going
# on to its report with none run. A PATH of this machine's commands but time stands for one.
# (the first of each name on PATH, as the shell finds it; one ln for them all: an ln per command
# was some 3000 processes, most of this file's CPU time)
mkdir notime
declare -A seen=(); links=()
for d in ${PATH//:/ }; do for f in "$d"/*; do
  [ "${f##*/}" = time ] || [ -n "${seen[${f##*/}]+x}" ] || { seen[${f##*/}]=1; links+=("$f"); }
done; done
ln -s -- "${links[@]}" notime/ 2>/dev/null
test_expect_code 2 "LAUNCH='time -p' with no program time on PATH is refused" \
  env PATH="$TMP/notime" make -s -n -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" sweep DATA="$TMP/tones/manifest.jsonl" \
  FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 RUNS="$TMP/tk" LAUNCH="time -p"
test_expect_success "... naming it" 'grep -qF "no command '\''time'\'' to run" err'
test_expect_code 0 "... a builtin (exec) is not" \
  env PATH="$TMP/notime" make -s -n -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" sweep DATA="$TMP/tones/manifest.jsonl" \
  FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=1 RUNS="$TMP/tk" LAUNCH="exec"
