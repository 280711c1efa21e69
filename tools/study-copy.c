/* study-copy — copies a study from one study database to another, SQLite or PostgreSQL, as
 * Optuna's copy_study does: direction, study attributes and every trial with its number (0..n-1,
 * as Optuna's add_trial numbers them), state,
 * datetimes, params, value, intermediate values and attributes. The copy is written in one
 * transaction, so it is whole or absent; a new SQLite file is put in place only when whole. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/atomic.h"
#include "core/cli.h"
#include "core/json.h"
#include "space/config.h"
#include "store/store.h"

static void usage(void)
{
    printf("Usage: study-copy --from URL --to URL [--study NAME] [--to-study NAME]\n"
           "Copy a study between study databases and print {\"study\",\"to\",\"trials\"}.\n\n"
           "  --from URL           source: a path, sqlite:///path or postgresql://user@host:port/db\n"
           "  --to URL             destination, the same forms; created when missing (SQLite file,\n"
           "                       or Optuna's tables in an existing PostgreSQL database)\n"
           "  --study NAME         the study to copy (needed when the source holds several)\n"
           "  --to-study NAME      its name in the destination (default: the same)\n"
           "  -h, --help           show this help;  --version  show the version\n"
           "Each option is given once (a second is refused).\n\n"
           "Exit status: 0 success, 2 usage or input error (including a study of that name in the\n"
           "destination), 3 internal error.\n");
}

/* The option's URL, refused when it names no file: the store would say "--db: empty path", an
 * option study-copy does not have. */
static const char *url_arg(const char *option, const char *value)
{
    const char *why = ws_store_url_no_file(value);
    if (why) ws_cli_usage_error("--%s: %s", option, why);
    return value;
}

/* Says which side failed: "--from URL: what" where the message began with the SQLite file
 * the URL names, else "--from: message" (a PostgreSQL message names the server with its
 * password masked: the URL as given is not repeated). */
static void name_side(ws_err *e, const char *option, const char *url)
{
    const char *file = ws_store_url_kind(url) == WS_DB_SQLITE ? ws_store_sqlite_file(url) : NULL;
    size_t n = file ? strlen(file) : 0;
    if (file && !strncmp(e->msg, file, n) && !strncmp(e->msg + n, ": ", 2)) {
        memmove(e->msg, e->msg + n + 2, strlen(e->msg + n + 2) + 1);
        ws_err_prefix(e, "%s %s", option, url);
    } else {
        ws_err_prefix(e, "%s", option);
    }
}

/* A message about the temporary file speaks of the file it stands for. */
static void rename_tmp(ws_err *e, const char *tmp, const char *file)
{
    size_t n = strlen(tmp);
    if (strncmp(e->msg, tmp, n)) return;
    char rest[sizeof e->msg];
    snprintf(rest, sizeof rest, "%s", e->msg + n);
    snprintf(e->msg, sizeof e->msg, "%s%s", file, rest);
}

int main(int argc, char **argv)
{
    ws_cli_init(argv[0]);
    static const struct option opts[] = {
        {"from", required_argument, 0, 'f'}, {"to", required_argument, 0, 't'}, {"study", required_argument, 0, 's'},
        {"to-study", required_argument, 0, 'S'}, {"help", no_argument, 0, 'h'}, {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0}};
    const char *from = NULL, *to = NULL, *study = NULL, *to_study = NULL;
    int o;
    while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (o) {
        case 'f': ws_cli_once("from", from != NULL, "a study is copied from one database"); from = url_arg("from", optarg); break;
        case 't': ws_cli_once("to", to != NULL, "a study is copied to one database"); to = url_arg("to", optarg); break;
        case 's': ws_cli_once("study", study != NULL, "one study is copied (run study-copy once for each)");
                  study = ws_cli_utf8_arg("study", optarg); break;
        case 'S': ws_cli_once("to-study", to_study != NULL, "the copy has one name");
                  to_study = ws_cli_utf8_arg("to-study", optarg); break;
        case 'h': usage(); return ws_cli_finish(0);
        case 'V': ws_cli_version();
        default: ws_cli_option_error(o, argv, opts);
        }
    }
    if (optind < argc) ws_cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!from || !to) ws_cli_usage_error("--from and --to are required");
    /* a name the study is created under: as suggest --study, 1 to 512 characters (Optuna's
     * study_name column), never the empty name */
    if (to_study && !ws_config_study_name_ok(to_study))
        ws_cli_usage_error("--to-study: expected a name of 1 to %d characters of UTF-8", WS_STUDY_NAME_MAX);

    ws_err e = {0};
    ws_store *src = NULL, *dst = NULL;
    ws_copy_source *copy = NULL;
    int n = 0, rc = 0, at_dst = 0;   /* which side the error is on */
    ws_study found;
    ws_atomic tmp = {0};
    if (ws_store_open(&src, from, WS_STORE_READ, &e)) goto fail;
    /* the study named, or the source's only one ("holds no study", or several: their names, as
     * every tool's --study says). An unknown study is refused before --to is opened: opening
     * creates the file (or Optuna's tables in a PostgreSQL database), which a copy that never
     * starts must not leave behind */
    if (ws_store_study_pick(src, study, &found, NULL, &e)) goto fail;
    study = found.name;
    /* the whole study read before --to is opened, for the same reason: a source refused while
     * it is read (a value Optuna could not have written, a name that is not UTF-8) left an
     * empty study file behind */
    if (!(copy = ws_store_copy_read(src, study, &e))) goto fail;
    at_dst = 1;
    /* A new SQLite file is made under a temporary name beside it and linked into place when
     * the copy is whole: a copy killed there left an empty study file (Optuna's tables, no
     * study). link, not rename: a file made by another process meanwhile is not replaced, it
     * gets the copy as an existing one does (one transaction), as does a missing file where
     * links cannot be made. */
    const char *file = ws_store_url_kind(to) == WS_DB_SQLITE ? ws_store_sqlite_file(to) : NULL;
    struct stat sb;
    ws_err te = {0};
    if (file && lstat(file, &sb) != 0 && errno == ENOENT && ws_atomic_open(&tmp, file, &te) == 0) {
        int bad = ws_store_open(&dst, tmp.tmp, WS_STORE_CREATE, &e) || ws_store_copy_write(copy, dst, to_study, &n, &e);
        ws_store_close(dst);   /* the last connection: its WAL checkpointed into the file, removed */
        dst = NULL;
        if (bad) { rename_tmp(&e, tmp.tmp, file); goto fail; }
        if (link(tmp.tmp, file) == 0) {
            ws_atomic_abort(&tmp);   /* the temporary name goes; the file stays under its own */
            goto done;
        }
        /* EEXIST, or a filesystem without hard links: the copy goes into FILE itself */
        ws_atomic_abort(&tmp);
        n = 0;
    }
    if (ws_store_open(&dst, to, WS_STORE_CREATE, &e)) goto fail;
    if (ws_store_copy_write(copy, dst, to_study, &n, &e)) goto fail;
done:;
    json_t *line = json_pack("{s:s, s:s, s:i}", "study", study, "to", to_study ? to_study : study, "trials", n);
    ws_json_print_line(stdout, line);
    json_decref(line);
    goto out;
fail:
    if (tmp.tmp) ws_atomic_abort(&tmp);
    name_side(&e, at_dst ? "--to" : "--from", at_dst ? to : from);
    rc = ws_cli_report(&e);
out:
    ws_copy_source_free(copy);
    ws_store_close(src);
    ws_store_close(dst);
    return ws_cli_finish(rc);
}
