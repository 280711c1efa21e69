/* decode.c — see decode.h. */
#include "audio/decode.h"
#include "audio/finite.h"
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <mpg123.h>
#include <math.h>
#include <pthread.h>
#include <samplerate.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/fdio.h"
#include "core/text.h"

#define MIN_RATE_HZ 1000
#define MAX_RATE_HZ 768000
/* A file's samples, all channels (frames x channels), at most. It is read 64 Ki frames at a time;
 * what is held whole is its mono mix at the target rate (audio_decoder.out): up to 2^31 floats,
 * 8 GiB, for a mono file at that rate, half that for stereo, more or less as it is resampled. */
#define MAX_SAMPLES (1ll << 31)
#define WHOLE_MAX (16ll << 20)      /* files up to this size are read in one call, see below */

void audio_decoder_init(audio_decoder *d, int target_rate)
{
    memset(d, 0, sizeof *d);
    d->target_rate = target_rate;
}

void audio_decoder_release(audio_decoder *d)
{
    free(d->raw); free(d->mono); free(d->out); free(d->file);
    if (d->src) src_delete(d->src);
    memset(d, 0, sizeof *d);
}

/* Room for need floats at *p, kept. A buffer that grows as a stream comes, a chunk at a time (one
 * whose length the header does not give: see audio_decode), grows by half again, up to most (the
 * most it is asked for in the file), or to need when that is more: a realloc to just the size asked
 * copied the whole stream at every chunk where the allocator cannot remap a block, quadratic in the
 * file's length (AddressSanitizer's: 20 minutes of 16 kHz noise took 11 to 20 s, not 1). */
static int grow(float **p, size_t *cap, size_t need, size_t most)
{
    if (need <= *cap) return 0;
    size_t to = *cap + *cap / 2;
    if (to > most) to = most;
    if (to < need) to = need;
    float *q = realloc(*p, sizeof(float) * to);
    if (!q) return -1;
    *p = q;
    *cap = to;
    return 0;
}

/* Room for n floats at d->out, none kept (the file before's samples), in one allocation: a stream
 * whose length the header gives is read into it with no realloc. Only a hint: without the memory
 * (a header that claims more than the file holds, which the read then finds cut), grow makes the
 * room as the samples come. */
static void reserve(audio_decoder *d, size_t n)
{
    if (n <= d->out_cap) return;
    free(d->out);
    d->out = malloc(sizeof(float) * n);
    d->out_cap = d->out ? n : 0;
}

/* The number after the last "key" in the log that a colon follows ("Frames      : 16000"), or -1. */
static long long log_count(const char *log, const char *key)
{
    long long v = -1;
    for (const char *p = log; (p = strstr(p, key)) != NULL; p++) {
        const char *q = p + strlen(key);
        q += strspn(q, " ");
        unsigned long long n;
        if (*q == ':' && sscanf(q + 1, " %llu", &n) == 1 && n < (1ull << 62)) v = (long long)n;
    }
    return v;
}

/* The reason for a file whose audio chunk claims more bytes than it holds: in why, and 1. */
static int cut_bytes(char *why, size_t len, unsigned long long claimed, unsigned long long holds)
{
    snprintf(why, len, "truncated: the header claims %llu byte%s of audio, the file holds %llu", claimed,
             ws_plural(claimed), holds);
    return 1;
}

/* A chunk size that streaming writers put there on purpose, the length not yet known (~4 GiB,
 * 2^31 - 1): no truncation. */
static int size_placeholder(unsigned long long n) { return n >= 0xFFFFFFF0ull || n == 0x7FFFFFFFull; }

/* libsndfile quietly shortens a file whose data chunk claims more bytes than there are, and
 * notes it in its log as "data : 32000 (should be 9956)" (WAV), "SSND : ..." (AIFF),
 * "  Data Size   : ..." (AU: a name of two words, which a %s read missed, so a cut .au was read
 * with its lost part as silence), "BODY : ..." (IFF 8SVX/16SV), or for RF64 and a few other
 * formats as below. Streaming writers put 0 or ~4 GiB there on purpose; those are not
 * truncation. head: the file's first bytes (up to 1024, NUL-terminated), for NIST's header. */
