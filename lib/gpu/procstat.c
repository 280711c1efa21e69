/* procstat.c — CPU, memory and process readings from /proc (see procstat.h).
 *
 * CPU busy % over an interval = 100 * (1 - d(idle + iowait) / d(all ticks)), where "all" sums
 * user, nice, system, idle, iowait, irq, softirq and steal (guest time is already inside user
 * and nice). A process's CPU % = 100 * d(utime + stime) / (CLK_TCK * seconds elapsed): 100 is one
 * core busy, like top. A pid whose start time changed is a new process (pid reuse).
 *
 * Cost matters (the monitor samples at up to 10 Hz beside the training it measures): /proc/stat
 * and /proc/meminfo stay open and are re-read with pread at offset 0, and so do the stat and
 * statm files of each watched process while it stays watched; no stdio, no per-sample open. */
#include "gpu/procstat.h"
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct { int seen; unsigned long long total, idle; } cpu_ticks;      /* one CPU's counters */
typedef struct {
    long pid;
    unsigned long long start, cpu;  /* clock ticks */
    double mono_s;                  /* when read */
    int fd_stat, fd_statm;          /* ROOT/PID/stat and statm, kept open while watched; -1 closed */
} pid_ticks;

struct gpu_proc {
    char root[200];
    double hz;                    /* clock ticks per second (CLK_TCK) */
    long long page_bytes;
    int fd_stat, fd_meminfo;      /* ROOT/stat and ROOT/meminfo */
    char *buf;                    /* [cap_buf] what was last read from ROOT/stat */
    size_t cap_buf;
    cpu_ticks all;                /* the "cpu" line */
    cpu_ticks *cores;             /* [n_cores] indexed by the N of "cpuN" */
    size_t n_cores;
    pid_ticks *pids, *next;       /* previous readings, and the ones being taken; [cap_pids] */
    size_t n_pids, cap_pids;
};

/* One "cpu" or "cpuN" line: N (-1 for the total) and its totals. 0, or -1 when not a cpu line. */
static int parse_cpu_line(const char *line, long *cpu, unsigned long long *total, unsigned long long *idle)
{
    if (strncmp(line, "cpu", 3)) return -1;
    char *end;
    const char *s = line + 3;
    *cpu = -1;
    if (*s >= '0' && *s <= '9') {
        *cpu = strtol(s, &end, 10);
        s = end;
    }
    unsigned long long v[8] = {0};
    for (int i = 0; i < 8; i++) {
        errno = 0;
        v[i] = strtoull(s, &end, 10);
        if (end == s || errno) {
            if (i < 4) return -1;      /* user nice system idle are always there */
            break;
        }
        s = end;
    }
    *total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
    *idle = v[3] + v[4];
    return 0;
}

static double busy_pct(cpu_ticks *prev, unsigned long long total, unsigned long long idle)
{
    double pct = NAN;
    if (prev->seen && total > prev->total) {
        double dt = (double)(total - prev->total), di = idle > prev->idle ? (double)(idle - prev->idle) : 0;
        pct = 100.0 * (1.0 - di / dt);
        if (pct < 0) pct = 0;
    }
    prev->seen = 1;
    prev->total = total;
    prev->idle = idle;
    return pct;
}

static int push_core(gpu_sample *s, double pct)
{
    if (!s || s->n_cores < s->cap_cores) {
        if (s) s->cpu_core_pct[s->n_cores++] = pct;
        return 0;
    }
    size_t want = s->cap_cores ? s->cap_cores * 2 : 16;
    double *c = realloc(s->cpu_core_pct, want * sizeof *c);
    if (!c) return -1;
    s->cpu_core_pct = c;
    s->cap_cores = want;
    s->cpu_core_pct[s->n_cores++] = pct;
    return 0;
}

/* Reads a whole small file from offset 0 of an open descriptor into buf (NUL-terminated);
 * the length read, or -1 with errno set. A /proc file is generated afresh by each such read and
 * handed over whole when it fits, so a read shorter than asked is the end (no second call). */
static ssize_t pread_all(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t r = pread(fd, buf + n, cap - 1 - n, (off_t)n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        n += (size_t)r;
        if ((size_t)r < cap - 1 - (n - (size_t)r)) break;
    }
    buf[n] = 0;
    return (ssize_t)n;
}

/* ROOT/stat into p->buf, grown until the cpu lines (which come first) fit whole. */
static int read_stat_file(gpu_proc *p, ws_err *e)
{
    for (;;) {
        ssize_t n = pread_all(p->fd_stat, p->buf, p->cap_buf);
        if (n < 0) return ws_err_set(e, WS_EINTERNAL, "%s/stat: %s", p->root, strerror(errno));
        if ((size_t)n + 1 < p->cap_buf || strstr(p->buf, "\nintr ")) return 0;
        char *b = realloc(p->buf, p->cap_buf * 2);
        if (!b) return ws_err_set(e, WS_ENOMEM, "%s/stat: out of memory", p->root);
        p->buf = b;
        p->cap_buf *= 2;
    }
}

