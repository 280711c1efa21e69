#!/usr/bin/env bash
# make sweep's DB on a PostgreSQL server that answers: a database that is not there, or a role
# the server does not know, stopped the sweep only once the features were made and each job
# slot's suggest had failed; now make refuses it while it reads the makefiles (exit 2, report's
# message naming the URL), before anything runs. An empty database (no Optuna tables yet) and one
# that holds studies go, as does one whose study is this sweep's. (A server that does not
# answer: tests/cli/t0809.)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
. "$WS_ROOT/tests/cluster/db.sh"
if [ -z "${WS_PG_HOST:-}" ]; then
  test_skip "make sweep DB on PostgreSQL" "no PostgreSQL server (make check-cluster starts one)"; exit 0
fi
make_tone_cache tones
tone_sweep_config c.json pg-check 1
at="host=$WS_PG_HOST&port=$WS_PG_PORT"
dry() {  # NAME DB: make -n sweep (nothing would run either way), into $TMP/NAME
  ws_make -n sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/$1.feat" CONFIG="$TMP/c.json" TRIALS=2 \
    RUNS="$TMP/$1" DB="$2" "${@:3}"
}
untouched() { [ ! -e "$1" ] && [ ! -e "$1.feat" ]; }

test_expect_code 2 "make sweep DB=postgresql://.../NOSUCHDB is refused" dry nodb "postgresql://postgres@/nosuchdb?$at"
test_expect_success "... naming DB, the URL and the server's word, before anything ran" '
  grep -qF "DB: postgresql://postgres@/nosuchdb?$at: cannot connect:" err && grep -q "nosuchdb.*does not exist" err &&
  untouched nodb'
test_expect_code 2 "... a role the server does not know, with a password, is refused" \
  dry norole "postgresql://nobody:secret@/postgres?$at"
test_expect_success "... naming the role, the password left out" '
  grep -qF "DB: postgresql://nobody@/postgres?$at: cannot connect:" err && grep -q "nobody" err && ! grep -q secret err'

DB=$(db_new sweepcheck) || exit 1
test_expect_code 0 "an empty database (no Optuna tables yet) goes" dry empty "$DB"
test_expect_success "... and make would run the trials" 'grep -q "trial-001.json" out'
test_expect_success "a sweep runs on it" 'tone_sweep r DB="$DB" >sweep.out 2>sweep.err &&
  [ "$(cat r/trial-*.json | jq -r .state | sort | uniq -c | tr -s " ")" = " 2 COMPLETE" ]'
test_expect_code 0 "its study there, make sweep again goes (nothing to do)" tone_sweep r DB="$DB"
test_expect_code 0 "another study in that database goes" dry other "$DB" STUDY=another
# A schema that is not Optuna 3.1's (another version) is what every trial would refuse.
dbq "$DB" "UPDATE version_info SET schema_version = 11" >/dev/null
test_expect_code 2 "a database of another Optuna schema version is refused" dry old "$DB"
test_expect_success "... naming the version" 'grep -q "DB: postgresql://.*: Optuna schema version 11, expected 12" err && untouched old'
