/* test_gpu_proc.c — the /proc fallback (lib/gpu/procstat.c, pidfile.c, ticker.c): exact
 * percentages from crafted /proc trees, then the real /proc against readings taken here. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "gpu/pidfile.h"
#include "gpu/procstat.h"
#include "gpu/ticker.h"
#include "harness.h"

static char root[256];

static void write_file(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    FILE *f = fopen(path, "w");
    if (f) { fputs(text, f); fclose(f); }
}

static void make_root(void)
{
    snprintf(root, sizeof root, "%s/ws-gpu-proc.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(root)) root[0] = 0;
}

static void remove_root(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (root[0] && system(cmd)) {}
}

static const char meminfo[] = "MemTotal:       16000000 kB\nMemFree:         1000000 kB\n"
                              "MemAvailable:   12000000 kB\nBuffers:          100000 kB\nCached:          2000000 kB\n";

/* Totals from crafted counters: cpu0 busy 30 of 100 ticks, cpu1 75 of 100 (iowait counts as idle,
 * guest is inside user and not counted twice). */
static void test_cpu_percentages(void)
{
    make_root();
    write_file("meminfo", meminfo);
    write_file("stat", "cpu  1000 0 1000 8000 0 0 0 0 0 0\n"
                       "cpu0 500 0 500 4000 0 0 0 0 0 0\n"
                       "cpu1 500 0 500 4000 0 0 0 0 0 0\n"
                       "intr 12345 1 2 3\nctxt 999\n");
    ws_err e = {0};
    gpu_proc *p = gpu_proc_open(root, &e);
    CHECK(p != NULL, "open: %s", e.msg);
    if (!p) { remove_root(); return; }
    write_file("stat", "cpu  1060 5 1040 8080 15 0 0 0 50 0\n"
                       "cpu0 510 5 510 4060 10 0 0 5 0 0\n"
                       "cpu1 550 0 530 4020 5 0 0 0 50 0\n"
                       "intr 12345 1 2 3\n");
    gpu_sample s;
    gpu_sample_init(&s);
    CHECK(gpu_proc_sample_system(p, &s, &e) == 0, "sample: %s", e.msg);
    CHECK(s.source == GPU_SOURCE_PROC, "source");
    CHECK(s.n_cores == 2, "n_cores %zu", s.n_cores);
    /* cpu0: d = 10+5+10+60+10+5 = 100, idle 70 → 30 %; cpu1: 50+30+20+5 = 105, idle 25 → 76.19 % */
    if (s.n_cores == 2) {
        CHECK_NEAR(s.cpu_core_pct[0], 30.0, 1e-9);
        CHECK_NEAR(s.cpu_core_pct[1], 100.0 * 80.0 / 105.0, 1e-9);
    }
    /* total: d = 60+5+40+80+15 = 200, idle 95 → 52.5 % */
    CHECK_NEAR(s.cpu_total_pct, 52.5, 1e-9);
    CHECK(s.mem_total_bytes == 16000000LL * 1024, "mem_total %lld", s.mem_total_bytes);
    CHECK(s.mem_used_bytes == 4000000LL * 1024, "mem_used %lld", s.mem_used_bytes);
    /* no ticks elapsed: unknown, not 0 % or 100 % */
    CHECK(gpu_proc_sample_system(p, &s, &e) == 0, "sample: %s", e.msg);
    CHECK(isnan(s.cpu_total_pct) && isnan(s.cpu_core_pct[0]), "no ticks: %g", s.cpu_total_pct);
    /* a CPU coming online has no earlier reading */
    write_file("stat", "cpu  1160 5 1040 8180 15 0 0 0 50 0\ncpu0 610 5 510 4060 10 0 0 5 0 0\n"
                       "cpu1 550 0 530 4120 5 0 0 0 50 0\ncpu2 7 0 7 7 0 0 0 0 0 0\n");
    CHECK(gpu_proc_sample_system(p, &s, &e) == 0, "sample: %s", e.msg);
    CHECK(s.n_cores == 3 && s.cpu_core_pct[0] == 100.0 && s.cpu_core_pct[1] == 0.0 && isnan(s.cpu_core_pct[2]),
          "hotplug: %zu cores", s.n_cores);
    CHECK_NEAR(s.cpu_total_pct, 50.0, 1e-9);
    gpu_sample_release(&s);
    gpu_proc_close(p);
    remove_root();
}

