/* text_nfc.c — ws_text_nfc (see text.h), apart from text.c: every tool links text.o (its
 * messages go through ws_text_show), and with --as-needed only a tool that pulls this object in
 * (featurize, through its corpus scan) takes libunistring. Unicode's tables, not ours: the same
 * composition Python's unicodedata.normalize("NFC", ...) makes (the tests' reference). */
#include "core/text.h"
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>

char *ws_text_nfc(const char *s)
{
    size_t n = 0;
    /* the terminating NUL normalized with the rest (it is its own form), so the result is a C string */
    uint8_t *r = u8_normalize(UNINORM_NFC, (const uint8_t *)s, strlen(s) + 1, NULL, &n);
    return (char *)r;
}
