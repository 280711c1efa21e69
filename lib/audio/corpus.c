/* corpus.c — scanning a Speech Commands folder or a JSONL manifest into clips and noise files
 * (see corpus.h). */
#include "audio/corpus.h"
#include "audio/cache.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <search.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "core/classes.h"
#include "core/text.h"
#include "audio/split.h"
#include "core/fdio.h"
#include "core/json.h"

#define WHICH_SET_VALIDATION_PCT 10.0
#define WHICH_SET_TEST_PCT 10.0

/* The extensions libsndfile gives for the major formats it reads (SFC_GET_FORMAT_MAJOR), less
 * headerless raw, plus the other names files of those formats go by. libsndfile names MPEG audio
 * "m1a", so a class folder of .mp3 files (Common Voice's) was left out without a word, though a
 * manifest's .mp3 paths were read: mp1, mp2 and mp3 are audio too (where libsndfile has no MPEG,
 * such a file is skipped as not audio, and named). */
int audio_has_audio_extension(const char *name)
{
    static const char *const aliases[] = {"wave", "ogg", "opus", "aif", "aifc", "snd", "sph", "nist", "mat4", "mat5",
        "svx", "mp1", "mp2", "mp3", NULL};
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name) return 0;
    const char *ext = dot + 1;
    for (int i = 0; aliases[i]; i++)
        if (strcasecmp(ext, aliases[i]) == 0) return 1;
    int n = 0;
    sf_command(NULL, SFC_GET_FORMAT_MAJOR_COUNT, &n, sizeof n);
    for (int i = 0; i < n; i++) {
        SF_FORMAT_INFO f = {.format = i};
        if (sf_command(NULL, SFC_GET_FORMAT_MAJOR, &f, sizeof f) == 0 && f.extension
            && (f.format & SF_FORMAT_TYPEMASK) != SF_FORMAT_RAW && strcasecmp(ext, f.extension) == 0)
            return 1;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static char *join(const char *a, const char *b)
{
    char *s;
    if (asprintf(&s, "%s/%s", a, b) < 0) return NULL;
    return s;
}

/* One entry of a folder: its name and, for a file named like audio that cannot be a clip or a
 * folder entry that is a link to nothing, why ("dir/name: reason"; NULL when it can be). */
typedef struct {
    char *name;
    char *bad;
    const char *why;       /* within bad: the reason alone */
} dir_entry;

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const dir_entry *)a)->name, ((const dir_entry *)b)->name);
}

static void free_entries(dir_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++) { free(v[i].name); free(v[i].bad); }
    free(v);
}

/* Why full, whose stat failed with err, is a symbolic link that leads nowhere (dangling, or
 * looping), into why: 1; 0 when it is not a link. */
static int link_problem(const char *full, int err, char *why, size_t len)
{
    struct stat lst;
    if (lstat(full, &lst) != 0 || !S_ISLNK(lst.st_mode)) return 0;
    snprintf(why, len, "%s", err == ENOENT ? "a symbolic link to nothing (dangling)" : strerror(err));
    return 1;
}

/* Why full (named `name`, with an audio extension) cannot be a clip, into why; 0 when it can.
 * Such an entry is skipped and counted rather than ignored: a link to nothing or a folder named
 * x.wav is a mistake the user should hear of, as bad audio is. */
static int entry_problem(const char *full, const char *name, char *why, size_t len)
{
    struct stat st;
    if (!ws_text_is_utf8(name))
        snprintf(why, len, "the file name is not valid UTF-8 (clip paths are stored as JSON text)");
    else if (stat(full, &st) != 0) {
        int err = errno;
        if (!link_problem(full, err, why, len)) snprintf(why, len, "%s", strerror(err));
    }
    else if (S_ISDIR(st.st_mode))
        snprintf(why, len, "a directory, expected an audio file");
    else if (!S_ISREG(st.st_mode))
        snprintf(why, len, "not a regular file");
    else
        return 0;
    return 1;
}

/* "full: why" with the path's non-UTF-8 bytes escaped, as the skip message shows it. */
static char *entry_reason(const char *full, const char *why)
{
    char *shown = ws_text_escape(full), *s = NULL;
    if (shown && asprintf(&s, "%s: %s", shown, why) < 0) s = NULL;
    free(shown);
    return s;
}

/* Sorted entries of dir: its folders and its links that lead nowhere, marked with why
 * (want_dirs), or its files with an audio extension, those that cannot be clips marked with why
 * (entry_problem). Hidden entries are left out. Caller frees. */
static int list_dir(const char *dir, int want_dirs, dir_entry **out, size_t *n_out, ws_err *e)
{
    DIR *d = opendir(dir);
    if (!d) return ws_err_set(e, WS_EINPUT, "%s: cannot open folder: %s", dir, strerror(errno));
    dir_entry *v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        if (!want_dirs && !audio_has_audio_extension(de->d_name)) continue;
        char *full = join(dir, de->d_name), why[160];
        if (!full) { rc = -1; break; }
        struct stat st;
        int keep = 1, bad;
        if (want_dirs) {
            /* a link that leads nowhere (its target's disk not mounted, a loop) may be a class
             * folder of a corpus of links: kept, marked, for the scan to name */
            int found = stat(full, &st) == 0, err = errno;
            keep = found ? S_ISDIR(st.st_mode) : link_problem(full, err, why, sizeof why);
            bad = keep && !found;
        } else {
            bad = entry_problem(full, de->d_name, why, sizeof why);
        }
        char *reason = bad ? entry_reason(full, why) : NULL;
        free(full);
        if (!keep) continue;
        if (bad && !reason) { rc = -1; break; }
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            dir_entry *p = realloc(v, cap * sizeof *p);
            if (!p) { free(reason); rc = -1; break; }
            v = p;
        }
        v[n] = (dir_entry){strdup(de->d_name), reason, reason ? reason + strlen(reason) - strlen(why) : NULL};
        if (!v[n++].name) { rc = -1; break; }
    }
    closedir(d);
    if (rc < 0) {
        free_entries(v, n);
        return ws_err_set(e, WS_ENOMEM, "%s: out of memory", dir);
    }
    if (n) qsort(v, n, sizeof *v, cmp_entry);
    *out = v;
    *n_out = n;
    return 0;
}

