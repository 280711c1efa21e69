/* space.c — parsing and validating a search space (see space.h). Errors name the field path,
 * e.g. "kws.json: space.learning_rate: low must be <= high (got 0.1 > 0.01)". */
#include "space/space.h"
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"

static const char *const param_keys[] = {"type", "low", "high", "log", "step", "choices", "when", NULL};

/* ---- Optuna's adjustment of high to the step grid ---- */

/* x's shortest decimal, the one Optuna's Decimal(str(x)) computes with, as *mant * 10^*exp10,
 * trailing zeros dropped. */
static void shortest_decimal(double x, long long *mant, int *exp10)
{
    char buf[40];
    ws_json_format_double(x, buf, sizeof buf);
    long long m = 0;
    int ex = 0, after_point = 0;
    const char *s = buf;
    for (; *s && *s != 'e'; s++) {
        if (*s == '.') after_point = 1;
        else if (*s >= '0' && *s <= '9') { m = m * 10 + (*s - '0'); ex -= after_point; }
    }
    if (*s == 'e') ex += atoi(s + 1);
    while (m && m % 10 == 0) { m /= 10; ex++; }
    *mant = buf[0] == '-' ? -m : m;
    *exp10 = m ? ex : 0;
}

/* mant * 10^(exp10 - e) into *out; -1 from 10^28 on, where Python's Decimal (28 digits)
 * would round and exact arithmetic here ends. */
static int scale_to(long long mant, int exp10, int e, __int128 *out)
{
    __int128 v = mant, lim = 1;
    for (int k = 0; k < 28; k++) lim *= 10;
    for (int k = exp10 - e; k > 0; k--)
        if ((v *= 10) >= lim || v <= -lim) return -1;
    *out = v;
    return 0;
}

/* Optuna's _adjust_discrete_uniform_high: in exact decimal arithmetic on the values as Python
 * prints them, high becomes low + floor((high - low) / step) * step. Decimal rather than binary
 * so that [0, 1] step 0.1 stays whole and [0, 1] step 0.3 ends at exactly 0.9, as in Optuna.
 * -1 (*adjusted unset) for a grid of 10^28 points or more, where Python's 28-digit Decimal
 * raises DivisionImpossible: Optuna can make no such distribution, nor load one stored. */
static int adjust_float_high(double low, double high, double step, double *adjusted)
{
    double v[3] = {low, high, step};
    long long m[3];
    int x[3], e = INT_MAX;
    __int128 w[3];
    for (int i = 0; i < 3; i++) {
        shortest_decimal(v[i], &m[i], &x[i]);
        if (m[i] && x[i] < e) e = x[i];   /* a zero fits any scale */
    }
    for (int i = 0; i < 3; i++)
        if (scale_to(m[i], x[i], e, &w[i])) {
            /* beyond 28 digits (ranges spanning ~20 decades): a binary approximation, but for a
             * step above the range (Optuna: low + 0 * step, low itself; the approximation's
             * tolerance took a tiny quotient for a whole one and kept high) and for a grid too
             * fine for Optuna (an infinite quotient made high inf) */
            double k = (high - low) / step;
            if (!(k < 1e28)) return -1;
            *adjusted = k < 1 ? low : fabs(k - round(k)) <= 1e-12 * k ? high : low + floor(k) * step;
            return 0;
        }
    __int128 r = w[1] - w[0];
    *adjusted = high;
    if (r % w[2] == 0) return 0;
    __int128 nh = r / w[2] * w[2] + w[0];
    char digits[64], buf[80];
    int n = 0, neg = nh < 0;
    unsigned __int128 u = neg ? -(unsigned __int128)nh : (unsigned __int128)nh;
    do { digits[n++] = (char)('0' + (int)(u % 10)); u /= 10; } while (u);
    int k = 0;
    if (neg) buf[k++] = '-';
    while (n) buf[k++] = digits[--n];
    snprintf(buf + k, sizeof buf - (size_t)k, "e%d", e);
    *adjusted = strtod(buf, NULL);   /* correctly rounded, as Python's float(Decimal) */
    return 0;
}

/* Optuna's _adjust_int_uniform_high: high - (high - low) % step. */
static double adjust_int_high(double low, double high, double step)
{
    long long lo = (long long)low, hi = (long long)high, st = (long long)step;
    return (double)(hi - (hi - lo) % st);
}

