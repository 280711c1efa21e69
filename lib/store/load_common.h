/* load_common.h — the half of loading a study's trials that does not depend on the database
 * (the backends' sqlite_load.c and pg_load.c do the other half: running the queries and reading
 * cells). The trials rows come first; then one query per table for the whole study (not one per
 * trial, so loading stays fast with thousands of trials), each row handed to its trial by id;
 * distribution JSON repeats across trials, so each distinct text is parsed once. Not for use
 * outside lib/store. */
#ifndef WS_STORE_LOAD_COMMON_H
#define WS_STORE_LOAD_COMMON_H
#include "store/store.h"

/* The queries after the trials rows, in this order. Their columns: trial_id first, then
 *   VALUE     value, value_type, objective    PARAM  param_name, param_value, distribution_json
 *   IV        step, intermediate_value, intermediate_value_type
 *   SYS_ATTR / USER_ATTR   key, value_json */
enum { WS_LOADQ_VALUE, WS_LOADQ_PARAM, WS_LOADQ_IV, WS_LOADQ_SYS_ATTR, WS_LOADQ_USER_ATTR, WS_LOADQ_N };

/* What a load reads: the whole study, the trials with one number, the trial with one trial_id. */
enum { WS_LOAD_SCOPE_STUDY, WS_LOAD_SCOPE_NUMBER, WS_LOAD_SCOPE_ID };
/* The trials query, then query k: SQL with placeholder p ('?' for SQLite, '$' for PostgreSQL)
 * numbered 1 (the study id) and, unless scope is WS_LOAD_SCOPE_STUDY, 2 (the number or the
 * trial_id). ws_load_query returns NULL when `what` (WS_LOAD_*) does not ask for query k; step: the
 * step of WS_LOAD_STEP_IV (with WS_LOAD_SCOPE_STUDY only; the backends pass their key). */
const char *ws_load_trials_query(char p, int scope, char *buf, size_t n);
const char *ws_load_query(int k, unsigned what, char p, int scope, int64_t step, char *buf, size_t n);

typedef struct {
    ws_trial_list *l;
    struct ws_load_id *ix;          /* the loaded trials sorted by id */
    char **dist_text;               /* distinct distribution texts seen, and their parse */
    ws_dist *dist;
    size_t n_dist, cap_dist;
} ws_loader;

/* Adds a trials row (attribute objects made, the rest zero; start and complete: the datetime
 * columns' text, NULL for SQL NULL) and returns it; NULL (e set) when out of memory, or
 * WS_EINPUT for a state Optuna does not write ("trials: trial N: state ...", the caller names
 * the file and study). */
ws_trial *ws_load_add_trial(ws_trial_list *l, int64_t trial_id, int number, const char *state, const char *start,
                            const char *complete, ws_err *e);
/* After the trials rows: indexes them. */
int ws_loader_init(ws_loader *ld, ws_trial_list *l, ws_err *e);
void ws_loader_release(ws_loader *ld);
/* The loaded trial with this id; NULL when the row belongs to none (a trial added meanwhile). */
ws_trial *ws_loader_trial(const ws_loader *ld, int64_t trial_id);

/* A row of each query, added to its trial, its cells as the backend read them: an integer cell
 * (a step, an objective) and a number cell with its type cell (trial_values' value and
 * value_type, an intermediate value and its type; a param_value has no type). Each row is checked
 * as Optuna 3.1 writes one; any other (a hand edit, another client) is WS_EINPUT naming the
 * table, the trial and the row: read as 0, NaN or another row it would steer the best trial, a
 * sampler or a pruner in silence, where Optuna itself fails on it (AssertionError, LookupError,
 * IndexError while loading, a TypeError or ValueError in its samplers and pruners). */
typedef struct {
    int ok;                   /* the cell holds an integer (SQLite: not text, a fraction, a blob) */
    int64_t v;
    const char *text;         /* when !ok: the cell as text (NULL: a blob or NULL) */
} ws_int_cell;
typedef struct {
    const char *type;         /* the type column; NULL for SQL NULL (or when the table has none) */
    int null;                 /* the number is SQL NULL */
    int ok;                   /* else: it holds a number, v */
    double v;
    const char *text;         /* when neither: the cell as text (NULL: a blob) */
} ws_num_cells;
/* trial_values: objective 0 (single-objective studies only: Optuna cannot load another in
 * them); a type FINITE, INF_POS or INF_NEG, and for FINITE a number, or NULL: NaN, as Optuna's
 * add_trial leaves a NaN value in SQLite. */
