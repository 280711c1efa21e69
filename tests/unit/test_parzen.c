/* test_parzen.c — the Parzen estimator (lib/sampler/parzen.c) against an independent numpy
 * computation (tests/ref/parzen/golden.json, made by tests/ref/make_parzen_golden.py): mixture
 * weights, kernel centres and bandwidths, categorical kernels and log-densities for float,
 * log, stepped, int, log-int and categorical parameters, univariate and multivariate; then the
 * normal-tail helpers and the sampler's support and frequencies. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "golden.h"
#include "harness.h"
#include "core/json.h"
#include "sampler/parzen.h"

static json_t *golden;

static json_t *load_golden(void)
{
    if (golden) return golden;
    ws_err e = {0};
    golden = golden_json("parzen/golden.json", &e);
    if (!golden) fprintf(stderr, "%s\n", e.msg);
    return golden;
}

static double num(const json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }

static void opts_of(const json_t *j, ws_parzen_opts *o)
{
    ws_parzen_opts_default(o);
    o->prior_weight = num(j, "prior_weight");
    o->magic_clip = json_is_true(json_object_get(j, "magic_clip"));
    o->endpoints = json_is_true(json_object_get(j, "endpoints"));
    o->bandwidth = !strcmp(json_string_value(json_object_get(j, "bandwidth")), "scott") ? WS_BANDWIDTH_SCOTT
                                                                                        : WS_BANDWIDTH_NEIGHBOUR;
    o->uniform_weights = !strcmp(json_string_value(json_object_get(j, "weights")), "uniform");
    o->log_int_cells = json_is_true(json_object_get(j, "log_int_cells"));
    o->bw_scale = num(j, "bw_scale");
    o->cat_smoothing = num(j, "cat_smoothing");
    o->kernel_heights = json_is_true(json_object_get(j, "kernel_heights"));
}

static int close_to(double a, double b, double tol)
{
    if (isinf(a) || isinf(b)) return a == b;
    return fabs(a - b) <= tol * fmax(1.0, fmax(fabs(a), fabs(b)));
}

/* Checks one golden case; returns 0 or fills why. */
static int check_case(const json_t *c, char *why, size_t len)
{
    const char *name = json_string_value(json_object_get(c, "name"));
    json_t *jd = json_object_get(c, "dists"), *jobs = json_object_get(c, "obs");
    size_t nd = json_array_size(jd), n = json_array_size(jobs);
    ws_dist dists[8];
    ws_parzen_opts o;
    opts_of(json_object_get(c, "opts"), &o);
    for (size_t d = 0; d < nd; d++) golden_dist(json_array_get(jd, d), &dists[d]);
    double *obs = calloc(n * nd + 1, sizeof *obs);
    for (size_t i = 0; i < n; i++)
        for (size_t d = 0; d < nd; d++) obs[i * nd + d] = json_number_value(json_array_get(json_array_get(jobs, i), d));
    ws_parzen pe;
    ws_err e = {0};
    int bad = 0;
    if (ws_parzen_init(&pe, dists, nd, obs, n, NULL, &o, &e)) {
        snprintf(why, len, "%s: %.200s", name, e.msg);
        bad = 1;
        goto out;
    }
    json_t *w = json_object_get(c, "weights");
    for (size_t k = 0; !bad && k < pe.n_kernels; k++)
        if (!close_to(pe.weights[k], json_number_value(json_array_get(w, k)), 1e-13)) {
            snprintf(why, len, "%s: weight %zu = %.17g, numpy %.17g", name, k, pe.weights[k],
                     json_number_value(json_array_get(w, k)));
            bad = 1;
        }
    for (size_t d = 0; !bad && d < nd; d++) {
        json_t *kd = json_array_get(json_object_get(c, "kernels"), d);
        for (size_t k = 0; !bad && k < pe.n_kernels; k++) {
            if (dists[d].kind == WS_DIST_CATEGORICAL) {
                json_t *row = json_array_get(json_object_get(kd, "probs"), k);
                for (size_t ch = 0; ch < pe.dims[d].n_choices; ch++) {
                    double p = exp(pe.dims[d].log_p[k * pe.dims[d].n_choices + ch]);
                    if (!close_to(p, json_number_value(json_array_get(row, ch)), 1e-13)) {
                        snprintf(why, len, "%s: dim %zu kernel %zu choice %zu: p %.17g, numpy %.17g", name, d, k, ch, p,
                                 json_number_value(json_array_get(row, ch)));
                        bad = 1;
                        break;
                    }
                }
                continue;
            }
            double mu = json_number_value(json_array_get(json_object_get(kd, "mu"), k));
            double sg = json_number_value(json_array_get(json_object_get(kd, "sigma"), k));
            if (!close_to(pe.dims[d].mu[k], mu, 1e-13) || !close_to(pe.dims[d].sigma[k], sg, 1e-13)) {
                snprintf(why, len, "%s: dim %zu kernel %zu: mu %.17g sigma %.17g, numpy %.17g %.17g", name, d, k,
                         pe.dims[d].mu[k], pe.dims[d].sigma[k], mu, sg);
                bad = 1;
            }
        }
    }
    json_t *pts = json_object_get(c, "points"), *lp = json_object_get(c, "log_pdf");
    for (size_t j = 0; !bad && j < json_array_size(pts); j++) {
        double x[8], got;
        for (size_t d = 0; d < nd; d++) x[d] = json_number_value(json_array_get(json_array_get(pts, j), d));
        ws_parzen_log_pdf(&pe, x, 1, &got);
        double want = json_number_value(json_array_get(lp, j));
        if (!close_to(got, want, 1e-10)) {
            snprintf(why, len, "%s: point %zu (x0 = %g): log pdf %.17g, numpy %.17g", name, j, x[0], got, want);
            bad = 1;
        }
    }
    ws_parzen_release(&pe);
out:
    for (size_t d = 0; d < nd; d++) ws_dist_release(&dists[d]);
    free(obs);
    return bad ? -1 : 0;
}

