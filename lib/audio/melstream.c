/* melstream.c — see melstream.h. A group of frames is made once every sample it reads has come
 * and none of them lies past the samples so far (the end padding is known only at the end); the
 * samples before the next group's first are dropped, less the last n_fft / 2 + 1, which the end's
 * reflection reads. */
#include "audio/melstream.h"
#include <stdlib.h>
#include <string.h>

/* Frames given out at once: about a MiB of them (a write of the noise stream), whole groups. */
#define OUT_BYTES (1u << 20)

int audio_melstream_init(audio_melstream *s, audio_melspec *ms, audio_frames_fn *emit, void *ctx, ws_err *e)
{
    memset(s, 0, sizeof *s);
    s->ms = ms;
    s->emit = emit;
    s->ctx = ctx;
    size_t lanes = (size_t)audio_melspec_lanes(ms), row = sizeof(float) * (size_t)ms->cfg.n_mels;
    s->out_cap = OUT_BYTES / row / lanes * lanes;
    if (s->out_cap < lanes) s->out_cap = lanes;
    if (!(s->out = malloc(row * s->out_cap))) return ws_err_set(e, WS_ENOMEM, "mel stream: out of memory");
    return 0;
}

void audio_melstream_release(audio_melstream *s)
{
    free(s->x);
    free(s->out);
    memset(s, 0, sizeof *s);
}

static size_t pad_of(const audio_feat_config *c) { return c->center ? (size_t)c->n_fft / 2 : 0; }

/* Whether the group of frames [t, t + lanes) can be made from the samples so far: its last
 * frame is there whatever follows, and the samples it reads (its reflection at the start too) lie
 * within those pushed, short of where the end padding could begin. */
static int group_ready(const audio_melstream *s, size_t t, size_t lanes)
{
    const audio_feat_config *c = &s->ms->cfg;
    size_t pad = pad_of(c), hop = (size_t)c->hop_length, off = (size_t)(c->n_fft - c->win_length) / 2;
    size_t start = t * hop + off, span = (lanes - 1) * hop + (size_t)c->win_length;
    if (audio_feat_frames(c, s->n) < t + lanes || start + span > pad + s->n) return 0;
    return start >= pad || c->pad_mode != AUDIO_PAD_REFLECT || pad - start < s->n;
}

static int flush(audio_melstream *s, ws_err *e)
{
    if (s->out_len == 0) return 0;
    size_t n = s->out_len;
    s->out_len = 0;
    return s->emit(s->ctx, s->out, n, e);
}

/* Makes frames [t, t + rows) at the end of s->out, given out first when it is full. */
static int make(audio_melstream *s, size_t t, size_t rows, ws_err *e)
{
    if (s->out_len + rows > s->out_cap && flush(s, e) < 0) return -1;
    float *to = s->out + s->out_len * (size_t)s->ms->cfg.n_mels;
    if (audio_melspec_range(s->ms, s->x, s->base, s->n, t, t + rows, to, e) < 0) return -1;
    s->out_len += rows;
    return 0;
}

/* Drops the samples no frame still to make reads: those before the next group's first sample,
 * but for the last pad + 1, which the end's reflection reads (x[n - 2] back to x[n - 1 - pad]). */
static void drop_read(audio_melstream *s)
{
    const audio_feat_config *c = &s->ms->cfg;
    size_t pad = pad_of(c), first = s->next * (size_t)c->hop_length + (size_t)(c->n_fft - c->win_length) / 2;
    size_t keep = first > pad ? first - pad : 0, tail = s->n > pad + 1 ? s->n - pad - 1 : 0;
    if (tail < keep) keep = tail;
    if (keep <= s->base) return;
    size_t drop = keep - s->base;
    memmove(s->x, s->x + drop, sizeof(float) * (s->x_len - drop));
    s->x_len -= drop;
    s->base = keep;
}

int audio_melstream_push(audio_melstream *s, const float *x, size_t n, ws_err *e)
{
    if (s->x_len + n > s->x_cap) {
        float *p = realloc(s->x, sizeof(float) * (s->x_len + n));
        if (!p) return ws_err_set(e, WS_ENOMEM, "mel stream: out of memory");
        s->x = p;
        s->x_cap = s->x_len + n;
    }
    memcpy(s->x + s->x_len, x, sizeof(float) * n);
    s->x_len += n;
    s->n += n;
    size_t lanes = (size_t)audio_melspec_lanes(s->ms);
    for (; group_ready(s, s->next, lanes); s->next += lanes)
        if (make(s, s->next, lanes, e) < 0) return -1;
    drop_read(s);
    return 0;
}

long audio_melstream_finish(audio_melstream *s, ws_err *e)
{
    size_t frames = audio_melspec_frames(s->ms, s->n, e), lanes = (size_t)audio_melspec_lanes(s->ms);
    if (frames == 0) return -1;
    for (; s->next < frames; s->next += lanes)
        if (make(s, s->next, frames - s->next < lanes ? frames - s->next : lanes, e) < 0) return -1;
    return flush(s, e) < 0 ? -1 : (long)frames;
}
