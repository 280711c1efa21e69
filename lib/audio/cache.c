/* cache.c — the feature cache file: writer (temporary file, pwrite from worker threads, compaction
 * of skipped slots, index, checksum, rename) and reader (mmap, validation, accessors). Layout in
 * cache.h. */
#include "audio/cache.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "audio/hash64.h"
#include "core/text.h"
#include "core/atomic.h"
#include "core/classes.h"
#include "core/fdio.h"
#include "core/json.h"

/* The arrays are stored in host order and mapped as they are: little-endian hosts only. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the feature cache format is little-endian");

#define HEADER_BYTES 256
#define FEATURES_ALIGN 4096
#define SECTION_ALIGN 64
#define DTYPE_F32 1
#define CHECKSUM_AT 16    /* byte offset of the checksum field in the header */

enum { S_FEATURES, S_LABELS, S_SPLITS, S_PATHS, S_STRINGS, S_NOISE, S_META, N_SECTIONS };
static const char *const section_names[N_SECTIONS] = {"features", "labels", "splits", "paths",
                                                      "strings", "noise", "meta"};

typedef struct {
    uint32_t version, header_bytes;
    uint64_t file_bytes, checksum, inputs_hash, n_clips;
    uint32_t n_frames, n_mels, n_classes, n_noise, dtype, flags;
    uint64_t off[N_SECTIONS], len[N_SECTIONS];
} header;

static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static void put64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static uint32_t get32(const uint8_t *p) { uint32_t v = 0; for (int i = 3; i >= 0; i--) v = v << 8 | p[i]; return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v = 0; for (int i = 7; i >= 0; i--) v = v << 8 | p[i]; return v; }

static void header_encode(const header *h, uint8_t out[HEADER_BYTES])
{
    memset(out, 0, HEADER_BYTES);
    memcpy(out, AUDIO_CACHE_MAGIC, 8);
    put32(out + 8, h->version); put32(out + 12, h->header_bytes);
    put64(out + CHECKSUM_AT, h->checksum);    /* 16 */
    put64(out + 24, h->file_bytes); put64(out + 32, h->inputs_hash); put64(out + 40, h->n_clips);
    put32(out + 48, h->n_frames); put32(out + 52, h->n_mels); put32(out + 56, h->n_classes);
    put32(out + 60, h->n_noise); put32(out + 64, h->dtype); put32(out + 68, h->flags);
    for (int s = 0; s < N_SECTIONS; s++) { put64(out + 72 + 16 * s, h->off[s]); put64(out + 80 + 16 * s, h->len[s]); }
}

static void header_decode(const uint8_t *in, header *h)
{
    h->version = get32(in + 8); h->header_bytes = get32(in + 12);
    h->checksum = get64(in + CHECKSUM_AT);
    h->file_bytes = get64(in + 24); h->inputs_hash = get64(in + 32); h->n_clips = get64(in + 40);
    h->n_frames = get32(in + 48); h->n_mels = get32(in + 52); h->n_classes = get32(in + 56);
    h->n_noise = get32(in + 60); h->dtype = get32(in + 64); h->flags = get32(in + 68);
    for (int s = 0; s < N_SECTIONS; s++) { h->off[s] = get64(in + 72 + 16 * s); h->len[s] = get64(in + 80 + 16 * s); }
}

/* The checksum is hash64 of the header with the checksum zeroed, then the payload. */
static void checksum_begin(audio_hash64_ctx *h, const uint8_t *head)
{
    uint8_t hdr[HEADER_BYTES];
    memcpy(hdr, head, HEADER_BYTES);
    put64(hdr + CHECKSUM_AT, 0);
    audio_hash64_init(h, 0x5753464341434845ull);
    audio_hash64_update(h, hdr, HEADER_BYTES);
}

static uint64_t file_checksum(const uint8_t *file, size_t len)
{
    audio_hash64_ctx h;
    checksum_begin(&h, file);
    audio_hash64_update(&h, file + HEADER_BYTES, len - HEADER_BYTES);
    return audio_hash64_final(&h);
}

/* The same of the file the writer has just written (header given), read through fd in 1 MiB
 * pieces rather than through a fresh mapping of it, whose page faults cost featurize about 5% of
 * its CPU time on the demo corpus (30 MB of cache). -1 (errno set). */
static int fd_checksum(int fd, const uint8_t *head, uint64_t len, uint64_t *out)
{
    enum { PIECE = 1 << 20 };
    uint8_t *buf = malloc(PIECE);
    if (!buf) return -1;
    audio_hash64_ctx h;
    checksum_begin(&h, head);
    for (uint64_t at = HEADER_BYTES; at < len;) {
        size_t n = len - at < PIECE ? (size_t)(len - at) : PIECE;
        if (ws_pread_full(fd, buf, n, at) < 0) { free(buf); return -1; }
        audio_hash64_update(&h, buf, n);
        at += n;
    }
    free(buf);
    *out = audio_hash64_final(&h);
    return 0;
}

static uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

/* ------------------------------------------------------------------ writer */

/* A noise stream in the streams' file: its pieces in order. Streams made at once (one a thread)
 * are appended a block at a time, each block where the file ends then, so a stream's blocks lie
 * between others'; one made alone is one piece (a block that follows its last is merged). */
typedef struct {
    uint64_t off, bytes;
} noise_piece;

typedef struct {
    noise_piece *segs;             /* [n_segs] */
    size_t n_segs, cap;
    uint64_t bytes;                /* all its pieces' */
} noise_stream;

struct audio_cache_writer {
    ws_atomic a;
    int fd;
    audio_feat_config cfg;
    size_t n_slots, clip_bytes;
    int n_frames;
    /* noise streams put as they are made (audio_cache_writer_put_noise), copied into the cache at
     * commit: a file with no name beside the cache, so that none is ever left behind */
    pthread_mutex_t noise_lock;
    int noise_fd;                  /* -1 until the first stream */
    uint64_t noise_len;
    noise_stream *streams;         /* [n_streams], by the ids audio_cache_writer_noise_begin gave */
    size_t n_streams, streams_cap;
};

