/* test_store_copy.c — ws_store_copy_read and _write (study-copy) while another process writes the source:
 * the copy is the source as of one moment. The loader is wrapped at link time
 * (-Wl,--wrap=ws_loader_init, in the Makefile): after the source's trials rows are read and
 * before their values and attributes are, the wrapper finishes the RUNNING trial with a value
 * and sets a study attribute through a second connection, in one transaction, as a concurrent
 * `tell` would. The copy must hold the trial as it was before (RUNNING, no value, no attribute)
 * or after (COMPLETE, its value, the attribute), never RUNNING with a value.
 * The source is a SQLite file, or the empty PostgreSQL database that WS_TEST_COPY_SRC names
 * (tests/cluster/t0202-study-copy-snapshot.sh, under make check-cluster). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"
#include "core/json.h"
#include "space/config.h"
#include "store/load_common.h"

int __real_ws_loader_init(ws_loader *ld, ws_trial_list *l, ws_err *e);

static const char *finish_url;     /* set: the wrapper finishes trial 0 there, once */
static int finished;               /* 1 once done; -1 while doing it */

int __wrap_ws_loader_init(ws_loader *ld, ws_trial_list *l, ws_err *e);
int __wrap_ws_loader_init(ws_loader *ld, ws_trial_list *l, ws_err *e)
{
    if (finish_url && !finished) {
        finished = -1;   /* the second connection's own load comes through here too */
        ws_store *other = NULL;
        ws_err e2 = {0};
        ws_study st;
        ws_trial cur;
        double v = 0.7;
        json_t *yes = json_true();
        if (ws_store_open(&other, finish_url, 0, &e2) || ws_store_study_find(other, "kws", &st, &e2)
            || ws_store_begin(other, &e2) || ws_store_trial_load(other, &st, 0, 0, &cur, &e2))
            CHECK(0, "second connection: %s", e2.msg);
        else {
            CHECK(ws_store_trial_finish(other, cur.trial_id, WS_COMPLETE, &v, &e2) == 0, "finish: %s", e2.msg);
            CHECK(ws_store_study_attr_set(other, st.id, 0, "told", yes, &e2) == 0, "attr: %s", e2.msg);
            CHECK(ws_store_commit(other, &e2) == 0, "commit: %s", e2.msg);
            ws_trial_release(&cur);
            finished = 1;
        }
        json_decref(yes);
        ws_store_close(other);
    }
    return __real_ws_loader_init(ld, l, e);
}

static char dir[512];

static void test_copy_is_one_snapshot(void)
{
    char src_url[600], dst_url[600];
    const char *pg = getenv("WS_TEST_COPY_SRC");
    snprintf(src_url, sizeof src_url, "%s", pg && *pg ? pg : "");
    if (!src_url[0]) snprintf(src_url, sizeof src_url, "%s/src.db", dir);
    snprintf(dst_url, sizeof dst_url, "%s/dst.db", dir);
    ws_store *s = NULL, *src = NULL, *dst = NULL;
    ws_err e = {0};
    ws_study st;
    int created, n;
    int64_t id;
    if (ws_store_open(&s, src_url, WS_STORE_CREATE, &e) || ws_store_begin(s, &e)
        || ws_store_study_create(s, "kws", WS_MAXIMIZE, &st, &created, &e)
        || ws_store_trial_create(s, &st, WS_RUNNING, NULL, 0, &id, &n, &e) || ws_store_commit(s, &e)) {
        CHECK(0, "source: %s", e.msg);
        ws_store_close(s);
        return;
    }
    ws_store_close(s);
    CHECK(ws_store_open(&src, src_url, WS_STORE_READ, &e) == 0, "open source: %s", e.msg);
    CHECK(ws_store_open(&dst, dst_url, WS_STORE_CREATE, &e) == 0, "open destination: %s", e.msg);
    finish_url = src_url;
    ws_copy_source *c = src && dst ? ws_store_copy_read(src, "kws", &e) : NULL;
    int copied = c && ws_store_copy_write(c, dst, NULL, &n, &e) == 0;
    ws_copy_source_free(c);
    finish_url = NULL;
    CHECK(copied, "copy: %s", e.msg);
    CHECK(finished == 1, "the second connection did not finish the trial during the copy");
    ws_study to;
    ws_trial t;
    json_t *told = NULL;
    if (copied && ws_store_study_find(dst, "kws", &to, &e) == 0 && ws_store_trial_load(dst, &to, 0, WS_LOAD_ALL, &t, &e) == 0) {
        CHECK(ws_store_study_attr_get(dst, to.id, 0, "told", &told, &e) == 0, "read attr: %s", e.msg);
        int before = t.state == WS_RUNNING && !t.has_value && !told;
        int after = t.state == WS_COMPLETE && t.has_value && t.value == 0.7 && json_is_true(told);
        CHECK(before || after, "copied trial 0 %s %s a value (%g), study attribute 'told' %s: neither the source "
              "before the concurrent tell (RUNNING, no value, no attribute) nor after (COMPLETE, 0.7, the attribute)",
              ws_state_name(t.state), t.has_value ? "with" : "without", t.has_value ? t.value : 0.0,
              told ? "set" : "absent");
        ws_trial_release(&t);
    } else {
        CHECK(0, "read the copy: %s", e.msg);
    }
    json_decref(told);
    ws_store_close(src);
    ws_store_close(dst);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/ws-copy-test.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    RUN(test_copy_is_one_snapshot);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return test_summary();
}
