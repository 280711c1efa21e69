/* err.c — filling error buffers (see err.h). */
#include "core/err.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ws_err_set(ws_err *e, ws_errkind kind, const char *fmt, ...)
{
    if (!e) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->kind = kind;
    return -1;
}

int ws_err_prefix(ws_err *e, const char *fmt, ...)
{
    if (!e) return -1;
    char where[256], old[sizeof e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(where, sizeof where, fmt, ap);
    va_end(ap);
    memcpy(old, e->msg, sizeof old);
    int n = snprintf(e->msg, sizeof e->msg, "%s: ", where);
    if (n > 0 && (size_t)n < sizeof e->msg) snprintf(e->msg + n, sizeof e->msg - (size_t)n, "%.*s", (int)(sizeof e->msg - (size_t)n - 1), old);
    return -1;
}

void ws_err_clear(ws_err *e)
{
    if (!e) return;
    e->kind = WS_EOK;
    e->msg[0] = 0;
}

int ws_err_exit_code(const ws_err *e)
{
    return (e->kind == WS_EINPUT || e->kind == WS_ESTATE) ? 2 : 3;
}

int ws_errno_disk_full(int why) { return why == ENOSPC || why == EDQUOT || why == EFBIG; }

ws_errkind ws_errno_kind(int why) { return ws_errno_disk_full(why) ? WS_EINTERNAL : WS_EINPUT; }