/* Records a warning on the space (printed by suggest). */
static void add_warning(json_t **warnings, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_warning(json_t **warnings, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!*warnings) *warnings = json_array();
    json_array_append_new(*warnings, json_string_nocheck(msg));
}

/* Integers beyond 2^53 are not exact as doubles (values and SQLite's param_value). */
#define WS_INT_BOUND 9007199254740992.0

static int parse_numeric(ws_space_param *p, const json_t *spec, const char *where, json_t **warnings, ws_err *e)
{
    json_t *lo = json_object_get(spec, "low"), *hi = json_object_get(spec, "high");
    if (!lo || !hi) return ws_err_set(e, WS_EINPUT, "%s: needs both low and high", where);
    if (ws_json_get_number(spec, "low", where, &p->dist.low, e)
        || ws_json_get_number(spec, "high", where, &p->dist.high, e)
        || ws_json_get_bool(spec, "log", where, &p->dist.log, e))
        return -1;
    double low = p->dist.low, high = p->dist.high;
    if (!isfinite(low) || !isfinite(high)) return ws_err_set(e, WS_EINPUT, "%s: low and high must be finite", where);
    /* low == high is a single-value distribution, which Optuna accepts */
    char lt[40], ht[40];
    if (!(low <= high))
        return ws_err_set(e, WS_EINPUT, "%s: low must be <= high (got %s > %s)", where, ws_real_text(low, lt, sizeof lt),
                          ws_real_text(high, ht, sizeof ht));
    if (p->dist.log && low <= 0)
        return ws_err_set(e, WS_EINPUT, "%s: log scale needs low > 0 (got %s)", where, ws_real_text(low, lt, sizeof lt));
    int is_int = p->dist.kind == WS_DIST_INT;
    double step = is_int ? 1 : 0;
    /* a float's "step": null is Optuna's step=None (as its FloatDistribution JSON writes it):
     * continuous, not "expected a number" */
    const json_t *st = json_object_get(spec, "step");
    if (!(st && json_is_null(st) && !is_int) && ws_json_get_number(spec, "step", where, &step, e)) return -1;
    if (st && !json_is_null(st) && !(step > 0 && isfinite(step)))
        return ws_err_set(e, WS_EINPUT, "%s: step must be > 0 (got %s)", where, ws_real_text(step, lt, sizeof lt));
    if (is_int) {
        if (low != floor(low) || high != floor(high) || step != floor(step))
            return ws_err_set(e, WS_EINPUT, "%s: an int parameter needs integer low, high and step", where);
        if (fabs(low) > WS_INT_BOUND || fabs(high) > WS_INT_BOUND || step > WS_INT_BOUND)
            return ws_err_set(e, WS_EINPUT, "%s: an int parameter needs low, high and step within +-2^53", where);
        if (p->dist.log && step != 1)
            return ws_err_set(e, WS_EINPUT, "%s: log scale and step != 1 cannot be combined (as in Optuna)", where);
    } else if (p->dist.log && step > 0)
        return ws_err_set(e, WS_EINPUT, "%s: log scale and step cannot be combined (as in Optuna)", where);
    if (step > 0) {
        /* Optuna lowers high to the grid with a warning rather than refusing the space */
        double adjusted = high;
        if (is_int) adjusted = adjust_int_high(low, high, step);
        else if (adjust_float_high(low, high, step, &adjusted)) {
            char a[32], b[32], c[32];
            return ws_err_set(e, WS_EINPUT, "%s: step %s makes 10^28 or more points of [%s, %s], more than Optuna's "
                              "decimal arithmetic can adjust high on (it refuses the distribution): use a larger step",
                              where, ws_real_text(step, a, sizeof a), ws_real_text(low, b, sizeof b), ws_real_text(high, c, sizeof c));
        }
        if (adjusted != high) {
            char a[32], b[32], c[32];
            add_warning(warnings, "%s: high %s is not low + a multiple of step %s; using %s, as Optuna does", where,
                        ws_real_text(high, a, sizeof a), ws_real_text(step, b, sizeof b), ws_real_text(adjusted, c, sizeof c));
            p->dist.high = adjusted;
        }
    }
    p->dist.step = step;
    return 0;
}

