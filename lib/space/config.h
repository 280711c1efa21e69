/* config.h — a study config (configs/studies/ files): name, direction, objective, constraints,
 * sampler, pruner, epoch budget, heartbeat, search space and fixed settings. Parsing validates
 * everything up front and names the field path and what was expected. The sampler and pruner
 * objects are kept raw here and parsed by lib/sampler and lib/pruner. */
#ifndef WS_SPACE_CONFIG_H
#define WS_SPACE_CONFIG_H
#include <jansson.h>
#include "core/err.h"
#include "space/space.h"

enum { WS_MINIMIZE = -1, WS_MAXIMIZE = 1 };
/* The longest study name, in characters: Optuna's studies.study_name is a String(512). */
#define WS_STUDY_NAME_MAX 512
/* 1 when name is a study name: 1 to WS_STUDY_NAME_MAX characters (the config's "study", suggest
 * --study). */
int ws_config_study_name_ok(const char *name);
/* The most epochs a trial trains: budget.epochs (suggest), a trial line's budget and
 * fixed.epochs (train-trial) all stop here, so a study never hands out trials it cannot train. */
#define WS_MAX_EPOCHS 100000

typedef struct {
    char *name;
    double max, min;     /* bounds; ±inf when not given */
} ws_constraint;

#define WS_MAX_FINE_STEPS 64   /* budget.fine_steps: a pruner's early rungs are a handful */

typedef struct ws_config {
    json_t *root;            /* the whole config as read (kept as a study attribute) */
    const char *study;       /* points into root */
    int direction;           /* WS_MINIMIZE or WS_MAXIMIZE */
    const char *objective;   /* metric that is the trial value; "value" when not given */
    ws_constraint *constraints; size_t n_constraints;
    json_t *sampler;         /* borrowed from root; may be NULL (defaults) */
    json_t *pruner;          /* borrowed from root; may be NULL */
    json_t *budget;          /* borrowed from root; may be NULL */
    int validations_per_epoch;    /* budget.validations_per_epoch (1): a trial validates, and
                                   * reports a step, this many times an epoch, so a pruner's
                                   * steps are 1/this of an epoch */
    int fine_epochs;         /* budget.fine_epochs: only the first this many epochs validate
                              * validations_per_epoch times, later ones once, at their end
                              * (0: every epoch) */
    int n_fine_steps;        /* budget.fine_steps: within the fine epochs, only these steps (and
                              * each epoch's end) validate; 0: every step */
    int fine_steps[WS_MAX_FINE_STEPS];   /* ascending, 1..fine_epochs * validations_per_epoch */
    json_t *fixed;           /* borrowed from root; may be NULL */
    double heartbeat_interval_s;  /* how often trainers beat (default 10) */
    double grace_s;          /* RUNNING trials silent longer than this are failed (default 120) */
    ws_space space;
} ws_config;

/* Reads and validates a config file. Errors start with its path as given (not cut to its last part).
 * "-" is standard input, named "stdin" (suggest --config -, as --fixed - reads it). */
int ws_config_load(ws_config *c, const char *path, ws_err *e);
/* Validates an already parsed config (takes a reference to root). */
int ws_config_parse(ws_config *c, json_t *root, const char *where, ws_err *e);
/* The checks a config file passes before a study keeps it (ws_config_load makes them), beyond
 * ws_config_parse's: ws_space_check_file's, budget.fine_epochs at most WS_MAX_EPOCHS, no setting
 * both in space and fixed, and no epochs in fixed or space when budget.epochs or hyperband's
 * max_resource sets every trial's. A study's
 * kept config, maybe written before one of them existed, is read with ws_config_parse alone, so
 * that prune-check, tell, report and train-trial still read it. */
int ws_config_check_file(const ws_config *c, const char *where, ws_err *e);
/* What sets every trial's epochs, "budget.epochs" or "hyperband's pruner.max_resource", which
 * train-trial takes over an "epochs" setting or parameter; NULL when nothing does. */
const char *ws_config_epochs_set_by(const ws_config *c);
void ws_config_release(ws_config *c);

/* Epochs for trial `number` from a budget: {"epochs": N} or {"epochs": [[upto, N], ..., [null, N]]}
 * (schedule by trial number: N epochs for trials below `upto`). 0 when no budget is given. */
int ws_budget_epochs(const json_t *budget, long number, long *epochs, ws_err *e);

#endif
