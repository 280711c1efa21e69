#!/usr/bin/env bash
# gpu-monitor --db checks its path as the study tools check theirs: "s.db/" (a file, then '/')
# was opened as s.db (SQLite drops the '/'), and the samples went into the study that every
# other tool refuses to open by that name ("not a directory: ..."); a file in a folder that is
# not there said only "cannot open: unable to open database file". Both exit 2, in the words
# the study tools use.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json >/dev/null
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1 -q -n 1 -i 0.01)
tables() { sqlite3 s.db "SELECT count(*) FROM sqlite_master WHERE name = 'wakesweep_gpu_samples'"; }

test_expect_code 2 "tell --db s.db/ (the study tools' answer)" tell --db s.db/ --study kws --trial 0 --state fail
cp err tell.err
test_expect_code 2 "gpu-monitor --db s.db/" gpu-monitor "${NOGPU[@]}" --db s.db/
test_expect_success "... says it as the study tools do; nothing sampled, nothing stored in s.db" '
  [ "$(sed "s/^gpu-monitor:/tell:/" err)" = "$(cat tell.err)" ] && [ ! -s out ] && [ "$(tables)" = 0 ]'

test_expect_code 2 "suggest --db nodir/x.db (the study tools' answer)" suggest --db nodir/x.db --config c.json
cp err suggest.err
test_expect_code 2 "gpu-monitor --db nodir/x.db" gpu-monitor "${NOGPU[@]}" --db nodir/x.db
test_expect_success "... says the folder is not there, as the study tools do" '
  grep -qxF "gpu-monitor: nodir/x.db: directory '\''nodir'\'' does not exist" err &&
  [ "$(sed "s/^gpu-monitor:/suggest:/" err)" = "$(cat suggest.err)" ] && [ ! -e nodir ]'

# a link into a folder that is not there: SQLite follows it and said only "unable to open
# database file"; the link, its target and the missing folder are named, exit 2, nothing made
ln -s gone/x.db link.db
want="link.db: a link to 'gone/x.db', whose directory 'gone' does not exist"
test_expect_code 2 "suggest --db LINK into a missing folder" suggest --db link.db --config c.json
test_expect_success "... names the link and the missing folder" 'grep -qxF "suggest: $want" err && [ ! -e gone ]'
test_expect_code 2 "gpu-monitor --db LINK into a missing folder" gpu-monitor "${NOGPU[@]}" --db link.db
test_expect_success "... says it as the study tools do" 'grep -qxF "gpu-monitor: $want" err && [ ! -s out ] && [ ! -e gone ]'
mkdir here && ln -s here/y.db link2.db
test_expect_code 0 "a link into a folder that is there: the study is made at its target" suggest --db link2.db --config c.json
test_expect_success "... here/y.db" '[ -s here/y.db ] && [ -L link2.db ]'
