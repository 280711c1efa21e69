/* clock.h — wall and monotonic time, and the datetime text Optuna's RDB schema stores
 * ("YYYY-MM-DD HH:MM:SS.ffffff", naive: no zone in the text).
 *
 * Two zones, as Optuna 3.1 writes them: a trial's datetime_start and datetime_complete are
 * Python's datetime.now(), naive LOCAL time (TZ), while heartbeats are the database's
 * CURRENT_TIMESTAMP, naive UTC on SQLite, and Optuna compares them with the database's clock.
 * So trial datetimes go through ws_datetime_format/_parse, heartbeats through the _utc pair;
 * mixing them makes durations off by the UTC offset. */
#ifndef WS_CORE_CLOCK_H
#define WS_CORE_CLOCK_H
#include <stddef.h>

double ws_now_s(void);        /* seconds since the epoch, microsecond resolution */
double ws_mono_s(void);       /* monotonic seconds, for durations */
/* Formats epoch seconds as Optuna's trial datetime text, in local time, into buf (>= 27 bytes);
 * "" for a time that has none (NaN, +-inf, beyond about 1e15 s either way). */
void ws_datetime_format(double t_s, char *buf, size_t len);
/* Parses Optuna's trial datetime text (local time; fraction optional) to epoch seconds; NAN on
 * bad text. A wall time that occurs twice (the hour when DST ends) reads as the C library picks. */
double ws_datetime_parse(const char *text);
/* The same in UTC, for heartbeats (SQLite's CURRENT_TIMESTAMP). */
void ws_datetime_format_utc(double t_s, char *buf, size_t len);
double ws_datetime_parse_utc(const char *text);

#endif
