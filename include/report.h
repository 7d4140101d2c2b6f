/*
 * report.h — Bilaga 2 from ifs-shares' JSON (docs/shares-json.md): Markdown, HTML or xlsx.
 *
 * Promise: one section per intervention, in the order the goals come; a table per
 * section (goal, indicator, n with women / men, share, target, 95 % interval, verdict
 * in Swedish), flags as footnotes, masked cells as "–" with the reason given once, and
 * a draft Swedish paragraph per goal whose wording follows the verdict honestly.
 * Numbers in Swedish style: decimal comma, "91 %".  HTML is one self-contained file
 * (no external resources) with print CSS for A4 and an accessible SVG chart per IFS
 * goal.  Every text taken from the JSON is escaped.
 */
#ifndef IFS_REPORT_H
#define IFS_REPORT_H

#include <stddef.h>
#include <stdio.h>

enum report_format { REPORT_MARKDOWN, REPORT_HTML };

/* 0, or 65 with a reason (naming what is missing) in error. */
int report_render(FILE *out, const char *json_text, const char *source_name, enum report_format format,
                  char *error, size_t error_size);
/* The same, with notes printed under the introduction ("Obs: ..."): what the reader
 * must know about the data, such as a source whose latest export could not be read. */
/* flow_json: ifs-flow --format json output, whose participant table heads each insats; or NULL. */
int report_render_with_notes(FILE *out, const char *json_text, const char *source_name, enum report_format format,
                             const char *const *notes, size_t note_count, const char *flow_json, char *error,
                             size_t error_size);

/* The same report as an Excel workbook at path (libxlsxwriter): a sheet per insats
 * with the goal table from row 4 (shares as numbers in a percent format, Swedish
 * headers, verdict cells coloured as in HTML, the footnotes), then the notes, the
 * participants table (flow_json, or NULL) and the years side by side when the input
 * has them; last a sheet "Underlag" with the rows as ifs-shares --format tsv has
 * them.  0, or a sysexits status with the reason in error. */
int report_render_xlsx(const char *path, const char *json_text, const char *source_name, const char *const *notes,
                       size_t note_count, const char *flow_json, char *error, size_t error_size);

/* 0.7272 -> "72,7 %" (decimals 1) or "73 %" (decimals 0). */
void report_percent(double share, int decimals, char *out, size_t size);
/* "met" -> "Uppfyllt", ... ; "" for none. */
const char *report_verdict_swedish(const char *code);
/* Writes text with & < > " ' escaped. */
void report_html_escape(FILE *out, const char *text);

#endif
