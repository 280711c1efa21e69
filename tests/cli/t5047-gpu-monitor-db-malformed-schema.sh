#!/usr/bin/env bash
# gpu-monitor --db on a study file whose damage SQLite finds only when the schema is written
# (its header's largest root page, bytes 52-55, set on a file without auto-vacuum: a read of the
# study goes on, CREATE TABLE says "database disk image is malformed"): the samples table's
# creation is where gpu-monitor met it, and it exited 3, an internal error, where a damaged study
# file is bad input, exit 2, to every tool (t5036, which covers damage found on opening). The
# reference for the damage: SQLite's own shell refuses a CREATE TABLE there, and its quick_check
# names the header.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 3 >/dev/null
command sqlite3 s.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
n=0
for root in '\x00\x00\x00\x01' '\x00\x00\x00\x07' '\xff\xfe\x7f\x00'; do
  n=$((n + 1))
  cp s.db "d$n.db"
  printf "$root" | dd of="d$n.db" bs=1 seek=52 conv=notrunc 2>/dev/null
  cp "d$n.db" "ref$n.db"
  test_expect_success "(SQLite's shell: a CREATE TABLE in d$n.db is refused as malformed)" "
    ! command sqlite3 ref$n.db 'CREATE TABLE x (a)' 2>ref.err && grep -q 'database disk image is malformed' ref.err"
  test_expect_code 2 "gpu-monitor --db d$n.db (header's root page $root): exit 2, bad input" \
    gpu-monitor --db "d$n.db" --count 1 --quiet
  test_expect_success "... names the file and the damage, and prints no sample" "
    grep -q '^gpu-monitor: d$n.db: .*database disk image is malformed' err && [ ! -s out ]"
done
