/* pq_dl.c — libpq loaded at run time (see pq_dl.h). */
#include "store/pq_dl.h"
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#define WS_PQ_DEFINE(ret, name, args) ret(*ws_##name) args;
WS_PQ_FUNCS(WS_PQ_DEFINE)
#undef WS_PQ_DEFINE

int ws_pq_load(char *why, size_t n)
{
    static int state;   /* 0 not tried, 1 loaded, -1 failed */
    static char failed[256];
    if (state) {
        if (state < 0) snprintf(why, n, "%s", failed);
        return state > 0 ? 0 : -1;
    }
    state = -1;
    void *so = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!so) {
        snprintf(failed, sizeof failed, "cannot load libpq (apt-get install libpq5): %s", dlerror());
        snprintf(why, n, "%s", failed);
        return -1;
    }
    /* POSIX: a function pointer converts from dlsym's void * through this form. */
#define WS_PQ_RESOLVE(ret, name, args)                                                      \
    if (!(*(void **)&ws_##name = dlsym(so, #name))) {                                       \
        snprintf(failed, sizeof failed, "libpq.so.5 lacks %s", #name);                      \
        snprintf(why, n, "%s", failed);                                                     \
        return -1;                                                                          \
    }
    WS_PQ_FUNCS(WS_PQ_RESOLVE)
#undef WS_PQ_RESOLVE
    state = 1;
    return 0;
}

void ws_pq_first_line(char *dst, size_t len, const char *msg)
{
    snprintf(dst, len, "%s", msg && *msg ? msg : "no message from libpq");
    dst[strcspn(dst, "\n")] = 0;
}

int ws_pq_sqlstate_is(const PGresult *r, const char *code)
{
    const char *s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    return s && !strcmp(s, code);
}

int ws_pq_lock_timed_out(const PGresult *r)
{
    return ws_pq_sqlstate_is(r, "55P03");   /* lock_not_available */
}

void ws_pq_error_line(char *dst, size_t len, const PGresult *r)
{
    if (ws_pq_lock_timed_out(r)) snprintf(dst, len, "%s", WS_PQ_LOCKED);
    else ws_pq_first_line(dst, len, r ? PQresultErrorMessage(r) : NULL);
}
