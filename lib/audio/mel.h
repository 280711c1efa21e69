/* mel.h — mel power spectrograms as torchaudio.transforms.MelSpectrogram computes them
 * (power 2, periodic Hann window centred in the FFT frame, optional centre padding), with the
 * STFT on kissfft (four or sixteen frames per call, fft4.h) and a sparse triangular filterbank (htk or
 * slaney scale, optional slaney area norm, built with torchaudio's formulas in double precision).
 *
 * Output layout is time-major, [frames][n_mels] float32: the layout of the feature cache.
 * One audio_melspec per thread (kissfft's real-FFT state has scratch space). */
#ifndef WS_AUDIO_MEL_H
#define WS_AUDIO_MEL_H
#include <stddef.h>
#include "audio/featconf.h"
#include "core/err.h"

/* Filter m covers FFT bins first[m] .. first[m] + count[m] - 1 with weights w + off[m]. */
typedef struct audio_melbank {
    int n_mels, n_freqs;
    int *first;            /* [n_mels] first bin with a non-zero weight */
    int *count;            /* [n_mels] number of bins (0 for an empty filter) */
    size_t *off;           /* [n_mels] offset of the filter's weights in w */
    float *w;              /* packed non-zero weights (computed in double, stored as float) */
} audio_melbank;

int audio_melbank_init(audio_melbank *fb, const audio_feat_config *c, ws_err *e);
void audio_melbank_release(audio_melbank *fb);
/* The number of all-zero filters in the bank the settings give (more mels than the FFT bins
 * between f_min and f_max can feed), -1 on error (e set). When there are some, msg holds the
 * warning ("WHERE.n_mels: ...", naming how many and the n_fft, sample rate, f_min and f_max):
 * as torchaudio, which warns "At least one mel filterbank has all zero values", such settings
 * are used, their empty bands zero in every clip. */
int audio_melbank_check(const audio_feat_config *c, const char *where, char *msg, size_t len, ws_err *e);
/* The dense matrix [n_freqs][n_mels], as torchaudio.functional.melscale_fbanks returns it. */
void audio_melbank_dense(const audio_melbank *fb, float *out);

/* Hz <-> mel on either scale (torchaudio's _hz_to_mel / _mel_to_hz). */
double audio_hz_to_mel(double hz, int mel_scale);
double audio_mel_to_hz(double mel, int mel_scale);

typedef struct audio_melspec {
    audio_feat_config cfg;
    audio_melbank fb;
    struct audio_fft4 *fft; /* four or sixteen frames per FFT call (fft4.h) */
    float *window;         /* [win_length] periodic Hann */
    float *power;          /* [n_freqs * AUDIO_FFT4_MAX_LANES]: a call's power spectra, interleaved */
    float *edge;           /* a group of frames that reaches into the centre padding, copied with it */
    size_t edge_cap;       /* floats */
} audio_melspec;

int audio_melspec_init(audio_melspec *m, const audio_feat_config *c, ws_err *e);
void audio_melspec_release(audio_melspec *m);
/* Mel power of x[0..n): writes audio_feat_frames(cfg, n) rows of n_mels into out and returns
 * the number of frames, or -1 (signal too short for the settings; out of memory). */
long audio_melspec_compute(audio_melspec *m, const float *x, size_t n, float *out, ws_err *e);
/* The frames a whole signal of n samples gives (audio_feat_frames), or 0 with e set where it is
 * too short for n_fft: the one message for a whole clip (audio_melspec_compute) and a stream's end
 * (melstream.h). */
size_t audio_melspec_frames(const audio_melspec *m, size_t n, ws_err *e);
/* Frames the FFT takes a call (4 or 16, fft4.h). */
int audio_melspec_lanes(const audio_melspec *m);
/* Frames [t0, t1) of the mel power of a signal of n samples, of which x holds those from base on
 * (x[j - base] is sample j; every sample those frames and their padding read must be there), into
 * out. With t0 a multiple of audio_melspec_lanes and t1 one too or the last frame, the frames are
 * those audio_melspec_compute gives, to the bit: a long signal taken a block at a time
 * (melstream.h). n may be the samples so far where the frames reach no further than them (no end
 * padding). 0, or -1 (e set: out of memory). */
int audio_melspec_range(audio_melspec *m, const float *x, size_t base, size_t n, size_t t0, size_t t1, float *out,
                        ws_err *e);

#endif
