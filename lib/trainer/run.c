/* run.c — one trial from trial line to result line (see trainer.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "audio/cache.h"
#include "audio/finite.h"
#include "audio/hash64.h"
#include "core/atomic.h"
#include "core/cli.h"
#include "core/clock.h"
#include "core/fdio.h"
#include "core/json.h"
#include "core/rng.h"
#include "core/text.h"
#include "pruner/pruner.h"
#include "report/summary.h"
#include "sampler/sampler.h"
#include "study/seed.h"
#include "space/config.h"
#include "store/store.h"
#include "store/trial_json.h"
#include "study/prune.h"
#include "study/reap.h"
#include "core/proc.h"
#include "study/data.h"
#include "study/finished.h"
#include "study/reap.h"
#include "trainer/best.h"
#include "trainer/data.h"
#include "trainer/grow.h"
#include "trainer/heartbeat.h"
#include "trainer/memory.h"
#include "trainer/metric_names.h"
#include "trainer/result_store.h"
#include "trainer/settings.h"
#include "trainer/tell_cmd.h"
#include "trainer/trainer.h"

/* How a trial's reason starts when its settings, each taken, are refused together or describe a
 * model the cache cannot feed: the point drawn is infeasible, not the input bad. */
#define INFEASIBLE "infeasible parameters"

typedef struct {
    const trainer_opts *o;
    ws_store *store;
    ws_study study;
    ws_config cfg;
    ws_pruner_cfg pruner;
    int number;
    int has_seed;                   /* the trial line gave "seed" */
    int64_t trial_id;
    json_t *stored_params;          /* the trial's params as the study holds them (external values) */
    int params_in_space;            /* each of them lies in the distribution the study records for it */
    int infeasible;                 /* prepare failed on the point the study drew (drawn_point) */
    int own_params_refused;         /* ... or on the trial's own params, refused alone (refused_own_params) */
    json_t *kept_seed;              /* the trial's seed as the study keeps it (WS_ATTR_SEED), or NULL */
    int budget_number;              /* whose epochs a schedule gives it: a retry's, the retried trial's */
    uint64_t seed;
    trainer_settings set;
    audio_cache cache;
    trainer_data data;
    int stats_new;                  /* data's statistics were computed here, not yet in the study */
    char data_hash[17];             /* the cache's data hash (hex), once computed */
    int data_recorded;              /* the study records that hash (study/data.h) */
    int *train_idx, *val_idx;       /* clip indices of the training and validation splits */
    float *val_scores, *val_logits; /* [n_val] the wake word's scores; [n_val][classes], device path */
    int *val_pos;                   /* [n_val] 1 for a clip of the wake word */
    size_t n_train, n_val;
    size_t n_fit;                   /* training clips batched an epoch: n_train, or one less (fit_count) */
    int positive;                   /* class id of the wake word, or -1 */
    const char *objective;          /* key in the metrics JSON */
    nn_model *model;
    nn_optim *optim;
    float *x, *logits;              /* [batch][frames][n_feat], [batch][classes] */
    int *labels, *batch_idx;        /* [batch] */
    nn_dtrain *dt;                  /* training on a device (o->device is CUDA), else NULL */
    uint64_t *bseed;                /* device path, per batch of an epoch: seed, noise stream, loss */
    int *bnoise;
    double *bloss;
    trainer_heartbeat hb;
    int moved;                      /* the study file was found deleted or replaced (study_moved) */
    ws_file_id file;                /* the study file claimed: the heartbeat's and grow watch's must be it */
    trainer_grow grow;              /* CPU threads, and more of them when the sweep leaves cores idle */
    /* outcome */
    ws_state state;
    char reason[320];
    int per;                        /* validations an epoch (budget.validations_per_epoch) */
    int fine_epochs;                /* epochs validated per times (budget.fine_epochs); later: once */
    long dev_unchecked;             /* device: the epoch's first batch whose loss has not come back */
    int has_best, has_stop_ref;     /* has_best: a validation has been made (the first sets it) */
    long steps_done, best_step;     /* parts of an epoch trained; the step of the best validation */
    double best_value, last_value, last_loss;
    double stop_ref;                /* early stopping's reference: moves only by more than min_delta */
    json_t *best_metrics, *last_metrics;   /* of the best and of the latest validation */
    double t_setup, t_train, t_eval;
    char ckpt_dir[PATH_MAX], ckpt[PATH_MAX + 32];
} run_ctx;

/* What a wake-word metric needs in the validation split to be defined: a clip of the wake word
 * (F1, FRR), a clip of another class (FPR), or any clip (binary_accuracy, the others). */
typedef enum { NEEDS_ANY_CLIP, NEEDS_WAKE_CLIP, NEEDS_OTHER_CLIP } metric_need;

static metric_need metric_needs(const char *k)
{
    if (!strcmp(k, "f1") || !strcmp(k, "frr") || !strcmp(k, "at_fpr.f1") || !strcmp(k, "at_fpr.frr"))
        return NEEDS_WAKE_CLIP;
    if (!strcmp(k, "fpr") || !strcmp(k, "at_fpr.fpr")) return NEEDS_OTHER_CLIP;
    return NEEDS_ANY_CLIP;
}

/* The metric named k (trainer_check_metric_names passed it) in a validation's metrics; NULL when it has none. */
static const json_t *metric_of(const json_t *metrics, const char *k)
{
    if (!strncmp(k, "at_fpr.", 7)) return json_object_get(json_object_get(metrics, "at_fpr"), k + 7);
    return json_object_get(metrics, k);
}

/* --- the trial line and the study -------------------------------------------------------- */

static int parse_line(run_ctx *c, const json_t *line, const char **study, const json_t **params, long *epochs, ws_err *e)
{
    static const char *const keys[] = {"study", "trial", "params", "budget", "seed", NULL};
    long number = -1, seed = 0;
    *study = NULL;
    if (!json_is_object(line)) return ws_err_set(e, WS_EINPUT, "trial line: expected a JSON object");
    if (ws_json_check_keys(line, keys, "trial line", e) || ws_json_get_string(line, "study", "trial line", study, e)
        || ws_json_get_int(line, "trial", "trial line", &number, e) || ws_json_get_int(line, "seed", "trial line", &seed, e))
        return -1;
    if (!*study || number < 0) return ws_err_set(e, WS_EINPUT, "trial line: needs \"study\" and \"trial\" (a number >= 0)");
    /* a trial seed, as suggest makes them and the study keeps them (study_trial_seed_kept): one
     * outside trained, and kept for a trial (keep_seed) it was refused by a retry and train-trial */
    if (seed < 0 || seed > 0x7fffffff)
        return ws_err_set(e, WS_EINPUT, "trial line: seed: expected 0..2147483647 (a trial seed, as suggest prints "
                          "them), got %ld", seed);
    if (number > INT32_MAX) return ws_err_set(e, WS_EINPUT, "trial line: trial: expected 0..%d, got %ld", INT32_MAX, number);
    *params = json_object_get(line, "params");
    if (*params && !json_is_object(*params)) return ws_err_set(e, WS_EINPUT, "trial line: params: expected an object");
    static const char *const budget_keys[] = {"epochs", NULL};
    json_t *budget = json_object_get(line, "budget");
    *epochs = 0;   /* none: the study's */
    if (budget && !json_is_object(budget)) return ws_err_set(e, WS_EINPUT, "trial line: budget: expected an object");
    if (budget && (ws_json_check_keys(budget, budget_keys, "trial line: budget", e)
                   || ws_json_get_int(budget, "epochs", "trial line: budget", epochs, e)))
        return -1;
    if (budget && json_object_get(budget, "epochs") && (*epochs < 1 || *epochs > WS_MAX_EPOCHS))
        return ws_err_set(e, WS_EINPUT, "trial line: budget.epochs: expected 1..%d, got %ld", WS_MAX_EPOCHS, *epochs);
    c->number = (int)number;
    c->seed = (uint64_t)seed;
    c->has_seed = json_object_get(line, "seed") != NULL;
    return 0;
}

/* Marks the trial FAIL with reason, refused for bad input (exit 2: the device, the cache, a
 * setting every trial would meet), and queues its params again as a WAITING copy, as
 * study_reap_dead does for a trial whose process died (best effort: the error being reported
 * matters more). Nothing of the trial was a result: finished plain FAIL, it stayed its pipeline
 * target's result (suggest --unless-done), and the make sweep run after the input was put right
 * rebuilt the refused targets' trial files as FAIL, training nothing, and ended 0. */
static void fail_trial(run_ctx *c, const char *reason)
{
    ws_err ignore;
    if (c->own_params_refused) study_fail_refused(c->store, &c->study, c->trial_id, reason, &ignore);
    else study_fail_requeue(c->store, &c->study, c->trial_id, reason, &ignore);
}

/* The pid of another train-trial that trains trial t now, or 0: its recorded process
 * (wakesweep:pid, on this host, started when wakesweep:pid_start says) lives and runs this
 * program. suggest --pid records the pid of a
 * script that then runs train-trial (pipelines/trial.sh): not this program, so not another
 * trainer. "This program" is the same executable file or command name, so that a train-trial of
 * another build or checkout counts. A process of another host cannot be looked at: 0. */
static long long other_trainer(const ws_trial *t)
{
    const char *host = json_string_value(json_object_get(t->system_attrs, WS_ATTR_HOST));
    json_t *pid = json_object_get(t->system_attrs, WS_ATTR_PID);
    if (!host || strcmp(host, ws_hostname()) || !json_is_integer(pid)) return 0;
    long long p = json_integer_value(pid);
    if (p <= 0 || p == (long long)getpid() || study_recorded_process_gone(t->system_attrs, p)) return 0;
    return ws_process_same_program(p) ? p : 0;
}

/* In a transaction: trial c->number's row locked to its end, whatever its state (a finished
 * one is said by the caller). */
static int lock_trial_row(run_ctx *c, ws_err *e)
{
    ws_trial t;
    ws_err gone = {0};
    if (ws_store_trial_load(c->store, &c->study, c->number, 0, &t, e)) return -1;
    int64_t id = t.trial_id;
    ws_trial_release(&t);
    if (ws_store_trial_require_running(c->store, id, &gone) && gone.kind != WS_ESTATE) {
        *e = gone;
        return -1;
    }
    return 0;
}

