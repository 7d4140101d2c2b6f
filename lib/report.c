#include "json_memory.h"
#include "report.h"
#include "text_fold.h"

#include <xlsxwriter.h>
#include <zip.h>

#include "xlsx.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sysexits.h>

/* The default IFS scale's labels, for charts and text when a question has six levels. */
static const char *const ifs_labels[] = {"Inte alls", "Till liten del", "Till viss del", "Till stor del",
                                         "Till mycket stor del", "Helt och hållet"};
/* ColorBrewer "Blues": sequential, distinct in lightness, so grey-scale print and
 * colour-blind readers see the order too. */
static const char *const level_colours[] = {"#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"};

void report_percent(double share, int decimals, char *out, size_t size)
{
	snprintf(out, size, "%.*f %%", decimals, share * 100.0 + 0.0);
	char *dot = strchr(out, '.');
	if (dot)
		*dot = ',';
}

const char *report_verdict_swedish(const char *code)
{
	if (strcmp(code, "met") == 0)
		return "Uppfyllt";
	if (strcmp(code, "within_margin") == 0)
		return "Inom felmarginalen";
	if (strcmp(code, "not_met") == 0)
		return "Ej uppfyllt";
	if (strcmp(code, "too_few") == 0)
		return "För få svar";
	return "";
}

void report_html_escape(FILE *out, const char *text)
{
	for (; *text; text++) {
		switch (*text) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*text, out);
		}
	}
}

/*
 * Text from the JSON in Markdown: a pipe or a line break would end a table cell;
 * '<' and '&' would let raw HTML through to whatever renders the Markdown; and
 * emphasis, code and link characters would change how a goal's text reads.
 */
