/* pywarm-client.c — the client of tests/cli/pywarm.py's servers: what "$PY" runs after py_warm
 * (tests/cli/lib.sh), `pywarm-client SOCKET PYTHON ARG...`.
 *
 * It hands `PYTHON ARG...` to the server at SOCKET, which runs it in a fork of itself with the
 * modules already imported: this process's stdin, stdout and stderr (the open files themselves,
 * passed over the socket), its working folder, environment, umask and resource limits go along,
 * and it exits with the run's status (128 + N where a signal N ended it). Where there is no
 * server, or the server answers "fallback" (a command, environment or process state it does not
 * take: pywarm.py says which), it execs PYTHON itself, so the command runs either way.
 *
 * Why C: the client starts once for every "$PY" run of a test file, about 550 times a make check.
 * As a python3 -I -S script it cost about 40 ms of CPU a start on the 2-core VM; this costs a
 * process start (about 3 ms).
 *
 * The request (pywarm.py's read_request reads it): a 4-byte big-endian length, then NUL-ended
 * fields: "pywarm1", PYTHON, the working folder, the process state ("UMASK" then "SOFT HARD" for
 * each resource limit from 0 up to the first the kernel does not know, infinity as -1, all in
 * decimal and blank-separated), the number of ARGs, the ARGs, then the environment's "NAME=VALUE"
 * strings. The answer: 8 bytes, "fallback" or the exit status in decimal. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

typedef struct {
    char *p;
    size_t n, cap;
} buf;

static void put(buf *b, const void *s, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            fputs("pywarm-client: out of memory\n", stderr);
            exit(70);
        }
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void field(buf *b, const char *s) { put(b, s, strlen(s) + 1); }

/* PYTHON ARG... run by python itself: no server, or one that does not take the command */
static void fallback(char **argv)
{
    execv(argv[0], argv);
    fprintf(stderr, "pywarm-client: %s: %s\n", argv[0], strerror(errno));
    exit(127);
}

/* "UMASK SOFT HARD SOFT HARD ...": what pywarm.py's proc_state() says of the server */
static void proc_state(buf *b)
{
    char s[64];
    mode_t um = umask(022);
    umask(um);
    snprintf(s, sizeof s, "%u", (unsigned)um);
    put(b, s, strlen(s));
    for (int r = 0;; r++) {
        struct rlimit l;
        if (getrlimit(r, &l)) break;
        snprintf(s, sizeof s, " %lld %lld", l.rlim_cur == RLIM_INFINITY ? -1LL : (long long)l.rlim_cur,
                 l.rlim_max == RLIM_INFINITY ? -1LL : (long long)l.rlim_max);
        put(b, s, strlen(s));
    }
    put(b, "", 1);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: pywarm-client SOCKET PYTHON [ARG...]\n", stderr);
        return 2;
    }
    const char *sock_path = argv[1];
    char **py_argv = argv + 2;   /* PYTHON ARG..., as execv takes them */

    /* stdin, stdout and stderr themselves; one that is closed goes as /dev/null (a python run
     * given a closed descriptor would have opened nothing there either, but the server takes three).
     * Filled first, in order, before the socket is made: the socket would otherwise take the lowest
     * free descriptor, a closed 0, 1 or 2, and go to the run as its stdin (a read that never ends)
     * or stdout (output read back as the exit status). O_CLOEXEC: a fallback's python still finds
     * them closed. */
    int fds[3];
    for (int i = 0; i < 3; i++) {
        struct stat st;
        fds[i] = fstat(i, &st) == 0 ? i : open("/dev/null", O_RDWR | O_CLOEXEC);
    }

    buf b = {0};
    put(&b, "\0\0\0\0", 4);   /* the length, set below */
    field(&b, "pywarm1");
    field(&b, argv[2]);
    char *cwd = getcwd(NULL, 0);
    if (!cwd) fallback(py_argv);   /* a folder since removed: python says what it says there */
    field(&b, cwd);
    proc_state(&b);
    char count[32];
    snprintf(count, sizeof count, "%d", argc - 3);
    field(&b, count);
    for (int i = 3; i < argc; i++) field(&b, argv[i]);
    for (char **e = environ; *e; e++) field(&b, *e);
    if (b.n - 4 > UINT32_MAX) fallback(py_argv);
    uint32_t len = (uint32_t)(b.n - 4);
    unsigned char hdr[4] = {len >> 24, len >> 16, len >> 8, len};
    memcpy(b.p, hdr, 4);

    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(sock_path) >= sizeof addr.sun_path) fallback(py_argv);
    strcpy(addr.sun_path, sock_path);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof addr)) fallback(py_argv);

    char ctl[CMSG_SPACE(sizeof fds)] = {0};
    struct iovec iov = {.iov_base = b.p, .iov_len = b.n};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_RIGHTS, c->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    ssize_t sent = sendmsg(s, &msg, MSG_NOSIGNAL);
    if (sent < 0) fallback(py_argv);   /* nothing sent: the server never saw the command */
    for (size_t off = (size_t)sent; off < b.n;) {   /* the rest of a long environment */
        ssize_t w = send(s, b.p + off, b.n - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            fputs("pywarm: the server went away\n", stderr);
            _exit(70);
        }
        off += (size_t)w;
    }

    char ans[9] = {0};
    size_t got = 0;
    while (got < 8) {
        ssize_t r = read(s, ans + got, 8 - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            fputs("pywarm: the server went away\n", stderr);
            _exit(70);
        }
        got += (size_t)r;
    }
    if (!strcmp(ans, "fallback")) {
        close(s);
        fallback(py_argv);
    }
    _exit(atoi(ans));
}
