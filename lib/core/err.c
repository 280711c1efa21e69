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
    /* Made whole and shortened in its middle by ws_err_set, as any message: the where was cut at
     * 255 bytes ("DB: study 'NAME'" lost the study's name after a path folders deep) and the
     * whole at the buffer's end, the reason (the message's end) lost. */
    char small[256], *where = small;
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    char *whole = n >= (int)sizeof small ? malloc((size_t)n + 1) : NULL;
    if (whole && vsnprintf(whole, (size_t)n + 1, fmt, again) == n) where = whole;
    va_end(again);
    if (n < 0) small[0] = 0;
    ws_err_set(e, e->kind, "%s: %s", where, e->msg);
    free(whole);
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
