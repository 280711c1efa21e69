/* json.c — JSON helpers (see json.h). */
#include "core/json.h"
#include "core/text.h"
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *ws_json_error_text(const json_error_t *je)
{
    /* jansson names its own decoding flag here; the reader needs the rule */
    if (strstr(je->text, "JSON_ALLOW_NUL")) return "\\u0000 (a NUL character) is not allowed in a string";
    /* "too big integer near '...'" gave no bound: the reader needs to know that integers are 64-bit */
    if (strstr(je->text, "too big")) {
        static __thread char text[sizeof je->text + 96];
        snprintf(text, sizeof text, "%s: an integer must be within -9223372036854775808 to 9223372036854775807",
                 je->text);
        return text;
    }
    return je->text;
}

int ws_json_nul_error(const char *text, size_t off, const char *where, const char *what, ws_err *e)
{
    long line = 1, col = 1;
    for (size_t i = 0; i < off; i++)
        if (text[i] == '\n') { line++; col = 1; }
        else if (((unsigned char)text[i] & 0xC0) != 0x80) col++;   /* not a UTF-8 continuation byte */
    return ws_err_set(e, WS_EINPUT, "%s:%ld:%ld: a NUL byte: expected %s", where, line, col, what);
}

json_t *ws_json_load_file(const char *path, ws_err *e)
{
    FILE *f = fopen(path, "r");
    if (!f) {   /* jansson's words, as json_load_file said it */
        ws_err_set(e, WS_EINPUT, "%s: cannot read: unable to open %s: %s", path, path, strerror(errno));
        return NULL;
    }
    json_t *j = ws_json_load_stream(f, path, e);
    fclose(f);
    return j;
}

/* Whether the n bytes at text (no NUL among them, none after) are JSON's white space alone. */
static int only_white_space(const char *text, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(" \t\r\n", text[i])) return 0;
    return 1;
}

json_t *ws_json_load_stream(FILE *f, const char *path, ws_err *e)
{
    /* read whole (a pipe too: --config <(jq ...)), but only up to a NUL byte, which ends the
     * JSON text that can be read (and a device such as /dev/zero is not read for ever), and
     * WS_JSON_FILE_MAX bytes: a pipe that never ends (<(yes)) was read until memory ran out */
    char *text = NULL, *nul = NULL;
    size_t n = 0, cap = 0;
    int bad_read = 0;
    while (!nul && n <= WS_JSON_FILE_MAX) {
        if (cap - n < 4096) {
            char *t = realloc(text, cap = cap * 2 + 8192);
            if (!t) { free(text); ws_err_set(e, WS_ENOMEM, "%s: out of memory", path); return NULL; }
            text = t;
        }
        size_t want = cap - n < WS_JSON_FILE_MAX + 1 - n ? cap - n : WS_JSON_FILE_MAX + 1 - n;
        size_t got = fread(text + n, 1, want, f);
        if (!got) { bad_read = ferror(f) ? errno : 0; break; }
        nul = memchr(text + n, '\0', got);
        n += got;
    }
    if (!nul && n > WS_JSON_FILE_MAX) {
        free(text);
        ws_err_set(e, WS_EINPUT, "%s: more than %d bytes: expected a JSON file (a config or a trial line; they are far "
                   "smaller)", path, WS_JSON_FILE_MAX);
        return NULL;
    }
    json_t *j = NULL;
    json_error_t je;
    struct stat st;
    size_t len = nul ? (size_t)(nul - text) : n;
    /* a UTF-8 byte order mark, which Windows tools (Notepad, PowerShell) start a text file with,
     * is skipped (RFC 8259 lets a reader ignore it), as it is at the start of a manifest: it was
     * "FILE:1:1: '[' or '{' expected near ''", the mark not to be seen */
    size_t bom = ws_text_bom(text, len);
    /* a directory opens, and reads EISDIR: say what it is */
    if (bad_read && !fstat(fileno(f), &st) && S_ISDIR(st.st_mode))
        ws_err_set(e, WS_EINPUT, "%s: is a directory, expected a JSON file", path);
    else if (bad_read)
        ws_err_set(e, WS_EINPUT, "%s: cannot read: %s", path, strerror(bad_read));
    /* no text at all (report --best, which prints nothing while a study has no best, piped into
     * suggest --fixed -) is said as such: the parser's "'[' or '{' expected near end of file"
     * read as a line broken, not as none */
    else if (!nul && only_white_space(text + bom, len - bom))
        ws_err_set(e, WS_EINPUT, "%s: %s: expected a JSON object", path, len == bom ? "empty" : "only white space");
    else if (!(j = json_loadb(text + bom, len - bom, JSON_REJECT_DUPLICATES, &je)) && !(nul && (size_t)je.position >= len - bom))
        ws_err_set(e, WS_EINPUT, "%s:%d:%d: %s", path, je.line, je.column, ws_json_error_text(&je));
    else if (nul) {   /* the text before it was fine, or ended at it */
        json_decref(j);
        j = NULL;
        ws_json_nul_error(text + bom, len - bom, path, "JSON text", e);
    }
    free(text);
    return j;
}

