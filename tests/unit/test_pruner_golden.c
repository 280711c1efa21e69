/* test_pruner_golden.c — our pruners against Optuna 3.1's decisions. tests/ref/pruner/ holds
 * one JSON file per pruner (made by tests/ref/make_pruner_golden.py with python3-optuna): the
 * events of small studies (ask; report with Optuna's prune/continue answer and the trial's
 * completed_rung_k attributes afterwards; tell). Here the same events build ws_trial lists and
 * every report is decided by ws_pruner_should_prune; decisions and attributes must be identical,
 * and under hyperband every trial's bracket too. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "golden.h"
#include "harness.h"
#include "core/json.h"
#include "pruner/pruner.h"
#include "space/config.h"

static double dec(const json_t *v)
{
    if (json_is_number(v)) return json_number_value(v);
    const char *s = json_string_value(v);
    if (s && !strcmp(s, "inf")) return INFINITY;
    if (s && !strcmp(s, "-inf")) return -INFINITY;
    if (s && (!strcmp(s, "Infinity"))) return INFINITY;
    if (s && (!strcmp(s, "-Infinity"))) return -INFINITY;
    return NAN;
}

static int same(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

typedef struct {
    ws_trial *v;
    size_t n;
} trials_t;

static void trials_free(trials_t *t)
{
    for (size_t i = 0; i < t->n; i++) ws_trial_release(&t->v[i]);
    free(t->v);
}

/* Compares the trial's completed_rung_k attributes with the golden ones (absent = none). */
static int attrs_match(const ws_trial *t, const json_t *golden, char *why, size_t len)
{
    size_t n_ours = 0;
    const char *k;
    json_t *v;
    json_object_foreach(t->system_attrs, k, v) {
        if (strncmp(k, "completed_rung_", 15)) continue;
        n_ours++;
        json_t *g = golden ? json_object_get(golden, k) : NULL;
        if (!g || !same(dec(v), dec(g))) {
            snprintf(why, len, "attr %s: ours %g, Optuna's %s", k, dec(v), g ? "differs" : "absent");
            return 0;
        }
    }
    if (n_ours != (golden ? json_object_size(golden) : 0)) {
        snprintf(why, len, "%zu completed_rung attrs, Optuna has %zu", n_ours, golden ? json_object_size(golden) : 0);
        return 0;
    }
    return 1;
}