static void test_golden_cases(void)
{
    json_t *g = load_golden();
    CHECK(g, "golden file missing");
    if (!g) return;
    json_t *cases = json_object_get(g, "cases"), *c;
    size_t i;
    json_array_foreach(cases, i, c) {
        char why[700] = "";
        CHECK(!check_case(c, why, sizeof why), "%s", why);
    }
    CHECK(json_array_size(cases) >= 15, "only %zu cases", json_array_size(cases));
}

static void test_normal_tails(void)
{
    json_t *g = load_golden();
    CHECK(g, "golden file missing");
    if (!g) return;
    json_t *v;
    size_t i;
    json_array_foreach(json_object_get(g, "log_ndtr"), i, v) {
        double x = json_number_value(json_array_get(v, 0)), want = json_number_value(json_array_get(v, 1));
        CHECK(close_to(ws_log_ndtr(x), want, 1e-12), "log_ndtr(%g) = %.17g, reference %.17g", x, ws_log_ndtr(x), want);
        /* and back */
        if (x < 6) CHECK(fabs(ws_ndtri_exp(want) - x) <= 1e-9 * fmax(1, fabs(x)), "ndtri_exp(%g) = %.17g, want %g", want,
                         ws_ndtri_exp(want), x);
    }
    json_array_foreach(json_object_get(g, "log_gauss_mass"), i, v) {
        double a = json_number_value(json_array_get(v, 0)), b = json_number_value(json_array_get(v, 1));
        double want = json_number_value(json_array_get(v, 2)), got = ws_log_gauss_mass(a, b);
        CHECK(fabs(got - want) <= 1e-10 * fmax(1, fabs(want)), "log_gauss_mass(%g, %g) = %.17g, reference %.17g", a, b,
              got, want);
    }
}

/* ppf inverts the truncated CDF: mass(a, ppf(u)) = u mass(a, b), also far in the tails; at
 * u within 1e-12 of 0 or 1 the log masses are ill-conditioned, so there only order is checked. */
