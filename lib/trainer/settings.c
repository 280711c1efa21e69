/* settings.c — merging and checking a trial's settings (see settings.h). */
#include "trainer/settings.h"
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include "core/fdio.h"
#include "core/json.h"
#include "space/config.h"
#include "trainer/metric_names.h"
#include "trainer/trainer.h"

const char *const trainer_keys[] = {"batch_size", "epochs", "validate_every", "patience", "min_delta",
                                    "transform", "n_mfcc", "positive", "max_fpr", "features", NULL};

static int known(const char *key)
{
    for (const char *const *k = trainer_keys; *k; k++) if (!strcmp(*k, key)) return 1;
    for (const char *const *k = nn_hparams_keys(); *k; k++) if (!strcmp(*k, key)) return 1;
    return 0;
}

/* A bad setting named where it was given. The settings are checked merged, under "where: params",
 * so a study's fixed learning_rate of 0 read "trial line: params.learning_rate: 0: must be > 0",
 * and the trial line has no such key to mend. A key the line's params do not hold came from the
 * study config's fixed settings: the message says so. Returns -1. */
static int name_origin(ws_err *e, const char *path, const json_t *params)
{
    size_t n = strlen(path), len;
    if (strncmp(e->msg, path, n) || e->msg[n] != '.') return -1;
    const char *key = e->msg + n + 1;
    char name[64], rest[sizeof e->msg];
    len = strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_");
    if (!len || len >= sizeof name) return -1;
    memcpy(name, key, len);
    name[len] = 0;
    if (json_object_get(params, name)) return -1;
    snprintf(rest, sizeof rest, "%s", key);
    snprintf(e->msg, sizeof e->msg, "%s.%.1000s", trainer_settings_origin(params, name), rest);
    return -1;
}

static int parse(trainer_settings *s, const json_t *fixed, const json_t *params, long budget_epochs,
                 const char *where, const char *path, ws_err *e)
{
    memset(s, 0, sizeof *s);
    nn_hparams_default(&s->hp);
    s->batch_size = 64;
    s->epochs = 10;
    s->validate_every = 1;
    s->n_mfcc = 13;
    s->max_fpr = 0.05;   /* as train-trial --evaluate's --max-fpr */
    s->merged = fixed ? json_deep_copy(fixed) : json_object();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)params, key, v) {
        if (!known(key)) return ws_err_set(e, WS_EINPUT, "%s: params.%s: unknown parameter", where, key);
        json_object_set(s->merged, key, v);
    }
    json_object_foreach(s->merged, key, v)
        if (!known(key)) return ws_err_set(e, WS_EINPUT, "%s: %s: unknown setting", fixed && json_object_get(fixed, key) ? "study config: fixed" : where, key);
    long bs = s->batch_size, every = s->validate_every, patience = 0, n_mfcc = s->n_mfcc;
    const char *transform = "logmel";
    if (ws_json_get_int(s->merged, "batch_size", path, &bs, e) || ws_json_get_int(s->merged, "epochs", path, &s->epochs, e)
        || ws_json_get_int(s->merged, "validate_every", path, &every, e)
        || ws_json_get_int(s->merged, "patience", path, &patience, e)
        || ws_json_get_number(s->merged, "min_delta", path, &s->min_delta, e)
        || ws_json_get_string(s->merged, "transform", path, &transform, e)
        || ws_json_get_int(s->merged, "n_mfcc", path, &n_mfcc, e)
        || ws_json_get_string(s->merged, "positive", path, &s->positive, e)
        || ws_json_get_number(s->merged, "max_fpr", path, &s->max_fpr, e)
        || ws_json_get_string(s->merged, "features", path, &s->features, e))
        return -1;
    if (bs < 1 || bs > 65536) return ws_err_set(e, WS_EINPUT, "%s.batch_size: expected 1..65536, got %ld", path, bs);
    /* upper bounds too: these are kept as int, and 4294967297 wrapped to 1 */
    if (every < 1 || every > INT_MAX)
        return ws_err_set(e, WS_EINPUT, "%s.validate_every: expected 1..%d, got %ld", path, INT_MAX, every);
    if (patience < 0 || patience > INT_MAX)
        return ws_err_set(e, WS_EINPUT, "%s.patience: expected 0..%d, got %ld", path, INT_MAX, patience);
    if (n_mfcc < 1 || n_mfcc > INT_MAX)   /* at most the cache's n_mels: run.c's prepare checks */
        return ws_err_set(e, WS_EINPUT, "%s.n_mfcc: expected 1..%d, got %ld", path, INT_MAX, n_mfcc);
    if (s->min_delta < 0) return ws_err_set(e, WS_EINPUT, "%s.min_delta: expected >= 0", path);
    char got[40];
    if (!(s->max_fpr >= 0 && s->max_fpr <= 1))
        return ws_err_set(e, WS_EINPUT, "%s.max_fpr: expected a number in [0, 1], got %s", path,
                          ws_real_text(s->max_fpr, got, sizeof got));
    if (s->max_fpr == 0) s->max_fpr = 0;   /* -0.0 is the limit 0, echoed as 0 (at_fpr, the header) */
    if (!strcmp(transform, "logmel")) s->transform = TRAINER_LOGMEL;
    else if (!strcmp(transform, "mfcc")) s->transform = TRAINER_MFCC;
    else return ws_err_set(e, WS_EINPUT, "%s.transform: expected \"logmel\" or \"mfcc\", got \"%s\"", path, transform);
    if (budget_epochs > 0) s->epochs = budget_epochs;
    if (s->epochs < 1 || s->epochs > WS_MAX_EPOCHS)
        return ws_err_set(e, WS_EINPUT, "%s.epochs: expected 1..%d, got %ld", path, WS_MAX_EPOCHS, s->epochs);
    s->batch_size = (int)bs;
    s->validate_every = (int)every;
    s->patience = (int)patience;
    s->n_mfcc = (int)n_mfcc;
    if (nn_hparams_parse_each(&s->hp, s->merged, path, e)) return -1;
    s->refused_together = nn_hparams_check_together(&s->hp, path, e) != 0;
    return s->refused_together ? -1 : 0;
}

