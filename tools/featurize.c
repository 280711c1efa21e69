/* featurize — decode a corpus of audio once and write its feature cache (linear mel power per
 * clip, labels, splits, noise streams), so no trial ever decodes audio or takes an FFT; or show
 * what a cache holds (--describe, --dump). The work lives in lib/audio. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audio/cache.h"
#include "audio/corpus.h"
#include "audio/featurize.h"
#include "audio/hash64.h"
#include "audio/mel.h"
#include "core/text.h"
#include "audio/split.h"
#include "core/cli.h"
#include "core/json.h"
#include "core/parse.h"
#include "core/progress.h"

static void usage(void)
{
    printf("Usage: featurize [OPTIONS] --out CACHE INPUT\n"
           "       featurize --describe CACHE\n"
           "       featurize --dump CACHE --clip I\n"
           "Decode INPUT once and write its feature cache: linear mel power per clip, labels,\n"
           "splits and background-noise streams, memory-mappable, with a checksum.\n"
           "INPUT is a folder in Speech Commands layout (CLASS/FILE, validation_list.txt,\n"
           "testing_list.txt, _background_noise_/) or a JSONL manifest of\n"
           "{\"path\",\"label\",\"split\"} lines (- reads it from stdin, its paths from the\n"
           "working folder). Prints one JSON summary line.\n"
           "\n"
           "  -c, --config FILE     feature settings, torchaudio names (default: built in, the\n"
           "                        values of configs/features/default.json); - is stdin\n"
           "                        (not with INPUT -)\n"
           "  -o, --out CACHE       the cache to write (temporary file, renamed when complete)\n"
           "  -j, --threads N       worker threads (default 2)\n"
           "      --strict          a bad audio file is an error (exit 2), not skipped\n"
           "  -q, --quiet           no progress bar\n"
           "      --describe CACHE  print the cache's header as one JSON line\n"
           "      --dump CACHE      print one clip's mel power as JSON (needs --clip)\n"
           "      --clip I          the clip for --dump (0-based)\n"
           "  -h, --help            this help\n"
           "  -V, --version         the version\n"
           "--config, --out, --describe, --dump and --clip are each given once (a second is refused).\n"
           "\n"
           "Bad audio (empty, truncated, not audio, zero length, NaN/Inf samples or features, more\n"
           "than two channels, an absurd sample rate, a noise stream over 256 MiB, not a regular file,\n"
           "a name that is not UTF-8)\n"
           "is skipped with one line each on stderr and counted; a class all of whose files\n"
           "are skipped is left out of the cache, and named.\n"
           "Exit status: 0 done, 2 usage or input error, 3 internal error.\n");
}

static void on_progress(void *ctx, size_t done, size_t total)
{
    (void)total;
    ws_progress_update(ctx, done);
}

/* The summary line. Class names are UTF-8 (the scan refuses others); the output path as given may
 * be any bytes and goes in escaped. NULL with e set when something cannot be put in JSON. */
static json_t *summary_json(const audio_corpus *c, const audio_featurize_result *r, const char *out, ws_err *e)
{
    json_t *classes = json_object(), *splits = json_object(), *j = NULL;
    char *shown = ws_text_escape(out);
    size_t split_tot[AUDIO_N_SPLITS] = {0};
    int ok = classes && splits && shown;
    for (int k = 0; ok && k < r->n_classes; k++) {
        json_t *o = json_object();
        for (int s = 0; o && s < AUDIO_N_SPLITS; s++) {
            size_t v = r->counts[(size_t)k * AUDIO_N_SPLITS + (size_t)s];
            ok &= json_object_set_new(o, audio_split_name(s), json_integer((json_int_t)v)) == 0;
            split_tot[s] += v;
        }
        ok &= o && json_object_set_new(classes, r->class_names[k], o) == 0;
        if (!ok) ws_err_set(e, WS_ENOMEM, "summary: class '%s': not UTF-8, or out of memory", r->class_names[k]);
    }
    for (int s = 0; ok && s < AUDIO_N_SPLITS; s++)
        ok &= json_object_set_new(splits, audio_split_name(s), json_integer((json_int_t)split_tot[s])) == 0;
    char ih[17];
    audio_hash64_hex(r->inputs_hash, ih);
    if (ok)
        j = json_pack("{s:s, s:I, s:O, s:O, s:I, s:I, s:s, s:i, s:i, s:i, s:s, s:o}",
            "cache", shown, "clips", (json_int_t)r->n_clips, "classes", classes, "splits", splits,
            "noise", (json_int_t)r->n_noise, "skipped", (json_int_t)r->n_skipped, "split_rule", c->split_rule,
            "frames", r->n_frames, "mels", r->n_mels, "threads", r->threads, "inputs_hash", ih,
            "seconds", ws_json_number(r->seconds));
    if (!j && e->kind == WS_EOK) ws_err_set(e, WS_ENOMEM, "summary: out of memory");
    json_decref(classes);
    json_decref(splits);
    free(shown);
    return j;
}

