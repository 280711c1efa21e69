/* tell — finishes a trial from any trainer (Optuna's ask/tell for scripts in any language):
 * COMPLETE with its value, PRUNED (without a value it takes the last intermediate value, as
 * Optuna does) or FAIL, with an optional reason and constraint values; or as train-trial's
 * result line says (--result), with what train-trial's finish stores besides (its metrics,
 * seconds and steps: trainer/result_store.h). A finished trial is never changed again: telling
 * it twice is an error and leaves it as it was. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/cli.h"
#include "core/json.h"
#include "core/parse.h"
#include "store/store.h"
#include "space/config.h"
#include "study/finished.h"
#include "trainer/result_store.h"

static void usage(void)
{
    printf("Usage: tell --db URL --study NAME --trial N --state complete|pruned|fail [OPTIONS]\n"
           "       tell --db URL --result FILE [--study NAME] [--trial N]\n"
           "Finish a RUNNING trial and print its result line {\"study\",\"trial\",\"state\",\"value\",\"reason\"}.\n\n"
           "  --db URL             study database\n"
           "  --study NAME         study name\n"
           "  --trial N            trial number\n"
           "  --state STATE        complete, pruned or fail (any case; Optuna's CLI takes lower case)\n"
           "  --value V            objective value, once (required for complete; a NaN value makes the\n"
           "                       trial FAIL, as Optuna's tell without a state; pruned without it\n"
           "                       takes the last intermediate value, with it keeps it (Optuna refuses\n"
           "                       one there), and with a NaN value keeps none; refused with fail,\n"
           "                       as in Optuna)\n"
           "  --reason TEXT        why the trial ended (kept as the trial attribute wakesweep:reason)\n"
           "  --constraint V       a constraint value, feasible iff <= 0 (repeatable; kept where\n"
           "                       Optuna keeps them, the system attribute \"constraints\"; inf is\n"
           "                       kept as the largest double, NaN refused, none kept on a trial\n"
           "                       that ends FAIL, as Optuna does)\n"
           "  --result FILE        finish the trial as train-trial's result line in FILE (- for stdin)\n"
           "                       says: the study, trial, state, value, constraints and reason it\n"
           "                       holds, and its metrics, seconds and epochs (as steps_trained), the\n"
           "                       study's rows as if train-trial had stored it (its exit status 3:\n"
           "                       the study could not be written); --study and --trial, if given,\n"
           "                       must be the line's; --state, --value, --reason and --constraint\n"
           "                       are refused with it\n"
           "  -h, --help           show this help;  --version  show the version\n"
           "Each option but --constraint is given once (a second is refused).\n\n"
           "Exit status: 0 success, 2 usage or input error (including a trial already finished, or\n"
           "still WAITING: queued, not yet handed out by suggest), 3 internal error.\n");
}

/* --result's line, its study and trial checked against --study and --trial where given: 0, or
 * -1 with e set (WS_EINPUT). */
static int result_of(const char *path, const char **study, long *number, json_t **line, trainer_result *r,
                     double *epochs, ws_err *e)
{
    const char *where = strcmp(path, "-") ? path : "stdin", *of;
    int n;
    *line = ws_json_read_one(path, "result line", "tell records one (one tell per line)", e);
    if (!*line || trainer_result_read(*line, where, &of, &n, r, epochs, e)) return -1;
    if (*study && strcmp(*study, of))
        return ws_err_set(e, WS_EINPUT, "%s: the line is of study '%s', not --study '%s'", where, of, *study);
    if (*number >= 0 && *number != n)
        return ws_err_set(e, WS_EINPUT, "%s: the line is of trial %d, not --trial %ld", where, n, *number);
    *study = of;
    *number = n;
    return 0;
}

/* The parts trained of --result's epochs: they are in the study's validations per epoch
 * (budget.validations_per_epoch), as train-trial counted them; 1 without a config (as
 * --result-of reads them back). */
static long steps_of(ws_store *s, const ws_study *st, double epochs)
{
    return trainer_result_steps(epochs, isnan(epochs) ? 1 : trainer_steps_per_epoch(s, st));
}