static void writer_free(audio_cache_writer *w)
{
    if (w->noise_fd >= 0) close(w->noise_fd);
    pthread_mutex_destroy(&w->noise_lock);
    for (size_t k = 0; k < w->n_streams; k++) free(w->streams[k].segs);
    free(w->streams);
    free(w);
}

audio_cache_writer *audio_cache_writer_open(const char *path, const audio_feat_config *cfg,
                                            size_t n_slots, ws_err *e)
{
    if (audio_feat_config_validate(cfg, "features", e) < 0) return NULL;
    audio_cache_writer *w = calloc(1, sizeof *w);
    if (!w) { ws_err_set(e, WS_ENOMEM, "%s: out of memory", path); return NULL; }
    if (ws_atomic_open(&w->a, path, e) < 0) { free(w); return NULL; }
    w->fd = fileno(w->a.f);
    w->noise_fd = -1;
    pthread_mutex_init(&w->noise_lock, NULL);
    /* mkstemp makes the temporary 0600; a cache is data others may read, like any output file */
    mode_t um = umask(0);
    umask(um);
    if (fchmod(w->fd, 0666 & ~um) != 0) { /* keep 0600: not worth failing for */ }
    w->cfg = *cfg;
    w->n_slots = n_slots;
    w->n_frames = (int)audio_feat_frames(cfg, audio_feat_clip_samples(cfg));
    w->clip_bytes = sizeof(float) * (size_t)w->n_frames * (size_t)cfg->n_mels;
    return w;
}

int audio_cache_writer_put_run(audio_cache_writer *w, size_t slot, size_t n, const float *features, ws_err *e)
{
    if (slot >= w->n_slots || n > w->n_slots - slot)
        return ws_err_set(e, WS_EINTERNAL, "%s: slots %zu..%zu out of range", w->a.path, slot, slot + n);
    if (ws_pwrite_full(w->fd, features, n * w->clip_bytes, FEATURES_ALIGN + (uint64_t)slot * w->clip_bytes) < 0)
        return ws_err_set(e, WS_EINTERNAL, "%s: cannot write: %s", w->a.path, strerror(errno));
    return 0;
}

int audio_cache_writer_put(audio_cache_writer *w, size_t slot, const float *features, ws_err *e)
{
    return audio_cache_writer_put_run(w, slot, 1, features, e);
}

/* The noise streams' file, in the cache's folder (its filesystem, which the cache needs room on
 * anyway): O_TMPFILE, which has no name; where the filesystem has none, a temporary unlinked at
 * once, named as the cache's own is, NAME.tmp.HOST-PID.XXXXXX (its six last characters drawn
 * again), so that ws_atomic_open's clean-up of a killed writer's (ws_atomic_reap) takes it too
 * where the writer died before the unlink: NAME.tmp.HOST-PID.XXXXXX.noise.XXXXXX was no name
 * of a temporary to it, and stayed for good. */
static int open_noise_file(audio_cache_writer *w, ws_err *e)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", w->a.tmp);
    char *slash = strrchr(dir, '/');
    if (slash) *(slash == dir ? slash + 1 : slash) = '\0';
    else snprintf(dir, sizeof dir, ".");
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        char tmpl[PATH_MAX];
        int n = snprintf(tmpl, sizeof tmpl, "%s", w->a.tmp);
        if (n < 6 || (size_t)n >= sizeof tmpl) errno = ENAMETOOLONG;
        else {
            memcpy(tmpl + n - 6, "XXXXXX", 6);
            if ((fd = mkostemp(tmpl, O_CLOEXEC)) >= 0) unlink(tmpl);
        }
    }
    if (fd < 0)
        return ws_err_set(e, ws_errno_kind(errno), "%s: cannot create a temporary file for the noise streams: %s",
                          w->a.path, strerror(errno));
    w->noise_fd = fd;
    return 0;
}

int audio_cache_writer_noise_begin(audio_cache_writer *w, uint64_t *id, ws_err *e)
{
    pthread_mutex_lock(&w->noise_lock);
    int rc = w->noise_fd >= 0 ? 0 : open_noise_file(w, e);
    if (rc == 0 && w->n_streams == w->streams_cap) {
        size_t cap = w->streams_cap ? 2 * w->streams_cap : 8;
        noise_stream *p = realloc(w->streams, sizeof *p * cap);
        if (p) { w->streams = p; w->streams_cap = cap; }
        else rc = ws_err_set(e, WS_ENOMEM, "%s: out of memory", w->a.path);
    }
    if (rc == 0) {
        memset(&w->streams[w->n_streams], 0, sizeof *w->streams);
        *id = w->n_streams++;
    }
    pthread_mutex_unlock(&w->noise_lock);
    return rc;
}

/* Room for bytes more of stream id at the file's end, noted as its next piece; its offset in
 * *off. Under noise_lock. */
static int noise_reserve(audio_cache_writer *w, uint64_t id, uint64_t bytes, uint64_t *off, ws_err *e)
{
    if (id >= w->n_streams) return ws_err_set(e, WS_EINTERNAL, "%s: no noise stream %llu", w->a.path, (unsigned long long)id);
    noise_stream *st = &w->streams[id];
    *off = w->noise_len;
    noise_piece *last = st->n_segs ? &st->segs[st->n_segs - 1] : NULL;
    if (last && last->off + last->bytes == *off) {
        last->bytes += bytes;
    } else {
        if (st->n_segs == st->cap) {
            size_t cap = st->cap ? 2 * st->cap : 4;
            noise_piece *p = realloc(st->segs, sizeof *p * cap);
            if (!p) return ws_err_set(e, WS_ENOMEM, "%s: out of memory", w->a.path);
            st->segs = p;
            st->cap = cap;
        }
        st->segs[st->n_segs++] = (noise_piece){*off, bytes};
    }
    st->bytes += bytes;
    w->noise_len += bytes;
    return 0;
}

int audio_cache_writer_noise_append(audio_cache_writer *w, uint64_t id, const float *power, size_t n_frames, ws_err *e)
{
    uint64_t bytes = sizeof(float) * (uint64_t)n_frames * (uint64_t)w->cfg.n_mels, off = 0;
    pthread_mutex_lock(&w->noise_lock);
    int rc = noise_reserve(w, id, bytes, &off, e), fd = w->noise_fd;
    pthread_mutex_unlock(&w->noise_lock);
    if (rc < 0) return -1;
    if (ws_pwrite_full(fd, power, bytes, off) < 0)
        return ws_err_set(e, WS_EINTERNAL, "%s: cannot write a noise stream: %s", w->a.path, strerror(errno));
    return 0;
}

