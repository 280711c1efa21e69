/* proc.c — host name and process liveness (see proc.h). */
#include "core/proc.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/text.h"

const char *ws_hostname(void)
{
    /* the kernel takes any bytes for the name (sethostname); one that is not UTF-8 made no JSON
     * string, and recording a trial's host (suggest --pid, train-trial) died of SIGSEGV. Kept as
     * the tools show such bytes, \xNN (at most 4 x 64 of them), the same on every call, so the
     * host a trial recorded and the host --reap compares it with agree. */
    static char name[320];
    if (name[0]) return name;
    char raw[256] = "";
    if (gethostname(raw, sizeof raw - 1) != 0 || !raw[0]) strcpy(raw, "localhost");
    char *shown = ws_text_is_utf8(raw) ? NULL : ws_text_escape(raw);
    snprintf(name, sizeof name, "%s", shown ? shown : raw);
    free(shown);
    return name;
}

int ws_process_gone(long long pid)
{
    if (pid <= 0) return 0;
    if (kill((pid_t)pid, 0) != 0) return errno == ESRCH;
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%lld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *close_paren = strrchr(buf, ')');   /* the state follows "(comm) " */
    return close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z';
}

/* The command name of /proc/<who>/comm ("self" or a pid) in buf, without its newline; 0 if
 * unreadable. */
static int comm_of(const char *who, char *buf, size_t n)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/comm", who);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int ok = fgets(buf, (int)n, f) != NULL;
    fclose(f);
    if (ok) buf[strcspn(buf, "\n")] = 0;
    return ok && buf[0];
}

int ws_process_same_program(long long pid)
{
    if (pid <= 0) return 0;
    char who[32], exe[64], mine[32], its[32];
    struct stat a, b;
    snprintf(who, sizeof who, "%lld", pid);
    snprintf(exe, sizeof exe, "/proc/%s/exe", who);
    if (!stat("/proc/self/exe", &a) && !stat(exe, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino) return 1;
    return comm_of("self", mine, sizeof mine) && comm_of(who, its, sizeof its) && !strcmp(mine, its);
}

/* Field `field` (1-based, as proc(5) numbers them: 4 the parent's pid, 22 the start time) of
 * /proc/<pid>/stat (pid 0: this process's), a number; -1 when it cannot be read. Fields are
 * counted from the state on, after "(comm) ", as comm may hold spaces and parentheses. */
static long long stat_field(long long pid, int field)
{
    char path[64], buf[1024];
    if (pid < 0) return -1;
    if (pid == 0) snprintf(path, sizeof path, "/proc/self/stat");
    else snprintf(path, sizeof path, "/proc/%lld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *p = strrchr(buf, ')');
    if (!p) return -1;
    p++;   /* at the blank before the state, field 3; each step goes to the blank before the next */
    for (int at = 3; at < field; at++) {
        p = strchr(p + 1, ' ');
        if (!p) return -1;
    }
    long long v;
    return sscanf(p + 1, "%lld", &v) == 1 ? v : -1;
}

long long ws_process_start(long long pid)
{
    return stat_field(pid, 22);
}

int ws_process_ancestor(long long pid)
{
    /* init (pid 1) is every process's ancestor and never ends: taken for one, it would be one
     * for good */
    if (pid <= 1) return 0;
    long long p = (long long)getppid();
    /* a bound on the walk: a chain of parents is short, and /proc read as it changes could loop */
    for (int depth = 0; p > 1 && depth < 256; depth++) {
        if (p == pid) return 1;
        p = stat_field(p, 4);
    }
    return 0;
}

int ws_process_reused(long long pid, long long started)
{
    if (started < 0) return 0;
    long long now = ws_process_start(pid);
    return now >= 0 && now != started;
}
