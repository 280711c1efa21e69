/* featconf.c — feature settings: defaults, JSON in and out, validation, comparison. */
#include "audio/featconf.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "core/text.h"

void audio_feat_config_default(audio_feat_config *c)
{
    memset(c, 0, sizeof *c);
    c->sample_rate = 16000;
    c->clip_seconds = 1.0;
    c->n_fft = 512;
    c->win_length = 400;
    c->hop_length = 160;
    c->n_mels = 40;
    c->f_min = 20.0;
    c->f_max = 7600.0;
    c->mel_scale = AUDIO_MEL_HTK;
    c->norm = AUDIO_NORM_NONE;
    c->center = 1;
    c->pad_mode = AUDIO_PAD_REFLECT;
}

static int get_int_in(const json_t *j, const char *key, const char *where, int *out, ws_err *e)
{
    long v = *out;
    if (ws_json_get_int(j, key, where, &v, e) < 0) return -1;
    if (v < -2147483647L || v > 2147483647L)
        return ws_err_set(e, WS_EINPUT, "%s.%s: %ld is out of range", where, key, v);
    *out = (int)v;
    return 0;
}

/* A string-valued choice: *out becomes the index of the value in names[]; null maps to
 * null_value when null_value >= 0. */
static int get_choice(const json_t *j, const char *key, const char *where, const char *const *names,
                      int null_value, int *out, ws_err *e)
{
    json_t *v = json_object_get(j, key);
    if (!v) return 0;
    if (json_is_null(v) && null_value >= 0) { *out = null_value; return 0; }
    if (json_is_string(v))
        for (int i = 0; names[i]; i++)
            if (strcmp(names[i], json_string_value(v)) == 0) { *out = i; return 0; }
    char list[160] = "";
    for (int i = 0; names[i]; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s\"%s\"", i ? ", " : "", names[i]);
    return ws_err_set(e, WS_EINPUT, "%s.%s: expected %s%s", where, key, null_value >= 0 ? "null, " : "", list);
}