/* Appends an item, taking path, file and bad (NULL: fine), which are freed on failure. */
static int push_item(audio_item **items, size_t *n, size_t *cap, char *path, char *file, char *bad,
                     int label, int split)
{
    if (!path || !file) { free(path); free(file); free(bad); return -1; }
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 256;
        audio_item *p = realloc(*items, nc * sizeof *p);
        if (!p) { free(path); free(file); free(bad); return -1; }
        *items = p;
        *cap = nc;
    }
    (*items)[(*n)++] = (audio_item){path, file, label, split, bad, 0};
    return 0;
}

/* Appends the audio files of folder `dir` (recorded as prefix/NAME) to items; those that cannot be
 * clips go in too, marked bad, to be skipped and counted. */
static int push_folder(audio_item **items, size_t *n, size_t *cap, const char *dir, const char *prefix,
                       int label, ws_err *e)
{
    dir_entry *files = NULL;
    size_t n_files = 0;
    if (list_dir(dir, 0, &files, &n_files, e) < 0) return -1;
    int rc = 0;
    for (size_t j = 0; j < n_files && rc == 0; j++) {
        if (push_item(items, n, cap, join(prefix, files[j].name), join(dir, files[j].name), files[j].bad,
                      label, AUDIO_SPLIT_TRAIN) < 0)
            rc = ws_err_set(e, WS_ENOMEM, "%s: out of memory", dir);
        files[j].bad = NULL;   /* the item has it, or it was freed */
    }
    free_entries(files, n_files);
    return rc;
}

