/* store.h — the study store: one database in Optuna's RDB schema (Optuna 3.1, schema version
 * 12), shared by any number of concurrent processes, so trial numbers stay dense and unique under
 * any concurrency. This is the interface; store.c picks a backend from the URL:
 *   sqlite_*.c  a SQLite file (WAL, a long busy timeout, short BEGIN IMMEDIATE transactions for
 *               every read-modify-write). One machine only: never on NFS.
 *   pg_*.c      a PostgreSQL database (libpq) with the DDL Optuna creates there: row locks
 *               (FOR NO KEY UPDATE on the study row for numbering, SKIP LOCKED to claim WAITING
 *               trials); a dropped connection or a serialization failure is retried with
 *               backoff, replaying the open transaction (see pg_internal.h).
 *
 * Transactions: everything from ws_store_begin() until ws_store_commit() is atomic. On SQLite
 * begin takes the write lock at once; on PostgreSQL the functions lock the rows they decide on.
 * Functions marked "in a transaction" need one; the others open their own when called outside
 * one. */
#ifndef WS_STORE_STORE_H
#define WS_STORE_STORE_H
#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/err.h"
#include "store/trial.h"

typedef struct ws_store ws_store;

typedef struct {
    int64_t id;
    char name[4 * 512 + 1];   /* Optuna's 512 characters, up to 4 bytes each in UTF-8 */
    int direction;       /* WS_MINIMIZE (-1) or WS_MAXIMIZE (+1) */
    int n_objectives;    /* as found (1; Optuna's multi-objective studies have more, refused) */
} ws_study;

enum {
    WS_STORE_CREATE = 1,        /* create the file and the schema when missing */
    WS_STORE_READ = 2,          /* the caller only reads: a study file it may not write (a
                                 * read-only mount, another user's) is opened read-only */
    WS_STORE_NO_SCHEMA = 4      /* with WS_STORE_CREATE: Optuna's tables are not made, and a
                                 * database without them is taken as it is (gpu-monitor's samples
                                 * table, which may come before the study; SQLite: the file is made
                                 * when missing); one with them is checked as any study before
                                 * anything is written to it (SQLite: WAL mode included) */
};

typedef enum { WS_DB_SQLITE, WS_DB_POSTGRES } ws_db_kind;
/* Optuna's URL forms: a plain path or "sqlite:///path" (relative; sqlite:////abs for absolute)
 * is SQLite; "postgresql://user[:pw]@host:port/dbname" (also postgres://, postgresql+psycopg2://,
 * and ?host=/socket/dir for a Unix socket) is PostgreSQL. */
ws_db_kind ws_store_url_kind(const char *url);
/* The file of a SQLite URL (a pointer into url). */
const char *ws_store_sqlite_file(const char *url);
/* Why a SQLite URL names no file ("" or "sqlite:///" alone, which SQLite would open as a private
 * temporary database; "-", standard input or output where a tool reads or writes a stream) or not
 * the file Optuna opens (sqlite:///FILE?query, a SQLite URI file:..., :memory:), for a message
 * "--OPTION: why"; NULL when it names one, or a server. */
const char *ws_store_url_no_file(const char *url);

/* Opens a study database. Without WS_STORE_CREATE a missing SQLite file, or a PostgreSQL
 * database without Optuna's tables, is an input error. PostgreSQL: the database itself must
 * exist (as for Optuna); a server that does not answer is waited for with backoff up to
 * WS_DB_RETRY_S seconds (environment, default 60), then it is an error naming the server. */
