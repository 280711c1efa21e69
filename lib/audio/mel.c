/* mel.c — STFT (kissfft) and mel filterbank; see mel.h. Formulas follow torchaudio 0.13:
 * functional.melscale_fbanks / _create_triangular_filterbank / _hz_to_mel / _mel_to_hz, and
 * functional.spectrogram (torch.stft with a window of win_length zero-padded to n_fft on both
 * sides, reflect or constant padding of n_fft / 2 when centred, |X|^2). */
#include "audio/mel.h"
#include "audio/fft4.h"
#include "core/text.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SLANEY_F_SP (200.0 / 3.0)   /* Hz per mel below 1 kHz */
#define SLANEY_MIN_LOG_HZ 1000.0
#define SLANEY_MIN_LOG_MEL (SLANEY_MIN_LOG_HZ / SLANEY_F_SP)

static double slaney_logstep(void) { return log(6.4) / 27.0; }

double audio_hz_to_mel(double hz, int mel_scale)
{
    if (mel_scale == AUDIO_MEL_HTK) return 2595.0 * log10(1.0 + hz / 700.0);
    if (hz >= SLANEY_MIN_LOG_HZ) return SLANEY_MIN_LOG_MEL + log(hz / SLANEY_MIN_LOG_HZ) / slaney_logstep();
    return hz / SLANEY_F_SP;
}

double audio_mel_to_hz(double mel, int mel_scale)
{
    if (mel_scale == AUDIO_MEL_HTK) return 700.0 * (pow(10.0, mel / 2595.0) - 1.0);
    if (mel >= SLANEY_MIN_LOG_MEL) return SLANEY_MIN_LOG_HZ * exp(slaney_logstep() * (mel - SLANEY_MIN_LOG_MEL));
    return SLANEY_F_SP * mel;
}

/* torch.linspace(a, b, n)[i]: stepping from the nearer end, as torch does. */
static double linspace_at(double a, double b, int n, int i)
{
    if (n == 1) return a;
    double step = (b - a) / (n - 1);
    return i < n / 2 ? a + step * i : b - step * (n - 1 - i);
}

int audio_melbank_init(audio_melbank *fb, const audio_feat_config *c, ws_err *e)
{
    memset(fb, 0, sizeof *fb);
    int n_mels = c->n_mels, n_freqs = audio_feat_n_freqs(c);
    fb->n_mels = n_mels;
    fb->n_freqs = n_freqs;
    double *f_pts = malloc(sizeof(double) * (size_t)(n_mels + 2));
    double *freqs = malloc(sizeof(double) * (size_t)n_freqs);
    double *dense = malloc(sizeof(double) * (size_t)n_freqs * (size_t)n_mels);
    fb->first = calloc((size_t)n_mels, sizeof(int));
    fb->count = calloc((size_t)n_mels, sizeof(int));
    fb->off = calloc((size_t)n_mels, sizeof(size_t));
    if (!f_pts || !freqs || !dense || !fb->first || !fb->count || !fb->off) goto oom;

    double m_min = audio_hz_to_mel(c->f_min, c->mel_scale), m_max = audio_hz_to_mel(c->f_max, c->mel_scale);
    for (int i = 0; i < n_mels + 2; i++)
        f_pts[i] = audio_mel_to_hz(linspace_at(m_min, m_max, n_mels + 2, i), c->mel_scale);
    for (int k = 0; k < n_freqs; k++) freqs[k] = linspace_at(0.0, (double)(c->sample_rate / 2), n_freqs, k);

    size_t total = 0;
    for (int m = 0; m < n_mels; m++) {
        double lo = f_pts[m + 1] - f_pts[m], hi = f_pts[m + 2] - f_pts[m + 1];
        double enorm = c->norm == AUDIO_NORM_SLANEY ? 2.0 / (f_pts[m + 2] - f_pts[m]) : 1.0;
        int first = -1, last = -1;
        for (int k = 0; k < n_freqs; k++) {
            double down = (-1.0 * (f_pts[m] - freqs[k])) / lo;
            double up = (f_pts[m + 2] - freqs[k]) / hi;
            double w = fmax(0.0, fmin(down, up)) * enorm;
            dense[(size_t)m * (size_t)n_freqs + (size_t)k] = w;
            if (w > 0) { if (first < 0) first = k; last = k; }
        }
        fb->first[m] = first < 0 ? 0 : first;
        fb->count[m] = first < 0 ? 0 : last - first + 1;
        fb->off[m] = total;
        total += (size_t)fb->count[m];
    }
    fb->w = malloc(sizeof(float) * (total ? total : 1));
    if (!fb->w) goto oom;
    for (int m = 0; m < n_mels; m++)
        for (int k = 0; k < fb->count[m]; k++)
            fb->w[fb->off[m] + (size_t)k] = (float)dense[(size_t)m * (size_t)n_freqs + (size_t)(fb->first[m] + k)];
    free(f_pts); free(freqs); free(dense);
    return 0;
oom:
    free(f_pts); free(freqs); free(dense);
    audio_melbank_release(fb);
    return ws_err_set(e, WS_ENOMEM, "mel filterbank: out of memory");
}

