/* config.c — study config parsing and validation (see config.h). */
#include "space/config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "core/parse.h"

/* Top-level keys a study config may hold. Add a key here when a module starts reading it. */
static const char *const config_keys[] = {
    "study", "description", "direction", "objective", "constraints", "sampler", "pruner",
    "budget", "heartbeat", "space", "fixed", NULL};

static int parse_constraints(ws_config *c, const json_t *obj, const char *where, ws_err *e)
{
    if (!obj) return 0;
    if (!json_is_object(obj)) return ws_err_set(e, WS_EINPUT, "%s: constraints: expected an object", where);
    c->constraints = calloc(json_object_size(obj) + 1, sizeof *c->constraints);
    if (!c->constraints) return ws_err_set(e, WS_ENOMEM, "out of memory");
    const char *name;
    json_t *b;
    static const char *const keys[] = {"max", "min", NULL};
    json_object_foreach((json_t *)obj, name, b) {
        char path[600];
        snprintf(path, sizeof path, "%s: constraints.%s", where, name);
        ws_constraint *k = &c->constraints[c->n_constraints++];
        k->name = strdup(name);
        k->max = INFINITY;
        k->min = -INFINITY;
        if (!json_is_object(b) || json_object_size(b) == 0)
            return ws_err_set(e, WS_EINPUT, "%s: expected {\"max\": N} and/or {\"min\": N}", path);
        if (ws_json_check_keys(b, keys, path, e) || ws_json_get_number(b, "max", path, &k->max, e)
            || ws_json_get_number(b, "min", path, &k->min, e))
            return -1;
        /* no value meets both: every trial infeasible, a sweep that can find nothing */
        if (k->min > k->max)
            return ws_err_set(e, WS_EINPUT, "%s: min %g is above max %g: no value is feasible (expected min <= max)", path,
                              k->min, k->max);
    }
    return 0;
}

/* budget.fine_steps: the steps of the fine epochs that validate besides each epoch's end, for a
 * pruner that reads only some (successive halving's and hyperband's rungs): the others would
 * cost a validation each and decide nothing. */
static int check_fine_steps(ws_config *c, const json_t *steps, const char *where, ws_err *e)
{
    if (!steps) return 0;
    if (!c->fine_epochs)
        return ws_err_set(e, WS_EINPUT, "%s: budget.fine_steps: names steps of the fine epochs, but budget.fine_epochs "
                          "is not given", where);
    long last = (long)c->fine_epochs * c->validations_per_epoch;
    if (!json_is_array(steps) || json_array_size(steps) == 0 || json_array_size(steps) > WS_MAX_FINE_STEPS)
        return ws_err_set(e, WS_EINPUT, "%s: budget.fine_steps: expected an array of 1..%d steps", where,
                          WS_MAX_FINE_STEPS);
    size_t i;
    json_t *v;
    json_array_foreach(steps, i, v) {
        json_int_t s = json_is_integer(v) ? json_integer_value(v) : 0;
        if (!json_is_integer(v) || s < 1 || s > last || (i && s <= c->fine_steps[i - 1]))
            return ws_err_set(e, WS_EINPUT, "%s: budget.fine_steps[%zu]: expected increasing integers 1..%ld (steps of "
                              "1/%d epoch in the first %d epoch%s)", where, i, last, c->validations_per_epoch,
                              c->fine_epochs, c->fine_epochs == 1 ? "" : "s");
        c->fine_steps[i] = (int)s;
    }
    c->n_fine_steps = (int)i;
    return 0;
}

/* budget.fine_epochs is at most the most epochs a trial trains (WS_MAX_EPOCHS): more says nothing
 * a trial could reach. A config file is held to that (ws_config_check_file); a study's kept
 * config, which versions before took up to this, is read as it was (ws_config_parse). */
#define FINE_EPOCHS_KEPT_MAX 1000000
static int fine_epochs_refused(const char *where, ws_err *e)
{
    return ws_err_set(e, WS_EINPUT, "%s: budget.fine_epochs: expected an integer 1..%d (at most the epochs a trial "
                      "trains)", where, WS_MAX_EPOCHS);
}

