/* rng.h — the project's random numbers: xoshiro256** seeded through splitmix64. Every random
 * decision (sampling, initialisation, augmentation) draws from a ws_rng seeded from the study
 * seed and the trial number, so runs are reproducible. */
#ifndef WS_CORE_RNG_H
#define WS_CORE_RNG_H
#include <stdint.h>

typedef struct { uint64_t s[4]; } ws_rng;

void ws_rng_seed(ws_rng *r, uint64_t seed);
uint64_t ws_rng_u64(ws_rng *r);
double ws_rng_uniform(ws_rng *r);                 /* [0, 1) */
double ws_rng_normal(ws_rng *r);                  /* standard normal */
uint64_t ws_rng_below(ws_rng *r, uint64_t n);     /* [0, n), unbiased; n > 0 */
/* Mixes two 64-bit values into a well-spread seed (e.g. study seed and trial number). */
uint64_t ws_seed_mix(uint64_t a, uint64_t b);

#endif
