#include "report_words.h"

#include "report.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The default IFS scale's labels, for charts and text when a question has six levels. */
static const char *const ifs_labels[] = {"Inte alls", "Till liten del", "Till viss del", "Till stor del",
                                         "Till mycket stor del", "Helt och hållet"};

/* share as a percentage with decimals, a decimal comma and no sign: "12,5".  Halves
 * away from zero, as a reader rounds by hand (1 of 8 is 13 %, where printf's half to
 * even says 12), once the binary noise of a share of counts is taken off (0.145 is
 * 0.14499999... as a double): for up to 5 million in a cell, no other share of counts
 * lies within 1e-7 of a half at these scales. */
static void percent_number(double share, int decimals, char *out, size_t size)
{
	double scale = 1.0;
	for (int d = 0; d < decimals; d++)
		scale *= 10.0;
	double scaled = share * 100.0 * scale;
	double rounded = floor(fabs(scaled) + 0.5 + 1e-7);
	snprintf(out, size, "%.*f", decimals, (scaled < 0 ? -rounded : rounded) / scale + 0.0);
	char *dot = strchr(out, '.');
	if (dot)
		*dot = ',';
}

/* Decimals for a goal's share and target in its sentences: 0, or 1 where whole
 * percents would hide that a share is below its target ("74,5 %" against "75,0 %", not
 * "75 %" lower than the target of 75 %). */
static int sentence_decimals(const struct goal_view *g)
{
	if (!g->cell[0].has_share || g->cell[0].share >= g->target)
		return 0;
	return floor(g->cell[0].share * 100.0 + 0.5 + 1e-7) >= floor(g->target * 100.0 + 0.5 + 1e-7);
}

void report_percent(double share, int decimals, char *out, size_t size)
{
	percent_number(share, decimals, out, size);
	size_t length = strlen(out);
	snprintf(out + length, size - length, " %%");
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

/* "1 kvinnor" and "1 män", as the counts come out of the sentences, into the singular:
 * "1 kvinna", "1 man" (not "11 kvinnor", nor "1 männen"). */
static void singular_counts(struct report_text *t, size_t from)
{
	static const struct { const char *plural, *singular; } words[] = {{"1 kvinnor", "1 kvinna"}, {"1 män", "1 man"}};
	for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
		size_t plural = strlen(words[w].plural), singular = strlen(words[w].singular);
		for (char *at = strstr(t->data + from, words[w].plural); at; at = strstr(at + 1, words[w].plural)) {
			unsigned char before = at > t->data ? (unsigned char)at[-1] : ' ', after = (unsigned char)at[plural];
			if ((before >= '0' && before <= '9') || isalpha(after) || after >= 0x80)
				continue;
			memcpy(at, words[w].singular, singular);
			memmove(at + singular, at + plural, t->length - (size_t)(at + plural - t->data) + 1);
			t->length -= plural - singular;
		}
	}
}

void report_add(struct report_text *t, const char *format, ...)
{
	if (t->length >= sizeof t->data - 1)
		return;
	size_t from = t->length;
	va_list args;
	va_start(args, format);
	int n = vsnprintf(t->data + t->length, sizeof t->data - t->length, format, args);
	va_end(args);
	if (n > 0)
		t->length += (size_t)n < sizeof t->data - t->length ? (size_t)n : sizeof t->data - t->length - 1;
	singular_counts(t, from > 0 ? from - 1 : 0);
}

