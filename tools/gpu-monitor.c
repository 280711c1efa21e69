/* gpu-monitor — samples GPU load through NVML (or, without a GPU, CPU and memory from /proc) at a
 * fixed rate and prints one JSON line per sample, optionally storing the samples in the study
 * (its SQLite file, or its PostgreSQL database), so that a sweep can tell whether the accelerator
 * is busy and what each trial used. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/cli.h"
#include "core/clock.h"
#include "core/fdio.h"
#include "core/json.h"
#include "core/parse.h"
#include "core/text.h"
#include "gpu/nvml.h"
#include "gpu/pidfile.h"
#include "gpu/procstat.h"
#include "gpu/sample.h"
#include "gpu/samples_db.h"
#include "gpu/ticker.h"

static volatile sig_atomic_t stop_requested;
/* A self-pipe: the handler also writes a byte to it, and the wait for the next sample polls its
 * read end, so a signal that lands between the loop's look at stop_requested and the start of
 * the wait (or in another thread, NVML's) still ends the wait at once. Non-blocking: a full pipe
 * already holds the byte that wakes. */
static int wake_pipe[2] = {-1, -1};

/* A write(2) of a line to a full pipe (a reader that does not read) returns EINTR when a signal
 * lands while it waits, but one landing after ws_write_full's last look at stop_requested and
 * before the write begins is missed, and the write then waits for the reader for ever. So a stop
 * also starts an alarm that comes again every second until the process ends: its handler
 * (installed without SA_RESTART too) ends such a write within a second. */
static void on_alarm(int sig)
{
    (void)sig;
    alarm(1);
}

static void on_stop_signal(int sig)
{
    (void)sig;
    int err = errno;   /* the code the handler interrupted may be about to read errno */
    stop_requested = 1;
    if (write(wake_pipe[1], "", 1) < 0) {}
    alarm(1);
    errno = err;
}

typedef struct options {
    double interval_s;       /* > 0 */
    long count;              /* 0: no limit */
    double duration_s;       /* 0: no limit */
    const char *db_path, *pidfile, *nvml_library;
    int busy_timeout_ms;     /* --db: the wait for another connection's lock (WS_MONITOR_BUSY_S) */
    int fallback_cpu, quiet;
} options;

typedef struct monitor {
    const options *opt;
    gpu_nvml *nvml;          /* NULL: the /proc fallback */
    gpu_proc *proc;          /* for the fallback and for watched processes */
    gpu_samples_db *db;
    gpu_sample s;
    int pidfile_warned;
    int stdout_failed;       /* a sample's line could not be written (not cut by a stop) */
    long lines;              /* samples whose line was written */
    long not_stored;         /* ... of them, kept out of the --db file by another connection's lock (or,
                              * PostgreSQL, a server that did not answer) */
    char db_shown[512];      /* --db for messages: the file, or the URL without its password */
    long gone;               /* ... of them, not stored as the --db file was deleted or replaced (db closed) */
} monitor;

static void usage(void)
{
    printf("Usage: %s [OPTION]...\n"
           "Sample GPU load through NVML (or CPU and memory from /proc when there is no GPU) and\n"
           "print one JSON line per sample.\n\n"
           "  -i, --interval SECONDS   time between samples (default 1; at least 0.01)\n"
           "  -n, --count N            stop after N samples\n"
           "  -d, --duration SECONDS   stop after SECONDS (the last sample falls at or before it;\n"
           "                           at least --interval)\n"
           "      --db URL             also store the samples in the study database URL (a path,\n"
           "                           sqlite:///path or postgresql://..., opened as the other tools\n"
           "                           open it), table " GPU_SAMPLES_TABLE ", and watch its RUNNING\n"
           "                           trials' pids (of this host)\n"
           "      --fallback cpu|none  without a GPU: sample /proc (cpu, the default) or exit 1\n"
           "      --pidfile FILE       watch the pids listed in FILE (one per line, re-read each sample;\n"
           "                           one that is not a regular file, or of more than 65536 bytes, is\n"
           "                           not read: no pid from it, a warning once)\n"
           "      --nvml-library PATH  the NVML library to load (default " GPU_NVML_DEFAULT_LIBRARY ")\n"
           "  -q, --quiet              no notes on stderr (errors, samples not stored and a --pidfile\n"
           "                           that is no file to read still print)\n"
           "  -h, --help               show this help and exit\n"
           "      --version            show the version and exit\n"
           "--db, --pidfile and --nvml-library are each given once (a second is refused).\n\n"
           "A sample that waits for the --db file's lock longer than WS_MONITOR_BUSY_S seconds\n"
           "(environment; default %g), or whose PostgreSQL server does not answer for that long\n"
           "(tried again at each sample), is not stored there, with a warning; sampling goes on.\n"
           "SIGTERM or SIGINT stops it after the sample in progress (exit 0).\n"
           "Exit status: 0 done, 1 no GPU with --fallback none, 2 usage error, 3 internal error.\n",
           ws_cli_prog(), GPU_SAMPLES_BUSY_TIMEOUT_MS * 1e-3);
}

