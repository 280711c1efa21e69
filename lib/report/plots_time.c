/* plots_time.c — the plots of where the time went: the timeline of trials on their parallel
 * slots, the capacity breakdown, each trial's time, and utilization over time (see html.h).
 * The timeline and the utilization plot share their x axis, so they line up on the page. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report/analysis.h"
#include "report/html.h"
#include "report/svg.h"

#define HALF_W 570.0
#define WIDE_W 1160.0
#define TIME_ML 76.0   /* left margin of the two wide time plots */
#define TIME_MR 20.0

typedef struct {
    double div;          /* seconds per unit */
    const char *unit;
} time_unit;

static time_unit unit_for(double span_s)
{
    if (span_s < 180) return (time_unit){1, "s"};
    if (span_s < 3 * 3600) return (time_unit){60, "min"};
    return (time_unit){3600, "h"};
}

/* The x scale of the wide time plots: seconds since the first start, in `u` units. */
static void time_scale(const ws_analysis *a, ws_scale *x, time_unit *u, char *title, size_t n)
{
    *u = unit_for(a->wall_s);
    double span = a->wall_s > 0 ? a->wall_s / u->div : 1;
    ws_scale_init(x, 0, span, TIME_ML, WIDE_W - TIME_MR, 0);
    snprintf(title, n, "time since the first trial started (%s)", u->unit);
}

/* ---- timeline ------------------------------------------------------------------------------ */

void ws_plot_timeline(FILE *f, const ws_summary *s)
{
    const ws_analysis *a = s->an;
    const ws_trial_list *l = s->trials;
    size_t rows = a->n_slots;
    const double W = WIDE_W, MT = 36, MB = 50, row = rows > 16 ? 14 : 24;
    double H = MT + row * (double)(rows ? rows : 1) + MB;
    ws_svg_open(f, "timeline", "Timeline of trials per parallel slot",
                "Each trial as a bar from its start to its completion on the lowest parallel slot free when it "
                "started; hatched gaps are idle time.", W, H);
    if (!rows) {
        ws_svg_message(f, W, H, "no trial has started yet");
        ws_svg_close(f);
        return;
    }
    ws_scale x;
    time_unit u;
    char title[96];
    time_scale(a, &x, &u, title, sizeof title);
    double bottom = MT + row * (double)rows;
    ws_svg_axis_x(f, &x, bottom + 4, MT - 4, 10, NULL, title);
    size_t label_every = rows > 24 ? (rows + 23) / 24 : 1;
    for (size_t r = 0; r < rows; r++) {
        double y = MT + row * (double)r;
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n", x.r0, y + 2,
                x.r1 - x.r0, row - 4, WS_C_IDLE);
        if (r % label_every == 0) {
            char lab[32];
            snprintf(lab, sizeof lab, "slot %zu", r);
            ws_svg_text(f, TIME_ML - 8, y + row / 2 + 4, "end", NULL, lab);
        }
    }
    size_t n_state[5] = {0};
    char tip[640], dur[32], at[32];
    for (size_t i = 0; i < l->n; i++) {
        const ws_trial *t = &l->v[i];
        const ws_trial_time *tt = &a->tt[i];
        if (tt->slot < 0) continue;
        if ((unsigned)t->state < 5) n_state[t->state]++;
        double x0 = ws_scale_map(&x, (tt->t0 - a->t_begin) / u.div), x1 = ws_scale_map(&x, (tt->t1 - a->t_begin) / u.div);
        double w = fmax(x1 - x0, 1.0), y = MT + row * tt->slot + 3, h = row - 6;
        ws_trial_tip(t, tip, sizeof tip);
        ws_fmt_duration(tt->t1 - tt->t0, dur, sizeof dur);
        ws_fmt_duration(tt->t0 - a->t_begin, at, sizeof at);
        size_t used = strlen(tip);
        snprintf(tip + used, sizeof tip - used, " | %s%s, from +%s, slot %d", dur, tt->open ? " so far" : "", at, tt->slot);
        fprintf(f, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\"%s stroke=\"#fff\" stroke-width=\"0.6\"><title>",
                x0, y, w, h, ws_state_color(t->state), tt->open ? " fill-opacity=\"0.55\"" : "");
        ws_html_text(f, tip);
        fputs("</title></rect>\n", f);
        char num[16];
        snprintf(num, sizeof num, "%d", t->number);
        if (row >= 20 && w > ws_text_width(num, 10) + 6) ws_svg_text(f, x0 + w / 2, y + h / 2 + 3.5, "middle", "bar", num);
    }
    ws_legend_item items[6];
    size_t n = 0;
    static const ws_state st[] = {WS_COMPLETE, WS_PRUNED, WS_FAIL, WS_RUNNING};
    static const char *const names[] = {"complete", "pruned", "failed", "running"};
    for (size_t k = 0; k < 4; k++)
        if (n_state[st[k]]) items[n++] = (ws_legend_item){WS_MARK_RECT, ws_state_color(st[k]), names[k]};
    items[n++] = (ws_legend_item){WS_MARK_RECT, WS_C_IDLE, "idle"};
    ws_svg_legend(f, W - TIME_MR, 18, items, n, 1);
    ws_svg_close(f);
}