static int check_budget(ws_config *c, const json_t *budget, const char *where, ws_err *e)
{
    static const char *const keys[] = {"epochs", "validations_per_epoch", "fine_epochs", "fine_steps", NULL};
    if (!budget) return 0;
    if (!json_is_object(budget)) return ws_err_set(e, WS_EINPUT, "%s: budget: expected an object", where);
    if (ws_json_check_keys(budget, keys, "budget", e)) return ws_err_prefix(e, "%s", where);
    json_t *vpe = json_object_get(budget, "validations_per_epoch");
    if (vpe && (!json_is_integer(vpe) || json_integer_value(vpe) < 1 || json_integer_value(vpe) > 1000))
        return ws_err_set(e, WS_EINPUT, "%s: budget.validations_per_epoch: expected an integer 1..1000", where);
    if (vpe) c->validations_per_epoch = (int)json_integer_value(vpe);
    /* Parts validated in the first epochs only: where successive halving's and hyperband's
     * early rungs fall; a step stays 1/K of an epoch in every epoch, so steps still compare. */
    json_t *fine = json_object_get(budget, "fine_epochs");
    if (fine && (!json_is_integer(fine) || json_integer_value(fine) < 1 || json_integer_value(fine) > FINE_EPOCHS_KEPT_MAX))
        return fine_epochs_refused(where, e);
    if (fine && c->validations_per_epoch == 1)
        return ws_err_set(e, WS_EINPUT, "%s: budget.fine_epochs: says which epochs validate validations_per_epoch times, "
                          "but budget.validations_per_epoch is 1", where);
    if (fine) c->fine_epochs = (int)json_integer_value(fine);
    if (check_fine_steps(c, json_object_get(budget, "fine_steps"), where, e)) return -1;
    json_t *ep = json_object_get(budget, "epochs");
    if (!ep) return 0;
    if (json_is_integer(ep)) {
        if (json_integer_value(ep) < 1 || json_integer_value(ep) > WS_MAX_EPOCHS)
            return ws_err_set(e, WS_EINPUT, "%s: budget.epochs: expected 1..%d, got %lld", where, WS_MAX_EPOCHS,
                              (long long)json_integer_value(ep));
        return 0;
    }
    if (!json_is_array(ep) || json_array_size(ep) == 0)
        return ws_err_set(e, WS_EINPUT, "%s: budget.epochs: expected an integer or a schedule [[upto, epochs], ..., [null, epochs]]", where);
    size_t i;
    json_t *row;
    json_int_t prev = -1;
    json_array_foreach(ep, i, row) {
        json_t *upto = json_array_get(row, 0), *n = json_array_get(row, 1);
        int last = i + 1 == json_array_size(ep);
        if (!json_is_array(row) || json_array_size(row) != 2 || !json_is_integer(n) || json_integer_value(n) < 1
            || json_integer_value(n) > WS_MAX_EPOCHS || (last ? !json_is_null(upto) : !json_is_integer(upto)))
            return ws_err_set(e, WS_EINPUT, "%s: budget.epochs[%zu]: expected [upto, epochs] with integer epochs 1..%d%s",
                              where, i, WS_MAX_EPOCHS, last ? " and upto null (the rest)" : "");
        if (!last) {
            if (json_integer_value(upto) < 0)
                return ws_err_set(e, WS_EINPUT, "%s: budget.epochs[%zu]: upto: expected a trial number >= 0", where, i);
            if (json_integer_value(upto) <= prev)
                return ws_err_set(e, WS_EINPUT, "%s: budget.epochs[%zu]: upto must increase", where, i);
            prev = json_integer_value(upto);
        }
    }
    return 0;
}

/* Hyperband's integer max_resource as its pruner takes it (ws_json_get_int: 12, and 12.0 too); 0
 * for another pruner, "auto", or a value ws_pruner_parse refuses. Read as a JSON integer only, a
 * 12.0 set every trial's epochs unchecked. */
static long hyperband_max_resource(const ws_config *c)
{
    const char *name = c->pruner ? json_string_value(json_object_get(c->pruner, "name")) : NULL;
    long r = 0;
    ws_err ignored = {0};
    if (!name || strcmp(name, "hyperband") || !json_is_number(json_object_get(c->pruner, "max_resource"))
        || ws_json_get_int(c->pruner, "max_resource", "", &r, &ignored))
        return 0;
    return r;
}

