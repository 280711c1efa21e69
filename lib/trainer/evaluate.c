/* evaluate.c — metrics of a saved checkpoint on any cache made with the same feature settings
 * (train-trial --evaluate), including the wake-word operating point at a false-positive limit.
 *
 * The cache may hold other classes than the checkpoint, in another order (recordings made
 * elsewhere: the wake word and a few negatives, or negatives the model never saw). Classes are
 * matched by name: a cache class the checkpoint knows counts under the checkpoint's index; a
 * class it does not know is "other" audio: a negative for the wake-word metrics (F1, FPR, FRR,
 * binary accuracy, the operating point), left out of the per-class metrics and the accuracy,
 * which only have the checkpoint's classes to speak of, and counted in "unmapped_clips". */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "audio/cache.h"
#include "audio/finite.h"
#include "core/text.h"
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

/* The checkpoint's class names (pointers into header) and, for each class of the cache, the
 * checkpoint's index of the same name or -1. */
static int class_map(const json_t *header, int k, const audio_cache *c, const char *ckpt,
                     const char **names, int *map, ws_err *e)
{
    const json_t *classes = json_object_get(header, "classes");
    if (json_array_size(classes) != (size_t)k)
        return ws_err_set(e, WS_EINPUT, "%s: header: classes: expected %d names", ckpt, k);
    for (int j = 0; j < k; j++) {
        if (!(names[j] = json_string_value(json_array_get(classes, (size_t)j))))
            return ws_err_set(e, WS_EINPUT, "%s: header: classes[%d]: expected a string", ckpt, j);
        /* the cache's classes, distinct: a repeated name matched only its first index */
        for (int i = 0; i < j; i++)
            if (!strcmp(names[i], names[j]))
                return ws_err_set(e, WS_EINPUT, "%s: header: classes[%d]: repeats classes[%d]", ckpt, j, i);
    }
    for (int i = 0; i < c->n_classes; i++) {
        map[i] = -1;
        for (int j = 0; j < k && map[i] < 0; j++) if (!strcmp(c->class_names[i], names[j])) map[i] = j;
    }
    return 0;
}

/* {"CLASS": clips of the split,...} for the cache's classes the checkpoint does not know. */
static json_t *unmapped_json(const audio_cache *c, const int *map, int sid, long *total)
{
    json_t *j = json_object();
    *total = 0;
    for (int i = 0; j && i < c->n_classes; i++) {
        if (map[i] >= 0) continue;
        size_t n = audio_cache_count(c, i, sid);
        *total += (long)n;
        json_object_set_new(j, c->class_names[i], json_integer((json_int_t)n));
    }
    return j;
}

/* The header's features.normalize: its transform (every checkpoint names it; an unknown one was
 * taken for logmel) and, for mfcc, its n_mfcc (a missing or wrong one was read as 0). */
static int normalize_of(const json_t *norm, const char *ckpt, trainer_transform *t, int *n_mfcc, ws_err *e)
{
    const char *name = json_string_value(json_object_get(norm, "transform"));
    if (!json_is_object(norm))
        return ws_err_set(e, WS_EINPUT, "%s: header: features.normalize: expected an object, got %s", ckpt,
                          ws_json_type_name(norm));
    char got[160];
    if (!name || (strcmp(name, "logmel") && strcmp(name, "mfcc")))
        return ws_err_set(e, WS_EINPUT, "%s: header: features.normalize.transform: expected \"logmel\" or \"mfcc\", got %s",
                          ckpt, ws_json_got(json_object_get(norm, "transform"), JSON_STRING, got, sizeof got));
    *t = !strcmp(name, "mfcc") ? TRAINER_MFCC : TRAINER_LOGMEL;
    *n_mfcc = 0;
    if (*t == TRAINER_LOGMEL) return 0;
    const json_t *n = json_object_get(norm, "n_mfcc");
    if (!json_is_integer(n) || json_integer_value(n) < 1 || json_integer_value(n) > INT_MAX)
        return ws_err_set(e, WS_EINPUT, "%s: header: features.normalize.n_mfcc: expected an integer in 1..%d", ckpt, INT_MAX);
    *n_mfcc = (int)json_integer_value(n);
    return 0;
}

