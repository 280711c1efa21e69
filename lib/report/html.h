/* html.h — the HTML form of the report: one self-contained page (inline CSS and SVG, no
 * scripts, nothing fetched) with the study's header, its best trial, the plots and a table of
 * all trials. Needs the analysis (s->an). The plots live in plots_study.c and plots_time.c;
 * each writes one <svg class="plot" id=...> with a <title>:
 *   history      objective value by trial number, best so far (feasible only)
 *   curves       intermediate values per trial, pruned ones marked where they stopped
 *   parallel     parallel coordinates of the searched parameters against the value
 *   importance   PED-ANOVA importance as bars
 *   timeline     trials on their parallel slots over time, idle gaps hatched
 *   breakdown    capacity split into setup, train, eval, other, unmeasured, idle; per slot
 *   trial-times  each trial's wall time split the same way
 *   utilization  gpu-monitor's busy % over time, with the sweep's mean */
#ifndef WS_REPORT_HTML_H
#define WS_REPORT_HTML_H
#include <stdio.h>
#include "report/summary.h"

/* source: the study file's name as shown in the footer (may be NULL). 0, or -1 on a write error. */
int ws_report_html(FILE *f, const ws_summary *s, const char *source);
/* Several studies in one page (e.g. the two stages of make staged): a list of them, then each
 * study as ws_report_html shows it, in a <section id="study-K">; the ids inside study K > 1
 * start with "sK-" (ws_html_set_id_prefix). */
int ws_report_html_studies(FILE *f, const ws_summary *const *s, size_t n, const char *source);

void ws_plot_history(FILE *f, const ws_summary *s);
void ws_plot_curves(FILE *f, const ws_summary *s);
void ws_plot_parallel(FILE *f, const ws_summary *s);
void ws_plot_importance(FILE *f, const ws_summary *s);
void ws_plot_timeline(FILE *f, const ws_summary *s);
void ws_plot_breakdown(FILE *f, const ws_summary *s);
void ws_plot_trial_times(FILE *f, const ws_summary *s);
void ws_plot_utilization(FILE *f, const ws_summary *s);

/* "trial N (STATE): value V; p=v, ..." for tooltips. */
void ws_trial_tip(const ws_trial *t, char *buf, size_t n);
/* A parameter's external value as text (floats with 4 significant digits, a categorical's
 * whole-valued float with ".0": its 1.0 apart from its 1); caller frees. */
char *ws_param_text(const ws_param *p);

#endif
