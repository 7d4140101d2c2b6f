/* The three shapes of ifs-shares output: TSV, Swedish CSV and JSON (docs/shares-json.md). */
#include <errno.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_memory.h"
#include "health_indicators.h"
#include "diag.h"
#include "report.h"
#include "shares.h"

static const char *const columns[] = {
	"period", "insats", "goal", "indicator", "group", "level", "target", "n", "pos", "share", "ci_low",
	"ci_high", "verdict", "n_women", "pos_women", "share_women", "n_men", "pos_men", "share_men", "flags",
	"ended", "response_rate",
};
static const char *const year_columns[] = {"prev_share", "diff", "diff_ci_low", "diff_ci_high"};
static const char *const swedish_year_columns[] = {"Föregående andel", "Skillnad", "Skillnad 95 % KI nedre",
                                                    "Skillnad 95 % KI övre"};
/* csv-sv is for Swedish spreadsheet users: the same columns, in Swedish words. */
static const char *const swedish_columns[] = {
	"Period", "Insats", "Mål", "Indikator", "Grupp", "Nivå", "Målnivå", "n", "Positiva", "Andel",
	"95 % KI nedre", "95 % KI övre", "Bedömning", "n kvinnor", "Positiva kvinnor", "Andel kvinnor", "n män",
	"Positiva män", "Andel män", "Anmärkningar", "Avslutade", "Svarsfrekvens",
};

static const char *group_swedish(int group)
{
	static const char *const names[GROUP_COUNT] = {
		"", "Pågående", "Avslutade", "Personal", "Chefer", "Styrelse", "Remittenter",
	};
	return group >= 0 && group < GROUP_COUNT ? names[group] : "";
}

struct writer {
	FILE *out;
	int swedish;
	int first;
};

/*
 * One cell.  In csv-sv, text that a spreadsheet would take for a formula (it
 * starts with = + - @, a tab or a CR: a goal id or insats name from a targets
 * file someone sent) gets a leading apostrophe, which Excel and LibreOffice show
 * as text.  Numbers this program formats are never touched.
 */
