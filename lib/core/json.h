/* json.h — JSON helpers on jansson: loading files and lines with positions in errors, printing
 * one compact JSON line, and typed field access whose errors name the field path. */
#ifndef WS_CORE_JSON_H
#define WS_CORE_JSON_H
#include <jansson.h>
#include <stdio.h>
#include "core/err.h"

/* jansson's message for a text it could not read, in the reader's words where jansson names
 * its own API (a NUL in a string) */
const char *ws_json_error_text(const json_error_t *je);
/* Loads a whole JSON file; syntax errors read "PATH:LINE:COL: what", and so does a NUL byte
 * in it (ws_json_nul_error); a file of nothing, or of white space alone, reads "PATH: empty:
 * expected a JSON object" ("only white space"). One of more than WS_JSON_FILE_MAX bytes is refused (WS_EINPUT):
 * the configs and trial lines read so are kilobytes, and a pipe may never end. */
#define WS_JSON_FILE_MAX (16 << 20)
json_t *ws_json_load_file(const char *path, ws_err *e);
/* The same for an open stream (stdin for a FILE given as "-"), named `path` in messages; the
 * caller closes it. */
json_t *ws_json_load_stream(FILE *f, const char *path, ws_err *e);
/* The one JSON value of path ("-": stdin) that another tool printed as a line, NOUN in messages
 * ("trial line"): the whole input is that value, so one that jq pretty-printed, or blank lines
 * around it, read as well; a second object is refused, "PATH: more than one NOUN; ONE_ONLY"
 * (ONE_ONLY: why one), anything else after it said where it is; a UTF-8 byte order mark skipped;
 * no more than WS_JSON_LINE_MAX bytes. NULL with e set (WS_EINPUT) when it cannot be read so. */
#define WS_JSON_LINE_MAX (1 << 20)
json_t *ws_json_read_one(const char *path, const char *noun, const char *one_only, ws_err *e);
/* A NUL byte is no JSON text, but jansson takes one for the end of the text and says "end of
 * file expected near end of file" (a file padded with NULs after a crash) or "'}' expected
 * near end of file" (one inside). For JSON text whose first NUL is at text[off]: fills e with
 * "WHERE:LINE:COL: a NUL byte: expected WHAT", LINE and COL counted as jansson counts them
 * (from 1; COL in characters), and returns -1. */
int ws_json_nul_error(const char *text, size_t off, const char *where, const char *what, ws_err *e);
/* Parses JSON that Python's json module wrote: strict JSON, or with its bare NaN, Infinity and
 * -Infinity (Optuna's attributes of non-finite values), read as null and +-DBL_MAX, the
 * stand-ins of ws_json_real_capped. NULL when it is not JSON even so. */
json_t *ws_json_load_python(const char *text);
/* The same, each bare token read as the string "\x01" and its text ("\x01-Infinity"), to tell
 * which values they were where a stand-in would be ambiguous (null, the largest double). */
json_t *ws_json_load_python_marked(const char *text);
/* Parses one JSON text; `where` names its origin, a line as "FILE:LINE" ("stdin:3"), and a
 * syntax error reads "WHERE:COL: what" (no column at the end of the text). */
json_t *ws_json_load_string(const char *text, const char *where, ws_err *e);
/* A JSON string of text (a message, a name), its bytes that are not UTF-8 written as \xNN
 * (ws_text_escape), as the tools' messages show them. json_string gives NULL for such text, and
 * an error quoting a file name (any bytes) became a trial's reason so: train-trial died of
 * SIGSEGV writing it. NULL only when out of memory. */
json_t *ws_json_text(const char *text);
/* Output styles for ws_json_dump. Default: compact, keys in insertion order. */
enum { WS_JSON_SORT = 1, WS_JSON_PYTHON = 2 };
/* JSON text of j with reals in shortest round-trip form (NaN/inf as null, or as Python's
 * NaN/Infinity in the Python style); caller frees. NULL when out of memory. */
char *ws_json_dump(const json_t *j, int flags);
/* The shortest decimal text that reads back as v, with ".0" on integral values (Python repr). */
void ws_json_format_double(double v, char *out, size_t len);
/* v as a message shows it: as Python's str(v), the shortest text that reads back, an integral
 * value without its ".0" (1, 0.5, 1.0000001, -1e-07; inf, nan as %g has them). %g's six digits
 * showed a value just past a bound as the bound ("1: must be in [0, 1]"). Returns buf. */
const char *ws_real_text(double v, char *buf, size_t size);
/* Writes j as one compact line (keys in insertion order) and flushes. 0 or -1 (I/O error). */
int ws_json_print_line(FILE *f, const json_t *j);
/* Compact, key-sorted text (for comparing configs); caller frees. */
char *ws_json_canonical(const json_t *j);
/* A double as JSON: finite numbers as reals, NaN and ±inf as null (JSON has no such numbers). */
json_t *ws_json_number(double v);
/* A double for a study attribute that is compared, not shown (constraint values, rung values):
 * ±inf as ±DBL_MAX, which jansson can hold and which compares and judges (> 0: infeasible) the
 * same; NULL for NaN. */
json_t *ws_json_real_capped(double v);
/* The same for a shown value that may be infinite (report's trial and intermediate values), so
 * +-inf stays told apart from "no value": +-DBL_MAX; null for NaN. */
json_t *ws_json_number_capped(double v);
/* Python's == on JSON scalars: 1 == 1.0 (jq and other tools print 6.0 as 6), true == 1 aside
 * (booleans are kept apart); an integer and a fraction exactly, as Python compares them. */
int ws_json_scalar_equal(const json_t *a, const json_t *b);

/* Typed, optional field access: when the key is absent, *out keeps its default and 0 is
 * returned; a present value of the wrong type is an error naming "where.key". */
int ws_json_get_number(const json_t *obj, const char *key, const char *where, double *out, ws_err *e);
int ws_json_get_int(const json_t *obj, const char *key, const char *where, long *out, ws_err *e);
int ws_json_get_bool(const json_t *obj, const char *key, const char *where, int *out, ws_err *e);
int ws_json_get_string(const json_t *obj, const char *key, const char *where, const char **out, ws_err *e);
/* Fails when obj has a key not in the NULL-terminated list `known` (catches typos in configs). */
int ws_json_check_keys(const json_t *obj, const char *const *known, const char *where, ws_err *e);
/* Name of a JSON value's type for messages: "a string", "an array", ... */
const char *ws_json_type_name(const json_t *j);
/* A field's value for a message's "got ...": the value itself where it is of the type the field
 * takes, `shown` (a string quoted, "\"other-nn\"", or an integer, "99", written into buf), else
 * its type's name ("a string" where an integer was expected: ws_json_type_name). */
const char *ws_json_got(const json_t *j, json_type shown, char *buf, size_t len);

#endif
