/* table.c — the text table and CSV forms of a study summary. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "core/text.h"
#include "report/analysis.h"
#include "report/html.h"
#include "report/param_order.h"
#include "report/summary.h"

/* A JSON scalar as plain text (strings unquoted, null empty). */
static char *scalar_text(const json_t *v)
{
    if (!v || json_is_null(v)) return strdup("");
    if (json_is_string(v)) return strdup(json_string_value(v));
    return ws_json_dump(v, 0);
}

static void put_csv_field(FILE *f, const char *text)
{
    if (!strpbrk(text, ",\"\n\r")) { fputs(text, f); return; }
    fputc('"', f);
    for (const char *p = text; *p; p++) { if (*p == '"') fputc('"', f); fputc(*p, f); }
    fputc('"', f);
}

int ws_report_csv(FILE *f, const ws_summary *s)
{
    /* the analysis' names (the HTML's columns), so a conditional parameter that an early trial
     * lacks keeps its place; first seen by number put it after later ones */
    json_t *names = s->an ? json_incref(s->an->names) : ws_param_order(s->trials, NULL);
    if (!names) return -1;
    fputs("trial,state,value,duration_s", f);
    size_t i;
    json_t *n;
    /* Parameters as Optuna's trials_dataframe names them, so one named like a column of ours
     * (value, state, slot) stays apart from it. */
    json_array_foreach(names, i, n) {
        char *col = NULL;
        fputc(',', f);
        if (asprintf(&col, "params_%s", json_string_value(n)) < 0) { json_decref(names); return -1; }
        put_csv_field(f, col);
        free(col);
    }
    /* the trial's seed (system attribute wakesweep:seed, Optuna's system_attrs_wakesweep:seed) after
     * the params, where trials_dataframe puts system attributes, named as the JSON names it; the
     * step the value came from after them (not beside value: scripts take duration_s as column 4) */
    fputs(s->an ? ",seed,reason,value_step,slot,util_mean,setup_s,train_s,eval_s\n" : ",seed,reason,value_step\n", f);
    for (size_t r = 0; r < s->trials->n; r++) {
        json_t *t = ws_summary_trial_json(&s->trials->v[s->order[r]]);
        json_t *params = json_object_get(t, "params");
        const char *cols[] = {"trial", "state", "value", "duration_s"};
        for (int c = 0; c < 4; c++) {
            char *x = scalar_text(json_object_get(t, cols[c]));
            if (c) fputc(',', f);
            put_csv_field(f, x ? x : "");
            free(x);
        }
        json_array_foreach(names, i, n) {
            char *x = scalar_text(json_object_get(params, json_string_value(n)));
            fputc(',', f);
            put_csv_field(f, x ? x : "");
            free(x);
        }
        const char *tail[] = {"seed", "reason", "value_step"};
        for (int c = 0; c < 3; c++) {
            char *x = scalar_text(json_object_get(t, tail[c]));
            fputc(',', f);
            put_csv_field(f, x ? x : "");
            free(x);
        }
        if (s->an) {   /* the analysis' columns, as the JSON form has them */
            const ws_trial_time *tt = &s->an->tt[s->order[r]];
            json_t *slot = tt->slot >= 0 ? json_integer(tt->slot) : json_null();
            json_t *extra[5] = {slot, ws_json_number(ws_analysis_util(s->an, s->order[r])), ws_json_number(tt->setup_s),
                                ws_json_number(tt->train_s), ws_json_number(tt->eval_s)};
            for (int c = 0; c < 5; c++) {
                char *x = scalar_text(extra[c]);
                fputc(',', f);
                put_csv_field(f, x ? x : "");
                free(x);
                json_decref(extra[c]);
            }
        }
        fputc('\n', f);
        json_decref(t);
    }
    json_decref(names);
    return fflush(f) ? -1 : 0;
}

/* A name or value of the study in the text form as ws_text_show shows it: a newline in a
 * categorical choice must not split a trial's row, nor an ESC in a study name reach the terminal. */
static void put_shown(FILE *f, const char *s)
{
    char *x = ws_text_show(s ? s : "");
    fputs(x ? x : "?", f);
    free(x);
}

/* The analysis below the table: importance, time, utilization (the JSON form's numbers). */
static void text_analysis(FILE *f, const ws_analysis *a)
{
    const ws_importance *imp = &a->imp;
    fprintf(f, "importance (PED-ANOVA, top %zu of %zu finite complete trial%s vs all):", imp->n_top, imp->n_trials,
            ws_plural(imp->n_trials));
    if (!imp->computed) fprintf(f, " not computed: %s", imp->note);
    else {
        json_t *j = ws_analysis_importance_json(a), *params = json_object_get(j, "params"), *v;
        const char *k;
        int first = 1;
        json_object_foreach(params, k, v) {
            fprintf(f, "%s ", first ? "" : ",");
            put_shown(f, k);
            fprintf(f, " %.1f%%", 100 * json_number_value(v));
            first = 0;
        }
        json_decref(j);
    }
    int any = 0;
    for (size_t j = 0; j < imp->n; j++)
        if (!imp->v[j].searched) {
            fprintf(f, "%s ", any ? "," : "; fixed:");
            put_shown(f, imp->v[j].name);
            any = 1;
        }
    fputc('\n', f);
    if (a->capacity_s > 0) {
        double c = a->capacity_s;
        fprintf(f, "time: %zu slot%s over %.2f s wall (capacity %.2f s): setup %.1f%%, train %.1f%%, eval %.1f%%, "
                   "other %.1f%%, unmeasured %.1f%%, ",
                a->n_slots, ws_plural(a->n_slots), a->wall_s, c, 100 * a->all.setup_s / c, 100 * a->all.train_s / c,
                100 * a->all.eval_s / c, 100 * a->all.other_s / c, 100 * a->all.unmeasured_s / c);
        if (a->grown_s > 0) fprintf(f, "grown %.1f%%, ", 100 * a->grown_s / c);
        fprintf(f, "idle %.1f%%", 100 * a->idle_s / c);
        fprintf(f, a->time_note[0] ? " (%s)\n" : "%s\n", a->time_note);   /* the JSON's time.note */
    } else fprintf(f, "time: %s\n", a->time_note);
    if (isfinite(a->util.sweep_mean)) {
        fprintf(f, "utilization (%s, gpu-monitor): sweep mean %.1f%% over %ld sample%s", ws_utilization_what(&a->util),
                a->util.sweep_mean, a->util.n_samples, ws_plural((size_t)a->util.n_samples));
        fprintf(f, a->util_note[0] ? " (%s)\n" : "%s\n", a->util_note);   /* the JSON's note, as the HTML shows it */
    } else fprintf(f, "utilization: %s\n", a->util_note[0] ? a->util_note : "no samples");
}