static void parse_options(int argc, char **argv, options *o)
{
    enum { OPT_DB = 256, OPT_FALLBACK, OPT_PIDFILE, OPT_NVML, OPT_VERSION };
    static const struct option longopts[] = {
        {"interval", required_argument, NULL, 'i'}, {"count", required_argument, NULL, 'n'},
        {"duration", required_argument, NULL, 'd'}, {"db", required_argument, NULL, OPT_DB},
        {"fallback", required_argument, NULL, OPT_FALLBACK}, {"pidfile", required_argument, NULL, OPT_PIDFILE},
        {"nvml-library", required_argument, NULL, OPT_NVML}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0},
    };
    *o = (options){.interval_s = 1.0, .fallback_cpu = 1, .busy_timeout_ms = GPU_SAMPLES_BUSY_TIMEOUT_MS};
    ws_err e = {0};
    int c;
    while ((c = getopt_long(argc, argv, ":i:n:d:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (ws_parse_double_finite(optarg, "--interval", &o->interval_s, &e)) ws_cli_usage_error("%s", e.msg);
            if (!(o->interval_s >= 0.01 && o->interval_s <= 86400))
                ws_cli_usage_error("--interval: expected seconds in [0.01, 86400], got '%s'", optarg);
            break;
        case 'n':
            if (ws_parse_long_range(optarg, "--count", 1, 1L << 50, &o->count, &e)) ws_cli_usage_error("%s", e.msg);
            break;
        case 'd':
            if (ws_parse_double_finite(optarg, "--duration", &o->duration_s, &e)) ws_cli_usage_error("%s", e.msg);
            if (!(o->duration_s > 0 && isfinite(o->duration_s)))
                ws_cli_usage_error("--duration: expected a positive number of seconds, got '%s'", optarg);
            break;
        /* a file option is taken once (ws_cli_once), as tell's are: getopt kept the last, so
         * `--db a.db --db b.db` stored the samples in b.db without a word; the numbers and
         * --fallback stay getopt's last one, a setting restated */
        case OPT_DB:
            ws_cli_once("db", o->db_path != NULL, "the samples are stored in one study file");
            /* an empty path or a URL naming no file: refused before anything is sampled */
            o->db_path = optarg;
            if (!gpu_samples_db_file(o->db_path, &e)) ws_cli_usage_error("%s", e.msg);
            break;
        case OPT_FALLBACK:
            if (strcmp(optarg, "cpu") && strcmp(optarg, "none"))
                ws_cli_usage_error("--fallback: expected 'cpu' or 'none', got '%s'", optarg);
            o->fallback_cpu = !strcmp(optarg, "cpu");
            break;
        case OPT_PIDFILE:
            ws_cli_once("pidfile", o->pidfile != NULL, "one pidfile is watched (put the pids in one file)");
            o->pidfile = ws_cli_file_arg("pidfile", optarg, "a pidfile is read again each sample");
            break;
        case OPT_NVML:
            ws_cli_once("nvml-library", o->nvml_library != NULL, "one NVML library is loaded");
            o->nvml_library = ws_cli_file_arg("nvml-library", optarg, "a library is a file, which is loaded");
            break;
        case 'q': o->quiet = 1; break;
        case 'h': usage(); exit(ws_cli_finish(0));   /* -h as every tool takes it */
        case OPT_VERSION: ws_cli_version();
        default: ws_cli_option_error(c, argv, longopts);
        }
    }
    if (optind < argc) ws_cli_usage_error("unexpected argument '%s'", argv[optind]);
    /* the first sample falls one interval after the start: a shorter duration took none and
     * exited 0, a monitor that watched nothing (within the ticker's 1e-9 s, as run_loop counts) */
    if (o->duration_s > 0 && o->duration_s + 1e-9 < o->interval_s)
        ws_cli_usage_error("--duration: %g s is shorter than --interval, %g s: no sample falls within it (the first is "
                           "taken one interval after the start)", o->duration_s, o->interval_s);
    const char *env = getenv("WS_MONITOR_BUSY_S");
    if (o->db_path && env && *env) {   /* empty is unset, as for the other WS_ variables */
        double busy_s;
        if (ws_parse_double_finite(env, "WS_MONITOR_BUSY_S", &busy_s, &e)) ws_cli_usage_error("%s", e.msg);
        if (!(busy_s >= 0 && busy_s <= 86400))
            ws_cli_usage_error("WS_MONITOR_BUSY_S: expected seconds in [0, 86400], got '%s'", env);
        o->busy_timeout_ms = (int)(busy_s * 1e3 + 0.5);
    }
}

