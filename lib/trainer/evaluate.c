/* evaluate.c — metrics of a saved checkpoint on any cache made with the same feature settings
 * (train-trial --evaluate), including the wake-word operating point at a false-positive limit. */
#include <stdlib.h>
#include <string.h>
#include "audio/cache.h"
#include "core/json.h"
#include "nn/nn.h"
#include "trainer/data.h"
#include "trainer/trainer.h"

static int split_id(const char *name, ws_err *e)
{
    static const char *const names[] = {"train", "validation", "test"};
    if (!strcmp(name, "all")) return -1;
    for (int i = 0; i < 3; i++) if (!strcmp(name, names[i])) return i;
    ws_err_set(e, WS_EINPUT, "--split: expected train, validation, test or all, got '%s'", name);
    return -2;
}

int trainer_evaluate(const char *ckpt, const char *features, const char *split, double max_fpr, int threads,
                     json_t **result, ws_err *e)
{
    int sid = split_id(split, e), rc = -1;
    if (sid < -1) return -1;
    json_t *header = NULL;
    audio_cache cache;
    memset(&cache, 0, sizeof cache);
    trainer_data data;
    memset(&data, 0, sizeof data);
    float *x = NULL, *logits = NULL, *scores = NULL;
    int *labels = NULL, *idx = NULL, *is_pos = NULL;
    nn_metrics mt = {0};
    nn_set_threads(threads);
    nn_model *m = nn_checkpoint_load(ckpt, &header, e);
    if (!m || audio_cache_open(&cache, features, 0, e)) goto out;
    json_t *feat = json_object_get(header, "features");
    audio_feat_config want;
    if (audio_feat_config_from_json(json_object_get(feat, "settings"), ckpt, &want, e)
        || audio_cache_check_config(&cache, features, &want, e))
        goto out;
    json_t *norm = json_object_get(feat, "normalize");
    const char *tname = json_string_value(json_object_get(norm, "transform"));
    trainer_transform t = tname && !strcmp(tname, "mfcc") ? TRAINER_MFCC : TRAINER_LOGMEL;
    int k = nn_model_classes(m), B = 256;
    if (k != cache.n_classes) { ws_err_set(e, WS_EINPUT, "%s: %d classes in the checkpoint, %d in the cache", features, k, cache.n_classes); goto out; }
    for (int c = 0; c < k; c++) {
        const char *name = json_string_value(json_array_get(json_object_get(header, "classes"), (size_t)c));
        if (!name || strcmp(name, cache.class_names[c])) {
            ws_err_set(e, WS_EINPUT, "%s: class %d is '%s' in the cache, '%s' in the checkpoint", features, c, cache.class_names[c], name ? name : "?");
            goto out;
        }
    }
    if (trainer_data_init_stats(&data, &cache, t, (int)json_integer_value(json_object_get(norm, "n_mfcc")), norm, B, e)) goto out;
    const char *pos_name = json_string_value(json_object_get(feat, "positive"));
    int pos = pos_name ? audio_cache_class_id(&cache, pos_name) : -1;
    size_t n = 0;
    idx = malloc((cache.n_clips + 1) * sizeof *idx);
    scores = malloc((cache.n_clips + 1) * sizeof *scores);
    is_pos = malloc((cache.n_clips + 1) * sizeof *is_pos);
    x = malloc((size_t)B * (size_t)data.frames * (size_t)data.n_feat * sizeof *x);
    logits = malloc((size_t)B * (size_t)k * sizeof *logits);
    labels = malloc((size_t)B * sizeof *labels);
    if (!idx || !scores || !is_pos || !x || !logits || !labels || nn_metrics_init(&mt, k, e)) { ws_err_set(e, WS_EINTERNAL, "out of memory"); goto out; }
    for (size_t i = 0; i < cache.n_clips; i++) if (sid < 0 || cache.splits[i] == sid) idx[n++] = (int)i;
    for (size_t s = 0; s < n; s += (size_t)B) {
        int b = (int)(n - s < (size_t)B ? n - s : (size_t)B);
        if (trainer_data_batch(&data, idx + s, b, NULL, NULL, 0, x, labels, e) || nn_predict(m, x, b, logits, e)) goto out;
        nn_metrics_add(&mt, logits, labels, b);
        nn_softmax(logits, b, k, logits);
        for (int j = 0; pos >= 0 && j < b; j++) {
            scores[s + (size_t)j] = logits[(size_t)j * (size_t)k + (size_t)pos];
            is_pos[s + (size_t)j] = labels[j] == pos;
        }
    }
    json_t *at = json_null();
    nn_operating_point op;
    if (pos >= 0 && n && !nn_operating_point_at_fpr(scores, is_pos, n, max_fpr, &op, e))
        /* the threshold is +inf when no score keeps the false positives under the limit: null */
        at = json_pack("{s:o,s:o,s:o,s:o,s:o}", "max_fpr", ws_json_number(max_fpr), "threshold", ws_json_number(op.threshold),
                       "f1", ws_json_number(op.f1), "fpr", ws_json_number(op.fpr), "frr", ws_json_number(op.frr));
    *result = json_pack("{s:s,s:s,s:s,s:I,s:o,s:o}", "checkpoint", ckpt, "features", features, "split", split,
                        "clips", (json_int_t)n, "metrics", nn_metrics_json(&mt, cache.class_names, pos), "at_fpr", at);
    if (!*result) { ws_err_set(e, WS_EINTERNAL, "%s: cannot build the result (out of memory)", ckpt); goto out; }
    rc = 0;
out:
    nn_metrics_release(&mt);
    free(x); free(logits); free(scores); free(labels); free(idx); free(is_pos);
    trainer_data_release(&data);
    audio_cache_close(&cache);
    nn_model_free(m);
    json_decref(header);
    return rc;
}
