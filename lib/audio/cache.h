/* cache.h — the feature cache: one file holding every clip's linear mel power, its label, split
 * and source path, the background-noise streams, the feature settings and the class names.
 * featurize writes it once; every trial maps it (read-only, shared between processes through
 * the page cache) and on a GPU uploads it once.
 *
 * File layout (version 1, little-endian; every section offset is 64-byte aligned, the features
 * start on a 4096-byte page):
 *   0     header, 256 bytes, in this order on disk (the checksum before file_bytes):
 *         magic "WSFCACHE", u32 version, u32 header_bytes (256), u64 checksum (at 16),
 *         u64 file_bytes, u64 inputs_hash, u64 n_clips, u32 n_frames, u32 n_mels, u32 n_classes,
 *         u32 n_noise, u32 dtype (1 = float32), u32 flags (0), then from byte 72 7 sections as
 *         {u64 offset, u64 bytes}: features, labels, splits, paths, strings, noise, meta; zeros
 *   features  float32 [n_clips][n_frames][n_mels]   linear mel power (|STFT|^2 through the bank)
 *   labels    int32 [n_clips]     class id, an index into the class names
 *   splits    int32 [n_clips]     AUDIO_SPLIT_TRAIN 0, _VALIDATION 1, _TEST 2
 *   paths     u64 [n_clips]       offset of the clip's source path in strings
 *   strings   NUL-terminated UTF-8 paths (relative to the corpus root, as listed; the writer
 *             refuses others, older caches may hold them)
 *   noise     float32 streams back to back, each [frames][n_mels]
 *   meta      JSON: {"format", "features": {torchaudio names}, "classes": [...],
 *             "splits": [...], "noise": [{"name", "frames", "offset"}], "source", "created_by",
 *             and "left_out": {CLASS: why} where a folder or label was no class}
 * checksum: hash64 (hash64.h) of the header with its checksum field zeroed, then of every byte
 * after the header. inputs_hash: hash64 of the settings and the list of clips (path, label,
 * split, file size) and noise files, so two caches of the same inputs carry the same value.
 * Nothing time-dependent is stored: the same inputs give a byte-identical file.
 * data hash (not stored; audio_cache_data_hash): hash64 of what a trial learns from: the
 * features, labels and splits of the clips in order, the class names and the noise streams, not
 * the paths or the source, so the same corpus featurized from another path is the same data. */
#ifndef WS_AUDIO_CACHE_H
#define WS_AUDIO_CACHE_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "audio/featconf.h"
#include "audio/split.h"
#include "core/err.h"

#define AUDIO_CACHE_VERSION 1
/* The cache file's first 8 bytes (featurize also knows its own output given back as INPUT by them). */
#define AUDIO_CACHE_MAGIC "WSFCACHE"

typedef struct audio_cache_noise {
    const char *name;      /* file name, e.g. "white.wav" (its corpus path where two share one) */
    const float *power;    /* [n_frames][n_mels] linear mel power */
    size_t n_frames;
} audio_cache_noise;

/* An open cache. Every field is read-only; pointers stay valid until audio_cache_close. */
typedef struct audio_cache {
    audio_feat_config cfg;         /* the settings the features were made with */
    size_t n_clips;
    int n_frames, n_mels, n_classes;
    const float *features;         /* [n_clips][n_frames][n_mels] */
    const int32_t *labels;         /* [n_clips] */
    const int32_t *splits;         /* [n_clips] */
    const char **class_names;      /* [n_classes] */
    size_t n_noise;
    audio_cache_noise *noise;      /* [n_noise] */
    uint64_t inputs_hash, checksum;
    int version;
    int verified;                  /* 1 when the checksum was checked on open */
    const char *source;            /* the corpus it was made from, as given to featurize */
    const char *created_by;        /* "featurize 0.1.0" */
    size_t file_bytes;
    /* private */
    void *map_;
    struct audio_cache_check *check_;  /* the checksum pass running beside the reader (VERIFY_LATER) */
    int map_slot_;                 /* 1 + its slot in the table of maps the SIGBUS handler knows; 0: none */
    char *path_;
    const uint64_t *path_off_;
    const char *strings_;
    size_t strings_len_;
    json_t *meta_;
} audio_cache;

/* flags for audio_cache_open: NO_VERIFY skips the checksum pass; VERIFY_LATER runs it on a thread
 * of its own while the caller goes on (a trainer's first steps need one batch, not the whole file:
 * hashing a 34 MB cache is most of the time to the first step), and audio_cache_verify_wait says
 * how it ended. Readers must call it before they trust or publish anything made from the data. */
enum { AUDIO_CACHE_NO_VERIFY = 1, AUDIO_CACHE_VERIFY_LATER = 2 };

/* Maps and validates a cache. Errors (WS_EINPUT, "PATH: what"): not a cache, an unsupported
 * version, a size or checksum mismatch (truncated or corrupted), inconsistent sections, a class
 * named twice. The structure is always validated (offsets, labels, splits, paths, class names),
 * so even with NO_VERIFY a damaged file cannot make readers go out of bounds. */
int audio_cache_open(audio_cache *c, const char *path, int flags, ws_err *e);
void audio_cache_close(audio_cache *c);    /* safe on a zeroed or closed cache */
/* Waits for a VERIFY_LATER checksum pass: 0 when it matched (verified becomes 1) or none was
 * started, -1 with the open's "checksum mismatch" error otherwise. Repeat calls give the same.
 * Also -1 (WS_EINPUT, "PATH: truncated while in use ...") once the file has shrunk under the map
 * (cp or `>` over it): reads of the lost pages give zeros instead of SIGBUS, and this says so. */
