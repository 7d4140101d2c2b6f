#include "report_model.h"

#include "json_memory.h"
#include "text_fold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

/* A count from the JSON: a whole number within reason, else -1 (so it is refused or ignored,
 * never converted out of range). */
static long whole_number(const cJSON *item)
{
	if (!cJSON_IsNumber(item) || !(item->valuedouble >= 0 && item->valuedouble <= 1e12))
		return -1;
	return (long)item->valuedouble;
}

int report_period_year(const struct goal_view *g)
{
	const char *to = g->period ? strstr(g->period, "..") : NULL;
	return to && strlen(to) >= 6 ? atoi(to + 2) : 0;
}

const char *report_json_string(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
	return cJSON_IsString(item) ? item->valuestring : NULL;
}

static int read_cell(const cJSON *object, struct goal_cell *cell)
{
	if (!cJSON_IsObject(object))
		return -1;
	const cJSON *masked = cJSON_GetObjectItemCaseSensitive(object, "masked");
	cell->masked = cJSON_IsTrue(masked);
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(object, "n"), *pos = cJSON_GetObjectItemCaseSensitive(object, "pos");
	const cJSON *share = cJSON_GetObjectItemCaseSensitive(object, "share");
	cell->n = cJSON_IsNumber(n) ? whole_number(n) : 0;
	cell->pos = cJSON_IsNumber(pos) ? whole_number(pos) : 0;
	cell->has_share = cJSON_IsNumber(share);
	cell->share = cell->has_share ? share->valuedouble : 0;
	const cJSON *low = cJSON_GetObjectItemCaseSensitive(object, "ci_low");
	const cJSON *high = cJSON_GetObjectItemCaseSensitive(object, "ci_high");
	cell->low = cJSON_IsNumber(low) ? low->valuedouble : 0;
	cell->high = cJSON_IsNumber(high) ? high->valuedouble : 0;
	/* Shares are fractions and counts are counts: anything else is not ifs-shares output. */
	if (!(cell->share >= 0 && cell->share <= 1 && cell->low >= 0 && cell->low <= 1 && cell->high >= 0 &&
	      cell->high <= 1) ||
	    cell->n < 0 || cell->pos < 0 || cell->pos > cell->n)
		return -1;
	return (!cell->masked && !cJSON_IsNumber(n)) ? -1 : 0;
}

static int read_goal(const cJSON *row, size_t index, struct goal_view *g, char *error, size_t error_size)
{
	static const char *const required[] = {"insats", "goal", "indicator", "kind", "verdict", "text", "period"};
	memset(g, 0, sizeof *g);
	for (size_t i = 0; i < sizeof required / sizeof *required; i++)
		if (!report_json_string(row, required[i])) {
			snprintf(error, error_size, "row %zu: missing \"%s\" (is this ifs-shares --format json output?)",
			         index + 1, required[i]);
			return -1;
		}
	g->insats = report_json_string(row, "insats");
	g->goal = report_json_string(row, "goal");
	g->indicator = report_json_string(row, "indicator");
	g->kind = report_json_string(row, "kind");
	g->question = report_json_string(row, "question");
	g->group = report_json_string(row, "group");
	g->level = report_json_string(row, "level");
	g->text = report_json_string(row, "text");
	g->verdict = report_json_string(row, "verdict");
	g->period = report_json_string(row, "period");
	static const char *const verdicts[] = {"met", "within_margin", "not_met", "too_few", "none"};
	int known_verdict = 0;
	for (size_t v = 0; g->verdict && v < sizeof verdicts / sizeof *verdicts; v++)
		known_verdict |= strcmp(g->verdict, verdicts[v]) == 0;
	if (!known_verdict) {
		snprintf(error, error_size, "row %zu: verdict must be met, within_margin, not_met, too_few or none",
		         index + 1);
		return -1;
	}
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(row, "target");
	g->has_target = cJSON_IsNumber(item);
	g->target = g->has_target ? item->valuedouble : 0;
	if (!(g->target >= 0 && g->target <= 1)) {
		snprintf(error, error_size, "row %zu (goal \"%s\"): target outside 0-1", index + 1, g->goal);
		return -1;
	}
	item = cJSON_GetObjectItemCaseSensitive(row, "min_level");
	g->min_level = cJSON_IsNumber(item) ? item->valueint : 0;
	item = cJSON_GetObjectItemCaseSensitive(row, "scale_max");
	g->scale_max = cJSON_IsNumber(item) ? item->valueint : 0;
	item = cJSON_GetObjectItemCaseSensitive(row, "min_n");
	g->min_n = cJSON_IsNumber(item) ? item->valueint : 5;
	const char *cells[] = {"total", "women", "men"};
	for (int c = 0; c < 3; c++)
		if (read_cell(cJSON_GetObjectItemCaseSensitive(row, cells[c]), &g->cell[c]) < 0) {
			snprintf(error, error_size, "row %zu (goal \"%s\"): missing or bad \"%s\"", index + 1, g->goal, cells[c]);
			return -1;
		}
	g->flags = cJSON_GetObjectItemCaseSensitive(row, "flags");
	g->distribution = cJSON_GetObjectItemCaseSensitive(row, "distribution");
	g->health = cJSON_GetObjectItemCaseSensitive(row, "health");
	g->outcome = cJSON_GetObjectItemCaseSensitive(row, "outcome");
	g->row = row;
	g->scale_labels = cJSON_GetObjectItemCaseSensitive(row, "scale_labels");
	return 0;
}