/* Adds a note for the user to the corpus (audio_corpus.notes). */
static int add_note(audio_corpus *c, ws_err *e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int add_note(audio_corpus *c, ws_err *e, const char *fmt, ...)
{
    char *note = NULL, **p = realloc(c->notes, (c->n_notes + 1) * sizeof *p);
    if (p) c->notes = p;
    va_list ap;
    va_start(ap, fmt);
    int n = p ? vasprintf(&note, fmt, ap) : -1;
    va_end(ap);
    if (n < 0) return ws_err_set(e, WS_ENOMEM, "out of memory");
    c->notes[c->n_notes++] = note;
    return 0;
}

/* Records folder `name` as no class, and why (a cache keeps them: a wake word among them is named
 * as such). Takes both; NULL for either is out of memory. */
static int add_left_out(audio_corpus *c, char *name, char *why, ws_err *e)
{
    audio_left_out *lo = name && why ? realloc(c->left_out, (c->n_left_out + 1) * sizeof *lo) : NULL;
    if (!lo) {
        free(name); free(why);
        return ws_err_set(e, WS_ENOMEM, "out of memory");
    }
    c->left_out = lo;
    lo[c->n_left_out++] = (audio_left_out){name, why};
    return 0;
}

/* Why folder `name` is no class, as recorded (add_left_out), or NULL: it is a class, or not there. */
static const char *left_out_why(const audio_corpus *c, const char *name)
{
    for (size_t i = 0; i < c->n_left_out; i++)
        if (!strcmp(c->left_out[i].name, name)) return c->left_out[i].why;
    return NULL;
}

/* ---- one file named twice (both kinds of corpus) ---- */

/* A listed file: its device and inode when it is there (id); one that is not there is compared by
 * its name as listed. */
typedef struct {
    const audio_item *item;
    int has_id;
    dev_t dev;
    ino_t ino;
} named_item;

static int cmp_named(const void *a, const void *b)
{
    const named_item *x = a, *y = b;
    if (x->has_id != y->has_id) return x->has_id ? -1 : 1;
    if (!x->has_id) return strcmp(x->item->file, y->item->file);
    if (x->dev != y->dev) return x->dev < y->dev ? -1 : 1;
    return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* A clip listed twice would count twice, or sit in two splits (a test clip trained on) or two
 * classes: refused, as the Speech Commands lists refuse a clip in both of theirs. Noise files
 * too: one listed twice was two streams (drawn twice as often), one that is also a clip mixed a
 * validation or test clip into training batches. Files are compared by device and inode, so
 * "a.wav", "./a.wav", a link to it and a hard link (which realpath, used before, told apart) are
 * one; one that is not there (the scan skips it) by its name as listed. A folder in Speech
 * Commands layout has each name once, but two names can be links to one file (a tree of links
 * into a pool of recordings): the which_set rule splits by name, so one file could be in train
 * under one name and in test under the other. */
static int check_twice(const audio_corpus *c, ws_err *e)
{
    size_t n = c->n_clips + c->n_noise;
    if (n < 2) return 0;
    named_item *v = calloc(n, sizeof *v);
    if (!v) return ws_err_set(e, WS_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        v[i].item = i < c->n_clips ? &c->clips[i] : &c->noise[i - c->n_clips];
        if (stat(v[i].item->file, &st) == 0) v[i] = (named_item){v[i].item, 1, st.st_dev, st.st_ino};
    }
    qsort(v, n, sizeof *v, cmp_named);
    for (size_t i = 1; i < n && !rc; i++)
        if (!cmp_named(&v[i - 1], &v[i])) {   /* the names on one line, as the list files' are */
            /* its real path, looked up only here: realpath reads every folder of the
             * path as a link (a system call each), which for every clip cost 8% of featurize */
            char *real = realpath(v[i].item->file, NULL);
            /* a manifest's two lines, the first one first: without them, a name listed twice in
             * 40 000 lines was to be found by hand */
            const audio_item *first = v[i - 1].item, *second = v[i].item;
            if (second->line < first->line) { first = v[i].item; second = v[i - 1].item; }
            char lines[64] = "";
            if (c->is_manifest) snprintf(lines, sizeof lines, ":%ld", second->line);
            char firstline[64] = "";
            if (c->is_manifest) snprintf(firstline, sizeof firstline, ", first on line %ld", first->line);
            char *canon = ws_text_show(real ? real : v[i].item->file), *a = ws_text_show(first->path),
                 *b = ws_text_show(second->path);
            rc = ws_err_set(e, WS_EINPUT, "%s%s: '%s' is %s twice (as '%s' and '%s'%s)%s: a clip is one example, in "
                            "one class and one split, and a noise file one stream apart from the clips", c->root, lines,
                            canon ? canon : "?", c->is_manifest ? "listed" : "in the folder", a ? a : "?", b ? b : "?",
                            c->is_manifest ? "" : ", links to one file", firstline);
            free(real); free(canon); free(a); free(b);
        }
    free(v);
    return rc;
}

/* ---- Speech Commands layout ---- */

static int cmp_item_path(const void *a, const void *b)
{
    return strcmp((*(audio_item *const *)a)->path, (*(audio_item *const *)b)->path);
}

/* Opens the list file at path: 1 when there is none, -1 (e set) when it cannot be read or is not
 * a regular file (a folder there would read as an empty list), 0 with *f set. */
static int open_list(const char *path, FILE **f, ws_err *e)
{
    struct stat st;
    const char *why = NULL;
    int fd = ws_open_regular(path, &st, &why);   /* a FIFO there must not hang the scan */
    if (fd == -1) {
        int err = errno;
        struct stat lst;
        if (err == ENOENT && lstat(path, &lst) != 0) return 1;
        return ws_err_set(e, WS_EINPUT, "%s: cannot open: %s", path,
                          err == ENOENT ? "a symbolic link to nothing (dangling)" : strerror(err));
    }
    if (fd == -2) return ws_err_set(e, WS_EINPUT, "%s: %s, expected a text file of CLASS/FILE lines", path, why);
    if (!(*f = fdopen(fd, "r"))) { close(fd); return ws_err_set(e, WS_ENOMEM, "%s: out of memory", path); }
    return 0;
}

/* The first n bytes of text for a message, on one line: control characters (a carriage return of
 * old Mac line ends, an escape sequence) and bytes that are not UTF-8 as \xNN. NULL: out of memory. */
static char *shown_n(const char *text, size_t n)
{
    char *t = strndup(text, n), *s = t ? ws_text_show(t) : NULL;
    free(t);
    return s;
}

/* Applies one list file: every "CLASS/FILE" line sets that clip's split. */
static int apply_list(audio_corpus *c, audio_item **sorted, const char *name, int split, ws_err *e)
{
    char *path = join(c->root, name);
    if (!path) return ws_err_set(e, WS_ENOMEM, "out of memory");
    FILE *f = NULL;
    int rc = open_list(path, &f, e);
    if (rc != 0) { free(path); return rc; }
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (memchr(line, '\0', (size_t)len)) {   /* the text after it would go unread */
            rc = ws_err_set(e, WS_EINPUT, "%s:%ld: a NUL byte: expected CLASS/FILE", path, lineno);
            break;
        }
        int bom = ws_text_line_bom(line, path, lineno, e);
        if (bom < 0) { rc = -1; break; }
        char *s = line + bom, *end;
        while (*s == ' ' || *s == '\t') s++;
        end = s + strlen(s);
        while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t')) *--end = 0;
        if (!*s) continue;
        char *slash = strchr(s, '/'), *shown = NULL;
        if (!slash || slash == s || !slash[1]) {
            shown = ws_text_show(s);
            rc = ws_err_set(e, WS_EINPUT, "%s:%ld: '%s': expected CLASS/FILE, a clip's path in its class folder",
                            path, lineno, shown ? shown : "?");
            free(shown);
            break;
        }
        *slash = 0;
        const char *label = s;   /* the layout's classes are its folders, in strcmp order */
        int known = bsearch(&label, c->classes, (size_t)c->n_classes, sizeof *c->classes, cmp_str) != NULL;
        int noise = !strcmp(label, AUDIO_NOISE_LABEL);
        /* a folder that is there but no class (no audio file, a link to nothing): why, as recorded */
        const char *left_out = known || noise ? NULL : left_out_why(c, label);
        *slash = '/';
        if (!known) {
            shown = shown_n(s, (size_t)(slash - s));
            rc = ws_err_set(e, WS_EINPUT, "%s:%ld: unknown label '%s' (%s%s)", path, lineno, shown ? shown : "?",
                            noise ? "the noise folder: its files are noise streams for training batches, in no split"
                            : left_out ? left_out : "no such class folder", left_out ? ", so it is not a class" : "");
            free(shown);
            break;
        }
        audio_item key = {.path = s}, *kp = &key;
        audio_item **hit = c->n_clips ? bsearch(&kp, sorted, c->n_clips, sizeof *sorted, cmp_item_path) : NULL;
        if (!hit) {
            shown = ws_text_show(s);
            rc = ws_err_set(e, WS_EINPUT, "%s:%ld: no such clip '%s'", path, lineno, shown ? shown : "?");
            free(shown);
            break;
        }
        if ((*hit)->split != AUDIO_SPLIT_TRAIN && (*hit)->split != split) {
            shown = ws_text_show(s);
            rc = ws_err_set(e, WS_EINPUT, "%s:%ld: '%s' is in both validation_list.txt and testing_list.txt",
                            path, lineno, shown ? shown : "?");
            free(shown);
            break;
        }
        (*hit)->split = split;
    }
    free(line);
    fclose(f);
    free(path);
    return rc;
}

#define CLASS_NAME_MAX 255   /* bytes: NAME_MAX, the longest a class folder's name can be */
#define CLASS_NAME_RULE "a class name of at most 255 bytes, with a visible character, without '/' or control " \
    "characters, not '.' or '..' (what a class folder's name can be)"

/* Why a class name (UTF-8) is refused ("has a '/'"), or NULL. Class names go into the cache
 * header, each validation's per-class metrics and every checkpoint, and into messages: a class is
 * what a class folder of a Speech Commands layout could be, whichever the corpus. A manifest label
 * of megabytes made checkpoints that could not be read back (their header is limited to 16 MiB);
 * "yes\n" (a line read with its newline) was a class beside "yes"; a newline or an escape
 * sequence broke the one-line messages that name a class; " " was a class that showed as nothing. */
static const char *class_name_problem(const char *name)
{
    if (strlen(name) > CLASS_NAME_MAX) return "is longer than 255 bytes";
    if (!strcmp(name, ".") || !strcmp(name, "..")) return "is '.' or '..'";
    if (strchr(name, '/')) return "has a '/'";
    if (ws_text_has_control(name)) return "has a control character";
    /* " " or a zero-width space alone (class names are UTF-8 here): a class no message, report
     * or --positive could show, an empty label in all but its bytes */
    return ws_text_shows_nothing(name) ? "is only white space or invisible characters" : NULL;
}

/* name for a message: control characters as \xNN, and a long one cut after 60 bytes (a label
 * may be megabytes). A new string; NULL when out of memory. */
static char *class_name_shown(const char *name)
{
    size_t len = strlen(name), cut = len;
    if (len > 60)
        for (cut = 60; cut > 0 && ((unsigned char)name[cut] & 0xC0) == 0x80; cut--) {}   /* not inside a character */
    char *shown = shown_n(name, cut), *s = NULL;
    if (!shown || cut == len) return shown;
    if (asprintf(&s, "%s... (%zu bytes)", shown, len) < 0) s = NULL;
    free(shown);
    return s;
}

/* The class folders: every folder but _background_noise_ (torchaudio's SPEECHCOMMANDS excludes
 * only that one, so _unknown_ and _silence_ are classes), each link to nothing named in a note
 * and recorded as left out. Their names go into the cache as JSON text, so a name that is not
 * UTF-8, or that class_name_problem refuses, is an error naming the folder. */
static int scan_classes(audio_corpus *c, dir_entry *dirs, size_t n_dirs, ws_err *e)
{
    if (!(c->classes = calloc(n_dirs + 1, sizeof(char *)))) return ws_err_set(e, WS_ENOMEM, "out of memory");
    for (size_t i = 0; i < n_dirs; i++) {
        /* a link to nothing: a class folder whose target is gone (a corpus of links into recordings
         * on another disk, not mounted) was left out without a word, as if never there */
        int noise = strcmp(dirs[i].name, AUDIO_NOISE_LABEL) == 0;
        if (dirs[i].bad && add_note(c, e, "%s, so %s", dirs[i].bad, noise ? "no noise file is read from it"
                                    : "it is not a class folder") < 0)
            return -1;
        /* and recorded, as a folder with no audio file is: a wake word so left out met train-trial's
         * "not one of the classes" alone, which sent one looking for a misspelling. A name that is
         * not UTF-8 is no JSON key: the note alone names it. */
        if (dirs[i].bad && !noise && ws_text_is_utf8(dirs[i].name)) {
            char *why = NULL;
            int n = !strncmp(dirs[i].why, "a symbolic link", 15) ? asprintf(&why, "its folder is %s", dirs[i].why)
                  : asprintf(&why, "its folder is a symbolic link that cannot be followed (%s)", dirs[i].why);
            if (add_left_out(c, strdup(dirs[i].name), n < 0 ? NULL : why, e) < 0) return -1;
        }
        if (dirs[i].bad || noise) continue;
        if (!ws_text_is_utf8(dirs[i].name)) {
            char *full = join(c->root, dirs[i].name), *shown = full ? ws_text_escape(full) : NULL;
            ws_err_set(e, WS_EINPUT, "%s: the class folder's name is not valid UTF-8; expected a UTF-8 name "
                       "(class names are stored as JSON text)", shown ? shown : dirs[i].name);
            free(full); free(shown);
            return -1;
        }
        const char *why = class_name_problem(dirs[i].name);
        if (why) {
            char *shown = class_name_shown(dirs[i].name);
            ws_err_set(e, WS_EINPUT, "%s/%s: the class folder's name %s; expected " CLASS_NAME_RULE, c->root,
                       shown ? shown : "?", why);
            free(shown);
            return -1;
        }
        if (!(c->classes[c->n_classes++] = strdup(dirs[i].name))) return ws_err_set(e, WS_ENOMEM, "out of memory");
    }
    return 0;
}

static int scan_layout(audio_corpus *c, ws_err *e)
{
    dir_entry *dirs = NULL;
    size_t n_dirs = 0, cap = 0, noise_cap = 0;
    if (list_dir(c->root, 1, &dirs, &n_dirs, e) < 0) return -1;
    int rc = -1;
    if (scan_classes(c, dirs, n_dirs, e) < 0) goto out;
    int kept = 0;
    for (int k = 0; k < c->n_classes; k++) {
        char *dir = join(c->root, c->classes[k]);
        if (!dir) goto oom;
        size_t before = c->n_clips;
        int r = push_folder(&c->clips, &c->n_clips, &cap, dir, c->classes[k], kept, e);
        free(dir);
        if (r < 0) goto out;
        if (c->n_clips > before) {   /* moved down over the classes left out; one pointer per name */
            char *name = c->classes[k];
            c->classes[k] = NULL;
            c->classes[kept++] = name;
            continue;
        }
        /* A folder without an audio file (macOS's __MACOSX, one left empty, one of speaker
         * subfolders) made a class no clip could teach, which a macro F1 still averaged in at 0.
         * torchaudio's SPEECHCOMMANDS takes its labels from the files, so it has no such class. */
        char *shown = class_name_shown(c->classes[k]);
        r = shown ? add_note(c, e, "%s/%s: no audio file in the folder, so it is not a class (a class folder's "
                             "own files are read, not its subfolders')", c->root, shown)
                  : ws_err_set(e, WS_ENOMEM, "out of memory");
        free(shown);
        if (r == 0) r = add_left_out(c, c->classes[k], strdup("its folder holds no audio file"), e);
        else free(c->classes[k]);
        c->classes[k] = NULL;
        if (r < 0) goto out;
    }
    c->n_classes = kept;
    char *noise_dir = join(c->root, AUDIO_NOISE_LABEL);
    struct stat st;
    if (!noise_dir) goto oom;
    if (stat(noise_dir, &st) == 0 && S_ISDIR(st.st_mode) &&
        push_folder(&c->noise, &c->n_noise, &noise_cap, noise_dir, AUDIO_NOISE_LABEL, -1, e) < 0) {
        free(noise_dir);
        goto out;
    }
    /* a file of that name (`cp noise.wav corpus/_background_noise_` where the folder was not
     * there yet makes one) was ignored as the folder's other files are, and its noise with it */
    if (stat(noise_dir, &st) == 0 && !S_ISDIR(st.st_mode) &&
        add_note(c, e, "%s: %s, so no noise file is read from it (noise files go in a folder of that name)", noise_dir,
                 S_ISREG(st.st_mode) ? "a file, not a folder" : "not a folder") < 0) {
        free(noise_dir);
        goto out;
    }
    free(noise_dir);
    if (check_twice(c, e) < 0) goto out;

    /* splits: the list files when there are any, else the which_set rule */
    audio_item **sorted = malloc(sizeof *sorted * (c->n_clips + 1));
    if (!sorted) goto oom;
    for (size_t i = 0; i < c->n_clips; i++) sorted[i] = &c->clips[i];
    qsort(sorted, c->n_clips, sizeof *sorted, cmp_item_path);
    int v = apply_list(c, sorted, "validation_list.txt", AUDIO_SPLIT_VALIDATION, e);
    int t = v < 0 ? -1 : apply_list(c, sorted, "testing_list.txt", AUDIO_SPLIT_TEST, e);
    free(sorted);
    if (v < 0 || t < 0) goto out;
    if (v == 1 && t == 1) {
        c->split_rule = "which_set";
        for (size_t i = 0; i < c->n_clips; i++)
            c->clips[i].split = audio_which_set(c->clips[i].path, WHICH_SET_VALIDATION_PCT, WHICH_SET_TEST_PCT);
    } else {
        c->split_rule = "lists";
        /* One list without the other left that split empty without a word (torchaudio's
         * SPEECHCOMMANDS opens both for its training subset and fails on the missing one); an
         * empty test split may be meant, so it is a note, and train-trial refuses an empty
         * validation split itself. */
        if ((v == 1 || t == 1) &&
            add_note(c, e, "%s/%s: not there, while %s is: no clip is in the %s split (a corpus with neither "
                     "list is split by the which_set rule)", c->root, v == 1 ? "validation_list.txt" : "testing_list.txt",
                     v == 1 ? "testing_list.txt" : "validation_list.txt", v == 1 ? "validation" : "test") < 0)
            goto out;
    }
    rc = 0;
    goto out;
oom:
    rc = ws_err_set(e, WS_ENOMEM, "%s: out of memory", c->root);
out:
    free_entries(dirs, n_dirs);
    return rc;
}

/* ---- JSONL manifest ---- */

/* A manifest's classes as it names them: the names in first-seen order (the clips' label ids
 * until the scan ends) and a search tree over them, so finding a line's label costs log(classes),
 * not a pass over every class: a corpus of many words (the Multilingual Spoken Words Corpus has
 * tens of thousands) with a million clips made that pass the scan's whole cost. */
typedef struct {
    const char *name;   /* in the classes array */
    int id;
} class_node;

typedef struct {
    char **names;
    int n, cap;
    void *tree;         /* tsearch's, of class_node */
} class_table;

static int cmp_class_node(const void *a, const void *b)
{
    return strcmp(((const class_node *)a)->name, ((const class_node *)b)->name);
}

/* The label's class id, a new one for a label not seen before; -1: out of memory. */
static int class_index(class_table *t, const char *label)
{
    class_node key = {label, -1}, **found = tfind(&key, &t->tree, cmp_class_node);
    if (found) return (*found)->id;
    if (t->n == t->cap) {
        int cap = t->cap ? 2 * t->cap : 64;
        char **p = realloc(t->names, sizeof *p * (size_t)(cap + 1));
        if (!p) return -1;
        t->names = p;
        t->cap = cap;
    }
    class_node *node = malloc(sizeof *node);
    char *name = strdup(label);
    if (node && name) *node = (class_node){name, t->n};
    if (!node || !name || !tsearch(node, &t->tree, cmp_class_node)) {
        free(node); free(name);
        return -1;
    }
    t->names[t->n] = name;
    return t->n++;
}

static int class_id(const class_table *t, const char *name)
{
    class_node key = {name, -1}, *const *found = tfind(&key, &t->tree, cmp_class_node);
    return (*found)->id;   /* every name asked for is in the table */
}


/* At most this many notes of one kind: a manifest made for other tools may carry many keys. */
#define MAX_NOTES_OF_A_KIND 16
/* The longest manifest line: a path and a label (train-trial's trial lines stop there too) */
#define MANIFEST_LINE_MAX (1 << 20)

/* The keys a manifest line has that featurize does not read, a note each the first time one is
 * seen (where: "FILE:LINE"). Extra keys are allowed (a manifest made for other tools too), but a
 * misspelt "split" would silently split by the which_set rule, training on clips meant for the
 * test, so the user hears of every key that was ignored. */
static int note_unknown_keys(audio_corpus *c, const json_t *j, const char *where, char **seen, size_t *n_seen,
                             ws_err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)j, key, v) {
        if (!strcmp(key, "path") || !strcmp(key, "label") || !strcmp(key, "split")) continue;
        size_t k = 0;
        while (k < *n_seen && strcmp(seen[k], key)) k++;
        if (k < *n_seen || *n_seen == MAX_NOTES_OF_A_KIND) continue;
        char *shown = ws_text_show(key);
        if (!shown || !(seen[*n_seen] = strdup(key))) { free(shown); return ws_err_set(e, WS_ENOMEM, "out of memory"); }
        (*n_seen)++;
        int rc = add_note(c, e, "%s: key \"%s\" is not one featurize reads (path, label, split): ignored, on this "
                          "line and every other", where, shown);
        free(shown);
        if (rc) return -1;
    }
    return 0;
}