static void test_meminfo_old_kernel(void)
{
    make_root();
    write_file("stat", "cpu 1 2 3 4\ncpu0 1 2 3 4\n");
    write_file("meminfo", "MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n");
    ws_err e = {0};
    gpu_proc *p = gpu_proc_open(root, &e);
    gpu_sample s;
    gpu_sample_init(&s);
    CHECK(p && gpu_proc_sample_system(p, &s, &e) == 0, "%s", e.msg);
    CHECK(s.mem_used_bytes == 600 * 1024 && s.mem_total_bytes == 1000 * 1024, "used %lld", s.mem_used_bytes);
    gpu_proc_close(p);
    write_file("meminfo", "SwapTotal: 5 kB\n");
    CHECK(gpu_proc_open(root, &e) == NULL && strstr(e.msg, "MemTotal"), "no MemTotal: %s", e.msg);
    CHECK(gpu_proc_open("/nonexistent-ws", &e) == NULL && strstr(e.msg, "/nonexistent-ws/stat"), "%s", e.msg);
    gpu_sample_release(&s);
    remove_root();
}

static void test_pid_stat_parse(void)
{
    unsigned long long cpu = 0, start = 0;
    /* a name with spaces and parentheses: fields are counted from the last ')' */
    const char *line = "4242 (a) b (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 98765 1000 200\n";
    CHECK(gpu_proc_parse_pid_stat(line, &cpu, &start) == 0, "parse");
    CHECK(cpu == 300 && start == 98765, "cpu %llu start %llu", cpu, start);
    CHECK(gpu_proc_parse_pid_stat("4242 (x) S 1 2 3\n", &cpu, &start) == -1, "short line");
    CHECK(gpu_proc_parse_pid_stat("no parens", &cpu, &start) == -1, "no name");
    CHECK(gpu_proc_parse_pid_stat("1 (x) S 1 1 1 0 -1 0 0 0 0 0 1x 5 0 0 20 0 1 0 7 1 1\n", &cpu, &start) == -1,
          "bad number");
}

static void write_pid(long pid, unsigned long long utime, unsigned long long stime, unsigned long long start,
                      unsigned long long resident)
{
    char rel[64], text[256];
    snprintf(rel, sizeof rel, "%ld", pid);
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", root, rel);
    mkdir(dir, 0755);
    snprintf(rel, sizeof rel, "%ld/stat", pid);
    snprintf(text, sizeof text, "%ld (trainer) R 1 1 1 0 -1 0 0 0 0 0 %llu %llu 0 0 20 0 4 0 %llu 1 1\n", pid, utime,
             stime, start);
    write_file(rel, text);
    snprintf(rel, sizeof rel, "%ld/statm", pid);
    snprintf(text, sizeof text, "9999 %llu 10 1 0 100 0\n", resident);
    write_file(rel, text);
}

