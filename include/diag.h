/*
 * diag.h — how every tool speaks to its user on stderr, and how it creates files.
 *
 * Promise: messages are "PROGRAM: text" on one line; files created by the tools
 * are never readable by others (mode 0600 unless a caller asks for 0640).
 * Exit statuses are the ones of <sysexits.h>, as SPEC §4 lists them.
 */
#ifndef IFS_DIAG_H
#define IFS_DIAG_H

#include <stdarg.h>
#include <stdio.h>
#include <sysexits.h>

#define IFS_VERSION "0.1.0"

/* Names the program in messages.  Called first by every main: it also fills a
 * closed stdin/stdout/stderr with /dev/null (stdout read-only, so writes fail
 * loudly), so no file the tool opens later takes their place. */
void diag_set_program(const char *argv0);
const char *diag_program(void);
void diag_error(const char *format, ...) __attribute__((format(printf, 1, 2)));
void diag_warn(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* Counts of diag_warn calls, so a run can say it had warnings. */
unsigned diag_warnings(void);

/* Restricts the process umask so files are created 0600 (group_readable: 0640). */
void diag_private_files(int group_readable);

/* Opens FILE for writing with mode 0600 (0640 after diag_private_files(1)), or stdout
 * for "-"/NULL; a regular file that was there loses the permissions beyond those.
 * NULL and errno on failure (a file of another owner's that is open to others). */
FILE *diag_create(const char *path);

/* Refuses (diag_error, returns -1) when stdout is a terminal: binary streams go to files or pipes. */
int diag_refuse_terminal_stdout(void);

#endif