/* With several validations an epoch, what counts steps must agree with the epochs: hyperband's
 * max_resource R is steps its survivors train, and a trial trains whole epochs, so R must fill
 * them (Optuna would never prune past R); a fixed validate_every of several epochs is the
 * opposite wish (a searched one: check_searched_every; train-trial refuses both). */
static int check_steps(const ws_config *c, const char *where, ws_err *e)
{
    int k = c->validations_per_epoch;
    /* R / K is every trial's epochs (ws_trial_epochs): held to train-trial's range, as
     * budget.epochs is, or every trial line it printed was one train-trial refuses */
    long r = hyperband_max_resource(c);
    if (r / k > WS_MAX_EPOCHS) {
        char steps[64] = "";
        if (k > 1) snprintf(steps, sizeof steps, " (steps of 1/%d epoch)", k);
        return ws_err_set(e, WS_EINPUT, "%s: pruner.max_resource %ld sets every trial's epochs to %ld%s: expected at "
                          "most %d epochs", where, r, r / k, steps, WS_MAX_EPOCHS);
    }
    if (k <= 1) return 0;
    json_t *every = c->fixed ? json_object_get(c->fixed, "validate_every") : NULL;
    if (json_is_integer(every) && json_integer_value(every) > 1)
        return ws_err_set(e, WS_EINPUT, "%s: budget.validations_per_epoch %d with fixed.validate_every %lld: validate more "
                          "than once an epoch or less, not both", where, k, (long long)json_integer_value(every));
    if (r > 0 && r % k)
        return ws_err_set(e, WS_EINPUT, "%s: pruner.max_resource %ld is not a whole number of epochs of %d steps "
                          "(budget.validations_per_epoch): make it a multiple of %d", where, r, k, k);
    return 0;
}

int ws_budget_epochs(const json_t *budget, long number, long *epochs, ws_err *e)
{
    *epochs = 0;
    json_t *ep = budget ? json_object_get(budget, "epochs") : NULL;
    if (!ep) return 0;
    if (json_is_integer(ep)) { *epochs = (long)json_integer_value(ep); return 0; }
    size_t i;
    json_t *row;
    json_array_foreach(ep, i, row) {
        json_t *upto = json_array_get(row, 0);
        if (json_is_null(upto) || number < (long)json_integer_value(upto)) {
            *epochs = (long)json_integer_value(json_array_get(row, 1));
            return 0;
        }
    }
    return ws_err_set(e, WS_EINPUT, "budget.epochs: schedule has no entry for trial %ld", number);
}

int ws_config_study_name_ok(const char *name) { return *name && ws_utf8_length(name) <= WS_STUDY_NAME_MAX; }