/* claim: this process trains the trial. Two train-trials given one line (run twice by hand)
 * both trained it: the loser's weights overwrote trial-N.ckpt, and best.ckpt could be copied
 * from them, while the study holds the winner's value. So the check and this process's pid go
 * in one write transaction, before anything is written to the trial (a bad input of the second
 * process would otherwise fail the first's trial). */
static int open_study(run_ctx *c, const char *study, int claim, ws_err *e)
{
    int found;
    ws_trial t;
    /* the study as the trial line's field names it, as its other errors do */
    if (ws_store_open(&c->store, c->o->db, 0, e) || ws_store_study_named(c->store, study, "trial line: study", &c->study, e)
        || ws_store_study_config(c->store, &c->study, &c->cfg, &found, e))
        return -1;
    /* the store's path: a PostgreSQL URL without its password, as every other message names it */
    if (!found)
        return ws_err_set(e, WS_EINPUT, "%s: study '%s' has no wakesweep config (create it with suggest)",
                          ws_store_path(c->store), study);
    /* named as ws_store_study_config names the config: "study config" alone named no study or file */
    if (ws_pruner_parse(&c->pruner, c->cfg.pruner, "study config", e))
        return ws_err_prefix(e, "%s: study '%s'", ws_store_path(c->store), study);
    if (claim && ws_store_begin(c->store, e)) return -1;
    /* The trial's row locked before its pid is read: SQLite's write transaction locks it all, but
     * PostgreSQL locks only the rows a transaction locks itself, and two train-trials that read
     * the trial at once both found no other trainer and both trained it. A trial no longer
     * RUNNING is said below, as open_study says it ("not RUNNING"). */
    if (claim && lock_trial_row(c, e)) { ws_store_rollback(c->store); return -1; }
    if (ws_store_trial_load(c->store, &c->study, c->number, WS_LOAD_PARAMS | WS_LOAD_ATTRS, &t, e)) {
        if (claim) ws_store_rollback(c->store);
        return -1;
    }
    c->trial_id = t.trial_id;
    c->stored_params = ws_params_json(t.params, t.n_params);
    c->params_in_space = 1;
    for (size_t i = 0; i < t.n_params; i++) c->params_in_space &= ws_dist_contains(&t.params[i].dist, t.params[i].internal);
    c->kept_seed = json_incref(json_object_get(t.system_attrs, WS_ATTR_SEED));
    c->budget_number = study_budget_number(t.system_attrs, c->number);
    ws_state st = t.state;
    long long other = st == WS_RUNNING ? other_trainer(&t) : 0;
    /* The process suggest --pid recorded, where it runs this one (pipelines/trial.sh), stays the
     * trial's owner once this process records its own pid below: suggest --reap then waits for it
     * too, and so does not fail the trial while that script has still to record the result this
     * process could not store (exit 3), or to tell this process's crash (see study_keep_owner).
     * wakesweep:pid stays this process's, for other_trainer and gpu-monitor's samples. */
    int owner_rc = claim && st == WS_RUNNING && !other ? study_keep_owner(c->store, c->trial_id, t.system_attrs, e) : 0;
    ws_trial_release(&t);
    if (owner_rc) { ws_store_rollback(c->store); return -1; }
    if (st != WS_RUNNING || other) {
        if (claim) ws_store_rollback(c->store);
        if (other)
            return ws_err_set(e, WS_ESTATE, "study '%s': trial %d is being trained by train-trial process %lld (one "
                              "process trains a trial)", study, c->number, other);
        ws_err_set(e, WS_ESTATE, "study '%s': trial %d is %s, not RUNNING", study, c->number, ws_state_name(st));
        /* why, as tell and prune-check say it: a trial the README's tour leaves RUNNING is failed as
         * stale and queued again by the next suggest after the grace period */
        study_say_finished(c->store, &c->study, c->number, e);
        return -1;
    }
    if (!claim) return 0;
    /* pid, host and start: for gpu-monitor's per-trial samples and for reaping after a crash */
    if (study_record_process(c->store, c->trial_id, getpid(), e)) { ws_store_rollback(c->store); return -1; }
    return ws_store_commit(c->store, e);
}

/* --- data and model ------------------------------------------------------------------------- */

static int split_indices(run_ctx *c, ws_err *e)
{
    size_t n = c->cache.n_clips;
    c->train_idx = malloc((n ? n : 1) * sizeof *c->train_idx);
    c->val_idx = malloc((n ? n : 1) * sizeof *c->val_idx);
    if (!c->train_idx || !c->val_idx) return ws_err_set(e, WS_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (c->cache.splits[i] == AUDIO_SPLIT_TRAIN) c->train_idx[c->n_train++] = (int)i;
        else if (c->cache.splits[i] == AUDIO_SPLIT_VALIDATION) c->val_idx[c->n_val++] = (int)i;
    }
    if (!c->n_train || !c->n_val)
        return ws_err_set(e, WS_EINPUT, "%s: needs clips in the training and validation splits (has %zu and %zu)",
                          c->o->features, c->n_train, c->n_val);
    if (c->positive < 0) return 0;
    /* the wake-word operating point of every validation (metrics.at_fpr) ranks the clips' scores */
    c->val_scores = malloc(c->n_val * sizeof *c->val_scores);
    c->val_pos = malloc(c->n_val * sizeof *c->val_pos);
    if (!c->val_scores || !c->val_pos) return ws_err_set(e, WS_ENOMEM, "out of memory");
    size_t n_pos = 0;
    for (size_t i = 0; i < c->n_val; i++) n_pos += c->val_pos[i] = c->cache.labels[c->val_idx[i]] == c->positive;
    /* An objective or a constraint the split leaves undefined (null) at every validation: the
     * value read 0 and the constraint infeasible for every trial, so a whole sweep ran to learn
     * nothing. The data's fault, found before training: bad input. */
    for (size_t i = 0; i <= c->cfg.n_constraints; i++) {
        const char *k = i == 0 ? c->objective : c->cfg.constraints[i - 1].name;
        metric_need need = metric_needs(k);
        if (need == NEEDS_ANY_CLIP || (need == NEEDS_WAKE_CLIP ? n_pos : c->n_val - n_pos) > 0) continue;
        return ws_err_set(e, WS_EINPUT, "%s: the validation split has no clip of %s (%zu of its %zu clip%s %s '%s'), so "
                          "the %s %s would be undefined at every validation; expected one at least", c->o->features,
                          need == NEEDS_WAKE_CLIP ? "the wake word" : "a class other than the wake word", n_pos, c->n_val,
                          ws_plural(c->n_val), n_pos == 1 ? "is" : "are", c->set.positive,
                          i == 0 ? "objective" : "constraint on", k);
    }
    return 0;
}

/* The line's params must be those the study holds for the trial: the result is recorded against
 * the stored ones, from which the sampler learns (Optuna ties a value to trial.params). Numbers
 * compare by value: a line passed through jq has 6 where suggest printed 6.0. */
static int check_params(const run_ctx *c, const json_t *params, ws_err *e)
{
    if (!c->stored_params) return ws_err_set(e, WS_ENOMEM, "out of memory");
    const char *key = NULL, *k;   /* params may be NULL: jansson reads it as no keys */
    json_t *v;
    json_object_foreach(c->stored_params, k, v) if (!key && !ws_json_scalar_equal(v, json_object_get(params, k))) key = k;
    json_object_foreach((json_t *)params, k, v) if (!key && !json_object_get(c->stored_params, k)) key = k;
    if (!key) return 0;
    return ws_err_set(e, WS_EINPUT, "trial line: params.%s: not the study's value for trial %d (give the line suggest "
                      "printed; fixed settings go in the config or suggest --fixed)", key, c->number);
}

/* 1 when the params of the line, refused together (trainer_settings.refused_together: snr_low
 * above snr_high), are a point the study drew: the study's record of the trial (check_params),
 * each within the distribution it records for it (an enqueued value outside it is the user's,
 * as a line edited by hand is), of a config suggest takes (no fixed setting, range end or choice
 * refused alone: trainer_settings_check_config). Then the refusal is of the combination a sampler
 * drew from ranges that overlap, and the trial fails as Optuna's optimize(catch=(ValueError,))
 * fails it, the sweep going on; else it is bad input, which stops the sweep (exit 2). */
static int drawn_point(const run_ctx *c, const json_t *params)
{
    ws_err ignore;
    return c->params_in_space && !check_params(c, params, &ignore)
        && !trainer_settings_check_config(&c->cfg, "study config", &ignore);
}

/* 1 when the params that the parser refused (not together) are the trial's own, those the study
 * records for it (check_params), with the study's fixed settings taken without them: a set
 * queued by suggest --enqueue or --fixed (batch_size 0, a name train-trial does not know). No
 * input put right trains them, and a copy queued again was claimed first by every later suggest
 * and refused again: the trial fails without one (fail_trial). */
static int refused_own_params(const run_ctx *c, const json_t *params, long epochs)
{
    ws_err ignore;
    trainer_settings s;
    int fixed_taken = !trainer_settings_parse(&s, c->cfg.fixed, NULL, epochs, "study config", &ignore);
    trainer_settings_release(&s);
    return fixed_taken && params && json_object_size(params) && !check_params(c, params, &ignore);
}

/* The seed suggest gave trial c->number, for a line without one (every such line trained with
 * seed 0, the same initial weights and batches whatever the trial): the one the study keeps for
 * the trial, else (a trial suggest made before it kept them, or one Optuna made) the one suggest
 * without --seed gives it: the config's sampler.seed, else the study seed it stored. */