static void put_field(struct writer *w, const char *text, int is_text)
{
	if (!w->first)
		fputc(w->swedish ? ';' : '\t', w->out);
	w->first = 0;
	int formula = w->swedish && is_text && text[0] && strchr("=+-@\t\r", text[0]);
	if (w->swedish && (formula || strpbrk(text, ";\"\r\n"))) {
		fputc('"', w->out);
		if (formula)
			fputc('\'', w->out);
		for (const char *p = text; *p; p++) {
			if (*p == '"')
				fputc('"', w->out);
			fputc(*p, w->out);
		}
		fputc('"', w->out);
		return;
	}
	/* TSV: a tab or line end inside a value would break the row. */
	for (const char *p = text; *p; p++)
		fputc(!w->swedish && (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p, w->out);
}

static void field(struct writer *w, const char *text) { put_field(w, text, 1); }

static void fraction(struct writer *w, double value, int present)
{
	char text[32] = "";
	if (present) {
		snprintf(text, sizeof text, "%.4f", value);
		if (w->swedish)
			*strchr(text, '.') = ',';
	}
	put_field(w, text, 0);
}

static void count(struct writer *w, unsigned long long value, int present)
{
	char text[32] = "";
	if (present)
		snprintf(text, sizeof text, "%llu", value);
	put_field(w, text, 0);
}

static void level_text(const struct share_result *r, int swedish, char *out, size_t size)
{
	const struct goal *goal = r->goal;
	if (goal->health_indicator >= 0 || goal->outcome >= 0)
		out[0] = '\0';
	else if (goal->positivity == POSITIVITY_CLEARLY)
		snprintf(out, size, swedish ? "klart positivt" : "klart_positivt");
	else if (goal->positivity == POSITIVITY_POSITIVE)
		snprintf(out, size, "positivt");
	else
		snprintf(out, size, swedish ? "minst nivå %d" : "min:%d", goal->min_level);
}

static void flags_text(const struct share_result *r, int swedish, char *out, size_t size)
{
	out[0] = '\0';
	const char *separator = swedish ? ", " : ",";
	const char *names[] = {"small_n", "small_n_women", "small_n_men"};
	const char *swedish_names[] = {"få svar", "få svar bland kvinnor", "få svar bland män"};
	for (int c = 0; c < CELL_COUNT; c++)
		if (r->small_n[c])
			snprintf(out + strlen(out), size - strlen(out), "%s%s", out[0] ? separator : "",
			         swedish ? swedish_names[c] : names[c]);
	if (r->cell[CELL_ALL].masked || r->cell[CELL_WOMEN].masked || r->cell[CELL_MEN].masked)
		snprintf(out + strlen(out), size - strlen(out), "%s%s", out[0] ? separator : "",
		         swedish ? "dolda tal (för få svar)" : "masked");
	if (r->warning[0])
		snprintf(out + strlen(out), size - strlen(out), "%s%s", out[0] ? separator : "",
		         swedish ? "inga svar i underlaget" : "no_data");
}

static const char *verdict_text(const struct share_result *r, int swedish)
{
	if (!swedish)
		return verdict_code(r->verdict);
	if (r->warning[0] || (r->cell[CELL_ALL].n == 0 && !r->cell[CELL_ALL].masked))
		return "Inga svar";
	if (r->verdict == VERDICT_NONE)
		return "Inget mål";
	return report_verdict_swedish(verdict_code(r->verdict));
}

int shares_write_tsv(FILE *out, const struct share_result *results, size_t result_count, int swedish)
{
	struct writer w = {out, swedish, 1};
	if (swedish)
		fputs("\xEF\xBB\xBF", out);
	for (size_t i = 0; i < sizeof columns / sizeof *columns; i++)
		field(&w, swedish ? swedish_columns[i] : columns[i]);
	int years = result_count > 0 && results[0].in_years;
	for (size_t i = 0; years && i < 4; i++)
		field(&w, swedish ? swedish_year_columns[i] : year_columns[i]);
	fputs(swedish ? "\r\n" : "\n", out);
	for (size_t i = 0; i < result_count; i++) {
		const struct share_result *r = &results[i];
		const struct goal *goal = r->goal;
		char text[256];
		w.first = 1;
		field(&w, r->period);
		field(&w, goal->insats);
		field(&w, goal->id);
		field(&w, goal->indicator);
		field(&w, goal->health_indicator >= 0 ? ""
		          : swedish                  ? group_swedish(goal->group)
		                                     : group_code((enum respondent_group)goal->group));
		level_text(r, swedish, text, sizeof text);
		field(&w, text);
		fraction(&w, goal->target, goal->has_target);
		for (int c = 0; c < CELL_COUNT; c++) {
			const struct share_cell *cell = &r->cell[c];
			count(&w, cell->n, !cell->masked);
			count(&w, cell->pos, !cell->masked);
			fraction(&w, cell->share, !cell->masked && cell->n > 0);
			if (c == CELL_ALL) {
				fraction(&w, cell->ci_low, !cell->masked && cell->n > 0);
				fraction(&w, cell->ci_high, !cell->masked && cell->n > 0);
				field(&w, verdict_text(r, swedish));
			}
		}
		flags_text(r, swedish, text, sizeof text);
		field(&w, text);
		/* the register's count of people: hidden with a masked total, and when small itself */
		int rate_shown = r->has_response_rate && !r->cell[CELL_ALL].masked && !r->ended_masked;
		count(&w, r->register_ended, rate_shown);
		fraction(&w, r->response_rate, rate_shown && r->register_ended > 0);
		if (years) {
			fraction(&w, r->prev_share, r->has_previous);
			fraction(&w, r->diff, r->has_previous);
			fraction(&w, r->diff_low, r->has_previous);
			fraction(&w, r->diff_high, r->has_previous);
		}
		fputs(swedish ? "\r\n" : "\n", out);
	}
	return ferror(out) ? -1 : 0;
}

static cJSON *number_or_null(double value, int present)
{
	return present ? cJSON_CreateNumber(value) : cJSON_CreateNull();
}

static cJSON *cell_json(const struct share_cell *cell)
{
	cJSON *o = cJSON_CreateObject();
	int shown = !cell->masked;
	cJSON_AddItemToObject(o, "n", number_or_null((double)cell->n, shown));
	cJSON_AddItemToObject(o, "pos", number_or_null((double)cell->pos, shown));
	cJSON_AddItemToObject(o, "share", number_or_null(cell->share, shown && cell->n > 0));
	cJSON_AddItemToObject(o, "ci_low", number_or_null(cell->ci_low, shown && cell->n > 0));
	cJSON_AddItemToObject(o, "ci_high", number_or_null(cell->ci_high, shown && cell->n > 0));
	cJSON_AddBoolToObject(o, "masked", cell->masked);
	return o;
}

static cJSON *distribution_json(const struct share_cell *cell, int scale_max)
{
	if (cell->masked)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject();
	cJSON *levels = cJSON_AddArrayToObject(o, "levels");
	for (int level = 1; level <= scale_max && level <= LEVEL_MAX; level++)
		cJSON_AddItemToArray(levels, cJSON_CreateNumber((double)cell->levels[level]));
	cJSON_AddNumberToObject(o, "dont_know", (double)cell->levels[0]);
	cJSON_AddNumberToObject(o, "missing", (double)cell->missing);
	return o;
}

static cJSON *improved_json(const struct share_cell *cell)
{
	if (cell->masked)
		return cJSON_CreateNull(); /* a masked cell's counts would give its n away */
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "lq_better", (double)cell->improved[0]);
	cJSON_AddNumberToObject(o, "vas_better", (double)cell->improved[1]);
	cJSON_AddNumberToObject(o, "mental_better", (double)cell->improved[2]);
	return o;
}

