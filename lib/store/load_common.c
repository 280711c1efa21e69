/* load_common.c — loading trials, the database-independent half (see load_common.h). */
#include "store/load_common.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/json.h"
#include "core/text.h"

struct ws_load_id { int64_t trial_id; size_t idx; };

/* The condition that scopes a query to one trial, on the trials table's alias t ("" or "t.") */
static void scope_text(int scope, char p, const char *t, char *buf, size_t n)
{
    buf[0] = 0;
    if (scope == WS_LOAD_SCOPE_NUMBER) snprintf(buf, n, " AND %snumber = %c2", t, p);
    if (scope == WS_LOAD_SCOPE_ID) snprintf(buf, n, " AND %strial_id = %c2", t, p);
}

const char *ws_load_trials_query(char p, int scope_by, char *buf, size_t n)
{
    char scope[40];
    scope_text(scope_by, p, "", scope, sizeof scope);
    snprintf(buf, n, "SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials "
                     "WHERE study_id = %c1%s ORDER BY number, trial_id", p, scope);
    return buf;
}

const char *ws_load_query(int k, unsigned what, char p, int scope_by, int64_t step, char *buf, size_t n)
{
    static const struct { unsigned need; const char *head, *tail; } q[WS_LOADQ_N] = {
        [WS_LOADQ_VALUE] = {0, "SELECT x.trial_id, x.value, x.value_type, x.objective FROM trial_values x", ""},
        [WS_LOADQ_PARAM] = {WS_LOAD_PARAMS, "SELECT x.trial_id, x.param_name, x.param_value, x.distribution_json "
                            "FROM trial_params x", " ORDER BY x.param_id"},
        [WS_LOADQ_IV] = {WS_LOAD_IVS, "SELECT x.trial_id, x.step, x.intermediate_value, x.intermediate_value_type "
                         "FROM trial_intermediate_values x", " ORDER BY x.trial_id, x.step"},
        [WS_LOADQ_SYS_ATTR] = {WS_LOAD_ATTRS, "SELECT x.trial_id, x.key, x.value_json FROM trial_system_attributes x", ""},
        [WS_LOADQ_USER_ATTR] = {WS_LOAD_ATTRS, "SELECT x.trial_id, x.key, x.value_json FROM trial_user_attributes x", ""},
    };
    /* each trial's last row only: found by the (trial_id, step) index Optuna's schema has, one
     * lookup per trial instead of every row of the table */
    static const char last_iv[] = " AND x.step = (SELECT max(y.step) FROM trial_intermediate_values y"
                                  " WHERE y.trial_id = t.trial_id)";
    /* the COMPLETE trials' rows at one step only (a median or percentile pruner's read): one
     * lookup of (trial_id, step) per trial; the step, an integer, is written into the text */
    char at_step[80] = "";
    int iv_part = k == WS_LOADQ_IV && !(what & WS_LOAD_IVS);
    if (iv_part && (what & WS_LOAD_STEP_IV) && scope_by == WS_LOAD_SCOPE_STUDY)
        snprintf(at_step, sizeof at_step, " AND x.step = %lld AND t.state = 'COMPLETE'", (long long)step);
    int last = iv_part && !at_step[0] && (what & WS_LOAD_LAST_IV);
    if (k < 0 || k >= WS_LOADQ_N || (q[k].need && !(what & q[k].need) && !last && !at_step[0])) return NULL;
    char scope[40];
    scope_text(scope_by, p, "t.", scope, sizeof scope);
    snprintf(buf, n, "%s JOIN trials t ON t.trial_id = x.trial_id WHERE t.study_id = %c1%s%s%s%s", q[k].head, p, scope,
             last ? last_iv : "", at_step, q[k].tail);
    return buf;
}

/* A stored datetime's text as "YYYY-MM-DD HH:MM:SS.ffffff" into out: 0, or -1 (out "") when it is
 * empty or not such a datetime. */
static int datetime_text(const char *in, char *out, size_t n)
{
    int y, mo, d, h, mi, s, used = 0, digits = 0;
    long us = 0;
    out[0] = 0;
    if (!in || !*in || sscanf(in, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &used) != 6) return -1;
    const char *p = in + used;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9' && digits < 6; p++, digits++) us = 10 * us + (*p - '0');
    for (int k = digits; k < 6; k++) us *= 10;
    if (*p || y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || h < 0 || mi < 0 || s < 0)
        return -1;
    char buf[96];   /* room for any ints, for the compiler; the checks above keep it to 26 */
    snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06ld", y, mo, d, h, mi, s, us);
    if (strlen(buf) >= n) return -1;
    memcpy(out, buf, strlen(buf) + 1);
    return 0;
}

