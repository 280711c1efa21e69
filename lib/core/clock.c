/* clock.c — time helpers (see clock.h). */
#include "core/clock.h"
#include <math.h>
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

void ws_datetime_format(double t_s, char *buf, size_t len)
{
    time_t sec = (time_t)floor(t_s);
    long usec = lround((t_s - (double)sec) * 1e6);
    if (usec >= 1000000) { sec++; usec -= 1000000; }
    struct tm tm;
    gmtime_r(&sec, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(buf, len, "%s.%06ld", base, usec);
}

double ws_datetime_parse(const char *text)
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
    return (double)timegm(&tm) + frac;
}
