/* test_core.c — lib/core: shortest float text against Python's repr (golden file made by
 * tests/ref/make_core_golden.py), number parsing, atomic writes and the reaping of a killed
 * writer's temporaries, the RNG's ranges. */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "core/atomic.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/numsum.h"
#include "core/parse.h"
#include "core/proc.h"
#include "core/rng.h"
#include "core/text.h"
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

/* Python's json.dumps of {"a": "NaN Infinity \"x\"", "b": [inf, -inf, nan, 1.5]}, as Optuna writes
 * attributes: the bare tokens read as their stand-ins, the string untouched. */
static void test_json_load_python(void)
{
    json_t *j = ws_json_load_python("{\"a\": \"NaN Infinity \\\"x\\\"\", \"b\": [Infinity, -Infinity, NaN, 1.5]}");
    CHECK(j, "not read");
    if (!j) return;
    json_t *b = json_object_get(j, "b");
    CHECK(!strcmp(json_string_value(json_object_get(j, "a")), "NaN Infinity \"x\""), "string changed");
    CHECK(json_real_value(json_array_get(b, 0)) == DBL_MAX && json_real_value(json_array_get(b, 1)) == -DBL_MAX
          && json_is_null(json_array_get(b, 2)) && json_real_value(json_array_get(b, 3)) == 1.5, "tokens");
    json_decref(j);
    CHECK(!ws_json_load_python("[Infinityy]") && !ws_json_load_python("not json"), "not JSON is NULL");
    json_t *c = ws_json_real_capped(-INFINITY);
    CHECK(c && json_real_value(c) == -DBL_MAX && !ws_json_real_capped(NAN), "capped");
    json_decref(c);
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
    /* an integer past a long is an integer out of range, not "expected an integer" */
    CHECK(ws_parse_long_range("9223372036854775808", "--step", 0, 9223372036854775807L, &l, &e) == -1
              && !strcmp(e.msg, "--step: expected an integer in [0, 9223372036854775807], got 9223372036854775808"),
          "%s", e.msg);
    CHECK(ws_parse_long_range("-99999999999999999999", "--trial", 0, 2147483647, &l, &e) == -1
              && !strcmp(e.msg, "--trial: expected an integer in [0, 2147483647], got -99999999999999999999"),
          "%s", e.msg);
    CHECK(ws_parse_long("99999999999999999999", "-n", &l, &e) == -1
              && !strcmp(e.msg, "-n: expected an integer in [-9223372036854775808, 9223372036854775807], got 99999999999999999999"),
          "%s", e.msg);
    CHECK(ws_parse_long_range("9223372036854775807", "--step", 0, 9223372036854775807L, &l, &e) == 0
              && l == 9223372036854775807L, "2^63 - 1 refused: %s", e.msg);
    CHECK(ws_parse_long_range("7", "n", 1, 5, &l, &e) == -1 && strstr(e.msg, "[1, 5]"), "%s", e.msg);
    CHECK(ws_parse_double("1e-3", "v", &d, &e) == 0 && d == 1e-3, "1e-3");
    CHECK(ws_parse_double("nan", "v", &d, &e) == 0 && isnan(d), "nan");
    CHECK(ws_parse_double("0.5abc", "--value", &d, &e) == -1 && e.kind == WS_EINPUT, "trailing text accepted");
    CHECK(ws_parse_double("0x10", "--value", &d, &e) == -1 && e.kind == WS_EINPUT, "a hexadecimal float accepted");
    /* Python's float(): underflow rounds toward 0; overflow is refused here, naming it */
    CHECK(ws_parse_double("1e-400", "--value", &d, &e) == 0 && d == 0.0, "1e-400 (rounds to 0) refused");
    CHECK(ws_parse_double("4e-320", "--value", &d, &e) == 0 && d > 0 && d < 1e-300, "a subnormal refused");
    CHECK(ws_parse_double("1e400", "--value", &d, &e) == -1 && strstr(e.msg, "beyond the largest double"),
          "1e400 accepted or not named: '%s'", e.msg);
    /* where infinity is refused, an overflow is not told to "write inf" */
    CHECK(ws_parse_double_finite("1e400", "-d", &d, &e) == -1 && !strcmp(e.msg, "-d: expected a finite number, got '1e400'"),
          "%s", e.msg);
    CHECK(ws_parse_double_finite("-inf", "-d", &d, &e) == -1 && strstr(e.msg, "expected a finite number"), "%s", e.msg);
    CHECK(ws_parse_double_finite("nan", "-d", &d, &e) == -1 && strstr(e.msg, "expected a finite number"), "%s", e.msg);
    CHECK(ws_parse_double_finite("abc", "-d", &d, &e) == -1 && strstr(e.msg, "expected a number, got 'abc'"), "%s", e.msg);
    CHECK(ws_parse_double_finite("2.5", "-d", &d, &e) == 0 && d == 2.5, "2.5");
    /* white space: strtol/strtod skip it in front but stop at it behind; both are refused */
    CHECK(ws_parse_long(" 5", "--n", &l, &e) == -1 && strstr(e.msg, "--n: expected an integer, got ' 5'"), "%s", e.msg);
    CHECK(ws_parse_long("5 ", "--n", &l, &e) == -1, "'5 ' accepted");
    CHECK(ws_parse_long("\t5", "--n", &l, &e) == -1, "tab 5 accepted");
    CHECK(ws_parse_double(" 0.5", "--value", &d, &e) == -1 && strstr(e.msg, "--value: expected a number, got ' 0.5'"),
          "%s", e.msg);
    CHECK(ws_parse_double("0.5 ", "--value", &d, &e) == -1, "'0.5 ' accepted");
    CHECK(ws_parse_double_finite("\n2", "-d", &d, &e) == -1, "newline 2 accepted");
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

/* ws_atomic_commit_new: the first writer's file is put in place, a later one's is not (rename
 * would have had the last one win), and neither leaves a temporary. */
static void test_atomic_commit_new(void)
{
    char dir[] = "/tmp/ws-atomic.XXXXXX", path[256];
    CHECK(mkdtemp(dir), "mkdtemp");
    snprintf(path, sizeof path, "%s/claim", dir);
    ws_atomic a, b;
    ws_err e;
    CHECK(ws_atomic_open(&a, path, &e) == 0 && ws_atomic_open(&b, path, &e) == 0, "%s", e.msg);
    fputs("first\n", a.f);
    fputs("second, longer\n", b.f);
    CHECK(ws_atomic_commit_new(&a, &e) == 0, "%s", e.msg);
    CHECK(ws_atomic_commit_new(&b, &e) == 1, "the second writer was not told the name is taken");
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && sb.st_size == 6, "not the first writer's file");
    unlink(path);
    CHECK(rmdir(dir) == 0, "a temporary left in %s", dir);
}

