#!/usr/bin/env bash
# Optuna's storage URL sqlite:///FILE?timeout=30 is SQLAlchemy's: what follows '?' is a query
# (arguments to Python's sqlite3.connect) and Optuna opens FILE. Every tool took the whole rest
# for the file name: suggest made (and the others used) a file "FILE?timeout=30", another study
# than Optuna's, in silence. Such a query is refused now (exit 2, saying why and what to give),
# before any file is made; a plain path keeps its '?' (Optuna takes no plain path).
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json >/dev/null
msg="a query ('?...') after sqlite:///FILE, which Optuna (SQLAlchemy) passes to Python's sqlite3 while it opens FILE, is not taken (WS_DB_BUSY_S sets the wait for a lock): give sqlite:///FILE alone"
test_expect_code 2 "suggest --db sqlite:///n.db?timeout=30" suggest --db 'sqlite:///n.db?timeout=30' --config c.json
test_expect_success "... says why; no file made" 'grep -qxF "suggest: --db: $msg" err && [ -z "$(ls | grep "^n\.db")" ]'
test_expect_code 2 "tell --db sqlite:///s.db?timeout=30" tell --db 'sqlite:///s.db?timeout=30' --study kws --trial 0 --state fail
test_expect_success "... says why; trial 0 still RUNNING" '
  grep -qxF "tell: --db: $msg" err && [ "$(sqlite3 s.db "SELECT state FROM trials")" = RUNNING ]'
test_expect_code 2 "study-copy --to sqlite:///c.db?x=1" study-copy --from s.db --to 'sqlite:///c.db?x=1'
test_expect_success "... says why; no file made" 'grep -qF "study-copy: --to: $msg" err && [ -z "$(ls | grep "^c\.db")" ]'
# gpu-monitor's wait for a lock is WS_MONITOR_BUSY_S (gpu-monitor.1); WS_DB_BUSY_S, which the
# message named to it, it never reads
test_expect_code 2 "gpu-monitor --db sqlite:///g.db?timeout=30" gpu-monitor -q -n 1 -i 0.01 --db 'sqlite:///g.db?timeout=30'
test_expect_success "... names the variable gpu-monitor reads, no other; no file made" '
  grep -qF "WS_MONITOR_BUSY_S sets its wait for a lock" err && ! grep -q WS_DB_BUSY_S err && [ -z "$(ls | grep "^g\.db")" ]'
test_expect_code 0 "a plain path with '?' is a file name" suggest --db 'p?.db' --config c.json
test_expect_success "... that file" '[ "$(sqlite3 "p?.db" "SELECT count(*) FROM trials")" = 1 ]'
# SQLite opens a name starting "file:" as a URI (as Python's sqlite3, and Optuna, open it): the
# tools checked and made the file "file:u.db" (empty), stored the study in u.db, and every later
# reader refused the empty file; file:m?mode=memory kept the trial in memory only, exit 0
urimsg="a name starting 'file:', which SQLite opens as a URI (file:s.db opens s.db), is not taken: give the path itself (./file:... for a file so named)"
test_expect_code 2 "suggest --db file:u.db" suggest --db file:u.db --config c.json
test_expect_success "... says why; no file made" 'grep -qxF "suggest: --db: $urimsg" err && [ -z "$(ls | grep "u\.db")" ]'
test_expect_code 2 "suggest --db 'file:m?mode=memory'" suggest --db 'file:m?mode=memory' --config c.json
test_expect_success "... says why; no trial line" 'grep -qxF "suggest: --db: $urimsg" err && [ ! -s out ]'
test_expect_code 2 "report --db sqlite:///file:s.db" report --db sqlite:///file:s.db
test_expect_success "... says why" 'grep -qxF "report: --db: $urimsg" err'
test_expect_code 0 "./file:u.db is a file name" suggest --db ./file:u.db --config c.json
test_expect_success "... that file" '[ "$(sqlite3 ./file:u.db "SELECT count(*) FROM trials")" = 1 ] && [ ! -e u.db ]'
# :memory: (Optuna's sqlite:///:memory:) is SQLite's private in-memory database: suggest printed a
# trial of a study lost at its exit (exit 0) and made an empty file ":memory:" that readers refused
memmsg="':memory:', SQLite's private in-memory database, would be lost when the tool exits: give a study file (./:memory: for a file so named)"
test_expect_code 2 "suggest --db :memory:" suggest --db :memory: --config c.json
test_expect_success "... says why; no trial line, no file" 'grep -qxF "suggest: --db: $memmsg" err && [ ! -s out ] && [ ! -e ./:memory: ]'
test_expect_code 2 "suggest --db sqlite:///:memory:" suggest --db sqlite:///:memory: --config c.json
test_expect_success "... says why" 'grep -qxF "suggest: --db: $memmsg" err && [ ! -s out ]'
