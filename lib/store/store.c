/* store.c — the backend-neutral face of the study store: ws_store_open picks the backend from
 * the URL (Optuna's forms) and every other call goes through the backend's table. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "space/config.h"   /* WS_MAXIMIZE, a study's direction */
#include "store/backend.h"
#include "store/load_common.h"
#include "store/pq_dl.h"   /* PQfinish, for a connection handed to an open that cannot start */
#include "store/sqlite_wal.h"

ws_db_kind ws_store_url_kind(const char *url)
{
    static const char *const pg[] = {"postgresql://", "postgres://", "postgresql+psycopg2://"};
    for (size_t i = 0; i < sizeof pg / sizeof pg[0]; i++)
        if (!strncmp(url, pg[i], strlen(pg[i]))) return WS_DB_POSTGRES;
    return WS_DB_SQLITE;
}

const char *ws_store_sqlite_file(const char *url)
{
    return strncmp(url, "sqlite:///", 10) ? url : url + 10;
}

const char *ws_store_url_no_file(const char *url)
{
    if (ws_store_url_kind(url) != WS_DB_SQLITE) return NULL;
    if (!*url) return "empty path";
    const char *file = ws_store_sqlite_file(url);
    if (!*file) return "empty path after 'sqlite:///' (expected sqlite:///FILE or a path)";
    /* SQLAlchemy reads what follows '?' in a URL as its query, arguments to Python's
     * sqlite3.connect: Optuna opens FILE for sqlite:///FILE?timeout=30, and this store would
     * have opened (made) a file named "FILE?timeout=30", another study */
    if (file != url && strchr(file, '?'))
        return "a query ('?...') after sqlite:///FILE, which Optuna (SQLAlchemy) passes to Python's sqlite3 while "
               "it opens FILE, is not taken (WS_DB_BUSY_S sets the wait for a lock): give sqlite:///FILE alone";
    /* SQLite's name for a private in-memory database (Optuna's sqlite:///:memory:): a trial made
     * there was printed, exit 0, and lost with the process; the file ":memory:" made beside it,
     * empty, every later reader refused */
    /* '-' is standard input where a tool reads a stream (suggest --fixed -, a trial line); a
     * study is a file: --db - made (or looked for) a study file named '-' in the working folder */
    if (file == url && !strcmp(file, "-"))
        return "'-' names no file here (a study is a SQLite file, not standard input or output): give a study file "
               "(./- for a file so named)";
    if (!strcmp(file, ":memory:"))
        return "':memory:', SQLite's private in-memory database, would be lost when the tool exits: give a study "
               "file (./:memory: for a file so named)";
    /* SQLite (built with SQLITE_USE_URI, as Debian's, which Python's sqlite3 and so Optuna use
     * too) opens a name starting "file:" as a URI: file:s.db opened s.db, while this store
     * checked and made the file "file:s.db" (empty: every later reader refused it), and
     * file:s?mode=memory kept the study in memory, its trials lost at exit */
    if (!strncmp(file, "file:", 5))
        return "a name starting 'file:', which SQLite opens as a URI (file:s.db opens s.db), is not taken: give the "
               "path itself (./file:... for a file so named)";
    return NULL;
}

int ws_store_open(ws_store **out, const char *url, int flags, ws_err *e)
{
    return ws_store_open_file(out, url, flags, NULL, e);
}