int ws_store_open(ws_store **out, const char *url, int flags, ws_err *e);
/* How an open of ws_store_open_wait waits for another connection's lock on a SQLite file. */
typedef struct {
    int busy_timeout_ms;                 /* the longest wait, instead of WS_DB_BUSY_S's */
    const char *busy_var;                /* the variable that sets it, for messages */
    const volatile sig_atomic_t *stop;   /* set (by a signal): a wait ends at once (NULL: none) */
    int pg_try_once;                     /* PostgreSQL: a server that does not answer is tried once,
                                          * not waited for (WS_DB_RETRY_S is not read), and a lost
                                          * connection is not waited for either: the caller tries
                                          * again later (gpu-monitor, at its next sample). Such a
                                          * failure is WS_EINTERNAL "PATH: the database server does
                                          * not answer: WHY"; a refusal no wait mends, WS_EINPUT */
    struct pg_conn *pg_conn;             /* PostgreSQL: a connection to the URL made already
                                          * (ws_store_pg_connect_start's, CONNECTION_OK), which the
                                          * open takes instead of connecting (NULL: none): the store
                                          * closes it, the open failing too */
    double pg_answer_until_s;            /* PostgreSQL, > 0: the open's statements on its connection
                                          * (its settings, the schema checks) wait for the server's
                                          * answer until this monotonic time at most, and not after a
                                          * stop; the connection is then closed and the open fails as
                                          * for a server that does not answer (WS_EINTERNAL, "...: no
                                          * answer to a statement within N s"). 0: libpq's own wait,
                                          * which has no end. Only with pg_try_once */
    double pg_answer_s;                  /* PostgreSQL, with pg_answer_until_s: that N, the seconds
                                          * the caller allowed as it set the deadline (not the time
                                          * left at the open's start: 1.99 of 2 on a loaded machine) */
    int pg_lock_timeout_ms;              /* PostgreSQL, > 0: the connection's lock_timeout, set with
                                          * the open's first statement: a statement waiting for
                                          * another session's lock is ended by the server itself
                                          * (SQLSTATE 55P03), also one whose caller gave it up and
                                          * closed the connection, which the server notices only
                                          * once the statement ends. 0: the server's setting */
    int *pg_locked;                      /* PostgreSQL, not NULL: set to 1 where the open failed as a
                                          * statement was ended so (another session's lock, not the
                                          * server), else 0 */
} ws_store_wait;
/* ws_store_open for a caller with a wait of its own (gpu-monitor: WS_MONITOR_BUSY_S, and a
 * SIGTERM that must not wait out another connection's transaction). */
int ws_store_open_wait(ws_store **out, const char *url, int flags, const ws_store_wait *w, ws_err *e);
/* The SQLite connection of a SQLite store, NULL for PostgreSQL: for gpu-monitor's samples table,
 * which lives beside Optuna's in the study file (lib/gpu/samples_db.c). The store keeps it:
 * ws_store_close closes it. */
struct sqlite3 *ws_store_sqlite(ws_store *s);
/* The libpq connection of a PostgreSQL store (libpq's calls through store/pq_dl.h, loaded by the
 * open), NULL for SQLite: for gpu-monitor's samples table and report's reading of it, which live
 * beside Optuna's tables (lib/gpu/samples_pg.c). The store keeps it: ws_store_close closes it. */
struct pg_conn *ws_store_pg(ws_store *s);
/* A connection to a PostgreSQL URL begun without waiting for the server (PQconnectStartParams,
 * with the parameters ws_store_open connects with), for a caller that may not wait in libpq's
 * connect (gpu-monitor, whose samples go on meanwhile): it drives the connection itself
 * (PQconnectPoll, through store/pq_dl.h), and hands it to ws_store_open_wait (pg_conn) once
 * made, or closes it (PQfinish). *timeout_s: the connection's connect_timeout (libpq enforces
 * it only in its own wait), 0 for none. NULL: libpq not loaded (WS_EINPUT) or out of memory. */
struct pg_conn *ws_store_pg_connect_start(const char *url, double *timeout_s, ws_err *e);
/* A URL as messages show it: user:password@ becomes user@, and a password parameter of its
 * query (?password=...) is left out (a copy to free; NULL when out of memory). A PostgreSQL
 * store's ws_store_path is this. */
char *ws_store_url_shown(const char *url);
void ws_store_close(ws_store *s);
/* For messages: the file path, or the URL without its password. */
const char *ws_store_path(const ws_store *s);
/* What the message of a lock held longer than the wait (SQLite) tells to do, at its end, instead
 * of "run it again once that process has finished (...)": for a write whose work running the
 * tool again would repeat (train-trial's result, which tell can record). The message is then
 * "CAUSE; set WS_DB_BUSY_S to wait longer; REMEDY", all but CAUSE whole (CAUSE, the file's
 * path first, shortened in its middle where they do not fit: ws_err_set_tail). NULL restores the
 * usual; the store keeps the pointer, not a copy. */
void ws_store_set_busy_remedy(ws_store *s, const char *remedy);
/* 1 when s is an SQLite study file whose path no longer names the file open: deleted, or another
 * file renamed over it, since it was opened (ws_sqlite_moved). What is written from then on is in
 * no study anyone reads: a writer stops and says so. 0 otherwise (and always for PostgreSQL). */