/* why a cache cannot come from stdin (--describe -, --dump -) */
#define CACHE_IS_A_FILE "a feature cache is a file, which is mapped"

static int run_featurize(const char *config, const char *out, const char *input, int threads, int strict, int quiet)
{
    ws_err e = {0};
    audio_featurize_opts o;
    memset(&o, 0, sizeof o);
    /* "-" is stdin, as for suggest --config - (INPUT - reads it otherwise: refused in main) */
    int std = config && !strcmp(config, "-");
    if (std) {
        config = "stdin";
        json_t *j = ws_json_load_stream(stdin, config, &e);
        int bad = !j || audio_feat_config_from_json(j, config, &o.cfg, &e) < 0;
        json_decref(j);
        if (bad) return ws_cli_report(&e);
    } else if (config ? audio_feat_config_load(config, &o.cfg, &e) < 0 : (audio_feat_config_default(&o.cfg), 0))
        return ws_cli_report(&e);
    /* settings whose mel bank has empty filters are warned of (as torchaudio) before the corpus is read */
    char warning[512];
    int empty = audio_melbank_check(&o.cfg, config ? config : "features", warning, sizeof warning, &e);
    if (empty < 0) return ws_cli_report(&e);
    if (empty > 0) ws_cli_warn("%s", warning);
    audio_corpus c;
    if (audio_corpus_scan(&c, input, &e) < 0) return ws_cli_report(&e);
    for (size_t i = 0; i < c.n_notes; i++) ws_cli_warn("%s", c.notes[i]);
    if (audio_corpus_check_output(&c, out, std ? NULL : config, &e) < 0) {
        audio_corpus_release(&c);
        return ws_cli_report(&e);
    }
    ws_progress bar;
    ws_progress_init(&bar, "featurize", c.n_clips + c.n_noise, quiet);
    o.threads = threads;
    o.strict = strict;
    o.created_by = "featurize " WS_VERSION;
    o.progress = bar.f ? on_progress : NULL;
    o.progress_ctx = &bar;
    audio_featurize_result r;
    int rc = audio_featurize(&c, out, &o, &r, &e);
    ws_progress_finish(&bar);
    for (size_t i = 0; i < r.n_skipped; i++) ws_cli_warn("skipped %s", r.skipped[i].reason);
    for (size_t i = 0; i < r.n_left_out; i++) ws_cli_warn("%s", r.left_out[i]);
    /* one's own recordings are often longer than Speech Commands' second, and a wake word said
     * slowly lost its end to the crop without a word */
    if (rc == 0 && r.n_cropped) {
        char longest[64] = "";
        if (r.longest_s > 0) snprintf(longest, sizeof longest, ", the longest %.2f s", r.longest_s);
        ws_cli_warn("clips longer than clip_seconds (%g s), their features the first %g s: %zu of %zu%s (a longer "
                    "clip_seconds in --config keeps more)", o.cfg.clip_seconds, o.cfg.clip_seconds, r.n_cropped,
                    r.n_clips, longest);
    }
    if (rc < 0) {
        rc = ws_cli_report(&e);
    } else {
        /* the cache is written; a summary that cannot be made says why */
        json_t *j = summary_json(&c, &r, out, &e);
        rc = !j ? ws_cli_report(&e) : ws_json_print_line(stdout, j) == 0 ? 0 : 3;
        json_decref(j);
    }
    audio_featurize_result_release(&r);
    audio_corpus_release(&c);
    return rc;
}

static int run_show(const char *path, const char *clip_s)
{
    ws_err e = {0};
    audio_cache c;
    if (audio_cache_open(&c, path, 0, &e) < 0) return ws_cli_report(&e);
    json_t *j = NULL;
    int rc = 0;
    if (clip_s) {
        long i;
        if (c.n_clips == 0 || ws_parse_long_range(clip_s, "--clip", 0, (long)c.n_clips - 1, &i, &e) < 0) {
            if (c.n_clips == 0) ws_err_set(&e, WS_EINPUT, "%s: the cache holds no clips", path);
            rc = ws_cli_report(&e);
        } else if (!(j = audio_cache_dump_clip(&c, (size_t)i, &e))) {
            ws_err_prefix(&e, "%s", path);
            rc = ws_cli_report(&e);
        }
    } else if (!(j = audio_cache_describe(&c, path, &e))) {
        rc = ws_cli_report(&e);
    }
    if (rc == 0 && audio_cache_verify_wait(&c, &e)) rc = ws_cli_report(&e);   /* cut while read: zeros */
    if (rc == 0) rc = ws_json_print_line(stdout, j) == 0 ? 0 : 3;
    json_decref(j);
    audio_cache_close(&c);
    return rc;
}