/* A class name, its NFC form, its case fold as written, its key: folded and in NFC
 * (ws_text_casefold), equal for twins, names that differ only in how they are written, and what
 * of it shows (ws_text_visible) and that one's key, equal for twins and for names that differ
 * only in white space or invisible characters too. */
typedef struct { const char *name; char *nfc, *fold, *key, *visible, *loose; } twin_key;

/* Equal loose keys next to each other; names in byte order among them. */
static int cmp_twin_key(const void *a, const void *b)
{
    const twin_key *x = a, *y = b;
    int c = strcmp(x->loose, y->loose);
    return c ? c : strcmp(x->name, y->name);
}

/* 1 when twins a and b differ only in letter case: not one name in NFC, and they fold alike as
 * written, or both are written in NFC (a long s and an accent, "\xc5\xbf\xcc\x81", has no
 * composed form, so it folds to s and an accent where its twin "\xc5\x9a" folds to a composed
 * "\xc5\x9b": both written alike, they differ in letter case alone). */
static int case_only(const twin_key *a, const twin_key *b)
{
    return strcmp(a->nfc, b->nfc) && (!strcmp(a->fold, b->fold) || (!strcmp(a->name, a->nfc) && !strcmp(b->name, b->nfc)));
}

/* What a pair of names with equal loose keys differs in: letter case only, Unicode
 * normalization (and letter case), or white space or invisible characters (and maybe those). */
