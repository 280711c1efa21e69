/* json_write.c — our own JSON writer over jansson's tree. jansson prints reals with %.17g
 * (0.93 becomes 0.93000000000000005); we print the shortest text that reads back to the same
 * double, as Python's repr does, so JSON lines stay readable and exact. The Python style also
 * reproduces json.dumps' layout (", ", ": ", ASCII escapes), which is how Optuna writes
 * distribution_json and attribute values. */
#include "core/json.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char *buf; size_t len, cap; int failed; } sbuf;

static void put(sbuf *s, const char *p, size_t n)
{
    if (s->failed) return;
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        while (cap < s->len + n + 1) cap *= 2;
        char *nb = realloc(s->buf, cap);
        if (!nb) { s->failed = 1; return; }
        s->buf = nb; s->cap = cap;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    s->buf[s->len] = 0;
}
static void puts_(sbuf *s, const char *p) { put(s, p, strlen(p)); }

void ws_json_format_double(double v, char *out, size_t len)
{
    /* The shortest significant digits that read back exactly, in Python's layout: positional
     * for exponents in [-4, 16), scientific otherwise (repr's rule). When 15 digits read back,
     * the shortest form is that rounding without its trailing zeros (a shorter decimal that
     * reads back lies far closer to v than half a unit in the 15th digit); else 16 or 17. */
    char sci[40];
    /* subnormals carry fewer digits, so the 15-digit shortcut does not hold: search them all */
    int p = v != 0 && fabs(v) < DBL_MIN ? 1 : 15;
    for (; p <= 17; p++) {
        snprintf(sci, sizeof sci, "%.*e", p - 1, v);
        if (strtod(sci, NULL) == v) break;
    }
    char *e = strchr(sci, 'e');
    if (p == 15 && !(v != 0 && fabs(v) < DBL_MIN)) {   /* drop trailing zeros of the mantissa */
        char *z = e;
        while (z > sci && z[-1] == '0') z--;
        if (z > sci && z[-1] == '.') z--;
        p = 0;
        for (char *c = sci; c < z; c++) p += *c >= '0' && *c <= '9';
        memmove(z, e, strlen(e) + 1);
        e = z;
    }
    int x = atoi(e + 1);
    if (x >= -4 && x < 16) {
        int decimals = p - 1 - x > 0 ? p - 1 - x : 0;
        snprintf(out, len, "%.*f", decimals, v);
        if (!strchr(out, '.')) strncat(out, ".0", len - strlen(out) - 1);
    } else snprintf(out, len, "%s", sci);
}

const char *ws_real_text(double v, char *buf, size_t size)
{
    if (!isfinite(v)) {
        snprintf(buf, size, "%g", v);
        return buf;
    }
    ws_json_format_double(v, buf, size);
    size_t n = strlen(buf);
    if (n > 2 && !strcmp(buf + n - 2, ".0")) buf[n - 2] = 0;
    return buf;
}

static void put_string(sbuf *s, const char *str, size_t n, int ascii)
{
    put(s, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)str[i];
        char esc[16];
        if (c == '"') puts_(s, "\\\"");
        else if (c == '\\') puts_(s, "\\\\");
        else if (c == '\n') puts_(s, "\\n");
        else if (c == '\t') puts_(s, "\\t");
        else if (c == '\r') puts_(s, "\\r");
        else if (c < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", c); puts_(s, esc); }
        else if (c >= 0x80 && ascii) {
            /* decode one UTF-8 sequence (jansson has validated it) into \uXXXX escapes */
            int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
            unsigned cp = c & (0x3fu >> extra);
            for (int k = 0; k < extra && i + 1 < n; k++) cp = (cp << 6) | ((unsigned char)str[++i] & 0x3f);
            if (cp >= 0x10000) {
                cp -= 0x10000;
                snprintf(esc, sizeof esc, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
            } else snprintf(esc, sizeof esc, "\\u%04x", cp);
            puts_(s, esc);
        } else put(s, (const char *)&str[i], 1);
    }
    put(s, "\"", 1);
}

static int cmp_keys(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void put_value(sbuf *s, const json_t *j, int flags)
{
    int py = flags & WS_JSON_PYTHON;
    char num[40];
    switch (json_typeof(j)) {
    case JSON_NULL: puts_(s, "null"); break;
    case JSON_TRUE: puts_(s, "true"); break;
    case JSON_FALSE: puts_(s, "false"); break;
    case JSON_INTEGER: snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(j)); puts_(s, num); break;
    case JSON_REAL: {
        double v = json_real_value(j);
        if (isnan(v)) puts_(s, py ? "NaN" : "null");
        else if (isinf(v)) puts_(s, !py ? "null" : v > 0 ? "Infinity" : "-Infinity");
        else { ws_json_format_double(v, num, sizeof num); puts_(s, num); }
        break;
    }
    case JSON_STRING: put_string(s, json_string_value(j), json_string_length(j), py); break;
    case JSON_ARRAY:
        put(s, "[", 1);
        for (size_t i = 0; i < json_array_size(j); i++) {
            if (i) puts_(s, py ? ", " : ",");
            put_value(s, json_array_get(j, i), flags);
        }
        put(s, "]", 1);
        break;
    case JSON_OBJECT: {
        size_t n = json_object_size(j), i = 0;
        const char **keys = malloc((n ? n : 1) * sizeof *keys);
        if (!keys) { s->failed = 1; return; }
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)j, k, v) keys[i++] = k;
        if (flags & WS_JSON_SORT) qsort(keys, n, sizeof *keys, cmp_keys);
        put(s, "{", 1);
        for (i = 0; i < n; i++) {
            if (i) puts_(s, py ? ", " : ",");
            put_string(s, keys[i], strlen(keys[i]), py);
            puts_(s, py ? ": " : ":");
            put_value(s, json_object_get(j, keys[i]), flags);
        }
        put(s, "}", 1);
        free(keys);
        break;
    }
    }
}

char *ws_json_dump(const json_t *j, int flags)
{
    sbuf s = {0};
    put_value(&s, j, flags);
    if (s.failed) { free(s.buf); return NULL; }
    return s.buf;
}