void audio_melbank_release(audio_melbank *fb)
{
    free(fb->first); free(fb->count); free(fb->off); free(fb->w);
    memset(fb, 0, sizeof *fb);
}

int audio_melbank_check(const audio_feat_config *c, const char *where, char *msg, size_t len, ws_err *e)
{
    audio_melbank fb;
    if (audio_melbank_init(&fb, c, e) < 0) return -1;
    int empty = 0;
    for (int m = 0; m < fb.n_mels; m++) empty += fb.count[m] == 0;
    audio_melbank_release(&fb);
    if (empty > 0)
        snprintf(msg, len, "%s.n_mels: %d mel filters, %d of them all zero: n_fft %d gives %d frequency bins at "
                 "sample_rate %d Hz, too few between f_min %g Hz and f_max %g Hz; those bands will be zero (fewer "
                 "mels, a larger n_fft or a wider f_min..f_max avoid them)", where, c->n_mels, empty, c->n_fft,
                 audio_feat_n_freqs(c), c->sample_rate, c->f_min, c->f_max);
    return empty;
}

typedef float mel_v4 __attribute__((vector_size(16)));   /* four lanes: SSE, NEON, or the compiler's own */

static inline mel_v4 load_v4(const float *p)
{
    mel_v4 x;
    memcpy(&x, p, sizeof x);
    return x;
}

/* mel[l][m] = sum_k fb[k][m] * power[k * L + l] for the L frames (4 or 16) of an fft4 call: one
 * vector multiply and add of each weight for each four lanes, into sums held in registers (named
 * one by one: an array of them the compiler kept in memory, a store for every weight). Each lane
 * adds its terms in the order of k whatever L is, so four and sixteen lanes give the same bits.
 * Rows l >= rows are not written (the last call of a clip may hold fewer than L frames). */
static void melbank_apply(const audio_melbank *fb, const float *restrict power, int lanes, int rows,
                          float *restrict mel)
{
    for (int m = 0; m < fb->n_mels; m++) {
        const float *w = fb->w + fb->off[m], *p = power + (size_t)fb->first[m] * (size_t)lanes;
        float s[16];
        if (lanes == 16) {
            mel_v4 a = {0}, b = {0}, c = {0}, d = {0};
            for (int k = 0; k < fb->count[m]; k++, p += 16) {
                mel_v4 wk = {w[k], w[k], w[k], w[k]};
                a += wk * load_v4(p);
                b += wk * load_v4(p + 4);
                c += wk * load_v4(p + 8);
                d += wk * load_v4(p + 12);
            }
            memcpy(s, &a, sizeof a); memcpy(s + 4, &b, sizeof b); memcpy(s + 8, &c, sizeof c); memcpy(s + 12, &d, sizeof d);
        } else {
            mel_v4 a = {0};
            for (int k = 0; k < fb->count[m]; k++, p += 4) {
                mel_v4 wk = {w[k], w[k], w[k], w[k]};
                a += wk * load_v4(p);
            }
            memcpy(s, &a, sizeof a);
        }
        for (int l = 0; l < rows; l++) mel[(size_t)l * (size_t)fb->n_mels + (size_t)m] = s[l];
    }
}

void audio_melbank_dense(const audio_melbank *fb, float *out)
{
    memset(out, 0, sizeof(float) * (size_t)fb->n_freqs * (size_t)fb->n_mels);
    for (int m = 0; m < fb->n_mels; m++)
        for (int k = 0; k < fb->count[m]; k++)
            out[(size_t)(fb->first[m] + k) * (size_t)fb->n_mels + (size_t)m] = fb->w[fb->off[m] + (size_t)k];
}

int audio_melspec_init(audio_melspec *m, const audio_feat_config *c, ws_err *e)
{
    memset(m, 0, sizeof *m);
    if (audio_feat_config_validate(c, "features", e) < 0) return -1;
    m->cfg = *c;
    if (audio_melbank_init(&m->fb, c, e) < 0) return -1;
    int win = c->win_length, n_freqs = audio_feat_n_freqs(c);
    m->fft = audio_fft4_alloc(c->n_fft);
    m->window = malloc(sizeof(float) * (size_t)win);
    m->power = malloc(sizeof(float) * (size_t)n_freqs * AUDIO_FFT4_MAX_LANES);
    if (!m->fft || !m->window || !m->power) {
        audio_melspec_release(m);
        return ws_err_set(e, WS_ENOMEM, "mel spectrogram: out of memory");
    }
    /* torch.hann_window(win, periodic=True); for win_length 1 torch returns [1], not the formula's
     * [0] (which would make every frame, and so the features, zero) */
    for (int i = 0; i < win; i++) m->window[i] = win == 1 ? 1.0f : (float)(0.5 - 0.5 * cos(2.0 * M_PI * i / win));
    return 0;
}