static int parse_categorical(ws_space_param *p, const json_t *spec, const char *where, ws_err *e)
{
    json_t *ch = json_object_get(spec, "choices");
    if (!json_is_array(ch)) return ws_err_set(e, WS_EINPUT, "%s.choices: expected an array", where);
    if (json_array_size(ch) == 0) return ws_err_set(e, WS_EINPUT, "%s.choices: must not be empty", where);
    size_t i;
    json_t *c;
    json_array_foreach(ch, i, c) {
        if (json_is_object(c) || json_is_array(c))
            return ws_err_set(e, WS_EINPUT, "%s.choices[%zu]: expected a string, number, boolean or null", where, i);
        for (size_t k = 0; k < i; k++)
            if (json_equal(c, json_array_get(ch, k)))
                return ws_err_set(e, WS_EINPUT, "%s.choices[%zu]: duplicate of choices[%zu]", where, i, k);
    }
    p->dist.kind = WS_DIST_CATEGORICAL;
    p->dist.choices = json_incref(ch);
    return 0;
}

static int parse_when(ws_space *sp, size_t idx, const json_t *when, const char *where, ws_err *e)
{
    ws_space_param *p = &sp->v[idx];
    if (!json_is_object(when) || json_object_size(when) != 1)
        return ws_err_set(e, WS_EINPUT, "%s.when: expected one parent, e.g. {\"optimizer\": [\"sgd\"]}", where);
    const char *parent = json_object_iter_key(json_object_iter((json_t *)when));
    json_t *vals = json_object_get(when, parent);
    int pi = -1;
    for (size_t k = 0; k < idx; k++) if (!strcmp(sp->v[k].name, parent)) pi = (int)k;
    if (pi < 0) return ws_err_set(e, WS_EINPUT, "%s.when: '%s' must be a parameter defined before this one", where, parent);
    if (!json_is_array(vals) || json_array_size(vals) == 0)
        return ws_err_set(e, WS_EINPUT, "%s.when.%s: expected a non-empty array of values", where, parent);
    size_t i;
    json_t *v;
    json_array_foreach(vals, i, v) {
        double dummy;
        ws_err sub;
        if (ws_dist_internal(&sp->v[pi].dist, v, &dummy, &sub))
            return ws_err_set(e, WS_EINPUT, "%s.when.%s[%zu]: %s", where, parent, i, sub.msg);
    }
    p->parent = pi;
    p->when = json_incref(vals);
    return 0;
}

int ws_space_parse(ws_space *sp, const json_t *obj, const char *where, ws_err *e)
{
    memset(sp, 0, sizeof *sp);
    if (!json_is_object(obj)) return ws_err_set(e, WS_EINPUT, "%s: expected an object of parameters", where);
    sp->v = calloc(json_object_size(obj) + 1, sizeof *sp->v);
    if (!sp->v) return ws_err_set(e, WS_ENOMEM, "out of memory");
    const char *name;
    json_t *spec;
    json_object_foreach((json_t *)obj, name, spec) {
        char path[600];
        snprintf(path, sizeof path, "%s.%s", where, name);
        ws_space_param *p = &sp->v[sp->n++];
        p->name = strdup(name);
        p->parent = -1;
        if (!json_is_object(spec)) { ws_err_set(e, WS_EINPUT, "%s: expected an object", path); goto fail; }
        if (ws_json_check_keys(spec, param_keys, path, e)) goto fail;
        const char *type = NULL;
        if (ws_json_get_string(spec, "type", path, &type, e)) goto fail;
        int rc;
        if (!type) { ws_err_set(e, WS_EINPUT, "%s.type: missing (expected float, int or categorical)", path); goto fail; }
        if (!strcmp(type, "float")) { p->dist.kind = WS_DIST_FLOAT; rc = parse_numeric(p, spec, path, &sp->warnings, e); }
        else if (!strcmp(type, "int")) { p->dist.kind = WS_DIST_INT; rc = parse_numeric(p, spec, path, &sp->warnings, e); }
        else if (!strcmp(type, "categorical")) rc = parse_categorical(p, spec, path, e);
        else { ws_err_set(e, WS_EINPUT, "%s.type: unknown parameter type '%s' (expected float, int or categorical)", path, type); goto fail; }
        if (rc) goto fail;
        json_t *when = json_object_get(spec, "when");
        if (when && parse_when(sp, sp->n - 1, when, path, e)) goto fail;
    }
    return 0;
fail:
    ws_space_release(sp);
    return -1;
}