enum { TWIN_CASE, TWIN_NORMALIZATION, TWIN_WHITE_SPACE };

static int twin_kind(const twin_key *a, const twin_key *b)
{
    if (strcmp(a->key, b->key)) return TWIN_WHITE_SPACE;
    return case_only(a, b) ? TWIN_CASE : TWIN_NORMALIZATION;
}

/* The note of one pair of twins. Letter case alone prints apart ("Yes" and "yes", "CAF\xc3\x89"
 * and "caf\xc3\xa9"); a pair that differs in Unicode normalization prints the same, and so may
 * one that differs in white space ("yes" and "yes\xc2\xa0") or invisible characters ("no" and
 * "no\xe2\x80\x8b"), so its note shows both names' bytes. */
static int note_twin_pair(audio_corpus *c, const twin_key *a, const twin_key *b, ws_err *e)
{
    char *sa = ws_text_show(a->name), *sb = ws_text_show(b->name), *ba = ws_text_bytes(a->name),
         *bb = ws_text_bytes(b->name);
    int kind = twin_kind(a, b);
    int rc = !sa || !sb || !ba || !bb ? ws_err_set(e, WS_ENOMEM, "out of memory")
             : kind == TWIN_CASE ? add_note(c, e, "%s: classes \"%s\" and \"%s\" differ only in letter case: they are "
                                            "two classes", c->root, sa, sb)
             : kind == TWIN_WHITE_SPACE
             ? add_note(c, e, "%s: classes \"%s\" and \"%s\" differ only in white space or invisible characters%s (bytes "
                        "%s and %s): they are two classes", c->root, sa, sb, strcmp(a->visible, b->visible)
                        ? ", and in letter case or Unicode normalization" : "", ba, bb)
             : add_note(c, e, "%s: classes \"%s\" and \"%s\" differ only in %sUnicode normalization (bytes %s and %s): "
                        "they are two classes", c->root, sa, sb, strcmp(a->nfc, b->nfc) ? "letter case and " : "", ba, bb);
    free(sa); free(sb); free(ba); free(bb);
    return rc;
}

