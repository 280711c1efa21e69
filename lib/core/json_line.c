/* json_line.c — the one JSON object of a file or stdin that another tool printed as a line (a
 * trial line for train-trial, a result line for tell --result): see json.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "core/text.h"

json_t *ws_json_read_one(const char *path, const char *noun, const char *one_only, ws_err *e)
{
    const char *name = strcmp(path, "-") ? path : "stdin";
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) { ws_err_set(e, WS_EINPUT, "%s: cannot open: %m", path); return NULL; }
    char what[96];   /* what the file should have held, for the messages of a NUL byte */
    snprintf(what, sizeof what, "a %s (one JSON object)", noun);
    char *text = malloc(WS_JSON_LINE_MAX + 2);
    size_t n = text ? fread(text, 1, WS_JSON_LINE_MAX + 1, f) : 0;
    if (text) text[n] = 0;   /* the str* scans below stop here, not in bytes never read */
    int bad_read = ferror(f) ? errno : 0;   /* the reason: a directory opens, and reads EISDIR */
    if (f != stdin) fclose(f);
    size_t all = n;   /* as read: the limit below counts a mark skipped too */
    /* a UTF-8 byte order mark (a line saved by a Windows editor) is skipped, as at the start of a
     * settings file (core/json.c) and of suggest --enqueue's lines: it was "'[' or '{' expected
     * near '<the invisible mark>'" */
    size_t bom = text ? ws_text_bom(text, n) : 0;
    if (bom) { n -= bom; memmove(text, text + bom, n + 1); }
    json_t *j = NULL;
    json_error_t je;
    /* the text is read up to a NUL byte, which jansson would take for its end ("'' after the
     * line", "expected near end of file"): one is said where it is (ws_json_nul_error), unless
     * the text before it is wrong already */
    const char *nul = text && all <= WS_JSON_LINE_MAX ? memchr(text, '\0', n) : NULL;
    if (nul) n = (size_t)(nul - text);
    if (!text) ws_err_set(e, WS_ENOMEM, "out of memory");
    else if (bad_read) ws_err_set(e, WS_EINPUT, "%s: cannot read: %s", name, strerror(bad_read));
    else if (all > WS_JSON_LINE_MAX) ws_err_set(e, WS_EINPUT, "%s: more than %d bytes: not a %s", name, WS_JSON_LINE_MAX, noun);
    else if (strspn(text, " \t\r\n") >= n && !nul) ws_err_set(e, WS_EINPUT, "%s: no %s", name, noun);
    else if (strspn(text, " \t\r\n") >= n) ws_json_nul_error(text, n, name, what, e);
    else if (!(j = json_loadb(text, n, JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK, &je))) {
        if (nul && (size_t)je.position >= n) ws_json_nul_error(text, n, name, what, e);
        else if (je.column > 0) ws_err_set(e, WS_EINPUT, "%s:%d:%d: %s", name, je.line, je.column, ws_json_error_text(&je));
        else ws_err_set(e, WS_EINPUT, "%s:%d: %s", name, je.line, ws_json_error_text(&je));   /* at the end: no column */
    } else if ((size_t)je.position < n && strspn(text + je.position, " \t\r\n") < n - (size_t)je.position) {
        /* a second object is a second line; anything else after the line (a stray '}', a word)
         * was reported as one too, which sent the reader looking for a line not there */
        size_t at = (size_t)je.position + strspn(text + je.position, " \t\r\n"), line = 1, col = 1;
        json_t *next = json_loadb(text + at, n - at, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &je);
        if (json_is_object(next))
            ws_err_set(e, WS_EINPUT, "%s: more than one %s; %s", name, noun, one_only);
        else {
            size_t shown = strcspn(text + at, " \t\r\n");
            for (size_t i = 0; i < at; i++, col++) if (text[i] == '\n') { line++; col = 0; }
            ws_err_set(e, WS_EINPUT, "%s:%zu:%zu: '%.*s' after the %s: expected nothing more (one JSON object)",
                       name, line, col, (int)(shown < 20 ? shown : 20), text + at, noun);
        }
        json_decref(next);
        json_decref(j);
        j = NULL;
    } else if (nul) {   /* after the line */
        json_decref(j);
        j = NULL;
        ws_json_nul_error(text, n, name, what, e);
    }
    free(text);
    return j;
}