/* The header's trial, printed as is: null (a checkpoint from before headers named it) or the
 * {study, number, params} every checkpoint that names one writes. Anything else (a damaged or
 * edited header) is refused: one that is not an object was printed as null, as if from such a
 * checkpoint, and an object that names no trial (study 5, number "x", no params) as if it named one. */
static int check_trial(const json_t *trial, const char *ckpt, ws_err *e)
{
    if (!trial || json_is_null(trial)) return 0;
    if (!json_is_object(trial))
        return ws_err_set(e, WS_EINPUT, "%s: header: trial: expected an object or null, got %s", ckpt, ws_json_type_name(trial));
    const json_t *study = json_object_get(trial, "study"), *number = json_object_get(trial, "number"),
                 *params = json_object_get(trial, "params");
    char got[32];
    if (!json_is_string(study))
        return ws_err_set(e, WS_EINPUT, "%s: header: trial.study: expected a study name (a string), got %s", ckpt,
                          ws_json_type_name(study));
    if (!json_is_integer(number) || json_integer_value(number) < 0)
        return ws_err_set(e, WS_EINPUT, "%s: header: trial.number: expected a trial number (an integer, 0 or more), got %s",
                          ckpt, ws_json_got(number, JSON_INTEGER, got, sizeof got));
    if (!json_is_object(params))
        return ws_err_set(e, WS_EINPUT, "%s: header: trial.params: expected an object, got %s", ckpt, ws_json_type_name(params));
    return 0;
}

