/* test_audio_settings.c — parity of the mel spectrogram with torchaudio for the feature settings
 * that test_audio_mel.c leaves at their defaults: n_fft, win_length (down to 1 sample),
 * hop_length (not dividing the clip, above n_fft), centre off, constant padding, other sample
 * rates (an odd one: f_max null and f_max at its true Nyquist frequency, 5512.5 Hz at 11025 Hz),
 * filterbanks with all-zero filters. Golden files: tests/ref/make_audio_settings_golden.py
 * (float64 torchaudio, stored as float32); each config goes through audio_feat_config_from_json as
 * a featurize --config would. Criterion as test_audio_mel.c's: max relative error <= 1e-4 where
 * the reference is above 1e-6 of its peak; silence and empty filters must be exactly zero. */
#include <jansson.h>
#include <stdlib.h>
#include "audio/mel.h"
#include "audio_golden.h"
#include "harness.h"

static const float *signal_by_name(const json_t *index, const float *signals, const char *name, size_t *n)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(index, "signals"), i, s) {
        if (strcmp(json_string_value(json_object_get(s, "name")), name)) continue;
        *n = (size_t)json_integer_value(json_object_get(s, "length"));
        return signals + json_integer_value(json_object_get(s, "offset"));
    }
    return NULL;
}

/* max relative error where |ref| > 1e-6 of its peak, and the largest |ours| where ref is 0 */
static double max_rel(const float *ours, const float *ref, size_t n, double *off_zero)
{
    double peak = 0, worst = 0;
    *off_zero = 0;
    for (size_t i = 0; i < n; i++) peak = fmax(peak, fabs(ref[i]));
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)ours[i] - ref[i]);
        if (ref[i] == 0) *off_zero = fmax(*off_zero, d);
        else if (fabs(ref[i]) > 1e-6 * peak) worst = fmax(worst, d / fabs(ref[i]));
    }
    return worst;
}

static void test_settings_parity(void)
{
    size_t n_sig = 0, n_gold = 0;
    json_t *index = golden_read_json("index.json"), *set = golden_read_json("settings.json");
    float *signals = golden_read_f32("signals.f32", &n_sig), *golden = golden_read_f32("settings.f32", &n_gold);
    CHECK(index && set && signals && golden, "cannot read tests/ref/audio (WS_ROOT set?)");
    int cases = 0;
    size_t i;
    json_t *o;
    json_array_foreach(index && set && signals && golden ? json_object_get(set, "outputs") : NULL, i, o) {
        const char *cname = json_string_value(json_object_get(o, "config"));
        const char *sname = json_string_value(json_object_get(o, "signal"));
        audio_feat_config cfg;
        ws_err e = {0};
        CHECK(audio_feat_config_from_json(json_object_get(json_object_get(set, "configs"), cname), cname, &cfg, &e) == 0,
              "%.300s", e.msg);
        if (test_why[0]) break;
        size_t n = 0;
        const float *x = signal_by_name(index, signals, sname, &n);
        size_t frames = (size_t)json_integer_value(json_array_get(json_object_get(o, "shape"), 0));
        size_t mels = (size_t)json_integer_value(json_array_get(json_object_get(o, "shape"), 1));
        const float *ref = golden + json_integer_value(json_object_get(o, "offset"));
        CHECK(x != NULL && mels == (size_t)cfg.n_mels, "%s/%s: no signal or wrong n_mels", cname, sname);
        CHECK(audio_feat_frames(&cfg, n) == frames, "%s/%s: %zu frames, torchaudio %zu", cname, sname,
              audio_feat_frames(&cfg, n), frames);
        if (test_why[0]) break;
        audio_melspec m;
        float *mel = malloc(sizeof(float) * frames * mels);
        CHECK(audio_melspec_init(&m, &cfg, &e) == 0, "%.300s", e.msg);
        CHECK(audio_melspec_compute(&m, x, n, mel, &e) == (long)frames, "%s/%s: %.300s", cname, sname, e.msg);
        double off_zero, rel = max_rel(mel, ref, frames * mels, &off_zero);
        printf("#   %s %s: max rel %.3g, largest value where torchaudio's is 0: %.3g\n", cname, sname, rel, off_zero);
        CHECK(rel <= 1e-4, "%s on %s: max relative error %.3g > 1e-4", cname, sname, rel);
        CHECK(off_zero == 0, "%s on %s: %.3g where torchaudio gives 0", cname, sname, off_zero);
        audio_melspec_release(&m);
        free(mel);
        cases++;
    }
    CHECK(cases == 30, "%d cases, want 30", cases);
    json_decref(index); json_decref(set);
    free(signals); free(golden);
}

int main(void)
{
    RUN(test_settings_parity);
    return test_summary();
}
