/* dist.c — Optuna's distributions (see dist.h). */
#include "space/dist.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"

static int get_num(json_t *attrs, const char *key, double *out, int required, ws_err *e)
{
    json_t *v = json_object_get(attrs, key);
    if (!v || json_is_null(v)) {
        if (required) return ws_err_set(e, WS_EINPUT, "distribution: attributes.%s: missing", key);
        return 0;
    }
    if (!json_is_number(v)) return ws_err_set(e, WS_EINPUT, "distribution: attributes.%s: expected a number", key);
    *out = json_number_value(v);
    return 0;
}

/* v as a message shows it: every digit that tells it apart (0.30000000000000004 is above high
 * 0.3, which "0.3" would not say); an int distribution's as an integer. out holds 32 bytes. */
static const char *number_text(const ws_dist *d, double v, char *out)
{
    if (d->kind == WS_DIST_INT) snprintf(out, 32, "%.0f", v);
    else ws_json_format_double(v, out, 32);
    return out;
}

/* key when attrs holds it as other than null (a float's step, or q for the legacy discrete class) */
static const char *present(json_t *attrs, const char *key)
{
    json_t *v = json_object_get(attrs, key);
    return v && !json_is_null(v) ? key : NULL;
}

/* What Optuna 3.1's constructors refuse (ValueError: json_to_distribution fails, and with it
 * load_study's trials and copy_study), checked in their order so the first named is the one
 * Optuna names: a step with log (a float's any, an int's other than 1), low above high, a log
 * low <= 0 (float) or < 1 (int), a step <= 0. Read as they were, report, TPE's history and
 * study-copy took such a row in silence, where Optuna cannot read the study. step_key: the
 * attribute holding a float's step ("step", "q"), NULL for none; an int's is "step". */
static int check_range(const ws_dist *d, const char *step_key, ws_err *e)
{
    char a[32], b[32];
    int is_int = d->kind == WS_DIST_INT;
    if (is_int) step_key = "step";
    if (d->log && (is_int ? d->step != 1 : step_key != NULL))
        return ws_err_set(e, WS_EINPUT, "distribution: attributes.%s: expected %s for a log distribution, got %s",
                          step_key, is_int ? "1" : "null", number_text(d, d->step, a));
    if (d->low > d->high)
        return ws_err_set(e, WS_EINPUT, "distribution: attributes.low: expected at most high (%s), got %s",
                          number_text(d, d->high, a), number_text(d, d->low, b));
    if (d->log && (is_int ? d->low < 1 : d->low <= 0))
        return ws_err_set(e, WS_EINPUT, "distribution: attributes.low: expected %s for a log distribution, got %s",
                          is_int ? ">= 1" : "> 0", number_text(d, d->low, a));
    if (step_key && d->step <= 0)
        return ws_err_set(e, WS_EINPUT, "distribution: attributes.%s: expected > 0, got %s", step_key,
                          number_text(d, d->step, a));
    return 0;
}

/* The legacy classes Optuna 3.1 still reads and writes: three float ones, then two int ones */
static const char *const legacy_names[] = {"UniformDistribution", "LogUniformDistribution",
                                           "DiscreteUniformDistribution", "IntUniformDistribution",
                                           "IntLogUniformDistribution"};