static int log_says_truncated(const char *log, const char *head, const SF_INFO *info, char *why, size_t len)
{
    int riff_long = 0, w64_riff_long = 0;
    for (const char *p = log; (p = strstr(p, "(should be ")) != NULL; p++) {
        const char *line = p;
        while (line > log && line[-1] != '\n') line--;
        char name[16];
        unsigned long long claimed, actual;
        if (sscanf(line, " %15[^:\n]: %llu (should be %llu)", name, &claimed, &actual) != 3) continue;
        for (size_t n = strlen(name); n > 0 && name[n - 1] == ' '; n--) name[n - 1] = 0;
        if (!strcmp(name, "Riff size")) riff_long |= claimed > actual;
        if (!strcmp(name, "riff")) w64_riff_long |= claimed > actual;
        if (strcmp(name, "data") && strcmp(name, "SSND") && strcmp(name, "Data Size") && strcmp(name, "BODY")) continue;
        if (claimed > actual && !size_placeholder(claimed)) return cut_bytes(why, len, claimed, actual);
    }
    /* RF64 (the 64-bit WAV that broadcast recorders write) keeps its sizes in a ds64 chunk, and a
     * cut file is noted only as frames fewer than ds64's count (it was read, its lost part as
     * silence); with its riff size too long as well, so that a ds64 count merely wrong in a whole
     * file is not taken for a cut */
    const char *c = strstr(log, "*** Calculated frame count ");
    unsigned long long have, claimed;
    if (riff_long && c && sscanf(c, "*** Calculated frame count %llu does not match value from 'ds64' chunk of %llu",
                                 &have, &claimed) == 2 && have < claimed) {
        snprintf(why, len, "truncated: the header claims %llu frame%s, the file holds %llu", claimed, ws_plural(claimed),
                 have);
        return 1;
    }
    /* Wave64 notes only its riff size as too long, which a cut in a chunk after the audio gives
     * too: the cut is in the audio when the data chunk ("data : N", N its 24-byte head and the
     * audio, padded to 8) claims more than the frames read fill (bytes = frames x block align for
     * the uncompressed encodings) */
    int sub = info->format & SF_FORMAT_SUBMASK, block = 0;
    unsigned long long chunk = 0;
    const char *d = strstr(log, "\ndata : "), *b = strstr(log, "Block Align   : ");
    if (w64_riff_long && (info->format & SF_FORMAT_TYPEMASK) == SF_FORMAT_W64 &&
        (sub <= SF_FORMAT_PCM_U8 || sub == SF_FORMAT_FLOAT || sub == SF_FORMAT_DOUBLE ||
         sub == SF_FORMAT_ULAW || sub == SF_FORMAT_ALAW) &&
        d && sscanf(d, "\ndata : %llu", &chunk) == 1 && b && sscanf(b, "Block Align   : %d", &block) == 1 &&
        block > 0 && chunk >= 24 && chunk - 24 >= (unsigned long long)info->frames * (unsigned)block + 8)
        return cut_bytes(why, len, chunk - 24, (unsigned long long)info->frames * (unsigned)block);
    /* AVR, MPC 2000 and MATLAB 5 headers give the frames (MAT5 as its matrix's columns), and
     * NIST SPHERE's text header its sample_count (frames); libsndfile logs the first three (NIST
     * not at all) but counts the frames the bytes there hold, so a cut clip was read with its
     * lost part as silence. MIDI sample dumps the other way round: the header's count is the
     * file's, the blocks there are logged ("Frames : N"), and the missing ones read as noise. */
    long long header = -1, there = (long long)info->frames;
    switch (info->format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_AVR: case SF_FORMAT_MPC2K: header = log_count(log, "Frames"); break;
    case SF_FORMAT_MAT5: header = log_count(log, "Cols"); break;
    case SF_FORMAT_NIST:
        if ((c = strstr(head, "sample_count -i ")) && sscanf(c, "sample_count -i %llu", &claimed) == 1 &&
            claimed < (1ull << 62))
            header = (long long)claimed;
        break;
    case SF_FORMAT_SDS: header = there; there = log_count(log, "Frames"); break;
    }
    if (header > 0 && there >= 0 && header > there) {
        snprintf(why, len, "truncated: the header claims %lld frame%s, the file holds %lld", header,
                 ws_plural((size_t)header), there);
        return 1;
    }
    /* formats that note a cut in words: VOC, MAT4 and XI, and WVE ("Data length 8000 should be
     * 3984"); unread, a cut clip of theirs was read with its lost part as silence */
    const char *note = strstr(log, "Seems to be a truncated file");
    if (!note) note = strstr(log, "seems to be truncated");
    if (!note && (c = strstr(log, "Data length ")) && sscanf(c, "Data length %llu should be %llu", &claimed, &have) == 2
        && claimed > have)
        note = c;
    if (note) {
        while (note > log && note[-1] != '\n') note--;   /* the whole line, less its stars */
        note += strspn(note, " *");
        snprintf(why, len, "truncated: the header claims more audio than the file holds (libsndfile: \"%.*s\")",
                 (int)strcspn(note, "\n"), note);
        return 1;
    }
    return 0;
}

/* Bytes a sample of an uncompressed encoding takes; 0 for the others. */
static int sample_bytes(int sub)
{
    switch (sub) {
    case SF_FORMAT_PCM_S8: case SF_FORMAT_PCM_U8: case SF_FORMAT_ULAW: case SF_FORMAT_ALAW: return 1;
    case SF_FORMAT_PCM_16: return 2;
    case SF_FORMAT_PCM_24: return 3;
    case SF_FORMAT_PCM_32: case SF_FORMAT_FLOAT: return 4;
    case SF_FORMAT_DOUBLE: return 8;
    default: return 0;
    }
}

/* libsndfile's log holds 2048 bytes: a WAV or AIFF header with much text before the audio (a
 * LIST/INFO chunk of many comments, each logged; an ANNO chunk) fills it before the line noting a
 * cut data chunk, and such a clip cut short was read with its lost part as silence. With the log
 * full, the data chunk's size as its header gives it (SSND's counts 8 bytes of its own, and an
 * offset that writers leave 0) is read from libsndfile's chunk list, against the bytes the frames
 * read fill (uncompressed encodings). */
