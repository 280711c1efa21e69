/* pruner.c — pruner config parsing, dispatch, and helpers shared by the pruners. */
#include "pruner/pruner.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "space/config.h"

/* ---- parsing ---- */

static const char *const median_keys[] = {"name", "n_startup_trials", "n_warmup_steps", "interval_steps",
                                          "n_min_trials", NULL};
static const char *const percentile_keys[] = {"name", "percentile", "n_startup_trials", "n_warmup_steps",
                                              "interval_steps", "n_min_trials", NULL};
static const char *const halving_keys[] = {"name", "min_resource", "reduction_factor", "min_early_stopping_rate",
                                           "bootstrap_count", NULL};
static const char *const hyperband_keys[] = {"name", "min_resource", "max_resource", "reduction_factor",
                                             "bootstrap_count", NULL};
static const char *const patient_keys[] = {"name", "patience", "min_delta", "wrapped", NULL};
static const char *const threshold_keys[] = {"name", "lower", "upper", "n_warmup_steps", "interval_steps", NULL};
static const char *const nop_keys[] = {"name", NULL};

/* "auto" (→ 0) or an integer >= 1 */
static int get_resource(const json_t *obj, const char *key, const char *path, int allow_auto, long *out, ws_err *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return 0;
    if (allow_auto && json_is_string(v) && !strcmp(json_string_value(v), "auto")) { *out = 0; return 0; }
    if (!json_is_number(v) || json_number_value(v) != floor(json_number_value(v)))
        return ws_err_set(e, WS_EINPUT, "%s.%s: expected %san integer >= 1", path, key, allow_auto ? "\"auto\" or " : "");
    /* a whole number past +-9e15 is refused in ws_json_get_int's words: "an integer >= 1", which
     * it is, said nothing of what to change */
    if (ws_json_get_int(obj, key, path, out, e)) return -1;
    if (*out < 1) return ws_err_set(e, WS_EINPUT, "%s.%s: must be >= 1 (got %ld)", path, key, *out);
    return 0;
}

static int get_bound(const json_t *obj, const char *key, const char *path, double *out, ws_err *e)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return 0;
    if (ws_json_get_number(obj, key, path, out, e)) return -1;
    if (isnan(*out)) return ws_err_set(e, WS_EINPUT, "%s.%s: must be a number", path, key);
    return 0;
}

static int parse_at(ws_pruner_cfg *cfg, const json_t *obj, const char *path, int depth, ws_err *e);

/* ws_json_check_keys, saying what the named pruner takes: a config written from Optuna code
 * (a percentile for MedianPruner, PatientPruner's wrapped_pruner) is told what to write. */
static int check_keys(const json_t *obj, const char *const *keys, const char *name, const char *path, ws_err *e)
{
    if (keys == patient_keys && json_object_get(obj, "wrapped_pruner"))
        return ws_err_set(e, WS_EINPUT, "%s.wrapped_pruner: Optuna's wrapped_pruner is \"wrapped\" here", path);
    if (!ws_json_check_keys(obj, keys, path, e)) return 0;
    if (!e) return -1;
    char list[256] = "";
    for (const char *const *k = keys; *k; k++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k == keys ? "" : ", ", *k);
    size_t len = strlen(e->msg);
    snprintf(e->msg + len, sizeof e->msg - len, " (the %s pruner takes %s)", name, list);
    return -1;
}

static int parse_percentile(ws_pruner_cfg *cfg, const json_t *obj, const char *path, ws_err *e)
{
    if (!strcmp(cfg->name, "percentile") && !json_object_get(obj, "percentile"))
        return ws_err_set(e, WS_EINPUT, "%s.percentile: missing (a number in [0, 100])", path);
    if (ws_json_get_number(obj, "percentile", path, &cfg->percentile, e)
        || ws_json_get_int(obj, "n_startup_trials", path, &cfg->n_startup_trials, e)
        || ws_json_get_int(obj, "n_warmup_steps", path, &cfg->n_warmup_steps, e)
        || ws_json_get_int(obj, "interval_steps", path, &cfg->interval_steps, e)
        || ws_json_get_int(obj, "n_min_trials", path, &cfg->n_min_trials, e))
        return -1;
    char got[40];   /* a value as written (ws_real_text), for the messages */
    if (!(cfg->percentile >= 0 && cfg->percentile <= 100))
        return ws_err_set(e, WS_EINPUT, "%s.percentile: must be in [0, 100] (got %s)", path,
                          ws_real_text(cfg->percentile, got, sizeof got));
    if (cfg->n_startup_trials < 0)
        return ws_err_set(e, WS_EINPUT, "%s.n_startup_trials: must be >= 0 (got %ld)", path, cfg->n_startup_trials);
    if (cfg->n_min_trials < 1)
        return ws_err_set(e, WS_EINPUT, "%s.n_min_trials: must be >= 1 (got %ld)", path, cfg->n_min_trials);
    return 0;
}

