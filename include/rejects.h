/*
 * rejects.h — where rejected rows go, so that no row ever vanishes.
 *
 * Promise: every rejected row is reported on stderr as "PROGRAM: FILE:LINE: reason"
 * (the reason scrubbed of anything shaped like a personnummer, personal_data.h)
 * and, when a reject file was asked for, appended to it as one TSV line
 * "file<TAB>line<TAB>reason<TAB>row" with the row verbatim (backslash, tab, CR and
 * LF escaped as \\ \t \r \n).  The reject file starts with that header line and is
 * created mode 0600.  Callers pass a row that is safe to write: a tool that
 * handles identifiers passes the row with them already replaced.
 */
#ifndef IFS_REJECTS_H
#define IFS_REJECTS_H

#include <stddef.h>

struct reject_log;

/* path NULL: stderr only.  NULL on failure with the reason in error. */
struct reject_log *reject_log_open(const char *path, char *error, size_t error_size);
void reject_log_row(struct reject_log *log, const char *file, unsigned long line,
                    const char *reason, const char *raw, size_t raw_length);
unsigned long reject_log_count(const struct reject_log *log);
/* 0, or -1 when the reject file could not be written completely. */
int reject_log_close(struct reject_log *log);

/*
 * The row as it may be kept: every occurrence of identifier as a word of its own
 * (when not NULL; surrounding space and ASCII case ignored), and anything else shaped like a personnummer
 * (personal_data.h), replaced by "[id removed]".
 * A new string of *out_length bytes, or NULL when out of memory.
 */
char *reject_scrub(const char *raw, size_t length, const char *identifier, size_t *out_length);

/* What a reject file keeps instead of a row whose fields could not be read, so
 * that a personal identifier in it could not be found and removed. */
#define REJECT_ROW_NOT_KEPT "[row not kept: it may hold an identifier that could not be located]"

/*
 * reject_log_row() for a row that may hold personal identifiers: the row is
 * kept scrubbed (reject_scrub), and so is the reason when the identifier has three
 * characters or more; the row is kept as REJECT_ROW_NOT_KEPT when identifier_found
 * is 0 (its fields could not be read, so the identifier could not be located).
 * 0, or -1 when scrubbing ran out of memory: nothing was logged, and the run
 * must end, as the row would otherwise vanish.
 */
int reject_log_scrubbed_row(struct reject_log *log, const char *file, unsigned long line, const char *reason,
                             const char *raw, size_t raw_length, const char *identifier, int identifier_found);

#endif
