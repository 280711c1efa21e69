/* proc.h — which process wrote something, and whether it still lives. Trials record their pid
 * and host in the study, temporary files carry them in their names; both are cleaned up after
 * a crash only when the process is known to be gone, and only on the host that ran it. */
#ifndef WS_CORE_PROC_H
#define WS_CORE_PROC_H

/* This machine's name (gethostname; "localhost" if that fails), its bytes that are not UTF-8
 * written as \xNN (ws_text_escape), so that JSON can hold it. */
const char *ws_hostname(void);
/* 1 when pid names no process on this host, or a zombie (killed, its parent killed too, not
 * yet reaped by init); 0 when it lives or pid is not positive. */
int ws_process_gone(long long pid);
/* 1 when process pid on this host runs the same program as this one: the same executable file,
 * or the same command name (/proc/PID/comm: another build or checkout of the program, or a
 * binary replaced while it ran); 0 otherwise or when it cannot be told (another user's). */
int ws_process_same_program(long long pid);
/* When process pid (0: this one) started, in clock ticks since boot (/proc/PID/stat's starttime);
 * -1 when it cannot be read. A pid is reused once its process is gone; the pair names one
 * process. */
long long ws_process_start(long long pid);
/* 1 when process pid (not init, pid 1) is this process's parent, or its parent's, and so on (read
 * from /proc; without it, the parent alone is known); 0 otherwise. */
int ws_process_ancestor(long long pid);
/* 1 when pid now names another process than the one that started at `started` (a time
 * ws_process_start gave when it was recorded): its pid reused once it was gone. 0 when it is
 * that one, or when either start time is not known (started < 0, or /proc unreadable). */
int ws_process_reused(long long pid, long long started);

#endif
