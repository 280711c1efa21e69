/* train-trial — trains one trial of a study: reads a trial line (from suggest), trains on the
 * feature cache, reports every validation to the study (where the pruner may stop it), keeps
 * the best weights, finishes the trial and prints its result line. With --evaluate, prints the
 * metrics of a saved checkpoint on a cache instead. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/cli.h"
#include "core/json.h"
#include "core/parse.h"
#include "core/text.h"
#include "nn/nn.h"
#include "store/store.h"
#include "trainer/best.h"
#include "trainer/trainer.h"

static void usage(void)
{
    printf("Usage: train-trial --db URL --features CACHE [OPTIONS] [TRIAL_FILE|-]\n"
           "       train-trial --probe-batch --db URL --features CACHE [--device DEV] [--precision P]\n"
           "                   [--threads N] [--grow-threads N] [--keep WHAT] [TRIAL_FILE|-]\n"
           "       train-trial --evaluate CKPT --features CACHE [--device cpu] [--split SPLIT] [--max-fpr P] [--threads N]\n"
           "                   [--quiet]\n"
           "       train-trial --db URL [--study NAME] --result-of TAG [--ckpt-dir DIR] [--quiet]\n"
           "Train the trial in TRIAL_FILE (a trial line from suggest; default stdin) and print its\n"
           "result line {\"study\",\"trial\",\"state\",\"value\",\"metrics\",\"constraints\",\"epochs\",\"best_epoch\",\n"
           "\"seconds\",\"reason\"}.\n\n"
           "  --db URL           study database (the trial must be RUNNING in it)\n"
           "  --features CACHE   feature cache made by featurize with the study's feature settings\n"
           "                     and of the data its trials trained on (the first records it)\n"
           "  --device DEV       auto (default: a CUDA GPU when there is one, else the CPU), cpu\n"
           "                     or cuda (exit 2 when there is no GPU at all)\n"
           "  --precision P      GEMM precision on CUDA: tf32 (default), fp32 or bf16\n"
           "  --probe-batch      print the largest batch of the trial's model that fits on the\n"
           "                     device (a JSON line) instead of training; on the CPU for the\n"
           "                     run --threads, --grow-threads and --keep describe (as in training)\n"
           "  --threads N        threads for this trial (default: WS_THREADS, else all cores);\n"
           "                     with make -jJ give each trial cores / J\n"
           "  --grow-threads N   train on N threads instead while no other trial of the study is\n"
           "                     RUNNING or WAITING (the end of a sweep: cores left idle), back\n"
           "                     to --threads when one is; N >= --threads. The work is split N\n"
           "                     ways throughout, so the weights are those of --threads N,\n"
           "                     whether and whenever the trial grew\n"
           "  --max-seconds S    fail the trial when it runs longer than S seconds (0 or inf: no\n"
           "                     limit); looked at after each training and validation batch, so\n"
           "                     it may run over by the batch under way\n"
           "  --keep WHAT        best (default): keep the trial's best weights as trial-N.ckpt and\n"
           "                     the study's best as best.ckpt; none: keep no weights (a\n"
           "                     best.ckpt of its study there is still updated, and removed if\n"
           "                     this trial, which kept none, is the best)\n"
           "  --ckpt-dir DIR     where checkpoints go (default: the SQLite database's folder;\n"
           "                     with a PostgreSQL study, the working directory); a trial\n"
           "                     that keeps weights is refused (exit 2) where best.ckpt or its\n"
           "                     trial-N.ckpt there is another study's, or DIR/.study.json\n"
           "                     names another (one of the same name in another study file),\n"
           "                     or, with no .study.json yet, any trial-N.ckpt there is\n"
           "                     another study's: give each study its own; a study made anew\n"
           "                     at the store and name .study.json names takes DIR over,\n"
           "                     removing the old study's best.ckpt and trial-N.ckpt first\n"
           "                     (said on stderr, unless --quiet);\n"
           "                     with --result-of: also make DIR/best.ckpt the study's best trial's\n"
           "                     weights (its trial may have been killed before it copied them)\n"
           "  --result-of TAG    print the result line of the finished trial tagged TAG (suggest\n"
           "                     --tag) from the study, without training; exit 1 when there is none\n"
           "  --study NAME       with --result-of: the study to look in (may be left out when the\n"
           "                     database holds one study)\n"
           "  --evaluate CKPT    print the metrics of checkpoint CKPT on --features instead\n"
           "                     (on the CPU: --device auto or cuda, and --precision, are refused)\n"
           "  --split SPLIT      with --evaluate: train, validation, test (default) or all\n"
           "  --max-fpr P        with --evaluate: the operating point's false-positive limit\n"
           "                     (default: the trial's max_fpr, kept in the checkpoint; else 0.05)\n"
           "  -q, --quiet        no progress (a terminal's line per validation) or notes on stderr\n"
           "  -h, --help         show this help;  --version  the version and BLAS kernels\n"
           "--db, --features, --device, --ckpt-dir, --evaluate, --split, --result-of and --study are\n"
           "each given once (a second is refused).\n\n"
           "Exit status: 0 the trial ran (COMPLETE, PRUNED, or FAIL with its reason in the result\n"
           "line, also \"infeasible parameters: ...\" for params the study drew that are refused\n"
           "together, or \"out of memory: the model needs N MiB ...\" for a model past the\n"
           "memory the machine or its cgroup has in all, refused before it is built;\n"
           "--result-of: found); 1 --result-of found no finished trial with the tag;\n"
           "2 usage or input error (a bad trial line, also one whose params or seed are not the\n"
           "study's for the trial; a cache of another version, with a bad checksum, other\n"
           "feature settings or other data than the study's, --device cuda without a GPU, a\n"
           "checkpoint folder that cannot be written or whose best.ckpt, trial-N.ckpt or\n"
           ".study.json is another study's: the trial is marked FAIL and its params queued\n"
           "again; a trial finished by another process or trained by another train-trial: left\n"
           "as it is);\n"
           "3 internal error (also the study file deleted or replaced while the trial trained: its\n"
           "result is not stored, no result line; a study that cannot be written as the result is\n"
           "stored, a lock held past WS_DB_BUSY_S say: the result line is printed all the same,\n"
           "the trial left RUNNING, and the message ends with the tell command that records it;\n"
           "tell --db URL --result FILE records the line, saved as FILE, whole: its metrics too).\n");
}

/* The one trial line of path ("-": stdin): a line that jq pretty-printed, or blank lines around
 * it, read as well; a second (suggest --n 2 piped in) is refused rather than left RUNNING
 * unmentioned: one train-trial trains one trial. Not xargs -L1, as this said: xargs hands a line
 * over as an argument, its quotes stripped, and train-trial opened it as TRIAL_FILE; split feeds
 * each one on stdin. */
