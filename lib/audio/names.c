/* names.c — see names.h. */
#include "audio/names.h"
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

int audio_name_is_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_len(p);
        if (!n) return 0;
        p += n;
    }
    return 1;
}

char *audio_name_escape(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    char *out = malloc(4 * strlen(s) + 1), *o = out;   /* every byte escaped at worst */
    if (!out) return NULL;
    while (*p) {
        size_t n = utf8_len(p);
        if (n) { memcpy(o, p, n); o += n; p += n; }
        else o += sprintf(o, "\\x%02x", *p++);
    }
    *o = 0;
    return out;
}
