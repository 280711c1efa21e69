/* driver.c — runs wakesweep's samplers on benchmark functions with an in-memory history (no
 * store), for tests/bench/sampler/bench.py.
 *
 *   driver quality  --func F --seeds A-B --trials N [--sampler JSON] [--workers W]
 *       one JSON line per seed: {"func","seed","values":[f of each trial in completion order],
 *       "ms":[suggest time of each trial], "dups": identical configurations among running trials}
 *       With W > 1, W trials run at once (the constant liar sees the W-1 others RUNNING); the
 *       oldest finishes first.
 *   driver latency  --func F --history FILE [--sampler JSON] [--reps R]
 *       FILE: JSON lines {"params":{...},"value":v}, all COMPLETE; prints
 *       {"n": trials, "ms_median": ..., "ms_min": ...} for one more suggestion.
 *
 * The functions (and their spaces, in functions.json) are the same as bench.py's. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/json.h"
#include "core/rng.h"
#include "sampler/sampler.h"
#include "space/config.h"
#include "space/space.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- objective functions (minimised) ---- */

static double pval(const ws_param *p, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) if (!strcmp(p[i].name, name)) return p[i].internal;
    return NAN;
}

static double branin(const ws_param *p, size_t n)
{
    double x1 = pval(p, n, "x1"), x2 = pval(p, n, "x2");
    double b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, t = 1 / (8 * M_PI);
    double u = x2 - b * x1 * x1 + c * x1 - 6;
    return u * u + 10 * (1 - t) * cos(x1) + 10;
}

static double hartmann6(const ws_param *p, size_t n)
{
    static const double A[4][6] = {{10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14},
                                   {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}};
    static const double P[4][6] = {{1312, 1696, 5569, 124, 8283, 5886}, {2329, 4135, 8307, 3736, 1004, 9991},
                                   {2348, 1451, 3522, 2883, 3047, 6650}, {4047, 8828, 8732, 5743, 1091, 381}};
    static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
    static const char *names[6] = {"x0", "x1", "x2", "x3", "x4", "x5"};
    double x[6], f = 0;
    for (int j = 0; j < 6; j++) x[j] = pval(p, n, names[j]);
    for (int i = 0; i < 4; i++) {
        double s = 0;
        for (int j = 0; j < 6; j++) s += A[i][j] * (x[j] - P[i][j] * 1e-4) * (x[j] - P[i][j] * 1e-4);
        f -= alpha[i] * exp(-s);
    }
    return f;
}

static double rosenbrock4(const ws_param *p, size_t n)
{
    static const char *names[4] = {"x0", "x1", "x2", "x3"};
    double x[4], f = 0;
    for (int j = 0; j < 4; j++) x[j] = pval(p, n, names[j]);
    for (int i = 0; i < 3; i++) f += 100 * pow(x[i + 1] - x[i] * x[i], 2) + pow(1 - x[i], 2);
    return f;
}

static double mixed(const ws_param *p, size_t n)
{
    static const double act_cost[4] = {0.3, 0.6, 0.0, 1.0};   /* relu, tanh, gelu, sigmoid */
    double u = log10(pval(p, n, "lr")) + 2.7, v = (pval(p, n, "units") - 144) / 80;
    double d = pval(p, n, "dropout") - 0.2;
    return u * u + v * v + 0.5 * u * v + act_cost[(int)pval(p, n, "act")] + 4 * d * d;
}

static double conditional(const ws_param *p, size_t n)
{
    double s = pval(p, n, "s") - 0.3, f = s * s;
    switch ((int)pval(p, n, "kind")) {
    case 0: { double xa = pval(p, n, "xa") - 1; return f + 0.3 + xa * xa / 10; }
    case 1: { double y = log10(pval(p, n, "yb")) + 1, k = pval(p, n, "nb") - 3; return f + 0.2 + y * y + 0.05 * k * k; }
    default: { double u = pval(p, n, "uc") - 0.7, v = pval(p, n, "vc") - 0.2; return f + 2 * u * u + 2 * v * v; }
    }
}

typedef double (*objective)(const ws_param *, size_t);

static objective find_func(const char *name)
{
    if (!strcmp(name, "branin")) return branin;
    if (!strcmp(name, "hartmann6")) return hartmann6;
    if (!strcmp(name, "rosenbrock4")) return rosenbrock4;
    if (!strcmp(name, "mixed")) return mixed;
    if (!strcmp(name, "conditional")) return conditional;
    return NULL;
}

