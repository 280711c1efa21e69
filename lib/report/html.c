/* html.c — the HTML page of the report (see html.h): style, header, summary cards, the plots
 * and the table of all trials. Numbers are printed as the text form prints them (values with 6
 * significant digits, seconds with 2 decimals, percentages with 1). */
#include "report/html.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "report/analysis.h"
#include "report/svg.h"
#include "space/config.h"
#include "store/store.h"

static const char style[] =
    ":root{--fg:#1f2328;--muted:#5f6b7a;--line:#e1e5ea;--card:#f7f9fb}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",\"DejaVu Sans\",sans-serif;"
    "color:var(--fg);background:#fff}\n"
    "main{max-width:1220px;margin:0 auto;padding:24px 20px 48px}\n"
    "h1{font-size:24px;margin:0 0 2px;font-weight:650}\n"
    "h2{font-size:15px;margin:0 0 6px;font-weight:650}\n"
    ".sub{color:var(--muted);margin:0 0 18px}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(270px,1fr));gap:14px;margin:0 0 20px}\n"
    ".card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}\n"
    ".big{font-size:22px;font-weight:650}\n"
    ".chip{display:inline-block;padding:1px 9px;border-radius:10px;color:#fff;font-size:12px;margin:2px 4px 2px 0}\n"
    ".chip.zero{background:#e9ecef!important;color:#8a939c}\n"
    "dl{display:grid;grid-template-columns:auto 1fr;gap:1px 12px;margin:6px 0 0;font-size:13px}\n"
    "dt{color:var(--muted)}dd{margin:0;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}\n"
    ".plots{display:grid;grid-template-columns:1fr 1fr;gap:16px}\n"
    "figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:12px 12px 8px;min-width:0}\n"
    /* a plot's text is 12 px at its viewBox width; drawn narrower it shrinks with it: a wide plot
     * (1160 px) keeps 1000 px and scrolls inside its figure, as the table does, and the half
     * ones (570 px) go one to a row where two would be drawn below 0.87 of their size */
    "figure.wide{grid-column:1/-1;overflow-x:auto}\n"
    "figure.wide svg.plot{min-width:1000px}\n"
    "figcaption{font-size:12.5px;color:var(--muted);margin:0 0 6px}\n"
    "figcaption h2{color:var(--fg);margin-bottom:2px}\n"
    "svg.plot{width:100%;height:auto;display:block}\n"
    "svg.defs{position:absolute;width:0;height:0}\n"
    "svg text{font:12px system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",\"DejaVu Sans\",sans-serif;fill:#333}\n"
    "svg text.label{fill:#444;font-weight:600}\n"
    "svg text.small{font-size:10.5px;fill:#555}\n"
    "svg text.bar{font-size:10px;fill:#fff}\n"
    "svg text.halo{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}\n"
    "svg text.msg{fill:#8a939c;font-size:14px}\n"
    ".axis line{stroke:#9aa3ad;stroke-width:1}\n"
    ".axis line.grid{stroke:#edf0f3}\n"
    "table.cm{border-collapse:collapse;margin-top:6px;font-size:11.5px}\n"
    "table.cm td,table.cm th{border:1px solid #fff;padding:1px 6px;text-align:right}\n"
    "table.cm th{color:var(--muted);font-weight:500}\n"
    ".trials{margin-top:22px}\n"
    "nav.studies{margin:0 0 18px}nav.studies ol{margin:4px 0 0;padding-left:22px}\n"
    "section.study{border-top:2px solid var(--line);padding-top:18px;margin-top:26px}\n"
    "section.study:first-of-type{border-top:0;margin-top:0}\n"
    ".tablewrap{overflow-x:auto;border:1px solid var(--line);border-radius:8px}\n"
    "table.all{border-collapse:collapse;width:100%;font-size:12.5px;font-variant-numeric:tabular-nums}\n"
    "table.all th,table.all td{padding:3px 9px;border-bottom:1px solid #eef0f2;text-align:right;white-space:nowrap}\n"
    "table.all th{position:sticky;top:0;background:#f3f5f8;font-weight:600}\n"
    "table.all .l{text-align:left}\n"
    "table.all tr.best td{background:#fbeef6}\n"
    "td.reason{max-width:340px;overflow:hidden;text-overflow:ellipsis}\n"
    ".st{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:5px}\n"
    "footer{margin-top:22px;color:var(--muted);font-size:12px}\n"
    "@media (max-width:1100px){.plots{grid-template-columns:1fr}}\n";

