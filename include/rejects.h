/*
 * rejects.h — where rejected rows go, so that no row ever vanishes.
 *
 * Promise: every rejected row is reported on stderr as "PROGRAM: FILE:LINE: reason"
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

#endif