static int chunk_says_truncated(SNDFILE *f, const SF_INFO *info, char *why, size_t len)
{
    int type = info->format & SF_FORMAT_TYPEMASK, bytes = sample_bytes(info->format & SF_FORMAT_SUBMASK);
    const char *id = type == SF_FORMAT_WAV || type == SF_FORMAT_WAVEX ? "data" : type == SF_FORMAT_AIFF ? "SSND" : NULL;
    if (!id || !bytes) return 0;
    SF_CHUNK_INFO ci;
    memset(&ci, 0, sizeof ci);
    memcpy(ci.id, id, 4);
    ci.id_size = 4;
    SF_CHUNK_ITERATOR *it = sf_get_chunk_iterator(f, &ci);
    if (!it || sf_get_chunk_size(it, &ci) != SF_ERR_NO_ERROR) return 0;
    unsigned long long claimed = ci.datalen, holds = (unsigned long long)info->frames * (unsigned)info->channels * (unsigned)bytes;
    if (type == SF_FORMAT_AIFF) claimed = claimed >= 8 ? claimed - 8 : 0;
    /* streaming writers' placeholders (size_placeholder) are not truncation */
    return claimed > holds + 1 && !size_placeholder(claimed) ? cut_bytes(why, len, claimed, holds) : 0;
}

#define READ_CHUNK (1 << 16)   /* frames a read */

/* Where a file's samples go as they are read, a chunk at a time: checked for NaN and Inf, mixed to
 * mono and passed through the resampler, so that only the result is held whole (by audio_decode;
 * audio_decode_stream gives it out as it comes, and holds a chunk's). A noise file read
 * whole was held as every channel in float32, then the mono mix, then the resampled copy: an hour
 * of 48 kHz stereo 2.3 GB, for a stream that then takes 58 MB. */
typedef struct {
    audio_decoder *d;
    size_t ch;
    SRC_STATE *src;        /* NULL at the target rate */
    double ratio;          /* target / source rate */
    size_t frames;         /* fed so far */
    size_t made;           /* samples in d->out */
    size_t most;           /* the most d->out is asked to hold for the frames wanted (0: as asked) */
    int rate_hz;           /* the file's */
    float peak;            /* the largest |sample| fed to the resampler so far */
    /* audio_decode_stream: the samples go to emit as they are made, d->out holding only the
     * last few (SINK_HOLD, see sink_drain), not the file's */
    audio_samples_fn *emit;
    void *ctx;
    size_t emitted;        /* samples given to emit */
} sink;

/* Samples a stream keeps back from emit while the resampler runs: the zeros sink_finish feeds and
 * the flush may make a few past the length torchaudio's resample gives (ceil(frames * target /
 * source)), which sink_finish cuts, and which are known to be past it only at the end. */
#define SINK_HOLD 4096

/* Gives all but the last keep samples of d->out to emit (a stream; nothing otherwise). 0, or -1
 * with e set (emit's error). */
static int sink_drain(sink *k, size_t keep, ws_err *e)
{
    if (!k->emit || k->made <= keep) return 0;
    audio_decoder *d = k->d;
    size_t n = k->made - keep;
    if (k->emit(k->ctx, d->out, n, e) < 0) return -1;
    memmove(d->out, d->out + n, sizeof(float) * keep);
    k->made = keep;
    k->emitted += n;
    return 0;
}

/* Resamples n mono samples at in, the last ones of the file when last (the resampler's tail is
 * flushed then: n may be 0, in not NULL). 0, or -1 with e set. */
static int sink_resample(sink *k, const float *in, size_t n, int last, const char *path, ws_err *e)
{
    audio_decoder *d = k->d;
    SRC_DATA s = {0};
    s.data_in = in;
    s.input_frames = (long)n;
    s.src_ratio = k->ratio;
    s.end_of_input = last;
    for (;;) {
        size_t room = (size_t)ceil((double)s.input_frames * k->ratio) + 64;
        if (grow(&d->out, &d->out_cap, k->made + room, k->most) < 0) return ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
        s.data_out = d->out + k->made;
        s.output_frames = (long)room;
        int rc = src_process(k->src, &s);
        if (rc != 0) return ws_err_set(e, WS_EINTERNAL, "%s: resampling: %s", path, src_strerror(rc));
        /* finite samples near float's largest come out past it where the filter's ripple
         * overshoots (a square wave at 3.4e38): said so, not left for the mel power to find as
         * "samples reach inf", which the file does not hold */
        if (audio_first_nonfinite(s.data_out, (size_t)s.output_frames_gen) < (size_t)s.output_frames_gen)
            return ws_err_set(e, WS_EINPUT, "%s: resampling from %d Hz to %d Hz overflows float32 (its samples, each "
                              "finite, reach %g); expected audio within [-1, 1]", path, k->rate_hz, d->target_rate,
                              (double)k->peak);
        k->made += (size_t)s.output_frames_gen;
        if (sink_drain(k, SINK_HOLD, e) < 0) return -1;
        s.data_in += s.input_frames_used;
        s.input_frames -= s.input_frames_used;
        if (s.input_frames_used == 0 && s.output_frames_gen == 0) break;   /* all in, nothing more out */
        if (s.input_frames == 0 && !last) break;
    }
    return 0;
}

/* n frames of ch interleaved channels at raw, checked, mixed to mono and resampled (or copied
 * as they are) onto d->out. 0, or -1 with e set. */