/* ---- capacity breakdown -------------------------------------------------------------------- */

typedef struct {
    const char *name, *color;
} part;

enum { N_PARTS = 7 };
static const part parts[N_PARTS] = {{"setup", WS_C_SETUP}, {"train", WS_C_TRAIN}, {"eval", WS_C_EVAL},
                                    {"other", WS_C_OTHER}, {"unmeasured", WS_C_UNMEASURED},
                                    {"grown", WS_C_GROWN}, {"idle", WS_C_IDLE}};

/* grown_s: idle slot-seconds that trials which grew trained on (the whole sweep's row only). */
static void part_values(const ws_slot_time *st, double total_s, double grown_s, double v[N_PARTS])
{
    v[0] = st->setup_s; v[1] = st->train_s; v[2] = st->eval_s; v[3] = st->other_s; v[4] = st->unmeasured_s;
    v[5] = grown_s;
    v[6] = fmax(0, total_s - st->busy_s - grown_s);
}

static void stacked_row(FILE *f, const ws_scale *x, double y, double h, const double v[N_PARTS], double total_s,
                        const char *row_name)
{
    double at = 0;
    for (int k = 0; k < N_PARTS; k++) {
        if (!(v[k] > 0) || !(total_s > 0)) continue;
        double share = v[k] / total_s, x0 = ws_scale_map(x, at), x1 = ws_scale_map(x, at + share);
        char tip[160], dur[32], pct[16];
        ws_fmt_duration(v[k], dur, sizeof dur);
        snprintf(tip, sizeof tip, "%s, %s: %s (%.1f%%)", row_name, parts[k].name, dur, 100 * share);
        fprintf(f, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\"><title>", x0, y, fmax(x1 - x0, 0.5),
                h, parts[k].color);
        ws_html_text(f, tip);
        fputs("</title></rect>\n", f);
        snprintf(pct, sizeof pct, "%.0f%%", 100 * share);
        if (x1 - x0 > ws_text_width(pct, 10.5) + 6)
            ws_svg_text(f, 0.5 * (x0 + x1), y + h / 2 + 4, "middle", k == 1 ? "bar" : "small", pct);
        at += share;
    }
}

static void fmt_share(double v, double step, char *buf, size_t n) { ws_fmt_percent_tick(100 * v, 100 * step, buf, n); }