int ws_load_datetime_out(const char *stored, double t, char *out, size_t n)
{
    if (!datetime_text(stored, out, n)) return 1;
    if (isnan(t)) return 0;
    ws_datetime_format(t, out, n);
    return 1;
}

/* The text as stored, when it fits (a copy normalizes it: ws_load_datetime_out); parsing it
 * here would cost every load of every study, where only a copy needs it. */
static void stored_text(const char *in, char *out, size_t n)
{
    size_t len = in ? strlen(in) : 0;
    if (len >= n) len = 0;
    memcpy(out, in ? in : "", len);
    out[len] = 0;
}

ws_trial *ws_load_add_trial(ws_trial_list *l, int64_t trial_id, int number, const char *state, const char *start,
                            const char *complete, ws_err *e)
{
    if ((l->n & (l->n - 1)) == 0) {   /* full at 0 and at powers of two: double */
        ws_trial *nv = realloc(l->v, (l->n ? 2 * l->n : 1) * sizeof *nv);
        if (!nv) { ws_err_set(e, WS_ENOMEM, "out of memory"); return NULL; }
        l->v = nv;
    }
    ws_trial *t = &l->v[l->n];
    memset(t, 0, sizeof *t);
    /* a state Optuna does not write (a row edited by hand) was read as FAIL, in silence; Optuna
     * fails to load such a study (LookupError), as the other rows its loader refuses */
    if (!state || ws_state_parse(state, &t->state)) {
        ws_err_set(e, WS_EINPUT, "trials: trial %d: state '%.40s' is not one Optuna writes (RUNNING, COMPLETE, PRUNED, "
                   "FAIL, WAITING)", number, state ? state : "NULL");
        return NULL;
    }
    l->n++;
    t->trial_id = trial_id;
    t->number = number;
    t->t_start = start ? ws_datetime_parse(start) : NAN;
    t->t_complete = complete ? ws_datetime_parse(complete) : NAN;
    stored_text(start, t->start_text, sizeof t->start_text);
    stored_text(complete, t->complete_text, sizeof t->complete_text);
    t->system_attrs = json_object();
    t->user_attrs = json_object();
    return t;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = ((const struct ws_load_id *)a)->trial_id, y = ((const struct ws_load_id *)b)->trial_id;
    return (x > y) - (x < y);
}

int ws_loader_init(ws_loader *ld, ws_trial_list *l, ws_err *e)
{
    memset(ld, 0, sizeof *ld);
    ld->l = l;
    ld->ix = malloc((l->n ? l->n : 1) * sizeof *ld->ix);
    if (!ld->ix) return ws_err_set(e, WS_ENOMEM, "out of memory");
    for (size_t i = 0; i < l->n; i++) ld->ix[i] = (struct ws_load_id){l->v[i].trial_id, i};
    qsort(ld->ix, l->n, sizeof *ld->ix, cmp_id);
    return 0;
}

void ws_loader_release(ws_loader *ld)
{
    for (size_t i = 0; i < ld->n_dist; i++) { free(ld->dist_text[i]); ws_dist_release(&ld->dist[i]); }
    free(ld->dist_text);
    free(ld->dist);
    free(ld->ix);
    memset(ld, 0, sizeof *ld);
}

ws_trial *ws_loader_trial(const ws_loader *ld, int64_t trial_id)
{
    struct ws_load_id key = {trial_id, 0};
    struct ws_load_id *hit = bsearch(&key, ld->ix, ld->l->n, sizeof *ld->ix, cmp_id);
    return hit ? &ld->l->v[hit->idx] : NULL;
}

static const ws_dist *cached_dist(ws_loader *ld, const char *text, ws_err *e)
{
    for (size_t i = 0; i < ld->n_dist; i++) if (!strcmp(ld->dist_text[i], text)) return &ld->dist[i];
    if (ld->n_dist == ld->cap_dist) {
        size_t cap = ld->cap_dist ? 2 * ld->cap_dist : 16;
        char **t = realloc(ld->dist_text, cap * sizeof *t);
        if (t) ld->dist_text = t;
        ws_dist *d = realloc(ld->dist, cap * sizeof *d);
        if (d) ld->dist = d;
        if (!t || !d) { ws_err_set(e, WS_ENOMEM, "out of memory"); return NULL; }
        ld->cap_dist = cap;
    }
    if (ws_dist_from_optuna(text, &ld->dist[ld->n_dist], e)) return NULL;
    ld->dist_text[ld->n_dist] = strdup(text);
    return &ld->dist[ld->n_dist++];
}

