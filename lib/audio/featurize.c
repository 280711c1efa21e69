/* featurize.c — the featurize pipeline (see featurize.h). Work items are the noise files first
 * (long, so they start early and the threads finish together), claimed one at a time, then the
 * clips, claimed a run at a time; a worker claims with an atomic counter and writes a clip's
 * features into its own slot of the cache file, so the order of the file never depends on the
 * threads. */
#include "audio/featurize.h"
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "audio/cache.h"
#include "audio/decode.h"
#include "audio/finite.h"
#include "audio/hash64.h"
#include "audio/mel.h"
#include "audio/melstream.h"
#include "core/text.h"
#include "audio/split.h"
#include "core/clock.h"
#include "core/json.h"

typedef struct {
    const audio_corpus *corpus;
    const audio_feat_config *cfg;
    audio_cache_writer *w;
    int strict;
    size_t n_items;            /* n_noise + n_clips */
    atomic_size_t next_noise;  /* the next noise file to claim, one at a time */
    atomic_size_t next_clip;   /* the next clip to claim (from 0), claim_of at a time */
    atomic_size_t done;
    atomic_int abort, running;
    char **why;                /* [n_items] NULL: fine; else why the file was skipped */
    long long *bytes;          /* [n_items] file sizes */
    double *cropped_s;         /* [n_items] a clip's length in seconds when longer than the clip (-1: of
                                * unknown length); else 0 */
    uint64_t *noise_put;       /* [n_noise] each stream's place in the writer (put as it is made, so
                                * that one is held at a time, not the corpus's noise in all) */
    size_t *noise_frames;      /* [n_noise] */
    pthread_mutex_t lock;
    ws_err fatal;              /* first internal error */
} job;

static const audio_item *item_of(const job *j, size_t i)
{
    size_t nn = j->corpus->n_noise;
    return i < nn ? &j->corpus->noise[i] : &j->corpus->clips[i - nn];
}

static void set_fatal(job *j, const ws_err *e)
{
    pthread_mutex_lock(&j->lock);
    if (j->fatal.kind == WS_EOK) j->fatal = *e;
    pthread_mutex_unlock(&j->lock);
    atomic_store(&j->abort, 1);
}

/* Marks item i bad with why: 1, or -1 (e set) when out of memory. Control characters in it (a
 * file named with a newline or a tab) are shown escaped, so each skipped file is one line. */
static int skip_item(job *j, size_t i, const char *why, ws_err *e)
{
    j->why[i] = ws_text_show(why);
    return j->why[i] ? 1 : (ws_err_set(e, WS_ENOMEM, "out of memory"), -1);
}

/* Why frame (of file, whose samples reach peak) makes the features bad audio: see below. */
static void not_finite_why(const char *file, size_t frame, float peak, char *why, size_t len)
{
    snprintf(why, len, "%s: the mel power is not finite (from frame %zu): samples reach %g, expected audio "
             "within [-1, 1]", file, frame, (double)peak);
}

/* The largest of peak and |x[0..n)|. */
static float peak_of(const float *x, size_t n, float peak)
{
    for (size_t k = 0; k < n; k++) peak = fmaxf(peak, fabsf(x[k]));
    return peak;
}

/* Finite samples can still give infinite power (a float WAV with samples of 1e30: |X|^2 overflows
 * float32), and a cache of Inf or NaN would poison every batch it is drawn into: such a file is
 * bad audio. 0 when feat[0..n) is all finite, else why (naming the first bad frame and the peak
 * sample) and 1. */
static int features_not_finite(const float *feat, size_t n, int n_mels, const float *x, size_t n_x,
                               const char *file, char *why, size_t len)
{
    size_t at = audio_first_nonfinite(feat, n);
    if (at == n) return 0;
    not_finite_why(file, at / (size_t)n_mels, peak_of(x, n_x, 0), why, len);
    return 1;
}

/* The MiB of the noise stream of n samples (at the target rate). */
static double noise_mib(const job *j, size_t n)
{
    return (double)audio_feat_frames(j->cfg, n) * (double)j->cfg->n_mels * sizeof(float) / (1 << 20);
}

