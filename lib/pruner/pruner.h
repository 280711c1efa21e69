/* pruner.h — the pruner interface: after a trial reports an intermediate value, decide from the
 * study's history whether to stop it (Optuna's should_prune). Shared by prune-check and
 * train-trial. */
#ifndef WS_PRUNER_PRUNER_H
#define WS_PRUNER_PRUNER_H
#include <jansson.h>
#include "core/err.h"
#include "sampler/sampler.h"   /* ws_history */
#include "store/trial.h"

typedef struct ws_pruner_cfg {
    char name[16];             /* "median", "percentile", "nop", ... */
    double percentile;         /* percentile: q in [0, 100]; median is 50 */
    long n_startup_trials;     /* no pruning until this many COMPLETE trials (5) */
    long n_warmup_steps;       /* no pruning before this step (0) */
    long interval_steps;       /* check at most once per interval (1) */
    long n_min_trials;         /* completed trials needed at the step (1) */
} ws_pruner_cfg;

typedef struct {
    int prune;                 /* 1 = stop the trial */
    char reason[256];          /* why, in words, for the JSON line */
    json_t *set_system_attrs;  /* attributes to store on the trial (e.g. completed_rung_k), or NULL */
} ws_prune_decision;

/* Parses the study config's "pruner" object (NULL → Optuna's default, the median pruner). */
int ws_pruner_parse(ws_pruner_cfg *cfg, const json_t *obj, const char *where, ws_err *e);
void ws_pruner_cfg_release(ws_pruner_cfg *cfg);
/* Decides for trial `cur` (its intermediate values already include the latest report). */
int ws_pruner_should_prune(const ws_pruner_cfg *cfg, const ws_history *h, const ws_trial *cur,
                           ws_prune_decision *out, ws_err *e);
void ws_prune_decision_release(ws_prune_decision *d);

#endif
