/* sqlite_open.c — opening a study database and creating Optuna 3.1's schema in it. */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/parse.h"
#include "store/sqlite_internal.h"
#include "store/sqlite_read.h"
#include "store/sqlite_revision.h"
#include "store/sqlite_wal.h"

/* Optuna 3.1's DDL (as its SQLAlchemy models create it on SQLite), with IF NOT EXISTS so that
 * processes racing to create a new file agree. Two indexes of our own, named ws_ so that
 * Optuna's later migrations, which add ix_trials_study_id, do not collide: trials by number
 * (numbering, loading in order) and by state (the stale, waiting and running trials that every
 * suggest looks for, without reading every trial of a long study). */
#define NUMBER_INDEX_SQL "CREATE INDEX IF NOT EXISTS ws_trials_study_number ON trials (study_id, number)"
#define STATE_INDEX_SQL "CREATE INDEX IF NOT EXISTS ws_trials_study_state ON trials (study_id, state)"
static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS studies (study_id INTEGER NOT NULL, study_name VARCHAR(512) NOT NULL, PRIMARY KEY (study_id));"
    "CREATE UNIQUE INDEX IF NOT EXISTS ix_studies_study_name ON studies (study_name);"
    "CREATE TABLE IF NOT EXISTS version_info (version_info_id INTEGER NOT NULL, schema_version INTEGER, library_version VARCHAR(256), PRIMARY KEY (version_info_id), CHECK (version_info_id=1));"
    "CREATE TABLE IF NOT EXISTS study_directions (study_direction_id INTEGER NOT NULL, direction VARCHAR(8) NOT NULL, study_id INTEGER NOT NULL, objective INTEGER NOT NULL, PRIMARY KEY (study_direction_id), UNIQUE (study_id, objective), FOREIGN KEY(study_id) REFERENCES studies (study_id));"
    "CREATE TABLE IF NOT EXISTS study_user_attributes (study_user_attribute_id INTEGER NOT NULL, study_id INTEGER, \"key\" VARCHAR(512), value_json TEXT, PRIMARY KEY (study_user_attribute_id), UNIQUE (study_id, \"key\"), FOREIGN KEY(study_id) REFERENCES studies (study_id));"
    "CREATE TABLE IF NOT EXISTS study_system_attributes (study_system_attribute_id INTEGER NOT NULL, study_id INTEGER, \"key\" VARCHAR(512), value_json TEXT, PRIMARY KEY (study_system_attribute_id), UNIQUE (study_id, \"key\"), FOREIGN KEY(study_id) REFERENCES studies (study_id));"
    "CREATE TABLE IF NOT EXISTS trials (trial_id INTEGER NOT NULL, number INTEGER, study_id INTEGER, state VARCHAR(8) NOT NULL, datetime_start DATETIME, datetime_complete DATETIME, PRIMARY KEY (trial_id), FOREIGN KEY(study_id) REFERENCES studies (study_id));"
    "CREATE TABLE IF NOT EXISTS trial_user_attributes (trial_user_attribute_id INTEGER NOT NULL, trial_id INTEGER, \"key\" VARCHAR(512), value_json TEXT, PRIMARY KEY (trial_user_attribute_id), UNIQUE (trial_id, \"key\"), FOREIGN KEY(trial_id) REFERENCES trials (trial_id));"
    "CREATE TABLE IF NOT EXISTS trial_system_attributes (trial_system_attribute_id INTEGER NOT NULL, trial_id INTEGER, \"key\" VARCHAR(512), value_json TEXT, PRIMARY KEY (trial_system_attribute_id), UNIQUE (trial_id, \"key\"), FOREIGN KEY(trial_id) REFERENCES trials (trial_id));"
    "CREATE TABLE IF NOT EXISTS trial_params (param_id INTEGER NOT NULL, trial_id INTEGER, param_name VARCHAR(512), param_value FLOAT, distribution_json TEXT, PRIMARY KEY (param_id), UNIQUE (trial_id, param_name), FOREIGN KEY(trial_id) REFERENCES trials (trial_id));"
    "CREATE TABLE IF NOT EXISTS trial_values (trial_value_id INTEGER NOT NULL, trial_id INTEGER NOT NULL, objective INTEGER NOT NULL, value FLOAT, value_type VARCHAR(7) NOT NULL, PRIMARY KEY (trial_value_id), UNIQUE (trial_id, objective), FOREIGN KEY(trial_id) REFERENCES trials (trial_id));"
    "CREATE TABLE IF NOT EXISTS trial_intermediate_values (trial_intermediate_value_id INTEGER NOT NULL, trial_id INTEGER NOT NULL, step INTEGER NOT NULL, intermediate_value FLOAT, intermediate_value_type VARCHAR(7) NOT NULL, PRIMARY KEY (trial_intermediate_value_id), UNIQUE (trial_id, step), FOREIGN KEY(trial_id) REFERENCES trials (trial_id));"
    "CREATE TABLE IF NOT EXISTS trial_heartbeats (trial_heartbeat_id INTEGER NOT NULL, trial_id INTEGER NOT NULL, heartbeat DATETIME NOT NULL, PRIMARY KEY (trial_heartbeat_id), UNIQUE (trial_id), FOREIGN KEY(trial_id) REFERENCES trials (trial_id));"
    "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));"
    NUMBER_INDEX_SQL ";"
    STATE_INDEX_SQL ";"
    "INSERT OR IGNORE INTO version_info (version_info_id, schema_version, library_version) VALUES (1, 12, '3.1.0');"
    "INSERT INTO alembic_version (version_num) SELECT 'v3.0.0.d' WHERE NOT EXISTS (SELECT 1 FROM alembic_version);";