static void print_notes(monitor *m)
{
    const char *n;
    while ((n = gpu_nvml_next_note(m->nvml)))
        if (!m->opt->quiet) ws_cli_warn("%s", n);
    int loud = 0;   /* a PostgreSQL server gone (even with --quiet: samples may be lost) or back */
    while (m->db && (n = gpu_samples_db_next_note(m->db, &loud)))
        if (loud || !m->opt->quiet) ws_cli_warn("%s", n);
}

/* The watched processes: the pidfile's and the study's RUNNING trials'. */
static int gather_pids(monitor *m, ws_err *e)
{
    m->s.n_procs = 0;
    m->s.with_procs = m->opt->pidfile || m->opt->db_path;
    if (m->opt->pidfile) {
        long bad = 0;
        ws_err pe = {0};
        if (gpu_pidfile_read(m->opt->pidfile, &m->s, &bad, &pe) && ws_err_exit_code(&pe) == 3) {   /* not the file's fault */
            *e = pe;
            return -1;
        }
        if ((pe.msg[0] || bad) && !m->pidfile_warned) {
            m->pidfile_warned = 1;
            if (pe.msg[0]) ws_cli_warn("pidfile: %s", pe.msg);
            else if (!m->opt->quiet) ws_cli_warn("%s:%ld: not a pid; skipped", m->opt->pidfile, bad);
        }
    }
    return m->db ? gpu_samples_db_watch_trials(m->db, &m->s, e) : 0;
}

/* The samples that waited for the --db file's lock as long as they may (all of them after a
 * stop) are not stored, each said: even with --quiet, as it is data the user asked for and will
 * not find. Their lines went out. */
static void drop_expired(monitor *m, double now_s, const char *then)
{
    ws_err w = {0};
    while (gpu_samples_db_expire(m->db, now_s, &w)) {
        m->not_stored++;
        ws_cli_warn("%s%s", w.msg, then);
    }
}

/* The --db file was deleted, or another renamed over it: the samples waiting for the lock and
 * this one (and all later ones) are not stored, said once, even with --quiet; the connection is
 * closed, so that nothing more goes into a file no one finds or into a WAL that the new file's
 * next reader would take for its own. The RUNNING trials' pids are no longer read. */
static void db_gone(monitor *m)
{
    size_t waiting = gpu_samples_db_queued(m->db);
    char datetime[40], before[96] = "";
    ws_datetime_format(m->s.t_s, datetime, sizeof datetime);
    if (waiting) snprintf(before, sizeof before, " (nor the %zu before it that waited for the lock)", waiting);
    ws_cli_warn("%s: the file was deleted or replaced while gpu-monitor ran: samples from %s (t=%.6f) on are not "
                "stored%s; sampling goes on", m->db_shown, datetime, m->s.t_s, before);
    m->gone += (long)waiting + 1;
    gpu_samples_db_close(m->db);
    m->db = NULL;
}

