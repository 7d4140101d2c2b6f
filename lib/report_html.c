#include "report.h"
#include "report_formats.h"
#include "report_words.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

/* ColorBrewer "Blues": sequential, distinct in lightness, so grey-scale print and
 * colour-blind readers see the order too. */
static const char *const level_colours[] = {"#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"};

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

static void write_html_flow(FILE *out, const struct report_doc *doc, const char *insats)
{
	if (!report_flow_row(doc, insats, "flow", "ended"))
		return;
	fputs("<table class=\"flow\">\n<caption>Deltagare</caption>\n<thead><tr><th scope=\"col\"></th>"
	      "<th scope=\"col\">Alla</th><th scope=\"col\">Kvinnor</th><th scope=\"col\">Män</th></tr></thead>\n"
	      "<tbody>\n",
	      out);
	char all[32], women[32], men[32];
	for (size_t i = 0; i < report_flow_line_count; i++)
		if (report_flow_cells(doc, insats, i, all, women, men))
			fprintf(out, "<tr><th scope=\"row\">%s</th><td class=\"num\">%s</td><td class=\"num\">%s</td>"
			             "<td class=\"num\">%s</td></tr>\n",
			        report_flow_lines[i].label, all, women, men);
	fputs("</tbody>\n</table>\n", out);
	const char *notes[REPORT_FLOW_NOTES_MAX];
	size_t note_count = report_flow_notes(doc, insats, notes);
	for (size_t i = 0; i < note_count; i++)
		fprintf(out, "<p class=\"flow-note\">%s</p>\n", notes[i]);
}

static const char html_style[] =
	"body{font-family:\"DejaVu Sans\",Arial,sans-serif;font-size:11pt;line-height:1.4;color:#111;max-width:60em;"
	"margin:2em auto;padding:0 1em}\n"
	"h1{font-size:18pt}h2{font-size:14pt;border-bottom:1px solid #999;margin-top:2em}h3{font-size:12pt}\n"
	"table{border-collapse:collapse;width:100%;margin:1em 0;font-size:9.5pt}\n"
	"th,td{border:1px solid #999;padding:.3em .4em;vertical-align:top;text-align:left}\n"
	"td.num{text-align:right;white-space:nowrap}th{background:#e8e8e8}\n"
	".verdict-met{font-weight:bold}.verdict-not_met{font-weight:bold;text-decoration:underline}\n"
	"sup{font-size:75%}ol.notes,p.flow-note{font-size:9pt;color:#333}\n"
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
		counts[i] = i < size ? report_json_count_item(cJSON_GetArrayItem(levels, i)) : 0;
		n += counts[i];
	}
	*dont_know = report_json_count(distribution, "dont_know");
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
		names[level - 1] = report_level_label(g, level, name_buffers[level - 1], sizeof name_buffers[0]);
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
	report_html_escape(out, report_goal_title(g));
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
		report_year_cell(h, cell, sizeof cell);
		fprintf(out, " %d: %s.", report_period_year(h), h->cell[0].n && !h->cell[0].masked ? cell : "inga svar");
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
		const struct goal_cell *c = &g->history[y].cell[0];
		if (c->n && !c->masked)
			fprintf(out, "%.1f,%.1f ", left + step * (double)y, bottom - (bottom - top) * c->share);
	}
	fputs("\"/>\n", out);
	for (size_t y = 0; y < years; y++) {
		const struct goal_view *h = &g->history[y];
		const struct goal_cell *c = &h->cell[0];
		double x = left + step * (double)y;
		fprintf(out, "<text x=\"%.1f\" y=\"192\" font-size=\"10\" text-anchor=\"middle\">%d</text>\n", x,
		        report_period_year(h));
		if (!c->n || c->masked)
			continue;
		char cell[48];
		report_year_cell(h, cell, sizeof cell);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#08519c\"/>\n", x,
		        bottom - (bottom - top) * c->low, x, bottom - (bottom - top) * c->high);
		fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#08519c\"><title>%d: %s</title></circle>\n", x,
		        bottom - (bottom - top) * c->share, report_period_year(h), cell);
	}
	fputs("</svg>\n</figure>\n", out);
}

