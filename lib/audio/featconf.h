/* featconf.h — feature settings (configs/features/NAME.json), with torchaudio's names and meanings
 * (MelSpectrogram: sample_rate, n_fft, win_length, hop_length, n_mels, f_min, f_max, mel_scale,
 * norm, center, pad_mode; power is always 2, the window always a periodic Hann window), plus
 * clip_seconds, the length every clip is padded or cropped to. */
#ifndef WS_AUDIO_FEATCONF_H
#define WS_AUDIO_FEATCONF_H
#include <jansson.h>
#include <stddef.h>
#include "core/err.h"

enum { AUDIO_MEL_HTK = 0, AUDIO_MEL_SLANEY = 1 };      /* mel_scale */
enum { AUDIO_NORM_NONE = 0, AUDIO_NORM_SLANEY = 1 };   /* norm: null | "slaney" (area) */
enum { AUDIO_PAD_REFLECT = 0, AUDIO_PAD_CONSTANT = 1 };/* pad_mode, when center */

typedef struct audio_feat_config {
    int sample_rate;       /* Hz; audio is resampled to it */
    double clip_seconds;   /* s; clips are zero-padded at the end or cropped to this */
    int n_fft;             /* FFT size, samples, even */
    int win_length;        /* periodic Hann window, samples, <= n_fft, centred in the frame */
    int hop_length;        /* samples between frames */
    int n_mels;            /* mel bands */
    double f_min, f_max;   /* Hz; f_max is resolved (JSON null means sample_rate / 2) */
    int mel_scale;         /* AUDIO_MEL_* */
    int norm;              /* AUDIO_NORM_* */
    int center;            /* 1: pad n_fft / 2 on both sides, frames = 1 + samples / hop */
    int pad_mode;          /* AUDIO_PAD_* */
} audio_feat_config;

/* The built-in defaults; configs/features/default.json holds the same values:
 * 16 kHz, 1 s, n_fft 512, win 400, hop 160, 40 mels, 20–7600 Hz, htk, no norm, centre, reflect. */
void audio_feat_config_default(audio_feat_config *c);
/* Reads a JSON object over the defaults (absent keys keep them; unknown keys are errors; null
 * for f_max, win_length or hop_length is torchaudio's None: sample_rate // 2, n_fft and
 * win_length // 2), then validates. `where` names the origin in messages. */
int audio_feat_config_from_json(const json_t *j, const char *where, audio_feat_config *c, ws_err *e);
int audio_feat_config_load(const char *path, audio_feat_config *c, ws_err *e);
int audio_feat_config_validate(const audio_feat_config *c, const char *where, ws_err *e);
/* The settings as JSON with torchaudio's names (f_max resolved, power 2.0, window_fn "hann"). */
json_t *audio_feat_config_to_json(const audio_feat_config *c);
/* 0 when a and b give the same features; 1 and a message naming the first difference
 * ("n_mels: 40 in the cache, 64 wanted") otherwise. a is "the cache", b "wanted". Settings that
 * do not change the features are not differences: a clip_seconds of the same number of samples,
 * pad_mode when neither is centred. */
int audio_feat_config_diff(const audio_feat_config *a, const audio_feat_config *b, char *msg, size_t len);

/* One clip's features, or one noise stream's, at most (the cache holds thousands of clips; a
 * one-second clip at the defaults is 16 KB, a 600 s clip at hop 160 with 128 mels 29 MiB). */
#define AUDIO_FEAT_MAX_MIB 256

size_t audio_feat_clip_samples(const audio_feat_config *c);          /* round(clip_seconds * rate) */
size_t audio_feat_frames(const audio_feat_config *c, size_t n_samples); /* 0 when too short */
int audio_feat_n_freqs(const audio_feat_config *c);                  /* n_fft / 2 + 1 */

#endif
