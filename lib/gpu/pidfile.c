/* pidfile.c — reading the watched pids (see pidfile.h). Read every sample, so with plain
 * open/read/close and no stdio. */
#include "gpu/pidfile.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/fdio.h"
#include "core/text.h"

#define MAX_BYTES 65536u   /* 8192 lines of a 7-digit pid: more than any sweep runs at once */
#define MAX_LINE 127u      /* bytes of a line that may be a pid (blanks around it); a longer one is not */

/* A line holding one positive pid (surrounding blanks allowed): the pid; 0 for a blank or
 * comment line; -1 when it is something else. */
static long parse_line(const char *line)
{
    while (isspace((unsigned char)*line)) line++;
    if (!*line || *line == '#') return 0;
    char *end;
    errno = 0;
    long pid = strtol(line, &end, 10);
    while (isspace((unsigned char)*end)) end++;
    if (end == line || *end || errno || pid <= 0 || pid > 4194304) return -1;
    return pid;
}

/* Handles one whole line; -1 when out of memory. */
static int take_line(const char *line, long lineno, gpu_sample *s, long *bad_line)
{
    /* an editor's UTF-8 byte order mark before line 1 is skipped, as in the other tools' input
     * files (it made line 1 "not a pid") */
    if (lineno == 1) line += ws_text_bom(line, strlen(line));
    long pid = parse_line(line);
    if (pid < 0 && !*bad_line) *bad_line = lineno;
    return pid > 0 && !gpu_sample_watch(s, pid) ? -1 : 0;
}

/* A file of more than MAX_BYTES bytes (`bytes`, or at least that when the read stopped there) is
 * not a file of pids. */
static int too_large(const char *path, uint64_t bytes, int at_least, ws_err *e)
{
    return ws_err_set(e, WS_EINPUT, "%s: %" PRIu64 "%s bytes, expected a file of pids, one per line, of at most %u bytes; "
                      "no pid read", path, bytes, at_least ? " or more" : "", (unsigned)MAX_BYTES);
}

int gpu_pidfile_read(const char *path, gpu_sample *s, long *bad_line, ws_err *e)
{
    *bad_line = 0;
    /* only a regular file: a FIFO would block the open until a writer came, and a device such
     * as /dev/zero never ends, either way stalling the samples and a SIGTERM's stop */
    struct stat st;
    const char *why = NULL;
    int fd = ws_open_regular(path, &st, &why);
    if (fd == -2) return ws_err_set(e, WS_EINPUT, "%s: %s, expected a file of pids, one per line", path, why);
    if (fd < 0) return errno == ENOENT ? 0 : ws_err_set(e, WS_EINPUT, "%s: %s", path, strerror(errno));
    /* A file of pids for the trials running at once is a few hundred bytes; read whole at every
     * sample, a file of gigabytes (a sparse one, or another file named by mistake) held each
     * sample up for seconds. Past MAX_BYTES it is refused unread (and a file that grew past it
     * since the fstat is found by the bounded read), so that no pid is taken from part of it. */
    if ((uint64_t)st.st_size > MAX_BYTES) {
        close(fd);
        return too_large(path, (uint64_t)st.st_size, 0, e);
    }
    char *buf = malloc(MAX_BYTES + 1);
    if (!buf) { close(fd); return ws_err_set(e, WS_ENOMEM, "%s: out of memory", path); }
    size_t got = 0;
    int rc = 0;
    while (got <= MAX_BYTES) {
        ssize_t n = read(fd, buf + got, MAX_BYTES + 1 - got);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            rc = ws_err_set(e, WS_EINPUT, "%s: %s", path, strerror(errno));
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    if (!rc && got > MAX_BYTES) rc = too_large(path, got, 1, e);
    /* the lines in place, each ended at its '\n'; the last, without one, at buf[got]: a file
     * parsed is at most MAX_BYTES, and buf has one byte more */
    long lineno = 1;
    for (char *line = buf, *end = buf + got; !rc && line < end; line++, lineno++) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t len = (size_t)((nl ? nl : end) - line);
        line[len] = 0;
        /* a NUL byte in it would end the C string there: "PID<NUL>junk" read as PID, a line of
         * NULs as a blank one; no pid or blank holds one, so the line is not a pid */
        int whole = len <= MAX_LINE && !memchr(line, 0, len);
        rc = take_line(whole ? line : "x", lineno, s, bad_line);
        line += len;
    }
    free(buf);
    if (rc && e && !e->msg[0]) ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
    return rc;
}