static int trial_seed(run_ctx *c, ws_err *e)
{
    int kept = study_trial_seed_kept(c->kept_seed, c->number, &c->seed, e);
    if (kept) return kept < 0 ? ws_err_prefix(e, "%s: study '%s'", ws_store_path(c->store), c->study.name) : 0;
    ws_sampler_cfg sc;
    if (ws_sampler_parse(&sc, c->cfg.sampler, "study config", e))
        return ws_err_prefix(e, "%s: study '%s'", ws_store_path(c->store), c->study.name);
    uint64_t seed;
    int found, stored;
    if (study_seed(c->store, &c->study, &sc, &seed, &found, &stored, e)) return -1;
    c->seed = ws_trial_seed(seed, c->number);
    return 0;
}

/* The cache's class names for a message, quoted, as many as fit in buf (a corpus of many words
 * has thousands): a wake word that is not one of them (kws-default's hey_nova on one's own
 * corpus, hey_nova for a folder "hey nova") is found at a glance. */
static const char *class_list(const audio_cache *cache, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = 0;
    for (int k = 0; k < cache->n_classes; k++) {
        int n = snprintf(buf + len, cap - len, "%s'%s'", k ? ", " : "", cache->class_names[k]);
        if (n < 0 || (size_t)n >= cap - len - 16) {   /* room kept for the tail */
            buf[len] = 0;
            snprintf(buf + len, cap - len, ", ... %d in all", cache->n_classes);
            break;
        }
        len += (size_t)n;
    }
    return buf;
}

/* ": did you mean 'C' (bytes B)?" for the cache's classes C that differ from name only in white
 * space, invisible characters or letter case (ws_text_loose), in buf, else "": a lone class
 * "hey_nova\xe2\x80\x8b" (a zero-width space pasted from a web page) or "hey_nova " (a space a
 * script left) has no twin for featurize to note, and shows in the list of classes as the very
 * name asked for. Its bytes tell them apart, and name's own where it has bytes one cannot see. */
static const char *class_like(const audio_cache *cache, const char *name, char *buf, size_t cap)
{
    char *key = ws_text_loose(name), *mine = ws_text_bytes(name);
    size_t len = 0;
    buf[0] = 0;
    for (int k = 0; key && mine && k < cache->n_classes; k++) {
        char *other = ws_text_loose(cache->class_names[k]), *bytes = ws_text_bytes(cache->class_names[k]);
        int n = 0, hidden = strcmp(mine, name) != 0;
        if (other && bytes && !strcmp(key, other))
            n = snprintf(buf + len, cap - len, "%s'%s' (bytes %s%s%s%s%s)", len ? " or " : ": did you mean ",
                         cache->class_names[k], bytes, hidden ? ", where '" : "", hidden ? name : "",
                         hidden ? "' is " : "", hidden ? mine : "");
        free(other);
        free(bytes);
        if (n < 0 || (size_t)n >= cap - len - 1) { buf[len] = 0; break; }   /* room kept for the '?' */
        len += (size_t)n;
    }
    if (len) snprintf(buf + len, cap - len, "?");
    free(key);
    free(mine);
    return buf;
}

/* The cache's data against the study's record (study/data.h): compared before training, as its
 * feature settings are, so that a cache of other data is refused before it trains; recorded
 * (record 1) only once its checksum pass has matched, as nothing made from the data is stored
 * before (a damaged file's hash is not its data's). A refusal waits for that pass first, so that
 * a damaged cache is said to be damaged rather than other data. */
static int data_check(run_ctx *c, int record, ws_err *e)
{
    if (c->data_recorded) return 0;
    if (!c->data_hash[0]) audio_hash64_hex(audio_cache_data_hash(&c->cache), c->data_hash);
    ws_err why = {0};
    if (!study_data_check(c->store, &c->study, c->o->features, c->data_hash, record, &c->data_recorded, &why)) return 0;
    if (why.kind == WS_EINPUT && audio_cache_verify_wait(&c->cache, e)) return -1;
    *e = why;
    return -1;
}

/* The line's seed must be the one the study keeps for the trial, as its params must be the
 * study's (check_params): a seed edited by hand trained while the study, report and a retry
 * kept suggest's, so the study named a seed the trial never trained with. A trial the study
 * keeps no seed for (an older suggest's, or Optuna's) trains with the line's, which keep_seed
 * then keeps for it; a kept one that is no trial seed is said, as for a line without one. */
static int check_seed(run_ctx *c, ws_err *e)
{
    uint64_t kept;
    int k = study_trial_seed_kept(c->kept_seed, c->number, &kept, e);
    if (k < 0) return ws_err_prefix(e, "%s: study '%s'", ws_store_path(c->store), c->study.name);
    if (!k || kept == c->seed) return 0;
    return ws_err_set(e, WS_EINPUT, "trial line: seed: %llu is not the study's seed for trial %d (%llu, which "
                      "suggest printed): give the line suggest printed, or leave \"seed\" out to train with the "
                      "study's", (unsigned long long)c->seed, c->number, (unsigned long long)kept);
}

/* A trial the study keeps no seed for (a line of a suggest older than wakesweep:seed, a trial
 * Optuna made) trained with the line's seed, or the one trial_seed gave it, and the study named
 * it nowhere: report said null, and the trial could not be trained again as it was. Kept now as
 * suggest keeps it, once the line is taken and before training, so that a retry of a trial
 * killed in training (--reap, --grace) trains with it too. */
static int keep_seed(run_ctx *c, ws_err *e)
{
    if (c->kept_seed) return 0;
    json_t *j = json_integer((json_int_t)c->seed);
    int rc = j ? ws_store_trial_attr_set(c->store, c->trial_id, 1, WS_ATTR_SEED, j, e)
               : ws_err_set(e, WS_ENOMEM, "out of memory");
    json_decref(j);
    return rc;
}

static int prepare(run_ctx *c, const json_t *params, long epochs, ws_err *e)
{
    /* a line without a seed, as one without a budget: the seed suggest gives this trial */
    if (c->has_seed ? check_seed(c, e) : trial_seed(c, e)) return -1;
    /* a line without a budget (written by hand, or edited): the epochs suggest gives this trial */
    if (!epochs) {
        ws_trial_list none = {0};
        ws_history h = {c->study.name, c->study.direction, &none, NULL, c->number, NULL};
        if (ws_trial_epochs(&c->cfg, &c->pruner, &h, c->budget_number, &epochs, e)) return -1;
    }
    /* params NULL (a line without them): the fixed settings alone */
    if (trainer_settings_parse(&c->set, c->cfg.fixed, params, epochs, "trial line", e)) {
        c->infeasible = c->set.refused_together && drawn_point(c, params);
        c->own_params_refused = !c->set.refused_together && refused_own_params(c, params, epochs);
        return -1;
    }
    if (check_params(c, params, e)) return -1;
    c->per = c->cfg.validations_per_epoch;
    c->fine_epochs = c->cfg.fine_epochs ? c->cfg.fine_epochs : INT_MAX;
    if (c->per > 1 && c->set.validate_every > 1)
        return ws_err_set(e, WS_EINPUT, "study config: budget.validations_per_epoch %d with %s.validate_every %d: validate "
                          "more than once an epoch or less, not both", c->per, trainer_settings_origin(params, "validate_every"),
                          c->set.validate_every);
    /* bad input, so the trial fails with the reason, as for a cache that cannot be opened */
    if (!*c->o->features) return ws_err_set(e, WS_EINPUT, "--features: empty path");
    if (audio_cache_open(&c->cache, c->o->features, AUDIO_CACHE_VERIFY_LATER, e)
        || trainer_settings_check_cache(&c->set, &c->cache, c->o->features, e) || data_check(c, 0, e))
        return -1;
    /* a property of the cache, as n_mfcc below: found when the model was built it failed every
     * trial of a sweep with exit 0 ("model: 1 classes") instead of stopping it */
    if (c->cache.n_classes < 2)
        return ws_err_set(e, WS_EINPUT, "%s: %d class%s%s%s: a classifier needs at least 2", c->o->features,
                          c->cache.n_classes, c->cache.n_classes == 1 ? " (" : "es",
                          c->cache.n_classes == 1 ? c->cache.class_names[0] : "", c->cache.n_classes == 1 ? ")" : "");
    c->positive = -1;
    if (c->set.positive && (c->positive = audio_cache_class_id(&c->cache, c->set.positive)) < 0) {
        char names[600];
        /* a class featurize left out (a folder of unreadable files): its folder is there, so "not
         * one of the classes" alone sent the user looking for a misspelling */
        const char *why = audio_cache_left_out(&c->cache, c->set.positive);
        if (why)
            return ws_err_set(e, WS_EINPUT, "%s.positive: '%s' is not one of the %d classes of %s (%s): featurize left it "
                              "out, as %s; expected a wake word with clips in the cache",
                              trainer_settings_origin(params, "positive"), c->set.positive, c->cache.n_classes,
                              c->o->features, class_list(&c->cache, names, sizeof names), why);
        /* the hint ends the message: the list gives up room for it, lest the message be cut there */
        char like[400];
        class_like(&c->cache, c->set.positive, like, sizeof like);
        return ws_err_set(e, WS_EINPUT, "%s.positive: '%s' is not one of the %d classes of %s (%s); expected the wake "
                          "word's class as the corpus names it%s", trainer_settings_origin(params, "positive"),
                          c->set.positive, c->cache.n_classes, c->o->features,
                          class_list(&c->cache, names, like[0] ? 300 : sizeof names), like);
    }
    /* noise_prob on a cache without noise streams mixed nothing, without a word: a searched
     * noise_prob was a parameter that did nothing (t3900's tone cache had none, and its noise
     * tests mixed none) */
    if (c->set.hp.aug.noise_prob > 0 && !c->cache.n_noise)
        return ws_err_set(e, WS_EINPUT, "%s: noise_prob %g, but the cache has no background-noise streams (featurize "
                          "takes them from _background_noise_/ or manifest lines labelled so)", c->o->features,
                          c->set.hp.aug.noise_prob);
    const nn_loss_config *lc = &c->set.hp.loss;
    if (!lc->balanced && lc->class_weights && lc->n_class_weights != c->cache.n_classes)
        return ws_err_set(e, WS_EINPUT, "%s.class_weights: %d weight%s for the %d classes of %s (one per class, in the cache's "
                          "order)", trainer_settings_origin(params, "class_weights"), lc->n_class_weights,
                          ws_plural((size_t)lc->n_class_weights), c->cache.n_classes, c->o->features);
    /* before training, as the weights above: found in setting up the data it failed the trial
     * with exit 0, so a sweep with a fixed n_mfcc too large failed every trial instead of stopping */
    if (c->set.transform == TRAINER_MFCC && c->set.n_mfcc > c->cache.n_mels) {
        const char *origin = json_object_get(c->set.merged, "n_mfcc") ? trainer_settings_origin(params, "n_mfcc") : NULL;
        return ws_err_set(e, WS_EINPUT, "%s%s: expected 1..%d (the cache's n_mels), got %d", origin ? origin : "",
                          origin ? ".n_mfcc" : "n_mfcc (the default)", c->cache.n_mels, c->set.n_mfcc);
    }
    if (trainer_check_metric_names(&c->cfg, "study config", "", e)) return -1;
    c->objective = strcmp(c->cfg.objective, "value") ? c->cfg.objective : c->positive >= 0 ? "f1" : "accuracy";
    if (c->positive < 0 && trainer_metric_needs_positive(c->objective))
        return ws_err_set(e, WS_EINPUT, "study config: objective '%s' needs fixed.positive (the wake-word class)", c->objective);
    /* A study minimizing f1 (a config without a direction: minimize, Optuna's default) took a
     * validation's drop for an improvement: it kept the worst weights, gave the trial its worst
     * value and early-stopped on rises. Checked here, where the objective is a validation's
     * metric (the default one known), not by suggest: a study whose values tell(1) gives may
     * minimize a loss whatever objective its config names (tests/cli/study.json's f1 is so used).
     * A study keeps its direction: the way out is a new one, of another name (suggest refuses the
     * same name with another direction). */
    if (trainer_metric_maximized(c->objective) != (c->study.direction == WS_MAXIMIZE)) {
        int up = trainer_metric_maximized(c->objective);
        return ws_err_set(e, WS_EINPUT, "study '%s' has direction %s, but its objective %s%s is better %s: make a study of "
                          "another name with \"direction\": \"%s\" in its config (a study keeps its direction)", c->study.name,
                          up ? "minimize" : "maximize", c->objective, strcmp(c->cfg.objective, "value") ? "" :
                          c->positive >= 0 ? " (the default, with fixed.positive)" : " (the default, without fixed.positive)",
                          up ? "higher" : "lower", up ? "maximize" : "minimize");
    }
    for (size_t i = 0; i < c->cfg.n_constraints; i++) {
        const char *k = c->cfg.constraints[i].name;
        if (c->positive < 0 && trainer_metric_needs_positive(k))
            return ws_err_set(e, WS_EINPUT, "study config: constraints.%s needs fixed.positive (the wake-word class)", k);
    }
    return split_indices(c, e);
}

