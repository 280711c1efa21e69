/* checkpoint.c — a trained model in one small file: magic, version, the header's length and
 * (from version 2) the header's checksum, a JSON header (config, classes, feature settings,
 * metrics, tensor list, the weights' checksum, the trial that made it), then the float32 weights, little-endian,
 * parameters before buffers in torch's order. Written atomically. The header's checksum covers
 * the weights' too, so a flipped bit anywhere is found; version 1 files (weights only) are read. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/atomic.h"
#include "core/classes.h"
#include "core/fdio.h"
#include "core/json.h"
#include "nn/device.h"
#include "nn/model.h"

#define MAGIC "WSNNCKPT"
#define VERSION 2u
#define PREFIX 24u      /* magic, version, header length, header checksum (version 1: 16) */
#define MAX_HEADER (16u << 20)

/* FNV-1a, 64-bit: h the sum so far (FNV_BASIS to begin), p the next n bytes */
#define FNV_BASIS 0xcbf29ce484222325ULL
static uint64_t fnv1a64_more(uint64_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 0x100000001b3ULL; }
    return h;
}

static uint64_t fnv1a64(const unsigned char *p, size_t n) { return fnv1a64_more(FNV_BASIS, p, n); }

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* float32 values <-> little-endian bytes */
static void floats_to_le(const float *f, size_t n, unsigned char *out)
{
    for (size_t i = 0; i < n; i++) { uint32_t u; memcpy(&u, &f[i], 4); put_u32(out + 4 * i, u); }
}

static void le_to_floats(const unsigned char *in, size_t n, float *f)
{
    for (size_t i = 0; i < n; i++) { uint32_t u = get_u32(in + 4 * i); memcpy(&f[i], &u, 4); }
}

static json_t *tensor_list(const nn_model *m)
{
    json_t *a = json_array();
    for (int i = 0; a && i < m->n_tensors; i++) {
        const nn_tensor_info *t = &m->tensors[i];
        json_t *shape = json_array();
        for (int d = 0; d < t->ndim; d++) json_array_append_new(shape, json_integer(t->shape[d]));
        json_array_append_new(a, json_pack("{s:s,s:o,s:b}", "name", t->name, "shape", shape, "buffer", t->is_buffer));
    }
    return a;
}

static json_t *make_header(const nn_model *m, const char *const *class_names, const json_t *trial,
                           const json_t *features, const json_t *metrics, uint64_t checksum)
{
    char sum[24];
    snprintf(sum, sizeof sum, "%016" PRIx64, checksum);
    json_t *classes = json_array();
    for (int c = 0; classes && class_names && c < m->n_classes; c++)
        json_array_append_new(classes, json_string(class_names[c] ? class_names[c] : ""));
    return json_pack("{s:s,s:i,s:O,s:o,s:i,s:[i,i,i],s:o,s:O,s:O,s:I,s:I,s:o,s:s}", "format", "wakesweep-nn",
                     "version", (int)VERSION, "trial", trial ? (json_t *)trial : json_null(), "model", nn_model_config_json(&m->cfg), "n_classes", m->n_classes,
                     "input", m->in_c, m->in_h, m->in_w, "classes", classes, "features",
                     features ? (json_t *)features : json_null(), "metrics", metrics ? (json_t *)metrics : json_null(),
                     "params", (json_int_t)m->n_params, "buffers", (json_int_t)m->n_buffers, "tensors", tensor_list(m),
                     "checksum", sum);
}

size_t nn_checkpoint_save_bytes(size_t n_floats)
{
    /* the file's pages, and one part of the weights as floats, made bytes in place */
    return n_floats * 4 + NN_CHECKPOINT_CHUNK_BYTES;
}

/* The prefix and the header, its weights' checksum `checksum`, to a.f at its position. The
 * header text is one length for every checksum (16 hex digits), so it can be written ahead of
 * the weights with a stand-in and again once they are summed. */
