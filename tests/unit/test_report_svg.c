/* test_report_svg.c — the HTML report's building blocks (lib/report/svg.c, plots_study.c) at
 * their edges: scales and padded domains near ±DBL_MAX stay finite (SVG attributes take no nan
 * or inf), and text cut to fit a buffer is cut between UTF-8 characters (tooltips, labels). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "report/html.h"
#include "report/svg.h"

/* Whether s is well-formed UTF-8 (RFC 3629: no overlong forms or surrogates needed here, only
 * whole sequences). */
static int utf8_whole(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
        if (!len) return 0;
        for (int k = 1; k < len; k++) if ((p[k] & 0xc0) != 0x80) return 0;
        p += len;
    }
    return 1;
}

static void test_scale_near_dbl_max(void)
{
    double lo = -1.7e308, hi = 1.7e308;
    ws_pad_domain(&lo, &hi, 0.06, 0);
    CHECK(isfinite(lo) && isfinite(hi) && lo <= -1.7e308 && hi >= 1.7e308, "padded to [%g, %g]", lo, hi);
    ws_scale y;
    ws_scale_init(&y, lo, hi, 280, 40, 0);
    double mid = ws_scale_map(&y, 0), top = ws_scale_map(&y, hi), bottom = ws_scale_map(&y, lo);
    /* by hand: 0 is the middle of a symmetric domain, its ends the ends of the range */
    CHECK_NEAR(mid, 160, 1e-9);
    CHECK_NEAR(top, 40, 1e-9);
    CHECK_NEAR(bottom, 280, 1e-9);
    CHECK(isfinite(ws_scale_map(&y, INFINITY)) && isfinite(ws_scale_map(&y, -INFINITY)) && isfinite(ws_scale_map(&y, NAN)),
          "a non-finite value maps to a finite coordinate");
    lo = hi = DBL_MAX;   /* one value: a small interval around it, still finite */
    ws_pad_domain(&lo, &hi, 0.05, 0);
    CHECK(isfinite(lo) && isfinite(hi) && lo < hi, "[%g, %g]", lo, hi);
    lo = 1e-300;
    hi = 1e300;
    ws_pad_domain(&lo, &hi, 0.5, 1);
    CHECK(lo > 0 && isfinite(hi), "log padding keeps (0, DBL_MAX]: [%g, %g]", lo, hi);
    /* an ordinary domain maps as before: 25 in [0, 100] onto [0, 200] */
    ws_scale_init(&y, 0, 100, 0, 200, 0);
    CHECK_NEAR(ws_scale_map(&y, 25), 50, 1e-12);
    lo = 0;
    hi = 10;
    ws_pad_domain(&lo, &hi, 0.05, 0);
    CHECK_NEAR(lo, -0.5, 1e-12);
    CHECK_NEAR(hi, 10.5, 1e-12);
}

static void test_text_cut_between_characters(void)
{
    char buf[8];
    ws_text_copy(buf, sizeof buf, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac");   /* €€€: 9 bytes, 7 fit */
    CHECK(!strcmp(buf, "\xe2\x82\xac\xe2\x82\xac"), "two euros fit whole, got %zu bytes", strlen(buf));
    ws_text_copy(buf, sizeof buf, "abc");
    CHECK(!strcmp(buf, "abc"), "short text copied whole");
    ws_text_printf(buf, 4, "%s", "\xc3\xa9\xc3\xa9");   /* éé: 4 bytes, 3 fit */
    CHECK(!strcmp(buf, "\xc3\xa9"), "one é, got %zu bytes", strlen(buf));
    char fit[16];
    ws_fit_text(fit, sizeof fit, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 1000, 12);
    CHECK(utf8_whole(fit) && strlen(fit) == 15, "ws_fit_text cuts to whole characters: %zu bytes", strlen(fit));
}

static void test_tip_is_whole_utf8(void)
{
    /* a trial whose categorical value is 300 euros (900 bytes): every buffer size cuts it */
    char *choice = malloc(901);
    for (int i = 0; i < 300; i++) memcpy(choice + 3 * i, "\xe2\x82\xac", 3);
    choice[900] = 0;
    ws_param p = {.name = "gr\xc3\xb6\xc3\x9f" "e", .dist = {.kind = WS_DIST_CATEGORICAL}, .internal = 0};
    p.dist.choices = json_pack("[s]", choice);
    ws_trial t = {.number = 3, .state = WS_COMPLETE, .has_value = 1, .value = 10, .params = &p, .n_params = 1};
    char full[2048], tip[512];
    ws_trial_tip(&t, full, sizeof full);
    CHECK(strstr(full, choice) && !strncmp(full, "trial 3 (COMPLETE): 10; gr\xc3\xb6\xc3\x9f" "e=", 29),
          "the whole tip: %.40s", full);
    for (size_t n = 500; n < 512 && !test_why[0]; n++) {
        ws_trial_tip(&t, tip, n);
        CHECK(utf8_whole(tip) && strlen(tip) >= n - 3 && !strncmp(tip, full, strlen(tip)),
              "size %zu: %zu bytes, whole UTF-8 %d", n, strlen(tip), utf8_whole(tip));
    }
    json_decref(p.dist.choices);
    free(choice);
}

int main(void)
{
    RUN(test_scale_near_dbl_max);
    RUN(test_text_cut_between_characters);
    RUN(test_tip_is_whole_utf8);
    return test_summary();
}