int audio_feat_config_from_json(const json_t *j, const char *where, audio_feat_config *c, ws_err *e)
{
    static const char *const keys[] = {"sample_rate", "clip_seconds", "n_fft", "win_length",
        "hop_length", "n_mels", "f_min", "f_max", "mel_scale", "norm", "center", "pad_mode",
        "power", "window_fn", NULL};
    static const char *const scales[] = {"htk", "slaney", NULL};
    static const char *const norms[] = {"slaney", NULL};
    static const char *const pads[] = {"reflect", "constant", NULL};
    static const char *const windows[] = {"hann", NULL};
    audio_feat_config_default(c);
    if (!json_is_object(j))
        return ws_err_set(e, WS_EINPUT, "%s: expected an object, got %s", where, ws_json_type_name(j));
    if (ws_json_check_keys(j, keys, where, e) < 0) return -1;
    json_t *fmax = json_object_get(j, "f_max"), *win = json_object_get(j, "win_length"),
           *hop = json_object_get(j, "hop_length");
    int window = 0, slaney_norm = c->norm == AUDIO_NORM_SLANEY ? 0 : 1;
    double power = 2.0;
    if (get_int_in(j, "sample_rate", where, &c->sample_rate, e) < 0 ||
        ws_json_get_number(j, "clip_seconds", where, &c->clip_seconds, e) < 0 ||
        get_int_in(j, "n_fft", where, &c->n_fft, e) < 0 ||
        (!json_is_null(win) && get_int_in(j, "win_length", where, &c->win_length, e) < 0) ||
        (!json_is_null(hop) && get_int_in(j, "hop_length", where, &c->hop_length, e) < 0) ||
        get_int_in(j, "n_mels", where, &c->n_mels, e) < 0 ||
        ws_json_get_number(j, "f_min", where, &c->f_min, e) < 0 ||
        (fmax && !json_is_null(fmax) && ws_json_get_number(j, "f_max", where, &c->f_max, e) < 0) ||
        get_choice(j, "mel_scale", where, scales, -1, &c->mel_scale, e) < 0 ||
        get_choice(j, "norm", where, norms, 1, &slaney_norm, e) < 0 ||
        ws_json_get_bool(j, "center", where, &c->center, e) < 0 ||
        get_choice(j, "pad_mode", where, pads, -1, &c->pad_mode, e) < 0 ||
        ws_json_get_number(j, "power", where, &power, e) < 0 ||
        get_choice(j, "window_fn", where, windows, -1, &window, e) < 0)
        return -1;
    c->norm = slaney_norm == 0 ? AUDIO_NORM_SLANEY : AUDIO_NORM_NONE;
    if (fmax && json_is_null(fmax)) c->f_max = c->sample_rate / 2;   /* torchaudio: sample_rate // 2 */
    /* torchaudio's None for the lengths: win_length n_fft, hop_length win_length // 2 */
    if (json_is_null(win)) c->win_length = c->n_fft;
    if (json_is_null(hop)) c->hop_length = c->win_length / 2;
    char got[40];   /* the value as written (ws_real_text), for the message */
    if (power != 2.0)
        return ws_err_set(e, WS_EINPUT, "%s.power: only 2.0 (power spectrum) is cached, got %s", where,
                          ws_real_text(power, got, sizeof got));
    if (audio_feat_config_validate(c, where, e) == 0) return 0;
    /* A default refused beside a value the file gives ({"sample_rate": 8000} and f_max 7600,
     * {"n_fft": 256} and win_length 400): the message named a number found nowhere in the file,
     * where torchaudio's defaults follow sample_rate and n_fft. Say that it is the default. */
    static const struct { const char *key, *null_is; } defaulted[] = {
        {"win_length", "n_fft"}, {"hop_length", "win_length // 2"}, {"f_max", "sample_rate // 2"},
        {"f_min", NULL}, {"clip_seconds", NULL}};
    for (size_t i = 0; i < sizeof defaulted / sizeof *defaulted; i++) {
        const char *key = defaulted[i].key, *null_is = defaulted[i].null_is;
        char head[512];
        int len = snprintf(head, sizeof head, "%s.%s:", where, key);
        const json_t *given = json_object_get(j, key);
        if ((given && !(json_is_null(given) && null_is)) || len >= (int)sizeof head || strncmp(e->msg, head, (size_t)len))
            continue;
        char msg[sizeof e->msg];
        snprintf(msg, sizeof msg, "%s", e->msg);
        if (given)   /* null, which the message showed as the number it stands for */
            return ws_err_set(e, WS_EINPUT, "%s (the file's null: %s)", msg, null_is);
        return ws_err_set(e, WS_EINPUT, "%s (the default: %s is not in the file, and the defaults do not follow the "
                          "other settings; give %s%s%s)", msg, key, key, null_is ? ", or null for " : "",
                          null_is ? null_is : "");
    }
    return -1;
}

int audio_feat_config_load(const char *path, audio_feat_config *c, ws_err *e)
{
    json_t *j = ws_json_load_file(path, e);
    if (!j) return -1;
    int rc = audio_feat_config_from_json(j, path, c, e);
    json_decref(j);
    return rc;
}

/* kissfft makes a real FFT of n_fft points as a complex one of n_fft / 2; a prime factor p of that
 * goes through its generic butterfly, whose time grows with p, so a large one turns a clip's
 * milliseconds into seconds or minutes (n_fft 9998, half 4999 prime: 2.8 s a one-second clip,
 * 0.04 s at 10000), a run that looks hung. Up to this factor an FFT stays within about a
 * millisecond (n_fft 2018, half 1009 prime: 1.2 ms against 0.04 ms at 2024). */
#define FFT_MAX_PRIME 1024

static int largest_prime_factor(int n)
{
    int p = 1;
    for (int f = 2; (long)f * f <= n; f++)
        while (n % f == 0) { n /= f; p = f; }
    return n > 1 ? n : p;
}

/* The nearest even size from n in steps of dir (-1 or 1) whose half has only the factors 2, 3
 * and 5, the ones kissfft has its fast butterflies for; 0 when there is none in 4..65536. */
static int fast_fft_size(int n, int dir)
{
    for (int m = n; m >= 4 && m <= 65536; m += 2 * dir) {
        int h = m / 2;
        while (h % 2 == 0) h /= 2;
        while (h % 3 == 0) h /= 3;
        while (h % 5 == 0) h /= 5;
        if (h == 1) return m;
    }
    return 0;
}

