/*
 * report_model.h — ifs-shares' JSON (docs/shares-json.md) read into goal views for
 * the report writers, and ifs-flow's JSON beside it.
 *
 * Promise: a loaded document has every row checked (required strings present, a
 * known verdict, shares and targets fractions, counts whole and pos <= n) or the
 * load fails naming the row; with --years input, one view per goal (its last year)
 * carrying its rows year by year as history; the insatser in order of first
 * appearance.  Views point into the parsed JSON and live as long as the document.
 * No Swedish words and no output format here: those are report_words.h and
 * report_formats.h.
 */
#ifndef IFS_REPORT_MODEL_H
#define IFS_REPORT_MODEL_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* One of a goal's three cells: total, women, men. */
struct goal_cell {
	int masked, has_share;
	long n, pos;
	double share, low, high;
};

struct goal_view {
	const char *insats, *goal, *indicator, *kind, *question, *group, *level, *text, *verdict, *period;
	int min_level, scale_max, min_n, has_target;
	double target;
	struct goal_cell cell[3];
	const cJSON *flags, *distribution, *health, *outcome, *row, *scale_labels;
	/* --years input: this goal's rows, the years in order (this one last) */
	const struct goal_view *history;
	size_t history_count;
};

/* An insats and its goals, in the order they come. */
struct report_section {
	const char *insats;
	const struct goal_view **goals;
	size_t count;
};

struct report_doc {
	cJSON *root, *flow;
	const cJSON *flow_rows; /* ifs-flow's rows, or NULL */
	struct goal_view *goals, *all_rows;
	size_t count;
	struct report_section *sections;
	size_t section_count;
	const struct goal_view **section_goals;
};

/* 0, or a sysexits status with "source_name: reason" in error. */
int report_doc_load(struct report_doc *doc, const char *json_text, const char *source_name, char *error,
                    size_t error_size);
/* Adds ifs-flow --format json output: 0, or EX_DATAERR / EX_OSERR with the reason. */
int report_doc_add_flow(struct report_doc *doc, const char *flow_json, char *error, size_t error_size);
void report_doc_free(struct report_doc *doc);

/* The year a row's period ends in: a mätår or a calendar year is named by it. */
int report_period_year(const struct goal_view *g);
int report_goal_has_flag(const struct goal_view *g, const char *flag);
/* 1 when a goal of the section has more than one year. */
int report_has_years(const struct report_section *section);
/* The goal as the report names it: its text, else its id. */
const char *report_goal_title(const struct goal_view *g);
/* min_n of the first goal with a masked cell, or 0 when none is masked. */
int report_any_masked(const struct report_doc *doc);
/* The row of ifs-flow's output for insats, measure and category, or NULL. */
const cJSON *report_flow_row(const struct report_doc *doc, const char *insats, const char *measure,
                             const char *category);

/* JSON helpers: a string member or NULL; a count (a whole number in reason) or 0. */
const char *report_json_string(const cJSON *object, const char *key);
long report_json_count(const cJSON *object, const char *key);
long report_json_count_item(const cJSON *item);

#endif
