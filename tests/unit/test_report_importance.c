/* test_report_importance.c — PED-ANOVA importance (lib/report/importance.c): against the numpy
 * reference (tests/ref/report/importance_golden.json, made by tests/ref/make_importance_golden.py),
 * on functions whose important parameter is known, and through trials as the report loads
 * them (fixed and conditional parameters, too few trials). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "golden.h"
#include "harness.h"
#include "core/json.h"
#include "core/rng.h"
#include "report/importance.h"

static json_t *load_golden(void)
{
    ws_err e = {0};
    json_t *g = golden_json("report/importance_golden.json", &e);
    if (!g) fprintf(stderr, "%s\n", e.msg);
    return g;
}

static double num(const json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }

static void test_constants_match_reference(void)
{
    json_t *g = load_golden();
    if (!g) SKIP("no golden file");
    CHECK(!strcmp(json_string_value(json_object_get(g, "method")), "PED-ANOVA"), "method");
    CHECK(num(g, "cells") == WS_PED_CELLS, "cells");
    CHECK(num(g, "prior_weight") == WS_PED_PRIOR_WEIGHT, "prior weight");
    CHECK(num(g, "min_bandwidth") == WS_PED_MIN_BANDWIDTH, "bandwidth floor");
    CHECK(num(g, "top_quantile") == WS_PED_TOP_QUANTILE, "top quantile");
    CHECK(num(g, "min_top") == WS_PED_MIN_TOP, "min top");
    json_decref(g);
}

static void test_golden_cases(void)
{
    json_t *g = load_golden();
    if (!g) SKIP("no golden file");
    size_t ci;
    json_t *c;
    json_array_foreach(json_object_get(g, "cases"), ci, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        json_t *params = json_object_get(c, "params"), *rows = json_object_get(c, "x"), *top = json_object_get(c, "is_top");
        size_t np = json_array_size(params), n = json_array_size(rows);
        ws_dist *d = calloc(np, sizeof *d);
        double *x = malloc(n * np * sizeof *x), *div = malloc(np * sizeof *div), *imp = malloc(np * sizeof *imp);
        unsigned char *is_top = malloc(n);
        size_t n_top = 0;
        for (size_t j = 0; j < np; j++) golden_dist(json_array_get(params, j), &d[j]);
        for (size_t i = 0; i < n; i++) {
            is_top[i] = (unsigned char)json_integer_value(json_array_get(top, i));
            n_top += is_top[i];
            for (size_t j = 0; j < np; j++) {
                json_t *v = json_array_get(json_array_get(rows, i), j);
                x[i * np + j] = json_is_number(v) ? json_number_value(v) : NAN;
            }
        }
        CHECK(n_top == (size_t)num(c, "n_top") && ws_ped_top_count(n) == n_top, "%s: top count %zu, reference %g",
              name, ws_ped_top_count(n), num(c, "n_top"));
        ws_err e = {0};
        CHECK(ws_ped_anova(d, np, x, is_top, n, div, imp, &e) == 0, "%s: %s", name, e.msg);
        double sum = 0;
        for (size_t j = 0; j < np; j++) {
            double want_d = json_number_value(json_array_get(json_object_get(c, "divergence"), j));
            double want_i = json_number_value(json_array_get(json_object_get(c, "importance"), j));
            CHECK(fabs(div[j] - want_d) <= 1e-9 * fmax(1, fabs(want_d)), "%s: param %zu: divergence %.12g, reference %.12g",
                  name, j, div[j], want_d);
            CHECK(fabs(imp[j] - want_i) <= 1e-9, "%s: param %zu: importance %.12g, reference %.12g", name, j, imp[j], want_i);
            sum += imp[j];
        }
        CHECK(fabs(sum - 1) < 1e-12, "%s: importances sum to %.15g", name, sum);
        for (size_t j = 0; j < np; j++) ws_dist_release(&d[j]);
        free(d); free(x); free(div); free(imp); free(is_top);
    }
    json_decref(g);
}

/* Ranks trials by loss (ascending) and marks the top set. */
static void mark_top(const double *loss, size_t n, unsigned char *is_top)
{
    size_t k = ws_ped_top_count(n);
    for (size_t i = 0; i < n; i++) {
        size_t better = 0;
        for (size_t j = 0; j < n; j++) better += loss[j] < loss[i] || (loss[j] == loss[i] && j < i);
        is_top[i] = better < k;
    }
}

