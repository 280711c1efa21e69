/* test_space.c — lib/space: Optuna's distribution JSON read and written byte for byte as
 * Optuna 3.1 writes it (golden file from tests/ref/make_core_golden.py), value conversions,
 * config validation messages, Optuna's adjustment of high to the step grid, conditional
 * parameters and epoch schedules. */
#include <stdlib.h>
#include "core/json.h"
#include "harness.h"
#include "space/config.h"

static void test_optuna_dist_round_trip(void)
{
    char path[1024], line[1024];
    snprintf(path, sizeof path, "%s/tests/ref/core/optuna_dists.txt", getenv("WS_ROOT") ? getenv("WS_ROOT") : ".");
    FILE *f = fopen(path, "r");
    CHECK(f, "cannot open %s", path);
    if (!f) return;
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        ws_dist d;
        ws_err e;
        CHECK(ws_dist_from_optuna(line, &d, &e) == 0, "%s: %s", line, e.msg);
        char *back = ws_dist_to_optuna(&d);
        CHECK(back && !strcmp(back, line), "wrote %s, Optuna wrote %s", back ? back : "(null)", line);
        free(back);
        ws_dist_release(&d);
        n++;
    }
    fclose(f);
    CHECK(n == 7, "read %d distributions", n);
}

static void test_legacy_dists(void)
{
    ws_dist d;
    ws_err e;
    CHECK(ws_dist_from_optuna("{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 0.1}}", &d, &e) == 0
          && d.kind == WS_DIST_FLOAT && d.log && d.step == 0, "LogUniform");
    CHECK(ws_dist_from_optuna("{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 1, \"q\": 0.25}}", &d, &e) == 0
          && d.step == 0.25, "DiscreteUniform");
    CHECK(ws_dist_from_optuna("{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 1, \"high\": 9, \"step\": 2}}", &d, &e) == 0
          && d.kind == WS_DIST_INT && d.step == 2, "IntUniform");
    CHECK(ws_dist_from_optuna("{\"name\": \"Foo\", \"attributes\": {}}", &d, &e) == -1 && strstr(e.msg, "unknown name 'Foo'"), "%s", e.msg);
}

static void test_values(void)
{
    ws_dist d;
    ws_err e;
    double v;
    ws_dist_from_optuna("{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [32, 64, \"x\"]}}", &d, &e);
    json_t *j = json_integer(64);
    CHECK(ws_dist_internal(&d, j, &v, &e) == 0 && v == 1, "64 -> index 1");
    json_decref(j);
    j = json_real(32.0);
    CHECK(ws_dist_internal(&d, j, &v, &e) == 0 && v == 0, "32.0 equals 32, as in Python");
    json_decref(j);
    j = ws_dist_external(&d, 2);
    CHECK(json_is_string(j) && !strcmp(json_string_value(j), "x"), "index 2 -> x");
    json_decref(j);
    ws_dist_release(&d);
    ws_dist_from_optuna("{\"name\": \"IntDistribution\", \"attributes\": {\"log\": false, \"step\": 16, \"low\": 16, \"high\": 128}}", &d, &e);
    CHECK(ws_dist_contains(&d, 48) && !ws_dist_contains(&d, 50) && !ws_dist_contains(&d, 144), "int grid");
    j = json_integer(50);
    CHECK(ws_dist_internal(&d, j, &v, &e) == -1 && strstr(e.msg, "off the step grid"), "%s", e.msg);
    json_decref(j);
}

/* Step grids on huge ranges, as Optuna 3.1's _contains judges them: an int's exactly
 * ((value - low) % step == 0), a float's within an absolute 1e-8 of a grid point in units of
 * step. A tolerance relative to the grid index accepted off-grid values there. Golden answers:
 * optuna.distributions.{Int,Float}Distribution(low, high, step=step)._contains(value), with the
 * high Optuna adjusts to the grid. */
