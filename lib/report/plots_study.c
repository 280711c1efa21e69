/* plots_study.c — the plots of what the search found: optimization history, learning curves,
 * parallel coordinates and parameter importance (see html.h). Each plot is one SVG whose
 * viewBox width matches the width it is shown at, so 12 px text stays 12 px. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "report/analysis.h"
#include "report/html.h"
#include "report/svg.h"
#include "space/config.h"

#define HALF_W 570.0
#define WIDE_W 1160.0

char *ws_param_text(const ws_param *p)
{
    json_t *v = ws_dist_external(&p->dist, p->internal);
    char *out;
    if (json_is_real(v)) {
        char buf[32];
        double x = json_real_value(v);
        /* an infinite choice Optuna wrote (Python's Infinity) is held as its stand-in, the
         * largest double: it reads inf, as an infinite value does */
        if (p->dist.text && fabs(x) == DBL_MAX) x = copysign(INFINITY, x);
        snprintf(buf, sizeof buf, "%.4g", x);
        /* a categorical's 1.0 is a choice apart from its 1 (Optuna keeps both): it reads 1.0 */
        if (p->dist.kind == WS_DIST_CATEGORICAL && !strpbrk(buf, ".eEni")) strcat(buf, ".0");
        out = strdup(buf);
    } else if (json_is_string(v)) out = strdup(json_string_value(v));
    else out = v ? ws_json_dump(v, 0) : strdup("?");
    json_decref(v);
    return out;
}

void ws_trial_tip(const ws_trial *t, char *buf, size_t n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);   /* the whole tip, then cut to fit */
    if (m) {
        fprintf(m, "trial %d (%s)", t->number, ws_state_name(t->state));
        if (t->has_value) fprintf(m, ": %.6g", t->value);
        for (size_t k = 0; k < t->n_params; k++) {
            char *x = ws_param_text(&t->params[k]);
            fprintf(m, "%s%s=%s", k ? ", " : "; ", t->params[k].name, x ? x : "?");
            free(x);
        }
        fclose(m);
    }
    ws_text_copy(buf, n, text ? text : "");
    free(text);
}

static const char *objective_name(const ws_summary *s)
{
    const ws_config *c = s->an ? s->an->cfg : NULL;
    return c && c->objective ? c->objective : "value";
}

static int better(const ws_summary *s, double a, double b)
{
    return s->direction == WS_MAXIMIZE ? a > b : a < b;
}

/* ---- optimization history ------------------------------------------------------------------ */

