/* test_audio_melstream.c — a signal pushed into audio_melstream a block at a time gives the frames
 * audio_melspec_compute gives the whole signal, to the bit: blocks of 1 sample up to more than the
 * signal, blocks of varying size, the centre padding at both ends (reflect, constant) and none,
 * hops that divide neither the blocks nor the groups of frames, signals just long enough for one
 * frame, on the FFT's four lanes and (where the CPU has them) sixteen. Noise with silent gaps, so
 * that some groups of frames are all zero (the FFT skipped) and some straddle the edge. */
#include <stdlib.h>
#include <string.h>
#include "audio/fft4.h"
#include "audio/mel.h"
#include "audio/melstream.h"
#include "harness.h"

typedef struct {
    float *got;                /* [cap][n_mels] */
    size_t n, cap, calls;
    int n_mels;
    int fail_at;               /* the call that fails (1-based); 0: none */
} sink;

static int take(void *ctx, const float *f, size_t n, ws_err *e)
{
    sink *s = ctx;
    if (++s->calls == (size_t)s->fail_at) return ws_err_set(e, WS_EINTERNAL, "refused");
    if (s->n + n > s->cap) return ws_err_set(e, WS_EINTERNAL, "more frames than the signal has");
    memcpy(s->got + s->n * (size_t)s->n_mels, f, sizeof(float) * n * (size_t)s->n_mels);
    s->n += n;
    return 0;
}

static float *signal_of(size_t n, unsigned seed)
{
    float *x = malloc(sizeof(float) * n);
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        x[i] = ((float)(seed >> 8 & 0xFFFF) / 32768.0f - 1.0f) * 0.3f;
        if (i % 5000 > 3000) x[i] = 0;   /* silent gaps: whole groups of zero frames */
    }
    return x;
}

/* The stream of x[0..n) pushed in blocks (sizes cycling through blocks[]) against the whole;
 * lanes 0: the CPU's. Returns 0 when equal, else records why. */
static int stream_vs_whole(const audio_feat_config *c, int lanes, const float *x, size_t n, const size_t *blocks,
                           size_t n_blocks, const char *what)
{
    ws_err e = {0};
    audio_melspec ms;
    if (audio_melspec_init(&ms, c, &e) < 0) {
        CHECK(0, "%s: init: %s", what, e.msg);
        return 1;
    }
    if (lanes) {
        audio_fft4 *f = audio_fft4_alloc_lanes(c->n_fft, lanes);
        if (!f) { audio_melspec_release(&ms); return 1; }   /* no such lanes here */
        audio_fft4_free(ms.fft);
        ms.fft = f;
    }
    size_t frames = audio_feat_frames(c, n);
    float *whole = malloc(sizeof(float) * (frames + 1) * (size_t)c->n_mels);
    sink s = {malloc(sizeof(float) * (frames + 1) * (size_t)c->n_mels), 0, frames, 0, c->n_mels, 0};
    CHECK(audio_melspec_compute(&ms, x, n, whole, &e) == (long)frames, "%s: compute: %s", what, e.msg);
    audio_melstream st;
    CHECK(audio_melstream_init(&st, &ms, take, &s, &e) == 0, "%s: stream init: %s", what, e.msg);
    for (size_t at = 0, k = 0; at < n; k++) {
        size_t b = blocks[k % n_blocks] < n - at ? blocks[k % n_blocks] : n - at;
        CHECK(audio_melstream_push(&st, x + at, b, &e) == 0, "%s: push: %s", what, e.msg);
        at += b;
    }
    long got = audio_melstream_finish(&st, &e);
    CHECK(got == (long)frames && s.n == frames, "%s (%d lanes): %ld frames, %zu given, expected %zu: %s", what,
          audio_melspec_lanes(&ms), got, s.n, frames, e.msg);
    size_t bad = frames;
    for (size_t t = 0; t < frames && t < s.n; t++)
        if (memcmp(whole + t * (size_t)c->n_mels, s.got + t * (size_t)c->n_mels, sizeof(float) * (size_t)c->n_mels)) {
            bad = t;
            break;
        }
    CHECK(bad == frames, "%s (%d lanes, %zu samples, first block %zu): frame %zu of %zu differs from the whole signal's",
          what, audio_melspec_lanes(&ms), n, blocks[0], bad, frames);
    audio_melstream_release(&st);
    audio_melspec_release(&ms);
    free(whole);
    free(s.got);
    return 0;
}

