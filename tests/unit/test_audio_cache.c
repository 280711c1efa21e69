/* test_audio_cache.c — the feature cache: write (with a skipped slot and noise streams), map and
 * read back every field, describe and dump, settings comparison, and the failure paths: a flipped
 * byte (checksum), a truncated file, an unknown version, not a cache, an unwritable place, abort
 * leaving nothing behind; names that are not UTF-8. */
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>
#include "audio/cache.h"
#include "core/text.h"
#include "harness.h"

static char dir[256];
static audio_feat_config cfg;
static size_t clip_floats;

static const char *tmp_path(const char *name)
{
    static char p[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

/* Slots 0..4 written, slot 2 dropped; clip values encode slot and position. put 1: the noise
 * streams go through audio_cache_writer_put_noise (the second first), not in memory to commit;
 * put 2: a block of frames at a time, the two streams' blocks taking turns (two threads making
 * their streams at once), with a third stream begun between them and dropped. */
static int write_cache_put(const char *path, int put, ws_err *e)
{
    audio_cache_writer *w = audio_cache_writer_open(path, &cfg, 5, e);
    if (!w) return -1;
    float *f = malloc(sizeof(float) * clip_floats);
    for (size_t s = 0; s < 5; s++) {
        for (size_t i = 0; i < clip_floats; i++) f[i] = (float)(s * 100000 + i);
        if (audio_cache_writer_put(w, s, f, e) < 0) { free(f); audio_cache_writer_abort(w); return -1; }
    }
    free(f);
    static const char *const classes[] = {"no", "yes"};
    audio_cache_entry clips[] = {{0, 0, 0, "no/a_nohash_0.wav"}, {1, 1, 1, "yes/b_nohash_0.wav"},
                                 {3, 1, 2, "yes/c_nohash_1.wav"}, {4, 0, 0, "no/d.wav"}};
    static float n1[7 * 40], n2[3 * 40];
    for (int i = 0; i < 7 * 40; i++) n1[i] = 0.5f * (float)i;
    for (int i = 0; i < 3 * 40; i++) n2[i] = -1.0f;
    audio_cache_noise noise[] = {{"white.wav", n1, 7}, {"hum.wav", n2, 3}};
    uint64_t at[2] = {0, 0};
    if (put == 1) {
        if (audio_cache_writer_put_noise(w, n2, 3, &at[1], e) < 0 || audio_cache_writer_put_noise(w, n1, 7, &at[0], e) < 0) {
            audio_cache_writer_abort(w);
            return -1;
        }
        noise[0].power = noise[1].power = NULL;
    } else if (put == 2) {
        uint64_t dropped;
        int rc = audio_cache_writer_noise_begin(w, &at[0], e) < 0 || audio_cache_writer_noise_begin(w, &dropped, e) < 0 ||
                 audio_cache_writer_noise_begin(w, &at[1], e) < 0;
        for (int k = 0; !rc && k < 3; k++)   /* n1 as 3 + 3 + 1 frames, n2 as 1 + 1 + 1, turn about */
            rc = audio_cache_writer_noise_append(w, at[0], n1 + 3 * 40 * k, k < 2 ? 3 : 1, e) < 0 ||
                 audio_cache_writer_noise_append(w, dropped, n2, 2, e) < 0 ||
                 audio_cache_writer_noise_append(w, at[1], n2 + 40 * k, 1, e) < 0;
        if (rc) { audio_cache_writer_abort(w); return -1; }
        audio_cache_writer_noise_drop(w, dropped);
        noise[0].power = noise[1].power = NULL;
    }
    audio_cache_contents c = {classes, 2, clips, 4, noise, 2, "corpus/x", "test 1", 0xabcdef12345ull, NULL,
                              put ? at : NULL};
    return audio_cache_writer_commit(w, &c, e);
}

static int write_cache(const char *path, ws_err *e) { return write_cache_put(path, 0, e); }

static void setup(void)
{
    snprintf(dir, sizeof dir, "%s/ws-cache-test.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(1); }
    audio_feat_config_default(&cfg);
    clip_floats = 101 * 40;
}

static void test_roundtrip(void)
{
    ws_err e = {0};
    CHECK(write_cache(tmp_path("a.feat"), &e) == 0, "write: %.300s", e.msg);
    audio_cache c;
    CHECK(audio_cache_open(&c, tmp_path("a.feat"), 0, &e) == 0, "open: %.300s", e.msg);
    if (!c.map_) return;
    CHECK(c.verified == 1 && c.version == 1, "verified %d version %d", c.verified, c.version);
    CHECK(c.n_clips == 4 && c.n_frames == 101 && c.n_mels == 40 && c.n_classes == 2, "shapes %zu %d %d %d",
          c.n_clips, c.n_frames, c.n_mels, c.n_classes);
    static const size_t slots[] = {0, 1, 3, 4};
    for (size_t j = 0; j < 4; j++) {
        const float *f = audio_cache_clip(&c, j);
        CHECK(f[0] == (float)(slots[j] * 100000) && f[clip_floats - 1] == (float)(slots[j] * 100000 + clip_floats - 1),
              "clip %zu holds slot %g", j, f[0] / 100000);
    }
    CHECK(((uintptr_t)c.features & 4095) == 0, "features not page-aligned");
    CHECK(c.labels[0] == 0 && c.labels[1] == 1 && c.labels[2] == 1 && c.labels[3] == 0, "labels");
    CHECK(c.splits[0] == 0 && c.splits[1] == 1 && c.splits[2] == 2 && c.splits[3] == 0, "splits");
    CHECK(!strcmp(audio_cache_path(&c, 2), "yes/c_nohash_1.wav") && !strcmp(audio_cache_path(&c, 3), "no/d.wav"), "paths");
    CHECK(!strcmp(c.class_names[0], "no") && !strcmp(c.class_names[1], "yes"), "class names");
    CHECK(audio_cache_class_id(&c, "yes") == 1 && audio_cache_class_id(&c, "maybe") == -1, "class ids");
    CHECK(audio_cache_count(&c, 1, -1) == 2 && audio_cache_count(&c, -1, 0) == 2 && audio_cache_count(&c, 0, 2) == 0, "counts");
    CHECK(c.n_noise == 2 && !strcmp(c.noise[0].name, "white.wav") && c.noise[0].n_frames == 7 &&
          c.noise[0].power[7 * 40 - 1] == 0.5f * (7 * 40 - 1) && c.noise[1].n_frames == 3 && c.noise[1].power[0] == -1.0f,
          "noise streams");
    CHECK(c.inputs_hash == 0xabcdef12345ull && !strcmp(c.source, "corpus/x") && !strcmp(c.created_by, "test 1"), "meta");
    CHECK(audio_cache_check_config(&c, "a.feat", &cfg, &e) == 0, "same settings refused: %.300s", e.msg);
    audio_feat_config other = cfg;
    other.n_mels = 64;
    CHECK(audio_cache_check_config(&c, "a.feat", &other, &e) < 0 && e.kind == WS_EINPUT &&
          strstr(e.msg, "n_mels: 40 in the cache, 64 wanted"), "settings check: %.300s", e.msg);
    other = cfg;
    other.mel_scale = AUDIO_MEL_SLANEY;
    CHECK(audio_cache_check_config(&c, "a.feat", &other, &e) < 0 && strstr(e.msg, "mel_scale"), "%.300s", e.msg);

    json_t *d = audio_cache_describe(&c, "a.feat", &e);
    CHECK(d && json_integer_value(json_object_get(d, "clips")) == 4, "describe clips");
    CHECK(json_integer_value(json_object_get(json_object_get(json_object_get(d, "counts"), "yes"), "test")) == 1,
          "describe counts");
    CHECK(json_integer_value(json_object_get(json_object_get(d, "features"), "n_fft")) == 512, "describe settings");
    json_decref(d);
    json_t *u = audio_cache_dump_clip(&c, 1, &e);
    CHECK(u && !strcmp(json_string_value(json_object_get(u, "label")), "yes") &&
          !strcmp(json_string_value(json_object_get(u, "split")), "validation") &&
          json_array_size(json_object_get(u, "mel_power")) == 101 &&
          json_real_value(json_array_get(json_array_get(json_object_get(u, "mel_power"), 0), 1)) == 100001.0,
          "dump");
    json_decref(u);
    audio_cache_close(&c);
    audio_cache_close(&c);   /* twice is fine */
}

static void test_deterministic(void)
{
    ws_err e = {0};
    CHECK(write_cache(tmp_path("b.feat"), &e) == 0 && write_cache(tmp_path("c.feat"), &e) == 0, "%.300s", e.msg);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cmp -s %s %s", tmp_path("b.feat"), tmp_path("c.feat"));
    CHECK(system(cmd) == 0, "the same contents gave different files");
}

/* Noise streams put aside as they are made (featurize holds one at a time) give the file that
 * the same streams held in memory give, and leave no temporary file beside the cache. */
static void test_noise_put(void)
{
    ws_err e = {0};
    char sub[300], cmd[1200];
    snprintf(sub, sizeof sub, "%s/put", dir);
    CHECK(mkdir(sub, 0700) == 0, "mkdir %s", sub);
    snprintf(cmd, sizeof cmd, "%s/p.feat", sub);
    CHECK(write_cache_put(cmd, 1, &e) == 0, "write with noise put: %.300s", e.msg);
    CHECK(write_cache(tmp_path("q.feat"), &e) == 0, "write: %.300s", e.msg);
    snprintf(cmd, sizeof cmd, "cmp -s %s/p.feat %s", sub, tmp_path("q.feat"));
    CHECK(system(cmd) == 0, "noise streams put aside gave another file than the same streams in memory");
    int n = 0;
    DIR *d = opendir(sub);
    for (struct dirent *de; d && (de = readdir(d));) n += de->d_name[0] != '.';
    if (d) closedir(d);
    CHECK(n == 1, "%d files in %s after the commit, expected the cache alone", n, sub);
    snprintf(cmd, sizeof cmd, "%s/p2.feat", sub);
    CHECK(write_cache_put(cmd, 2, &e) == 0, "write with noise appended a block at a time: %.300s", e.msg);
    snprintf(cmd, sizeof cmd, "cmp -s %s/p2.feat %s", sub, tmp_path("q.feat"));
    CHECK(system(cmd) == 0, "noise streams appended a block at a time, side by side, gave another file");
    /* a stream said to be put that was not is refused, not read from nowhere */
    audio_cache_writer *w = audio_cache_writer_open(tmp_path("r.feat"), &cfg, 1, &e);
    float f[101 * 40] = {0};
    CHECK(w && audio_cache_writer_put(w, 0, f, &e) == 0, "open: %.300s", e.msg);
    static const char *const classes[] = {"no"};
    audio_cache_entry clip = {0, 0, 0, "no/a.wav"};
    audio_cache_noise noise = {"n.wav", NULL, 5};
    uint64_t at = 0;
    audio_cache_contents c = {classes, 1, &clip, 1, &noise, 1, "x", "test 1", 1, NULL, &at};
    CHECK(w && audio_cache_writer_commit(w, &c, &e) < 0 && strstr(e.msg, "was not put"), "commit of a stream not put: %.300s",
          e.msg);
    CHECK(access(tmp_path("r.feat"), F_OK) != 0, "a cache was made all the same");
}

static int copy_modify(const char *from, const char *to, long off, unsigned char xor_byte, long truncate_to)
{
    FILE *f = fopen(from, "rb"), *g = fopen(to, "wb");
    if (!f || !g) return -1;
    int ch;
    long pos = 0;
    while ((ch = fgetc(f)) != EOF && (truncate_to < 0 || pos < truncate_to)) {
        if (pos == off) ch ^= xor_byte;
        fputc(ch, g);
        pos++;
    }
    fclose(f);
    return fclose(g);
}

static void test_corruption(void)
{
    ws_err e = {0};
    audio_cache c;
    char good[512];
    snprintf(good, sizeof good, "%s", tmp_path("a.feat"));
    if (access(good, R_OK) != 0) CHECK(write_cache(good, &e) == 0, "%.300s", e.msg);
    /* a flipped feature byte: the checksum sees it; without verification the structure is fine */
    copy_modify(good, tmp_path("flip.feat"), 4096 + 1234, 0x10, -1);
    CHECK(audio_cache_open(&c, tmp_path("flip.feat"), 0, &e) < 0 && e.kind == WS_EINPUT && strstr(e.msg, "checksum mismatch"),
          "flipped byte: %.300s", e.msg);
    CHECK(audio_cache_open(&c, tmp_path("flip.feat"), AUDIO_CACHE_NO_VERIFY, &e) == 0 && !c.verified, "no-verify: %.300s", e.msg);
    audio_cache_close(&c);
    /* verified later, on its own thread: the open succeeds, the wait reports the mismatch, twice */
    CHECK(audio_cache_open(&c, tmp_path("flip.feat"), AUDIO_CACHE_VERIFY_LATER, &e) == 0 && !c.verified, "later: %.300s", e.msg);
    CHECK(audio_cache_verify_wait(&c, &e) < 0 && e.kind == WS_EINPUT && strstr(e.msg, "checksum mismatch") &&
          strstr(e.msg, "flip.feat") && !c.verified, "later, wait: %.300s", e.msg);
    CHECK(audio_cache_verify_wait(&c, &e) < 0 && strstr(e.msg, "checksum mismatch"), "later, second wait: %.300s", e.msg);
    audio_cache_close(&c);
    CHECK(audio_cache_open(&c, good, AUDIO_CACHE_VERIFY_LATER, &e) == 0 && audio_cache_verify_wait(&c, &e) == 0 && c.verified,
          "later, intact file: %.300s", e.msg);
    audio_cache_close(&c);
    /* closed while the pass still runs: close waits for it (the map stays until then) */
    CHECK(audio_cache_open(&c, good, AUDIO_CACHE_VERIFY_LATER, &e) == 0, "later, close early: %.300s", e.msg);
    audio_cache_close(&c);
    /* a label out of range: refused even without verification */
    audio_cache ok;
    CHECK(audio_cache_open(&ok, good, 0, &e) == 0, "%.300s", e.msg);
    long label_off = (long)((const char *)ok.labels - (const char *)ok.map_);
    audio_cache_close(&ok);
    copy_modify(good, tmp_path("label.feat"), label_off, 0x7f, -1);
    CHECK(audio_cache_open(&c, tmp_path("label.feat"), AUDIO_CACHE_NO_VERIFY, &e) < 0 && strstr(e.msg, "bad label"),
          "bad label: %.300s", e.msg);
    /* truncated */
    copy_modify(good, tmp_path("short.feat"), -1, 0, 20000);
    CHECK(audio_cache_open(&c, tmp_path("short.feat"), 0, &e) < 0 && e.kind == WS_EINPUT && strstr(e.msg, "truncated"),
          "truncated: %.300s", e.msg);
    copy_modify(good, tmp_path("tiny.feat"), -1, 0, 100);
    CHECK(audio_cache_open(&c, tmp_path("tiny.feat"), 0, &e) < 0 && strstr(e.msg, "shorter than a header"), "%.300s", e.msg);
    /* version 1 -> 3 */
    copy_modify(good, tmp_path("v3.feat"), 8, 0x02, -1);
    CHECK(audio_cache_open(&c, tmp_path("v3.feat"), 0, &e) < 0 && e.kind == WS_EINPUT &&
          strstr(e.msg, "version 3 is not supported"), "version: %.300s", e.msg);
    /* not a cache */
    FILE *f = fopen(tmp_path("text.feat"), "w");
    for (int i = 0; i < 100; i++) fputs("hello, world\n", f);
    fclose(f);
    CHECK(audio_cache_open(&c, tmp_path("text.feat"), 0, &e) < 0 && strstr(e.msg, "wrong magic"), "%.300s", e.msg);
    CHECK(audio_cache_open(&c, tmp_path("missing.feat"), 0, &e) < 0 && e.kind == WS_EINPUT && strstr(e.msg, "cannot open"),
          "%.300s", e.msg);
}

static void le_put(unsigned char *p, uint64_t v, int n) { for (int i = 0; i < n; i++) p[i] = (unsigned char)(v >> (8 * i)); }

/* A crafted header whose n_clips x n_frames x n_mels x 4 is 2^64: in 64 bits it wrapped to 0, so
 * an empty features section passed the size check and clip i's features lay 16 GiB * i past its
 * start, outside the map. Shapes agree with the settings in the metadata (n_mels 1024, 2^22
 * frames: hop 1 over 2^22 - 1 samples, centred) and the other sections have their sizes (a
 * sparse file of 16 GiB), so only the product can refuse it. Clip 0's label is out of range:
 * without the overflow check the open stops there after one page, not after reading 16 GiB of
 * holes. Layout written from cache.h's description. */
static void test_shape_overflow(void)
{
    const char *path = tmp_path("wrap.feat");
    const uint64_t n = 1ull << 30, G4 = 1ull << 32;
    const char *meta = "{\"format\": \"wakesweep feature cache\", \"features\": {\"sample_rate\": 16000, "
        "\"clip_seconds\": 262.1439375, \"n_fft\": 4, \"win_length\": 4, \"hop_length\": 1, \"n_mels\": 1024, "
        "\"f_min\": 0, \"f_max\": 8000}, \"classes\": [\"x\"], \"splits\": [], \"noise\": []}";
    uint64_t off[7] = {4096, 4096, 4096 + G4, 4096 + 2 * G4, 4096 + 4 * G4, 4096 + 4 * G4 + 64, 4096 + 4 * G4 + 64};
    uint64_t len[7] = {0, 4 * n, 4 * n, 8 * n, 2, 0, strlen(meta)};
    uint64_t size = off[6] + len[6];
    unsigned char h[256] = "WSFCACHE";
    le_put(h + 8, 1, 4); le_put(h + 12, 256, 4); le_put(h + 24, size, 8); le_put(h + 40, n, 8);
    le_put(h + 48, 1u << 22, 4); le_put(h + 52, 1024, 4); le_put(h + 56, 1, 4); le_put(h + 64, 1, 4);
    for (int s = 0; s < 7; s++) { le_put(h + 72 + 16 * s, off[s], 8); le_put(h + 80 + 16 * s, len[s], 8); }
    int32_t bad_label = 7;
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(h, 1, sizeof h, f) == sizeof h && fclose(f) == 0 && truncate(path, (off_t)size) == 0;
    f = ok ? fopen(path, "r+b") : NULL;
    ok = f && fseeko(f, (off_t)off[1], SEEK_SET) == 0 && fwrite(&bad_label, 4, 1, f) == 1 &&
         fseeko(f, (off_t)off[4], SEEK_SET) == 0 && fwrite("a", 1, 2, f) == 2 &&
         fseeko(f, (off_t)off[6], SEEK_SET) == 0 && fwrite(meta, 1, len[6], f) == len[6] && fclose(f) == 0;
    if (!ok) { unlink(path); SKIP("cannot make a sparse 16 GiB file here"); }
    ws_err e = {0};
    audio_cache c;
    CHECK(audio_cache_open(&c, path, AUDIO_CACHE_NO_VERIFY, &e) < 0 && e.kind == WS_EINPUT && strstr(e.msg, path) &&
          strstr(e.msg, "n_clips 1073741824 x n_frames 4194304 x n_mels 1024"), "shape overflow: %.300s", e.msg);
    unlink(path);
}

/* Cut while mapped (cp or `>` over a cache a trial is reading): the lost pages raised SIGBUS
 * and killed the reader; now they read as zeros and verify_wait says what happened. */
static int sigbus_was_default;   /* at start: else a sanitizer's handler has it, and the cache leaves it */

static void test_truncated_while_mapped(void)
{
    if (!sigbus_was_default) SKIP("SIGBUS has a handler of the runtime's (a sanitizer's)");
    ws_err e = {0};
    audio_cache c;
    char good[512];
    snprintf(good, sizeof good, "%s", tmp_path("a.feat"));
    if (access(good, R_OK) != 0) CHECK(write_cache(good, &e) == 0, "%.300s", e.msg);
    copy_modify(good, tmp_path("cut.feat"), -1, 0, -1);
    CHECK(audio_cache_open(&c, tmp_path("cut.feat"), 0, &e) == 0 && audio_cache_verify_wait(&c, &e) == 0,
          "open: %.300s", e.msg);
    CHECK(truncate(tmp_path("cut.feat"), 4096) == 0, "truncate");
    const float *last = audio_cache_clip(&c, c.n_clips - 1);
    CHECK(last[0] == 0.0f && last[clip_floats - 1] == 0.0f, "lost pages read as zeros");
    CHECK(audio_cache_verify_wait(&c, &e) < 0 && e.kind == WS_EINPUT && strstr(e.msg, "cut.feat: truncated while in use"),
          "wait: %.300s", e.msg);
    audio_cache_close(&c);
    /* an intact cache opened after it is not taken for cut */
    CHECK(audio_cache_open(&c, good, AUDIO_CACHE_NO_VERIFY, &e) == 0 && audio_cache_verify_wait(&c, &e) == 0,
          "intact: %.300s", e.msg);
    audio_cache_close(&c);
}

static void test_writer_failures(void)
{
    ws_err e = {0};
    CHECK(audio_cache_writer_open("/nonexistent-dir/x/a.feat", &cfg, 3, &e) == NULL && e.kind == WS_EINPUT,
          "unwritable place: kind %d %.300s", e.kind, e.msg);
    char sub[600];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/sub/x.feat", dir);
    audio_cache_writer *w = audio_cache_writer_open(sub, &cfg, 3, &e);
    CHECK(w != NULL, "%.300s", e.msg);
    float *f = calloc(clip_floats, sizeof(float));
    CHECK(audio_cache_writer_put(w, 3, f, &e) < 0, "slot out of range accepted");
    audio_cache_writer_put(w, 0, f, &e);
    free(f);
    audio_cache_writer_abort(w);
    audio_cache_writer_abort(NULL);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    DIR *d = opendir(sub);
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d))) n += de->d_name[0] != '.';
    if (d) closedir(d);
    CHECK(n == 0, "abort left %d files behind", n);
}

