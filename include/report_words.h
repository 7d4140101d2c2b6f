/*
 * report_words.h — the report's Swedish: numbers as Swedish text writes them, a
 * draft paragraph per goal whose wording follows the verdict honestly, the cells of
 * a goal's table row, footnotes for its flags, and the participant table's lines.
 *
 * Promise: the same words for every output format (Markdown, HTML, xlsx), so a
 * writer only arranges them; text is plain UTF-8, never escaped here.  A text that
 * would overflow its buffer is cut, never overrun.
 */
#ifndef IFS_REPORT_WORDS_H
#define IFS_REPORT_WORDS_H

#include "report_model.h"

#include <stddef.h>

struct report_text {
	char data[4096];
	size_t length;
};

void report_add(struct report_text *t, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Footnotes of one table, numbered in order of first use; the same text once. */
struct report_footnotes {
	char text[8][200];
	int count;
};

/* The cells of a goal's table row, the same in every format. */
struct report_table_row {
	struct report_text indicator;
	char marks[32], n[128], share[32], women[32], men[32], interval[96], target[32];
	const char *verdict;
};

void report_table_row(const struct goal_view *g, struct report_footnotes *notes, struct report_table_row *r);
/* The draft text of a goal: counts, shares by gender, the verdict and, with
 * earlier years, the comparison with the year before. */
void report_draft_paragraph(const struct goal_view *g, struct report_text *t);
/* The heading's period: "2022", "sedan 2020", "2022 (jämfört med 2018–2021)". */
void report_period_words(const struct report_doc *doc, struct report_text *t);
/* How shares are counted, under the heading: each source's period convention, the
 * register's when the report has register goals. */
void report_intro(const struct report_doc *doc, struct report_text *t);
/* What "–" in a table means, when a cell is masked for fewer than min_n answers. */
void report_masked_words(int min_n, struct report_text *t);
/* A year's cell: "90,0 % (10)", or "–" when no one answered (or it is masked). */
void report_year_cell(const struct goal_view *g, char *out, size_t size);
/* A level's words: the codebook's, else the IFS scale's for six levels, else "nivå N". */
const char *report_level_label(const struct goal_view *g, int level, char *out, size_t size);

/* The participants table (from ifs-flow): its lines, and line i's three cells for
 * insats (1), or 0 when the line is not shown. */
struct report_flow_line {
	const char *measure, *category, *label;
};
extern const struct report_flow_line report_flow_lines[];
extern const size_t report_flow_line_count;
int report_flow_cells(const struct report_doc *doc, const char *insats, size_t i, char all[32], char women[32],
                      char men[32]);
/* The notes under that table, on what a reader adding up its numbers would stumble on:
 * people of neither gender in Alla, courses ended for more than one reason.  How many
 * were put in notes (at most REPORT_FLOW_NOTES_MAX). */
#define REPORT_FLOW_NOTES_MAX 2
size_t report_flow_notes(const struct report_doc *doc, const char *insats, const char *notes[REPORT_FLOW_NOTES_MAX]);

#endif
