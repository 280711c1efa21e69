/* sha1.h — SHA-1 (FIPS 180-4), only for Speech Commands' split rule, which names a file's set by
 * the SHA-1 of its speaker part. Not for security. Self-contained: none of the libraries we
 * already link exposes SHA-1, and one more dependency for 20 bytes was not worth it. */
#ifndef WS_AUDIO_SHA1_H
#define WS_AUDIO_SHA1_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t h[5];
    uint64_t n_bytes;      /* total fed so far */
    uint8_t block[64];     /* pending partial block */
    size_t used;           /* bytes pending in block */
} audio_sha1_ctx;

void audio_sha1_init(audio_sha1_ctx *c);
void audio_sha1_update(audio_sha1_ctx *c, const void *data, size_t len);
void audio_sha1_final(audio_sha1_ctx *c, uint8_t digest[20]);
/* One call: digest of len bytes at data. */
void audio_sha1(const void *data, size_t len, uint8_t digest[20]);

#endif