static void markdown_escape(FILE *out, const char *text)
{
	for (; *text; text++) {
		switch (*text) {
		case '\n': case '\r': fputc(' ', out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '|': case '\\': case '`': case '*': case '_': case '[': case ']':
			fputc('\\', out);
			fputc(*text, out);
			break;
		default: fputc(*text, out);
		}
	}
}

/* ---- the model ------------------------------------------------------------------- */

/* A count from the JSON: a whole number within reason, else -1 (so it is refused or ignored,
 * never converted out of range). */
static long whole_number(const cJSON *item)
{
	if (!cJSON_IsNumber(item) || !(item->valuedouble >= 0 && item->valuedouble <= 1e12))
		return -1;
	return (long)item->valuedouble;
}

struct cell {
	int masked, has_share;
	long n, pos;
	double share, low, high;
};

struct goal_view {
	const char *insats, *goal, *indicator, *kind, *question, *group, *level, *text, *verdict, *period;
	int min_level, scale_max, min_n, has_target;
	double target;
	struct cell cell[3];
	const cJSON *flags, *distribution, *health, *outcome, *row, *scale_labels;
	/* --years input: this goal's rows, the years in order (this one last) */
	const struct goal_view *history;
	size_t history_count;
};

/* The year a row's period ends in: a mätår or a calendar year is named by it. */
static int period_year(const struct goal_view *g)
{
	const char *to = g->period ? strstr(g->period, "..") : NULL;
	return to && strlen(to) >= 6 ? atoi(to + 2) : 0;
}

static const char *string_of(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
	return cJSON_IsString(item) ? item->valuestring : NULL;
}

static int read_cell(const cJSON *object, struct cell *cell)
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
		if (!string_of(row, required[i])) {
			snprintf(error, error_size, "row %zu: missing \"%s\" (is this ifs-shares --format json output?)",
			         index + 1, required[i]);
			return -1;
		}
	g->insats = string_of(row, "insats");
	g->goal = string_of(row, "goal");
	g->indicator = string_of(row, "indicator");
	g->kind = string_of(row, "kind");
	g->question = string_of(row, "question");
	g->group = string_of(row, "group");
	g->level = string_of(row, "level");
	g->text = string_of(row, "text");
	g->verdict = string_of(row, "verdict");
	g->period = string_of(row, "period");
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

static int has_flag(const struct goal_view *g, const char *flag)
{
	const cJSON *item;
	cJSON_ArrayForEach(item, g->flags)
	{
		if (cJSON_IsString(item) && strcmp(item->valuestring, flag) == 0)
			return 1;
	}
	return 0;
}

static long json_count_item(const cJSON *item)
{
	long value = whole_number(item);
	return value < 0 ? 0 : value;
}

static long json_count(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
	long value = whole_number(item);
	return value < 0 ? 0 : value;
}

/* ---- words ----------------------------------------------------------------------- */

struct text {
	char data[4096];
	size_t length;
};

static void add(struct text *t, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *format, ...)
{
	if (t->length >= sizeof t->data - 1)
		return;
	va_list args;
	va_start(args, format);
	int n = vsnprintf(t->data + t->length, sizeof t->data - t->length, format, args);
	va_end(args);
	if (n > 0)
		t->length += (size_t)n < sizeof t->data - t->length ? (size_t)n : sizeof t->data - t->length - 1;
}

static const char *group_phrase(const char *group)
{
	if (!group)
		return "";
	if (strcmp(group, "avslut") == 0)
		return "vid avslut";
	if (strcmp(group, "pagaende") == 0)
		return "under pågående insats";
	if (strcmp(group, "personal") == 0)
		return "bland personalen";
	if (strcmp(group, "chef") == 0)
		return "bland chefer hos parterna";
	if (strcmp(group, "styrelse") == 0)
		return "i styrelsen";
	if (strcmp(group, "remittent") == 0)
		return "bland remittenterna";
	return "";
}

static const char *health_name(const char *indicator)
{
	if (strcmp(indicator, "health.lq_better") == 0)
		return "bättre livskvalitet vid avslut";
	if (strcmp(indicator, "health.vas_better") == 0)
		return "klart bättre hälsa enligt VAS";
	if (strcmp(indicator, "health.mental_better") == 0)
		return "bättre psykisk hälsa";
	return "bättre hälsa och/eller livskvalitet";
}

/* "klart positivt (Till mycket stor del, Helt och hållet)" */
/* A level's words: the codebook's (carried in the shares JSON), else the IFS scale's
 * for a six-level scale, else "nivå N". */
static const char *level_label(const struct goal_view *g, int level, char *out, size_t size)
{
	const cJSON *label = cJSON_GetArrayItem(g->scale_labels, level - 1);
	if (cJSON_IsString(label))
		return label->valuestring;
	if (!cJSON_IsArray(g->scale_labels) && g->scale_max == 6 && level >= 1 && level <= 6)
		return ifs_labels[level - 1];
	snprintf(out, size, "nivå %d", level);
	return out;
}

static void positivity_words(const struct goal_view *g, struct text *t)
{
	const char *word = g->level && strcmp(g->level, "klart_positivt") == 0 ? "klart positivt"
	                 : g->level && strcmp(g->level, "positivt") == 0 ? "positivt" : NULL;
	if (word)
		add(t, "%s", word);
	else
		add(t, "med minst nivå %d", g->min_level);
	/* the levels in the codebook's words; a scale without words by its numbers */
	int worded = g->scale_max > 0 && g->scale_max <= 32 && g->min_level >= 1 && g->min_level <= g->scale_max;
	for (int level = g->min_level; worded && level <= g->scale_max; level++) {
		char buffer[24];
		worded = strncmp(level_label(g, level, buffer, sizeof buffer), "nivå ", 6) != 0;
	}
	if (worded) {
		add(t, " (");
		for (int level = g->min_level; level <= g->scale_max; level++) {
			char buffer[24];
			add(t, "%s%s", level > g->min_level ? (level == g->scale_max ? " eller " : ", ") : "",
			    level_label(g, level, buffer, sizeof buffer));
		}
		add(t, ")");
	} else if (g->scale_max > 0) {
		add(t, " (nivå %d–%d av %d)", g->min_level, g->scale_max, g->scale_max);
	}
}

/* A register goal's outcome, as the text says it: "arbete och/eller studier". */
static const char *outcome_words(const char *indicator)
{
	if (strcmp(indicator, "outcome.work") == 0)
		return "arbete";
	if (strcmp(indicator, "outcome.no_public_support") == 0)
		return "ingen offentlig försörjning";
	return "arbete och/eller studier";
}

static const char *among_words(const struct goal_view *g)
{
	const char *among = string_of(g->outcome, "among");
	if (among && strcmp(among, "work_capacity") == 0)
		return " (bland dem som bedömts ha arbetsförmåga)";
	if (among && strcmp(among, "public_at_intake") == 0)
		return " (bland dem med offentlig försörjning vid inskrivning)";
	return "";
}

static void indicator_words(const struct goal_view *g, struct text *t)
{
	if (strcmp(g->kind, "health") == 0) {
		add(t, "Hälsoenkät: %s", health_name(g->indicator));
		return;
	}
	if (strcmp(g->kind, "outcome") == 0) {
		add(t, "Deltagarregistret: %s vid avslut%s", outcome_words(g->indicator), among_words(g));
		return;
	}
	add(t, "%s, ", g->indicator);
	positivity_words(g, t);
}

static void verdict_sentence(const struct goal_view *g, struct text *t)
{
	char target[32], low[32], high[32];
	report_percent(g->target, 0, target, sizeof target);
	snprintf(low, sizeof low, "%.0f", g->cell[0].low * 100.0);
	report_percent(g->cell[0].high, 0, high, sizeof high);
	const char *v = g->verdict;
	if (strcmp(v, "met") == 0)
		add(t, " Målet på %s är uppfyllt.", target);
	else if (strcmp(v, "within_margin") == 0)
		add(t, " Andelen är lägre än målet på %s, men med %ld svar är skillnaden mellan andelen och målet inom "
		       "felmarginalen (95 %% konfidensintervall %s–%s). Målet bedöms som inom felmarginalen.",
		    target, g->cell[0].n, low, high);
	else if (strcmp(v, "not_met") == 0)
		add(t, " Målet på %s är inte uppfyllt: även den övre gränsen för felmarginalen (%s) ligger under målet.",
		    target, high);
	else if (strcmp(v, "too_few") == 0 && g->cell[0].n == 0 && !g->cell[0].masked)
		add(t, " Det finns inga svar att bedöma målet på.");
	else if (strcmp(v, "too_few") == 0)
		add(t, " Med %ld svar (minst %d behövs) görs ingen bedömning av måluppfyllelsen: så få svar ger en för stor "
		       "felmarginal%s.",
		    g->cell[0].n, g->min_n, g->cell[0].n ? ", och andelen redovisas bara som upplysning" : "");
	else
		add(t, " Målet saknar målnivå; andelen redovisas utan bedömning.");
}

/* Those of other or unstated gender: in the total, never among women or men.
 * 0 when a cell is masked (then they must not be derived either). */
static long other_gender(const struct goal_view *g)
{
	if (g->cell[0].masked || g->cell[1].masked || g->cell[2].masked)
		return 0;
	long other = g->cell[0].n - g->cell[1].n - g->cell[2].n;
	return other > 0 ? other : 0;
}

/* " (6 kvinnor och 3 män)", or with the others: " (6 kvinnor, 3 män och 2 med annat eller ej angivet kön)" */
static void gender_counts(const struct goal_view *g, struct text *t)
{
	long other = other_gender(g);
	if (g->cell[1].masked || g->cell[2].masked)
		return;
	if (other)
		add(t, " (%ld kvinnor, %ld män och %ld med annat eller ej angivet kön)", g->cell[1].n, g->cell[2].n, other);
	else
		add(t, " (%ld kvinnor och %ld män)", g->cell[1].n, g->cell[2].n);
}

static void gender_split(const struct goal_view *g, struct text *t, const char *noun)
{
	const struct cell *w = &g->cell[1], *m = &g->cell[2];
	if (w->masked || m->masked) {
		add(t, " Fördelningen på kvinnor och män redovisas inte, eftersom någon grupp har färre än %d %s.",
		    g->min_n, noun);
		return;
	}
	char ws[32], ms[32];
	report_percent(w->share, 0, ws, sizeof ws);
	report_percent(m->share, 0, ms, sizeof ms);
	if (w->n && m->n)
		add(t, " Bland kvinnorna var andelen %s (%ld av %ld), bland männen %s (%ld av %ld).", ws, w->pos, w->n, ms,
		    m->pos, m->n);
	else if (w->n)
		add(t, " Bland kvinnorna var andelen %s (%ld av %ld); inga män finns i underlaget.", ws, w->pos, w->n);
	else if (m->n)
		add(t, " Bland männen var andelen %s (%ld av %ld); inga kvinnor finns i underlaget.", ms, m->pos, m->n);
}

static void improvements(const struct goal_view *g, struct text *t)
{
	const cJSON *h = g->health, *iw = cJSON_GetObjectItemCaseSensitive(h, "improved_women"),
	            *im = cJSON_GetObjectItemCaseSensitive(h, "improved_men");
	add(t, " %ld kvinnor och %ld män anger en bättre livskvalitet vid avslut jämfört med vid start.",
	    json_count(iw, "lq_better"), json_count(im, "lq_better"));
	add(t, " %ld kvinnor och %ld män anger på VAS-skalan en klart bättre hälsa (minst %ld poäng) vid avslut "
	       "än vid start.",
	    json_count(iw, "vas_better"), json_count(im, "vas_better"), json_count(h, "vas_min_delta"));
}

/* With register data: "Av de 31 avslutade besvarade 7 (23 %) enkäten." and, below half,
 * that the share may not speak for everyone who ended. */
static void response_sentence(const struct goal_view *g, struct text *t)
{
	const cJSON *ended = cJSON_GetObjectItemCaseSensitive(g->row, "ended");
	const cJSON *respondents = cJSON_GetObjectItemCaseSensitive(g->row, "respondents");
	const cJSON *rate = cJSON_GetObjectItemCaseSensitive(g->row, "response_rate");
	if (!cJSON_IsNumber(ended) || !cJSON_IsNumber(respondents) || !cJSON_IsNumber(rate))
		return;
	char percent[32];
	report_percent(rate->valuedouble, 0, percent, sizeof percent);
	int health = strcmp(g->kind, "health") == 0;
	if (json_count_item(respondents) > json_count_item(ended)) {
		add(t, " Fler har svarat (%ld) än registret visar avslutade i %s under perioden (%ld): kontrollera att "
		       "registret och enkäten avser samma insats och period.",
		    json_count_item(respondents), g->insats, json_count_item(ended));
		return;
	}
	add(t, " Av de %ld som avslutades i %s under perioden besvarade %ld (%s) %s.", json_count_item(ended), g->insats,
	    json_count_item(respondents), percent,
	    health ? "hälsoenkäten både vid inskrivning och avslut" : "enkäten");
	if (rate->valuedouble < 0.5)
		add(t, " Eftersom färre än hälften svarade kan andelen skilja sig från vad alla som avslutades skulle ha "
		       "svarat; läs den med försiktighet.");
}

static void comparison_sentence(const struct goal_view *g, struct text *t);

/* SPEC §2.3, in the seeds' words: "14 kvinnor och 21 män avslutades under 2022. Av dem
 * bedömdes 21 ha arbetsförmåga. Av dessa började 4 kvinnor och 11 män (71 %) arbeta
 * och/eller studera vid avslut." */
static void outcome_paragraph(const struct goal_view *g, struct text *t)
{
	const cJSON *ended = cJSON_GetObjectItemCaseSensitive(g->outcome, "ended");
	const char *among = string_of(g->outcome, "among");
	const struct cell *all = &g->cell[0], *w = &g->cell[1], *m = &g->cell[2];
	char when[40] = "under perioden", share[32];
	if (g->period && strlen(g->period) == 22 && strncmp(g->period + 4, "-01-01..", 8) == 0 &&
	    strcmp(g->period + 16, "-12-31") == 0 && strncmp(g->period, g->period + 12, 4) == 0)
		snprintf(when, sizeof when, "under %.4s", g->period);
	report_percent(all->share, 0, share, sizeof share);
	if (all->masked || w->masked || m->masked) {
		add(t, "Färre än %d deltagare i %s ingår i underlaget; antalen redovisas inte.", g->min_n, g->insats);
		verdict_sentence(g, t);
		return;
	}
	long ended_all = json_count(ended, "all"), ended_women = json_count(ended, "women"),
	     ended_men = json_count(ended, "men");
	if (ended_all == 0) {
		add(t, "Ingen deltagare i %s avslutades %s.", g->insats, when);
		verdict_sentence(g, t);
		return;
	}
	if (ended_all > ended_women + ended_men)
		add(t, "%ld kvinnor, %ld män och %ld med annat eller ej angivet kön avslutades i %s %s.", ended_women,
		    ended_men, ended_all - ended_women - ended_men, g->insats, when);
	else
		add(t, "%ld kvinnor och %ld män avslutades i %s %s.", ended_women, ended_men, g->insats, when);
	const char *of_them = "Av dem";
	if (among && strcmp(among, "work_capacity") == 0) {
		add(t, " Av dem bedömdes %ld ha arbetsförmåga.", all->n);
		of_them = "Av dessa";
	} else if (among && strcmp(among, "public_at_intake") == 0) {
		add(t, " Av dem hade %ld offentlig försörjning vid inskrivning.", all->n);
		of_them = "Av dessa";
	}
	if (strcmp(g->indicator, "outcome.no_public_support") == 0) {
		add(t, " %s hade %ld kvinnor och %ld män (%s av %ld) ingen offentlig försörjning vid avslut.", of_them,
		    w->pos, m->pos, share, all->n);
		long unknown = json_count(g->outcome, "unknown");
		if (unknown)
			add(t, " För %ld saknas uppgift om försörjningen vid avslut; de ingår inte i underlaget.", unknown);
	} else {
		add(t, " %s började %ld kvinnor och %ld män (%s av %ld) %s vid avslut.", of_them, w->pos, m->pos, share,
		    all->n, strcmp(g->indicator, "outcome.work") == 0 ? "arbeta" : "arbeta och/eller studera");
	}
	if (all->pos > w->pos + m->pos)
		add(t, " Bland dem finns %ld med annat eller ej angivet kön.", all->pos - w->pos - m->pos);
	verdict_sentence(g, t);
	comparison_sentence(g, t);
}

/* "Andelen var 47 % 2024 mot 94 % 2023, en minskning som är större än felmarginalen."
 * from ifs-shares --years's diff and its interval. */
/* Percentage points with a sign, as Swedish text writes them: "−40", "+26", "0". */
static void signed_points(double fraction, char *out, size_t size)
{
	long points = lround(fraction * 100);
	snprintf(out, size, "%s%ld", points < 0 ? "−" : points > 0 ? "+" : "", points < 0 ? -points : points);
}

static void comparison_sentence(const struct goal_view *g, struct text *t)
{
	const cJSON *prev = cJSON_GetObjectItemCaseSensitive(g->row, "prev_share");
	const cJSON *diff = cJSON_GetObjectItemCaseSensitive(g->row, "diff");
	const cJSON *low = cJSON_GetObjectItemCaseSensitive(g->row, "diff_ci_low");
	const cJSON *high = cJSON_GetObjectItemCaseSensitive(g->row, "diff_ci_high");
	if (!cJSON_IsNumber(prev) || !cJSON_IsNumber(diff) || !cJSON_IsNumber(low) || !cJSON_IsNumber(high) ||
	    g->history_count < 2)
		return;
	char now[32], before[32];
	report_percent(g->cell[0].share, 0, now, sizeof now);
	report_percent(prev->valuedouble, 0, before, sizeof before);
	int year = period_year(g), previous = period_year(&g->history[g->history_count - 2]);
	int beyond = low->valuedouble > 0 || high->valuedouble < 0;
	char from[32], to[32];
	signed_points(low->valuedouble, from, sizeof from);
	signed_points(high->valuedouble, to, sizeof to);
	const char *change = diff->valuedouble > 0 ? "en ökning" : diff->valuedouble < 0 ? "en minskning" : "ingen förändring";
	if (beyond)
		add(t, " Andelen var %s %d mot %s %d, %s som är större än felmarginalen (95 %% intervall för skillnaden "
		       "%s till %s procentenheter).",
		    now, year, before, previous, change, from, to);
	else
		add(t, " Andelen var %s %d mot %s %d; skillnaden ryms inom felmarginalen (95 %% intervall för skillnaden "
		       "%s till %s procentenheter).",
		    now, year, before, previous, from, to);
}

static void draft_paragraph(const struct goal_view *g, struct text *t)
{
	if (strcmp(g->kind, "outcome") == 0) {
		outcome_paragraph(g, t);
		return;
	}
	char share[32];
	report_percent(g->cell[0].share, 0, share, sizeof share);
	const struct cell *all = &g->cell[0];
	if (strcmp(g->kind, "health") == 0) {
		const cJSON *h = g->health;
		/* one who went through the insats twice gives two pairs */
		long pairs = json_count(h, "pairs"), persons = json_count(h, "persons");
		long twice = persons > 0 && persons < pairs ? pairs - persons : 0;
		if (all->n == 0 && !all->masked) {
			add(t, "Inga deltagare i %s har besvarat hälsoenkäten både vid inskrivning och avslut under perioden.",
			    g->insats);
		} else if (all->masked) {
			add(t, "Färre än %d deltagare i %s besvarade hälsoenkäten både vid inskrivning och avslut; antalet "
			       "redovisas inte.", g->min_n, g->insats);
		} else if (g->cell[1].masked || g->cell[2].masked) {
			add(t, "I %s besvarade %ld deltagare hälsoenkäten både vid inskrivning och avslut.", g->insats, pairs);
			if (twice > 0)
				add(t, " Det är %ld par av enkäter från %ld personer: %ld har gått igenom insatsen mer än en gång "
				       "under perioden och räknas en gång per genomgång.",
				    pairs, persons, twice);
		} else if (twice > 0) {
			/* the counts are of pairs, not people: say so before any of them */
			add(t, "I %s finns %ld par av hälsoenkäter besvarade både vid inskrivning och avslut (%ld från kvinnor, "
			       "%ld från män", g->insats, pairs, g->cell[1].n, g->cell[2].n);
			if (other_gender(g))
				add(t, ", %ld från personer med annat eller ej angivet kön", other_gender(g));
			add(t, "), från %ld personer: %ld har gått igenom insatsen mer än en gång under perioden och räknas en "
			       "gång per genomgång.", persons, twice);
			improvements(g, t);
		} else {
			long other = other_gender(g);
			if (other)
				add(t, "I %s besvarade %ld kvinnor, %ld män och %ld med annat eller ej angivet kön hälsoenkäten både "
				       "vid inskrivning och avslut.",
				    g->insats, g->cell[1].n, g->cell[2].n, other);
			else
				add(t, "I %s besvarade %ld kvinnor och %ld män hälsoenkäten både vid inskrivning och avslut.",
				    g->insats, g->cell[1].n, g->cell[2].n);
			improvements(g, t);
		}
		if (all->n && !all->masked)
			add(t, " Totalt %ld av %ld (%s) har %s.", all->pos, all->n, share, health_name(g->indicator));
		long unknown = json_count(h, "unknown");
		if (unknown)
			add(t, " För %ld deltagare går det inte att avgöra, eftersom frågorna lämnats obesvarade; de ingår inte i "
			       "underlaget.", unknown);
		const cJSON *b = cJSON_GetObjectItemCaseSensitive(h, "bortfall");
		long intake_only = json_count(cJSON_GetObjectItemCaseSensitive(b, "intake_only"), "all");
		long exit_only = json_count(cJSON_GetObjectItemCaseSensitive(b, "exit_only"), "all");
		if (intake_only || exit_only)
			add(t, " Bortfall: %ld besvarade enkäten bara vid inskrivning och %ld bara vid avslut.", intake_only,
			    exit_only);
	} else if (all->masked) {
		add(t, "Färre än %d deltagare i %s besvarade frågan", g->min_n, g->insats);
		if (g->question)
			add(t, " ”%s”", g->question);
		add(t, " %s; antalet redovisas inte.", group_phrase(g->group));
	} else {
		if (all->n == 0) {
			add(t, "Ingen deltagare i %s har besvarat frågan", g->insats);
			if (g->question)
				add(t, " ”%s”", g->question);
			add(t, " %s under perioden.", group_phrase(g->group));
		} else {
			add(t, "Frågan");
			if (g->question)
				add(t, " ”%s”", g->question);
			add(t, " besvarades %s av %ld deltagare i %s", group_phrase(g->group), all->n, g->insats);
			gender_counts(g, t);
			add(t, ". %ld av dem (%s) svarade ", all->pos, share);
			positivity_words(g, t);
			add(t, ".");
			gender_split(g, t, "svar");
		}
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(g->distribution, "all");
		long dont_know = json_count(d, "dont_know"), missing = json_count(d, "missing");
		if (dont_know && missing)
			add(t, " %ld svarade ”Vet ej / Ej aktuellt” och %ld lämnade frågan obesvarad; de ingår inte i underlaget.",
			    dont_know, missing);
		else if (dont_know)
			add(t, " %ld svarade ”Vet ej / Ej aktuellt”; %s inte i underlaget.", dont_know,
			    dont_know == 1 ? "svaret ingår" : "de ingår");
		else if (missing)
			add(t, " %ld lämnade frågan obesvarad; %s inte i underlaget.", missing,
			    missing == 1 ? "det ingår" : "de ingår");
	}
	response_sentence(g, t);
	verdict_sentence(g, t);
	comparison_sentence(g, t);
}

/* ---- footnotes --------------------------------------------------------------------- */

struct footnotes {
	char text[8][200];
	int count;
};

static int footnote(struct footnotes *notes, const char *text)
{
	for (int i = 0; i < notes->count; i++)
		if (strcmp(notes->text[i], text) == 0)
			return i + 1;
	if (notes->count == 8)
		return 0;
	snprintf(notes->text[notes->count], sizeof notes->text[0], "%s", text);
	return ++notes->count;
}

/* Footnote numbers for a goal's flags, as "1,3" (empty when none). */
static void goal_footnotes(const struct goal_view *g, struct footnotes *notes, char *out, size_t size)
{
	char text[200];
	out[0] = '\0';
	int numbers[6], count = 0;
	/* No answers at all: one note that says why, not three about small numbers. */
	if (has_flag(g, "no_data")) {
		int number = footnote(notes, "Inga svar i underlaget för denna insats och fråga: kontrollera målfilen.");
		if (number)
			snprintf(out, size, "%d", number);
		return;
	}
	if (has_flag(g, "small_n")) {
		snprintf(text, sizeof text, "Färre än %d svar: ingen bedömning görs.", g->min_n);
		numbers[count++] = footnote(notes, text);
	}
	if (has_flag(g, "small_n_women") && !g->cell[1].masked) {
		snprintf(text, sizeof text, "Färre än %d svar bland kvinnor: andelen för kvinnor är mycket osäker.", g->min_n);
		numbers[count++] = footnote(notes, text);
	}
	if (has_flag(g, "small_n_men") && !g->cell[2].masked) {
		snprintf(text, sizeof text, "Färre än %d svar bland män: andelen för män är mycket osäker.", g->min_n);
		numbers[count++] = footnote(notes, text);
	}
	if (other_gender(g))
		numbers[count++] = footnote(notes, "I n ingår också personer med annat eller ej angivet kön; de räknas "
		                                   "inte bland kvinnor eller män.");
	for (int i = 0; i < count; i++)
		if (numbers[i])
			snprintf(out + strlen(out), size - strlen(out), "%s%d", out[0] ? "," : "", numbers[i]);
}

/* ---- cells ------------------------------------------------------------------------ */

static void n_text(const struct goal_view *g, char *out, size_t size)
{
	const char *dash = "–";
	char total[24], women[24], men[24];
	snprintf(total, sizeof total, "%ld", g->cell[0].n);
	snprintf(women, sizeof women, "%ld", g->cell[1].n);
	snprintf(men, sizeof men, "%ld", g->cell[2].n);
	snprintf(out, size, "%s (%s / %s)", g->cell[0].masked ? dash : total, g->cell[1].masked ? dash : women,
	         g->cell[2].masked ? dash : men);
}

static void share_text(const struct cell *cell, char *out, size_t size)
{
	if (cell->masked)
		snprintf(out, size, "–");
	else if (!cell->has_share)
		out[0] = '\0';
	else
		report_percent(cell->share, 1, out, size);
}

static void interval_text(const struct cell *cell, char *out, size_t size)
{
	char low[24], high[32];
	if (cell->masked) {
		snprintf(out, size, "–");
		return;
	}
	if (!cell->has_share) {
		out[0] = '\0';
		return;
	}
	snprintf(low, sizeof low, "%.1f", cell->low * 100.0);
	report_percent(cell->high, 1, high, sizeof high);
	char *dot = strchr(low, '.');
	if (dot)
		*dot = ',';
	snprintf(out, size, "%s–%s", low, high);
}

static int any_masked(const struct goal_view *goals, size_t count)
{
	for (size_t i = 0; i < count; i++)
		for (int c = 0; c < 3; c++)
			if (goals[i].cell[c].masked)
				return goals[i].min_n;
	return 0;
}

/* The cells of a goal's table row, the same in Markdown and HTML. */
struct table_row {
	struct text indicator;
	char marks[32], n[128], share[32], women[32], men[32], interval[96], target[32];
	const char *verdict;
};

static void table_row(const struct goal_view *g, struct footnotes *notes, struct table_row *r)
{
	memset(&r->indicator, 0, sizeof r->indicator);
	indicator_words(g, &r->indicator);
	goal_footnotes(g, notes, r->marks, sizeof r->marks);
	n_text(g, r->n, sizeof r->n);
	share_text(&g->cell[0], r->share, sizeof r->share);
	share_text(&g->cell[1], r->women, sizeof r->women);
	share_text(&g->cell[2], r->men, sizeof r->men);
	if (!r->women[0])
		snprintf(r->women, sizeof r->women, "–");
	if (!r->men[0])
		snprintf(r->men, sizeof r->men, "–");
	interval_text(&g->cell[0], r->interval, sizeof r->interval);
	if (g->has_target)
		report_percent(g->target, 0, r->target, sizeof r->target);
	else
		snprintf(r->target, sizeof r->target, "–");
	r->verdict = has_flag(g, "no_data") || (g->cell[0].n == 0 && !g->cell[0].masked) ? "Inga svar"
	           : g->has_target ? report_verdict_swedish(g->verdict) : "Inget mål";
}

/* ---- Markdown ---------------------------------------------------------------------- */

static void period_heading(const cJSON *root, struct text *t)
{
	const cJSON *period = cJSON_GetObjectItemCaseSensitive(root, "period");
	const char *kind = string_of(period, "kind");
	const cJSON *year = cJSON_GetObjectItemCaseSensitive(period, "year");
	if (kind && strcmp(kind, "year") == 0 && cJSON_IsNumber(year))
		add(t, "%d", year->valueint);
	else if (kind && strcmp(kind, "since") == 0 && cJSON_IsNumber(year))
		add(t, "sedan %d", year->valueint);
	else if (kind && strcmp(kind, "range") == 0)
		add(t, "%s–%s", string_of(period, "from") ? string_of(period, "from") : "",
		    string_of(period, "to") ? string_of(period, "to") : "");
	else
		add(t, "alla år");
}

/* ---- the participant flow (ifs-flow --format json), above an insats' goals --------- */

static const cJSON *flow_rows; /* set for one rendering: ifs-flow's rows, or NULL */

struct flow_line {
	const char *measure, *category, *label;
};

static const struct flow_line flow_lines[] = {
	{"flow", "start", "Deltagare vid periodens början"}, {"flow", "new", "Nya deltagare"},
	{"flow", "ended", "Avslutade"}, {"flow", "end", "Deltagare vid periodens slut"},
	{"end_reason", "arbete", "Avslutsorsak: arbete"},
	{"end_reason", "arbete_subventionerat", "Avslutsorsak: arbete med subvention"},
	{"end_reason", "studier", "Avslutsorsak: studier"},
	{"end_reason", "fortsatt_rehabilitering", "Avslutsorsak: fortsatt rehabilitering"},
	{"end_reason", "sjukdom", "Avslutsorsak: sjukdom"}, {"end_reason", "egen_begaran", "Avslutsorsak: egen begäran"},
	{"end_reason", "ater_remittent", "Avslutsorsak: åter till remittent"}, {"end_reason", "annat", "Avslutsorsak: annat"},
	{"end_reason", "ej_angiven", "Avslutsorsak: ej angiven"},
	{"length", "median", "Insatsens längd för de avslutade, median (dagar)"},
};

/* The row of ifs-flow's output for insats, measure and category, or NULL. */
static const cJSON *flow_row(const char *insats, const char *measure, const char *category)
{
	const cJSON *row;
	cJSON_ArrayForEach(row, flow_rows)
	{
		const char *i = string_of(row, "insats"), *m = string_of(row, "measure"), *c = string_of(row, "category");
		if (i && m && c && text_fold_equal(i, insats) && strcmp(m, measure) == 0 && strcmp(c, category) == 0)
			return row;
	}
	return NULL;
}

/* The lines to show: flow and length always, an end reason only when someone ended so. */
static int flow_shown(const struct flow_line *line, const cJSON *row)
{
	return row && (strcmp(line->measure, "end_reason") != 0 || json_count(row, "n") > 0);
}

static void flow_value(const cJSON *row, const char *key, int days, char *out, size_t size)
{
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(row, key);
	if (!cJSON_IsNumber(value))
		snprintf(out, size, "–");
	else if (days)
		snprintf(out, size, "%.0f", value->valuedouble);
	else
		snprintf(out, size, "%ld", json_count_item(value));
}

/* Line i of the participants table for insats: 1 with its three cells, or 0 when not shown. */
static int flow_cells(const char *insats, size_t i, char all[32], char women[32], char men[32])
{
	const cJSON *row = flow_row(insats, flow_lines[i].measure, flow_lines[i].category);
	if (!flow_shown(&flow_lines[i], row))
		return 0;
	int days = strcmp(flow_lines[i].measure, "length") == 0;
	flow_value(row, "n", days, all, 32);
	flow_value(row, "n_women", days, women, 32);
	flow_value(row, "n_men", days, men, 32);
	return 1;
}

static void write_markdown_flow(FILE *out, const char *insats)
{
	if (!flow_row(insats, "flow", "ended"))
		return;
	fputs("**Deltagare**\n\n| | Alla | Kvinnor | Män |\n|---|---:|---:|---:|\n", out);
	char all[32], women[32], men[32];
	for (size_t i = 0; i < sizeof flow_lines / sizeof *flow_lines; i++)
		if (flow_cells(insats, i, all, women, men))
			fprintf(out, "| %s | %s | %s | %s |\n", flow_lines[i].label, all, women, men);
	fputs("\n", out);
}

static void write_html_flow(FILE *out, const char *insats)
{
	if (!flow_row(insats, "flow", "ended"))
		return;
	fputs("<table class=\"flow\">\n<caption>Deltagare</caption>\n<thead><tr><th scope=\"col\"></th>"
	      "<th scope=\"col\">Alla</th><th scope=\"col\">Kvinnor</th><th scope=\"col\">Män</th></tr></thead>\n"
	      "<tbody>\n",
	      out);
	char all[32], women[32], men[32];
	for (size_t i = 0; i < sizeof flow_lines / sizeof *flow_lines; i++)
		if (flow_cells(insats, i, all, women, men))
			fprintf(out, "<tr><th scope=\"row\">%s</th><td class=\"num\">%s</td><td class=\"num\">%s</td>"
			             "<td class=\"num\">%s</td></tr>\n",
			        flow_lines[i].label, all, women, men);
	fputs("</tbody>\n</table>\n", out);
}

/* A year's cell: "90,0 % (10)", or "–" when no one answered (or it is masked). */
static void year_cell(const struct goal_view *g, char *out, size_t size)
{
	char share[32];
	if (g->cell[0].masked || g->cell[0].n == 0) {
		snprintf(out, size, "–");
		return;
	}
	report_percent(g->cell[0].share, 1, share, sizeof share);
	snprintf(out, size, "%s (%ld)", share, g->cell[0].n);
}

static int has_years(const struct goal_view *goals, size_t count, const char *insats)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(goals[i].insats, insats) == 0 && goals[i].history_count > 1)
			return 1;
	return 0;
}

