/* split.c — split names and Speech Commands' which_set() rule (see split.h). */
#include "audio/split.h"
#include <stdint.h>
#include <string.h>
#include "audio/sha1.h"

static const char *const split_names[AUDIO_N_SPLITS] = {"train", "validation", "test"};

const char *audio_split_name(int split)
{
    return split >= 0 && split < AUDIO_N_SPLITS ? split_names[split] : "?";
}

int audio_split_parse(const char *name)
{
    for (int i = 0; i < AUDIO_N_SPLITS; i++)
        if (strcmp(name, split_names[i]) == 0) return i;
    if (strcmp(name, "training") == 0) return AUDIO_SPLIT_TRAIN;
    if (strcmp(name, "testing") == 0) return AUDIO_SPLIT_TEST;
    return -1;
}

int audio_which_set(const char *filename, double validation_pct, double test_pct)
{
    const char *base = strrchr(filename, '/');
    base = base ? base + 1 : filename;
    /* re.sub(r'_nohash_.*$', '', base): everything from the first "_nohash_" on goes */
    const char *cut = strstr(base, "_nohash_");
    size_t len = cut ? (size_t)(cut - base) : strlen(base);
    uint8_t d[20];
    audio_sha1(base, len, d);
    /* int(hexdigest, 16) % 2^27: the low 27 bits of the big-endian 160-bit number */
    uint32_t low = (uint32_t)d[16] << 24 | (uint32_t)d[17] << 16 | (uint32_t)d[18] << 8 | d[19];
    low &= (1u << 27) - 1;
    const double max_wavs = 134217727.0;   /* MAX_NUM_WAVS_PER_CLASS = 2^27 - 1 */
    double pct = (double)low * (100.0 / max_wavs);
    if (pct < validation_pct) return AUDIO_SPLIT_VALIDATION;
    if (pct < test_pct + validation_pct) return AUDIO_SPLIT_TEST;
    return AUDIO_SPLIT_TRAIN;
}
