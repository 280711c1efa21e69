/* svg.c — SVG building blocks for the HTML report (see svg.h). */
#include "report/svg.h"
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "core/text.h"

const char *ws_state_color(ws_state s)
{
    switch (s) {
    case WS_COMPLETE: return WS_C_COMPLETE;
    case WS_PRUNED: return WS_C_PRUNED;
    case WS_FAIL: return WS_C_FAIL;
    case WS_RUNNING: return WS_C_RUNNING;
    default: return WS_C_WAITING;
    }
}

void ws_scale_init(ws_scale *s, double d0, double d1, double r0, double r1, int log)
{
    s->log = log && d0 > 0 && d1 > 0;
    s->d0 = d0;
    s->d1 = d1;
    s->r0 = r0;
    s->r1 = r1;
}

/* Coordinates go into SVG attributes, where "nan" or "inf" breaks the drawing: scales work on
 * halves (a span across -DBL_MAX..DBL_MAX overflows, halves do not), never map to a non-finite
 * number, and padded domains stay finite. */
double ws_scale_map(const ws_scale *s, double v)
{
    double a = s->d0, b = s->d1;
    if (s->log) { a = log10(a); b = log10(b); v = v > 0 ? log10(v) : a; }
    double span = b / 2 - a / 2, t = (v / 2 - a / 2) / span;
    if (!(span != 0) || !isfinite(span) || isnan(t)) return 0.5 * (s->r0 + s->r1);
    t = fmin(fmax(t, -1), 2);   /* a point far outside the domain: just outside the plot */
    return s->r0 + t * (s->r1 - s->r0);
}

void ws_pad_domain(double *lo, double *hi, double frac, int log)
{
    if (log && *lo > 0 && *hi > 0) {
        double a = log10(*lo), b = log10(*hi), d = b > a ? (b - a) * frac : 0.5;
        *lo = fmax(pow(10, a - d), DBL_MIN);
        *hi = fmin(pow(10, b + d), DBL_MAX);
        return;
    }
    double half = *hi / 2 - *lo / 2;
    if (!(half > 0)) half = fabs(*lo) > 0 ? fabs(*lo) * 0.1 : 0.5, frac = 0.5;
    double pad = half * (2 * frac);
    *lo = fmax(*lo - pad, -DBL_MAX);
    *hi = fmin(*hi + pad, DBL_MAX);
}

static size_t linear_ticks(double lo, double hi, size_t target, double *out, size_t max, double *step)
{
    double span = hi - lo;
    if (!(span > 0) || !isfinite(span)) { if (max && isfinite(lo)) { out[0] = lo; *step = 0; return 1; } return 0; }
    double raw = span / (double)(target ? target : 1), mag = pow(10, floor(log10(raw))), norm = raw / mag;
    double nice = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
    double st = nice * mag, first = ceil(lo / st - 1e-9);
    size_t n = 0;
    for (double k = first; n < max; k++) {
        double v = k * st;
        if (v > hi + 1e-9 * st) break;
        out[n++] = fabs(v) < 1e-12 * st ? 0 : v;
    }
    *step = st;
    return n;
}

/* A log tick short enough to print plainly: 0.001 ... 99999. */
static int plain_log_tick(double v)
{
    double a = fabs(v);
    return a == 0 || (a >= 1e-3 && a < 1e5);
}

size_t ws_ticks(double lo, double hi, int log, size_t target, double *out, size_t max, double *step)
{
    *step = 0;
    if (!log || !(lo > 0) || !(hi > lo)) return linear_ticks(lo, hi, target, out, max, step);
    int e0 = (int)floor(log10(lo) + 1e-9), e1 = (int)ceil(log10(hi) - 1e-9);
    static const double mult[3] = {1, 2, 5};
    int per = e1 - e0 <= 1 ? 3 : e1 - e0 <= 3 ? 2 : 1;   /* 1, 2, 5 per decade when few decades */
    int every = (e1 - e0 + (int)target - 1) / (int)(target ? target : 1);
    if (every < 1) every = 1;
    size_t n = 0;
    for (int e = e0; e <= e1 && n < max; e++) {
        if (per == 1 && (e - e0) % every) continue;
        for (int m = 0; m < 3 && n < max; m++) {
            if ((per == 2 && m == 1) || (per == 1 && m > 0)) continue;
            double v = mult[m] * pow(10, e);
            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out[n++] = v;
        }
    }
    if (n < 2) return linear_ticks(lo, hi, target, out, max, step);
    /* one label format an axis: "0.001" beside "5e-4" read as two scales */
    for (size_t i = 0; i < n; i++)
        if (!plain_log_tick(out[i])) *step = WS_TICK_LOG_EXP;
    return n;
}