/* The sample, taken at mono_s, into the --db file: queued, then the queue written, waiting for
 * another connection's lock until the next sample is due (until_s) at most, so that a lock held
 * for a while delays the rows, not the lines on stdout, and no tick is skipped. */
static int store_sample(monitor *m, double mono_s, double until_s, ws_err *e)
{
    if (gpu_samples_db_moved(m->db)) { db_gone(m); return 0; }
    if (gpu_samples_db_queue(m->db, &m->s, mono_s, e)) return -1;
    double deadline = gpu_samples_db_deadline(m->db);   /* the newest sample's wait ends then */
    int rc = gpu_samples_db_flush(m->db, until_s < deadline ? until_s : deadline, e);
    print_notes(m);
    if (rc > 0 && !stop_requested) drop_expired(m, ws_mono_s(), "; sampling goes on");
    return rc < 0 ? -1 : 0;   /* after a stop, flush_rest says what stayed queued */
}

/* After the last sample: the queued samples, waited for until the newest one's busy timeout
 * (not after a stop: those are not stored, each said). */
static int flush_rest(monitor *m, ws_err *e)
{
    if (!m->db || !gpu_samples_db_queued(m->db)) return 0;
    int rc = gpu_samples_db_flush(m->db, stop_requested ? 0 : gpu_samples_db_deadline(m->db), e);
    print_notes(m);
    if (rc > 0) drop_expired(m, INFINITY, "");
    return rc < 0 ? -1 : 0;
}

static int take_sample(monitor *m, double until_s, ws_err *e)
{
    if (gather_pids(m, e)) return -1;
    m->s.t_s = ws_now_s();
    double mono_s = ws_mono_s();
    if (m->nvml ? gpu_nvml_sample(m->nvml, &m->s, e) : gpu_proc_sample_system(m->proc, &m->s, e)) return -1;
    print_notes(m);
    if (m->s.n_procs && gpu_proc_sample_processes(m->proc, &m->s, mono_s, e)) return -1;
    gpu_sample_tag_trials(&m->s);
    json_t *j = gpu_sample_to_json(&m->s);
    char *line = j ? ws_json_dump(j, 0) : NULL;
    json_decref(j);
    if (!line) return ws_err_set(e, WS_ENOMEM, "out of memory");
    /* written with write(2), not stdio: a stop must end a write blocked on a full pipe (a reader
     * that does not read), where stdio would write the rest again and wait for ever. The line
     * and its newline go in one write: whole unless a stop cuts it. */
    size_t n = strlen(line);
    line[n] = '\n';   /* over the NUL: the buffer is not used as a string again */
    struct stat st;
    off_t size0 = fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : -1;
    int rc = ws_write_full(STDOUT_FILENO, line, n + 1, &stop_requested);
    int err = errno;
    free(line);
    if (rc) {
        m->stdout_failed = !stop_requested;
        /* A file (monitor.jsonl) that filled up took part of the line: cut back to the whole
         * lines, else the next monitor appending to it (a resumed sweep) glues its first line to
         * the cut one and jq stops there. Only when the file grew by less than a line since, so
         * that nothing another writer added is cut. */
        if (size0 >= 0 && fstat(STDOUT_FILENO, &st) == 0 && st.st_size > size0 && st.st_size - size0 <= (off_t)n
            && ftruncate(STDOUT_FILENO, size0)) {}
        return ws_err_set(e, WS_EINTERNAL, "stdout: write error: %s", strerror(err));
    }
    m->lines++;
    if (m->gone) m->gone++;   /* the --db file went away: no longer stored */
    return m->db ? store_sample(m, mono_s, until_s, e) : 0;
}