int audio_cache_verify_wait(audio_cache *c, ws_err *e);

/* Clip i's features [n_frames][n_mels]. */
const float *audio_cache_clip(const audio_cache *c, size_t i);
const char *audio_cache_path(const audio_cache *c, size_t i);
/* Class id of a name, or -1. */
int audio_cache_class_id(const audio_cache *c, const char *name);
/* Why featurize left the class name out of the cache ("its folder holds no audio file", "every
 * one of its 4 audio files was skipped"), or NULL: it did not (or the cache is older). */
const char *audio_cache_left_out(const audio_cache *c, const char *name);
/* Clips with this label and split; -1 for either means any. */
size_t audio_cache_count(const audio_cache *c, int label, int split);
/* The data hash (see the layout above): a study records it so that all its trials train on the
 * same data. A pass over the whole file (a few ms for the demo's 34 MB); it does not verify it. */
uint64_t audio_cache_data_hash(const audio_cache *c);
/* Fails (WS_EINPUT) when the cache was made with other settings than want, naming the first
 * difference: "PATH: feature settings differ: n_mels: 40 in the cache, 64 wanted". */
int audio_cache_check_config(const audio_cache *c, const char *path, const audio_feat_config *want, ws_err *e);
/* The header as JSON (featurize --describe): settings, shapes, classes, counts per class and
 * split, noise streams, hashes; path as given, its non-UTF-8 bytes escaped (\xNN). New
 * reference, or NULL with e set (out of memory). */
json_t *audio_cache_describe(const audio_cache *c, const char *path, ws_err *e);
/* {"clip","path","label","split","shape":[frames,mels],"mel_power":[[...],...]} (--dump). NULL
 * with e set ("clip I: ...", WS_EINPUT) when the clip's path is not UTF-8: an older featurize
 * stored such names, which JSON cannot hold. */
json_t *audio_cache_dump_clip(const audio_cache *c, size_t i, ws_err *e);

/* ---- writing (featurize) ---- */
typedef struct audio_cache_writer audio_cache_writer;

/* One clip of the finished cache: its features were put in `slot`. */
typedef struct audio_cache_entry {
    size_t slot;
    int32_t label, split;
    const char *path;
} audio_cache_entry;

typedef struct audio_cache_contents {
    const char *const *class_names;
    int n_classes;
    const audio_cache_entry *clips;    /* in cache order; slots strictly increasing */
    size_t n_clips;
    const audio_cache_noise *noise;    /* a stream whose power is NULL was put in the writer */
    size_t n_noise;
    const char *source;
    const char *created_by;
    uint64_t inputs_hash;
    const json_t *left_out;            /* {CLASS: why} folders or labels that are not classes (no
                                        * clip): meta's "left_out"; NULL or empty: none, no key */
    const uint64_t *noise_put;         /* [n_noise]: where noise[k].power is NULL, the id
                                        * audio_cache_writer_put_noise or _noise_begin gave its
                                        * stream, n_frames its frames in all */
} audio_cache_contents;

/* Starts a cache at path (written to a temporary beside it, renamed on commit) with room for
 * n_slots clips of the settings' shape. An unwritable place is WS_EINPUT. */
audio_cache_writer *audio_cache_writer_open(const char *path, const audio_feat_config *cfg,
                                            size_t n_slots, ws_err *e);
/* Stores one clip's features [n_frames][n_mels] in a slot; safe from several threads at once
 * (different slots). */
int audio_cache_writer_put(audio_cache_writer *w, size_t slot, const float *features, ws_err *e);
/* Stores n clips' features, one after another in features, in slots slot .. slot + n - 1: one
 * write for them all. */
int audio_cache_writer_put_run(audio_cache_writer *w, size_t slot, size_t n, const float *features, ws_err *e);
/* Puts one noise stream [n_frames][n_mels] aside until commit, in a temporary file of no name
 * beside the cache (none left behind, whatever ends the process), and gives its id in *id for
 * contents.noise_put: featurize holds no stream whole, not every stream of the corpus. Safe
 * from several threads at once. */
int audio_cache_writer_put_noise(audio_cache_writer *w, const float *power, size_t n_frames, uint64_t *id, ws_err *e);
/* The same a block of frames at a time, as they are made (a noise file is decoded a chunk at a
 * time): begin gives the stream's id, append puts its next n_frames [n_frames][n_mels] after
 * those before. Streams made at once on several threads each keep their own frames' order. */
int audio_cache_writer_noise_begin(audio_cache_writer *w, uint64_t *id, ws_err *e);
int audio_cache_writer_noise_append(audio_cache_writer *w, uint64_t id, const float *power, size_t n_frames, ws_err *e);
/* A stream begun that will not be in the cache (its file turned out bad): its blocks' disk space
 * is given back where the filesystem can punch holes; its id no longer names a stream. */
void audio_cache_writer_noise_drop(audio_cache_writer *w, uint64_t id);
/* Keeps the listed slots in order (dropping the others), writes the index, noise, metadata and
 * checksum, and renames the file into place. Frees w, also on failure (nothing is left behind).
 * A class name, noise name or clip path that is not UTF-8 is WS_EINPUT naming it (escaped); the
 * source is stored with such bytes escaped. */
int audio_cache_writer_commit(audio_cache_writer *w, const audio_cache_contents *contents, ws_err *e);
/* Removes the temporary file and frees w. NULL-safe. */
void audio_cache_writer_abort(audio_cache_writer *w);

#endif