static void write_markdown_years(FILE *out, const struct goal_view *goals, size_t count, const char *insats)
{
	if (!has_years(goals, count, insats))
		return;
	const struct goal_view *first = NULL;
	for (size_t i = 0; i < count && !first; i++)
		if (strcmp(goals[i].insats, insats) == 0)
			first = &goals[i];
	fputs("\n**År för år** (andel och n)\n\n| Mål |", out);
	for (size_t y = 0; y < first->history_count; y++)
		fprintf(out, " %d |", period_year(&first->history[y]));
	fputs("\n|---|", out);
	for (size_t y = 0; y < first->history_count; y++)
		fputs("---:|", out);
	fputs("\n", out);
	for (size_t i = 0; i < count; i++) {
		const struct goal_view *g = &goals[i];
		if (strcmp(g->insats, insats) != 0)
			continue;
		fputs("| ", out);
		markdown_escape(out, g->text[0] ? g->text : g->goal);
		fputs(" |", out);
		for (size_t y = 0; y < g->history_count; y++) {
			char cell[48];
			year_cell(&g->history[y], cell, sizeof cell);
			fprintf(out, " %s |", cell);
		}
		fputs("\n", out);
	}
}

static void write_markdown_section(FILE *out, const struct goal_view *goals, size_t count, const char *insats)
{
	struct footnotes notes = {0};
	fputs("## ", out);
	markdown_escape(out, insats);
	fputs("\n\n", out);
	write_markdown_flow(out, insats);
	fputs("| Mål | Indikator | n (kvinnor / män) | Andel | Andel kvinnor / män | Målnivå | 95 % intervall | "
	      "Bedömning |\n|---|---|---|---:|---:|---:|---:|---|\n",
	      out);
	for (size_t i = 0; i < count; i++) {
		const struct goal_view *g = &goals[i];
		if (strcmp(g->insats, insats) != 0)
			continue;
		struct table_row r;
		table_row(g, &notes, &r);
		fputs("| ", out);
		markdown_escape(out, g->text[0] ? g->text : g->goal);
		fputs(" | ", out);
		markdown_escape(out, r.indicator.data);
		fprintf(out, " | %s%s%s%s | %s | %s / %s | %s | %s | %s |\n", r.n, r.marks[0] ? " [" : "", r.marks,
		        r.marks[0] ? "]" : "", r.share, r.women, r.men, r.target, r.interval, r.verdict);
	}
	if (notes.count) {
		fputs("\n", out);
		for (int i = 0; i < notes.count; i++)
			fprintf(out, "[%d] %s  \n", i + 1, notes.text[i]);
	}
	write_markdown_years(out, goals, count, insats);
	fputs("\n### Förslag till text\n\n", out);
	for (size_t i = 0; i < count; i++) {
		const struct goal_view *g = &goals[i];
		if (strcmp(g->insats, insats) != 0)
			continue;
		struct text draft = {0};
		draft_paragraph(g, &draft);
		fputs("**", out);
		markdown_escape(out, g->text[0] ? g->text : g->goal);
		fputs("**\n\n", out);
		markdown_escape(out, draft.data);
		fputs("\n\n", out);
	}
}