int ws_store_moved(ws_store *s);
/* The SQLite study file a connection has open (device and inode), for a connection opened later
 * by the same path, which opens whatever file the path names by then (ws_store_url_names). */
typedef struct {
    int set;   /* 0: none (PostgreSQL, or one that could not be told) */
    int gone;  /* the path named the file no more when asked: a connection by it is to another */
    dev_t dev;
    ino_t ino;
} ws_file_id;
/* s's file into *id: 0; 1, id->gone, when its path no longer names it (ws_store_moved); -1, id->set
 * 0, where that cannot be told (a stat that fails for a moment; always for PostgreSQL). */
int ws_store_file_id(ws_store *s, ws_file_id *id);
/* 0 when the SQLite study url names another file than id now, or none (or did, id->gone): a
 * connection opened by it now would not be to id's file; checked after the open too, with ws_store_moved of that
 * connection (ws_sqlite_path_is). 1 otherwise (id not set, a stat that fails for a moment). */
int ws_store_url_names(const char *url, const ws_file_id *id);
/* ws_store_open, of id's file only (id neither set nor gone: any, as ws_store_open): a SQLite url
 * that names another file by the time SQLite has opened it (any, id->gone) is refused (WS_EINPUT)
 * before anything is read there. A check before ws_store_open cannot tell a file renamed over in between, and the open's
 * first read already took the study's -wal and -shm, still at that name, for that file's. */
int ws_store_open_file(ws_store **out, const char *url, int flags, const ws_file_id *id, ws_err *e);

int ws_store_begin(ws_store *s, ws_err *e);
int ws_store_commit(ws_store *s, ws_err *e);
void ws_store_rollback(ws_store *s);
/* A read snapshot, for a reader that must see one state of the study (study-copy's source):
 * every read until ws_store_end_read sees the database as it was at the first of them, whatever
 * other processes commit meanwhile. SQLite: a deferred transaction, which takes no write lock
 * (in WAL mode writers go on); PostgreSQL: a REPEATABLE READ, READ ONLY transaction. */
int ws_store_begin_read(ws_store *s, ws_err *e);
void ws_store_end_read(ws_store *s);

/* Studies. find: WS_EINPUT "unknown study" when absent. create: finds or creates (in a
 * transaction); *created says which. A direction that differs from the stored one is an error. */
int ws_store_study_find(ws_store *s, const char *name, ws_study *out, ws_err *e);
int ws_store_study_create(ws_store *s, const char *name, int direction, ws_study *out, int *created, ws_err *e);
/* Names of all studies (a JSON array of strings). */
int ws_store_study_names(ws_store *s, json_t **names, ws_err *e);
/* The study a tool's --study names, or the store's only one when name is NULL; several and no
 * name: WS_EINPUT naming them ("choose one with --study"). found NULL: a study that is not there
 * is WS_EINPUT too ("unknown study", "holds no study"); else *found says whether it is. A study
 * named is found by its name, whatever the file's other studies are called. */
int ws_store_study_pick(ws_store *s, const char *name, ws_study *out, int *found, ws_err *e);
/* The study an input names (a trial line's or a result line's "study"), as ws_store_study_pick
 * finds it, one the database does not hold said as the input's error, "WHERE: no study 'NAME'
 * in DB" (WS_EINPUT), WHERE naming the file or line and its field: "DB: unknown study" named the
 * database alone, not where the name came from. */
int ws_store_study_named(ws_store *s, const char *name, const char *where, ws_study *out, ws_err *e);
/* Study attributes (system = 1: study_system_attributes, else user). *value is NULL when absent. */
int ws_store_study_attr_get(ws_store *s, int64_t study_id, int system, const char *key, json_t **value, ws_err *e);
int ws_store_study_attr_set(ws_store *s, int64_t study_id, int system, const char *key, const json_t *value, ws_err *e);

/* What ws_store_trials_load fills besides number, state, value and times. WS_LOAD_LAST_IV: of
 * the intermediate values only each trial's last (largest step), all TPE reads of them (it ranks
 * a PRUNED trial by its last report, as Optuna 3.1's _get_observation_pairs): a study keeps one
 * row per report, and reading all of them cost suggest half its time, under its write lock.
 * WS_LOAD_STEP_IV (ws_store_trials_load_step only): of the intermediate values only the COMPLETE
 * trials' values at one step, all Optuna 3.1's median and percentile pruners read of the other
 * trials (_get_percentile_intermediate_result_over_trials). */
