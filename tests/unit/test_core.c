/* test_core.c — lib/core: shortest float text against Python's repr (golden file made by
 * tests/ref/make_core_golden.py), number parsing, atomic writes and the reaping of a killed
 * writer's temporaries, the RNG's ranges. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "core/atomic.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/parse.h"
#include "core/proc.h"
#include "core/rng.h"
#include "harness.h"

static void test_float_repr_matches_python(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/ref/core/float_repr.txt", getenv("WS_ROOT") ? getenv("WS_ROOT") : ".");
    FILE *f = fopen(path, "r");
    CHECK(f, "cannot open %s", path);
    if (!f) return;
    unsigned long long bits;
    char want[64], got[64];
    int n = 0;
    while (fscanf(f, "%llx %63s", &bits, want) == 2) {
        double v;
        uint64_t b = bits;
        memcpy(&v, &b, sizeof v);
        ws_json_format_double(v, got, sizeof got);
        CHECK(!strcmp(got, want), "bits %016llx: got %s, Python writes %s", bits, got, want);
        n++;
    }
    fclose(f);
    CHECK(n > 500, "only %d values read", n);
}

static void test_parse_numbers(void)
{
    ws_err e;
    long l;
    double d;
    CHECK(ws_parse_long("42", "x", &l, &e) == 0 && l == 42, "42");
    CHECK(ws_parse_long("4x", "--step", &l, &e) == -1 && strstr(e.msg, "--step: expected an integer, got '4x'"), "%s", e.msg);
    CHECK(ws_parse_long("", "x", &l, &e) == -1, "empty accepted");
    CHECK(ws_parse_long("99999999999999999999", "x", &l, &e) == -1, "overflow accepted");
    CHECK(ws_parse_long_range("7", "n", 1, 5, &l, &e) == -1 && strstr(e.msg, "[1, 5]"), "%s", e.msg);
    CHECK(ws_parse_double("1e-3", "v", &d, &e) == 0 && d == 1e-3, "1e-3");
    CHECK(ws_parse_double("nan", "v", &d, &e) == 0 && isnan(d), "nan");
    CHECK(ws_parse_double("0.5abc", "--value", &d, &e) == -1 && e.kind == WS_EINPUT, "trailing text accepted");
}

static void test_atomic_write(void)
{
    char dir[] = "/tmp/ws-atomic.XXXXXX", path[256];
    CHECK(mkdtemp(dir), "mkdtemp");
    snprintf(path, sizeof path, "%s/out.json", dir);
    ws_atomic a;
    ws_err e;
    CHECK(ws_atomic_open(&a, path, &e) == 0, "%s", e.msg);
    fputs("half", a.f);
    struct stat sb;
    CHECK(stat(path, &sb) != 0, "target exists before commit");
    ws_atomic_abort(&a);
    CHECK(stat(path, &sb) != 0, "target exists after abort");
    CHECK(ws_atomic_open(&a, path, &e) == 0, "%s", e.msg);
    fputs("whole\n", a.f);
    CHECK(ws_atomic_commit(&a, &e) == 0, "%s", e.msg);
    CHECK(stat(path, &sb) == 0 && sb.st_size == 6, "committed file missing or wrong size");
    char bad[300];
    snprintf(bad, sizeof bad, "%s/no/such/dir/x", dir);
    CHECK(ws_atomic_open(&a, bad, &e) == -1 && strstr(e.msg, "cannot create"), "%s", e.msg);
    unlink(path);
    rmdir(dir);
}

static int touch(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f) fclose(f);
    return f != NULL;
}

static int exists(const char *dir, const char *name)
{
    char p[512];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &sb) == 0;
}

/* Only the temporaries of a writer that ran here and is gone are removed. */
static void test_atomic_reap(void)
{
    char dir[] = "/tmp/ws-reap.XXXXXX", host[256], dead_tmp[600], live_tmp[600], other[600], name[600];
    CHECK(mkdtemp(dir), "mkdtemp");
    snprintf(host, sizeof host, "%s", ws_hostname());
    for (char *p = host; *p; p++)
        if (*p == '.') *p = '_';
    pid_t child = fork();
    if (child == 0) _exit(0);
    waitpid(child, NULL, 0);   /* now a pid that names no process */
    snprintf(dead_tmp, sizeof dead_tmp, "trial-3.ckpt.tmp.%s-%ld.a1B2c3", host, (long)child);
    snprintf(live_tmp, sizeof live_tmp, "trial-4.ckpt.tmp.%s-%ld.a1B2c3", host, (long)getpid());
    snprintf(other, sizeof other, "best.ckpt.tmp.%s-x-%ld.Zz9Zz9", "elsewhere", (long)child);
    CHECK(touch(dir, dead_tmp) && touch(dir, live_tmp) && touch(dir, other) && touch(dir, "trial-5.ckpt.tmp.abcdef")
          && touch(dir, "trial-3.ckpt"), "cannot create the files");
    CHECK(ws_process_gone(child) == 1 && ws_process_gone(getpid()) == 0, "process liveness wrong");
    CHECK(ws_atomic_reap(dir) == 1, "reaped a number other than 1");
    CHECK(!exists(dir, dead_tmp), "the dead writer's temporary is still there");
    CHECK(exists(dir, live_tmp) && exists(dir, other) && exists(dir, "trial-5.ckpt.tmp.abcdef") && exists(dir, "trial-3.ckpt"),
          "a file that is not a dead writer's temporary was removed");
    /* the writer's own temporary parses back to this host and pid */
    ws_atomic a;
    ws_err e;
    snprintf(name, sizeof name, "%s/out.bin", dir);
    CHECK(ws_atomic_open(&a, name, &e) == 0, "%s", e.msg);
    snprintf(name, sizeof name, "/out.bin.tmp.%s-%ld.", host, (long)getpid());
    CHECK(a.tmp && strstr(a.tmp, name), "temporary %s does not carry host and pid", a.tmp ? a.tmp : "(null)");
    ws_atomic_abort(&a);
    const char *left[] = {live_tmp, other, "trial-5.ckpt.tmp.abcdef", "trial-3.ckpt"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "%s/%s", dir, left[i]);
        unlink(name);
    }
    rmdir(dir);
}

