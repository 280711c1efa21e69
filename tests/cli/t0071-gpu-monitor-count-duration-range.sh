#!/usr/bin/env bash
# gpu-monitor(1) gives the values --count and --duration take: it said only "Stop after N
# samples" and "Stop after SECONDS", while gpu-monitor refuses a count outside 1 to 2^50 and a
# duration that is not a finite number above 0 (exit 2). The range is read from the man page's
# entry and tried on gpu-monitor at both ends and just past them.
. "$WS_ROOT/tests/cli/lib.sh"
# entry OPTION: the man page's text of OPTION's entry, as plain words on one line
entry() {
  awk -v o="$1" '/^\.SH/ { on = ($0 ~ /OPTIONS/); next } on && /^\.TP/ { tag = 1; take = 0; next }
    on && tag { tag = 0; take = (index($0, o) > 0); next } on && take' "$WS_ROOT/share/man/man1/gpu-monitor.1" |
    sed 's/\\-/-/g; s/\\f.//g' | tr '\n' ' ' | tr -s ' '
}
entry '\-\-count' >count.man
entry '\-\-duration' >duration.man
low=$(grep -oE '[0-9]+ to [0-9]+' count.man | head -1 | cut -d' ' -f1)
high=$(grep -oE '[0-9]+ to [0-9]+' count.man | head -1 | cut -d' ' -f3)
test_expect_success "gpu-monitor(1)'s --count gives its range, LOW to HIGH, and that another value is exit 2" '
  [ -n "$low" ] && [ -n "$high" ] && grep -q "usage error, exit status 2" count.man'
test_expect_code 2 "--count below the documented range ($((low - 1)))" gpu-monitor -q -i 0.01 --count "$((low - 1))"
test_expect_code 2 "--count above it ($((${high:-0} + 1)))" gpu-monitor -q -i 0.01 --count "$((${high:-0} + 1))"
test_expect_code 0 "--count at its low end: one sample" gpu-monitor -q -i 0.01 --count "$low"
test_expect_success "... one line" '[ "$(wc -l <out)" = 1 ]'
test_expect_code 0 "--count at its high end, stopped by --duration" gpu-monitor -q -i 0.01 --count "$high" --duration 0.05
test_expect_success "gpu-monitor(1)'s --duration says it takes a finite number above 0, another being exit 2" '
  grep -q "a finite number above 0 (another value is a usage error, exit status 2)" duration.man'
for d in 0 -1 inf nan; do
  test_expect_code 2 "--duration $d" gpu-monitor -q -i 0.01 --duration "$d"
done
test_expect_code 0 "--duration 0.03" gpu-monitor -q -i 0.01 --duration 0.03