int audio_feat_config_validate(const audio_feat_config *c, const char *where, ws_err *e)
{
    if (c->sample_rate < 1000 || c->sample_rate > 384000)
        return ws_err_set(e, WS_EINPUT, "%s.sample_rate: %d Hz is outside 1000..384000", where, c->sample_rate);
    if (!(c->clip_seconds > 0 && c->clip_seconds <= 600)) {
        char got[40];   /* as written (ws_real_text): %g showed 600.0000001 as 600 */
        return ws_err_set(e, WS_EINPUT, "%s.clip_seconds: %s is outside (0, 600]", where,
                          ws_real_text(c->clip_seconds, got, sizeof got));
    }
    if (c->n_fft < 4 || c->n_fft > 65536 || c->n_fft % 2)
        return ws_err_set(e, WS_EINPUT, "%s.n_fft: %d is not an even number in 4..65536", where, c->n_fft);
    int p = largest_prime_factor(c->n_fft / 2);
    if (p > FFT_MAX_PRIME) {
        int below = fast_fft_size(c->n_fft, -1), above = fast_fft_size(c->n_fft, 1);
        char alt[64];
        if (below && above) snprintf(alt, sizeof alt, "%d or %d", below, above);
        else snprintf(alt, sizeof alt, "%d", below ? below : above);
        return ws_err_set(e, WS_EINPUT, "%s.n_fft: %d: its half has the prime factor %d, and kissfft's time grows with "
                          "such a factor (seconds a clip where a nearby size takes milliseconds); expected an n_fft "
                          "whose half has no prime factor above %d, such as %s", where, c->n_fft, p, FFT_MAX_PRIME, alt);
    }
    if (c->win_length < 1 || c->win_length > c->n_fft)
        return ws_err_set(e, WS_EINPUT, "%s.win_length: %d is outside 1..n_fft (%d)", where, c->win_length, c->n_fft);
    if (c->hop_length < 1 || c->hop_length > c->n_fft * 4)
        return ws_err_set(e, WS_EINPUT, "%s.hop_length: %d is outside 1..4*n_fft", where, c->hop_length);
    if (c->n_mels < 1 || c->n_mels > 1024)
        return ws_err_set(e, WS_EINPUT, "%s.n_mels: %d is outside 1..1024", where, c->n_mels);
    /* the true Nyquist frequency (5512.5 Hz at 11025 Hz), which torchaudio takes for f_max; it
     * was sample_rate / 2 in integers, which refused it as "above the Nyquist frequency (5512 Hz)" */
    double nyquist = c->sample_rate / 2.0;
    char lo[40], hi[40], ny[40];   /* as written (ws_real_text): %g showed 8000.0000001 as 8000 */
    if (!(c->f_min >= 0 && c->f_min < c->f_max))
        return ws_err_set(e, WS_EINPUT, "%s.f_min: %s must be >= 0 and below f_max (%s)", where,
                          ws_real_text(c->f_min, lo, sizeof lo), ws_real_text(c->f_max, hi, sizeof hi));
    if (!(c->f_max <= nyquist))
        return ws_err_set(e, WS_EINPUT, "%s.f_max: %s Hz is above the Nyquist frequency (%s Hz)", where,
                          ws_real_text(c->f_max, hi, sizeof hi), ws_real_text(nyquist, ny, sizeof ny));
    if (c->mel_scale != AUDIO_MEL_HTK && c->mel_scale != AUDIO_MEL_SLANEY)
        return ws_err_set(e, WS_EINPUT, "%s.mel_scale: unknown scale", where);
    if (c->norm != AUDIO_NORM_NONE && c->norm != AUDIO_NORM_SLANEY)
        return ws_err_set(e, WS_EINPUT, "%s.norm: unknown norm", where);
    if (c->pad_mode != AUDIO_PAD_REFLECT && c->pad_mode != AUDIO_PAD_CONSTANT)
        return ws_err_set(e, WS_EINPUT, "%s.pad_mode: unknown mode", where);
    size_t frames = audio_feat_frames(c, audio_feat_clip_samples(c));
    if (frames == 0) {
        /* what a clip needs (audio_feat_frames): "too short for n_fft 512" alone sent a user to
         * 512 samples where, centred, 258 would do */
        char need[96];
        if (!c->center) snprintf(need, sizeof need, "uncentred, a clip needs at least n_fft (%d) samples", c->n_fft);
        else if (c->pad_mode == AUDIO_PAD_REFLECT)
            snprintf(need, sizeof need, "centred with reflect padding, a clip needs more than n_fft / 2 (%d) samples", c->n_fft / 2);
        else snprintf(need, sizeof need, "a clip needs at least one sample");
        return ws_err_set(e, WS_EINPUT, "%s.clip_seconds: %g s (%zu sample%s) is too short for n_fft %d: %s",
                          where, c->clip_seconds, audio_feat_clip_samples(c), ws_plural(audio_feat_clip_samples(c)),
                          c->n_fft, need);
    }
    /* each clip's features are one float32 row per frame: within the limits of each setting
     * alone, their product could ask gigabytes a clip (600 s at hop_length 1, 1024 mels: 39 GB),
     * which ended in a bare "out of memory" */
    double clip_mib = (double)frames * c->n_mels * sizeof(float) / (1 << 20);
    if (clip_mib > AUDIO_FEAT_MAX_MIB)
        return ws_err_set(e, WS_EINPUT, "%s: one clip's features would take %.0f MiB (%zu frames of %d mel%s, float32); "
                          "expected at most %d MiB a clip (a larger hop_length, fewer n_mels or a shorter clip_seconds)",
                          where, clip_mib, frames, c->n_mels, ws_plural((size_t)c->n_mels), AUDIO_FEAT_MAX_MIB);
    return 0;
}