int report_goal_has_flag(const struct goal_view *g, const char *flag)
{
	const cJSON *item;
	cJSON_ArrayForEach(item, g->flags)
	{
		if (cJSON_IsString(item) && strcmp(item->valuestring, flag) == 0)
			return 1;
	}
	return 0;
}

long report_json_count_item(const cJSON *item)
{
	long value = whole_number(item);
	return value < 0 ? 0 : value;
}

long report_json_count(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
	long value = whole_number(item);
	return value < 0 ? 0 : value;
}

int report_any_masked(const struct report_doc *doc)
{
	for (size_t i = 0; i < doc->count; i++)
		for (int c = 0; c < 3; c++)
			if (doc->goals[i].cell[c].masked)
				return doc->goals[i].min_n;
	return 0;
}

const cJSON *report_flow_row(const struct report_doc *doc, const char *insats, const char *measure,
                             const char *category)
{
	const cJSON *row;
	cJSON_ArrayForEach(row, doc->flow_rows)
	{
		const char *i = report_json_string(row, "insats"), *m = report_json_string(row, "measure"),
		           *c = report_json_string(row, "category");
		if (i && m && c && text_fold_equal(i, insats) && strcmp(m, measure) == 0 && strcmp(c, category) == 0)
			return row;
	}
	return NULL;
}

int report_has_years(const struct report_section *section)
{
	for (size_t i = 0; i < section->count; i++)
		if (section->goals[i]->history_count > 1)
			return 1;
	return 0;
}

const char *report_goal_title(const struct goal_view *g)
{
	return g->text[0] ? g->text : g->goal;
}

void report_doc_free(struct report_doc *doc)
{
	if (doc->goals != doc->all_rows)
		free(doc->all_rows);
	free(doc->goals);
	free(doc->sections);
	free(doc->section_goals);
	cJSON_Delete(doc->root);
	cJSON_Delete(doc->flow);
	memset(doc, 0, sizeof *doc);
}

/* The goals by insats, the insatser in order of first appearance; "FIA" and "fia" are
 * one insats, as ifs-shares matches them, under the spelling met first. */