/* The device path: the data goes to the device once, batches never come back. */
static int build_device(run_ctx *c, int max_batch, long total_steps, long warmup_steps, ws_err *e)
{
    int B = c->set.batch_size;
    size_t nb = (c->n_fit + (size_t)B - 1) / (size_t)B;
    nn_data_desc d;
    nn_noise *noise = NULL;
    c->bseed = malloc(nb * sizeof *c->bseed);
    c->bnoise = malloc(nb * sizeof *c->bnoise);
    c->bloss = malloc(nb * sizeof *c->bloss);
    if (!c->bseed || !c->bnoise || !c->bloss) return ws_err_set(e, WS_ENOMEM, "out of memory");
    if (c->positive >= 0 && !(c->val_logits = malloc(c->n_val * (size_t)c->cache.n_classes * sizeof *c->val_logits)))
        return ws_err_set(e, WS_ENOMEM, "out of memory");
    if (trainer_data_desc(&c->data, &d, &noise, e)) return -1;
    c->dt = nn_dtrain_create(c->o->device, c->model, &c->set.hp, total_steps, warmup_steps, &d, B,
                             max_batch, c->n_train, c->val_idx, c->n_val, e);
    free(noise);
    return c->dt ? 0 : -1;
}

/* The study attribute holding the standardization of this cache's training split under this
 * transform: the same for every trial, so the first computes it and the others read it (it
 * costs a pass over 512 clips, most of a trial's time to its first step otherwise). */
static void stats_key(const run_ctx *c, char *key, size_t cap)
{
    char sum[17];
    audio_hash64_hex(c->cache.checksum, sum);
    snprintf(key, cap, "%s%s:%s:%d", WS_ATTR_NORMALIZE, sum, c->set.transform == TRAINER_MFCC ? "mfcc" : "logmel",
             c->set.transform == TRAINER_MFCC ? c->set.n_mfcc : c->cache.n_mels);
}

static int data_init(run_ctx *c, int B, ws_err *e)
{
    char key[128];
    json_t *kept = NULL;
    ws_err soft;
    stats_key(c, key, sizeof key);
    if (!ws_store_study_attr_get(c->store, c->study.id, 1, key, &kept, &soft) && kept &&
        !trainer_data_init_stats(&c->data, &c->cache, c->set.transform, c->set.n_mfcc, kept, B, &soft)) {
        json_decref(kept);
        return 0;
    }
    json_decref(kept);
    if (trainer_data_init(&c->data, &c->cache, c->set.transform, c->set.n_mfcc, c->train_idx, c->n_train, B, e)) return -1;
    c->stats_new = 1;
    return 0;
}

/* Once the cache's checksum has matched: statistics computed here go to the study. */
static void stats_publish(run_ctx *c)
{
    if (!c->stats_new) return;
    c->stats_new = 0;
    char key[128];
    ws_err soft;
    json_t *v = trainer_data_stats_json(&c->data);
    stats_key(c, key, sizeof key);
    ws_store_study_attr_set(c->store, c->study.id, 1, key, v, &soft);   /* best effort: the next trial recomputes */
    json_decref(v);
}

/* c->n_fit: the clips an epoch batches. A model whose batch norm normalizes a 1x1 map cannot
 * train on a batch of one sample (torch: "Expected more than 1 value per channel when
 * training"; nn_forward refuses it too): an epoch's last batch of one clip is left out, as
 * DataLoader's drop_last would (the shuffle leaves out another clip each epoch), and a
 * batch_size or a training split of 1 fails the trial, as it would in torch. */
static int fit_count(run_ctx *c, ws_err *e)
{
    size_t B = (size_t)c->set.batch_size, least = (size_t)nn_model_min_train_batch(c->model);
    c->n_fit = c->n_train;
    if ((B < c->n_train ? B : c->n_train) < least)
        return ws_err_set(e, WS_EINPUT, "batch norm: expected more than 1 value per channel when training: %s of 1 "
                          "with a 1x1 map", B < c->n_train ? "batch_size" : "a training split");
    if (c->n_train % B && c->n_train % B < least) c->n_fit -= c->n_train % B;
    return 0;
}

/* Allocation failures from here on end the trial FAIL ("out of memory"), not the sweep. */
static int build(run_ctx *c, ws_err *e)
{
    int B = c->set.batch_size;
    /* No batch is larger than its split: buffers for a batch_size past both splits (65536 on a
     * corpus of 32 clips) took gigabytes and failed the trial "out of memory" under a ulimit */
    size_t most = c->n_train > c->n_val ? c->n_train : c->n_val;
    int Bmem = most < (size_t)B ? (int)most : B;
    if (data_init(c, Bmem, e)) return -1;
    if (c->set.hp.loss.balanced) {
        long *counts = calloc((size_t)c->cache.n_classes, sizeof *counts);
        if (!counts) return ws_err_set(e, WS_ENOMEM, "out of memory");
        for (size_t i = 0; i < c->n_train; i++) counts[c->cache.labels[c->train_idx[i]]]++;
        int rc = nn_loss_balance(&c->set.hp.loss, counts, c->cache.n_classes, e);
        free(counts);
        if (rc) return -1;
    }
    /* A device trains on its own; CPU threads grow only where the CPU trains. A watch that
     * cannot start leaves the trial on its base threads, split as if it could grow. */
    ws_err soft;
    int grow = nn_device_is_cuda(c->o->device) ? 0 : c->o->grow_threads;
    if (trainer_grow_start(&c->grow, c->o->db, &c->file, c->trial_id, c->o->threads, grow, &soft) && !c->o->quiet)
        ws_cli_warn("note: %s; the trial stays on %d thread%s", soft.msg, c->o->threads, ws_plural((size_t)c->o->threads));
    /* A model past the memory the machine (or its cgroup) has in all is refused before any of it
     * is allocated: built, it was killed by the kernel as it touched its pages, the trial left
     * RUNNING without a result line. The reason names the need and the limit. After the grow
     * watch set the shares: the conv workspace is per share. */
    size_t x_bytes = (size_t)Bmem * (size_t)c->data.frames * (size_t)c->data.n_feat * sizeof *c->x;
    /* with the data path's buffers (the power of Bmem clips, data_init's above): allocated already,
     * they are part of what the process holds while it trains */
    size_t batch_bytes = x_bytes + trainer_data_bytes(&c->data)
                         + (size_t)Bmem * ((size_t)c->cache.n_classes * sizeof *c->logits + sizeof *c->labels +
                                           sizeof *c->batch_idx);
    if (trainer_memory_check(&c->set.hp.model, c->cache.n_classes, c->data.frames, c->data.n_feat, Bmem,
                             nn_device_is_cuda(c->o->device), batch_bytes, c->o->keep_best, e)) {
        ws_cli_warn("%s: trial %d fails", e->msg, c->number);
        snprintf(c->reason, sizeof c->reason, "%.300s", e->msg);
        return -1;
    }
    c->model = nn_model_create(&c->set.hp.model, c->cache.n_classes, c->data.frames, c->data.n_feat,
                               ws_seed_mix(c->seed, 1), e);
    /* a model the settings describe that the cache's feature shape cannot take (a kernel, stride
     * or pool past the frames left): the trial fails, as it did, and says why as prepare does */
    if (!c->model) return e->kind == WS_EINPUT ? ws_err_prefix(e, INFEASIBLE) : -1;
    if (fit_count(c, e)) return -1;
    long opt_steps = nn_epoch_steps(&c->set.hp.optim, (long)((c->n_fit + (size_t)B - 1) / (size_t)B));
    long warmup = nn_warmup_steps(&c->set.hp.optim, opt_steps);
    if (nn_device_is_cuda(c->o->device)) return build_device(c, Bmem, opt_steps * c->set.epochs, warmup, e);
    c->optim = nn_optim_create(c->model, &c->set.hp.optim, opt_steps * c->set.epochs, warmup, e);
    c->x = malloc(x_bytes);
    c->logits = malloc((size_t)Bmem * (size_t)c->cache.n_classes * sizeof *c->logits);
    c->labels = malloc((size_t)Bmem * sizeof *c->labels);
    c->batch_idx = malloc((size_t)Bmem * sizeof *c->batch_idx);
    if (!c->optim) return -1;
    if (!c->x || !c->logits || !c->labels || !c->batch_idx) return ws_err_set(e, WS_ENOMEM, "out of memory");
    return 0;
}