/* Replays one scenario; returns the number of decisions compared, or -1 with `why` filled. */
static long replay(const json_t *sc, char *why, size_t len)
{
    const char *name = json_string_value(json_object_get(sc, "name"));
    const char *study = json_string_value(json_object_get(sc, "study"));
    int dir = !strcmp(json_string_value(json_object_get(sc, "direction")), "maximize") ? WS_MAXIMIZE : WS_MINIMIZE;
    ws_pruner_cfg cfg;
    ws_err e = {0};
    if (ws_pruner_parse(&cfg, json_object_get(sc, "pruner"), name, &e)) {
        snprintf(why, len, "%s: %.400s", name, e.msg);
        return -1;
    }
    trials_t tr = {0};
    ws_trial *hist = NULL;
    long compared = 0;
    json_t *events = json_object_get(sc, "events"), *ev;
    size_t i;
    json_array_foreach(events, i, ev) {
        const char *op = json_string_value(json_object_get(ev, "op"));
        int number = (int)json_integer_value(json_object_get(ev, "trial"));
        if (!strcmp(op, "ask")) {
            if ((size_t)number != tr.n) { snprintf(why, len, "%s: event %zu: trial numbers not dense", name, i); goto fail; }
            tr.v = realloc(tr.v, (tr.n + 1) * sizeof *tr.v);
            hist = realloc(hist, (tr.n + 1) * sizeof *hist);
            ws_trial *t = &tr.v[tr.n++];
            memset(t, 0, sizeof *t);
            t->number = number;
            t->state = WS_RUNNING;
            t->t_start = t->t_complete = NAN;
            t->system_attrs = json_object();
            t->user_attrs = json_object();
            continue;
        }
        ws_trial *t = &tr.v[number];
        if (!strcmp(op, "tell")) {
            ws_state_parse(json_string_value(json_object_get(ev, "state")), &t->state);
            t->t_complete = (double)i;
            if (t->state == WS_COMPLETE) { t->has_value = 1; t->value = dec(json_object_get(ev, "value")); }
            continue;
        }
        int step = (int)json_integer_value(json_object_get(ev, "step"));
        t->ivs = realloc(t->ivs, (t->n_ivs + 1) * sizeof *t->ivs);
        t->ivs[t->n_ivs].step = step;
        t->ivs[t->n_ivs].value = dec(json_object_get(ev, "value"));
        t->n_ivs++;
        size_t nh = 0;
        for (size_t k = 0; k < tr.n; k++) if ((int)k != number) hist[nh++] = tr.v[k];
        ws_trial_list list = {hist, nh};
        ws_history h = {study, dir, &list, NULL, 0, NULL};
        ws_prune_decision d;
        if (ws_pruner_should_prune(&cfg, &h, t, &d, &e)) {
            snprintf(why, len, "%s: event %zu: %.400s", name, i, e.msg);
            goto fail;
        }
        int want = json_is_true(json_object_get(ev, "prune"));
        if (d.set_system_attrs) json_object_update(t->system_attrs, d.set_system_attrs);
        char sub[300];
        int ok = d.prune == want && attrs_match(t, json_object_get(ev, "attrs"), sub, sizeof sub);
        if (!ok && d.prune != want)
            snprintf(sub, sizeof sub, "we say %s (%s), Optuna says %s", d.prune ? "prune" : "continue", d.reason,
                     want ? "prune" : "continue");
        ws_prune_decision_release(&d);
        if (!ok) {
            snprintf(why, len, "%.60s: event %zu (trial %d, step %d): %.300s", name, i, number, step, sub);
            goto fail;
        }
        compared++;
    }
    /* hyperband: every trial's bracket as Optuna assigned it */
    json_t *br = json_object_get(sc, "brackets");
    if (br) {
        ws_trial_list list = {tr.v, tr.n};
        ws_history h = {study, dir, &list, NULL, 0, NULL};
        for (size_t k = 0; k < json_array_size(br); k++) {
            ws_hyperband_info info;
            ws_hyperband_info_get(&cfg, &h, (int)k, &info);
            if (!info.known || info.bracket != (int)json_integer_value(json_array_get(br, k))) {
                snprintf(why, len, "%s: trial %zu: bracket %d, Optuna's %d", name, k, info.bracket,
                         (int)json_integer_value(json_array_get(br, k)));
                goto fail;
            }
        }
    }
    trials_free(&tr);
    free(hist);
    ws_pruner_cfg_release(&cfg);
    return compared;
fail:
    trials_free(&tr);
    free(hist);
    ws_pruner_cfg_release(&cfg);
    return -1;
}

static void golden_file(const char *file)
{
    char rel[256];
    snprintf(rel, sizeof rel, "pruner/%s.json", file);
    ws_err e = {0};
    json_t *j = golden_json(rel, &e);
    CHECK(j, "%s", e.msg);
    if (!j) return;
    json_t *scs = json_object_get(j, "scenarios"), *sc;
    size_t i;
    long total = 0;
    json_array_foreach(scs, i, sc) {
        char why[600] = "";
        long n = replay(sc, why, sizeof why);
        CHECK(n >= 0, "%s", why);
        if (n < 0) break;
        total += n;
    }
    CHECK(json_array_size(scs) > 0 && total > 0, "no decisions compared in tests/ref/%s", rel);
    fprintf(stderr, "%s: %zu scenarios, %ld decisions identical to Optuna's\n", file, json_array_size(scs), total);
    json_decref(j);
}

static void test_golden_percentile(void) { golden_file("percentile"); }
static void test_golden_halving(void) { golden_file("halving"); }
static void test_golden_hyperband(void) { golden_file("hyperband"); }
static void test_golden_patient(void) { golden_file("patient"); }
static void test_golden_threshold(void) { golden_file("threshold"); }

int main(void)
{
    RUN(test_golden_percentile);
    RUN(test_golden_halving);
    RUN(test_golden_hyperband);
    RUN(test_golden_patient);
    RUN(test_golden_threshold);
    return test_summary();
}