/* f = x^2 + 0.01 y on uniform samples: x decides the top set. */
static void test_quadratic_x_dominates(void)
{
    enum { N = 200 };
    ws_dist d[2] = {{.kind = WS_DIST_FLOAT, .low = -1, .high = 1}, {.kind = WS_DIST_FLOAT, .low = -1, .high = 1}};
    static double x[N * 2], loss[N];
    unsigned char top[N];
    double div[2], imp[2];
    ws_rng r;
    ws_rng_seed(&r, 11);
    for (int i = 0; i < N; i++) {
        x[2 * i] = 2 * ws_rng_uniform(&r) - 1;
        x[2 * i + 1] = 2 * ws_rng_uniform(&r) - 1;
        loss[i] = x[2 * i] * x[2 * i] + 0.01 * x[2 * i + 1];
    }
    mark_top(loss, N, top);
    ws_err e = {0};
    CHECK(ws_ped_anova(d, 2, x, top, N, div, imp, &e) == 0, "%s", e.msg);
    CHECK(imp[0] > 0.9, "importance of x %.3f, of y %.3f: x must dominate", imp[0], imp[1]);
    CHECK(fabs(imp[0] + imp[1] - 1) < 1e-12, "sum %g", imp[0] + imp[1]);
    printf("# f = x^2 + 0.01y, %d trials: importance x %.3f, y %.3f\n", N, imp[0], imp[1]);
}

/* A categorical that matters next to a log-scale float that barely does, and an int that
 * does not at all. */
static void test_categorical_matters(void)
{
    enum { N = 150 };
    ws_dist d[3] = {{.kind = WS_DIST_CATEGORICAL}, {.kind = WS_DIST_FLOAT, .low = 1e-4, .high = 1e-1, .log = 1},
                    {.kind = WS_DIST_INT, .low = 1, .high = 8, .step = 1}};
    d[0].choices = json_pack("[s,s,s,s]", "adam", "adamw", "sgd", "rmsprop");
    static double x[N * 3], loss[N];
    unsigned char top[N];
    double div[3], imp[3];
    ws_rng r;
    ws_rng_seed(&r, 5);
    for (int i = 0; i < N; i++) {
        int c = (int)ws_rng_below(&r, 4);
        double lr = exp(log(1e-4) + ws_rng_uniform(&r) * (log(1e-1) - log(1e-4)));
        x[3 * i] = c;
        x[3 * i + 1] = lr;
        x[3 * i + 2] = (double)(1 + ws_rng_below(&r, 8));
        loss[i] = (c == 2 ? 0.0 : 1.0) + 0.02 * fabs(log10(lr) + 2.5) + 0.05 * ws_rng_uniform(&r);
    }
    mark_top(loss, N, top);
    ws_err e = {0};
    CHECK(ws_ped_anova(d, 3, x, top, N, div, imp, &e) == 0, "%s", e.msg);
    CHECK(imp[0] > 0.7 && imp[0] > 3 * imp[1] && imp[0] > 3 * imp[2], "optimizer %.3f, lr %.3f, int %.3f", imp[0], imp[1], imp[2]);
    printf("# categorical that matters, %d trials: optimizer %.3f, lr %.3f, int %.3f\n", N, imp[0], imp[1], imp[2]);
    ws_dist_release(&d[0]);
}