static int open_store(ws_store **out, const char *url, int flags, const ws_file_id *id, const ws_store_wait *w,
                      ws_err *e)
{
    *out = NULL;
    ws_store *s = calloc(1, sizeof *s);
    if (!s) {
        if (w && w->pg_conn) PQfinish(w->pg_conn);   /* taken, as the open would have */
        return ws_err_set(e, WS_ENOMEM, "out of memory");
    }
    s->want = id && (id->set || id->gone) ? id : NULL;
    s->busy_timeout_ms = w ? w->busy_timeout_ms : -1;
    s->busy_var = w && w->busy_var ? w->busy_var : "WS_DB_BUSY_S";
    s->stop = w ? w->stop : NULL;
    s->pg_try_once = w && w->pg_try_once;
    s->pg_conn = w ? w->pg_conn : NULL;
    s->pg_answer_until_s = w ? w->pg_answer_until_s : 0;
    s->pg_answer_s = w ? w->pg_answer_s : 0;
    s->pg_lock_timeout_ms = w ? w->pg_lock_timeout_ms : 0;
    s->pg_locked = w ? w->pg_locked : NULL;
    if (s->pg_locked) *s->pg_locked = 0;
    int pg = ws_store_url_kind(url) == WS_DB_POSTGRES;
    s->ops = pg ? &ws_pg_ops : &ws_sqlite_ops;
    int rc = (pg ? ws_pg_open : ws_sqlite_open)(s, url, flags, e);
    s->pg_locked = NULL;   /* the open's alone: the caller's variable */
    if (rc) { ws_store_close(s); return -1; }
    *out = s;
    return 0;
}

int ws_store_open_file(ws_store **out, const char *url, int flags, const ws_file_id *id, ws_err *e)
{
    return open_store(out, url, flags, id, NULL, e);
}

int ws_store_open_wait(ws_store **out, const char *url, int flags, const ws_store_wait *w, ws_err *e)
{
    return open_store(out, url, flags, NULL, w, e);
}

struct sqlite3 *ws_store_sqlite(ws_store *s) { return s ? s->db : NULL; }

/* Leaves the parameters named password out of a URL's query (q: from its '?'), with their '&'. */
static void drop_password_params(char *q)
{
    char *out = q + 1, *in = q + 1;
    while (*in) {
        size_t len = strcspn(in, "&");
        int secret = !strncmp(in, "password=", 9) || (len == 8 && !strncmp(in, "password", 8));
        if (!secret) {
            if (out != q + 1) *out++ = '&';
            memmove(out, in, len);
            out += len;
        }
        in += len + (in[len] == '&');
    }
    *(out == q + 1 ? q : out) = 0;   /* nothing left: no '?' either */
}

char *ws_store_url_shown(const char *url)
{
    char *m = strdup(url);
    if (!m) return NULL;
    char *scheme = strstr(m, "://");
    if (!scheme) return m;
    /* user:password@ in the authority only (up to the path or query, whose texts may hold ':'
     * and '@'); its last '@', so that a password with one unencoded is cut whole */
    char *auth = scheme + 3, *at = NULL;
    size_t auth_len = strcspn(auth, "/?");
    for (char *c = auth; c < auth + auth_len; c++)
        if (*c == '@') at = c;
    char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (colon) memmove(colon, at, strlen(at) + 1);
    /* libpq takes the password as a parameter of the query too (?password=...) */
    char *q = strchr(m, '?');
    if (q) drop_password_params(q);
    return m;
}

int ws_store_check_revision(const char *path, const char *revision, const char *second, ws_err *e)
{
    /* Optuna 3.1's revisions, oldest first (optuna/storages/_rdb/alembic/versions); its head last */
    static const char *const known[] = {"v0.9.0.a", "v1.2.0.a", "v1.3.0.a", "v2.4.0.a", "v2.6.0.a",
                                        "v3.0.0.a", "v3.0.0.b", "v3.0.0.c", "v3.0.0.d"};
    enum { N_KNOWN = sizeof known / sizeof known[0] };
    /* no row: Optuna 3.1 stamps its head there, version_info saying 12 (its _init_alembic) */
    if (!revision) return 0;
    /* alembic's "more than one head present": Optuna 3.1 refuses the file, whichever rows */
    if (second)
        return ws_err_set(e, WS_EINPUT, "%s: alembic_version holds more than one revision ('%s', '%s'), expected one "
                          "(Optuna 3.1's %s): Optuna 3.1 refuses such a file too; leave the one revision of its schema "
                          "there", path, revision, second, known[N_KNOWN - 1]);
    if (!strcmp(revision, known[N_KNOWN - 1])) return 0;
    for (size_t i = 0; i + 1 < N_KNOWN; i++)
        if (!strcmp(revision, known[i]))
            return ws_err_set(e, WS_EINPUT, "%s: Optuna schema revision %s, older than Optuna 3.1's v3.0.0.d: upgrade "
                              "it with `optuna storage upgrade --storage URL`", path, revision);
    /* a newer Optuna's (after its `optuna storage upgrade`): its tables may differ from the ones
     * these tools read and write, and a write with v3.0.0.d's could corrupt its study */
    return ws_err_set(e, WS_EINPUT, "%s: Optuna schema revision '%s' (alembic_version), one Optuna 3.1 does not know "
                      "(it knows %s to %s): a newer Optuna's schema, which these tools, written for %s's tables, "
                      "neither read nor write; use the Optuna that made it", path, revision, known[0],
                      known[N_KNOWN - 1], known[N_KNOWN - 1]);
}