/* ---- HTML --------------------------------------------------------------------------- */

static const char html_style[] =
	"body{font-family:\"DejaVu Sans\",Arial,sans-serif;font-size:11pt;line-height:1.4;color:#111;max-width:60em;"
	"margin:2em auto;padding:0 1em}\n"
	"h1{font-size:18pt}h2{font-size:14pt;border-bottom:1px solid #999;margin-top:2em}h3{font-size:12pt}\n"
	"table{border-collapse:collapse;width:100%;margin:1em 0;font-size:9.5pt}\n"
	"th,td{border:1px solid #999;padding:.3em .4em;vertical-align:top;text-align:left}\n"
	"td.num{text-align:right;white-space:nowrap}th{background:#e8e8e8}\n"
	".verdict-met{font-weight:bold}.verdict-not_met{font-weight:bold;text-decoration:underline}\n"
	"sup{font-size:75%}ol.notes{font-size:9pt;color:#333}\n"
	"figure{margin:1em 0}figcaption{font-size:9pt;color:#333}.chart-title{font-weight:bold;font-size:10pt}\n"
	".draft p{margin:.5em 0 1em}.draft h4{margin:1em 0 .2em;font-size:10.5pt}\n"
	".legend span{display:inline-block;margin-right:1em;font-size:8.5pt}\n"
	".swatch{display:inline-block;width:1em;height:.8em;border:1px solid #555;margin-right:.3em;vertical-align:middle}\n"
	"@page{size:A4;margin:18mm 16mm}\n"
	"@media print{body{margin:0;max-width:none;font-size:10pt}section.insats{break-before:page}"
	"section.insats:first-of-type{break-before:auto}tr,figure,.draft p{break-inside:avoid}"
	"h2,h3{break-after:avoid}}\n";