/* --- training ----------------------------------------------------------------------------------- */

static void shuffle(int *v, size_t n, uint64_t seed)
{
    ws_rng r;
    ws_rng_seed(&r, seed);
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)ws_rng_below(&r, i);
        int t = v[i - 1]; v[i - 1] = v[j]; v[j] = t;
    }
}

/* The augmentation seed of batch b of an epoch, and the background-noise stream it mixes
 * in (-1: none). */
static uint64_t batch_seed(const run_ctx *c, int epoch, size_t b)
{
    return ws_seed_mix(c->seed, ((uint64_t)epoch << 32) | (uint64_t)b);
}

static int batch_noise(const run_ctx *c, uint64_t bseed)
{
    if (!c->cache.n_noise || !(c->set.hp.aug.noise_prob > 0)) return -1;
    ws_rng r;
    ws_rng_seed(&r, bseed);
    return (int)ws_rng_below(&r, c->cache.n_noise);
}

/* The loss of equal logits (a model that knows nothing) on batch b of the epoch: log(classes)
 * for plain cross-entropy, with or without label smoothing. With class weights, torch's smoothing
 * term weighs every class's weight against the batch's label weights (nn_xent_sample), so the
 * batch's loss at equal logits is log k ((1 - s) sum_i w_yi + (s / k) n sum_c w_c) / sum_i w_yi:
 * with weights 10000 and 1 and label_smoothing 0.1, ~348 on a batch without the heavy class. */
static double equal_logits_loss(const run_ctx *c, long b)
{
    const nn_loss_config *lc = &c->set.hp.loss;
    int k = c->cache.n_classes;
    if (!lc->class_weights) return log((double)k);
    size_t lo = (size_t)b * (size_t)c->set.batch_size, hi = lo + (size_t)c->set.batch_size;
    if (hi > c->n_fit) hi = c->n_fit;
    double wy = 0, wall = 0, s = lc->label_smoothing;
    for (size_t i = lo; i < hi; i++) wy += lc->class_weights[c->cache.labels[c->train_idx[i]]];
    for (int j = 0; j < k; j++) wall += lc->class_weights[j];
    /* every label's weight 0: the backend's xent divides by 1 (no NaN) */
    return log((double)k) * ((1.0 - s) * wy + s / k * (double)(hi - lo) * wall) / (wy > 0 ? wy : 1.0);
}

/* 0, or -1 with c->reason set when the loss of batch b of the epoch ends the trial. */
static int check_loss(run_ctx *c, double loss, int epoch, long b)
{
    if (!isfinite(loss)) {
        snprintf(c->reason, sizeof c->reason, "loss is %s at epoch %d", isnan(loss) ? "NaN" : "infinite", epoch + 1);
        return -1;
    }
    /* Cross-entropy starts near the loss of equal logits (log(classes) without class weights); a
     * hundred times that is divergence, not a bad batch, and the weights will not come back from
     * it. A fixed 100 log(classes) failed a fresh model whose class weights and label smoothing
     * give it a larger loss from the start. */
    if (loss > 100.0 * fmax(1.0, equal_logits_loss(c, b))) {
        snprintf(c->reason, sizeof c->reason, "diverged: loss %.3g at epoch %d", loss, epoch + 1);
        return -1;
    }
    return 0;
}

/* The batches [*b0, *b1) of part `part` of an epoch: the epoch's batches cut into c->per
 * runs as even as whole batches allow. An epoch of fewer batches than parts has empty ones,
 * which keep their step number (epoch E still ends at step E * per) but report nothing. */
static void part_batches(const run_ctx *c, int part, long *b0, long *b1)
{
    long nb = (long)((c->n_fit + (size_t)c->set.batch_size - 1) / (size_t)c->set.batch_size);
    *b0 = nb * part / c->per;
    *b1 = nb * (part + 1) / c->per;
}

/* 0 for a part of an epoch that no validation follows: one past budget.fine_epochs that is not
 * the epoch's last, or one of the fine epochs whose step budget.fine_steps leaves out. */
static int part_validates(const run_ctx *c, int epoch, int part)
{
    if (part + 1 == c->per) return 1;
    if (epoch >= c->fine_epochs) return 0;
    if (!c->cfg.n_fine_steps) return 1;
    long step = (long)epoch * c->per + part + 1;
    for (int i = 0; i < c->cfg.n_fine_steps; i++)
        if (c->cfg.fine_steps[i] == step) return 1;
    return 0;
}

/* The study file deleted, or another renamed over it, since it was opened: the trial's result
 * could be stored nowhere anyone reads (and its rows would go into a WAL that a new file there
 * takes for its own), so training stops and nothing more is written. Noticed by a heartbeat
 * (checked at each batch, a load) or, with the trainer's own connection, at each validation and
 * before the result is committed. Returns 1 once noticed. */
static int study_moved(run_ctx *c, int ask_store)
{
    if (!c->moved && (trainer_heartbeat_moved(&c->hb) || (ask_store && ws_store_moved(c->store)))) c->moved = 1;
    return c->moved;
}

/* What study_moved found, in e: exit 3, as for a study that cannot be written. */
static int moved_error(run_ctx *c, ws_err *e)
{
    return ws_err_set(e, WS_EINTERNAL, "%s: the file was deleted or replaced while trial %d of study '%s' trained: its "
                      "result is not stored (training stopped at epoch %g)", ws_store_path(c->store), c->number,
                      c->study.name, c->per > 0 ? (double)c->steps_done / c->per : 0.0);
}

/* --max-seconds: 1, with the trial's reason, once the process has run longer. Looked at after
 * each training batch and each validation batch (on a device, as each batch is queued and after
 * each validation, one pass there), so a trial runs over by at most the batch under way when the
 * limit passes: a validation of the whole split took as long as it took past it (t0953). */
static int out_of_time(run_ctx *c)
{
    if (!(c->o->max_seconds > 0 && ws_mono_s() - c->o->t_process_start > c->o->max_seconds)) return 0;
    snprintf(c->reason, sizeof c->reason, "time limit: more than %g s", c->o->max_seconds);
    return 1;
}

/* train_part on a device: the same clip order, seeds and noise streams, queued batch after
 * batch; the losses come back once a validated part ends (for the parts since the last
 * download: no wait where no validation follows), and are checked in order as train_part
 * does. */
static int train_part_device(run_ctx *c, int epoch, int part, ws_err *e)
{
    const nn_optim_config *oc = &c->set.hp.optim;
    int B = c->set.batch_size;
    long nb = (long)((c->n_fit + (size_t)B - 1) / (size_t)B), b0, b1;
    part_batches(c, part, &b0, &b1);
    if (part == 0) {
        shuffle(c->train_idx, c->n_train, ws_seed_mix(c->seed, 1000 + (uint64_t)epoch));
        for (long b = 0; b < nb; b++) {
            c->bseed[b] = batch_seed(c, epoch, (size_t)b);
            c->bnoise[b] = batch_noise(c, c->bseed[b]);
        }
        if (nn_dtrain_epoch(c->dt, c->train_idx, c->n_fit, c->bseed, c->bnoise, e)) return -1;
        c->dev_unchecked = 0;
    }
    if (b0 == b1) return 0;
    for (long b = b0; b < b1; b++) {
        if (nn_dtrain_batch(c->dt, b, nn_accumulate_scale(oc), nn_accumulate_starts(oc, b), nn_accumulate_ends(oc, b, nb), e))
            return -1;
        if (out_of_time(c)) return -1;
        if (study_moved(c, 0)) return -1;
    }
    if (!part_validates(c, epoch, part)) return 0;
    if (nn_dtrain_losses(c->dt, c->bloss, e)) return -1;
    double sum = 0;
    for (long b = c->dev_unchecked; b < b1; b++) {
        if (check_loss(c, c->bloss[b], epoch, b)) return -1;
        sum += c->bloss[b];
    }
    c->last_loss = sum / (double)(b1 - c->dev_unchecked);
    c->dev_unchecked = b1;
    return 0;
}

/* Part `part` (of c->per) of an epoch; the first part shuffles. Cut anywhere, the epoch trains
 * as one: gradient accumulation runs across the cut (validation leaves gradients alone).
 * 0, or -1 with c->reason set (the trial fails) or e set. */