int ws_store_check_running(ws_state state, int number, ws_err *e)
{
    /* a WAITING trial is not finished but not begun: queued, no one has it yet (Optuna's tell:
     * "Cannot tell a WAITING trial") */
    if (state == WS_WAITING)
        return ws_err_set(e, WS_ESTATE, "trial %d: WAITING (queued, not yet handed out by suggest), not RUNNING; "
                          "nothing changed", number);
    if (state != WS_RUNNING)
        return ws_err_set(e, WS_ESTATE, "trial %d: already %s, nothing changed", number, ws_state_name(state));
    return 0;
}

static int single_objective(const ws_store *s, const ws_study *st, ws_err *e);

int ws_store_check_direction(const ws_store *s, const ws_study *st, int direction, ws_err *e)
{
    /* a study wakesweep does not take is said to be one, not to have another direction */
    if (single_objective(s, st, e)) return -1;
    if (st->direction == direction) return 0;
    return ws_err_set(e, WS_EINPUT, "%s: study '%s' exists with direction %s", s->path, st->name,
                      st->direction == WS_MAXIMIZE ? "maximize" : "minimize");
}

void ws_store_close(ws_store *s)
{
    if (!s) return;
    s->ops->close(s);
    free(s->path);
    free(s);
}

const char *ws_store_path(const ws_store *s) { return s->path; }

void ws_store_set_busy_remedy(ws_store *s, const char *remedy) { s->busy_remedy = remedy; }
int ws_store_moved(ws_store *s) { return s && s->db ? ws_sqlite_moved(s->db) : 0; }
int ws_store_file_id(ws_store *s, ws_file_id *id)
{
    id->set = id->gone = 0;
    int rc = s && s->db ? ws_sqlite_file_id(s->db, &id->dev, &id->ino) : -1;
    id->set = rc == 0;
    /* no file to compare with, but the path's is not s's: left unset, a connection by the path
     * was opened unchecked, to the file renamed over s's, whose -wal it took for its own */
    id->gone = rc == 1;
    return rc;
}
int ws_store_url_names(const char *url, const ws_file_id *id)
{
    if (id->gone) return 0;
    return !id->set || ws_store_url_kind(url) != WS_DB_SQLITE
           || ws_sqlite_path_is(ws_store_sqlite_file(url), id->dev, id->ino);
}
int ws_store_begin(ws_store *s, ws_err *e) { return s->ops->begin(s, e); }
int ws_store_commit(ws_store *s, ws_err *e) { return s->ops->commit(s, e); }
void ws_store_rollback(ws_store *s) { s->ops->rollback(s); }
int ws_store_auto_begin(ws_store *s, int *own, ws_err *e)
{
    *own = !s->in_txn;
    return *own ? s->ops->begin(s, e) : 0;
}

int ws_store_auto_end(ws_store *s, int own, int ok, ws_err *e)
{
    if (!own) return ok ? 0 : -1;
    if (!ok) { s->ops->rollback(s); return -1; }
    return s->ops->commit(s, e);
}

int ws_store_begin_read(ws_store *s, ws_err *e) { return s->ops->begin_read ? s->ops->begin_read(s, e) : 0; }
void ws_store_end_read(ws_store *s) { if (s->in_txn) s->ops->rollback(s); }

