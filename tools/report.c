/* report — shows a study: trials best first as a text table, JSON, JSON lines, CSV or a
 * self-contained HTML page with SVG plots, each with the parameter importance (PED-ANOVA), the
 * time breakdown and gpu-monitor's utilization; --best prints the best trial as a trial line
 * (what `suggest --fixed` takes). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/cli.h"
#include "core/json.h"
#include "report/analysis.h"
#include "report/html.h"
#include "report/summary.h"
#include "space/config.h"
#include "store/store.h"
#include "store/trial_json.h"

static void usage(void)
{
    printf("Usage: report --db FILE [--study NAME] [--format text|json|jsonl|csv|html] [--best]\n"
           "Show the trials of a study, best first, with parameter importance (PED-ANOVA), where\n"
           "the time went and gpu-monitor's utilization.\n\n"
           "  --db FILE        study database\n"
           "  --study NAME     study name (may be left out when the database holds one study)\n"
           "  --format FORMAT  text (default), json (one object for the study), jsonl (one line\n"
           "                   per trial), csv, or html (one self-contained page with SVG plots)\n"
           "  --best           print only the best trial as a trial line\n"
           "                   {\"study\",\"trial\",\"state\",\"value\",\"params\"}; exit 1 when no trial\n"
           "                   has completed yet\n"
           "  -h, --help       show this help;  --version  show the version\n\n"
           "Exit status: 0 success, 1 --best with no completed trial, 2 usage or input error,\n"
           "3 internal error.\n");
}

/* The study to report: --study, or the only one in the database. */
static int pick_study(ws_store *s, const char *name, ws_study *st, ws_err *e)
{
    if (name) return ws_store_study_find(s, name, st, e);
    json_t *names;
    if (ws_store_study_names(s, &names, e)) return -1;
    int rc;
    if (json_array_size(names) == 1) rc = ws_store_study_find(s, json_string_value(json_array_get(names, 0)), st, e);
    else if (json_array_size(names) == 0) rc = ws_err_set(e, WS_EINPUT, "%s: holds no study", ws_store_path(s));
    else {
        char *list = ws_json_dump(names, 0);
        rc = ws_err_set(e, WS_EINPUT, "%s: holds several studies %s: choose one with --study", ws_store_path(s), list);
        free(list);
    }
    json_decref(names);
    return rc;
}

int main(int argc, char **argv)
{
    ws_cli_init(argv[0]);
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'}, {"study", required_argument, 0, 's'}, {"format", required_argument, 0, 'f'},
        {"best", no_argument, 0, 'b'}, {"help", no_argument, 0, 'h'}, {"version", no_argument, 0, 'V'}, {0, 0, 0, 0}};
    const char *db = NULL, *study = NULL, *format = "text";
    int best = 0, o;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'd': db = optarg; break;
        case 's': study = optarg; break;
        case 'f': format = optarg; break;
        case 'b': best = 1; break;
        case 'h': usage(); return ws_cli_finish(0);
        case 'V': ws_cli_version();
        default: ws_cli_usage_error("unknown option");
        }
    }
    if (optind < argc) ws_cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!db) ws_cli_usage_error("--db is required");
    if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "jsonl") && strcmp(format, "csv")
        && strcmp(format, "html"))
        ws_cli_usage_error("--format: expected text, json, jsonl, csv or html, got '%s'", format);

    ws_err e = {0};
    ws_store *s = NULL;
    ws_study st;
    ws_trial_list trials = {0};
    ws_summary sum = {0};
    ws_config cfg = {0};
    ws_analysis an = {0};
    int rc = 0, has_cfg = 0, has_an = 0;
    if (ws_store_open(&s, db, 0, &e) || pick_study(s, study, &st, &e)
        || ws_store_trials_load(s, &st, WS_LOAD_ALL, &trials, &e) || ws_summary_build(&sum, st.name, st.direction, &trials, &e))
        goto fail;
    if (!best) {
        ws_err ce = {0};
        if (ws_store_study_config(s, &st, &cfg, &has_cfg, &ce)) {   /* the report goes on without it */
            ws_cli_warn("%s", ce.msg);
            has_cfg = 0;
        }
        has_an = 1;   /* released even when building fails half way */
        if (ws_analysis_build(&an, &sum, has_cfg ? &cfg : NULL, ws_store_path(s), st.id, &e)) goto fail;
        sum.an = &an;
        if (!strncmp(an.util_note, "cannot", 6)) ws_cli_warn("%s", an.util_note);
    }
    if (best) {
        if (!sum.best) { ws_cli_warn("study '%s': no completed trial yet", st.name); rc = 1; goto out; }
        json_t *line = json_pack("{s:s,s:i,s:s,s:o,s:o}", "study", st.name, "trial", sum.best->number, "state", "COMPLETE",
                                 "value", ws_json_number(sum.best->value),
                                 "params", ws_params_json(sum.best->params, sum.best->n_params));
        ws_json_print_line(stdout, line);
        json_decref(line);
    } else if (!strcmp(format, "json")) {
        json_t *j = ws_summary_json(&sum);
        ws_json_print_line(stdout, j);
        json_decref(j);
    } else if (!strcmp(format, "jsonl")) {
        for (size_t i = 0; i < trials.n; i++) {
            json_t *j = ws_summary_trial_json_at(&sum, sum.order[i]);
            ws_json_print_line(stdout, j);
            json_decref(j);
        }
    } else if (!strcmp(format, "csv")) ws_report_csv(stdout, &sum);
    else if (!strcmp(format, "html")) ws_report_html(stdout, &sum, ws_store_path(s));
    else ws_report_text(stdout, &sum);
    goto out;
fail:
    rc = ws_cli_report(&e);
out:
    if (has_an) ws_analysis_release(&an);
    if (has_cfg) ws_config_release(&cfg);
    ws_summary_release(&sum);
    ws_trial_list_free(&trials);
    ws_store_close(s);
    return ws_cli_finish(rc);
}