json_t *ws_json_load_string(const char *text, const char *where, ws_err *e)
{
    json_error_t je;
    if (!text) {   /* an SQL NULL where JSON text was stored (a damaged or hand-edited study) */
        ws_err_set(e, WS_EINPUT, "%s: no JSON text (NULL)", where);
        return NULL;
    }
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    /* where is "FILE:LINE"; jansson's column is 0 at the end of the text, which has no column */
    if (!j && je.column > 0) ws_err_set(e, WS_EINPUT, "%s:%d: %s", where, je.column, ws_json_error_text(&je));
    else if (!j) ws_err_set(e, WS_EINPUT, "%s: %s", where, ws_json_error_text(&je));
    return j;
}

json_t *ws_json_text(const char *text)
{
    if (ws_text_is_utf8(text)) return json_string(text);
    char *shown = ws_text_escape(text);
    json_t *j = shown ? json_string(shown) : NULL;
    free(shown);
    return j;
}

int ws_json_print_line(FILE *f, const json_t *j)
{
    char *s = ws_json_dump(j, 0);
    if (!s) return -1;
    int rc = (fputs(s, f) < 0 || fputc('\n', f) == EOF || fflush(f)) ? -1 : 0;
    free(s);
    return rc;
}

char *ws_json_canonical(const json_t *j)
{
    return ws_json_dump(j, WS_JSON_SORT);
}