/* "-0" is never printed. */
static void clean_zero(char *buf)
{
    if (!strcmp(buf, "-0")) strcpy(buf, "0");
    char *p = buf;
    if (*p == '-') {
        for (p++; *p == '0' || *p == '.'; p++) {}
        if (!*p) memmove(buf, buf + 1, strlen(buf));
    }
}

void ws_fmt_tick(double v, double step, char *buf, size_t n)
{
    if (step <= 0) {   /* a log tick: plain when short (and its axis's others are), else mantissa e exponent */
        if (v == 0 || (step == 0 && plain_log_tick(v))) snprintf(buf, n, "%g", v);
        else {
            int e = (int)floor(log10(fabs(v)) + 1e-9);
            double m = v / pow(10, e);
            snprintf(buf, n, "%ge%d", round(m * 100) / 100, e);
        }
        return;
    }
    if (fabs(v) >= 1e6 || step < 1e-5) { snprintf(buf, n, "%.3g", v); return; }
    int dec = (int)ceil(-log10(step) - 1e-9);
    if (dec < 0) dec = 0;
    snprintf(buf, n, "%.*f", dec, v);
    clean_zero(buf);
}

void ws_fmt_percent_tick(double v, double step, char *buf, size_t n)
{
    char t[32];
    ws_fmt_tick(v, step, t, sizeof t);
    snprintf(buf, n, "%s%%", t);
}

void ws_fmt_int_tick(double v, double step, char *buf, size_t n)
{
    if (fabs(v - round(v)) > 1e-9) buf[0] = 0;
    else snprintf(buf, n, "%.0f", v);
    clean_zero(buf);
}

void ws_fmt_value(double v, char *buf, size_t n)
{
    if (isnan(v)) snprintf(buf, n, "\xe2\x80\x93");   /* en dash */
    else snprintf(buf, n, "%.6g", v);
}

void ws_fmt_duration(double s, char *buf, size_t n)
{
    if (!isfinite(s)) snprintf(buf, n, "\xe2\x80\x93");
    else if (s < 1) snprintf(buf, n, "%.0f ms", s * 1000);
    else if (s < 100) snprintf(buf, n, "%.1f s", s);
    else if (s < 6000) snprintf(buf, n, "%.1f min", s / 60);
    else snprintf(buf, n, "%.2f h", s / 3600);
}

void ws_html_text(FILE *f, const char *s)
{
    /* HTML forbids control characters other than whitespace (and XML, the SVGs, all but TAB, LF
     * and CR): a study name, parameter name or choice holding one (Optuna takes any string) is
     * shown \xNN, as the text form shows it (ws_text_show) */
    char *shown = ws_text_show(s ? s : "");
    if (shown) s = shown;
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
    free(shown);
}

static char id_prefix[32];

void ws_html_set_id_prefix(const char *prefix) { snprintf(id_prefix, sizeof id_prefix, "%s", prefix ? prefix : ""); }

const char *ws_html_id(void) { return id_prefix; }

void ws_svg_open(FILE *f, const char *id, const char *title, const char *desc, double w, double h)
{
    const char *p = id_prefix;
    fprintf(f, "<svg id=\"%s%s\" class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\""
               " width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-labelledby=\"%s%s-title %s%s-desc\">\n",
            p, id, w, h, w, h, p, id, p, id);
    fprintf(f, "<title id=\"%s%s-title\">", p, id);
    ws_html_text(f, title);
    fprintf(f, "</title><desc id=\"%s%s-desc\">", p, id);
    ws_html_text(f, desc);
    fputs("</desc>\n", f);
}

void ws_svg_close(FILE *f) { fputs("</svg>\n", f); }

void ws_svg_defs(FILE *f)
{
    fputs("<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\"><defs>"
          "<pattern id=\"ws-idle\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
          "<rect width=\"6\" height=\"6\" fill=\"#f4f4f4\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#d0d0d0\""
          " stroke-width=\"2\"/></pattern></defs></svg>\n", f);
}

void ws_svg_text(FILE *f, double x, double y, const char *anchor, const char *cls, const char *text)
{
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\"", x, y);
    if (anchor && strcmp(anchor, "start")) fprintf(f, " text-anchor=\"%s\"", anchor);
    if (cls) fprintf(f, " class=\"%s\"", cls);
    fputc('>', f);
    ws_html_text(f, text);
    fputs("</text>\n", f);
}