static const char *state_label(ws_state s)
{
    switch (s) {
    case WS_COMPLETE: return "complete";
    case WS_PRUNED: return "pruned";
    case WS_FAIL: return "failed";
    case WS_RUNNING: return "running";
    default: return "waiting";
    }
}

static void text(FILE *f, const char *s) { ws_html_text(f, s); }

static void json_text(FILE *f, const json_t *v)
{
    if (!v || json_is_null(v)) { fputs("\xe2\x80\x93", f); return; }
    if (json_is_string(v)) { text(f, json_string_value(v)); return; }
    if (json_is_real(v)) { fprintf(f, "%.6g", json_real_value(v)); return; }
    char *d = ws_json_dump(v, 0);
    text(f, d ? d : "");
    free(d);
}

static void header(FILE *f, const ws_summary *s)
{
    const ws_config *c = s->an->cfg;
    fputs("<header><h1>", f);
    text(f, s->study);
    fputs("</h1><p class=\"sub\">", f);
    fprintf(f, "%s ", s->direction == WS_MAXIMIZE ? "maximize" : "minimize");
    text(f, c && c->objective ? c->objective : "the objective value");
    for (size_t k = 0; c && k < c->n_constraints; k++) {
        fputs(k ? ", " : " subject to ", f);
        text(f, c->constraints[k].name);
        if (isfinite(c->constraints[k].max)) fprintf(f, " \xe2\x89\xa4 %g", c->constraints[k].max);
        if (isfinite(c->constraints[k].min)) fprintf(f, "%s \xe2\x89\xa5 %g", isfinite(c->constraints[k].max) ? " and" : "",
                                                     c->constraints[k].min);
    }
    const char *sampler = NULL, *pruner = NULL;
    if (c && c->sampler) sampler = json_string_value(json_object_get(c->sampler, "name"));
    if (c && c->pruner) pruner = json_string_value(json_object_get(c->pruner, "name"));
    if (sampler) { fputs(" \xc2\xb7 sampler ", f); text(f, sampler); }
    if (pruner) { fputs(" \xc2\xb7 pruner ", f); text(f, pruner); }
    fprintf(f, " \xc2\xb7 %zu trial%s</p></header>\n", s->trials->n, ws_plural(s->trials->n));
}

static void card_trials(FILE *f, const ws_summary *s)
{
    static const ws_state order[] = {WS_COMPLETE, WS_PRUNED, WS_FAIL, WS_RUNNING, WS_WAITING};
    fprintf(f, "<div class=\"card\" id=\"%scard-trials\"><h2>Trials</h2><div class=\"big\">%zu</div><div>", ws_html_id(),
            s->trials->n);
    for (int k = 0; k < 5; k++)
        fprintf(f, "<span class=\"chip%s\" style=\"background:%s\">%zu %s</span>", s->n_state[order[k]] ? "" : " zero",
                ws_state_color(order[k]), s->n_state[order[k]], state_label(order[k]));
    fputs("</div>", f);
    /* as the text says it: a trial with no constraint values (told without --constraint) is
     * infeasible as Optuna counts it, but breaks none */
    size_t broken, none;
    ws_summary_infeasible(s, &broken, &none);
    if (broken && none)
        fprintf(f, "<dl><dt>infeasible</dt><dd>%zu complete trials: %zu break%s a constraint, %zu ha%s no constraint "
                "values</dd></dl>", broken + none, broken, broken == 1 ? "s" : "", none, none == 1 ? "s" : "ve");
    else if (broken)
        fprintf(f, "<dl><dt>infeasible</dt><dd>%zu complete trial%s a constraint</dd></dl>", broken,
                broken == 1 ? " breaks" : "s break");
    else if (none)
        fprintf(f, "<dl><dt>infeasible</dt><dd>%zu complete trial%s no constraint values</dd></dl>", none,
                none == 1 ? " has" : "s have");
    fputs("</div>\n", f);
}