void ws_plot_breakdown(FILE *f, const ws_summary *s)
{
    const ws_analysis *a = s->an;
    size_t shown = a->n_slots > 1 && a->n_slots <= 24 ? a->n_slots : 0;   /* one or many slots: the total only */
    const double W = HALF_W, MT = 36, MB = 50, row = 26, gap = 10, ML = 84, MR = 16;
    double H = MT + row * (double)(1 + shown) + (shown ? gap : 0) + MB;
    ws_svg_open(f, "breakdown", "Where the time went",
                "The sweep's capacity (parallel slots × wall time) split into setup, training, evaluation, other time "
                "inside trials, unmeasured trials, idle slots' cores that trials which grew trained on, and idle "
                "slots; then each slot.", W, H);
    if (!(a->capacity_s > 0)) {   /* what the text's time line and the JSON's time.note say */
        ws_svg_message(f, W, H, a->time_note);
        ws_svg_close(f);
        return;
    }
    ws_scale x;
    ws_scale_init(&x, 0, 1, ML, W - MR, 0);
    double v[N_PARTS];
    part_values(&a->all, a->capacity_s, a->grown_s, v);
    char name[48];
    snprintf(name, sizeof name, "all %zu slot%s", a->n_slots, ws_plural(a->n_slots));
    ws_svg_text(f, ML - 8, MT + row / 2 + 4, "end", NULL, a->n_slots > 1 ? "all slots" : "the slot");
    stacked_row(f, &x, MT + 3, row - 6, v, a->capacity_s, name);
    for (size_t r = 0; r < shown; r++) {
        double y = MT + gap + row * (double)(r + 1);
        part_values(&a->slots[r], a->wall_s, 0, v);
        snprintf(name, sizeof name, "slot %zu", r);
        ws_svg_text(f, ML - 8, y + row / 2 + 4, "end", NULL, name);
        stacked_row(f, &x, y + 5, row - 10, v, a->wall_s, name);
    }
    ws_svg_axis_x(f, &x, MT + row * (double)(1 + shown) + (shown ? gap : 0) + 2, NAN, 5, fmt_share, "share of wall time");
    ws_legend_item items[N_PARTS];
    size_t n = 0;
    part_values(&a->all, a->capacity_s, a->grown_s, v);
    for (int k = 0; k < N_PARTS; k++)
        if (v[k] > 0 || k < 3) items[n++] = (ws_legend_item){WS_MARK_RECT, parts[k].color, parts[k].name};
    ws_svg_legend(f, W - MR, 18, items, n, 1);
    ws_svg_close(f);
}

/* ---- each trial's time --------------------------------------------------------------------- */

/* A trial state's mark, the optimization history's: complete a dot, pruned a triangle, failed a
 * cross, running or waiting a diamond. */
static ws_mark state_mark(ws_state st)
{
    switch (st) {
    case WS_COMPLETE: return WS_MARK_DOT;
    case WS_PRUNED: return WS_MARK_TRIANGLE;
    case WS_FAIL: return WS_MARK_CROSS;
    default: return WS_MARK_DIAMOND;
    }
}