enum { OPTUNA_SCHEMA_VERSION = 12, BUSY_TIMEOUT_MS = 60000 };

int ws_sqlite_busy_timeout_ms(ws_err *e)
{
    const char *env = getenv("WS_DB_BUSY_S");
    if (!env || !*env) return BUSY_TIMEOUT_MS;   /* empty is unset, as for the other WS_ variables */
    double busy_s;
    if (ws_parse_double_finite(env, "WS_DB_BUSY_S", &busy_s, e)) return -1;
    if (!(busy_s >= 0 && busy_s <= 86400))
        return ws_err_set(e, WS_EINPUT, "WS_DB_BUSY_S: expected seconds in [0, 86400], got '%s'", env);
    return (int)(busy_s * 1e3 + 0.5);
}

/* SQLite's "database is locked" alone says neither why nor what to do; the busy timeout has run
 * out, so some other connection's transaction (a long one, an sqlite3 shell left open, a
 * stopped process) kept the file locked all that time. WS_EINTERNAL, exit 3: nothing is wrong
 * with the input, and the same call later may succeed. */
static int locked(const char *path, const char *what, int busy_ms, const char *var, const char *remedy, ws_err *e)
{
    if (remedy) {   /* the caller's (ws_store_set_busy_remedy); a longer wait is still the advice for
                     * what is written after (the caller's next writes, its remedy's own). Both
                     * whole: the remedy ends with a command to run; the cause, a long path, is
                     * what is shortened where they do not all fit (ws_err_set_tail). */
        char cause[sizeof e->msg], advice[sizeof e->msg];
        snprintf(cause, sizeof cause, "%s: %s: database is locked: another process held the lock for longer than the "
                 "%g s this tool waits (%s)", path, what, busy_ms * 1e-3, var);
        snprintf(advice, sizeof advice, "; set %s to wait longer; %s", var, remedy);
        return ws_err_set_tail(e, WS_EINTERNAL, cause, advice);
    }
    return ws_err_set(e, WS_EINTERNAL, "%s: %s: database is locked: another process held the lock for longer than the "
                      "%g s this tool waits (%s); run it again once that process has finished (a long "
                      "transaction, an open sqlite3 shell, a stopped process?), or set %s to wait longer",
                      path, what, busy_ms * 1e-3, var, var);
}

int ws_sql_fail(ws_store *s, int rc, const char *what, ws_err *e)
{
    int code = rc & 0xff;
    ws_errkind kind = ws_sqlite_error_kind(rc);
    char buf[512];
    const char *msg = s->db ? ws_sqlite_errmsg(s->db, buf, sizeof buf) : sqlite3_errstr(rc);
    if (code == SQLITE_READONLY) msg = ws_sqlite_readonly_msg(s->path, buf, sizeof buf);
    if (code == SQLITE_BUSY) return locked(s->path, what, s->busy_timeout_ms, s->busy_var, s->busy_remedy, e);
    /* the file's header read, whatever the statement: said as the open of a small file says it */
    if (code == SQLITE_NOTADB) return ws_err_set(e, kind, "%s: file is not a database, expected a study database file", s->path);
    return ws_err_set(e, kind, "%s: %s: %s", s->path, what, msg);
}