void audio_cache_writer_noise_drop(audio_cache_writer *w, uint64_t id)
{
    pthread_mutex_lock(&w->noise_lock);
    if (id < w->n_streams) {
        noise_stream *st = &w->streams[id];
        for (size_t k = 0; k < st->n_segs; k++)   /* where the filesystem cannot, the bytes stay till commit */
            (void)fallocate(w->noise_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)st->segs[k].off,
                            (off_t)st->segs[k].bytes);
        free(st->segs);
        memset(st, 0, sizeof *st);
    }
    pthread_mutex_unlock(&w->noise_lock);
}

int audio_cache_writer_put_noise(audio_cache_writer *w, const float *power, size_t n_frames, uint64_t *id, ws_err *e)
{
    return audio_cache_writer_noise_begin(w, id, e) < 0 ? -1 : audio_cache_writer_noise_append(w, *id, power, n_frames, e);
}

/* Copies noise stream st from the streams' file to the cache at `to`, its pieces in order, a
 * MiB at a time. */
static int copy_noise(audio_cache_writer *w, const noise_stream *st, uint64_t to)
{
    enum { PIECE = 1 << 20 };
    uint8_t *buf = malloc(PIECE);
    if (!buf) { errno = ENOMEM; return -1; }
    for (size_t k = 0; k < st->n_segs; k++) {
        uint64_t from = st->segs[k].off, bytes = st->segs[k].bytes;
        for (uint64_t done = 0; done < bytes;) {
            size_t n = bytes - done < PIECE ? (size_t)(bytes - done) : PIECE;
            if (ws_pread_full(w->noise_fd, buf, n, from + done) < 0 || ws_pwrite_full(w->fd, buf, n, to + done) < 0) {
                free(buf);
                return -1;
            }
            done += n;
        }
        to += bytes;
    }
    free(buf);
    return 0;
}

void audio_cache_writer_abort(audio_cache_writer *w)
{
    if (!w) return;
    ws_atomic_abort(&w->a);
    writer_free(w);
}

/* Moves kept slots down over dropped ones (slots strictly increasing, so sources are intact). */
static int compact(audio_cache_writer *w, const audio_cache_contents *c, ws_err *e)
{
    void *buf = NULL;
    for (size_t j = 0; j < c->n_clips; j++) {
        size_t s = c->clips[j].slot;
        if (s >= w->n_slots || (j > 0 && s <= c->clips[j - 1].slot)) {
            free(buf);
            return ws_err_set(e, WS_EINTERNAL, "%s: clip slots must increase", w->a.path);
        }
        if (s == j) continue;
        if (!buf && !(buf = malloc(w->clip_bytes))) return ws_err_set(e, WS_ENOMEM, "out of memory");
        if (ws_pread_full(w->fd, buf, w->clip_bytes, FEATURES_ALIGN + (uint64_t)s * w->clip_bytes) < 0 ||
            ws_pwrite_full(w->fd, buf, w->clip_bytes, FEATURES_ALIGN + (uint64_t)j * w->clip_bytes) < 0) {
            free(buf);
            return ws_err_set(e, WS_EINTERNAL, "%s: cannot write: %s", w->a.path, strerror(errno));
        }
    }
    free(buf);
    return 0;
}

/* Why name could not go into the metadata: JSON holds only UTF-8 (json_string gives NULL for
 * anything else), so a name that is not is an error naming it, rather than a silent gap that
 * would make the cache unreadable; otherwise memory ran out. */
static int name_error(const char *path, const char *what, const char *name, ws_err *e)
{
    if (ws_text_is_utf8(name)) return ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
    char *shown = ws_text_escape(name);
    ws_err_set(e, WS_EINPUT, "%s: %s \"%s\" is not valid UTF-8; expected UTF-8 (the cache stores names as JSON text)",
               path, what, shown ? shown : "?");
    free(shown);
    return -1;
}

static int append_name(json_t *arr, const char *path, const char *what, const char *name, ws_err *e)
{
    return json_array_append_new(arr, json_string(name)) == 0 ? 0 : name_error(path, what, name, e);
}

static json_t *meta_json(const audio_cache_writer *w, const audio_cache_contents *c, const uint64_t *noise_off,
                         ws_err *e)
{
    const char *path = w->a.path;
    json_t *classes = json_array(), *splits = json_array(), *noise = json_array(), *j = NULL;
    /* the source is only a note of where the corpus was: a path that is not UTF-8 goes in escaped */
    char *source = ws_text_escape(c->source ? c->source : "");
    int rc = classes && splits && noise && source ? 0 : ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
    for (int k = 0; rc == 0 && k < c->n_classes; k++)
        rc = append_name(classes, path, "class name", c->class_names[k], e);
    for (int s = 0; rc == 0 && s < AUDIO_N_SPLITS; s++)
        rc = append_name(splits, path, "split name", audio_split_name(s), e);
    for (size_t k = 0; rc == 0 && k < c->n_noise; k++) {
        json_t *o = json_pack("{s:s, s:I, s:I}", "name", c->noise[k].name,
            "frames", (json_int_t)c->noise[k].n_frames, "offset", (json_int_t)noise_off[k]);
        if (!o || json_array_append_new(noise, o) < 0) rc = name_error(path, "noise file name", c->noise[k].name, e);
    }
    if (rc == 0 && !(j = json_pack("{s:s, s:o, s:O, s:O, s:O, s:s, s:s}",
            "format", "wakesweep feature cache",
            "features", audio_feat_config_to_json(&w->cfg),
            "classes", classes, "splits", splits, "noise", noise,
            "source", source, "created_by", c->created_by ? c->created_by : "")))
        name_error(path, "created_by", c->created_by ? c->created_by : "", e);
    if (j && c->left_out && json_object_size(c->left_out) &&
        json_object_set(j, "left_out", (json_t *)c->left_out) < 0) {
        json_decref(j);
        j = NULL;
        ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
    }
    json_decref(classes); json_decref(splits); json_decref(noise);
    free(source);
    return j;
}

