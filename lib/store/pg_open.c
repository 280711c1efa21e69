/* pg_open.c — opening a PostgreSQL study database, creating Optuna 3.1's schema in it (the DDL
 * its SQLAlchemy models emit on PostgreSQL, read from a study Optuna made), and transactions. */
#include <stdlib.h>
#include <string.h>
#include "core/parse.h"
#include "store/pg_internal.h"

/* Optuna 3.1 on PostgreSQL: enum types for states, directions and value types; SERIAL keys
 * (integer + a sequence named table_column_seq, as SQLAlchemy makes them); constraint names
 * are PostgreSQL's defaults, which is what Optuna's tables carry. Plus two indexes of our own
 * (as sqlite_open.c says why), named so that Optuna's later migrations (ix_trials_study_id) do
 * not collide. */
/* wakesweep's own two indexes: in a new schema, and added to one Optuna made (check_schema) */
#define INDEXES_SQL "CREATE INDEX IF NOT EXISTS ws_trials_study_number ON trials (study_id, number);" \
                    "CREATE INDEX IF NOT EXISTS ws_trials_study_state ON trials (study_id, state);"
static const char schema_sql[] =
    "CREATE TYPE studydirection AS ENUM ('NOT_SET', 'MINIMIZE', 'MAXIMIZE');"
    "CREATE TYPE trialintermediatevaluetype AS ENUM ('FINITE', 'INF_POS', 'INF_NEG', 'NAN');"
    "CREATE TYPE trialstate AS ENUM ('RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING');"
    "CREATE TYPE trialvaluetype AS ENUM ('FINITE', 'INF_POS', 'INF_NEG');"
    "CREATE TABLE studies (study_id SERIAL NOT NULL, study_name VARCHAR(512) NOT NULL, PRIMARY KEY (study_id));"
    "CREATE UNIQUE INDEX ix_studies_study_name ON studies (study_name);"
    "CREATE TABLE version_info (version_info_id INTEGER NOT NULL, schema_version INTEGER, library_version VARCHAR(256), PRIMARY KEY (version_info_id), CHECK (version_info_id=1));"
    "CREATE TABLE study_directions (study_direction_id SERIAL NOT NULL, direction studydirection NOT NULL, study_id INTEGER NOT NULL, objective INTEGER NOT NULL, PRIMARY KEY (study_direction_id), UNIQUE (study_id, objective), FOREIGN KEY(study_id) REFERENCES studies (study_id));"
    "CREATE TABLE study_user_attributes (study_user_attribute_id SERIAL NOT NULL, study_id INTEGER, key VARCHAR(512), value_json TEXT, PRIMARY KEY (study_user_attribute_id), UNIQUE (study_id, key), FOREIGN KEY(study_id) REFERENCES studies (study_id));"
    "CREATE TABLE study_system_attributes (study_system_attribute_id SERIAL NOT NULL, study_id INTEGER, key VARCHAR(512), value_json TEXT, PRIMARY KEY (study_system_attribute_id), UNIQUE (study_id, key), FOREIGN KEY(study_id) REFERENCES studies (study_id));"
    "CREATE TABLE trials (trial_id SERIAL NOT NULL, number INTEGER, study_id INTEGER, state trialstate NOT NULL, datetime_start TIMESTAMP WITHOUT TIME ZONE, datetime_complete TIMESTAMP WITHOUT TIME ZONE, PRIMARY KEY (trial_id), FOREIGN KEY(study_id) REFERENCES studies (study_id));"
    "CREATE TABLE trial_user_attributes (trial_user_attribute_id SERIAL NOT NULL, trial_id INTEGER, key VARCHAR(512), value_json TEXT, PRIMARY KEY (trial_user_attribute_id), UNIQUE (trial_id, key), FOREIGN KEY(trial_id) REFERENCES trials (trial_id));"
    "CREATE TABLE trial_system_attributes (trial_system_attribute_id SERIAL NOT NULL, trial_id INTEGER, key VARCHAR(512), value_json TEXT, PRIMARY KEY (trial_system_attribute_id), UNIQUE (trial_id, key), FOREIGN KEY(trial_id) REFERENCES trials (trial_id));"
    "CREATE TABLE trial_params (param_id SERIAL NOT NULL, trial_id INTEGER, param_name VARCHAR(512), param_value FLOAT, distribution_json TEXT, PRIMARY KEY (param_id), UNIQUE (trial_id, param_name), FOREIGN KEY(trial_id) REFERENCES trials (trial_id));"
    "CREATE TABLE trial_values (trial_value_id SERIAL NOT NULL, trial_id INTEGER NOT NULL, objective INTEGER NOT NULL, value FLOAT, value_type trialvaluetype NOT NULL, PRIMARY KEY (trial_value_id), UNIQUE (trial_id, objective), FOREIGN KEY(trial_id) REFERENCES trials (trial_id));"
    "CREATE TABLE trial_intermediate_values (trial_intermediate_value_id SERIAL NOT NULL, trial_id INTEGER NOT NULL, step INTEGER NOT NULL, intermediate_value FLOAT, intermediate_value_type trialintermediatevaluetype NOT NULL, PRIMARY KEY (trial_intermediate_value_id), UNIQUE (trial_id, step), FOREIGN KEY(trial_id) REFERENCES trials (trial_id));"
    "CREATE TABLE trial_heartbeats (trial_heartbeat_id SERIAL NOT NULL, trial_id INTEGER NOT NULL, heartbeat TIMESTAMP WITHOUT TIME ZONE NOT NULL, PRIMARY KEY (trial_heartbeat_id), UNIQUE (trial_id), FOREIGN KEY(trial_id) REFERENCES trials (trial_id));"
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));"
    INDEXES_SQL
    "INSERT INTO version_info (version_info_id, schema_version, library_version) VALUES (1, 12, '3.1.0');"
    "INSERT INTO alembic_version (version_num) VALUES ('v3.0.0.d');";