/* A reader's wait: WS_DB_BUSY_S, or the default where it is bad (the store's open said so). */
static int reader_busy_ms(void)
{
    int busy_ms = ws_sqlite_busy_timeout_ms(NULL);
    return busy_ms < 0 ? BUSY_TIMEOUT_MS : busy_ms;
}

int ws_sqlite_read_fail(sqlite3 *db, int rc, ws_errkind kind, const char *path, const char *what, ws_err *e)
{
    if ((rc & 0xff) == SQLITE_BUSY) return locked(path, what, reader_busy_ms(), "WS_DB_BUSY_S", NULL, e);   /* ws_sqlite_open_read's wait */
    char buf[512];
    return ws_err_set(e, kind, "%s: %s: %s", path, what, db ? ws_sqlite_errmsg(db, buf, sizeof buf) : sqlite3_errstr(rc));
}

int ws_sql_prepare(ws_store *s, const char *sql, sqlite3_stmt **st, ws_err *e)
{
    SQL_CHECK(s, sqlite3_prepare_v2(s->db, sql, -1, st, NULL), "prepare", e);
    return 0;
}

int ws_sql_exec(ws_store *s, const char *sql, ws_err *e)
{
    SQL_CHECK(s, sqlite3_exec(s->db, sql, NULL, NULL, NULL), "exec", e);
    return 0;
}

int ws_sql_run(ws_store *s, sqlite3_stmt *st, const char *what, ws_err *e)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
    sqlite3_finalize(st);
    SQL_CHECK(s, rc, what, e);
    return 0;
}

const char *ws_sql_value_type(double v)
{
    return isnan(v) ? "NAN" : isinf(v) ? (v > 0 ? "INF_POS" : "INF_NEG") : "FINITE";
}

/* "sqlite:///relative" and "sqlite:////absolute" as Optuna writes them, or a plain path. */
static int url_to_path(const char *url, char **path, ws_err *e)
{
    const char *why = ws_store_url_no_file(url);
    if (!strncmp(url, "sqlite:///", 10)) url += 10;
    else if (strstr(url, "://"))
        return ws_err_set(e, WS_EINPUT, "%s: unsupported database URL (expected a path, sqlite:///path or postgresql://...)", url);
    if (!*url) return ws_err_set(e, WS_EINPUT, "--db: empty path");
    if (why) return ws_err_set(e, WS_EINPUT, "--db: %s", why);
    *path = strdup(url);
    return *path ? 0 : ws_err_set(e, WS_ENOMEM, "out of memory");
}

/* The tables of Optuna 3.1's schema (schema_sql's, alembic's alembic_version among them), studies
 * first: a file with some but not all of them is refused (check_schema). */
static const char *const optuna_tables[] = {
    "studies", "version_info", "alembic_version", "study_directions", "study_user_attributes",
    "study_system_attributes", "trials", "trial_user_attributes", "trial_system_attributes", "trial_params",
    "trial_values", "trial_intermediate_values", "trial_heartbeats",
};
enum { N_OPTUNA_TABLES = sizeof optuna_tables / sizeof *optuna_tables };

/* What the file's schema holds: have[i], whether it has the table optuna_tables[i], and our two
 * indexes. One statement, so one snapshot: another process's creation of the schema (one
 * transaction) is seen whole or not at all. Returns how many of Optuna's tables it has, or -1. */
static int read_tables(ws_store *s, int have[N_OPTUNA_TABLES], int *state_index, int *number_index, ws_err *e)
{
    sqlite3_stmt *st;
    if (ws_sql_prepare(s, "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index')", &st, e)) return -1;
    int n = 0, rc;
    memset(have, 0, N_OPTUNA_TABLES * sizeof *have);
    *state_index = *number_index = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(st, 0), *name = (const char *)sqlite3_column_text(st, 1);
        if (!type || !name) continue;
        if (!strcmp(type, "index")) {
            *state_index |= !strcmp(name, "ws_trials_study_state");
            *number_index |= !strcmp(name, "ws_trials_study_number");
            continue;
        }
        for (int i = 0; i < N_OPTUNA_TABLES; i++)
            if (!have[i] && !strcmp(name, optuna_tables[i])) { have[i] = 1; n++; }
    }
    sqlite3_finalize(st);
    SQL_CHECK(s, rc, "read schema", e);
    return n;
}