static int write_head(FILE *f, const char *path, const nn_model *m, const char *const *class_names, const json_t *trial,
                      const json_t *features, const json_t *metrics, uint64_t checksum, size_t *len, ws_err *e)
{
    json_t *h = make_header(m, class_names, trial, features, metrics, checksum);
    char *text = h ? ws_json_dump(h, 0) : NULL;
    json_decref(h);
    if (!text) return ws_err_set(e, WS_EINTERNAL, "%s: cannot build the header", path);
    size_t n = strlen(text);
    if (*len && n != *len) {
        free(text);
        return ws_err_set(e, WS_EINTERNAL, "%s: the header changed length with its checksum", path);
    }
    *len = n;
    unsigned char pre[PREFIX];
    uint64_t hsum = fnv1a64((const unsigned char *)text, n);
    memcpy(pre, MAGIC, 8);
    put_u32(pre + 8, VERSION);
    put_u32(pre + 12, (uint32_t)n);
    put_u32(pre + 16, (uint32_t)hsum);
    put_u32(pre + 20, (uint32_t)(hsum >> 32));
    fwrite(pre, 1, sizeof pre, f);
    fwrite(text, 1, n, f);
    free(text);
    return 0;
}

/* The weights are written a part at a time (NN_CHECKPOINT_CHUNK_BYTES), summed as they go: a
 * copy of them all as floats and another as bytes, made before the file was, took twice the
 * weights beside the model, and a model that trained in its memory (or cgroup) was killed as it
 * saved. The header, which holds their checksum, is written first with a stand-in and again
 * at the end, in place. */
int nn_checkpoint_save(const char *path, const nn_model *m, const char *const *class_names,
                       const json_t *trial, const json_t *features, const json_t *metrics, ws_err *e)
{
    size_t n = m->n_params + m->n_buffers, per = NN_CHECKPOINT_CHUNK_BYTES / sizeof(float);
    float *part = malloc((n < per ? n : per) * sizeof *part + 4);
    if (!part) return ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
    ws_atomic a;
    size_t hlen = 0;
    if (ws_atomic_open(&a, path, e)) { free(part); return -1; }
    int rc = write_head(a.f, path, m, class_names, trial, features, metrics, 0, &hlen, e);
    uint64_t sum = FNV_BASIS;   /* fnv1a64 of the weights' bytes so far */
    for (size_t first = 0; !rc && first < n; first += per) {
        size_t count = n - first < per ? n - first : per;
        /* from a GPU, a failed download (the backend's void download records it) must not be
         * written as the weights */
        if (nn_model_get_weights_checked(m, first, count, part, e)) { rc = ws_err_prefix(e, "%s", path); break; }
        floats_to_le(part, count, (unsigned char *)part);   /* in place: each float's 4 bytes to its own */
        sum = fnv1a64_more(sum, (const unsigned char *)part, count * 4);
        fwrite(part, 4, count, a.f);
    }
    free(part);
    if (!rc && fseek(a.f, 0, SEEK_SET) != 0) rc = ws_err_set(e, WS_EINTERNAL, "%s: cannot write: %s", path, strerror(errno));
    if (!rc) rc = write_head(a.f, path, m, class_names, trial, features, metrics, sum, &hlen, e);
    if (rc) { ws_atomic_abort(&a); return -1; }
    return ws_atomic_commit(&a, e);
}

/* A checkpoint opened for reading, *st its status; -1 with e set unless it is a regular file (a
 * FIFO would hang the open, /dev/zero the read). */