void ws_plot_trial_times(FILE *f, const ws_summary *s)
{
    const ws_analysis *a = s->an;
    const ws_trial_list *l = s->trials;
    const double W = WIDE_W, H = 300, ML = TIME_ML, MR = TIME_MR, MT = 40, MB = 50;
    ws_svg_open(f, "trial-times", "Time per trial",
                "Each trial's wall time split into setup, training, evaluation and other time (process start, study "
                "writes, checkpoints); trials not run by train-trial are unmeasured.", W, H);
    double top = 0;
    int max_number = 0, any_unmeasured = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (a->tt[i].slot < 0) continue;
        top = fmax(top, a->tt[i].t1 - a->tt[i].t0);
        if (l->v[i].number > max_number) max_number = l->v[i].number;
        any_unmeasured |= !a->tt[i].measured;
    }
    if (!(top > 0)) {
        ws_svg_message(f, W, H, a->time_note);
        ws_svg_close(f);
        return;
    }
    time_unit u = unit_for(top);
    char ytitle[64];
    snprintf(ytitle, sizeof ytitle, "wall time (%s)", u.unit);
    ws_scale x, y;
    ws_scale_init(&x, -0.5, max_number + 0.5, ML, W - MR, 0);
    ws_scale_init(&y, 0, top / u.div * 1.05, H - MB, MT, 0);
    ws_svg_axis_y(f, &y, ML, W - MR, 5, NULL, ytitle);
    ws_svg_axis_x(f, &x, H - MB, NAN, 8, ws_fmt_int_tick, "trial");
    double bw = fmin(36, fmax(0.8, 0.8 * (x.r1 - x.r0) / (max_number + 1)));
    char mark_tip[512];
    size_t n_state[5] = {0};
    for (size_t i = 0; i < l->n; i++) {
        const ws_trial_time *tt = &a->tt[i];
        if (tt->slot < 0) continue;
        double d = tt->t1 - tt->t0, v[5] = {0, 0, 0, 0, 0};
        if (tt->measured) {
            double p[3] = {tt->setup_s, tt->train_s, tt->eval_s}, sum = 0;
            for (int k = 0; k < 3; k++) { p[k] = isfinite(p[k]) ? p[k] : 0; sum += p[k]; }
            double k = sum > d && sum > 0 ? d / sum : 1;
            for (int j = 0; j < 3; j++) v[j] = p[j] * k;
            v[3] = d - sum * k;
        } else v[4] = d;
        double at = 0, px = ws_scale_map(&x, l->v[i].number) - bw / 2;
        for (int k = 0; k < 5; k++) {
            if (!(v[k] > 0)) continue;
            double y0 = ws_scale_map(&y, at / u.div), y1 = ws_scale_map(&y, (at + v[k]) / u.div);
            char tip[128], dur[32];
            ws_fmt_duration(v[k], dur, sizeof dur);
            snprintf(tip, sizeof tip, "trial %d, %s: %s", l->v[i].number, parts[k].name, dur);
            fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"><title>", px, y1, bw,
                    fmax(y0 - y1, 0.3), parts[k].color);
            ws_html_text(f, tip);
            fputs("</title></rect>\n", f);
            at += v[k];
        }
        /* its state on top, marked as on the optimization history: what pruning saved shows as
         * short bars marked pruned (on bars too narrow for a mark, the tooltips say it) */
        if (bw >= 4) {
            ws_trial_tip(&l->v[i], mark_tip, sizeof mark_tip);
            ws_svg_mark(f, state_mark(l->v[i].state), px + bw / 2, ws_scale_map(&y, at / u.div) - 7, fmin(3.5, bw / 2),
                        ws_state_color(l->v[i].state), mark_tip);
            n_state[(unsigned)l->v[i].state < 5 ? l->v[i].state : WS_WAITING]++;
        }
    }
    ws_legend_item items[10];
    size_t n = 0;
    for (int k = 0; k < 4; k++) items[n++] = (ws_legend_item){WS_MARK_RECT, parts[k].color, parts[k].name};
    if (any_unmeasured) items[n++] = (ws_legend_item){WS_MARK_RECT, parts[4].color, parts[4].name};
    static const ws_state shown[] = {WS_COMPLETE, WS_PRUNED, WS_FAIL, WS_RUNNING, WS_WAITING};
    static const char *const names[] = {"complete", "pruned", "failed", "running", "waiting"};
    for (size_t k = 0; k < 5; k++)
        if (n_state[shown[k]]) items[n++] = (ws_legend_item){state_mark(shown[k]), ws_state_color(shown[k]), names[k]};
    ws_svg_legend(f, W - MR, 18, items, n, 1);
    ws_svg_close(f);
}

/* ---- utilization over time ----------------------------------------------------------------- */