/* A file with some of Optuna's tables but not all (another program's table named studies,
 * Optuna's tables dropped by hand): the reads and writes of the missing one failed as an
 * internal error (exit 3, "no such table"), or went on without it; refused, naming the first
 * table found and those missing. Optuna 3.1 would make a missing table anew, empty: the tools
 * neither write a file they only read nor take a study whose values or params are gone. */
static int partial_schema(ws_store *s, const int have[N_OPTUNA_TABLES], ws_err *e)
{
    const char *found = NULL;
    char missing[512] = "";
    size_t len = 0;
    for (int i = 0; i < N_OPTUNA_TABLES; i++) {
        if (have[i] && !found) found = optuna_tables[i];
        if (!have[i] && len < sizeof missing)
            len += (size_t)snprintf(missing + len, sizeof missing - len, "%s'%s'", len ? ", " : "",
                                    optuna_tables[i]);
    }
    return ws_err_set(e, WS_EINPUT, "%s: not an Optuna study database: it has a table '%s' but no %s", s->path, found,
                      missing);
}

/* What check_schema found of a file whose schema it passed whole (ok): a writer's open checks it
 * before switching it to WAL, and then only adds our indexes, rather than reading it all again. */
typedef struct {
    int ok, state_index, number_index;
} schema_seen;

/* The file's tables, version and revision checked (check_schema's flags): 1 where it holds
 * Optuna's schema whole (seen->ok set, with our indexes' presence), 0 where it holds none of it
 * and is done with (taken as it is, WS_STORE_NO_SCHEMA, or the schema made here), -1 with e set. */
static int verify_schema(ws_store *s, int flags, int create, schema_seen *seen, ws_err *e)
{
    int have[N_OPTUNA_TABLES];
    int n_have = read_tables(s, have, &seen->state_index, &seen->number_index, e);
    if (n_have < 0) return -1;
    if (n_have == 0) {
        if (flags & WS_STORE_NO_SCHEMA) return 0;
        if (!create) return ws_err_set(e, WS_EINPUT, "%s: not a study database (no Optuna tables)", s->path);
        if (ws_sqlite_begin(s, e)) return -1;
        if (ws_sql_exec(s, schema_sql, e)) { ws_sqlite_rollback(s); return -1; }
        return ws_sqlite_commit(s, e);
    }
    if (n_have < N_OPTUNA_TABLES) return partial_schema(s, have, e);
    sqlite3_stmt *st;
    if (ws_sql_prepare(s, "SELECT schema_version FROM version_info WHERE version_info_id=1", &st, e)) return -1;
    int rc = sqlite3_step(st);
    int version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    SQL_CHECK(s, rc, "read version_info", e);
    if (version != OPTUNA_SCHEMA_VERSION)
        return ws_err_set(e, WS_EINPUT, "%s: Optuna schema version %d, expected %d (Optuna 3.x)", s->path, version,
                          OPTUNA_SCHEMA_VERSION);
    /* its revision, checked as gpu-monitor checks it (sqlite_revision.h) */
    if ((rc = ws_sqlite_check_revision(s->db, s->path, e)) < 0) return -1;
    SQL_CHECK(s, rc, "read alembic_version", e);
    seen->ok = 1;
    return 1;
}

/* flags: WS_STORE_CREATE makes Optuna's tables where there are none, WS_STORE_NO_SCHEMA takes a
 * file without them as it is; else such a file is refused. seen (NULL: none) holds what an
 * earlier call of this open found, and gets what this one finds. */
static int check_schema(ws_store *s, int flags, schema_seen *seen, ws_err *e)
{
    int create = (flags & WS_STORE_CREATE) && !(flags & WS_STORE_NO_SCHEMA);
    schema_seen here = {0};
    if (!seen) seen = &here;
    if (!seen->ok) {
        int rc = verify_schema(s, flags, create, seen, e);
        if (rc <= 0) return rc;
    }
    /* A study file that Optuna (or a wakesweep before the state index) made gets our indexes from
     * the first tool that may write to it; readers leave the file as it is. Optuna's file had
     * the state index alone, and numbering (max(number) of the study) read every trial of it. */
    if (create && !seen->number_index && ws_sql_exec(s, NUMBER_INDEX_SQL, e)) return -1;
    return create && !seen->state_index ? ws_sql_exec(s, STATE_INDEX_SQL, e) : 0;
}