/* Answers per level (up to scale_max) and "Vet ej" of one bar's distribution. */
static long bar_counts(const cJSON *distribution, int scale_max, long counts[32], long *dont_know)
{
	const cJSON *levels = cJSON_GetObjectItemCaseSensitive(distribution, "levels");
	long n = 0;
	int size = cJSON_IsArray(levels) ? cJSON_GetArraySize(levels) : 0;
	if (size > scale_max)
		size = scale_max;
	for (int i = 0; i < 32; i++) {
		counts[i] = i < size ? json_count_item(cJSON_GetArrayItem(levels, i)) : 0;
		n += counts[i];
	}
	*dont_know = json_count(distribution, "dont_know");
	return n;
}

/* The "Vet ej" segment's width: to the same scale as the levels (400 units for
 * the n who answered on the scale), so 3 of 12 looks like a quarter of the bar. */
static double dont_know_width(const cJSON *distribution, int scale_max)
{
	long counts[32], dont_know;
	long n = bar_counts(distribution, scale_max, counts, &dont_know);
	return n ? 400.0 * (double)dont_know / (double)n : 0;
}

static void svg_bar(FILE *out, const cJSON *distribution, const char *label, int scale_max,
                    const char *const *names, double y, double n_x)
{
	long counts[32], dont_know;
	long n = bar_counts(distribution, scale_max, counts, &dont_know);
	int size = scale_max < 32 ? scale_max : 32;
	fprintf(out, "<text x=\"0\" y=\"%.0f\" font-size=\"11\">%s</text>\n", y + 13, label);
	if (!cJSON_IsObject(distribution)) {
		fprintf(out, "<text x=\"70\" y=\"%.0f\" font-size=\"11\">– (för få svar, redovisas inte)</text>\n", y + 13);
		return;
	}
	if (n == 0 && dont_know == 0) {
		fprintf(out, "<text x=\"70\" y=\"%.0f\" font-size=\"11\">inga svar</text>\n", y + 13);
		return;
	}
	if (n == 0) {
		fprintf(out, "<text x=\"70\" y=\"%.0f\" font-size=\"11\">bara ”Vet ej / Ej aktuellt” (%ld)</text>\n", y + 13,
		        dont_know);
		return;
	}
	/* Highest level first, so the positive answers start at 0 and meet the target line. */
	double x = 70, width = 400;
	for (int level = size; level >= 1; level--) {
		if (!counts[level - 1])
			continue;
		double w = width * (double)counts[level - 1] / (double)n;
		const char *colour = level_colours[size == 6 ? level - 1 : (level - 1) * 6 / (size ? size : 1)];
		fprintf(out, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"18\" fill=\"%s\" stroke=\"#333\" "
		             "stroke-width=\"0.5\"><title>%s: %ld</title></rect>\n",
		        x, y, w, colour, names[level - 1], counts[level - 1]);
		x += w;
	}
	if (dont_know)
		fprintf(out, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"18\" fill=\"url(#vetej)\" stroke=\"#333\" "
		             "stroke-width=\"0.5\"><title>Vet ej / Ej aktuellt: %ld</title></rect>\n",
		        476.0, y, width * (double)dont_know / (double)n, dont_know);
	fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\">n = %ld</text>\n", n_x, y + 13, n);
}

static void html_chart(FILE *out, const struct goal_view *g, int index)
{
	if (strcmp(g->kind, "ifs") != 0 || !cJSON_IsObject(g->distribution))
		return;
	int scale_max = g->scale_max > 0 && g->scale_max <= 32 ? g->scale_max : 6;
	const char *labels[] = {"Alla", "Kvinnor", "Män"}, *keys[] = {"all", "women", "men"};
	/* the scale's words from the codebook (the shares JSON carries them) */
	const char *names[32];
	char name_buffers[32][24];
	for (int level = 1; level <= scale_max; level++)
		names[level - 1] = level_label(g, level, name_buffers[level - 1], sizeof name_buffers[0]);
	/* The chart widens when a "Vet ej" segment, drawn to scale, needs the room. */
	double widest = 0;
	for (int c = 0; c < 3; c++) {
		double w = dont_know_width(cJSON_GetObjectItemCaseSensitive(g->distribution, keys[c]), scale_max);
		widest = w > widest ? w : widest;
	}
	double n_x = widest > 79 ? 476 + widest + 10 : 565, chart_width = n_x + 55;
	char target[32] = "";
	if (g->has_target)
		report_percent(g->target, 0, target, sizeof target);
	fputs("<figure>\n<div class=\"chart-title\">", out);
	report_html_escape(out, g->insats);
	fputs(" – ", out);
	report_html_escape(out, g->question ? g->question : g->indicator);
	fputs(": svarsfördelning för alla, kvinnor och män</div>\n", out);
	fprintf(out, "<svg role=\"img\" aria-labelledby=\"chart%d-title chart%d-desc\" viewBox=\"0 0 %.0f 120\" "
	             "width=\"%.0f\" height=\"120\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"chart%d-title\">",
	        index, index, chart_width, chart_width, index);
	report_html_escape(out, g->insats);
	fputs(": svarsfördelning, ", out);
	report_html_escape(out, g->indicator);
	fprintf(out, "</title>\n<desc id=\"chart%d-desc\">Staplade liggande staplar för alla, kvinnor och män: andel svar "
	             "per nivå, högsta nivån först, Vet ej skrafferat till höger.%s%s Siffrorna finns i tabellen ovan.</desc>\n",
	        index, g->has_target ? " Den lodräta linjen är målet " : "", g->has_target ? target : "");
	fputs("<defs><pattern id=\"vetej\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
	      "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/>"
	      "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#555\" stroke-width=\"2\"/></pattern></defs>\n",
	      out);
	for (int c = 0; c < 3; c++)
		svg_bar(out, cJSON_GetObjectItemCaseSensitive(g->distribution, keys[c]), labels[c], scale_max, names,
		        8 + c * 26.0,
		        n_x);
	if (g->has_target) {
		double x = 70 + 400 * g->target;
		fprintf(out, "<line x1=\"%.1f\" y1=\"2\" x2=\"%.1f\" y2=\"86\" stroke=\"#000\" stroke-width=\"2\" "
		             "stroke-dasharray=\"5 3\"/>\n<text x=\"%.1f\" y=\"100\" font-size=\"10\" text-anchor=\"middle\">Mål %s"
		             "</text>\n",
		        x, x, x, target);
	}
	fputs("<text x=\"70\" y=\"116\" font-size=\"9\">0 %</text><text x=\"470\" y=\"116\" font-size=\"9\" "
	      "text-anchor=\"end\">100 %</text>\n</svg>\n<figcaption class=\"legend\">",
	      out);
	for (int level = scale_max; level >= 1; level--) {
		fprintf(out, "<span><i class=\"swatch\" style=\"background:%s\"></i>%d ",
		        level_colours[scale_max == 6 ? level - 1 : (level - 1) * 6 / scale_max], level);
		report_html_escape(out, names[level - 1]);
		fputs("</span>", out);
	}
	fputs("<span><i class=\"swatch\" style=\"background:repeating-linear-gradient(45deg,#fff 0 2px,#555 2px 4px)\">"
	      "</i>Vet ej / Ej aktuellt</span></figcaption>\n</figure>\n",
	      out);
}

/* The share year by year: points joined by a line, the Wilson interval as whiskers,
 * the target dashed; a year without answers is a gap, named in the description. */
