/* table.c — the text table and CSV forms of a study summary. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "report/summary.h"

/* Names of all params in first-seen order (trials by number), as a JSON array. */
static json_t *param_names(const ws_summary *s)
{
    json_t *names = json_array(), *seen = json_object();
    for (size_t i = 0; i < s->trials->n; i++)
        for (size_t k = 0; k < s->trials->v[i].n_params; k++) {
            const char *n = s->trials->v[i].params[k].name;
            if (json_object_get(seen, n)) continue;
            json_object_set_new(seen, n, json_true());
            json_array_append_new(names, json_string(n));
        }
    json_decref(seen);
    return names;
}

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
    json_t *names = param_names(s);
    fputs("trial,state,value,duration_s", f);
    size_t i;
    json_t *n;
    json_array_foreach(names, i, n) { fputc(',', f); put_csv_field(f, json_string_value(n)); }
    fputs(",reason\n", f);
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
        char *why = scalar_text(json_object_get(t, "reason"));
        fputc(',', f);
        put_csv_field(f, why ? why : "");
        fputc('\n', f);
        free(why);
        json_decref(t);
    }
    json_decref(names);
    return fflush(f) ? -1 : 0;
}

int ws_report_text(FILE *f, const ws_summary *s)
{
    fprintf(f, "study %s (%s): %zu trials: %zu complete, %zu pruned, %zu running, %zu waiting, %zu failed\n",
            s->study, s->direction > 0 ? "maximize" : "minimize", s->trials->n, s->n_state[WS_COMPLETE],
            s->n_state[WS_PRUNED], s->n_state[WS_RUNNING], s->n_state[WS_WAITING], s->n_state[WS_FAIL]);
    if (s->best) fprintf(f, "best: trial %d, value %.6g\n", s->best->number, s->best->value);
    fprintf(f, "%6s  %-8s  %12s  %9s  %s\n", "trial", "state", "value", "seconds", "params");
    for (size_t r = 0; r < s->trials->n; r++) {
        const ws_trial *t = &s->trials->v[s->order[r]];
        char value[32] = "-", secs[32] = "-";
        if (t->has_value) snprintf(value, sizeof value, "%.6g", t->value);
        double d = t->t_complete - t->t_start;
        if (isfinite(d)) snprintf(secs, sizeof secs, "%.2f", d);
        fprintf(f, "%6d  %-8s  %12s  %9s ", t->number, ws_state_name(t->state), value, secs);
        for (size_t k = 0; k < t->n_params; k++) {
            json_t *v = ws_dist_external(&t->params[k].dist, t->params[k].internal);
            char *x = v && json_is_real(v) ? NULL : scalar_text(v);
            if (x) fprintf(f, " %s=%s", t->params[k].name, x);
            else fprintf(f, " %s=%.4g", t->params[k].name, json_real_value(v));
            free(x);
            json_decref(v);
        }
        fputc('\n', f);
    }
    return fflush(f) ? -1 : 0;
}
