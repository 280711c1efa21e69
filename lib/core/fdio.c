/* fdio.c — see fdio.h. */
#include "core/fdio.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int ws_open_regular(const char *path, struct stat *st, const char **why)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return -1;
    if (fstat(fd, st) != 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    if (S_ISREG(st->st_mode)) return fd;
    *why = S_ISDIR(st->st_mode) ? "is a directory" : "is not a regular file";
    close(fd);
    return -2;
}

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

int ws_write_full(int fd, const void *buf, size_t len, const volatile sig_atomic_t *stop)
{
    const char *p = buf;
    while (len > 0) {
        if (stop && *stop) { errno = EINTR; return -1; }   /* also after a write the signal cut short */
        ssize_t k = write(fd, p, len);
        if (k < 0) { if (errno == EINTR) continue; return -1; }
        p += k; len -= (size_t)k;
    }
    return 0;
}