static void test_divergence_basics(void)
{
    double same[6] = {0.1, 0.3, 0.5, 0.5, 0.7, 0.9};
    CHECK(ws_ped_divergence_numeric(same, 6, same, 6) < 1e-15, "a set against itself diverges by 0");
    CHECK(ws_ped_divergence_numeric(same, 6, same, 0) == 0, "an empty top set gives 0");
    double low[3] = {0.0, 0.02, 0.05};
    CHECK(ws_ped_divergence_numeric(same, 6, low, 3) > ws_ped_divergence_numeric(same, 6, same + 2, 3),
          "a top set at the edge diverges more than one in the middle");
    int c_all[6] = {0, 1, 2, 0, 1, 2}, c_top[2] = {1, 1};
    CHECK(ws_ped_divergence_categorical(c_all, 6, c_all, 6, 3) < 1e-15, "categorical against itself");
    CHECK(ws_ped_divergence_categorical(c_all, 6, c_top, 2, 3) > 0.1, "one choice in the top set");
    ws_dist lg = {.kind = WS_DIST_FLOAT, .low = 1e-4, .high = 1e-2, .log = 1};
    CHECK_NEAR(ws_ped_unit(&lg, 1e-3), 0.5, 1e-12);
    CHECK(ws_ped_top_count(3) == 3 && ws_ped_top_count(6) == 5 && ws_ped_top_count(51) == 6 && ws_ped_top_count(500) == 50,
          "top counts");
}

/* A trial with params given as (name, dist, internal) triples. */
static void add_param(ws_trial *t, const char *name, const ws_dist *d, double internal)
{
    t->params = realloc(t->params, (t->n_params + 1) * sizeof *t->params);
    ws_param *p = &t->params[t->n_params++];
    p->name = strdup(name);
    ws_dist_copy(&p->dist, d);
    p->internal = internal;
}

static void test_through_trials(void)
{
    enum { N = 40 };
    ws_dist x = {.kind = WS_DIST_FLOAT, .low = 0, .high = 1}, opt = {.kind = WS_DIST_CATEGORICAL},
            mom = {.kind = WS_DIST_FLOAT, .low = 0.8, .high = 0.99}, fixed = {.kind = WS_DIST_CATEGORICAL},
            blocks = {.kind = WS_DIST_INT, .low = 1, .high = 8, .step = 1};
    opt.choices = json_pack("[s,s]", "adam", "sgd");
    fixed.choices = json_pack("[s]", "dscnn");
    ws_trial_list l = {calloc(N, sizeof(ws_trial)), N};
    size_t ranked[N];
    double loss[N];
    ws_rng r;
    ws_rng_seed(&r, 3);
    for (int i = 0; i < N; i++) {
        ws_trial *t = &l.v[i];
        t->number = i;
        t->state = WS_COMPLETE;
        double xv = ws_rng_uniform(&r);
        int o = (int)ws_rng_below(&r, 2);
        add_param(t, "x", &x, xv);
        add_param(t, "optimizer", &opt, o);
        if (o == 1) add_param(t, "momentum", &mom, 0.8 + 0.19 * ws_rng_uniform(&r));
        add_param(t, "model", &fixed, 0);
        add_param(t, "blocks", &blocks, 3);   /* searchable, but the same in every trial */
        loss[i] = fabs(xv - 0.3);
    }
    for (int i = 0; i < N; i++) {   /* ranked best first, as the report ranks */
        size_t better = 0;
        for (int j = 0; j < N; j++) better += loss[j] < loss[i];
        ranked[better] = (size_t)i;
    }
    json_t *names = json_pack("[s,s,s,s,s]", "x", "optimizer", "momentum", "model", "blocks");
    ws_importance imp;
    ws_err e = {0};
    CHECK(ws_importance_compute(&imp, &l, ranked, N, names, &e) == 0, "%s", e.msg);
    CHECK(imp.computed && imp.n == 5 && imp.n_top == 5 && imp.n_trials == N, "computed %d, %zu params, top %zu",
          imp.computed, imp.n, imp.n_top);
    CHECK(!imp.v[3].searched && imp.v[3].importance == 0, "a single-choice categorical is fixed");
    CHECK(!imp.v[4].searched && imp.v[4].importance == 0, "a parameter with one value in every trial is fixed");
    CHECK(imp.v[2].searched && imp.v[2].n > 0 && imp.v[2].n < N, "momentum held by %zu trials", imp.v[2].n);
    CHECK(fabs(imp.v[0].importance + imp.v[1].importance + imp.v[2].importance - 1) < 1e-12, "sum");
    CHECK(imp.v[0].importance > 0.5, "x decides: %.3f", imp.v[0].importance);
    ws_importance_release(&imp);
    CHECK(ws_importance_compute(&imp, &l, ranked, 5, names, &e) == 0, "%s", e.msg);
    CHECK(!imp.computed && strstr(imp.note, "needs more than 5"), "5 trials: not computed (%s)", imp.note);
    CHECK(isnan(imp.v[0].importance) && imp.v[3].importance == 0, "not computed: NaN for searched params");
    ws_importance_release(&imp);
    /* a value under another dist is converted through its external value */
    ws_dist one = {.kind = WS_DIST_CATEGORICAL};
    one.choices = json_pack("[s]", "sgd");
    ws_trial t = {0};
    add_param(&t, "optimizer", &one, 0);
    CHECK(ws_param_value_under(&t, "optimizer", &opt) == 1, "sgd under [adam, sgd] is 1");
    CHECK(isnan(ws_param_value_under(&t, "x", &x)), "absent is NaN");
    ws_trial_release(&t);
    json_decref(names);
    ws_trial_list_free(&l);
    ws_dist_release(&opt); ws_dist_release(&fixed); ws_dist_release(&one);
}