/* The notes of the pairs of twins of one kind (twin_kind), every pair of a group of twins in key
 * order, the first 16. */
static int note_twins_of_kind(audio_corpus *c, const twin_key *v, int kind, ws_err *e)
{
    int noted = 0;
    for (int i = 0; i < c->n_classes; i++)
        for (int j = i + 1; j < c->n_classes && !strcmp(v[i].loose, v[j].loose); j++) {
            if (twin_kind(&v[i], &v[j]) != kind) continue;
            if (noted++ == MAX_NOTES_OF_A_KIND) return 0;
            if (note_twin_pair(c, &v[i], &v[j], e)) return -1;
        }
    return 0;
}

/* Class names that differ only in how they are written, a note each pair: in letter case ("Yes"
 * and "yes", "\xc3\x84RGER" and "\xc3\xa4rger"; by Unicode's full case folding, so "STRASSE"
 * and "stra\xc3\x9fe" too), most likely one word labelled two ways, and folders a
 * case-insensitive file system (macOS's, Windows') could not hold apart; in Unicode
 * normalization ("caf\xc3\xa9" typed on Linux, composed, and "cafe\xcc\x81" from a folder copied
 * off macOS, whose file names are decomposed), or in both; in white space or invisible
 * characters ("yes" and "yes ", a trailing space a script left; "hey nova" and "hey\xc2\xa0nova",
 * a no-break space a word processor put in; "no" and "no\xe2\x80\x8b", a zero-width space
 * pasted from a web page), and maybe in those too. The letter-case notes first, then Unicode
 * normalization, then white space, at most 16 of each. They stay two classes (torchaudio's
 * SPEECHCOMMANDS makes two labels of them too, and the cache is as it was). */
static int note_twins(audio_corpus *c, ws_err *e)
{
    if (c->n_classes < 2) return 0;
    twin_key *v = calloc((size_t)c->n_classes, sizeof *v);
    int rc = v ? 0 : ws_err_set(e, WS_ENOMEM, "out of memory");
    /* class names are UTF-8 (scan_layout and the manifest refuse others): NULL is out of memory */
    for (int k = 0; k < c->n_classes && !rc; k++) {
        v[k].name = c->classes[k];
        if (!(v[k].nfc = ws_text_nfc(v[k].name)) || !(v[k].fold = ws_text_casefold(v[k].name, 0))
            || !(v[k].key = ws_text_casefold(v[k].name, 1)) || !(v[k].visible = ws_text_visible(v[k].name))
            || !(v[k].loose = ws_text_casefold(v[k].visible, 1)))
            rc = ws_err_set(e, WS_ENOMEM, "out of memory");
    }
    if (!rc) qsort(v, (size_t)c->n_classes, sizeof *v, cmp_twin_key);
    for (int kind = TWIN_CASE; kind <= TWIN_WHITE_SPACE && !rc; kind++) rc = note_twins_of_kind(c, v, kind, e);
    for (int k = 0; v && k < c->n_classes; k++) {
        free(v[k].nfc); free(v[k].fold); free(v[k].key); free(v[k].visible); free(v[k].loose);
    }
    free(v);
    return rc;
}

/* stdin as a manifest ("-": `jq -c ... | featurize -o F.feat -`): a copy of fd 0, or -2 with why
 * for what cannot be one. A pipe, a file or a terminal is read as cat reads it; a folder, or a
 * device such as /dev/zero (one endless line), is not. */
static int stdin_manifest(const char **why)
{
    struct stat st;
    if (fstat(STDIN_FILENO, &st) != 0) return -1;
    if (S_ISDIR(st.st_mode)) { *why = "a folder"; return -2; }
    int null = S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);   /* /dev/null: empty */
    if ((S_ISCHR(st.st_mode) && !isatty(STDIN_FILENO) && !null) || S_ISBLK(st.st_mode)) { *why = "a device"; return -2; }
    return dup(STDIN_FILENO);
}