void ws_plot_history(FILE *f, const ws_summary *s)
{
    const double W = HALF_W, H = 330, ML = 64, MR = 16, MT = 40, MB = 50;
    const ws_trial_list *l = s->trials;
    ws_svg_open(f, "history", "Optimization history",
                "Objective value of every finished trial by trial number; the line is the best value so far among "
                "feasible complete trials.", W, H);
    double lo = INFINITY, hi = -INFINITY;
    int max_number = 0, n_valued = 0;
    size_t n_infeasible = 0, n_pruned = 0, n_fail = 0, n_running = 0, n_unplotted = 0;
    for (size_t i = 0; i < l->n; i++) {
        const ws_trial *t = &l->v[i];
        if (t->number > max_number) max_number = t->number;
        if (t->state == WS_FAIL) n_fail++;
        if (t->state == WS_RUNNING || t->state == WS_WAITING) n_running++;
        if (!(t->state == WS_COMPLETE || t->state == WS_PRUNED) || !t->has_value) continue;
        if (!isfinite(t->value)) { n_unplotted++; continue; }
        lo = fmin(lo, t->value);
        hi = fmax(hi, t->value);
        n_valued++;
        n_pruned += t->state == WS_PRUNED;
        n_infeasible += t->state == WS_COMPLETE && !ws_trial_feasible(s, t);
    }
    if (!l->n || !n_valued) {
        /* trials whose values are all infinite or NaN (Optuna stores both) have values, just none
         * to draw: the best trial's card may show one (inf) */
        char msg[120];
        if (n_unplotted)
            snprintf(msg, sizeof msg, "no finite value to draw: %zu finished trial%s an infinite or NaN value",
                     n_unplotted, n_unplotted == 1 ? " has" : "s have");
        ws_svg_message(f, W, H, n_unplotted ? msg : l->n ? "no trial has a value yet" : "no trials yet");
        ws_svg_close(f);
        return;
    }
    ws_pad_domain(&lo, &hi, 0.06, 0);
    ws_scale x, y;
    ws_scale_init(&x, -0.5, max_number + 0.5, ML, W - MR, 0);
    ws_scale_init(&y, lo, hi, H - MB, MT, 0);
    ws_svg_axis_y(f, &y, ML, W - MR, 5, NULL, objective_name(s));
    ws_svg_axis_x(f, &x, H - MB, MT, 8, ws_fmt_int_tick, "trial");

    /* best so far: a step line over the feasible complete trials, by number. An infinite value
     * counts (the summary's best may be one) but cannot be drawn: once the best so far is
     * infinite the line ends there, as Optuna's does, instead of showing later finite values
     * as improvements on it. */
    int started = 0, have = 0;
    double best = NAN, end_x = ws_scale_map(&x, max_number + 0.5);
    fprintf(f, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"", WS_C_BEST);
    for (size_t i = 0; i < l->n; i++) {
        const ws_trial *t = &l->v[i];
        if (t->state != WS_COMPLETE || !t->has_value || isnan(t->value) || !ws_trial_feasible(s, t)) continue;
        if (have && !better(s, t->value, best)) continue;
        double px = ws_scale_map(&x, t->number);
        best = t->value;
        have = 1;
        if (!isfinite(best)) {
            if (started) { end_x = px; break; }
            continue;   /* -inf while maximizing: any later value is better and starts the line */
        }
        if (!started) fprintf(f, "M%.1f %.1f", px, ws_scale_map(&y, t->value));
        else fprintf(f, "H%.1fV%.1f", px, ws_scale_map(&y, t->value));
        started = 1;
    }
    if (started) fprintf(f, "H%.1f", end_x);
    fputs("\"/>\n", f);

    double r = l->n > 200 ? 2.5 : 3.5, base = H - MB - 5;
    char tip[512];
    for (size_t i = 0; i < l->n; i++) {
        const ws_trial *t = &l->v[i];
        double px = ws_scale_map(&x, t->number);
        ws_trial_tip(t, tip, sizeof tip);
        int valued = t->has_value && isfinite(t->value);
        if (t->state == WS_COMPLETE && valued)
            ws_svg_mark(f, ws_trial_feasible(s, t) ? WS_MARK_DOT : WS_MARK_RING, px, ws_scale_map(&y, t->value), r,
                        WS_C_COMPLETE, tip);
        else if (t->state == WS_PRUNED && valued)
            ws_svg_mark(f, WS_MARK_TRIANGLE, px, ws_scale_map(&y, t->value), r, WS_C_PRUNED, tip);
        else if (t->state == WS_FAIL) ws_svg_mark(f, WS_MARK_CROSS, px, base, r * 0.8, WS_C_FAIL, tip);
        else if (t->state == WS_RUNNING || t->state == WS_WAITING)
            ws_svg_mark(f, WS_MARK_DIAMOND, px, base, r * 0.9, ws_state_color(t->state), tip);
    }
    if (s->best && s->best->has_value && isfinite(s->best->value))
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n",
                ws_scale_map(&x, s->best->number), ws_scale_map(&y, s->best->value), r + 3.5, WS_C_BEST);
    ws_legend_item items[6];
    size_t n = 0;
    items[n++] = (ws_legend_item){WS_MARK_DOT, WS_C_COMPLETE, "complete"};
    if (n_infeasible) items[n++] = (ws_legend_item){WS_MARK_RING, WS_C_COMPLETE, "infeasible"};
    if (n_pruned) items[n++] = (ws_legend_item){WS_MARK_TRIANGLE, WS_C_PRUNED, "pruned"};
    if (n_fail) items[n++] = (ws_legend_item){WS_MARK_CROSS, WS_C_FAIL, "failed"};
    if (n_running) items[n++] = (ws_legend_item){WS_MARK_DIAMOND, WS_C_RUNNING, "running"};
    if (started) items[n++] = (ws_legend_item){WS_MARK_LINE, WS_C_BEST, "best so far"};   /* none feasible: no line */
    ws_svg_legend(f, W - MR, 18, items, n, 1);
    ws_svg_close(f);
}

/* ---- learning curves ----------------------------------------------------------------------- */

static void curve(FILE *f, const ws_trial *t, const ws_scale *x, const ws_scale *y, const char *color, double width,
                  double opacity)
{
    char tip[512];
    ws_trial_tip(t, tip, sizeof tip);
    size_t n = 0;
    for (size_t k = 0; k < t->n_ivs; k++) n += isfinite(t->ivs[k].value);
    if (n == 1) {   /* one point: a dot */
        for (size_t k = 0; k < t->n_ivs; k++)
            if (isfinite(t->ivs[k].value)) ws_svg_mark(f, WS_MARK_DOT, ws_scale_map(x, t->ivs[k].step), ws_scale_map(y, t->ivs[k].value), 2, color, tip);
        return;
    }
    if (!n) return;
    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" stroke-opacity=\"%.2f\" points=\"", color, width,
            opacity);
    for (size_t k = 0; k < t->n_ivs; k++)
        if (isfinite(t->ivs[k].value))
            fprintf(f, "%s%.1f,%.1f", k ? " " : "", ws_scale_map(x, t->ivs[k].step), ws_scale_map(y, t->ivs[k].value));
    fputs("\"><title>", f);
    ws_html_text(f, tip);
    fputs("</title></polyline>\n", f);
}