int ws_load_value_row(ws_trial *t, const ws_int_cell *objective, const ws_num_cells *value, ws_err *e);
/* trial_params: a name (name_bytes: the cell's length, as ws_load_name checks it), a number (for
 * a categorical, the index of one of its choices); the distribution JSON is parsed once per
 * distinct text. */
int ws_load_param(ws_loader *ld, ws_trial *t, const char *name, size_t name_bytes, const ws_num_cells *value,
                  const char *dist_json, ws_err *e);
/* trial_intermediate_values: a step that is an integer >= 0 (Trial.report refuses a negative
 * one, prune-check too), a type FINITE, INF_POS, INF_NEG or NAN, and for FINITE a number. */
int ws_load_iv_row(ws_trial *t, const ws_int_cell *step, const ws_num_cells *value, ws_err *e);
/* trial_system_attributes / trial_user_attributes: a key (key_bytes long: ws_load_name) and
 * value_json, each UTF-8 (else WS_EINPUT, as ws_load_utf8). */
int ws_load_attr(ws_trial *t, int system, const char *key, size_t key_bytes, const char *value_json, ws_err *e);
/* Text a cell holds that is not UTF-8 (SQLite keeps any bytes: a study made by hand or by another
 * client): WS_EINPUT "AT: COL '...' is not UTF-8", the bytes shown as \xNN; 0 for UTF-8 or NULL.
 * JSON cannot hold such a name or value (jansson's json_string refuses it), so every output
 * would drop it in silence; and Optuna cannot read it either (Python's sqlite3: "Could not decode
 * to UTF-8 column"). AT names the table and row ("trial_params: trial 3"). */
int ws_load_utf8(const char *text, const char *at, const char *col, ws_err *e);
/* A name cell (a study's name, a parameter's, an attribute's key) of `bytes` bytes: as
 * ws_load_utf8, and WS_EINPUT "AT: COL 'k\x00x' holds a NUL byte" where a NUL lies before its
 * end. Optuna writes such a name (Python's str holds a NUL, and SQLite keeps it); read as a C
 * string it ended at the NUL, so two names Optuna keeps apart ('k' and 'k<NUL>x') were one:
 * study-copy merged two attributes into one, report showed one of two parameters. JSON cannot
 * hold it as a key either (jansson refuses one with a NUL). */
int ws_load_name(const char *text, size_t bytes, const char *at, const char *col, ws_err *e);
/* A row of study_system_attributes / study_user_attributes (of the database at path), read as
 * ws_load_attr reads a trial's: key (key_bytes long) and value_json each UTF-8 (else WS_EINPUT naming path, table
 * and row, as ws_load_utf8), the value into obj, and value_json that is not strict JSON also into
 * texts as written (ws_store_study_attrs). The backends read the rows; this decodes them. */
int ws_load_study_attr(const char *path, int64_t study_id, int system, const char *key, size_t key_bytes,
                       const char *value_json, json_t *obj, json_t *texts, ws_err *e);
/* One study attribute's value_json parsed strictly (ws_store_study_attr_get); what is not JSON is
 * WS_EINPUT naming path, table, row and column: "s.db: study_system_attributes: study_id 1, key
 * 'wakesweep:config': value_json:4: ...". */
json_t *ws_load_study_attr_json(const char *path, int64_t study_id, int system, const char *key, const char *value_json,
                                ws_err *e);

/* ws_load_datetime_out: in store/trial.h (report shows the datetimes as a copy writes them). */

/* The one trial that a single-trial load found, or WS_EINPUT "PATH: study 'S': unknown trial N",
 * or WS_EINPUT naming the trial ids when several rows hold number N; frees l. */
int ws_load_single(ws_trial_list *l, const char *path, const ws_study *st, int number, ws_trial *out, ws_err *e);
/* The same for a load by trial_id: the trial, or WS_EINPUT "PATH: study 'S': unknown trial id
 * N" (none of the study's rows has it); frees l. */
int ws_load_single_id(ws_trial_list *l, const char *path, const ws_study *st, int64_t trial_id, ws_trial *out,
                      ws_err *e);

#endif