static int scan_manifest(audio_corpus *c, ws_err *e)
{
    /* INPUT is a folder or a manifest file: a FIFO would hang the open (no writer) and a device
     * such as /dev/zero would be read as one endless line, so neither is taken for a manifest */
    struct stat st;
    const char *why = NULL;
    int fd = c->from_stdin ? stdin_manifest(&why) : ws_open_regular(c->root, &st, &why);
    if (fd == -1) return ws_err_set(e, WS_EINPUT, "%s: cannot open: %s", c->root, strerror(errno));
    if (fd == -2 && c->from_stdin)
        return ws_err_set(e, WS_EINPUT, "stdin (INPUT -): %s; expected a JSONL manifest (a folder is given as INPUT)", why);
    if (fd == -2)   /* a pipe, as from <(cat manifest): stdin reads one, so say so */
        return ws_err_set(e, WS_EINPUT, "%s: %s, expected a folder in Speech Commands layout or a JSONL manifest%s",
                          c->root, why, S_ISFIFO(st.st_mode) ? " (a manifest from a pipe is given as INPUT - on stdin)" : "");
    FILE *f = fdopen(fd, "r");
    if (!f) { close(fd); return ws_err_set(e, WS_ENOMEM, "%s: out of memory", c->root); }
    /* a manifest's relative paths are taken from its folder; stdin's from the working folder */
    char *dir = strdup(c->from_stdin ? "." : c->root), *slash = dir ? strrchr(dir, '/') : NULL;
    if (!dir) { fclose(f); return ws_err_set(e, WS_ENOMEM, "out of memory"); }
    if (slash) *slash = 0; else strcpy(dir, ".");
    char *line = NULL, where[4200];
    size_t cap = 0, clip_cap = 0, noise_cap = 0, n_seen = 0;
    char *seen[MAX_NOTES_OF_A_KIND];
    long lineno = 0;
    int rc = 0;
    ssize_t len;
    class_table classes = {0};
    /* a line held whole stops at MANIFEST_LINE_MAX: a manifest piped on stdin that never ended a
     * line was read until memory ran out, and that failed read taken for its end */
    while (rc == 0 && (len = ws_text_getline(&line, &cap, f, MANIFEST_LINE_MAX)) > 0) {
        lineno++;
        if (memchr(line, '\0', (size_t)len)) {   /* the text after it would go unread */
            rc = ws_err_set(e, WS_EINPUT, "%s:%ld: a NUL byte: expected a JSON object", c->root, lineno);
            break;
        }
        if ((size_t)len > MANIFEST_LINE_MAX && line[len - 1] != '\n') {
            rc = ws_err_set(e, WS_EINPUT, "%s:%ld: more than %d bytes: expected a JSON object", c->root, lineno,
                            MANIFEST_LINE_MAX);
            break;
        }
        int bom = ws_text_line_bom(line, c->root, lineno, e);
        if (bom < 0) { rc = -1; break; }
        char *s = line + bom;
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
        if (!*s) continue;
        snprintf(where, sizeof where, "%.4096s:%ld", c->root, lineno);
        json_t *j = ws_json_load_string(s, where, e);
        const char *path = NULL, *label = NULL, *split_s = NULL;
        if (!j) { rc = -1; break; }
        /* "split": null (jq's {path, label, split} on a line without one) means absent: the
         * which_set rule, as the man page promises for an optional split */
        if (json_is_object(j) && json_is_null(json_object_get(j, "split"))) json_object_del(j, "split");
        if (!json_is_object(j)) rc = ws_err_set(e, WS_EINPUT, "%s:%ld: expected an object", c->root, lineno);
        else if (note_unknown_keys(c, j, where, seen, &n_seen, e) < 0) rc = -1;
        else if (ws_json_get_string(j, "path", where, &path, e) < 0 || ws_json_get_string(j, "label", where, &label, e) < 0 ||
                 ws_json_get_string(j, "split", where, &split_s, e) < 0) rc = -1;
        else if (!path || !*path) rc = ws_err_set(e, WS_EINPUT, "%s:%ld: \"path\" is %s", c->root, lineno, path ? "empty" : "missing");
        else if (!label || !*label) rc = ws_err_set(e, WS_EINPUT, "%s:%ld: \"label\" is %s", c->root, lineno, label ? "empty" : "missing");
        else if (class_name_problem(label)) {
            char *shown = class_name_shown(label);
            rc = ws_err_set(e, WS_EINPUT, "%s:%ld: label \"%s\" %s; expected " CLASS_NAME_RULE, c->root, lineno,
                            shown ? shown : "?", class_name_problem(label));
            free(shown);
        }
        if (rc == 0) {
            int split = split_s ? audio_split_parse(split_s) : audio_which_set(path, WHICH_SET_VALIDATION_PCT, WHICH_SET_TEST_PCT);
            char *file = path[0] == '/' ? strdup(path) : join(dir, path);
            if (split < 0) {
                free(file);
                char *shown = ws_text_show(split_s);
                rc = ws_err_set(e, WS_EINPUT, "%s:%ld: unknown split '%s' (expected train, validation or test; "
                                "training and testing are taken too)", c->root, lineno, shown ? shown : "?");
                free(shown);
            } else if (strcmp(label, AUDIO_NOISE_LABEL) == 0 && split_s && split != AUDIO_SPLIT_TRAIN) {
                /* taken as training noise without a word, a noise file held out for testing was mixed
                 * into training batches */
                free(file);
                rc = ws_err_set(e, WS_EINPUT, "%s:%ld: a noise file (label %s) in split '%s'; expected split train "
                                "or none: noise streams are mixed into training batches only", c->root, lineno,
                                AUDIO_NOISE_LABEL, split_s);
            } else if (strcmp(label, AUDIO_NOISE_LABEL) == 0) {
                if (push_item(&c->noise, &c->n_noise, &noise_cap, strdup(path), file, NULL, -1, AUDIO_SPLIT_TRAIN) < 0)
                    rc = ws_err_set(e, WS_ENOMEM, "out of memory");
                else c->noise[c->n_noise - 1].line = lineno;
            } else {
                int k = class_index(&classes, label);
                if (k < 0 || push_item(&c->clips, &c->n_clips, &clip_cap, strdup(path), file, NULL, k, split) < 0)
                    rc = ws_err_set(e, WS_ENOMEM, "out of memory");
                else c->clips[c->n_clips - 1].line = lineno;
            }
        }
        json_decref(j);
    }
    free(line);
    free(dir);
    fclose(f);
    for (size_t k = 0; k < n_seen; k++) free(seen[k]);
    /* the corpus owns the names from here (audio_corpus_release frees them), sorted below */
    c->classes = classes.names;
    c->n_classes = classes.n;
    if (rc == 0 && !c->classes && !(c->classes = calloc(1, sizeof *c->classes)))
        rc = ws_err_set(e, WS_ENOMEM, "out of memory");
    if (rc == 0 && check_twice(c, e)) rc = -1;
    /* class ids in name order, as a layout's folders are */
    int *remap = rc == 0 ? malloc(sizeof(int) * (size_t)(c->n_classes + 1)) : NULL;
    if (rc == 0 && !remap) rc = ws_err_set(e, WS_ENOMEM, "out of memory");
    if (rc == 0) {
        qsort(c->classes, (size_t)c->n_classes, sizeof *c->classes, cmp_str);
        for (int m = 0; m < c->n_classes; m++) remap[class_id(&classes, c->classes[m])] = m;
        for (size_t i = 0; i < c->n_clips; i++) c->clips[i].label = remap[c->clips[i].label];
        c->split_rule = "manifest";
    }
    free(remap);
    tdestroy(classes.tree, free);
    return rc;
}

