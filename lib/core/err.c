/* err.c — filling error buffers (see err.h). */
#include "core/err.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* fmt's text: in small (n bytes) where it fits, else whole in memory of its own, which the
 * caller frees (text != small); where that memory cannot be had, small's cut text. Messages and
 * their "where" are made so, whole, before they are shortened in their middle: cut at a buffer's
 * end, a message past it lost its end, where "PATH: why" says why (a clip whose path is over
 * 1 KB, folders nested deep, was "skipped /data/.../ddd", no reason left). */
__attribute__((format(printf, 3, 0)))
static char *text_of(char *small, size_t n, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int len = vsnprintf(small, n, fmt, ap);
    char *whole = len >= (int)n ? malloc((size_t)len + 1) : NULL;
    if (whole && vsnprintf(whole, (size_t)len + 1, fmt, again) != len) {
        free(whole);
        whole = NULL;
    }
    va_end(again);
    if (len < 0) small[0] = 0;
    return whole ? whole : small;
}

int ws_err_set(ws_err *e, ws_errkind kind, const char *fmt, ...)
{
    if (!e) return -1;
    char small[sizeof e->msg];   /* made apart: an argument may be e->msg */
    va_list ap;
    va_start(ap, fmt);
    char *text = text_of(small, sizeof small, fmt, ap);
    va_end(ap);
    if (text != small) {   /* past the buffer: shortened in its middle, "..." there */
        ws_err_set_tail(e, kind, text, "");
        free(text);
        return -1;
    }
    memcpy(e->msg, small, strlen(small) + 1);
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
    /* the where whole, and the whole shortened by ws_err_set as any message: the where was cut
     * at 255 bytes ("DB: study 'NAME'" lost the study's name after a path folders deep) */
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    char *where = text_of(small, sizeof small, fmt, ap);
    va_end(ap);
    ws_err_set(e, e->kind, "%s: %s", where, e->msg);
    if (where != small) free(where);
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
