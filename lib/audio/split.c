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
    /* re.sub(r'_nohash_.*$', '', base). Python's '.' stops at a newline, and '$' matches at the
     * end or before a final newline only: the match starts at the first "_nohash_" after which
     * no newline comes but one ending the name, and that newline stays. Cutting at the first
     * "_nohash_" whatever followed split a name with a newline after it otherwise. */
    size_t n = strlen(base);
    const char *cut = NULL;
    for (const char *p = strstr(base, "_nohash_"); p && !cut; p = strstr(p + 1, "_nohash_")) {
        const char *nl = strchr(p + 8, '\n');
        if (!nl || nl == base + n - 1) cut = p;
    }
    uint8_t d[20];
    audio_sha1_ctx h;
    audio_sha1_init(&h);
    audio_sha1_update(&h, base, cut ? (size_t)(cut - base) : n);
    if (cut && base[n - 1] == '\n') audio_sha1_update(&h, "\n", 1);
    audio_sha1_final(&h, d);
    /* int(hexdigest, 16) % 2^27: the low 27 bits of the big-endian 160-bit number */
    uint32_t low = (uint32_t)d[16] << 24 | (uint32_t)d[17] << 16 | (uint32_t)d[18] << 8 | d[19];
    low &= (1u << 27) - 1;
    const double max_wavs = 134217727.0;   /* MAX_NUM_WAVS_PER_CLASS = 2^27 - 1 */
    double pct = (double)low * (100.0 / max_wavs);
    if (pct < validation_pct) return AUDIO_SPLIT_VALIDATION;
    if (pct < test_pct + validation_pct) return AUDIO_SPLIT_TEST;
    return AUDIO_SPLIT_TRAIN;
}
