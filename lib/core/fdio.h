/* fdio.h — whole reads and writes at an offset of a file descriptor, retried across short
 * transfers and EINTR. */
#ifndef WS_CORE_FDIO_H
#define WS_CORE_FDIO_H
#include <stddef.h>
#include <stdint.h>

/* Reads exactly len bytes at off: 0, or -1 with errno set (EIO when the file ends first). */
int ws_pread_full(int fd, void *buf, size_t len, uint64_t off);
/* Writes exactly len bytes at off: 0, or -1 with errno set. */
int ws_pwrite_full(int fd, const void *buf, size_t len, uint64_t off);

#endif