static void confusion(FILE *f, const json_t *metrics)
{
    json_t *per = json_object_get(metrics, "per_class"), *cm = json_object_get(metrics, "confusion");
    size_t k = json_array_size(cm);
    if (!json_is_object(per) || k < 2 || k > 12 || json_object_size(per) != k) return;
    const char **names = calloc(k, sizeof *names);
    if (!names) return;
    size_t i = 0;
    const char *key;
    json_t *v;
    json_object_foreach(per, key, v) if (i < k) names[i++] = key;
    long max = 1;
    for (size_t r = 0; r < k; r++)
        for (size_t c = 0; c < k; c++) {
            long x = (long)json_integer_value(json_array_get(json_array_get(cm, r), c));
            if (x > max) max = x;
        }
    fputs("<table class=\"cm\" title=\"confusion matrix: rows true class, columns predicted\"><tr><th>true \\ pred</th>", f);
    for (size_t c = 0; c < k; c++) { fputs("<th>", f); text(f, names[c]); fputs("</th>", f); }
    fputs("</tr>", f);
    for (size_t r = 0; r < k; r++) {
        fputs("<tr><th>", f);
        text(f, names[r]);
        fputs("</th>", f);
        for (size_t c = 0; c < k; c++) {
            long x = (long)json_integer_value(json_array_get(json_array_get(cm, r), c));
            double a = (double)x / (double)max;
            fprintf(f, "<td style=\"background:rgba(%s,%.2f);color:%s\">%ld</td>", r == c ? "0,114,178" : "213,94,0",
                    0.08 + 0.8 * a, a > 0.55 ? "#fff" : "#222", x);
        }
        fputs("</tr>", f);
    }
    fputs("</table>", f);
    free(names);
}

static void card_best(FILE *f, const ws_summary *s)
{
    const ws_trial *b = s->best;
    fprintf(f, "<div class=\"card\" id=\"%scard-best\"><h2>Best trial</h2>", ws_html_id());
    if (!b) { fprintf(f, "<p>none: %s</p></div>\n", ws_summary_why_no_best(s)); return; }
    const ws_config *c = s->an->cfg;
    fprintf(f, "<div class=\"big\">#%d \xc2\xb7 %.6g</div><div class=\"sub\" style=\"margin:0\">", b->number, b->value);
    text(f, c && c->objective ? c->objective : "value");
    fputs("</div><dl>", f);
    for (size_t k = 0; k < b->n_params; k++) {
        char *x = ws_param_text(&b->params[k]);
        fputs("<dt>", f);
        text(f, b->params[k].name);
        fputs("</dt><dd>", f);
        text(f, x ? x : "?");
        fputs("</dd>", f);
        free(x);
    }
    json_t *m = json_object_get(b->user_attrs, "metrics");
    static const char *const keys[] = {"accuracy", "macro_f1", "f1", "fpr", "frr", "binary_accuracy"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        json_t *v = json_object_get(m, keys[k]);
        if (!json_is_number(v)) continue;
        fprintf(f, "<dt>%s</dt><dd>%.4g</dd>", keys[k], json_number_value(v));
    }
    /* the wake word's operating point (train-trial's metrics.at_fpr), at_fpr.KEY as objectives say */
    static const char *const at_keys[] = {"max_fpr", "threshold", "f1", "fpr", "frr"};
    for (size_t k = 0; k < sizeof at_keys / sizeof *at_keys; k++) {
        json_t *v = json_object_get(json_object_get(m, "at_fpr"), at_keys[k]);
        if (json_is_number(v)) fprintf(f, "<dt>at_fpr.%s</dt><dd>%.4g</dd>", at_keys[k], json_number_value(v));
    }
    fputs("</dl>", f);
    confusion(f, m);
    fputs("</div>\n", f);
}