/* Optuna's multi-objective studies (several study_directions rows) are refused by every tool:
 * read as single-objective they would show a wrong best trial, and a single value told to one
 * of their trials would leave it unreadable for Optuna. So is a study whose direction is not set
 * (NOT_SET, which an Optuna 2 left when killed between making a study and setting its direction,
 * or no row at all): read as minimize it was copied as a minimizing study (Optuna's copy_study
 * refuses it) and continued as one, while Optuna's own TPE takes NOT_SET as maximize. */
static int single_objective(const ws_store *s, const ws_study *st, ws_err *e)
{
    if (st->n_objectives > 1)
        return ws_err_set(e, WS_ESTATE, "%s: study '%s' has %d objectives (a multi-objective Optuna study); "
                          "wakesweep takes single-objective studies", ws_store_path(s), st->name, st->n_objectives);
    if (st->n_objectives < 1 || !st->direction)
        return ws_err_set(e, WS_ESTATE, "%s: study '%s' has %s; wakesweep takes single-objective studies, "
                          "minimize or maximize", ws_store_path(s), st->name,
                          st->n_objectives < 1 ? "no direction (no study_directions row)"
                                               : "no direction set (study_directions: NOT_SET)");
    return 0;
}

/* A name the study record cannot hold whole would be cut short in every line printed after. */
static int name_fits(const char *name, ws_err *e)
{
    if (strlen(name) < sizeof ((ws_study *)0)->name) return 0;
    return ws_err_set(e, WS_EINPUT, "study name of %zu bytes: at most %zu (512 characters)", strlen(name),
                      sizeof ((ws_study *)0)->name - 1);
}

/* A study another client named with bytes that are not UTF-8: found by such a name (tell,
 * prune-check), it was changed and then no JSON line could name it (the tools crashed on the
 * line); refused before anything changes, as the lists of studies refuse it. */
static int name_utf8(ws_store *s, const ws_study *st, ws_err *e)
{
    char row[64];
    snprintf(row, sizeof row, "studies: study_id %lld", (long long)st->id);
    return ws_load_utf8(st->name, row, "study_name", e) ? ws_err_prefix(e, "%s", ws_store_path(s)) : 0;
}

int ws_store_study_find(ws_store *s, const char *name, ws_study *out, ws_err *e)
{
    return name_fits(name, e) || s->ops->study_find(s, name, out, e) || name_utf8(s, out, e) || single_objective(s, out, e)
           ? -1 : 0;
}

int ws_store_study_create(ws_store *s, const char *name, int direction, ws_study *out, int *created, ws_err *e)
{
    return name_fits(name, e) || s->ops->study_create(s, name, direction, out, created, e) || single_objective(s, out, e)
           ? -1 : 0;
}

int ws_store_study_names(ws_store *s, json_t **names, ws_err *e) { return s->ops->study_names(s, names, e); }

int ws_store_study_pick(ws_store *s, const char *name, ws_study *out, int *found, ws_err *e)
{
    json_t *names, *n;
    /* A study named is looked up by its name: the list of all names is read (below) only to say
     * it is not there, and reading it refuses a name it cannot hold (another study's, with a
     * NUL byte or bytes that are not UTF-8), which refused the whole file for that study. Where
     * the list cannot be read either, the lookup's own error stands. */
    ws_err sought = {0};
    if (name && !ws_store_study_find(s, name, out, &sought)) {
        if (found) *found = 1;
        return 0;
    }
    if (ws_store_study_names(s, &names, e)) {
        if (name) *e = sought;
        return -1;
    }
    const char *pick = NULL;
    size_t i, count = json_array_size(names);
    int rc = 0;
    if (name) {
        json_array_foreach(names, i, n) if (!strcmp(json_string_value(n), name)) pick = name;
    } else if (count == 1) {
        pick = json_string_value(json_array_get(names, 0));
    } else if (count > 1) {
        char *list = ws_json_dump(names, 0);
        rc = ws_err_set(e, WS_EINPUT, "%s: holds several studies %s: choose one with --study", ws_store_path(s), list);
        free(list);
    }
    if (!rc && pick) rc = ws_store_study_find(s, pick, out, e);
    else if (!rc && !found)   /* not there, and that is an error */
        rc = name ? ws_err_set(e, WS_EINPUT, "%s: unknown study '%s'", ws_store_path(s), name)
                  : ws_err_set(e, WS_EINPUT, "%s: holds no study", ws_store_path(s));
    if (found) *found = !rc && pick;
    json_decref(names);
    return rc;
}

