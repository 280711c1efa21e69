/* test_pruner_config.c — pruner configs (defaults, every error names its field), hyperband's
 * brackets and budgets, the epoch budget, CRC-32, and the "auto" resources taken from the
 * first trial that completed. Decisions against Optuna are in test_pruner_golden.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "core/json.h"
#include "pruner/pruner.h"
#include "space/config.h"

static int parse(ws_pruner_cfg *c, const char *json, ws_err *e)
{
    json_t *j = json ? ws_json_load_string(json, "cfg", e) : NULL;
    int rc = ws_pruner_parse(c, j, "kws.json", e);
    json_decref(j);
    return rc;
}

static void test_defaults(void)
{
    ws_pruner_cfg c;
    ws_err e = {0};
    CHECK(!parse(&c, NULL, &e) && !strcmp(c.name, "median") && c.percentile == 50 && c.n_startup_trials == 5
              && c.n_warmup_steps == 0 && c.interval_steps == 1 && c.n_min_trials == 1, "Optuna's default: MedianPruner()");
    CHECK(!parse(&c, "{\"name\": \"successive_halving\"}", &e) && c.min_resource == 0 && c.reduction_factor == 4
              && c.min_early_stopping_rate == 0 && c.bootstrap_count == 0, "SuccessiveHalvingPruner()");
    CHECK(!parse(&c, "{\"name\": \"asha\", \"min_resource\": \"auto\"}", &e) && !strcmp(c.name, "successive_halving"),
          "asha is an alias");
    CHECK(!parse(&c, "{\"name\": \"hyperband\"}", &e) && c.min_resource == 1 && c.max_resource == 0 && c.reduction_factor == 3,
          "HyperbandPruner()");
    CHECK(!parse(&c, "{\"name\": \"threshold\", \"upper\": 2}", &e) && c.lower == -INFINITY && c.upper == 2, "threshold");
    CHECK(!parse(&c, "{\"name\": \"patient\", \"patience\": 2, \"wrapped\": {\"name\": \"percentile\", \"percentile\": 25}}", &e)
              && c.wrapped && !strcmp(c.wrapped->name, "percentile") && c.wrapped->percentile == 25, "patient wraps");
    ws_pruner_cfg_release(&c);
    CHECK(!parse(&c, "{\"name\": \"patient\", \"patience\": 0, \"wrapped\": null}", &e) && !c.wrapped, "wrapped null");
}

static void test_errors_name_the_field(void)
{
    static const struct { const char *cfg, *msg; } bad[] = {
        {"{\"name\": \"wilcoxon\"}", "kws.json: pruner.name: unknown pruner 'wilcoxon'"},
        {"{\"name\": \"median\", \"percentile\": 20}", "kws.json: pruner: unknown key"},
        {"{\"name\": \"percentile\"}", "kws.json: pruner.percentile: missing"},
        {"{\"name\": \"percentile\", \"percentile\": 120}", "kws.json: pruner.percentile: must be in [0, 100]"},
        {"{\"n_warmup_steps\": -1}", "kws.json: pruner.n_warmup_steps"},
        {"{\"interval_steps\": 0}", "kws.json: pruner.interval_steps"},
        {"{\"n_min_trials\": 0}", "kws.json: pruner.n_min_trials"},
        {"{\"n_startup_trials\": 1.5}", "kws.json: pruner.n_startup_trials: expected an integer, got a fraction"},
        /* whole, but past what a double holds exactly: not called a fraction */
        {"{\"n_startup_trials\": 1e20}", "kws.json: pruner.n_startup_trials: expected an integer within +-9e15, got 1e+20"},
        {"{\"name\": \"successive_halving\", \"min_resource\": 0}", "kws.json: pruner.min_resource: must be >= 1"},
        {"{\"name\": \"successive_halving\", \"min_resource\": \"sometimes\"}", "kws.json: pruner.min_resource: expected \"auto\""},
        {"{\"name\": \"successive_halving\", \"reduction_factor\": 1}", "kws.json: pruner.reduction_factor"},
        {"{\"name\": \"successive_halving\", \"min_early_stopping_rate\": -1}", "kws.json: pruner.min_early_stopping_rate"},
        {"{\"name\": \"successive_halving\", \"bootstrap_count\": 2}", "kws.json: pruner.bootstrap_count: cannot be > 0"},
        {"{\"name\": \"hyperband\", \"min_resource\": \"auto\"}", "kws.json: pruner.min_resource: expected an integer"},
        {"{\"name\": \"hyperband\", \"max_resource\": 3, \"min_resource\": 5}", "kws.json: pruner.max_resource: must be >= min_resource"},
        {"{\"name\": \"hyperband\", \"bootstrap_count\": 1}", "kws.json: pruner.bootstrap_count: cannot be > 0"},
        {"{\"name\": \"patient\"}", "kws.json: pruner.patience: missing"},
        {"{\"name\": \"patient\", \"patience\": -1}", "kws.json: pruner.patience: must be >= 0"},
        {"{\"name\": \"patient\", \"patience\": 1, \"min_delta\": -0.1}", "kws.json: pruner.min_delta"},
        {"{\"name\": \"patient\", \"patience\": 1, \"wrapped\": {\"name\": \"hyperband\", \"reduction_factor\": 1}}",
         "kws.json: pruner.wrapped.reduction_factor"},
        {"{\"name\": \"threshold\"}", "kws.json: pruner: threshold needs lower or upper"},
        {"{\"name\": \"threshold\", \"lower\": 2, \"upper\": 1}", "kws.json: pruner.lower: must be <= upper"},
        {"{\"name\": \"threshold\", \"upper\": \"1\"}", "kws.json: pruner.upper: expected a number"},
        {"{\"name\": \"nop\", \"percentile\": 3}", "kws.json: pruner: unknown key"},
        {"3", "kws.json: pruner: expected an object"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ws_pruner_cfg c;
        ws_err e = {0};
        int rc = parse(&c, bad[i].cfg, &e);
        CHECK(rc && e.kind == WS_EINPUT && strstr(e.msg, bad[i].msg), "%s: got '%s'", bad[i].cfg, e.msg);
        if (!rc) ws_pruner_cfg_release(&c);
    }
}