static void test_process_cpu(void)
{
    make_root();
    write_file("stat", "cpu 1 2 3 4\ncpu0 1 2 3 4\n");
    write_file("meminfo", meminfo);
    write_pid(101, 100, 50, 5000, 256);
    write_pid(102, 0, 0, 6000, 512);
    ws_err e = {0};
    gpu_proc *p = gpu_proc_open(root, &e);
    gpu_sample s;
    gpu_sample_init(&s);
    CHECK(p != NULL, "%s", e.msg);
    if (!p) { remove_root(); return; }
    double hz = (double)sysconf(_SC_CLK_TCK), page = (double)sysconf(_SC_PAGESIZE);
    gpu_sample_watch(&s, 101);
    gpu_sample_watch(&s, 102);
    gpu_sample_watch(&s, 103);             /* no such process: dropped */
    CHECK(gpu_sample_watch(&s, 101) == &s.procs[0] && s.n_procs == 3, "watch dedupes");
    CHECK(gpu_proc_sample_processes(p, &s, 10.0, &e) == 0, "%s", e.msg);
    CHECK(s.n_procs == 2, "n_procs %zu", s.n_procs);
    CHECK(isnan(s.procs[0].cpu_pct) && s.procs[0].rss_bytes == (long long)(256 * page), "first reading");
    /* 101 uses 1.5 s of CPU in 2 s: 75 %; 102 is reused by a new process: unknown */
    write_pid(101, 100 + (unsigned long long)hz, 50 + (unsigned long long)(hz / 2), 5000, 300);
    write_pid(102, 10, 0, 7000, 512);
    s.n_procs = 0;
    gpu_sample_watch(&s, 101);
    gpu_sample_watch(&s, 102);
    CHECK(gpu_proc_sample_processes(p, &s, 12.0, &e) == 0, "%s", e.msg);
    CHECK(s.n_procs == 2, "n_procs %zu", s.n_procs);
    CHECK_NEAR(s.procs[0].cpu_pct, 75.0, 1e-9);
    CHECK(s.procs[0].rss_bytes == (long long)(300 * page), "rss %lld", s.procs[0].rss_bytes);
    CHECK(isnan(s.procs[1].cpu_pct), "reused pid: %g", s.procs[1].cpu_pct);
    gpu_sample_release(&s);
    gpu_proc_close(p);
    remove_root();
}

static void test_pidfile(void)
{
    make_root();
    char path[512];
    snprintf(path, sizeof path, "%s/pids", root);
    write_file("pids", "# trials\n  101\n\n102  \nabc\n101\n-5\n");
    gpu_sample s;
    gpu_sample_init(&s);
    long bad = 0;
    ws_err e = {0};
    CHECK(gpu_pidfile_read(path, &s, &bad, &e) == 0, "%s", e.msg);
    CHECK(s.n_procs == 2 && s.procs[0].pid == 101 && s.procs[1].pid == 102, "pids: %zu", s.n_procs);
    CHECK(bad == 5, "first bad line %ld", bad);
    s.n_procs = 0;
    /* a UTF-8 byte order mark at the start is skipped, as in the other tools' input files */
    write_file("pids", "\xef\xbb\xbf" "103\n104\n");
    CHECK(gpu_pidfile_read(path, &s, &bad, &e) == 0 && bad == 0 && s.n_procs == 2 && s.procs[0].pid == 103,
          "BOM: bad line %ld, %zu pids", bad, s.n_procs);
    s.n_procs = 0;
    snprintf(path, sizeof path, "%s/missing", root);
    CHECK(gpu_pidfile_read(path, &s, &bad, &e) == 0 && s.n_procs == 0 && bad == 0, "missing file is empty");
    CHECK(gpu_pidfile_read(root, &s, &bad, &e) == -1 && e.kind == WS_EINPUT, "a directory: %s", e.msg);
    gpu_sample_release(&s);
    remove_root();
}