static int write_sections(audio_cache_writer *w, const audio_cache_contents *c, header *h, ws_err *e)
{
    size_t n = c->n_clips;
    int32_t *ints = malloc(sizeof(int32_t) * (n ? n : 1));
    uint64_t *offs = malloc(sizeof(uint64_t) * (n ? n : 1));
    uint64_t *noise_off = malloc(sizeof(uint64_t) * (c->n_noise ? c->n_noise : 1));
    char *strings = NULL, *meta = NULL;
    size_t strings_len = 0;
    int rc = -1;
    if (!ints || !offs || !noise_off) goto oom;
    for (size_t i = 0; i < n; i++) { offs[i] = strings_len; strings_len += strlen(c->clips[i].path) + 1; }
    if (!(strings = malloc(strings_len ? strings_len : 1))) goto oom;
    for (size_t i = 0; i < n; i++) memcpy(strings + offs[i], c->clips[i].path, strlen(c->clips[i].path) + 1);

    uint64_t pos = FEATURES_ALIGN;
    h->off[S_FEATURES] = pos; h->len[S_FEATURES] = (uint64_t)n * w->clip_bytes;
    pos = align_up(pos + h->len[S_FEATURES], SECTION_ALIGN);
    h->off[S_LABELS] = pos; h->len[S_LABELS] = sizeof(int32_t) * n;
    pos = align_up(pos + h->len[S_LABELS], SECTION_ALIGN);
    h->off[S_SPLITS] = pos; h->len[S_SPLITS] = sizeof(int32_t) * n;
    pos = align_up(pos + h->len[S_SPLITS], SECTION_ALIGN);
    h->off[S_PATHS] = pos; h->len[S_PATHS] = sizeof(uint64_t) * n;
    pos = align_up(pos + h->len[S_PATHS], SECTION_ALIGN);
    h->off[S_STRINGS] = pos; h->len[S_STRINGS] = strings_len;
    pos = align_up(pos + strings_len, SECTION_ALIGN);
    h->off[S_NOISE] = pos;
    for (size_t k = 0; k < c->n_noise; k++) {
        noise_off[k] = pos;
        pos += sizeof(float) * c->noise[k].n_frames * (size_t)w->cfg.n_mels;
    }
    h->len[S_NOISE] = pos - h->off[S_NOISE];
    pos = align_up(pos, SECTION_ALIGN);
    json_t *mj = meta_json(w, c, noise_off, e);
    if (!mj) goto done;
    meta = ws_json_dump(mj, 0);
    json_decref(mj);
    if (!meta) goto oom;
    h->off[S_META] = pos; h->len[S_META] = strlen(meta);
    h->file_bytes = pos + h->len[S_META];

    /* zero the alignment gaps (old slot data may lie there) by truncating first */
    if (ftruncate(w->fd, (off_t)h->off[S_LABELS]) != 0 || ftruncate(w->fd, (off_t)h->file_bytes) != 0) goto io;
    for (size_t i = 0; i < n; i++) ints[i] = c->clips[i].label;
    if (ws_pwrite_full(w->fd, ints, h->len[S_LABELS], h->off[S_LABELS]) < 0) goto io;
    for (size_t i = 0; i < n; i++) ints[i] = c->clips[i].split;
    if (ws_pwrite_full(w->fd, ints, h->len[S_SPLITS], h->off[S_SPLITS]) < 0) goto io;
    if (ws_pwrite_full(w->fd, offs, h->len[S_PATHS], h->off[S_PATHS]) < 0) goto io;
    if (ws_pwrite_full(w->fd, strings, strings_len, h->off[S_STRINGS]) < 0) goto io;
    for (size_t k = 0; k < c->n_noise; k++) {
        uint64_t bytes = sizeof(float) * c->noise[k].n_frames * (uint64_t)w->cfg.n_mels;
        if (!c->noise[k].power && (!c->noise_put || c->noise_put[k] >= w->n_streams ||
                                   w->streams[c->noise_put[k]].bytes != bytes)) {
            ws_err_set(e, WS_EINTERNAL, "%s: noise stream %zu was not put in the writer", w->a.path, k);
            goto done;
        }
        if ((c->noise[k].power ? ws_pwrite_full(w->fd, c->noise[k].power, bytes, noise_off[k])
                               : copy_noise(w, &w->streams[c->noise_put[k]], noise_off[k])) < 0)
            goto io;
    }
    if (ws_pwrite_full(w->fd, meta, h->len[S_META], h->off[S_META]) < 0) goto io;
    rc = 0;
    goto done;
io:
    ws_err_set(e, WS_EINTERNAL, "%s: cannot write: %s", w->a.path, strerror(errno));
    goto done;
oom:
    ws_err_set(e, WS_ENOMEM, "%s: out of memory", w->a.path);
done:
    free(ints); free(offs); free(noise_off); free(strings); free(meta);
    return rc;
}

int audio_cache_writer_commit(audio_cache_writer *w, const audio_cache_contents *c, ws_err *e)
{
    header h;
    memset(&h, 0, sizeof h);
    h.version = AUDIO_CACHE_VERSION;
    h.header_bytes = HEADER_BYTES;
    h.inputs_hash = c->inputs_hash;
    h.n_clips = c->n_clips;
    h.n_frames = (uint32_t)w->n_frames;
    h.n_mels = (uint32_t)w->cfg.n_mels;
    h.n_classes = (uint32_t)c->n_classes;
    h.n_noise = (uint32_t)c->n_noise;
    h.dtype = DTYPE_F32;
    for (size_t i = 0; i < c->n_clips; i++)
        if (c->clips[i].label < 0 || c->clips[i].label >= c->n_classes || c->clips[i].split < 0 ||
            c->clips[i].split >= AUDIO_N_SPLITS) {
            ws_err_set(e, WS_EINTERNAL, "%s: clip %zu has a bad label or split", w->a.path, i);
            goto fail;
        } else if (!ws_text_is_utf8(c->clips[i].path)) {
            name_error(w->a.path, "clip path", c->clips[i].path, e);   /* --dump could not show it */
            goto fail;
        }
    if (compact(w, c, e) < 0 || write_sections(w, c, &h, e) < 0) goto fail;
    uint8_t hdr[HEADER_BYTES];
    header_encode(&h, hdr);
    if (ws_pwrite_full(w->fd, hdr, HEADER_BYTES, 0) < 0) goto io;
    if (fd_checksum(w->fd, hdr, h.file_bytes, &h.checksum) < 0) goto io;
    put64(hdr + CHECKSUM_AT, h.checksum);
    if (ws_pwrite_full(w->fd, hdr, HEADER_BYTES, 0) < 0) goto io;
    int rc = ws_atomic_commit(&w->a, e);
    writer_free(w);
    return rc;
io:
    ws_err_set(e, WS_EINTERNAL, "%s: cannot write: %s", w->a.path, strerror(errno));
fail:
    audio_cache_writer_abort(w);
    return -1;
}

