/* summary.c — ranking a study's trials and turning them into JSON (see summary.h). */
#include "report/summary.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/json.h"
#include "report/analysis.h"
#include "space/config.h"
#include "store/store.h"
#include "store/trial_json.h"

/* Whether a study uses constraints: some trial of it carries constraint values. The study
 * config could say so too, but --best and train-trial's best.ckpt rank without loading it, and
 * they must pick the trial the report shows; this is also how the TPE sampler decides
 * (tpe.c: use_constraints). */
static int uses_constraints(const ws_trial_list *trials)
{
    for (size_t i = 0; i < trials->n; i++)
        if (json_is_array(json_object_get(trials->v[i].system_attrs, WS_ATTR_CONSTRAINTS))) return 1;
    return 0;
}

int ws_trial_feasible(const ws_summary *s, const ws_trial *t)
{
    json_t *c = json_object_get(t->system_attrs, WS_ATTR_CONSTRAINTS);
    /* Optuna 3.1 gives a trial without constraint values an infinite violation (TPE) or ranks
     * it after every feasible one (NSGA-II): in a study with constraints it is not feasible. */
    if (!json_is_array(c)) return !s->constrained;
    size_t i;
    json_t *v;
    /* a value that is not a number (null: NaN stored as JSON) is not shown feasible; a bool is
     * Python's 0 or 1, as Optuna judges it */
    json_array_foreach(c, i, v) if (!(ws_constraint_value(v) <= 0)) return 0;
    return 1;
}

int ws_trial_no_constraints(const ws_summary *s, const ws_trial *t)
{
    return s->constrained && !json_is_array(json_object_get(t->system_attrs, WS_ATTR_CONSTRAINTS));
}

void ws_summary_infeasible(const ws_summary *s, size_t *broken, size_t *none)
{
    *broken = *none = 0;
    for (size_t i = 0; i < s->trials->n; i++) {
        const ws_trial *t = &s->trials->v[i];
        if (t->state != WS_COMPLETE || ws_trial_feasible(s, t)) continue;
        if (ws_trial_no_constraints(s, t)) (*none)++;
        else (*broken)++;
    }
}

static const ws_summary *sort_ctx;

/* A value to rank by: a COMPLETE trial that Optuna stored with NaN (add_trial takes it; the
 * row's value is NULL, FINITE) has none to compare, as Optuna's best_trial passes it over. */
static int ranked_value(const ws_trial *t) { return t->has_value && !isnan(t->value); }

/* Rank groups, best first. */
static int group(const ws_trial *t)
{
    switch (t->state) {
    case WS_COMPLETE: return ws_trial_feasible(sort_ctx, t) ? 0 : 1;
    case WS_PRUNED: return 2;
    case WS_RUNNING: return 3;
    case WS_WAITING: return 4;
    default: return 5;
    }
}

static int cmp_rank(const void *pa, const void *pb)
{
    const ws_trial *a = &sort_ctx->trials->v[*(const size_t *)pa], *b = &sort_ctx->trials->v[*(const size_t *)pb];
    int ga = group(a), gb = group(b);
    if (ga != gb) return ga - gb;
    if (a->state == WS_PRUNED) {   /* deeper first, as TPE ranks pruned trials */
        int64_t sa = ws_trial_last_step(a), sb = ws_trial_last_step(b);   /* 64 bits: no wrap past 2^31 */
        if (sa != sb) return sb > sa ? 1 : -1;
    }
    int va = ranked_value(a), vb = ranked_value(b);
    if (va != vb) return vb - va;
    if (va && a->value != b->value) {
        int better = sort_ctx->direction == WS_MAXIMIZE ? a->value > b->value : a->value < b->value;
        return better ? -1 : 1;
    }
    return a->number - b->number;
}

