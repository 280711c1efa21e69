/* suggest — asks the study for new trials: creates the study on first use, fails trials whose
 * heartbeat went silent, claims enqueued trials first, samples the rest, and prints one trial
 * line per trial. Each trial is created, sampled and stored in one short write transaction, so
 * parallel suggests never share a number and a constant liar sees every running trial. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include "core/cli.h"
#include "core/json.h"
#include "core/parse.h"
#include "core/text.h"
#include "pruner/pruner.h"
#include "sampler/sampler.h"
#include "space/config.h"
#include "store/store.h"
#include "store/trial_json.h"
#include "core/proc.h"
#include "study/reap.h"
#include "study/seed.h"
#include "trainer/settings.h"

static void usage(void)
{
    printf("Usage: suggest --db URL --config FILE [OPTIONS]\n"
           "Create K new trials of the study in CONFIG and print one trial line each:\n"
           "  {\"study\",\"trial\",\"params\",\"budget\":{\"epochs\"},\"seed\"}\n"
           "(budget {} where neither the config's budget nor a hyperband pruner sets the epochs:\n"
           " the trial then trains fixed.epochs, a searched epochs or train-trial's 10)\n\n"
           "  --db URL           study database: a path or sqlite:///path (created when missing),\n"
           "                     or postgresql://user@host:port/db\n"
           "  --config FILE      study config (JSON): study, direction, sampler, pruner, space, ...\n"
           "                     (- for stdin, but not with --fixed - or --enqueue -)\n"
           "  --study NAME       the study's name instead of the config's \"study\" (the config kept\n"
           "                     in the study carries it)\n"
           "  -n, --n K          number of trials to create (default 1; 0 only sets up the study\n"
           "                     and fails stale trials)\n"
           "  --seed S           study seed for this call (default: the config's sampler.seed,\n"
           "                     else the one kept in the study: S of the call that created it,\n"
           "                     or one drawn then)\n"
           "  --fixed FILE       fix parameters to the values in FILE (a trial line, e.g. from\n"
           "                     `report --best`, or a JSON object of params); a conditional one\n"
           "                     the trial leaves inactive is dropped, and a single-value one\n"
           "                     (low == high, one choice) keeps its value, as in Optuna; - is stdin\n"
           "  --enqueue FILE     queue the parameter sets in FILE (JSON lines) as WAITING trials\n"
           "                     instead of sampling, all or none; later suggests claim them first\n"
           "                     (not with --n, --seed, --fixed, --tag or --pid); - is stdin\n"
           "  --grace SECONDS    fail RUNNING trials silent for longer and queue them again\n"
           "                     (default: the config's heartbeat.grace_seconds, 120)\n"
           "  --force            replace the config kept in an existing study by CONFIG (not with\n"
           "                     another budget.validations_per_epoch, fine_epochs or fine_steps\n"
           "                     once it has trials, nor another kind, log or choices of a param\n"
           "                     its trials store, nor another direction, which a study keeps);\n"
           "                     space's parameters in another order are another config (the\n"
           "                     order they are drawn in)\n"
           "  --pid PID          record PID (and this host) as the process running the new trials,\n"
           "                     so --reap can tell when it is gone (train-trial records its own,\n"
           "                     and keeps PID as the trial's owner where PID runs it)\n"
           "  --tag TAG          record TAG on the new trials (the pipeline's target name), so\n"
           "                     `train-trial --result-of TAG` finds a trial that already finished\n"
           "  --unless-done      with --tag: when a finished trial of the study carries TAG (and\n"
           "                     was not queued again), make no trial, print nothing and exit 1\n"
           "  --reap             before any trial is made or queued, fail the RUNNING trials of\n"
           "                     this host whose process is gone, and their owner (--pid) too\n"
           "                     where they have one (a killed sweep), and queue them\n"
           "                     to be retried (none where --enqueue's FILE is refused)\n"
           "  -h, --help         show this help;  --version  show the version\n"
           "--db, --config, --study, --fixed, --enqueue, --tag and --pid are each given once (a second\n"
           "is refused).\n\n"
           "Exit status: 0 success, 1 --unless-done found TAG's trial finished, 2 usage or input\n"
           "error, 3 internal error or a trial line that could not be written (that trial is\n"
           "failed and queued again).\n");
}

typedef struct {
    ws_store *store;
    ws_study study;
    ws_config cfg;
    ws_sampler_cfg sampler;
    ws_pruner_cfg pruner;              /* hyperband: the sampler sees only the trial's bracket */
    uint64_t seed;
    long owner_pid;                    /* --pid: recorded on each trial, 0 = none */
    const char *tag;                   /* --tag: recorded on each trial, or NULL */
    int unless_done;                   /* --unless-done: no trial where tag's trial finished */
    ws_param *fixed; size_t n_fixed;   /* --fixed values, applied to every trial */
    const char *config_path;           /* --config, for messages */
    json_t *stale;                     /* trials fail_stale failed, said once committed */
    int64_t line_id;                   /* trial id of the last line made, to fail it by id if unwritten */
} suggest_ctx;

/* A numeric value for distribution d that lies outside it: with `lenient`, taken as given with a
 * warning, as Optuna's _is_fixed_param (an enqueued value) and PartialFixedSampler (--fixed)
 * take a value out of range; else the error. */
static int outside_value(const ws_dist *d, const json_t *v, int lenient, const char *where, const char *name,
                         double *internal, ws_err *e)
{
    double x = json_number_value(v);
    if (!lenient || d->kind == WS_DIST_CATEGORICAL || !json_is_number(v) || !isfinite(x)
        || (d->kind == WS_DIST_INT && !ws_dist_int_value(v)))
        return ws_err_prefix(e, "%s.%s", where, name);
    ws_cli_warn("%s.%s: %s; used as given, as Optuna does", where, name, e->msg);
    *internal = x;
    return 0;
}

/* --fixed's value for a parameter whose distribution holds one value (low == high, one choice):
 * Optuna's Trial._suggest takes that value before it asks the sampler, so PartialFixedSampler's
 * fixed value never reaches it (an enqueued value, read before, does). Returns 1 when d is
 * single, *internal its value, with a warning when v is another value. */
static int single_value(const ws_dist *d, const json_t *v, const char *where, const char *name, double *internal)
{
    double given;
    if (!ws_dist_single(d, internal)) return 0;
    if (ws_dist_internal(d, v, &given, NULL) || given != *internal) {
        json_t *x = ws_dist_external(d, *internal);
        char *t = ws_json_dump(v, 0), *u = ws_json_dump(x, 0);
        ws_cli_warn("%s.%s: the space holds one value, %s; the fixed %s is not used, as in Optuna", where, name,
                    u ? u : "its own", t ? t : "value");
        free(t); free(u);
        json_decref(x);
    }
    return 1;
}

/* A claimed trial's fixed_params that is no object of params: named with the study file, the trial
 * and the attribute, and for text that is no JSON at all (loaded as a string of the text,
 * ws_trial_attr_text) with jansson's reason, where "expected an object" alone told nothing of
 * what to mend. */
static int queued_not_object(ws_store *store, const ws_trial *t, const json_t *fp, ws_err *e)
{
    const char *text = ws_trial_attr_text(t, 1, "fixed_params");
    json_error_t je;
    json_t *j = text ? json_loads(text, JSON_DECODE_ANY, &je) : NULL;
    json_decref(j);
    if (text && !j)
        return ws_err_set(e, WS_EINPUT, "%s: trial %d: system attribute 'fixed_params': not JSON (%s, at character %d), "
                          "expected an object of parameters", ws_store_path(store), t->number, ws_json_error_text(&je),
                          je.position);
    /* a NULL cell is held as "": it was named "a string", which is not there to find */
    if (ws_trial_attr_null(t, 1, "fixed_params"))
        return ws_err_set(e, WS_EINPUT, "%s: trial %d: system attribute 'fixed_params': expected an object of parameters, "
                          "got NULL (SQL's NULL, no JSON text)", ws_store_path(store), t->number);
    return ws_err_set(e, WS_EINPUT, "%s: trial %d: system attribute 'fixed_params': expected an object of parameters, got %s",
                      ws_store_path(store), t->number, ws_json_type_name(fp));
}