static void test_stream_is_whole(void)
{
    static const size_t blocks[][3] = {{1, 1, 1}, {7, 7, 7}, {160, 160, 160}, {1000, 3, 65536}, {65536, 65536, 65536},
                                       {21846, 21845, 21845}, {1 << 22, 1, 1}};
    struct { const char *name; int center, pad_mode, n_fft, win, hop, n_mels; } cfgs[] = {
        {"reflect", 1, AUDIO_PAD_REFLECT, 512, 400, 160, 40},
        {"constant", 1, AUDIO_PAD_CONSTANT, 512, 400, 160, 40},
        {"uncentred", 0, AUDIO_PAD_REFLECT, 512, 400, 160, 40},
        {"odd hop, odd window", 1, AUDIO_PAD_REFLECT, 400, 301, 37, 64},
        {"hop past the frame", 1, AUDIO_PAD_REFLECT, 64, 48, 256, 8},
        {"hop 1, many mels (small blocks of frames)", 1, AUDIO_PAD_REFLECT, 256, 256, 1, 128},
        {"hop past the frame, window the frame", 1, AUDIO_PAD_REFLECT, 64, 64, 200, 8},
    };
    /* lengths: just enough for one frame (reflect needs more than n_fft / 2), a few groups, many;
     * and a multiple of 16 hops, whose last frame starts a group of its own at the signal's end,
     * its reflection reading x[n - 1 - win / 2], the oldest sample a stream keeps */
    for (size_t k = 0; k < sizeof cfgs / sizeof *cfgs; k++) {
        audio_feat_config c;
        audio_feat_config_default(&c);
        c.center = cfgs[k].center, c.pad_mode = cfgs[k].pad_mode, c.n_fft = cfgs[k].n_fft;
        c.win_length = cfgs[k].win, c.hop_length = cfgs[k].hop, c.n_mels = cfgs[k].n_mels;
        size_t least = c.center ? (c.pad_mode == AUDIO_PAD_REFLECT ? (size_t)c.n_fft / 2 + 1 : 1) : (size_t)c.n_fft;
        size_t lens[] = {least, least + 1, 3000, 16000 * 3 + 17, c.hop_length == 1 ? 20000 : 300000,
                         (size_t)c.hop_length * 16 * 10};
        for (size_t l = 0; l < sizeof lens / sizeof *lens; l++) {
            float *x = signal_of(lens[l], (unsigned)(k * 31 + l));
            for (size_t b = 0; b < sizeof blocks / sizeof *blocks; b++)
                for (int lanes = 4; lanes <= 16; lanes += 12) {
                    if (lens[l] > 50000 && blocks[b][0] < 100) continue;   /* slow, and nothing new */
                    stream_vs_whole(&c, lanes, x, lens[l], blocks[b], 3, cfgs[k].name);
                }
            free(x);
        }
    }
}

/* Too short for a frame: WS_EINPUT as audio_melspec_compute says it; emit's error stops the push. */
static void test_stream_errors(void)
{
    audio_feat_config c;
    audio_feat_config_default(&c);
    ws_err e = {0};
    audio_melspec ms;
    CHECK(audio_melspec_init(&ms, &c, &e) == 0, "init: %s", e.msg);
    sink s = {malloc(sizeof(float) * 40 * 2000), 0, 2000, 0, 40, 0};
    audio_melstream st;
    float x[256] = {0.5f};
    CHECK(audio_melstream_init(&st, &ms, take, &s, &e) == 0 && audio_melstream_push(&st, x, 256, &e) == 0,
          "push: %s", e.msg);
    CHECK(audio_melstream_finish(&st, &e) < 0 && e.kind == WS_EINPUT && strstr(e.msg, "256 samples is too short"),
          "256 samples: %s", e.msg);
    /* the whole clip's words, to the letter */
    ws_err whole = {0};
    float out[40];
    CHECK(audio_melspec_compute(&ms, x, 256, out, &whole) < 0 && whole.kind == WS_EINPUT && strcmp(whole.msg, e.msg) == 0,
          "whole clip: '%s', stream: '%s'", whole.msg, e.msg);
    audio_melstream_release(&st);
    audio_melspec_release(&ms);
    /* at hop 1 with 128 mels the frames are given out 2048 at a time, before the push ends */
    c.hop_length = 1, c.n_mels = 128;
    CHECK(audio_melspec_init(&ms, &c, &e) == 0, "init: %s", e.msg);
    s.fail_at = 1;
    float *y = signal_of(16000, 5);
    CHECK(audio_melstream_init(&st, &ms, take, &s, &e) == 0, "init: %s", e.msg);
    e = (ws_err){0};
    CHECK(audio_melstream_push(&st, y, 16000, &e) < 0 && strstr(e.msg, "refused"), "emit's error: %s", e.msg);
    audio_melstream_release(&st);
    audio_melspec_release(&ms);
    free(y);
    free(s.got);
}

int main(void)
{
    RUN(test_stream_is_whole);
    RUN(test_stream_errors);
    return test_summary();
}