static int open_checkpoint(const char *path, struct stat *st, ws_err *e)
{
    const char *why = NULL;
    int fd = ws_open_regular(path, st, &why);
    if (fd == -1) return ws_err_set(e, WS_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    if (fd == -2) return ws_err_set(e, WS_EINPUT, "%s: %s, expected a checkpoint file", path, why);
    return fd;
}

static int read_all(const char *path, unsigned char **data, size_t *len, ws_err *e)
{
    struct stat st;
    int fd = open_checkpoint(path, &st, e);
    if (fd < 0) return -1;
    size_t n = (size_t)st.st_size;   /* a regular file: its size is known */
    /* the magic first: another file given for a checkpoint (a feature cache of gigabytes) was
     * read whole into memory before it was found not to be one */
    unsigned char magic[8];
    if (n < 16 || ws_pread_full(fd, magic, sizeof magic, 0) || memcmp(magic, MAGIC, 8) != 0) {
        close(fd);
        return ws_err_set(e, WS_EINPUT, "%s: not a wakesweep checkpoint", path);
    }
    unsigned char *buf = malloc(n);
    int rc = !buf ? ws_err_set(e, WS_ENOMEM, "%s: out of memory", path)
             : ws_pread_full(fd, buf, n, 0) ? ws_err_set(e, WS_EINPUT, "%s: read error: %s", path, strerror(errno)) : 0;
    close(fd);
    if (rc) { free(buf); return rc; }
    *data = buf;
    *len = n;
    return 0;
}

/* An integer of the header in lo..hi (they are kept as int: 4294967300 classes read as 4). */
static int header_int(const char *path, const char *name, const json_t *v, long long lo, long long hi, int *out, ws_err *e)
{
    if (!json_is_integer(v)) return ws_err_set(e, WS_EINPUT, "%s: header: %s: expected an integer", path, name);
    json_int_t x = json_integer_value(v);
    if (x < lo || x > hi)
        return ws_err_set(e, WS_EINPUT, "%s: header: %s: %" JSON_INTEGER_FORMAT " is outside %lld..%lld", path, name, x, lo, hi);
    *out = (int)x;
    return 0;
}

/* The header's tensor list against the model its config builds: the weights are laid out as the
 * writer's tensors were, so a config edited to another model of the same size (kernel 10x4 made
 * 8x5) read them as other tensors and was evaluated with exit 0. Absent (a header that predates
 * the list, or written by something else), the config alone decides. */
static int check_tensors(const char *path, const json_t *list, const nn_model *m, ws_err *e)
{
    if (!list) return 0;
    if (!json_is_array(list) || json_array_size(list) != (size_t)m->n_tensors)
        return ws_err_set(e, WS_EINPUT, "%s: header: tensors: expected a list of the model's %d tensors", path, m->n_tensors);
    for (int i = 0; i < m->n_tensors; i++) {
        const nn_tensor_info *t = &m->tensors[i];
        const json_t *x = json_array_get(list, (size_t)i), *shape = json_object_get(x, "shape");
        const char *name = json_string_value(json_object_get(x, "name"));
        int ok = name && !strcmp(name, t->name) && json_is_array(shape) && json_array_size(shape) == (size_t)t->ndim;
        for (int d = 0; ok && d < t->ndim; d++) {
            const json_t *v = json_array_get(shape, (size_t)d);
            ok = json_is_integer(v) && json_integer_value(v) == t->shape[d];
        }
        if (!ok) {
            char want[96];
            int n = snprintf(want, sizeof want, "%s [", t->name);
            for (int d = 0; d < t->ndim && n > 0 && (size_t)n < sizeof want; d++)
                n += snprintf(want + n, sizeof want - (size_t)n, "%s%d", d ? ", " : "", t->shape[d]);
            if (n > 0 && (size_t)n < sizeof want) snprintf(want + n, sizeof want - (size_t)n, "]");
            return ws_err_set(e, WS_EINPUT, "%s: header: tensors[%d]: expected %s, as its model builds it", path, i, want);
        }
    }
    return 0;
}

/* The header's model, shape and sizes; the model built from them once its size is known to be
 * the file's weights (weight_bytes): a damaged or edited header must not make the loader
 * allocate (and initialise) gigabytes for a model the file cannot hold. */
static nn_model *model_from_header(const char *path, const json_t *h, size_t weight_bytes, ws_err *e)
{
    json_t *cfg = json_object_get(h, "model"), *input = json_object_get(h, "input");
    json_t *nc = json_object_get(h, "n_classes");
    if (!json_is_object(cfg) || !json_is_integer(nc) || !json_is_array(input) || json_array_size(input) != 3
        || !json_is_integer(json_array_get(input, 1)) || !json_is_integer(json_array_get(input, 2)))
        return ws_err_set(e, WS_EINPUT, "%s: header lacks model, n_classes or input", path), NULL;
    int k = 0, frames = 0, features = 0, channels = 0;   /* the models take one input channel */
    /* n_classes at most WS_MAX_CLASSES: an evaluation keeps k x k counts and prints them (a valid
     * checkpoint of 50,000 classes, 3.9 MB, went past 5.9 GB) */
    if (header_int(path, "n_classes", nc, 2, WS_MAX_CLASSES, &k, e) || header_int(path, "input[0]", json_array_get(input, 0), 1, 1, &channels, e)
        || header_int(path, "input[1]", json_array_get(input, 1), 1, INT_MAX, &frames, e)
        || header_int(path, "input[2]", json_array_get(input, 2), 1, INT_MAX, &features, e))
        return NULL;
    nn_hparams hp;
    nn_hparams_default(&hp);
    /* The model's keys, all of them and no other, as every checkpoint writes them: a missing one
     * was built with its default and an unknown one (a setting of another version, a training
     * setting) ignored, both evaluated as some other model with exit 0. */
    json_t *keys = nn_model_config_json(&hp.model);
    const char *key, *bad = NULL, *why = NULL;
    json_t *v;
    json_object_foreach(keys, key, v) if (!bad && !json_object_get(cfg, key)) bad = key, why = "missing";
    json_object_foreach((json_t *)cfg, key, v) if (!bad && !json_object_get(keys, key)) bad = key, why = "not a model setting";
    if (bad) {
        char list[256] = "";
        size_t n = 0;
        json_object_foreach(keys, key, v)
            if (n < sizeof list) n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", key);
        ws_err_set(e, WS_EINPUT, "%s: header: model.%s: %s (expected the keys %s)", path, bad, why, list);
    }
    json_decref(keys);
    if (bad) { nn_hparams_release(&hp); return NULL; }
    char where[600];
    snprintf(where, sizeof where, "%s: model", path);
    if (nn_hparams_parse(&hp, cfg, where, e)) { nn_hparams_release(&hp); return NULL; }
    nn_hparams_release(&hp);
    json_t *np = json_object_get(h, "params"), *nb = json_object_get(h, "buffers");
    size_t n_params, n_buffers;
    if (nn_model_count(&hp.model, k, frames, features, &n_params, &n_buffers, e)) { ws_err_prefix(e, "%s", path); return NULL; }
    if (!json_is_integer(np) || (size_t)json_integer_value(np) != n_params || !json_is_integer(nb)
        || (size_t)json_integer_value(nb) != n_buffers)
        return ws_err_set(e, WS_EINPUT, "%s: the header's parameter counts do not match its model", path), NULL;
    if (weight_bytes / 4 != n_params + n_buffers || weight_bytes % 4) {
        ws_err_set(e, WS_EINPUT, "%s: %zu bytes of weights, expected %zu", path, weight_bytes, (n_params + n_buffers) * 4);
        return NULL;
    }
    nn_model *m = nn_model_create(&hp.model, k, frames, features, 0, e);
    if (!m) { ws_err_prefix(e, "%s", path); return NULL; }
    if (check_tensors(path, json_object_get(h, "tensors"), m, e)) { nn_model_free(m); return NULL; }
    return m;
}

/* The header's format and version: every checkpoint's header names them (version 1's too). A
 * header that names another format, or a version this build does not read (a file another
 * program wrote under this magic, or one edited, its checksums made again), is not one this
 * reader knows the layout of: it was evaluated all the same, with exit 0. */
static int check_format(const char *path, const json_t *h, ws_err *e)
{
    const json_t *f = json_object_get(h, "format"), *v = json_object_get(h, "version");
    char got[160];
    if (!json_is_string(f) || strcmp(json_string_value(f), "wakesweep-nn") != 0)
        return ws_err_set(e, WS_EINPUT, "%s: header: format: expected \"wakesweep-nn\", got %s", path,
                          ws_json_got(f, JSON_STRING, got, sizeof got));
    if (!json_is_integer(v) || (json_integer_value(v) != 1 && json_integer_value(v) != VERSION))
        return ws_err_set(e, WS_EINPUT, "%s: header: version: expected 1 or %u (the versions this build reads), got %s", path,
                          VERSION, ws_json_got(v, JSON_INTEGER, got, sizeof got));
    return 0;
}

/* The header of a checkpoint whose first `have` bytes are d, of `len` in all: its prefix checked
 * (magic, version, the header's length and checksum) and the header parsed and checked
 * (check_format); *at gets where the weights begin. NULL with e set for a file that is not a
 * valid checkpoint, or one whose header is not all in d (*at then is the bytes it needs: the
 * prefix given, the header's end). */
static json_t *parse_head(const char *path, const unsigned char *d, size_t have, size_t len, size_t *at, ws_err *e)
{
    *at = 0;
    if (len < 16 || have < 16 || memcmp(d, MAGIC, 8) != 0) return ws_err_set(e, WS_EINPUT, "%s: not a wakesweep checkpoint", path), NULL;
    uint32_t version = get_u32(d + 8), hlen = get_u32(d + 12);
    if (version != VERSION && version != 1)
        return ws_err_set(e, WS_EINPUT, "%s: checkpoint version %u, this build reads 1 and %u", path, version, VERSION), NULL;
    size_t pre = version == 1 ? 16 : PREFIX;
    if (len < pre || hlen > MAX_HEADER || pre + (size_t)hlen > len) return ws_err_set(e, WS_EINPUT, "%s: truncated header", path), NULL;
    if (have < pre + hlen) { *at = pre + hlen; return ws_err_set(e, WS_EINPUT, "%s: header not read", path), NULL; }
    if (version != 1 && fnv1a64(d + pre, hlen) != ((uint64_t)get_u32(d + 20) << 32 | get_u32(d + 16)))
        return ws_err_set(e, WS_EINPUT, "%s: header checksum mismatch (corrupt file)", path), NULL;
    json_error_t je;
    json_t *h = json_loadb((const char *)d + pre, hlen, 0, &je);
    if (!h || !json_is_object(h)) {
        ws_err_set(e, WS_EINPUT, "%s: bad header: %s", path, h ? "not an object" : je.text);
        json_decref(h);
        return NULL;
    }
    if (check_format(path, h, e)) { json_decref(h); return NULL; }
    *at = pre + hlen;
    return h;
}

json_t *nn_checkpoint_header(const char *path, ws_err *e)
{
    struct stat st;
    int fd = open_checkpoint(path, &st, e);
    if (fd < 0) return NULL;
    json_t *h = nn_checkpoint_header_fd(fd, (size_t)st.st_size, path, e);
    close(fd);
    return h;
}

json_t *nn_checkpoint_header_fd(int fd, size_t len, const char *path, ws_err *e)
{
    size_t at = 0, have = len < PREFIX ? len : PREFIX;
    unsigned char pre[PREFIX], *d = NULL;
    json_t *h = NULL;
    if (ws_pread_full(fd, pre, have, 0)) ws_err_set(e, WS_EINPUT, "%s: read error: %s", path, strerror(errno));
    else if (!(h = parse_head(path, pre, have, len, &at, e)) && at) {   /* the prefix alone: now the header */
        if (!(d = malloc(at))) ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
        else if (ws_pread_full(fd, d, at, 0)) ws_err_set(e, WS_EINPUT, "%s: read error: %s", path, strerror(errno));
        else h = parse_head(path, d, at, len, &at, e);
    }
    free(d);
    return h;
}

nn_model *nn_checkpoint_load(const char *path, json_t **header, ws_err *e)
{
    unsigned char *d = NULL;
    size_t len = 0, at = 0;
    nn_model *m = NULL;
    json_t *h = NULL;
    if (header) *header = NULL;
    if (read_all(path, &d, &len, e)) return NULL;
    if (!(h = parse_head(path, d, len, len, &at, e))) goto fail;
    m = model_from_header(path, h, len - at, e);
    if (!m) goto fail;
    size_t n = m->n_params + m->n_buffers;   /* the file's weights: model_from_header checked */
    const char *sum = json_string_value(json_object_get(h, "checksum"));
    const unsigned char *wb = d + at;
    char want[24];
    snprintf(want, sizeof want, "%016" PRIx64, fnv1a64(wb, n * 4));
    if (!sum || strcmp(sum, want) != 0) { ws_err_set(e, WS_EINPUT, "%s: checksum mismatch (corrupt file)", path); goto fail; }
    float *w = malloc(n * sizeof *w + 4);
    if (!w) { ws_err_set(e, WS_ENOMEM, "%s: out of memory", path); goto fail; }
    le_to_floats(wb, n, w);
    nn_model_set_weights(m, w, w + m->n_params);
    free(w);
    free(d);
    if (header) *header = h; else json_decref(h);
    return m;
fail:
    free(d);
    json_decref(h);
    nn_model_free(m);
    return NULL;
}