/* Turns a params object into ws_params: names in the space take its distribution (and must
 * fit it, or with `lenient` be a number, see outside_value; with `fixed`, --fixed's values, a
 * single-value parameter keeps its own, see single_value); other names are carried as
 * one-choice categoricals, which Optuna reads as well. */
static int params_from_json(const ws_space *sp, const json_t *obj, const char *where, int lenient, int fixed,
                            ws_param **out, size_t *n, ws_err *e)
{
    const char *name;
    json_t *v;
    if (!json_is_object(obj)) return ws_err_set(e, WS_EINPUT, "%s: expected an object of parameters", where);
    json_object_foreach((json_t *)obj, name, v) {
        int i = ws_space_find(sp, name);
        double internal = 0;
        ws_dist single = {.kind = WS_DIST_CATEGORICAL};
        if (i >= 0 && !(fixed && single_value(&sp->v[i].dist, v, where, name, &internal))
            && ws_dist_internal(&sp->v[i].dist, v, &internal, e)
            && outside_value(&sp->v[i].dist, v, lenient, where, name, &internal, e))
            return -1;
        if (i < 0) {
            if (json_is_object(v) || json_is_array(v))
                return ws_err_set(e, WS_EINPUT, "%s.%s: expected a scalar value", where, name);
            single.choices = json_pack("[O]", v);
        }
        int rc = ws_sampler_append(out, n, name, i >= 0 ? &sp->v[i].dist : &single, internal, e);
        json_decref(single.choices);
        if (rc) return -1;
    }
    return 0;
}

static void params_free(ws_param *p, size_t n)
{
    for (size_t i = 0; i < n; i++) { free(p[i].name); ws_dist_release(&p[i].dist); }
    free(p);
}

/* A name outside the space comes from params_from_json as a one-choice categorical of its
 * value: a distribution of its own for each value. Optuna's storage keeps one per parameter name
 * in a study (a new one must be compatible with the first stored, check_distribution_
 * compatibility), so a second value (--fixed FILE again after stage 1's best moved) made a study
 * that Optuna could not add such a trial to, nor copy_study. Such a param takes instead the
 * distribution `ref` that `by` (a trial of the study, an earlier line) holds for its name, as
 * Optuna's enqueued value takes the objective's distribution: a number outside it is used as
 * given with a warning (outside_value), a value it cannot hold is refused. */
static int carry_as(ws_param *p, const ws_dist *ref, const char *by, const char *where, ws_err *e)
{
    const json_t *v = json_array_get(p->dist.choices, (size_t)p->internal);
    double internal;
    ws_dist d;
    if (ws_dist_internal(ref, v, &internal, e)) {
        char why[sizeof e->msg];
        snprintf(why, sizeof why, "%s", e->msg);
        if (outside_value(ref, v, 1, where, p->name, &internal, e)) {
            char *was = ws_dist_to_optuna(ref);
            ws_err_set(e, WS_EINPUT, "%s.%s: not a parameter of the space, so it takes the distribution %s holds for "
                       "it, %s, but %s: Optuna keeps one distribution per parameter name in a study (give a value it "
                       "holds, or start a new study)", where, p->name, by, was ? was : "another", why);
            free(was);
            return -1;
        }
    }
    if (ws_dist_copy(&d, ref)) return ws_err_set(e, WS_ENOMEM, "out of memory");
    ws_dist_release(&p->dist);
    p->dist = d;
    p->internal = internal;
    return 0;
}

/* Whether any of p[0..n) lies outside the space (a study load is needed only then). */
static int any_carried(const ws_space *sp, const ws_param *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ws_space_find(sp, p[i].name) < 0) return 1;
    return 0;
}

/* carry_as for each param of p[0..n) outside the space, against the first trial of l but trial
 * `skip` that stores its name (where Optuna's storage checks), else the first of earlier[0..
 * n_earlier) giving it (an --enqueue FILE's earlier lines, lines[i] each one's line). */
static int carry_stored(const suggest_ctx *c, const ws_trial_list *l, int skip, const ws_param *earlier,
                        const int *lines, size_t n_earlier, ws_param *p, size_t n, const char *where, ws_err *e)
{
    for (size_t i = 0; i < n; i++) {
        if (ws_space_find(&c->cfg.space, p[i].name) >= 0) continue;
        const ws_param *ref = NULL;
        char by[2200];   /* a study name: 2048 bytes */
        for (size_t t = 0; l && !ref && t < l->n; t++)
            if (l->v[t].number != skip && (ref = ws_trial_param(&l->v[t], p[i].name)))
                snprintf(by, sizeof by, "trial %d of study '%s'", l->v[t].number, c->study.name);
        for (size_t j = 0; !ref && j < n_earlier; j++)
            if (!strcmp(earlier[j].name, p[i].name)) {
                ref = &earlier[j];
                snprintf(by, sizeof by, "line %d", lines[j]);
            }
        if (ref && carry_as(&p[i], &ref->dist, by, where, e)) return -1;
    }
    return 0;
}

/* A trial's params in the order they are drawn in, the space's, as Optuna keeps them in the
 * order the objective asks for them: a queued or --fixed set came first, in its file's order.
 * Names outside the space follow, as they came (ws_params_sort is stable). */
static size_t space_rank(const char *name, const void *space)
{
    int i = ws_space_find(space, name);
    return i < 0 ? ((const ws_space *)space)->n : (size_t)i;
}

/* Appends to *p the params of src whose names *p does not hold yet. */
static int append_missing(ws_param **p, size_t *n, const ws_param *src, size_t n_src, ws_err *e)
{
    for (size_t i = 0; i < n_src; i++)
        if (!ws_trial_param(&(ws_trial){.params = *p, .n_params = *n}, src[i].name)
            && ws_sampler_append(p, n, src[i].name, &src[i].dist, src[i].internal, e))
            return -1;
    return 0;
}

/* The params of p that trial t does not store yet (shallow copies, in *out; free the array). */
static int params_not_stored(const ws_trial *t, const ws_param *p, size_t n, ws_param **out, size_t *n_out, ws_err *e)
{
    *out = malloc((n ? n : 1) * sizeof **out);
    if (!*out) return ws_err_set(e, WS_ENOMEM, "out of memory");
    *n_out = 0;
    for (size_t i = 0; i < n; i++)
        if (!ws_trial_param(t, p[i].name)) (*out)[(*n_out)++] = p[i];
    return 0;
}

static const json_t *params_of(const json_t *j)
{
    const json_t *p = json_object_get(j, "params");
    return p ? p : j;
}

/* Values fixed or queued (where) for settings the study config sets itself, where the config's
 * would win or lose without a word:
 *  - epochs, when the study's budget sets every trial's: the trial would record the value as its
 *    parameter and train the budget's epochs, as a config's fixed.epochs would;
 *  - a setting the config's "fixed" sets to another value: the name would go into the trial line
 *    as a parameter, and train-trial takes a trial's params over the fixed settings, so the
 *    config's value would be dropped, as for a setting both searched and fixed.
 * ws_config_check_file refuses both pairs within a config. The same value in both is no conflict. */
