/* proc.c — host name and process liveness (see proc.h). */
#include "core/proc.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char *ws_hostname(void)
{
    static char name[256];
    if (!name[0] && gethostname(name, sizeof name - 1) != 0) strcpy(name, "localhost");
    return name;
}

int ws_process_gone(long long pid)
{
    if (pid <= 0) return 0;
    if (kill((pid_t)pid, 0) != 0) return errno == ESRCH;
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%lld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *close_paren = strrchr(buf, ')');   /* the state follows "(comm) " */
    return close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z';
}