enum { OPTUNA_SCHEMA_VERSION = 12 };
/* pg_advisory_xact_lock key: processes racing to create the schema take turns. */
#define SCHEMA_LOCK "7770312"
#define DEFAULT_RETRY_S 60.0

/* A scan of the catalog, not to_regclass(): that reads the syscache, whose negative entry from
 * before another process created the tables is not invalidated by an advisory lock. */
#define HAVE_TABLES "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() " \
                    "AND tablename = 'studies')"

#define HAVE_INDEXES "SELECT count(*) FROM pg_catalog.pg_indexes WHERE schemaname = current_schema() " \
                     "AND tablename = 'trials' AND indexname IN ('ws_trials_study_number', 'ws_trials_study_state')"

static int check_schema(ws_store *s, int create, int no_schema, ws_err *e)
{
    PGresult *r;
    if (ws_pg_exec(s, HAVE_TABLES, 0, NULL, 0, &r, "read schema", e)) return -1;
    int have = !strcmp(PQgetvalue(r, 0, 0), "t");
    PQclear(r);
    /* WS_STORE_NO_SCHEMA: a database without Optuna's tables is taken as it is (suggest makes them) */
    if (!have && create && no_schema) return 0;
    if (!have) {
        if (!create) return ws_err_set(e, WS_EINPUT, "%s: not a study database (no Optuna tables)", s->path);
        if (ws_pg_begin(s, e)) return -1;
        int ok = !ws_pg_run(s, "SELECT pg_advisory_xact_lock(" SCHEMA_LOCK ")", 0, NULL, "create schema", e)
                 && !ws_pg_exec(s, HAVE_TABLES, 0, NULL, 0, &r, "read schema", e);
        if (ok) {
            have = !strcmp(PQgetvalue(r, 0, 0), "t");
            PQclear(r);
            if (!have) ok = !ws_pg_run(s, schema_sql, 0, NULL, "create schema", e);
        }
        if (!ok) { ws_pg_rollback(s); return -1; }
        if (ws_pg_commit(s, e)) return -1;
    }
    if (ws_pg_exec(s, "SELECT schema_version FROM version_info WHERE version_info_id=1", 0, NULL, 0, &r,
                   "read version_info", e))
        return -1;
    int version = PQntuples(r) ? (int)strtol(PQgetvalue(r, 0, 0), NULL, 10) : -1;
    PQclear(r);
    if (version != OPTUNA_SCHEMA_VERSION)
        return ws_err_set(e, WS_EINPUT, "%s: Optuna schema version %d, expected %d (Optuna 3.x)", s->path, version,
                          OPTUNA_SCHEMA_VERSION);
    /* the first two rows: one is Optuna's, two are refused (ws_store_check_revision) */
    if (ws_pg_exec(s, "SELECT coalesce(version_num, 'NULL') FROM alembic_version ORDER BY 1 LIMIT 2", 0, NULL, 0, &r,
                   "read alembic_version", e))
        return -1;
    int n = PQntuples(r);
    int old = ws_store_check_revision(s->path, n > 0 ? PQgetvalue(r, 0, 0) : NULL, n > 1 ? PQgetvalue(r, 1, 0) : NULL, e);
    PQclear(r);
    if (old) return -1;
    /* A database Optuna made (or a wakesweep before them) gets our two indexes from the first
     * tool that may write to it, as a SQLite file does (sqlite_open.c); readers leave it as it
     * is. Under the schema lock: two CREATE INDEX IF NOT EXISTS at once, one fails. */
    if (!create) return 0;
    if (ws_pg_exec(s, HAVE_INDEXES, 0, NULL, 0, &r, "read schema", e)) return -1;
    int have_indexes = !strcmp(PQgetvalue(r, 0, 0), "2");
    PQclear(r);
    if (have_indexes) return 0;
    if (ws_pg_begin(s, e)) return -1;
    if (ws_pg_run(s, "SELECT pg_advisory_xact_lock(" SCHEMA_LOCK ")", 0, NULL, "create indexes", e)
        || ws_pg_run(s, INDEXES_SQL, 0, NULL, "create indexes", e)) {
        ws_pg_rollback(s);
        return -1;
    }
    return ws_pg_commit(s, e);
}