static int refuse_set_by_config(const ws_config *cfg, const json_t *params, const char *where, ws_err *e)
{
    if (!json_is_object(params)) return 0;
    const char *by = ws_config_epochs_set_by(cfg);
    if (by && json_object_get(params, "epochs"))
        return ws_err_set(e, WS_EINPUT, "%s: epochs: the study's %s sets every trial's epochs, so this value would be "
                          "recorded but not trained: leave epochs out here, or give the study no %s", where, by, by);
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)params, name, v) {
        json_t *f = cfg->fixed ? json_object_get(cfg->fixed, name) : NULL;
        if (!f || ws_json_scalar_equal(f, v)) continue;   /* 8 and 8.0 one value, as a config's are (config_diff) */
        char *a = ws_json_dump(v, 0), *b = ws_json_dump(f, 0);
        ws_err_set(e, WS_EINPUT, "%s: %s: %s here, but the study config fixes it to %s (fixed.%s), and a trial's value "
                   "would replace that one: leave it out here, or out of the config's fixed", where, name,
                   a ? a : "?", b ? b : "?", name);
        free(a);
        free(b);
        return -1;
    }
    return 0;
}

/* A line with a study and a trial but no params is a trial's result (a sweep's trial-NNN.json,
 * tell's line), not a set of params: taken for one, its keys would be fixed as parameters
 * (study, trial, state, value: train-trial refuses them) or fail on its metrics as "expected a
 * scalar value". `where` names the file (and line). */
static int refuse_result_line(const json_t *j, const char *where, ws_err *e)
{
    if (!json_object_get(j, "study") || !json_object_get(j, "trial") || json_object_get(j, "params")) return 0;
    return ws_err_set(e, WS_EINPUT, "%s: a trial's result line without params; give a line with params (report --db "
                      "DB --study NAME --best prints the best trial's, --format jsonl every trial's) or an object of "
                      "params", where);
}

/* --force may replace a config, but not the length of a step once trials have reported: the
 * pruner compares trials at equal steps, and steps of 1/K epoch (budget.validations_per_epoch)
 * under another K would meet steps of another length. Nor which steps report (budget.fine_epochs, fine_steps):
 * successive halving and hyperband judge a rung at the first reported step at or past it, so
 * old and new trials would meet there after different lengths of training. */
static int check_step_unit(suggest_ctx *c, json_t *kept, ws_err *e)
{
    ws_config old;
    if (ws_config_parse(&old, kept, "study config", e))   /* the kept one, not --config's: named */
        return ws_err_prefix(e, "%s: study '%s'", ws_store_path(c->store), c->cfg.study);
    int k = old.validations_per_epoch, fine = old.fine_epochs;
    int same_steps = old.n_fine_steps == c->cfg.n_fine_steps &&
                     !memcmp(old.fine_steps, c->cfg.fine_steps, (size_t)old.n_fine_steps * sizeof *old.fine_steps);
    ws_config_release(&old);
    if (k == c->cfg.validations_per_epoch && fine == c->cfg.fine_epochs && same_steps) return 0;
    ws_trial_list l = {0};
    if (ws_store_trials_load(c->store, &c->study, 0, &l, e)) return -1;
    size_t n = l.n;
    ws_trial_list_free(&l);
    if (!n) return 0;
    const char *s = n == 1 ? "" : "s", *verb = n == 1 ? "s" : "";
    if (k != c->cfg.validations_per_epoch)
        return ws_err_set(e, WS_EINPUT, "%s: study '%s': budget.validations_per_epoch: its %zu trial%s report%s %d step%s an "
                          "epoch; a config with %d would mix steps of two lengths in the pruner (start a new study)",
                          ws_store_path(c->store), c->cfg.study, n, s, verb, k, k == 1 ? "" : "s",
                          c->cfg.validations_per_epoch);
    if (fine == c->cfg.fine_epochs)
        return ws_err_set(e, WS_EINPUT, "%s: study '%s': budget.fine_steps: its %zu trial%s report%s other steps than "
                          "this config's; the pruner would judge its rungs after other lengths of training (start a "
                          "new study)", ws_store_path(c->store), c->cfg.study, n, s, verb);
    char was[32], now[32];
    snprintf(was, sizeof was, fine ? "%d" : "none (every epoch)", fine);
    snprintf(now, sizeof now, c->cfg.fine_epochs ? "%d" : "none", c->cfg.fine_epochs);
    return ws_err_set(e, WS_EINPUT, "%s: study '%s': budget.fine_epochs: its %zu trial%s report%s under %s; a config with %s "
                      "would report other steps, and the pruner would judge its rungs after other lengths of training "
                      "(start a new study)", ws_store_path(c->store), c->cfg.study, n, s, verb, was, now);
}

/* A space whose parameter has another kind, another log or other choices than the study's
 * trials store for that name: Optuna's storage refuses it (check_distribution_compatibility,
 * against the first trial that stores the name), so the study could no longer be continued by
 * Optuna, and TPE here would drop the old values as incompatible without a word. Refused before
 * the config is kept, as for a study begun in Optuna, or a config given with --force. */
static int check_stored_dists(suggest_ctx *c, ws_err *e)
{
    ws_trial_list l = {0};
    if (ws_store_trials_load(c->store, &c->study, WS_LOAD_PARAMS, &l, e)) return -1;
    int rc = 0;
    for (size_t i = 0; !rc && i < c->cfg.space.n; i++) {
        const ws_space_param *sp = &c->cfg.space.v[i];
        for (size_t t = 0; t < l.n; t++) {
            const ws_param *p = ws_trial_param(&l.v[t], sp->name);
            if (!p) continue;
            const char *why = ws_dist_incompatible(&p->dist, &sp->dist);
            if (why) {
                char *old = ws_dist_to_optuna(&p->dist), *now = ws_dist_to_optuna(&sp->dist);
                rc = ws_err_set(e, WS_EINPUT, "%s: space.%s: %s has %s than %s, which trial %d of study '%s' in %s "
                                "stores; Optuna refuses that for one parameter name (start a new study)",
                                c->config_path, sp->name, now ? now : "the distribution", why, old ? old : "the one",
                                l.v[t].number, c->study.name, ws_store_path(c->store));
                free(old); free(now);
            }
            break;
        }
    }
    ws_trial_list_free(&l);
    return rc;
}

/* Where a part of a config is, for config_diff: a number's type counts only where a trial gets
 * the value as written. A categorical choice is handed on as it is (Optuna's
 * CategoricalDistribution gives 64 an int and 64.0 a float; choices [1, 1.0] are two), and a
 * "when" value names one; elsewhere a number is read by value (a float's or an int's ends, a
 * seed, a fixed setting: 0 and 0.0 mean one thing). */
enum config_part { PART_ROOT, PART_SPACE, PART_PARAM, PART_OTHER, PART_AS_WRITTEN };

static enum config_part config_part_of(enum config_part at, const char *key)
{
    switch (at) {
    case PART_ROOT: return strcmp(key, "space") ? PART_OTHER : PART_SPACE;
    case PART_SPACE: return PART_PARAM;
    case PART_PARAM: return strcmp(key, "choices") && strcmp(key, "when") ? PART_OTHER : PART_AS_WRITTEN;
    default: return at;
    }
}

/* space's parameter names in order, as a JSON array (for the message). */
static json_t *space_names(const json_t *space)
{
    json_t *names = json_array();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)space, key, v) json_array_append_new(names, json_string(key));
    return names;
}

/* 1 when two spaces that config_diff finds equal list their parameters in another order. That
 * order is the order a trial's params are drawn in (ws_space_sample), as the order of the
 * objective's suggest_* calls is in Optuna: the random sampler (and TPE's startup trials) hands
 * its draws out in turn, so the same study seed would draw other values; and a "when" parent
 * must come before its child. So it is no formatting (as jq -S's order elsewhere is) but the
 * study's own, kept unless --force replaces it. */