enum { WS_LOAD_PARAMS = 1, WS_LOAD_IVS = 2, WS_LOAD_ATTRS = 4, WS_LOAD_ALL = 7, WS_LOAD_LAST_IV = 8, WS_LOAD_STEP_IV = 16 };
int ws_store_trials_load(ws_store *s, const ws_study *st, unsigned what, ws_trial_list *out, ws_err *e);
/* ws_store_trials_load with WS_LOAD_STEP_IV at `step` (rows of other steps, and of trials not
 * COMPLETE, are not read, so not checked either). */
int ws_store_trials_load_step(ws_store *s, const ws_study *st, unsigned what, int64_t step, ws_trial_list *out,
                              ws_err *e);
/* One trial by number; WS_EINPUT "unknown trial N" when absent, and when several rows hold N
 * (after deletions, as Optuna's MultipleResultsFound) naming their trial ids. */
int ws_store_trial_load(ws_store *s, const ws_study *st, int number, unsigned what, ws_trial *out, ws_err *e);
/* One trial by its trial_id, for callers that hold it (a claimed or stale trial): unlike its
 * number, never shared with another row (Optuna's storage reads such a trial by id too);
 * WS_EINPUT "unknown trial id N" when the study has no such row. */
int ws_store_trial_load_id(ws_store *s, const ws_study *st, int64_t trial_id, unsigned what, ws_trial *out, ws_err *e);

/* In a transaction: a new trial numbered count(trials of the study), with state RUNNING (and a
 * first heartbeat, so a trainer that dies before its first beat is still failed in time) or
 * WAITING; params as given. */
int ws_store_trial_create(ws_store *s, const ws_study *st, ws_state state, const ws_param *params,
                          size_t n_params, int64_t *trial_id, int *number, ws_err *e);
/* In a transaction: the oldest WAITING trial (Optuna's enqueued trials) becomes RUNNING.
 * *trial_id = 0 when there is none. */
int ws_store_trial_claim_waiting(ws_store *s, const ws_study *st, int64_t *trial_id, int *number, ws_err *e);
int ws_store_trial_set_params(ws_store *s, int64_t trial_id, const ws_param *params, size_t n, ws_err *e);
/* Finishes a RUNNING trial: state COMPLETE, PRUNED or FAIL, with a value or not (value may be
 * NULL). A trial that is not RUNNING: WS_ESTATE, nothing changed. */
int ws_store_trial_finish(ws_store *s, int64_t trial_id, ws_state state, const double *value, ws_err *e);
/* Records an intermediate value of a RUNNING trial; a step already reported is kept and *stored
 * is 0 (Optuna ignores a second report of a step). Also beats the heartbeat. */
int ws_store_trial_report(ws_store *s, int64_t trial_id, int64_t step, double value, int *stored, ws_err *e);
int ws_store_trial_heartbeat(ws_store *s, int64_t trial_id, ws_err *e);
/* The other trials of trial_id's study: how many are RUNNING or WAITING (*active), and how many
 * there are (*total). A trial that sees no other active and no new one for a while has the
 * machine's other cores to itself (train-trial --grow-threads, trainer/grow.h). */
int ws_store_trial_peers(ws_store *s, int64_t trial_id, int *active, int *total, ws_err *e);
int ws_store_trial_attr_set(ws_store *s, int64_t trial_id, int system, const char *key, const json_t *value, ws_err *e);
/* In a transaction: 0 while the trial is RUNNING, WS_ESTATE ("trial N: already STATE") once it is
 * finished; the trial's row stays locked to the transaction's end (PostgreSQL: FOR NO KEY UPDATE;
 * SQLite's write transaction locks it all), so a write that depends on it cannot race a tell. */
int ws_store_trial_require_running(ws_store *s, int64_t trial_id, ws_err *e);
/* For a trial another process has just failed because its own had stopped (its pid gone, its
 * heartbeat past the grace): the reason, and WS_ATTR_DIED. */
int ws_store_trial_mark_died(ws_store *s, int64_t trial_id, const char *why, ws_err *e);
/* The last heartbeat of each of trials (the study's, as loaded) as an instant, epoch seconds,
 * into beat[i] (one per trial); NaN for a trial without one. SQLite's are CURRENT_TIMESTAMP, UTC;
 * PostgreSQL's LOCALTIMESTAMP, the session's zone, read back in it (clock.h). */