void audio_melspec_release(audio_melspec *m)
{
    audio_melbank_release(&m->fb);
    audio_fft4_free(m->fft);
    free(m->window); free(m->power); free(m->edge);
    memset(m, 0, sizeof *m);
}

/* Sample i of the signal as torch.stft sees it: when centred, n_fft / 2 samples of reflection
 * (or zeros) on both sides of x[0..n). i lies within that padded signal. x holds the signal's
 * samples from base on (x[j - base] is sample j): a stream's block, or base 0 and the whole. */
static float padded_at(const audio_melspec *m, const float *x, size_t base, size_t n, size_t i)
{
    size_t pad = m->cfg.center ? (size_t)m->cfg.n_fft / 2 : 0;
    int reflect = m->cfg.pad_mode == AUDIO_PAD_REFLECT;
    if (i < pad) return reflect ? x[pad - i - base] : 0.0f;                   /* x[1], x[2], ... mirrored, x[0] not repeated */
    if (i >= pad + n) return reflect ? x[2 * n + pad - 2 - i - base] : 0.0f;  /* x[n - 2], x[n - 3], ... */
    return x[i - pad - base];
}

/* The span samples from start of the padded signal: within x itself where they lie there, else
 * (a group of frames that reaches into the padding) copied with the padding into m->edge. The
 * whole signal was copied to pad it: a noise stream held twice, an hour of 16 kHz noise 230 MB
 * more at the peak (t2074), and kept by the thread to the end of the run. NULL when out of
 * memory (e set). */
static const float *samples_at(audio_melspec *m, const float *x, size_t base, size_t n, size_t start, size_t span,
                               ws_err *e)
{
    size_t pad = m->cfg.center ? (size_t)m->cfg.n_fft / 2 : 0;
    if (start >= pad && start + span <= pad + n) return x + (start - pad - base);
    if (span > m->edge_cap) {
        float *p = realloc(m->edge, sizeof(float) * span);
        if (!p) { ws_err_set(e, WS_ENOMEM, "mel spectrogram: out of memory"); return NULL; }
        m->edge = p;
        m->edge_cap = span;
    }
    for (size_t i = 0; i < span; i++) m->edge[i] = padded_at(m, x, base, n, start + i);
    return m->edge;
}

/* Whether every sample of x[0..n) is zero: the frames over them then have an all-zero spectrum. */
static int all_zero(const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (x[i] != 0.0f) return 0;
    return 1;
}

int audio_melspec_lanes(const audio_melspec *m) { return audio_fft4_lanes(m->fft); }

/* Frames are taken audio_melspec_lanes at a time from frame t0 on, the last call with what is
 * left before t1: called with t0 a multiple of the lanes (and t1 one too, or the last frame),
 * a stream's frames are grouped as audio_melspec_compute groups the whole signal's, the same
 * calls on the same samples, so the same values to the bit. */
int audio_melspec_range(audio_melspec *m, const float *x, size_t base, size_t n, size_t t0, size_t t1, float *out,
                        ws_err *e)
{
    const audio_feat_config *c = &m->cfg;
    int n_fft = c->n_fft, win = c->win_length, off = (n_fft - win) / 2, n_mels = c->n_mels;
    size_t hop = (size_t)c->hop_length, lanes = (size_t)audio_fft4_lanes(m->fft);
    for (size_t t = t0; t < t1; t += lanes) {
        int rows = t1 - t < lanes ? (int)(t1 - t) : (int)lanes;
        size_t span = (size_t)(rows - 1) * hop + (size_t)win;
        const float *src = samples_at(m, x, base, n, t * hop + (size_t)off, span, e);
        if (!src) return -1;
        float *dst = out + (t - t0) * (size_t)n_mels;
        if (all_zero(src, span)) {
            /* digital silence (padding, gaps): the spectra are exactly zero, skip the FFT. A
             * silent frame beside sounding ones comes out exactly zero from the FFT as well. */
            memset(dst, 0, sizeof(float) * (size_t)rows * (size_t)n_mels);
            continue;
        }
        audio_fft4_window(m->fft, src, hop, m->window, win, off, rows);
        audio_fft4_power(m->fft, m->power);
        melbank_apply(&m->fb, m->power, (int)lanes, rows, dst);
    }
    return 0;
}

size_t audio_melspec_frames(const audio_melspec *m, size_t n, ws_err *e)
{
    size_t frames = audio_feat_frames(&m->cfg, n);
    if (frames == 0)
        ws_err_set(e, WS_EINPUT, "signal of %zu sample%s is too short for n_fft %d", n, ws_plural(n), m->cfg.n_fft);
    return frames;
}

long audio_melspec_compute(audio_melspec *m, const float *x, size_t n, float *out, ws_err *e)
{
    size_t frames = audio_melspec_frames(m, n, e);
    if (frames == 0) return -1;
    return audio_melspec_range(m, x, 0, n, 0, frames, out, e) < 0 ? -1 : (long)frames;
}