static int train_part(run_ctx *c, int epoch, int part, ws_err *e)
{
    if (c->dt) return train_part_device(c, epoch, part, e);
    const nn_optim_config *oc = &c->set.hp.optim;
    int B = c->set.batch_size;
    long nb = (long)((c->n_fit + (size_t)B - 1) / (size_t)B), b0, b1;
    part_batches(c, part, &b0, &b1);
    if (part == 0) shuffle(c->train_idx, c->n_train, ws_seed_mix(c->seed, 1000 + (uint64_t)epoch));
    double sum = 0;
    for (long b = b0; b < b1; b++) {
        trainer_grow_apply(&c->grow);
        size_t start = (size_t)b * (size_t)B;
        int n = (int)(c->n_fit - start < (size_t)B ? c->n_fit - start : (size_t)B);
        uint64_t bseed = batch_seed(c, epoch, (size_t)b);
        int s = batch_noise(c, bseed);
        nn_noise noise = {0};
        if (s >= 0) noise = (nn_noise){c->cache.noise[s].power, c->cache.noise[s].n_frames, c->cache.n_mels};
        if (trainer_data_batch(&c->data, c->train_idx + start, n, &c->set.hp.aug, s >= 0 ? &noise : NULL, bseed, c->x,
                               c->labels, e))
            return -1;
        double loss;
        if (nn_accumulate_starts(oc, b)) nn_zero_grad(c->model);
        if (nn_accumulate(c->model, c->x, c->labels, n, &c->set.hp.loss, nn_accumulate_scale(oc), &loss, e)) return -1;
        if (nn_accumulate_ends(oc, b, nb)) nn_optim_step(c->optim, NULL);
        if (check_loss(c, loss, epoch, b)) return -1;
        sum += loss;
        if (out_of_time(c)) return -1;
        if (study_moved(c, 0)) return -1;
    }
    if (b1 > b0) c->last_loss = sum / (double)(b1 - b0);
    return 0;
}

/* Metrics of the current weights on the validation split, with the wake word's operating point
 * at fixed max_fpr (at_fpr) when there is a wake word. NULL with c->reason set when the weights
 * have diverged (see below) or the time limit passed (out_of_time). */
static json_t *validate(run_ctx *c, long step, ws_err *e)
{
    nn_metrics mt;
    int B = c->set.batch_size, k = c->cache.n_classes, pos = c->positive;
    long nonfinite = 0;   /* validation clips whose logits hold a NaN or an infinity */
    if (nn_metrics_init(&mt, k, e)) return NULL;
    if (c->dt) {   /* the device counts the confusion; its logits come back only for the scores */
        if (nn_dtrain_confusion(c->dt, mt.confusion, &nonfinite, pos >= 0 ? c->val_logits : NULL, e)) goto fail;
        if (pos >= 0) nn_positive_scores(c->val_logits, (int)c->n_val, k, pos, c->val_scores);
        if (out_of_time(c)) goto fail;
    }
    for (size_t start = 0; !c->dt && start < c->n_val; start += (size_t)B) {
        int n = (int)(c->n_val - start < (size_t)B ? c->n_val - start : (size_t)B);
        trainer_grow_apply(&c->grow);
        if (trainer_data_batch(&c->data, c->val_idx + start, n, NULL, NULL, 0, c->x, c->labels, e)
            || nn_predict(c->model, c->x, n, c->logits, e))
            goto fail;
        for (int i = 0; i < n; i++)
            nonfinite += audio_first_nonfinite(c->logits + (size_t)i * k, (size_t)k) < (size_t)k;
        nn_metrics_add(&mt, c->logits, c->labels, n);
        if (pos >= 0) nn_positive_scores(c->logits, n, k, pos, c->val_scores + start);
        if (out_of_time(c)) goto fail;
    }
    /* The last step of a training run (of the only epoch, say) can take the weights to NaN or
     * infinity after its batch's loss was checked: the validation's argmax then picks the first
     * class for every clip, and the trial was COMPLETE with the metrics of a model that predicts
     * nothing (the same run an epoch longer failed "diverged" at the next batch). As Optuna
     * fails a trial whose objective is NaN, and its validation loss here would be, the trial
     * fails; nothing of this validation is reported or kept. */
    if (nonfinite) {
        snprintf(c->reason, sizeof c->reason, "diverged: the model's outputs are NaN or infinite for %ld of the %zu "
                 "validation clip%s at epoch %g", nonfinite, c->n_val, ws_plural(c->n_val), (double)step / c->per);
        goto fail;
    }
    json_t *m = nn_metrics_json(&mt, c->cache.class_names, pos);
    nn_metrics_release(&mt);
    if (m && pos >= 0) {
        json_t *at = nn_operating_point_json(c->val_scores, c->val_pos, c->n_val, c->set.max_fpr, e);
        if (!json_is_object(at)) {   /* n_val > 0: only out of memory */
            json_decref(at);
            json_decref(m);
            ws_err_set(e, WS_ENOMEM, "out of memory");
            return NULL;
        }
        json_object_set_new(m, "at_fpr", at);
    }
    if (!m) ws_err_set(e, WS_ENOMEM, "out of memory");
    return m;
fail:
    nn_metrics_release(&mt);
    return NULL;
}

static int better(const run_ctx *c, double v, double than, double delta)
{
    return c->study.direction == WS_MAXIMIZE ? v > than + delta : v < than - delta;
}

static json_t *features_json(run_ctx *c)
{
    /* max_fpr: --evaluate's default operating point is the one the trial was judged at */
    return json_pack("{s:o,s:o,s:s?,s:o,s:I}", "settings", audio_feat_config_to_json(&c->cache.cfg),
                     "normalize", trainer_data_stats_json(&c->data), "positive", c->set.positive,
                     "max_fpr", ws_json_number(c->set.max_fpr), "inputs_hash", (json_int_t)(c->cache.inputs_hash >> 1));
}

/* After a validation: keep the best weights, report to the study, ask the pruner; watches is 0
 * for a validation early stopping does not count (see train).
 * Returns 1 to stop (pruned), 0 to go on, -1 on error. */
static int after_validation(run_ctx *c, long step, json_t *metrics, int watches, int *stale, ws_err *e)
{
    if (study_moved(c, 1)) return -1;
    /* nothing made from the data is stored before the cache's checksum pass has matched */
    if (audio_cache_verify_wait(&c->cache, e) || data_check(c, 1, e)) return -1;
    stats_publish(c);
    double v = json_number_value(metric_of(metrics, c->objective));
    c->last_value = v;
    json_decref(c->last_metrics);
    c->last_metrics = json_incref(metrics);
    /* Early stopping as Lightning's EarlyStopping: an improvement counts only when it beats the
     * reference by more than min_delta, and only then does the reference move; the best weights
     * and value follow every improvement, as its ModelCheckpoint does. */
    if (!watches) {
        /* not counted: neither an improvement nor a stale validation */
    } else if (!c->has_stop_ref || better(c, v, c->stop_ref, c->set.min_delta)) {
        c->has_stop_ref = 1;
        c->stop_ref = v;
        *stale = 0;
    } else (*stale)++;
    if (!c->has_best || better(c, v, c->best_value, 0)) {
        c->has_best = 1;
        c->best_value = v;
        c->best_step = step;
        json_decref(c->best_metrics);
        c->best_metrics = json_incref(metrics);
        if (c->o->keep_best) {
            /* the header names the trial, so that best.ckpt says whose weights it holds */
            json_t *feat = features_json(c), *trial = json_pack("{s:s,s:i,s:O}", "study", c->study.name, "number",
                                                               c->number, "params", c->stored_params);
            int rc = nn_checkpoint_save(c->ckpt, c->model, c->cache.class_names, trial, feat, metrics, e);
            json_decref(feat);
            json_decref(trial);
            if (rc) return -1;
        }
    }
    ws_prune_decision d;
    int stored;
    if (study_report_and_prune(c->store, &c->study, c->number, step, v, &c->pruner, &d, &stored, NULL, e)) return -1;
    int stop = d.prune;
    if (stop && c->per == 1) snprintf(c->reason, sizeof c->reason, "pruned at epoch %ld: %s", step, d.reason);
    else if (stop) snprintf(c->reason, sizeof c->reason, "pruned at step %ld (epoch %g): %s", step, (double)step / c->per, d.reason);
    if (stop) c->state = WS_PRUNED;
    ws_prune_decision_release(&d);
    return stop;
}

/* Trains the epochs, each in c->per parts with a validation after each part (after the first
 * fine_epochs epochs, after the last part only; within them, with budget.fine_steps, after those
 * steps' parts and the last; with one part, after every validate_every-th epoch and the last). A validation's step counts parts: epoch E's
 * last is step E * per. 0 (COMPLETE, or PRUNED with its reason), or -1. */
static int train(run_ctx *c, ws_err *e)
{
    int stale = 0;
    c->t_setup = ws_mono_s() - c->o->t_process_start;
    for (int epoch = 0; epoch < c->set.epochs; epoch++) {
        for (int part = 0; part < c->per; part++) {
            double ts = ws_mono_s();
            int failed = train_part(c, epoch, part, e);
            c->t_train += ws_mono_s() - ts;   /* a part that failed (diverged, time limit) trained too */
            if (failed) return -1;
            long step = ++c->steps_done, b0, b1;
            if (c->per == 1 && (epoch + 1) % c->set.validate_every && epoch + 1 < c->set.epochs) continue;
            if (!part_validates(c, epoch, part)) continue;   /* past the fine epochs: at the end only */
            part_batches(c, part, &b0, &b1);
            if (b0 == b1) continue;   /* an empty part (fewer batches than parts): nothing new to validate */
            ts = ws_mono_s();
            json_t *m = validate(c, step, e);
            c->t_eval += ws_mono_s() - ts;
            if (!m) return -1;
            /* a message like the tool's others: "train-trial: trial N: epoch ..." (README) */
            if (!c->o->quiet && isatty(2))
                ws_cli_warn("trial %d: epoch %g/%ld loss %.4f %s %.4f", c->number, (double)step / c->per,
                            c->set.epochs, c->last_loss, c->objective, json_number_value(metric_of(m, c->objective)));
            /* Inside budget.fine_epochs, the validations before an epoch's end are there for the
             * pruner's early rungs; early stopping counts only the epoch's last, so that patience
             * is a number of epochs throughout, as it is once an epoch has one validation. */
            int watches = !c->cfg.fine_epochs || part + 1 == c->per;
            int stop = after_validation(c, step, m, watches, &stale, e);
            json_decref(m);
            if (stop) return stop < 0 ? -1 : 0;
            if (c->set.patience && stale >= c->set.patience) {
                snprintf(c->reason, sizeof c->reason, "early stop: no improvement in %d %s%s", stale,
                         c->cfg.fine_epochs ? "epoch" : "validation", ws_plural((size_t)stale));
                c->state = WS_COMPLETE;
                return 0;
            }
        }
    }
    c->state = WS_COMPLETE;
    return 0;
}

/* --- finishing ------------------------------------------------------------------------------------ */

