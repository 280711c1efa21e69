/* test_audio_featconf.c — feature settings: the built-in defaults are configs/features/default.json,
 * JSON round trip, torchaudio's f_max null, validation messages, comparison; frame counts. */
#include <stdlib.h>
#include "audio/featconf.h"
#include "core/json.h"
#include "harness.h"

static int from_text(const char *text, audio_feat_config *c, ws_err *e)
{
    json_t *j = ws_json_load_string(text, "t", e);
    if (!j) return -1;
    int rc = audio_feat_config_from_json(j, "cfg", c, e);
    json_decref(j);
    return rc;
}

static void test_default_file(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/configs/features/default.json", getenv("WS_ROOT") ? getenv("WS_ROOT") : ".");
    audio_feat_config a, b;
    ws_err e = {0};
    CHECK(audio_feat_config_load(path, &a, &e) == 0, "%.300s", e.msg);
    audio_feat_config_default(&b);
    char msg[256];
    CHECK(audio_feat_config_diff(&a, &b, msg, sizeof msg) == 0, "default.json differs from the built-in defaults: %s", msg);
    CHECK(a.sample_rate == 16000 && a.n_fft == 512 && a.win_length == 400 && a.hop_length == 160 && a.n_mels == 40 &&
          a.mel_scale == AUDIO_MEL_HTK && a.norm == AUDIO_NORM_NONE && a.center, "default values");
    CHECK(audio_feat_clip_samples(&a) == 16000 && audio_feat_frames(&a, 16000) == 101 && audio_feat_n_freqs(&a) == 257, "shapes");
}

static void test_roundtrip(void)
{
    audio_feat_config a, b;
    ws_err e = {0};
    CHECK(from_text("{\"n_mels\": 64, \"mel_scale\": \"slaney\", \"norm\": \"slaney\", \"f_max\": null, \"center\": false,"
                    " \"pad_mode\": \"constant\", \"clip_seconds\": 1.5, \"power\": 2, \"window_fn\": \"hann\"}", &a, &e) == 0,
          "%.300s", e.msg);
    CHECK(a.f_max == 8000 && a.n_mels == 64 && a.norm == AUDIO_NORM_SLANEY && !a.center && a.pad_mode == AUDIO_PAD_CONSTANT,
          "parsed values");
    CHECK(audio_feat_frames(&a, audio_feat_clip_samples(&a)) == 1 + (24000 - 512) / 160, "frames without centre");
    json_t *j = audio_feat_config_to_json(&a);
    CHECK(j && audio_feat_config_from_json(j, "again", &b, &e) == 0, "%.300s", e.msg);
    json_decref(j);
    CHECK(audio_feat_config_diff(&a, &b, NULL, 0) == 0, "round trip changed the settings");
    b.hop_length = 128;
    char msg[256];
    CHECK(audio_feat_config_diff(&a, &b, msg, sizeof msg) == 1 && !strcmp(msg, "hop_length: 160 in the cache, 128 wanted"), "%s", msg);
    b = a;
    b.clip_seconds = 1.50000001;   /* same number of samples: same features */
    CHECK(audio_feat_config_diff(&a, &b, msg, sizeof msg) == 0, "%s", msg);
}

/* pad_mode is how a centred signal is padded: without centring there is no padding, and torch.stft
 * ignores it, so two uncentred settings that differ only there give the same features. */
static void test_diff_pad_mode_uncentred(void)
{
    audio_feat_config a, b;
    ws_err e = {0};
    CHECK(from_text("{\"center\": false, \"pad_mode\": \"reflect\"}", &a, &e) == 0, "%.300s", e.msg);
    CHECK(from_text("{\"center\": false, \"pad_mode\": \"constant\"}", &b, &e) == 0, "%.300s", e.msg);
    char msg[256] = "";
    CHECK(audio_feat_config_diff(&a, &b, msg, sizeof msg) == 0, "uncentred, pad_mode alone differs: %s", msg);
    a.center = b.center = 1;
    CHECK(audio_feat_config_diff(&a, &b, msg, sizeof msg) == 1 &&
          !strcmp(msg, "pad_mode: \"reflect\" in the cache, \"constant\" wanted"), "centred: %s", msg);
    a.center = 0;
    CHECK(audio_feat_config_diff(&a, &b, msg, sizeof msg) == 1 && !strcmp(msg, "center: false in the cache, true wanted"),
          "one centred: %s", msg);
    /* written differently, as train-trial(1) says: 40 and 40.0, a default left out and given, f_max null */
    CHECK(from_text("{\"n_mels\": 40.0, \"sample_rate\": 16000, \"f_max\": 8000}", &a, &e) == 0, "%.300s", e.msg);
    CHECK(from_text("{\"f_max\": null, \"hop_length\": 160.0}", &b, &e) == 0, "%.300s", e.msg);
    CHECK(audio_feat_config_diff(&a, &b, msg, sizeof msg) == 0, "same settings written differently: %s", msg);
}

/* torchaudio's None for win_length (n_fft) and hop_length (win_length // 2), as f_max's null. */
static void test_null_lengths(void)
{
    static const struct { const char *json; int win, hop; } cases[] = {
        {"{\"n_fft\": 400, \"win_length\": null, \"hop_length\": null}", 400, 200},
        {"{\"n_fft\": 1024, \"win_length\": null}", 1024, 160},   /* hop_length absent: the default */
        {"{\"win_length\": 301, \"hop_length\": null}", 301, 150},
        {"{\"hop_length\": null}", 400, 200},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        audio_feat_config c;
        ws_err e = {0};
        CHECK(from_text(cases[i].json, &c, &e) == 0, "%s: %.300s", cases[i].json, e.msg);
        CHECK(c.win_length == cases[i].win && c.hop_length == cases[i].hop, "%s: win_length %d, hop_length %d",
              cases[i].json, c.win_length, c.hop_length);
    }
    audio_feat_config c;
    ws_err e = {0};
    CHECK(from_text("{\"n_fft\": 1, \"win_length\": null}", &c, &e) < 0 && strstr(e.msg, "cfg.n_fft: 1 is not"), "%s", e.msg);
}