static int sink_feed(sink *k, const float *raw, size_t n, const char *path, ws_err *e)
{
    audio_decoder *d = k->d;
    size_t bad = audio_first_nonfinite(raw, n * k->ch);
    if (bad < n * k->ch)
        return ws_err_set(e, WS_EINPUT, "%s: non-finite sample (NaN or Inf) at frame %zu", path, k->frames + bad / k->ch);
    const float *mono = raw;
    if (k->ch == 2) {
        if (grow(&d->mono, &d->mono_cap, n, n) < 0) return ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
        for (size_t i = 0; i < n; i++) d->mono[i] = 0.5f * (raw[2 * i] + raw[2 * i + 1]);
        mono = d->mono;
        /* two finite samples whose sum overflows (both at 3e38): the mix is inf (torch's mean
         * over the channels gives inf too), so such a file is bad audio, and said to be for what
         * it is: it was skipped as "samples reach inf", which the file does not hold */
        size_t over = audio_first_nonfinite(mono, n);
        if (over < n)
            return ws_err_set(e, WS_EINPUT, "%s: the mix of its 2 channels overflows float32 at frame %zu (samples %g "
                              "and %g, each finite); expected audio within [-1, 1]", path, k->frames + over,
                              (double)raw[2 * over], (double)raw[2 * over + 1]);
    }
    if (k->src)
        for (size_t i = 0; i < n; i++) k->peak = fmaxf(k->peak, fabsf(mono[i]));
    k->frames += n;
    if (k->src) return sink_resample(k, mono, n, 0, path, e);
    if (grow(&d->out, &d->out_cap, k->made + n, k->most) < 0) return ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
    memcpy(d->out + k->made, mono, n * sizeof *mono);
    k->made += n;
    return sink_drain(k, 0, e);
}

/* Reads up to want frames of f through k, READ_CHUNK at a time (into d->raw, the chunk's, then
 * mixed to mono in d->mono). *got: the frames read. 0, or -1 with e set. */
static int sink_read(sink *k, SNDFILE *f, sf_count_t want, sf_count_t *got, const char *path, ws_err *e)
{
    audio_decoder *d = k->d;
    *got = 0;
    if (grow(&d->raw, &d->raw_cap, READ_CHUNK * k->ch, READ_CHUNK * k->ch) < 0) return ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
    while (*got < want) {
        sf_count_t ask = want - *got < READ_CHUNK ? want - *got : READ_CHUNK;
        sf_count_t n = sf_readf_float(f, d->raw, ask);
        if (n <= 0) break;
        *got += n;
        if (sink_feed(k, d->raw, (size_t)n, path, e) < 0) return -1;
        if (n < ask) break;
    }
    return 0;
}

/* Zeros fed to the resampler after a file's last frame (see sink_finish): rate / target + 1, at
 * most 257, as a rate more than 256 times the target's is refused (audio_decode). */
#define TAIL_ZEROS 257

/* Ends k: the resampler's tail flushed, the result cut to the length torchaudio's resample
 * gives, ceil(frames * target / source). torchaudio computes its last sample, whose time lies
 * between the file's last frame and the one after, against zeros beyond the end; libsamplerate's
 * flush stops short of it (for most lengths taken down from 22.05, 44.1 or 48 kHz), and the zero
 * that stood in for it put the mel frames at a clip's end up to 17 % off torchaudio's (t2070). So
 * zeros, rate / target + 1 of them, are fed after the file's frames before the flush: the samples
 * before come out the same, bit for bit, and the last one is made (the zero fill below stays, for
 * a converter that would still stop short). 0, or -1 with e set. */
static int sink_finish(sink *k, int src_rate, audio_decoded *o, const char *path, ws_err *e)
{
    audio_decoder *d = k->d;
    size_t want = k->emitted + k->made;
    if (k->src) {
        static const float zeros[TAIL_ZEROS];   /* also the flush's input: NULL flushes nothing */
        if (sink_resample(k, zeros, (size_t)src_rate / (size_t)d->target_rate + 1, 0, path, e) < 0 ||
            sink_resample(k, zeros, 0, 1, path, e) < 0)
            return -1;
        want = (k->frames * (size_t)d->target_rate + (size_t)src_rate - 1) / (size_t)src_rate;
        /* a stream's samples given out are all before the cut (SINK_HOLD) */
        if (want < k->emitted)
            return ws_err_set(e, WS_EINTERNAL, "%s: resampling made %zu samples past the %zu expected", path,
                              k->emitted + k->made - want, want);
        size_t rest = want - k->emitted;
        if (grow(&d->out, &d->out_cap, rest, k->most) < 0) return ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
        if (k->made < rest) memset(d->out + k->made, 0, (rest - k->made) * sizeof *d->out);
        k->made = rest;
    }
    if (k->emit && sink_drain(k, 0, e) < 0) return -1;
    o->samples = k->emit ? NULL : d->out;
    o->n = want;
    return 0;
}

/* A file held in memory, for libsndfile's virtual I/O: a corpus is thousands of one-second
 * clips, and libsndfile reading one from disk makes some 30 small reads and seeks of it. */
typedef struct {
    const unsigned char *p;
    sf_count_t len, at;
} mem_file;

static sf_count_t mem_length(void *u) { return ((mem_file *)u)->len; }
static sf_count_t mem_tell(void *u) { return ((mem_file *)u)->at; }

