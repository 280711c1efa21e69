/* parse.h — numbers from the command line and configs: strtol/strtod with an end-pointer check,
 * never atoi. Each returns 0, or -1 with e filled as "NAME: expected ..., got 'TEXT'". And the
 * length of UTF-8 text in characters. */
#ifndef WS_CORE_PARSE_H
#define WS_CORE_PARSE_H
#include "core/err.h"

int ws_parse_long(const char *s, const char *name, long *out, ws_err *e);
/* A long in [lo, hi]. */
int ws_parse_long_range(const char *s, const char *name, long lo, long hi, long *out, ws_err *e);
/* Any double strtod accepts, "nan" and "inf" included. */
int ws_parse_double(const char *s, const char *name, double *out, ws_err *e);
/* A finite double: nan, inf and a number beyond the largest double are "expected a finite
 * number", for options where infinity means nothing. */
int ws_parse_double_finite(const char *s, const char *name, double *out, ws_err *e);
/* Characters (code points) of valid UTF-8 text: limits such as Optuna's 512-character study
 * name count these, not bytes. */
size_t ws_utf8_length(const char *s);

#endif