/* The last finite intermediate value of t: its index, or -1. */
static long last_finite(const ws_trial *t)
{
    for (size_t k = t->n_ivs; k-- > 0;) if (isfinite(t->ivs[k].value)) return (long)k;
    return -1;
}

/* Steps of `per` an epoch are ticked at the ends of epochs (every epoch, or every 2nd, 5th,
 * ... so that at most 8 show), the steps at which every trial validates: ticked 5, 10, 15 (the
 * nice numbers of a plain axis) they named no epoch's end. Returns how many; 0 (a plain axis)
 * for a step of an epoch or a span with fewer than 2 epochs' ends in it. */
static size_t epoch_ticks(int per, double s0, double s1, double *out, size_t max, double *step)
{
    if (per <= 1) return 0;
    double k0 = ceil(s0 / per), k1 = floor(s1 / per), every = 1;
    if (!(k1 - k0 >= 1)) return 0;
    static const double nice[] = {1, 2, 5};
    for (double mag = 1; (k1 - k0) / every + 1 > 8; mag *= 10)
        for (size_t i = 0; i < 3 && (k1 - k0) / every + 1 > 8; i++) every = nice[i] * mag;
    size_t n = 0;
    for (double k = ceil(k0 / every) * every; k <= k1 && n < max; k += every) out[n++] = k * per;
    *step = every * per;
    return n;
}