/* ---- the in-memory study ---- */

static int load_space(const char *root, const char *func, ws_space *sp, ws_err *e)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/bench/sampler/functions.json", root);
    json_t *j = ws_json_load_file(path, e);
    if (!j) return -1;
    json_t *f = json_object_get(j, func);
    int rc = f ? ws_space_parse(sp, json_object_get(f, "space"), func, e) : ws_err_set(e, WS_EINPUT, "unknown function %s", func);
    json_decref(j);
    return rc;
}

static ws_trial *push_trial(ws_trial_list *l, int number)
{
    ws_trial *v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (!v) { perror("realloc"); exit(3); }
    l->v = v;
    ws_trial *t = &v[l->n++];
    memset(t, 0, sizeof *t);
    t->number = number;
    t->state = WS_RUNNING;
    t->t_start = t->t_complete = NAN;
    t->system_attrs = json_object();
    t->user_attrs = json_object();
    return t;
}

static int same_params(const ws_trial *a, const ws_trial *b)
{
    if (a->n_params != b->n_params) return 0;
    for (size_t i = 0; i < a->n_params; i++) {
        const ws_param *q = ws_trial_param(b, a->params[i].name);
        if (!q || q->internal != a->params[i].internal) return 0;
    }
    return 1;
}

/* Asks for trial `number`: suggests its params against everything in l so far. */
static double ask(const ws_sampler_cfg *cfg, const ws_space *sp, ws_trial_list *l, uint64_t study_seed, int *dups)
{
    ws_history h = {"bench", WS_MINIMIZE, l, NULL, 0, NULL};
    ws_param *p = NULL;
    size_t n = 0;
    ws_err e = {0};
    int number = (int)l->n;
    double t0 = now_ms();
    if (ws_sampler_suggest(cfg, sp, &h, ws_seed_mix(study_seed, (uint64_t)number), &p, &n, &e)) {
        fprintf(stderr, "driver: %s\n", e.msg);
        exit(3);
    }
    double ms = now_ms() - t0;
    ws_trial *t = push_trial(l, number);
    t->params = p;
    t->n_params = n;
    for (size_t i = 0; i + 1 < l->n; i++)
        if (l->v[i].state == WS_RUNNING && same_params(&l->v[i], t)) (*dups)++;
    return ms;
}

