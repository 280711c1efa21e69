/* mel.c — STFT (kissfft) and mel filterbank; see mel.h. Formulas follow torchaudio 0.13:
 * functional.melscale_fbanks / _create_triangular_filterbank / _hz_to_mel / _mel_to_hz, and
 * functional.spectrogram (torch.stft with a window of win_length zero-padded to n_fft on both
 * sides, reflect or constant padding of n_fft / 2 when centred, |X|^2). */
#include "audio/mel.h"
#include <kissfft/kiss_fftr.h>
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

void audio_melbank_apply(const audio_melbank *fb, const float *power, float *mel)
{
    for (int m = 0; m < fb->n_mels; m++) {
        const float *w = fb->w + fb->off[m], *p = power + fb->first[m];
        float s = 0;
        for (int k = 0; k < fb->count[m]; k++) s += w[k] * p[k];
        mel[m] = s;
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
    int n_fft = c->n_fft, win = c->win_length, n_freqs = audio_feat_n_freqs(c);
    m->fft = kiss_fftr_alloc(n_fft, 0, NULL, NULL);
    m->frame = calloc((size_t)n_fft, sizeof(float));
    m->window = malloc(sizeof(float) * (size_t)win);
    m->spec = malloc(sizeof(kiss_fft_cpx) * (size_t)n_freqs);
    m->power = malloc(sizeof(float) * (size_t)n_freqs);
    if (!m->fft || !m->frame || !m->window || !m->spec || !m->power) {
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
    if (m->fft) kiss_fftr_free(m->fft);
    free(m->frame); free(m->window); free(m->spec); free(m->power); free(m->padded);
    memset(m, 0, sizeof *m);
}

/* The signal as torch.stft sees it: n_fft / 2 samples of reflection (or zeros) on both sides
 * when centred. Returns the padded signal (or x itself) and its length. */
static const float *pad_signal(audio_melspec *m, const float *x, size_t n, size_t *n_out, ws_err *e)
{
    if (!m->cfg.center) { *n_out = n; return x; }
    size_t pad = (size_t)m->cfg.n_fft / 2, need = n + 2 * pad;
    if (need > m->padded_cap) {
        float *p = realloc(m->padded, sizeof(float) * need);
        if (!p) { ws_err_set(e, WS_ENOMEM, "mel spectrogram: out of memory"); return NULL; }
        m->padded = p;
        m->padded_cap = need;
    }
    float *p = m->padded;
    memcpy(p + pad, x, sizeof(float) * n);
    if (m->cfg.pad_mode == AUDIO_PAD_REFLECT) {
        for (size_t i = 1; i <= pad; i++) {
            p[pad - i] = x[i];                 /* x[1], x[2], ... mirrored, x[0] not repeated */
            p[pad + n - 1 + i] = x[n - 1 - i];
        }
    } else {
        memset(p, 0, sizeof(float) * pad);
        memset(p + pad + n, 0, sizeof(float) * pad);
    }
    *n_out = need;
    return p;
}

long audio_melspec_compute(audio_melspec *m, const float *x, size_t n, float *out, ws_err *e)
{
    const audio_feat_config *c = &m->cfg;
    size_t frames = audio_feat_frames(c, n);
    if (frames == 0)
        return ws_err_set(e, WS_EINPUT, "signal of %zu samples is too short for n_fft %d", n, c->n_fft);
    size_t len;
    const float *s = pad_signal(m, x, n, &len, e);
    if (!s) return -1;
    int n_fft = c->n_fft, win = c->win_length, off = (n_fft - win) / 2, n_freqs = audio_feat_n_freqs(c);
    const kiss_fft_cpx *restrict spec = m->spec;
    const float *restrict window = m->window;
    float *restrict dst = m->frame + off, *restrict power = m->power;
    for (size_t t = 0; t < frames; t++) {
        const float *restrict src = s + t * (size_t)c->hop_length + off;
        int any = 0;
        for (int i = 0; i < win; i++) { dst[i] = src[i] * window[i]; any |= dst[i] != 0.0f; }
        if (!any) {
            /* digital silence (padding, gaps): the spectrum is exactly zero, skip the FFT */
            memset(out + t * (size_t)c->n_mels, 0, sizeof(float) * (size_t)c->n_mels);
            continue;
        }
        kiss_fftr(m->fft, m->frame, m->spec);
        for (int k = 0; k < n_freqs; k++) power[k] = spec[k].r * spec[k].r + spec[k].i * spec[k].i;
        audio_melbank_apply(&m->fb, power, out + t * (size_t)c->n_mels);
    }
    (void)len;
    return (long)frames;
}