static cJSON *bortfall_json(const struct share_result *r, int exit_only)
{
	cJSON *o = cJSON_CreateObject();
	const char *names[] = {"all", "women", "men"};
	for (int c = 0; c < CELL_COUNT; c++)
		cJSON_AddNumberToObject(o, names[c], (double)(exit_only ? r->cell[c].exit_only : r->cell[c].intake_only));
	return o;
}

static cJSON *period_json(const struct period *p)
{
	cJSON *o = cJSON_CreateObject();
	char a[16], b[16];
	switch (p->kind) {
	case PERIOD_YEAR:
		cJSON_AddStringToObject(o, "kind", "year");
		cJSON_AddNumberToObject(o, "year", p->year);
		break;
	case PERIOD_SINCE:
		cJSON_AddStringToObject(o, "kind", "since");
		cJSON_AddNumberToObject(o, "year", p->year);
		break;
	case PERIOD_RANGE:
		snprintf(a, sizeof a, "%04u-%02u-%02u", p->from / 10000, p->from / 100 % 100, p->from % 100);
		snprintf(b, sizeof b, "%04u-%02u-%02u", p->to / 10000, p->to / 100 % 100, p->to % 100);
		cJSON_AddStringToObject(o, "kind", "range");
		cJSON_AddStringToObject(o, "from", a);
		cJSON_AddStringToObject(o, "to", b);
		break;
	case PERIOD_ALL: cJSON_AddStringToObject(o, "kind", "all"); break;
	}
	return o;
}