static sf_count_t mem_seek(sf_count_t off, int whence, void *u)
{
    mem_file *m = u;
    sf_count_t to = whence == SEEK_SET ? off : whence == SEEK_CUR ? m->at + off : m->len + off;
    if (to < 0 || to > m->len) return -1;
    m->at = to;
    return to;
}

static sf_count_t mem_read(void *dst, sf_count_t n, void *u)
{
    mem_file *m = u;
    if (n > m->len - m->at) n = m->len - m->at;
    if (n <= 0) return 0;
    memcpy(dst, m->p + m->at, (size_t)n);
    m->at += n;
    return n;
}

static sf_count_t mem_write(const void *src, sf_count_t n, void *u) { (void)src; (void)n; (void)u; return 0; }

/* libsndfile decodes MPEG audio with a libmpg123 handle of libmpg123's default settings, which
 * prints notes of its own on stderr for a damaged file ("Note: Illegal Audio-MPEG-Header 0x00f318c4
 * at offset 1584.", "Note: Trying to resync...", "[src/libmpg123/layer3.c:...] error: dequantization
 * failed!"): lines naming neither the file nor the tool, beside the one featurize prints when it
 * skips the file. libsndfile gives no way to set the handle's MPG123_QUIET, so its call of
 * mpg123_new comes here (a symbol of the program that a shared library uses is exported for it)
 * and is passed on, the handle made quiet. */
mpg123_handle *mpg123_new(const char *decoder, int *error)
{
    typedef mpg123_handle *new_fn(const char *, int *);
    typedef int param_fn(mpg123_handle *, enum mpg123_parms, long, double);
    new_fn *real_new = (new_fn *)dlsym(RTLD_NEXT, "mpg123_new");
    param_fn *param = (param_fn *)dlsym(RTLD_NEXT, "mpg123_param");
    if (!real_new) {
        if (error) *error = MPG123_ERR;
        return NULL;
    }
    mpg123_handle *h = real_new(decoder, error);
    if (h && param) param(h, MPG123_ADD_FLAGS, MPG123_QUIET, 0.0);
    return h;
}

/* libsndfile takes an MPEG file's length from libmpg123 as it opens it: the count of a Xing or
 * Info header, or without one an estimate from the first frame's bitrate and the file's size, and
 * reads no further. A VBR file without that header (one a tool that drops it has cut or joined)
 * was read as far as the estimate, 0.52 s of a 3 s noise file, the rest lost in silence. The
 * frames are counted (mpg123_scan: their headers, not their audio) and the longer of the two
 * lengths given: a header's count above the frames there still makes a cut file truncated.
 * Not where the header has a LAME tag (libmpg123 read the encoder's delay from it): its count is
 * exact, and a file cut short by a frame or two then counted fewer frames than it, so libmpg123
 * dropped its gapless trimming and gave the raw length: such a clip was kept as whole, longer
 * than the intact file (16704 samples for 16000) and its audio 537 samples late (t2073). Without
 * the scan it is read as far as its frames go, and found short of the header's length. */
off_t mpg123_length(mpg123_handle *mh)
{
    typedef off_t length_fn(mpg123_handle *);
    typedef int scan_fn(mpg123_handle *);
    typedef int state_fn(mpg123_handle *, int, long *, double *);
    length_fn *real_length = (length_fn *)dlsym(RTLD_NEXT, "mpg123_length");
    scan_fn *scan = (scan_fn *)dlsym(RTLD_NEXT, "mpg123_scan");
    state_fn *state = (state_fn *)dlsym(RTLD_NEXT, "mpg123_getstate2");   /* mpg123.h's mpg123_getstate */
    if (!state) state = (state_fn *)dlsym(RTLD_NEXT, "mpg123_getstate");
    if (!real_length) return MPG123_ERR;
    off_t said = real_length(mh);
    long delay = -1;
    if (state && state(mh, MPG123_ENC_DELAY, &delay, NULL) == MPG123_OK && delay >= 0) return said;
    if (!scan || scan(mh) != MPG123_OK) return said;
    off_t counted = real_length(mh);
    return counted > said ? counted : said;
}

/* libsndfile keeps the reason a file could not be opened in a global (sf_strerror(NULL)), which
 * every other open resets: with featurize's workers opening files at once, a file that is not
 * audio was skipped as "not audio (No Error.)". Opens, and the read of that reason, take turns. */
static pthread_mutex_t sf_open_lock = PTHREAD_MUTEX_INITIALIZER;

/* Sets e for a file libsndfile cannot open; under sf_open_lock. When libmpg123 finds no MPEG frame
 * it can decode, libsndfile fails with its error for a path that is no file ("File does not exist
 * or is not a regular file (possibly a pipe?).") and says why only in its log ("mpg123 could not
 * open the file: ...", "Cannot get MPEG decoder configuration: ..."): a damaged .mp3 clip was
 * skipped as if missing. Those words are given instead (less libmpg123's reason after them,
 * which libsndfile often gives as "No error"). */
/* A CAF file (Apple's Core Audio Format) whose data chunk claims more bytes than the file holds:
 * libsndfile refuses it as "malformed", and a half-copied clip was skipped as "not audio". b: the
 * file's first n bytes (all of it, or its head), bytes: its size. The chunks are walked as the
 * format has them: "caff", version, flags, then a 4-byte type and a big-endian 64-bit size each
 * (-1 for a data chunk that runs to the end of the file). */