static void card_time(FILE *f, const ws_summary *s)
{
    const ws_analysis *a = s->an;
    char wall[32], busy[32];
    ws_fmt_duration(a->wall_s, wall, sizeof wall);
    ws_fmt_duration(a->all.busy_s, busy, sizeof busy);
    fprintf(f, "<div class=\"card\" id=\"%scard-time\"><h2>Time and utilization</h2>", ws_html_id());
    fprintf(f, "<div class=\"big\">%s</div><dl>", a->n_slots ? wall : "\xe2\x80\x93");
    fprintf(f, "<dt>parallel slots</dt><dd>%zu</dd>", a->n_slots);
    if (a->time_note[0]) {   /* why the shares below are missing (or all idle): the JSON's time.note */
        fputs("<dt>time</dt><dd>", f);
        text(f, a->time_note);
        fputs("</dd>", f);
    }
    if (a->capacity_s > 0) {
        double c = a->capacity_s;
        fprintf(f, "<dt>busy</dt><dd>%.1f%% (%s in trials)</dd>", 100 * a->all.busy_s / c, busy);
        fprintf(f, "<dt>training</dt><dd>%.1f%%</dd>", 100 * a->all.train_s / c);
        fprintf(f, "<dt>setup + eval + other</dt><dd>%.1f%%</dd>", 100 * (a->all.setup_s + a->all.eval_s + a->all.other_s) / c);
        if (a->all.unmeasured_s > 0) fprintf(f, "<dt>unmeasured</dt><dd>%.1f%%</dd>", 100 * a->all.unmeasured_s / c);
        if (a->grown_s > 0) fprintf(f, "<dt>grown into idle slots</dt><dd>%.1f%%</dd>", 100 * a->grown_s / c);
        fprintf(f, "<dt>idle</dt><dd>%.1f%%</dd>", 100 * a->idle_s / c);
    }
    const char *what = ws_utilization_what(&a->util);
    if (isfinite(a->util.sweep_mean)) {
        fprintf(f, "<dt>%s utilization</dt><dd id=\"%ssweep-util\">%.1f%% mean over %ld sample%s", what, ws_html_id(),
                a->util.sweep_mean, a->util.n_samples, ws_plural((size_t)a->util.n_samples));
        if (a->util_note[0]) {   /* the JSON's note, as the text shows it */
            fputs(" (", f);
            text(f, a->util_note);
            fputc(')', f);
        }
        fputs("</dd>", f);
    } else {
        fputs("<dt>utilization</dt><dd>", f);
        text(f, a->util_note[0] ? a->util_note : "no samples");
        fputs("</dd>", f);
    }
    fputs("</dl></div>\n", f);
}

static void figure(FILE *f, const char *cls, const char *title, const char *caption, void (*plot)(FILE *, const ws_summary *),
                   const ws_summary *s)
{
    fprintf(f, "<figure class=\"%s\"><figcaption><h2>", cls);
    text(f, title);
    fputs("</h2>", f);
    fputs(caption, f);   /* trusted HTML written below */
    fputs("</figcaption>\n", f);
    plot(f, s);
    fputs("</figure>\n", f);
}

static void importance_caption(FILE *f, const ws_summary *s)
{
    const ws_importance *imp = &s->an->imp;
    /* too few trials for a top set (the plot says so): naming one, "here 3 of 3", contradicted it */
    char here[64] = "";
    if (imp->n_top < imp->n_trials) snprintf(here, sizeof here, "; here %zu of %zu", imp->n_top, imp->n_trials);
    fprintf(f, "<figure class=\"half\"><figcaption><h2>Parameter importance</h2>Method: <b>PED-ANOVA</b> (Watanabe et al., "
               "2023): for each parameter, the Pearson divergence between the distribution of its values in the top %g%% "
               "of complete trials with a finite value (at least %d%s) and in all of them, estimated with 1-D Parzen estimators "
               "(Gaussian kernels on the log scale for log parameters, frequencies for categorical ones), normalised to "
               "sum to 100%%.", 100 * WS_PED_TOP_QUANTILE, WS_PED_MIN_TOP, here);
    int any = 0;
    for (size_t j = 0; j < imp->n; j++)
        if (!imp->v[j].searched) {
            fputs(any ? ", " : " Fixed (not searched): ", f);
            text(f, imp->v[j].name);
            any = 1;
        }
    if (any) fputs(".", f);
    fputs("</figcaption>\n", f);
    ws_plot_importance(f, s);
    fputs("</figure>\n", f);
}

