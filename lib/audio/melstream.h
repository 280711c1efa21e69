/* melstream.h — the mel power of a signal that comes a block at a time (a noise file as it is
 * decoded), in frames given out as they are made: the memory it holds is a block's samples and a
 * block of frames, whatever the signal's length. The frames are audio_melspec_compute's of the
 * whole signal, to the bit: the same groups of frames on the same samples (audio_melspec_range),
 * the centre padding at the start and the end as there (the end's once the signal's length is
 * known, at audio_melstream_finish). */
#ifndef WS_AUDIO_MELSTREAM_H
#define WS_AUDIO_MELSTREAM_H
#include <stddef.h>
#include "audio/mel.h"
#include "core/err.h"

/* Takes n frames [n][n_mels] that follow those given before; 0, or -1 with e set (the stream stops). */
typedef int audio_frames_fn(void *ctx, const float *frames, size_t n, ws_err *e);

typedef struct audio_melstream {
    audio_melspec *ms;       /* the thread's, not owned */
    audio_frames_fn *emit;
    void *ctx;
    float *x;                /* [x_len] samples base .. base + x_len - 1 of the signal */
    size_t x_len, x_cap;     /* samples */
    size_t base;             /* samples dropped before x: no frame still to make reads them */
    size_t n;                /* samples pushed */
    size_t next;             /* the next frame to make: a multiple of the lanes until the end */
    float *out;              /* [out_cap][n_mels] frames made, not given out yet */
    size_t out_len, out_cap; /* frames */
} audio_melstream;

/* A stream through ms giving its frames to emit(ctx, ...); -1 (e set) when out of memory. */
int audio_melstream_init(audio_melstream *s, audio_melspec *ms, audio_frames_fn *emit, void *ctx, ws_err *e);
void audio_melstream_release(audio_melstream *s);
/* The next n samples of the signal; the frames they complete go to emit (a block of them at a
 * time). 0, or -1 with e set (out of memory, or emit's error). */
int audio_melstream_push(audio_melstream *s, const float *x, size_t n, ws_err *e);
/* The signal ends: its last frames (over the end padding) go to emit. The number of frames in
 * all, audio_feat_frames of the samples pushed, or -1 with e set; 0 frames is WS_EINPUT (too
 * short for the settings), as audio_melspec_compute says. */
long audio_melstream_finish(audio_melstream *s, ws_err *e);

#endif