/* A trial has a value unless it failed: COMPLETE has its best validation's, PRUNED its last's;
 * either needs one validation (the first sets has_best). */
static int has_value_of(const run_ctx *c)
{
    return c->state != WS_FAIL && c->has_best;
}

/* The metrics of the validation whose value the trial gets: the best one of a COMPLETE trial, the
 * last one of a PRUNED trial (Optuna gives a pruned trial its last intermediate value). The
 * trial's recorded metrics and constraints are these, so they never disagree with its value. */
static json_t *value_metrics(const run_ctx *c)
{
    return c->state == WS_PRUNED ? c->last_metrics : c->best_metrics;
}

/* Optuna's constraint values (feasible iff <= 0) from value_metrics. As Optuna
 * (_process_constraints_after_trial), none for a FAIL trial. */
static json_t *constraint_values(run_ctx *c)
{
    json_t *out = json_array();
    const json_t *of = value_metrics(c);
    for (size_t i = 0; i < c->cfg.n_constraints && of && c->state != WS_FAIL; i++) {
        const ws_constraint *k = &c->cfg.constraints[i];
        /* a metric without a number (NaN, JSON's null) is not shown feasible: infeasible */
        const json_t *jm = metric_of(of, k->name);
        double m = json_is_number(jm) ? json_number_value(jm) : NAN;
        if (isfinite(k->max)) json_array_append_new(out, ws_json_real_capped(isnan(m) ? INFINITY : m - k->max));
        if (isfinite(k->min)) json_array_append_new(out, ws_json_real_capped(isnan(m) ? INFINITY : k->min - m));
    }
    return out;
}

/* The time breakdown, for report's timeline and where-the-time-goes plot, TOTAL the process's
 * seconds so far: what finish stores, and what the result line carries whole, so that a line
 * told later (tell --result) stores the same keys. */
static json_t *seconds_json(const run_ctx *c, double total)
{
    json_t *secs = json_pack("{s:f,s:f,s:f,s:f,s:i}", "setup", c->t_setup, "train", c->t_train, "eval", c->t_eval,
                             "total", total, "threads", c->o->threads);
    if (secs && c->grow.grow > c->grow.base) {   /* --grow-threads: to how many, and for how long */
        json_object_set_new(secs, "grow_threads", json_integer(c->grow.grow));
        json_object_set_new(secs, "grown", json_real(trainer_grow_seconds(&c->grow)));
    }
    return secs;
}

static int finish(run_ctx *c, ws_err *e)
{
    /* the reason may quote a file name (any bytes), or end inside a character cut at 300 bytes */
    json_t *cons = constraint_values(c), *why = c->reason[0] ? ws_json_text(c->reason) : NULL,
           *secs = seconds_json(c, ws_mono_s() - c->o->t_process_start);
    /* the parts trained, the result line's "epochs": past its last validation when a trial fails
     * between two (validate_every, budget.fine_epochs), so --result-of cannot take it from the steps */
    trainer_result r = {.state = c->state, .has_value = has_value_of(c),
                        .value = c->state == WS_COMPLETE ? c->best_value : c->last_value, .constraints = cons,
                        .reason = why, .metrics = value_metrics(c), .seconds = secs, .steps = c->steps_done};
    int rc = ws_store_begin(c->store, e) ? -1 : trainer_result_store(c->store, c->trial_id, &r, e) ? -2 : 0;
    json_decref(secs);
    json_decref(cons);
    json_decref(why);
    if (rc == -1) return -1;
    /* the last moment before the result is committed: one committed into a moved file is lost */
    if (!rc && study_moved(c, 1)) rc = moved_error(c, e);
    if (rc) { ws_store_rollback(c->store); return -1; }
    return ws_store_commit(c->store, e);
}

json_t *trainer_epochs_json(long steps, int per)
{
    return per > 1 && steps % per ? json_real((double)steps / per) : json_integer(per > 1 ? steps / per : steps);
}

/* best_epoch is null when no validation ran (a trial failed or out of time in its first epoch):
 * 0 read as a best at epoch 0. constraints are the values finish records (null where it records
 * none: a study without constraints, a FAIL trial), so that a result the study did not take can
 * be told from the line alone (tell --result; pipelines/trial.sh does so), as finish would have
 * stored it. */
static json_t *result_line(run_ctx *c)
{
    double total = ws_mono_s() - c->o->t_process_start;
    int has_value = has_value_of(c);
    double value = c->state == WS_COMPLETE ? c->best_value : c->last_value;
    json_t *cons = constraint_values(c);
    if (!json_array_size(cons)) { json_decref(cons); cons = json_null(); }
    return json_pack("{s:s,s:i,s:s,s:o,s:O,s:o,s:o,s:o,s:o,s:o}", "study", c->study.name, "trial", c->number,
                     "state", ws_state_name(c->state), "value", has_value ? ws_json_number(value) : json_null(),
                     "metrics", value_metrics(c) ? value_metrics(c) : json_null(), "constraints", cons,
                     "epochs", trainer_epochs_json(c->steps_done, c->per),
                     "best_epoch", c->has_best ? trainer_epochs_json(c->best_step, c->per) : json_null(),
                     "seconds", seconds_json(c, total), "reason", c->reason[0] ? ws_json_text(c->reason) : json_null());
}

static void release(run_ctx *c)
{
    trainer_heartbeat_stop(&c->hb);
    trainer_grow_stop(&c->grow);
    free(c->x); free(c->logits); free(c->labels); free(c->batch_idx);
    nn_dtrain_free(c->dt);
    free(c->bseed); free(c->bnoise); free(c->bloss);
    nn_optim_free(c->optim);
    nn_model_free(c->model);
    trainer_data_release(&c->data);
    free(c->train_idx); free(c->val_idx); free(c->val_scores); free(c->val_pos); free(c->val_logits);
    audio_cache_close(&c->cache);
    trainer_settings_release(&c->set);
    json_decref(c->best_metrics);
    json_decref(c->last_metrics);
    json_decref(c->stored_params);
    json_decref(c->kept_seed);
    ws_pruner_cfg_release(&c->pruner);
    ws_config_release(&c->cfg);
    ws_store_close(c->store);
}

void trainer_fail_line(const trainer_opts *o, const json_t *line, const char *reason)
{
    run_ctx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    const json_t *study = json_object_get(line, "study"), *number = json_object_get(line, "trial");
    ws_err ignore;
    if (json_is_string(study) && json_is_integer(number) && json_integer_value(number) >= 0
        && json_integer_value(number) <= INT_MAX) {
        c.number = (int)json_integer_value(number);
        if (!open_study(&c, json_string_value(study), 0, &ignore)) fail_trial(&c, reason);
    }
    release(&c);
}

/* The trial was finished by another process while this one trained it (failed as stale while
 * the machine slept, told by hand): the store said "already FAIL, nothing changed", which the
 * sweep pipeline (trial.sh) took for bad input and stopped the sweep on. Said as open_study
 * says it, "not RUNNING": over, not bad input; its result is the study's. */
static int finished_under_us(run_ctx *c, ws_err *e)
{
    ws_trial t;
    ws_err ignore;
    const char *state = "finished";
    if (!ws_store_trial_load(c->store, &c->study, c->number, 0, &t, &ignore)) {
        state = ws_state_name(t.state);
        ws_trial_release(&t);
    }
    ws_err_set(e, WS_ESTATE, "study '%s': trial %d is %s, not RUNNING: finished by another process while this one "
               "trained it", c->study.name, c->number, state);
    study_say_finished(c->store, &c->study, c->number, e);
    return -1;
}

/* finish() failed. A trial finished under us is said as such (finished_under_us); so is one
 * that is gone, deleted with its study (optuna.delete_study) while this process trained it: the
 * store said "no trial with id N", its own row id, which named neither the trial nor what
 * happened. Any other failure (the store cannot be read or written) stands as it is. */
static void finish_failed(run_ctx *c, ws_err *e)
{
    ws_trial t;
    ws_err why = {0};
    if (e->kind == WS_ESTATE) {
        finished_under_us(c, e);
        return;
    }
    if (e->kind != WS_EINPUT) return;
    if (!ws_store_trial_load(c->store, &c->study, c->number, 0, &t, &why)) {
        ws_trial_release(&t);
        return;
    }
    if (why.kind == WS_EINPUT)   /* no such trial (not a store that failed to answer) */
        ws_err_set(e, WS_ESTATE, "study '%s': trial %d is gone: deleted (with its study) by another process while this "
                   "one trained it", c->study.name, c->number);
}

/* The study could not be written as the result was to be stored (a lock held past WS_DB_BUSY_S, a
 * full disk, a server gone; not the file moved, whose study holds nothing of the trial): the
 * trial stays RUNNING, and its result, the training done, went with this process (no line, and a
 * message telling to run train-trial again, which trained it all over) until a later suggest
 * failed the trial as stale. Optuna's remedy for a result its storage did not take is to tell it.
 * The message says the result is not stored and ends with the tell command that records it
 * (tell_cmd.h), the result line is printed all the same (its metrics, seconds and steps, which
 * that command does not record; tell --result, given the line, records them: result_store.h),
 * and the exit status is still 3. The remedy, said in place of the store's own "run it
 * again" where a lock was held too long (after its "set WS_DB_BUSY_S to wait longer", which
 * holds for the later trials and the tell); else after the store's message. Built before the write,
 * NULL when out of memory: then the store's message alone. */
static char *not_stored_remedy(run_ctx *c)
{
    double value = c->state == WS_COMPLETE ? c->best_value : c->last_value;
    /* the reason as finish records it (bytes that are not UTF-8 as the text \xNN): the raw
     * bytes, which tell refuses, reached it only as the message shows them */
    json_t *cons = constraint_values(c), *why = c->reason[0] ? ws_json_text(c->reason) : NULL;
    char *tell = trainer_tell_command(ws_store_path(c->store), c->study.name, c->number, c->state,
                                      has_value_of(c) ? &value : NULL, cons, json_string_value(why));
    json_decref(cons);
    json_decref(why);
    if (!tell) return NULL;
    char *out = trainer_not_stored_remedy(c->o->db, c->number, c->cfg.grace_s, tell);
    free(tell);
    return out;
}