static void test_truncnorm_ppf(void)
{
    static const double ab[][2] = {{-1, 1}, {-3, 0.5}, {0.2, 4}, {-100, -1}, {2, 80}, {-0.001, 0.001}, {-50, 50}, {8, 9}};
    static const double us[] = {1e-12, 0.01, 0.3, 0.5, 0.77, 0.999, 1 - 1e-12};
    for (size_t i = 0; i < sizeof ab / sizeof ab[0]; i++) {
        double prev = -INFINITY;
        for (size_t k = 0; k < sizeof us / sizeof us[0]; k++) {
            double a = ab[i][0], b = ab[i][1], u = us[k], x = ws_truncnorm_ppf(u, a, b);
            CHECK(x >= a && x <= b && x >= prev, "ppf(%g; %g, %g) = %.17g outside or not increasing", u, a, b, x);
            prev = x;
            if (u < 1e-6 || u > 1 - 1e-6) continue;
            double lhs = ws_log_gauss_mass(a, x), rhs = log(u) + ws_log_gauss_mass(a, b);
            double rhs2 = log1p(-u) + ws_log_gauss_mass(a, b), lhs2 = ws_log_gauss_mass(x, b);
            /* check on the side where the mass is not rounded away */
            int ok = u <= 0.5 ? fabs(lhs - rhs) < 1e-8 : fabs(lhs2 - rhs2) < 1e-8;
            CHECK(ok, "ppf(%g; %g, %g) = %.17g: log masses %g vs %g / %g vs %g", u, a, b, x, lhs, rhs, lhs2, rhs2);
        }
    }
    CHECK(ws_truncnorm_ppf(0, -1, 2) == -1 && ws_truncnorm_ppf(1, -1, 2) == 2, "ppf at 0 and 1 are the ends");
}

/* Samples stay on each distribution's grid and inside its bounds; categorical and int
 * frequencies follow the mixture's own probabilities. */
static void test_sample_support_and_frequencies(void)
{
    ws_dist d[4] = {{.kind = WS_DIST_INT, .low = 16, .high = 64, .step = 16},
                    {.kind = WS_DIST_FLOAT, .low = 1e-4, .high = 1e-1, .log = 1},
                    {.kind = WS_DIST_CATEGORICAL, .choices = json_pack("[sss]", "a", "b", "c")},
                    {.kind = WS_DIST_INT, .low = 1, .high = 9, .step = 1, .log = 1}};
    double obs[] = {32, 1e-3, 0, 2, 48, 2e-2, 2, 8, 32, 5e-3, 0, 3};
    ws_parzen_opts o;
    ws_parzen_opts_default(&o);
    o.log_int_cells = 1;
    ws_parzen pe;
    ws_err e = {0};
    CHECK(!ws_parzen_init(&pe, d, 4, obs, 3, NULL, &o, &e), "%s", e.msg);
    enum { N = 40000 };
    double *x = malloc(N * 4 * sizeof *x);
    ws_rng rng;
    ws_rng_seed(&rng, 7);
    ws_parzen_sample(&pe, &rng, N, x);
    size_t cnt_int[4] = {0}, cnt_cat[3] = {0}, cnt_log[10] = {0};
    for (size_t j = 0; j < N; j++) {
        double *p = x + j * 4;
        CHECK(ws_dist_contains(&d[0], p[0]), "int sample %g off grid", p[0]);
        CHECK(p[1] >= 1e-4 && p[1] <= 1e-1, "log sample %g outside", p[1]);
        CHECK(ws_dist_contains(&d[2], p[2]), "categorical sample %g", p[2]);
        CHECK(ws_dist_contains(&d[3], p[3]), "log-int sample %g", p[3]);
        if (test_why[0]) break;
        cnt_int[(size_t)(p[0] - 16) / 16]++;
        cnt_cat[(size_t)p[2]]++;
        cnt_log[(size_t)p[3]]++;
    }
    /* a product kernel's marginal is the 1-d estimator over the same observations */
    for (int dim = 0; dim < 4 && !test_why[0]; dim++) {
        if (dim == 1) continue;
        double o1[3] = {obs[dim], obs[4 + dim], obs[8 + dim]};
        ws_parzen p1;
        ws_parzen_init(&p1, &d[dim], 1, o1, 3, NULL, &o, &e);
        size_t nv = dim == 0 ? 4 : dim == 2 ? 3 : 9;
        for (size_t v = 0; v < nv; v++) {
            double xv = dim == 0 ? 16.0 * (double)v + 16 : dim == 2 ? (double)v : (double)v + 1, lp;
            ws_parzen_log_pdf(&p1, &xv, 1, &lp);
            double pr = exp(lp), got = (double)(dim == 0 ? cnt_int[v] : dim == 2 ? cnt_cat[v] : cnt_log[v + 1]) / N;
            double sd = sqrt(pr * (1 - pr) / N);
            CHECK(fabs(got - pr) < 5 * sd + 1e-4, "dim %d value %g: frequency %g, probability %g", dim, xv, got, pr);
        }
        ws_parzen_release(&p1);
    }
    /* discrete probabilities sum to 1 */
    double tot = 0;
    ws_parzen p3;
    ws_dist dd[2] = {d[0], d[3]};
    double o3[] = {32, 2, 48, 8};
    ws_parzen_init(&p3, dd, 2, o3, 2, NULL, &o, &e);
    for (int a = 0; a < 4; a++)
        for (int l = 1; l <= 9; l++) {
            double lp, pt[2] = {16.0 * a + 16, l};
            ws_parzen_log_pdf(&p3, pt, 1, &lp);
            tot += exp(lp);
        }
    CHECK_NEAR(tot, 1.0, 1e-12);
    ws_parzen_release(&p3);
    free(x);
    ws_parzen_release(&pe);
    json_decref(d[2].choices);
}