static void html_trend_chart(FILE *out, const struct goal_view *g, int index)
{
	size_t years = g->history_count;
	double left = 60, right = 580, top = 20, bottom = 170;
	double step = years > 1 ? (right - left) / (double)(years - 1) : 0;
	fputs("<figure>\n<div class=\"chart-title\">", out);
	report_html_escape(out, g->insats);
	fputs(" – ", out);
	report_html_escape(out, g->text[0] ? g->text : g->goal);
	fputs(": andel år för år</div>\n", out);
	fprintf(out, "<svg role=\"img\" aria-labelledby=\"chart%d-title chart%d-desc\" viewBox=\"0 0 620 200\" "
	             "width=\"620\" height=\"200\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"chart%d-title\">",
	        index, index, index);
	report_html_escape(out, g->insats);
	fputs(": andel år för år, ", out);
	report_html_escape(out, g->indicator);
	fprintf(out, "</title>\n<desc id=\"chart%d-desc\">Andelen per år som punkter och linje, 95 %% intervall som "
	             "lodräta streck",
	        index);
	if (g->has_target) {
		char target[32];
		report_percent(g->target, 0, target, sizeof target);
		fprintf(out, ", målet %s som streckad linje", target);
	}
	fputs(".", out);
	for (size_t y = 0; y < years; y++) {
		const struct goal_view *h = &g->history[y];
		char cell[48];
		year_cell(h, cell, sizeof cell);
		fprintf(out, " %d: %s.", period_year(h), h->cell[0].n && !h->cell[0].masked ? cell : "inga svar");
	}
	fputs("</desc>\n", out);
	for (int tick = 0; tick <= 100; tick += 25) {
		double y = bottom - (bottom - top) * tick / 100.0;
		fprintf(out, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%.0f\" "
		             "y=\"%.1f\" font-size=\"9\" text-anchor=\"end\">%d %%</text>\n",
		        left - 10, y, right + 10, y, left - 14, y + 3, tick);
	}
	if (g->has_target) {
		double y = bottom - (bottom - top) * g->target;
		fprintf(out, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#000\" stroke-width=\"2\" "
		             "stroke-dasharray=\"5 3\"/>\n",
		        left - 10, y, right + 10, y);
	}
	fputs("<polyline fill=\"none\" stroke=\"#08519c\" stroke-width=\"2\" points=\"", out);
	for (size_t y = 0; y < years; y++) {
		const struct cell *c = &g->history[y].cell[0];
		if (c->n && !c->masked)
			fprintf(out, "%.1f,%.1f ", left + step * (double)y, bottom - (bottom - top) * c->share);
	}
	fputs("\"/>\n", out);
	for (size_t y = 0; y < years; y++) {
		const struct goal_view *h = &g->history[y];
		const struct cell *c = &h->cell[0];
		double x = left + step * (double)y;
		fprintf(out, "<text x=\"%.1f\" y=\"192\" font-size=\"10\" text-anchor=\"middle\">%d</text>\n", x,
		        period_year(h));
		if (!c->n || c->masked)
			continue;
		char cell[48];
		year_cell(h, cell, sizeof cell);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#08519c\"/>\n", x,
		        bottom - (bottom - top) * c->low, x, bottom - (bottom - top) * c->high);
		fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#08519c\"><title>%d: %s</title></circle>\n", x,
		        bottom - (bottom - top) * c->share, period_year(h), cell);
	}
	fputs("</svg>\n</figure>\n", out);
}

static void write_html_section(FILE *out, const struct goal_view *goals, size_t count, const char *insats,
                               int *chart_index)
{
	struct footnotes notes = {0};
	fputs("<section class=\"insats\">\n<h2>", out);
	report_html_escape(out, insats);
	fputs("</h2>\n", out);
	write_html_flow(out, insats);
	fputs("<table>\n<thead><tr><th scope=\"col\">Mål</th><th scope=\"col\">Indikator</th>"
	      "<th scope=\"col\">n (kvinnor / män)</th><th scope=\"col\">Andel</th><th scope=\"col\">Andel kvinnor / män</th>"
	      "<th scope=\"col\">Målnivå</th><th scope=\"col\">95 % intervall</th><th scope=\"col\">Bedömning</th></tr>"
	      "</thead>\n<tbody>\n",
	      out);
	for (size_t i = 0; i < count; i++) {
		const struct goal_view *g = &goals[i];
		if (strcmp(g->insats, insats) != 0)
			continue;
		struct table_row r;
		table_row(g, &notes, &r);
		fprintf(out, "<tr data-goal=\"");
		report_html_escape(out, g->goal);
		fputs("\"><td>", out);
		report_html_escape(out, g->text[0] ? g->text : g->goal);
		fputs("</td><td>", out);
		report_html_escape(out, r.indicator.data);
		fprintf(out, "</td><td class=\"num\">%s%s%s%s</td><td class=\"num\">%s</td><td class=\"num\">%s / %s</td>"
		             "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"verdict-%s\">%s</td></tr>\n",
		        r.n, r.marks[0] ? "<sup>" : "", r.marks, r.marks[0] ? "</sup>" : "", r.share, r.women, r.men, r.target,
		        r.interval, g->verdict, r.verdict);
	}
	fputs("</tbody>\n</table>\n", out);
	if (notes.count) {
		fputs("<ol class=\"notes\">\n", out);
		for (int i = 0; i < notes.count; i++) {
			fputs("<li>", out);
			report_html_escape(out, notes.text[i]);
			fputs("</li>\n", out);
		}
		fputs("</ol>\n", out);
	}
	for (size_t i = 0; i < count; i++)
		if (strcmp(goals[i].insats, insats) == 0)
			html_chart(out, &goals[i], (*chart_index)++);
	if (has_years(goals, count, insats)) {
		const struct goal_view *first = NULL;
		for (size_t i = 0; i < count && !first; i++)
			if (strcmp(goals[i].insats, insats) == 0)
				first = &goals[i];
		fputs("<h3>År för år</h3>\n<table class=\"years\">\n<thead><tr><th scope=\"col\">Mål</th>", out);
		for (size_t y = 0; y < first->history_count; y++)
			fprintf(out, "<th scope=\"col\">%d</th>", period_year(&first->history[y]));
		fputs("</tr></thead>\n<tbody>\n", out);
		for (size_t i = 0; i < count; i++) {
			const struct goal_view *g = &goals[i];
			if (strcmp(g->insats, insats) != 0)
				continue;
			fputs("<tr data-goal=\"", out);
			report_html_escape(out, g->goal);
			fputs("\"><td>", out);
			report_html_escape(out, g->text[0] ? g->text : g->goal);
			fputs("</td>", out);
			for (size_t y = 0; y < g->history_count; y++) {
				char cell[48];
				year_cell(&g->history[y], cell, sizeof cell);
				fprintf(out, "<td class=\"num\">%s</td>", cell);
			}
			fputs("</tr>\n", out);
		}
		fputs("</tbody>\n</table>\n", out);
		for (size_t i = 0; i < count; i++)
			if (strcmp(goals[i].insats, insats) == 0 && goals[i].history_count > 1)
				html_trend_chart(out, &goals[i], (*chart_index)++);
	}
	fputs("<div class=\"draft\">\n<h3>Förslag till text</h3>\n", out);
	for (size_t i = 0; i < count; i++) {
		const struct goal_view *g = &goals[i];
		if (strcmp(g->insats, insats) != 0)
			continue;
		struct text draft = {0};
		draft_paragraph(g, &draft);
		fputs("<h4>", out);
		report_html_escape(out, g->text[0] ? g->text : g->goal);
		fputs("</h4>\n<p>", out);
		report_html_escape(out, draft.data);
		fputs("</p>\n", out);
	}
	fputs("</div>\n</section>\n", out);
}

/* ---- the whole -------------------------------------------------------------------- */

int report_render(FILE *out, const char *json_text, const char *source_name, enum report_format format, char *error,
                  size_t error_size)
{
	return report_render_with_notes(out, json_text, source_name, format, NULL, 0, NULL, error, error_size);
}

/* The JSON read into goal views: with --years, one view per goal (its last year), its
 * rows as history; the insatser in order of first appearance; the period heading. */
struct report_doc {
	cJSON *root;
	struct goal_view *goals, *all_rows;
	size_t count;
	const char **sections;
	size_t section_count;
	struct text period;
};

static void doc_free(struct report_doc *doc)
{
	if (doc->goals != doc->all_rows)
		free(doc->all_rows);
	free(doc->goals);
	free(doc->sections);
	cJSON_Delete(doc->root);
}

static int doc_load(struct report_doc *doc, const char *json_text, const char *source_name, char *error,
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
		doc_free(doc);
		return EX_DATAERR;
	}
	size_t count = (size_t)cJSON_GetArraySize(rows);
	doc->goals = doc->all_rows = calloc(count ? count : 1, sizeof *doc->goals);
	doc->sections = calloc(count ? count : 1, sizeof *doc->sections);
	if (!doc->goals || !doc->sections) {
		snprintf(error, error_size, "%s: out of memory", source_name);
		doc_free(doc);
		return EX_OSERR;
	}
	size_t index = 0;
	const cJSON *row;
	char reason[400];
	cJSON_ArrayForEach(row, rows)
	{
		if (read_goal(row, index, &doc->goals[index], reason, sizeof reason) < 0) {
			snprintf(error, error_size, "%s: %s", source_name, reason);
			doc_free(doc);
			return EX_DATAERR;
		}
		size_t s = 0;
		while (s < doc->section_count && strcmp(doc->sections[s], doc->goals[index].insats) != 0)
			s++;
		if (s == doc->section_count)
			doc->sections[doc->section_count++] = doc->goals[index].insats;
		index++;
	}
	doc->count = count;
	/* --years: a goal's rows, the years in order; the report year is the last */
	const cJSON *years = cJSON_GetObjectItemCaseSensitive(doc->root, "years");
	if (cJSON_IsArray(years) && count) {
		struct goal_view *current = calloc(count, sizeof *current);
		if (!current) {
			snprintf(error, error_size, "%s: out of memory", source_name);
			doc_free(doc);
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
		const cJSON *first = cJSON_GetArrayItem(years, 0), *last = cJSON_GetArrayItem(years, cJSON_GetArraySize(years) - 1);
		add(&doc->period, "%d (jämfört med %d–%d)", cJSON_IsNumber(last) ? last->valueint : 0,
		    cJSON_IsNumber(first) ? first->valueint : 0, cJSON_IsNumber(last) ? last->valueint - 1 : 0);
	} else {
		period_heading(doc->root, &doc->period);
	}
	return 0;
}