int trainer_settings_parse(trainer_settings *s, const json_t *fixed, const json_t *params, long budget_epochs,
                           const char *where, ws_err *e)
{
    char path[600];
    snprintf(path, sizeof path, "%s: params", where);
    return parse(s, fixed, params, budget_epochs, where, path, e) ? name_origin(e, path, params) : 0;
}

const char *trainer_settings_origin(const json_t *params, const char *key)
{
    return json_object_get(params, key) ? "trial line: params" : "study config: fixed";
}

/* The space's parameters at one end of their ranges (end 0: low, first choice; 1: high, last). */
static json_t *space_end(const ws_space *sp, int end)
{
    json_t *params = json_object();
    for (size_t i = 0; params && i < sp->n; i++) {
        const ws_dist *d = &sp->v[i].dist;
        json_object_set_new(params, sp->v[i].name, ws_dist_end(d, end ? ws_dist_n_ends(d) - 1 : 0, NULL, 0));
    }
    return params;
}

/* 1 when train-trial's parser refuses every probe (params: none, every searched parameter at
 * its low end, at its high end), with name set to value over each when name is not NULL, and
 * each time with a message that starts with prefix (the failure is that setting's); the first
 * message kept in why. */
static int refused_at_every_probe(const ws_config *c, json_t *const probes[3], const char *name, json_t *value,
                                  const char *prefix, ws_err *why)
{
    for (int probe = 0; probe < 3; probe++) {
        json_t *params = json_copy(probes[probe]);
        if (!params || (name && json_object_set(params, name, value))) { json_decref(params); return 0; }
        trainer_settings s;
        ws_err pe = {0};
        int rc = trainer_settings_parse(&s, c->fixed, params, 0, "study config", &pe);
        trainer_settings_release(&s);
        json_decref(params);
        if (!rc || strncmp(pe.msg, prefix, strlen(prefix))) return 0;
        if (!probe) *why = pe;
    }
    return 1;
}

/* The searched parameters train-trial knows (a study for one's own trainer may search others),
 * each at its ends and at every choice: a value train-trial refuses whatever the others hold
 * (alone and beside them at their ends) stops a sweep at the first trial that draws it,
 * train-trial's exit 2 being bad input. One refused only beside some values of the others
 * (snr_low above a searched snr_high's low end) is not the config's fault. A float range is
 * tried at a fraction between its ends too: one of an integer setting whose ends are whole
 * (channels float [1, 8]) passed at both, and nearly every trial drew a fraction train-trial
 * refuses. */
