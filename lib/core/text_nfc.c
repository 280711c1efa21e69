/* text_nfc.c — ws_text_nfc and ws_text_casefold (see text.h), apart from text.c: every tool links
 * text.o (its messages go through ws_text_show), and with --as-needed only a tool that pulls this
 * object in (featurize, through its corpus scan) takes libunistring. Unicode's tables, not ours:
 * the same composition Python's unicodedata.normalize("NFC", ...) makes, and the same folding as
 * its str.casefold (the tests' reference). */
#include "core/text.h"
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uninorm.h>

/* In both, the terminating NUL is normalized or folded with the rest (it is its own form and its
 * own fold), so the result is a C string. */
char *ws_text_nfc(const char *s)
{
    size_t n = 0;
    return (char *)u8_normalize(UNINORM_NFC, (const uint8_t *)s, strlen(s) + 1, NULL, &n);
}

char *ws_text_casefold(const char *s, int nfc)
{
    size_t n = 0;
    /* no language: Python's casefold has none either (Turkish dotted I folds as elsewhere); with
     * a form, u8_casefold decomposes s before it folds, then composes (X -> NFC(fold(NFD(X)))) */
    return (char *)u8_casefold((const uint8_t *)s, strlen(s) + 1, NULL, nfc ? UNINORM_NFC : NULL, NULL, &n);
}