int main(int argc, char **argv)
{
    ws_cli_init(argv[0]);
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'}, {"study", required_argument, 0, 's'}, {"trial", required_argument, 0, 't'},
        {"state", required_argument, 0, 'S'}, {"value", required_argument, 0, 'v'}, {"reason", required_argument, 0, 'r'},
        {"constraint", required_argument, 0, 'C'}, {"result", required_argument, 0, 'R'}, {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'}, {0, 0, 0, 0}};
    const char *db = NULL, *study = NULL, *reason = NULL, *state_text = NULL, *result_path = NULL;
    long number = -1;
    double value = NAN;
    int has_value = 0, o;
    json_t *constraints = json_array();
    ws_err e = {0};
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        double c;
        switch (o) {
        case 'd': ws_cli_once("db", db != NULL, "the trial is in one study database"); db = optarg; break;
        case 's': ws_cli_once("study", study != NULL, "the trial is of one study"); study = optarg; break;
        case 't': ws_cli_once("trial", number >= 0, "tell finishes one trial");
                  if (ws_parse_long_range(optarg, "--trial", 0, INT32_MAX, &number, &e)) ws_cli_usage_error("%s", e.msg);
                  break;
        case 'S': ws_cli_once("state", state_text != NULL, "a trial ends in one state"); state_text = optarg; break;
        case 'v': /* as Optuna's tell: as many values as the study has objectives, here one */
                  ws_cli_once("value", has_value, "the study has one objective, so one value");
                  if (ws_parse_double(optarg, "--value", &value, &e)) ws_cli_usage_error("%s", e.msg);
                  has_value = 1; break;
        case 'r': ws_cli_once("reason", reason != NULL, "a trial keeps one reason");
                  reason = ws_cli_utf8_arg("reason", optarg); break;
        case 'C': if (ws_parse_double(optarg, "--constraint", &c, &e)) ws_cli_usage_error("%s", e.msg);
                  /* as Optuna: NaN refused; inf (infeasible) kept, as its capped stand-in */
                  if (isnan(c)) ws_cli_usage_error("--constraint: NaN is not a constraint value (> 0 infeasible, <= 0 feasible)");
                  json_array_append_new(constraints, ws_json_real_capped(c)); break;
        case 'R': ws_cli_once("result", result_path != NULL, "tell records one result line"); result_path = optarg; break;
        case 'h': usage(); json_decref(constraints); return ws_cli_finish(0);
        case 'V': ws_cli_version();
        default: ws_cli_option_error(o, argv, opts);
        }
    }
    if (optind < argc) ws_cli_usage_error("unexpected argument '%s'", argv[optind]);
    /* --result: the line says what the options would, and more; the two together could disagree */
    const char *given = state_text ? "state" : has_value ? "value" : reason ? "reason" : json_array_size(constraints) ? "constraint" : NULL;
    if (result_path && given) ws_cli_usage_error("--%s and --result: the result line holds the %s (give one or the other)", given, given);
    if (result_path && !db) ws_cli_usage_error("--db is required");
    if (!result_path && (!db || !study || number < 0 || !state_text))
        ws_cli_usage_error("--db, --study, --trial and --state are required (or --db and --result)");
    ws_state state = WS_FAIL;
    if (!result_path && (ws_state_parse(state_text, &state) || state == WS_RUNNING || state == WS_WAITING))
        ws_cli_usage_error("--state: expected complete, pruned or fail, got '%s'", state_text);
    if (!result_path && state == WS_COMPLETE && !has_value) ws_cli_usage_error("--state complete needs --value");
    if (!result_path && state == WS_FAIL && has_value)
        ws_cli_usage_error("--state fail takes no --value (a failed trial keeps none, as in Optuna)");

    ws_store *s = NULL;
    ws_study st;
    ws_trial t = {0};
    json_t *line = NULL, *why = NULL;
    trainer_result r = {.steps = -1};
    double epochs = NAN;
    int rc = 0;
    if (result_path && result_of(result_path, &study, &number, &line, &r, &epochs, &e)) goto fail;
    /* the line's study not in the database: said as the line's field, as its other errors are */
    char from[4200];
    if (result_path) snprintf(from, sizeof from, "%s: \"study\"", strcmp(result_path, "-") ? result_path : "stdin");
    if (ws_store_open(&s, db, 0, &e)
        || (result_path ? ws_store_study_named(s, study, from, &st, &e) : ws_store_study_find(s, study, &st, &e))
        || ws_store_trial_load(s, &st, (int)number, WS_LOAD_IVS, &t, &e))
        goto fail;
    if (result_path) {   /* as the line says, as train-trial's finish would have stored it */
        state = r.state;
        has_value = r.has_value;
        value = r.value;
        reason = json_string_value(r.reason);
        size_t i;
        json_t *c;
        json_array_foreach(r.constraints, i, c) json_array_append(constraints, c);
        r.steps = steps_of(s, &st, epochs);
    } else if (state == WS_COMPLETE && isnan(value)) {
        ws_cli_warn("trial %ld: value is NaN, the trial is marked FAIL (as Optuna does)", number);
        state = WS_FAIL;
        if (!reason) reason = "value is NaN";
    }
    if (!result_path && state == WS_PRUNED && has_value && isnan(value)) {
        /* Optuna's trial_values has no NaN type; a pruned trial whose last intermediate value is
         * NaN keeps no value there, and so does one told NaN here (not the last value either). */
        ws_cli_warn("trial %ld: value is NaN, the pruned trial keeps no value (as Optuna does)", number);
        has_value = 0;
    } else if (!result_path && state == WS_PRUNED && !has_value && t.n_ivs && !isnan(t.ivs[t.n_ivs - 1].value)) {
        value = t.ivs[t.n_ivs - 1].value;
        has_value = 1;
    }
    if (state == WS_FAIL) has_value = 0;   /* Optuna keeps no value for failed trials */
    /* nor constraints (_process_constraints_after_trial skips FAIL): kept, they would make a
     * study without constraints read as one with them, its complete trials infeasible */
    if (state == WS_FAIL && json_array_size(constraints)) {
        ws_cli_warn("trial %ld: a failed trial keeps no constraint values (as in Optuna)", number);
        json_array_clear(constraints);
    }
    why = reason ? json_string(reason) : NULL;
    r.state = state;
    r.has_value = has_value;
    r.value = value;
    r.constraints = constraints;
    r.reason = why;
    if (ws_store_begin(s, &e)) goto fail;
    if (trainer_result_store(s, t.trial_id, &r, &e)) goto rollback;
    if (ws_store_commit(s, &e)) goto fail;
    json_t *out = json_pack("{s:s,s:i,s:s,s:o,s:o}", "study", st.name, "trial", (int)number, "state",
                            ws_state_name(state), "value", has_value ? ws_json_number_capped(value) : json_null(),
                            "reason", reason ? json_string(reason) : json_null());
    ws_json_print_line(stdout, out);
    json_decref(out);
    goto out;
rollback:
    ws_store_rollback(s);
    study_say_finished(s, &st, (int)number, &e);
fail:
    rc = ws_cli_report(&e);
out:
    ws_trial_release(&t);
    json_decref(why);
    json_decref(line);
    json_decref(constraints);
    ws_store_close(s);
    return ws_cli_finish(rc);
}