static void test_rng(void)
{
    ws_rng a, b;
    ws_rng_seed(&a, 5);
    ws_rng_seed(&b, 5);
    double sum = 0, sq = 0;
    int same = 1;
    for (int i = 0; i < 20000; i++) {
        double u = ws_rng_uniform(&a);
        same &= u == ws_rng_uniform(&b);
        CHECK(u >= 0 && u < 1, "uniform out of range: %g", u);
        double z = ws_rng_normal(&a);
        ws_rng_normal(&b);
        sum += z; sq += z * z;
        CHECK(ws_rng_below(&a, 7) < 7, "below out of range");
        ws_rng_below(&b, 7);
    }
    CHECK(same, "same seed, different streams");
    CHECK(fabs(sum / 20000) < 0.03 && fabs(sq / 20000 - 1) < 0.05, "normal moments %g %g", sum / 20000, sq / 20000);
    CHECK(ws_seed_mix(1, 2) != ws_seed_mix(2, 1) && ws_seed_mix(1, 2) == ws_seed_mix(1, 2), "seed_mix");
}

static void test_datetime_round_trip(void)
{
    char buf[40];
    ws_datetime_format(1763923272.760572, buf, sizeof buf);
    CHECK(!strcmp(buf, "2025-11-23 18:41:12.760572"), "got %s", buf);
    CHECK_NEAR(ws_datetime_parse(buf), 1763923272.760572, 1e-6);
    CHECK_NEAR(ws_datetime_parse("2025-11-23 18:41:12"), 1763923272.0, 1e-9);
    CHECK(isnan(ws_datetime_parse("yesterday")), "bad text parsed");
}

int main(void)
{
    RUN(test_float_repr_matches_python);
    RUN(test_parse_numbers);
    RUN(test_atomic_write);
    RUN(test_atomic_reap);
    RUN(test_rng);
    RUN(test_datetime_round_trip);
    return test_summary();
}