static int grow_cores(gpu_proc *p, size_t want)
{
    cpu_ticks *c = realloc(p->cores, want * sizeof *c);
    if (!c) return -1;
    memset(c + p->n_cores, 0, (want - p->n_cores) * sizeof *c);
    p->cores = c;
    p->n_cores = want;
    return 0;
}

/* Reads the cpu lines of ROOT/stat. With s NULL it only records the counters. */
static int read_cpu(gpu_proc *p, gpu_sample *s, ws_err *e)
{
    if (read_stat_file(p, e)) return -1;
    if (s) s->n_cores = 0;
    int any = 0;
    for (const char *line = p->buf; *line;) {
        long cpu;
        unsigned long long total, idle;
        if (parse_cpu_line(line, &cpu, &total, &idle)) break;
        any = 1;
        const char *nl = strchr(line, '\n');
        line = nl ? nl + 1 : line + strlen(line);
        if (cpu < 0) {
            double pct = busy_pct(&p->all, total, idle);
            if (s) s->cpu_total_pct = pct;
            continue;
        }
        if ((size_t)cpu >= p->n_cores && grow_cores(p, (size_t)cpu + 1))
            return ws_err_set(e, WS_ENOMEM, "%s/stat: out of memory", p->root);
        if (push_core(s, busy_pct(&p->cores[cpu], total, idle)))
            return ws_err_set(e, WS_ENOMEM, "%s/stat: out of memory", p->root);
    }
    if (!any) return ws_err_set(e, WS_EINTERNAL, "%s/stat: no cpu line", p->root);
    return 0;
}

/* The kB value of "KEY:" in a meminfo text, or -1. */
static long long meminfo_kb(const char *text, const char *key)
{
    size_t len = strlen(key);
    for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
        if (!strncmp(line, key, len) && line[len] == ':') return strtoll(line + len + 1, NULL, 10);
    return -1;
}

static int read_meminfo(gpu_proc *p, gpu_sample *s, ws_err *e)
{
    char text[8192];
    if (pread_all(p->fd_meminfo, text, sizeof text) < 0)
        return ws_err_set(e, WS_EINTERNAL, "%s/meminfo: %s", p->root, strerror(errno));
    long long total = meminfo_kb(text, "MemTotal"), avail = meminfo_kb(text, "MemAvailable");
    if (total < 0) return ws_err_set(e, WS_EINTERNAL, "%s/meminfo: no MemTotal", p->root);
    if (avail < 0) {                                  /* kernels before 3.14 */
        long long mfree = meminfo_kb(text, "MemFree"), buffers = meminfo_kb(text, "Buffers");
        long long cached = meminfo_kb(text, "Cached");
        if (mfree >= 0) avail = mfree + (buffers > 0 ? buffers : 0) + (cached > 0 ? cached : 0);
    }
    s->mem_total_bytes = total * 1024;
    s->mem_used_bytes = avail >= 0 && avail <= total ? (total - avail) * 1024 : -1;
    return 0;
}

static int open_in_root(const gpu_proc *p, const char *rel, ws_err *e)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", p->root, rel);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && e) ws_err_set(e, WS_EINTERNAL, "%s: %s", path, strerror(errno));
    return fd;
}

gpu_proc *gpu_proc_open(const char *root, ws_err *e)
{
    gpu_proc *p = calloc(1, sizeof *p);
    if (!p) { ws_err_set(e, WS_ENOMEM, "/proc: out of memory"); return NULL; }
    snprintf(p->root, sizeof p->root, "%s", root ? root : "/proc");
    long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
    p->hz = hz > 0 ? (double)hz : 100.0;
    p->page_bytes = page > 0 ? page : 4096;
    p->fd_stat = p->fd_meminfo = -1;
    p->cap_buf = 16384;
    p->buf = malloc(p->cap_buf);
    gpu_sample probe;
    gpu_sample_init(&probe);
    int rc = !p->buf ? ws_err_set(e, WS_ENOMEM, "/proc: out of memory") : 0;
    if (!rc && ((p->fd_stat = open_in_root(p, "stat", e)) < 0 || (p->fd_meminfo = open_in_root(p, "meminfo", e)) < 0))
        rc = -1;
    if (!rc) rc = read_cpu(p, NULL, e);
    if (!rc) rc = read_meminfo(p, &probe, e);
    if (rc) { gpu_proc_close(p); return NULL; }
    return p;
}

static void close_pid(pid_ticks *t)
{
    if (t->fd_stat >= 0) close(t->fd_stat);
    if (t->fd_statm >= 0) close(t->fd_statm);
    t->fd_stat = t->fd_statm = -1;
}

void gpu_proc_close(gpu_proc *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->n_pids; i++) close_pid(&p->pids[i]);
    if (p->fd_stat >= 0) close(p->fd_stat);
    if (p->fd_meminfo >= 0) close(p->fd_meminfo);
    free(p->buf);
    free(p->cores);
    free(p->pids);
    free(p->next);
    free(p);
}

