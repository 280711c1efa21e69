/* dtrain.c — the trainer's side of training on a device (nn/device.h): the description of a
 * trial's data for the device path, and train-trial --probe-batch. */
#include <stdlib.h>
#include <string.h>
#include "audio/cache.h"
#include "core/json.h"
#include "space/config.h"
#include "store/store.h"
#include "trainer/data.h"
#include "trainer/settings.h"
#include "trainer/trainer.h"

int trainer_data_desc(const trainer_data *d, nn_data_desc *desc, nn_noise **noise, ws_err *e)
{
    const audio_cache *c = d->cache;
    *noise = calloc(c->n_noise + 1, sizeof **noise);
    if (!*noise) return ws_err_set(e, WS_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->n_noise; i++) (*noise)[i] = (nn_noise){c->noise[i].power, c->noise[i].n_frames, c->n_mels};
    memset(desc, 0, sizeof *desc);
    desc->features = c->features;
    desc->labels = c->labels;
    desc->n_clips = c->n_clips;
    desc->frames = d->frames;
    desc->mels = d->mels;
    desc->n_classes = c->n_classes;
    desc->noise = *noise;
    desc->n_noise = (int)c->n_noise;
    desc->mfcc = d->transform == TRAINER_MFCC;
    desc->n_feat = d->n_feat;
    desc->dct = d->dct;
    desc->mean = d->mean;
    desc->inv_std = d->inv_std;
    return 0;
}

/* The study's fixed settings with the trial line's params over them. */
static int probe_settings(const trainer_opts *o, const json_t *line, trainer_settings *set, char *study_named,
                          size_t named_len, ws_err *e)
{
    const char *name = NULL;
    if (!json_is_object(line)) return ws_err_set(e, WS_EINPUT, "trial line: expected a JSON object");
    if (ws_json_get_string(line, "study", "trial line", &name, e)) return -1;
    if (!name) return ws_err_set(e, WS_EINPUT, "trial line: needs \"study\"");
    const json_t *params = json_object_get(line, "params");
    ws_store *st = NULL;
    ws_study study;
    ws_config cfg;
    memset(&cfg, 0, sizeof cfg);
    int found = 0, rc = -1;
    json_t *none = json_object();
    if (!ws_store_open(&st, o->db, 0, e) && !ws_store_study_named(st, name, "trial line: study", &study, e)
        && !ws_store_study_config(st, &study, &cfg, &found, e)) {
        if (!found) ws_err_set(e, WS_EINPUT, "%s: study '%s' has no wakesweep config", o->db, name);
        else rc = trainer_settings_parse(set, cfg.fixed, json_is_object(params) ? params : none, 0, "trial line", e);
        snprintf(study_named, named_len, "%s: study '%s'", ws_store_path(st), name);
    }
    json_decref(none);
    ws_config_release(&cfg);
    ws_store_close(st);
    return rc;
}

int trainer_probe_batch(const trainer_opts *o, const json_t *line, json_t **result, ws_err *e)
{
    trainer_settings set;
    memset(&set, 0, sizeof set);
    audio_cache cache;
    memset(&cache, 0, sizeof cache);
    trainer_data data;
    memset(&data, 0, sizeof data);
    nn_noise *noise = NULL;
    int *train = NULL, rc = -1;
    *result = NULL;
    /* the study's feature settings, as training checks them: a cache of others (more mels, another
     * hop) gave the largest batch of another input shape, exit 0 */
    char study_named[600] = "";   /* "FILE: study 'NAME'", once the study's settings are read */
    if (probe_settings(o, line, &set, study_named, sizeof study_named, e)
        || audio_cache_open(&cache, o->features, AUDIO_CACHE_NO_VERIFY, e)
        || trainer_settings_check_cache(&set, &cache, o->features, e)) {
        /* "study config" alone named neither the study nor the file (as in training: run.c) */
        if (study_named[0] && !strncmp(e->msg, "study config", 12)) ws_err_prefix(e, "%s", study_named);
        goto out;
    }
    trainer_notes(o);   /* the line accepted: where it probes */
    size_t n = 0;
    if (!(train = malloc((cache.n_clips + 1) * sizeof *train))) { ws_err_set(e, WS_ENOMEM, "out of memory"); goto out; }
    for (size_t i = 0; i < cache.n_clips; i++) if (cache.splits[i] == AUDIO_SPLIT_TRAIN) train[n++] = (int)i;
    nn_data_desc d;
    nn_probe p;
    const nn_device *dev = o->device;
    if (!dev && nn_device_select("cpu", NN_PRECISION_FP32, &dev, NULL, 0, e)) goto out;
    /* On the CPU the convolutions' workspace is per share: sized for the shares the run cuts its
     * work into (trainer_shares), without starting a thread. */
    if (!nn_device_is_cuda(dev)) nn_set_threads(1, trainer_shares(o));
    /* and with the checkpoint of the best weights only for a run that keeps it (--keep best, the
     * default): a --keep none run saves none, and was offered a batch smaller than it fits */
    if (trainer_data_init(&data, &cache, set.transform, set.n_mfcc, train, n, 1, e) || trainer_data_desc(&data, &d, &noise, e)
        || nn_device_probe_batch(dev, &set.hp, cache.n_classes, data.frames, data.n_feat, &d, 65536, o->keep_best, &p, e))
        goto out;
    int cuda = nn_device_is_cuda(dev);
    *result = json_pack("{s:s,s:s,s:i,s:i,s:s,s:{s:I,s:I,s:I,s:I}}", "device", cuda ? "cuda" : "cpu", "name",
                        nn_device_name(dev), "batch", p.batch, "limit", p.limit, "how",
                        cuda ? "largest batch whose training step ran on the device (allocations tried)"
                             : "computed from MemAvailable, or what the memory cgroup leaves where less; the limit that matters is the GPU's (--device cuda)",
                        "bytes", "free", (json_int_t)p.free_bytes, "total", (json_int_t)p.total_bytes, "data",
                        (json_int_t)p.data_bytes, "per_sample", (json_int_t)p.sample_bytes);
    rc = *result ? 0 : ws_err_set(e, WS_ENOMEM, "out of memory");
out:
    free(noise);
    free(train);
    trainer_data_release(&data);
    audio_cache_close(&cache);
    trainer_settings_release(&set);
    return rc;
}
