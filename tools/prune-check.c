/* prune-check — records a trial's intermediate value and asks the study's pruner whether to
 * stop the trial: exit 0 "yes, prune it", exit 1 "no, keep training", 2 on bad input. The
 * report is one short write transaction, the decision a read without a lock, and any state the
 * pruner keeps (ASHA's rungs) another short write, made only while the trial still runs
 * (lib/study/prune.c, shared with train-trial). The trial stays RUNNING: the trainer stops and
 * tells PRUNED, as with Optuna's should_prune(). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/cli.h"
#include "core/json.h"
#include "core/parse.h"
#include "pruner/pruner.h"
#include "space/config.h"
#include "store/store.h"
#include "study/finished.h"
#include "study/prune.h"

static void usage(void)
{
    printf("Usage: prune-check --db URL --study NAME --trial N --step K --value V\n"
           "Record intermediate value V of trial N at step K and ask the study's pruner whether\n"
           "to stop the trial. Prints {\"study\",\"trial\",\"step\",\"value\",\"prune\",\"reason\"}.\n\n"
           "  --db URL        study database\n"
           "  --study NAME    study name\n"
           "  --trial N       trial number (a RUNNING trial)\n"
           "  --step K        step (epoch) of the value, an integer >= 0\n"
           "  --value V       the intermediate value, once (a number; nan and inf are accepted)\n"
           "  -h, --help      show this help;  --version  show the version\n"
           "Each option is given once (a second is refused).\n\n"
           "Exit status: 0 prune the trial, 1 keep training, 2 usage or input error, 3 internal error.\n");
}

int main(int argc, char **argv)
{
    ws_cli_init(argv[0]);
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'}, {"study", required_argument, 0, 's'}, {"trial", required_argument, 0, 't'},
        {"step", required_argument, 0, 'k'}, {"value", required_argument, 0, 'v'}, {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'}, {0, 0, 0, 0}};
    const char *db = NULL, *study = NULL;
    long number = -1, step = -1;
    double value = NAN;
    int has_value = 0, o;
    ws_err e = {0};
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (o) {
        case 'd': ws_cli_once("db", db != NULL, "the trial is in one study database"); db = optarg; break;
        case 's': ws_cli_once("study", study != NULL, "the trial is of one study"); study = optarg; break;
        case 't': ws_cli_once("trial", number >= 0, "a value is one trial's");
                  if (ws_parse_long_range(optarg, "--trial", 0, INT32_MAX, &number, &e)) ws_cli_usage_error("%s", e.msg);
                  break;
        case 'k': ws_cli_once("step", step >= 0, "a value is reported at one step");
                  if (ws_parse_long_range(optarg, "--step", 0, INT64_MAX, &step, &e)) ws_cli_usage_error("%s", e.msg);
                  break;
        case 'v': /* one float, as Optuna's trial.report takes: a second replaced the first in silence */
                  ws_cli_once("value", has_value, "a step has one intermediate value");
                  if (ws_parse_double(optarg, "--value", &value, &e)) ws_cli_usage_error("%s", e.msg);
                  has_value = 1; break;
        case 'h': usage(); return ws_cli_finish(0);
        case 'V': ws_cli_version();
        default: ws_cli_option_error(o, argv, opts);
        }
    }
    if (optind < argc) ws_cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!db || !study || number < 0 || step < 0 || !has_value)
        ws_cli_usage_error("--db, --study, --trial, --step and --value are required");

    ws_store *s = NULL;
    ws_study st;
    ws_config cfg = {0};
    ws_pruner_cfg pruner;
    ws_prune_decision d = {0};
    int rc = 0, found, stored = 0;
    memset(&pruner, 0, sizeof pruner);
    if (ws_store_open(&s, db, 0, &e) || ws_store_study_find(s, study, &st, &e)
        || ws_store_study_config(s, &st, &cfg, &found, &e))
        goto fail;
    /* named as ws_store_study_config names the config it read: "study config" alone did not
     * say which study's, nor in which file */
    if (ws_pruner_parse(&pruner, found ? cfg.pruner : NULL, "study config", &e)) {
        ws_err_prefix(&e, "%s: study '%s'", ws_store_path(s), st.name);
        goto fail;
    }
    if (study_report_and_prune(s, &st, (int)number, step, value, &pruner, &d, &stored, &value, &e)) {
        study_say_finished(s, &st, (int)number, &e);
        goto fail;
    }
    if (!stored) ws_cli_warn("trial %ld: step %ld was already reported; the first value is kept (as in Optuna)", number, step);
    json_t *line = json_pack("{s:s,s:i,s:I,s:o,s:b,s:s}", "study", st.name, "trial", (int)number, "step", (json_int_t)step,
                             "value", ws_json_number_capped(value), "prune", d.prune, "reason", d.reason);
    ws_json_print_line(stdout, line);
    json_decref(line);
    rc = d.prune ? 0 : 1;
    goto out;
fail:
    rc = ws_cli_report(&e);
out:
    ws_prune_decision_release(&d);
    ws_pruner_cfg_release(&pruner);
    ws_config_release(&cfg);
    ws_store_close(s);
    return ws_cli_finish(rc);
}
