/* finite.c — see finite.h. A loop that stops at the first non-finite value is one compare and
 * branch per float (isfinite on each: the compiler cannot vectorize a loop that may exit early),
 * 6% of featurize's time on the 16 000 samples of a clip. Blocks are checked instead with no exit:
 * a float is NaN or infinite when its exponent bits are all ones, and OR-ing that test over a
 * block vectorizes. Only a block that has one is searched element by element. */
#include "audio/finite.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#define BLOCK 1024
#define EXPONENT 0x7f800000u

static int block_has_nonfinite(const float *x, size_t n)
{
    uint32_t any = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, x + i, sizeof bits);
        any |= (bits & EXPONENT) == EXPONENT;
    }
    return any != 0;
}

size_t audio_first_nonfinite(const float *x, size_t n)
{
    for (size_t b = 0; b < n; b += BLOCK) {
        size_t len = n - b < BLOCK ? n - b : BLOCK;
        if (!block_has_nonfinite(x + b, len)) continue;
        for (size_t i = b; i < b + len; i++)
            if (!isfinite(x[i])) return i;
    }
    return n;
}