/* ------------------------------------------------------------------ reader */

static int bad(ws_err *e, const char *path, const char *what)
{
    return ws_err_set(e, WS_EINPUT, "%s: not a valid feature cache: %s", path, what);
}

static int check_sections(const header *h, const char *path, ws_err *e)
{
    uint64_t n = h->n_clips, fm = (uint64_t)h->n_frames * h->n_mels;
    if (h->n_frames == 0 || h->n_mels == 0 || fm > (1ull << 32) || n > (1ull << 40))
        return bad(e, path, "absurd shapes");
    /* n * fm * 4 reaches 2^74 under the caps above: wrapped, a crafted header could declare a
     * tiny features section for huge shapes and send readers out of the map */
    uint64_t feat_bytes;
    if (__builtin_mul_overflow(n, fm, &feat_bytes) || __builtin_mul_overflow(feat_bytes, 4, &feat_bytes))
        return ws_err_set(e, WS_EINPUT, "%s: not a valid feature cache: n_clips %llu x n_frames %u x n_mels %u "
                          "float32 values do not fit in 64 bits", path, (unsigned long long)n, h->n_frames, h->n_mels);
    uint64_t want[N_SECTIONS] = {feat_bytes, n * 4, n * 4, n * 8, 0, 0, 0};
    for (int s = 0; s < N_SECTIONS; s++) {
        if (h->off[s] < HEADER_BYTES || h->off[s] > h->file_bytes || h->len[s] > h->file_bytes - h->off[s] ||
            h->off[s] % (s == S_FEATURES ? FEATURES_ALIGN : SECTION_ALIGN))
            return ws_err_set(e, WS_EINPUT, "%s: not a valid feature cache: section %s out of bounds",
                              path, section_names[s]);
        if (s <= S_PATHS && h->len[s] != want[s])
            return ws_err_set(e, WS_EINPUT, "%s: not a valid feature cache: section %s has %llu bytes, "
                              "expected %llu", path, section_names[s], (unsigned long long)h->len[s],
                              (unsigned long long)want[s]);
    }
    return 0;
}

/* qsort_r's order of class indices: by name, then index */
static int by_name(const void *a, const void *b, void *names)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(((const char **)names)[i], ((const char **)names)[j]);
    return c ? c : (i > j) - (i < j);
}

/* A class named twice (a cache written by something else, or edited; featurize makes one class
 * of a name) was trained on: the two shared one entry of a result's per_class, a name meant the
 * first of them, and the checkpoint written was refused by --evaluate. Sorted, not pairwise:
 * the header may declare any number of classes. */
static int check_names_once(const char **names, size_t n, const char *path, ws_err *e)
{
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order) return ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
    for (size_t k = 0; k < n; k++) order[k] = k;
    qsort_r(order, n, sizeof *order, by_name, names);
    int rc = 0;
    for (size_t k = 1; k < n && !rc; k++)
        if (!strcmp(names[order[k - 1]], names[order[k]])) {
            char *shown = ws_text_escape(names[order[k]]);
            rc = ws_err_set(e, WS_EINPUT, "%s: not a valid feature cache: class %zu has the name of class %zu, '%s' "
                            "(a class is named once)", path, order[k], order[k - 1], shown ? shown : "?");
            free(shown);
        }
    free(order);
    return rc;
}

static int parse_meta(audio_cache *c, const header *h, const uint8_t *base, const char *path, ws_err *e)
{
    json_error_t je;
    c->meta_ = json_loadb((const char *)base + h->off[S_META], h->len[S_META], 0, &je);
    if (!c->meta_) return bad(e, path, "metadata is not JSON");
    char where[64] = "cache features";
    if (audio_feat_config_from_json(json_object_get(c->meta_, "features"), where, &c->cfg, e) < 0)
        return ws_err_prefix(e, "%s", path);
    if ((size_t)h->n_frames != audio_feat_frames(&c->cfg, audio_feat_clip_samples(&c->cfg)) ||
        (int)h->n_mels != c->cfg.n_mels)
        return bad(e, path, "shapes disagree with the feature settings");
    json_t *classes = json_object_get(c->meta_, "classes"), *noise = json_object_get(c->meta_, "noise");
    if (!json_is_array(classes) || json_array_size(classes) != h->n_classes ||
        !json_is_array(noise) || json_array_size(noise) != h->n_noise)
        return bad(e, path, "class or noise list does not match the header");
    c->class_names = calloc(h->n_classes ? h->n_classes : 1, sizeof(char *));
    c->noise = calloc(h->n_noise ? h->n_noise : 1, sizeof(audio_cache_noise));
    if (!c->class_names || !c->noise) return ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
    for (size_t k = 0; k < h->n_classes; k++) {
        c->class_names[k] = json_string_value(json_array_get(classes, k));
        if (!c->class_names[k]) return bad(e, path, "a class name is not a string");
    }
    if (check_names_once(c->class_names, h->n_classes, path, e)) return -1;
    uint64_t row = 4ull * h->n_mels, n_lo = h->off[S_NOISE], n_hi = h->off[S_NOISE] + h->len[S_NOISE];
    for (size_t k = 0; k < h->n_noise; k++) {
        json_t *s = json_array_get(noise, k);
        json_t *name = json_object_get(s, "name"), *fr = json_object_get(s, "frames"), *off = json_object_get(s, "offset");
        if (!json_is_string(name) || !json_is_integer(fr) || !json_is_integer(off))
            return bad(e, path, "a noise entry lacks name, frames or offset");
        uint64_t o = (uint64_t)json_integer_value(off), f = (uint64_t)json_integer_value(fr);
        if (json_integer_value(off) < 0 || json_integer_value(fr) < 0 || o < n_lo || o > n_hi || o % 4 ||
            f > (n_hi - o) / row)
            return bad(e, path, "a noise stream lies outside its section");
        c->noise[k].name = json_string_value(name);
        c->noise[k].power = (const float *)(base + o);
        c->noise[k].n_frames = (size_t)f;
    }
    json_t *src = json_object_get(c->meta_, "source"), *by = json_object_get(c->meta_, "created_by");
    c->source = json_is_string(src) ? json_string_value(src) : "";
    c->created_by = json_is_string(by) ? json_string_value(by) : "";
    return 0;
}

