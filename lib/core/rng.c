/* rng.c — xoshiro256** (Blackman & Vigna), seeded with splitmix64. */
#include "core/rng.h"
#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void ws_rng_seed(ws_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&seed);
}

uint64_t ws_rng_u64(ws_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t; s[3] = rotl(s[3], 45);
    return result;
}

double ws_rng_uniform(ws_rng *r) { return (double)(ws_rng_u64(r) >> 11) * 0x1.0p-53; }

double ws_rng_normal(ws_rng *r)
{
    /* Box–Muller; 1 - u keeps the log argument in (0, 1]. */
    double u = 1.0 - ws_rng_uniform(r), v = ws_rng_uniform(r);
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

uint64_t ws_rng_below(ws_rng *r, uint64_t n)
{
    uint64_t lim = UINT64_MAX - UINT64_MAX % n, x;
    do x = ws_rng_u64(r); while (x >= lim);
    return x % n;
}

uint64_t ws_seed_mix(uint64_t a, uint64_t b)
{
    uint64_t x = a ^ (b * 0xd1342543de82ef95ULL);
    splitmix64(&x);
    return splitmix64(&x);
}
