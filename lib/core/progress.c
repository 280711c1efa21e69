/* progress.c — see progress.h. */
#include "core/progress.h"
#include <string.h>
#include <unistd.h>
#include "core/clock.h"

#define BAR_WIDTH 30

void ws_progress_init(ws_progress *p, const char *label, size_t total, int quiet)
{
    memset(p, 0, sizeof *p);
    snprintf(p->label, sizeof p->label, "%s", label);
    p->total = total;
    p->t0_s = p->last_s = ws_mono_s();
    p->f = !quiet && isatty(STDERR_FILENO) ? stderr : NULL;
}

void ws_progress_update(ws_progress *p, size_t done)
{
    if (!p->f) return;
    double now = ws_mono_s();
    if (now - p->last_s < 0.1 && done < p->total) return;
    p->last_s = now;
    double el = now - p->t0_s, rate = el > 0 ? (double)done / el : 0;
    char bar[BAR_WIDTH + 1];
    size_t fill = p->total ? done * BAR_WIDTH / p->total : 0;
    for (size_t i = 0; i < BAR_WIDTH; i++) bar[i] = i < fill ? '#' : '.';
    bar[BAR_WIDTH] = 0;
    if (p->total)
        fprintf(p->f, "\r%s: [%s] %3d%% %zu/%zu %.0f/s eta %.0fs\033[K", p->label, bar,
                (int)(100.0 * (double)done / (double)p->total), done, p->total, rate,
                rate > 0 ? (double)(p->total - (done < p->total ? done : p->total)) / rate : 0.0);
    else
        fprintf(p->f, "\r%s: %zu %.0f/s\033[K", p->label, done, rate);
    fflush(p->f);
}

void ws_progress_finish(ws_progress *p)
{
    if (!p->f) return;
    fprintf(p->f, "\r\033[K");
    fflush(p->f);
    p->f = NULL;
}
