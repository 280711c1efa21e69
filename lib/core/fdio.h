/* fdio.h — whole reads and writes at an offset of a file descriptor, retried across short
 * transfers and EINTR. */
#ifndef WS_CORE_FDIO_H
#define WS_CORE_FDIO_H
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Opens path read-only for a tool that needs a regular file (a cache, a checkpoint, audio, a list
 * file) and checks that it is one, without hanging on a FIFO (opened O_NONBLOCK, which regular
 * files ignore) or reading a device such as /dev/zero forever: the descriptor, with *st filled;
 * -1 with errno set when it cannot be opened; -2 when it is not a regular file (closed again),
 * *why saying what it is ("is a directory", "is not a regular file"). */
int ws_open_regular(const char *path, struct stat *st, const char **why);

/* Reads exactly len bytes at off: 0, or -1 with errno set (EIO when the file ends first). */
int ws_pread_full(int fd, void *buf, size_t len, uint64_t off);
/* Writes exactly len bytes at off: 0, or -1 with errno set. */
int ws_pwrite_full(int fd, const void *buf, size_t len, uint64_t off);
/* Writes exactly len bytes to fd (a pipe, a terminal), retried across short writes and EINTR
 * until *stop (NULL: never) is set by a signal: then -1 with errno EINTR, part of buf maybe
 * written. A signal handler installed without SA_RESTART makes a write blocked on a full pipe
 * return, so a stop is not held up by a reader that does not read (stdio would write again).
 * A signal that lands after the last look at *stop and before write(2) begins to wait is not
 * seen by it: the caller sends itself another (gpu-monitor's alarm) to end that wait. */
int ws_write_full(int fd, const void *buf, size_t len, const volatile sig_atomic_t *stop);

#endif
