/* cli.h — the shared front end of every tool: the program name, errors printed as
 * "tool: where: what", usage errors (exit 2), --version, and the final stdout check.
 * The one part of lib/ that prints and exits: only tools/ call it. */
#ifndef WS_CORE_CLI_H
#define WS_CORE_CLI_H
#include "core/err.h"

/* Takes the program name for messages, and ignores SIGXFSZ: a write past a file size limit
 * (ulimit -f) then fails with EFBIG, as on a full disk, instead of killing the tool. */
void ws_cli_init(const char *progname);
const char *ws_cli_prog(void);
/* Prints "tool: message" to stderr. */
void ws_cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints e as "tool: where: what" and returns its exit code (2 input, 3 internal). */
int ws_cli_report(const ws_err *e);
/* Prints "tool: message" and a hint to --help, then exits 2. */
void ws_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* getopt_long's answer '?' or ':' as one usage error (exit 2) naming the option: "--x: needs an
 * argument", "--x: takes no argument", "unknown option '--x'" (or '-x'), "ambiguous option '--x':
 * --xa, --xb" (a prefix of several). longopts: the table
 * given to getopt_long. Tools start their optstring with ':' so that getopt prints nothing itself
 * (it would, then this, say it twice). */
struct option;
void ws_cli_option_error(int getopt_rc, char *const argv[], const struct option *longopts) __attribute__((noreturn));
void ws_cli_version(void) __attribute__((noreturn));
/* The same, then `more` on a line of its own (train-trial: the BLAS kernels it trains with). */
void ws_cli_version_and(const char *more) __attribute__((noreturn));
/* An option that names what a tool changes for good (the study file, the study, the trial, its
 * step, value or end state, the copy's source and destination) given again, given_before saying
 * it was: a usage error "--OPTION given twice: WHY" (exit 2). getopt keeps the last one, so
 * `tell --trial 3 ... --trial 4` finished trial 4 and left 3 RUNNING without a word. */
void ws_cli_once(const char *option, int given_before, const char *why);
/* A text option that goes into JSON (a reason, a tag, a study name to create): value unless it is
 * not valid UTF-8, which JSON cannot hold: then a usage error naming the option (exit 2), before
 * the tool has changed anything. */
const char *ws_cli_utf8_arg(const char *option, const char *value);
/* A path option: value unless it is empty, which names no file (open("") fails with a message
 * that names neither file nor option): then a usage error "--OPTION: empty path" (exit 2). */
const char *ws_cli_path_arg(const char *option, const char *value);
/* A path option whose file standard input cannot stand for (a cache, which is mapped; a pidfile,
 * read again each sample): ws_cli_path_arg's value, and '-' a usage error naming the option and
 * why (`what`, e.g. "a feature cache is a file, which is mapped") (exit 2). Looked for as a file,
 * '-' was "-: No such file or directory", and a pidfile of that name, missing, watched nothing. */
const char *ws_cli_file_arg(const char *option, const char *value, const char *what);
/* Two inputs of one call that both read standard input ('-', each named as given, e.g. "--config
 * -" and "INPUT -"): a usage error naming both (exit 2), as stdin holds one file. Nothing when
 * either is NULL or not '-'. */
void ws_cli_one_stdin(const char *a, const char *a_value, const char *b, const char *b_value);
/* Flushes and closes stdout; a write error (full disk, closed pipe) becomes exit 3. Returns rc
 * unchanged when stdout is fine. */
int ws_cli_finish(int rc);

#endif
