/* parse.c — checked number parsing (see parse.h). */
#include "core/parse.h"
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* strtol with the checks: 0, -1 not an integer (white space around it included), -2 an integer
 * beyond a long (*out then LONG_MIN or LONG_MAX, its side) */
static int read_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : 0;
    /* strtol skips leading white space but stops at trailing: " 5" and "5 " are both refused */
    if (!s || !*s || isspace((unsigned char)*s) || *end || end == s) return -1;
    *out = v;
    return errno == ERANGE ? -2 : 0;
}

int ws_parse_long(const char *s, const char *name, long *out, ws_err *e)
{
    return ws_parse_long_range(s, name, LONG_MIN, LONG_MAX, out, e);
}

int ws_parse_long_range(const char *s, const char *name, long lo, long hi, long *out, ws_err *e)
{
    long v;
    int rc = read_long(s, &v);
    if (rc == -1) return ws_err_set(e, WS_EINPUT, "%s: expected an integer, got '%s'", name, s ? s : "");
    /* an integer past a long is out of any range: said so, with the text as written */
    if (rc == -2) return ws_err_set(e, WS_EINPUT, "%s: expected an integer in [%ld, %ld], got %s", name, lo, hi, s);
    if (v < lo || v > hi)
        return ws_err_set(e, WS_EINPUT, "%s: expected an integer in [%ld, %ld], got %ld", name, lo, hi, v);
    *out = v;
    return 0;
}

static int parse_double(const char *s, const char *name, int finite, double *out, ws_err *e)
{
    char *end;
    errno = 0;
    double v = s ? strtod(s, &end) : 0;
    /* strtod also reads C's hexadecimal floats ("0x10"); a decimal number is what is meant, as
     * Python's float() (Optuna's CLI) takes it; strtod skips leading white space but stops at
     * trailing: " 5" and "5 " are both refused, as parse_long refuses them */
    if (!s || !*s || isspace((unsigned char)*s) || *end || strpbrk(s, "xX"))
        return ws_err_set(e, WS_EINPUT, "%s: expected a number, got '%s'", name, s ? s : "");
    /* where infinity is refused, an overflow is refused as such: "write inf" would mislead */
    if (finite && !isfinite(v)) return ws_err_set(e, WS_EINPUT, "%s: expected a finite number, got '%s'", name, s);
    /* as Python's float(): too small rounds to 0 (or a subnormal), too large is refused (there it
     * would be inf, which is written "inf" when meant) */
    if (errno == ERANGE && isinf(v))
        return ws_err_set(e, WS_EINPUT, "%s: %s is beyond the largest double (write inf for infinity)", name, s);
    *out = v;
    return 0;
}

int ws_parse_double(const char *s, const char *name, double *out, ws_err *e)
{
    return parse_double(s, name, 0, out, e);
}

int ws_parse_double_finite(const char *s, const char *name, double *out, ws_err *e)
{
    return parse_double(s, name, 1, out, e);
}

size_t ws_utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;   /* every byte but continuations */
    return n;
}
