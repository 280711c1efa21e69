/* pidfile.h — the processes gpu-monitor watches, from a file of pids that the pipeline rewrites as
 * trials come and go: one pid per line; blank lines and lines starting with '#' are skipped. */
#ifndef WS_GPU_PIDFILE_H
#define WS_GPU_PIDFILE_H
#include "core/err.h"
#include "gpu/sample.h"

/* Adds every pid in `path` to the watched processes of s (gpu_sample_watch). A file that does
 * not exist (yet) holds no pid. A file of more than 65536 bytes is refused unread (-1, e
 * WS_EINPUT "PATH: N bytes, expected a file of pids, ..."): read at every sample, a file of
 * gigabytes held each one up for seconds. *bad_line is the first line that is not a pid (0: none); such
 * lines are skipped. -1 with e filled when the file exists but cannot be read, or out of memory. */
int gpu_pidfile_read(const char *path, gpu_sample *s, long *bad_line, ws_err *e);

#endif