/* clip_kernels (TPE's shared_clip): every observation bandwidth is the one without the option,
 * raised to range / min(100, 1 + clip_kernels) where it was below, and never above the range;
 * the prior kernel keeps its range-wide bandwidth. */
static void test_clip_kernels(void)
{
    ws_dist d[2] = {{.kind = WS_DIST_FLOAT, .low = 0, .high = 10}, {.kind = WS_DIST_FLOAT, .low = -1, .high = 1}};
    double obs[] = {1.0, 0.1, 1.1, 0.12, 1.2, 0.15, 5.0, -0.5, 9.9, 0.9, 1.15, 0.11};
    size_t n = 6;
    ws_parzen_opts o;
    ws_parzen_opts_default(&o);
    ws_parzen plain, clipped;
    ws_err e = {0};
    CHECK(!ws_parzen_init(&plain, d, 2, obs, n, NULL, &o, &e), "%s", e.msg);
    o.clip_kernels = 3;   /* the clip of a 3-kernel estimator: range / 4 */
    CHECK(!ws_parzen_init(&clipped, d, 2, obs, n, NULL, &o, &e), "%s", e.msg);
    int raised = 0;
    for (size_t dim = 0; dim < 2; dim++) {
        double range = clipped.dims[dim].high - clipped.dims[dim].low, floor = range / 4.0;
        for (size_t k = 0; k < n; k++) {
            double a = plain.dims[dim].sigma[k], b = clipped.dims[dim].sigma[k];
            double want = fmin(fmax(a, floor), range);
            CHECK(fabs(b - want) <= 1e-12 * range, "dim %zu kernel %zu: sigma %.17g, expected %.17g (without: %.17g)",
                  dim, k, b, want, a);
            raised += a < floor;
        }
        CHECK(clipped.dims[dim].sigma[n] == plain.dims[dim].sigma[n], "dim %zu: the prior's bandwidth moved", dim);
    }
    CHECK(raised >= 4, "the case should raise several bandwidths (raised %d)", raised);
    o.clip_kernels = 1000;   /* a floor below the estimator's own clip changes nothing */
    ws_parzen loose;
    CHECK(!ws_parzen_init(&loose, d, 2, obs, n, NULL, &o, &e), "%s", e.msg);
    for (size_t dim = 0; dim < 2; dim++)
        for (size_t k = 0; k <= n; k++)
            CHECK(loose.dims[dim].sigma[k] == plain.dims[dim].sigma[k], "dim %zu kernel %zu changed", dim, k);
    ws_parzen_release(&plain);
    ws_parzen_release(&clipped);
    ws_parzen_release(&loose);
}

static void test_default_weights(void)
{
    double w[60];
    ws_tpe_default_weights(10, w);
    CHECK(w[0] == 1 && w[9] == 1, "n < 25: all ones");
    ws_tpe_default_weights(60, w);
    CHECK_NEAR(w[0], 1.0 / 60, 1e-15);
    CHECK(w[34] == 1.0 && w[35] == 1.0 && w[59] == 1.0, "the newest 25 and the ramp's end weigh 1");
    CHECK(w[10] > w[9], "ramp increases");
}

int main(void)
{
    RUN(test_golden_cases);
    RUN(test_normal_tails);
    RUN(test_truncnorm_ppf);
    RUN(test_sample_support_and_frequencies);
    RUN(test_clip_kernels);
    RUN(test_default_weights);
    json_decref(golden);
    return test_summary();
}
