/* test_sampler_ties.c — how the optuna mode's TPE breaks ties among kernel centres, against
 * numpy and Optuna 3.1 themselves (tests/ref/sampler/ties.json, made by
 * tests/ref/make_tpe_ties_golden.py): ws_npy_argsort must return np.argsort's permutation, and
 * the Parzen estimator with numpy_ties must give tied centres the bandwidths Optuna's
 * _ParzenEstimator gives them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "golden.h"
#include "harness.h"
#include "sampler/npy_argsort.h"
#include "sampler/parzen.h"

static json_t *golden;

static json_t *load_golden(void)
{
    if (golden) return golden;
    ws_err e = {0};
    golden = golden_json("sampler/ties.json", &e);
    if (!golden) fprintf(stderr, "%s\n", e.msg);
    return golden;
}

static double value_of(const json_t *x) { return json_is_string(x) ? NAN : json_number_value(x); }

static void test_argsort_is_numpys(void)
{
    json_t *g = load_golden();
    CHECK(g, "golden file missing");
    if (!g) return;
    json_t *c;
    size_t i, n_tied_unstable = 0;
    json_array_foreach(json_object_get(g, "argsort"), i, c) {
        json_t *v = json_object_get(c, "v"), *want = json_object_get(c, "idx");
        size_t n = json_array_size(v);
        double *x = malloc((n + 1) * sizeof *x);
        size_t *ix = malloc((n + 1) * sizeof *ix);
        for (size_t k = 0; k < n; k++) x[k] = value_of(json_array_get(v, k));
        ws_npy_argsort(x, ix, n);
        size_t k = 0;
        while (k < n && ix[k] == (size_t)json_integer_value(json_array_get(want, k))) k++;
        CHECK(k == n && json_array_size(want) == n, "array %zu (n %zu): position %zu holds %zu, numpy's %lld", i, n, k,
              k < n ? ix[k] : 0, k < n ? (long long)json_integer_value(json_array_get(want, k)) : -1LL);
        /* where numpy is not stable: a stable sort would have passed this case */
        for (size_t j = 1; j < n; j++)
            if (x[ix[j - 1]] == x[ix[j]] && ix[j - 1] > ix[j]) { n_tied_unstable++; break; }
        free(x);
        free(ix);
    }
    CHECK(json_array_size(json_object_get(g, "argsort")) >= 100, "only %zu arrays",
          json_array_size(json_object_get(g, "argsort")));
    CHECK(n_tied_unstable >= 50, "only %zu arrays where numpy's order of ties is not the stable one", n_tied_unstable);
}

static void test_parzen_tied_bandwidths(void)
{
    json_t *g = load_golden();
    CHECK(g, "golden file missing");
    if (!g) return;
    json_t *c;
    size_t i;
    json_array_foreach(json_object_get(g, "parzen"), i, c) {
        ws_dist d;
        golden_dist(json_object_get(c, "dist"), &d);
        json_t *obs = json_object_get(c, "obs"), *sig = json_object_get(c, "sigma");
        size_t n = json_array_size(obs);
        double *x = malloc((n + 1) * sizeof *x);
        for (size_t k = 0; k < n; k++) x[k] = json_number_value(json_array_get(obs, k));
        ws_parzen_opts o;
        ws_parzen_opts_default(&o);
        o.endpoints = json_is_true(json_object_get(c, "endpoints"));
        o.numpy_ties = 1;
        ws_parzen pe;
        ws_err e = {0};
        int rc = ws_parzen_init(&pe, &d, 1, x, n, NULL, &o, &e);
        CHECK(!rc, "%s: %s", json_string_value(json_object_get(c, "name")), e.msg);
        if (!rc) {
            CHECK(json_array_size(sig) == pe.n_kernels, "%s: %zu kernels, Optuna's %zu",
                  json_string_value(json_object_get(c, "name")), pe.n_kernels, json_array_size(sig));
            for (size_t k = 0; k < pe.n_kernels && k < json_array_size(sig); k++) {
                double want = json_number_value(json_array_get(sig, k)), got = pe.dims[0].sigma[k];
                CHECK(fabs(got - want) <= 1e-12 * fabs(want), "%s: kernel %zu (centre %g): sigma %.17g, Optuna's %.17g",
                      json_string_value(json_object_get(c, "name")), k, pe.dims[0].mu[k], got, want);
            }
            ws_parzen_release(&pe);
        }
        free(x);
        ws_dist_release(&d);
    }
    CHECK(json_array_size(json_object_get(g, "parzen")) >= 40, "only %zu estimators",
          json_array_size(json_object_get(g, "parzen")));
}

int main(void)
{
    RUN(test_argsort_is_numpys);
    RUN(test_parzen_tied_bandwidths);
    json_decref(golden);
    return test_summary();
}
