/* text_nfc.c — ws_text_nfc, ws_text_casefold, ws_text_visible and ws_text_loose (see text.h),
 * apart from text.c: every tool links text.o (its messages go through ws_text_show), and with
 * --as-needed only a tool that pulls this object in (featurize, through its corpus scan;
 * train-trial, naming the class like a wake word it does not find) takes libunistring. Unicode's
 * tables, not ours: the same composition Python's unicodedata.normalize("NFC", ...) makes, and the
 * same folding as its str.casefold (the tests' reference). */
#include "core/text.h"
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

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

/* What of uc shows: 0 an invisible format character (dropped), 1 white space, 2 anything else.
 * Invisible: Cf and default ignorable. Cf alone took in the prepended concatenation marks, which
 * are drawn (U+0600 ARABIC NUMBER SIGN, U+06DD ARABIC END OF AYAH): a class of one was refused as
 * showing nothing, and "a" beside "a\u06dd" noted as twins (t2079). */
static int shows(ucs4_t uc)
{
    if (uc_is_general_category(uc, UC_CATEGORY_Cf) && uc_is_property_default_ignorable_code_point(uc)) return 0;
    return uc_is_property_white_space(uc) ? 1 : 2;
}

char *ws_text_visible(const char *s)
{
    const uint8_t *p = (const uint8_t *)s, *end = p + strlen(s);
    if (u8_check(p, (size_t)(end - p))) return NULL;
    char *out = malloc((size_t)(end - p) + 1), *o = out;
    int space = 0;   /* white space seen since the last character kept */
    if (!out) return NULL;
    while (p < end) {
        ucs4_t uc;
        int n = u8_mbtouc(&uc, p, (size_t)(end - p)), k = shows(uc);
        if (k == 1) space = 1;
        if (k == 2) {
            if (space && o > out) *o++ = ' ';
            memcpy(o, p, (size_t)n);
            o += n;
            space = 0;
        }
        p += n;
    }
    *o = 0;
    return out;
}

int ws_text_shows_nothing(const char *s)
{
    const uint8_t *p = (const uint8_t *)s, *end = p + strlen(s);
    while (p < end) {
        ucs4_t uc;
        int n = u8_mbtouc(&uc, p, (size_t)(end - p));
        if (shows(uc) == 2) return 0;
        p += n;
    }
    return 1;
}

char *ws_text_loose(const char *s)
{
    char *v = ws_text_visible(s), *key = v ? ws_text_casefold(v, 1) : NULL;
    free(v);
    return key;
}