static json_t *read_line(const char *path, ws_err *e)
{
    return ws_json_read_one(path, "trial line", "train-trial trains one (one process per line: "
                            "suggest ... | split -l1 --filter='train-trial ...', or the sweep pipeline)", e);
}

int main(int argc, char **argv)
{
    double t0 = ws_mono_s();
    ws_cli_init(argv[0]);
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'}, {"features", required_argument, 0, 'f'}, {"device", required_argument, 0, 'D'},
        {"threads", required_argument, 0, 't'}, {"grow-threads", required_argument, 0, 'g'},
        {"max-seconds", required_argument, 0, 'm'}, {"keep", required_argument, 0, 'k'},
        {"ckpt-dir", required_argument, 0, 'c'}, {"evaluate", required_argument, 0, 'E'}, {"split", required_argument, 0, 's'},
        {"max-fpr", required_argument, 0, 'p'}, {"precision", required_argument, 0, 'P'},
        {"probe-batch", no_argument, 0, 'B'}, {"result-of", required_argument, 0, 'R'},
        {"study", required_argument, 0, 'S'}, {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'}, {0, 0, 0, 0}};
    trainer_opts o = {.keep_best = 1, .t_process_start = t0};
    const char *device = "auto", *evaluate = NULL, *split = "test", *result_of = NULL, *study = NULL, *precision_name = "tf32";
    int probe = 0, split_given = 0, device_given = 0, precision_given = 0, keep_given = 0;
    /* the first option given that only training reads, and the first that only a run on a
     * trial line and a cache reads (training, --probe-batch, --evaluate): refused below where
     * nothing reads it */
    const char *train_only = NULL, *cache_only = NULL;
    double max_fpr = NAN;   /* --evaluate: the checkpoint's own unless given */
    long threads = 0, grow_threads = 0;
    int opt;
    ws_err e = {0};
    /* An option that names a thing (the study, the cache, the device, the checkpoints' folder, the
     * checkpoint, its split, the tag and its study) is taken once (ws_cli_once), as tell's are:
     * getopt kept the last, so `--db a.db --db b.db` trained b.db's trial without a word. The
     * numbers, --keep, --precision and the flags stay getopt's last one: a setting restated. */
    while ((opt = getopt_long(argc, argv, ":qh", opts, NULL)) != -1) {
        switch (opt) {
        /* a URL naming no file (empty, sqlite:///, :memory:) is a command-line mistake, said
         * before the device: the store found it after the note "training on the CPU" */
        case 'd': { ws_cli_once("db", o.db != NULL, "the trial is in one study database");
                    const char *why = ws_store_url_no_file(optarg);
                    if (why) ws_cli_usage_error("--db: %s", why);
                    o.db = optarg;
                    break; }
        case 'f': ws_cli_once("features", o.features != NULL, "a trial trains, and a checkpoint is evaluated, on one cache");
                  /* empty: the trial fails with the reason (trainer/run.c), as before */
                  o.features = *optarg ? ws_cli_file_arg("features", optarg, "a feature cache is a file, which is mapped")
                                       : optarg;
                  if (!cache_only) cache_only = "--features";
                  break;
        case 'D': ws_cli_once("device", device_given, "a trial runs on one device");
                  device = optarg; device_given = 1; if (!cache_only) cache_only = "--device"; break;
        case 't': if (ws_parse_long_range(optarg, "--threads", 1, 1024, &threads, &e)) ws_cli_usage_error("%s", e.msg);
                  if (!cache_only) cache_only = "--threads";
                  break;
        case 'g': if (ws_parse_long_range(optarg, "--grow-threads", 1, 1024, &grow_threads, &e)) ws_cli_usage_error("%s", e.msg);
                  break;
        /* the parser's own message where it refuses (1e400: "write inf"), as inf is taken here */
        case 'm': if (!train_only) train_only = "--max-seconds";
                  if (ws_parse_double(optarg, "--max-seconds", &o.max_seconds, &e)) ws_cli_usage_error("%s", e.msg);
                  if (!(o.max_seconds >= 0))
                      ws_cli_usage_error("--max-seconds: expected seconds >= 0 (0 or inf: no limit), got '%s'", optarg);
                  break;
        case 'k': keep_given = 1;
                  if (!strcmp(optarg, "best")) o.keep_best = 1; else if (!strcmp(optarg, "none")) o.keep_best = 0;
                  else ws_cli_usage_error("--keep: expected best or none, got '%s'", optarg);
                  break;
        case 'c': ws_cli_once("ckpt-dir", o.ckpt_dir != NULL, "checkpoints go to one folder");
                  o.ckpt_dir = optarg; break;
        case 'E': ws_cli_once("evaluate", evaluate != NULL, "one checkpoint is evaluated (run train-trial once for each)");
                  evaluate = ws_cli_file_arg("evaluate", optarg, "a checkpoint is a file"); break;
        case 's': ws_cli_once("split", split_given, "a checkpoint is evaluated on one split (all: on every one)");
                  split = optarg; split_given = 1; break;
        case 'p': if (ws_parse_double(optarg, "--max-fpr", &max_fpr, &e) || !(max_fpr >= 0 && max_fpr <= 1))
                      ws_cli_usage_error("--max-fpr: expected a number in [0, 1], got '%s'", optarg);
                  break;
        /* as suggest --tag refuses it: empty (an unset variable: --result-of "$TARGET") or not
         * UTF-8, no trial can carry the tag, and "none found" (exit 1) hid the mistake */
        case 'R': ws_cli_once("result-of", result_of != NULL,
                              "one trial's result is printed (run train-trial once for each tag)");
                  if (!*optarg) ws_cli_usage_error("--result-of: empty: expected the tag a trial was given (suggest --tag)");
                  result_of = ws_cli_utf8_arg("result-of", optarg); break;
        case 'S': ws_cli_once("study", study != NULL, "the tagged trial is looked for in one study"); study = optarg; break;
        case 'P': precision_name = optarg; precision_given = 1; if (!cache_only) cache_only = "--precision"; break;
        case 'B': probe = 1; break;
        case 'q': o.quiet = 1; break;
        case 'h': usage(); return ws_cli_finish(0);
        case 'V': { char k[256]; ws_cli_version_and(nn_blas_kernels(k, sizeof k)); }
        default: ws_cli_option_error(opt, argv, opts);
        }
    }
    if (study && !result_of) ws_cli_usage_error("--study goes with --result-of (a trial line names its study)");
    if (optind < argc && !*argv[optind]) ws_cli_usage_error("TRIAL_FILE: empty path");
    /* Options of one mode are refused in another rather than ignored: "--split train" on a
     * training run reads as "train on that split" and "--max-fpr 0.01" as the trial's operating
     * point (that is the setting max_fpr), and of two modes only one would run, silently. */
    if (!!evaluate + probe + !!result_of > 1)
        ws_cli_usage_error("--evaluate, --probe-batch and --result-of do different things: give one of them");
    if (!evaluate && split_given)
        ws_cli_usage_error("--split goes with --evaluate (a trial trains on the cache's training split)");
    if (!evaluate && !isnan(max_fpr))
        ws_cli_usage_error("--max-fpr goes with --evaluate (a trial's operating point is the setting max_fpr)");
    /* A time limit, growing and keeping weights are training's: --evaluate, --probe-batch and
     * --result-of went on without them, silently (--evaluate --max-seconds 60 ran unlimited);
     * --result-of reads the study alone, and ignored a cache, a device, threads and a trial file */
    const char *mode = evaluate ? "--evaluate" : probe ? "--probe-batch" : result_of ? "--result-of" : NULL;
    if (mode && train_only) ws_cli_usage_error("%s goes with training, not %s", train_only, mode);
    /* the probe sizes the CPU's batch for the shares the run will cut its work into, which
     * --grow-threads sets from the first step (trainer/grow.c): a trial to grow needs more
     * workspace than one that will not, and the probe could not be told so. Evaluation and
     * --result-of grow nothing. */
    if ((evaluate || result_of) && grow_threads)
        ws_cli_usage_error("--grow-threads goes with training or --probe-batch, not %s", mode);
    /* the probe counts the checkpoint a save takes for a run that keeps its best (the default),
     * not for one with --keep none; evaluation and --result-of save none */
    if ((evaluate || result_of) && keep_given)
        ws_cli_usage_error("--keep goes with training or --probe-batch, not %s", mode);
    /* --result-of takes it too: the rebuilt result's trial may have been killed before it copied
     * its weights to best.ckpt there (trainer_best_sync) */
    if ((evaluate || probe) && o.ckpt_dir) ws_cli_usage_error("--ckpt-dir goes with training or --result-of, not %s", mode);
    /* --evaluate reads a checkpoint and a cache, no study: a --db given with it was ignored */
    if (evaluate && o.db)
        ws_cli_usage_error("--db goes with training, --probe-batch or --result-of, not --evaluate (which reads the "
                           "checkpoint and the cache alone)");
    if (result_of && cache_only)
        ws_cli_usage_error("%s goes with training, --evaluate or --probe-batch, not --result-of (which reads the study "
                           "alone)", cache_only);
    if (result_of && optind < argc)
        ws_cli_usage_error("unexpected argument '%s' (--result-of reads the study alone, no trial line)", argv[optind]);
    /* --evaluate runs on the CPU (below): a GPU asked for would be ignored, silently; so would
     * auto's (a GPU where there is one), and a GPU's GEMM precision. cpu, the device it runs
     * on, is taken. */
    if (evaluate && device_given && (!strcmp(device, "cuda") || !strcmp(device, "auto")))
        ws_cli_usage_error("--device %s: --evaluate runs on the CPU (leave --device out, or give cpu)", device);
    if (evaluate && precision_given)
        ws_cli_usage_error("--precision goes with training or --probe-batch, not --evaluate (which runs on the CPU)");
    if (result_of) {
        if (!o.db) ws_cli_usage_error("--result-of needs --db");
        json_t *line = NULL;
        int rc = trainer_stored_result(o.db, study, result_of, &line, &e) ? ws_cli_report(&e) : line ? 0 : 1;
        /* best.ckpt there made the study's best's: a warning where it cannot be, as after training */
        ws_err soft = {0};
        if (line && o.ckpt_dir && trainer_best_sync(o.db, json_string_value(json_object_get(line, "study")), o.ckpt_dir, &soft))
            ws_cli_warn("%s", soft.msg);
        if (line && ws_json_print_line(stdout, line)) rc = 3;
        json_decref(line);
        return ws_cli_finish(rc);
    }
    if (strcmp(device, "auto") && strcmp(device, "cpu") && strcmp(device, "cuda"))
        ws_cli_usage_error("--device: expected auto, cpu or cuda, got '%s'", device);
    nn_precision precision;
    if (nn_precision_parse(precision_name, &precision, &e)) ws_cli_usage_error("%s", e.msg);
    if (!threads) {
        const char *env = getenv("WS_THREADS");
        /* empty is unset, as for the other WS_ variables (WS_THREADS=$N with N unset in a script) */
        if (env && *env && ws_parse_long_range(env, "WS_THREADS", 1, 1024, &threads, &e)) ws_cli_usage_error("%s", e.msg);
        if (!threads) threads = sysconf(_SC_NPROCESSORS_ONLN) > 0 ? sysconf(_SC_NPROCESSORS_ONLN) : 1;
    }
    /* the CPU backend runs at most NN_MAX_THREADS threads (and shares): more, taken as given, were
     * trained on 64 while the notes and the probe said the number asked for; clamped before the
     * check below, as --threads 100 --grow-threads 64 both train on 64 */
    long asked = threads;   /* the refusal below names it beside the 64, which no one gave */
    if (threads > NN_MAX_THREADS) threads = NN_MAX_THREADS;
    if (grow_threads > NN_MAX_THREADS) grow_threads = NN_MAX_THREADS;
    if (grow_threads && grow_threads < threads) {
        char clamped[80] = "";
        if (asked != threads) snprintf(clamped, sizeof clamped, ", the CPU backend's most, of the %ld asked", asked);
        ws_cli_usage_error("--grow-threads: expected at least the trial's threads (%ld%s), got %ld", threads, clamped,
                           grow_threads);
    }
    o.threads = (int)threads;
    o.grow_threads = (int)grow_threads;
    /* with neither, "--features is required" alone hid that a run needs a --db too */
    if (!o.features && !o.db && !evaluate && !probe)
        ws_cli_usage_error("--db URL and --features CACHE are required (or --evaluate CKPT --features CACHE, or "
                           "--db URL --result-of TAG)");
    if (!o.features) ws_cli_usage_error("--features is required");
    /* with no trial to fail (a trial's run fails it, with this reason: trainer/run.c) */
    if (!*o.features && (evaluate || probe)) ws_cli_usage_error("--features: empty path");
    /* The rest of the command line before the device: a usage error came after a note
     * "training on the CPU with N threads" (or a GPU opened, or --device cuda's "no GPU"). */
    if (evaluate && optind < argc) ws_cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (probe && !o.db) ws_cli_usage_error("--probe-batch needs --db (the study's settings)");
    if (!evaluate && !probe && !o.db) ws_cli_usage_error("--db is required");
    if (!evaluate && argc - optind > 1) ws_cli_usage_error("unexpected argument '%s'", argv[optind + 1]);
    /* The device: --evaluate runs on the CPU; cpu loads nothing; auto and cuda look for a GPU
     * (nn/device.h: nothing CUDA is loaded on a machine without one). */
    /* o.notes[0], so it lives until the run is done; the device's note, then room for "; training
     * on the CPU with N threads" */
    enum { DEVICE_NOTE_MAX = 700 };
    char note[DEVICE_NOTE_MAX + 64];
    if (!evaluate) {
        if (nn_device_select(device, precision, &o.device, note, DEVICE_NOTE_MAX, &e)) {
            ws_err_prefix(&e, "--device %s", device);
            const char *path = optind < argc ? argv[optind] : "-";
            /* the trial it was given cannot run here: FAIL, with the reason; a terminal on stdin
             * gives none yet, and reading it would wait for a line before saying why */
            if (o.db && !probe && (strcmp(path, "-") || !isatty(STDIN_FILENO))) {
                ws_err le = {0};
                json_t *line = read_line(path, &le);
                if (line) trainer_fail_line(&o, line, e.msg);
                json_decref(line);
            }
            return ws_cli_finish(ws_cli_report(&e));
        }
        /* a probe trains nothing: its note says what it does, and on the CPU the shares it sizes
         * the batch for (trainer_shares); said once the trial line is accepted (trainer_notes) */
        if (o.quiet) {
        } else if (nn_device_is_cuda(o.device)) {   /* a note here: a device that cannot be used */
            if (!note[0])
                snprintf(note, sizeof note, "%s %s", probe ? "probing" : "training on", nn_device_name(o.device));
            o.notes[0] = note;
        } else if (note[0]) {
            int n = probe ? trainer_shares(&o) : o.threads;
            size_t len = strlen(note);
            snprintf(note + len, sizeof note - len, "; %s the CPU %s %d thread%s", probe ? "probing" : "training on",
                     probe ? "for" : "with", n, ws_plural((size_t)n));
            o.notes[0] = note;
        }
    }
    /* OpenBLAS ignores a core name it does not know without a word: the user's choice did not
     * happen (the CPU runs OpenBLAS's GEMMs: --evaluate, or a trial on the CPU); for a trial,
     * said once its line is accepted, as the device's note */
    char blas_note[400];
    if (!o.quiet && (evaluate || !nn_device_is_cuda(o.device)) && nn_blas_coretype_note(blas_note, sizeof blas_note)) {
        if (evaluate) ws_cli_warn("note: %s", blas_note);
        else o.notes[1] = blas_note;
    }
    json_t *result = NULL;
    int rc = 0;
    if (evaluate) {
        if (trainer_evaluate(evaluate, o.features, split, max_fpr, o.threads, &result, &e)) rc = ws_cli_report(&e);
    } else if (probe) {
        json_t *line = read_line(optind < argc ? argv[optind] : "-", &e);
        if (!line || trainer_probe_batch(&o, line, &result, &e)) rc = ws_cli_report(&e);
        json_decref(line);
    } else {
        json_t *line = read_line(optind < argc ? argv[optind] : "-", &e);
        if (!line || trainer_run(&o, line, &result, &e)) rc = ws_cli_report(&e);
        json_decref(line);
    }
    if (result && ws_json_print_line(stdout, result)) rc = 3;
    json_decref(result);
    return ws_cli_finish(rc);
}
