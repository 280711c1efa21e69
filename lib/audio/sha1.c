/* sha1.c — SHA-1 as FIPS 180-4 describes it: 512-bit blocks, 80 rounds, big-endian words. */
#include "audio/sha1.h"
#include <string.h>

static uint32_t rol32(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(uint32_t h[5], const uint8_t *p)
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 80; i++)
        w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20)      { f = (b & c) | (~b & d);           k = 0x5A827999u; }
        else if (i < 40) { f = b ^ c ^ d;                    k = 0x6ED9EBA1u; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d);  k = 0x8F1BBCDCu; }
        else             { f = b ^ c ^ d;                    k = 0xCA62C1D6u; }
        uint32_t t = rol32(a, 5) + f + e + k + w[i];
        e = d; d = c; c = rol32(b, 30); b = a; a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

void audio_sha1_init(audio_sha1_ctx *c)
{
    static const uint32_t iv[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
    memcpy(c->h, iv, sizeof iv);
    c->n_bytes = 0;
    c->used = 0;
}

void audio_sha1_update(audio_sha1_ctx *c, const void *data, size_t len)
{
    const uint8_t *p = data;
    c->n_bytes += len;
    while (len > 0) {
        size_t take = 64 - c->used < len ? 64 - c->used : len;
        memcpy(c->block + c->used, p, take);
        c->used += take; p += take; len -= take;
        if (c->used == 64) { sha1_block(c->h, c->block); c->used = 0; }
    }
}

void audio_sha1_final(audio_sha1_ctx *c, uint8_t digest[20])
{
    uint64_t bits = c->n_bytes * 8;
    uint8_t pad[72] = {0x80};
    /* pad to 56 mod 64, then the 64-bit big-endian bit count */
    size_t n_pad = c->used < 56 ? 56 - c->used : 120 - c->used;
    for (int i = 0; i < 8; i++) pad[n_pad + (size_t)i] = (uint8_t)(bits >> (56 - 8 * i));
    uint64_t keep = c->n_bytes;
    audio_sha1_update(c, pad, n_pad + 8);
    c->n_bytes = keep;
    for (int i = 0; i < 5; i++) {
        digest[4 * i] = (uint8_t)(c->h[i] >> 24); digest[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(c->h[i] >> 8); digest[4 * i + 3] = (uint8_t)c->h[i];
    }
}

void audio_sha1(const void *data, size_t len, uint8_t digest[20])
{
    audio_sha1_ctx c;
    audio_sha1_init(&c);
    audio_sha1_update(&c, data, len);
    audio_sha1_final(&c, digest);
}