int ws_store_study_named(ws_store *s, const char *name, const char *where, ws_study *out, ws_err *e)
{
    int found = 0;
    if (ws_store_study_pick(s, name, out, &found, e)) return -1;
    return found ? 0 : ws_err_set(e, WS_EINPUT, "%s: no study '%s' in %s", where, name, ws_store_path(s));
}

int ws_store_study_attr_get(ws_store *s, int64_t study_id, int system, const char *key, json_t **value, ws_err *e)
{
    return s->ops->study_attr_get(s, study_id, system, key, value, e);
}

/* An attribute of owner "study" or "trial" (Optuna's tables of both have the same shape), its
 * value_json as Optuna writes it (json.dumps), whichever the backend. */
static int attr_set(ws_store *s, const char *owner, int64_t id, int system, const char *key, const json_t *value,
                    ws_err *e)
{
    char *text = ws_json_dump(value, WS_JSON_PYTHON);
    if (!text) return ws_err_set(e, WS_ENOMEM, "out of memory");
    int rc = s->ops->attr_set_text(s, owner, id, system, key, text, e);
    free(text);
    return rc;
}

int ws_store_study_attr_set(ws_store *s, int64_t study_id, int system, const char *key, const json_t *value, ws_err *e)
{
    return attr_set(s, "study", study_id, system, key, value, e);
}

int ws_store_trials_load(ws_store *s, const ws_study *st, unsigned what, ws_trial_list *out, ws_err *e)
{
    return s->ops->trials_load(s, st, WS_LOAD_SCOPE_STUDY, 0, what & ~WS_LOAD_STEP_IV, out, e);
}

int ws_store_trials_load_step(ws_store *s, const ws_study *st, unsigned what, int64_t step, ws_trial_list *out,
                              ws_err *e)
{
    return s->ops->trials_load(s, st, WS_LOAD_SCOPE_STUDY, step, what | WS_LOAD_STEP_IV, out, e);
}

int ws_store_trial_load(ws_store *s, const ws_study *st, int number, unsigned what, ws_trial *out, ws_err *e)
{
    ws_trial_list l;
    return s->ops->trials_load(s, st, WS_LOAD_SCOPE_NUMBER, number, what, &l, e)
               ? -1 : ws_load_single(&l, ws_store_path(s), st, number, out, e);
}

int ws_store_trial_load_id(ws_store *s, const ws_study *st, int64_t trial_id, unsigned what, ws_trial *out, ws_err *e)
{
    ws_trial_list l;
    return s->ops->trials_load(s, st, WS_LOAD_SCOPE_ID, trial_id, what, &l, e)
               ? -1 : ws_load_single_id(&l, ws_store_path(s), st, trial_id, out, e);
}

int ws_store_trial_create(ws_store *s, const ws_study *st, ws_state state, const ws_param *params,
                          size_t n_params, int64_t *trial_id, int *number, ws_err *e)
{
    return s->ops->trial_create(s, st, state, params, n_params, trial_id, number, e);
}

int ws_store_trial_claim_waiting(ws_store *s, const ws_study *st, int64_t *trial_id, int *number, ws_err *e)
{
    return s->ops->trial_claim_waiting(s, st, trial_id, number, e);
}

int ws_store_trial_set_params(ws_store *s, int64_t trial_id, const ws_param *params, size_t n, ws_err *e)
{
    return s->ops->trial_set_params(s, trial_id, params, n, e);
}

