#!/usr/bin/env bash
# gpu-monitor --db takes the study database URL every other tool takes, and opens it through the
# same store layer (ws_store_open): the samples go into the study the others read, and a --db
# they refuse is refused with their words. It opened the file itself, from what it took for a
# path: a URL the store does not take (mysql://, sqlite:// with two slashes, SQLITE:///, http://)
# read as a file in a folder that is not there ("directory 'mysql://u@h' does not exist"), a file
# the study tools refuse (another Optuna schema version, a 'studies' table without Optuna's
# others) got a samples table and rows, exit 0, and a file that is no database was "setting up
# the connection: ...". report's message on the same --db is the reference: like gpu-monitor now,
# it reads the file's schema before anything is written to it (suggest and tell first switch it
# to WAL mode, and say "setting WAL mode: file is not a database"). A PostgreSQL study is taken
# too (it was refused, naming --pidfile): t0948 and tests/cluster/t0206.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q -n 1 -i 0.01)
rows() { sqlite3 "$1" "SELECT count(*) FROM wakesweep_gpu_samples WHERE kind = 'device'" 2>/dev/null || echo none; }
has_samples() { [ "$(sqlite3 "$1" "SELECT count(*) FROM sqlite_master WHERE name = 'wakesweep_gpu_samples'")" = 1 ]; }
suggest --db s.db --config c.json --n 0 >/dev/null

# The forms every tool takes, of one study file: the samples go there, where report finds them.
n=0
for u in s.db sqlite:///s.db "sqlite:///$TMP/s.db" "$TMP/s.db"; do
  test_expect_code 0 "gpu-monitor --db $u" gpu-monitor "${NOGPU[@]}" --db "$u"
  n=$((n + 1))
  test_expect_success "... its sample in s.db ($n so far), beside the study" \
    "[ \"\$(rows s.db)\" = $n ] && [ \"\$(sqlite3 s.db 'SELECT study_name FROM studies')\" = kws ]"
done
test_expect_code 0 "report --db sqlite:///s.db reads the study the samples went into" report --db sqlite:///s.db

# same NAME DB: gpu-monitor --db DB says what report says of it (exit 2), and samples nothing
same() {
  report --db "$2" >/dev/null 2>report.err
  test_expect_code 2 "$1: gpu-monitor --db '$2'" gpu-monitor "${NOGPU[@]}" --db "$2"
  test_expect_success "... refused as report refuses it, nothing sampled" "
    [ -s report.err ] && [ \"\$(sed 's/^gpu-monitor:/report:/' err)\" = \"\$(cat report.err)\" ] && [ ! -s out ]"
  rm -f report.err
}
for u in "mysql://u@h/db" "sqlite://f.db" "SQLITE:///s.db" "http://x/y.db"; do
  same "a URL the store does not take" "$u"
  test_expect_success "... no file or folder made for it" '[ -z "$(ls -A | grep -v -x -e s.db -e c.json -e out -e err -e .t.out -e .t.err -e "s.db-.*")" ]'
  test_expect_success "... and suggest says the same of it" "suggest --db '$u' --config c.json --n 0 2>&1 >/dev/null |
    [ \"\$(cat)\" = \"\$(sed 's/^gpu-monitor:/suggest:/' err)\" ]"
done

suggest --db v11.db --config c.json --n 0 >/dev/null && sqlite3 v11.db "UPDATE version_info SET schema_version = 11"
same "a study file of Optuna schema version 11" v11.db
test_expect_success "... no samples table made in it" '! has_samples v11.db'
sqlite3 other.db "CREATE TABLE studies (a TEXT)"
same "a table 'studies' and none of Optuna's others" other.db
test_expect_success "... no samples table made in it" '! has_samples other.db'
printf 'not a database, some text\n%.0s' $(seq 200) >text.db
same "a file that is no database" text.db

# A PostgreSQL study is no longer refused: its server (none here) is tried, and the sample printed.
test_expect_code 0 "gpu-monitor --db postgresql://...: taken" env WS_MONITOR_BUSY_S=0 gpu-monitor "${NOGPU[@]}" \
  --db postgresql://u@127.0.0.1:1/db
test_expect_success "... its sample printed, said not stored" '
  [ "$(jq -s length out)" = 1 ] && grep -q "not stored: the database server does not answer" err'