static int group_sections(struct report_doc *doc)
{
	doc->sections = calloc(doc->count ? doc->count : 1, sizeof *doc->sections);
	doc->section_goals = calloc(doc->count ? doc->count : 1, sizeof *doc->section_goals);
	if (!doc->sections || !doc->section_goals)
		return -1;
	size_t placed = 0;
	for (size_t i = 0; i < doc->count; i++) {
		size_t s = 0;
		while (s < doc->section_count && !text_fold_equal(doc->sections[s].insats, doc->goals[i].insats))
			s++;
		if (s < doc->section_count)
			continue;
		struct report_section *section = &doc->sections[doc->section_count++];
		section->insats = doc->goals[i].insats;
		section->goals = &doc->section_goals[placed];
		for (size_t j = i; j < doc->count; j++)
			if (text_fold_equal(doc->goals[j].insats, section->insats))
				doc->section_goals[placed++] = &doc->goals[j];
		section->count = (size_t)(&doc->section_goals[placed] - section->goals);
	}
	return 0;
}

int report_doc_load(struct report_doc *doc, const char *json_text, const char *source_name, char *error,
                    size_t error_size)
{
	memset(doc, 0, sizeof *doc);
	json_memory_watch();
	doc->root = cJSON_Parse(json_text);
	if (!doc->root && json_memory_failed()) {
		snprintf(error, error_size, "%s: out of memory", source_name);
		return EX_OSERR;
	}
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(doc->root, "rows");
	if (!cJSON_IsArray(rows)) {
		snprintf(error, error_size, "%s: not ifs-shares --format json output (no \"rows\" array)", source_name);
		report_doc_free(doc);
		return EX_DATAERR;
	}
	size_t count = (size_t)cJSON_GetArraySize(rows);
	doc->goals = doc->all_rows = calloc(count ? count : 1, sizeof *doc->goals);
	if (!doc->goals) {
		snprintf(error, error_size, "%s: out of memory", source_name);
		report_doc_free(doc);
		return EX_OSERR;
	}
	size_t index = 0;
	const cJSON *row;
	char reason[400];
	cJSON_ArrayForEach(row, rows)
	{
		if (read_goal(row, index, &doc->goals[index], reason, sizeof reason) < 0) {
			snprintf(error, error_size, "%s: %s", source_name, reason);
			report_doc_free(doc);
			return EX_DATAERR;
		}
		index++;
	}
	doc->count = count;
	/* --years: a goal's rows, the years in order; the report year is the last */
	const cJSON *years = cJSON_GetObjectItemCaseSensitive(doc->root, "years");
	if (cJSON_IsArray(years) && count) {
		struct goal_view *current = calloc(count, sizeof *current);
		if (!current) {
			snprintf(error, error_size, "%s: out of memory", source_name);
			report_doc_free(doc);
			return EX_OSERR;
		}
		size_t shown = 0;
		struct goal_view *goals = doc->all_rows;
		for (size_t i = 0; i < count;) {
			size_t j = i;
			while (j + 1 < count && strcmp(goals[j + 1].goal, goals[i].goal) == 0)
				j++;
			current[shown] = goals[j];
			current[shown].history = &goals[i];
			current[shown].history_count = j - i + 1;
			shown++;
			i = j + 1;
		}
		doc->goals = current;
		doc->count = shown;
	}
	if (group_sections(doc) < 0) {
		snprintf(error, error_size, "%s: out of memory", source_name);
		report_doc_free(doc);
		return EX_OSERR;
	}
	return 0;
}

int report_doc_add_flow(struct report_doc *doc, const char *flow_json, char *error, size_t error_size)
{
	json_memory_watch();
	doc->flow = cJSON_Parse(flow_json);
	if (!doc->flow && json_memory_failed()) {
		snprintf(error, error_size, "the --flow input: out of memory");
		return EX_OSERR;
	}
	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc->flow, "rows"))) {
		snprintf(error, error_size, "the --flow input is not ifs-flow --format json output (no \"rows\" array)");
		return EX_DATAERR;
	}
	doc->flow_rows = cJSON_GetObjectItemCaseSensitive(doc->flow, "rows");
	return 0;
}