/* path opened read-only as immutable (no locks, no -shm): only where no -wal exists, so nothing
 * a writer committed is left out. */
static int open_immutable(const char *path, sqlite3 **db)
{
    char *uri = sqlite3_malloc64(3 * strlen(path) + 24);
    if (!uri) return SQLITE_NOMEM;
    char *u = uri + sprintf(uri, "file:");
    for (const char *p = path; *p; p++)  /* URI-escape what a file name may hold */
        u += strchr("%?#", *p) ? sprintf(u, "%%%02X", (unsigned char)*p) : sprintf(u, "%c", *p);
    strcpy(u, "?immutable=1");
    int rc = sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    sqlite3_free(uri);
    return rc;
}

/* SQLite could make no -shm (or -wal) for lack of room: its "disk I/O error" with ENOSPC, or
 * EFBIG past a file size limit (below the -shm's 32 KiB). */
static int disk_full(sqlite3 *db) { return ws_errno_disk_full(ws_sqlite_io_errno(db)); }

int ws_sqlite_open_read(const char *path, sqlite3 **db)
{
    char *wal = sqlite3_mprintf("%s-wal", path);
    if (!wal) return SQLITE_NOMEM;
    struct stat wst;
    int no_wal = stat(wal, &wst) != 0, rc;
    /* an empty -wal holds nothing the file lacks: what a connection that found no room for its
     * -shm leaves behind (the store's first read of a reader, on a full disk) */
    int wal_empty = no_wal || wst.st_size == 0;
    sqlite3_free(wal);
    /* A file the reader may not write, in a folder it may: SQLite would make a -wal and -shm
     * there with the file's read-only mode and, read-only itself, never remove them, and the
     * study's writers would then find its shared memory read-only. */
    if (no_wal && access(path, W_OK) != 0) rc = open_immutable(path, db);
    else {
        rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL);
        if (rc == SQLITE_OK) rc = sqlite3_exec(*db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
        /* no -shm to be had: the folder is read-only, or the disk full */
        if (((rc & 0xff) == SQLITE_READONLY && no_wal) || ((rc & 0xff) == SQLITE_IOERR && disk_full(*db) && wal_empty)) {
            sqlite3_close(*db);
            rc = open_immutable(path, db);
        }
    }
    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(*db, 1);
        sqlite3_busy_timeout(*db, reader_busy_ms());
    }
    return rc;
}

/* Whether the directory of path may be written: where SQLite keeps a file's -wal, -shm or
 * rollback journal. */
static int dir_writable(const char *path)
{
    char *copy = strdup(path);
    int ok = copy && access(dirname(copy), W_OK) == 0;
    free(copy);
    return ok;
}

/* The busy handler of a connection whose caller can be stopped (gpu-monitor's SIGTERM): it waits
 * as sqlite3_busy_timeout would, but not once *s->stop is set, so that a stop does not wait out
 * another connection's transaction. */
static int wait_or_stop(void *arg, int tries)
{
    ws_store *s = arg;
    long long now = (long long)(ws_mono_s() * 1e3);
    if (tries == 0) s->busy_until_ms = now + s->busy_timeout_ms;
    if (*s->stop || now >= s->busy_until_ms) return 0;
    long long nap = tries < 10 ? 1 + tries : 20;
    sqlite3_sleep((int)(nap < s->busy_until_ms - now ? nap : s->busy_until_ms - now));
    return 1;
}

/* A reader's open as sqlite_read.h says, for a file or a directory it may not write. */
static int open_read_only(ws_store *s, ws_err *e)
{
    int rc = ws_sqlite_open_read(s->path, &s->db);   /* with s->busy_timeout_ms, as read there */
    if (rc != SQLITE_OK) return ws_sql_fail(s, rc, "open read-only", e);
    return check_schema(s, 0, NULL, e);
}