/* The years side by side: a goal per row, its share and n per year. */
static void write_html_years(FILE *out, const struct report_section *section)
{
	const struct goal_view *first = section->goals[0];
	fputs("<h3>År för år</h3>\n<table class=\"years\">\n<thead><tr><th scope=\"col\">Mål</th>", out);
	for (size_t y = 0; y < first->history_count; y++)
		fprintf(out, "<th scope=\"col\">%d</th>", report_period_year(&first->history[y]));
	fputs("</tr></thead>\n<tbody>\n", out);
	for (size_t i = 0; i < section->count; i++) {
		const struct goal_view *g = section->goals[i];
		fputs("<tr data-goal=\"", out);
		report_html_escape(out, g->goal);
		fputs("\"><td>", out);
		report_html_escape(out, report_goal_title(g));
		fputs("</td>", out);
		for (size_t y = 0; y < g->history_count; y++) {
			char cell[48];
			report_year_cell(&g->history[y], cell, sizeof cell);
			fprintf(out, "<td class=\"num\">%s</td>", cell);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
}

static void write_html_goals(FILE *out, const struct report_section *section)
{
	struct report_footnotes notes = {0};
	fputs("<table>\n<thead><tr><th scope=\"col\">Mål</th><th scope=\"col\">Indikator</th>"
	      "<th scope=\"col\">n (kvinnor / män)</th><th scope=\"col\">Andel</th><th scope=\"col\">Andel kvinnor / män</th>"
	      "<th scope=\"col\">Målnivå</th><th scope=\"col\">95 % intervall</th><th scope=\"col\">Bedömning</th></tr>"
	      "</thead>\n<tbody>\n",
	      out);
	for (size_t i = 0; i < section->count; i++) {
		const struct goal_view *g = section->goals[i];
		struct report_table_row r;
		report_table_row(g, &notes, &r);
		fprintf(out, "<tr data-goal=\"");
		report_html_escape(out, g->goal);
		fputs("\"><td>", out);
		report_html_escape(out, report_goal_title(g));
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
}

static void write_html_drafts(FILE *out, const struct report_section *section)
{
	fputs("<div class=\"draft\">\n<h3>Förslag till text</h3>\n", out);
	for (size_t i = 0; i < section->count; i++) {
		const struct goal_view *g = section->goals[i];
		struct report_text draft = {0};
		report_draft_paragraph(g, &draft);
		fputs("<h4>", out);
		report_html_escape(out, report_goal_title(g));
		fputs("</h4>\n<p>", out);
		report_html_escape(out, draft.data);
		fputs("</p>\n", out);
	}
	fputs("</div>\n", out);
}

static void write_html_section(FILE *out, const struct report_doc *doc, const struct report_section *section,
                               int *chart_index)
{
	fputs("<section class=\"insats\">\n<h2>", out);
	report_html_escape(out, section->insats);
	fputs("</h2>\n", out);
	write_html_flow(out, doc, section->insats);
	write_html_goals(out, section);
	for (size_t i = 0; i < section->count; i++)
		html_chart(out, section->goals[i], (*chart_index)++);
	if (report_has_years(section)) {
		write_html_years(out, section);
		for (size_t i = 0; i < section->count; i++)
			if (section->goals[i]->history_count > 1)
				html_trend_chart(out, section->goals[i], (*chart_index)++);
	}
	write_html_drafts(out, section);
	fputs("</section>\n", out);
}

int report_write_html(FILE *out, const struct report_doc *doc, const char *const *notes, size_t note_count)
{
	struct report_text period = {0};
	report_period_words(doc, &period);
	fputs("<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n<title>", out);
	fputs("Bilaga 2 – Måluppfyllelse ", out);
	report_html_escape(out, period.data);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>Bilaga 2 – Måluppfyllelse ", html_style);
	report_html_escape(out, period.data);
	struct report_text intro = {0};
	report_intro(doc, &intro);
	fprintf(out, "</h1>\n<p>%s", intro.data);
	const cJSON *vas = cJSON_GetObjectItemCaseSensitive(doc->root, "vas_min_delta");
	if (cJSON_IsNumber(vas) && vas->valuedouble >= 0)
		fprintf(out, " Klart bättre hälsa enligt VAS betyder minst %d poängs förbättring.", vas->valueint);
	fputs("</p>\n", out);
	int masked_min_n = report_any_masked(doc);
	if (masked_min_n) {
		struct report_text masked = {0};
		report_masked_words(masked_min_n, &masked);
		fprintf(out, "<p>%s</p>\n", masked.data);
	}
	for (size_t n = 0; n < note_count; n++) {
		fputs("<p class=\"note\"><strong>Obs:</strong> ", out);
		report_html_escape(out, notes[n]);
		fputs("</p>\n", out);
	}
	int chart_index = 1;
	for (size_t s = 0; s < doc->section_count; s++)
		write_html_section(out, doc, &doc->sections[s], &chart_index);
	fputs("</body>\n</html>\n", out);
	return ferror(out) ? EX_IOERR : 0;
}