static int check_space(const ws_config *c, json_t *const probes[3], const char *where, ws_err *e)
{
    for (size_t i = 0; i < c->space.n; i++) {
        const ws_space_param *sp = &c->space.v[i];
        const ws_dist *d = &sp->dist;
        if (!known(sp->name)) continue;
        char prefix[128], what[64];
        snprintf(prefix, sizeof prefix, "study config: params.%s:", sp->name);
        double fraction = 0;
        int ends = ws_dist_n_ends(d), n = ends + ws_dist_fraction(d, &fraction);
        for (int k = 0; k < n; k++) {
            json_t *value;
            if (k < ends) value = ws_dist_end(d, k, what, sizeof what);
            else {   /* the fraction, after the ends */
                value = json_real(fraction);
                snprintf(what, sizeof what, "value %g between its ends", fraction);
            }
            ws_err why = {0};
            int refused = refused_at_every_probe(c, probes, sp->name, value, prefix, &why);
            json_decref(value);
            if (!refused) continue;
            return ws_err_set(e, WS_EINPUT, "%s: space.%s: its %s: %s (train-trial would refuse every trial that "
                              "draws it)", where, sp->name, what, why.msg + sizeof "study config: " - 1);
        }
    }
    return 0;
}

/* The most combinations of one together-check's searched parameters tried: a space with more
 * (categoricals of very many choices) is taken without this check, as before it. */
#define MAX_TOGETHER_PROBES 4096

/* A searched parameter's values tried beside the others: its ends (a categorical's choices)
 * and, when a condition may leave it out of a trial, its absence, where the fixed setting or the
 * default holds: value_at gives NULL for that one, the last. */
static int n_values(const ws_space_param *p)
{
    return ws_dist_n_ends(&p->dist) + (p->parent >= 0);
}

static json_t *value_at(const ws_space_param *p, int k)
{
    return k < ws_dist_n_ends(&p->dist) ? ws_dist_end(&p->dist, k, NULL, 0) : NULL;
}

/* 1 when nn_hparams_check_together's check i refuses every combination of the values
 * (n_values) of the n searched parameters at[] it reads, the others at their fixed settings or
 * defaults; why then says the first's refusal ("study config: params.snr_low: 15 is above
 * snr_high 5"). A combination refused for another reason (a value refused alone) counts as one
 * the check takes: that is check_space's to find. */
static int refused_together_everywhere(const ws_config *c, int i, const size_t *at, int n, ws_err *why)
{
    long total = 1;
    for (int j = 0; j < n; j++)
        if ((total *= n_values(&c->space.v[at[j]])) > MAX_TOGETHER_PROBES) return 0;
    for (long t = 0; t < total; t++) {
        json_t *params = json_object();
        long r = t;
        for (int j = 0; params && j < n; j++) {
            const ws_space_param *p = &c->space.v[at[j]];
            json_t *v = value_at(p, (int)(r % n_values(p)));
            r /= n_values(p);
            if (v && json_object_set_new(params, p->name, v)) { json_decref(params); params = NULL; }
        }
        if (!params) return 0;
        trainer_settings s;
        ws_err pe = {0};
        int refused = trainer_settings_parse(&s, c->fixed, params, 0, "study config", &pe) && s.refused_together
                      && nn_hparams_check_together_one(&s.hp, i, "study config: params", &pe);
        if (refused && !t) { name_origin(&pe, "study config: params", params); *why = pe; }
        trainer_settings_release(&s);
        json_decref(params);
        if (!refused) return 0;
    }
    return 1;
}

/* "space.a and space.b" (with ", " before the last but one): the k-th of n names, appended. */
static void append_name(char *buf, size_t cap, const char *prefix, const char *name, int k, int n)
{
    size_t len = strlen(buf);
    snprintf(buf + len, cap - len, "%s%s%s", k ? k + 1 == n ? " and " : ", " : "", prefix, name);
}

/* Ranges that every together-check point refuses (snr_low in [15, 20] beside snr_high in [5, 10];
 * nesterov only true beside sgd only and a fixed momentum of 0): each trial drawn would fail as
 * infeasible (exit 0), a study of FAIL trials. Ranges that meet anywhere are taken: the sampler
 * may draw where they meet (the others fail as infeasible, the sweep going on). A check none of
 * whose keys is searched is the fixed settings', found before. */
static int check_together(const ws_config *c, const char *where, ws_err *e)
{
    const char *const *keys;
    for (int i = 0; (keys = nn_hparams_together_keys(i)); i++) {
        size_t at[8];
        int n = 0, n_fixed = 0;
        for (int k = 0; keys[k]; k++) {
            for (size_t j = 0; j < c->space.n; j++)
                if (!strcmp(c->space.v[j].name, keys[k])) at[n++] = j;
            n_fixed += c->fixed && json_object_get(c->fixed, keys[k]) != NULL;
        }
        ws_err why = {0};
        if (!n || !refused_together_everywhere(c, i, at, n, &why)) continue;
        char names[512] = "", fixed[512] = "";
        for (int j = 0; j < n; j++) append_name(names, sizeof names, "space.", c->space.v[at[j]].name, j, n);
        for (int k = 0, f = 0; keys[k]; k++)
            if (c->fixed && json_object_get(c->fixed, keys[k]))
                append_name(fixed, sizeof fixed, "fixed.", keys[k], f++, n_fixed);
        return ws_err_set(e, WS_EINPUT, "%s: %s%s%s: refused together at every end and choice of their ranges (at the "
                          "first: %s): train-trial would fail every trial as infeasible", where, names,
                          *fixed ? ", with " : "", fixed, why.msg + sizeof "study config: " - 1);
    }
    return 0;
}