void ws_svg_message(FILE *f, double w, double h, const char *msg)
{
    fprintf(f, "<rect x=\"1\" y=\"1\" width=\"%.0f\" height=\"%.0f\" rx=\"6\" fill=\"#fafafa\" stroke=\"#ddd\"/>\n",
            w - 2, h - 2);
    ws_svg_text(f, w / 2, h / 2 + 4, "middle", "msg", msg);
}

void ws_svg_axis_x(FILE *f, const ws_scale *x, double y, double grid_to, size_t target, ws_tick_fmt fmt,
                   const char *title)
{
    double ticks[64], step;
    size_t n = ws_ticks(fmin(x->d0, x->d1), fmax(x->d0, x->d1), x->log, target, ticks, 64, &step);
    ws_svg_axis_x_at(f, x, y, grid_to, ticks, n, step, fmt, title);
}

void ws_svg_axis_x_at(FILE *f, const ws_scale *x, double y, double grid_to, const double *ticks, size_t n, double step,
                      ws_tick_fmt fmt, const char *title)
{
    fputs("<g class=\"axis\">\n", f);
    for (size_t i = 0; i < n; i++) {
        double px = ws_scale_map(x, ticks[i]);
        char lab[48];
        (fmt ? fmt : ws_fmt_tick)(ticks[i], step, lab, sizeof lab);
        if (!lab[0]) continue;
        if (!isnan(grid_to))
            fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", px, y, px, grid_to);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", px, y, px, y + 5);
        ws_svg_text(f, px, y + 18, "middle", NULL, lab);
    }
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x->r0, y, x->r1, y);
    if (title) ws_svg_text(f, 0.5 * (x->r0 + x->r1), y + 36, "middle", "label", title);
    fputs("</g>\n", f);
}

void ws_svg_axis_y(FILE *f, const ws_scale *y, double x, double grid_to, size_t target, ws_tick_fmt fmt,
                   const char *title)
{
    double ticks[64], step;
    size_t n = ws_ticks(fmin(y->d0, y->d1), fmax(y->d0, y->d1), y->log, target, ticks, 64, &step);
    double widest = 0;
    fputs("<g class=\"axis\">\n", f);
    for (size_t i = 0; i < n; i++) {
        double py = ws_scale_map(y, ticks[i]);
        char lab[48];
        (fmt ? fmt : ws_fmt_tick)(ticks[i], step, lab, sizeof lab);
        if (!lab[0]) continue;
        widest = fmax(widest, ws_text_width(lab, 12));
        if (!isnan(grid_to))
            fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x, py, grid_to, py);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x - 5, py, x, py);
        ws_svg_text(f, x - 8, py + 4, "end", NULL, lab);
    }
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x, y->r0, x, y->r1);
    if (title) {
        double tx = x - 18 - widest, ty = 0.5 * (y->r0 + y->r1);
        /* the rotated title needs about 12 px left of the widest tick label; wide labels (values
         * of 1e6 and up read 1.2e+06) leave less, and it was drawn over them: then it goes above
         * the axis, level, starting at the plot's left edge */
        if (tx >= 12)
            fprintf(f, "<text class=\"label\" text-anchor=\"middle\" transform=\"translate(%.1f %.1f) rotate(-90)\">", tx,
                    ty);
        else fprintf(f, "<text class=\"label\" x=\"4.0\" y=\"%.1f\">", fmin(y->r0, y->r1) - 14);
        ws_html_text(f, title);
        fputs("</text>\n", f);
    }
    fputs("</g>\n", f);
}