/* How a number cell reads (cell_number). */
enum { NUM_TYPED = 1, NUM_NAN_TYPE = 2, NUM_NULL_NAN = 4 };

/* The number in c, column col of the row that `at` names ("table: trial N, step S"), into *out.
 * NUM_TYPED: the type column col_type says FINITE (the number), INF_POS or INF_NEG, and with
 * NUM_NAN_TYPE also NAN; NUM_NULL_NAN: a NULL is NaN (else: not a number). */
static int cell_number(const ws_num_cells *c, unsigned how, const char *at, const char *col, double *out, ws_err *e)
{
    const char *type = c->type;
    if (how & NUM_TYPED) {
        if (type && !strcmp(type, "INF_POS")) { *out = INFINITY; return 0; }
        if (type && !strcmp(type, "INF_NEG")) { *out = -INFINITY; return 0; }
        if ((how & NUM_NAN_TYPE) && type && !strcmp(type, "NAN")) { *out = NAN; return 0; }
        if (!type || strcmp(type, "FINITE"))
            return ws_err_set(e, WS_EINPUT, "%s: %s_type %s%.20s%s is not FINITE, INF_POS%s", at, col, type ? "'" : "",
                              type ? type : "NULL", type ? "'" : "", how & NUM_NAN_TYPE ? ", INF_NEG or NAN" : " or INF_NEG");
    }
    if (c->null) {
        if (how & NUM_NULL_NAN) { *out = NAN; return 0; }
        return ws_err_set(e, WS_EINPUT, "%s: %s is NULL, %s", at, col,
                          how & NUM_TYPED ? "but its type says FINITE (a number)" : "not a number");
    }
    if (!c->ok)
        return c->text ? ws_err_set(e, WS_EINPUT, "%s: %s '%.40s' is not a number", at, col, c->text)
                       : ws_err_set(e, WS_EINPUT, "%s: %s is a blob, not a number", at, col);
    *out = c->v;
    return 0;
}

/* The integer in c, the `what` (step, objective) of a row of table. */
static int cell_int(const ws_int_cell *c, const char *table, const ws_trial *t, const char *what, ws_err *e)
{
    if (c->ok) return 0;
    return c->text ? ws_err_set(e, WS_EINPUT, "%s: trial %d, %s '%.40s': not an integer %s", table, t->number, what,
                                c->text, what)
                   : ws_err_set(e, WS_EINPUT, "%s: trial %d: a%s %s that is a blob or NULL, not an integer", table,
                                t->number, strchr("aeiou", what[0]) ? "n" : "", what);
}

int ws_load_value_row(ws_trial *t, const ws_int_cell *objective, const ws_num_cells *value, ws_err *e)
{
    static const char table[] = "trial_values";
    if (cell_int(objective, table, t, "objective", e)) return -1;
    long long k = objective->v;
    if (k != 0)   /* Optuna 3.1: IndexError, or a trial of several values */
        return ws_err_set(e, WS_EINPUT, "%s: trial %d, objective %lld: the study has one objective, 0", table, t->number,
                          k);
    char at[128];
    snprintf(at, sizeof at, "%s: trial %d, objective %lld", table, t->number, k);
    if (cell_number(value, NUM_TYPED | NUM_NULL_NAN, at, "value", &t->value, e)) return -1;
    t->has_value = 1;
    return 0;
}

int ws_load_utf8(const char *text, const char *at, const char *col, ws_err *e)
{
    if (!text || ws_text_is_utf8(text)) return 0;
    char *shown = ws_text_escape(text);
    ws_err_set(e, WS_EINPUT, "%s: %s '%.200s' is not UTF-8 (JSON cannot hold it, nor Optuna read it)", at, col,
               shown ? shown : "?");
    free(shown);
    return -1;
}

int ws_load_name(const char *text, size_t bytes, const char *at, const char *col, ws_err *e)
{
    size_t n = text ? strlen(text) : 0;
    if (n >= bytes) return ws_load_utf8(text, at, col, e);
    /* shown as the bytes before the NUL, \x00, and those after it (up to a next NUL) */
    char *head = ws_text_escape(text), *tail = ws_text_escape(text + n + 1);
    ws_err_set(e, WS_EINPUT, "%s: %s '%.100s\\x00%.100s' holds a NUL byte (JSON cannot hold it in a name; read up to it, "
               "it would be another name)", at, col, head ? head : "?", tail ? tail : "?");
    free(head);
    free(tail);
    return -1;
}