static void test_contains_huge_grids(void)
{
    static const struct { ws_dist_kind kind; double low, high, step, v; int optuna; } cases[] = {
        {WS_DIST_INT, 0, 1099511627776.0, 2, 1099511627775.0, 0},
        {WS_DIST_INT, 0, 1099511627776.0, 2, 1099511627774.0, 1},
        {WS_DIST_INT, 0, 4503599627370495.0, 3, 4503599627370495.0, 1},
        {WS_DIST_INT, 0, 4503599627370495.0, 3, 4503599627370494.0, 0},
        {WS_DIST_INT, -5, 9007199254740990.0, 7, 9007199254740987.0, 0},
        {WS_DIST_INT, 1, 999999999999001.0, 1000, 999999999999001.0, 1},
        {WS_DIST_FLOAT, 0, 10, 0.001, 5.000000005, 0},
        {WS_DIST_FLOAT, 0, 10, 0.001, 5.0, 1},
        {WS_DIST_FLOAT, 0, 1e9, 0.5, 123456789.25, 0},
        {WS_DIST_FLOAT, 0, 1e9, 0.5, 123456789.5, 1},
        {WS_DIST_FLOAT, 0.1, 1e6, 0.1, 777777.8, 1},
        {WS_DIST_FLOAT, 0, 1, 0.1, 0.30000000000000004, 1},
        {WS_DIST_FLOAT, 0, 1, 0.1, 0.300000001, 1},
        {WS_DIST_FLOAT, 0, 1, 0.1, 0.300000002, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ws_dist d = {.kind = cases[i].kind, .low = cases[i].low, .high = cases[i].high, .step = cases[i].step};
        CHECK(ws_dist_contains(&d, cases[i].v) == cases[i].optuna, "case %zu: %.17g in [%.17g, %.17g] step %g: %d, Optuna %d",
              i, cases[i].v, cases[i].low, cases[i].high, cases[i].step, ws_dist_contains(&d, cases[i].v), cases[i].optuna);
    }
}

static const char *config_error(const char *text)
{
    static ws_err e;
    ws_config c;
    json_t *j = json_loads(text, 0, NULL);
    if (!j) return "unparsable test config";
    int rc = ws_config_parse(&c, j, "k.json", &e) || ws_config_check_file(&c, "k.json", &e);
    json_decref(j);
    ws_config_release(&c);
    return rc ? e.msg : "";
}

/* A study's kept config is read with ws_config_parse alone: one kept before a check of
 * ws_config_check_file existed stays readable. */
static int kept_config_reads(const char *text)
{
    ws_err e;
    ws_config c;
    json_t *j = json_loads(text, 0, NULL);
    int rc = j ? ws_config_parse(&c, j, "study config", &e) : -1;
    json_decref(j);
    ws_config_release(&c);
    return rc == 0;
}

static void test_config_errors(void)
{
    struct { const char *config, *msg; } cases[] = {
        {"{\"study\":\"s\",\"space\":{\"lr\":{\"type\":\"float\",\"low\":0.1,\"high\":0.01}}}",
         "k.json: space.lr: low must be <= high (got 0.1 > 0.01)"},
        {"{\"study\":\"s\",\"space\":{\"lr\":{\"type\":\"float\",\"low\":0,\"high\":1,\"log\":true}}}", "k.json: space.lr: log scale needs low > 0"},
        {"{\"study\":\"s\",\"space\":{\"n\":{\"type\":\"int\",\"low\":1,\"high\":10,\"step\":0}}}", "space.n: step must be > 0"},
        {"{\"study\":\"s\",\"space\":{\"n\":{\"type\":\"int\",\"low\":1,\"high\":1e300}}}", "within +-2^53"},
        {"{\"study\":\"s\",\"space\":{\"n\":{\"type\":\"int\",\"low\":1.5,\"high\":10}}}", "integer low, high and step"},
        {"{\"study\":\"s\",\"space\":{\"n\":{\"type\":\"int\",\"low\":1,\"high\":64,\"log\":true,\"step\":2}}}", "log scale and step"},
        {"{\"study\":\"s\",\"space\":{\"c\":{\"type\":\"categorical\",\"choices\":[1,1]}}}", "choices[1]: duplicate"},
        {"{\"study\":\"s\",\"space\":{\"c\":{\"type\":\"categorical\",\"choices\":[[1]]}}}", "choices[0]: expected a string"},
        {"{\"study\":\"s\",\"space\":{\"c\":{\"type\":\"float\",\"low\":0,\"high\":1,\"lo\":3}}}", "space.c: unknown key 'lo'"},
        {"{\"study\":\"s\",\"space\":{\"c\":{\"low\":0,\"high\":1}}}", "space.c.type: missing"},
        /* Optuna's samplers fail such a trial (numpy's uniform: "Range exceeds valid bounds"); here
         * every value drawn was 1e308 or -1e308 */
        {"{\"study\":\"s\",\"space\":{\"x\":{\"type\":\"float\",\"low\":-1e308,\"high\":1e308}}}",
         "k.json: space.x: high - low must be within the largest double, 1.8e308 (got 1e+308 - -1e+308)"},
        /* the trainer takes the params over the fixed settings: the fixed value was never used */
        {"{\"study\":\"s\",\"space\":{\"batch_size\":{\"type\":\"categorical\",\"choices\":[32,64]}},\"fixed\":{\"model\":\"dnn\",\"batch_size\":64}}",
         "k.json: fixed.batch_size: is also a parameter of the space; a setting is searched (space) or fixed, not both"},
        /* keys of another kind, ignored before (Optuna's suggest_categorical takes no log) */
        {"{\"study\":\"s\",\"space\":{\"c\":{\"type\":\"categorical\",\"choices\":[1,10,100],\"log\":true}}}",
         "k.json: space.c.log: not a key of a categorical parameter (expected type, choices and when)"},
        {"{\"study\":\"s\",\"space\":{\"c\":{\"type\":\"categorical\",\"choices\":[1],\"step\":1}}}", "space.c.step: not a key of a categorical"},
        {"{\"study\":\"s\",\"space\":{\"n\":{\"type\":\"int\",\"low\":1,\"high\":4,\"choices\":[1,2]}}}",
         "k.json: space.n.choices: not a key of an int parameter (expected type, low, high, log, step and when)"},
        {"{\"study\":\"s\",\"space\":{\"f\":{\"type\":\"float\",\"low\":0,\"high\":1,\"choices\":[0.5]}}}", "space.f.choices: not a key of a float"},
        {"{\"study\":\"s\",\"space\":{\"o\":{\"type\":\"categorical\",\"choices\":[\"a\"]},\"m\":{\"type\":\"float\",\"low\":0,\"high\":1,\"when\":{\"o\":[\"b\"]}}}}",
         "space.m.when.o[0]: \"b\" is not one of the choices"},
        {"{\"space\":{}}", "k.json: study: missing"},
        /* given as "", which the message said was missing */
        {"{\"study\":\"\",\"space\":{}}", "k.json: study: empty: expected a name of 1 to 512 characters"},
        {"{\"study\":\"s\",\"direction\":\"up\",\"space\":{}}", "direction: expected \"maximize\" or \"minimize\", got \"up\""},
        {"{\"study\":\"s\",\"constraints\":{\"fpr\":{\"below\":1}},\"space\":{}}", "constraints.fpr: unknown key 'below'"},
        {"{\"study\":\"s\",\"budget\":{\"epochs\":0},\"space\":{}}", "budget.epochs: expected 1..100000, got 0"},
        {"{\"study\":\"s\",\"budget\":{\"epochs\":100001},\"space\":{}}", "budget.epochs: expected 1..100000, got 100001"},
        {"{\"study\":\"s\",\"budget\":{\"epochs\":[[2,3],[null,9223372036854775807]]},\"space\":{}}",
         "budget.epochs[1]: expected [upto, epochs] with integer epochs 1..100000"},
        {"{\"study\":\"s\",\"budget\":{\"epochs\":[[-3,3],[null,5]]},\"space\":{}}", "budget.epochs[0]: upto: expected a trial number >= 0"},
        {"{\"study\":\"s\",\"heartbeat\":{\"grace_seconds\":-1},\"space\":{}}", "must be > 0"},
        {"{\"study\":\"s\",\"heartbeat\":{\"interval_seconds\":30,\"grace_seconds\":20},\"space\":{}}",
         "k.json: heartbeat: grace_seconds (20) must be above interval_seconds (30): a trial's heartbeat comes once an "
         "interval, so a shorter grace fails trials that are still training (Optuna's default grace is twice the "
         "interval)"},
        /* the default grace (120 s) against an interval given alone: said to be the default (the
         * config never wrote 120) */
        {"{\"study\":\"s\",\"heartbeat\":{\"interval_seconds\":120},\"space\":{}}",
         "grace_seconds (120, the default) must be above interval_seconds (120):"},
        {"{\"study\":\"s\",\"heartbeat\":{\"grace_seconds\":5},\"space\":{}}",
         "grace_seconds (5) must be above interval_seconds (10, the default):"},
        {"{\"study\":\"s\"}", "space: missing"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = config_error(cases[i].config);
        CHECK(strstr(got, cases[i].msg), "case %zu: got '%s', wanted '%s'", i, got, cases[i].msg);
    }
    CHECK(!*config_error("{\"study\":\"s\",\"space\":{\"x\":{\"type\":\"float\",\"low\":-1,\"high\":1}}}"), "valid config refused");
    CHECK(!*config_error("{\"study\":\"s\",\"space\":{\"x\":{\"type\":\"float\",\"low\":-8e307,\"high\":8e307}}}"), "wide valid config refused");
    CHECK(!*config_error("{\"study\":\"s\",\"space\":{\"x\":{\"type\":\"float\",\"low\":1e-300,\"high\":1e308,\"log\":true}}}"), "wide log config refused");
    CHECK(kept_config_reads("{\"study\":\"s\",\"space\":{\"c\":{\"type\":\"categorical\",\"choices\":[1],\"log\":true}}}"),
          "a kept config with a key of another kind is still read");
}

static void test_conditional_and_budget(void)
{
    ws_config c;
    ws_err e;
    json_t *j = json_loads("{\"study\":\"s\",\"budget\":{\"epochs\":[[10,8],[30,12],[null,20]]},\"space\":{"
                           "\"opt\":{\"type\":\"categorical\",\"choices\":[\"adam\",\"sgd\"]},"
                           "\"mom\":{\"type\":\"float\",\"low\":0.8,\"high\":0.99,\"when\":{\"opt\":[\"sgd\"]}},"
                           "\"nest\":{\"type\":\"categorical\",\"choices\":[true,false],\"when\":{\"mom\":[0.9]}}}}", 0, NULL);
    CHECK(ws_config_parse(&c, j, "k.json", &e) == 0, "%s", e.msg);
    json_decref(j);
    ws_param chosen[2] = {{.name = "opt", .internal = 1}, {.name = "mom", .internal = 0.9}};
    ws_dist_copy(&chosen[0].dist, &c.space.v[0].dist);
    ws_dist_copy(&chosen[1].dist, &c.space.v[1].dist);
    CHECK(ws_space_active(&c.space, 1, chosen, 1), "mom active with sgd");
    CHECK(ws_space_active(&c.space, 2, chosen, 2), "nest active with mom 0.9");
    chosen[0].internal = 0;
    CHECK(!ws_space_active(&c.space, 1, chosen, 1), "mom inactive with adam");
    CHECK(!ws_space_active(&c.space, 2, chosen, 2), "nest inactive when its parent's parent is off");
    long ep;
    long want[][2] = {{0, 8}, {9, 8}, {10, 12}, {29, 12}, {30, 20}, {500, 20}};
    for (size_t i = 0; i < 6; i++) {
        ws_budget_epochs(c.budget, want[i][0], &ep, &e);
        CHECK(ep == want[i][1], "trial %ld: %ld epochs, wanted %ld", want[i][0], ep, want[i][1]);
    }
    ws_dist_release(&chosen[0].dist);
    ws_dist_release(&chosen[1].dist);
    ws_config_release(&c);
}

/* A float parent on a step grid: the value sampled is the grid point in floating point, which
 * Optuna 3.1 gives as 0.30000000000000004 for suggest_float("d", 0.0, 0.5, step=0.1) (its
 * RandomSampler and TPESampler, run under Optuna); "when": {"d": [0.3]} names that point. */
static void test_conditional_float_grid(void)
{
    ws_config c;
    ws_err e;
    json_t *j = json_loads("{\"study\":\"s\",\"space\":{"
                           "\"d\":{\"type\":\"float\",\"low\":0.0,\"high\":0.5,\"step\":0.1},"
                           "\"x\":{\"type\":\"int\",\"low\":1,\"high\":2,\"when\":{\"d\":[0.3]}}}}", 0, NULL);
    CHECK(ws_config_parse(&c, j, "k.json", &e) == 0, "%s", e.msg);
    json_decref(j);
    ws_param chosen = {.name = "d", .internal = 0.30000000000000004};
    ws_dist_copy(&chosen.dist, &c.space.v[0].dist);
    CHECK(ws_space_active(&c.space, 1, &chosen, 1), "x active with d 0.30000000000000004 (Optuna's grid point 0.3)");
    chosen.internal = 0.3;
    CHECK(ws_space_active(&c.space, 1, &chosen, 1), "x active with d 0.3");
    chosen.internal = 0.4;
    CHECK(!ws_space_active(&c.space, 1, &chosen, 1), "x inactive with d 0.4");
    chosen.internal = 0.2;
    CHECK(!ws_space_active(&c.space, 1, &chosen, 1), "x inactive with d 0.2");
    ws_dist_release(&chosen.dist);
    ws_config_release(&c);
}

/* Optuna's distributions: a step that does not divide high - low lowers high to the grid (with
 * a warning), low == high is a single value; the JSON is what Optuna 3.1 stores (from
 * IntDistribution(0, 10, step=3), FloatDistribution(0, 1, step=0.3), ... run under Optuna). */
static void test_optuna_adjusts_high(void)
{
    struct { const char *spec, *optuna, *warning; } cases[] = {
        {"{\"type\":\"int\",\"low\":0,\"high\":10,\"step\":3}",
         "{\"name\": \"IntDistribution\", \"attributes\": {\"log\": false, \"step\": 3, \"low\": 0, \"high\": 9}}",
         "k.json: space.p: high 10 is not low + a multiple of step 3; using 9, as Optuna does"},
        {"{\"type\":\"float\",\"low\":0,\"high\":1,\"step\":0.3}",
         "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": 0.3, \"low\": 0.0, \"high\": 0.9, \"log\": false}}",
         "k.json: space.p: high 1 is not low + a multiple of step 0.3; using 0.9, as Optuna does"},
        {"{\"type\":\"float\",\"low\":-1,\"high\":1,\"step\":0.7}",
         "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": 0.7, \"low\": -1.0, \"high\": 0.4, \"log\": false}}",
         "using 0.4, as Optuna does"},
        {"{\"type\":\"float\",\"low\":0,\"high\":1.0000000001,\"step\":0.1}",
         "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": 0.1, \"low\": 0.0, \"high\": 1.0, \"log\": false}}",
         "high 1.0000000001 is not low + a multiple of step 0.1; using 1,"},
        {"{\"type\":\"float\",\"low\":1e-10,\"high\":1e10,\"step\":0.3}",
         "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": 0.3, \"low\": 1e-10, \"high\": 9999999999.9, \"log\": false}}",
         "using 9999999999.9,"},
        {"{\"type\":\"int\",\"low\":0,\"high\":2,\"step\":3}",
         "{\"name\": \"IntDistribution\", \"attributes\": {\"log\": false, \"step\": 3, \"low\": 0, \"high\": 0}}", "using 0,"},
        /* on the grid in decimal (not in binary: 1 / 0.1 and 0.6 / 0.2 are not whole doubles) */
        {"{\"type\":\"float\",\"low\":0,\"high\":1,\"step\":0.1}",
         "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": 0.1, \"low\": 0.0, \"high\": 1.0, \"log\": false}}", NULL},
        {"{\"type\":\"float\",\"low\":0.1,\"high\":0.7,\"step\":0.2}",
         "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": 0.2, \"low\": 0.1, \"high\": 0.7, \"log\": false}}", NULL},
        /* "step": null, as Optuna's FloatDistribution JSON writes step=None: continuous (it was
         * refused, "expected a number, got null") */
        {"{\"type\":\"float\",\"low\":0.0001,\"high\":0.01,\"log\":true,\"step\":null}",
         "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": 0.0001, \"high\": 0.01, \"log\": true}}", NULL},
        {"{\"type\":\"float\",\"low\":0,\"high\":1,\"step\":null}",
         "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": 0.0, \"high\": 1.0, \"log\": false}}", NULL},
        /* single values */
        {"{\"type\":\"int\",\"low\":3,\"high\":3}",
         "{\"name\": \"IntDistribution\", \"attributes\": {\"log\": false, \"step\": 1, \"low\": 3, \"high\": 3}}", NULL},
        {"{\"type\":\"float\",\"low\":2,\"high\":2,\"log\":true}",
         "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": 2.0, \"high\": 2.0, \"log\": true}}", NULL},
        {"{\"type\":\"float\",\"low\":5,\"high\":5,\"step\":0.5}",
         "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": 0.5, \"low\": 5.0, \"high\": 5.0, \"log\": false}}", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, "{\"study\":\"s\",\"space\":{\"p\":%s}}", cases[i].spec);
        json_t *j = json_loads(text, 0, NULL);
        ws_config c;
        ws_err e = {0};
        int rc = ws_config_parse(&c, j, "k.json", &e);
        json_decref(j);
        CHECK(rc == 0, "case %zu: refused: %s", i, e.msg);
        if (rc) continue;
        char *got = ws_dist_to_optuna(&c.space.v[0].dist);
        CHECK(got && !strcmp(got, cases[i].optuna), "case %zu: wrote %s, Optuna %s", i, got ? got : "(null)", cases[i].optuna);
        free(got);
        const char *w = json_string_value(json_array_get(c.space.warnings, 0));
        if (cases[i].warning) CHECK(w && strstr(w, cases[i].warning), "case %zu: warning '%s', wanted '%s'", i, w ? w : "(none)", cases[i].warning);
        else CHECK(!c.space.warnings, "case %zu: unexpected warning '%s'", i, w ? w : "?");
        ws_config_release(&c);
    }
}

int main(void)
{
    RUN(test_optuna_dist_round_trip);
    RUN(test_legacy_dists);
    RUN(test_values);
    RUN(test_contains_huge_grids);
    RUN(test_config_errors);
    RUN(test_optuna_adjusts_high);
    RUN(test_conditional_and_budget);
    RUN(test_conditional_float_grid);
    return test_summary();
}
