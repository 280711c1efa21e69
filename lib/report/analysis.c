/* analysis.c — importance, utilization and the time layout of a study (see analysis.h). */
#include "report/analysis.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "core/text.h"
#include "report/param_order.h"
#include "report/summary.h"
#include "space/config.h"
#include "store/store.h"

static double attr_number(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* A number of a measured trial's "seconds"; NaN for one without it. */
static double measured(const ws_trial_time *x, const json_t *secs, const char *key)
{
    return x->measured ? attr_number(secs, key) : NAN;
}

/* ---- time: slots, busy and idle ------------------------------------------------------------ */

static const ws_trial_time *sort_tt;
static const ws_trial_list *sort_trials;

static int cmp_start(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    double ta = sort_tt[a].t0, tb = sort_tt[b].t0;
    if (ta != tb) return ta < tb ? -1 : 1;
    return sort_trials->v[a].number - sort_trials->v[b].number;
}

static int layout_time(ws_analysis *a, const ws_trial_list *l, ws_err *e)
{
    double last = NAN, first = NAN;
    a->tt = calloc(l->n ? l->n : 1, sizeof *a->tt);
    size_t *idx = malloc((l->n ? l->n : 1) * sizeof *idx);
    double *slot_end = malloc((l->n ? l->n : 1) * sizeof *slot_end);
    if (!a->tt || !idx || !slot_end) { free(idx); free(slot_end); return ws_err_set(e, WS_ENOMEM, "report: out of memory"); }
    size_t n_placed = 0;
    for (size_t i = 0; i < l->n; i++) {
        const ws_trial *t = &l->v[i];
        ws_trial_time *x = &a->tt[i];
        json_t *secs = json_object_get(t->user_attrs, "seconds");
        x->slot = -1;
        x->t0 = x->t1 = NAN;
        x->measured = json_is_object(secs) && isfinite(attr_number(secs, "total"));
        x->setup_s = measured(x, secs, "setup");
        x->train_s = measured(x, secs, "train");
        x->eval_s = measured(x, secs, "eval");
        x->total_s = measured(x, secs, "total");
        double grown = measured(x, secs, "grown"), to = measured(x, secs, "grow_threads"), from = measured(x, secs, "threads");
        x->grown_s = grown > 0 && to > from && from >= 1 ? grown * (to / from - 1) : 0;
        a->n_measured += x->measured;
        if (!isfinite(t->t_start)) continue;
        x->t0 = t->t_start;
        x->open = !isfinite(t->t_complete);
        /* a RUNNING trial: up to its last heartbeat, as far as it is known to have got */
        double beat = a->util.trial_beat ? a->util.trial_beat[i] : NAN;
        x->t1 = !x->open ? ws_trial_end(t, beat) : isfinite(beat) ? beat : x->t0;
        if (!(x->t1 >= x->t0)) x->t1 = x->t0;
        first = isnan(first) ? x->t0 : fmin(first, x->t0);
        last = isnan(last) ? x->t1 : fmax(last, x->t1);
        idx[n_placed++] = i;
    }
    sort_tt = a->tt;
    sort_trials = l;
    qsort(idx, n_placed, sizeof *idx, cmp_start);
    sort_tt = NULL;
    sort_trials = NULL;
    for (size_t k = 0; k < n_placed; k++) {
        ws_trial_time *x = &a->tt[idx[k]];
        size_t s = 0;
        while (s < a->n_slots && slot_end[s] > x->t0) s++;
        if (s == a->n_slots) a->n_slots++;
        slot_end[s] = x->t1;
        x->slot = (int)s;
    }
    free(idx);
    free(slot_end);
    a->slots = calloc(a->n_slots ? a->n_slots : 1, sizeof *a->slots);
    if (!a->slots) return ws_err_set(e, WS_ENOMEM, "report: out of memory");
    for (size_t i = 0; i < l->n; i++) {
        const ws_trial_time *x = &a->tt[i];
        if (x->slot < 0) continue;
        ws_slot_time *s = &a->slots[x->slot];
        double d = x->t1 - x->t0;
        s->trials++;
        s->busy_s += d;
        if (!x->measured) { s->unmeasured_s += d; continue; }
        double st = isfinite(x->setup_s) ? x->setup_s : 0, tr = isfinite(x->train_s) ? x->train_s : 0,
               ev = isfinite(x->eval_s) ? x->eval_s : 0;
        /* the three parts as measured, scaled down in the rare case they exceed the wall time
         * the store recorded (clocks of different hosts) */
        double parts = st + tr + ev, k = parts > d && parts > 0 ? d / parts : 1;
        s->setup_s += st * k;
        s->train_s += tr * k;
        s->eval_s += ev * k;
        /* scaled, the parts fill the wall time: other is 0 (d - parts * k rounded to -1e-15,
         * printed "other -0.0%") */
        s->other_s += k < 1 ? 0 : d - parts;
    }
    for (size_t s = 0; s < a->n_slots; s++) {
        a->all.trials += a->slots[s].trials;
        a->all.busy_s += a->slots[s].busy_s;
        a->all.setup_s += a->slots[s].setup_s;
        a->all.train_s += a->slots[s].train_s;
        a->all.eval_s += a->slots[s].eval_s;
        a->all.other_s += a->slots[s].other_s;
        a->all.unmeasured_s += a->slots[s].unmeasured_s;
    }
    a->t_begin = first;
    a->t_end = last;
    a->wall_s = isfinite(first) ? last - first : 0;
    a->capacity_s = a->wall_s * (double)a->n_slots;
    for (size_t i = 0; i < l->n; i++) a->grown_s += a->tt[i].slot >= 0 ? a->tt[i].grown_s : 0;
    a->grown_s = fmin(a->grown_s, fmax(0, a->capacity_s - a->all.busy_s));   /* lent only what was idle */
    a->idle_s = fmax(0, a->capacity_s - a->all.busy_s - a->grown_s);
    /* No trial time at all: say which of these it is (it read "no trial has run yet" with trials
     * running, or finished with datetime_start = datetime_complete, as Optuna's create_trial
     * records them). */
    size_t n_open = 0;
    for (size_t i = 0; i < l->n; i++) n_open += a->tt[i].slot >= 0 && a->tt[i].open;
    if (!(a->all.busy_s > 0)) {
        size_t n_done = a->all.trials - n_open;
        if (!a->all.trials) snprintf(a->time_note, sizeof a->time_note, "no trial has started yet");
        else if (!n_done) snprintf(a->time_note, sizeof a->time_note, "no trial has finished yet: %zu started", n_open);
        else {
            int at = snprintf(a->time_note, sizeof a->time_note, "%zu finished trial%s took 0 s%s",
                              n_done, ws_plural(n_done), n_done > 1 ? " each" : "");
            if (n_open && at > 0 && (size_t)at < sizeof a->time_note)
                snprintf(a->time_note + at, sizeof a->time_note - (size_t)at, "; %zu more started and not finished", n_open);
        }
    }
    return 0;
}

/* ---- building ------------------------------------------------------------------------------ */

/* Why a device row's util is null, as its source has it (another source, edited in: not said). */
static const char *null_why(const char *source)
{
    if (!strcmp(source, "nvml")) return ", as from a GPU that reports no utilization";
    /* the CPUs' tick counters in /proc/stat did not move: an interval shorter than a tick or two */
    if (!strcmp(source, "proc")) return ", as from /proc when no CPU clock tick passed in the interval";
    return "";
}

int ws_analysis_build(ws_analysis *a, const ws_summary *s, const ws_config *cfg, const char *db_path,
                      int64_t study_id, const double *beats, ws_err *e)
{
    memset(a, 0, sizeof *a);
    a->cfg = cfg;
    a->t_begin = a->t_end = NAN;
    a->util.sweep_mean = NAN;
    const ws_trial_list *l = s->trials;
    a->names = ws_param_order(l, cfg);
    if (!a->names) return ws_err_set(e, WS_ENOMEM, "report: out of memory");
    ws_err ue = {0};
    if (!db_path) snprintf(a->util_note, sizeof a->util_note, "no samples");
    else if (ws_utilization_load(&a->util, db_path, study_id, l, beats, &ue)) {
        snprintf(a->util_note, sizeof a->util_note, "cannot read gpu-monitor's samples: %s", ue.msg);
        /* the heartbeats are the store's, not the samples': they still end a RUNNING or dead
         * trial (a samples table edited by hand made it take 0 s, or run to when found dead) */
        if (ws_utilization_beats(&a->util, l, beats, e)) return -1;
    }
    else if (!a->util.present)
        snprintf(a->util_note, sizeof a->util_note, "no samples: gpu-monitor did not write to this study %s",
                 ws_store_url_kind(db_path) == WS_DB_POSTGRES ? "database" : "file");
    else if (!a->util.n_samples)
        snprintf(a->util_note, sizeof a->util_note, "no samples in the time the trials ran");
    /* A GPU that gives no utilization reading (NVML: not supported), or /proc over an interval in
     * which no clock tick passed, has util null in its rows: the means leave them out, and say
     * so rather than show nothing, or "no samples". */
    else if (!a->util.n_util)
        snprintf(a->util_note, sizeof a->util_note, "no utilization readings: util is null in %s %ld device row%s "
                 "of the %ld sample%s%s", a->util.n_readings == 1 ? "the" : "all", a->util.n_readings,
                 ws_plural((size_t)a->util.n_readings), a->util.n_samples, ws_plural((size_t)a->util.n_samples),
                 null_why(a->util.source));
    else if (a->util.n_util < a->util.n_readings)
        snprintf(a->util_note, sizeof a->util_note, "util is null in %ld of %ld device rows%s: the means are of the "
                 "other %ld", a->util.n_readings - a->util.n_util, a->util.n_readings, null_why(a->util.source),
                 a->util.n_util);
    /* Samples of the other source (GPU and CPU busy % do not average): left out, said. */
    if (a->util.n_other) {
        const char *o = a->util.other_source;
        char other[64];
        if (!strcmp(o, "nvml")) snprintf(other, sizeof other, "NVML (GPU busy %%)");
        else if (!strcmp(o, "proc")) snprintf(other, sizeof other, "/proc (CPU busy %%)");
        else snprintf(other, sizeof other, "source '%s'", o);
        size_t len = strlen(a->util_note);
        snprintf(a->util_note + len, sizeof a->util_note - len, "%s%ld sample%s from %s left out: the means are of the "
                 "%s ones", len ? "; " : "", a->util.n_other, ws_plural((size_t)a->util.n_other), other, a->util.source);
    }
    /* GPUs no trial of the study ran on (idle, or another user's): left out, named. */
    if (a->util.n_unused) {
        size_t len = strlen(a->util_note);
        snprintf(a->util_note + len, sizeof a->util_note - len, "%sGPU%s %s left out: no trial of the study ran on %s",
                 len ? "; " : "", a->util.n_unused > 1 ? "s" : "", a->util.unused_devices,
                 a->util.n_unused > 1 ? "them" : "it");
    }
    if (layout_time(a, l, e)) return -1;

    /* ranked trials for the importance: COMPLETE with a finite value, in the report's order */
    size_t *ranked = malloc((l->n ? l->n : 1) * sizeof *ranked), n_ranked = 0;
    if (!ranked) return ws_err_set(e, WS_ENOMEM, "report: out of memory");
    for (size_t r = 0; r < l->n; r++) {
        const ws_trial *t = &l->v[s->order[r]];
        if (t->state == WS_COMPLETE && t->has_value && isfinite(t->value)) ranked[n_ranked++] = s->order[r];
    }
    int rc = ws_importance_compute(&a->imp, l, ranked, n_ranked, a->names, e);
    free(ranked);
    if (rc) return -1;

    return 0;
}

void ws_analysis_release(ws_analysis *a)
{
    json_decref(a->names);
    ws_importance_release(&a->imp);
    ws_utilization_release(&a->util);
    free(a->tt);
    free(a->slots);
    memset(a, 0, sizeof *a);
}

double ws_analysis_util(const ws_analysis *a, size_t i)
{
    return a->util.trial_mean ? a->util.trial_mean[i] : NAN;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static const ws_importance_param *imp_sorted_ctx;

static int cmp_importance(const void *pa, const void *pb)
{
    const ws_importance_param *a = &imp_sorted_ctx[*(const size_t *)pa], *b = &imp_sorted_ctx[*(const size_t *)pb];
    if (a->importance != b->importance) return a->importance > b->importance ? -1 : 1;
    return (int)(*(const size_t *)pa) - (int)(*(const size_t *)pb);
}

json_t *ws_analysis_importance_json(const ws_analysis *a)
{
    const ws_importance *imp = &a->imp;
    json_t *params = imp->computed ? json_object() : json_null(), *fixed = json_array();
    size_t *idx = malloc((imp->n ? imp->n : 1) * sizeof *idx), n = 0;
    for (size_t j = 0; j < imp->n; j++) {
        if (!imp->v[j].searched) json_array_append_new(fixed, json_string(imp->v[j].name));
        else if (idx) idx[n++] = j;
    }
    if (imp->computed && idx) {   /* most important first */
        imp_sorted_ctx = imp->v;
        qsort(idx, n, sizeof *idx, cmp_importance);
        imp_sorted_ctx = NULL;
        for (size_t k = 0; k < n; k++) json_object_set_new(params, imp->v[idx[k]].name, ws_json_number(imp->v[idx[k]].importance));
    }
    free(idx);
    return json_pack("{s:s,s:s,s:f,s:s,s:I,s:I,s:o,s:o,s:o}", "method", "PED-ANOVA",
                     "reference", "Watanabe, Bansal, Hutter (2023): PED-ANOVA: Efficiently Quantifying Hyperparameter "
                                  "Importance in Arbitrary Subspaces",
                     "top_quantile", WS_PED_TOP_QUANTILE,
                     /* the trials ws_analysis_build ranks: an infinite value is left out (text and HTML
                      * say "finite complete trials" too) */
                     "baseline", "all complete trials with a finite value",
                     "n_trials", (json_int_t)imp->n_trials, "n_top", (json_int_t)imp->n_top, "params", params,
                     "fixed", fixed, "note", imp->note[0] ? json_string(imp->note) : json_null());
}

json_t *ws_analysis_utilization_json(const ws_analysis *a)
{
    const ws_utilization *u = &a->util;
    const char *what = ws_utilization_what(u);
    return json_pack("{s:o,s:o,s:o,s:I,s:o}", "source", u->source[0] ? json_string(u->source) : json_null(),
                     "what", what[0] ? json_string(what) : json_null(), "sweep_mean", ws_json_number(u->sweep_mean),
                     "samples", (json_int_t)u->n_samples, "note", a->util_note[0] ? json_string(a->util_note) : json_null());
}

static json_t *slot_json(const ws_slot_time *s, double wall_s)
{
    return json_pack("{s:I,s:f,s:f,s:f,s:f,s:f,s:f,s:f}", "trials", (json_int_t)s->trials, "busy_s", s->busy_s,
                     "setup_s", s->setup_s, "train_s", s->train_s, "eval_s", s->eval_s, "other_s", s->other_s,
                     "unmeasured_s", s->unmeasured_s, "idle_s", fmax(0, wall_s - s->busy_s));
}

json_t *ws_analysis_time_json(const ws_analysis *a)
{
    json_t *slots = json_array();
    for (size_t s = 0; s < a->n_slots; s++) json_array_append_new(slots, slot_json(&a->slots[s], a->wall_s));
    json_t *all = slot_json(&a->all, a->capacity_s);
    json_object_set_new(all, "slots", json_integer((json_int_t)a->n_slots));
    json_object_set_new(all, "wall_s", json_real(a->wall_s));
    json_object_set_new(all, "capacity_s", json_real(a->capacity_s));
    json_object_set_new(all, "grown_s", json_real(a->grown_s));
    json_object_set_new(all, "idle_s", json_real(a->idle_s));
    json_object_set_new(all, "measured_trials", json_integer((json_int_t)a->n_measured));
    json_object_set_new(all, "note", a->time_note[0] ? json_string(a->time_note) : json_null());
    json_object_set_new(all, "per_slot", slots);
    return all;
}

void ws_analysis_trial_json(const ws_analysis *a, const ws_trial_list *trials, size_t i, json_t *obj)
{
    const ws_trial *t = &trials->v[i];
    json_t *secs = json_object_get(t->user_attrs, "seconds"), *metrics = json_object_get(t->user_attrs, "metrics");
    json_object_set_new(obj, "slot", a->tt[i].slot >= 0 ? json_integer(a->tt[i].slot) : json_null());
    json_object_set(obj, "seconds", secs ? secs : json_null());
    json_object_set(obj, "metrics", metrics ? metrics : json_null());
    json_object_set_new(obj, "util_mean", ws_json_number(ws_analysis_util(a, i)));
    json_object_set_new(obj, "cpu_mean", ws_json_number(a->util.trial_cpu ? a->util.trial_cpu[i] : NAN));
    double rss = a->util.trial_rss ? a->util.trial_rss[i] : NAN;
    json_object_set_new(obj, "rss_max_bytes", isfinite(rss) ? json_integer((json_int_t)rss) : json_null());
}
