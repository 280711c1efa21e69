#!/usr/bin/env bash
# report(1)'s --format text describes every line the text form prints: it named the "best: ..."
# line, the table and the importance, time and utilization lines, but not the first, "study NAME
# (DIRECTION): N trials: C complete, P pruned, R running, W waiting, F failed".
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 3 >/dev/null
tell --db s.db --study kws --trial 0 --state complete --value 0.9 --constraint 0.5 >/dev/null
tell --db s.db --study kws --trial 1 --state complete --value 0.5 --constraint -0.1 >/dev/null
test_expect_code 0 "report (text)" report --db s.db
# the man page's paragraph on the text form, rendered (no fonts, lines joined)
man1=$WS_ROOT/share/man/man1/report.1
awk '/^\\fBtext\\fR \(default\)/ { f = 1 } /^\\fBjson\\fR:/ { f = 0 } f' "$man1" | sed 's/\\f.//g; s/\\-/-/g' | tr '\n' ' ' >para
test_expect_success "the man page has a paragraph on the text form" '[ -s para ]'
# every line that is not the table's (its header begins " trial", its rows a number) begins with
# a word the paragraph quotes as that line's start
grep -vE '^ +(trial|[0-9]+) ' out | sed -E 's/^([a-z]+):? .*/\1/' | sort -u >kinds
test_expect_success "... the text form printed its lines (study, best, infeasible, ...)" \
  'grep -qx study kinds && grep -qx best kinds && grep -qx infeasible kinds && grep -qx utilization kinds'
while read -r k; do
  test_expect_success "... names the \"$k ...\" line" 'grep -qE "\"$k[: ]" para'
done <kinds
test_expect_success "... gives the first line's form" \
  'grep -qF "\"study NAME (DIRECTION): N trials: C complete, P pruned, R running, W waiting, F failed\"" para'