/* Samples until the count or duration is reached or a signal asks to stop. */
static int run(monitor *m, ws_err *e)
{
    const options *o = m->opt;
    gpu_ticker tk;
    gpu_ticker_start(&tk, o->interval_s);
    for (long n = 0; !stop_requested && (!o->count || n < o->count); n++) {
        if (o->duration_s > 0 && gpu_ticker_offset_s(&tk, tk.k + 1) > o->duration_s + 1e-9) break;
        int rc;
        while ((rc = gpu_ticker_wait(&tk, wake_pipe[0])) == EINTR && !stop_requested) {}
        if (rc == EINTR) break;
        if (rc) return ws_err_set(e, WS_EINTERNAL, "waiting for the next sample: %s", strerror(rc));
        /* A monitor that fell behind (stopped, suspended) skips to the latest due tick, which
         * may lie past the duration: no sample is taken there. */
        if (o->duration_s > 0 && gpu_ticker_offset_s(&tk, tk.k) > o->duration_s + 1e-9) break;
        /* a stop cut a write to stdout short */
        if (take_sample(m, gpu_ticker_due_s(&tk, tk.k + 1), e)) return stop_requested ? 0 : -1;
    }
    return 0;
}

static int open_sources(monitor *m, ws_err *e)
{
    const options *o = m->opt;
    ws_err why = {0};
    m->nvml = gpu_nvml_open(o->nvml_library, &why);
    if (!m->nvml && ws_err_exit_code(&why) == 3) { *e = why; return -1; }   /* not "no GPU": internal */
    if (!m->nvml && !o->fallback_cpu) {
        ws_cli_warn("%s; nothing to monitor with --fallback none", why.msg);
        return 1;
    }
    if (!m->nvml || o->pidfile || o->db_path) {
        m->proc = gpu_proc_open(NULL, e);
        if (!m->proc) return -1;
    }
    /* The study before the notes: a --db refused (sqlite://x.db, a file that is no study) came
     * after "sampling CPUs and memory from /proc instead", as if sampling had begun. With
     * --fallback none and no GPU (exit 1, above) it is not opened, so not made. */
    if (o->db_path) {
        m->db = gpu_samples_db_open(o->db_path, o->busy_timeout_ms, &stop_requested, e);
        if (!m->db) return -1;
        snprintf(m->db_shown, sizeof m->db_shown, "%s", gpu_samples_db_path(m->db));
    }
    if (!m->nvml && !o->quiet) ws_cli_warn("%s; sampling CPUs and memory from /proc instead", why.msg);
    print_notes(m);
    return 0;
}

int main(int argc, char **argv)
{
    ws_cli_init(argv[0]);
    options o;
    parse_options(argc, argv, &o);
    ws_err e = {0};
    if (pipe2(wake_pipe, O_NONBLOCK | O_CLOEXEC)) {   /* before the handlers that write to it */
        ws_err_set(&e, WS_EINTERNAL, "pipe: %s", strerror(errno));
        return ws_cli_finish(ws_cli_report(&e));
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;     /* no SA_RESTART: the wait and a blocked write(2) return EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);

    monitor m = {.opt = &o};
    gpu_sample_init(&m.s);
    int rc = open_sources(&m, &e);
    if (rc < 0 && stop_requested) rc = 0;   /* a stop cut a wait for the db's lock short: stopped, as in run */
    else if (rc == 0) rc = run(&m, &e);
    ws_err later = {0};   /* after an error, the samples whose lines went out are stored all the same */
    if (flush_rest(&m, rc < 0 ? &later : &e)) rc = -1;
    if (rc < 0) rc = ws_cli_report(&e);
    if (m.not_stored)   /* the count, for a log whose warnings scrolled by; not an error (exit 0) */
        ws_cli_warn("%s: %ld of %ld sample%s not stored (%s; each is named above)", m.db_shown, m.not_stored, m.lines,
                    ws_plural((size_t)m.lines),
                    m.db ? gpu_samples_db_lost_why(m.db) : "another connection held the file's lock");
    if (m.gone)
        ws_cli_warn("%s: %ld of %ld sample%s not stored (the file was deleted or replaced while gpu-monitor ran)",
                    m.db_shown, m.gone, m.lines, ws_plural((size_t)m.lines));
    gpu_samples_db_close(m.db);
    gpu_proc_close(m.proc);
    gpu_nvml_close(m.nvml);
    gpu_sample_release(&m.s);
    /* stdio never held a sample (they are written with write(2)): after stdout's write error,
     * said above, closing it (a closed descriptor) would only say it again */
    return m.stdout_failed ? rc : ws_cli_finish(rc);
}
