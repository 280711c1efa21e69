/* text.c — see text.h. */
#include "core/text.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when the byte at s does not start one. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n;
    unsigned cp;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
    else return 0;    /* a continuation byte, an overlong 2-byte lead (C0, C1) or beyond F4 */
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;   /* also stops at the NUL */
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0;   /* overlong */
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;      /* surrogate, too large */
    return n;
}

int ws_text_is_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_len(p);
        if (!n) return 0;
        p += n;
    }
    return 1;
}

/* 1 when the valid sequence of n bytes at p is a control character: C0, DEL or C1 (U+0080-U+009F). */
static int is_control(const unsigned char *p, size_t n)
{
    return (n == 1 && (p[0] < 0x20 || p[0] == 0x7f)) || (n == 2 && p[0] == 0xc2 && p[1] < 0xa0);
}

int ws_text_has_control(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t n; *p; p += n ? n : 1)
        if ((n = utf8_len(p)) && is_control(p, n)) return 1;
    return 0;
}

/* mode: 0 bad bytes as \xNN, 1 control characters too (ws_text_show), 2 every byte outside
 * printable ASCII (ws_text_bytes). */
static char *escape(const char *s, int mode)
{
    const unsigned char *p = (const unsigned char *)s;
    char *out = malloc(4 * strlen(s) + 1), *o = out;   /* every byte escaped at worst */
    if (!out) return NULL;
    while (*p) {
        size_t n = utf8_len(p);
        int plain = mode == 2 ? n == 1 && !is_control(p, n) : n && !(mode && is_control(p, n));
        if (plain) { memcpy(o, p, n); o += n; p += n; continue; }
        for (size_t k = 0; k < (n ? n : 1); k++) o += sprintf(o, "\\x%02x", *p++);
    }
    *o = 0;
    return out;
}

char *ws_text_escape(const char *s) { return escape(s, 0); }

char *ws_text_show(const char *s) { return escape(s, 1); }

char *ws_text_bytes(const char *s) { return escape(s, 2); }

/* s in bash's $'...' (ANSI-C quoting, POSIX.1-2024 sh's too): each control character and each
 * byte that is not UTF-8 as \xNN, \ and ' escaped, the rest as it is. A message is shown with
 * such bytes as \xNN (ws_text_show), so in single quotes they reached the reader as the text
 * \xNN: a path that names no file, a reason other than the one meant. */
static char *ansi_c_word(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    char *out = malloc(4 * strlen(s) + 4), *o = out;   /* every byte a \xNN at worst, $'' and the NUL */
    if (!out) return NULL;
    o += sprintf(o, "$'");
    while (*p) {
        size_t n = utf8_len(p);
        if (n && !is_control(p, n)) {
            if (*p == '\\' || *p == '\'') *o++ = '\\';
            memcpy(o, p, n); o += n; p += n;
            continue;
        }
        for (size_t k = 0; k < (n ? n : 1); k++) o += sprintf(o, "\\x%02x", *p++);
    }
    *o++ = '\'';
    *o = 0;
    return out;
}

char *ws_text_shell_word(const char *s)
{
    static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-";
    size_t n = strlen(s);
    if (n && strspn(s, plain) == n) return strdup(s);
    if (!ws_text_is_utf8(s) || ws_text_has_control(s)) return ansi_c_word(s);
    char *out = malloc(4 * n + 3), *o = out;   /* every byte a quote ('\'') at worst, and the two quotes */
    if (!out) return NULL;
    *o++ = '\'';
    for (; *s; s++) {
        if (*s == '\'') { memcpy(o, "'\\''", 4); o += 4; }
        else *o++ = *s;
    }
    *o++ = '\'';
    *o = 0;
    return out;
}

#define BOM "\xef\xbb\xbf"

size_t ws_text_bom(const char *s, size_t n) { return n >= 3 && !memcmp(s, BOM, 3) ? 3 : 0; }

int ws_text_line_bom(const char *line, const char *path, long lineno, ws_err *e)
{
    if (strncmp(line, BOM, 3) != 0) return 0;
    if (lineno > 1)
        return ws_err_set(e, WS_EINPUT, "%s:%ld: a UTF-8 byte order mark (EF BB BF) starts the line; expected one "
                          "only at the start of the file (were files joined?)", path, lineno);
    return 3;
}

ssize_t ws_text_getline(char **line, size_t *cap, FILE *f, size_t max)
{
    size_t len = 0;
    int ch;
    while ((ch = getc_unlocked(f)) != EOF) {   /* one thread: no lock per byte */
        if (len + 2 > *cap) {
            size_t ncap = *cap ? *cap * 2 : 256;
            char *t = realloc(*line, ncap);
            if (!t) { errno = ENOMEM; return -1; }
            *line = t, *cap = ncap;
        }
        (*line)[len++] = (char)ch;
        if (ch == '\n' || ch == '\0' || len > max) break;
    }
    if (ch == EOF && ferror(f)) return -1;
    if (*line) (*line)[len] = '\0';
    return (ssize_t)len;
}
