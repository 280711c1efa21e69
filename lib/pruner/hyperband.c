/* hyperband.c — Optuna's HyperbandPruner: B = floor(log_eta(R / r)) + 1 brackets, bracket b a
 * successive-halving pruner with min_early_stopping_rate b. A trial's bracket comes from a hash
 * of "{study}_{number}" walked over the bracket budgets ceil(B eta^s / (s + 1)), s = B-1-b,
 * so every process agrees without coordination. Pruning and sampling see only the trials of
 * the trial's own bracket. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pruner/pruner.h"

#define MAX_BRACKETS 64
#define SATURATE 4611686018427387904.0   /* 2^62: budgets above any CRC-32 behave alike */

typedef struct {
    int known;
    int n_brackets;
    long min_resource, max_resource, eta;
    double budget[MAX_BRACKETS];   /* trial allocation budget of each bracket */
    double total;
} hb_setup;

static int hb_init(const ws_pruner_cfg *cfg, const ws_history *h, hb_setup *s)
{
    memset(s, 0, sizeof *s);
    if (strcmp(cfg->name, "hyperband")) return -1;
    s->min_resource = cfg->min_resource > 0 ? cfg->min_resource : 1;
    s->eta = cfg->reduction_factor;
    s->max_resource = cfg->max_resource;
    if (s->max_resource <= 0) {
        const ws_trial *first = ws_pruner_first_completed(h);
        if (!first) return 0;
        int64_t last = ws_trial_last_step(first);   /* up to 2^63 - 1: + 1 would overflow */
        s->max_resource = last < INT64_MAX ? (long)last + 1 : LONG_MAX;
    }
    double nb = floor(log((double)s->max_resource / (double)s->min_resource) / log((double)s->eta)) + 1;
    if (!(nb >= 1)) return 0;   /* R < r (learned so): Optuna ends up with no brackets and never prunes */
    s->n_brackets = nb > MAX_BRACKETS ? MAX_BRACKETS : (int)nb;
    for (int b = 0; b < s->n_brackets; b++) {
        int sb = s->n_brackets - 1 - b;
        double x = (double)s->n_brackets * pow((double)s->eta, sb);
        double budget = ceil(x / (sb + 1));
        s->budget[b] = budget > SATURATE ? SATURATE : budget;
        s->total = fmin(s->total + s->budget[b], SATURATE);
    }
    s->known = 1;
    return 0;
}

static int hb_bracket(const hb_setup *s, const char *study, int number)
{
    if (!s->known) return 0;
    char key[600];
    int len = snprintf(key, sizeof key, "%s_%d", study ? study : "", number);
    if (len < 0) return 0;
    if ((size_t)len >= sizeof key) {
        /* long study names: hash the full text */
        char *big = malloc((size_t)len + 1);
        if (!big) return 0;
        snprintf(big, (size_t)len + 1, "%s_%d", study, number);
        double n = fmod((double)ws_crc32(big, (size_t)len), s->total);
        free(big);
        for (int b = 0; b < s->n_brackets; b++) if ((n -= s->budget[b]) < 0) return b;
        return s->n_brackets - 1;
    }
    double n = fmod((double)ws_crc32(key, (size_t)len), s->total);
    for (int b = 0; b < s->n_brackets; b++) if ((n -= s->budget[b]) < 0) return b;
    return s->n_brackets - 1;
}

int ws_hyperband_info_get(const ws_pruner_cfg *cfg, const ws_history *h, int number, ws_hyperband_info *out)
{
    memset(out, 0, sizeof *out);
    hb_setup s;
    if (!cfg || hb_init(cfg, h, &s)) return -1;
    out->known = s.known;
    out->n_brackets = s.n_brackets;
    out->min_resource = s.min_resource;
    out->max_resource = s.max_resource;
    out->bracket = hb_bracket(&s, h->study_name, number);
    double first = (double)s.min_resource * pow((double)s.eta, out->bracket);
    out->first_rung_step = first > 9e18 ? (long)9e18 : (long)first;
    return 0;
}

/* The trials of h in bracket b (shallow copies). */
static int bracket_view(const hb_setup *s, const ws_history *h, int bracket, ws_history_view *view, ws_err *e)
{
    size_t n = h->trials ? h->trials->n : 0;
    view->list.v = malloc((n ? n : 1) * sizeof *view->list.v);
    if (!view->list.v) return ws_err_set(e, WS_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (hb_bracket(s, h->study_name, h->trials->v[i].number) == bracket)
            view->list.v[view->list.n++] = h->trials->v[i];
    view->h.trials = &view->list;
    view->h.all_trials = h->all_trials ? h->all_trials : h->trials;
    return 0;
}

int ws_pruner_history_view(const ws_pruner_cfg *cfg, const ws_history *h, int number, ws_history_view *view, ws_err *e)
{
    memset(view, 0, sizeof *view);
    view->h = *h;
    view->h.pruner = NULL;
    view->h.number = number;
    hb_setup s;
    if (!cfg || hb_init(cfg, h, &s) || !s.known) return 0;
    return bracket_view(&s, h, hb_bracket(&s, h->study_name, number), view, e);
}

void ws_history_view_release(ws_history_view *view)
{
    if (!view) return;
    free(view->list.v);   /* shallow copies: the trials' memory belongs to the original list */
    memset(view, 0, sizeof *view);
}

int ws_hyperband_should_prune(const ws_pruner_cfg *cfg, const ws_history *h, const ws_trial *cur,
                              ws_prune_decision *out, ws_err *e)
{
    hb_setup s;
    hb_init(cfg, h, &s);
    if (!s.known && s.max_resource > 0) {
        /* learned from a trial that completed before min_resource: "none yet" said a trial was
         * still awaited, where the study will never prune */
        snprintf(out->reason, sizeof out->reason, "hyperband: max_resource %ld (the first completed trial's last step + 1) "
                 "is below min_resource %ld: no brackets, never prunes (as Optuna)", s.max_resource, s.min_resource);
        return 0;
    }
    if (!s.known) {
        snprintf(out->reason, sizeof out->reason, "hyperband: max_resource is learned from the first completed trial; none yet");
        return 0;
    }
    int b = hb_bracket(&s, h->study_name, cur->number);
    ws_history_view view;
    memset(&view, 0, sizeof view);
    view.h = *h;
    if (bracket_view(&s, h, b, &view, e)) return -1;
    int rc = ws_halving_should_prune(s.min_resource, s.eta, b, cfg->bootstrap_count, &view.h, cur, out, e);
    ws_history_view_release(&view);
    if (!rc) {
        char tmp[sizeof out->reason];
        snprintf(tmp, sizeof tmp, "bracket %d of %d: %.200s", b, s.n_brackets, out->reason);
        memcpy(out->reason, tmp, sizeof tmp);
    }
    return rc;
}