static int space_order_differs(const json_t *a, const json_t *b)
{
    void *ia = json_object_iter((json_t *)a), *ib = json_object_iter((json_t *)b);
    for (; ia && ib; ia = json_object_iter_next((json_t *)a, ia), ib = json_object_iter_next((json_t *)b, ib))
        if (strcmp(json_object_iter_key(ia), json_object_iter_key(ib))) return 1;
    return 0;
}

/* The first place where config `a` differs from the kept config `b`, as "space.dropout.low" in
 * path (empty: the whole config); *va and *vb are the values there (NULL where one has none).
 * Returns 0 when they are the same. "a different config" alone named no file, no field, no value.
 * The two are compared as JSON values, not as text: the same config passed through jq (which
 * writes 0.0 as 0) was refused as another; objects compare whatever their keys' order, but
 * space's (space_order_differs). */
static int config_diff(const json_t *a, const json_t *b, enum config_part at, char *path, size_t n, const json_t **va,
                       const json_t **vb)
{
    size_t len = strlen(path);
    if (json_is_object(a) && json_is_object(b)) {
        const char *key;
        json_t *v;
        for (int side = 0; side < 2; side++)
            json_object_foreach((json_t *)(side ? b : a), key, v) {
                const json_t *other = json_object_get(side ? a : b, key);
                if (side && other) continue;   /* compared from a's side */
                /* text for people, which nothing reads (suggest(1)): reworded, it stopped every
                 * suggest of the study, "a different config"; the study keeps its own */
                if (at == PART_ROOT && !strcmp(key, "description")) continue;
                snprintf(path + len, n - len, "%s%s", len ? "." : "", key);
                if (!other) { *va = side ? NULL : v, *vb = side ? v : NULL; return 1; }
                if (config_diff(v, other, config_part_of(at, key), path, n, va, vb)) return 1;
            }
        path[len] = '\0';
        return 0;
    }
    if (json_is_array(a) && json_is_array(b) && json_array_size(a) == json_array_size(b)) {
        for (size_t i = 0; i < json_array_size(a); i++) {
            snprintf(path + len, n - len, "[%zu]", i);
            if (config_diff(json_array_get(a, i), json_array_get(b, i), at, path, n, va, vb)) return 1;
        }
        path[len] = '\0';
        return 0;
    }
    *va = a, *vb = b;
    if (json_is_number(a) && json_is_number(b) && at != PART_AS_WRITTEN) return !ws_json_scalar_equal(a, b);
    return !json_equal((json_t *)a, (json_t *)b);   /* 1 and 1.0 apart; 1e-3 and 0.001 one real */
}

/* Creates or checks the study and settles the study seed (one transaction). */
static int setup_study(suggest_ctx *c, int force, int has_seed, uint64_t seed, ws_err *e)
{
    int created;
    if (ws_store_begin(c->store, e)) return -1;
    c->study = (ws_study){0};
    if (ws_store_study_create(c->store, c->cfg.study, c->cfg.direction, &c->study, &created, e)) {
        /* found with the other direction (c->study is the study found), which a study keeps: said
         * against the config, which asked for it (or, giving none, took Optuna's default) */
        if (e->kind == WS_EINPUT && c->study.id && c->study.n_objectives <= 1 && c->study.direction != c->cfg.direction) {
            const char *want = c->cfg.direction == WS_MAXIMIZE ? "maximize" : "minimize",
                       *has = c->study.direction == WS_MAXIMIZE ? "maximize" : "minimize";
            ws_err_set(e, WS_EINPUT, "%s: direction: %s%s, but study '%s' in %s has direction %s, which a study keeps "
                       "(as in Optuna): give \"direction\": \"%s\", or another study name (--study)", c->config_path,
                       want, json_object_get(c->cfg.root, "direction") ? "" : " (the default: the config gives none)",
                       c->study.name, ws_store_path(c->store), has, has);
        }
        goto fail;
    }
    json_t *kept = NULL;
    /* A kept config that is not JSON, or not a config (a damaged or hand-edited study), is what
     * --force is for: it is replaced with a warning. Without --force the message says so. */
    int unreadable = 0;
    if (!created && ws_store_study_attr_get(c->store, c->study.id, 1, WS_ATTR_CONFIG, &kept, e)) {
        if (e->kind != WS_EINPUT) goto fail;
        unreadable = 1;
    }
    if (kept && force) {
        ws_config old;
        if (ws_config_parse(&old, kept, "study config", e)) {
            ws_err_prefix(e, "%s: study '%s'", ws_store_path(c->store), c->cfg.study);
            json_decref(kept);
            kept = NULL;
            unreadable = 1;
        }
        else ws_config_release(&old);
    }
    if (unreadable) {
        if (!force) {
            size_t len = strlen(e->msg);
            snprintf(e->msg + len, sizeof e->msg - len, " (the config the study keeps; --force replaces it by %s)",
                     c->config_path);
            goto fail;
        }
        ws_cli_warn("%s; replaced by %s (--force): the lengths of the steps its trials reported could not be "
                    "checked against it", e->msg, c->config_path);
        ws_err_clear(e);
    }
    char path[512] = "";
    const json_t *va = NULL, *vb = NULL;
    int differs = unreadable || (kept && config_diff(c->cfg.root, kept, PART_ROOT, path, sizeof path, &va, &vb));
    const json_t *sa = json_object_get(c->cfg.root, "space"), *sb = kept ? json_object_get(kept, "space") : NULL;
    int reordered = !differs && kept && space_order_differs(sa, sb);
    differs |= reordered;
    int rc = 0;
    if (reordered && !force) {
        json_t *na = space_names(sa), *nb = space_names(sb);
        char *x = ws_json_dump(na, 0), *y = ws_json_dump(nb, 0);
        /* "exists with a different config: " as another difference's, which make sweep's check
         * of the kept config (pipelines/check-vars.sh) takes up */
        rc = ws_err_set(e, WS_EINPUT, "%s: study '%s' exists with a different config: space lists its parameters in "
                        "another order: %.200s in %s, %.200s in the config the study keeps, the order they are drawn "
                        "in (the study's seed would draw other values, as another order of an objective's suggest "
                        "calls does in Optuna) (use --force to replace it)", ws_store_path(c->store), c->cfg.study,
                        x ? x : "?", c->config_path, y ? y : "?");
        free(x); free(y);
        json_decref(na); json_decref(nb);
    }
    else if (differs && !force) {
        char *x = va ? ws_json_dump(va, WS_JSON_SORT) : NULL;
        char *y = vb ? ws_json_dump(vb, WS_JSON_SORT) : NULL;
        /* only a choice (or a when value) differs so: said, as the two look alike */
        int same_number = json_is_number(va) && json_is_number(vb) && ws_json_scalar_equal(va, vb);
        char why[256] = "";
        if (same_number)
            snprintf(why, sizeof why, " (one number, written as an integer and as a fraction: a choice is handed on "
                     "as written, %.40s an integer and %.40s a fraction)", (json_is_integer(va) ? x : y) ? : "?",
                     (json_is_integer(va) ? y : x) ? : "?");
        rc = ws_err_set(e, WS_EINPUT, "%s: study '%s' exists with a different config: %s is %.120s in %s, %.120s in the "
                        "config the study keeps%s (use --force to replace it)", ws_store_path(c->store), c->cfg.study,
                        *path ? path : "the config", x ? x : "absent", c->config_path, y ? y : "absent", why);
        free(x); free(y);
    }
    else if (differs && kept)
        rc = check_step_unit(c, kept, e);
    json_decref(kept);
    if (!rc && (!kept || differs) && !created) rc = check_stored_dists(c, e);
    if (rc) goto fail;
    if ((!kept || differs) && ws_store_study_attr_set(c->store, c->study.id, 1, WS_ATTR_CONFIG, c->cfg.root, e)) goto fail;
    uint64_t study_s;
    int found, stored;
    if (study_seed(c->store, &c->study, &c->sampler, &study_s, &found, &stored, e)) goto fail;
    if (has_seed) c->seed = seed;
    else if (found) c->seed = study_s;
    else {
        uint32_t r = 0;
        if (getrandom(&r, sizeof r, 0) != sizeof r) r = (uint32_t)getpid();
        c->seed = r;
    }
    if (!stored) {
        json_t *j = json_integer((json_int_t)c->seed);
        rc = ws_store_study_attr_set(c->store, c->study.id, 1, WS_ATTR_SEED, j, e);
        json_decref(j);
        if (rc) goto fail;
    }
    return ws_store_commit(c->store, e);
fail:
    ws_store_rollback(c->store);
    return -1;
}

