#!/usr/bin/env bash
# -h is --help for every tool: gpu-monitor alone said "unknown option '-h'" (exit 2). Each tool's
# -h prints what its --help prints (exit 0), its --help lists "-h, --help" (share/completion.bash
# reads those lines to map a short option to its long name), and its man page's OPTIONS name -h.
. "$WS_ROOT/tests/cli/lib.sh"
for t in "$WS_BIN"/*; do
  n=$(basename "$t")
  "$t" --help >help.txt 2>/dev/null
  test_expect_code 0 "$n -h" "$t" -h
  test_expect_success "... prints its --help" 'cmp out help.txt && [ ! -s err ]'
  test_expect_success "... which lists -h, --help" 'grep -qE "^ {1,8}-h, --help( |$)" help.txt'
  test_expect_success "... and $n(1) names -h" '
    sed "s/\\\\-/-/g; s/\\\\f.//g" "$WS_ROOT/share/man/man1/$n.1" | grep -qE "^\.BR -h \", \" --help\$"'
done
test_expect_code 0 "gpu-monitor -hq: -h among other short options" gpu-monitor -qh
test_expect_success "... is help too, nothing sampled" 'grep -q "^Usage: gpu-monitor" out && ! grep -q "\"t\":" out'