static int parse_halving(ws_pruner_cfg *cfg, const json_t *obj, const char *path, ws_err *e)
{
    cfg->reduction_factor = 4;
    if (get_resource(obj, "min_resource", path, 1, &cfg->min_resource, e)
        || ws_json_get_int(obj, "reduction_factor", path, &cfg->reduction_factor, e)
        || ws_json_get_int(obj, "min_early_stopping_rate", path, &cfg->min_early_stopping_rate, e)
        || ws_json_get_int(obj, "bootstrap_count", path, &cfg->bootstrap_count, e))
        return -1;
    if (cfg->min_early_stopping_rate < 0 || cfg->min_early_stopping_rate > 60)
        return ws_err_set(e, WS_EINPUT, "%s.min_early_stopping_rate: must be in [0, 60] (got %ld)", path,
                          cfg->min_early_stopping_rate);
    if (cfg->bootstrap_count > 0 && cfg->min_resource == 0)
        return ws_err_set(e, WS_EINPUT, "%s.bootstrap_count: cannot be > 0 with min_resource \"auto\" (as in Optuna)", path);
    return 0;
}

static int parse_hyperband(ws_pruner_cfg *cfg, const json_t *obj, const char *path, ws_err *e)
{
    cfg->reduction_factor = 3;
    cfg->min_resource = 1;
    if (get_resource(obj, "min_resource", path, 0, &cfg->min_resource, e)
        || get_resource(obj, "max_resource", path, 1, &cfg->max_resource, e)
        || ws_json_get_int(obj, "reduction_factor", path, &cfg->reduction_factor, e)
        || ws_json_get_int(obj, "bootstrap_count", path, &cfg->bootstrap_count, e))
        return -1;
    if (cfg->bootstrap_count > 0 && cfg->max_resource == 0)
        return ws_err_set(e, WS_EINPUT, "%s.bootstrap_count: cannot be > 0 with max_resource \"auto\" (as in Optuna)", path);
    if (cfg->max_resource && cfg->max_resource < cfg->min_resource)
        return ws_err_set(e, WS_EINPUT, "%s.max_resource: must be >= min_resource (got %ld < %ld)", path,
                          cfg->max_resource, cfg->min_resource);
    return 0;
}

static int parse_patient(ws_pruner_cfg *cfg, const json_t *obj, const char *path, int depth, ws_err *e)
{
    if (!json_object_get(obj, "patience"))
        return ws_err_set(e, WS_EINPUT, "%s.patience: missing (an integer >= 0)", path);
    if (ws_json_get_int(obj, "patience", path, &cfg->patience, e)
        || ws_json_get_number(obj, "min_delta", path, &cfg->min_delta, e))
        return -1;
    if (cfg->patience < 0) return ws_err_set(e, WS_EINPUT, "%s.patience: must be >= 0 (got %ld)", path, cfg->patience);
    char got[40];
    if (!(cfg->min_delta >= 0))
        return ws_err_set(e, WS_EINPUT, "%s.min_delta: must be >= 0 (got %s)", path, ws_real_text(cfg->min_delta, got, sizeof got));
    json_t *w = json_object_get(obj, "wrapped");
    if (!w || json_is_null(w)) return 0;
    if (depth > 8) return ws_err_set(e, WS_EINPUT, "%s.wrapped: nested too deeply", path);
    char sub[700];
    snprintf(sub, sizeof sub, "%s.wrapped", path);
    cfg->wrapped = malloc(sizeof *cfg->wrapped);
    if (!cfg->wrapped) return ws_err_set(e, WS_ENOMEM, "out of memory");
    if (parse_at(cfg->wrapped, w, sub, depth + 1, e)) {
        ws_pruner_cfg_release(cfg->wrapped);
        free(cfg->wrapped);
        cfg->wrapped = NULL;
        return -1;
    }
    return 0;
}