int ws_sqlite_open(ws_store *s, const char *url, int flags, ws_err *e)
{
    if (url_to_path(url, &s->path, e)) return -1;
    if (s->busy_timeout_ms < 0 && (s->busy_timeout_ms = ws_sqlite_busy_timeout_ms(e)) < 0) return -1;
    struct stat sb;
    /* "s.db/" (a file, then '/'): ENOTDIR, taken for a missing file, so suggest went on to
     * create it, and SQLite, which drops the '/', opened s.db, while the readers said "no such
     * study database" */
    int missing = stat(s->path, &sb) != 0;
    char buf[4200];
    const char *unusable = missing ? ws_sqlite_path_unusable(s->path, buf, sizeof buf) : NULL;
    /* "unable to open database file" alone, and suggest had made the file (ws_sqlite_create_errno),
     * empty, which every later tool called "an empty file, not a study database" */
    if (!unusable) unusable = ws_sqlite_path_too_long(s->path, buf, sizeof buf);
    if (unusable) return ws_err_set(e, WS_EINPUT, "%s: %s", s->path, unusable);
    if (missing) {
        if (!(flags & WS_STORE_CREATE)) return ws_err_set(e, WS_EINPUT, "%s: no such study database", s->path);
        int why = ws_sqlite_create_errno(s->path);
        if (why) return ws_err_set(e, ws_errno_kind(why), "%s: cannot create: %s", s->path, strerror(why));
    } else if (!S_ISREG(sb.st_mode)) {   /* a folder, a FIFO, a device (ws_sqlite_not_a_file) */
        return ws_err_set(e, WS_EINPUT, "%s: %s, expected a study database file", s->path, ws_sqlite_not_a_file(s->path));
    } else if (sb.st_size > 0 && sb.st_size < WS_SQLITE_MIN_PAGE) {
        /* before SQLite opens it: a 1-byte file it takes for an empty database (os_unix.c's
         * unixFileSize reports size 1 as 0, ticket #3260) and would write a study over. Told by
         * its size, not by reading its header: a close() of any descriptor of the file drops
         * every POSIX lock this process holds on it, a connection's too (train-trial opens the
         * study again while its first connection is open), and another process's connection
         * that then takes itself for the last one checkpoints and removes the WAL under it
         * ("database disk image is malformed"). Larger files that are no database SQLite
         * refuses as it reads their header. */
        return ws_err_set(e, WS_EINPUT, "%s: file is not a database (%lld byte%s: a database file is empty or whole "
                          "pages of %d bytes or more), expected a study database file", s->path, (long long)sb.st_size,
                          sb.st_size == 1 ? "" : "s", WS_SQLITE_MIN_PAGE);
    } else if (sb.st_size == 0 && !(flags & WS_STORE_CREATE)) {
        /* SQLite takes an empty file for an empty database, and switching it to WAL would write
         * one there: a tool that only uses a study leaves the file as it found it */
        return ws_err_set(e, WS_EINPUT, "%s: an empty file, not a study database", s->path);
    }
    /* A reader writes nothing: not the journal mode either (switching an Optuna-made file,
     * journal_mode delete, to WAL rewrites its header; an empty file would become a database).
     * Where it may write the file and its directory it opens it read-write all the same, as any
     * SQLite client does: a WAL file's -wal and -shm are then shared with live writers (reads
     * stay consistent while they commit) and the last connection to close folds the WAL back
     * and removes them, as after any tool. A read-only connection could not, and would leave
     * them behind. */
    int reader = (flags & WS_STORE_READ) != 0;
    if (reader && !dir_writable(s->path)) return open_read_only(s, e);
    int oflags = SQLITE_OPEN_READWRITE | ((flags & WS_STORE_CREATE) ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(s->path, &s->db, oflags, NULL);
    if (rc != SQLITE_OK) return ws_sql_fail(s, rc, "open", e);
    /* SQLite has the file open and has read nothing: its first read opens the -wal and -shm at
     * the path's name, which are the wanted file's where another was renamed over it. The path
     * names the wanted file, and the one open is the path's (moved compares their inodes). */
    if (s->want && (s->want->gone || !ws_sqlite_path_is(s->path, s->want->dev, s->want->ino) || ws_sqlite_moved(s->db))) {
        sqlite3_close(s->db);   /* here, not by ws_sqlite_close, whose checkpoint of a moved file would read */
        s->db = NULL;
        return ws_err_set(e, WS_EINPUT, "%s: now another file than the study opened before", s->path);
    }
    sqlite3_extended_result_codes(s->db, 1);
    if (s->stop) sqlite3_busy_handler(s->db, wait_or_stop, s);
    else sqlite3_busy_timeout(s->db, s->busy_timeout_ms);
    if (reader) {
        ws_err why = {0};
        if (sqlite3_db_readonly(s->db, "main") != 1) {
            if (!check_schema(s, 0, NULL, &why)) return 0;
            /* on a full disk SQLite could make no -shm for its first read: read as where the
             * folder may not be written (ws_sqlite_open_read), rather than not at all */
            if (!disk_full(s->db)) {
                if (e) *e = why;
                return -1;
            }
        }
        sqlite3_close(s->db);   /* a file it may not write (SQLite opened it read-only), or a full disk */
        s->db = NULL;
        return open_read_only(s, e);
    }
    /* The last connection to close checkpoints the WAL into the database file (an fsync per
     * tool call when nothing else has it open): kept, so that the study file alone, copied or
     * mailed, holds the whole study. */
    /* A file of one these tools refuse (another version, a newer Optuna's revision, some of
     * Optuna's tables missing) is refused before anything is written to it, WAL mode included:
     * checked here as without a schema to make (a new file, or one with no tables, gets it
     * below, in WAL mode). A file SQLite opened read-only is left to set_wal, which refuses it
     * before any read: a read would leave this user's -wal and -shm beside a WAL-mode file. */
    int no_schema = (flags & WS_STORE_NO_SCHEMA) != 0;
    schema_seen seen = {0};
    if ((no_schema || (!missing && sb.st_size > 0)) && sqlite3_db_readonly(s->db, "main") != 1
        && check_schema(s, flags | WS_STORE_NO_SCHEMA, &seen, e))
        return -1;
    rc = ws_sqlite_set_wal(s->db, s->busy_timeout_ms, s->stop);
    if (rc != SQLITE_OK) return ws_sql_fail(s, rc, "setting WAL mode", e);
    if (no_schema) return 0;
    /* a file found without Optuna's tables is read again: another tool may have made them since */
    return check_schema(s, flags & WS_STORE_CREATE, &seen, e) ? -1 : 0;
}

/* Closes the connection; store.c frees the struct and the path. */
void ws_sqlite_close(ws_store *s)
{
    if (s->in_txn) ws_sqlite_rollback(s);
    /* A file deleted or renamed over keeps its WAL's name, which now pairs with whatever file
     * takes the path: that one's next reader would take this connection's frames for its own
     * (a study renamed over a trial in training read "database disk image is malformed"). SQLite's
     * close checkpoints no moved file, so the WAL is emptied into the old file here, waiting a
     * second at most for the new file's readers (as gpu_samples_db_close does). */
    if (s->db && ws_sqlite_moved(s->db)) {
        sqlite3_busy_timeout(s->db, 1000);
        sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    }
    sqlite3_close(s->db);
    s->db = NULL;
}

int ws_sqlite_begin(ws_store *s, ws_err *e)
{
    /* IMMEDIATE: the write lock, and so the one wait for it, comes here */
    SQL_CHECK(s, sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL), "beginning a write transaction", e);
    s->in_txn = 1;
    return 0;
}