int ws_summary_build(ws_summary *s, const char *study, int direction, const ws_trial_list *trials, ws_err *e)
{
    memset(s, 0, sizeof *s);
    s->study = study;
    s->direction = direction;
    s->trials = trials;
    s->steps_per_epoch = 1;
    s->constrained = uses_constraints(trials);
    s->order = malloc((trials->n ? trials->n : 1) * sizeof *s->order);
    if (!s->order) return ws_err_set(e, WS_ENOMEM, "out of memory");
    for (size_t i = 0; i < trials->n; i++) {
        s->order[i] = i;
        if ((unsigned)trials->v[i].state < 5) s->n_state[trials->v[i].state]++;
    }
    sort_ctx = s;
    qsort(s->order, trials->n, sizeof *s->order, cmp_rank);
    sort_ctx = NULL;
    for (size_t i = 0; i < trials->n; i++) {
        const ws_trial *t = &trials->v[s->order[i]];
        /* the best feasible trial; none when no COMPLETE trial is feasible */
        if (t->state == WS_COMPLETE && ranked_value(t) && ws_trial_feasible(s, t)) { s->best = t; break; }
    }
    return 0;
}

const char *ws_summary_why_no_best(const ws_summary *s)
{
    if (s->best) return NULL;
    if (!s->n_state[WS_COMPLETE]) return "no trial has completed yet";
    for (size_t i = 0; i < s->trials->n; i++)
        if (s->trials->v[i].state == WS_COMPLETE && ranked_value(&s->trials->v[i])) return "no complete trial is feasible";
    return "no complete trial has a value (each is NaN)";
}

void ws_summary_release(ws_summary *s)
{
    free(s->order);
    s->order = NULL;
}

/* The wall time as stored, as Optuna reads it: not through t, epoch seconds in this process's
 * zone, which moves a wall time the zone skips (02:30 on the day DST begins) and rounds the
 * years at Python's ends (0001 came out "1-01-01", 9999-12-31 23:59:59.999999 "10000-01-01"). */
static json_t *datetime_json(const char *stored, double t)
{
    char buf[40];
    if (!ws_load_datetime_out(stored, t, buf, sizeof buf)) return json_null();
    return json_string(buf);
}

/* Its datetimes are stored to the microsecond, but as epoch doubles they carry rounding noise
 * below that (an ulp is 0.24 us today), which the difference shows in its last digits: rounded
 * to the microsecond it is exact, the duration Optuna's trials give. The difference of the wall
 * times as stored (read as UTC: no zone moves them), as Optuna's FrozenTrial.duration takes it
 * on its naive datetimes: t_start and t_complete are in this process's zone, which put a DST
 * change into the duration (one file, two durations, by where report ran). */
double ws_summary_duration_s(const ws_trial *t)
{
    double d = ws_datetime_parse_utc(t->complete_text) - ws_datetime_parse_utc(t->start_text);
    if (isnan(d)) d = t->t_complete - t->t_start;   /* a text the load did not keep */
    return isfinite(d) ? round(d * 1e6) / 1e6 : NAN;
}

json_t *ws_summary_trial_json(const ws_trial *t)
{
    json_t *ivs = json_array();
    for (size_t i = 0; i < t->n_ivs; i++)
        json_array_append_new(ivs, json_pack("[I,o]", (json_int_t)t->ivs[i].step, ws_json_number_capped(t->ivs[i].value)));
    double dur = ws_summary_duration_s(t);
    json_t *reason = json_object_get(t->system_attrs, WS_ATTR_REASON);
    json_t *cons = json_object_get(t->system_attrs, WS_ATTR_CONSTRAINTS);
    /* the seed its line trained with, as the study keeps it (suggest writes it, a retry carries it
     * over); an Optuna-made trial, or a WAITING one not yet claimed, has none */
    json_t *seed = json_object_get(t->system_attrs, WS_ATTR_SEED);
    /* the step its value came from (the HTML curves' diamond), so that "at which epoch did the
     * trials reach their value?" needs no search of intermediate_values */
    long k = ws_trial_value_iv(t);
    return json_pack("{s:i,s:s,s:o,s:o,s:O,s:o,s:o,s:o,s:o,s:o,s:O,s:O}", "trial", t->number, "state", ws_state_name(t->state),
                     "value", t->has_value ? ws_json_number_capped(t->value) : json_null(),
                     "params", ws_params_json(t->params, t->n_params), "seed", seed ? seed : json_null(),
                     "duration_s", isfinite(dur) ? json_real(dur) : json_null(),
                     "datetime_start", datetime_json(t->start_text, t->t_start), "datetime_complete",
                     datetime_json(t->complete_text, t->t_complete),
                     "intermediate_values", ivs, "value_step", k >= 0 ? json_integer((json_int_t)t->ivs[k].step) : json_null(),
                     "reason", reason ? reason : json_null(),
                     "constraints", cons ? cons : json_null());
}

