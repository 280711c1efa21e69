/* decode.h — audio files to mono float samples at the target rate: libsndfile decodes (any
 * format it reads; integer samples scaled to [-1, 1] as torchaudio.load does; float samples as
 * stored, where torchaudio's sox_io backend clips them to [-1, 1]), channels are averaged,
 * libsamplerate resamples (SRC_SINC_MEDIUM_QUALITY). Bad audio is refused with WS_EINPUT and a
 * short reason (the featurizer skips such files): missing or empty file, not audio, zero length,
 * truncated (a data chunk or a header's frame count that claims more than the file holds, a
 * stream whose length cannot be read: an Ogg file cut short; a FLAC stream without a length is
 * read to its end, and is truncated when libFLAC loses its sync there), more than two channels, an absurd
 * sample rate (outside 1 kHz..768 kHz, or more than 256 times from the target: the resampler's
 * limit), NaN or infinite samples. One decoder per thread; its
 * buffers are reused from call to call. */
#ifndef WS_AUDIO_DECODE_H
#define WS_AUDIO_DECODE_H
#include <stddef.h>
#include "core/err.h"

typedef struct audio_decoder {
    int target_rate;       /* Hz */
    float *raw;            /* [chunk frames * channels] as read, a chunk at a time */
    size_t raw_cap;        /* floats */
    float *mono;           /* [chunk frames] channel mean */
    size_t mono_cap;
    float *out;            /* [n] resampled */
    size_t out_cap;
    unsigned char *file;   /* a small file's bytes, read whole (see decode.c) */
    size_t file_cap;
    struct SRC_STATE_tag *src;   /* libsamplerate's converter, made at the first file to resample */
} audio_decoder;

typedef struct audio_decoded {
    const float *samples;  /* mono at target_rate; points into the decoder, valid until next call */
    size_t n;              /* samples */
    int src_rate;          /* Hz, of the file */
    int channels;          /* of the file */
    long long src_frames;  /* frames in the file (as libsndfile counts them); -1: not known (a FLAC
                            * stream without a length, read only as far as max_seconds) */
    long long file_bytes;  /* size of the file */
} audio_decoded;

void audio_decoder_init(audio_decoder *d, int target_rate);
void audio_decoder_release(audio_decoder *d);
/* Decodes path. max_seconds > 0 reads only that much of the file (clips are cropped anyway);
 * 0 reads it all. Errors: WS_EINPUT "PATH: reason" for bad audio, WS_EINTERNAL otherwise. */
int audio_decode(audio_decoder *d, const char *path, double max_seconds, audio_decoded *out, ws_err *e);
/* Takes the next n samples of a file being decoded; 0, or -1 with e set (the decode stops). */
typedef int audio_samples_fn(void *ctx, const float *x, size_t n, ws_err *e);
/* audio_decode of the whole file (a noise file), its samples given to emit in order as they are
 * made, a chunk at a time, rather than held: the decoder holds a chunk's, whatever the file's
 * length. The samples, resampled or not, are audio_decode's to the bit (the resampler is fed the
 * same chunks either way). out->samples is NULL, out->n the samples given in all. An error found
 * after some samples were given (a file cut short) is an error as audio_decode's is. */
int audio_decode_stream(audio_decoder *d, const char *path, audio_samples_fn *emit, void *ctx, audio_decoded *out,
                        ws_err *e);
/* The samples audio_decode would give for the whole of path (at target_rate), from the length its
 * header gives, without decoding it: a noise file too long for its stream is refused unread. 0
 * when not known (a FLAC stream without a length, an Ogg file cut short) or the file cannot be
 * opened or is bad (audio_decode then says why). */
size_t audio_decode_length(audio_decoder *d, const char *path);
/* Copies x[0..n) into out[0..want): cropped at the end, or zero-padded at the end. */
void audio_fit_length(const float *x, size_t n, float *out, size_t want);

#endif