void ws_plot_curves(FILE *f, const ws_summary *s)
{
    const double W = HALF_W, H = 330, ML = 64, MR = 16, MT = 40, MB = 50;
    const ws_trial_list *l = s->trials;
    /* a step is an epoch, or a part of one under budget.validations_per_epoch */
    char desc[480], xlabel[48], first[32];
    int per = s->steps_per_epoch;
    if (per == 1) snprintf(xlabel, sizeof xlabel, "step (epoch)");
    else snprintf(xlabel, sizeof xlabel, "step (1/%d epoch)", per);
    /* budget.fine_epochs: the later epochs validate once, at their end; budget.fine_steps: the
     * fine epochs only at those steps and their ends */
    char steps[160];
    ws_summary_fine_epochs_text(s, first, sizeof first);
    ws_summary_fine_steps_text(s, steps, sizeof steps);
    if (*steps)
        snprintf(desc, sizeof desc, "Intermediate values (at %s) of every trial; pruned trials end with a cross where "
                 "they stopped, a diamond marks where a complete trial's value came from.", steps);
    else
        snprintf(desc, sizeof desc, "Intermediate values (%d per epoch%s%s%s) of every trial; pruned trials end with a "
                 "cross where they stopped, a diamond marks where a complete trial's value came from.", per,
                 *first ? " in " : "", first, *first ? ", then 1" : "");
    ws_svg_open(f, "curves", "Learning curves", desc, W, H);
    double lo = INFINITY, hi = -INFINITY, s0 = INFINITY, s1 = -INFINITY;
    size_t n_curves = 0, n_state[5] = {0}, n_ivs = 0;
    for (size_t i = 0; i < l->n; i++) {
        const ws_trial *t = &l->v[i];
        int any = 0;
        n_ivs += t->n_ivs;
        for (size_t k = 0; k < t->n_ivs; k++) {
            if (!isfinite(t->ivs[k].value)) continue;
            lo = fmin(lo, t->ivs[k].value);
            hi = fmax(hi, t->ivs[k].value);
            s0 = fmin(s0, t->ivs[k].step);
            s1 = fmax(s1, t->ivs[k].step);
            any = 1;
        }
        n_curves += any;
        if (any) s1 = fmax(s1, ws_trial_last_step(t));   /* where it stopped, also on a NaN or infinite value */
        if (any && (unsigned)t->state < 5) n_state[t->state]++;
    }
    if (!n_curves) {   /* reported ones that are all NaN or infinite are reported all the same */
        char msg[120];
        snprintf(msg, sizeof msg, "no finite intermediate value to draw: the %zu reported %s NaN or infinite", n_ivs,
                 n_ivs == 1 ? "is" : "are");
        ws_svg_message(f, W, H, n_ivs ? msg : "no intermediate values reported");
        ws_svg_close(f);
        return;
    }
    ws_pad_domain(&lo, &hi, 0.05, 0);
    if (s1 - s0 < 1) { s0 -= 0.5; s1 += 0.5; }
    /* the first and last steps inside the plot: the points of the first step (and the crosses
     * of trials pruned there, most of a successive-halving study's) lay on the y axis */
    double pad = 0.025 * (s1 - s0);
    ws_scale x, y;
    ws_scale_init(&x, s0 - pad, s1 + pad, ML, W - MR, 0);
    ws_scale_init(&y, lo, hi, H - MB, MT, 0);
    ws_svg_axis_y(f, &y, ML, W - MR, 5, NULL, objective_name(s));
    double ticks[64], tick_step;
    size_t n_ticks = epoch_ticks(per, s0, s1, ticks, 64, &tick_step);
    if (n_ticks) ws_svg_axis_x_at(f, &x, H - MB, MT, ticks, n_ticks, tick_step, ws_fmt_int_tick, xlabel);
    else ws_svg_axis_x(f, &x, H - MB, MT, 8, ws_fmt_int_tick, xlabel);
    double op = n_curves > 150 ? 0.3 : n_curves > 40 ? 0.5 : 0.75;
    /* failed and running first, then pruned, then complete, the best last: the best stays on top */
    static const ws_state order[] = {WS_FAIL, WS_WAITING, WS_RUNNING, WS_PRUNED, WS_COMPLETE};
    for (size_t o = 0; o < 5; o++)
        for (size_t i = 0; i < l->n; i++) {
            const ws_trial *t = &l->v[i];
            if (t->state != order[o] || t == s->best) continue;
            curve(f, t, &x, &y, ws_state_color(t->state), 1.2, op);
        }
    if (s->best) curve(f, s->best, &x, &y, WS_C_BEST, 2.5, 1);
    /* where each complete trial's value came from: its best validation, which the curve may end
     * below (early stopping); the best trial's last, on top */
    size_t n_value_points = 0;
    for (size_t i = 0; i <= l->n; i++) {
        const ws_trial *t = i < l->n ? &l->v[i] : s->best;
        if (!t || (i < l->n && t == s->best)) continue;
        long k = ws_trial_value_iv(t);   /* the JSON's value_step: ivs[k].step */
        if (k < 0) continue;
        char tip[600], head[512];
        ws_trial_tip(t, head, sizeof head);
        snprintf(tip, sizeof tip, "trial %d: value %.6g from step %ld\n%s", t->number, t->value, t->ivs[k].step, head);
        ws_svg_mark(f, WS_MARK_DIAMOND, ws_scale_map(&x, t->ivs[k].step), ws_scale_map(&y, t->value),
                    t == s->best ? 4.5 : 3.2, t == s->best ? WS_C_BEST : WS_C_COMPLETE, tip);
        n_value_points++;
    }
    for (size_t i = 0; i < l->n; i++) {   /* where pruned trials stopped, where running ones are */
        const ws_trial *t = &l->v[i];
        long k = last_finite(t);
        if (k < 0 || (t->state != WS_PRUNED && t->state != WS_RUNNING)) continue;
        /* at its last step, as the JSON's intermediate_values[-1] says, also when that value
         * cannot be drawn: an infinite one at the plot's edge, a NaN at the last finite height */
        double v = t->ivs[t->n_ivs - 1].value;
        double py = isinf(v) ? ws_scale_map(&y, v > 0 ? y.d1 : y.d0) : ws_scale_map(&y, isnan(v) ? t->ivs[k].value : v);
        char tip[512];
        ws_trial_tip(t, tip, sizeof tip);
        ws_svg_mark(f, t->state == WS_PRUNED ? WS_MARK_CROSS : WS_MARK_RING, ws_scale_map(&x, ws_trial_last_step(t)), py,
                    3.2, ws_state_color(t->state), tip);
    }
    ws_legend_item items[6];
    size_t n = 0;
    if (n_state[WS_COMPLETE]) items[n++] = (ws_legend_item){WS_MARK_LINE, WS_C_COMPLETE, "complete"};
    if (n_value_points) items[n++] = (ws_legend_item){WS_MARK_DIAMOND, WS_C_COMPLETE, "value from here"};
    if (n_state[WS_PRUNED]) items[n++] = (ws_legend_item){WS_MARK_CROSS, WS_C_PRUNED, "pruned here"};
    if (n_state[WS_FAIL]) items[n++] = (ws_legend_item){WS_MARK_LINE, WS_C_FAIL, "failed"};
    if (n_state[WS_RUNNING]) items[n++] = (ws_legend_item){WS_MARK_RING, WS_C_RUNNING, "running"};
    if (s->best) items[n++] = (ws_legend_item){WS_MARK_LINE, WS_C_BEST, "best trial"};
    ws_svg_legend(f, W - MR, 18, items, n, 1);
    ws_svg_close(f);
}