int trainer_settings_check_set(const ws_config *c, const json_t *set, const char *where, ws_err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)set, key, v) {
        if (!known(key)) continue;   /* a study for one's own trainer may carry any name */
        json_t *params = json_object();
        if (!params || json_object_set(params, key, v)) {
            json_decref(params);
            return ws_err_set(e, WS_ENOMEM, "%s: out of memory", where);
        }
        trainer_settings s;
        ws_err pe = {0};
        char prefix[160];
        snprintf(prefix, sizeof prefix, "study config: params.%s:", key);
        int refused = trainer_settings_parse(&s, c->fixed, params, 0, "study config", &pe) && !s.refused_together
                      && !strncmp(pe.msg, prefix, strlen(prefix));
        trainer_settings_release(&s);
        json_decref(params);
        if (refused)
            return ws_err_set(e, WS_EINPUT, "%s.%s (train-trial would refuse the trial)", where,
                              pe.msg + sizeof "study config: params." - 1);
    }
    return 0;
}

int trainer_settings_check_config(const ws_config *c, const char *where, ws_err *e)
{
    /* another name ("f2", "fp") passed here, and train-trial refused every trial of the study.
     * Whether a wake-word metric has its fixed.positive stays train-trial's to say: a study may
     * name the objective alone, for trials told by tell(1). */
    if (trainer_check_metric_names(c, where, " (train-trial would fail every trial)", e)) return -1;
    json_t *probes[3] = {json_object(), space_end(&c->space, 0), space_end(&c->space, 1)};
    ws_err why = {0};
    int rc;
    if (!probes[0] || !probes[1] || !probes[2]) rc = ws_err_set(e, WS_ENOMEM, "%s: out of memory", where);
    /* A fixed snr_low of 30 fails beside the default snr_high of 20, yet trains beside a searched
     * snr_high at its high end: only a failure on a fixed setting at every probe is the config's. */
    else if (refused_at_every_probe(c, probes, NULL, NULL, "study config: fixed", &why))
        rc = ws_err_set(e, WS_EINPUT, "%s: %s (train-trial would fail every trial)", where,
                        why.msg + sizeof "study config: " - 1);
    else rc = check_space(c, probes, where, e) || check_together(c, where, e) ? -1 : 0;
    for (int i = 0; i < 3; i++) json_decref(probes[i]);
    return rc;
}

/* The study's feature settings file, which every trial of the study reads again: a regular file.
 * A FIFO there hung the trial in open() for good (no writer comes), where featurize --config
 * may read one pipe once. One that cannot be opened is the loader's to say. */
static int load_features(const char *path, audio_feat_config *want, ws_err *e)
{
    struct stat st;
    const char *why = NULL;
    int fd = ws_open_regular(path, &st, &why);
    if (fd == -2)
        return ws_err_set(e, WS_EINPUT, "%s: %s, expected a file of feature settings (JSON), which every trial reads",
                          path, why);
    if (fd >= 0) close(fd);
    return audio_feat_config_load(path, want, e);
}

int trainer_settings_check_cache(const trainer_settings *s, const audio_cache *c, const char *path, ws_err *e)
{
    audio_feat_config want;
    if (s->features ? load_features(s->features, &want, e) : (audio_feat_config_default(&want), 0))
        return ws_err_prefix(e, "study config: fixed.features");
    if (audio_cache_check_config(c, path, &want, e) == 0) return 0;
    /* "40 wanted" said not by what: a cache featurized with another feature config (make
     * sweep's FEATURE_CONFIG, featurize --config) than the study's is the usual cause, so the
     * message names the study's file, or says it names none, and the user knows which to change */
    char msg[sizeof e->msg];
    snprintf(msg, sizeof msg, "%s", e->msg);
    if (s->features)
        return ws_err_set(e, WS_EINPUT, "%s by the study config's fixed.features, %s", msg, s->features);
    return ws_err_set(e, WS_EINPUT, "%s by the study config, which has no fixed.features: featurize's defaults "
                      "(configs/features/default.json)", msg);
}

void trainer_settings_release(trainer_settings *s)
{
    nn_hparams_release(&s->hp);
    json_decref(s->merged);
    s->merged = NULL;
}