/* Names are JSON text in the cache: the UTF-8 check takes what jansson takes, the escape shows
 * the rest as \xNN, and the writer refuses a class name, noise name or clip path that is not
 * UTF-8 with a message naming it, leaving no file (it used to drop it and write a cache no
 * reader could open). */
static void test_names_utf8(void)
{
    static const struct { const char *s; int ok; const char *shown; } cases[] = {
        {"yes", 1, "yes"}, {"caf\xc3\xa9", 1, "caf\xc3\xa9"}, {"\xf0\x9f\x8e\xa4", 1, "\xf0\x9f\x8e\xa4"},
        {"caf\xe9", 0, "caf\\xe9"}, {"\xc0\x80", 0, "\\xc0\\x80"}, {"\xed\xa0\x80", 0, "\\xed\\xa0\\x80"},
        {"\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80"}, {"a\xe2\x82", 0, "a\\xe2\\x82"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *shown = ws_text_escape(cases[i].s);
        json_t *j = json_string(cases[i].s);
        CHECK(ws_text_is_utf8(cases[i].s) == cases[i].ok && (j != NULL) == cases[i].ok, "case %zu: utf8 %d, jansson %d",
              i, ws_text_is_utf8(cases[i].s), j != NULL);
        CHECK(shown && !strcmp(shown, cases[i].shown) && ws_text_is_utf8(shown), "case %zu shown as %s", i, shown);
        json_decref(j);
        free(shown);
    }
    ws_err e = {0};
    float *f = calloc(clip_floats, sizeof(float));
    static const char *const bad_class[] = {"caf\xe9", "yes"}, *const good_class[] = {"no", "yes"};
    audio_cache_entry ok_clip[] = {{0, 0, 0, "no/a.wav"}}, bad_clip[] = {{0, 0, 0, "no/caf\xe9.wav"}};
    audio_cache_noise bad_noise[] = {{"bl\xe9.wav", f, 1}};
    struct { const char *const *classes; audio_cache_entry *clip; audio_cache_noise *noise; const char *says; } runs[] = {
        {bad_class, ok_clip, NULL, "class name \"caf\\xe9\" is not valid UTF-8"},
        {good_class, bad_clip, NULL, "clip path \"no/caf\\xe9.wav\" is not valid UTF-8"},
        {good_class, ok_clip, bad_noise, "noise file name \"bl\\xe9.wav\" is not valid UTF-8"},
    };
    for (size_t r = 0; r < sizeof runs / sizeof *runs; r++) {
        audio_cache_writer *w = audio_cache_writer_open(tmp_path("u8.feat"), &cfg, 1, &e);
        CHECK(w && audio_cache_writer_put(w, 0, f, &e) == 0, "%.300s", e.msg);
        if (!w) break;
        audio_cache_contents c = {runs[r].classes, 2, runs[r].clip, 1, runs[r].noise, runs[r].noise ? 1 : 0,
                                  "corpus/\xe9", "test", 0, NULL, NULL};
        CHECK(audio_cache_writer_commit(w, &c, &e) < 0 && e.kind == WS_EINPUT && strstr(e.msg, runs[r].says) &&
              access(tmp_path("u8.feat"), F_OK) != 0, "run %zu: %.300s", r, e.msg);
    }
    /* a source path that is not UTF-8 is only a note: stored escaped */
    audio_cache_writer *w = audio_cache_writer_open(tmp_path("src.feat"), &cfg, 1, &e);
    CHECK(w && audio_cache_writer_put(w, 0, f, &e) == 0, "%.300s", e.msg);
    audio_cache_contents c = {good_class, 2, ok_clip, 1, NULL, 0, "corpus/\xe9", "test", 0, NULL, NULL};
    audio_cache rc;
    CHECK(w && audio_cache_writer_commit(w, &c, &e) == 0 && audio_cache_open(&rc, tmp_path("src.feat"), 0, &e) == 0 &&
          !strcmp(rc.source, "corpus/\\xe9"), "source: %.300s", e.msg);
    json_t *d = rc.map_ ? audio_cache_describe(&rc, "out\xe9.feat", &e) : NULL;
    CHECK(d && !strcmp(json_string_value(json_object_get(d, "path")), "out\\xe9.feat"), "describe path: %.300s", e.msg);
    json_decref(d);
    audio_cache_close(&rc);
    free(f);
}

int main(void)
{
    struct sigaction sa;
    sigbus_was_default = sigaction(SIGBUS, NULL, &sa) == 0 && !(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_DFL;
    setup();
    RUN(test_roundtrip);
    RUN(test_deterministic);
    RUN(test_noise_put);
    RUN(test_corruption);
    RUN(test_shape_overflow);
    RUN(test_truncated_while_mapped);
    RUN(test_writer_failures);
    RUN(test_names_utf8);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
    return test_summary();
}