/* The longest --enqueue line: train-trial's limit on the trial line that a queued set becomes. */
enum { ENQUEUE_LINE_MAX = 1 << 20 };

/* Reads every line of the --enqueue FILE into *sets (an array of parameter objects) and checks
 * each against the space, so that a bad line is found before anything is queued. */
static int enqueue_read(suggest_ctx *c, const char *file, json_t *sets, ws_err *e)
{
    /* "-" is stdin, as for cat and jq: `jq -c ... | suggest --enqueue -` */
    int std = !strcmp(file, "-");
    const char *path = std ? "stdin" : file;
    FILE *f = std ? stdin : fopen(file, "r");
    if (!f) return ws_err_set(e, WS_EINPUT, "%s: cannot open: %m", path);
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, rc = 0, loaded = 0, *lines = NULL;
    ssize_t len;
    ws_trial_list l = {0};
    ws_param *earlier = NULL;   /* the first line's value of each name outside the space */
    size_t n_earlier = 0;
    while (!rc && (len = ws_text_getline(&line, &cap, f, ENQUEUE_LINE_MAX)) > 0) {
        char where[600];
        snprintf(where, sizeof where, "%s:%d", path, ++lineno);
        if (memchr(line, '\0', (size_t)len)) {   /* the text after it would go unread */
            rc = ws_err_set(e, WS_EINPUT, "%s: a NUL byte: expected a JSON object of parameters", where);
            break;
        }
        if (len > ENQUEUE_LINE_MAX && line[len - 1] != '\n') {   /* its newline not counted */
            rc = ws_err_set(e, WS_EINPUT, "%s: more than %d bytes: expected a JSON object of parameters",
                            where, ENQUEUE_LINE_MAX);
            break;
        }
        /* a UTF-8 byte order mark (Notepad, PowerShell) starting the file is skipped, as for
         * --config and --fixed (ws_json_load_file); one starting a later line (files joined with
         * cat) is said as what it is, not as jansson's "invalid token" near an invisible one */
        int bom = ws_text_line_bom(line, path, lineno, e);
        if (bom < 0) {
            rc = -1;
            break;
        }
        const char *text = line + bom;
        if (strspn(text, " \t\r\n") == strlen(text)) continue;
        json_t *j = ws_json_load_string(text, where, e);
        ws_param *p = NULL;
        size_t n = 0;
        rc = !j || refuse_result_line(j, where, e) || refuse_set_by_config(&c->cfg, params_of(j), where, e)
             || params_from_json(&c->cfg.space, params_of(j), where, 0, 0, &p, &n, e)
             || trainer_settings_check_set(&c->cfg, params_of(j), where, e);
        if (!rc && any_carried(&c->cfg.space, p, n) && !loaded++)
            rc = ws_store_trials_load(c->store, &c->study, WS_LOAD_PARAMS, &l, e);
        if (!rc) rc = carry_stored(c, &l, -1, earlier, lines, n_earlier, p, n, where, e);
        for (size_t i = 0; !rc && i < n; i++) {   /* a name new to the file: later lines hold to it */
            if (ws_space_find(&c->cfg.space, p[i].name) >= 0
                || ws_trial_param(&(ws_trial){.params = earlier, .n_params = n_earlier}, p[i].name))
                continue;
            int *more = realloc(lines, (n_earlier + 1) * sizeof *lines);
            if (more) lines = more;
            rc = !more ? ws_err_set(e, WS_ENOMEM, "out of memory")
                       : ws_sampler_append(&earlier, &n_earlier, p[i].name, &p[i].dist, p[i].internal, e);
            if (!rc) lines[n_earlier - 1] = lineno;
        }
        if (!rc) json_array_append(sets, (json_t *)params_of(j));
        params_free(p, n);
        json_decref(j);
    }
    ws_trial_list_free(&l);
    params_free(earlier, n_earlier);
    free(lines);
    /* -1 is also a read error: a directory opens, reads EISDIR, and queued nothing with exit 0 */
    if (!rc && len < 0)
        rc = errno == ENOMEM ? ws_err_set(e, WS_ENOMEM, "%s: out of memory", path)
                             : ws_err_set(e, WS_EINPUT, "%s: cannot read: %s", path, strerror(errno));
    free(line);
    if (!std) fclose(f);
    return rc ? -1 : 0;
}

/* Queues sets, the parameter sets enqueue_read took from FILE, as WAITING trials, all in one
 * transaction: a bad line queued none of them (FILE is read and checked before the study is
 * touched), so the fixed file can simply be given again. */
static int enqueue(suggest_ctx *c, const char *path, json_t *sets, ws_err *e)
{
    json_t *set;
    size_t n_sets = json_array_size(sets), i;
    int rc = 0;
    int *numbers = calloc(n_sets ? n_sets : 1, sizeof *numbers);
    if (!numbers) return ws_err_set(e, WS_ENOMEM, "out of memory");
    /* an empty FILE (report --best | suggest --enqueue - on a study with no best yet) queues
     * nothing: said, as the shell user saw only exit 0 and no line */
    if (!n_sets) ws_cli_warn("note: %s holds no parameter set: nothing queued", strcmp(path, "-") ? path : "stdin");
    else {
        rc = ws_store_begin(c->store, e);
        for (i = 0; !rc && i < n_sets; i++) {
            int64_t id;
            rc = ws_store_trial_create(c->store, &c->study, WS_WAITING, NULL, 0, &id, &numbers[i], e)
                 || ws_store_trial_attr_set(c->store, id, 1, "fixed_params", json_array_get(sets, i), e);
            if (rc) ws_store_rollback(c->store);
        }
        if (!rc) rc = ws_store_commit(c->store, e);
    }
    if (!rc)   /* the lines, once all of them are committed */
        json_array_foreach(sets, i, set) {
            json_t *out = json_pack("{s:s,s:i,s:s,s:O}", "study", c->study.name, "trial", numbers[i],
                                    "state", "WAITING", "params", set);
            int bad = ws_json_print_line(stdout, out);
            json_decref(out);
            if (bad) {   /* exit 3 (ws_cli_finish): said to be queued, lest FILE be given again and
                          * queued twice */
                int werr = errno;
                if (n_sets == 1) ws_cli_warn("%s: its set is queued all the same, as trial %d: do not give it again", path, numbers[0]);
                else ws_cli_warn("%s: its %zu sets are queued all the same, as trials %d to %d: do not give it again",
                                 path, n_sets, numbers[0], numbers[n_sets - 1]);
                errno = werr;   /* for ws_cli_finish's message */
                break;
            }
        }
    free(numbers);
    return rc ? -1 : 0;
}

/* Marks FAIL the RUNNING trials whose heartbeat is older than the grace period and queues each
 * again, inside the caller's transaction; their numbers wait in c->stale for say_stale. */
static int fail_stale(suggest_ctx *c, ws_err *e)
{
    json_decref(c->stale);
    c->stale = NULL;
    return study_fail_stale(c->store, &c->study, c->cfg.grace_s, &c->stale, e);
}

/* A line each on stderr for the trials fail_stale failed, once its transaction is committed:
 * said at once, it named trials still RUNNING when the transaction was rolled back
 * (--unless-done found the tag's trial finished, an input error), at every such suggest. */
