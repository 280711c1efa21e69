/* memlimit.c — MemTotal and the cgroup memory limits above this process, and what those cgroups
 * leave now, with the machine's MemAvailable (see memlimit.h). */
#include "core/memlimit.h"
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/text.h"

/* MemTotal and MemAvailable (0 where the kernel has none: before 3.14), in one pass. */
static int read_meminfo(uint64_t *total, uint64_t *avail)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    unsigned long long kb;
    int found = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "MemTotal: %llu kB", &kb) == 1) { *total = (uint64_t)kb << 10; found = 1; }
        else if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) *avail = (uint64_t)kb << 10;
    }
    if (f) fclose(f);
    return found ? 0 : -1;
}

/* Where a cgroup hierarchy is mounted: the mount point and the hierarchy's folder it shows
 * (its root: "/" but where a container sees its own part of the host's tree). As long as any
 * path the kernel opens: a container's root passes 255 characters where runtimes nest or name
 * their cgroups at length (systemd's slices for a pod, then a scope for its container), and
 * read into 255, it was read in two and the mount not found, the container's limit unseen. */
typedef struct { char point[PATH_MAX], root[PATH_MAX]; } cg_mount;

/* The longest line of /proc/self/mountinfo or /proc/self/cgroup read (two paths, options): the
 * kernel's files end each line, far below it. */
#define PROC_LINE_MAX ((size_t)1 << 20)

/* Field k (0 first) of the space-separated line s, its length in *n; NULL where s has fewer. */
static const char *field(const char *s, int k, size_t *n)
{
    for (;;) {
        s += strspn(s, " ");
        if (!*s || *s == '\n') return NULL;
        size_t len = strcspn(s, " \n");
        if (k-- == 0) { *n = len; return s; }
        s += len;
    }
}

/* Whether the comma-separated list of n bytes at s holds word. */
static int has_word(const char *s, size_t n, const char *word)
{
    size_t w = strlen(word);
    for (const char *end = s + n; s < end;) {
        size_t len = strcspn(s, ",");
        if (len > (size_t)(end - s)) len = (size_t)(end - s);
        if (len == w && !strncmp(s, word, w)) return 1;
        s += len + 1;
    }
    return 0;
}

/* The n bytes at s into buf of size cap: 0, or -1 where they do not fit. */
static int copy_field(char *buf, size_t cap, const char *s, size_t n)
{
    if (n >= cap) return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return 0;
}

/* The mounts of the v2 hierarchy and of the v1 hierarchy that holds the memory controller, from
 * /proc/self/mountinfo: "ID PARENT MAJ:MIN ROOT POINT OPTIONS [TAGS...] - TYPE SOURCE SUPER". */
static void find_mounts(cg_mount *v2, cg_mount *v1)
{
    FILE *f = fopen("/proc/self/mountinfo", "r");
    char *line = NULL;
    size_t cap = 0;
    while (f && ws_text_getline(&line, &cap, f, PROC_LINE_MAX) > 0) {
        size_t nr = 0, np = 0, nt = 0, ns = 0;
        const char *dash = strstr(line, " - "), *root = field(line, 3, &nr), *point = field(line, 4, &np);
        const char *type = dash ? field(dash + 3, 0, &nt) : NULL, *super = dash ? field(dash + 3, 2, &ns) : NULL;
        if (!root || !point || !type || !super) continue;
        cg_mount *m = NULL;
        if (nt == 7 && !strncmp(type, "cgroup2", 7)) m = v2;
        /* v1: the memory controller among the super options (rw,memory or rw,nosuid,...,memory) */
        else if (nt == 6 && !strncmp(type, "cgroup", 6) && has_word(super, ns, "memory")) m = v1;
        if (m && !m->point[0] && (copy_field(m->root, sizeof m->root, root, nr) || copy_field(m->point, sizeof m->point, point, np)))
            m->root[0] = m->point[0] = '\0';   /* past what open() takes: as if not mounted */
    }
    free(line);
    if (f) fclose(f);
}

/* A hierarchy's file names: the limit, the usage, and memory.stat's inactive page cache (v1's
 * total_ one counts the cgroups below, as its usage does). */
typedef struct { const char *limit, *usage, *inactive; } cg_files;
static const cg_files v2_files = {"memory.max", "memory.current", "inactive_file"};
static const cg_files v1_files = {"memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"};

