/* pruner.c — pruner config parsing and dispatch. */
#include "pruner/pruner.h"
#include <string.h>
#include "core/json.h"

int ws_percentile_should_prune(const ws_pruner_cfg *cfg, const ws_history *h, const ws_trial *cur,
                               ws_prune_decision *out);

int ws_pruner_parse(ws_pruner_cfg *cfg, const json_t *obj, const char *where, ws_err *e)
{
    static const char *const keys[] = {"name", "percentile", "n_startup_trials", "n_warmup_steps",
                                       "interval_steps", "n_min_trials", NULL};
    memset(cfg, 0, sizeof *cfg);
    strcpy(cfg->name, "median");
    cfg->percentile = 50;
    cfg->n_startup_trials = 5;
    cfg->interval_steps = 1;
    cfg->n_min_trials = 1;
    if (!obj) return 0;
    char path[600];
    snprintf(path, sizeof path, "%s: pruner", where);
    const char *name = NULL;
    if (ws_json_check_keys(obj, keys, path, e) || ws_json_get_string(obj, "name", path, &name, e)
        || ws_json_get_number(obj, "percentile", path, &cfg->percentile, e)
        || ws_json_get_int(obj, "n_startup_trials", path, &cfg->n_startup_trials, e)
        || ws_json_get_int(obj, "n_warmup_steps", path, &cfg->n_warmup_steps, e)
        || ws_json_get_int(obj, "interval_steps", path, &cfg->interval_steps, e)
        || ws_json_get_int(obj, "n_min_trials", path, &cfg->n_min_trials, e))
        return -1;
    if (name) {
        if (strcmp(name, "median") && strcmp(name, "percentile") && strcmp(name, "nop"))
            return ws_err_set(e, WS_EINPUT, "%s.name: unknown pruner '%s' (expected median, percentile or nop)", path, name);
        strcpy(cfg->name, name);
    }
    if (!strcmp(cfg->name, "median")) cfg->percentile = 50;
    if (cfg->percentile < 0 || cfg->percentile > 100)
        return ws_err_set(e, WS_EINPUT, "%s.percentile: must be in [0, 100] (got %g)", path, cfg->percentile);
    if (cfg->n_startup_trials < 0 || cfg->n_warmup_steps < 0)
        return ws_err_set(e, WS_EINPUT, "%s: n_startup_trials and n_warmup_steps must be >= 0", path);
    if (cfg->interval_steps < 1 || cfg->n_min_trials < 1)
        return ws_err_set(e, WS_EINPUT, "%s: interval_steps and n_min_trials must be >= 1", path);
    return 0;
}

void ws_pruner_cfg_release(ws_pruner_cfg *cfg) { (void)cfg; }

void ws_prune_decision_release(ws_prune_decision *d)
{
    if (!d) return;
    json_decref(d->set_system_attrs);
    d->set_system_attrs = NULL;
}

int ws_pruner_should_prune(const ws_pruner_cfg *cfg, const ws_history *h, const ws_trial *cur,
                           ws_prune_decision *out, ws_err *e)
{
    memset(out, 0, sizeof *out);
    if (!strcmp(cfg->name, "nop")) {
        snprintf(out->reason, sizeof out->reason, "nop pruner never prunes");
        return 0;
    }
    (void)e;
    return ws_percentile_should_prune(cfg, h, cur, out);
}