/* ---- parallel coordinates ------------------------------------------------------------------ */

typedef struct {
    const ws_importance_param *p;   /* NULL: the objective axis */
    ws_scale y;
    double x;
    int has_absent;
} pc_axis;

/* The place (0..k-1) of choice c on a categorical axis: choice order, except that numeric
 * choices go up in value, as on Optuna's parallel-coordinate plot (batch sizes [128, 32, 64]
 * read 32, 64, 128 from the bottom, so lines between axes follow the numbers). */
static size_t choice_place(const ws_dist *d, size_t c)
{
    size_t k = ws_dist_n_choices(d), place = 0;
    for (size_t j = 0; j < k; j++)
        if (!json_is_number(json_array_get(d->choices, j))) return c;
    double v = json_number_value(json_array_get(d->choices, c));
    for (size_t j = 0; j < k; j++) {
        double w = json_number_value(json_array_get(d->choices, j));
        place += w < v || (w == v && j < c);
    }
    return place;
}

static double axis_y(const pc_axis *a, const ws_trial *t, double y_na)
{
    if (!a->p) return ws_scale_map(&a->y, t->value);
    double v = ws_param_value_under(t, a->p->name, &a->p->dist);
    if (isnan(v)) return y_na;
    if (a->p->dist.kind == WS_DIST_CATEGORICAL) {
        size_t k = ws_dist_n_choices(&a->p->dist);
        return ws_scale_map(&a->y, ((double)choice_place(&a->p->dist, (size_t)v) + 0.5) / (double)k);
    }
    return ws_scale_map(&a->y, v);
}

static void axis_name(FILE *f, double x, double y, const char *name, double room)
{
    char buf[160];
    ws_fit_text(buf, sizeof buf, name, room, 12);
    if (!strcmp(buf, name)) { ws_svg_text(f, x, y, "middle", "label", buf); return; }
    /* cut to its room (with 40 parameters every name reads "p…"): the whole name on hover, or no
     * axis could be told from another */
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"label\"><title>", x, y);
    ws_html_text(f, name);
    fputs("</title>", f);
    ws_html_text(f, buf);
    fputs("</text>\n", f);
}

/* An axis's name as drawn: the parameter's, " (log)" on a log axis; the objective's. */
static void axis_label(const ws_summary *s, const pc_axis *a, char *buf, size_t n)
{
    ws_text_printf(buf, n, "%s%s", a->p ? a->p->name : objective_name(s), a->p && a->y.log ? " (log)" : "");
}

static void categorical_ticks(FILE *f, const pc_axis *a)
{
    size_t k = ws_dist_n_choices(&a->p->dist);
    size_t every = k > 12 ? (k + 11) / 12 : 1;
    for (size_t place = 0; place < k; place += every) {
        double py = ws_scale_map(&a->y, (place + 0.5) / (double)k);
        size_t c = 0;
        while (c + 1 < k && choice_place(&a->p->dist, c) != place) c++;
        /* as the tooltips and the text form show the choice: an infinite one Optuna wrote reads
         * inf, not its stand-in (the largest double, "1.797693134...") */
        ws_param choice = {.dist = a->p->dist, .internal = (double)c};
        char *txt = ws_param_text(&choice);
        char buf[96];
        ws_fit_text(buf, sizeof buf, txt ? txt : "?", 80, 10.5);
        free(txt);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", a->x - 4, py, a->x, py);
        ws_svg_text(f, a->x - 7, py + 4, "end", "small halo", buf);
    }
}

/* A parameter searched on a few steps (channels 32..64 step 16, dropout 0..0.3 step 0.1) takes
 * only the values low, low + step, ... high: ticked as a continuous range its labels read 35,
 * 40, ... 60, none of them a value a trial can have, and 32, 48, 64 went unlabelled. Such an
 * axis is ticked at those values (Optuna keeps high on the grid); with more than STEP_TICKS_MAX
 * of them (or on a log axis) the labels would crowd, and the axis is ticked as a continuous one. Returns how many, 0
 * when the axis is not such a one. */
#define STEP_TICKS_MAX 11
static size_t step_ticks(const ws_dist *d, double *out, double *step)
{
    double st = (d->kind == WS_DIST_FLOAT || d->kind == WS_DIST_INT) && !d->log ? d->step : 0;
    if (!(st > 0)) return 0;
    double k_max = floor((d->high - d->low) / st + 1e-9);
    if (!(k_max >= 1) || k_max > STEP_TICKS_MAX - 1) return 0;
    for (size_t k = 0; k <= (size_t)k_max; k++) out[k] = d->low + (double)k * st;
    *step = st;
    return (size_t)k_max + 1;
}