static void quality(const ws_sampler_cfg *cfg, const ws_space *sp, objective f, const char *func, long s0, long s1,
                    long n_trials, long workers)
{
    for (long seed = s0; seed <= s1; seed++) {
        ws_trial_list l = {0};
        json_t *vals = json_array(), *ms = json_array();
        int dups = 0;
        size_t next_done = 0;
        uint64_t study_seed = ws_seed_mix(0xbe7c4, (uint64_t)seed);
        for (long k = 0; k < n_trials; k++) {
            /* keep `workers` trials running: ask until that many are out, then finish the oldest */
            while ((long)(l.n - next_done) < workers && (long)l.n < n_trials)
                json_array_append_new(ms, json_real(ask(cfg, sp, &l, study_seed, &dups)));
            ws_trial *t = &l.v[next_done++];
            t->value = f(t->params, t->n_params);
            t->has_value = 1;
            t->state = WS_COMPLETE;
            t->t_complete = (double)k;
            json_array_append_new(vals, json_real(t->value));
            if (getenv("SAMPLER_DRIVER_TRACE")) {   /* debugging aid: every trial on stderr */
                fprintf(stderr, "seed %ld trial %d value %.4g:", seed, t->number, t->value);
                for (size_t i = 0; i < t->n_params; i++) fprintf(stderr, " %s=%.4g", t->params[i].name, t->params[i].internal);
                fprintf(stderr, "\n");
            }
        }
        json_t *line = json_pack("{s:s,s:i,s:o,s:o,s:i}", "func", func, "seed", (int)seed, "values", vals, "ms", ms,
                                 "dups", dups);
        ws_json_print_line(stdout, line);
        json_decref(line);
        ws_trial_list_free(&l);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void latency(const ws_sampler_cfg *cfg, const ws_space *sp, const char *hist_path, long reps)
{
    FILE *fp = fopen(hist_path, "r");
    if (!fp) { perror(hist_path); exit(2); }
    ws_trial_list l = {0};
    char *line = NULL;
    size_t cap = 0;
    ws_err e = {0};
    while (getline(&line, &cap, fp) > 0) {
        json_t *j = ws_json_load_string(line, hist_path, &e), *params = json_object_get(j, "params");
        if (!j) { fprintf(stderr, "driver: %s\n", e.msg); exit(2); }
        ws_trial *t = push_trial(&l, (int)l.n);
        t->state = WS_COMPLETE;
        t->has_value = 1;
        t->value = json_number_value(json_object_get(j, "value"));
        for (size_t i = 0; i < sp->n; i++) {
            json_t *x = json_object_get(params, sp->v[i].name);
            double v;
            if (!x) continue;
            if (ws_dist_internal(&sp->v[i].dist, x, &v, &e)) { fprintf(stderr, "driver: %s\n", e.msg); exit(2); }
            ws_sampler_append(&t->params, &t->n_params, sp->v[i].name, &sp->v[i].dist, v, &e);
        }
        json_decref(j);
    }
    free(line);
    fclose(fp);
    double *ms = malloc((size_t)reps * sizeof *ms);
    for (long r = 0; r < reps; r++) {
        ws_history h = {"bench", WS_MINIMIZE, &l, NULL, 0, NULL};
        ws_param *p = NULL;
        size_t n = 0;
        double t0 = now_ms();
        if (ws_sampler_suggest(cfg, sp, &h, ws_seed_mix(99, (uint64_t)r), &p, &n, &e)) {
            fprintf(stderr, "driver: %s\n", e.msg);
            exit(3);
        }
        ms[r] = now_ms() - t0;
        ws_trial tmp = {.params = p, .n_params = n};
        ws_trial_release(&tmp);
    }
    qsort(ms, (size_t)reps, sizeof *ms, cmp_double);
    printf("{\"n\":%zu,\"ms_median\":%.4f,\"ms_min\":%.4f}\n", l.n, ms[reps / 2], ms[0]);
    free(ms);
    ws_trial_list_free(&l);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"func", required_argument, 0, 'f'}, {"seeds", required_argument, 0, 's'},
                                         {"trials", required_argument, 0, 'n'}, {"sampler", required_argument, 0, 'S'},
                                         {"workers", required_argument, 0, 'w'}, {"history", required_argument, 0, 'H'},
                                         {"reps", required_argument, 0, 'r'}, {0, 0, 0, 0}};
    const char *func = "branin", *sampler = NULL, *hist = NULL, *seeds = "0-19";
    long n_trials = 100, workers = 1, reps = 11;
    int o;
    if (argc < 2) { fprintf(stderr, "usage: driver quality|latency [options]\n"); return 2; }
    const char *mode = argv[1];
    optind = 2;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'f': func = optarg; break;
        case 's': seeds = optarg; break;
        case 'n': n_trials = strtol(optarg, NULL, 10); break;
        case 'S': sampler = optarg; break;
        case 'w': workers = strtol(optarg, NULL, 10); break;
        case 'H': hist = optarg; break;
        case 'r': reps = strtol(optarg, NULL, 10); break;
        default: return 2;
        }
    }
    const char *root = getenv("WS_ROOT") ? getenv("WS_ROOT") : ".";
    ws_err e = {0};
    ws_space sp;
    ws_sampler_cfg cfg;
    json_t *sj = sampler ? ws_json_load_string(sampler, "--sampler", &e) : NULL;
    objective f = find_func(func);
    if ((sampler && !sj) || !f || load_space(root, func, &sp, &e) || ws_sampler_parse(&cfg, sj, "--sampler", &e)) {
        fprintf(stderr, "driver: %s\n", f ? e.msg : "unknown function");
        return 2;
    }
    json_decref(sj);
    if (!strcmp(mode, "quality")) {
        long s0 = 0, s1 = 0;
        if (sscanf(seeds, "%ld-%ld", &s0, &s1) != 2) s1 = s0 = strtol(seeds, NULL, 10);
        quality(&cfg, &sp, f, func, s0, s1, n_trials, workers < 1 ? 1 : workers);
    } else if (!strcmp(mode, "latency") && hist) {
        latency(&cfg, &sp, hist, reps < 1 ? 1 : reps);
    } else {
        fprintf(stderr, "driver: unknown mode or missing --history\n");
        return 2;
    }
    ws_space_release(&sp);
    return 0;
}
