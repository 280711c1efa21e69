/* test_audio_split.c — SHA-1 and Speech Commands' which_set rule against Python's hashlib and the
 * dataset README's code (tests/ref/audio/which_set.json, made by tests/ref/make_audio_golden.py:
 * 516 names, with and without _nohash_, with folders, empty, long); hash64 streaming. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include "audio/hash64.h"
#include "audio/sha1.h"
#include "audio/split.h"
#include "harness.h"

static void hex(const uint8_t *d, int n, char *out)
{
    for (int i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", d[i]);
}

static json_t *vectors(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/ref/audio/which_set.json", getenv("WS_ROOT") ? getenv("WS_ROOT") : ".");
    json_error_t je;
    return json_load_file(path, 0, &je);
}

static void test_sha1_known(void)
{
    uint8_t d[20];
    char h[41];
    audio_sha1("abc", 3, d);
    hex(d, 20, h);
    CHECK(!strcmp(h, "a9993e364706816aba3e25717850c26c9cd0d89d"), "sha1(abc) = %s", h);
    /* a million 'a' fed in odd pieces: FIPS 180 test vector, and the streaming path */
    static char buf[1000];
    memset(buf, 'a', sizeof buf);
    audio_sha1_ctx c;
    audio_sha1_init(&c);
    size_t left = 1000000;
    for (size_t k = 1; left; k = k % 997 + 1) {
        size_t take = k < left ? k : left;
        audio_sha1_update(&c, buf, take);
        left -= take;
    }
    audio_sha1_final(&c, d);
    hex(d, 20, h);
    CHECK(!strcmp(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f"), "sha1(1e6 x a) = %s", h);
}

static void test_sha1_hashlib(void)
{
    json_t *v = vectors();
    CHECK(v != NULL, "cannot read which_set.json (WS_ROOT set?)");
    if (!v) return;
    size_t i;
    json_t *o;
    json_array_foreach(v, i, o) {
        const char *name = json_string_value(json_object_get(o, "hashed"));
        uint8_t d[20];
        char h[41];
        audio_sha1(name, strlen(name), d);
        hex(d, 20, h);
        CHECK(!strcmp(h, json_string_value(json_object_get(o, "sha1"))), "sha1(%s) = %s", name, h);
    }
    json_decref(v);
}

static void test_which_set_reference(void)
{
    json_t *v = vectors();
    CHECK(v != NULL, "cannot read which_set.json");
    if (!v) return;
    size_t i, n_sets[AUDIO_N_SPLITS] = {0};
    json_t *o;
    json_array_foreach(v, i, o) {
        const char *name = json_string_value(json_object_get(o, "name"));
        int want = audio_split_parse(json_string_value(json_object_get(o, "set")));
        int got = audio_which_set(name, 10.0, 10.0);
        CHECK(got == want, "which_set(%s) = %s, Python says %s", name, audio_split_name(got), audio_split_name(want));
        if (got >= 0 && got < AUDIO_N_SPLITS) n_sets[got]++;
    }
    printf("# which_set: %zu names, train %zu validation %zu test %zu, all as Python\n",
           json_array_size(v), n_sets[0], n_sets[1], n_sets[2]);
    CHECK(n_sets[1] > 20 && n_sets[2] > 20, "too few validation/test names to mean anything");
    json_decref(v);
}

static void test_which_set_speaker(void)
{
    /* every clip of one speaker lands in one set */
    int s = audio_which_set("yes/0a2b400e_nohash_0.wav", 10, 10);
    CHECK(audio_which_set("no/0a2b400e_nohash_3.wav", 10, 10) == s, "speaker split apart");
    CHECK(audio_which_set("0a2b400e_nohash_7.flac", 10, 10) == s, "speaker split apart");
    CHECK(audio_which_set("x", 0, 0) == AUDIO_SPLIT_TRAIN, "0 %% validation/test must give train");
    CHECK(audio_which_set("x", 100, 0) == AUDIO_SPLIT_VALIDATION, "100 %% validation");
    CHECK(audio_split_parse("validation") == 1 && audio_split_parse("testing") == 2 &&
          audio_split_parse("training") == 0 && audio_split_parse("dev") == -1, "split names");
}

static void test_hash64_streaming(void)
{
    static uint8_t data[5000];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 131 + 7);
    for (size_t len = 0; len < 200; len += 7) {
        uint64_t one = audio_hash64(data, len, 3);
        audio_hash64_ctx h;
        audio_hash64_init(&h, 3);
        for (size_t p = 0, k = 1; p < len; p += k, k = k % 13 + 1)
            audio_hash64_update(&h, data + p, p + k <= len ? k : len - p);
        CHECK(audio_hash64_final(&h) == one, "streamed hash differs at length %zu", len);
    }
    uint64_t a = audio_hash64(data, sizeof data, 0);
    data[4321] ^= 1;
    CHECK(audio_hash64(data, sizeof data, 0) != a, "one flipped bit not seen");
    data[4321] ^= 1;
    CHECK(audio_hash64(data, sizeof data - 1, 0) != a, "length not seen");
    CHECK(audio_hash64(data, sizeof data, 1) != a, "seed not seen");
    CHECK(audio_hash64("", 0, 0) != audio_hash64("\0", 1, 0), "empty vs one zero byte");
    char h[17];
    audio_hash64_hex(0x0123456789abcdefull, h);
    CHECK(!strcmp(h, "0123456789abcdef"), "hex %s", h);
}

int main(void)
{
    RUN(test_sha1_known);
    RUN(test_sha1_hashlib);
    RUN(test_which_set_reference);
    RUN(test_which_set_speaker);
    RUN(test_hash64_streaming);
    return test_summary();
}
