/* fdio.c — see fdio.h. */
#include "core/fdio.h"
#include <errno.h>
#include <unistd.h>

int ws_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
    char *p = buf;
    while (len > 0) {
        ssize_t k = pread(fd, p, len, (off_t)off);
        if (k < 0) { if (errno == EINTR) continue; return -1; }
        if (k == 0) { errno = EIO; return -1; }
        p += k; len -= (size_t)k; off += (uint64_t)k;
    }
    return 0;
}

int ws_pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t k = pwrite(fd, p, len, (off_t)off);
        if (k < 0) { if (errno == EINTR) continue; return -1; }
        p += k; len -= (size_t)k; off += (uint64_t)k;
    }
    return 0;
}