/* The number at the start of the file at DIR/NAME; -1 where it cannot be read or is none ("max"). */
static int read_number(const char *dir, const char *name, unsigned long long *v)
{
    char at[2 * PATH_MAX];
    int n = snprintf(at, sizeof at, "%s/%s", dir, name);
    FILE *f = n > 0 && (size_t)n < sizeof at ? fopen(at, "r") : NULL;
    int ok = f && fscanf(f, "%llu", v) == 1;
    if (f) fclose(f);
    return ok ? 0 : -1;
}

/* KEY's value in DIR/memory.stat ("KEY VALUE" lines); 0 where it has none. */
static unsigned long long read_stat(const char *dir, const char *key)
{
    char at[2 * PATH_MAX], name[64];
    unsigned long long v, found = 0;
    int n = snprintf(at, sizeof at, "%s/memory.stat", dir);
    FILE *f = n > 0 && (size_t)n < sizeof at ? fopen(at, "r") : NULL;
    while (f && fscanf(f, "%63s %llu", name, &v) == 2)
        if (!strcmp(name, key)) { found = v; break; }
    if (f) fclose(f);
    return found;
}

/* What the cgroup at DIR, of limit LIMIT, leaves now: the limit less its usage less the inactive
 * page cache in it; where below lim->left_bytes. A usage that cannot be read leaves it as it was. */
static void note_left(const char *dir, unsigned long long limit, const cg_files *names, ws_memory_limit *lim)
{
    unsigned long long usage, inactive;
    if (read_number(dir, names->usage, &usage)) return;
    inactive = read_stat(dir, names->inactive);
    usage = usage > inactive ? usage - inactive : 0;
    uint64_t left = limit > usage ? limit - usage : 0;
    if (left < lim->left_bytes) lim->left_bytes = left;
}

/* The limit of the cgroup at path (as /proc/self/cgroup gives it) and each one above it, where
 * below lim->bytes, and what each leaves now. */
static void walk_up(const cg_mount *m, const char *path, const cg_files *names, ws_memory_limit *lim)
{
    char rel[PATH_MAX], at[sizeof lim->file];
    size_t n = strlen(m->root);
    /* a container's mount shows the hierarchy from its own cgroup down: the path is below it */
    if (strcmp(m->root, "/") && !strncmp(path, m->root, n) && (path[n] == '/' || !path[n])) path += n;
    snprintf(rel, sizeof rel, "%s", path);
    for (;;) {
        size_t len = strlen(rel);
        while (len > 0 && rel[len - 1] == '/') rel[--len] = '\0';
        char dir[sizeof at];
        int len_at = snprintf(at, sizeof at, "%s%s/%s", m->point, rel, names->limit);
        int len_dir = snprintf(dir, sizeof dir, "%s%s", m->point, rel);
        unsigned long long v;
        if (len_at > 0 && (size_t)len_at < sizeof at && len_dir > 0 && (size_t)len_dir < sizeof dir
            && !read_number(dir, names->limit, &v)) {
            if (v < lim->bytes) {
                lim->bytes = v;
                memcpy(lim->file, at, sizeof at);
            }
            note_left(dir, v, names, lim);
        }
        char *slash = strrchr(rel, '/');
        if (!slash) break;
        *slash = '\0';
    }
}

int ws_memory_limit_read(ws_memory_limit *lim, ws_err *e)
{
    memset(lim, 0, sizeof *lim);
    if (read_meminfo(&lim->bytes, &lim->left_bytes)) return ws_err_set(e, WS_EINTERNAL, "/proc/meminfo: no MemTotal");
    cg_mount v2 = {{0}, {0}}, v1 = {{0}, {0}};
    find_mounts(&v2, &v1);
    FILE *f = fopen("/proc/self/cgroup", "r");
    char *line = NULL;
    size_t cap = 0;
    /* "0::PATH" is the v2 hierarchy; "N:CONTROLLERS:PATH" a v1 one, memory's where it lists it */
    while (f && ws_text_getline(&line, &cap, f, PROC_LINE_MAX) > 0) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2) continue;
        if (c1 == line + 1 && line[0] == '0' && c2 == c1 + 1 && v2.point[0]) walk_up(&v2, c2 + 1, &v2_files, lim);
        else if (has_word(c1 + 1, (size_t)(c2 - c1 - 1), "memory") && v1.point[0]) walk_up(&v1, c2 + 1, &v1_files, lim);
    }
    free(line);
    if (f) fclose(f);
    return 0;
}

uint64_t ws_page_table_bytes(uint64_t bytes)
{
    long page = sysconf(_SC_PAGESIZE);
    return bytes / (uint64_t)(page > 0 ? page : 4096) * sizeof(uint64_t);
}