static int caf_says_truncated(const unsigned char *b, size_t n, long long bytes, char *why, size_t len)
{
    if (n < 8 || memcmp(b, "caff", 4)) return 0;
    for (size_t at = 8; at + 12 <= n;) {
        unsigned long long size = 0;
        for (int i = 0; i < 8; i++) size = size << 8 | b[at + 4 + i];
        if (!memcmp(b + at, "data", 4)) {
            unsigned long long holds = (unsigned long long)bytes - (at + 12);
            if (size == ~0ull || size <= holds) return 0;
            /* the first 4 bytes of the chunk count edits, not audio */
            return cut_bytes(why, len, size >= 4 ? size - 4 : 0, holds >= 4 ? holds - 4 : 0);
        }
        if (size > (unsigned long long)bytes) return 0;
        at += 12 + (size_t)size;
    }
    return 0;
}

/* A header libsndfile parsed but whose values it refuses ("Internal error : SF_INFO struct
 * incomplete.", its words for a WAV or CAF file whose sample rate is 0: the file's fault, not
 * libsndfile's): what is wrong, from the values its log ends with (" Sample rate :   0"), where
 * they tell it, else that the header is not valid, libsndfile's words after either. */
static void header_not_valid(const char *path, const char *log, ws_err *e)
{
    /* channels are checked before (0 is "Channel count is zero.", 2000 "Too many channels
     * specified."): the rate is what is left to name */
    const char *r = strstr(log, "\n Sample rate :");
    int rate = 1;
    if (r && sscanf(r, "\n Sample rate : %d", &rate) == 1 && rate < 1)
        ws_err_set(e, WS_EINPUT, "%s: not audio: its header gives a sample rate of %d Hz, expected a positive rate "
                   "(libsndfile: \"%s\")", path, rate, sf_strerror(NULL));
    else ws_err_set(e, WS_EINPUT, "%s: not audio: its header is not valid (libsndfile: \"%s\")", path, sf_strerror(NULL));
}

static void not_audio(const char *path, const unsigned char *b, size_t n, long long bytes, ws_err *e)
{
    char log[2048] = "";
    sf_command(NULL, SFC_GET_LOG_INFO, log, sizeof log);
    const char *m = strstr(log, "mpg123 could not open the file");
    if (!m) m = strstr(log, "Cannot get MPEG decoder configuration");
    /* an Ogg file cut within its headers (the codebooks take kilobytes) fails as "malformed", a
     * half-copied clip; libsndfile's log says the file ended */
    const char *end = strstr(sf_strerror(NULL), "malformed") ? strstr(log, "File ended unexpectedly") : NULL;
    while (end && end > log && end[-1] != '\n') end--;
    char why[160];
    if (m && strstr(sf_strerror(NULL), "not a regular file")) ws_err_set(e, WS_EINPUT, "%s: not audio (no MPEG frame in it can be decoded: libsndfile: \"%.*s\")", path,
                      (int)strcspn(m, ":\n"), m);
    else if (end) ws_err_set(e, WS_EINPUT, "%s: truncated: the file ends before its stream's headers do (libsndfile: \"%.*s\")",
                             path, (int)strcspn(end, "\n"), end);
    else if (strstr(sf_strerror(NULL), "malformed") && caf_says_truncated(b, n, bytes, why, sizeof why))
        ws_err_set(e, WS_EINPUT, "%s: %s", path, why);
    else if (strstr(sf_strerror(NULL), "SF_INFO struct incomplete")) header_not_valid(path, log, e);
    else ws_err_set(e, WS_EINPUT, "%s: not audio (%s)", path, sf_strerror(NULL));
}

#define HEAD_MAX 1024   /* bytes of a file kept in head: a NIST header's, all libsndfile reads */

/* Opens path for libsndfile: a file of at most WHOLE_MAX bytes is read in one call and decoded
 * from memory (m), a larger one is streamed from disk. head gets the file's first bytes (at most
 * HEAD_MAX), NUL-terminated. */