int ws_config_parse(ws_config *c, json_t *root, const char *where, ws_err *e)
{
    memset(c, 0, sizeof *c);
    c->root = json_incref(root);
    c->direction = WS_MINIMIZE;      /* Optuna's default */
    c->objective = "value";
    c->heartbeat_interval_s = 10;
    c->grace_s = 120;
    c->validations_per_epoch = 1;
    if (!json_is_object(root)) return ws_err_set(e, WS_EINPUT, "%s: expected a JSON object", where);
    if (ws_json_check_keys(root, config_keys, where, e)) return -1;
    if (ws_json_get_string(root, "study", where, &c->study, e)) return -1;
    if (!c->study) return ws_err_set(e, WS_EINPUT, "%s: study: missing (the study name)", where);
    /* given, but "" (a name Optuna takes, which no tool here makes): not said to be missing */
    if (!*c->study)
        return ws_err_set(e, WS_EINPUT, "%s: study: empty: expected a name of 1 to %d characters", where,
                          WS_STUDY_NAME_MAX);
    if (!ws_config_study_name_ok(c->study))
        return ws_err_set(e, WS_EINPUT, "%s: study: longer than %d characters", where, WS_STUDY_NAME_MAX);
    const char *dir = NULL;
    if (ws_json_get_string(root, "direction", where, &dir, e)) return -1;
    if (dir && !strcmp(dir, "maximize")) c->direction = WS_MAXIMIZE;
    else if (dir && strcmp(dir, "minimize"))
        return ws_err_set(e, WS_EINPUT, "%s: direction: expected \"maximize\" or \"minimize\", got \"%s\"", where, dir);
    if (ws_json_get_string(root, "objective", where, &c->objective, e)) return -1;
    if (parse_constraints(c, json_object_get(root, "constraints"), where, e)) return -1;
    c->sampler = json_object_get(root, "sampler");
    c->pruner = json_object_get(root, "pruner");
    c->budget = json_object_get(root, "budget");
    c->fixed = json_object_get(root, "fixed");
    if (c->sampler && !json_is_object(c->sampler)) return ws_err_set(e, WS_EINPUT, "%s: sampler: expected an object", where);
    if (c->pruner && !json_is_object(c->pruner)) return ws_err_set(e, WS_EINPUT, "%s: pruner: expected an object", where);
    if (c->fixed && !json_is_object(c->fixed)) return ws_err_set(e, WS_EINPUT, "%s: fixed: expected an object", where);
    if (check_budget(c, c->budget, where, e) || check_steps(c, where, e)) return -1;
    json_t *hb = json_object_get(root, "heartbeat");
    if (hb) {
        static const char *const keys[] = {"interval_seconds", "grace_seconds", NULL};
        char path[600];
        snprintf(path, sizeof path, "%s: heartbeat", where);
        if (!json_is_object(hb)) return ws_err_set(e, WS_EINPUT, "%s: expected an object", path);
        if (ws_json_check_keys(hb, keys, path, e) || ws_json_get_number(hb, "interval_seconds", path, &c->heartbeat_interval_s, e)
            || ws_json_get_number(hb, "grace_seconds", path, &c->grace_s, e))
            return -1;
        if (!(c->heartbeat_interval_s > 0) || !(c->grace_s > 0))
            return ws_err_set(e, WS_EINPUT, "%s: interval_seconds and grace_seconds must be > 0", path);
        /* a trial writes its heartbeat to the study once an interval: 1e-300 wrote it in a busy
         * loop, the study's write lock taken from every other trial (gpu-monitor's floor too) */
        if (c->heartbeat_interval_s < 0.01)
            return ws_err_set(e, WS_EINPUT, "%s.interval_seconds: %g is below 0.01 s (a trial writes its heartbeat to "
                              "the study once an interval)", path, c->heartbeat_interval_s);
        /* a trial beats once an interval: a grace no longer than that lets a suggest fail and
         * queue again a trial that is training (Optuna takes it and does so too) */
        if (!(c->grace_s > c->heartbeat_interval_s))
            /* a value the config does not give is said to be the default: "grace_seconds (120)"
             * alone, for a config giving only interval_seconds 200, named a number it never wrote */
            return ws_err_set(e, WS_EINPUT, "%s: grace_seconds (%g%s) must be above interval_seconds (%g%s): a trial's "
                              "heartbeat comes once an interval, so a shorter grace fails trials that are still "
                              "training (Optuna's default grace is twice the interval)", path, c->grace_s,
                              json_object_get(hb, "grace_seconds") ? "" : ", the default", c->heartbeat_interval_s,
                              json_object_get(hb, "interval_seconds") ? "" : ", the default");
    }
    json_t *space = json_object_get(root, "space");
    char path[600];
    snprintf(path, sizeof path, "%s: space", where);
    if (!space) return ws_err_set(e, WS_EINPUT, "%s: missing (the search space)", path);
    return ws_space_parse(&c->space, space, path, e);
}

/* A trial's epochs are set in one place. budget.epochs, and hyperband's max_resource, give every
 * trial line its epochs, which train-trial takes over the settings: with fixed.epochs too, the
 * fixed value went unused without a word (3 fixed, 10 trained), and a searched epochs was
 * recorded as the trial's parameter but never trained. */
const char *ws_config_epochs_set_by(const ws_config *c)
{
    return c->budget && json_object_get(c->budget, "epochs") ? "budget.epochs"
           : hyperband_max_resource(c) > 0 ? "hyperband's pruner.max_resource" : NULL;
}