static void trial_table(FILE *f, const ws_summary *s)
{
    const ws_analysis *a = s->an;
    size_t np = json_array_size(a->names);
    fprintf(f, "<section class=\"trials\"><h2>All trials, best first</h2><div class=\"tablewrap\"><table class=\"all\" "
               "id=\"%strials\"><thead>", ws_html_id());
    fputs("<tr><th>rank</th><th>trial</th><th class=\"l\">state</th><th>value</th><th>feasible</th>"
          "<th>seconds</th><th>setup</th><th>train</th><th>eval</th><th>slot</th><th>util %</th>", f);
    for (size_t j = 0; j < np; j++) {
        fputs("<th class=\"l\">", f);
        text(f, json_string_value(json_array_get(a->names, j)));
        fputs("</th>", f);
    }
    fputs("<th>seed</th><th class=\"l\">reason</th></tr></thead><tbody>\n", f);
    for (size_t r = 0; r < s->trials->n; r++) {
        size_t i = s->order[r];
        const ws_trial *t = &s->trials->v[i];
        const ws_trial_time *tt = &a->tt[i];
        char value[32] = "\xe2\x80\x93", secs[32] = "\xe2\x80\x93";
        if (t->has_value) snprintf(value, sizeof value, "%.6g", t->value);
        double d = ws_summary_duration_s(t);
        if (isfinite(d)) snprintf(secs, sizeof secs, "%.2f", d);
        /* feasibility where it counts: a trial with constraint values, a complete one in a study with them */
        int has_cons = json_array_size(json_object_get(t->system_attrs, "constraints")) > 0
                       || (s->constrained && t->state == WS_COMPLETE);
        fprintf(f, "<tr%s><td>%zu</td><td>%d</td><td class=\"l\"><span class=\"st\" style=\"background:%s\"></span>%s</td>"
                   "<td>%s</td><td>%s</td><td>%s</td>",
                t == s->best ? " class=\"best\"" : "", r + 1, t->number, ws_state_color(t->state), ws_state_name(t->state),
                value, has_cons ? (ws_trial_feasible(s, t) ? "yes" : "no") : "", secs);
        double part[3] = {tt->setup_s, tt->train_s, tt->eval_s};
        for (int k = 0; k < 3; k++) {
            if (isfinite(part[k])) fprintf(f, "<td>%.2f</td>", part[k]);
            else fputs("<td></td>", f);
        }
        if (tt->slot >= 0) fprintf(f, "<td>%d</td>", tt->slot);
        else fputs("<td></td>", f);
        double u = ws_analysis_util(a, i);
        if (isfinite(u)) fprintf(f, "<td>%.1f</td>", u);
        else fputs("<td></td>", f);
        for (size_t j = 0; j < np; j++) {
            const ws_param *p = ws_trial_param(t, json_string_value(json_array_get(a->names, j)));
            fputs("<td class=\"l\">", f);
            if (p) {
                char *x = ws_param_text(p);
                text(f, x ? x : "?");
                free(x);
            }
            fputs("</td>", f);
        }
        json_t *seed = json_object_get(t->system_attrs, WS_ATTR_SEED);   /* as the JSON's "seed" */
        fputs("<td>", f);
        if (seed && !json_is_null(seed)) json_text(f, seed);
        fputs("</td>", f);
        json_t *why = json_object_get(t->system_attrs, "wakesweep:reason");
        fputs("<td class=\"l reason\">", f);
        if (why && !json_is_null(why)) json_text(f, why);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table></div></section>\n", f);
}

/* One study: header, cards, plots, the table of trials. */
static void study_body(FILE *f, const ws_summary *s)
{
    header(f, s);
    fputs("<section class=\"cards\">\n", f);
    card_trials(f, s);
    card_best(f, s);
    card_time(f, s);
    fputs("</section>\n<section class=\"plots\">\n", f);
    figure(f, "half", "Optimization history",
           "Every finished trial's value; the line is the best so far among feasible complete trials. Hover for "
           "details.", ws_plot_history, s);
    char curves[480], first[32], steps[160];
    ws_summary_fine_epochs_text(s, first, sizeof first);
    ws_summary_fine_steps_text(s, steps, sizeof steps);
    if (s->steps_per_epoch == 1)
        snprintf(curves, sizeof curves, "Intermediate values per epoch; a cross marks where a pruned trial stopped, a "
                 "diamond marks the step a complete trial's value came from (its best validation).");
    else if (*steps)
        snprintf(curves, sizeof curves, "Intermediate values at %s (a step is 1/%d of an epoch); a cross marks where a "
                 "pruned trial stopped, a diamond marks the step a complete trial's value came from (its best "
                 "validation).", steps, s->steps_per_epoch);
    else
        snprintf(curves, sizeof curves, "Intermediate values, %d per epoch%s%s%s (a step is 1/%d of an epoch); a cross "
                 "marks where a pruned trial stopped, a diamond marks the step a complete trial's value came from (its "
                 "best validation).", s->steps_per_epoch, *first ? " in " : "", first,
                 *first ? ", then one" : "", s->steps_per_epoch);
    figure(f, "half", "Learning curves", curves, ws_plot_curves, s);
    figure(f, "wide", "Parallel coordinates",
           "Searched parameters against the value (log axes for log-scale parameters; <i>n/a</i>: a conditional "
           "parameter the trial did not have). Each axis spans the search range and every value on it (one fixed or "
           "queued past a bound). Darker lines are better.", ws_plot_parallel, s);
    importance_caption(f, s);
    figure(f, "half", "Where the time went",
           "Capacity = parallel slots \xc3\x97 wall time. <i>other</i>: time inside a trial outside setup, training and "
           "evaluation (process start, study writes, checkpoints).", ws_plot_breakdown, s);
    figure(f, "wide", "Timeline",
           "Trials on the parallel slots they ran in (each trial takes the lowest slot free when it starts; "
           "slots count from 0, as in the JSON and CSV); hatched: idle.", ws_plot_timeline, s);
    figure(f, "wide", "Utilization",
           "From gpu-monitor's samples in the study file: GPU busy % when a GPU was present, else all-CPU busy %.",
           ws_plot_utilization, s);
    figure(f, "wide", "Time per trial", "Each trial's wall time, split as in <i>Where the time went</i>.",
           ws_plot_trial_times, s);
    fputs("</section>\n", f);
    trial_table(f, s);
}

/* Several studies: a list linking to each, with its trial count and best value. */
static void study_index(FILE *f, const ws_summary *const *s, size_t n)
{
    fputs("<nav class=\"studies\"><h2>Studies in this report</h2><ol>", f);
    for (size_t k = 0; k < n; k++) {
        fprintf(f, "<li><a href=\"#study-%zu\">", k + 1);
        text(f, s[k]->study);
        fprintf(f, "</a>: %zu trial%s, best ", s[k]->trials->n, ws_plural(s[k]->trials->n));
        if (s[k]->best) fprintf(f, "%.6g (trial %d)", s[k]->best->value, s[k]->best->number);
        else fputs("\xe2\x80\x93", f);
        fputs("</li>", f);
    }
    fputs("</ol></nav>\n", f);
}

int ws_report_html_studies(FILE *f, const ws_summary *const *s, size_t n, const char *source)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
          "<meta name=\"generator\" content=\"wakesweep report " WS_VERSION "\"><title>", f);
    for (size_t k = 0; k < n; k++) {
        if (k) fputs(", ", f);
        text(f, s[k]->study);
    }
    fprintf(f, " \xe2\x80\x94 wakesweep report</title>\n<style>\n%s</style></head>\n<body>\n", style);
    ws_svg_defs(f);
    fputs("<main>\n", f);
    if (n > 1) study_index(f, s, n);
    for (size_t k = 0; k < n; k++) {
        char prefix[32] = "";
        if (k) snprintf(prefix, sizeof prefix, "s%zu-", k + 1);
        ws_html_set_id_prefix(prefix);
        if (n > 1) fprintf(f, "<section class=\"study\" id=\"study-%zu\">\n", k + 1);
        study_body(f, s[k]);
        if (n > 1) fputs("</section>\n", f);
    }
    ws_html_set_id_prefix("");
    fputs("<footer>wakesweep report " WS_VERSION, f);
    if (source) { fputs(" \xc2\xb7 ", f); text(f, source); }
    fputs("</footer>\n</main>\n</body></html>\n", f);
    return fflush(f) || ferror(f) ? -1 : 0;
}

int ws_report_html(FILE *f, const ws_summary *s, const char *source) { return ws_report_html_studies(f, &s, 1, source); }