static void test_errors(void)
{
    static const struct { const char *json, *want; } cases[] = {
        {"{\"n_mel\": 3}", "cfg: unknown key 'n_mel'"},
        {"{\"mel_scale\": \"bark\"}", "cfg.mel_scale: expected \"htk\", \"slaney\""},
        {"{\"norm\": \"l2\"}", "cfg.norm: expected null, \"slaney\""},
        {"{\"f_max\": 9000}", "cfg.f_max: 9000 Hz is above the Nyquist frequency (8000 Hz)"},
        {"{\"f_min\": 8000, \"f_max\": 7000}", "cfg.f_min"},
        {"{\"n_fft\": 511}", "cfg.n_fft: 511 is not an even number"},
        /* halves 4999 and 32749 are prime; 2 * 1031 is the first size past the limit of 1024 */
        {"{\"n_fft\": 9998, \"win_length\": 400}", "cfg.n_fft: 9998: its half has the prime factor 4999, and kissfft's "
         "time grows with such a factor (seconds a clip where a nearby size takes milliseconds); expected an n_fft whose "
         "half has no prime factor above 1024, such as 9720 or 10000"},
        {"{\"n_fft\": 65498, \"clip_seconds\": 5}", "prime factor 32749, and kissfft's time grows with such a factor "
         "(seconds a clip where a nearby size takes milliseconds); expected an n_fft whose half has no prime factor above "
         "1024, such as 64800 or 65536"},
        {"{\"n_fft\": 2062}", "cfg.n_fft: 2062: its half has the prime factor 1031"},
        /* 600 s at hop 1: 9600001 frames of 1024 mels, 4 bytes each: 39321604096 bytes = 37500 MiB */
        {"{\"clip_seconds\": 600, \"hop_length\": 1, \"n_mels\": 1024, \"n_fft\": 4096, \"f_max\": 8000}",
         "cfg: one clip's features would take 37500 MiB (9600001 frames of 1024 mels, float32); expected at most 256 "
         "MiB a clip (a larger hop_length, fewer n_mels or a shorter clip_seconds)"},
        {"{\"win_length\": 1024}", "cfg.win_length: 1024 is outside 1..n_fft (512)"},
        {"{\"hop_length\": 0}", "cfg.hop_length"},
        {"{\"n_mels\": 2.5}", "cfg.n_mels: expected an integer, got a fraction"},
        {"{\"sample_rate\": 100}", "cfg.sample_rate: 100 Hz is outside"},
        {"{\"clip_seconds\": 0.01}", "too short for n_fft 512"},
        /* what the clip needs, for it is not n_fft samples when centred: 258 samples are enough here */
        {"{\"clip_seconds\": 0.016}", "cfg.clip_seconds: 0.016 s (256 samples) is too short for n_fft 512: centred "
         "with reflect padding, a clip needs more than n_fft / 2 (256) samples"},
        {"{\"clip_seconds\": 0.016, \"center\": false}", "cfg.clip_seconds: 0.016 s (256 samples) is too short for "
         "n_fft 512: uncentred, a clip needs at least n_fft (512) samples"},
        {"{\"power\": 1.0}", "cfg.power: only 2.0"},
        {"{\"window_fn\": \"hamming\"}", "cfg.window_fn"},
        {"{\"center\": 1}", "cfg.center: expected true or false"},
        {"[1]", "cfg: expected an object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        audio_feat_config c;
        ws_err e = {0};
        int rc = from_text(cases[i].json, &c, &e);
        CHECK(rc < 0 && e.kind == WS_EINPUT && strstr(e.msg, cases[i].want), "%s: rc %d, '%s'", cases[i].json, rc, e.msg);
    }
}

/* Sizes whose halves keep their prime factors at or under 1024 are taken, however odd (2 * 1021). */
static void test_fft_sizes_taken(void)
{
    /* and a long clip within the limit: 600 s at hop 160, 128 mels: 60001 frames, 29.3 MiB */
    audio_feat_config c0;
    ws_err e0 = {0};
    CHECK(from_text("{\"clip_seconds\": 600, \"n_mels\": 128, \"n_fft\": 2048}", &c0, &e0) == 0, "%s", e0.msg);
    static const int sizes[] = {4, 6, 14, 400, 502, 512, 640, 2018, 2042, 4008, 9720, 10000, 65536};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char json[128];
        int win = sizes[i] < 400 ? sizes[i] : 400;
        snprintf(json, sizeof json, "{\"n_fft\": %d, \"win_length\": %d, \"hop_length\": %d, \"clip_seconds\": 5}",
                 sizes[i], win, win < 160 ? win : 160);
        audio_feat_config c;
        ws_err e = {0};
        CHECK(from_text(json, &c, &e) == 0, "%s: %s", json, e.msg);
    }
}

int main(void)
{
    RUN(test_default_file);
    RUN(test_fft_sizes_taken);
    RUN(test_roundtrip);
    RUN(test_diff_pad_mode_uncentred);
    RUN(test_null_lengths);
    RUN(test_errors);
    return test_summary();
}