/* Why the noise stream of n samples (at the target rate) would be too large, into why: 1; 0 when
 * it is within the limit. The settings check holds a clip's features to AUDIO_FEAT_MAX_MIB, but a
 * noise stream's size is its file's length times the settings: a minute at hop_length 1 with 1024
 * mels asked 3.9 GB and ended the run in "out of memory" after every clip was done. so_far: n is
 * the samples decoded so far of a file whose header gave no length, which is read no further. */
static int noise_too_large(const job *j, const char *file, size_t n, int so_far, char *why, size_t len)
{
    size_t frames = audio_feat_frames(j->cfg, n), n_mels = (size_t)j->cfg->n_mels;
    double mib = noise_mib(j, n);
    if (mib <= AUDIO_FEAT_MAX_MIB) return 0;
    snprintf(why, len, "%s: its noise stream would take %s%.0f MiB (%zu frames of %zu mel%s, float32%s); expected at "
             "most %d MiB a stream (a shorter file, a larger hop_length or fewer n_mels)", file,
             so_far ? "more than " : "", so_far ? (double)AUDIO_FEAT_MAX_MIB : mib, frames, n_mels, ws_plural(n_mels),
             so_far ? ", in the part read: its header gives no length, so it was read no further" : "",
             AUDIO_FEAT_MAX_MIB);
    return 1;
}

/* A noise file on its way through: its samples, as they are decoded, into the mel stream; its
 * frames, as they are made, into the writer. Once its stream is known to be not finite no more
 * frames are made, but the file is still read to its end: its decoding errors come first, as when
 * it was read whole, and its length and peak are the whole file's. Once the run is aborted
 * (j->abort), or its samples so far make too large a stream, it is read no further. */
typedef struct {
    job *j;
    const char *file;          /* as the corpus names it, for the messages */
    audio_melstream st;
    uint64_t id;               /* the writer's stream, once begun */
    int begun;
    int stop;                  /* 1: no more frames made (not finite) */
    int aborted;               /* 1: the decoding was stopped, as the run was aborted */
    size_t n;                  /* samples so far */
    float peak;                /* the largest |sample| so far, for the not-finite message */
    size_t frames;             /* frames put */
    size_t bad_frame;          /* the first frame that is not finite; SIZE_MAX: none */
} noise_run;

static int noise_frames(void *ctx, const float *f, size_t n, ws_err *e)
{
    noise_run *r = ctx;
    if (r->stop) return 0;
    size_t n_mels = (size_t)r->j->cfg->n_mels, at = audio_first_nonfinite(f, n * n_mels);
    if (at < n * n_mels) {
        r->bad_frame = r->frames + at / n_mels;
        r->stop = 1;
        return 0;
    }
    if (!r->begun && audio_cache_writer_noise_begin(r->j->w, &r->id, e) < 0) return -1;
    r->begun = 1;
    if (audio_cache_writer_noise_append(r->j->w, r->id, f, n, e) < 0) return -1;
    r->frames += n;
    return 0;
}

static int noise_samples(void *ctx, const float *x, size_t n, ws_err *e)
{
    noise_run *r = ctx;
    /* another thread failed (a bad file with --strict, a write error): nothing of the run is
     * kept, so the rest of a long file is not decoded for nothing, as a clip worker takes no
     * more clips (do_claim) */
    if (atomic_load(&r->j->abort)) {
        r->aborted = 1;
        return ws_err_set(e, WS_EINTERNAL, "the run was aborted");
    }
    r->peak = peak_of(x, n, r->peak);
    r->n += n;
    /* a stream whose header gave no length (a FLAC stream written to a pipe) is found too large
     * only as it comes: refused as soon as its samples so far pass the limit, before their
     * frames are made, as one whose header gives its length is refused unread (noise_item);
     * decoding the rest (up to 2^31 frames) would only give its length for the message */
    char why[sizeof e->msg];
    if (noise_too_large(r->j, r->file, r->n, 1, why, sizeof why)) return ws_err_set(e, WS_EINPUT, "%s", why);
    if (r->stop) return 0;
    return audio_melstream_push(&r->st, x, n, e);
}

/* Noise file i, decoded, resampled and made into mel frames a block at a time and put in the
 * writer as it comes (audio_decode_stream, melstream.h): an hour of 16 kHz noise was held whole,
 * 230 MB of samples and 58 MB of frames. The frames are those of the whole file to the bit.
 * 0 done (or stopped, the run aborted: the error that aborted it is the run's), 1 bad audio
 * (why[i] set), -1 internal failure (e set). */