int trainer_evaluate(const char *ckpt, const char *features, const char *split, double max_fpr, int threads,
                     json_t **result, ws_err *e)
{
    int sid = split_id(split, e), rc = -1;
    if (sid < -1) return -1;
    int fpr_given = !isnan(max_fpr);   /* --max-fpr, not the header's */
    json_t *header = NULL;
    audio_cache cache;
    memset(&cache, 0, sizeof cache);
    trainer_data data;
    memset(&data, 0, sizeof data);
    float *x = NULL, *logits = NULL, *scores = NULL;
    int *labels = NULL, *idx = NULL, *is_pos = NULL, *map = NULL;
    const char **names = NULL;
    nn_metrics mt = {0}, wake = {0};
    nn_set_threads(threads, 0);
    nn_model *m = nn_reserve_blas(threads, e) ? NULL : nn_checkpoint_load(ckpt, &header, e);
    if (!m || audio_cache_open(&cache, features, 0, e)) goto out;
    json_t *trial = json_object_get(header, "trial");   /* the trial that made it, printed as is */
    if (check_trial(trial, ckpt, e)) goto out;
    json_t *feat = json_object_get(header, "features");
    audio_feat_config want;
    char where[600];
    snprintf(where, sizeof where, "%s: header: features.settings", ckpt);
    if (audio_feat_config_from_json(json_object_get(feat, "settings"), where, &want, e)
        || audio_cache_check_config(&cache, features, &want, e))
        goto out;
    if (isnan(max_fpr)) {   /* the operating point the trial was judged at; older checkpoints have none */
        json_t *mf = json_object_get(feat, "max_fpr");
        /* one that is not a limit in [0, 1] (a damaged header) was taken for 0.05 unsaid */
        if (mf && !json_is_null(mf) && !(json_is_number(mf) && json_number_value(mf) >= 0 && json_number_value(mf) <= 1)) {
            ws_err_set(e, WS_EINPUT, "%s: header: features.max_fpr: expected a number in [0, 1], got %s", ckpt,
                       json_is_number(mf) ? "a number outside it" : ws_json_type_name(mf));
            goto out;
        }
        max_fpr = json_is_number(mf) ? json_number_value(mf) : 0.05;
    }
    /* -0 (--max-fpr -0, a header's -0.0) is the limit 0: echoed as -0 it read as one below zero */
    if (max_fpr == 0) max_fpr = 0;
    json_t *norm = json_object_get(feat, "normalize");
    trainer_transform t = TRAINER_LOGMEL;
    int n_mfcc = 0;
    if (normalize_of(norm, ckpt, &t, &n_mfcc, e)) goto out;
    /* 64 clips a batch: the arena holds every layer's output for the batch (as in training), so
     * 256 mapped 850 MiB for a 64-channel dscnn, and the kernel zeroing those pages took longer
     * than the forward passes; at 64, 290 MiB and no slower (32: 160 MiB, the same speed again). */
    int k = nn_model_classes(m), B = 64;
    names = malloc((size_t)k * sizeof *names);
    map = malloc(((size_t)cache.n_classes + 1) * sizeof *map);
    if (!names || !map) { ws_err_set(e, WS_ENOMEM, "out of memory"); goto out; }
    if (class_map(header, k, &cache, ckpt, names, map, e)) goto out;
    if (trainer_data_init_stats(&data, &cache, t, n_mfcc, norm, B, e)) {
        ws_err_prefix(e, "%s: header", ckpt);
        goto out;
    }
    int frames, n_feat;   /* a header that does not match its own settings (damaged, edited) */
    nn_model_input_shape(m, &frames, &n_feat);
    if (frames != data.frames || n_feat != data.n_feat) {
        ws_err_set(e, WS_EINPUT, "%s: the model takes %d frames x %d features, but its feature settings give %d x %d "
                   "(a damaged checkpoint header?)", ckpt, frames, n_feat, data.frames, data.n_feat);
        goto out;
    }
    /* the positive class is the checkpoint's: its index in the model's output */
    const json_t *pj = json_object_get(feat, "positive");
    const char *pos_name = json_string_value(pj);
    int pos = -1;
    for (int j = 0; pos_name && j < k && pos < 0; j++) if (!strcmp(names[j], pos_name)) pos = j;
    /* training refuses a positive class the cache lacks: one the header's classes lack (or one
     * that is not a name) is a damaged header, whose wake-word metrics came out null unsaid */
    if ((pj && !json_is_null(pj) && !pos_name) || (pos_name && pos < 0)) {
        char *shown = pos_name ? ws_text_escape(pos_name) : NULL;
        if (pos_name && !shown) ws_err_set(e, WS_ENOMEM, "out of memory");
        else if (shown) ws_err_set(e, WS_EINPUT, "%s: header: features.positive: '%s' is not among the header's classes", ckpt, shown);
        else ws_err_set(e, WS_EINPUT, "%s: header: features.positive: expected a class name or null, got %s", ckpt, ws_json_type_name(pj));
        free(shown);
        goto out;
    }
    /* without a wake word there is no operating point (at_fpr is null): a --max-fpr asked for one
     * and was ignored without a word */
    if (pos < 0 && fpr_given) {
        ws_err_set(e, WS_EINPUT, "%s: --max-fpr: the checkpoint has no wake word (its trial had no fixed.positive), "
                   "so no operating point to set", ckpt);
        goto out;
    }
    size_t n = 0;
    long nonfinite = 0;   /* clips whose logits hold a NaN or an infinity */
    idx = malloc((cache.n_clips + 1) * sizeof *idx);
    scores = malloc((cache.n_clips + 1) * sizeof *scores);
    is_pos = malloc((cache.n_clips + 1) * sizeof *is_pos);
    x = malloc((size_t)B * (size_t)data.frames * (size_t)data.n_feat * sizeof *x);
    logits = malloc((size_t)B * (size_t)k * sizeof *logits);
    labels = malloc((size_t)B * sizeof *labels);
    if (!idx || !scores || !is_pos || !x || !logits || !labels) { ws_err_set(e, WS_ENOMEM, "out of memory"); goto out; }
    if (nn_metrics_init(&mt, k, e) || nn_metrics_init(&wake, 2, e)) goto out;
    for (size_t i = 0; i < cache.n_clips; i++) if (sid < 0 || cache.splits[i] == sid) idx[n++] = (int)i;
    for (size_t s = 0; s < n; s += (size_t)B) {
        int b = (int)(n - s < (size_t)B ? n - s : (size_t)B);
        if (trainer_data_batch(&data, idx + s, b, NULL, NULL, 0, x, labels, e) || nn_predict(m, x, b, logits, e)) goto out;
        for (int j = 0; j < b; j++) {
            const float *z = logits + (size_t)j * (size_t)k;
            nonfinite += audio_first_nonfinite(z, (size_t)k) < (size_t)k;
            int label = map[labels[j]], predicted = nn_argmax(z, k);
            nn_metrics_add_one(&mt, label, predicted);   /* an unmapped clip (label -1) is not counted */
            if (pos >= 0) {
                nn_metrics_add_one(&wake, label == pos, predicted == pos);
                is_pos[s + (size_t)j] = label == pos;
            }
        }
        if (pos >= 0) nn_positive_scores(logits, b, k, pos, scores + s);
    }
    if (audio_cache_verify_wait(&cache, e)) goto out;   /* cut while read: zeros were counted */
    /* Logits that are NaN or infinite predict nothing (their argmax is the first class, which
     * counted as a detection where the wake word is class 0): weights gone bad, which training
     * now fails as "diverged" (run.c's validate) and no trial keeps; such a checkpoint, written
     * before or elsewhere, has no metrics to print. */
    if (nonfinite) {
        ws_err_set(e, WS_EINPUT, "%s: the model's outputs are NaN or infinite for %ld of the %zu clip%s of split %s "
                   "(weights gone bad: diverged): no metrics", ckpt, nonfinite, n, ws_plural(n), split);
        goto out;
    }
    json_t *metrics = nn_metrics_json(&mt, names, pos);
    if (metrics && !nn_metrics_total(&mt)) {
        /* no clip of a class the checkpoint knows: nothing to be accurate about */
        json_object_set_new(metrics, "accuracy", json_null());
        json_object_set_new(metrics, "macro_f1", json_null());
    }
    /* the wake word's metrics over the whole split, from a 2-class confusion (1 = the positive
     * class, 0 = every other clip, unmapped ones included): over what nn_metrics_json computed
     * from the mapped clips alone */
    if (metrics && pos >= 0) nn_metrics_wake_json(metrics, &wake, 1);
    json_t *at = pos >= 0 ? nn_operating_point_json(scores, is_pos, n, max_fpr, e) : json_null();
    long unmapped = 0;
    json_t *unmapped_classes = unmapped_json(&cache, map, sid, &unmapped);
    /* paths as JSON can hold them: a byte that is not UTF-8 as \xNN (a Linux file name may have one) */
    char *ckpt_shown = ws_text_escape(ckpt), *features_shown = ws_text_escape(features);
    if (!ckpt_shown || !features_shown) {   /* out of memory: json_pack would have taken these */
        json_decref(unmapped_classes); json_decref(metrics); json_decref(at);
        *result = NULL;
    } else
        /* the trial that made it (study, number, params); null from checkpoints before the
         * header named it */
        *result = json_pack("{s:s,s:O,s:s,s:s,s:I,s:I,s:o,s:o,s:o}", "checkpoint", ckpt_shown, "trial",
                        trial ? trial : json_null(),
                        "features", features_shown, "split", split,
                        "clips", (json_int_t)n, "unmapped_clips", (json_int_t)unmapped, "unmapped_classes", unmapped_classes,
                        "metrics", metrics, "at_fpr", at);
    free(ckpt_shown);
    free(features_shown);
    if (!*result) { ws_err_set(e, WS_ENOMEM, "%s: cannot build the result (out of memory)", ckpt); goto out; }
    rc = 0;
out:
    nn_metrics_release(&mt);
    nn_metrics_release(&wake);
    free(x); free(logits); free(scores); free(labels); free(idx); free(is_pos); free(map); free(names);
    trainer_data_release(&data);
    audio_cache_close(&cache);
    nn_model_free(m);
    json_decref(header);
    return rc;
}