/* An attribute's value_json as the attribute objects hold it: strict JSON as parsed; else
 * Python's NaN/Infinity as ws_json_load_python's stand-ins, with *loose set (the caller keeps
 * the text itself too, for a copy); what is not JSON even so, as a string; a NULL cell as "".
 * One reading for trial and study attributes alike. */
static json_t *attr_value(const char *value_json, int *loose)
{
    json_t *v = value_json ? json_loads(value_json, JSON_DECODE_ANY, NULL) : NULL;
    *loose = !v && value_json;
    if (*loose) v = ws_json_load_python(value_json);
    return v ? v : json_string(value_json ? value_json : "");
}

int ws_load_study_attr(const char *path, int64_t study_id, int system, const char *key, size_t key_bytes,
                       const char *value_json, json_t *obj, json_t *texts, ws_err *e)
{
    char row[192];
    snprintf(row, sizeof row, "study_%s_attributes: study_id %lld", system ? "system" : "user", (long long)study_id);
    /* a NULL key (the column allows it) was dropped in silence: a copy went without the row */
    if (!key) return ws_err_set(e, WS_EINPUT, "%s: %s: key is NULL, expected the attribute's name", path, row);
    if (ws_load_name(key, key_bytes, row, "key", e)) return ws_err_prefix(e, "%s", path);
    snprintf(row, sizeof row, "study_%s_attributes: study_id %lld, key '%.80s'", system ? "system" : "user",
             (long long)study_id, key);
    if (ws_load_utf8(value_json, row, "value_json", e)) return ws_err_prefix(e, "%s", path);
    int loose;
    json_t *v = attr_value(value_json, &loose);
    if (loose) json_object_set_new(texts, key, json_string(value_json));
    json_object_set_new(obj, key, v);
    return 0;
}

json_t *ws_load_study_attr_json(const char *path, int64_t study_id, int system, const char *key, const char *value_json,
                                ws_err *e)
{
    char at[256];
    snprintf(at, sizeof at, "%s: study_%s_attributes: study_id %lld, key '%.80s': value_json", path,
             system ? "system" : "user", (long long)study_id, key);
    return ws_json_load_string(value_json, at, e);
}

int ws_load_param(ws_loader *ld, ws_trial *t, const char *name, size_t name_bytes, const ws_num_cells *value,
                  const char *dist_json, ws_err *e)
{
    char row[64];
    snprintf(row, sizeof row, "trial_params: trial %d", t->number);
    /* the column allows NULL, though no Optuna writes one (every suggest_* names its parameter);
     * it went on to strdup(NULL): report, study-copy and TPE's suggest died of SIGSEGV */
    if (!name) return ws_err_set(e, WS_EINPUT, "%s: param_name is NULL, expected the parameter's name", row);
    if (ws_load_name(name, name_bytes, row, "param_name", e)) return -1;
    const ws_dist *d = cached_dist(ld, dist_json ? dist_json : "", e);
    char at[160], num[32];
    snprintf(at, sizeof at, "trial_params: trial %d, param %.100s", t->number, name);
    if (!d) return ws_err_prefix(e, "%s", at);   /* the table too, as every other row's refusal */
    double internal;
    if (cell_number(value, 0, at, "param_value", &internal, e)) return -1;
    /* Optuna reads another index as choice int(v) (IndexError past the end; -1: the last) */
    if (d->kind == WS_DIST_CATEGORICAL && !ws_dist_contains(d, internal)) {
        if (internal == floor(internal) && fabs(internal) < 1e15) snprintf(num, sizeof num, "%.0f", internal);
        else ws_json_format_double(internal, num, sizeof num);
        return ws_err_set(e, WS_EINPUT, "%s: param_value %s is not the index of one of its %zu choices", at, num,
                          ws_dist_n_choices(d));
    }
    ws_param *np = realloc(t->params, (t->n_params + 1) * sizeof *np);
    if (!np) return ws_err_set(e, WS_ENOMEM, "out of memory");
    t->params = np;
    np[t->n_params].name = strdup(name);
    ws_dist_copy(&np[t->n_params].dist, d);
    np[t->n_params].internal = internal;
    t->n_params++;
    return 0;
}

