/* clock.h — wall and monotonic time, and the UTC datetime text Optuna's RDB schema stores
 * ("YYYY-MM-DD HH:MM:SS.ffffff", naive UTC). */
#ifndef WS_CORE_CLOCK_H
#define WS_CORE_CLOCK_H
#include <stddef.h>

double ws_now_s(void);        /* seconds since the epoch, microsecond resolution */
double ws_mono_s(void);       /* monotonic seconds, for durations */
/* Formats epoch seconds as Optuna's datetime text into buf (>= 27 bytes). */
void ws_datetime_format(double t_s, char *buf, size_t len);
/* Parses Optuna's datetime text (fraction optional); returns NAN on bad text. */
double ws_datetime_parse(const char *text);

#endif