static int mismatch(ws_err *e, const char *path, uint64_t stored, uint64_t computed)
{
    return ws_err_set(e, WS_EINPUT, "%s: checksum mismatch (stored %016llx, computed %016llx): the file is "
                      "corrupted; run featurize again", path, (unsigned long long)stored, (unsigned long long)computed);
}

/* The deferred checksum pass (AUDIO_CACHE_VERIFY_LATER). */
struct audio_cache_check {
    pthread_t thread;
    const uint8_t *file;
    size_t len;
    uint64_t stored, computed;
    int joined;
    char path[];
};

static void *check_run(void *arg)
{
    struct audio_cache_check *k = arg;
    k->computed = file_checksum(k->file, k->len);
    return NULL;
}

static int check_start(audio_cache *c, const char *path, uint64_t stored, ws_err *e)
{
    struct audio_cache_check *k = calloc(1, sizeof *k + strlen(path) + 1);
    if (!k) return ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
    strcpy(k->path, path);
    k->file = c->map_;
    k->len = c->file_bytes;
    k->stored = stored;
    if (pthread_create(&k->thread, NULL, check_run, k) != 0) {
        k->computed = file_checksum(k->file, k->len);   /* no thread to be had: check it now */
        k->joined = 1;
    }
    c->check_ = k;
    return 0;
}

/* A cache truncated while mapped (cp or `>` over it; featurize itself renames a new one into
 * place) raised SIGBUS at the first read of a lost page: the trial died without a word and stayed
 * RUNNING until its heartbeat went stale. The handler maps zeros over the lost pages of a cache
 * map and marks it, and audio_cache_verify_wait fails with the reason; a fault anywhere else
 * kills the process as before. A fixed table, filled before a slot is marked used, as the
 * handler may not lock or allocate. */