/* The URL as libpq takes it (to free; NULL when out of memory): SQLAlchemy's driver suffix
 * (postgresql+psycopg2://) means nothing to libpq. */
static char *conninfo_of(const char *url)
{
    const char *rest = strstr(url, "://");
    size_t len = strlen("postgresql") + strlen(rest) + 1;
    char *c = malloc(len);
    if (c) snprintf(c, len, "postgresql%s", rest);
    return c;
}

/* libpq loaded, or e says why not, naming the URL as messages do: without its password (the
 * text after ':' in its user part, or a ?password= parameter), which a message printed whole. */
static int load_libpq(const char *url, ws_err *e)
{
    char why[300];
    if (!ws_pq_load(why, sizeof why)) return 0;
    char *shown = ws_store_url_shown(url);
    if (!shown) return ws_err_set(e, WS_ENOMEM, "out of memory");
    ws_err_set(e, WS_EINPUT, "%s: %s", shown, why);
    free(shown);
    return -1;
}

int ws_pg_open(ws_store *s, const char *url, int flags, ws_err *e)
{
    PGconn *made = s->pg_conn;   /* ws_store_wait's: taken, closed with the store */
    s->pg_conn = NULL;
    if (!made && load_libpq(url, e)) return -1;
    struct ws_pg *p = calloc(1, sizeof *p);
    if (!p) { PQfinish(made); return ws_err_set(e, WS_ENOMEM, "out of memory"); }
    s->pg = p;
    p->conn = made;
    p->conninfo = conninfo_of(url);
    s->path = ws_store_url_shown(url);
    if (!p->conninfo || !s->path) return ws_err_set(e, WS_ENOMEM, "out of memory");
    p->retry_s = s->pg_try_once ? 0 : DEFAULT_RETRY_S;
    const char *env = getenv("WS_DB_RETRY_S");
    if (env && *env && !s->pg_try_once) {
        /* the checked parser, as the other WS_ variables: strtod alone took hex and " 5" */
        double v;
        if (ws_parse_double(env, "WS_DB_RETRY_S", &v, e)) return -1;
        if (!(v >= 0))
            return ws_err_set(e, WS_EINPUT, "WS_DB_RETRY_S: '%s' is not a number of seconds", env);
        p->retry_s = v;
    }
    /* the open's statements alone: the caller (gpu-monitor) runs its own after it */
    if (s->pg_try_once && s->pg_answer_until_s > 0) {
        p->answer_until_s = s->pg_answer_until_s;
        p->answer_s = s->pg_answer_s;
    }
    int rc = -1;
    if (made) ws_pg_settings(s);
    if (made || !ws_pg_connect(s, e)) rc = check_schema(s, flags & WS_STORE_CREATE, flags & WS_STORE_NO_SCHEMA, e);
    p->answer_until_s = 0;
    return rc;
}