void ws_plot_utilization(FILE *f, const ws_summary *s)
{
    const ws_analysis *a = s->an;
    const ws_utilization *u = &a->util;
    const double W = WIDE_W, H = 250, MT = 36, MB = 50;
    const char *what = ws_utilization_what(u);
    char title[96];
    snprintf(title, sizeof title, "%s utilization (gpu-monitor)", what);
    ws_svg_open(f, "utilization", title,
                !strcmp(what, "CPU") ? "Busy percentage of all CPUs over the sweep (no GPU was found), sampled by "
                                       "gpu-monitor; the dashed line under it is the sweep's mean."
                                     : "Busy percentage of the GPU over the sweep, sampled by gpu-monitor; the dashed line "
                                       "under it is the sweep's mean.", W, H);
    if (!u->n || !(a->wall_s > 0)) {
        ws_svg_message(f, W, H, a->util_note[0] ? a->util_note : "no samples");
        ws_svg_close(f);
        return;
    }
    ws_scale x, y;
    time_unit tu;
    char xtitle[96], ytitle[48];
    time_scale(a, &x, &tu, xtitle, sizeof xtitle);
    ws_scale_init(&y, 0, 100, H - MB, MT, 0);
    snprintf(ytitle, sizeof ytitle, "%s busy", what);
    ws_svg_axis_y(f, &y, TIME_ML, W - TIME_MR, 5, ws_fmt_percent_tick, ytitle);
    ws_svg_axis_x(f, &x, H - MB, NAN, 10, NULL, xtitle);
    /* the sweep's mean under the samples: a busy sweep's samples lie near it, and drawn on top
     * its dashes hid the line they are the mean of */
    char lab[64] = "sweep mean", legend_busy[48];
    if (isfinite(u->sweep_mean)) {
        double py = ws_scale_map(&y, u->sweep_mean);
        snprintf(lab, sizeof lab, "sweep mean %.1f%%", u->sweep_mean);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"><title>",
                x.r0, py, x.r1, py, WS_C_BEST);
        ws_html_text(f, lab);
        fputs("</title></line>\n", f);
    }
    double span = x.d1;
    fprintf(f, "<path fill=\"%s\" fill-opacity=\"0.15\" stroke=\"none\" d=\"", WS_C_COMPLETE);
    int started = 0;
    double first_x = 0, last_x = 0;
    for (size_t i = 0; i < u->n; i++) {
        double tx = (u->t[i] - a->t_begin) / tu.div;
        if (tx < 0 || tx > span || !isfinite(u->util[i])) continue;
        double px = ws_scale_map(&x, tx), py = ws_scale_map(&y, fmin(100, fmax(0, u->util[i])));
        if (!started) { fprintf(f, "M%.1f %.1fL%.1f %.1f", px, y.r0, px, py); first_x = px; }
        else fprintf(f, "L%.1f %.1f", px, py);
        last_x = px;
        started = 1;
    }
    if (started) fprintf(f, "L%.1f %.1fL%.1f %.1fZ", last_x, y.r0, first_x, y.r0);
    fputs("\"/>\n", f);
    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", WS_C_COMPLETE);
    started = 0;
    for (size_t i = 0; i < u->n; i++) {
        double tx = (u->t[i] - a->t_begin) / tu.div;
        if (tx < 0 || tx > span || !isfinite(u->util[i])) continue;
        fprintf(f, "%s%.1f,%.1f", started ? " " : "", ws_scale_map(&x, tx), ws_scale_map(&y, fmin(100, fmax(0, u->util[i]))));
        started = 1;
    }
    fputs("\"/>\n", f);
    snprintf(legend_busy, sizeof legend_busy, "%s busy", what);
    ws_legend_item items[2] = {{WS_MARK_LINE, WS_C_COMPLETE, legend_busy}, {WS_MARK_DASH, WS_C_BEST, lab}};
    ws_svg_legend(f, W - TIME_MR, 18, items, 2, 1);
    ws_svg_close(f);
}