void ws_svg_mark(FILE *f, ws_mark m, double x, double y, double r, const char *color, const char *tip)
{
    const char *end = tip ? ">" : "/>";
    const char *close = NULL;
    switch (m) {
    case WS_MARK_DOT:
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"%s", x, y, r, color, end);
        close = "</circle>";
        break;
    case WS_MARK_RING:
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"#fff\" stroke=\"%s\" stroke-width=\"1.5\"%s", x, y,
                r, color, end);
        close = "</circle>";
        break;
    case WS_MARK_TRIANGLE:
        fprintf(f, "<path d=\"M%.1f %.1fl%.1f %.1fh%.1fz\" fill=\"%s\"%s", x, y - r * 1.15, r * 1.1, r * 1.9, -r * 2.2,
                color, end);
        close = "</path>";
        break;
    case WS_MARK_CROSS:
        fprintf(f, "<path d=\"M%.1f %.1fl%.1f %.1fm0 %.1fl%.1f %.1f\" stroke=\"%s\" stroke-width=\"2\" fill=\"none\"%s",
                x - r, y - r, 2 * r, 2 * r, -2 * r, -2 * r, 2 * r, color, end);
        close = "</path>";
        break;
    case WS_MARK_DIAMOND:
        fprintf(f, "<path d=\"M%.1f %.1fl%.1f %.1fl%.1f %.1fl%.1f %.1fz\" fill=\"#fff\" stroke=\"%s\" stroke-width=\"1.5\"%s",
                x, y - r, r, r, -r, r, -r, -r, color, end);
        close = "</path>";
        break;
    case WS_MARK_LINE:
    case WS_MARK_DASH:
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\"%s%s", x - 2 * r,
                y, x + 2 * r, y, color, m == WS_MARK_DASH ? " stroke-dasharray=\"4 3\"" : "", end);
        close = "</line>";
        break;
    case WS_MARK_RECT:
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" stroke=\"#888\" stroke-width=\"0.5\"%s",
                x - r, y - r, 2 * r, 2 * r, color, end);
        close = "</rect>";
        break;
    }
    if (tip) {
        fputs("<title>", f);
        ws_html_text(f, tip);
        fprintf(f, "</title>%s\n", close);
    } else fputc('\n', f);
}

double ws_text_width(const char *s, double px)
{
    double w = 0;
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c & 0xc0) == 0x80) continue;   /* UTF-8 continuation byte */
        w += strchr("il.,:;|!'I ()[]", c) ? 0.32 : strchr("mwMW%", c) ? 0.9 : c >= '0' && c <= '9' ? 0.64
             : c >= 'A' && c <= 'Z' ? 0.68 : 0.58;   /* DejaVu Sans-like widths, slightly generous */
    }
    return w * px;
}

double ws_svg_legend(FILE *f, double x, double y, const ws_legend_item *items, size_t n, int align_right)
{
    double w = 0;
    for (size_t i = 0; i < n; i++) w += 22 + ws_text_width(items[i].label, 12) + (i + 1 < n ? 14 : 0);
    double cx = align_right ? x - w : x;
    fputs("<g class=\"legend\">\n", f);
    for (size_t i = 0; i < n; i++) {
        ws_svg_mark(f, items[i].mark, cx + 7, y - 4, items[i].mark == WS_MARK_LINE || items[i].mark == WS_MARK_DASH ? 3.5 : 4.5,
                    items[i].color, NULL);
        ws_svg_text(f, cx + 18, y, "start", NULL, items[i].label);
        cx += 22 + ws_text_width(items[i].label, 12) + 14;
    }
    fputs("</g>\n", f);
    return w;
}

size_t ws_utf8_cut(const char *s, size_t len)
{
    while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80) len--;   /* s[len] continues a character */
    return len;
}

void ws_text_copy(char *buf, size_t n, const char *src)
{
    if (!n) return;
    size_t len = strlen(src ? src : "");
    if (len >= n) len = ws_utf8_cut(src, n - 1);
    memcpy(buf, src ? src : "", len);
    buf[len] = 0;
}

void ws_text_printf(char *buf, size_t n, const char *fmt, ...)
{
    char *full = NULL;
    va_list ap;
    va_start(ap, fmt);
    int rc = vasprintf(&full, fmt, ap);
    va_end(ap);
    ws_text_copy(buf, n, rc < 0 ? "" : full);
    if (rc >= 0) free(full);
}

void ws_fit_text(char *buf, size_t n, const char *src, double room, double px)
{
    ws_text_copy(buf, n, src);
    if (ws_text_width(buf, px) <= room) return;
    size_t len = strlen(buf);
    while (len > 0) {
        len = ws_utf8_cut(buf, len - 1);   /* back one character */
        if (len + 4 > n) continue;
        memcpy(buf + len, "\xe2\x80\xa6", 4);   /* an ellipsis and the terminating NUL */
        if (ws_text_width(buf, px) <= room) return;
    }
}

void ws_color_ramp(double g, char buf[8])
{
    /* light blue → mid blue → dark navy */
    static const double stops[3][3] = {{198, 219, 239}, {66, 146, 198}, {8, 48, 107}};
    if (!(g >= 0)) g = 0;
    if (g > 1) g = 1;
    int k = g < 0.5 ? 0 : 1;
    double t = g < 0.5 ? g / 0.5 : (g - 0.5) / 0.5;
    int rgb[3];
    for (int c = 0; c < 3; c++) rgb[c] = (int)lround(stops[k][c] + t * (stops[k + 1][c] - stops[k][c]));
    snprintf(buf, 8, "#%02x%02x%02x", rgb[0] & 255, rgb[1] & 255, rgb[2] & 255);
}
