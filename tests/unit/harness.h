/* harness.h — the unit-test harness: a test is a function; checks inside it record the first
 * failure with file:line; each test prints "ok NAME", "FAIL NAME: why" or "skip NAME: why"
 * (the format tests/run.sh counts). main() is a list of RUN(name) lines and returns
 * test_summary(), non-zero when anything failed. */
#ifndef WS_TEST_HARNESS_H
#define WS_TEST_HARNESS_H
#include <math.h>
#include <stdio.h>
#include <string.h>

static int test_failed_count;
static char test_why[4096];   /* first failure of the running test; empty = none yet */
static char test_skip_why[512];

#define CHECK(cond, ...) do { if (!(cond) && !test_why[0]) { \
    int n_ = snprintf(test_why, sizeof test_why, "%s:%d: ", __FILE__, __LINE__); \
    if (n_ > 0 && (size_t)n_ < sizeof test_why) snprintf(test_why + n_, sizeof test_why - (size_t)n_, __VA_ARGS__); \
    } } while (0)
#define CHECK_NEAR(a, b, tol) do { double a_ = (a), b_ = (b); \
    CHECK(fabs(a_ - b_) <= (tol), "%s = %.10g, %s = %.10g, differ by more than %g", #a, a_, #b, b_, (double)(tol)); \
    } while (0)
#define CHECK_REL(a, b, rtol) do { double a_ = (a), b_ = (b); \
    CHECK(fabs(a_ - b_) <= (rtol) * fmax(fabs(a_), fabs(b_)) + 1e-30, \
          "%s = %.10g, %s = %.10g, relative error above %g", #a, a_, #b, b_, (double)(rtol)); } while (0)
#define SKIP(...) do { snprintf(test_skip_why, sizeof test_skip_why, __VA_ARGS__); return; } while (0)

#define RUN(fn) do { test_why[0] = 0; test_skip_why[0] = 0; fn(); test_report(#fn); } while (0)

static inline void test_report(const char *name)
{
    if (test_skip_why[0] && !test_why[0]) {
        printf("skip %s: %s\n", name, test_skip_why);
    } else if (test_why[0]) {
        printf("FAIL %s: %s\n", name, test_why);
        test_failed_count++;
    } else {
        printf("ok %s\n", name);
    }
    fflush(stdout);
}

static inline int test_summary(void) { return test_failed_count ? 1 : 0; }
#endif