int ws_sqlite_commit(ws_store *s, ws_err *e)
{
    int rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        ws_sql_fail(s, rc, "commit", e);
        ws_sqlite_rollback(s);
        return -1;
    }
    s->in_txn = 0;
    return 0;
}

/* BEGIN alone is deferred: the read lock, and with it the snapshot, comes at the first read. */
static int sqlite_begin_read(ws_store *s, ws_err *e)
{
    SQL_CHECK(s, sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL), "beginning a read", e);
    s->in_txn = 1;
    return 0;
}

void ws_sqlite_rollback(ws_store *s)
{
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_txn = 0;
}

const ws_store_ops ws_sqlite_ops = {
    ws_sqlite_close, ws_sqlite_begin, ws_sqlite_commit, ws_sqlite_rollback,
    ws_sqlite_study_find, ws_sqlite_study_create, ws_sqlite_study_names, ws_sqlite_study_attr_get,
    ws_sqlite_trials_load, ws_sqlite_trial_create,
    ws_sqlite_trial_claim_waiting, ws_sqlite_trial_set_params, ws_sqlite_trial_finish, ws_sqlite_trial_report,
    ws_sqlite_trial_heartbeat, ws_sqlite_trial_peers,
    ws_sqlite_trial_require_running, ws_sqlite_fail_stale, ws_sqlite_study_attrs, ws_sqlite_trial_import,
    ws_sqlite_attr_set_text, sqlite_begin_read, ws_sqlite_heartbeats,
};