int ws_store_trial_finish(ws_store *s, int64_t trial_id, ws_state state, const double *value, ws_err *e)
{
    /* Optuna's trial_values has FINITE, INF_POS and INF_NEG only: a NaN row would stop Optuna
     * reading the study. Callers turn NaN into FAIL or no value first. */
    if (value && isnan(*value))
        return ws_err_set(e, WS_EINTERNAL, "store: trial %lld: a NaN trial value cannot be stored", (long long)trial_id);
    return s->ops->trial_finish(s, trial_id, state, value, e);
}

int ws_store_trial_report(ws_store *s, int64_t trial_id, int64_t step, double value, int *stored, ws_err *e)
{
    return s->ops->trial_report(s, trial_id, step, value, stored, e);
}

int ws_store_trial_heartbeat(ws_store *s, int64_t trial_id, ws_err *e) { return s->ops->trial_heartbeat(s, trial_id, e); }
int ws_store_trial_peers(ws_store *s, int64_t trial_id, int *active, int *total, ws_err *e)
{
    return s->ops->trial_peers(s, trial_id, active, total, e);
}

typedef struct {
    const ws_trial_list *trials;
    double *beat;
} beats_ctx;

static void put_beat(int64_t trial_id, double t, void *p)
{
    beats_ctx *c = p;
    for (size_t i = 0; i < c->trials->n; i++)
        if (c->trials->v[i].trial_id == trial_id) c->beat[i] = t;
}

int ws_store_trial_heartbeats(ws_store *s, const ws_study *st, const ws_trial_list *trials, double *beat, ws_err *e)
{
    for (size_t i = 0; i < trials->n; i++) beat[i] = NAN;
    beats_ctx c = {trials, beat};
    return s->ops->heartbeats(s, st, put_beat, &c, e);
}

int ws_store_trial_require_running(ws_store *s, int64_t trial_id, ws_err *e)
{
    return s->ops->trial_require_running(s, trial_id, e);
}

int ws_store_trial_attr_set(ws_store *s, int64_t trial_id, int system, const char *key, const json_t *value, ws_err *e)
{
    return attr_set(s, "trial", trial_id, system, key, value, e);
}

int ws_store_trial_mark_died(ws_store *s, int64_t trial_id, const char *why, ws_err *e)
{
    json_t *reason = ws_json_text(why), *yes = json_true();
    int rc = !reason ? ws_err_set(e, WS_ENOMEM, "out of memory")
                     : ws_store_trial_attr_set(s, trial_id, 1, WS_ATTR_REASON, reason, e)
                           || ws_store_trial_attr_set(s, trial_id, 1, WS_ATTR_DIED, yes, e);
    json_decref(reason);
    json_decref(yes);
    return rc ? -1 : 0;
}

int ws_store_fail_stale(ws_store *s, const ws_study *st, double grace_s, json_t **failed, ws_err *e)
{
    return s->ops->fail_stale(s, st, grace_s, failed, e);
}

int ws_store_study_attrs(ws_store *s, int64_t study_id, int system, json_t **obj, json_t **texts, ws_err *e)
{
    json_t *t = NULL;
    int rc = s->ops->study_attrs(s, study_id, system, obj, &t, e);
    if (texts) *texts = t; else json_decref(t);
    return rc;
}

int ws_store_attr_set_text(ws_store *s, const char *owner, int64_t id, int system, const char *key, const char *text,
                           ws_err *e)
{
    return s->ops->attr_set_text(s, owner, id, system, key, text, e);
}

int ws_store_trial_import_attrs(ws_store *s, int64_t trial_id, const ws_trial *t, ws_err *e)
{
    for (int system = 1; system >= 0; system--) {
        const char *key;
        json_t *v;
        json_object_foreach(system ? t->system_attrs : t->user_attrs, key, v) {
            const char *text = ws_trial_attr_text(t, system, key);
            if (text ? s->ops->attr_set_text(s, "trial", trial_id, system, key, text, e)
                     : attr_set(s, "trial", trial_id, system, key, v, e))
                return -1;
        }
    }
    return 0;
}

int ws_store_trial_import(ws_store *s, const ws_study *st, const ws_trial *t, int64_t *trial_id, ws_err *e)
{
    return s->ops->trial_import(s, st, t, trial_id, e);
}
