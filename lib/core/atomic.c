/* atomic.c — temp file + rename (see atomic.h). */
#include "core/atomic.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ws_atomic_open(ws_atomic *a, const char *path, ws_err *e)
{
    memset(a, 0, sizeof *a);
    a->path = strdup(path);
    if (!a->path || asprintf(&a->tmp, "%s.tmp.XXXXXX", path) < 0) {
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