json_t *ws_json_number(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *ws_json_real_capped(double v)
{
    return isnan(v) ? NULL : json_real(isinf(v) ? copysign(DBL_MAX, v) : v);
}

json_t *ws_json_number_capped(double v)
{
    return isnan(v) ? json_null() : ws_json_real_capped(v);
}

int ws_json_scalar_equal(const json_t *a, const json_t *b)
{
    if (json_is_integer(a) && json_is_integer(b)) return json_integer_value(a) == json_integer_value(b);
    if (json_is_real(a) && json_is_integer(b)) { const json_t *t = a; a = b, b = t; }
    if (json_is_integer(a) && json_is_real(b)) {
        /* exactly, as Python compares an int with a float: through a double, 2^53 + 1 was 2^53
         * (two seeds past 2^53 one value) */
        double r = json_real_value(b);
        return r == floor(r) && r >= -9223372036854775808.0 && r < 9223372036854775808.0
               && (json_int_t)r == json_integer_value(a);
    }
    if (json_is_number(a) && json_is_number(b)) return json_number_value(a) == json_number_value(b);
    return json_equal((json_t *)a, (json_t *)b);
}

static json_t *load_python(const char *text, const char *const stand_in[3])
{
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
    if (j || !strpbrk(text, "NI")) return j;
    /* Python's bare tokens, outside strings, become their stand-ins; the rest is copied. */
    static const char *const token[] = {"-Infinity", "Infinity", "NaN"};
    size_t n = strlen(text);
    char *t = malloc(4 * n + 1), *o = t;   /* a marked NaN: 11 bytes for 3 */
    if (!t) return NULL;
    int in_string = 0;
    for (const char *p = text; *p;) {
        if (in_string) {
            if (*p == '\\' && p[1]) *o++ = *p++;
            else if (*p == '"') in_string = 0;
            *o++ = *p++;
            continue;
        }
        if (*p == '"') in_string = 1;
        size_t k = 0;
        while (k < 3 && strncmp(p, token[k], strlen(token[k]))) k++;
        if (k < 3) { o = stpcpy(o, stand_in[k]); p += strlen(token[k]); }
        else *o++ = *p++;
    }
    *o = 0;
    j = json_loads(t, JSON_DECODE_ANY, NULL);
    free(t);
    return j;
}

json_t *ws_json_load_python(const char *text)
{
    static const char *const stand_in[] = {"-1.7976931348623157e308", "1.7976931348623157e308", "null"};
    return load_python(text, stand_in);
}

json_t *ws_json_load_python_marked(const char *text)
{
    static const char *const mark[] = {"\"\\u0001-Infinity\"", "\"\\u0001Infinity\"", "\"\\u0001NaN\""};
    return load_python(text, mark);
}

const char *ws_json_type_name(const json_t *j)
{
    if (!j) return "nothing (the key is missing)";
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

const char *ws_json_got(const json_t *j, json_type shown, char *buf, size_t len)
{
    if (shown == JSON_STRING && json_is_string(j)) snprintf(buf, len, "\"%s\"", json_string_value(j));
    else if (shown == JSON_INTEGER && json_is_integer(j)) snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
    else return ws_json_type_name(j);
    return buf;
}

/* How a key is named after where: "FILE: key" at the top of a file or a line ("kws.json: objective",
 * "m.jsonl:3: path", "trial line: seed"); a dotted path inside an object, whether where already
 * names the file ("kws.json: space.x.low") or is an object path itself ("params.dropout"). */
static const char *key_sep(const char *where)
{
    if (strstr(where, ": ")) return ".";
    return strpbrk(where, ". :") ? ": " : ".";
}

int ws_json_get_number(const json_t *obj, const char *key, const char *where, double *out, ws_err *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return 0;
    if (!json_is_number(v))
        return ws_err_set(e, WS_EINPUT, "%s%s%s: expected a number, got %s", where, key_sep(where), key, ws_json_type_name(v));
    *out = json_number_value(v);
    return 0;
}

int ws_json_get_int(const json_t *obj, const char *key, const char *where, long *out, ws_err *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return 0;
    double d = json_is_number(v) ? json_number_value(v) : NAN;
    if (!json_is_number(v) || d != floor(d))
        return ws_err_set(e, WS_EINPUT, "%s%s%s: expected an integer, got %s", where, key_sep(where), key,
                          json_is_number(v) ? "a fraction" : ws_json_type_name(v));
    if (fabs(d) > 9e15) {   /* 1e20 is whole: "a fraction" misled */
        char got[40];   /* as written (ws_real_text): %g showed 9000000000000001 as 9e+15 */
        return ws_err_set(e, WS_EINPUT, "%s%s%s: expected an integer within +-9e15, got %s", where, key_sep(where), key,
                          ws_real_text(d, got, sizeof got));
    }
    *out = (long)d;
    return 0;
}

int ws_json_get_bool(const json_t *obj, const char *key, const char *where, int *out, ws_err *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return 0;
    if (!json_is_boolean(v))
        return ws_err_set(e, WS_EINPUT, "%s%s%s: expected true or false, got %s", where, key_sep(where), key, ws_json_type_name(v));
    *out = json_is_true(v);
    return 0;
}

int ws_json_get_string(const json_t *obj, const char *key, const char *where, const char **out, ws_err *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return 0;
    if (!json_is_string(v))
        return ws_err_set(e, WS_EINPUT, "%s%s%s: expected a string, got %s", where, key_sep(where), key, ws_json_type_name(v));
    *out = json_string_value(v);
    return 0;
}

int ws_json_check_keys(const json_t *obj, const char *const *known, const char *where, ws_err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        int ok = 0;
        for (const char *const *k = known; *k; k++) if (!strcmp(*k, key)) { ok = 1; break; }
        if (!ok) return ws_err_set(e, WS_EINPUT, "%s: unknown key '%s'", where, key);
    }
    return 0;
}