static int add_iv(ws_trial *t, int64_t step, double value, ws_err *e)
{
    if ((t->n_ivs & (t->n_ivs - 1)) == 0) {   /* grow at powers of two */
        ws_iv *nv = realloc(t->ivs, (t->n_ivs ? 2 * t->n_ivs : 1) * sizeof *nv);
        if (!nv) return ws_err_set(e, WS_ENOMEM, "out of memory");
        t->ivs = nv;
    }
    t->ivs[t->n_ivs].step = step;
    t->ivs[t->n_ivs].value = value;
    t->n_ivs++;
    return 0;
}

int ws_load_iv_row(ws_trial *t, const ws_int_cell *step, const ws_num_cells *value, ws_err *e)
{
    static const char table[] = "trial_intermediate_values";
    if (cell_int(step, table, t, "step", e)) return -1;
    long long k = step->v;
    if (k < 0)
        return ws_err_set(e, WS_EINPUT, "%s: trial %d, step %lld: a negative step (steps are integers >= 0)", table,
                          t->number, k);
    char at[128];
    snprintf(at, sizeof at, "%s: trial %d, step %lld", table, t->number, k);
    double v;
    return cell_number(value, NUM_TYPED | NUM_NAN_TYPE, at, "intermediate_value", &v, e) ? -1 : add_iv(t, k, v, e);
}

int ws_load_attr(ws_trial *t, int system, const char *key, size_t key_bytes, const char *value_json, ws_err *e)
{
    char row[160];
    snprintf(row, sizeof row, "trial_%s_attributes: trial %d", system ? "system" : "user", t->number);
    /* a NULL key (the column allows it) was dropped in silence: a copy went without the row */
    if (!key) return ws_err_set(e, WS_EINPUT, "%s: key is NULL, expected the attribute's name", row);
    if (ws_load_name(key, key_bytes, row, "key", e)) return -1;
    snprintf(row, sizeof row, "trial_%s_attributes: trial %d, key '%.80s'", system ? "system" : "user", t->number, key);
    if (ws_load_utf8(value_json, row, "value_json", e)) return -1;
    int loose;
    json_t *v = attr_value(value_json, &loose);
    /* the text as written, for a copy, or that there is none (a NULL cell, which is held as "",
     * told from "" for what is said of it); attr_texts only for trials that have such */
    if (loose || !value_json) {
        if (!t->attr_texts) t->attr_texts = json_pack("{s:{},s:{}}", "system", "user");
        json_object_set_new(json_object_get(t->attr_texts, system ? "system" : "user"), key,
                            value_json ? json_string(value_json) : json_null());
    }
    json_object_set_new(system ? t->system_attrs : t->user_attrs, key, v);
    return 0;
}

int ws_load_single(ws_trial_list *l, const char *path, const ws_study *st, int number, ws_trial *out, ws_err *e)
{
    if (l->n == 0) {
        ws_trial_list_free(l);
        return ws_err_set(e, WS_EINPUT, "%s: study '%s': unknown trial %d", path, st->name, number);
    }
    /* Two rows with one number: Optuna numbers a new trial by the count of its earlier ones, so
     * after rows are deleted (by hand, or a crashed writer) a number can be given twice. Acting
     * on the first would tell or prune a trial the user did not mean; Optuna refuses it too
     * (MultipleResultsFound), and so does every tool here, before it changes anything. */
    if (l->n > 1) {
        char ids[256] = "";
        size_t k = 0, i;
        for (i = 0; i < l->n && k < sizeof ids - 32; i++)
            k += (size_t)snprintf(ids + k, sizeof ids - k, "%s%lld", i ? ", " : "", (long long)l->v[i].trial_id);
        if (i < l->n) snprintf(ids + k, sizeof ids - k, ", ...");
        ws_trial_list_free(l);
        return ws_err_set(e, WS_EINPUT, "%s: study '%s': trial %d is ambiguous: trial ids %s all hold that number "
                          "(rows deleted by hand or by a crashed writer?); nothing changed",
                          path, st->name, number, ids);
    }
    *out = l->v[0];
    for (size_t i = 1; i < l->n; i++) ws_trial_release(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
    return 0;
}

int ws_load_single_id(ws_trial_list *l, const char *path, const ws_study *st, int64_t trial_id, ws_trial *out,
                      ws_err *e)
{
    if (l->n == 0) {
        ws_trial_list_free(l);
        return ws_err_set(e, WS_EINPUT, "%s: study '%s': unknown trial id %lld", path, st->name, (long long)trial_id);
    }
    /* trial_id is the key: one row, whatever number it holds (and however many others do) */
    return ws_load_single(l, path, st, l->v[0].number, out, e);
}