static void test_crc32(void)
{
    CHECK(ws_crc32("123456789", 9) == 0xcbf43926u, "CRC-32 check value");
    CHECK(ws_crc32("", 0) == 0, "empty");
    /* binascii.crc32(b"kws_12") */
    CHECK(ws_crc32("kws_12", 6) == 0x88e35228u, "crc32(kws_12) = %08x", ws_crc32("kws_12", 6));
}

static ws_trial *add_trial(ws_trial_list *l, ws_state st, int last_step, double t_complete)
{
    l->v = realloc(l->v, (l->n + 1) * sizeof *l->v);
    ws_trial *t = &l->v[l->n];
    memset(t, 0, sizeof *t);
    t->number = (int)l->n++;
    t->state = st;
    t->t_complete = t_complete;
    t->system_attrs = json_object();
    t->user_attrs = json_object();
    if (last_step >= 0) {
        t->ivs = calloc(1, sizeof *t->ivs);
        t->ivs[0].step = last_step;
        t->ivs[0].value = 1.0;
        t->n_ivs = 1;
    }
    return t;
}

static void test_hyperband_brackets_and_budget(void)
{
    ws_pruner_cfg c;
    ws_err e = {0};
    parse(&c, "{\"name\": \"hyperband\", \"min_resource\": 1, \"max_resource\": 81, \"reduction_factor\": 3}", &e);
    ws_trial_list l = {0};
    ws_history h = {"kws", WS_MAXIMIZE, &l, NULL, 0, NULL};
    ws_hyperband_info info;
    int count[5] = {0};
    for (int n = 0; n < 1430; n++) {
        CHECK(!ws_hyperband_info_get(&c, &h, n, &info) && info.known && info.n_brackets == 5, "5 brackets for R=81, eta=3");
        count[info.bracket]++;
        CHECK(info.first_rung_step == (long)pow(3, info.bracket), "first rung of bracket %d", info.bracket);
    }
    /* budgets 81, 34, 15, 8, 5 of 143: the hash spreads trials in about that ratio */
    static const double share[5] = {81, 34, 15, 8, 5};
    for (int b = 0; b < 5; b++)
        CHECK(fabs(count[b] / 1430.0 - share[b] / 143) < 0.03, "bracket %d holds %d of 1430", b, count[b]);
    CHECK(ws_pruner_step_budget(&c, &h, 7) == 81, "explicit max_resource is the step budget");
    ws_pruner_cfg_release(&c);

    /* auto: unknown until a trial completes; then the first completed trial's last step + 1 */
    parse(&c, "{\"name\": \"hyperband\", \"reduction_factor\": 2}", &e);
    ws_hyperband_info_get(&c, &h, 3, &info);
    CHECK(!info.known && info.bracket == 0, "auto: not known before a trial completes");
    add_trial(&l, WS_COMPLETE, 31, 200.0);   /* completed later */
    add_trial(&l, WS_COMPLETE, 15, 100.0);   /* completed first */
    add_trial(&l, WS_PRUNED, 63, 50.0);      /* pruned trials do not count */
    ws_hyperband_info_get(&c, &h, 3, &info);
    CHECK(info.known && info.max_resource == 16 && info.n_brackets == 5, "auto R = 15 + 1 → %ld, %d brackets",
          info.max_resource, info.n_brackets);
    CHECK(ws_pruner_step_budget(&c, &h, 3) == 0, "auto: the study's own budget stays in charge");
    ws_pruner_cfg_release(&c);

    /* the view of a non-hyperband pruner is the whole history */
    parse(&c, NULL, &e);
    ws_history_view v;
    CHECK(!ws_pruner_history_view(&c, &h, 3, &v, &e) && v.h.trials == &l, "median: whole history");
    ws_history_view_release(&v);
    CHECK(!ws_pruner_history_view(NULL, &h, 3, &v, &e) && v.h.trials == &l, "no pruner: whole history");
    ws_history_view_release(&v);
    CHECK(ws_pruner_step_budget(&c, &h, 3) == 0, "median sets no budget");
    ws_trial_list_free(&l);
}

