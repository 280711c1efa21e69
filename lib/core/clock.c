/* clock.c — time helpers (see clock.h). */
#include "core/clock.h"
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

double ws_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000) * 1e-6;
}

double ws_mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Past about 31 million years either way (and for NaN, +-inf): a double that a time_t cannot
 * hold is undefined to convert, and gmtime fails before its int year overflows. */
#define FORMAT_MAX_S 1e15

static void format(double t_s, int utc, char *buf, size_t len)
{
    /* such a time has no text: "" (which SQLite's julianday reads as NULL, matching no time).
     * It was the text of an uninitialized struct tm: a suggest --grace 1e300 read past it. */
    if (len) buf[0] = 0;
    if (!(fabs(t_s) < FORMAT_MAX_S)) return;
    time_t sec = (time_t)floor(t_s);
    long usec = lround((t_s - (double)sec) * 1e6);
    if (usec >= 1000000) { sec++; usec -= 1000000; }
    struct tm tm;
    if (!(utc ? gmtime_r(&sec, &tm) : localtime_r(&sec, &tm))) return;
    char base[32];
    if (!strftime(base, sizeof base, "%Y-%m-%d %H:%M:%S", &tm)) return;
    snprintf(buf, len, "%s.%06ld", base, usec);
}

static pthread_once_t tz_once = PTHREAD_ONCE_INIT;
static void tz_init(void) { tzset(); }

/* A local wall time to epoch seconds. Not mktime: glibc's re-reads the zone file on every call
 * (about 3 us), which a study of thousands of trials pays twice a trial on every load. The wall
 * time read as UTC, less the zone's offset at that instant, looked up again at the result (the
 * offset may change in between, at a DST switch). */
static time_t local_to_epoch(struct tm *tm)
{
    pthread_once(&tz_once, tz_init);
    time_t wall = timegm(tm), t = wall;
    struct tm lt;
    for (int i = 0; i < 2; i++) {
        if (!localtime_r(&t, &lt)) return wall;
        t = wall - lt.tm_gmtoff;
    }
    return t;
}

static double parse(const char *text, int utc)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *rest = text ? strptime(text, "%Y-%m-%d %H:%M:%S", &tm) : NULL;
    if (!rest) return NAN;
    double frac = 0;
    if (*rest == '.') {
        double scale = 0.1;
        for (rest++; *rest >= '0' && *rest <= '9'; rest++, scale /= 10) frac += (*rest - '0') * scale;
    }
    return (double)(utc ? timegm(&tm) : local_to_epoch(&tm)) + frac;
}

void ws_datetime_format(double t_s, char *buf, size_t len) { format(t_s, 0, buf, len); }
double ws_datetime_parse(const char *text) { return parse(text, 0); }
void ws_datetime_format_utc(double t_s, char *buf, size_t len) { format(t_s, 1, buf, len); }
double ws_datetime_parse_utc(const char *text) { return parse(text, 1); }
