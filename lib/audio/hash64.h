/* hash64.h — a fast 64-bit non-cryptographic hash for the feature cache: its checksum (detects a
 * corrupted or truncated file; gigabytes a second, so verifying on every open is cheap) and the
 * hash of its inputs. Four independent multiply-rotate lanes over 32-byte stripes, then an
 * avalanche. Little-endian words, so the value is the same on every machine we build for. */
#ifndef WS_AUDIO_HASH64_H
#define WS_AUDIO_HASH64_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t v[4];         /* lanes */
    uint64_t n_bytes;      /* total fed */
    uint8_t buf[32];       /* pending partial stripe */
    size_t used;           /* bytes pending in buf */
} audio_hash64_ctx;

void audio_hash64_init(audio_hash64_ctx *h, uint64_t seed);
void audio_hash64_update(audio_hash64_ctx *h, const void *data, size_t len);
uint64_t audio_hash64_final(const audio_hash64_ctx *h);
uint64_t audio_hash64(const void *data, size_t len, uint64_t seed);
/* Writes the hash as 16 lowercase hex digits and a NUL into out[17]. */
void audio_hash64_hex(uint64_t h, char out[17]);

#endif
