#!/usr/bin/env bash
# study-copy killed (SIGTERM, SIGKILL) while it copies into a new SQLite file left that file
# behind with Optuna's tables and no study, which the next copy or a suggest took for a study
# file. The new file is now made under a temporary name beside it and put in place when the
# copy is whole: a killed copy leaves no --to file (SIGTERM: nothing at all; SIGKILL: only the
# temporary, which the next copy to that file removes), and the next copy is whole.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json >/dev/null
# 10001 trials: writing them takes long enough (about 0.5 s) to be killed in the middle
sqlite3 s.db "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 10000)
  INSERT INTO trials (trial_id, number, study_id, state, datetime_start)
    SELECT i + 1, i, 1, 'FAIL', '2026-12-05 20:40:43.299074' FROM k;
  INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json)
    SELECT t.trial_id, p.param_name, p.param_value, p.distribution_json FROM trials t, trial_params p
    WHERE p.trial_id = 1 AND t.trial_id > 1"
# whole: no t.db, or one with the whole study (the copy finished before the signal came)
whole() { [ ! -e t.db ] || [ "$(sqlite3 t.db "SELECT count(*) FROM trials")" = 10001 ]; }
for sig in TERM KILL; do
  study-copy --from s.db --to t.db >out 2>err & pid=$!
  # the signal once the copy writes: once --to (or a temporary beside it) is there
  for i in $(seq 1000); do [ -n "$(ls -d t.db t.db.tmp.* 2>/dev/null)" ] && break; sleep 0.005; done
  sleep 0.05
  kill -$sig $pid 2>/dev/null; wait $pid; rc=$?
  test_expect_success "SIG$sig: no half-written --to file (exit $rc)" whole
  [ $sig = TERM ] && test_expect_success "... nothing else left either" '[ -z "$(ls -d t.db.* 2>/dev/null)" ]'
  rm -f t.db
done
test_expect_code 0 "a copy after a killed one" study-copy --from s.db --to t.db
test_expect_success "... whole; the killed one's temporaries are gone" '
  [ "$(sqlite3 t.db "SELECT count(*) FROM trials")" = 10001 ] && [ -z "$(ls -d t.db.* 2>/dev/null)" ] &&
  [ "$(sqlite3 t.db "PRAGMA integrity_check")" = ok ]'
test_expect_code 2 "a copy into the file made so: the study is there already" study-copy --from s.db --to t.db