int report_render_with_notes(FILE *out, const char *json_text, const char *source_name, enum report_format format,
                             const char *const *notes, size_t note_count, const char *flow_json, char *error,
                             size_t error_size)
{
	struct report_doc doc;
	int status = doc_load(&doc, json_text, source_name, error, error_size);
	if (status)
		return status;
	cJSON *flow = flow_json ? cJSON_Parse(flow_json) : NULL;
	if (flow_json && !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(flow, "rows"))) {
		snprintf(error, error_size, "the --flow input is not ifs-flow --format json output (no \"rows\" array)");
		cJSON_Delete(flow);
		doc_free(&doc);
		return EX_DATAERR;
	}
	flow_rows = flow ? cJSON_GetObjectItemCaseSensitive(flow, "rows") : NULL;
	struct goal_view *goals = doc.goals;
	size_t count = doc.count;
	const char **sections = doc.sections;
	size_t section_count = doc.section_count;
	const cJSON *root = doc.root;
	struct text period = doc.period;
	int masked_min_n = any_masked(goals, count);
	const cJSON *vas = cJSON_GetObjectItemCaseSensitive(root, "vas_min_delta");
	if (format == REPORT_MARKDOWN) {
		fputs("# Bilaga 2 – Måluppfyllelse ", out);
		markdown_escape(out, period.data);
		fputs("\n\n", out);
		fputs("Andelar räknas på dem som besvarat frågan på skalan; ”Vet ej / Ej aktuellt” och obesvarade frågor "
		      "ingår inte. Intervallet är ett 95 % konfidensintervall (Wilson). IFS-enkätens svar räknas per mätår "
		      "(1 november–31 oktober), hälsoenkätens par per kalenderår efter avslutsdatum.\n",
		      out);
		if (masked_min_n)
			fprintf(out, "\n– = uppgiften redovisas inte: färre än %d svar, så att enskilda personer inte kan "
			             "identifieras.\n",
			        masked_min_n);
		for (size_t n = 0; n < note_count; n++) {
			fputs("\n> Obs: ", out);
			markdown_escape(out, notes[n]);
			fputs("\n", out);
		}
		fputs("\n", out);
		for (size_t s = 0; s < section_count; s++)
			write_markdown_section(out, goals, count, sections[s]);
	} else {
		fputs("<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n<title>", out);
		fputs("Bilaga 2 – Måluppfyllelse ", out);
		report_html_escape(out, period.data);
		fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>Bilaga 2 – Måluppfyllelse ", html_style);
		report_html_escape(out, period.data);
		fputs("</h1>\n", out);
		fputs("<p>Andelar räknas på dem som besvarat frågan på skalan; ”Vet ej / Ej aktuellt” och obesvarade frågor "
		      "ingår inte. Intervallet är ett 95 % konfidensintervall (Wilson). IFS-enkätens svar räknas per mätår "
		      "(1 november–31 oktober), hälsoenkätens par per kalenderår efter avslutsdatum.",
		      out);
		if (cJSON_IsNumber(vas) && vas->valuedouble >= 0)
			fprintf(out, " Klart bättre hälsa enligt VAS betyder minst %d poängs förbättring.", vas->valueint);
		fputs("</p>\n", out);
		if (masked_min_n)
			fprintf(out, "<p>– = uppgiften redovisas inte: färre än %d svar, så att enskilda personer inte kan "
			             "identifieras.</p>\n",
			        masked_min_n);
		for (size_t n = 0; n < note_count; n++) {
			fputs("<p class=\"note\"><strong>Obs:</strong> ", out);
			report_html_escape(out, notes[n]);
			fputs("</p>\n", out);
		}
		int chart_index = 1;
		for (size_t s = 0; s < section_count; s++)
			write_html_section(out, goals, count, sections[s], &chart_index);
		fputs("</body>\n</html>\n", out);
	}
	flow_rows = NULL;
	cJSON_Delete(flow);
	doc_free(&doc);
	return ferror(out) ? EX_IOERR : 0;
}

/* ---- Excel --------------------------------------------------------------------------- */

/* A sheet name Excel accepts: at most 31 characters (UTF-8 kept whole), none of []:*?/\,
 * and not one already used. */
static void sheet_name(const char *insats, char used[][64], size_t used_count, char out[64])
{
	char base[64];
	size_t n = 0, chars = 0;
	for (const unsigned char *p = (const unsigned char *)insats; *p && n < sizeof base - 4 && chars < 28; p++) {
		if ((*p & 0xC0) != 0x80)
			chars++;
		base[n++] = strchr("[]:*?/\\'", *p) ? '_' : (char)*p;
	}
	while (n && (base[n - 1] & 0xC0) == 0xC0) /* never half a character */
		n--;
	base[n] = '\0';
	if (!n)
		snprintf(base, sizeof base, "Insats");
	snprintf(out, 64, "%s", base);
	for (unsigned suffix = 2; suffix < 100; suffix++) {
		size_t i = 0;
		while (i < used_count && strcmp(used[i], out) != 0)
			i++;
		if (i == used_count)
			return;
		char numbered[96];
		snprintf(numbered, sizeof numbered, "%.56s (%u)", base, suffix);
		snprintf(out, 64, "%.63s", numbered);
	}
}

/* workbook_close(), with what libxlsxwriter 1.1 only logs counted as a failure: an
 * allocation that fails while it packages the workbook is printed ("[ERROR] ...
 * Memory allocation failed.") and the part written without it, under LXW_NO_ERROR.
 * Its messages are passed on to stderr as they were. */
static lxw_error close_workbook(lxw_workbook *book)
{
	FILE *log = tmpfile();
	int saved = log ? dup(STDERR_FILENO) : -1;
	fflush(stderr);
	if (saved < 0 || dup2(fileno(log), STDERR_FILENO) < 0) {
		if (saved >= 0)
			close(saved);
		if (log)
			fclose(log);
		workbook_close(book); /* frees it; no way to tell a swallowed failure */
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	}
	lxw_error closed = workbook_close(book);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	char line[512];
	int logged = 0;
	rewind(log);
	while (fgets(line, sizeof line, log)) {
		logged |= strstr(line, "[ERROR]") != NULL;
		fputs(line, stderr);
	}
	fclose(log);
	return closed == LXW_NO_ERROR && logged ? LXW_ERROR_MEMORY_MALLOC_FAILED : closed;
}

/* 1 when the workbook at path is whole: its package names its content types and
 * every sheet, and its first sheet begins with first_cell (read with xlsx.h). */
static int workbook_reads_back(const char *path, size_t sheets, const char *first_cell)
{
	int code = 0, whole = 0;
	zip_t *zip = zip_open(path, ZIP_RDONLY, &code);
	zip_file_t *types = zip ? zip_fopen(zip, "[Content_Types].xml", 0) : NULL;
	char text[8192];
	zip_int64_t length = types ? zip_fread(types, text, sizeof text - 1) : -1;
	if (length > 0) {
		text[length] = '\0';
		size_t overrides = 0;
		for (const char *p = text; (p = strstr(p, "worksheet+xml")) != NULL; p++)
			overrides++;
		whole = overrides == sheets;
	}
	if (types)
		zip_fclose(types);
	if (zip)
		zip_discard(zip);
	char error[256];
	struct xlsx_book *book = whole ? xlsx_open(path, NULL, 0, path, error, sizeof error) : NULL;
	struct xlsx_row row;
	whole = book && xlsx_sheet_count(book) == sheets && xlsx_next_row(book, &row) == 1 && row.count > 0 &&
	        strcmp(row.cells[0], first_cell) == 0;
	int got = 1;
	while (whole && (got = xlsx_next_row(book, &row)) == 1)
		;
	whole = whole && got == 0;
	xlsx_close(book);
	return whole;
}

static void keep_error(lxw_error *first, lxw_error error)
{
	if (error != LXW_NO_ERROR && *first == LXW_NO_ERROR)
		*first = error;
}