static int parse_threshold(ws_pruner_cfg *cfg, const json_t *obj, const char *path, ws_err *e)
{
    json_t *lo = json_object_get(obj, "lower"), *hi = json_object_get(obj, "upper");
    if ((!lo || json_is_null(lo)) && (!hi || json_is_null(hi)))
        return ws_err_set(e, WS_EINPUT, "%s: threshold needs lower or upper (or both)", path);
    if (get_bound(obj, "lower", path, &cfg->lower, e) || get_bound(obj, "upper", path, &cfg->upper, e)
        || ws_json_get_int(obj, "n_warmup_steps", path, &cfg->n_warmup_steps, e)
        || ws_json_get_int(obj, "interval_steps", path, &cfg->interval_steps, e))
        return -1;
    char got[40], got2[40];
    if (cfg->lower > cfg->upper)
        return ws_err_set(e, WS_EINPUT, "%s.lower: must be <= upper (got %s > %s)", path, ws_real_text(cfg->lower, got, sizeof got),
                          ws_real_text(cfg->upper, got2, sizeof got2));
    return 0;
}

static int parse_at(ws_pruner_cfg *cfg, const json_t *obj, const char *path, int depth, ws_err *e)
{
    memset(cfg, 0, sizeof *cfg);
    strcpy(cfg->name, "median");
    cfg->percentile = 50;
    cfg->n_startup_trials = 5;
    cfg->interval_steps = 1;
    cfg->n_min_trials = 1;
    cfg->lower = -INFINITY;
    cfg->upper = INFINITY;
    if (!obj) return 0;
    if (!json_is_object(obj)) return ws_err_set(e, WS_EINPUT, "%s: expected an object", path);
    const char *name = NULL;
    if (ws_json_get_string(obj, "name", path, &name, e)) return -1;
    if (name && !strcmp(name, "asha")) name = "successive_halving";
    const char *const *keys;
    if (!name || !strcmp(name, "median")) keys = median_keys;
    else if (!strcmp(name, "percentile")) keys = percentile_keys;
    else if (!strcmp(name, "successive_halving")) keys = halving_keys;
    else if (!strcmp(name, "hyperband")) keys = hyperband_keys;
    else if (!strcmp(name, "patient")) keys = patient_keys;
    else if (!strcmp(name, "threshold")) keys = threshold_keys;
    else if (!strcmp(name, "nop")) keys = nop_keys;
    else
        return ws_err_set(e, WS_EINPUT, "%s.name: unknown pruner '%s' (expected median, percentile, "
                          "successive_halving, hyperband, patient, threshold or nop)", path, name);
    if (name) snprintf(cfg->name, sizeof cfg->name, "%s", name);
    if (check_keys(obj, keys, cfg->name, path, e)) return -1;
    int rc = 0;
    if (keys == median_keys || keys == percentile_keys) rc = parse_percentile(cfg, obj, path, e);
    else if (keys == halving_keys) rc = parse_halving(cfg, obj, path, e);
    else if (keys == hyperband_keys) rc = parse_hyperband(cfg, obj, path, e);
    else if (keys == patient_keys) rc = parse_patient(cfg, obj, path, depth, e);
    else if (keys == threshold_keys) rc = parse_threshold(cfg, obj, path, e);
    if (rc) return -1;
    if (cfg->n_warmup_steps < 0)
        return ws_err_set(e, WS_EINPUT, "%s.n_warmup_steps: must be >= 0 (got %ld)", path, cfg->n_warmup_steps);
    if (cfg->interval_steps < 1)
        return ws_err_set(e, WS_EINPUT, "%s.interval_steps: must be >= 1 (got %ld)", path, cfg->interval_steps);
    if ((keys == halving_keys || keys == hyperband_keys) && (cfg->reduction_factor < 2 || cfg->reduction_factor > 1000))
        return ws_err_set(e, WS_EINPUT, "%s.reduction_factor: must be in [2, 1000] (got %ld)", path, cfg->reduction_factor);
    if (cfg->bootstrap_count < 0)
        return ws_err_set(e, WS_EINPUT, "%s.bootstrap_count: must be >= 0 (got %ld)", path, cfg->bootstrap_count);
    return 0;
}

int ws_pruner_parse(ws_pruner_cfg *cfg, const json_t *obj, const char *where, ws_err *e)
{
    char path[600];
    snprintf(path, sizeof path, "%s: pruner", where);
    return parse_at(cfg, obj, path, 0, e);
}

void ws_pruner_cfg_release(ws_pruner_cfg *cfg)
{
    if (!cfg) return;
    if (cfg->wrapped) {
        ws_pruner_cfg_release(cfg->wrapped);
        free(cfg->wrapped);
        cfg->wrapped = NULL;
    }
}

void ws_prune_decision_release(ws_prune_decision *d)
{
    if (!d) return;
    json_decref(d->set_system_attrs);
    d->set_system_attrs = NULL;
}

int ws_pruner_reads_attrs(const ws_pruner_cfg *cfg)
{
    if (!cfg) return 0;
    return !strcmp(cfg->name, "successive_halving") || !strcmp(cfg->name, "hyperband")
           || ws_pruner_reads_attrs(cfg->wrapped);
}