int ws_dist_from_optuna(const char *json_text, ws_dist *d, ws_err *e)
{
    memset(d, 0, sizeof *d);
    ws_err strict = {0};
    json_t *root = ws_json_load_string(json_text, "distribution", &strict);
    /* Optuna takes any float as a categorical choice and writes its distribution with
     * json.dumps, so an infinite or NaN choice is Python's bare Infinity or NaN there: read
     * as their stand-ins (as attributes are), the text kept for writing back. Only there: a
     * float or int distribution with such a bound is no distribution Optuna can sample. */
    int loose = !root && json_text && (root = ws_json_load_python(json_text)) != NULL;
    if (!root) {
        if (e) *e = strict;
        return -1;
    }
    json_t *attrs = json_object_get(root, "attributes");
    const char *name = json_string_value(json_object_get(root, "name"));
    int rc = -1;
    if (loose && (!name || strcmp(name, "CategoricalDistribution"))) {
        if (e) *e = strict;
        goto out;
    }
    if (!name || !json_is_object(attrs)) {
        ws_err_set(e, WS_EINPUT, "distribution: expected {\"name\":..., \"attributes\":{...}}");
        goto out;
    }
    int lg = json_is_true(json_object_get(attrs, "log"));
    if (!strcmp(name, "CategoricalDistribution")) {
        json_t *ch = json_object_get(attrs, "choices");
        if (!json_is_array(ch) || json_array_size(ch) == 0) {   /* Optuna: ValueError for none */
            ws_err_set(e, WS_EINPUT, "distribution: attributes.choices: expected a non-empty array");
            goto out;
        }
        d->kind = WS_DIST_CATEGORICAL;
        d->choices = json_incref(ch);
        if (loose && !(d->text = json_string(json_text))) {
            ws_err_set(e, WS_ENOMEM, "out of memory");
            ws_dist_release(d);
            goto out;
        }
        rc = 0;
        goto out;
    }
    int is_float = !strcmp(name, "FloatDistribution"), is_int = !strcmp(name, "IntDistribution");
    for (size_t i = 0; !is_float && !is_int && i < sizeof legacy_names / sizeof *legacy_names; i++)
        if (!strcmp(name, legacy_names[i])) {
            d->legacy = legacy_names[i];
            is_float = i < 3, is_int = i >= 3;
        }
    if (!is_float && !is_int) {
        ws_err_set(e, WS_EINPUT, "distribution: unknown name '%s'", name);
        goto out;
    }
    if (get_num(attrs, "low", &d->low, 1, e) || get_num(attrs, "high", &d->high, 1, e)) goto out;
    /* an int's bounds and step are held as doubles, exact within +-2^53 only: Optuna's
     * suggest_int(n, 16, 2**63 - 1) stores 2^63 - 1, which read as 2^63 was written back as a
     * long long that it overflows (-2^63 on x86: a copy with high < low, which Optuna refuses) */
    static const char *const int_attrs[] = {"low", "high", "step"};
    for (size_t i = 0; is_int && i < sizeof int_attrs / sizeof *int_attrs; i++) {
        json_t *v = json_object_get(attrs, int_attrs[i]);
        if (!v || json_is_null(v) || ws_dist_int_value(v)) continue;
        char *t = ws_json_dump(v, 0);
        ws_err_set(e, WS_EINPUT, "distribution: attributes.%s: expected an integer within +-2^53, got %s", int_attrs[i],
                   t ? t : "a number");
        free(t);
        goto out;
    }
    if (is_float) {
        d->kind = WS_DIST_FLOAT;
        d->log = lg || !strcmp(name, "LogUniformDistribution");
        if (get_num(attrs, "step", &d->step, 0, e) || get_num(attrs, "q", &d->step, 0, e)) goto out;
    } else {
        d->kind = WS_DIST_INT;
        d->log = lg || !strcmp(name, "IntLogUniformDistribution");
        d->step = 1;
        /* absent is 1 (the constructor's default); null is no step Optuna takes (TypeError) */
        if (json_is_null(json_object_get(attrs, "step"))) {
            ws_err_set(e, WS_EINPUT, "distribution: attributes.step: expected an integer > 0, got null");
            goto out;
        }
        if (get_num(attrs, "step", &d->step, 0, e)) goto out;
    }
    if (check_range(d, present(attrs, "q") ? "q" : present(attrs, "step"), e)) goto out;
    rc = 0;
out:
    json_decref(root);
    return rc;
}

char *ws_dist_to_optuna(const ws_dist *d)
{
    /* Optuna writes json.dumps({"name":..., "attributes": dist.__dict__}); the attribute order
     * below is the order Optuna 3.1's constructors assign them. A text read with Python's
     * Infinity or NaN in it is written as it was: its stand-ins would be other choices. */
    if (d->text) return strdup(json_string_value(d->text));
    json_t *a = json_object(), *root;
    if (d->kind == WS_DIST_CATEGORICAL) {
        json_object_set(a, "choices", d->choices);
        root = json_pack("{s:s,s:o}", "name", "CategoricalDistribution", "attributes", a);
    } else if (d->legacy) {
        /* the class's _asdict: its constructor's arguments (low, high; q for a discrete one;
         * step for an int one), as Optuna's copy_study writes them */
        if (d->kind == WS_DIST_INT) json_object_set_new(a, "step", json_integer((json_int_t)d->step));
        json_object_set_new(a, "low", d->kind == WS_DIST_INT ? json_integer((json_int_t)d->low) : json_real(d->low));
        json_object_set_new(a, "high", d->kind == WS_DIST_INT ? json_integer((json_int_t)d->high) : json_real(d->high));
        if (d->kind == WS_DIST_FLOAT && d->step > 0) json_object_set_new(a, "q", json_real(d->step));
        root = json_pack("{s:s,s:o}", "name", d->legacy, "attributes", a);
    } else if (d->kind == WS_DIST_FLOAT) {
        json_object_set_new(a, "step", d->step > 0 ? json_real(d->step) : json_null());
        json_object_set_new(a, "low", json_real(d->low));
        json_object_set_new(a, "high", json_real(d->high));
        json_object_set_new(a, "log", json_boolean(d->log));
        root = json_pack("{s:s,s:o}", "name", "FloatDistribution", "attributes", a);
    } else {
        json_object_set_new(a, "log", json_boolean(d->log));
        json_object_set_new(a, "step", json_integer((json_int_t)d->step));
        json_object_set_new(a, "low", json_integer((json_int_t)d->low));
        json_object_set_new(a, "high", json_integer((json_int_t)d->high));
        root = json_pack("{s:s,s:o}", "name", "IntDistribution", "attributes", a);
    }
    char *s = root ? ws_json_dump(root, WS_JSON_PYTHON) : NULL;
    json_decref(root);
    return s;
}