int gpu_proc_sample_system(gpu_proc *p, gpu_sample *s, ws_err *e)
{
    s->source = GPU_SOURCE_PROC;
    s->cpu_total_pct = NAN;
    return read_cpu(p, s, e) || read_meminfo(p, s, e) ? -1 : 0;
}

int gpu_proc_parse_pid_stat(const char *line, unsigned long long *cpu_ticks_out, unsigned long long *start_ticks)
{
    const char *s = strrchr(line, ')');        /* the command name may hold spaces and ')' */
    if (!s) return -1;
    s++;
    unsigned long long utime = 0, stime = 0, start = 0;
    /* fields after the name: 3 state, 4 ppid, ... 14 utime, 15 stime, ... 22 starttime */
    for (int field = 3; field <= 22; field++) {
        while (*s == ' ') s++;
        if (!*s || *s == '\n') return -1;
        const char *tok = s;
        while (*s && *s != ' ' && *s != '\n') s++;
        if (field == 14 || field == 15 || field == 22) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(tok, &end, 10);
            if (end != s || errno) return -1;
            if (field == 14) utime = v;
            else if (field == 15) stime = v;
            else start = v;
        }
    }
    *cpu_ticks_out = utime + stime;
    *start_ticks = start;
    return 0;
}

static pid_ticks *find_pid(gpu_proc *p, long pid)
{
    for (size_t i = 0; i < p->n_pids; i++)
        if (p->pids[i].pid == pid && p->pids[i].fd_stat >= 0) return &p->pids[i];
    return NULL;
}

/* Reads a process through its open files; 0 when it exists and parsed. */
static int read_pid_files(const gpu_proc *p, pid_ticks *t, long long *rss_bytes)
{
    char buf[1024];
    unsigned long long size, resident;
    if (pread_all(t->fd_stat, buf, sizeof buf) <= 0 || gpu_proc_parse_pid_stat(buf, &t->cpu, &t->start)) return -1;
    if (pread_all(t->fd_statm, buf, sizeof buf) <= 0 || sscanf(buf, "%llu %llu", &size, &resident) != 2) return -1;
    *rss_bytes = (long long)resident * p->page_bytes;
    return 0;
}

static int open_pid(const gpu_proc *p, long pid, pid_ticks *t)
{
    char rel[64];
    snprintf(rel, sizeof rel, "%ld/stat", pid);
    t->fd_stat = open_in_root(p, rel, NULL);
    snprintf(rel, sizeof rel, "%ld/statm", pid);
    t->fd_statm = t->fd_stat >= 0 ? open_in_root(p, rel, NULL) : -1;
    t->pid = pid;
    if (t->fd_statm >= 0) return 0;
    close_pid(t);
    return -1;
}

/* Reads one watched process into *now, reusing the files of its earlier reading (moved out of
 * *before) or opening them; a process that has exited gets one fresh open (its pid may have been
 * reused). 0 when it was read. */
static int read_pid(const gpu_proc *p, long pid, pid_ticks *before, pid_ticks *now, long long *rss_bytes)
{
    now->fd_stat = now->fd_statm = -1;
    if (before) {
        now->fd_stat = before->fd_stat;
        now->fd_statm = before->fd_statm;
        before->fd_stat = before->fd_statm = -1;
        now->pid = pid;
        if (!read_pid_files(p, now, rss_bytes)) return 0;
        close_pid(now);
    }
    if (open_pid(p, pid, now)) return -1;
    if (!read_pid_files(p, now, rss_bytes)) return 0;
    close_pid(now);
    return -1;
}

int gpu_proc_sample_processes(gpu_proc *p, gpu_sample *s, double mono_s, ws_err *e)
{
    if (s->n_procs > p->cap_pids) {
        pid_ticks *a = realloc(p->pids, s->n_procs * sizeof *a), *b = a ? realloc(p->next, s->n_procs * sizeof *b) : NULL;
        if (a) p->pids = a;
        if (!b) return ws_err_set(e, WS_ENOMEM, "/proc: out of memory");
        p->next = b;
        p->cap_pids = s->n_procs;
    }
    size_t k = 0;
    for (size_t i = 0; i < s->n_procs; i++) {
        gpu_process *proc = &s->procs[i];
        pid_ticks *before = find_pid(p, proc->pid), *now = &p->next[k];
        pid_ticks was = before ? *before : (pid_ticks){.fd_stat = -1, .fd_statm = -1};
        if (read_pid(p, proc->pid, before, now, &proc->rss_bytes)) continue;   /* gone: dropped */
        now->mono_s = mono_s;
        proc->cpu_pct = NAN;
        if (before && was.start == now->start && mono_s > was.mono_s && now->cpu >= was.cpu)
            proc->cpu_pct = 100.0 * (double)(now->cpu - was.cpu) / (p->hz * (mono_s - was.mono_s));
        s->procs[k++] = *proc;
    }
    for (size_t i = 0; i < p->n_pids; i++) close_pid(&p->pids[i]);   /* no longer watched */
    s->n_procs = k;
    pid_ticks *t = p->pids;
    p->pids = p->next;
    p->next = t;
    p->n_pids = k;
    return 0;
}
