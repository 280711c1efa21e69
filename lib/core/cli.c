/* cli.c — the tools' shared front end (see cli.h). */
#include "core/cli.h"
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "wakesweep";

void ws_cli_init(const char *progname)
{
    const char *slash = strrchr(progname, '/');
    prog = slash ? slash + 1 : progname;
}

const char *ws_cli_prog(void) { return prog; }

void ws_cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int ws_cli_report(const ws_err *e)
{
    fprintf(stderr, "%s: %s\n", prog, e->msg[0] ? e->msg : "unknown error");
    return ws_err_exit_code(e);
}

void ws_cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
    va_end(ap);
    exit(2);
}

void ws_cli_version(void)
{
    printf("%s (wakesweep) %s\n", prog, WS_VERSION);
    exit(ws_cli_finish(0));
}

int ws_cli_finish(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        fprintf(stderr, "%s: stdout: write error: %s\n", prog, strerror(errno));
        return rc ? rc : 3;
    }
    return rc;
}

void ws_cli_option_error(int getopt_rc, char *const argv[])
{
    const char *arg = argv[optind - 1];
    int is_long = !strncmp(arg, "--", 2);
    char opt[80];
    if (is_long) snprintf(opt, sizeof opt, "%.*s", (int)strcspn(arg, "="), arg);
    else snprintf(opt, sizeof opt, "-%c", optopt);
    if (getopt_rc == ':') ws_cli_usage_error("%s: needs an argument", opt);
    if (is_long && optopt) ws_cli_usage_error("%s: takes no argument", opt);   /* a known one, given "=..." */
    ws_cli_usage_error("unknown option '%s'", opt);
}
