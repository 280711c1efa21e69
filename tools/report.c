/* report — shows a study: trials best first as a text table, JSON, JSON lines, CSV or a
 * self-contained HTML page with SVG plots, each with the parameter importance (PED-ANOVA), the
 * time breakdown and gpu-monitor's utilization; --best prints the best trial as one JSON line
 * (what `suggest --fixed` takes). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/cli.h"
#include "core/json.h"
#include "report/analysis.h"
#include "report/html.h"
#include "report/param_order.h"
#include "report/summary.h"
#include "space/config.h"
#include "store/store.h"
#include "store/trial_json.h"

static void usage(void)
{
    printf("Usage: report --db URL [--study NAME]... [--format text|json|jsonl|csv|html] [--best]\n"
           "Show the trials of a study, best first, with parameter importance (PED-ANOVA), where\n"
           "the time went and gpu-monitor's utilization. Only reads the study.\n\n"
           "  --db URL         study database: a path, sqlite:///path or\n"
           "                   postgresql://user@host:port/db\n"
           "  --study NAME     study name (may be left out when the database holds one study);\n"
           "                   repeated: the studies one after the other (text: the reports\n"
           "                   separated by a blank line, json: a line per study, jsonl: each\n"
           "                   study's trial lines in turn, html: one page), e.g. the two\n"
           "                   stages of make staged\n"
           "  --format FORMAT  text (default), json (one object for the study), jsonl (one line\n"
           "                   per trial, its \"study\" first, as every tool's JSON lines), csv,\n"
           "                   or html (one self-contained page with SVG plots)\n"
           "  --best           print only the best feasible complete trial as one JSON line\n"
           "                   {\"study\",\"trial\",\"state\",\"value\",\"params\"}; exit 1 when no\n"
           "                   feasible trial has completed yet; with --format json or jsonl\n"
           "                   only (the same line), not text, csv or html\n"
           "  -h, --help       show this help;  --version  show the version\n"
           "--db is given once (a second is refused).\n\n"
           "Exit status: 0 success, 1 --best with no feasible completed trial, 2 usage or input error,\n"
           "3 internal error.\n");
}

/* One study's trials, summary and (unless --best) config and analysis. */
typedef struct {
    ws_study st;
    ws_trial_list trials;
    ws_summary sum;
    ws_config cfg;
    ws_analysis an;
    int has_cfg, has_an;
} study_view;

static int view_load(ws_store *s, const char *name, int best, study_view *v, ws_err *e)
{
    if (ws_store_study_pick(s, name, &v->st, NULL, e) || ws_store_trials_load(s, &v->st, WS_LOAD_ALL, &v->trials, e))
        return -1;
    ws_err ce = {0};
    if (ws_store_study_config(s, &v->st, &v->cfg, &v->has_cfg, &ce)) {   /* the report goes on without it */
        if (!best) ws_cli_warn("%s", ce.msg);   /* --best's line needs it only for its params' order */
        v->has_cfg = 0;
    }
    /* every trial's params in one order, for every form (report/param_order.h) */
    json_t *order = ws_param_order(&v->trials, v->has_cfg ? &v->cfg : NULL);
    int rc = !order || ws_param_order_apply(&v->trials, order);
    json_decref(order);
    if (rc) return ws_err_set(e, WS_ENOMEM, "out of memory");
    if (ws_summary_build(&v->sum, v->st.name, v->st.direction, &v->trials, e)) return -1;
    if (best) return 0;
    if (v->has_cfg) {
        v->sum.steps_per_epoch = v->cfg.validations_per_epoch;
        v->sum.fine_epochs = v->cfg.fine_epochs;
        v->sum.fine_steps = v->cfg.fine_steps;
        v->sum.n_fine_steps = v->cfg.n_fine_steps;
    }
    /* the heartbeats through the store, on either backend: a PostgreSQL study has no SQLite file
     * beside the samples to read them from */
    double *beats = malloc((v->trials.n ? v->trials.n : 1) * sizeof *beats);
    if (!beats) return ws_err_set(e, WS_ENOMEM, "out of memory");
    if (ws_store_trial_heartbeats(s, &v->st, &v->trials, beats, e)) { free(beats); return -1; }
    v->has_an = 1;   /* released even when building fails half way */
    rc = ws_analysis_build(&v->an, &v->sum, v->has_cfg ? &v->cfg : NULL, ws_store_path(s), v->st.id, beats, e);
    free(beats);
    if (rc) return -1;
    v->sum.an = &v->an;
    if (!strncmp(v->an.util_note, "cannot", 6)) ws_cli_warn("%s", v->an.util_note);
    return 0;
}

static void view_release(study_view *v)
{
    if (v->has_an) ws_analysis_release(&v->an);
    if (v->has_cfg) ws_config_release(&v->cfg);
    ws_summary_release(&v->sum);
    ws_trial_list_free(&v->trials);
}

enum { MAX_STUDIES = 16 };