static int noise_item(job *j, size_t i, audio_decoder *dec, audio_melspec *ms, ws_err *e)
{
    const audio_item *it = item_of(j, i);
    ws_err ie = {0};
    char why[sizeof ie.msg];
    /* one whose stream would be refused is refused from its header's length, unread, rather than
     * decoded only to be skipped (five hours, over the default limit: the minutes to decode them) */
    if (noise_too_large(j, it->file, audio_decode_length(dec, it->file), 0, why, sizeof why))
        return skip_item(j, i, why, e);
    noise_run r = {.j = j, .file = it->file, .bad_frame = SIZE_MAX};
    if (audio_melstream_init(&r.st, ms, noise_frames, &r, e) < 0) return -1;
    audio_decoded d;
    int rc = audio_decode_stream(dec, it->file, noise_samples, &r, &d, &ie);
    if (rc == 0) {
        j->bytes[i] = d.file_bytes;
        if (audio_feat_frames(j->cfg, d.n) == 0)
            rc = ws_err_set(&ie, WS_EINPUT, "%s: too short for a noise stream (%zu sample%s)", it->file, d.n,
                            ws_plural(d.n));
        else if (r.bad_frame == SIZE_MAX && audio_melstream_finish(&r.st, &ie) < 0)
            rc = -1;
        if (rc == 0 && r.bad_frame != SIZE_MAX) {
            not_finite_why(it->file, r.bad_frame, r.peak, why, sizeof why);
            rc = ws_err_set(&ie, WS_EINPUT, "%s", why);
        }
    }
    audio_melstream_release(&r.st);
    if (rc < 0) {
        if (r.begun) audio_cache_writer_noise_drop(j->w, r.id);
        if (r.aborted) return 0;
        if (ie.kind != WS_EINPUT) { *e = ie; return -1; }
        return skip_item(j, i, ie.msg, e);
    }
    j->noise_put[i] = r.id;
    j->noise_frames[i] = r.frames;
    return 0;
}

/* One item: 0 done, 1 bad audio (why[i] set), -1 internal failure (e set). A clip's features are
 * left in feat for the worker to write; a noise stream is put in the writer (noise_item). */
static int do_item(job *j, size_t i, audio_decoder *dec, audio_melspec *ms, float *clip, float *feat, ws_err *e)
{
    const audio_item *it = item_of(j, i);
    if (it->bad) return skip_item(j, i, it->bad, e);   /* found unusable by the corpus scan */
    if (i < j->corpus->n_noise) return noise_item(j, i, dec, ms, e);
    size_t clip_n = audio_feat_clip_samples(j->cfg);
    audio_decoded d;
    ws_err ie = {0};
    char why[sizeof ie.msg];
    int rc = audio_decode(dec, it->file, j->cfg->clip_seconds + 0.05, &d, &ie);
    if (rc < 0) {
        if (ie.kind != WS_EINPUT) { *e = ie; return -1; }
        return skip_item(j, i, ie.msg, e);
    }
    j->bytes[i] = d.file_bytes;
    size_t n_mels = (size_t)j->cfg->n_mels;
    if (d.n > clip_n) j->cropped_s[i] = d.src_frames > 0 ? (double)d.src_frames / d.src_rate : -1;
    audio_fit_length(d.samples, d.n, clip, clip_n);
    long frames = audio_melspec_compute(ms, clip, clip_n, feat, e);
    if (frames < 0) return -1;
    if (features_not_finite(feat, (size_t)frames * n_mels, j->cfg->n_mels, clip, clip_n, it->file, why, sizeof why))
        return skip_item(j, i, why, e);
    return 0;
}

/* Clips a worker claims at once (noise files it claims one at a time): their features go to the
 * cache in one write (a write a clip was 6% of featurize's time, most of it the system call's own
 * cost), and the two workers' runs of slots stay apart. Small enough that the last claims still
 * share the work out evenly. */
#define CLAIM 16
/* A claim's buffer holds CLAIM clips' features only while that stays within this (16 clips of
 * 16 KB at the defaults): a clip may take up to AUDIO_FEAT_MAX_MIB, and 16 such a thread asked
 * gigabytes, "out of memory" for settings the check had let through. At least one clip. */
