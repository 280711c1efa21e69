/* test_study_prune.c — study_report_and_prune (lib/study/prune.c) when the trial finishes while
 * its pruner decides: the pruner's state (ASHA's completed_rung_k) must not be written onto a
 * finished trial, which Optuna never changes again. The pruner is wrapped at link time
 * (-Wl,--wrap=ws_pruner_should_prune, in the Makefile): the wrapper finishes the trial through a
 * second connection, as a concurrent `tell` or `suggest`'s stale sweep would, then decides. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"
#include "core/json.h"
#include "space/config.h"
#include "study/prune.h"

int __real_ws_pruner_should_prune(const ws_pruner_cfg *cfg, const ws_history *h, const ws_trial *t,
                                  ws_prune_decision *d, ws_err *e);

static const char *finish_url;     /* set: the wrapper finishes trial finish_number first */
static int finish_number;

int __wrap_ws_pruner_should_prune(const ws_pruner_cfg *cfg, const ws_history *h, const ws_trial *t,
                                  ws_prune_decision *d, ws_err *e);
int __wrap_ws_pruner_should_prune(const ws_pruner_cfg *cfg, const ws_history *h, const ws_trial *t,
                                  ws_prune_decision *d, ws_err *e)
{
    if (finish_url) {
        ws_store *other = NULL;
        ws_err e2 = {0};
        ws_study st;
        ws_trial cur;
        double v = 0.3;
        if (ws_store_open(&other, finish_url, 0, &e2) || ws_store_study_find(other, h->study_name, &st, &e2)
            || ws_store_begin(other, &e2) || ws_store_trial_load(other, &st, finish_number, 0, &cur, &e2))
            CHECK(0, "second connection: %s", e2.msg);
        else {
            CHECK(ws_store_trial_finish(other, cur.trial_id, WS_COMPLETE, &v, &e2) == 0, "finish: %s", e2.msg);
            CHECK(ws_store_commit(other, &e2) == 0, "commit: %s", e2.msg);
            ws_trial_release(&cur);
        }
        ws_store_close(other);
    }
    return __real_ws_pruner_should_prune(cfg, h, t, d, e);
}

/* A fresh study with two RUNNING trials under successive halving (rungs at steps 1, 2, 4, ...);
 * trial `number` reports step 1, with trial `finish` told COMPLETE meanwhile when finish >= 0.
 * Returns whether trial `number` got completed_rung_0. */
static int rung_written(const char *dir, int number, int finish)
{
    char url[512];
    snprintf(url, sizeof url, "%s/s%d%d.db", dir, number, finish);
    ws_store *s = NULL;
    ws_err e = {0};
    ws_study st;
    int created, n;
    int64_t id;
    ws_pruner_cfg cfg = {0};
    json_t *pj = json_loads("{\"name\": \"successive_halving\", \"min_resource\": 1, \"reduction_factor\": 2}", 0, NULL);
    CHECK(pj && ws_pruner_parse(&cfg, pj, "pruner", &e) == 0, "pruner: %s", e.msg);
    json_decref(pj);
    if (ws_store_open(&s, url, WS_STORE_CREATE, &e) || ws_store_begin(s, &e)
        || ws_store_study_create(s, "kws", WS_MAXIMIZE, &st, &created, &e)
        || ws_store_trial_create(s, &st, WS_RUNNING, NULL, 0, &id, &n, &e)
        || ws_store_trial_create(s, &st, WS_RUNNING, NULL, 0, &id, &n, &e) || ws_store_commit(s, &e)) {
        CHECK(0, "study: %s", e.msg);
        ws_store_close(s);
        ws_pruner_cfg_release(&cfg);
        return -1;
    }
    finish_url = finish >= 0 ? url : NULL;
    finish_number = finish;
    ws_prune_decision d;
    int stored = 0, got = -1;
    if (study_report_and_prune(s, &st, number, 1, 0.9, &cfg, &d, &stored, NULL, &e) == 0) {
        ws_prune_decision_release(&d);
        ws_trial t;
        if (ws_store_trial_load(s, &st, number, WS_LOAD_ATTRS, &t, &e) == 0) {
            got = json_object_get(t.system_attrs, "completed_rung_0") != NULL;
            ws_trial_release(&t);
        }
    }
    CHECK(got >= 0, "report and prune: %s", e.msg);
    finish_url = NULL;
    ws_store_close(s);
    ws_pruner_cfg_release(&cfg);
    return got;
}

static char dir[] = "/tmp/ws-test-prune.XXXXXX";

static void test_rung_kept_on_a_running_trial(void)
{
    CHECK(rung_written(dir, 0, -1) == 1, "a running trial's rung was not kept");
    CHECK(rung_written(dir, 0, 1) == 1, "another trial's finishing kept this one's rung away");
}

static void test_no_rung_on_a_trial_finished_meanwhile(void)
{
    CHECK(rung_written(dir, 0, 0) == 0, "completed_rung_0 written onto a trial finished while its pruner decided");
}

int main(void)
{
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    RUN(test_rung_kept_on_a_running_trial);
    RUN(test_no_rung_on_a_trial_finished_meanwhile);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return test_summary();
}