static SNDFILE *open_audio(audio_decoder *d, const char *path, mem_file *m, SF_INFO *info, long long *bytes,
                           char head[HEAD_MAX + 1], ws_err *e)
{
    struct stat st;
    const char *why = NULL;
    int fd = ws_open_regular(path, &st, &why);   /* a FIFO or a device must not hang the run */
    if (fd == -1) return ws_err_set(e, WS_EINPUT, "%s: cannot open: %s", path, strerror(errno)), NULL;
    /* as the folder scan's skips say (corpus.c, entry_problem): a manifest's folder was "not a
     * regular file" where the same folder in a class folder was "a directory" */
    if (fd == -2)
        return ws_err_set(e, WS_EINPUT, "%s: %s", path, S_ISDIR(st.st_mode) ? "a directory, expected an audio file"
                          : "not a regular file"), NULL;
    if (st.st_size == 0) { close(fd); return ws_err_set(e, WS_EINPUT, "%s: empty file", path), NULL; }
    *bytes = (long long)st.st_size;
    size_t head_len = st.st_size < HEAD_MAX ? (size_t)st.st_size : HEAD_MAX;
    head[0] = 0;
    if (st.st_size > WHOLE_MAX) {
        if (ws_pread_full(fd, head, head_len, 0) == 0) head[head_len] = 0;
        pthread_mutex_lock(&sf_open_lock);
        SNDFILE *f = sf_open_fd(fd, SFM_READ, info, SF_TRUE);   /* it closes fd, even on failure */
        if (!f) not_audio(path, (const unsigned char *)head, head_len, *bytes, e);
        pthread_mutex_unlock(&sf_open_lock);
        return f;
    }
    size_t len = (size_t)st.st_size;
    if (len > d->file_cap) {
        unsigned char *q = realloc(d->file, len);
        if (!q) { close(fd); return ws_err_set(e, WS_ENOMEM, "%s: out of memory", path), NULL; }
        d->file = q;
        d->file_cap = len;
    }
    int rc = ws_pread_full(fd, d->file, len, 0), saved = errno;
    close(fd);
    if (rc < 0) return ws_err_set(e, WS_EINPUT, "%s: read error: %s", path, strerror(saved)), NULL;
    memcpy(head, d->file, head_len);
    head[head_len] = 0;
    *m = (mem_file){d->file, (sf_count_t)len, 0};
    static SF_VIRTUAL_IO io = {mem_length, mem_seek, mem_read, mem_write, mem_tell};
    pthread_mutex_lock(&sf_open_lock);
    SNDFILE *f = sf_open_virtual(&io, SFM_READ, info, m);
    if (!f) not_audio(path, d->file, len, *bytes, e);
    pthread_mutex_unlock(&sf_open_lock);
    return f;
}

/* Reads a stream whose length libsndfile cannot tell (see audio_decode) to its end, or to max
 * frames, through k. A noise file (whole) longer than MAX_SAMPLES is refused, as one whose length
 * is known is. 0, or -1 with e set. */
static int read_to_end(sink *k, SNDFILE *f, sf_count_t max, int whole, const char *path, ws_err *e)
{
    sf_count_t have = 0;
    if (sink_read(k, f, max, &have, path, e) < 0) return -1;
    float probe[8];   /* at most 2 channels */
    if (have == max && whole && sf_readf_float(f, probe, 1) > 0)
        return ws_err_set(e, WS_EINPUT, "%s: too long (more than %lld frames)", path, (long long)max);
    if (sf_error(f) != SF_ERR_NO_ERROR)
        return ws_err_set(e, WS_EINPUT, "%s: %s after %lld frame%s", path, sf_strerror(f), (long long)have,
                          ws_plural((size_t)have));
    /* cut short, such a stream just ends early: libFLAC lost its sync in the last, partial frame,
     * which libsndfile notes only in its log */
    char log[4096] = "";
    sf_command(f, SFC_GET_LOG_INFO, log, sizeof log);
    const char *lost = strstr(log, "ERROR : FLAC__STREAM_DECODER_ERROR_STATUS_");
    if (lost) {
        lost += strlen("ERROR : FLAC__STREAM_DECODER_ERROR_STATUS_");
        return ws_err_set(e, WS_EINPUT, "%s: truncated or damaged: the FLAC decoder reports %.*s after %lld frames "
                          "(the stream gives no length to check against)", path, (int)strcspn(lost, "\n"), lost,
                          (long long)have);
    }
    if (have == 0) return ws_err_set(e, WS_EINPUT, "%s: zero length", path);
    return 0;
}

size_t audio_decode_length(audio_decoder *d, const char *path)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    mem_file m;
    long long bytes = 0;
    char head[HEAD_MAX + 1];
    ws_err ignored = {0};   /* a file that cannot be opened: audio_decode says why */
    SNDFILE *f = open_audio(d, path, &m, &info, &bytes, head, &ignored);
    if (!f) return 0;
    sf_close(f);
    if (info.frames <= 0 || info.frames == SF_COUNT_MAX || info.samplerate < MIN_RATE_HZ || info.samplerate > MAX_RATE_HZ)
        return 0;
    /* as resample gives it: ceil(frames * target / rate) */
    double n = ceil((double)info.frames * d->target_rate / info.samplerate);
    return n < (double)SIZE_MAX / 2 ? (size_t)n : SIZE_MAX / 2;
}