void report_intro(const struct report_doc *doc, struct report_text *t)
{
	report_add(t, "Andelar räknas på dem som besvarat frågan på skalan; ”Vet ej / Ej aktuellt” och obesvarade "
	              "frågor ingår inte. Intervallet är ett 95 %% konfidensintervall (Wilson). IFS-enkätens svar "
	              "räknas per mätår (1 november–31 oktober), hälsoenkätens par per kalenderår efter avslutsdatum.");
	int outcomes = 0;
	for (size_t i = 0; i < doc->count && !outcomes; i++)
		outcomes = strcmp(doc->goals[i].kind, "outcome") == 0;
	if (outcomes)
		report_add(t, " Deltagarregistrets mål räknas på dem som avslutades under kalenderåret, efter "
		              "avslutsdatum.");
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
const char *report_level_label(const struct goal_view *g, int level, char *out, size_t size)
{
	const cJSON *label = cJSON_GetArrayItem(g->scale_labels, level - 1);
	if (cJSON_IsString(label))
		return label->valuestring;
	if (!cJSON_IsArray(g->scale_labels) && g->scale_max == 6 && level >= 1 && level <= 6)
		return ifs_labels[level - 1];
	snprintf(out, size, "nivå %d", level);
	return out;
}

static void positivity_words(const struct goal_view *g, struct report_text *t)
{
	const char *word = g->level && strcmp(g->level, "klart_positivt") == 0 ? "klart positivt"
	                 : g->level && strcmp(g->level, "positivt") == 0 ? "positivt" : NULL;
	if (word)
		report_add(t, "%s", word);
	else
		report_add(t, "med minst nivå %d", g->min_level);
	/* the levels in the codebook's words; a scale without words by its numbers */
	int worded = g->scale_max > 0 && g->scale_max <= 32 && g->min_level >= 1 && g->min_level <= g->scale_max;
	for (int level = g->min_level; worded && level <= g->scale_max; level++) {
		char buffer[24];
		worded = strncmp(report_level_label(g, level, buffer, sizeof buffer), "nivå ", 6) != 0;
	}
	if (worded) {
		report_add(t, " (");
		for (int level = g->min_level; level <= g->scale_max; level++) {
			char buffer[24];
			report_add(t, "%s%s", level > g->min_level ? (level == g->scale_max ? " eller " : ", ") : "",
			    report_level_label(g, level, buffer, sizeof buffer));
		}
		report_add(t, ")");
	} else if (g->scale_max > 0) {
		report_add(t, " (nivå %d–%d av %d)", g->min_level, g->scale_max, g->scale_max);
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
	const char *among = report_json_string(g->outcome, "among");
	if (among && strcmp(among, "work_capacity") == 0)
		return " (bland dem som bedömts ha arbetsförmåga)";
	if (among && strcmp(among, "public_at_intake") == 0)
		return " (bland dem med offentlig försörjning vid inskrivning)";
	return "";
}

static void indicator_words(const struct goal_view *g, struct report_text *t)
{
	if (strcmp(g->kind, "health") == 0) {
		report_add(t, "Hälsoenkät: %s", health_name(g->indicator));
		return;
	}
	if (strcmp(g->kind, "outcome") == 0) {
		report_add(t, "Deltagarregistret: %s vid avslut%s", outcome_words(g->indicator), among_words(g));
		return;
	}
	report_add(t, "%s, ", g->indicator);
	positivity_words(g, t);
}

static void verdict_sentence(const struct goal_view *g, struct report_text *t)
{
	char target[32], low[32], high[32];
	report_percent(g->target, sentence_decimals(g), target, sizeof target);
	percent_number(g->cell[0].low, 0, low, sizeof low);
	report_percent(g->cell[0].high, 0, high, sizeof high);
	const char *v = g->verdict;
	if (strcmp(v, "met") == 0)
		report_add(t, " Målet på %s är uppfyllt.", target);
	else if (strcmp(v, "within_margin") == 0)
		report_add(t, " Andelen är lägre än målet på %s, men med %ld svar är skillnaden mellan andelen och målet inom "
		       "felmarginalen (95 %% konfidensintervall %s–%s). Målet bedöms som inom felmarginalen.",
		    target, g->cell[0].n, low, high);
	else if (strcmp(v, "not_met") == 0)
		report_add(t, " Målet på %s är inte uppfyllt: även den övre gränsen för felmarginalen (%s) ligger under målet.",
		    target, high);
	else if (strcmp(v, "too_few") == 0 && g->cell[0].n == 0 && !g->cell[0].masked)
		report_add(t, " Det finns inga svar att bedöma målet på.");
	else if (strcmp(v, "too_few") == 0 && g->cell[0].masked)
		/* the count is what --suppress hides: "0 svar" would be a false number */
		report_add(t, " Med färre än %d svar görs ingen bedömning av måluppfyllelsen: så få svar ger en för stor "
		       "felmarginal.",
		    g->min_n);
	else if (strcmp(v, "too_few") == 0)
		report_add(t, " Med %ld svar (minst %d behövs) görs ingen bedömning av måluppfyllelsen: så få svar ger en för stor "
		       "felmarginal%s.",
		    g->cell[0].n, g->min_n, g->cell[0].n ? ", och andelen redovisas bara som upplysning" : "");
	else
		report_add(t, " Målet saknar målnivå; andelen redovisas utan bedömning.");
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
static void gender_counts(const struct goal_view *g, struct report_text *t)
{
	long other = other_gender(g);
	if (g->cell[1].masked || g->cell[2].masked)
		return;
	if (other)
		report_add(t, " (%ld kvinnor, %ld män och %ld med annat eller ej angivet kön)", g->cell[1].n, g->cell[2].n, other);
	else
		report_add(t, " (%ld kvinnor och %ld män)", g->cell[1].n, g->cell[2].n);
}

static void gender_split(const struct goal_view *g, struct report_text *t, const char *noun)
{
	const struct goal_cell *w = &g->cell[1], *m = &g->cell[2];
	if (w->masked || m->masked) {
		report_add(t, " Fördelningen på kvinnor och män redovisas inte, eftersom någon grupp har färre än %d %s.",
		    g->min_n, noun);
		return;
	}
	char ws[32], ms[32];
	report_percent(w->share, 0, ws, sizeof ws);
	report_percent(m->share, 0, ms, sizeof ms);
	if (w->n && m->n)
		report_add(t, " Bland kvinnorna var andelen %s (%ld av %ld), bland männen %s (%ld av %ld).", ws, w->pos, w->n, ms,
		    m->pos, m->n);
	else if (w->n)
		report_add(t, " Bland kvinnorna var andelen %s (%ld av %ld); inga män finns i underlaget.", ws, w->pos, w->n);
	else if (m->n)
		report_add(t, " Bland männen var andelen %s (%ld av %ld); inga kvinnor finns i underlaget.", ms, m->pos, m->n);
}

static void improvements(const struct goal_view *g, struct report_text *t)
{
	const cJSON *h = g->health, *iw = cJSON_GetObjectItemCaseSensitive(h, "improved_women"),
	            *im = cJSON_GetObjectItemCaseSensitive(h, "improved_men");
	report_add(t, " %ld kvinnor och %ld män anger en bättre livskvalitet vid avslut jämfört med vid start.",
	    report_json_count(iw, "lq_better"), report_json_count(im, "lq_better"));
	report_add(t, " %ld kvinnor och %ld män anger på VAS-skalan en klart bättre hälsa (minst %ld poäng) vid avslut "
	       "än vid start.",
	    report_json_count(iw, "vas_better"), report_json_count(im, "vas_better"), report_json_count(h, "vas_min_delta"));
}

/* With register data: "Av de 31 avslutade besvarade 7 (23 %) enkäten." and, below half,
 * that the share may not speak for everyone who ended. */
static void response_sentence(const struct goal_view *g, struct report_text *t)
{
	const cJSON *ended = cJSON_GetObjectItemCaseSensitive(g->row, "ended");
	const cJSON *respondents = cJSON_GetObjectItemCaseSensitive(g->row, "respondents");
	const cJSON *rate = cJSON_GetObjectItemCaseSensitive(g->row, "response_rate");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g->row, "register_lacks_insats"))) {
		report_add(t, " Deltagarregistret i underlaget har inga deltagare i %s, så svarsfrekvensen kan inte anges.",
		           g->insats);
		return;
	}
	if (!cJSON_IsNumber(ended) || !cJSON_IsNumber(respondents) || !cJSON_IsNumber(rate))
		return;
	char percent[32];
	report_percent(rate->valuedouble, 0, percent, sizeof percent);
	int health = strcmp(g->kind, "health") == 0;
	if (report_json_count_item(respondents) > report_json_count_item(ended)) {
		report_add(t, " Fler har svarat (%ld) än registret visar avslutade i %s under perioden (%ld): kontrollera att "
		       "registret och enkäten avser samma insats och period.",
		    report_json_count_item(respondents), g->insats, report_json_count_item(ended));
		return;
	}
	report_add(t, " Av de %ld som avslutades i %s under perioden besvarade %ld (%s) %s.", report_json_count_item(ended), g->insats,
	    report_json_count_item(respondents), percent,
	    health ? "hälsoenkäten både vid inskrivning och avslut" : "enkäten");
	if (rate->valuedouble < 0.5)
		report_add(t, " Eftersom färre än hälften svarade kan andelen skilja sig från vad alla som avslutades skulle ha "
		       "svarat; läs den med försiktighet.");
}