static void say_stale(suggest_ctx *c)
{
    for (size_t i = 0; i < json_array_size(c->stale); i++)
        ws_cli_warn("trial %lld: heartbeat older than %gs, marked FAIL and queued again",
                    (long long)json_integer_value(json_array_get(c->stale, i)), c->cfg.grace_s);
    json_decref(c->stale);
    c->stale = NULL;
}

/* One trial: claim a WAITING one or create a new one, sample what is not fixed, store. With
 * --unless-done, none (*line NULL) where a finished trial carries the tag: asked in the same
 * transaction, of the study itself, which outlives any file a pipeline keeps beside it.
 * Returns 1 when the claimed trial could not be used and was failed: try again. */
static int suggest_try(suggest_ctx *c, json_t **line, ws_err *e)
{
    ws_param *p = NULL, *fresh = NULL;
    size_t n = 0, n_fresh = 0;
    int64_t id;
    int number;
    ws_trial_list hist = {0};
    ws_trial claimed = {0};   /* the WAITING trial claimed, with the params it already holds */
    *line = NULL;
    if (ws_store_begin(c->store, e)) return -1;
    if (fail_stale(c, e)) goto fail;
    if (ws_store_trial_claim_waiting(c->store, &c->study, &id, &number, e)) goto fail;
    if (id) {
        /* A WAITING trial may hold params already (Optuna's RetryFailedTrialCallback and
         * add_trial store them): they stay as they are, as Optuna's suggest returns a param the
         * trial holds, and come before its fixed_params. A fixed value outside the space (from
         * Optuna's enqueue_trial, or a space narrowed by --force since) is used with a warning,
         * as Optuna does: refused, it would leave the trial WAITING and fail every suggest. */
        /* by the id claimed, not its number, which deleted rows may have left to two trials */
        if (ws_store_trial_load_id(c->store, &c->study, id, WS_LOAD_ATTRS | WS_LOAD_PARAMS, &claimed, e)
            || append_missing(&p, &n, claimed.params, claimed.n_params, e))
            goto fail;
        json_t *fp = json_object_get(claimed.system_attrs, "fixed_params");
        if (fp && !json_is_object(fp)) {
            queued_not_object(c->store, &claimed, fp, e);
            goto unusable;
        }
        /* a fixed value of a param the trial holds is never read (nor checked) */
        json_t *rest = json_is_object(fp) ? json_copy(fp) : json_incref(fp);
        for (size_t i = 0; json_is_object(rest) && i < claimed.n_params; i++) json_object_del(rest, claimed.params[i].name);
        ws_param *fpp = NULL;
        size_t n_fp = 0;
        char where[64];
        snprintf(where, sizeof where, "enqueued trial %d", number);
        ws_trial_list held = {0};   /* where a queued name outside the space takes the study's distribution */
        int rc = rest && (params_from_json(&c->cfg.space, rest, where, 1, 0, &fpp, &n_fp, e)
                          || (any_carried(&c->cfg.space, fpp, n_fp)
                              && (ws_store_trials_load(c->store, &c->study, WS_LOAD_PARAMS, &held, e)
                                  || carry_stored(c, &held, number, NULL, NULL, 0, fpp, n_fp, where, e)))
                          || append_missing(&p, &n, fpp, n_fp, e));
        ws_trial_list_free(&held);
        json_decref(rest);
        params_free(fpp, n_fp);
        if (rc && e->kind == WS_EINPUT) goto unusable;
        if (rc) goto fail;
    } else if (ws_store_trial_create(c->store, &c->study, WS_RUNNING, NULL, 0, &id, &number, e)) goto fail;
    /* TPE and hyperband's brackets look at the history, as --unless-done does; random sampling
     * alone is spared the load. Loaded once the trial is claimed or made (it is taken out of the
     * history below), so that a queued trial that cannot be used is failed without a load: one
     * load each made thousands of them cost minutes under TPE (2000: 15 s; 100000: hours). Of the
     * intermediate values only each trial's last, all that TPE (a PRUNED trial's rank) and
     * hyperband (the first completed trial's last step) read of them. */
    int need_history = strcmp(c->sampler.name, "random") || !strcmp(c->pruner.name, "hyperband") || c->unless_done;
    if (need_history
        && ws_store_trials_load(c->store, &c->study, WS_LOAD_PARAMS | WS_LOAD_LAST_IV | WS_LOAD_ATTRS, &hist, e))
        goto fail;
    for (size_t i = 0; c->unless_done && i < hist.n; i++)
        if (ws_trial_is_result_of(&hist.v[i], c->tag)) {   /* the trial claimed or made is undone */
            ws_store_rollback(c->store);
            ws_trial_list_free(&hist);
            ws_trial_release(&claimed);
            params_free(p, n);
            return 0;
        }
    if (append_missing(&p, &n, c->fixed, c->n_fixed, e)) goto fail;
    for (size_t i = 0; i < hist.n; i++)
        if (hist.v[i].number == number) {   /* the trial being sampled, claimed or made */
            ws_trial_release(&hist.v[i]);
            memmove(&hist.v[i], &hist.v[i + 1], (hist.n - i - 1) * sizeof hist.v[0]);
            hist.n--;
            break;
        }
    ws_history h = {.study_name = c->study.name, .direction = c->study.direction, .trials = &hist,
                    .pruner = &c->pruner, .number = number};
    uint64_t tseed = ws_trial_seed(c->seed, number);
    if (ws_sampler_suggest(&c->sampler, &c->cfg.space, &h, ws_seed_mix(tseed, 0x5a3b1e), &p, &n, e)) goto fail;
    ws_params_sort(p, n, space_rank, &c->cfg.space);
    /* A held param stays, even one the space's conditions leave inactive: the trial holds it (as
     * in Optuna, which never removes a param), and the line carries what the study holds. */
    if (append_missing(&p, &n, claimed.params, claimed.n_params, e)
        || params_not_stored(&claimed, p, n, &fresh, &n_fresh, e) || ws_store_trial_set_params(c->store, id, fresh, n_fresh, e))
        goto fail;
    /* The line's seed, kept as the trial's: a claimed retry (--grace, --reap, or Optuna's
     * RetryFailedTrialCallback, which copy it) keeps the seed of the trial it retries, as it keeps
     * its params, and so trains as that trial would have; a new or enqueued trial takes its own. */
    uint64_t lseed = tseed;
    int kept = study_trial_seed_kept(json_object_get(claimed.system_attrs, WS_ATTR_SEED), number, &lseed, e);
    if (kept < 0) goto unusable;
    json_t *sj = json_integer((json_int_t)lseed);
    int src = ws_store_trial_attr_set(c->store, id, 1, WS_ATTR_SEED, sj, e);
    json_decref(sj);
    if (src) goto fail;
    if (c->tag) {
        json_t *tag = json_string(c->tag);
        int rc = ws_store_trial_attr_set(c->store, id, 1, WS_ATTR_TAG, tag, e);
        json_decref(tag);
        if (rc) goto fail;
    }
    /* the owner train-trial kept for the trial a claimed one copies (Optuna's callback) is not
     * this trial's: train-trial keeps this one's (study_keep_owner) */
    if (study_clear_owner(c->store, id, claimed.system_attrs, e)) goto fail;
    if (c->owner_pid > 0) {
        if (study_record_process(c->store, id, c->owner_pid, e)) goto fail;
    } else if (json_is_integer(json_object_get(claimed.system_attrs, WS_ATTR_PID))) {
        /* a claimed trial that names another process (Optuna's RetryFailedTrialCallback copies the
         * failed trial's system attributes): --reap would take that dead process for this trial's
         * and fail it while it runs. Its process is unknown until train-trial records its own. */
        json_t *none = json_null();
        int rc = ws_store_trial_attr_set(c->store, id, 1, WS_ATTR_PID, none, e);
        json_decref(none);
        if (rc) goto fail;
    }
    long epochs;
    /* a retry's epochs: the retried trial's, from a schedule by trial number (as its seed) */
    if (ws_trial_epochs(&c->cfg, &c->pruner, &h, study_budget_number(claimed.system_attrs, number), &epochs, e)) goto fail;
    if (ws_store_commit(c->store, e)) goto out;
    say_stale(c);
    *line = ws_trial_line(c->study.name, number, p, n, epochs, lseed);
    c->line_id = id;
    ws_trial_list_free(&hist);
    ws_trial_release(&claimed);
    free(fresh);
    params_free(p, n);
    return 0;
unusable:
    /* A fixed value the claimed trial cannot take (no such choice, not a number): Optuna's
     * suggest raises and the trial ends FAIL. Left WAITING here it would stop every suggest of
     * the study, so it is failed, with the reason, and the next trial is claimed or made. */
    ws_cli_warn("%s: trial %d marked FAIL", e->msg, number);
    json_t *why = ws_json_text(e->msg);   /* it names the config file: any bytes */
    int frc = !why ? ws_err_set(e, WS_ENOMEM, "out of memory")
              : ws_store_trial_finish(c->store, id, WS_FAIL, NULL, e)
                    || ws_store_trial_attr_set(c->store, id, 1, WS_ATTR_REASON, why, e);
    json_decref(why);
    if (frc) goto fail;
    if (ws_store_commit(c->store, e)) goto out;
    say_stale(c);
    ws_trial_list_free(&hist);
    ws_trial_release(&claimed);
    free(fresh);   /* a kept seed that is no trial seed comes here after the params were stored */
    params_free(p, n);
    return 1;
fail:
    ws_store_rollback(c->store);
out:
    ws_trial_list_free(&hist);
    ws_trial_release(&claimed);
    free(fresh);
    params_free(p, n);
    return -1;
}