/* audio_decode, or with emit audio_decode_stream (max_seconds 0). */
static int decode(audio_decoder *d, const char *path, double max_seconds, audio_samples_fn *emit, void *ctx,
                  audio_decoded *o, ws_err *e)
{
    memset(o, 0, sizeof *o);
    SF_INFO info;
    memset(&info, 0, sizeof info);
    mem_file m;
    long long bytes = 0;
    char head[HEAD_MAX + 1];
    SNDFILE *f = open_audio(d, path, &m, &info, &bytes, head, e);
    if (!f) return -1;
    char log[2048] = "", why[160];
    sf_command(f, SFC_GET_LOG_INFO, log, sizeof log);
    /* A FLAC stream may leave its length out (STREAMINFO's total samples 0, "unknown", as an
     * encoder writing to a pipe does): libsndfile reports it as SF_COUNT_MAX, as it does an Ogg
     * file cut short, but such a file is whole, so it is read to its end. */
    int unknown_length = info.frames == SF_COUNT_MAX && (info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_FLAC;
    int rc = -1;
    if (info.channels < 1 || info.channels > 2) {
        ws_err_set(e, WS_EINPUT, "%s: %d channels (at most 2)", path, info.channels);
    } else if (info.samplerate < MIN_RATE_HZ || info.samplerate > MAX_RATE_HZ) {
        ws_err_set(e, WS_EINPUT, "%s: absurd sample rate %d Hz", path, info.samplerate);
    } else if (info.samplerate != d->target_rate && (info.samplerate > 256.0 * d->target_rate ||
                                                     256.0 * info.samplerate < d->target_rate)) {
        /* libsamplerate converts by at most 256 times either way; src_simple's refusal came
         * late, as an internal error that ended the whole run */
        ws_err_set(e, WS_EINPUT, "%s: sample rate %d Hz is more than 256 times from the %d Hz wanted, "
                   "beyond the resampler", path, info.samplerate, d->target_rate);
    } else if (info.frames <= 0) {
        ws_err_set(e, WS_EINPUT, "%s: zero length", path);
    } else if (info.frames == SF_COUNT_MAX && !unknown_length) {
        /* libsndfile's "length unknown": an Ogg file cut short has no last page to read the length
         * from; this was skipped as "too long (9223372036854775807 frames)" */
        ws_err_set(e, WS_EINPUT, "%s: truncated: its length cannot be read (the end of the stream is missing)", path);
    } else if (log_says_truncated(log, head, &info, why, sizeof why) ||
               (strlen(log) + 1 >= sizeof log && chunk_says_truncated(f, &info, why, sizeof why))) {
        ws_err_set(e, WS_EINPUT, "%s: %s", path, why);
    } else if (!unknown_length && (long long)info.frames * info.channels > MAX_SAMPLES) {
        ws_err_set(e, WS_EINPUT, "%s: too long (%lld frames)", path, (long long)info.frames);
    } else {
        rc = 0;
    }
    if (rc < 0) { sf_close(f); return -1; }

    sf_count_t want = unknown_length ? MAX_SAMPLES / info.channels : info.frames;
    if (max_seconds > 0) {
        sf_count_t lim = (sf_count_t)ceil(max_seconds * info.samplerate);
        if (lim < want) want = lim;
    }
    sink k = {d, (size_t)info.channels, NULL, (double)d->target_rate / info.samplerate, 0, 0,
              emit ? 0 : (size_t)want, info.samplerate, 0, emit, ctx, 0};
    if (info.samplerate != d->target_rate) {
        int err = 0;
        if (!d->src) d->src = src_new(SRC_SINC_MEDIUM_QUALITY, 1, &err);
        else err = src_reset(d->src);
        if (!d->src || err) {
            sf_close(f);
            return ws_err_set(e, WS_EINTERNAL, "%s: resampling: %s", path, src_strerror(err));
        }
        k.src = d->src;
        /* sink_resample asks room for 64 more than the samples in make, and its flush as much */
        if (!emit) k.most = (size_t)ceil((double)want * k.ratio) + 128;
    }
    if (unknown_length) {
        rc = read_to_end(&k, f, want, max_seconds <= 0, path, e);
        sf_close(f);
        if (rc < 0) return -1;
        info.frames = (sf_count_t)k.frames;
    } else {
        if (!emit) reserve(d, k.most);
        sf_count_t got = 0;
        if (sink_read(&k, f, want, &got, path, e) < 0) { sf_close(f); return -1; }
        int err = sf_error(f);
        if (err != SF_ERR_NO_ERROR && got < want && (info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_FLAC) {
            /* a FLAC file cut short: libFLAC loses its sync in the last, partial frame, and
             * libsndfile says only "flac decoder lost sync", which named no cut file (every other
             * format's says "truncated"); damage inside the stream reads alike */
            ws_err_set(e, WS_EINPUT, "%s: truncated or damaged: the header claims %lld frames, the FLAC decoder stopped "
                       "after %lld (libsndfile: \"%s\")", path, (long long)info.frames, (long long)got, sf_strerror(f));
            sf_close(f);
            return -1;
        }
        if (err != SF_ERR_NO_ERROR || got != want) {
            ws_err_set(e, WS_EINPUT, "%s: %s after %lld of %lld frame%s", path,
                       err ? sf_strerror(f) : "truncated", (long long)got, (long long)want, ws_plural((size_t)want));
            sf_close(f);
            return -1;
        }
        sf_close(f);
    }
    o->src_rate = info.samplerate;
    o->channels = info.channels;
    /* a FLAC stream without a length, read only to the clip's end: its length is not known */
    o->src_frames = unknown_length && max_seconds > 0 && k.frames == (size_t)want ? -1 : (long long)info.frames;
    o->file_bytes = bytes;
    return sink_finish(&k, info.samplerate, o, path, e);
}

int audio_decode(audio_decoder *d, const char *path, double max_seconds, audio_decoded *o, ws_err *e)
{
    return decode(d, path, max_seconds, NULL, NULL, o, e);
}

int audio_decode_stream(audio_decoder *d, const char *path, audio_samples_fn *emit, void *ctx, audio_decoded *o,
                        ws_err *e)
{
    return decode(d, path, 0, emit, ctx, o, e);
}

void audio_fit_length(const float *x, size_t n, float *out, size_t want)
{
    size_t k = n < want ? n : want;
    memcpy(out, x, sizeof(float) * k);
    if (k < want) memset(out + k, 0, sizeof(float) * (want - k));
}