/* A range changed during the study (Optuna allows it; suggest --force): x from [0, 1] to [0, 10],
 * n from 0..8 step 2 to 1..9 step 2 (off the first grid), lr keeps its step-free log range but
 * grows. Every value fits the union of the ranges, so every trial counts. */
static void test_range_changed(void)
{
    enum { N = 20 };
    ws_dist x1 = {.kind = WS_DIST_FLOAT, .low = 0, .high = 1}, x2 = {.kind = WS_DIST_FLOAT, .low = 0, .high = 10},
            n1 = {.kind = WS_DIST_INT, .low = 0, .high = 8, .step = 2}, n2 = {.kind = WS_DIST_INT, .low = 1, .high = 9, .step = 2},
            s1 = {.kind = WS_DIST_FLOAT, .low = 0, .high = 1, .step = 0.25}, s2 = {.kind = WS_DIST_FLOAT, .low = 0, .high = 2, .step = 0.25};
    ws_trial_list l = {calloc(N, sizeof(ws_trial)), N};
    size_t ranked[N];
    for (int i = 0; i < N; i++) {
        ws_trial *t = &l.v[i];
        t->number = i;
        t->state = WS_COMPLETE;
        int late = i >= N / 2;
        add_param(t, "x", late ? &x2 : &x1, late ? 1 + 0.4 * (i - N / 2) : 0.1 * (i % 10));
        add_param(t, "n", late ? &n2 : &n1, late ? 1 + 2 * (i % 5) : 2 * (i % 5));
        add_param(t, "s", late ? &s2 : &s1, 0.25 * (i % (late ? 9 : 5)));
        ranked[i] = (size_t)i;
    }
    json_t *names = json_pack("[s,s,s]", "x", "n", "s");
    ws_importance imp;
    ws_err e = {0};
    CHECK(ws_importance_compute(&imp, &l, ranked, N, names, &e) == 0, "%s", e.msg);
    const ws_dist *x = &imp.v[0].dist, *n = &imp.v[1].dist, *st = &imp.v[2].dist;
    CHECK(x->low == 0 && x->high == 10 && x->step == 0, "x over [%g, %g]", x->low, x->high);
    CHECK(n->low == 0 && n->high == 9 && n->step == 1, "n over [%g, %g] step %g: the grids differ", n->low, n->high, n->step);
    CHECK(st->low == 0 && st->high == 2 && st->step == 0.25, "s over [%g, %g] step %g: one grid", st->low, st->high, st->step);
    CHECK(imp.v[0].n == N && imp.v[1].n == N && imp.v[2].n == N, "every trial counts: %zu, %zu, %zu", imp.v[0].n, imp.v[1].n,
          imp.v[2].n);
    CHECK(ws_param_value_under(&l.v[N - 1], "x", x) == 1 + 0.4 * (N / 2 - 1), "a late x under the union is itself");
    ws_importance_release(&imp);
    json_decref(names);
    ws_trial_list_free(&l);
}

int main(void)
{
    RUN(test_constants_match_reference);
    RUN(test_golden_cases);
    RUN(test_divergence_basics);
    RUN(test_quadratic_x_dominates);
    RUN(test_categorical_matters);
    RUN(test_through_trials);
    RUN(test_range_changed);
    return test_summary();
}