json_t *ws_summary_trial_json_at(const ws_summary *s, size_t i)
{
    json_t *j = ws_summary_trial_json(&s->trials->v[i]);
    if (j && s->an) ws_analysis_trial_json(s->an, s->trials, i, j);
    return j;
}

/* The study object's keys before "trials", and after it (none without s->an). */
static json_t *summary_head(const ws_summary *s)
{
    json_t *states = json_object();
    for (int k = 0; k < 5; k++) json_object_set_new(states, ws_state_name((ws_state)k), json_integer((json_int_t)s->n_state[k]));
    json_t *best = s->best ? ws_summary_trial_json_at(s, (size_t)(s->best - s->trials->v)) : json_null();
    return json_pack("{s:s,s:s,s:I,s:o,s:o}", "study", s->study, "direction",
                     s->direction == WS_MAXIMIZE ? "maximize" : "minimize", "n_trials", (json_int_t)s->trials->n,
                     "states", states, "best", best);
}

static json_t *summary_tail(const ws_summary *s)
{
    json_t *j = json_object();
    if (j && s->an) {
        const ws_config *cfg = s->an->cfg;
        json_object_set_new(j, "objective", cfg && cfg->objective ? json_string(cfg->objective) : json_null());
        json_object_set_new(j, "importance", ws_analysis_importance_json(s->an));
        json_object_set_new(j, "utilization", ws_analysis_utilization_json(s->an));
        json_object_set_new(j, "time", ws_analysis_time_json(s->an));
    }
    return j;
}

/* Written a trial at a time: the whole object held every trial's JSON (a few hundred bytes per
 * intermediate value in jansson) and then its text, 2.7 times text's memory at 4000 trials of 100
 * reports, growing with the study. */
int ws_summary_json_print(FILE *f, const ws_summary *s)
{
    json_t *head = summary_head(s), *tail = summary_tail(s);
    char *h = head ? ws_json_dump(head, 0) : NULL, *t = tail ? ws_json_dump(tail, 0) : NULL;
    json_decref(head);
    json_decref(tail);
    int ok = h && t && strlen(h) >= 2 && strlen(t) >= 2;   /* "{...}" each */
    if (ok) {
        h[strlen(h) - 1] = 0;   /* the head's closing brace: the trials go on inside */
        ok = fputs(h, f) >= 0 && fputs(",\"trials\":[", f) >= 0;
    }
    for (size_t i = 0; ok && i < s->trials->n; i++) {
        json_t *tj = ws_summary_trial_json_at(s, s->order[i]);
        char *text = tj ? ws_json_dump(tj, 0) : NULL;
        ok = text && (!i || fputc(',', f) != EOF) && fputs(text, f) >= 0;
        free(text);
        json_decref(tj);
    }
    /* the tail's keys follow ("{}" adds none) */
    if (ok) ok = fputc(']', f) != EOF && (t[1] == '}' || (fputc(',', f) != EOF && fputs(t + 1, f) >= 0))
                 && (t[1] != '}' || fputc('}', f) != EOF) && fputc('\n', f) != EOF && fflush(f) == 0;
    free(h);
    free(t);
    return ok ? 0 : -1;
}

void ws_summary_fine_steps_text(const ws_summary *s, char *buf, size_t n)
{
    size_t at = 0;
    if (n) buf[0] = 0;
    for (int i = 0; i < s->n_fine_steps && i < 8 && at < n; i++)
        at += (size_t)snprintf(buf + at, n - at, "%s%d", i ? ", " : s->n_fine_steps == 1 ? "step " : "steps ",
                               s->fine_steps[i]);
    if (s->n_fine_steps > 8 && at < n) at += (size_t)snprintf(buf + at, n - at, ", ...");
    if (s->n_fine_steps && at < n) snprintf(buf + at, n - at, " and the end of every epoch");
}

void ws_summary_fine_epochs_text(const ws_summary *s, char *buf, size_t n)
{
    if (s->steps_per_epoch <= 1 || !s->fine_epochs) snprintf(buf, n, "%s", "");
    else if (s->fine_epochs == 1) snprintf(buf, n, "the first epoch");
    else snprintf(buf, n, "the first %d epochs", s->fine_epochs);
}