int ws_store_trial_heartbeats(ws_store *s, const ws_study *st, const ws_trial_list *trials, double *beat, ws_err *e);
/* Marks FAIL every RUNNING trial of the study whose heartbeat is older than grace_s seconds
 * (trials that never beat are left alone, as in Optuna). Returns their trial ids in *failed
 * (a JSON array; may be NULL): a number may be held by two rows after deletions, an id not.
 * In a transaction. */
int ws_store_fail_stale(ws_store *s, const ws_study *st, double grace_s, json_t **failed, ws_err *e);

/* Copying a study between stores, as Optuna's copy_study does (tools/study-copy). */
/* All of a study's attributes (system = 1: system, else user) as one JSON object; *texts (texts
 * may be NULL) holds {key: text} for those whose value_json is not strict JSON (Python's NaN,
 * Infinity: stand-ins in *obj), as written, so that a copy keeps them. */
int ws_store_study_attrs(ws_store *s, int64_t study_id, int system, json_t **obj, json_t **texts, ws_err *e);
/* An attribute of owner "study" or "trial" set to the value_json text given, as it is (a copy's
 * text that is not strict JSON). */
int ws_store_attr_set_text(ws_store *s, const char *owner, int64_t id, int system, const char *key, const char *text,
                           ws_err *e);
/* In a transaction: t written as it is (number, state, both datetimes, params, value,
 * intermediate values, system and user attributes); t->trial_id is ignored, the new id goes to
 * *trial_id. No heartbeat is written (copy_study writes none either). */
int ws_store_trial_import(ws_store *s, const ws_study *st, const ws_trial *t, int64_t *trial_id, ws_err *e);
/* A study copied from src to dst in two steps, so that a source refused while it is read (a value
 * Optuna could not have written, a name that is not UTF-8) is found before the destination is
 * opened, which creates it. ws_store_copy_read reads study `name` of src whole, in one snapshot
 * (NULL, e set, when it cannot); ws_store_copy_write writes it into dst under the name dst_name
 * (NULL: the same name), in one transaction: the direction, study attributes and every trial. A
 * study of that name in dst is an input error. */
typedef struct ws_copy_source ws_copy_source;
ws_copy_source *ws_store_copy_read(ws_store *src, const char *name, ws_err *e);
int ws_store_copy_write(const ws_copy_source *c, ws_store *dst, const char *dst_name, int *n_trials, ws_err *e);
void ws_copy_source_free(ws_copy_source *c);

/* System attribute keys wakesweep keeps beside Optuna's own. */
#define WS_ATTR_CONFIG "wakesweep:config"    /* study: the study config, as given */
#define WS_ATTR_SEED "wakesweep:seed"        /* study: the study seed; trial: its line's seed (integers) */
#define WS_ATTR_REASON "wakesweep:reason"    /* trial: why it ended PRUNED or FAIL */
#define WS_ATTR_PID "wakesweep:pid"          /* trial: pid of the process running it */
#define WS_ATTR_TAG "wakesweep:tag"          /* trial: the pipeline target that ran it (suggest --tag) */
#define WS_ATTR_REQUEUED "wakesweep:requeued" /* trial: failed because its process died, queued again */
#define WS_ATTR_DIED "wakesweep:died"        /* trial: failed by another process once its own had stopped
                                                (reaped, or stale): it ran until its last heartbeat, not
                                                until its datetime_complete, when it was found dead */
#define WS_ATTR_NORMALIZE "wakesweep:normalize:" /* study, + cache checksum and transform: the
                                                     features' standardization, computed once */
#define WS_ATTR_DATA "wakesweep:data"      /* study: the data its trials train on, {"data_hash": the
                                                cache's (audio_cache_data_hash, hex), "features": the
                                                cache it was first read from}: study/data.h */
#define WS_ATTR_UID "wakesweep:uid"        /* study: a random id (32 hex digits) its first trial made: tells
                                                it from a study of the same name in another store, whose
                                                checkpoints may share its folder (study/uid.h) */
#define WS_ATTR_CONSTRAINTS "constraints"    /* trial: Optuna's constraint values, feasible iff all <= 0 */
#define WS_REASON_STALE "heartbeat older than the grace period" /* WS_ATTR_REASON of a stale trial */

/* The study's config as suggest stored it; *found = 0 (and c zeroed) for a study created
 * elsewhere (e.g. by Optuna). */
struct ws_config;
int ws_store_study_config(ws_store *s, const ws_study *st, struct ws_config *c, int *found, ws_err *e);

#endif