int main(int argc, char **argv)
{
    ws_cli_init(argv[0]);
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'}, {"study", required_argument, 0, 's'}, {"format", required_argument, 0, 'f'},
        {"best", no_argument, 0, 'b'}, {"help", no_argument, 0, 'h'}, {"version", no_argument, 0, 'V'}, {0, 0, 0, 0}};
    const char *db = NULL, *names[MAX_STUDIES], *format = "text";
    size_t n_names = 0;
    int best = 0, format_given = 0, o;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (o) {
        /* one database, taken once (ws_cli_once): getopt kept the last, so `--db a.db --db b.db`
         * showed b.db without a word; --study is repeatable (several studies of it), --format a
         * setting restated, the last one counts */
        case 'd': ws_cli_once("db", db != NULL, "the studies are read from one database (run report once for each)");
                  db = optarg; break;
        case 's': {
            /* a study named again is shown once, where first named (`--study a --study a` printed
             * a twice, and a csv or --best of it was refused as two studies) */
            int again = 0;
            for (size_t k = 0; k < n_names && !again; k++) again = !strcmp(names[k], optarg);
            if (again) break;
            if (n_names == MAX_STUDIES) ws_cli_usage_error("--study: at most %d studies", MAX_STUDIES);
            names[n_names++] = optarg;
            break;
        }
        case 'f': format = optarg; format_given = 1; break;
        case 'b': best = 1; break;
        case 'h': usage(); return ws_cli_finish(0);
        case 'V': ws_cli_version();
        default: ws_cli_option_error(o, argv, opts);
        }
    }
    if (optind < argc) ws_cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!db) ws_cli_usage_error("--db is required");
    if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "jsonl") && strcmp(format, "csv")
        && strcmp(format, "html"))
        ws_cli_usage_error("--format: expected text, json, jsonl, csv or html, got '%s'", format);
    if (best && format_given && strcmp(format, "json") && strcmp(format, "jsonl"))
        ws_cli_usage_error("--best prints one JSON line: --format %s does not go with it (leave --format out, or "
                           "give json or jsonl)", format);
    if (n_names > 1 && (best || !strcmp(format, "csv")))
        ws_cli_usage_error("several --study: only with --format text, json, jsonl or html (not %s)", best ? "--best" : format);

    ws_err e = {0};
    ws_store *s = NULL;
    study_view views[MAX_STUDIES];
    size_t n = n_names ? n_names : 1, loaded = 0;
    memset(views, 0, sizeof views);
    int rc = 0;
    if (ws_store_open(&s, db, WS_STORE_READ, &e)) goto fail;
    for (; loaded < n; loaded++)
        if (view_load(s, n_names ? names[loaded] : NULL, best, &views[loaded], &e)) { loaded++; goto fail; }
    const ws_summary *sums[MAX_STUDIES];
    for (size_t k = 0; k < n; k++) sums[k] = &views[k].sum;
    if (best) {
        const ws_summary *sum = sums[0];
        if (!sum->best) {
            ws_cli_warn("study '%s': no best trial: %s (%zu complete)", views[0].st.name, ws_summary_why_no_best(sum),
                        sum->n_state[WS_COMPLETE]);
            rc = 1;
            goto out;
        }
        json_t *line = json_pack("{s:s,s:i,s:s,s:o,s:o}", "study", views[0].st.name, "trial", sum->best->number,
                                 "state", "COMPLETE", "value", ws_json_number_capped(sum->best->value),
                                 "params", ws_params_json(sum->best->params, sum->best->n_params));
        ws_json_print_line(stdout, line);
        json_decref(line);
    } else if (!strcmp(format, "json")) {
        for (size_t k = 0; k < n; k++) ws_summary_json_print(stdout, sums[k]);   /* one object per study, one per line */
    } else if (!strcmp(format, "jsonl")) {
        /* each line names its study first, as suggest's, train-trial's and tell's lines do (the
         * json form's trials are inside their study's object), so that the lines of several
         * studies, or of report runs on several files, stay told apart through jq */
        for (size_t k = 0; k < n; k++)
            for (size_t i = 0; i < views[k].trials.n; i++) {
                json_t *j = json_pack("{s:s}", "study", sums[k]->study);
                json_t *t = ws_summary_trial_json_at(sums[k], sums[k]->order[i]);
                if (!j || !t || json_object_update(j, t)) {
                    json_decref(j);
                    json_decref(t);
                    ws_err_set(&e, WS_ENOMEM, "out of memory");
                    goto fail;
                }
                ws_json_print_line(stdout, j);
                json_decref(j);
                json_decref(t);
            }
    } else if (!strcmp(format, "csv")) ws_report_csv(stdout, sums[0]);
    else if (!strcmp(format, "html")) ws_report_html_studies(stdout, sums, n, ws_store_path(s));
    else
        for (size_t k = 0; k < n; k++) {
            if (k) fputc('\n', stdout);
            ws_report_text(stdout, sums[k]);
        }
    goto out;
fail:
    rc = ws_cli_report(&e);
out:
    for (size_t k = 0; k < loaded; k++) view_release(&views[k]);
    ws_store_close(s);
    return ws_cli_finish(rc);
}