int main(int argc, char **argv)
{
    enum { OPT_STRICT = 256, OPT_DESCRIBE, OPT_DUMP, OPT_CLIP };
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},
        {"out", required_argument, NULL, 'o'},
        {"threads", required_argument, NULL, 'j'},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"quiet", no_argument, NULL, 'q'},
        {"describe", required_argument, NULL, OPT_DESCRIBE},
        {"dump", required_argument, NULL, OPT_DUMP},
        {"clip", required_argument, NULL, OPT_CLIP},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    ws_cli_init(argv[0]);
    const char *config = NULL, *out = NULL, *describe = NULL, *dump = NULL, *clip = NULL;
    long threads = 2;
    int strict = 0, quiet = 0, threads_given = 0, opt;
    ws_err e = {0};
    /* A file (or clip) option is taken once (ws_cli_once), as tell's are: getopt kept the last,
     * so `--out a.feat --out b.feat` wrote b.feat without a word. --threads and the flags stay
     * getopt's last one: a setting restated. */
    while ((opt = getopt_long(argc, argv, ":c:o:j:qhV", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c': ws_cli_once("config", config != NULL, "a cache is made with one set of feature settings");
                  config = ws_cli_path_arg("config", optarg); break;
        case 'o': ws_cli_once("out", out != NULL, "one cache is written (run featurize once for each)");
                  out = optarg; break;
        case 'j':
            if (ws_parse_long_range(optarg, "--threads", 1, 256, &threads, &e) < 0) ws_cli_usage_error("%s", e.msg);
            threads_given = 1;
            break;
        case OPT_STRICT: strict = 1; break;
        case 'q': quiet = 1; break;
        case OPT_DESCRIBE: ws_cli_once("describe", describe != NULL,
                                       "one cache is described (run featurize once for each)");
                           describe = ws_cli_file_arg("describe", optarg, CACHE_IS_A_FILE); break;
        case OPT_DUMP: ws_cli_once("dump", dump != NULL, "one cache's clip is dumped (run featurize once for each)");
                       dump = ws_cli_file_arg("dump", optarg, CACHE_IS_A_FILE); break;
        case OPT_CLIP: ws_cli_once("clip", clip != NULL, "one clip is dumped (run featurize once for each)");
                       clip = optarg; break;
        case 'h': usage(); return ws_cli_finish(0);
        case 'V': ws_cli_version();
        default: ws_cli_option_error(opt, argv, longopts);
        }
    }
    if (describe || dump) {
        if (describe && dump) ws_cli_usage_error("--describe and --dump exclude each other");
        if (optind < argc || out) ws_cli_usage_error("--describe and --dump take no INPUT and no --out");
        if (dump && !clip) ws_cli_usage_error("--dump needs --clip I");
        if (describe && clip) ws_cli_usage_error("--clip goes with --dump");
        /* options of writing a cache, ignored here in silence: --describe CACHE --config new.json
         * reads as "check the cache against these settings", and said nothing of them */
        const char *other = config ? "--config" : threads_given ? "--threads" : strict ? "--strict" : NULL;
        if (other) ws_cli_usage_error("%s goes with writing a cache (--out), not --describe or --dump", other);
        return ws_cli_finish(run_show(describe ? describe : dump, clip));
    }
    if (clip) ws_cli_usage_error("--clip goes with --dump");
    if (!out) ws_cli_usage_error("--out CACHE is required");
    if (!*out) ws_cli_usage_error("--out: expected the path of a file, got an empty string");
    /* '-' is standard input for INPUT; the cache cannot be a stream, and --out - wrote a file named '-' */
    if (!strcmp(out, "-"))
        ws_cli_usage_error("--out: '-' names no file here (the cache is a file, written whole and renamed, which "
                           "train-trial maps; not standard output): give its path (./- for a file so named)");
    if (optind != argc - 1) ws_cli_usage_error(optind < argc ? "one INPUT only" : "INPUT is required");
    if (!*argv[optind]) ws_cli_usage_error("INPUT: empty path");
    ws_cli_one_stdin("--config", config, "INPUT", argv[optind]);
    return ws_cli_finish(run_featurize(config, out, argv[optind], (int)threads, strict, quiet));
}