#define CLAIM_MAX_BYTES (16u << 20)

static size_t claim_of(const audio_feat_config *cfg)
{
    size_t clip_bytes = audio_feat_frames(cfg, audio_feat_clip_samples(cfg)) * (size_t)cfg->n_mels * sizeof(float);
    size_t n = clip_bytes ? CLAIM_MAX_BYTES / clip_bytes : CLAIM;
    return n < 1 ? 1 : n > CLAIM ? CLAIM : n;
}

/* Items [start, end) of one claim: their clips' features into feats, then one write of them.
 * A skipped clip's slot is written as zeros (the cache drops it when it is made). */
static void do_claim(job *j, size_t start, size_t end, audio_decoder *dec, audio_melspec *ms, float *clip,
                     float *feats, size_t feat_n, ws_err *e)
{
    size_t nn = j->corpus->n_noise, first = start > nn ? start : nn, i = start;
    for (; i < end && !atomic_load(&j->abort); i++) {
        float *feat = feats + (i >= nn ? (i - first) * feat_n : 0);
        int rc = do_item(j, i, dec, ms, clip, feat, e);
        if (rc < 0) { set_fatal(j, e); return; }
        if (rc == 1 && i >= nn) memset(feat, 0, sizeof(float) * feat_n);
        if (rc == 1 && j->strict) atomic_store(&j->abort, 1);
        atomic_fetch_add(&j->done, 1);
    }
    if (i > first && audio_cache_writer_put_run(j->w, first - nn, i - first, feats, e) < 0) set_fatal(j, e);
}

static void *worker(void *arg)
{
    job *j = arg;
    audio_decoder dec;
    audio_melspec ms;
    ws_err e = {0};
    audio_decoder_init(&dec, j->cfg->sample_rate);
    size_t clip_n = audio_feat_clip_samples(j->cfg);
    size_t feat_n = audio_feat_frames(j->cfg, clip_n) * (size_t)j->cfg->n_mels;
    size_t claim = claim_of(j->cfg);
    float *clip = malloc(sizeof(float) * clip_n), *feat = malloc(sizeof(float) * feat_n * claim);
    if (audio_melspec_init(&ms, j->cfg, &e) < 0) {
        set_fatal(j, &e);
    } else if (!clip || !feat) {
        ws_err_set(&e, WS_ENOMEM, "out of memory");
        set_fatal(j, &e);
    } else {
        /* the noise files one at a time (each is many clips long: sixteen to a claim, a corpus
         * of fewer made all its noise on one thread while the others had only clips), then the
         * clips a claim at a time */
        size_t nn = j->corpus->n_noise;
        while (!atomic_load(&j->abort)) {
            size_t k = atomic_fetch_add(&j->next_noise, 1);
            if (k >= nn) break;
            do_claim(j, k, k + 1, &dec, &ms, clip, feat, feat_n, &e);
        }
        while (!atomic_load(&j->abort)) {
            size_t start = nn + atomic_fetch_add(&j->next_clip, claim);
            if (start >= j->n_items) break;
            do_claim(j, start, start + claim < j->n_items ? start + claim : j->n_items, &dec, &ms, clip, feat,
                     feat_n, &e);
        }
    }
    audio_melspec_release(&ms);
    audio_decoder_release(&dec);
    free(clip);
    free(feat);
    atomic_fetch_sub(&j->running, 1);
    return NULL;
}

