/* test_sampler_tpe.c — the sampler module: config parsing, reproducibility, TPE's ranking of
 * trials (pruned by depth and value, infeasible after feasible, running to "above"), the
 * constant liar and dedup with parallel workers, conditional and fixed parameters, every
 * distribution kind, the hyperband view, and that TPE actually optimises. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "core/json.h"
#include "core/rng.h"
#include "pruner/pruner.h"
#include "sampler/sampler.h"
#include "space/config.h"

/* ---- helpers ---- */

static ws_space space_of(const char *json)
{
    ws_space sp;
    ws_err e = {0};
    json_t *j = ws_json_load_string(json, "space", &e);
    if (!j || ws_space_parse(&sp, j, "space", &e)) {
        fprintf(stderr, "bad test space: %s\n", e.msg);
        exit(3);
    }
    json_decref(j);
    return sp;
}

static int parse_cfg(ws_sampler_cfg *cfg, const char *json, ws_err *e)
{
    json_t *j = json ? ws_json_load_string(json, "cfg", e) : NULL;
    int rc = ws_sampler_parse(cfg, j, "study.json", e);
    json_decref(j);
    return rc;
}

static ws_trial *add_trial(ws_trial_list *l, ws_state st, double value)
{
    l->v = realloc(l->v, (l->n + 1) * sizeof *l->v);
    ws_trial *t = &l->v[l->n];
    memset(t, 0, sizeof *t);
    t->number = (int)l->n++;
    t->state = st;
    t->has_value = st == WS_COMPLETE;
    t->value = value;
    t->t_start = t->t_complete = NAN;
    t->system_attrs = json_object();
    t->user_attrs = json_object();
    return t;
}

static void add_iv(ws_trial *t, int step, double v)
{
    t->ivs = realloc(t->ivs, (t->n_ivs + 1) * sizeof *t->ivs);
    t->ivs[t->n_ivs].step = step;
    t->ivs[t->n_ivs++].value = v;
}

static void free_params(ws_param *p, size_t n)
{
    ws_trial t = {.params = p, .n_params = n};
    ws_trial_release(&t);
}

static double get(const ws_param *p, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) if (!strcmp(p[i].name, name)) return p[i].internal;
    return NAN;
}

/* Runs `n` sequential trials of f on sp; returns the best value. */
static double optimise(const ws_sampler_cfg *cfg, const ws_space *sp, double (*f)(const ws_param *, size_t), int n,
                       uint64_t seed, ws_trial_list *l)
{
    double best = INFINITY;
    for (int k = 0; k < n; k++) {
        ws_history h = {"t", WS_MINIMIZE, l, NULL, 0, NULL};
        ws_param *p = NULL;
        size_t np = 0;
        ws_err e = {0};
        if (ws_sampler_suggest(cfg, sp, &h, ws_seed_mix(seed, (uint64_t)k), &p, &np, &e)) {
            CHECK(0, "suggest: %s", e.msg);
            return NAN;
        }
        ws_trial *t = add_trial(l, WS_COMPLETE, 0);
        t->params = p;
        t->n_params = np;
        t->value = f(p, np);
        if (t->value < best) best = t->value;
    }
    return best;
}

/* ---- tests ---- */

