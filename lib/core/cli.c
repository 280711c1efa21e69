/* cli.c — the tools' shared front end (see cli.h). */
#include "core/cli.h"
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "core/text.h"

static const char *prog = "wakesweep";

void ws_cli_init(const char *progname)
{
    const char *slash = strrchr(progname, '/');
    prog = slash ? slash + 1 : progname;
    /* A file size limit (ulimit -f) is a full disk for this process, in every tool. Its default
     * SIGXFSZ killed the tool at the first write past it (exit 153, no message): a cut report or
     * cache, a trial left RUNNING (suggest, train-trial), a prune-check answer lost, half a line
     * in gpu-monitor's file. Ignored, that write fails with EFBIG ("File too large") and takes
     * the tool's write-error path: the message names the file or stdout, exit 3, a temporary
     * removed by ws_atomic_abort (so atomic.c's handler, which removes it as the signal kills,
     * is not needed for this one), the study's transaction rolled back. From the start, so that
     * --help and --version say so too. */
    signal(SIGXFSZ, SIG_IGN);
}

const char *ws_cli_prog(void) { return prog; }

/* "PROG: MESSAGE" on stderr, the message shown as ws_text_show shows it: a name or value in it
 * (a study name, a path, an argument) may hold a newline, which would make the message two
 * lines, or an escape sequence, which would reach the terminal. As it is when out of memory. */
static void put_message(const char *msg)
{
    char *shown = ws_text_show(msg);
    fprintf(stderr, "%s: %s", prog, shown ? shown : msg);
    free(shown);
}

/* put_message of the printf-style text */
static void put_messagev(const char *fmt, va_list ap)
{
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0) msg = NULL;
    put_message(msg ? msg : fmt);
    free(msg);
}

void ws_cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    put_messagev(fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int ws_cli_report(const ws_err *e)
{
    put_message(e->msg[0] ? e->msg : "unknown error");
    fputc('\n', stderr);
    return ws_err_exit_code(e);
}

void ws_cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    put_messagev(fmt, ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
    va_end(ap);
    exit(2);
}

void ws_cli_version(void) { ws_cli_version_and(NULL); }

void ws_cli_version_and(const char *more)
{
    printf("%s (wakesweep) %s\n", prog, WS_VERSION);
    if (more) printf("%s\n", more);
    exit(ws_cli_finish(0));
}

int ws_cli_finish(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        fprintf(stderr, "%s: stdout: write error: %s\n", prog, strerror(errno));
        return rc > 1 ? rc : 3;   /* 1 is a valid "no" (prune-check): a lost answer is not one */
    }
    return rc;
}

/* The long option of longopts that the word arg names (its name, or a prefix of it, before any
 * "=") when getopt's error is that option's (optopt is its val); NULL when the error is a short
 * option's: getopt leaves optind on a group of short options until its last letter, so
 * argv[optind - 1] is then the word before, maybe a long option that was fine. */
static const struct option *long_option_of(const char *arg, const struct option *longopts)
{
    if (strncmp(arg, "--", 2) || !optopt) return NULL;
    size_t len = strcspn(arg + 2, "=");
    for (const struct option *o = longopts; o && o->name; o++)
        if (o->val == optopt && !strncmp(o->name, arg + 2, len) && strlen(o->name) >= len) return o;
    return NULL;
}

void ws_cli_option_error(int getopt_rc, char *const argv[], const struct option *longopts)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    const struct option *lo = long_option_of(arg, longopts);
    if (lo) {
        if (getopt_rc == ':') ws_cli_usage_error("--%s: needs an argument", lo->name);
        ws_cli_usage_error("--%s: takes no argument", lo->name);   /* given "=..." */
    }
    if (optopt) {
        if (getopt_rc == ':') ws_cli_usage_error("-%c: needs an argument", optopt);
        ws_cli_usage_error("unknown option '-%c'", optopt);
    }
    /* getopt_long's '?' with no optopt is also a prefix of several long options (--s: --study or
     * --seed): said so, with the options it could be, not "unknown" */
    int len = (int)strcspn(arg, "=");
    char could[512] = "";
    int n_could = 0;
    for (const struct option *o = longopts; !strncmp(arg, "--", 2) && o && o->name; o++)
        if (!strncmp(o->name, arg + 2, (size_t)len - 2) && strlen(could) + strlen(o->name) + 5 < sizeof could) {
            snprintf(could + strlen(could), sizeof could - strlen(could), "%s--%s", n_could ? ", " : "", o->name);
            n_could++;
        }
    if (n_could > 1 && len > 2) ws_cli_usage_error("ambiguous option '%.*s': %s", len, arg, could);
    ws_cli_usage_error("unknown option '%.*s'", len, arg);
}

void ws_cli_once(const char *option, int given_before, const char *why)
{
    if (given_before) ws_cli_usage_error("--%s given twice: %s", option, why);
}

const char *ws_cli_utf8_arg(const char *option, const char *value)
{
    json_t *j = json_string(value);   /* jansson checks the encoding */
    if (!j) ws_cli_usage_error("--%s: expected UTF-8 text, got bytes that are not", option);
    json_decref(j);
    return value;
}

const char *ws_cli_path_arg(const char *option, const char *value)
{
    if (!*value) ws_cli_usage_error("--%s: empty path", option);
    return value;
}

const char *ws_cli_file_arg(const char *option, const char *value, const char *what)
{
    if (!strcmp(value, "-"))
        ws_cli_usage_error("--%s: '-' names no file here (%s; not standard input): give its path (./- for a file so "
                           "named)", option, what);
    return ws_cli_path_arg(option, value);
}

void ws_cli_one_stdin(const char *a, const char *a_value, const char *b, const char *b_value)
{
    if (a_value && b_value && !strcmp(a_value, "-") && !strcmp(b_value, "-"))
        ws_cli_usage_error("%s - and %s - both read standard input, which holds one file: give one of them a file", a, b);
}