/* A key of the other kinds was ignored without a word: "log": true on a categorical (a user
 * who meant its numeric choices to be sampled in log space), "choices" on an int. Optuna's
 * suggest_categorical takes no log, low, high or step, nor suggest_float and suggest_int choices. */
static int check_kind_keys(const json_t *spec, ws_dist_kind kind, const char *where, ws_err *e)
{
    static const char *const numeric[] = {"low", "high", "log", "step", NULL}, *const categorical[] = {"choices", NULL};
    const char *type = kind == WS_DIST_CATEGORICAL ? "categorical" : kind == WS_DIST_INT ? "int" : "float";
    for (const char *const *k = kind == WS_DIST_CATEGORICAL ? numeric : categorical; *k; k++)
        if (json_object_get(spec, *k))
            return ws_err_set(e, WS_EINPUT, "%s.%s: not a key of a%s %s parameter (expected %s)", where, *k,
                              kind == WS_DIST_INT ? "n" : "", type,
                              kind == WS_DIST_CATEGORICAL ? "type, choices and when" : "type, low, high, log, step and when");
    return 0;
}

int ws_space_check_file(const ws_space *sp, const json_t *obj, const char *where, ws_err *e)
{
    for (size_t i = 0; i < sp->n; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s.%s", where, sp->v[i].name);
        if (check_kind_keys(json_object_get(obj, sp->v[i].name), sp->v[i].dist.kind, path, e)) return -1;
        /* a width past the largest double: every draw low + u * (high - low) was +-inf, clipped
         * to a bound, so only high (or low) came out; Optuna's samplers fail the trial on it
         * (numpy: "Range exceeds valid bounds") */
        const ws_dist *d = &sp->v[i].dist;
        if (d->kind == WS_DIST_FLOAT && !d->log && !isfinite(d->high - d->low))
            return ws_err_set(e, WS_EINPUT, "%s: high - low must be within the largest double, 1.8e308 (got %g - %g)", path,
                              d->high, d->low);
    }
    return 0;
}

void ws_space_release(ws_space *sp)
{
    if (!sp || !sp->v) return;
    for (size_t i = 0; i < sp->n; i++) {
        free(sp->v[i].name);
        ws_dist_release(&sp->v[i].dist);
        json_decref(sp->v[i].when);
    }
    free(sp->v);
    json_decref(sp->warnings);
    sp->warnings = NULL;
    sp->v = NULL;
    sp->n = 0;
}

int ws_space_find(const ws_space *sp, const char *name)
{
    for (size_t i = 0; i < sp->n; i++) if (!strcmp(sp->v[i].name, name)) return (int)i;
    return -1;
}

int ws_space_active(const ws_space *sp, size_t i, const ws_param *chosen, size_t n_chosen)
{
    const ws_space_param *p = &sp->v[i];
    if (p->parent < 0) return 1;
    const ws_space_param *par = &sp->v[p->parent];
    for (size_t k = 0; k < n_chosen; k++) {
        if (strcmp(chosen[k].name, par->name)) continue;
        json_t *x = ws_dist_external(&chosen[k].dist, chosen[k].internal);
        double dummy;
        int ok = 0;
        size_t j;
        json_t *v;
        json_array_foreach(p->when, j, v) {
            /* A float parent on a step grid: the value sampled is low + k * step in floating
             * point (0.1 * 3 = 0.30000000000000004, as in Optuna), never exactly the 0.3 the
             * config lists, which parse_when took as grid point 3 (within Optuna's 1e-8 of a
             * step): compared exactly, the child was never active there. */
            if (par->dist.kind == WS_DIST_FLOAT && par->dist.step > 0 && json_is_number(x) && json_is_number(v))
                ok = fabs(json_number_value(x) - json_number_value(v)) / par->dist.step < 1e-8;
            else {
                ws_dist one = {.kind = WS_DIST_CATEGORICAL, .choices = json_pack("[O]", v)};
                if (!ws_dist_internal(&one, x, &dummy, NULL)) ok = 1;
                json_decref(one.choices);
            }
            if (ok) break;
        }
        json_decref(x);
        return ok && ws_space_active(sp, (size_t)p->parent, chosen, n_chosen);
    }
    return 0;
}