void ws_dist_release(ws_dist *d)
{
    if (!d) return;
    json_decref(d->choices);
    json_decref(d->text);
    d->choices = d->text = NULL;
}

int ws_dist_copy(ws_dist *dst, const ws_dist *src)
{
    *dst = *src;
    if (src->choices) json_incref(src->choices);
    if (src->text) json_incref(src->text);
    return 0;
}

size_t ws_dist_n_choices(const ws_dist *d)
{
    return d->kind == WS_DIST_CATEGORICAL ? json_array_size(d->choices) : 0;
}

int ws_dist_equal(const ws_dist *a, const ws_dist *b)
{
    if (a->kind != b->kind) return 0;
    if (a->kind == WS_DIST_CATEGORICAL) {
        size_t n = json_array_size(a->choices);
        if (n != json_array_size(b->choices)) return 0;
        for (size_t i = 0; i < n; i++)
            if (!ws_json_scalar_equal(json_array_get(a->choices, i), json_array_get(b->choices, i))) return 0;
        return 1;
    }
    return a->low == b->low && a->high == b->high && a->step == b->step && a->log == b->log;
}

const char *ws_dist_incompatible(const ws_dist *old, const ws_dist *new)
{
    if (old->kind != new->kind) return "another kind";
    /* Optuna compares classes: a legacy one (UniformDistribution) is another kind than
     * FloatDistribution to it (legacy points into legacy_names, so pointers compare) */
    if (old->legacy != new->legacy) return "another kind";
    /* an infinite or NaN choice (Python's text) is none of the choices a strict text holds */
    if (old->kind == WS_DIST_CATEGORICAL)
        return ws_dist_equal(old, new) && !old->text == !new->text ? NULL : "other choices";
    return old->log != new->log ? "another log" : NULL;
}

json_t *ws_dist_external(const ws_dist *d, double internal)
{
    switch (d->kind) {
    case WS_DIST_CATEGORICAL: {
        json_t *c = json_array_get(d->choices, (size_t)internal);
        return c ? json_incref(c) : json_null();
    }
    case WS_DIST_INT:
        /* Optuna's int(value): toward zero (a 2.5 that Optuna's enqueue_trial let through reads
         * 2); past int64 (its 1e300, a 301-digit int) the number itself, which llround turned
         * into -9223372036854775808 */
        if (isnan(internal)) return json_null();
        return fabs(internal) < 9223372036854775808.0 ? json_integer((json_int_t)trunc(internal)) : json_real(internal);
    default: return json_real(internal);
    }
}

int ws_dist_n_ends(const ws_dist *d)
{
    return d->kind == WS_DIST_CATEGORICAL ? (int)ws_dist_n_choices(d) : 2;
}

json_t *ws_dist_end(const ws_dist *d, int k, char *what, size_t len)
{
    int cat = d->kind == WS_DIST_CATEGORICAL;
    if (what && cat) snprintf(what, len, "choice %d", k);
    else if (what) snprintf(what, len, "%s end", k ? "high" : "low");
    return ws_dist_external(d, cat ? k : k ? d->high : d->low);
}