static void numeric_ticks(FILE *f, const pc_axis *a, int right)
{
    double ticks[32], step;
    size_t n = a->p ? step_ticks(&a->p->dist, ticks, &step) : 0;
    if (!n) n = ws_ticks(fmin(a->y.d0, a->y.d1), fmax(a->y.d0, a->y.d1), a->y.log, 5, ticks, 32, &step);
    for (size_t i = 0; i < n; i++) {
        char lab[40];
        if (!a->p || a->p->dist.kind != WS_DIST_INT) ws_fmt_tick(ticks[i], step, lab, sizeof lab);
        else ws_fmt_int_tick(ticks[i], step, lab, sizeof lab);
        if (!lab[0]) continue;
        double py = ws_scale_map(&a->y, ticks[i]);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", a->x + (right ? 0 : -4), py,
                a->x + (right ? 4 : 0), py);
        ws_svg_text(f, a->x + (right ? 7 : -7), py + 4, right ? "start" : "end", "small halo", lab);
    }
}

/* goodness in [0, 1] of a value (1: the best) */
static double goodness(const ws_summary *s, double v, double lo, double hi)
{
    if (!(hi > lo)) return 1;
    double g = (v - lo) / (hi - lo);
    return s->direction == WS_MAXIMIZE ? g : 1 - g;
}

static const ws_summary *pc_ctx;

static int cmp_good(const void *pa, const void *pb)   /* worst first, so the best are drawn on top */
{
    const ws_trial *a = *(const ws_trial *const *)pa, *b = *(const ws_trial *const *)pb;
    int fa = ws_trial_feasible(pc_ctx, a), fb = ws_trial_feasible(pc_ctx, b);
    if (fa != fb) return fa - fb;
    if (a->value == b->value) return a->number - b->number;
    return better(pc_ctx, a->value, b->value) ? 1 : -1;
}

/* The colour scale beside the objective axis a, for values in [lo, hi]. */
static void color_bar(FILE *f, const ws_summary *s, const pc_axis *a, double lo, double hi)
{
    char col[8];
    double cx = a->x + 62, y_hi = ws_scale_map(&a->y, hi), y_lo = ws_scale_map(&a->y, lo);
    fprintf(f, "<defs><linearGradient id=\"%sparallel-ramp\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">", ws_html_id());
    for (int k = 0; k <= 4; k++) {   /* from the bottom (lo) up */
        ws_color_ramp(goodness(s, lo + (hi - lo) * k / 4.0, lo, hi), col);
        fprintf(f, "<stop offset=\"%.2f\" stop-color=\"%s\"/>", k / 4.0, col);
    }
    fputs("</linearGradient></defs>\n", f);
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"%.1f\" fill=\"url(#%sparallel-ramp)\" stroke=\"#ccc\"/>\n", cx,
            y_hi, y_lo - y_hi, ws_html_id());
    ws_svg_text(f, cx + 16, (s->direction == WS_MAXIMIZE ? y_hi : y_lo) + 4, "start", "small", "better");
}

