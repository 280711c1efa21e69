/* sigint-at-exit.c — an LD_PRELOAD shim for the Ctrl-C tests (t0990, t0991, t0992; lib.sh's
 * sigint_at_exit_shim builds it): it makes the end of the Nth process a shell waits for the
 * moment a Ctrl-C comes, the moment bash takes for the child's to handle ("wait and cooperative
 * exit") or drops in a command substitution's wait. Its destructor, in a process that exits,
 * counts that exit (a line, the process's name) and, the SUB_NTH-th, ignores SIGINT, closes its
 * output (a process that has said its say), waits 0.05 s (the shell then waits for it), marks
 * SUB_DIR/fired, sends SIGINT to its process group and waits 0.1 s.
 * Environment: SUB_DIR (the counts' folder) and SUB_NTH (unset: nothing done); SUB_PARENT, a text
 * of the parent's command line: only the children of such a parent count, each parent's in
 * SUB_DIR/PARENT_PID; unset: every process but the session's leader counts, in SUB_DIR/all. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char args[65536];   /* a make recipe's command line is long */

/* 1 where the parent's command line holds want */
static int parent_runs(const char *want)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)getppid());
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    ssize_t k = read(fd, args, sizeof args - 1);
    close(fd);
    if (k <= 0) return 0;
    args[k] = 0;
    for (ssize_t i = 0; i < k; i++)
        if (!args[i]) args[i] = ' ';
    return strstr(args, want) != NULL;
}

__attribute__((destructor)) static void sub_end(void)
{
    const char *dir = getenv("SUB_DIR"), *nth = getenv("SUB_NTH"), *parent = getenv("SUB_PARENT");
    char path[4096];
    if (!dir || !nth) return;
    if (parent ? !parent_runs(parent) : getpid() == getsid(0)) return;
    if (parent) snprintf(path, sizeof path, "%s/%d", dir, (int)getppid());
    else snprintf(path, sizeof path, "%s/all", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND, 0644), n = 0;
    if (fd < 0) return;
    char c, comm[32] = "?";
    while (read(fd, &c, 1) == 1) n += c == '\n';
    int cf = open("/proc/self/comm", O_RDONLY);
    if (cf >= 0) {
        ssize_t k = read(cf, comm, sizeof comm - 1);
        comm[k > 1 ? k - 1 : 1] = 0;
        close(cf);
    }
    dprintf(fd, "%s\n", comm);
    close(fd);
    if (n + 1 != atoi(nth)) return;
    signal(SIGINT, SIG_IGN);
    fflush(stdout);
    close(1);
    usleep(50000);
    snprintf(path, sizeof path, "%s/fired", dir);
    close(open(path, O_WRONLY | O_CREAT, 0644));
    kill(0, SIGINT);
    usleep(100000);
}
