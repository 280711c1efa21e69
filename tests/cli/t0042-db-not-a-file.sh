#!/usr/bin/env bash
# A --db (--from, --to) that names a FIFO or a device (/dev/null) is not a file a study can be
# kept in: suggest and study-copy --to said "open: disk I/O error (Illegal seek)", exit 3 (an
# internal error), and made FILE-journal beside it (as root: /dev/null-journal); gpu-monitor
# said "cannot open: disk I/O error"; the readers called a FIFO "an empty file". Each now says
# "FILE: is not a regular file, expected a study database file", exit 2, as it says "is a
# directory" for a folder, and leaves the FIFO and its folder as they were. (A FIFO here: a
# device could only be made by root, and /dev/null is not a test's to write beside.)
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json >/dev/null
mkfifo f
echo '{"study":"kws","trial":0,"params":{}}' >line
said() {  # NAME FILE COMMAND...: exit 2, "TOOL: [--OPT FILE: ]FILE: is not a regular file, ..."
  local name=$1 file=$2; shift 2
  local rc=0
  timeout 20 "$@" >out 2>err </dev/null || rc=$?
  if [ "$rc" = 2 ] && grep -q -- "$file: is not a regular file, expected a study database file$" err && [ ! -s out ] &&
     [ "$(ls)" = "$(cat files)" ]; then echo "ok $name"
  else echo "FAIL $name: exit $rc, stderr: $(head -c 300 err | tr '\n' ' '); files: $(ls | tr '\n' ' ')"; fi
}
ls >files; echo err >>files; echo out >>files; sort -o files files
said "suggest --db FIFO" f suggest --db f --config c.json
said "... as sqlite:///FIFO" f suggest --db sqlite:///f --config c.json
said "tell" f tell --db f --study kws --trial 0 --state fail
said "prune-check" f prune-check --db f --study kws --trial 0 --step 1 --value 0.5
said "report" f report --db f
said "study-copy --from" f study-copy --from f --to new.db
said "study-copy --to" f study-copy --from s.db --to f
said "gpu-monitor --db" f gpu-monitor --db f -n 1 -q
said "train-trial" f train-trial --db f --features nope.feat --device cpu --quiet line
test_expect_success "the FIFO is one still" '[ -p f ]'
# "s.db/" (the study file, then '/'): stat's ENOTDIR was taken for a missing file, so suggest made
# a trial in s.db (SQLite drops the '/') while tell said "no such study database"
n=$(sqlite3 s.db "SELECT count(*) FROM trials")
for t in "suggest --db s.db/ --config c.json" "tell --db s.db/ --study kws --trial 0 --state fail"; do
  test_expect_code 2 "${t%% *} --db s.db/" $t
  test_expect_success "... says the path goes on after a file; the study as it was" '
    grep -qx "${t%% *}: s.db/: not a directory: the path goes on after a file (a ./. after the file.s name?), expected a study database file" err &&
    [ ! -s out ] && [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = "$n" ] && [ "$(sqlite3 s.db "SELECT state FROM trials WHERE number = 0")" = RUNNING ]'
done
