/* audio_golden.h — reading the torchaudio golden files of tests/ref/audio (written by
 * tests/ref/make_audio_golden.py and make_audio_settings_golden.py) for the audio unit tests:
 * raw float32 arrays and their JSON indexes, found under $WS_ROOT (default: the current folder). */
#ifndef WS_TEST_AUDIO_GOLDEN_H
#define WS_TEST_AUDIO_GOLDEN_H
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

static inline void golden_path(const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/tests/ref/audio/%s", getenv("WS_ROOT") ? getenv("WS_ROOT") : ".", name);
}

/* The floats of tests/ref/audio/NAME (*n of them), or NULL; free() them. */
static inline float *golden_read_f32(const char *name, size_t *n)
{
    char path[4096];
    golden_path(name, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    float *p = len >= 0 ? malloc((size_t)len + 4) : NULL;
    if (p && fread(p, 1, (size_t)len, f) != (size_t)len) { free(p); p = NULL; }
    fclose(f);
    *n = p ? (size_t)len / 4 : 0;
    return p;
}

/* tests/ref/audio/NAME as JSON, or NULL. */
static inline json_t *golden_read_json(const char *name)
{
    char path[4096];
    golden_path(name, path, sizeof path);
    json_error_t je;
    return json_load_file(path, 0, &je);
}
#endif