/* " trial(s) A, B, ... WHAT": the n complete infeasible trials with (no_cons 1) or without no
 * constraint values, in rank order, at most 20 named. */
static void infeasible_names(FILE *f, const ws_summary *s, int no_cons, size_t n, const char *what)
{
    size_t named = 0;
    fprintf(f, " trial%s", ws_plural(n));
    for (size_t r = 0; r < s->trials->n && named < 20; r++) {
        const ws_trial *t = &s->trials->v[s->order[r]];
        if (t->state == WS_COMPLETE && !ws_trial_feasible(s, t) && ws_trial_no_constraints(s, t) == no_cons)
            fprintf(f, "%s%d", named++ ? ", " : " ", t->number);
    }
    fprintf(f, "%s %s", n > named ? ", ..." : "", what);
}

int ws_report_text(FILE *f, const ws_summary *s)
{
    fputs("study ", f);
    put_shown(f, s->study);
    fprintf(f, " (%s): %zu trial%s: %zu complete, %zu pruned, %zu running, %zu waiting, %zu failed\n",
            s->direction > 0 ? "maximize" : "minimize", s->trials->n, ws_plural(s->trials->n), s->n_state[WS_COMPLETE],
            s->n_state[WS_PRUNED], s->n_state[WS_RUNNING], s->n_state[WS_WAITING], s->n_state[WS_FAIL]);
    if (s->best) fprintf(f, "best: trial %d, value %.6g\n", s->best->number, s->best->value);
    else fprintf(f, "best: none: %s\n", ws_summary_why_no_best(s));
    /* Which complete trials are ranked after the feasible ones, and why: the JSON has their
     * constraints and the HTML a feasible column; without this line a trial of a better value
     * stood below the best with nothing to say so. Those that break a constraint and those with
     * no constraint values (told without --constraint: infeasible as Optuna counts them, though
     * they break none) are named apart, at most 20 of each, in rank order. */
    size_t broken, none;
    ws_summary_infeasible(s, &broken, &none);
    if (broken + none) {
        fprintf(f, "infeasible: %zu complete trial%s (ranked after the feasible ones):", broken + none,
                ws_plural(broken + none));
        if (broken) infeasible_names(f, s, 0, broken, broken == 1 ? "breaks a constraint" : "break a constraint");
        if (broken && none) fputc(';', f);
        if (none) infeasible_names(f, s, 1, none, none == 1 ? "has no constraint values" : "have no constraint values");
        fputc('\n', f);
    }
    int util = s->an && s->an->util.n_samples > 0;
    /* the JSON's value_step beside the value, when some trial has one (a study of told values
     * only keeps its columns, as util% comes only with samples) */
    int vstep = 0;
    for (size_t i = 0; i < s->trials->n && !vstep; i++) vstep = ws_trial_value_iv(&s->trials->v[i]) >= 0;
    fprintf(f, "%6s  %-8s  %12s  ", "trial", "state", "value");
    if (vstep) fprintf(f, "%10s  ", "value_step");
    if (util) fprintf(f, "%9s  %6s  %s\n", "seconds", "util%", "params");
    else fprintf(f, "%9s  %s\n", "seconds", "params");
    for (size_t r = 0; r < s->trials->n; r++) {
        const ws_trial *t = &s->trials->v[s->order[r]];
        char value[32] = "-", secs[32] = "-", step[24] = "-";
        if (t->has_value) snprintf(value, sizeof value, "%.6g", t->value);
        double d = ws_summary_duration_s(t);
        if (isfinite(d)) snprintf(secs, sizeof secs, "%.2f", d);
        long iv = ws_trial_value_iv(t);
        if (iv >= 0) snprintf(step, sizeof step, "%lld", (long long)t->ivs[iv].step);
        fprintf(f, "%6d  %-8s  %12s  ", t->number, ws_state_name(t->state), value);
        if (vstep) fprintf(f, "%10s  ", step);
        fprintf(f, "%9s ", secs);
        if (util) {
            double u = ws_analysis_util(s->an, s->order[r]);
            if (isfinite(u)) fprintf(f, " %6.1f ", u);
            else fprintf(f, " %6s ", "-");
        }
        /* As the HTML shows them: a categorical choice None is null, as in the JSON (scalar_text,
         * the CSV's, made it empty, as the choice "" is). */
        for (size_t k = 0; k < t->n_params; k++) {
            char *x = ws_param_text(&t->params[k]);
            fputc(' ', f);
            put_shown(f, t->params[k].name);
            fputc('=', f);
            put_shown(f, x ? x : "?");
            free(x);
        }
        fputc('\n', f);
    }
    if (s->an) text_analysis(f, s->an);
    return fflush(f) ? -1 : 0;
}