/* ws_atomic_remove_same removes the file seen, a symbolic link to it as a link (what it leads to
 * stays), and leaves another file put at the name (a FIFO, another regular file) where it was,
 * with no temporary left; a name with nothing there is -1, ENOENT. The file seen is held open, as
 * its callers hold it: a file made once it is gone may take its inode number. */
static void test_atomic_remove_same(void)
{
    char dir[] = "/tmp/ws-rmsame.XXXXXX", path[256], other[256], fifo[256], link_to[256];
    CHECK(mkdtemp(dir), "mkdtemp");
    snprintf(path, sizeof path, "%s/best.ckpt", dir);
    snprintf(other, sizeof other, "%s/other", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(link_to, sizeof link_to, "%s/target", dir);
    struct stat seen, now, sb;
    FILE *f = fopen(path, "w");
    int held = open(path, O_RDONLY);
    CHECK(held >= 0 && f && fputs("weights", f) >= 0 && fclose(f) == 0 && fstat(held, &seen) == 0, "cannot make %s", path);
    CHECK(ws_atomic_remove_same(path, &seen, &now) == 0 && lstat(path, &sb) != 0, "the file seen was not removed");
    /* another regular file at the name: left, *now its lstat */
    f = fopen(other, "w");
    CHECK(f && fputs("another program's", f) >= 0 && fclose(f) == 0 && rename(other, path) == 0, "cannot make it");
    CHECK(ws_atomic_remove_same(path, &seen, &now) == 1 && S_ISREG(now.st_mode), "another file was not left");
    CHECK(stat(path, &sb) == 0 && sb.st_size == 17, "another file not there as it was");
    close(held);
    /* a FIFO at the name: left as a FIFO */
    CHECK(stat(path, &seen) == 0 && mkfifo(fifo, 0644) == 0 && rename(fifo, path) == 0, "cannot make the FIFO");
    CHECK(ws_atomic_remove_same(path, &seen, &now) == 1 && S_ISFIFO(now.st_mode), "the FIFO was not left");
    CHECK(lstat(path, &sb) == 0 && S_ISFIFO(sb.st_mode), "the FIFO is not there");
    unlink(path);
    /* a symbolic link to the file seen: the link goes, its target stays */
    f = fopen(link_to, "w");
    CHECK(f && fclose(f) == 0 && stat(link_to, &seen) == 0 && symlink(link_to, path) == 0, "cannot make the link");
    CHECK(ws_atomic_remove_same(path, &seen, &now) == 0, "the link to the file seen was not removed");
    CHECK(lstat(path, &sb) != 0 && stat(link_to, &sb) == 0, "the link stayed, or its target went");
    errno = 0;
    CHECK(ws_atomic_remove_same(path, &seen, &now) == -1 && errno == ENOENT, "nothing there: not -1 ENOENT");
    unlink(link_to);
    CHECK(rmdir(dir) == 0, "a file (a temporary?) left in %s", dir);
}

/* ws_atomic_commit_over puts the new file in place of the one seen (held open), or where none was
 * seen and none is there; another file put at the name meanwhile (a FIFO, a regular file) is left
 * where it is, the new file dropped (1); no temporary is left either way. */
static void test_atomic_commit_over(void)
{
    char dir[] = "/tmp/ws-cover.XXXXXX", path[256], other[256];
    CHECK(mkdtemp(dir), "mkdtemp");
    snprintf(path, sizeof path, "%s/best.ckpt", dir);
    snprintf(other, sizeof other, "%s/other", dir);
    ws_atomic a;
    ws_err e;
    struct stat seen, now, sb;
    /* none seen, none there: put in place */
    memset(&seen, 0, sizeof seen);
    CHECK(ws_atomic_open(&a, path, &e) == 0 && fputs("one", a.f) >= 0, "%s", e.msg);
    CHECK(ws_atomic_commit_over(&a, &seen, &now, &e) == 0 && stat(path, &sb) == 0 && sb.st_size == 3, "%s", e.msg);
    /* none seen, one there now: left, the new one dropped */
    CHECK(ws_atomic_open(&a, path, &e) == 0 && fputs("second", a.f) >= 0, "%s", e.msg);
    CHECK(ws_atomic_commit_over(&a, &seen, &now, &e) == 1 && S_ISREG(now.st_mode), "put over a file not seen");
    CHECK(stat(path, &sb) == 0 && sb.st_size == 3, "the file there changed");
    /* the one seen there: replaced */
    int held = open(path, O_RDONLY);
    CHECK(held >= 0 && fstat(held, &seen) == 0, "open");
    CHECK(ws_atomic_open(&a, path, &e) == 0 && fputs("third!", a.f) >= 0, "%s", e.msg);
    CHECK(ws_atomic_commit_over(&a, &seen, &now, &e) == 0 && stat(path, &sb) == 0 && sb.st_size == 6, "%s", e.msg);
    /* another file put in place of the one seen (held open: its inode number not reused) */
    CHECK(fstat(held, &sb) == 0, "fstat");
    close(held);
    held = open(path, O_RDONLY);
    CHECK(held >= 0 && fstat(held, &seen) == 0, "open");
    CHECK(ws_atomic_open(&a, path, &e) == 0 && fputs("fourth, long", a.f) >= 0, "%s", e.msg);
    CHECK(mkfifo(other, 0644) == 0 && rename(other, path) == 0, "cannot put a FIFO there");
    CHECK(ws_atomic_commit_over(&a, &seen, &now, &e) == 1 && S_ISFIFO(now.st_mode), "put over a FIFO put there");
    CHECK(lstat(path, &sb) == 0 && S_ISFIFO(sb.st_mode), "the FIFO is not there");
    close(held);
    unlink(path);
    CHECK(rmdir(dir) == 0, "a file (a temporary?) left in %s", dir);
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

/* ws_process_ancestor against the kernel's own answer: a grandchild of this process finds its
 * parent and this process among its ancestors, and neither itself, nor init, nor a pid gone;
 * ws_process_start reads the same field for a pid as for "self". Each wrong answer is a bit of
 * the grandchild's exit status. */
static void test_process_ancestor(void)
{
    pid_t dead = fork();
    if (dead == 0) _exit(0);
    waitpid(dead, NULL, 0);
    pid_t top = getpid(), child = fork();
    CHECK(child >= 0, "fork");
    if (child == 0) {
        pid_t grand = fork();
        if (grand == 0) {
            int bad = (ws_process_ancestor(getppid()) != 1) | (ws_process_ancestor(top) != 1) << 1
                      | (ws_process_ancestor(getpid()) != 0) << 2 | (ws_process_ancestor(1) != 0) << 3
                      | (ws_process_ancestor(dead) != 0) << 4
                      | (ws_process_start(0) < 0 || ws_process_start(0) != ws_process_start(getpid())) << 5;
            _exit(bad);
        }
        int st = 0;
        waitpid(grand, &st, 0);
        _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 64);
    }
    int st = 0;
    waitpid(child, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "ancestry wrong (bits %d: parent, grandparent, self, init, gone, start)",
          WIFEXITED(st) ? WEXITSTATUS(st) : -1);
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

/* A directory or a device as the target is refused before any work; a killed writer's
 * temporary of the same target goes when the next writer opens; a fatal signal removes it. */
static void test_atomic_guards(void)
{
    char dir[] = "/tmp/ws-guard.XXXXXX", path[600], host[256], stale[600];
    CHECK(mkdtemp(dir), "mkdtemp");
    ws_atomic a;
    ws_err e = {0};
    CHECK(ws_atomic_open(&a, dir, &e) == -1 && e.kind == WS_EINPUT && strstr(e.msg, "is a directory"), "%s", e.msg);
    CHECK(ws_atomic_open(&a, "/dev/null", &e) == -1 && e.kind == WS_EINPUT && strstr(e.msg, "not a regular file"),
          "%s", e.msg);
    snprintf(host, sizeof host, "%s", ws_hostname());
    for (char *p = host; *p; p++)
        if (*p == '.') *p = '_';
    pid_t child = fork();
    if (child == 0) _exit(0);
    waitpid(child, NULL, 0);
    snprintf(stale, sizeof stale, "out.feat.tmp.%s-%ld.q1W2e3", host, (long)child);
    CHECK(touch(dir, stale) && touch(dir, "other.feat.tmp.x-1.q1W2e3"), "cannot create the files");
    snprintf(stale + 300, 300, "other.feat.tmp.%s-%ld.q1W2e3", host, (long)child);
    CHECK(touch(dir, stale + 300), "cannot create the file");
    snprintf(path, sizeof path, "%s/out.feat", dir);
    CHECK(ws_atomic_open(&a, path, &e) == 0, "%s", e.msg);
    CHECK(!exists(dir, stale), "the killed writer's temporary of the same target is still there");
    CHECK(exists(dir, stale + 300), "another target's temporary was removed");
    ws_atomic_abort(&a);
    /* a child dies of SIGTERM with its temporary open: nothing of it is left */
    int fds[2];
    CHECK(pipe(fds) == 0, "pipe");
    child = fork();
    if (child == 0) {
        ws_atomic c;
        ws_err ce;
        if (ws_atomic_open(&c, path, &ce)) _exit(3);
        fputs("half", c.f);
        fflush(c.f);
        if (write(fds[1], c.tmp, strlen(c.tmp) + 1) < 0) _exit(4);
        raise(SIGTERM);
        _exit(5);
    }
    close(fds[1]);
    char tmp[600] = "";
    ssize_t got = read(fds[0], tmp, sizeof tmp - 1);
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    struct stat sb;
    CHECK(got > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "child did not die of SIGTERM (status %d)", status);
    CHECK(got > 0 && stat(tmp, &sb) != 0, "the temporary %s is left after SIGTERM", tmp);
    const char *left[] = {stale + 300, "other.feat.tmp.x-1.q1W2e3"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, left[i]);
        unlink(path);
    }
    CHECK(rmdir(dir) == 0, "files left in %s", dir);
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
    ws_datetime_format_utc(1763923272.760572, buf, sizeof buf);
    CHECK(!strcmp(buf, "2025-11-23 18:41:12.760572"), "got %s", buf);
    CHECK_NEAR(ws_datetime_parse_utc(buf), 1763923272.760572, 1e-6);
    CHECK_NEAR(ws_datetime_parse_utc("2025-11-23 18:41:12"), 1763923272.0, 1e-9);
    CHECK(isnan(ws_datetime_parse_utc("yesterday")), "bad text parsed");
}

/* Trial datetimes are local time (as Optuna's datetime.now()): in New York, 18:41 UTC on
 * 2025-11-23 is 13:41 EST; every quarter hour across both DST switches of 2026 reads back to the
 * same instant, but for the repeated hour of November (its wall times are ambiguous). In a child:
 * a tool reads the zone once, at its start. */
static void test_datetime_local(void)
{
    pid_t child = fork();
    if (child == 0) {
        setenv("TZ", "America/New_York", 1);
        tzset();   /* the parent may have read the zone already */
        char buf[40];
        ws_datetime_format(1763923272.760572, buf, sizeof buf);
        if (strcmp(buf, "2025-11-23 13:41:12.760572") || fabs(ws_datetime_parse(buf) - 1763923272.760572) > 1e-6) _exit(1);
        const double spans[][2] = {{1772841600, 1773100800}, {1793491200, 1793750400}};   /* Mar 7-10, Nov 1-4 */
        for (int k = 0; k < 2; k++)
            for (double t = spans[k][0]; t < spans[k][1]; t += 900) {
                ws_datetime_format(t, buf, sizeof buf);
                double back = ws_datetime_parse(buf);
                if (back != t && !(k == 1 && !strncmp(buf, "2026-11-01 01:", 14))) _exit(2);
            }
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "local datetimes wrong (child status %d)", status);
}

/* Names in messages: ws_text_has_control finds C0, DEL and C1 only; ws_text_show escapes what
 * ws_text_escape does and every byte of a control character (C0, DEL, C1), so a file named with a newline is one line on stderr; other
 * UTF-8 (a no-break space, U+00A0, just past C1) is left as it is, and ws_text_escape, whose
 * text goes into JSON, still keeps control characters. */
static void test_text_show(void)
{
    static const struct { const char *s, *shown, *escaped; } cases[] = {
        {"yes", "yes", "yes"}, {"bad\nname.wav", "bad\\x0aname.wav", "bad\nname.wav"},
        {"a\tb\r", "a\\x09b\\x0d", "a\tb\r"}, {"\x1b[31m", "\\x1b[31m", "\x1b[31m"}, {"x\x7f", "x\\x7f", "x\x7f"},
        {"\xc2\x85\xc2\x9f", "\\xc2\\x85\\xc2\\x9f", "\xc2\x85\xc2\x9f"}, {"\xc2\xa0" "caf\xc3\xa9", "\xc2\xa0" "caf\xc3\xa9", "\xc2\xa0" "caf\xc3\xa9"},
        {"caf\xe9\n", "caf\\xe9\\x0a", "caf\\xe9\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *shown = ws_text_show(cases[i].s), *escaped = ws_text_escape(cases[i].s);
        CHECK(shown && !strcmp(shown, cases[i].shown), "case %zu shown as %s, expected %s", i, shown, cases[i].shown);
        CHECK(escaped && !strcmp(escaped, cases[i].escaped), "case %zu escaped as %s", i, escaped);
        free(shown);
        free(escaped);
    }
    static const struct { const char *s; int has; } control[] = {
        {"yes", 0}, {"hey nova", 0}, {"caf\xc3\xa9", 0}, {"\xc2\xa0", 0}, {"\xef\xbf\xbd", 0},
        {"ye\ns", 1}, {"a\tb", 1}, {"\x1b", 1}, {"x\x7f", 1}, {"\xc2\x80", 1}, {"\xc2\x9f", 1},
    };
    for (size_t i = 0; i < sizeof control / sizeof *control; i++)
        CHECK(ws_text_has_control(control[i].s) == control[i].has, "control case %zu: %d", i,
              ws_text_has_control(control[i].s));
}

/* ws_err_set_tail: the tail whole, the head shortened in its middle where both do not fit the
 * 1023 bytes of a message. The figures by hand: a tail of 22 bytes leaves 1001 for the head,
 * 998 of them its own, (1001 - 3) / 2 = 499 from its start and 499 from its end. */
static void test_err_set_tail(void)
{
    static const char tail[] = "; run: tell --db 'x y'";   /* 22 bytes, and the NUL */
    ws_err e;
    ws_err_set_tail(&e, WS_EINTERNAL, "short cause", tail);
    CHECK(e.kind == WS_EINTERNAL && !strcmp(e.msg, "short cause; run: tell --db 'x y'"), "fits: '%s'", e.msg);
    char head[2001];
    memset(head, 'a', 2000);
    head[2000] = 0;
    head[0] = 'S';
    head[1999] = 'E';
    ws_err_set_tail(&e, WS_EINTERNAL, head, tail);
    size_t n = strlen(e.msg);
    CHECK(n == 1023, "long: %zu bytes, expected 1023 (1001 of the head, with ..., and the tail)", n);
    CHECK(n > 22 && !strcmp(e.msg + n - 22, tail), "long: the tail not whole: '%s'", e.msg + (n > 40 ? n - 40 : 0));
    CHECK(e.msg[0] == 'S' && !strncmp(e.msg + 499, "...", 3) && e.msg[n - 23] == 'E',
          "long: not its start, ... at 499 and its end: '%.8s' '%.5s' '%c'", e.msg, e.msg + 497, e.msg[n - 23]);
    /* the head e's own message, with two-byte characters (e-acute) across the cut: none cut */
    for (size_t i = 0; i + 1 < 1020; i += 2) { e.msg[i] = (char)0xc3; e.msg[i + 1] = (char)0xa9; }
    e.msg[1020] = 0;   /* 1020 bytes: 1001 left for it, so 499 from its start, inside a character */
    ws_err_set_tail(&e, WS_EINTERNAL, e.msg, tail);
    n = strlen(e.msg);
    char *dots = strstr(e.msg, "...");
    CHECK(dots && n <= 1023 && !strcmp(e.msg + n - 22, tail), "aliased: '%s'", e.msg);
    CHECK(dots && (dots - e.msg) % 2 == 0 && ((unsigned char)dots[3] & 0xC0) != 0x80,
          "aliased: a character cut at the ... (offset %td)", dots ? dots - e.msg : -1);
}

/* ws_err_set: a message past the 1023 bytes keeps its end (the reason after a long path), its
 * middle shortened: 1020 bytes left for the message, 510 from its start and 510 from its end. */
static void test_err_set_long(void)
{
    char path[1501];
    memset(path, 'd', 1500);
    path[1500] = 0;
    path[0] = 'S';
    path[1499] = 'E';
    ws_err e;
    ws_err_set(&e, WS_EINPUT, "%s: cannot open: %s", path, "File name too long");
    size_t n = strlen(e.msg);
    static const char why[] = "E: cannot open: File name too long";
    CHECK(e.kind == WS_EINPUT && n == 1023, "long: %zu bytes, expected 1023", n);
    CHECK(n > sizeof why && !strcmp(e.msg + n - (sizeof why - 1), why), "long: the reason lost: '%s'",
          e.msg + (n > 60 ? n - 60 : 0));
    CHECK(e.msg[0] == 'S' && !strncmp(e.msg + 510, "...", 3), "long: not its start, ... at 510: '%.8s' '%.5s'", e.msg,
          e.msg + 508);
    /* one that fits is as formatted; e's own message as an argument, past the buffer with it */
    ws_err_set(&e, WS_EINTERNAL, "%s: %d", "short", 7);
    CHECK(e.kind == WS_EINTERNAL && !strcmp(e.msg, "short: 7"), "fits: '%s'", e.msg);
    memset(e.msg, 'm', 1020);
    e.msg[0] = 'S';
    e.msg[1020] = 0;
    ws_err_set(&e, WS_EINPUT, "%s: why", e.msg);
    n = strlen(e.msg);
    CHECK(n == 1023 && e.msg[0] == 'S' && !strcmp(e.msg + n - 5, ": why") && strstr(e.msg, "..."),
          "aliased: %zu bytes '%.8s' ... '%s'", n, e.msg, e.msg + (n > 10 ? n - 10 : 0));
}

/* ws_err_prefix: as ws_err_set, a message past the 1023 bytes keeps its end (the reason), its
 * middle shortened, and a WHERE past 255 bytes (a study file's path folders deep, then the
 * study's name) is not cut at its end either. The figures by hand: a WHERE of 1013 bytes, ": "
 * and the 700 of the message make 1715; 510 from the start, "...", 510 from the end. */
static void test_err_prefix_long(void)
{
    char db[1001];
    memset(db, 'p', 1000);
    db[1000] = 0;
    db[0] = 'D';
    ws_err e;
    char why[701];
    memset(why, 'w', 700);
    why[700] = 0;
    memcpy(why + 700 - 8, ": reason", 8);
    ws_err_set(&e, WS_EINPUT, "%s", why);
    ws_err_prefix(&e, "%s: study '%s'", db, "kws");
    size_t n = strlen(e.msg);
    CHECK(e.kind == WS_EINPUT && n == 1023, "long: %zu bytes, expected 1023", n);
    CHECK(n > 8 && !strcmp(e.msg + n - 8, ": reason"), "long: the reason lost: '%s'", e.msg + (n > 40 ? n - 40 : 0));
    CHECK(e.msg[0] == 'D' && !strncmp(e.msg + 510, "...", 3), "long: not its start, ... at 510: '%.8s' '%.5s'", e.msg,
          e.msg + 508);
    /* a WHERE of 300 bytes and a short message: both whole (the WHERE was cut at 255) */
    db[300] = 0;
    ws_err_set(&e, WS_EINTERNAL, "%s", "no such table");
    ws_err_prefix(&e, "%s: study '%s'", db, "kws");
    n = strlen(e.msg);
    CHECK(e.kind == WS_EINTERNAL && n == 300 + 13 + 15 && !strcmp(e.msg + 300, ": study 'kws': no such table"),
          "where of 300 bytes: %zu bytes, ends '%s'", n, e.msg + (n > 40 ? n - 40 : 0));
    /* a short one is as before */
    ws_err_set(&e, WS_EINPUT, "bad value");
    ws_err_prefix(&e, "trial %d", 7);
    CHECK(!strcmp(e.msg, "trial 7: bad value") && e.kind == WS_EINPUT, "short: '%s'", e.msg);
}

/* ws_sum_numpy against numpy 1.24's np.add.reduce (golden sums by tests/ref/make_numsum_golden.py,
 * of arrays by the formula repeated here): exact, past numpy's buffer of 8192 elements too, whose
 * blocks numpy adds one after another. */
static double numsum_value(size_t i)
{
    double v = (double)(i * 7919 % 1009 + 1) / (double)(i * 31 % 97 + 1);
    return i % 3 == 0 ? -v : v;
}

static void test_sum_numpy(void)
{
    static const struct { size_t n; double sum; } cases[] = {
        {0, 0x0.0p+0},
        {1, -0x1.0000000000000p+0},
        {7, 0x1.838292fbdba38p+5},
        {8, 0x1.5fc1497dedd1cp+6},
        {9, 0x1.9992bddb05179p+6},
        {127, 0x1.95299d49053dfp+10},
        {128, 0x1.9865335aacf76p+10},
        {129, 0x1.9a128104622e0p+10},
        {200, 0x1.563462a80a6f6p+11},
        {1000, 0x1.ee8b66eb1e020p+12},
        {8191, 0x1.11eb0ecddbe27p+16},
        {8192, 0x1.11f846e9e9e98p+16},
        {8193, 0x1.126c46e9e9e98p+16},
        {8200, 0x1.12c32e8f63dbbp+16},
        {12000, 0x1.9987c610a04f1p+16},
        {16384, 0x1.184b2471b7cf2p+17},
        {16385, 0x1.1862c1fb906cbp+17},
        {20000, 0x1.56018b7da32e0p+17},
        {40000, 0x1.5cc01fb8132dbp+18},
        {100001, 0x1.b3727ef539ba2p+19},
    };
    double *v = malloc(100001 * sizeof *v);
    CHECK(v, "out of memory");
    if (!v) return;
    for (size_t i = 0; i < 100001; i++) v[i] = numsum_value(i);
    int wrong = 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double got = ws_sum_numpy(v, cases[c].n);
        if (got != cases[c].sum) {
            wrong++;
            CHECK(0, "n %zu: %a, numpy's %a", cases[c].n, got, cases[c].sum);
        }
    }
    if (wrong) printf("# test_sum_numpy: %d of %zu sums not numpy's\n", wrong, sizeof cases / sizeof cases[0]);
    free(v);
}

int main(void)
{
    RUN(test_float_repr_matches_python);
    RUN(test_json_load_python);
    RUN(test_parse_numbers);
    RUN(test_atomic_write);
    RUN(test_atomic_commit_new);
    RUN(test_atomic_remove_same);
    RUN(test_atomic_commit_over);
    RUN(test_atomic_reap);
    RUN(test_process_ancestor);
    RUN(test_atomic_guards);
    RUN(test_rng);
    RUN(test_sum_numpy);
    RUN(test_datetime_round_trip);
    RUN(test_datetime_local);
    RUN(test_text_show);
    RUN(test_err_set_tail);
    RUN(test_err_set_long);
    RUN(test_err_prefix_long);
    return test_summary();
}