enum { MAPS_MAX = 16 };
static struct {
    volatile uintptr_t lo, hi;
    volatile sig_atomic_t used, shrunk;
} maps[MAPS_MAX];
static pthread_mutex_t maps_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t bus_once = PTHREAD_ONCE_INIT;
static uintptr_t bus_page;   /* sysconf is not async-signal-safe: asked before the handler runs */

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    uintptr_t a = (uintptr_t)si->si_addr, page = bus_page;
    for (int i = 0; si->si_code > 0 && i < MAPS_MAX; i++) {
        if (!maps[i].used || a < maps[i].lo || a >= maps[i].hi) continue;
        uintptr_t from = a & ~(page - 1);
        if (mmap((void *)from, maps[i].hi - from, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
            == MAP_FAILED) break;
        maps[i].shrunk = 1;
        return;   /* the read is retried and finds zeros */
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Only where SIGBUS would kill the process anyway: a handler of the program's own is left. */
static void install_sigbus(void)
{
    struct sigaction old, sa;
    bus_page = (uintptr_t)sysconf(_SC_PAGESIZE);
    if (sigaction(SIGBUS, NULL, &old) != 0 || (old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) return;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
}

static void maps_add(audio_cache *c)
{
    pthread_once(&bus_once, install_sigbus);
    pthread_mutex_lock(&maps_lock);
    for (int i = 0; i < MAPS_MAX; i++)
        if (!maps[i].used) {
            maps[i].lo = (uintptr_t)c->map_;
            maps[i].hi = (uintptr_t)c->map_ + c->file_bytes;
            maps[i].shrunk = 0;
            __atomic_store_n(&maps[i].used, 1, __ATOMIC_RELEASE);
            c->map_slot_ = i + 1;
            break;
        }
    pthread_mutex_unlock(&maps_lock);
}

int audio_cache_verify_wait(audio_cache *c, ws_err *e)
{
    struct audio_cache_check *k = c->check_;
    if (k && !k->joined) { pthread_join(k->thread, NULL); k->joined = 1; }
    if (c->map_slot_ && maps[c->map_slot_ - 1].shrunk)
        return ws_err_set(e, WS_EINPUT, "%s: truncated while in use (the file was cut or written over in place "
                          "while mapped); featurize replaces a cache by renaming: run it again", c->path_);
    if (!k) return 0;
    if (k->computed != k->stored) return mismatch(e, k->path, k->stored, k->computed);
    c->verified = 1;
    return 0;
}

int audio_cache_open(audio_cache *c, const char *path, int flags, ws_err *e)
{
    memset(c, 0, sizeof *c);
    struct stat st;
    const char *why = NULL;
    int fd = ws_open_regular(path, &st, &why);   /* a FIFO must not hang the open */
    if (fd == -1) return ws_err_set(e, WS_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    if (fd == -2) return bad(e, path, "not a regular file");
    if (st.st_size < HEADER_BYTES) { close(fd); return bad(e, path, "shorter than a header"); }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int saved = errno;
    close(fd);
    /* ENOMEM: no address space left for it (ulimit -v): out of memory, not a broken file */
    if (map == MAP_FAILED)
        return ws_err_set(e, saved == ENOMEM ? WS_ENOMEM : WS_EINTERNAL, "%s: cannot map: %s", path, strerror(saved));
    c->map_ = map;
    c->file_bytes = (size_t)st.st_size;
    if (!(c->path_ = strdup(path))) { ws_err_set(e, WS_ENOMEM, "%s: out of memory", path); goto fail; }
    maps_add(c);
    const uint8_t *base = map;
    header h;
    header_decode(base, &h);
    if (memcmp(base, AUDIO_CACHE_MAGIC, 8) != 0) { bad(e, path, "wrong magic"); goto fail; }
    if (h.version != AUDIO_CACHE_VERSION) {
        ws_err_set(e, WS_EINPUT, "%s: cache version %u is not supported (this build reads version %d); "
                   "run featurize again", path, h.version, AUDIO_CACHE_VERSION);
        goto fail;
    }
    if (h.header_bytes != HEADER_BYTES || h.dtype != DTYPE_F32) { bad(e, path, "unknown header size or dtype"); goto fail; }
    /* before the checksum reads the file: a class count past the tool's is refused as such, whatever
     * else the file holds (training and evaluation keep k x k counts per validation) */
    if (h.n_classes > WS_MAX_CLASSES) {
        ws_err_set(e, WS_EINPUT, "%s: %u classes; expected at most %d (" WS_MAX_CLASSES_WHY ")", path, h.n_classes,
                   WS_MAX_CLASSES);
        goto fail;
    }
    if (h.file_bytes != (uint64_t)st.st_size) {
        ws_err_set(e, WS_EINPUT, "%s: truncated or damaged: the header says %llu bytes, the file has %lld",
                   path, (unsigned long long)h.file_bytes, (long long)st.st_size);
        goto fail;
    }
    if (flags & AUDIO_CACHE_VERIFY_LATER) {
        if (check_start(c, path, h.checksum, e)) goto fail;
    } else if (!(flags & AUDIO_CACHE_NO_VERIFY)) {
        uint64_t sum = file_checksum(base, c->file_bytes);
        if (sum != h.checksum) {
            mismatch(e, path, h.checksum, sum);
            goto fail;
        }
        c->verified = 1;
    }
    if (check_sections(&h, path, e) < 0 || parse_meta(c, &h, base, path, e) < 0) goto fail;
    c->version = (int)h.version;
    c->n_clips = (size_t)h.n_clips;
    c->n_frames = (int)h.n_frames;
    c->n_mels = (int)h.n_mels;
    c->n_classes = (int)h.n_classes;
    c->n_noise = h.n_noise;
    c->inputs_hash = h.inputs_hash;
    c->checksum = h.checksum;
    c->features = (const float *)(base + h.off[S_FEATURES]);
    c->labels = (const int32_t *)(base + h.off[S_LABELS]);
    c->splits = (const int32_t *)(base + h.off[S_SPLITS]);
    c->path_off_ = (const uint64_t *)(base + h.off[S_PATHS]);
    c->strings_ = (const char *)(base + h.off[S_STRINGS]);
    c->strings_len_ = (size_t)h.len[S_STRINGS];
    if (c->n_clips && (c->strings_len_ == 0 || c->strings_[c->strings_len_ - 1] != 0)) {
        bad(e, path, "path strings are not terminated");
        goto fail;
    }
    for (size_t i = 0; i < c->n_clips; i++)
        if (c->labels[i] < 0 || c->labels[i] >= c->n_classes || c->splits[i] < 0 ||
            c->splits[i] >= AUDIO_N_SPLITS || c->path_off_[i] >= c->strings_len_) {
            ws_err_set(e, WS_EINPUT, "%s: not a valid feature cache: clip %zu has a bad label, split or path", path, i);
            goto fail;
        }
    return 0;
fail:
    audio_cache_close(c);
    return -1;
}

void audio_cache_close(audio_cache *c)
{
    if (c->check_ && !c->check_->joined) pthread_join(c->check_->thread, NULL);   /* it reads the map */
    free(c->check_);
    if (c->map_slot_) __atomic_store_n(&maps[c->map_slot_ - 1].used, 0, __ATOMIC_RELEASE);
    if (c->map_) munmap(c->map_, c->file_bytes);
    free(c->path_);
    json_decref(c->meta_);
    free(c->class_names);
    free(c->noise);
    memset(c, 0, sizeof *c);
}

const float *audio_cache_clip(const audio_cache *c, size_t i)
{
    return c->features + i * (size_t)c->n_frames * (size_t)c->n_mels;
}

const char *audio_cache_path(const audio_cache *c, size_t i) { return c->strings_ + c->path_off_[i]; }

const char *audio_cache_left_out(const audio_cache *c, const char *name)
{
    return json_string_value(json_object_get(json_object_get(c->meta_, "left_out"), name));
}

int audio_cache_class_id(const audio_cache *c, const char *name)
{
    for (int k = 0; k < c->n_classes; k++)
        if (strcmp(c->class_names[k], name) == 0) return k;
    return -1;
}

size_t audio_cache_count(const audio_cache *c, int label, int split)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n_clips; i++)
        n += (label < 0 || c->labels[i] == label) && (split < 0 || c->splits[i] == split);
    return n;
}

int audio_cache_check_config(const audio_cache *c, const char *path, const audio_feat_config *want, ws_err *e)
{
    char msg[512];
    if (audio_feat_config_diff(&c->cfg, want, msg, sizeof msg) == 0) return 0;
    return ws_err_set(e, WS_EINPUT, "%s: feature settings differ: %s", path, msg);
}

/* Integers enter the data hash as little-endian words, as the file stores them. */
static void hash_u64(audio_hash64_ctx *h, uint64_t v)
{
    uint8_t b[8];
    put64(b, v);
    audio_hash64_update(h, b, sizeof b);
}

uint64_t audio_cache_data_hash(const audio_cache *c)
{
    audio_hash64_ctx h;
    audio_hash64_init(&h, 0x5753444154413031ull);   /* "WSDATA01": not the checksum's seed */
    hash_u64(&h, c->n_clips);
    hash_u64(&h, (uint64_t)c->n_frames);
    hash_u64(&h, (uint64_t)c->n_mels);
    audio_hash64_update(&h, c->features, c->n_clips * (size_t)c->n_frames * (size_t)c->n_mels * sizeof(float));
    audio_hash64_update(&h, c->labels, c->n_clips * sizeof(int32_t));
    audio_hash64_update(&h, c->splits, c->n_clips * sizeof(int32_t));
    /* a label is an index into the class names: the same ids under other names are other data */
    hash_u64(&h, (uint64_t)c->n_classes);
    for (int k = 0; k < c->n_classes; k++) audio_hash64_update(&h, c->class_names[k], strlen(c->class_names[k]) + 1);
    /* the noise streams are mixed into training clips (noise_prob): data too, their names not */
    hash_u64(&h, c->n_noise);
    for (size_t k = 0; k < c->n_noise; k++) {
        hash_u64(&h, c->noise[k].n_frames);
        audio_hash64_update(&h, c->noise[k].power, c->noise[k].n_frames * (size_t)c->n_mels * sizeof(float));
    }
    return audio_hash64_final(&h);
}

json_t *audio_cache_describe(const audio_cache *c, const char *path, ws_err *e)
{
    char sum[17], ih[17], dh[17];
    audio_hash64_hex(c->checksum, sum);
    audio_hash64_hex(c->inputs_hash, ih);
    audio_hash64_hex(audio_cache_data_hash(c), dh);
    size_t *counts = calloc((size_t)c->n_classes * AUDIO_N_SPLITS + 1, sizeof(size_t));
    size_t split_tot[AUDIO_N_SPLITS] = {0};
    /* the path as given on the command line may be any bytes; JSON takes it escaped */
    char *shown = ws_text_escape(path);
    if (!counts || !shown) {
        free(counts); free(shown);
        ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
        return NULL;
    }
    for (size_t i = 0; i < c->n_clips; i++) {
        counts[(size_t)c->labels[i] * AUDIO_N_SPLITS + (size_t)c->splits[i]]++;
        split_tot[c->splits[i]]++;
    }
    json_t *classes = json_array(), *per_class = json_object(), *per_split = json_object(), *noise = json_array();
    for (int k = 0; k < c->n_classes; k++) {
        json_array_append_new(classes, json_string(c->class_names[k]));
        json_t *o = json_object();
        size_t tot = 0;
        for (int s = 0; s < AUDIO_N_SPLITS; s++) {
            size_t v = counts[(size_t)k * AUDIO_N_SPLITS + (size_t)s];
            json_object_set_new(o, audio_split_name(s), json_integer((json_int_t)v));
            tot += v;
        }
        json_object_set_new(o, "total", json_integer((json_int_t)tot));
        json_object_set_new(per_class, c->class_names[k], o);
    }
    for (int s = 0; s < AUDIO_N_SPLITS; s++)
        json_object_set_new(per_split, audio_split_name(s), json_integer((json_int_t)split_tot[s]));
    /* the audio the frames cover: hops between the first and last frame, plus a whole frame when
     * not centred (a centred frame's centre is its time, and the padding is not audio) */
    double edge = c->cfg.center ? 0.0 : (double)c->cfg.n_fft;
    for (size_t k = 0; k < c->n_noise; k++)
        json_array_append_new(noise, json_pack("{s:s, s:I, s:o}", "name", c->noise[k].name,
            "frames", (json_int_t)c->noise[k].n_frames,
            "seconds", ws_json_number(((double)(c->noise[k].n_frames - 1) * c->cfg.hop_length + edge)
                                      / c->cfg.sample_rate)));
    free(counts);
    /* every string here is UTF-8 (the metadata was JSON, the path is escaped): NULL is memory */
    json_t *j = json_pack("{s:s, s:s, s:i, s:I, s:s, s:b, s:s, s:s, s:s, s:s, s:I, s:i, s:i, s:o, s:o, s:o, s:o, s:o, s:s, s:s}",
        "path", shown, "format", "wakesweep feature cache", "version", c->version,
        "bytes", (json_int_t)c->file_bytes, "checksum", sum, "checksum_verified", c->verified,
        "inputs_hash", ih, "data_hash", dh, "dtype", "float32", "layout", "[clips][frames][mels] linear mel power",
        "clips", (json_int_t)c->n_clips, "frames", c->n_frames, "mels", c->n_mels,
        "features", audio_feat_config_to_json(&c->cfg), "classes", classes,
        "counts", per_class, "splits", per_split, "noise", noise,
        "source", c->source, "created_by", c->created_by);
    json_t *left_out = json_object_get(c->meta_, "left_out");
    if (j && json_is_object(left_out) && json_object_set(j, "left_out", left_out) < 0) {
        json_decref(j);
        j = NULL;
    }
    free(shown);
    if (!j) ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
    return j;
}

/* The shortest decimal that reads back as the same float32, as a JSON real (0.0123 rather than
 * the widened double's 0.012299999594688416). */
static json_t *float_json(float f)
{
    if (!isfinite(f)) return json_null();
    char buf[32];
    for (int prec = 6; prec <= 9; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, (double)f);
        if ((float)strtod(buf, NULL) == f) break;
    }
    return json_real(strtod(buf, NULL));
}

json_t *audio_cache_dump_clip(const audio_cache *c, size_t i, ws_err *e)
{
    const char *path = audio_cache_path(c, i);
    if (!ws_text_is_utf8(path)) {
        /* an older featurize let such names in; JSON cannot hold them */
        char *shown = ws_text_escape(path);
        ws_err_set(e, WS_EINPUT, "clip %zu: its path \"%s\" is not valid UTF-8, expected UTF-8 (a cache made before "
                   "featurize checked names): run featurize again", i, shown ? shown : "?");
        free(shown);
        return NULL;
    }
    const float *p = audio_cache_clip(c, i);
    json_t *rows = json_array();
    for (int t = 0; t < c->n_frames; t++) {
        json_t *row = json_array();
        for (int m = 0; m < c->n_mels; m++)
            json_array_append_new(row, float_json(p[(size_t)t * (size_t)c->n_mels + (size_t)m]));
        json_array_append_new(rows, row);
    }
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:[i,i], s:o}", "clip", (json_int_t)i,
        "path", path, "label", c->class_names[c->labels[i]],
        "split", audio_split_name(c->splits[i]), "shape", c->n_frames, c->n_mels, "mel_power", rows);
    if (!j) ws_err_set(e, WS_ENOMEM, "clip %zu: out of memory", i);
    return j;
}