json_t *audio_feat_config_to_json(const audio_feat_config *c)
{
    return json_pack("{s:i, s:o, s:i, s:i, s:i, s:i, s:o, s:o, s:s, s:o, s:b, s:s, s:o, s:s}",
        "sample_rate", c->sample_rate,
        "clip_seconds", ws_json_number(c->clip_seconds),
        "n_fft", c->n_fft, "win_length", c->win_length, "hop_length", c->hop_length,
        "n_mels", c->n_mels,
        "f_min", ws_json_number(c->f_min), "f_max", ws_json_number(c->f_max),
        "mel_scale", c->mel_scale == AUDIO_MEL_SLANEY ? "slaney" : "htk",
        "norm", c->norm == AUDIO_NORM_SLANEY ? json_string("slaney") : json_null(),
        "center", c->center,
        "pad_mode", c->pad_mode == AUDIO_PAD_CONSTANT ? "constant" : "reflect",
        "power", ws_json_number(2.0), "window_fn", "hann");
}

int audio_feat_config_diff(const audio_feat_config *a, const audio_feat_config *b, char *msg, size_t len)
{
    json_t *ja = audio_feat_config_to_json(a), *jb = audio_feat_config_to_json(b);
    int differ = 0;
    const char *key;
    json_t *va;
    if (msg && len) msg[0] = 0;
    json_object_foreach(ja, key, va) {
        json_t *vb = json_object_get(jb, key);
        if (json_equal(va, vb)) continue;
        if (!strcmp(key, "clip_seconds") && audio_feat_clip_samples(a) == audio_feat_clip_samples(b))
            continue;   /* same number of samples: same features */
        if (!strcmp(key, "pad_mode") && !a->center && !b->center)
            continue;   /* no centring, no padding: torch.stft ignores pad_mode then */
        differ = 1;
        if (msg && len) {
            char *ta = ws_json_dump(va, 0), *tb = ws_json_dump(vb, 0);
            snprintf(msg, len, "%s: %s in the cache, %s wanted", key, ta ? ta : "?", tb ? tb : "?");
            free(ta); free(tb);
        }
        break;
    }
    json_decref(ja);
    json_decref(jb);
    return differ;
}

size_t audio_feat_clip_samples(const audio_feat_config *c)
{
    return (size_t)llround(c->clip_seconds * c->sample_rate);
}

size_t audio_feat_frames(const audio_feat_config *c, size_t n)
{
    if (c->hop_length < 1) return 0;
    if (c->center) {
        /* reflect padding needs more than n_fft / 2 samples, as torch.stft does */
        if (c->pad_mode == AUDIO_PAD_REFLECT && n <= (size_t)c->n_fft / 2) return 0;
        if (n == 0) return 0;
        return 1 + n / (size_t)c->hop_length;
    }
    if (n < (size_t)c->n_fft) return 0;
    return 1 + (n - (size_t)c->n_fft) / (size_t)c->hop_length;
}

int audio_feat_n_freqs(const audio_feat_config *c) { return c->n_fft / 2 + 1; }
