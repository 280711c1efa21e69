/* err.c — filling error buffers (see err.h). */
#include "core/err.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ws_err_set(ws_err *e, ws_errkind kind, const char *fmt, ...)
{
    if (!e) return -1;
    char msg[sizeof e->msg];   /* made apart: an argument may be e->msg */
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* A message past the buffer lost its end, where "PATH: why" says why: a clip whose path is
     * over 1 KB (folders nested deep, or long names) was "skipped /data/.../ddd", no reason
     * left. Shortened in its middle instead, as ws_err_set_tail does a head, "..." there. */
    char *whole = n >= (int)sizeof msg ? malloc((size_t)n + 1) : NULL;
    if (whole && vsnprintf(whole, (size_t)n + 1, fmt, again) == n) {
        va_end(again);
        ws_err_set_tail(e, kind, whole, "");
        free(whole);
        return -1;
    }
    va_end(again);
    free(whole);
    if (n < 0) msg[0] = 0;
    memcpy(e->msg, msg, strlen(msg) + 1);
    e->kind = kind;
    return -1;
}

int ws_err_set_tail(ws_err *e, ws_errkind kind, const char *head, const char *tail)
{
    if (!e) return -1;
    char cause[sizeof e->msg];   /* built apart: head may be e->msg */
    size_t room = sizeof e->msg - 1, need = strlen(tail), keep = need + 3 < room ? room - need : 3;
    size_t len = strlen(head);
    if (len <= keep) snprintf(cause, sizeof cause, "%s", head);
    else {   /* its start and its end, "..." between */
        size_t start = (keep - 3) / 2, end = len - (keep - 3 - start);
        while (start && ((unsigned char)head[start] & 0xC0) == 0x80) start--;
        while (end < len && ((unsigned char)head[end] & 0xC0) == 0x80) end++;
        snprintf(cause, sizeof cause, "%.*s...%s", (int)start, head, head + end);
    }
    return ws_err_set(e, kind, "%s%s", cause, tail);
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