/* finish() failed with remedy (not_stored_remedy) set as the store's: a study that could not be
 * written gets the remedy in its message, and the result line. The store says it after a lock
 * held too long, whole, after its advice to wait longer (which holds for the writes to come,
 * the tell's too). Any other cause (a full disk, a server gone) gets it here, whole too: a
 * message holds 1023 bytes, and the cause and the remedy (long paths, a reason of 300 bytes)
 * were cut inside the command, which then ended in an open quote; where both do not fit, the
 * cause is shortened in its middle (ws_err_set_tail). */
static void not_stored(run_ctx *c, const char *remedy, ws_err *e, json_t **result)
{
    if (!remedy || e->kind != WS_EINTERNAL || c->moved) return;
    if (!strstr(e->msg, remedy)) {
        char tail[sizeof e->msg];
        snprintf(tail, sizeof tail, "; %s", remedy);
        ws_err_set_tail(e, WS_EINTERNAL, e->msg, tail);
    }
    *result = result_line(c);
}

/* A trial that could not go on for want of the machine's resources (memory above all): FAIL with
 * the reason, unless the pruner already stopped it. "oom" is the failure's kind (WS_ENOMEM: an
 * allocation that did not fit), never a word in its message: a GPU fault says "illegal memory
 * access" and is not one. */
static void set_failure(run_ctx *c, const ws_err *te)
{
    const char *why = te->kind == WS_ENOMEM ? "oom" : te->msg[0] ? te->msg : "failed without a message";
    /* failed before training began (train() sets t_setup as it starts): all the time so far was
     * setup, which read 0 beside a total of seconds (an oom while the statistics were computed) */
    if (!c->t_setup) c->t_setup = ws_mono_s() - c->o->t_process_start;
    if (!c->reason[0]) snprintf(c->reason, sizeof c->reason, "%.300s", why);
    if (c->state != WS_PRUNED) c->state = WS_FAIL;
}

/* Setting up failed for the machine's sake, not the input's (the cache could not be mapped,
 * memory ran out), or on params the study drew that are refused together (drawn_point): the
 * trial fails as one that fails in training does, with a result line and exit 0, so a sweep
 * goes on. */
static int failed_in_setup(run_ctx *c, ws_err *e, json_t **result)
{
    ws_cli_warn("%s: trial %d fails", e->msg, c->number);
    set_failure(c, e);
    int rc = finish(c, e);
    if (rc) finish_failed(c, e);
    if (!rc) *result = result_line(c);
    release(c);
    return rc;
}

int trainer_run(const trainer_opts *o, const json_t *line, json_t **result, ws_err *e)
{
    run_ctx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.state = WS_FAIL;
    *result = NULL;
    const char *study;
    const json_t *params = NULL;
    long epochs;
    if (parse_line(&c, line, &study, &params, &epochs, e)) {
        trainer_fail_line(o, line, e->msg);   /* a line that still names its trial */
        return -1;
    }
    if (open_study(&c, study, 1, e)) { release(&c); return -1; }
    /* The heartbeat and the grow watch open the study by its path once setup is done: a file
     * renamed over it meanwhile is theirs, unless they check that it is this one. Moved already:
     * training stops at its first batch, and they open nothing (c.file.gone). */
    if (ws_store_file_id(c.store, &c.file) == 1) c.moved = 1;
    if (prepare(&c, params, epochs, e)) {
        if (e->kind == WS_EINTERNAL || e->kind == WS_ENOMEM) return failed_in_setup(&c, e, result);
        /* a point the study drew, refused only as a whole: the trial fails, the sweep goes on */
        if (c.infeasible) {
            ws_err_prefix(e, INFEASIBLE);
            return failed_in_setup(&c, e, result);
        }
        fail_trial(&c, e->msg);
        /* the trial's reason, kept in its study, needs no name; said on stderr, "study config"
         * alone named neither the study nor the file (as ws_store_study_config names them) */
        if (!strncmp(e->msg, "study config", 12)) ws_err_prefix(e, "%s: study '%s'", ws_store_path(c.store), study);
        release(&c);
        return -1;
    }
    /* Checkpoints go beside an SQLite study file; with a study on a server, to the working
     * directory (the pipeline passes its runs folder). */
    char dbcopy[PATH_MAX];
    const char *dir = ".";
    if (ws_store_url_kind(o->db) == WS_DB_SQLITE) {
        snprintf(dbcopy, sizeof dbcopy, "%s", ws_store_sqlite_file(o->db));
        dir = dirname(dbcopy);
    }
    snprintf(c.ckpt_dir, sizeof c.ckpt_dir, "%s", o->ckpt_dir ? o->ckpt_dir : dir);
    snprintf(c.ckpt, sizeof c.ckpt, "%s/trial-%d.ckpt", c.ckpt_dir, c.number);
    /* A folder that cannot take the checkpoint is bad input, found before training rather than
     * at the first best epoch (a trial failed after an epoch of work). */
    struct stat dst;
    int why = !o->keep_best ? 0 : stat(c.ckpt_dir, &dst) != 0 ? errno : !S_ISDIR(dst.st_mode) ? ENOTDIR
              : access(c.ckpt_dir, W_OK | X_OK) != 0 ? errno : 0;
    if (why && o->ckpt_dir && !*o->ckpt_dir) {
        ws_err_set(e, WS_EINPUT, "--ckpt-dir: empty path");
        fail_trial(&c, e->msg);
        release(&c);
        return -1;
    }
    if (why) {
        ws_err_set(e, WS_EINPUT, "%s%s: cannot write checkpoints there: %s", o->ckpt_dir ? "--ckpt-dir " : "",
                   c.ckpt_dir, strerror(why));
        fail_trial(&c, e->msg);
        release(&c);
        return -1;
    }
    /* another study's checkpoints there (study files share their folder, and so the checkpoints'
     * by default): found before training too, not written over after it */
    trainer_takeover took;
    if ((o->keep_best && trainer_ckpt_dir_check(c.store, &c.study, c.ckpt_dir, c.number, &took, e)) || keep_seed(&c, e)) {
        fail_trial(&c, e->msg);
        release(&c);
        return -1;
    }
    /* files removed are said, though this is what a sweep begun again wants */
    if (o->keep_best && took.removed >= 0 && !o->quiet)
        ws_cli_warn("%s: taken over from the study '%s' made before this one at %s (uid %s, gone from it): %d of its "
                    "checkpoints removed", c.ckpt_dir, c.study.name, ws_store_path(c.store), took.uid, took.removed);
    trainer_notes(o);   /* the line accepted: where it trains */
    ws_atomic_reap(c.ckpt_dir);   /* checkpoints half-written by trials killed before this one */
    ws_err soft;
    ws_err te = {0};
    /* OpenBLAS's work buffers before the heartbeat's (and build's grow watch's) thread starts: a
     * thread's first malloc maps an arena of its own, and one mapped between nn_reserve_blas's
     * probe and OpenBLAS's mmap under ulimit -v made that mmap fail, which OpenBLAS retries
     * forever (t0703 hung about one run in three). */
    int no_blas = nn_reserve_blas(o->threads, &te);
    trainer_heartbeat_start(&c.hb, o->db, &c.file, c.trial_id, c.cfg.heartbeat_interval_s, &soft);
    if (no_blas || build(&c, &te) || train(&c, &te)) {
        /* Training went wrong: the trial fails with the reason, the sweep goes on. */
        set_failure(&c, &te);
    }
    trainer_heartbeat_stop(&c.hb);
    trainer_grow_stop(&c.grow);   /* its seconds stop counting; finish records them */
    if (study_moved(&c, 1)) {   /* no result line: the study does not hold it */
        moved_error(&c, e);
        release(&c);
        return -1;
    }
    /* a corrupted cache, or one of other data than the study's (another trial of a fresh study
     * recorded its own first), is bad input: exit 2 */
    if (audio_cache_verify_wait(&c.cache, e)) {
        fail_trial(&c, e->msg);
        release(&c);
        return -1;
    }
    /* The training is done: a study that cannot be written from here on is said with the tell
     * command that records the result (not_stored). data_check writes too where the trial never
     * validated (a validation records the data, the study's first, or finds it recorded) in a
     * fresh study: it met a lock before finish did, and the trial's result went with an exit 3,
     * no line, and the store's "run it again". Such a trial is FAIL with no value, nothing to
     * compare across data: told by hand, it leaves the data to the next trial to record. */
    char *remedy = not_stored_remedy(&c);
    ws_store_set_busy_remedy(c.store, remedy);
    if (data_check(&c, 1, e)) {
        ws_store_set_busy_remedy(c.store, NULL);
        if (e->kind == WS_EINTERNAL && remedy) not_stored(&c, remedy, e, result);
        else fail_trial(&c, e->msg);
        free(remedy);
        release(&c);
        return -1;
    }
    stats_publish(&c);
    int failed = finish(&c, e);
    ws_store_set_busy_remedy(c.store, NULL);
    if (failed) {
        finish_failed(&c, e);
        not_stored(&c, remedy, e, result);
        free(remedy);
        release(&c);
        return -1;
    }
    free(remedy);
    /* any trial that keeps weights, pruned or failed too: it may find the best's missing. One
     * that keeps none (--keep none) writes nothing in a folder without this study's best.ckpt,
     * but where there is one it may be the best now, with no weights to put there: the best.ckpt
     * there, an earlier trial's, stayed until a later trial that keeps weights ended (if one ever
     * did). Another study's there (study files share their folder) is not looked at. The
     * folder's claim, looked at to tell, is passed on rather than read again. */
    trainer_claim_seen claim = {0};
    if ((o->keep_best || trainer_best_ours(c.store, &c.study, c.ckpt_dir, &claim))
        && trainer_best_update(c.store, &c.study, c.ckpt_dir, c.number, o->keep_best && c.has_best ? c.ckpt : NULL,
                               &claim, &soft))
        ws_cli_warn("%s", soft.msg);
    *result = result_line(&c);
    release(&c);
    return 0;
}