/* Successive halving with min_resource "auto": r from the first trial that completed. */
static void test_halving_auto_first_completed(void)
{
    ws_pruner_cfg c;
    ws_err e = {0};
    parse(&c, "{\"name\": \"successive_halving\", \"reduction_factor\": 2}", &e);
    ws_trial_list l = {0};
    add_trial(&l, WS_COMPLETE, 999, 20.0);   /* would give r = 9 */
    add_trial(&l, WS_COMPLETE, 450, 10.0);   /* first: r = 4 */
    ws_trial cur = {0};
    cur.number = 2;
    cur.system_attrs = json_object();
    cur.ivs = calloc(1, sizeof *cur.ivs);
    cur.n_ivs = 1;
    cur.ivs[0].step = 3;
    cur.ivs[0].value = 0.5;
    ws_history h = {"s", WS_MINIMIZE, &l, NULL, 0, NULL};
    ws_prune_decision d;
    CHECK(!ws_pruner_should_prune(&c, &h, &cur, &d, &e) && !d.prune && !d.set_system_attrs, "step 3 < r = 4: no rung yet");
    ws_prune_decision_release(&d);
    cur.ivs[0].step = 4;
    CHECK(!ws_pruner_should_prune(&c, &h, &cur, &d, &e) && d.set_system_attrs
              && json_object_get(d.set_system_attrs, "completed_rung_0"), "step 4 = r: rung 0 recorded");
    CHECK(!d.prune, "the only trial at rung 0 is promoted");
    ws_prune_decision_release(&d);
    ws_trial_release(&cur);
    ws_trial_list_free(&l);
    ws_pruner_cfg_release(&c);
}

int main(void)
{
    RUN(test_defaults);
    RUN(test_errors_name_the_field);
    RUN(test_crc32);
    RUN(test_hyperband_brackets_and_budget);
    RUN(test_halving_auto_first_completed);
    return test_summary();
}