static void test_parse(void)
{
    ws_sampler_cfg c;
    ws_err e = {0};
    CHECK(!parse_cfg(&c, NULL, &e), "%s", e.msg);
    CHECK(!strcmp(c.name, "tpe") && c.mode == WS_TPE_WAKESWEEP && c.multivariate && c.constant_liar && c.group
              && c.shared_clip,
          "default: wakesweep TPE with joint kernels, the liar and g(x) clipped like l(x) in mixed groups");
    CHECK(!parse_cfg(&c, "{\"shared_clip\": false}", &e) && !c.shared_clip, "shared_clip can be turned off");
    CHECK(!parse_cfg(&c, "{\"mode\": \"optuna\"}", &e), "%s", e.msg);
    CHECK(c.n_startup_trials == 10 && c.n_ei_candidates == 24 && !c.multivariate && !c.constant_liar && c.gamma == 0.1
              && c.gamma_max == 25 && c.weights == WS_WEIGHTS_RAMP && c.kernel_heights == 1 && !c.shared_clip,
          "optuna mode: TPESampler() defaults of 3.1");
    CHECK(!parse_cfg(&c, "{\"mode\": \"optuna\", \"multivariate\": true}", &e) && c.bandwidth == 1,
          "optuna multivariate uses Scott's rule");
    CHECK(!parse_cfg(&c, "{\"name\": \"random\", \"seed\": 3}", &e) && c.has_seed && c.seed == 3, "random, seeded");
    static const struct { const char *cfg, *msg; } bad[] = {
        {"{\"nmae\": \"tpe\"}", "study.json: sampler"},
        {"{\"name\": \"cmaes\"}", "study.json: sampler.name: unknown sampler 'cmaes'"},
        {"{\"mode\": \"fast\"}", "study.json: sampler.mode: unknown mode"},
        {"{\"gamma\": 1.5}", "study.json: sampler.gamma: must be in (0, 1]"},
        {"{\"n_ei_candidates\": 0}", "study.json: sampler.n_ei_candidates"},
        {"{\"n_startup_trials\": -1}", "study.json: sampler.n_startup_trials"},
        {"{\"prior_weight\": 0}", "study.json: sampler.prior_weight"},
        {"{\"multivariate\": false, \"group\": true}", "study.json: sampler.group: needs"},
        {"{\"bandwidth\": \"silverman\"}", "study.json: sampler.bandwidth"},
        {"{\"weights\": \"flat\"}", "study.json: sampler.weights"},
        {"{\"kernel\": \"box\"}", "study.json: sampler.kernel"},
        {"{\"seed\": -2}", "study.json: sampler.seed"},
        {"{\"multivariate\": 1}", "study.json: sampler.multivariate"},
        {"[1]", "study.json: sampler: expected an object"},
        {"{\"liar_weight\": 0}", "study.json: sampler.liar_weight"},
        {"{\"categorical_smoothing\": -1}", "study.json: sampler.categorical_smoothing"},
        {"{\"bandwidth_scale\": 0}", "study.json: sampler.bandwidth_scale"},
        {"{\"gamma_max\": 0}", "study.json: sampler.gamma_max"},
        {"{\"shared_clip\": 1}", "study.json: sampler.shared_clip"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ws_err e2 = {0};
        int rc = parse_cfg(&c, bad[i].cfg, &e2);
        CHECK(rc && strstr(e2.msg, bad[i].msg) && e2.kind == WS_EINPUT, "%s: got '%s'", bad[i].cfg, e2.msg);
    }
    /* multivariate off quietly turns the wakesweep default group off */
    CHECK(!parse_cfg(&c, "{\"multivariate\": false}", &e) && !c.group, "group follows multivariate");
}

static double quad(const ws_param *p, size_t n)
{
    double x = get(p, n, "x") - 0.3, y = get(p, n, "y") - 0.6;
    return x * x + 2 * y * y;
}

static void test_reproducible(void)
{
    ws_space sp = space_of("{\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1},"
                           " \"y\": {\"type\": \"float\", \"low\": 0, \"high\": 1}}");
    static const char *cfgs[] = {NULL, "{\"mode\": \"optuna\"}", "{\"name\": \"random\"}"};
    for (size_t c = 0; c < 3; c++) {
        ws_sampler_cfg cfg;
        ws_err e = {0};
        parse_cfg(&cfg, cfgs[c], &e);
        ws_trial_list l = {0};
        optimise(&cfg, &sp, quad, 20, 1, &l);
        ws_history h = {"t", WS_MINIMIZE, &l, NULL, 0, NULL};
        ws_param *a = NULL, *b = NULL, *d = NULL;
        size_t na = 0, nb = 0, nd = 0;
        ws_sampler_suggest(&cfg, &sp, &h, 42, &a, &na, &e);
        ws_sampler_suggest(&cfg, &sp, &h, 42, &b, &nb, &e);
        ws_sampler_suggest(&cfg, &sp, &h, 43, &d, &nd, &e);
        CHECK(na == 2 && nb == 2 && get(a, na, "x") == get(b, nb, "x") && get(a, na, "y") == get(b, nb, "y"),
              "%s: same seed and history, same suggestion", cfgs[c] ? cfgs[c] : "default");
        CHECK(get(a, na, "x") != get(d, nd, "x"), "%s: another seed, another suggestion", cfgs[c] ? cfgs[c] : "default");
        free_params(a, na); free_params(b, nb); free_params(d, nd);
        ws_trial_list_free(&l);
    }
    ws_space_release(&sp);
}

/* Below n_startup_trials finished trials, TPE draws exactly what the random sampler draws. */
static void test_startup_is_random(void)
{
    ws_space sp = space_of("{\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1},"
                           " \"c\": {\"type\": \"categorical\", \"choices\": [1, 2, 3]}}");
    ws_sampler_cfg cfg;
    ws_err e = {0};
    parse_cfg(&cfg, "{\"n_startup_trials\": 4, \"dedup\": false}", &e);
    ws_trial_list l = {0};
    for (int k = 0; k < 3; k++) add_trial(&l, WS_COMPLETE, k);
    add_trial(&l, WS_RUNNING, 0);
    add_trial(&l, WS_FAIL, 0);
    ws_history h = {"t", WS_MINIMIZE, &l, NULL, 0, NULL};
    ws_param *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    ws_sampler_suggest(&cfg, &sp, &h, 9, &a, &na, &e);
    ws_random_suggest(&sp, 9, &b, &nb, &e);
    CHECK(na == 2 && nb == 2 && a[0].internal == b[0].internal && a[1].internal == b[1].internal, "start-up draws at random");
    free_params(a, na); free_params(b, nb);
    ws_trial_list_free(&l);
    ws_space_release(&sp);
}

/* Optuna's ranking: COMPLETE by value, then PRUNED deeper first and by last value (NaN last),
 * infeasible after feasible, RUNNING always above (liar) or ignored, FAIL/WAITING ignored. */
static void test_split_ranking(void)
{
    ws_sampler_cfg cfg;
    ws_err e = {0};
    parse_cfg(&cfg, "{\"gamma\": 0.5, \"constant_liar\": true}", &e);
    ws_trial_list l = {0};
    add_trial(&l, WS_COMPLETE, 5.0);              /* 0 */
    add_trial(&l, WS_COMPLETE, 1.0);              /* 1 */
    add_trial(&l, WS_COMPLETE, 3.0);              /* 2 */
    ws_trial *p = add_trial(&l, WS_PRUNED, 0);    /* 3: step 9, 0.2 */
    add_iv(p, 3, 9.0); add_iv(p, 9, 0.2);
    p = add_trial(&l, WS_PRUNED, 0);              /* 4: step 9, NaN */
    add_iv(p, 9, NAN);
    p = add_trial(&l, WS_PRUNED, 0);              /* 5: step 5, -100 */
    add_iv(p, 5, -100);
    add_trial(&l, WS_PRUNED, 0);                  /* 6: no reports */
    add_trial(&l, WS_RUNNING, 0);                 /* 7 */
    add_trial(&l, WS_FAIL, 0);                    /* 8 */
    add_trial(&l, WS_WAITING, 0);                 /* 9 */
    ws_history h = {"t", WS_MINIMIZE, &l, NULL, 0, NULL};
    int below[10];
    size_t nf = 0;
    CHECK(!ws_tpe_split_history(&cfg, &h, below, &nf, &e), "%s", e.msg);
    /* 7 finished, gamma 0.5 → 4 below: the 3 COMPLETE and pruned trial 3 (deepest, value 0.2) */
    static const int want[10] = {1, 1, 1, 1, 0, 0, 0, 0, -1, -1};
    CHECK(nf == 7, "finished %zu", nf);
    for (int i = 0; i < 10; i++) CHECK(below[i] == want[i], "minimize: trial %d below=%d, want %d", i, below[i], want[i]);
    /* maximize: pruned trial 3 (0.2) still beats NaN; among COMPLETE, 5 and 3 best. gamma 0.3 → 3 */
    cfg.gamma = 0.3;
    h.direction = WS_MAXIMIZE;
    ws_tpe_split_history(&cfg, &h, below, &nf, &e);
    static const int want_max[10] = {1, 1, 1, 0, 0, 0, 0, 0, -1, -1};
    for (int i = 0; i < 10; i++) CHECK(below[i] == want_max[i], "maximize: trial %d below=%d, want %d", i, below[i], want_max[i]);
    cfg.gamma = 0.2;   /* 2 below */
    ws_tpe_split_history(&cfg, &h, below, &nf, &e);
    CHECK(below[0] == 1 && below[2] == 1 && below[1] == 0, "maximize: the two largest values");
    /* without the liar RUNNING trials are ignored */
    cfg.constant_liar = 0;
    ws_tpe_split_history(&cfg, &h, below, &nf, &e);
    CHECK(below[7] == -1, "no liar: running ignored");
    ws_trial_list_free(&l);

    /* constraints: infeasible (violation > 0) after feasible, less violation first */
    parse_cfg(&cfg, "{\"gamma\": 0.5}", &e);
    ws_trial_list c = {0};
    double vals[6] = {0.1, 0.2, 9.0, 8.0, 0.05, 7.0};
    double viol[6] = {1.0, 0.5, -1, -2, 3.0, 0};
    for (int i = 0; i < 6; i++) {
        ws_trial *t = add_trial(&c, WS_COMPLETE, vals[i]);
        json_object_set_new(t->system_attrs, "constraints", json_pack("[f, f]", viol[i], -0.5));
    }
    ws_history hc = {"t", WS_MINIMIZE, &c, NULL, 0, NULL};
    int bc[6];
    ws_tpe_split_history(&cfg, &hc, bc, &nf, &e);
    /* 3 below: the feasible trials 2, 3, 5 despite their worse values */
    CHECK(bc[2] == 1 && bc[3] == 1 && bc[5] == 1 && bc[0] == 0 && bc[1] == 0 && bc[4] == 0, "feasible first");
    cfg.gamma = 0.7;   /* 5 below: + the two least violating (1: 0.5, 0: 1.0) */
    ws_tpe_split_history(&cfg, &hc, bc, &nf, &e);
    CHECK(bc[1] == 1 && bc[0] == 1 && bc[4] == 0, "then by violation");
    ws_trial_list_free(&c);

    /* bools, as a constraints_func returning [fpr > 0.05] stores them: Python's 0 and 1 to
     * Optuna's sum, so [false] is feasible and [true] violates by 1, less than [2.0] */
    ws_trial_list b = {0};
    const char *bcons[4] = {"[true]", "[false]", "[2.0]", "[false, -1]"};
    for (int i = 0; i < 4; i++) {
        ws_trial *t = add_trial(&b, WS_COMPLETE, 9.0 - i);
        json_object_set_new(t->system_attrs, "constraints", json_loads(bcons[i], 0, NULL));
    }
    ws_history hb = {"t", WS_MINIMIZE, &b, NULL, 0, NULL};
    int bb[4];
    cfg.gamma = 0.75;   /* 3 below: the feasible 1 and 3, then 0 (violation 1) before 2 (violation 2) */
    ws_tpe_split_history(&cfg, &hb, bb, &nf, &e);
    CHECK(bb[1] == 1 && bb[3] == 1 && bb[0] == 1 && bb[2] == 0, "bools: %d %d %d %d", bb[0], bb[1], bb[2], bb[3]);
    ws_trial_list_free(&b);
}

/* Constant liar: 3 workers hold points; a 4th suggestion avoids them, and with dedup a
 * categorical-only space hands out the one configuration nobody holds. */
static void test_liar_and_dedup(void)
{
    ws_space sp = space_of("{\"c\": {\"type\": \"categorical\", \"choices\": [\"a\", \"b\", \"c\"]},"
                           " \"k\": {\"type\": \"int\", \"low\": 1, \"high\": 2}}");
    ws_sampler_cfg cfg;
    ws_err e = {0};
    parse_cfg(&cfg, "{\"n_startup_trials\": 2}", &e);
    ws_trial_list l = {0};
    /* finished: every config but (c, 2) already evaluated or running */
    int cs[5][2] = {{0, 1}, {0, 2}, {1, 1}, {1, 2}, {2, 1}};
    for (int i = 0; i < 5; i++) {
        ws_trial *t = add_trial(&l, i < 3 ? WS_COMPLETE : WS_RUNNING, (double)i);
        ws_sampler_append(&t->params, &t->n_params, "c", &sp.v[0].dist, cs[i][0], &e);
        ws_sampler_append(&t->params, &t->n_params, "k", &sp.v[1].dist, cs[i][1], &e);
    }
    ws_history h = {"t", WS_MINIMIZE, &l, NULL, 0, NULL};
    for (uint64_t seed = 0; seed < 20; seed++) {
        ws_param *p = NULL;
        size_t n = 0;
        ws_sampler_suggest(&cfg, &sp, &h, seed, &p, &n, &e);
        CHECK(get(p, n, "c") == 2 && get(p, n, "k") == 2, "seed %llu: got (%g, %g), the only free config is (c, 2)",
              (unsigned long long)seed, get(p, n, "c"), get(p, n, "k"));
        free_params(p, n);
    }
    ws_trial_list_free(&l);
    ws_space_release(&sp);

    /* continuous: 4 workers on a quadratic; no suggestion equals a running trial's */
    ws_space sq = space_of("{\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1, \"step\": 0.05},"
                           " \"y\": {\"type\": \"float\", \"low\": 0, \"high\": 1, \"step\": 0.05}}");
    parse_cfg(&cfg, NULL, &e);
    ws_trial_list q = {0};
    size_t done = 0;
    int dups = 0;
    for (int k = 0; k < 60; k++) {
        while (q.n - done < 4) {
            ws_history hq = {"t", WS_MINIMIZE, &q, NULL, 0, NULL};
            ws_param *p = NULL;
            size_t n = 0;
            ws_sampler_suggest(&cfg, &sq, &hq, ws_seed_mix(5, q.n), &p, &n, &e);
            for (size_t i = done; i < q.n; i++)
                if (get(q.v[i].params, q.v[i].n_params, "x") == get(p, n, "x")
                    && get(q.v[i].params, q.v[i].n_params, "y") == get(p, n, "y")) dups++;
            ws_trial *t = add_trial(&q, WS_RUNNING, 0);
            t->params = p;
            t->n_params = n;
        }
        ws_trial *t = &q.v[done++];
        t->state = WS_COMPLETE;
        t->has_value = 1;
        t->value = quad(t->params, t->n_params);
    }
    CHECK(dups == 0, "%d suggestions identical to a running trial", dups);
    ws_trial_list_free(&q);
    ws_space_release(&sq);
}

static double cond_f(const ws_param *p, size_t n)
{
    double s = get(p, n, "s") - 0.3;
    if (get(p, n, "opt") == 2) return s * s + pow(get(p, n, "m") - 0.9, 2);
    return s * s + 0.5 + (get(p, n, "opt") == 0 ? log10(get(p, n, "lr")) * 0.01 : 0.1);
}

/* Conditional parameters appear exactly when their parent allows them, in every mode. */
static void test_conditional(void)
{
    ws_space sp = space_of("{\"opt\": {\"type\": \"categorical\", \"choices\": [\"adam\", \"adamw\", \"sgd\"]},"
                           " \"s\": {\"type\": \"float\", \"low\": 0, \"high\": 1},"
                           " \"lr\": {\"type\": \"float\", \"low\": 1e-4, \"high\": 1e-1, \"log\": true, \"when\": {\"opt\": [\"adam\"]}},"
                           " \"m\": {\"type\": \"float\", \"low\": 0.5, \"high\": 0.99, \"when\": {\"opt\": [\"sgd\"]}}}");
    static const char *cfgs[] = {NULL, "{\"mode\": \"optuna\"}", "{\"mode\": \"optuna\", \"multivariate\": true}",
                                 "{\"mode\": \"optuna\", \"multivariate\": true, \"group\": true}"};
    for (size_t c = 0; c < 4; c++) {
        ws_sampler_cfg cfg;
        ws_err e = {0};
        parse_cfg(&cfg, cfgs[c], &e);
        ws_trial_list l = {0};
        double best = optimise(&cfg, &sp, cond_f, 40, 3, &l);
        for (size_t i = 0; i < l.n; i++) {
            const ws_trial *t = &l.v[i];
            double opt = get(t->params, t->n_params, "opt");
            int has_lr = ws_trial_param(t, "lr") != NULL, has_m = ws_trial_param(t, "m") != NULL;
            CHECK(has_lr == (opt == 0) && has_m == (opt == 2) && t->n_params == 2u + has_lr + has_m,
                  "%s: trial %zu: opt %g with lr %d, m %d", cfgs[c] ? cfgs[c] : "default", i, opt, has_lr, has_m);
            for (size_t k = 0; k < t->n_params; k++)
                CHECK(ws_dist_contains(&t->params[k].dist, t->params[k].internal), "%s out of its distribution",
                      t->params[k].name);
        }
        CHECK(best < 0.05, "%s: best %g after 40 trials", cfgs[c] ? cfgs[c] : "default", best);
        ws_trial_list_free(&l);
    }
    /* a fixed parent decides the children; its value is kept */
    ws_sampler_cfg cfg;
    ws_err e = {0};
    parse_cfg(&cfg, NULL, &e);
    ws_trial_list l = {0};
    optimise(&cfg, &sp, cond_f, 20, 4, &l);
    ws_history h = {"t", WS_MINIMIZE, &l, NULL, 0, NULL};
    ws_param *p = NULL;
    size_t n = 0;
    ws_sampler_append(&p, &n, "opt", &sp.v[0].dist, 0, &e);
    CHECK(!ws_sampler_suggest(&cfg, &sp, &h, 77, &p, &n, &e), "%s", e.msg);
    CHECK(n == 3 && get(p, n, "opt") == 0 && !isnan(get(p, n, "lr")) && isnan(get(p, n, "m")), "fixed opt=adam → lr, no m");
    free_params(p, n);
    ws_trial_list_free(&l);
    ws_space_release(&sp);
}

/* A fixed (or enqueued) value of a parameter the trial's values leave inactive is dropped, as
 * Optuna uses fixed_params only when the objective suggests the parameter; names outside the
 * space stay (suggest --fixed carries them). */
static void test_inactive_fixed_dropped(void)
{
    ws_space sp = space_of("{\"opt\": {\"type\": \"categorical\", \"choices\": [\"adam\", \"adamw\", \"sgd\"]},"
                           " \"s\": {\"type\": \"float\", \"low\": 0, \"high\": 1},"
                           " \"m\": {\"type\": \"float\", \"low\": 0.5, \"high\": 0.99, \"when\": {\"opt\": [\"sgd\"]}},"
                           " \"nest\": {\"type\": \"categorical\", \"choices\": [true, false], \"when\": {\"m\": [0.9]}}}");
    static const char *cfgs[] = {"{\"name\": \"random\"}", NULL, "{\"mode\": \"optuna\", \"n_startup_trials\": 3}"};
    ws_dist extra = {.kind = WS_DIST_CATEGORICAL, .choices = json_pack("[s]", "x")};
    int seen[2] = {0, 0};   /* both outcomes of a sampled opt, over all samplers */
    for (size_t c = 0; c < 3; c++) {
        ws_sampler_cfg cfg;
        ws_err e = {0};
        parse_cfg(&cfg, cfgs[c], &e);
        ws_trial_list l = {0};
        optimise(&cfg, &sp, cond_f, 12, 5, &l);
        ws_history h = {"t", WS_MINIMIZE, &l, NULL, 0, NULL};
        const char *name = cfgs[c] ? cfgs[c] : "default";
        /* opt fixed to adam: the fixed m (and nest below it) go, "extra" stays */
        ws_param *p = NULL;
        size_t n = 0;
        ws_sampler_append(&p, &n, "m", &sp.v[2].dist, 0.9, &e);
        ws_sampler_append(&p, &n, "nest", &sp.v[3].dist, 0, &e);
        ws_sampler_append(&p, &n, "opt", &sp.v[0].dist, 0, &e);
        ws_sampler_append(&p, &n, "extra", &extra, 0, &e);
        CHECK(!ws_sampler_suggest(&cfg, &sp, &h, 11, &p, &n, &e), "%s", e.msg);
        CHECK(n == 3 && get(p, n, "opt") == 0 && get(p, n, "extra") == 0 && !isnan(get(p, n, "s"))
              && isnan(get(p, n, "m")) && isnan(get(p, n, "nest")), "%s: adam kept m or nest (%zu params)", name, n);
        free_params(p, n);
        /* opt sampled: the fixed m stays exactly when opt comes out sgd */
        for (uint64_t seed = 0; seed < 24; seed++) {
            p = NULL;
            n = 0;
            ws_sampler_append(&p, &n, "m", &sp.v[2].dist, 0.9, &e);
            CHECK(!ws_sampler_suggest(&cfg, &sp, &h, seed, &p, &n, &e), "%s", e.msg);
            int sgd = get(p, n, "opt") == 2;
            seen[sgd] = 1;
            CHECK(sgd ? get(p, n, "m") == 0.9 && !isnan(get(p, n, "nest")) && n == 4
                      : isnan(get(p, n, "m")) && isnan(get(p, n, "nest")) && n == 2,
                  "%s: seed %llu: opt %g, m %g, %zu params", name, (unsigned long long)seed, get(p, n, "opt"), get(p, n, "m"), n);
            free_params(p, n);
        }
        ws_trial_list_free(&l);
    }
    CHECK(seen[0] && seen[1], "opt never / always sgd");
    json_decref(extra.choices);
    ws_space_release(&sp);
}

/* suggest --fixed is Optuna's PartialFixedSampler, whose infer_relative_search_space deletes the
 * fixed names from TPE's relative search space: in the optuna mode a multivariate TPE with x
 * fixed draws y from kernels over y alone, exactly as over a space without x. A value queued
 * (fixed_params) stays in the joint kernels, as in Optuna, whose relative sampling draws it with
 * the rest before the queued value wins. */
static void test_partial_fixed_left_out(void)
{
    ws_space both = space_of("{\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1},"
                             " \"y\": {\"type\": \"float\", \"low\": 0, \"high\": 1}}");
    ws_space only_y = space_of("{\"y\": {\"type\": \"float\", \"low\": 0, \"high\": 1}}");
    ws_sampler_cfg cfg;
    ws_err e = {0};
    CHECK(!parse_cfg(&cfg, "{\"mode\": \"optuna\", \"multivariate\": true, \"n_startup_trials\": 3}", &e), "%s", e.msg);
    ws_trial_list l = {0};
    optimise(&cfg, &both, quad, 15, 8, &l);
    ws_param *fixed = NULL;
    size_t n_fixed = 0;
    ws_sampler_append(&fixed, &n_fixed, "x", &both.v[0].dist, 0.25, &e);
    ws_history h = {"t", WS_MINIMIZE, &l, NULL, 0, NULL};
    ws_sampler_cfg pf = cfg;   /* suggest --fixed: PartialFixedSampler around the TPE */
    pf.partial_fixed = fixed;
    pf.n_partial_fixed = n_fixed;
    int queued_differs = 0;
    for (uint64_t seed = 0; seed < 10; seed++) {
        ws_param *p = NULL, *q = NULL, *r = NULL;
        size_t np = 0, nq = 0, nr = 0;
        ws_sampler_append(&p, &np, "x", &both.v[0].dist, 0.25, &e);
        ws_sampler_append(&r, &nr, "x", &both.v[0].dist, 0.25, &e);
        CHECK(!ws_sampler_suggest(&pf, &both, &h, seed, &p, &np, &e), "%s", e.msg);
        CHECK(!ws_sampler_suggest(&cfg, &only_y, &h, seed, &q, &nq, &e), "%s", e.msg);
        CHECK(!ws_sampler_suggest(&cfg, &both, &h, seed, &r, &nr, &e), "%s", e.msg);
        CHECK(np == 2 && get(p, np, "x") == 0.25 && get(p, np, "y") == get(q, nq, "y"),
              "seed %llu: y %.17g with x fixed, %.17g without x in the space", (unsigned long long)seed,
              get(p, np, "y"), get(q, nq, "y"));
        queued_differs |= get(r, nr, "y") != get(q, nq, "y");
        free_params(p, np); free_params(q, nq); free_params(r, nr);
    }
    CHECK(queued_differs, "a queued x never changed y: it is not in the joint kernels");
    free_params(fixed, n_fixed);
    ws_trial_list_free(&l);
    ws_space_release(&both);
    ws_space_release(&only_y);
}

/* low == high (Optuna's single-value distributions) give exactly that value. */
static void test_single_values(void)
{
    ws_space sp = space_of("{\"a\": {\"type\": \"float\", \"low\": 0.3, \"high\": 0.3, \"log\": true},"
                           " \"b\": {\"type\": \"int\", \"low\": 7, \"high\": 7, \"log\": true},"
                           " \"c\": {\"type\": \"float\", \"low\": 5, \"high\": 5, \"step\": 0.5},"
                           " \"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1}}");
    static const char *cfgs[] = {"{\"name\": \"random\"}", NULL, "{\"mode\": \"optuna\", \"n_startup_trials\": 3}",
                                 "{\"mode\": \"optuna\", \"multivariate\": true, \"n_startup_trials\": 3}"};
    for (size_t c = 0; c < 4; c++) {
        ws_sampler_cfg cfg;
        ws_err e = {0};
        parse_cfg(&cfg, cfgs[c], &e);
        ws_trial_list l = {0};
        optimise(&cfg, &sp, quad, 12, 8, &l);
        for (size_t i = 0; i < l.n; i++) {
            const ws_trial *t = &l.v[i];
            CHECK(t->n_params == 4 && get(t->params, 4, "a") == 0.3 && get(t->params, 4, "b") == 7 && get(t->params, 4, "c") == 5,
                  "%s: trial %zu: a %.17g, b %g, c %g", cfgs[c] ? cfgs[c] : "default", i, get(t->params, 4, "a"),
                  get(t->params, 4, "b"), get(t->params, 4, "c"));
        }
        ws_trial_list_free(&l);
    }
    ws_space_release(&sp);
}

static double mixed_f(const ws_param *p, size_t n)
{
    double u = log10(get(p, n, "lr")) + 2.5, v = (get(p, n, "units") - 96) / 64.0, w = log2(get(p, n, "batch")) - 5;
    double d = get(p, n, "drop") - 0.2;
    return u * u + v * v + 0.1 * w * w + (get(p, n, "act") == 1 ? 0 : 0.3) + d * d;
}

/* Every distribution kind stays on its grid; TPE beats random search on a mixed space. */
static void test_mixed_kinds_and_progress(void)
{
    ws_space sp = space_of("{\"lr\": {\"type\": \"float\", \"low\": 1e-5, \"high\": 1e-1, \"log\": true},"
                           " \"units\": {\"type\": \"int\", \"low\": 16, \"high\": 256, \"step\": 16},"
                           " \"batch\": {\"type\": \"int\", \"low\": 8, \"high\": 256, \"log\": true},"
                           " \"act\": {\"type\": \"categorical\", \"choices\": [\"relu\", \"gelu\", \"tanh\"]},"
                           " \"drop\": {\"type\": \"float\", \"low\": 0, \"high\": 0.5, \"step\": 0.05}}");
    static const char *cfgs[] = {NULL, "{\"mode\": \"optuna\"}", "{\"mode\": \"optuna\", \"multivariate\": true}",
                                 "{\"name\": \"random\"}"};
    double med[4];
    for (size_t c = 0; c < 4; c++) {
        ws_sampler_cfg cfg;
        ws_err e = {0};
        parse_cfg(&cfg, cfgs[c], &e);
        double bests[7];
        for (int s = 0; s < 7; s++) {
            ws_trial_list l = {0};
            bests[s] = optimise(&cfg, &sp, mixed_f, 50, (uint64_t)(100 + s), &l);
            for (size_t i = 0; i < l.n; i++)
                for (size_t k = 0; k < l.v[i].n_params; k++)
                    CHECK(ws_dist_contains(&l.v[i].params[k].dist, l.v[i].params[k].internal), "%s = %.17g outside",
                          l.v[i].params[k].name, l.v[i].params[k].internal);
            ws_trial_list_free(&l);
        }
        for (int i = 0; i < 7; i++)   /* median of 7 */
            for (int j = i + 1; j < 7; j++)
                if (bests[j] < bests[i]) { double t = bests[i]; bests[i] = bests[j]; bests[j] = t; }
        med[c] = bests[3];
    }
    fprintf(stderr, "mixed space, median best of 50 trials: wakesweep %.4g, optuna mode %.4g, optuna multivariate %.4g, random %.4g\n",
            med[0], med[1], med[2], med[3]);
    CHECK(med[0] < med[3] && med[1] < med[3] && med[2] < med[3], "TPE (%g %g %g) no better than random %g", med[0], med[1],
          med[2], med[3]);
    CHECK(med[0] < 0.05, "wakesweep TPE median %g", med[0]);
    ws_space_release(&sp);
}

/* A stepped float's uniform draws are Optuna's grid values bit for bit, the top one clipped to
 * high as Optuna's untransform clips it (0 + 3 * 0.1 would be 0.30000000000000004, above high);
 * golden values: optuna 3.1 _SearchSpaceTransform.untransform at each grid cell's centre. */
static void test_stepped_grid_is_optunas(void)
{
    static const struct { const char *space; int n; double want[8]; } cases[] = {
        {"{\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 0.3, \"step\": 0.1}}", 4, {0.0, 0.1, 0.2, 0.3}},
        {"{\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 0.7, \"step\": 0.1}}", 8,
         {0.0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7}},
        {"{\"x\": {\"type\": \"float\", \"low\": 0.1, \"high\": 0.7, \"step\": 0.2}}", 4, {0.1, 0.30000000000000004, 0.5, 0.7}},
        {"{\"x\": {\"type\": \"float\", \"low\": 0.2, \"high\": 0.9, \"step\": 0.35}}", 3, {0.2, 0.55, 0.8999999999999999}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ws_space sp = space_of(cases[c].space);
        ws_rng rng;
        ws_rng_seed(&rng, 11 + c);
        int seen[8] = {0}, off = 0;
        for (int i = 0; i < 400; i++) {
            double v = ws_sample_uniform(&sp.v[0].dist, &rng);
            int k = 0;
            while (k < cases[c].n && v != cases[c].want[k]) k++;
            if (k == cases[c].n) { off++; CHECK(0, "case %zu: drew %.17g, not one of Optuna's values", c, v); }
            else seen[k]++;
            CHECK(ws_dist_contains(&sp.v[0].dist, v), "case %zu: %.17g outside its distribution", c, v);
        }
        for (int k = 0; k < cases[c].n && !off; k++)
            CHECK(seen[k] > 0, "case %zu: %.17g never drawn in 400", c, cases[c].want[k]);
        ws_space_release(&sp);
    }
}

/* Under hyperband the sampler sees only the trial's bracket. */
static void test_hyperband_view(void)
{
    ws_pruner_cfg pc;
    ws_err e = {0};
    json_t *j = json_pack("{s:s,s:i,s:i,s:i}", "name", "hyperband", "min_resource", 1, "max_resource", 27,
                          "reduction_factor", 3);
    CHECK(!ws_pruner_parse(&pc, j, "x", &e), "%s", e.msg);
    json_decref(j);
    ws_space sp = space_of("{\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1}}");
    ws_sampler_cfg cfg;
    parse_cfg(&cfg, "{\"n_startup_trials\": 3}", &e);
    ws_trial_list l = {0};
    optimise(&cfg, &sp, quad, 40, 8, &l);
    ws_history h = {"hb-study", WS_MINIMIZE, &l, &pc, 40, NULL};
    ws_history_view v;
    CHECK(!ws_pruner_history_view(&pc, &h, 40, &v, &e), "%s", e.msg);
    ws_hyperband_info me, other;
    ws_hyperband_info_get(&pc, &h, 40, &me);
    CHECK(me.known && me.n_brackets == 4, "27/1 with eta 3: 4 brackets (got %d)", me.n_brackets);
    CHECK(v.h.trials->n > 0 && v.h.trials->n < l.n, "the view holds %zu of %zu trials", v.h.trials->n, l.n);
    for (size_t i = 0; i < v.h.trials->n; i++) {
        ws_hyperband_info_get(&pc, &h, v.h.trials->v[i].number, &other);
        CHECK(other.bracket == me.bracket, "trial %d in bracket %d, not %d", v.h.trials->v[i].number, other.bracket, me.bracket);
    }
    /* the suggestion with the pruner equals the one on the view */
    ws_param *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    ws_sampler_suggest(&cfg, &sp, &h, 5, &a, &na, &e);
    ws_sampler_suggest(&cfg, &sp, &v.h, 5, &b, &nb, &e);
    CHECK(na == 1 && nb == 1 && a[0].internal == b[0].internal, "suggest applies the bracket view");
    free_params(a, na); free_params(b, nb);
    ws_history_view_release(&v);
    ws_pruner_cfg_release(&pc);
    ws_trial_list_free(&l);
    ws_space_release(&sp);
}

int main(void)
{
    RUN(test_parse);
    RUN(test_reproducible);
    RUN(test_startup_is_random);
    RUN(test_split_ranking);
    RUN(test_liar_and_dedup);
    RUN(test_conditional);
    RUN(test_inactive_fixed_dropped);
    RUN(test_partial_fixed_left_out);
    RUN(test_single_values);
    RUN(test_mixed_kinds_and_progress);
    RUN(test_stepped_grid_is_optunas);
    RUN(test_hyperband_view);
    return test_summary();
}
