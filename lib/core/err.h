/* err.h — how lib/ reports failure: functions return 0 or -1 and fill a ws_err with
 * "where: what went wrong"; the tool prints it as "tool: where: what" and chooses the exit code.
 * lib/ never prints and never exits. */
#ifndef WS_CORE_ERR_H
#define WS_CORE_ERR_H
#include <stddef.h>

/* Kinds of failure, so a tool can map them to exit codes: bad input is exit 2. */
typedef enum {
    WS_EOK = 0,
    WS_EINPUT,     /* the user's input is wrong: config, arguments, files (exit 2) */
    WS_ESTATE,     /* valid input that the study's state refuses (finished trial...) (exit 2) */
    WS_EINTERNAL,  /* I/O, database, a device: not the user's fault (exit 3) */
    WS_ENOMEM,     /* out of memory, host or device: exit 3 as internal errors, but known as
                    * such without reading the message (a trial ends FAIL with reason "oom") */
} ws_errkind;

typedef struct ws_err {
    ws_errkind kind;
    char msg[1024];
} ws_err;

/* Sets e (when not NULL) and returns -1, so callers can `return ws_err_set(...)`. A message past
 * the 1023 bytes of the buffer is shortened in its middle, "..." there (ws_err_set_tail with no
 * tail), so that its end, the reason after a long path, is kept. An argument may be e->msg. */
int ws_err_set(ws_err *e, ws_errkind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets e to HEAD then TAIL, TAIL whole: the part of a message that says what to do (a command
 * to run, which cut would end in an open quote). Where both do not fit the 1023 bytes of a
 * message, HEAD (what happened) is shortened in its middle, "..." there: its start (the file)
 * and its end kept, never a UTF-8 character cut. HEAD may be e->msg itself. Returns -1. */
int ws_err_set_tail(ws_err *e, ws_errkind kind, const char *head, const char *tail);
/* Prefixes the message already in e with "where: ", the whole shortened as ws_err_set shortens a
 * message past its buffer (a where of any length; its start and the message's end kept). -1. */
int ws_err_prefix(ws_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ws_err_clear(ws_err *e);
/* Exit code for a failure of this kind: 2 for input and state errors, 3 otherwise (internal
 * errors and out of memory). */
int ws_err_exit_code(const ws_err *e);
/* 1 for an errno that says the disk is full: no block or inode left (ENOSPC), a quota (EDQUOT),
 * or this process's file size limit (EFBIG: ulimit -f, whose SIGXFSZ the tools ignore), which
 * the tools take as a full disk: a reader that SQLite can make no -shm for reads the study as
 * it is on either. */
int ws_errno_disk_full(int why);
/* The kind of a failure to make or write a file, for its errno: a full disk is no fault of the
 * input (WS_EINTERNAL, exit 3); anything else (a missing or read-only folder) is (WS_EINPUT). */
ws_errkind ws_errno_kind(int why);

#endif
