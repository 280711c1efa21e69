/* svg.h — small helpers for the hand-written SVG of the HTML report: linear and log scales,
 * "nice" tick values and their labels, axes with grid lines, markers, legends, colours and HTML
 * escaping. Everything writes to a FILE; coordinates are in the plot's viewBox units (px). */
#ifndef WS_REPORT_SVG_H
#define WS_REPORT_SVG_H
#include <stddef.h>
#include <stdio.h>
#include "store/trial.h"

/* Colours: trial states (Okabe–Ito, safe for colour-blind readers), the best trial, and the
 * parts of the time breakdown. */
#define WS_C_COMPLETE "#0072B2"
#define WS_C_PRUNED "#E69F00"
#define WS_C_FAIL "#D55E00"
#define WS_C_RUNNING "#009E73"
#define WS_C_WAITING "#999999"
#define WS_C_BEST "#CC79A7"
#define WS_C_SETUP "#9ecae1"
#define WS_C_TRAIN "#3182bd"
#define WS_C_EVAL "#31a354"
#define WS_C_OTHER "#fdae6b"
#define WS_C_UNMEASURED "#bdbdbd"
#define WS_C_GROWN "#9e9ac8"
#define WS_C_IDLE "url(#ws-idle)"   /* the hatch pattern of ws_svg_defs */
#define WS_C_AXIS "#666666"
#define WS_C_GRID "#e6e6e6"

const char *ws_state_color(ws_state s);

typedef struct {
    double d0, d1;   /* domain */
    double r0, r1;   /* range (px) */
    int log;         /* log10 mapping (domain > 0) */
} ws_scale;

void ws_scale_init(ws_scale *s, double d0, double d1, double r0, double r1, int log);
double ws_scale_map(const ws_scale *s, double v);
/* Widens [*lo, *hi] by frac of its span on both sides (a point becomes a small interval). */
void ws_pad_domain(double *lo, double *hi, double frac, int log);

/* Up to max tick values inside [lo, hi], about `target` of them: multiples of 1, 2 or 5 × 10^k
 * (log: powers of ten, with 2 and 5 in between when the span is short). *step: the linear
 * step, for labels; for log ticks 0 when every one prints plainly (0.001 ... 99999), else
 * WS_TICK_LOG_EXP: then all print as 1e-5, 5e-3, 1e-2, one format an axis. */
#define WS_TICK_LOG_EXP (-1.0)
size_t ws_ticks(double lo, double hi, int log, size_t target, double *out, size_t max, double *step);

/* Tick label formatters: v with the precision its step calls for (step 0: a log tick, or the
 * one tick of an empty span, as 0.001, or 1e-5 when it is not short; WS_TICK_LOG_EXP: as 1e-3). */
typedef void (*ws_tick_fmt)(double v, double step, char *buf, size_t n);
void ws_fmt_tick(double v, double step, char *buf, size_t n);
void ws_fmt_percent_tick(double v, double step, char *buf, size_t n);   /* "40%" */
/* Integers only: an empty label (the axis then draws no tick) for fractions. */
void ws_fmt_int_tick(double v, double step, char *buf, size_t n);
/* A value as tables and tooltips show it: 6 significant digits; "–" for NaN. */
void ws_fmt_value(double v, char *buf, size_t n);
/* A duration: "850 ms", "12.3 s", "4.2 min", "1.50 h". */
void ws_fmt_duration(double s, char *buf, size_t n);

/* Text with &, <, >, " and ' escaped (for HTML text and attributes), a control character as
 * \xNN (ws_text_show): HTML allows none but whitespace. */
void ws_html_text(FILE *f, const char *s);

/* <svg id=ID class="plot" viewBox="0 0 W H" role="img"> with <title> and <desc> first. The page
 * defines the shared patterns (WS_C_IDLE) once, in a hidden <svg> (ws_svg_defs). */
void ws_svg_open(FILE *f, const char *id, const char *title, const char *desc, double w, double h);
void ws_svg_close(FILE *f);
/* A page with several studies repeats every plot and card: each study's ids get a prefix
 * ("s2-"; "" for the first study, so a one-study page keeps the plain ids). ws_svg_open and the
 * page's own ids put it in front; ws_html_id returns it. */
void ws_html_set_id_prefix(const char *prefix);
const char *ws_html_id(void);
void ws_svg_defs(FILE *f);
/* A message in place of a plot ("no intermediate values"). */
void ws_svg_message(FILE *f, double w, double h, const char *msg);
/* A text element; anchor "start" | "middle" | "end"; cls may be NULL. */
void ws_svg_text(FILE *f, double x, double y, const char *anchor, const char *cls, const char *text);

/* Axes: ticks, labels, grid lines across the plot (to grid_to: the far y for an x axis, the
 * far x for a y axis; NaN: no grid) and the axis title. */
void ws_svg_axis_x(FILE *f, const ws_scale *x, double y, double grid_to, size_t target, ws_tick_fmt fmt,
                   const char *title);
void ws_svg_axis_y(FILE *f, const ws_scale *y, double x, double grid_to, size_t target, ws_tick_fmt fmt,
                   const char *title);
/* An x axis ticked at the n values given (step: theirs, for the labels) instead of nice ones. */
void ws_svg_axis_x_at(FILE *f, const ws_scale *x, double y, double grid_to, const double *ticks, size_t n, double step,
                      ws_tick_fmt fmt, const char *title);

typedef enum { WS_MARK_DOT, WS_MARK_RING, WS_MARK_TRIANGLE, WS_MARK_CROSS, WS_MARK_DIAMOND, WS_MARK_LINE,
               WS_MARK_DASH, WS_MARK_RECT } ws_mark;
/* A marker centred at (x, y) of radius r; tip (may be NULL) becomes its tooltip <title>. */
void ws_svg_mark(FILE *f, ws_mark m, double x, double y, double r, const char *color, const char *tip);

typedef struct {
    ws_mark mark;
    const char *color;
    const char *label;
} ws_legend_item;
/* A one-row legend starting at (x, y) (y: the text baseline); returns its width. With
 * align_right, x is its right end. */
double ws_svg_legend(FILE *f, double x, double y, const ws_legend_item *items, size_t n, int align_right);
/* Rough width of text at the report's 12 px font (for layout only). */
double ws_text_width(const char *s, double px);

/* Text cut to fit a buffer is cut between UTF-8 characters, never inside one (the page must
 * stay valid UTF-8). ws_utf8_cut: the largest length <= len at which s (longer than len) may be
 * cut; ws_text_copy: src into buf (size n), cut so when it does not fit; ws_text_printf: the
 * same for formatted text. */
size_t ws_utf8_cut(const char *s, size_t len);
void ws_text_copy(char *buf, size_t n, const char *src);
void ws_text_printf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Copies src into buf (size n), shortened with an ellipsis at a UTF-8 character boundary
 * until it is at most `room` px wide at the given font size. */
void ws_fit_text(char *buf, size_t n, const char *src, double room, double px);

/* Colour of a value on the sequential ramp (0: light, 1: dark blue), as "#rrggbb". */
void ws_color_ramp(double g, char buf[8]);

#endif