int ws_pruner_reads_others(const ws_pruner_cfg *cfg)
{
    if (!cfg) return WS_PRUNER_READS_NONE;
    if (!strcmp(cfg->name, "median") || !strcmp(cfg->name, "percentile")) return WS_PRUNER_READS_AT_STEP;
    if (!strcmp(cfg->name, "successive_halving") || !strcmp(cfg->name, "hyperband")) return WS_PRUNER_READS_LAST;
    if (!strcmp(cfg->name, "patient")) return ws_pruner_reads_others(cfg->wrapped);
    return WS_PRUNER_READS_NONE;
}

/* ---- dispatch ---- */

int ws_pruner_should_prune(const ws_pruner_cfg *cfg, const ws_history *h, const ws_trial *cur,
                           ws_prune_decision *out, ws_err *e)
{
    memset(out, 0, sizeof *out);
    const char *n = cfg->name;
    if (!strcmp(n, "nop")) {
        snprintf(out->reason, sizeof out->reason, "nop pruner never prunes");
        return 0;
    }
    if (!strcmp(n, "median") || !strcmp(n, "percentile")) return ws_percentile_should_prune(cfg, h, cur, out);
    if (!strcmp(n, "threshold")) return ws_threshold_should_prune(cfg, cur, out);
    if (!strcmp(n, "patient")) return ws_patient_should_prune(cfg, h, cur, out, e);
    if (!strcmp(n, "successive_halving"))
        return ws_halving_should_prune(cfg->min_resource, cfg->reduction_factor, cfg->min_early_stopping_rate,
                                       cfg->bootstrap_count, h, cur, out, e);
    if (!strcmp(n, "hyperband")) return ws_hyperband_should_prune(cfg, h, cur, out, e);
    return ws_err_set(e, WS_EINTERNAL, "pruner: unknown pruner '%s'", n);
}

/* ---- helpers ---- */

/* Optuna's _is_first_in_interval_step for the trial's last step. */
static int first_in_interval(const ws_trial *t, int64_t step, long warmup, long interval)
{
    int64_t nearest_lower = (step - warmup) / interval * interval + warmup;   /* step >= warmup here */
    int64_t second_last = -1;
    for (size_t i = 0; i < t->n_ivs; i++)
        if (t->ivs[i].step != step && t->ivs[i].step > second_last) second_last = t->ivs[i].step;
    return second_last < nearest_lower;
}

int ws_pruner_judges_step(const ws_pruner_cfg *cfg, const ws_trial *cur, long long step, ws_prune_decision *out)
{
    if (step < 0) { snprintf(out->reason, sizeof out->reason, "no intermediate value reported"); return 0; }
    if (step < cfg->n_warmup_steps) {
        snprintf(out->reason, sizeof out->reason, "warmup: step %lld < %ld", step, cfg->n_warmup_steps);
        return 0;
    }
    if (!first_in_interval(cur, step, cfg->n_warmup_steps, cfg->interval_steps)) {
        snprintf(out->reason, sizeof out->reason, "interval: step %lld is not checked", step);
        return 0;
    }
    return 1;
}

const ws_trial *ws_pruner_first_completed(const ws_history *h)
{
    const ws_trial *best = NULL;
    for (size_t i = 0; h->trials && i < h->trials->n; i++) {
        const ws_trial *t = &h->trials->v[i];
        if (t->state != WS_COMPLETE || t->n_ivs == 0) continue;
        if (!best) { best = t; continue; }
        double a = isnan(t->t_complete) ? INFINITY : t->t_complete;
        double b = isnan(best->t_complete) ? INFINITY : best->t_complete;
        if (a < b || (a == b && t->number < best->number)) best = t;
    }
    return best;
}

uint32_t ws_crc32(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

long ws_pruner_step_budget(const ws_pruner_cfg *cfg, const ws_history *h, int number)
{
    ws_hyperband_info info;
    if (!cfg || ws_hyperband_info_get(cfg, h, number, &info) || cfg->max_resource <= 0) return 0;
    return cfg->max_resource;
}

int ws_trial_epochs(const ws_config *cfg, const ws_pruner_cfg *pruner, const ws_history *h, int number, long *epochs,
                    ws_err *e)
{
    if (ws_budget_epochs(cfg->budget, number, epochs, e)) return -1;
    long hb = ws_pruner_step_budget(pruner, h, number);   /* hyperband's own budget wins */
    if (hb > 0) *epochs = hb / cfg->validations_per_epoch;   /* steps are validations; config.c has R whole epochs */
    return 0;
}
