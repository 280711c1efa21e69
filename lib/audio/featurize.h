/* featurize.h — decode a corpus once and write its feature cache: worker threads decode,
 * resample, pad or crop and take the mel power of each clip, writing straight into the cache
 * file; background-noise files become long mel-power streams. Bad audio is skipped and
 * reported (or, strict, fatal). The result is the same file whatever the number of threads. */
#ifndef WS_AUDIO_FEATURIZE_H
#define WS_AUDIO_FEATURIZE_H
#include <stddef.h>
#include <stdint.h>
#include "audio/corpus.h"
#include "audio/featconf.h"
#include "core/err.h"

typedef struct audio_featurize_opts {
    audio_feat_config cfg;
    int threads;               /* worker threads, >= 1 */
    int strict;                /* a bad file stops the run (WS_EINPUT naming it), no cache written */
    const char *created_by;    /* recorded in the cache, e.g. "featurize 0.1.0" */
    /* Called from the calling thread about ten times a second, and once at the end. */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
} audio_featurize_opts;

typedef struct audio_skip {
    char *path;                /* as listed in the corpus */
    char *reason;              /* "FILE: what is wrong", one line (control characters as \xNN) */
} audio_skip;

typedef struct audio_featurize_result {
    size_t n_clips;            /* in the cache */
    size_t n_noise;            /* noise streams in the cache */
    size_t n_skipped;          /* clips and noise files skipped */
    size_t n_cropped;          /* clips in the cache longer than clip_seconds, cropped to it */
    double longest_s;          /* the longest of those whose length is known, seconds (a FLAC stream
                                * without a length is read only to the clip's end); 0: none */
    size_t *counts;            /* [n_classes][AUDIO_N_SPLITS] clips in the cache */
    int n_classes;             /* in the cache: the corpus's, less those whose every clip was skipped */
    const char **class_names;  /* [n_classes] the cache's, in its order; the corpus's strings */
    char **left_out;           /* [n_left_out] a note for each class left out so: every one of its
                                * clips was skipped ("DIR/CLASS: every one of its N audio files ...") */
    size_t n_left_out;
    audio_skip *skipped;       /* [n_skipped] clips in corpus order, then noise files */
    int n_frames, n_mels;
    uint64_t inputs_hash;
    double seconds;            /* wall time of the whole run */
    int threads;               /* workers that ran: at most opts.threads, and one a file */
} audio_featurize_result;

int audio_featurize(const audio_corpus *corpus, const char *out_path, const audio_featurize_opts *o,
                    audio_featurize_result *r, ws_err *e);
void audio_featurize_result_release(audio_featurize_result *r);

#endif
