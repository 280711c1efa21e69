#!/usr/bin/env bash
# A RUNS whose trial files the study of this sweep did not make: make takes a trial file that is
# there for done, so a sweep of another STUDY in that RUNS, or of the same study after its study
# file was removed, ran only the targets without a file, in a study that then held fewer than
# TRIALS trials, and ended 0 (with a TRIALS no higher, report's 'unknown study' or 'no such study
# database' after the fact). Refused when make reads the makefiles (exit 2, naming RUNS and the
# study its files hold, or DB), before anything runs; the same sweep with its study goes on.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-runs 1
ntrials() { sqlite3 "$1" "SELECT count(*) FROM trials JOIN studies USING (study_id) WHERE study_name = '$2'"; }

test_expect_code 0 "a sweep of 2 trials" tone_sweep r
test_expect_code 2 "another STUDY in that RUNS, TRIALS=3: refused" tone_sweep r TRIALS=3 STUDY=other
test_expect_success "... naming RUNS and the study its trial files hold, before anything ran" '
  grep -qF "RUNS: '\''$TMP/r'\'' holds the trial files of study '\''tones-runs'\'', not of STUDY '\''other'\''" err &&
  [ ! -e r/trial-002.json ] && [ "$(ntrials r/study.db other)" = 0 ]'
test_expect_code 2 "... TRIALS=2 (every target has a file): refused the same" tone_sweep r STUDY=other
test_expect_success "... with that message, not report's" 'grep -qF "not of STUDY '\''other'\''" err && ! grep -q "^report:" err'
test_expect_code 0 "another STUDY in the same study file with a RUNS of its own goes" \
  tone_sweep r2 STUDY=other DB="$TMP/r/study.db"
test_expect_success "... its 2 trials in its study" '[ "$(ntrials r/study.db other)" = 2 ]'

# The study file removed, the trial files left.
test_expect_success "the study file removed" 'mv r/study.db saved.db && rm -f r/study.db-wal r/study.db-shm'
test_expect_code 2 "make sweep TRIALS=3: refused" tone_sweep r TRIALS=3
test_expect_success "... naming DB and RUNS, before anything ran (no study file made, no trial)" '
  grep -qF "DB: '\''$TMP/r/study.db'\'': no such study database, but RUNS '\''$TMP/r'\'' holds trial files of study '\''tones-runs'\''" err &&
  [ ! -e r/study.db ] && [ ! -e r/trial-002.json ]'
test_expect_code 2 "... DB as sqlite:///PATH: refused the same" tone_sweep r TRIALS=3 DB="sqlite:///$TMP/r/study.db"
test_expect_success "... naming it" 'grep -qF "DB: '\''sqlite:///$TMP/r/study.db'\'': no such study database" err && [ ! -e r/study.db ]'
test_expect_success "the study file back, TRIALS=3: one more trial, 3 in the study" '
  mv saved.db r/study.db && tone_sweep r TRIALS=3 >b.out 2>b.err && [ "$(ntrials r/study.db tones-runs)" = 3 ] &&
  [ "$(cat r/trial-*.json | jq -r .state | sort | uniq -c | tr -s " ")" = " 3 COMPLETE" ]'
test_expect_success "... and the trial files removed, the study file too, a sweep begins again" '
  rm -f r/trial-*.json r/report.* r/study.db* && tone_sweep r >c.out 2>c.err && [ "$(ntrials r/study.db tones-runs)" = 2 ]'