int ws_dist_fraction(const ws_dist *d, double *v)
{
    if (d->kind != WS_DIST_FLOAT || !(d->low < d->high)) return 0;
    double x;
    if (d->step > 0) x = d->low + d->step;   /* the grid's first point past the low end */
    else {
        x = floor(d->low) + 0.5;              /* the first half past a whole number in the range */
        if (x <= d->low) x += 1;
        if (x >= d->high) x = d->low + (d->high - d->low) / 2;
    }
    if (!(x > d->low && x < d->high) || x == floor(x)) return 0;
    *v = x;
    return 1;
}

/* Optuna 3.1's _contains: an int's grid exactly ((value - low) % step == 0, in floats as Python
 * has them), a float's within an absolute 1e-8 of a grid point in units of step. A tolerance
 * relative to the grid index, as here before, took off-grid values on huge grids (any value past
 * 5e7 points) that Optuna, and its FrozenTrial checks, refuse. */
static int on_grid(const ws_dist *d, double v)
{
    if (d->kind == WS_DIST_INT) return fmod(v - d->low, d->step) == 0;
    double k = (v - d->low) / d->step;
    return fabs(k - round(k)) < 1e-8;
}

int ws_dist_contains(const ws_dist *d, double v)
{
    if (!isfinite(v)) return 0;
    if (d->kind == WS_DIST_CATEGORICAL)
        return v >= 0 && v == floor(v) && v < (double)json_array_size(d->choices);
    if (v < d->low || v > d->high) return 0;
    if (d->kind == WS_DIST_INT) return v == floor(v) && on_grid(d, v);
    return d->step > 0 ? on_grid(d, v) : 1;
}

int ws_dist_single(const ws_dist *d, double *internal)
{
    if (d->kind == WS_DIST_CATEGORICAL ? ws_dist_n_choices(d) > 1 : d->low < d->high) return 0;
    if (internal) *internal = d->kind == WS_DIST_CATEGORICAL ? 0 : d->low;
    return 1;
}

int ws_dist_int_value(const json_t *x)
{
    const json_int_t bound = 9007199254740992LL;
    if (json_is_integer(x)) return json_integer_value(x) >= -bound && json_integer_value(x) <= bound;
    double v = json_number_value(x);
    return json_is_real(x) && v == floor(v) && fabs(v) <= (double)bound;
}

int ws_dist_internal(const ws_dist *d, const json_t *x, double *internal, ws_err *e)
{
    if (d->kind == WS_DIST_CATEGORICAL) {
        /* The choice written as x is (1.0 is not 1, true is not 1) first: in choices
         * [1, 1.0] the numbers-only match took 1.0 for the first, so no fixed or queued value
         * could name the second. Then a number equal to a numeric choice (32.0 for 32), as in
         * Python. */
        for (size_t i = 0; i < json_array_size(d->choices); i++)
            if (json_equal(json_array_get(d->choices, i), (json_t *)x)) { *internal = (double)i; return 0; }
        for (size_t i = 0; i < json_array_size(d->choices); i++)
            if (ws_json_scalar_equal(json_array_get(d->choices, i), x)) { *internal = (double)i; return 0; }
        char *t = ws_json_dump(x, 0);
        ws_err_set(e, WS_EINPUT, "%s is not one of the choices", t ? t : "value");
        free(t);
        return -1;
    }
    if (!json_is_number(x)) return ws_err_set(e, WS_EINPUT, "expected a number, got %s", ws_json_type_name(x));
    double v = json_number_value(x);
    /* past 2^53 the value read is not the one written (9007199254740993 reads 9007199254740992),
     * and 1e300 has no int64 to show it as (the trial line said -9223372036854775808) */
    if (d->kind == WS_DIST_INT && !ws_dist_int_value(x)) {
        char *t = ws_json_dump(x, 0);
        ws_err_set(e, WS_EINPUT, "expected an integer%s, got %s", v == floor(v) ? " within +-2^53" : "", t ? t : "number");
        free(t);
        return -1;
    }
    if (!ws_dist_contains(d, v)) {
        /* which of the two: "or off the step grid" named both, also for an int of step 1 */
        char vt[32], lt[32], ht[32], st[32];
        number_text(d, v, vt), number_text(d, d->low, lt), number_text(d, d->high, ht);
        if (v < d->low || v > d->high) return ws_err_set(e, WS_EINPUT, "%s is outside [%s, %s]", vt, lt, ht);
        return ws_err_set(e, WS_EINPUT, "%s is off the step grid of [%s, %s] (%s + a multiple of %s)", vt, lt, ht, lt,
                          number_text(d, d->step, st));
    }
    *internal = v;
    return 0;
}