void ws_plot_parallel(FILE *f, const ws_summary *s)
{
    const double W = WIDE_W, H = 420, ML = 80, MR = 150, MT = 70, MB = 44;
    const ws_importance *imp = &s->an->imp;
    ws_svg_open(f, "parallel", "Parallel coordinates",
                "Each complete trial is a line through its value of every searched parameter and its objective value; "
                "darker lines are better, the best trial is highlighted.", W, H);
    size_t n_axes = 0;
    pc_axis *ax = calloc(imp->n + 1, sizeof *ax);
    const ws_trial **tr = calloc(s->trials->n + 1, sizeof *tr);
    size_t n_tr = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < s->trials->n; i++) {
        const ws_trial *t = &s->trials->v[i];
        if (t->state != WS_COMPLETE || !t->has_value || !isfinite(t->value)) continue;
        if (tr) tr[n_tr++] = t;
        lo = fmin(lo, t->value);
        hi = fmax(hi, t->value);
    }
    for (size_t j = 0; ax && j < imp->n; j++)
        if (imp->v[j].searched) ax[n_axes++].p = &imp->v[j];
    if (!ax || !tr || !n_axes || !n_tr) {
        /* complete trials whose values are all infinite or NaN are there, just not drawable */
        ws_svg_message(f, W, H, !n_axes ? "no searched parameters"
                                : s->n_state[WS_COMPLETE] ? "no complete trial with a finite value to draw"
                                                          : "no complete trial yet");
        goto out;
    }
    ax[n_axes++].p = NULL;   /* the objective */
    double y0 = H - MB, y1 = MT, y_na = H - MB + 22, gap = (W - ML - MR) / (double)(n_axes - 1);
    double vlo = lo, vhi = hi;
    ws_pad_domain(&vlo, &vhi, 0.03, 0);
    for (size_t a = 0; a < n_axes; a++) {
        ax[a].x = ML + gap * (double)a;
        const ws_importance_param *p = ax[a].p;
        if (!p) ws_scale_init(&ax[a].y, vlo, vhi, y0, y1, 0);
        else if (p->dist.kind == WS_DIST_CATEGORICAL) ws_scale_init(&ax[a].y, 0, 1, y0, y1, 0);
        else {   /* the search range and every value drawn: one fixed or queued past a bound too */
            double dlo = p->dist.low, dhi = p->dist.high;
            for (size_t i = 0; i < n_tr; i++) {
                double v = ws_param_value_under(tr[i], p->name, &p->dist);
                if (!isfinite(v)) continue;
                dlo = fmin(dlo, v);
                dhi = fmax(dhi, v);
            }
            ws_scale_init(&ax[a].y, dlo, dhi, y0, y1, p->dist.log);   /* linear when a value is <= 0 */
        }
        for (size_t i = 0; p && i < n_tr && !ax[a].has_absent; i++) ax[a].has_absent = !ws_trial_param(tr[i], p->name);
    }
    pc_ctx = s;
    qsort(tr, n_tr, sizeof *tr, cmp_good);
    pc_ctx = NULL;
    double op = n_tr > 200 ? 0.35 : n_tr > 60 ? 0.55 : 0.8;
    char tip[512], col[8];
    for (size_t i = 0; i < n_tr; i++) {
        const ws_trial *t = tr[i];
        int feasible = ws_trial_feasible(s, t), is_best = t == s->best;
        if (is_best) continue;
        ws_color_ramp(goodness(s, t->value, lo, hi), col);
        ws_trial_tip(t, tip, sizeof tip);
        fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.3\" stroke-opacity=\"%.2f\"%s points=\"",
                feasible ? col : "#aaaaaa", op, feasible ? "" : " stroke-dasharray=\"4 3\"");
        for (size_t a = 0; a < n_axes; a++) fprintf(f, "%s%.1f,%.1f", a ? " " : "", ax[a].x, axis_y(&ax[a], t, y_na));
        fputs("\"><title>", f);
        ws_html_text(f, tip);
        fputs("</title></polyline>\n", f);
    }
    if (s->best && s->best->state == WS_COMPLETE && s->best->has_value && isfinite(s->best->value)) {
        ws_trial_tip(s->best, tip, sizeof tip);
        fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"3\" points=\"", WS_C_BEST);
        for (size_t a = 0; a < n_axes; a++) fprintf(f, "%s%.1f,%.1f", a ? " " : "", ax[a].x, axis_y(&ax[a], s->best, y_na));
        fputs("\"><title>best: ", f);
        ws_html_text(f, tip);
        fputs("</title></polyline>\n", f);
    }
    /* names that do not fit side by side take two rows, alternately, each with twice the room:
     * 9 axes 116 px apart cut the staged sweep's time_mask_width to "time_mask_wid…" */
    int two_rows = 0;
    for (size_t a = 0; a < n_axes; a++) {
        char label[128];
        axis_label(s, &ax[a], label, sizeof label);
        two_rows |= ws_text_width(label, 12) > (a + 1 == n_axes ? MR + gap / 2 - 10 : gap - 8);
    }
    /* axes on top of the lines */
    fputs("<g class=\"axis\">\n", f);
    for (size_t a = 0; a < n_axes; a++) {
        const pc_axis *x = &ax[a];
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke-width=\"1.5\"/>\n", x->x, y0, x->x, y1);
        char label[128];
        axis_label(s, x, label, sizeof label);
        /* on two rows a name reaches halfway to the next one on its row, 2 axes away; the first,
         * centred on its axis, no further left than the plot's edge; the objective's, the last,
         * has the right margin */
        double room = a + 1 == n_axes ? MR + gap / 2 - 10 : (two_rows ? 2 * gap : gap) - 8;
        if (a == 0 && a + 1 < n_axes) room = fmin(room, 2 * ML - 8);
        axis_name(f, x->x, MT - (two_rows && a % 2 ? 30 : 16), label, room);
        if (!x->p) numeric_ticks(f, x, 1);
        else if (x->p->dist.kind == WS_DIST_CATEGORICAL) categorical_ticks(f, x);
        else numeric_ticks(f, x, 0);
        if (x->has_absent) ws_svg_text(f, x->x, y_na + 4, "middle", "small halo", "n/a");
    }
    fputs("</g>\n", f);
    if (hi > lo) color_bar(f, s, &ax[n_axes - 1], lo, hi);
    size_t n_infeasible = 0;
    for (size_t i = 0; i < n_tr; i++) n_infeasible += !ws_trial_feasible(s, tr[i]);
    /* the best trial's line only where one is drawn (none when no complete trial is feasible) */
    int best_drawn = s->best && s->best->state == WS_COMPLETE && s->best->has_value && isfinite(s->best->value);
    ws_legend_item items[2], *it = items;
    if (best_drawn) *it++ = (ws_legend_item){WS_MARK_LINE, WS_C_BEST, "best trial"};
    if (n_infeasible) *it++ = (ws_legend_item){WS_MARK_DASH, "#aaaaaa", "infeasible"};
    ws_svg_legend(f, W - 16, 18, items, (size_t)(it - items), 1);