/* More classes than a cache may hold (core/classes.h), found before any clip is decoded: the
 * cache featurize would write is one nothing opens. */
static int check_class_count(const audio_corpus *c, const char *input, ws_err *e)
{
    if (c->n_classes <= WS_MAX_CLASSES) return 0;
    return ws_err_set(e, WS_EINPUT, "%s: %d classes; expected at most %d (" WS_MAX_CLASSES_WHY ")", input, c->n_classes,
                      WS_MAX_CLASSES);
}

int audio_corpus_scan(audio_corpus *c, const char *input, ws_err *e)
{
    memset(c, 0, sizeof *c);
    if (!strcmp(input, "-")) {   /* "-" is stdin, as for cat and jq: a manifest */
        c->from_stdin = c->is_manifest = 1;
        if (!(c->root = strdup("stdin"))) return ws_err_set(e, WS_ENOMEM, "out of memory");
        int rc = scan_manifest(c, e);
        if (rc == 0 && c->n_clips == 0) rc = ws_err_set(e, WS_EINPUT, "stdin: no audio clips found");
        if (rc == 0) rc = check_class_count(c, "stdin", e);
        if (rc == 0) rc = note_twins(c, e);
        if (rc < 0) audio_corpus_release(c);
        return rc;
    }
    struct stat st;
    if (stat(input, &st) != 0) return ws_err_set(e, WS_EINPUT, "%s: cannot open: %s", input, strerror(errno));
    if (!(c->root = strdup(input))) return ws_err_set(e, WS_ENOMEM, "out of memory");
    size_t len = strlen(c->root);
    while (len > 1 && c->root[len - 1] == '/') c->root[--len] = 0;
    c->is_manifest = !S_ISDIR(st.st_mode);
    /* one audio file given as INPUT was read as a manifest: "FILE:1: a NUL byte: expected a JSON
     * object", which said nothing of what INPUT must be */
    /* so was a feature cache (featurize's own output given back: "FILE:1: a NUL byte"), known by
     * its magic (audio/cache.h) */
    char magic[8] = {0};
    FILE *mf = c->is_manifest && S_ISREG(st.st_mode) ? fopen(input, "rb") : NULL;
    int is_cache = mf && fread(magic, 1, sizeof magic, mf) == sizeof magic && !memcmp(magic, AUDIO_CACHE_MAGIC, 8);
    if (mf) fclose(mf);
    if (c->is_manifest && S_ISREG(st.st_mode) && (is_cache || audio_has_audio_extension(input))) {
        audio_corpus_release(c);
        return ws_err_set(e, WS_EINPUT, "%s: %s; expected a folder in Speech Commands layout (CLASS/FILE) or a JSONL "
                          "manifest of the clips", input, is_cache ? "a feature cache" : "an audio file");
    }
    int rc = c->is_manifest ? scan_manifest(c, e) : scan_layout(c, e);
    if (rc == 0 && c->n_clips == 0)
        rc = ws_err_set(e, WS_EINPUT, "%s: no audio clips found%s", input,
                        c->is_manifest ? "" : " (expected one folder of audio files per class)");
    if (rc == 0) rc = check_class_count(c, input, e);
    if (rc == 0) rc = note_twins(c, e);
    if (rc < 0) audio_corpus_release(c);
    return rc;
}

static int same_file(const struct stat *a, const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && st.st_dev == a->st_dev && st.st_ino == a->st_ino;
}

/* The cache replaces out by a rename when it is complete, so an out that names one of the corpus's
 * own files (the manifest given again as --out, a clip) or the settings file replaced the user's
 * file with the cache without a word. Compared by device and inode: any path to the file counts. */
int audio_corpus_check_output(const audio_corpus *c, const char *out, const char *config, ws_err *e)
{
    struct stat o;
    if (stat(out, &o) != 0 || !S_ISREG(o.st_mode)) return 0;   /* nothing there to lose (a folder is refused later) */
    static const char *const lists[] = {"validation_list.txt", "testing_list.txt"};
    const char *what = NULL, *apart = "the corpus";
    char *which = NULL;
    if (config && same_file(&o, config))
        what = "the settings file being read (--config)", apart = "the inputs", which = strdup(config);
    struct stat in;
    if (!what && c->from_stdin && fstat(STDIN_FILENO, &in) == 0 && in.st_dev == o.st_dev && in.st_ino == o.st_ino)
        what = "the manifest being read", which = strdup("stdin");
    if (!what && c->is_manifest && !c->from_stdin && same_file(&o, c->root))
        what = "the manifest being read", which = strdup(c->root);
    for (int k = 0; !what && !c->is_manifest && k < 2; k++) {
        char *p = join(c->root, lists[k]);
        if (p && same_file(&o, p)) what = "a list file of the corpus", which = p;
        else free(p);
    }
    for (size_t i = 0; !what && i < c->n_clips + c->n_noise; i++) {
        const audio_item *it = i < c->n_clips ? &c->clips[i] : &c->noise[i - c->n_clips];
        if (same_file(&o, it->file))
            what = i < c->n_clips ? "a clip of the corpus" : "a noise file of the corpus", which = strdup(it->file);
    }
    if (!what) return 0;
    char *shown = ws_text_show(out), *which_shown = which ? ws_text_show(which) : NULL;
    ws_err_set(e, WS_EINPUT, "%s: is %s, %s; expected a path apart from %s (the cache would replace it)",
               shown ? shown : "--out", what, which_shown ? which_shown : "?", apart);
    free(shown);
    free(which_shown);
    free(which);
    return -1;
}

static void free_items(audio_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) { free(items[i].path); free(items[i].file); free(items[i].bad); }
    free(items);
}

void audio_corpus_release(audio_corpus *c)
{
    free(c->root);
    for (int k = 0; k < c->n_classes; k++) free(c->classes[k]);
    free(c->classes);
    free_items(c->clips, c->n_clips);
    free_items(c->noise, c->n_noise);
    for (size_t i = 0; i < c->n_notes; i++) free(c->notes[i]);
    free(c->notes);
    for (size_t i = 0; i < c->n_left_out; i++) { free(c->left_out[i].name); free(c->left_out[i].why); }
    free(c->left_out);
    memset(c, 0, sizeof *c);
}
