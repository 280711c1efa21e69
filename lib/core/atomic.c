/* atomic.c — temp file + rename (see atomic.h). */
#include "core/atomic.h"
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/proc.h"

/* The host name as it appears in temporary names: no dots, so the name parses back. */
static void host_tag(char *out, size_t n)
{
    snprintf(out, n, "%s", ws_hostname());
    for (char *p = out; *p; p++)
        if (*p == '.' || *p == '/') *p = '_';
}

int ws_atomic_open(ws_atomic *a, const char *path, ws_err *e)
{
    memset(a, 0, sizeof *a);
    a->path = strdup(path);
    char host[256];
    host_tag(host, sizeof host);
    if (!a->path || asprintf(&a->tmp, "%s.tmp.%s-%ld.XXXXXX", path, host, (long)getpid()) < 0) {
        free(a->path); a->path = NULL; a->tmp = NULL;
        return ws_err_set(e, WS_EINTERNAL, "%s: out of memory", path);
    }
    int fd = mkstemp(a->tmp);
    if (fd < 0) {
        ws_err_set(e, WS_EINPUT, "%s: cannot create: %s", path, strerror(errno));
        free(a->tmp); free(a->path); a->tmp = a->path = NULL;
        return -1;
    }
    /* mkstemp makes the file 0600; outputs get the usual 0666 less the umask */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    a->f = fdopen(fd, "w");
    if (!a->f) { close(fd); ws_atomic_abort(a); return ws_err_set(e, WS_EINTERNAL, "%s: fdopen failed", path); }
    return 0;
}

int ws_atomic_commit(ws_atomic *a, ws_err *e)
{
    int bad = fflush(a->f) != 0 || ferror(a->f) || fsync(fileno(a->f)) != 0;
    int saved = errno;
    if (fclose(a->f) != 0 && !bad) { bad = 1; saved = errno; }
    a->f = NULL;
    if (!bad && rename(a->tmp, a->path) != 0) { bad = 1; saved = errno; }
    if (bad) {
        ws_err_set(e, WS_EINTERNAL, "%s: cannot write: %s", a->path, strerror(saved));
        ws_atomic_abort(a);
        return -1;
    }
    free(a->tmp); free(a->path);
    a->tmp = a->path = NULL;
    return 0;
}

void ws_atomic_abort(ws_atomic *a)
{
    if (a->f) fclose(a->f);
    if (a->tmp) unlink(a->tmp);
    free(a->tmp); free(a->path);
    memset(a, 0, sizeof *a);
}

/* NAME.tmp.HOST-PID.XXXXXX: 1 with host and pid filled in, 0 for any other name. */
static int parse_tmp_name(const char *name, char *host, size_t hn, long long *pid)
{
    size_t len = strlen(name);
    if (len < 7 || name[len - 7] != '.') return 0;
    const char *tag = NULL;
    for (const char *p = strstr(name, ".tmp."); p && p < name + len - 7; p = strstr(p + 1, ".tmp."))
        tag = p + 5;
    if (!tag) return 0;
    const char *end = name + len - 7, *dash = NULL;
    for (const char *p = tag; p < end; p++)
        if (*p == '-') dash = p;
    if (!dash || dash == tag || (size_t)(dash - tag) >= hn) return 0;
    char *num_end;
    *pid = strtoll(dash + 1, &num_end, 10);
    if (num_end != end || *pid <= 0) return 0;
    memcpy(host, tag, (size_t)(dash - tag));
    host[dash - tag] = 0;
    return 1;
}

int ws_atomic_reap(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    char me[256], host[256], path[4096];
    host_tag(me, sizeof me);
    int removed = 0;
    long long pid;
    for (struct dirent *de; (de = readdir(d));) {
        if (!parse_tmp_name(de->d_name, host, sizeof host, &pid) || strcmp(host, me) || !ws_process_gone(pid))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (unlink(path) == 0) removed++;
    }
    closedir(d);
    return removed;
}