static int check_epochs(const ws_config *c, const char *where, ws_err *e)
{
    const char *by = ws_config_epochs_set_by(c);
    if (!by) return 0;
    if (c->fixed && json_object_get(c->fixed, "epochs"))
        return ws_err_set(e, WS_EINPUT, "%s: fixed.epochs: %s sets every trial's epochs, so fixed.epochs would go unused: "
                          "give the epochs in one place", where, by);
    for (size_t i = 0; i < c->space.n; i++)
        if (!strcmp(c->space.v[i].name, "epochs"))
            return ws_err_set(e, WS_EINPUT, "%s: space.epochs: %s sets every trial's epochs, so a searched value would be "
                              "recorded but never trained: search epochs without %s, or do not search them", where, by, by);
    return 0;
}

/* check_steps' refusal for a searched validate_every: a range end or choice above 1 beside
 * several validations an epoch is a trial line train-trial refuses (exit 2), so a sweep stopped
 * at the first trial that drew it. Here, not in check_steps, because a study's kept config is
 * read with ws_config_parse alone: one kept before this check is still read (its trials still
 * refused by train-trial, one at a time). */
static int check_searched_every(const ws_config *c, const char *where, ws_err *e)
{
    for (size_t i = 0; c->validations_per_epoch > 1 && i < c->space.n; i++) {
        const ws_dist *d = &c->space.v[i].dist;
        if (strcmp(c->space.v[i].name, "validate_every")) continue;
        for (int k = 0; k < ws_dist_n_ends(d); k++) {
            char what[64];
            json_t *v = ws_dist_end(d, k, what, sizeof what);
            /* a choice that is no number is train-trial's to refuse (trainer_settings_check_config) */
            double x = json_is_number(v) ? json_number_value(v) : 0;
            json_decref(v);
            if (!(x > 1)) continue;
            return ws_err_set(e, WS_EINPUT, "%s: budget.validations_per_epoch %d with space.validate_every, whose %s is "
                              "%g: validate more than once an epoch or less, not both (train-trial would refuse every "
                              "trial that draws a validate_every above 1)", where, c->validations_per_epoch, what, x);
        }
    }
    return 0;
}

int ws_config_check_file(const ws_config *c, const char *where, ws_err *e)
{
    char path[600];
    snprintf(path, sizeof path, "%s: space", where);
    if (ws_space_check_file(&c->space, json_object_get(c->root, "space"), path, e)) return -1;
    if (c->fine_epochs > WS_MAX_EPOCHS) return fine_epochs_refused(where, e);
    /* A setting in both was searched, and the fixed value never used (the trainer takes the
     * trial's params over the fixed settings) without a word: a config that meant to fix
     * batch_size, copied from one that searched it, went on searching it. */
    for (size_t i = 0; c->fixed && i < c->space.n; i++)
        if (json_object_get(c->fixed, c->space.v[i].name))
            return ws_err_set(e, WS_EINPUT, "%s: fixed.%s: is also a parameter of the space; a setting is searched "
                              "(space) or fixed, not both", where, c->space.v[i].name);
    return check_epochs(c, where, e) || check_searched_every(c, where, e) ? -1 : 0;
}

int ws_config_load(ws_config *c, const char *path, ws_err *e)
{
    memset(c, 0, sizeof *c);
    int std = !strcmp(path, "-");
    if (std) path = "stdin";
    json_t *root = std ? ws_json_load_stream(stdin, path, e) : ws_json_load_file(path, e);
    if (!root) return -1;
    /* named as given, as every other file is: cut to its last part, a config given by process
     * substitution (<(jq . c.json)) was "63", and one in another folder lost the folder */
    int rc = ws_config_parse(c, root, path, e) || ws_config_check_file(c, path, e) ? -1 : 0;
    json_decref(root);
    return rc;
}

void ws_config_release(ws_config *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n_constraints; i++) free(c->constraints[i].name);
    free(c->constraints);
    ws_space_release(&c->space);
    json_decref(c->root);
    memset(c, 0, sizeof *c);
}
