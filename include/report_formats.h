/*
 * report_formats.h — the report's output formats over a loaded document: Markdown,
 * self-contained HTML with its SVG charts, and the Excel workbook.
 *
 * Promise: each writer takes its words from report_words.h and only arranges and
 * escapes them for its format; a section added to the report is added once per
 * writer, in its own file.  The stream writers return 0 or EX_IOERR.
 */
#ifndef IFS_REPORT_FORMATS_H
#define IFS_REPORT_FORMATS_H

#include "report_model.h"

#include <stdio.h>

int report_write_markdown(FILE *out, const struct report_doc *doc, const char *const *notes, size_t note_count);
int report_write_html(FILE *out, const struct report_doc *doc, const char *const *notes, size_t note_count);
/* The workbook at path, written beside it and renamed into place once read back
 * whole: 0, or a sysexits status with the reason in error. */
int report_write_xlsx(const char *path, const struct report_doc *doc, const char *const *notes, size_t note_count,
                      char *error, size_t error_size);

#endif
