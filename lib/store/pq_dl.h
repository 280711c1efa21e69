/* pq_dl.h — libpq through dlopen. Linking it costs every process its dependency chain (libssl,
 * libcrypto, Kerberos, LDAP: ~25 ms of start-up, five times a whole suggest call on SQLite), so
 * it is loaded only when a postgresql:// study is opened, as NVML and the CUDA backend are. The
 * calls keep libpq's names: each PQ function used in lib/store is a macro for a pointer that
 * ws_pq_load() fills. Include after <libpq-fe.h> (pg_internal.h does). */
#ifndef WS_STORE_PQ_DL_H
#define WS_STORE_PQ_DL_H
#include <signal.h>
#include <stddef.h>
#include <libpq-fe.h>

#define WS_PQ_FUNCS(X)                                                                              \
    X(PGconn *, PQconnectdbParams, (const char *const *keywords, const char *const *values, int expand)) \
    X(PGPing, PQpingParams, (const char *const *keywords, const char *const *values, int expand))  \
    X(PQconninfoOption *, PQconninfoParse, (const char *conninfo, char **errmsg))                    \
    X(void, PQconninfoFree, (PQconninfoOption *connOptions))                                         \
    X(PQconninfoOption *, PQconndefaults, (void))                                                    \
    X(void, PQfinish, (PGconn *conn))                                                                \
    X(ConnStatusType, PQstatus, (const PGconn *conn))                                                \
    X(char *, PQerrorMessage, (const PGconn *conn))                                                  \
    X(PGresult *, PQexec, (PGconn *conn, const char *query))                                         \
    X(PGresult *, PQexecParams, (PGconn *conn, const char *command, int nParams, const Oid *paramTypes, \
                                 const char *const *paramValues, const int *paramLengths,            \
                                 const int *paramFormats, int resultFormat))                         \
    X(ExecStatusType, PQresultStatus, (const PGresult *res))                                         \
    X(char *, PQresultErrorMessage, (const PGresult *res))                                           \
    X(char *, PQresultErrorField, (const PGresult *res, int fieldcode))                              \
    X(int, PQntuples, (const PGresult *res))                                                         \
    X(int, PQnfields, (const PGresult *res))                                                         \
    X(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num))                         \
    X(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num))                           \
    X(char *, PQcmdStatus, (PGresult *res))                                                          \
    X(char *, PQcmdTuples, (PGresult *res))                                                          \
    X(void, PQclear, (PGresult *res))                                                                \
    /* the asynchronous calls, for a wait that ends (gpu-monitor's samples_pg.c) */                 \
    X(int, PQsendQuery, (PGconn *conn, const char *query))                                           \
    X(int, PQsendQueryParams, (PGconn *conn, const char *command, int nParams, const Oid *paramTypes, \
                               const char *const *paramValues, const int *paramLengths,              \
                               const int *paramFormats, int resultFormat))                           \
    X(PGresult *, PQgetResult, (PGconn *conn))                                                       \
    X(int, PQisBusy, (PGconn *conn))                                                                 \
    X(int, PQconsumeInput, (PGconn *conn))                                                           \
    X(int, PQsocket, (const PGconn *conn))                                                           \
    /* a connection made without waiting (gpu-monitor's reconnection, samples_pg.c) */              \
    X(PGconn *, PQconnectStartParams, (const char *const *keywords, const char *const *values,       \
                                       int expand_dbname))                                           \
    X(PostgresPollingStatusType, PQconnectPoll, (PGconn *conn))                                      \
    X(PQconninfoOption *, PQconninfo, (PGconn *conn))

#define WS_PQ_DECLARE(ret, name, args) extern ret(*ws_##name) args;
WS_PQ_FUNCS(WS_PQ_DECLARE)
#undef WS_PQ_DECLARE

/* Loads libpq.so.5 once; 0, or -1 with why. */
int ws_pq_load(char *why, size_t n);
/* One line of a libpq message into dst (they end in newlines and may carry a DETAIL line); an
 * empty or NULL one as "no message from libpq". For lib/store and the other users of libpq
 * (gpu-monitor's samples, report's reading of them). */
void ws_pq_first_line(char *dst, size_t len, const char *msg);
/* 1 where r is an error of SQLSTATE code (NULL r, or no code: 0). */
int ws_pq_sqlstate_is(const PGresult *r, const char *code);
/* 1 where r is the error of a statement that waited for another session's lock longer than its
 * session's lock_timeout (SQLSTATE 55P03, lock_not_available): the server ended it. */
int ws_pq_lock_timed_out(const PGresult *r);
/* r's error as one line (ws_pq_first_line), and such a lock wait as what it was: libpq's
 * "canceling statement due to lock timeout" read as a failure of the statement. */
#define WS_PQ_LOCKED "waiting for a lock held by another session (ended by lock_timeout)"
void ws_pq_error_line(char *dst, size_t len, const PGresult *r);

/* PQexec's answer (several statements in sql: the last one's, or the error that ended them; with
 * parameters, one statement), sent without waiting and waited for until monotonic until_s at most,
 * and once *stop is set (a signal; NULL: none) after_stop_s more at most: libpq's own wait
 * (PQexec) has no end, and a server that answers nothing held the caller for ever, deaf to
 * signals. NULL where libpq gave none, or with *late WS_PQ_LATE (not answered by then) or
 * WS_PQ_STOPPED (given up after a stop): the caller then drops the connection, so that the server
 * ends what it was at. (pq_wait.c: for the store's opens with a deadline and gpu-monitor's
 * statements.) */
enum { WS_PQ_LATE = 1, WS_PQ_STOPPED = 2 };
PGresult *ws_pq_exec_until(PGconn *c, const char *sql, int n, const char *const *params, double until_s,
                           const volatile sig_atomic_t *stop, double after_stop_s, int *late);

#define PQconnectdbParams ws_PQconnectdbParams
#define PQpingParams ws_PQpingParams
#define PQconninfoParse ws_PQconninfoParse
#define PQconninfoFree ws_PQconninfoFree
#define PQconndefaults ws_PQconndefaults
#define PQfinish ws_PQfinish
#define PQstatus ws_PQstatus
#define PQerrorMessage ws_PQerrorMessage
#define PQexec ws_PQexec
#define PQexecParams ws_PQexecParams
#define PQresultStatus ws_PQresultStatus
#define PQresultErrorMessage ws_PQresultErrorMessage
#define PQresultErrorField ws_PQresultErrorField
#define PQntuples ws_PQntuples
#define PQnfields ws_PQnfields
#define PQgetvalue ws_PQgetvalue
#define PQgetisnull ws_PQgetisnull
#define PQcmdStatus ws_PQcmdStatus
#define PQcmdTuples ws_PQcmdTuples
#define PQclear ws_PQclear
#define PQsendQuery ws_PQsendQuery
#define PQsendQueryParams ws_PQsendQueryParams
#define PQgetResult ws_PQgetResult
#define PQisBusy ws_PQisBusy
#define PQconsumeInput ws_PQconsumeInput
#define PQsocket ws_PQsocket
#define PQconnectStartParams ws_PQconnectStartParams
#define PQconnectPoll ws_PQconnectPoll
#define PQconninfo ws_PQconninfo

#endif