/* The real /proc: memory total equals MemTotal, and this process's RSS is its VmRSS. */
static void test_real_proc(void)
{
    ws_err e = {0};
    gpu_proc *p = gpu_proc_open(NULL, &e);
    CHECK(p != NULL, "%s", e.msg);
    if (!p) return;
    long long mem_total_kb = -1, vmrss_kb = -1;
    char line[256];
    FILE *f = fopen("/proc/meminfo", "r");
    while (f && fgets(line, sizeof line, f)) sscanf(line, "MemTotal: %lld kB", &mem_total_kb);
    if (f) fclose(f);
    gpu_sample s;
    gpu_sample_init(&s);
    gpu_sample_watch(&s, (long)getpid());
    CHECK(gpu_proc_sample_system(p, &s, &e) == 0 && gpu_proc_sample_processes(p, &s, 1.0, &e) == 0, "%s", e.msg);
    f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f)) sscanf(line, "VmRSS: %lld kB", &vmrss_kb);
    if (f) fclose(f);
    CHECK(s.mem_total_bytes == mem_total_kb * 1024, "mem_total %lld vs MemTotal %lld kB", s.mem_total_bytes, mem_total_kb);
    CHECK(s.mem_used_bytes > 0 && s.mem_used_bytes < s.mem_total_bytes, "mem_used %lld", s.mem_used_bytes);
    long cores = sysconf(_SC_NPROCESSORS_CONF);
    CHECK(s.n_cores >= 1 && (long)s.n_cores <= cores, "n_cores %zu of %ld", s.n_cores, cores);
    CHECK(s.n_procs == 1, "self watched");
    if (s.n_procs == 1) CHECK_REL((double)s.procs[0].rss_bytes, (double)vmrss_kb * 1024, 0.05);
    gpu_sample_release(&s);
    gpu_proc_close(p);
}

/* Ticks land on start + k * interval; a late caller gets the latest due tick at once. The
 * interval is 100 ms: at 20 ms, a test process descheduled for a tick's length (make check beside
 * another file, on a loaded machine) was itself a late caller, and got tick 4 where 3 was due. */
static void test_ticker(void)
{
    gpu_ticker tk;
    gpu_ticker_start(&tk, 0.1);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 1; i <= 3; i++) {
        CHECK(gpu_ticker_wait(&tk, -1) == 0 && tk.k == i, "tick %d: k %lld", i, tk.k);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    CHECK(took >= 0.275 && took < 2.5, "3 ticks of 100 ms took %.3f s", took);
    struct timespec stall = {0, 350 * 1000000};
    nanosleep(&stall, NULL);                            /* ~650 ms: ticks 4..6 are missed */
    CHECK(gpu_ticker_wait(&tk, -1) == 0 && tk.k >= 6, "after a stall k %lld", tk.k);
    long long k = tk.k;
    CHECK(gpu_ticker_wait(&tk, -1) == 0 && tk.k > k, "then on schedule again: %lld", tk.k);
    CHECK_NEAR(gpu_ticker_offset_s(&tk, 50), 5.0, 1e-9);
}

/* A byte in the wake pipe (a signal handler's, written before the wait began) ends a 10 s wait
 * at once with EINTR and no tick; read, the schedule goes on where it was. */
static void test_ticker_wake(void)
{
    int p[2];
    CHECK(pipe(p) == 0, "pipe: %s", strerror(errno));
    gpu_ticker tk;
    gpu_ticker_start(&tk, 10.0);
    CHECK(write(p[1], "", 1) == 1, "write");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = gpu_ticker_wait(&tk, p[0]);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    CHECK(rc == EINTR && tk.k == 0, "rc %d, k %lld", rc, tk.k);
    CHECK(took < 0.5, "woken after %.3f s", took);
    CHECK(gpu_ticker_wait(&tk, p[0]) == EINTR, "the byte still there: at once again");
    char c;
    CHECK(read(p[0], &c, 1) == 1, "read");
    tk.start.tv_sec -= 10;   /* the first tick is due now: the next wait takes it */
    CHECK(gpu_ticker_wait(&tk, p[0]) == 0 && tk.k == 1, "then tick 1: k %lld", tk.k);
    close(p[1]);   /* a closed write end is no wake: EBADF, not EINTR for ever */
    CHECK(gpu_ticker_wait(&tk, p[0]) == EBADF, "write end closed");
    close(p[0]);
}

int main(void)
{
    RUN(test_cpu_percentages);
    RUN(test_meminfo_old_kernel);
    RUN(test_pid_stat_parse);
    RUN(test_process_cpu);
    RUN(test_pidfile);
    RUN(test_real_proc);
    RUN(test_ticker);
    RUN(test_ticker_wake);
    return test_summary();
}