out:
    free(ax);
    free(tr);
    ws_svg_close(f);
}

/* ---- importance ---------------------------------------------------------------------------- */

static const ws_importance *imp_ctx;

static int cmp_imp(const void *pa, const void *pb)
{
    const ws_importance_param *a = &imp_ctx->v[*(const size_t *)pa], *b = &imp_ctx->v[*(const size_t *)pb];
    if (a->importance != b->importance) return a->importance > b->importance ? -1 : 1;
    return (int)*(const size_t *)pa - (int)*(const size_t *)pb;
}

static void fmt_share(double v, double step, char *buf, size_t n) { ws_fmt_percent_tick(100 * v, 100 * step, buf, n); }

void ws_plot_importance(FILE *f, const ws_summary *s)
{
    const ws_importance *imp = &s->an->imp;
    size_t *idx = calloc(imp->n + 1, sizeof *idx), n = 0;
    for (size_t j = 0; idx && j < imp->n; j++) if (imp->v[j].searched) idx[n++] = j;
    const double W = HALF_W, row = 26, MT = 36, MB = 44;
    double H = fmax(200, MT + row * (double)n + MB);
    ws_svg_open(f, "importance", "Parameter importance (PED-ANOVA)",
                "How much each searched parameter decided whether a trial reached the top quantile: the Pearson "
                "divergence between its distribution in the top trials and in all trials, normalised to sum to 1.", W, H);
    if (!imp->computed || !n) {
        char msg[200];
        ws_text_copy(msg, sizeof msg, !n ? "no searched parameters" : imp->note);
        ws_svg_message(f, W, H, msg);
        free(idx);
        ws_svg_close(f);
        return;
    }
    imp_ctx = imp;
    qsort(idx, n, sizeof *idx, cmp_imp);
    imp_ctx = NULL;
    double label_w = 0;
    for (size_t k = 0; k < n; k++) label_w = fmax(label_w, ws_text_width(imp->v[idx[k]].name, 12));
    label_w = fmin(label_w, 180) + 16;
    double x0 = label_w, bar_max = W - x0 - 70;
    ws_scale x;
    ws_scale_init(&x, 0, 1, x0, x0 + bar_max, 0);
    ws_svg_axis_x(f, &x, MT + row * (double)n + 4, MT - 6, 5, fmt_share, NULL);
    for (size_t k = 0; k < n; k++) {
        const ws_importance_param *p = &imp->v[idx[k]];
        double y = MT + row * (double)k, w = fmax(1, p->importance * bar_max);
        char pct[32], tip[256], name[96];
        snprintf(pct, sizeof pct, "%.1f%%", 100 * p->importance);
        ws_text_printf(tip, sizeof tip, "%s: %.1f%% (Pearson divergence %.4g over %zu trial%s)", p->name, 100 * p->importance,
                       p->divergence, p->n, ws_plural(p->n));
        ws_fit_text(name, sizeof name, p->name, label_w - 16, 12);
        ws_svg_text(f, x0 - 8, y + row / 2 + 4, "end", NULL, name);
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"2\" fill=\"%s\"><title>", x0, y + 4, w,
                row - 8, WS_C_COMPLETE);
        ws_html_text(f, tip);
        fputs("</title></rect>\n", f);
        ws_svg_text(f, x0 + w + 6, y + row / 2 + 4, "start", NULL, pct);
    }
    char foot[160];
    snprintf(foot, sizeof foot, "top %zu of %zu finite complete trial%s vs all", imp->n_top, imp->n_trials, ws_plural(imp->n_trials));
    ws_svg_text(f, W - 16, 18, "end", "small", foot);
    free(idx);
    ws_svg_close(f);
}