/* Starts the workers, at most one an item, and waits for them; the number that ran, or -1 (e set). */
static int run_workers(job *j, const audio_featurize_opts *o, ws_err *e)
{
    int n = o->threads < 1 ? 1 : o->threads;
    if ((size_t)n > j->n_items) n = (int)j->n_items;
    pthread_t *th = calloc((size_t)n, sizeof *th);
    if (!th) return ws_err_set(e, WS_ENOMEM, "out of memory");
    int started = 0;
    atomic_store(&j->running, n);
    for (; started < n; started++)
        if (pthread_create(&th[started], NULL, worker, j) != 0) break;
    if (started < n) {
        atomic_fetch_sub(&j->running, n - started);
        if (started == 0) { free(th); return ws_err_set(e, WS_EINTERNAL, "cannot start threads"); }
    }
    while (o->progress && atomic_load(&j->running) > 0) {
        o->progress(o->progress_ctx, atomic_load(&j->done), j->n_items);
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    for (int t = 0; t < started; t++) pthread_join(th[t], NULL);
    free(th);
    if (o->progress) o->progress(o->progress_ctx, atomic_load(&j->done), j->n_items);
    return started;
}

/* The hash of the settings and the kept inputs (see cache.h); -1 (e set) when the settings cannot
 * be put in text, since a hash without them would match a cache of other settings. */
static int inputs_hash(const job *j, const audio_cache_entry *clips, size_t n_clips, uint64_t *out, ws_err *e)
{
    audio_hash64_ctx h;
    audio_hash64_init(&h, 0);
    json_t *cj = audio_feat_config_to_json(j->cfg);
    char *text = cj ? ws_json_canonical(cj) : NULL;
    json_decref(cj);
    if (!text) return ws_err_set(e, WS_ENOMEM, "inputs hash: out of memory");
    audio_hash64_update(&h, text, strlen(text) + 1);
    free(text);
    char buf[64];
    for (size_t i = 0; i < n_clips; i++) {
        const char *p = clips[i].path, *cls = j->corpus->classes[clips[i].label];
        audio_hash64_update(&h, p, strlen(p) + 1);
        audio_hash64_update(&h, cls, strlen(cls) + 1);
        int len = snprintf(buf, sizeof buf, "%d %lld", clips[i].split, j->bytes[j->corpus->n_noise + clips[i].slot]);
        audio_hash64_update(&h, buf, (size_t)len + 1);
    }
    for (size_t k = 0; k < j->corpus->n_noise; k++) {
        if (j->why[k]) continue;
        const char *p = j->corpus->noise[k].path;
        audio_hash64_update(&h, p, strlen(p) + 1);
        int len = snprintf(buf, sizeof buf, "noise %lld", j->bytes[k]);
        audio_hash64_update(&h, buf, (size_t)len + 1);
    }
    *out = audio_hash64_final(&h);
    return 0;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* A noise stream's name in the cache: its file's base name, or its path as the corpus lists it
 * when another kept stream has the same base name (a manifest's n1/w.wav and n2/w.wav were two
 * streams both named "w.wav", which --describe could not tell apart). */
static const char *noise_name(const job *j, size_t k)
{
    const char *b = base_name(j->corpus->noise[k].path);
    for (size_t m = 0; m < j->corpus->n_noise; m++)
        if (m != k && !j->why[m] && strcmp(base_name(j->corpus->noise[m].path), b) == 0)
            return j->corpus->noise[k].path;
    return b;
}

/* The note for class k of the corpus, n_files of whose files were all skipped (r->left_out), and
 * why it is no class, for the cache's record (left, {CLASS: why}). */
static char *left_out_note(const audio_corpus *c, int k, size_t n_files, json_t *left)
{
    char *shown = ws_text_show(c->classes[k]), *s = NULL;
    char all[64];
    if (n_files == 1) snprintf(all, sizeof all, "its one %s was skipped", c->is_manifest ? "clip" : "audio file");
    else snprintf(all, sizeof all, "every one of its %zu %s was skipped", n_files, c->is_manifest ? "clips" : "audio files");
    int n = !shown || json_object_set_new(left, c->classes[k], json_string(all)) < 0 ? -1
          : c->is_manifest ? asprintf(&s, "%s: label '%s': %s (named above), so it is not a class", c->root, shown, all)
          : asprintf(&s, "%s/%s: %s (named above), so it is not a class", c->root, shown, all);
    free(shown);
    return n < 0 ? NULL : s;
}

/* Leaves out the classes none of whose clips is in the cache, the others keeping their order:
 * such a class (a folder of unreadable files, of 4-channel recordings) was in the cache with 0
 * clips, an output no clip could teach, which macro F1 averaged in at 0. As a folder with no audio
 * file at all (corpus.c) and as torchaudio's SPEECHCOMMANDS, whose labels are its clips', it is
 * not a class; r->left_out says which and why, and so does left for the cache. Relabels clips[] to the cache's class ids and
 * fills r->class_names and r->counts; counts holds the corpus's [n_classes][splits] and is
 * compacted in place. */
static int drop_empty_classes(const audio_corpus *c, const size_t *files, audio_cache_entry *clips, size_t n_clips,
                              json_t *left, audio_featurize_result *r, ws_err *e)
{
    int *id = malloc(sizeof(int) * (size_t)(c->n_classes + 1));
    r->class_names = malloc(sizeof(char *) * (size_t)(c->n_classes + 1));
    r->left_out = calloc((size_t)c->n_classes + 1, sizeof(char *));
    if (!id || !r->class_names || !r->left_out) { free(id); return ws_err_set(e, WS_ENOMEM, "out of memory"); }
    int kept = 0;
    for (int k = 0; k < c->n_classes; k++) {
        size_t total = 0, *row = r->counts + (size_t)k * AUDIO_N_SPLITS;
        for (int s = 0; s < AUDIO_N_SPLITS; s++) total += row[s];
        if (!total) {
            id[k] = -1;
            if (!(r->left_out[r->n_left_out++] = left_out_note(c, k, files[k], left))) {
                free(id);
                return ws_err_set(e, WS_ENOMEM, "out of memory");
            }
            continue;
        }
        memmove(r->counts + (size_t)kept * AUDIO_N_SPLITS, row, sizeof(size_t) * AUDIO_N_SPLITS);
        r->class_names[kept] = c->classes[k];
        id[k] = kept++;
    }
    for (size_t i = 0; i < n_clips; i++) clips[i].label = id[clips[i].label];
    r->n_classes = kept;
    free(id);
    return 0;
}

/* Gathers the results, fills r and writes the index; takes ownership of the writer. */
static int finish(job *j, const char *out_path, const audio_featurize_opts *o, audio_featurize_result *r, ws_err *e)
{
    const audio_corpus *c = j->corpus;
    size_t nn = c->n_noise;
    audio_cache_entry *clips = malloc(sizeof *clips * (c->n_clips + 1));
    audio_cache_noise *noise = malloc(sizeof *noise * (nn + 1));
    uint64_t *noise_put = malloc(sizeof *noise_put * (nn + 1));
    size_t *files = calloc((size_t)c->n_classes + 1, sizeof *files);   /* each class's files, skipped or not */
    r->counts = calloc((size_t)c->n_classes * AUDIO_N_SPLITS + 1, sizeof(size_t));
    r->skipped = calloc(j->n_items + 1, sizeof(audio_skip));
    if (!clips || !noise || !noise_put || !files || !r->counts || !r->skipped) {
        free(clips); free(noise); free(noise_put); free(files);
        audio_cache_writer_abort(j->w);
        return ws_err_set(e, WS_ENOMEM, "out of memory");
    }
    r->n_classes = c->n_classes;
    for (size_t i = 0; i < j->n_items; i++) {
        size_t k = i < c->n_clips ? i + nn : i - c->n_clips;   /* clips first, then noise */
        const audio_item *it = item_of(j, k);
        if (k >= nn) files[it->label]++;
        if (j->why[k]) {
            r->skipped[r->n_skipped].path = strdup(it->path);
            r->skipped[r->n_skipped++].reason = strdup(j->why[k]);
        } else if (k >= nn) {
            clips[r->n_clips++] = (audio_cache_entry){k - nn, it->label, it->split, it->path};
            if (j->cropped_s[k] != 0) r->n_cropped++;
            if (j->cropped_s[k] > r->longest_s) r->longest_s = j->cropped_s[k];
            r->counts[(size_t)it->label * AUDIO_N_SPLITS + (size_t)it->split]++;
        } else {
            noise_put[r->n_noise] = j->noise_put[k];
            noise[r->n_noise++] = (audio_cache_noise){noise_name(j, k), NULL, j->noise_frames[k]};
        }
    }
    int rc = -1;
    /* the folders and labels that are no class, in the cache: a wake word among them is named
     * as such by train-trial, not only as a name the cache lacks */
    json_t *left = json_object();
    for (size_t k = 0; left && k < c->n_left_out; k++)
        if (json_object_set_new(left, c->left_out[k].name, json_string(c->left_out[k].why)) < 0) {
            json_decref(left);
            left = NULL;
        }
    if (!left) {
        ws_err_set(e, WS_ENOMEM, "out of memory");
        audio_cache_writer_abort(j->w);
    } else if (r->n_clips == 0) {
        ws_err_set(e, WS_EINPUT, "%s: no usable audio clips (%zu skipped)", c->root, r->n_skipped);
        audio_cache_writer_abort(j->w);
    } else if (inputs_hash(j, clips, r->n_clips, &r->inputs_hash, e) < 0   /* by the corpus's class ids */
               || drop_empty_classes(c, files, clips, r->n_clips, left, r, e) < 0) {
        audio_cache_writer_abort(j->w);
    } else {
        audio_cache_contents cc = {
            .class_names = r->class_names, .n_classes = r->n_classes,
            .clips = clips, .n_clips = r->n_clips, .noise = noise, .n_noise = r->n_noise,
            .noise_put = noise_put, .source = c->root, .created_by = o->created_by, .inputs_hash = r->inputs_hash, .left_out = left,
        };
        rc = audio_cache_writer_commit(j->w, &cc, e);
    }
    json_decref(left);
    j->w = NULL;
    free(clips);
    free(noise);
    free(noise_put);
    free(files);
    return rc;
}

int audio_featurize(const audio_corpus *corpus, const char *out_path, const audio_featurize_opts *o,
                    audio_featurize_result *r, ws_err *e)
{
    double t0 = ws_mono_s();
    memset(r, 0, sizeof *r);
    if (audio_feat_config_validate(&o->cfg, "features", e) < 0) return -1;
    r->n_mels = o->cfg.n_mels;
    r->n_frames = (int)audio_feat_frames(&o->cfg, audio_feat_clip_samples(&o->cfg));
    job j;
    memset(&j, 0, sizeof j);
    j.corpus = corpus;
    j.cfg = &o->cfg;
    j.strict = o->strict;
    j.n_items = corpus->n_noise + corpus->n_clips;
    atomic_init(&j.next_noise, 0);
    atomic_init(&j.next_clip, 0);
    atomic_init(&j.done, 0);
    atomic_init(&j.abort, 0);
    atomic_init(&j.running, 0);
    pthread_mutex_init(&j.lock, NULL);
    j.why = calloc(j.n_items + 1, sizeof(char *));
    j.bytes = calloc(j.n_items + 1, sizeof(long long));
    j.cropped_s = calloc(j.n_items + 1, sizeof(double));
    j.noise_put = calloc(corpus->n_noise + 1, sizeof(uint64_t));
    j.noise_frames = calloc(corpus->n_noise + 1, sizeof(size_t));
    int rc = -1;
    if (!j.why || !j.bytes || !j.cropped_s || !j.noise_put || !j.noise_frames) {
        ws_err_set(e, WS_ENOMEM, "out of memory");
        goto out;
    }
    if (!(j.w = audio_cache_writer_open(out_path, &o->cfg, corpus->n_clips, e))) goto out;
    if ((r->threads = run_workers(&j, o, e)) < 0) goto out;
    if (j.fatal.kind != WS_EOK) { *e = j.fatal; goto out; }
    if (o->strict) {
        /* workers stop at the first bad file they meet; report the earliest in corpus order of those seen */
        for (size_t i = 0; i < j.n_items; i++) {
            size_t k = i < corpus->n_clips ? i + corpus->n_noise : i - corpus->n_clips;
            if (j.why[k]) { ws_err_set(e, WS_EINPUT, "%s (--strict)", j.why[k]); goto out; }
        }
    }
    rc = finish(&j, out_path, o, r, e);
out:
    audio_cache_writer_abort(j.w);
    for (size_t i = 0; j.why && i < j.n_items; i++) free(j.why[i]);
    free(j.why); free(j.bytes); free(j.cropped_s); free(j.noise_put); free(j.noise_frames);
    pthread_mutex_destroy(&j.lock);
    r->seconds = ws_mono_s() - t0;
    return rc;
}

void audio_featurize_result_release(audio_featurize_result *r)
{
    for (size_t i = 0; r->skipped && i < r->n_skipped; i++) { free(r->skipped[i].path); free(r->skipped[i].reason); }
    free(r->skipped);
    free(r->counts);
    free(r->class_names);
    for (size_t i = 0; r->left_out && i < r->n_left_out; i++) free(r->left_out[i]);
    free(r->left_out);
    memset(r, 0, sizeof *r);
}