int report_render_xlsx(const char *path, const char *json_text, const char *source_name, char *error,
                       size_t error_size)
{
	struct report_doc doc;
	int status = doc_load(&doc, json_text, source_name, error, error_size);
	if (status)
		return status;
	/* Written beside path and renamed into place once read back whole: a workbook the
	 * writer failed on (libxlsxwriter 1.1 can crash when memory runs out) never stands
	 * at path looking complete. */
	char temporary[4096];
	if ((size_t)snprintf(temporary, sizeof temporary, "%s.tmp-%ld", path, (long)getpid()) >= sizeof temporary) {
		snprintf(error, error_size, "%s: path too long", path);
		doc_free(&doc);
		return EX_CANTCREAT;
	}
	lxw_workbook_options options = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
	lxw_workbook *book = workbook_new_opt(temporary, &options);
	if (!book) {
		snprintf(error, error_size, "%s: cannot create the workbook", path);
		doc_free(&doc);
		return EX_CANTCREAT;
	}
	lxw_format *title = workbook_add_format(book), *header = workbook_add_format(book);
	lxw_format *percent = workbook_add_format(book), *wrap = workbook_add_format(book);
	lxw_format *note = workbook_add_format(book);
	/* the verdict colours of the HTML report */
	static const struct {
		const char *code;
		uint32_t colour;
	} verdict_colours[] = {{"met", 0xC7E9C0}, {"within_margin", 0xFFF3B0}, {"not_met", 0xFCBBA1}, {"too_few", 0xE0E0E0},
	                       {"none", 0xFFFFFF}};
	lxw_format *verdict_formats[5];
	int formats_made = title && header && percent && wrap && note;
	for (int v = 0; v < 5; v++) {
		verdict_formats[v] = workbook_add_format(book);
		formats_made &= verdict_formats[v] != NULL;
	}
	/* libxlsxwriter reports a failed write per call, not at the end: the first is kept,
	 * and a workbook that lost a cell is removed, never left as if complete */
	lxw_error write_error = formats_made ? LXW_NO_ERROR : LXW_ERROR_MEMORY_MALLOC_FAILED;
	if (formats_made) {
		format_set_bold(title);
		format_set_font_size(title, 14);
		format_set_bold(header);
		format_set_bottom(header, LXW_BORDER_THIN);
		format_set_text_wrap(header);
		format_set_num_format(percent, "0.0%");
		format_set_text_wrap(wrap);
		format_set_italic(note);
		for (int v = 0; v < 5; v++) {
			format_set_bg_color(verdict_formats[v], verdict_colours[v].colour);
			format_set_bold(verdict_formats[v]);
		}
	}
	static const char *const headers[] = {"Mål", "Indikator", "n", "n kvinnor", "n män", "Andel", "Andel kvinnor",
	                                      "Andel män", "Målnivå", "95 % KI nedre", "95 % KI övre", "Bedömning",
	                                      "Anmärkning"};
	char used[64][64];
	size_t used_count = 0;
	char heading[4200];
	snprintf(heading, sizeof heading, "Bilaga 2 – Måluppfyllelse %s", doc.period.data);
	if (doc.section_count > 64 && !write_error)
		write_error = LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE; /* more insatser than sheets kept apart */
	for (size_t s = 0; s < doc.section_count && used_count < 64 && !write_error; s++) {
		char name[64];
		sheet_name(doc.sections[s], used, used_count, name);
		snprintf(used[used_count++], 64, "%s", name);
		lxw_worksheet *sheet = workbook_add_worksheet(book, name);
		if (!sheet) {
			write_error = LXW_ERROR_MEMORY_MALLOC_FAILED;
			break;
		}
		worksheet_set_column(sheet, 0, 0, 50, wrap);
		worksheet_set_column(sheet, 1, 1, 40, wrap);
		worksheet_set_column(sheet, 2, 12, 11, NULL);
		keep_error(&write_error, worksheet_write_string(sheet, 0, 0, heading, title));
		keep_error(&write_error, worksheet_write_string(sheet, 1, 0, doc.sections[s], header));
		for (lxw_col_t c = 0; c < sizeof headers / sizeof *headers; c++)
			keep_error(&write_error, worksheet_write_string(sheet, 3, c, headers[c], header));
		struct footnotes notes = {0};
		lxw_row_t row = 4;
		for (size_t i = 0; i < doc.count; i++) {
			const struct goal_view *g = &doc.goals[i];
			if (strcmp(g->insats, doc.sections[s]) != 0)
				continue;
			struct table_row r;
			table_row(g, &notes, &r);
			keep_error(&write_error, worksheet_write_string(sheet, row, 0, g->text[0] ? g->text : g->goal, wrap));
			keep_error(&write_error, worksheet_write_string(sheet, row, 1, r.indicator.data, wrap));
			for (int c = 0; c < 3; c++) {
				/* numbers as numbers, shares with a percent format; a masked cell says so */
				const struct cell *cell = &g->cell[c];
				if (cell->masked) {
					keep_error(&write_error, worksheet_write_string(sheet, row, (lxw_col_t)(2 + c), "–", NULL));
					keep_error(&write_error, worksheet_write_string(sheet, row, (lxw_col_t)(5 + c), "–", NULL));
					continue;
				}
				keep_error(&write_error, worksheet_write_number(sheet, row, (lxw_col_t)(2 + c), (double)cell->n, NULL));
				if (cell->n > 0)
					keep_error(&write_error, worksheet_write_number(sheet, row, (lxw_col_t)(5 + c), cell->share, percent));
			}
			if (g->has_target)
				keep_error(&write_error, worksheet_write_number(sheet, row, 8, g->target, percent));
			if (!g->cell[0].masked && g->cell[0].n > 0) {
				keep_error(&write_error, worksheet_write_number(sheet, row, 9, g->cell[0].low, percent));
				keep_error(&write_error, worksheet_write_number(sheet, row, 10, g->cell[0].high, percent));
			}
			int v = 4;
			for (int k = 0; k < 5; k++)
				if (strcmp(g->verdict, verdict_colours[k].code) == 0)
					v = k;
			keep_error(&write_error, worksheet_write_string(sheet, row, 11, r.verdict, verdict_formats[v]));
			if (r.marks[0]) {
				char marks[48];
				snprintf(marks, sizeof marks, "[%s]", r.marks);
				keep_error(&write_error, worksheet_write_string(sheet, row, 12, marks, NULL));
			}
			row++;
		}
		row++;
		for (int n = 0; n < notes.count; n++, row++) {
			char text[220];
			snprintf(text, sizeof text, "[%d] %s", n + 1, notes.text[n]);
			keep_error(&write_error, worksheet_write_string(sheet, row, 0, text, note));
		}
		/* years side by side, when the input has them */
		if (has_years(doc.goals, doc.count, doc.sections[s])) {
			row++;
			keep_error(&write_error, worksheet_write_string(sheet, row++, 0, "År för år (andel)", header));
			const struct goal_view *first = NULL;
			for (size_t i = 0; i < doc.count && !first; i++)
				if (strcmp(doc.goals[i].insats, doc.sections[s]) == 0)
					first = &doc.goals[i];
			keep_error(&write_error, worksheet_write_string(sheet, row, 0, "Mål", header));
			for (size_t y = 0; y < first->history_count; y++)
				keep_error(&write_error, worksheet_write_number(sheet, row, (lxw_col_t)(1 + y), period_year(&first->history[y]), header));
			row++;
			for (size_t i = 0; i < doc.count; i++) {
				const struct goal_view *g = &doc.goals[i];
				if (strcmp(g->insats, doc.sections[s]) != 0)
					continue;
				keep_error(&write_error, worksheet_write_string(sheet, row, 0, g->text[0] ? g->text : g->goal, wrap));
				for (size_t y = 0; y < g->history_count; y++) {
					const struct cell *cell = &g->history[y].cell[0];
					if (cell->masked || cell->n == 0)
						keep_error(&write_error, worksheet_write_string(sheet, row, (lxw_col_t)(1 + y), "–", NULL));
					else
						keep_error(&write_error, worksheet_write_number(sheet, row, (lxw_col_t)(1 + y), cell->share, percent));
				}
				row++;
			}
		}
	}
	/* Underlag: every row as ifs-shares --format tsv has it */
	lxw_worksheet *raw = write_error ? NULL : workbook_add_worksheet(book, "Underlag");
	if (!raw && !write_error)
		write_error = LXW_ERROR_MEMORY_MALLOC_FAILED;
	static const char *const raw_columns[] = {"period", "insats", "goal", "indicator", "group", "level", "target",
	                                          "n", "pos", "share", "ci_low", "ci_high", "verdict", "n_women",
	                                          "pos_women", "share_women", "n_men", "pos_men", "share_men", "flags"};
	for (lxw_col_t c = 0; raw && c < sizeof raw_columns / sizeof *raw_columns; c++)
		keep_error(&write_error, worksheet_write_string(raw, 0, c, raw_columns[c], header));
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(doc.root, "rows"), *item;
	lxw_row_t r = 1;
	cJSON_ArrayForEach(item, rows)
	{
		if (!raw)
			break;
		static const char *const texts[] = {"period", "insats", "goal", "indicator", "group", "level"};
		for (lxw_col_t c = 0; c < 6; c++) {
			const char *text = string_of(item, texts[c]);
			if (text)
				keep_error(&write_error, worksheet_write_string(raw, r, c, text, NULL));
		}
		const cJSON *target = cJSON_GetObjectItemCaseSensitive(item, "target");
		if (cJSON_IsNumber(target))
			keep_error(&write_error, worksheet_write_number(raw, r, 6, target->valuedouble, NULL));
		static const char *const cells[] = {"total", "women", "men"};
		static const lxw_col_t at[] = {7, 13, 16};
		for (int c = 0; c < 3; c++) {
			const cJSON *cell = cJSON_GetObjectItemCaseSensitive(item, cells[c]);
			static const char *const keys[] = {"n", "pos", "share", "ci_low", "ci_high"};
			for (int k = 0; k < (c ? 3 : 5); k++) {
				const cJSON *value = cJSON_GetObjectItemCaseSensitive(cell, keys[k]);
				if (cJSON_IsNumber(value))
					keep_error(&write_error, worksheet_write_number(raw, r, (lxw_col_t)(at[c] + k), value->valuedouble, NULL));
			}
		}
		const char *verdict = string_of(item, "verdict");
		if (verdict)
			keep_error(&write_error, worksheet_write_string(raw, r, 12, verdict, NULL));
		const cJSON *flags = cJSON_GetObjectItemCaseSensitive(item, "flags"), *flag;
		char list[256] = "";
		cJSON_ArrayForEach(flag, flags)
		if (cJSON_IsString(flag))
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", list[0] ? "," : "", flag->valuestring);
		keep_error(&write_error, worksheet_write_string(raw, r, 19, list, NULL));
		r++;
	}
	/* libxlsxwriter 1.1 crashes closing a workbook whose worksheet it failed to add,
	 * and can lose a part while packaging without saying so: after a failed write the
	 * workbook is not closed (the file is never created), and a closed one is read back. */
	lxw_error closed = write_error ? LXW_NO_ERROR : close_workbook(book);
	size_t sheets = used_count + 1;
	char first_cell[sizeof heading];
	snprintf(first_cell, sizeof first_cell, "%s", heading);
	doc_free(&doc);
	int read_back = !write_error && closed == LXW_NO_ERROR ? workbook_reads_back(temporary, sheets, first_cell) : 1;
	if (!write_error && closed == LXW_NO_ERROR && read_back && rename(temporary, path) < 0) {
		snprintf(error, error_size, "%s: cannot create the workbook: %s", path, strerror(errno));
		unlink(temporary);
		return EX_CANTCREAT;
	}
	if (write_error || closed != LXW_NO_ERROR || !read_back) {
		lxw_error cause = write_error ? write_error : closed;
		unlink(temporary);
		if (cause != LXW_NO_ERROR)
			snprintf(error, error_size, "%s: cannot write the workbook: %s", path, lxw_strerror(cause));
		else
			snprintf(error, error_size, "%s: the workbook was written incomplete (out of memory?)", path);
		return cause == LXW_NO_ERROR || cause == LXW_ERROR_MEMORY_MALLOC_FAILED ? EX_OSERR : EX_IOERR;
	}
	return 0;
}