struct pg_conn *ws_store_pg(ws_store *s) { return s && s->pg ? s->pg->conn : NULL; }

struct pg_conn *ws_store_pg_connect_start(const char *url, double *timeout_s, ws_err *e)
{
    if (load_libpq(url, e)) return NULL;
    char *conninfo = conninfo_of(url);
    PGconn *c = conninfo ? ws_pg_connect_start(conninfo) : NULL;
    free(conninfo);
    if (!c) return ws_err_set(e, WS_ENOMEM, "out of memory"), NULL;
    /* libpq's own wait (connectDBComplete's) is not there for a connection driven by its
     * caller: connect_timeout as that wait reads it (0 or less: none; 1 is 2 s), which the
     * caller's wait applies */
    *timeout_s = 0;
    PQconninfoOption *opts = PQconninfo(c);
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (!strcmp(o->keyword, "connect_timeout") && o->val) {
            long t = strtol(o->val, NULL, 10);
            *timeout_s = t <= 0 ? 0 : t < 2 ? 2 : (double)t;
        }
    PQconninfoFree(opts);
    return c;
}

void ws_pg_close(ws_store *s)
{
    struct ws_pg *p = s->pg;
    if (!p) return;
    if (s->in_txn) ws_pg_send_rollback(s);
    PQfinish(p->conn);
    ws_pg_log_clear(p);
    free(p->log);
    free(p->conninfo);
    free(p);
    s->pg = NULL;
}

int ws_pg_begin(ws_store *s, ws_err *e)
{
    ws_pg_log_clear(s->pg);
    if (ws_pg_run(s, "BEGIN", 0, NULL, "begin", e)) return -1;
    s->in_txn = 1;
    return 0;
}

int ws_pg_commit(ws_store *s, ws_err *e)
{
    PGresult *r;
    int rc = ws_pg_exec(s, "COMMIT", 0, NULL, 0, &r, "commit", e);
    /* COMMIT of a transaction that had failed answers ROLLBACK, without an error */
    if (!rc && strcmp(PQcmdStatus(r), "COMMIT"))
        rc = ws_err_set(e, WS_EINTERNAL, "%s: commit: the transaction had failed and was rolled back", s->path);
    PQclear(r);
    if (rc) { ws_pg_rollback(s); return -1; }
    s->in_txn = 0;
    ws_pg_log_clear(s->pg);
    return 0;
}

/* store.h's read snapshot: REPEATABLE READ takes it at the first read and keeps it to the end;
 * READ ONLY, as nothing is written in it. (A reconnect in the middle replays the transaction as
 * pg_internal.h says, in a plain BEGIN: the reads after it see the database as it is then.) */
static int pg_begin_read(ws_store *s, ws_err *e)
{
    ws_pg_log_clear(s->pg);
    if (ws_pg_run(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, "begin", e)) return -1;
    s->in_txn = 1;
    return 0;
}

void ws_pg_rollback(ws_store *s)
{
    ws_pg_send_rollback(s);
    s->in_txn = 0;
    ws_pg_log_clear(s->pg);
}

const ws_store_ops ws_pg_ops = {
    ws_pg_close, ws_pg_begin, ws_pg_commit, ws_pg_rollback,
    ws_pg_study_find, ws_pg_study_create, ws_pg_study_names, ws_pg_study_attr_get,
    ws_pg_trials_load, ws_pg_trial_create,
    ws_pg_trial_claim_waiting, ws_pg_trial_set_params, ws_pg_trial_finish, ws_pg_trial_report,
    ws_pg_trial_heartbeat, ws_pg_trial_peers,
    ws_pg_trial_require_running, ws_pg_fail_stale, ws_pg_study_attrs, ws_pg_trial_import, ws_pg_attr_set_text,
    pg_begin_read, ws_pg_heartbeats,
};