int shares_write_json(FILE *out, const struct share_result *results, size_t result_count,
                      const struct shares_report *report)
{
	json_memory_watch();
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "generator", "ifs-shares " IFS_VERSION);
	cJSON_AddStringToObject(root, "targets", report->targets_path);
	cJSON_AddItemToObject(root, "period", period_json(report->period));
	if (report->years) {
		cJSON *years = cJSON_AddArrayToObject(root, "years");
		for (size_t y = 0; y < report->year_count; y++)
			cJSON_AddItemToArray(years, cJSON_CreateNumber(report->years[y]));
	}
	cJSON_AddNumberToObject(root, "min_n", report->min_n);
	cJSON_AddBoolToObject(root, "suppress", report->suppress);
	cJSON_AddNumberToObject(root, "vas_min_delta", report->vas_min_delta);
	cJSON *rows = cJSON_AddArrayToObject(root, "rows");
	cJSON *warnings = cJSON_AddArrayToObject(root, "warnings");
	for (size_t i = 0; i < result_count; i++) {
		const struct share_result *r = &results[i];
		const struct goal *goal = r->goal;
		int outcome = goal->outcome >= 0;
		int health = goal->health_indicator >= 0 || outcome; /* no question, group or level */
		cJSON *row = cJSON_CreateObject();
		char text[256];
		cJSON_AddStringToObject(row, "period", r->period);
		cJSON_AddStringToObject(row, "insats", goal->insats);
		cJSON_AddStringToObject(row, "goal", goal->id);
		cJSON_AddStringToObject(row, "indicator", goal->indicator);
		cJSON_AddStringToObject(row, "kind", outcome ? "outcome" : health ? "health" : "ifs");
		const char *question = !health && report->codebook ? codebook_question_text(report->codebook, (size_t)goal->question) : NULL;
		cJSON_AddItemToObject(row, "question", question ? cJSON_CreateString(question) : cJSON_CreateNull());
		cJSON_AddItemToObject(row, "group", health ? cJSON_CreateNull()
		                                           : cJSON_CreateString(group_code((enum respondent_group)goal->group)));
		level_text(r, 0, text, sizeof text);
		cJSON_AddItemToObject(row, "level", health ? cJSON_CreateNull() : cJSON_CreateString(text));
		cJSON_AddItemToObject(row, "min_level", number_or_null(r->min_level, !health));
		cJSON_AddItemToObject(row, "scale_max", number_or_null(r->scale_max, !health));
		/* the scale's words, for the report's text and legend: level 1 first */
		cJSON *labels = NULL;
		if (!health && report->codebook && goal->question >= 0) {
			labels = cJSON_CreateArray();
			for (int level = 1; level <= r->scale_max; level++) {
				const char *label = codebook_level_label(report->codebook, (size_t)goal->question, level);
				cJSON_AddItemToArray(labels, label ? cJSON_CreateString(label) : cJSON_CreateNull());
			}
		}
		cJSON_AddItemToObject(row, "scale_labels", labels ? labels : cJSON_CreateNull());
		cJSON_AddItemToObject(row, "target", number_or_null(goal->target, goal->has_target));
		cJSON_AddStringToObject(row, "text", goal->text);
		cJSON_AddNumberToObject(row, "min_n", r->min_n);
		cJSON_AddStringToObject(row, "verdict", verdict_code(r->verdict));
		flags_text(r, 0, text, sizeof text);
		cJSON *flags = cJSON_AddArrayToObject(row, "flags");
		for (char *save = NULL, *flag = strtok_r(text, ",", &save); flag; flag = strtok_r(NULL, ",", &save))
			cJSON_AddItemToArray(flags, cJSON_CreateString(flag));
		int rate_shown = r->has_response_rate && !r->cell[CELL_ALL].masked && !r->ended_masked;
		cJSON_AddItemToObject(row, "ended", number_or_null((double)r->register_ended, rate_shown));
		cJSON_AddItemToObject(row, "respondents", number_or_null((double)r->respondents, rate_shown));
		cJSON_AddItemToObject(row, "response_rate",
		                      number_or_null(r->response_rate, rate_shown && r->register_ended > 0));
		if (r->register_lacks_insats) /* for the report's words: why ended and the rate are null */
			cJSON_AddTrueToObject(row, "register_lacks_insats");
		if (r->in_years) {
			cJSON_AddItemToObject(row, "prev_share", number_or_null(r->prev_share, r->has_previous));
			cJSON_AddItemToObject(row, "diff", number_or_null(r->diff, r->has_previous));
			cJSON_AddItemToObject(row, "diff_ci_low", number_or_null(r->diff_low, r->has_previous));
			cJSON_AddItemToObject(row, "diff_ci_high", number_or_null(r->diff_high, r->has_previous));
		}
		cJSON_AddItemToObject(row, "total", cell_json(&r->cell[CELL_ALL]));
		cJSON_AddItemToObject(row, "women", cell_json(&r->cell[CELL_WOMEN]));
		cJSON_AddItemToObject(row, "men", cell_json(&r->cell[CELL_MEN]));
		if (outcome) {
			cJSON_AddNullToObject(row, "distribution");
			cJSON_AddNullToObject(row, "health");
			cJSON *o = cJSON_AddObjectToObject(row, "outcome");
			cJSON_AddStringToObject(o, "among", outcome_among_code(goal->among));
			cJSON *ended = cJSON_AddObjectToObject(o, "ended");
			const char *keys[] = {"all", "women", "men"};
			for (int c = 0; c < CELL_COUNT; c++)
				cJSON_AddItemToObject(ended, keys[c], number_or_null((double)r->ended[c], !r->cell[c].masked));
			cJSON_AddItemToObject(o, "unknown", number_or_null((double)r->cell[CELL_ALL].unknown,
			                                                   !r->cell[CELL_ALL].masked));
		} else if (health) {
			cJSON_AddNullToObject(row, "distribution");
			cJSON *h = cJSON_AddObjectToObject(row, "health");
			/* counts of people: hidden with a masked total, which they would give away */
			cJSON_AddItemToObject(h, "pairs", number_or_null((double)r->pairs, !r->cell[CELL_ALL].masked));
			cJSON_AddItemToObject(h, "persons", number_or_null((double)r->persons, !r->cell[CELL_ALL].masked));
			const char *unknown_keys[] = {"unknown", "unknown_women", "unknown_men"};
			for (int c = 0; c < CELL_COUNT; c++)
				cJSON_AddItemToObject(h, unknown_keys[c],
				                      number_or_null((double)r->cell[c].unknown, !r->cell[c].masked));
			cJSON_AddItemToObject(h, "improved", improved_json(&r->cell[CELL_ALL]));
			cJSON_AddItemToObject(h, "improved_women", improved_json(&r->cell[CELL_WOMEN]));
			cJSON_AddItemToObject(h, "improved_men", improved_json(&r->cell[CELL_MEN]));
			cJSON *bortfall = cJSON_AddObjectToObject(h, "bortfall");
			cJSON_AddItemToObject(bortfall, "intake_only", bortfall_json(r, 0));
			cJSON_AddItemToObject(bortfall, "exit_only", bortfall_json(r, 1));
			cJSON_AddNumberToObject(h, "vas_min_delta", r->vas_min_delta >= 0 ? r->vas_min_delta : VAS_MIN_DELTA_DEFAULT);
		} else {
			cJSON *d = cJSON_AddObjectToObject(row, "distribution");
			cJSON_AddItemToObject(d, "all", distribution_json(&r->cell[CELL_ALL], r->scale_max));
			cJSON_AddItemToObject(d, "women", distribution_json(&r->cell[CELL_WOMEN], r->scale_max));
			cJSON_AddItemToObject(d, "men", distribution_json(&r->cell[CELL_MEN], r->scale_max));
			cJSON_AddNullToObject(row, "health");
		}
		cJSON_AddItemToArray(rows, row);
		if (r->warning[0])
			cJSON_AddItemToArray(warnings, cJSON_CreateString(r->warning));
		if (r->note[0] && (i == 0 || results[i - 1].goal != r->goal))
			cJSON_AddItemToArray(warnings, cJSON_CreateString(r->note));
	}
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	/* One check for every constructor above: a tree that lost an item is not printed. */
	if (!text || json_memory_failed()) {
		free(text);
		errno = ENOMEM;
		return -1;
	}
	fputs(text, out);
	fputc('\n', out);
	free(text);
	return ferror(out) ? -1 : 0;
}
