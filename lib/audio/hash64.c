/* hash64.c — see hash64.h. Each lane absorbs one 64-bit word per stripe:
 * v = rotl(v + w * K1, 31) * K2; the final step folds the lanes, the length and the tail bytes,
 * and runs a splitmix64-style finaliser so every input bit reaches every output bit. */
#include "audio/hash64.h"
#include <stdio.h>
#include <string.h>

#define K1 0x9E3779B97F4A7C15ull   /* 2^64 / golden ratio */
#define K2 0xBF58476D1CE4E5B9ull
#define K3 0x94D049BB133111EBull
#define K4 0xD6E8FEB86659FD93ull

static uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t load64(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

static uint64_t lane(uint64_t v, uint64_t w) { return rotl64(v + w * K1, 31) * K2; }

static uint64_t avalanche(uint64_t x)
{
    x ^= x >> 30; x *= K2;
    x ^= x >> 27; x *= K3;
    x ^= x >> 31;
    return x;
}

void audio_hash64_init(audio_hash64_ctx *h, uint64_t seed)
{
    h->v[0] = seed + K1 + K2;
    h->v[1] = seed + K2;
    h->v[2] = seed;
    h->v[3] = seed - K1;
    h->n_bytes = 0;
    h->used = 0;
}

static void stripes(uint64_t v[4], const uint8_t *p, size_t n_stripes)
{
    uint64_t a = v[0], b = v[1], c = v[2], d = v[3];
    for (size_t i = 0; i < n_stripes; i++, p += 32) {
        a = lane(a, load64(p));
        b = lane(b, load64(p + 8));
        c = lane(c, load64(p + 16));
        d = lane(d, load64(p + 24));
    }
    v[0] = a; v[1] = b; v[2] = c; v[3] = d;
}

void audio_hash64_update(audio_hash64_ctx *h, const void *data, size_t len)
{
    const uint8_t *p = data;
    h->n_bytes += len;
    if (h->used) {
        size_t take = 32 - h->used < len ? 32 - h->used : len;
        memcpy(h->buf + h->used, p, take);
        h->used += take; p += take; len -= take;
        if (h->used < 32) return;
        stripes(h->v, h->buf, 1);
        h->used = 0;
    }
    stripes(h->v, p, len / 32);
    p += len / 32 * 32;
    len %= 32;
    memcpy(h->buf, p, len);
    h->used = len;
}

uint64_t audio_hash64_final(const audio_hash64_ctx *h)
{
    uint64_t x = rotl64(h->v[0], 1) + rotl64(h->v[1], 7) + rotl64(h->v[2], 12) + rotl64(h->v[3], 18);
    for (int i = 0; i < 4; i++) x = (x ^ lane(0, h->v[i])) * K1 + K4;
    x += h->n_bytes;
    size_t i = 0;
    for (; i + 8 <= h->used; i += 8) x = rotl64(x ^ lane(0, load64(h->buf + i)), 27) * K1 + K4;
    for (; i < h->used; i++) x = rotl64(x ^ (h->buf[i] * K3), 11) * K1;
    return avalanche(x);
}

uint64_t audio_hash64(const void *data, size_t len, uint64_t seed)
{
    audio_hash64_ctx h;
    audio_hash64_init(&h, seed);
    audio_hash64_update(&h, data, len);
    return audio_hash64_final(&h);
}

void audio_hash64_hex(uint64_t h, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}