static void comparison_sentence(const struct goal_view *g, struct report_text *t);

/* SPEC §2.3, in the seeds' words: "14 kvinnor och 21 män avslutades under 2022. Av dem
 * bedömdes 21 ha arbetsförmåga. Av dessa började 4 kvinnor och 11 män (71 %) arbeta
 * och/eller studera vid avslut." */
static void outcome_paragraph(const struct goal_view *g, struct report_text *t)
{
	const cJSON *ended = cJSON_GetObjectItemCaseSensitive(g->outcome, "ended");
	const char *among = report_json_string(g->outcome, "among");
	const struct goal_cell *all = &g->cell[0], *w = &g->cell[1], *m = &g->cell[2];
	char when[40] = "under perioden", share[32];
	if (g->period && strlen(g->period) == 22 && strncmp(g->period + 4, "-01-01..", 8) == 0 &&
	    strcmp(g->period + 16, "-12-31") == 0 && strncmp(g->period, g->period + 12, 4) == 0)
		snprintf(when, sizeof when, "under %.4s", g->period);
	report_percent(all->share, sentence_decimals(g), share, sizeof share);
	if (all->masked || w->masked || m->masked) {
		report_add(t, "Färre än %d deltagare i %s ingår i underlaget; antalen redovisas inte.", g->min_n, g->insats);
		verdict_sentence(g, t);
		return;
	}
	long ended_all = report_json_count(ended, "all"), ended_women = report_json_count(ended, "women"),
	     ended_men = report_json_count(ended, "men");
	if (ended_all == 0) {
		report_add(t, "Ingen deltagare i %s avslutades %s.", g->insats, when);
		verdict_sentence(g, t);
		return;
	}
	if (ended_all > ended_women + ended_men)
		report_add(t, "%ld kvinnor, %ld män och %ld med annat eller ej angivet kön avslutades i %s %s.", ended_women,
		    ended_men, ended_all - ended_women - ended_men, g->insats, when);
	else
		report_add(t, "%ld kvinnor och %ld män avslutades i %s %s.", ended_women, ended_men, g->insats, when);
	const char *of_them = "Av dem";
	if (among && strcmp(among, "work_capacity") == 0) {
		report_add(t, " Av dem bedömdes %ld ha arbetsförmåga.", all->n);
		of_them = "Av dessa";
	} else if (among && strcmp(among, "public_at_intake") == 0) {
		report_add(t, " Av dem hade %ld offentlig försörjning vid inskrivning.", all->n);
		of_them = "Av dessa";
	}
	if (strcmp(g->indicator, "outcome.no_public_support") == 0) {
		report_add(t, " %s hade %ld kvinnor och %ld män (%s av %ld) ingen offentlig försörjning vid avslut.", of_them,
		    w->pos, m->pos, share, all->n);
		long unknown = report_json_count(g->outcome, "unknown");
		if (unknown)
			report_add(t, " För %ld saknas uppgift om försörjningen vid avslut; de ingår inte i underlaget.", unknown);
	} else {
		report_add(t, " %s började %ld kvinnor och %ld män (%s av %ld) %s vid avslut.", of_them, w->pos, m->pos, share,
		    all->n, strcmp(g->indicator, "outcome.work") == 0 ? "arbeta" : "arbeta och/eller studera");
	}
	if (all->pos > w->pos + m->pos)
		report_add(t, " Bland dem finns %ld med annat eller ej angivet kön.", all->pos - w->pos - m->pos);
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

static void comparison_sentence(const struct goal_view *g, struct report_text *t)
{
	const cJSON *prev = cJSON_GetObjectItemCaseSensitive(g->row, "prev_share");
	const cJSON *diff = cJSON_GetObjectItemCaseSensitive(g->row, "diff");
	const cJSON *low = cJSON_GetObjectItemCaseSensitive(g->row, "diff_ci_low");
	const cJSON *high = cJSON_GetObjectItemCaseSensitive(g->row, "diff_ci_high");
	if (g->history_count < 2)
		return;
	if (!cJSON_IsNumber(prev) || !cJSON_IsNumber(diff) || !cJSON_IsNumber(low) || !cJSON_IsNumber(high)) {
		/* A share this year and none the year before: the reader hears why there is no
		 * comparison, as a hand-written Bilaga 2 would say (no share this year: the
		 * paragraph has said so already). */
		if (g->cell[0].n == 0 || g->cell[0].masked)
			return;
		const struct goal_view *earlier = &g->history[g->history_count - 2];
		/* what the goal's n counts: answers, health pairs, or people who ended */
		const char *counted = strcmp(g->kind, "health") == 0    ? "par"
		                    : strcmp(g->kind, "outcome") == 0 ? "avslutade"
		                                                      : "svar";
		if (earlier->cell[0].masked)
			report_add(t, " Andelen %d redovisas inte (färre än %d %s), så någon jämförelse med det året görs inte.",
			    report_period_year(earlier), earlier->min_n, counted);
		else if (earlier->cell[0].n == 0)
			report_add(t, " För %d finns inga %s att jämföra med.", report_period_year(earlier), counted);
		return;
	}
	char now[32], before[32];
	report_percent(g->cell[0].share, 0, now, sizeof now);
	report_percent(prev->valuedouble, 0, before, sizeof before);
	int year = report_period_year(g), previous = report_period_year(&g->history[g->history_count - 2]);
	int beyond = low->valuedouble > 0 || high->valuedouble < 0;
	char from[32], to[32];
	signed_points(low->valuedouble, from, sizeof from);
	signed_points(high->valuedouble, to, sizeof to);
	const char *change = diff->valuedouble > 0 ? "en ökning" : diff->valuedouble < 0 ? "en minskning" : "ingen förändring";
	if (beyond)
		report_add(t, " Andelen var %s %d mot %s %d, %s som är större än felmarginalen (95 %% intervall för skillnaden "
		       "%s till %s procentenheter).",
		    now, year, before, previous, change, from, to);
	else
		report_add(t, " Andelen var %s %d mot %s %d; skillnaden ryms inom felmarginalen (95 %% intervall för skillnaden "
		       "%s till %s procentenheter).",
		    now, year, before, previous, from, to);
}

void report_draft_paragraph(const struct goal_view *g, struct report_text *t)
{
	if (strcmp(g->kind, "outcome") == 0) {
		outcome_paragraph(g, t);
		return;
	}
	char share[32];
	report_percent(g->cell[0].share, sentence_decimals(g), share, sizeof share);
	const struct goal_cell *all = &g->cell[0];
	if (strcmp(g->kind, "health") == 0) {
		const cJSON *h = g->health;
		/* one who went through the insats twice gives two pairs */
		long pairs = report_json_count(h, "pairs"), persons = report_json_count(h, "persons");
		long twice = persons > 0 && persons < pairs ? pairs - persons : 0;
		if (all->n == 0 && !all->masked) {
			report_add(t, "Inga deltagare i %s har besvarat hälsoenkäten både vid inskrivning och avslut under perioden.",
			    g->insats);
		} else if (all->masked) {
			report_add(t, "Färre än %d deltagare i %s besvarade hälsoenkäten både vid inskrivning och avslut; antalet "
			       "redovisas inte.", g->min_n, g->insats);
		} else if (g->cell[1].masked || g->cell[2].masked) {
			report_add(t, "I %s besvarade %ld deltagare hälsoenkäten både vid inskrivning och avslut.", g->insats, pairs);
			if (twice > 0)
				report_add(t, " Det är %ld par av enkäter från %ld personer: %ld har gått igenom insatsen mer än en gång "
				       "under perioden och räknas en gång per genomgång.",
				    pairs, persons, twice);
		} else if (twice > 0) {
			/* the counts are of pairs, not people: say so before any of them */
			report_add(t, "I %s finns %ld par av hälsoenkäter besvarade både vid inskrivning och avslut (%ld från kvinnor, "
			       "%ld från män", g->insats, pairs, g->cell[1].n, g->cell[2].n);
			if (other_gender(g))
				report_add(t, ", %ld från personer med annat eller ej angivet kön", other_gender(g));
			report_add(t, "), från %ld personer: %ld har gått igenom insatsen mer än en gång under perioden och räknas en "
			       "gång per genomgång.", persons, twice);
			improvements(g, t);
		} else {
			long other = other_gender(g);
			if (other)
				report_add(t, "I %s besvarade %ld kvinnor, %ld män och %ld med annat eller ej angivet kön hälsoenkäten både "
				       "vid inskrivning och avslut.",
				    g->insats, g->cell[1].n, g->cell[2].n, other);
			else
				report_add(t, "I %s besvarade %ld kvinnor och %ld män hälsoenkäten både vid inskrivning och avslut.",
				    g->insats, g->cell[1].n, g->cell[2].n);
			improvements(g, t);
		}
		if (all->n && !all->masked)
			report_add(t, " Totalt %ld av %ld (%s) har %s.", all->pos, all->n, share, health_name(g->indicator));
		long unknown = report_json_count(h, "unknown");
		if (unknown)
			report_add(t, " För %ld deltagare går det inte att avgöra, eftersom frågorna lämnats obesvarade; de ingår inte i "
			       "underlaget.", unknown);
		const cJSON *b = cJSON_GetObjectItemCaseSensitive(h, "bortfall");
		long intake_only = report_json_count(cJSON_GetObjectItemCaseSensitive(b, "intake_only"), "all");
		long exit_only = report_json_count(cJSON_GetObjectItemCaseSensitive(b, "exit_only"), "all");
		if (intake_only || exit_only)
			report_add(t, " Bortfall: %ld besvarade enkäten bara vid inskrivning och %ld bara vid avslut.", intake_only,
			    exit_only);
	} else if (all->masked) {
		report_add(t, "Färre än %d deltagare i %s besvarade frågan", g->min_n, g->insats);
		if (g->question)
			report_add(t, " ”%s”", g->question);
		report_add(t, " %s; antalet redovisas inte.", group_phrase(g->group));
	} else {
		if (all->n == 0) {
			report_add(t, "Ingen deltagare i %s har besvarat frågan", g->insats);
			if (g->question)
				report_add(t, " ”%s”", g->question);
			report_add(t, " %s under perioden.", group_phrase(g->group));
		} else {
			report_add(t, "Frågan");
			if (g->question)
				report_add(t, " ”%s”", g->question);
			report_add(t, " besvarades %s av %ld deltagare i %s", group_phrase(g->group), all->n, g->insats);
			gender_counts(g, t);
			report_add(t, ". %ld av dem (%s) svarade ", all->pos, share);
			positivity_words(g, t);
			report_add(t, ".");
			gender_split(g, t, "svar");
		}
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(g->distribution, "all");
		long dont_know = report_json_count(d, "dont_know"), missing = report_json_count(d, "missing");
		if (dont_know && missing)
			report_add(t, " %ld svarade ”Vet ej / Ej aktuellt” och %ld lämnade frågan obesvarad; de ingår inte i underlaget.",
			    dont_know, missing);
		else if (dont_know)
			report_add(t, " %ld svarade ”Vet ej / Ej aktuellt”; %s inte i underlaget.", dont_know,
			    dont_know == 1 ? "svaret ingår" : "de ingår");
		else if (missing)
			report_add(t, " %ld lämnade frågan obesvarad; %s inte i underlaget.", missing,
			    missing == 1 ? "det ingår" : "de ingår");
	}
	response_sentence(g, t);
	verdict_sentence(g, t);
	comparison_sentence(g, t);
}

static int footnote(struct report_footnotes *notes, const char *text)
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
static void goal_footnotes(const struct goal_view *g, struct report_footnotes *notes, char *out, size_t size)
{
	char text[200];
	out[0] = '\0';
	int numbers[6], count = 0;
	/* No answers at all: one note that says why, not three about small numbers. */
	if (report_goal_has_flag(g, "no_data")) {
		int number = footnote(notes, "Inga svar i underlaget för denna insats och fråga: kontrollera målfilen.");
		if (number)
			snprintf(out, size, "%d", number);
		return;
	}
	if (report_goal_has_flag(g, "small_n")) {
		snprintf(text, sizeof text, "Färre än %d svar: ingen bedömning görs.", g->min_n);
		numbers[count++] = footnote(notes, text);
	}
	if (report_goal_has_flag(g, "small_n_women") && !g->cell[1].masked) {
		snprintf(text, sizeof text, "Färre än %d svar bland kvinnor: andelen för kvinnor är mycket osäker.", g->min_n);
		numbers[count++] = footnote(notes, text);
	}
	if (report_goal_has_flag(g, "small_n_men") && !g->cell[2].masked) {
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

static void share_text(const struct goal_cell *cell, char *out, size_t size)
{
	if (cell->masked)
		snprintf(out, size, "–");
	else if (!cell->has_share)
		out[0] = '\0';
	else
		report_percent(cell->share, 1, out, size);
}

static void interval_text(const struct goal_cell *cell, char *out, size_t size)
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
	percent_number(cell->low, 1, low, sizeof low);
	report_percent(cell->high, 1, high, sizeof high);
	snprintf(out, size, "%s–%s", low, high);
}

void report_table_row(const struct goal_view *g, struct report_footnotes *notes, struct report_table_row *r)
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
	r->verdict = report_goal_has_flag(g, "no_data") || (g->cell[0].n == 0 && !g->cell[0].masked) ? "Inga svar"
	           : g->has_target ? report_verdict_swedish(g->verdict) : "Inget mål";
}

void report_period_words(const struct report_doc *doc, struct report_text *t)
{
	const cJSON *root = doc->root;
	const cJSON *years = cJSON_GetObjectItemCaseSensitive(root, "years");
	if (cJSON_IsArray(years) && doc->count) {
		const cJSON *first = cJSON_GetArrayItem(years, 0), *last = cJSON_GetArrayItem(years, cJSON_GetArraySize(years) - 1);
		report_add(t, "%d (jämfört med %d–%d)", cJSON_IsNumber(last) ? last->valueint : 0,
		           cJSON_IsNumber(first) ? first->valueint : 0, cJSON_IsNumber(last) ? last->valueint - 1 : 0);
		return;
	}
	const cJSON *period = cJSON_GetObjectItemCaseSensitive(root, "period");
	const char *kind = report_json_string(period, "kind");
	const cJSON *year = cJSON_GetObjectItemCaseSensitive(period, "year");
	if (kind && strcmp(kind, "year") == 0 && cJSON_IsNumber(year))
		report_add(t, "%d", year->valueint);
	else if (kind && strcmp(kind, "since") == 0 && cJSON_IsNumber(year))
		report_add(t, "sedan %d", year->valueint);
	else if (kind && strcmp(kind, "range") == 0)
		report_add(t, "%s–%s", report_json_string(period, "from") ? report_json_string(period, "from") : "",
		    report_json_string(period, "to") ? report_json_string(period, "to") : "");
	else
		report_add(t, "alla år");
}

const struct report_flow_line report_flow_lines[] = {
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
const size_t report_flow_line_count = sizeof report_flow_lines / sizeof *report_flow_lines;

/* The lines to show: flow and length always, an end reason only when someone ended so. */
static int flow_shown(const struct report_flow_line *line, const cJSON *row)
{
	return row && (strcmp(line->measure, "end_reason") != 0 || report_json_count(row, "n") > 0);
}

static void flow_value(const cJSON *row, const char *key, int days, char *out, size_t size)
{
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(row, key);
	if (!cJSON_IsNumber(value))
		snprintf(out, size, "–");
	else if (days)
		snprintf(out, size, "%.0f", value->valuedouble);
	else
		snprintf(out, size, "%ld", report_json_count_item(value));
}

/* Line i of the participants table for insats: 1 with its three cells, or 0 when not shown. */
int report_flow_cells(const struct report_doc *doc, const char *insats, size_t i, char all[32], char women[32], char men[32])
{
	const cJSON *row = report_flow_row(doc, insats, report_flow_lines[i].measure, report_flow_lines[i].category);
	if (!flow_shown(&report_flow_lines[i], row))
		return 0;
	int days = strcmp(report_flow_lines[i].measure, "length") == 0;
	flow_value(row, "n", days, all, 32);
	flow_value(row, "n_women", days, women, 32);
	flow_value(row, "n_men", days, men, 32);
	return 1;
}

/* A count of row, or -1 when it is not there (masked, or no such line). */
static long flow_count(const cJSON *row, const char *key)
{
	const cJSON *item = row ? cJSON_GetObjectItemCaseSensitive(row, key) : NULL;
	return cJSON_IsNumber(item) && item->valuedouble >= 0 ? (long)item->valuedouble : -1;
}

size_t report_flow_notes(const struct report_doc *doc, const char *insats, const char *notes[REPORT_FLOW_NOTES_MAX])
{
	size_t count = 0;
	int other_gender = 0;
	long reasons = 0;
	for (size_t i = 0; i < report_flow_line_count; i++) {
		const struct report_flow_line *line = &report_flow_lines[i];
		if (strcmp(line->measure, "length") == 0)
			continue;
		const cJSON *row = report_flow_row(doc, insats, line->measure, line->category);
		if (!flow_shown(line, row))
			continue;
		long all = flow_count(row, "n"), women = flow_count(row, "n_women"), men = flow_count(row, "n_men");
		if (all >= 0 && women >= 0 && men >= 0 && all > women + men)
			other_gender = 1;
		if (strcmp(line->measure, "end_reason") == 0 && all > 0)
			reasons += all;
	}
	long ended = flow_count(report_flow_row(doc, insats, "flow", "ended"), "n");
	if (other_gender)
		notes[count++] = "I Alla ingår också deltagare med annat eller ej angivet kön; de räknas inte bland kvinnor "
		                 "eller män.";
	if (ended >= 0 && reasons > ended)
		notes[count++] = "En deltagare som avslutades av mer än ett skäl räknas under vart och ett av dem, så "
		                 "avslutsorsakerna är fler än de avslutade.";
	return count;
}

/* A year's cell: "90,0 % (10)", or "–" when no one answered (or it is masked). */
void report_year_cell(const struct goal_view *g, char *out, size_t size)
{
	char share[32];
	if (g->cell[0].masked || g->cell[0].n == 0) {
		snprintf(out, size, "–");
		return;
	}
	report_percent(g->cell[0].share, 1, share, sizeof share);
	snprintf(out, size, "%s (%ld)", share, g->cell[0].n);
}


void report_masked_words(int min_n, struct report_text *t)
{
	report_add(t, "– = uppgiften redovisas inte: färre än %d svar, så att enskilda personer inte kan identifieras.",
	           min_n);
}
