/* progress.h — a one-line progress bar on stderr, drawn only when stderr is a terminal (and the
 * tool was not asked to be quiet), redrawn at most ten times a second, erased when done. The one
 * other part of lib/core besides cli.c that writes to a stream: tools own it. */
#ifndef WS_CORE_PROGRESS_H
#define WS_CORE_PROGRESS_H
#include <stddef.h>
#include <stdio.h>

typedef struct ws_progress {
    FILE *f;               /* NULL when disabled */
    char label[48];
    size_t total;          /* units of work; 0 = unknown */
    double t0_s, last_s;   /* monotonic start and last redraw */
} ws_progress;

/* Enabled when !quiet and stderr is a terminal. label is the tool's name: the bar, a line on
 * stderr while it lasts, begins "TOOL: " as the tools' messages do (README). */
void ws_progress_init(ws_progress *p, const char *label, size_t total, int quiet);
/* Redraws "label: [#####.....]  42% 420/1000 1234/s eta 1s" when 0.1 s have passed. */
void ws_progress_update(ws_progress *p, size_t done);
/* Erases the line. */
void ws_progress_finish(ws_progress *p);

#endif
