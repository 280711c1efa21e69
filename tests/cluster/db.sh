# tests/cluster/db.sh — study databases for the store tests (tests/cli/t0005, t0006, t0007),
# sourced after tests/cli/lib.sh. By default SQLite files in the test's directory; under
# `make check-cluster` (WS_PG_HOST and WS_PG_PORT set, tests/cluster/run.sh) a fresh database
# on the throwaway PostgreSQL server, so the same cases run against both backends.

# db_new NAME: prints the URL of a new, empty study database.
db_new() {
  if [ -n "${WS_PG_HOST:-}" ]; then
    local name="ws_${1}_$$_${RANDOM}"
    createdb -h "$WS_PG_HOST" -p "$WS_PG_PORT" -U postgres "$name" >&2 || return 1
    echo "postgresql://postgres@/$name?host=$WS_PG_HOST&port=$WS_PG_PORT"
  else
    echo "$1.db"
  fi
}

# db_sqlalchemy URL: the same database as Optuna's storage URL.
db_sqlalchemy() {
  case $1 in postgresql://*) echo "$1" ;; *) echo "sqlite:///$1" ;; esac
}

# dbq URL SQL: runs SQL and prints the rows as sqlite3 does (columns joined by |). Booleans
# come back as 1/0 on both when written as CASE WHEN ... THEN 1 ELSE 0 END.
dbq() {
  case $1 in
    postgresql://*) psql -X -q -A -t -F '|' -v ON_ERROR_STOP=1 -d "$1" -c "$2" ;;
    *) sqlite3 "$1" "$2" ;;
  esac
}

# db_integrity URL: "ok" when the database is sound. SQLite: PRAGMA integrity_check. PostgreSQL
# has no such pragma; the checks that matter there (unique keys, foreign keys) are enforced by
# the server, so this verifies that every foreign key still resolves.
db_integrity() {
  case $1 in
    postgresql://*) dbq "$1" "SELECT CASE WHEN (SELECT count(*) FROM trial_params p LEFT JOIN trials t USING (trial_id)
                         WHERE t.trial_id IS NULL) + (SELECT count(*) FROM trial_intermediate_values v LEFT JOIN trials t
                         USING (trial_id) WHERE t.trial_id IS NULL) = 0 THEN 'ok' ELSE 'dangling rows' END" ;;
    *) sqlite3 "$1" 'PRAGMA integrity_check' ;;
  esac
}

# db_backend: "postgresql" or "sqlite", for test names.
db_backend() { [ -n "${WS_PG_HOST:-}" ] && echo postgresql || echo sqlite; }