/* suggest_try until a trial is made: a loop, not a call per unusable queued trial, which with
 * tens of thousands of them (a script's enqueue_trial loop) overflowed the stack (SIGSEGV). */
static int suggest_one(suggest_ctx *c, json_t **line, ws_err *e)
{
    int rc;
    while ((rc = suggest_try(c, line, e)) == 1) {}
    return rc;
}

int main(int argc, char **argv)
{
    ws_cli_init(argv[0]);
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'}, {"config", required_argument, 0, 'c'}, {"study", required_argument, 0, 'S'}, {"n", required_argument, 0, 'n'},
        {"seed", required_argument, 0, 's'}, {"fixed", required_argument, 0, 'F'}, {"enqueue", required_argument, 0, 'E'},
        {"grace", required_argument, 0, 'g'}, {"force", no_argument, 0, 'f'}, {"reap", no_argument, 0, 'R'}, {"pid", required_argument, 0, 'P'}, {"tag", required_argument, 0, 'T'}, {"unless-done", no_argument, 0, 'U'}, {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'}, {0, 0, 0, 0}};
    const char *db = NULL, *config = NULL, *fixed = NULL, *enq = NULL, *tag = NULL, *study = NULL;
    double grace_s = 0;   /* --grace (> 0; 0: not given), put in place of the config's once that is read */
    long k = 1, seed = 0, owner_pid = 0;
    int force = 0, has_seed = 0, reap = 0, unless_done = 0, n_given = 0, o;
    json_t *enq_sets = NULL;   /* --enqueue FILE's parameter sets, read before the study is changed */
    ws_err e = {0};
    while ((o = getopt_long(argc, argv, ":n:h", opts, NULL)) != -1) {
        switch (o) {
        /* What names a thing (the study file, the config, the study, the tag, the process) is
         * taken once (ws_cli_once), as every tool's is: getopt kept the last, so `--db a.db --db
         * b.db` made the trial in b.db without a word, and make sweep's SUGGEST_ARGS="--db X"
         * (after make's own --db) made every trial in X, where train-trial looked for it in DB.
         * The numbers and the flags stay getopt's last one: a setting restated. */
        case 'd': ws_cli_once("db", db != NULL, "the trials are made in one study database"); db = optarg; break;
        case 'c': ws_cli_once("config", config != NULL, "a study has one config");
                  config = ws_cli_path_arg("config", optarg); break;
        /* checked here, with the other mistakes on the command line: after the config was read,
         * these said one line, without the --help hint, and only of a config that loads */
        case 'S': ws_cli_once("study", study != NULL, "the trials are made in one study");
                  if (!ws_config_study_name_ok(optarg) || !ws_text_is_utf8(optarg))
                      ws_cli_usage_error("--study: expected a name of 1 to %d characters of UTF-8", WS_STUDY_NAME_MAX);
                  study = optarg; break;
        case 'n': if (ws_parse_long_range(optarg, "--n", 0, 100000, &k, &e)) ws_cli_usage_error("%s", e.msg);
                  n_given = 1; break;
        case 's': if (ws_parse_long_range(optarg, "--seed", 0, INT64_MAX, &seed, &e)) ws_cli_usage_error("%s", e.msg);
                  has_seed = 1; break;
        /* one file each: a second replaced the first in silence, its values or sets dropped */
        case 'F': ws_cli_once("fixed", fixed != NULL, "one file of fixed values (put them in one object)");
                  fixed = ws_cli_path_arg("fixed", optarg); break;
        case 'E': ws_cli_once("enqueue", enq != NULL, "one file of parameter sets (cat the files into one)");
                  enq = ws_cli_path_arg("enqueue", optarg); break;
        case 'g': if (ws_parse_double(optarg, "--grace", &grace_s, &e)) ws_cli_usage_error("%s", e.msg);
                  /* NaN is no number of seconds: said as "abc" is, not as a bound it misses */
                  if (isnan(grace_s)) ws_cli_usage_error("--grace: expected a number, got '%s'", optarg);
                  if (!(grace_s > 0)) ws_cli_usage_error("--grace: must be > 0");
                  break;
        case 'f': force = 1; break;
        case 'R': reap = 1; break;
        /* empty, as from an unset variable (--tag "$TARGET"), it tagged every such trial alike, and
         * --unless-done then took any of them, finished, for this target's */
        case 'T': ws_cli_once("tag", tag != NULL, "a trial's tag names one target");
                  if (!*optarg) ws_cli_usage_error("--tag: empty: expected a tag that names the trial's target (its file)");
                  tag = ws_cli_utf8_arg("tag", optarg); break;
        case 'U': unless_done = 1; break;
        case 'P': ws_cli_once("pid", owner_pid != 0, "one process runs the new trials");
                  if (ws_parse_long_range(optarg, "--pid", 1, INT32_MAX, &owner_pid, &e)) ws_cli_usage_error("%s", e.msg);
                  break;
        case 'h': usage(); return ws_cli_finish(0);
        case 'V': ws_cli_version();
        default: ws_cli_option_error(o, argv, opts);
        }
    }
    if (optind < argc) ws_cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!db || !config) ws_cli_usage_error("--db and --config are required");
    ws_cli_one_stdin("--config", config, "--fixed", fixed);
    ws_cli_one_stdin("--config", config, "--enqueue", enq);
    if (unless_done && (!tag || enq)) ws_cli_usage_error("--unless-done goes with --tag (and not --enqueue)");
    /* --enqueue queues FILE's sets and samples no trial: these options of sampled trials were
     * ignored with it, without a word (--n 3 queued the file once; --seed S seeded none of the
     * queued trials, whose seeds come from the suggest that claims them) */
    if (enq && (n_given || fixed || tag || owner_pid || has_seed))
        ws_cli_usage_error("%s goes with sampled trials, not --enqueue (which queues one trial per line of FILE)",
                           n_given ? "--n" : fixed ? "--fixed" : tag ? "--tag" : owner_pid ? "--pid" : "--seed");

    /* A reader that went away (`suggest --n 9 | head -1`) is a write error to handle, as
     * /dev/full is: killed by SIGPIPE, suggest would leave the trial it made RUNNING. Only from
     * here: --help and --version, which make nothing, die of it quietly, as the shell expects
     * (`suggest --version | true` said "stdout: write error: Broken pipe", exit 3). */
    signal(SIGPIPE, SIG_IGN);
    suggest_ctx c = {0};
    c.owner_pid = owner_pid;
    c.tag = tag;
    c.unless_done = unless_done;
    c.config_path = strcmp(config, "-") ? config : "stdin";   /* as ws_config_load names it */
    int rc = 0;
    if (ws_config_load(&c.cfg, config, &e) || ws_sampler_parse(&c.sampler, c.cfg.sampler, c.config_path, &e)
        || ws_sampler_check_file(c.cfg.sampler, c.config_path, &e)
        || ws_pruner_parse(&c.pruner, c.cfg.pruner, c.config_path, &e)
        || trainer_settings_check_config(&c.cfg, c.config_path, &e))
        goto fail;
    for (size_t i = 0; i < json_array_size(c.cfg.space.warnings); i++)   /* as Optuna's warnings */
        ws_cli_warn("%s", json_string_value(json_array_get(c.cfg.space.warnings, i)));
    if (study) {   /* the kept config names the study it belongs to */
        json_t *name = json_string(study);   /* checked as a name and as UTF-8 with the options */
        if (!name) {
            ws_err_set(&e, WS_ENOMEM, "--study: out of memory");
            goto fail;
        }
        json_object_set_new(c.cfg.root, "study", name);
        c.cfg.study = json_string_value(json_object_get(c.cfg.root, "study"));
    }
    if (grace_s > 0) c.cfg.grace_s = grace_s;
    /* the config's grace must be above its interval (ws_config_load); --grace is not refused
     * (Optuna takes any grace_period, and a short one fails silent trials soon, on purpose), but
     * one that fails trials still training is said */
    if (grace_s > 0 && !(c.cfg.grace_s > c.cfg.heartbeat_interval_s))
        ws_cli_warn("--grace %g is not above heartbeat.interval_seconds (%g) of %s: a trial still training "
                    "beats once an interval, and may be failed as stale between two heartbeats",
                    c.cfg.grace_s, c.cfg.heartbeat_interval_s, c.config_path);
    if (fixed) {
        /* "-" is stdin: `report --best ... | suggest --fixed - ...` */
        int std = !strcmp(fixed, "-");
        if (std) fixed = "stdin";
        json_t *j = std ? ws_json_load_stream(stdin, fixed, &e) : ws_json_load_file(fixed, &e);
        if (j && refuse_result_line(j, fixed, &e)) {
            json_decref(j);
            goto fail;
        }
        /* A number outside its distribution (off the step grid, past a bound: stage 1's best in a
         * narrower stage-2 space) is used as given with a warning, as Optuna's
         * PartialFixedSampler and fixed_params use it; a value no choice matches, or no number
         * where one is needed, is refused, where Optuna's suggest raises. */
        if (!j || refuse_set_by_config(&c.cfg, params_of(j), fixed, &e)
            || params_from_json(&c.cfg.space, params_of(j), fixed, 1, 1, &c.fixed, &c.n_fixed, &e)
            || trainer_settings_check_set(&c.cfg, params_of(j), fixed, &e)) { json_decref(j); goto fail; }
        json_decref(j);
        c.sampler.partial_fixed = c.fixed;   /* Optuna's PartialFixedSampler around the study's */
        c.sampler.n_partial_fixed = c.n_fixed;
    }
    /* --enqueue - reads stdin after the study file is open; a closed stdin (<&-) would by then
     * hold the /dev/null that SQLite puts on descriptors 0 to 2 before it opens its own files,
     * and read as an empty file: nothing queued, exit 0. Said now, as --fixed - says it. */
    if (enq && !strcmp(enq, "-") && fcntl(STDIN_FILENO, F_GETFD) < 0) {
        ws_err_set(&e, WS_EINPUT, "stdin: cannot read: %s", strerror(errno));
        goto fail;
    }
    if (ws_store_open(&c.store, db, WS_STORE_CREATE, &e) || setup_study(&c, force, has_seed, (uint64_t)seed, &e)) goto fail;
    if (any_carried(&c.cfg.space, c.fixed, c.n_fixed)) {   /* names outside the space: as the study holds them */
        ws_trial_list l = {0};
        int bad = ws_store_trials_load(c.store, &c.study, WS_LOAD_PARAMS, &l, &e)
                  || carry_stored(&c, &l, -1, NULL, NULL, 0, c.fixed, c.n_fixed, fixed, &e);
        ws_trial_list_free(&l);
        if (bad) goto fail;
    }
    /* FILE's sets read and checked before the stale trials are failed, and before --reap's dead
     * ones: a FILE refused (a bad line, a directory) left the study changed, those trials FAIL
     * and queued again, where suggest(1) says it leaves the study as it was */
    if (enq) {
        if (!(enq_sets = json_array())) { ws_err_set(&e, WS_ENOMEM, "out of memory"); goto fail; }
        if (enqueue_read(&c, enq, enq_sets, &e)) goto fail;
    }
    /* then, before the trials are written (FILE's sets queued, or the sampled ones): the
     * retries numbered before them */
    if (reap) {
        json_t *gone = NULL;
        if (study_reap_dead(c.store, &c.study, &gone, &e)) goto fail;
        for (size_t i = 0; i < json_array_size(gone); i++)
            ws_cli_warn("trial %lld: its process is gone; marked FAIL and queued again",
                        (long long)json_integer_value(json_array_get(gone, i)));
        json_decref(gone);
    }
    if (enq || k == 0) {   /* no trial to sample: the stale trials are failed all the same */
        if (ws_store_begin(c.store, &e)) goto fail;
        if (fail_stale(&c, &e)) { ws_store_rollback(c.store); goto fail; }
        if (ws_store_commit(c.store, &e)) goto fail;
        say_stale(&c);
    }
    if (enq) {
        if (enqueue(&c, enq, enq_sets, &e)) goto fail;
    } else {
        for (long i = 0; i < k; i++) {
            json_t *line = NULL;
            if (suggest_one(&c, &line, &e)) goto fail;
            if (!line) { rc = 1; break; }   /* --unless-done: the tag's trial is finished */
            if (ws_json_print_line(stdout, line)) {   /* ws_cli_finish says so, once, and exits 3 */
                /* The trial is stored RUNNING, but no one got its line: left so, it would stay
                 * RUNNING until the stale-heartbeat grace. It is failed and queued again now. */
                int werr = errno;
                char why[160];
                snprintf(why, sizeof why, "suggest could not write its trial line: stdout: %s", strerror(werr));
                int number = (int)json_integer_value(json_object_get(line, "trial"));
                json_decref(line);
                /* by id: its number may be another row's too (rows deleted by hand) */
                if (study_fail_requeue(c.store, &c.study, c.line_id, why, &e)) goto fail;
                ws_cli_warn("trial %d: its line could not be written; marked FAIL and queued again", number);
                errno = werr;   /* for ws_cli_finish's message */
                rc = 3;
                break;
            }
            json_decref(line);
        }
    }
    goto out;
fail:
    rc = ws_cli_report(&e);
out:
    json_decref(enq_sets);
    ws_pruner_cfg_release(&c.pruner);
    params_free(c.fixed, c.n_fixed);
    json_decref(c.stale);
    ws_store_close(c.store);
    ws_config_release(&c.cfg);
    return ws_cli_finish(rc);
}
