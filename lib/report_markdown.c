#include "report_formats.h"
#include "report_words.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

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

static void write_markdown_flow(FILE *out, const struct report_doc *doc, const char *insats)
{
	if (!report_flow_row(doc, insats, "flow", "ended"))
		return;
	fputs("**Deltagare**\n\n| | Alla | Kvinnor | Män |\n|---|---:|---:|---:|\n", out);
	char all[32], women[32], men[32];
	for (size_t i = 0; i < report_flow_line_count; i++)
		if (report_flow_cells(doc, insats, i, all, women, men))
			fprintf(out, "| %s | %s | %s | %s |\n", report_flow_lines[i].label, all, women, men);
	fputs("\n", out);
	const char *notes[REPORT_FLOW_NOTES_MAX];
	size_t note_count = report_flow_notes(doc, insats, notes);
	for (size_t i = 0; i < note_count; i++)
		fprintf(out, "%s  \n", notes[i]);
	if (note_count)
		fputs("\n", out);
}

static void write_markdown_goals(FILE *out, const struct report_section *section)
{
	struct report_footnotes notes = {0};
	fputs("| Mål | Indikator | n (kvinnor / män) | Andel | Andel kvinnor / män | Målnivå | 95 % intervall | "
	      "Bedömning |\n|---|---|---|---:|---:|---:|---:|---|\n",
	      out);
	for (size_t i = 0; i < section->count; i++) {
		const struct goal_view *g = section->goals[i];
		struct report_table_row r;
		report_table_row(g, &notes, &r);
		fputs("| ", out);
		markdown_escape(out, report_goal_title(g));
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
}

static void write_markdown_years(FILE *out, const struct report_section *section)
{
	if (!report_has_years(section))
		return;
	const struct goal_view *first = section->goals[0];
	fputs("\n**År för år** (andel och n)\n\n| Mål |", out);
	for (size_t y = 0; y < first->history_count; y++)
		fprintf(out, " %d |", report_period_year(&first->history[y]));
	fputs("\n|---|", out);
	for (size_t y = 0; y < first->history_count; y++)
		fputs("---:|", out);
	fputs("\n", out);
	for (size_t i = 0; i < section->count; i++) {
		const struct goal_view *g = section->goals[i];
		fputs("| ", out);
		markdown_escape(out, report_goal_title(g));
		fputs(" |", out);
		for (size_t y = 0; y < g->history_count; y++) {
			char cell[48];
			report_year_cell(&g->history[y], cell, sizeof cell);
			fprintf(out, " %s |", cell);
		}
		fputs("\n", out);
	}
}

static void write_markdown_drafts(FILE *out, const struct report_section *section)
{
	fputs("\n### Förslag till text\n\n", out);
	for (size_t i = 0; i < section->count; i++) {
		const struct goal_view *g = section->goals[i];
		struct report_text draft = {0};
		report_draft_paragraph(g, &draft);
		fputs("**", out);
		markdown_escape(out, report_goal_title(g));
		fputs("**\n\n", out);
		markdown_escape(out, draft.data);
		fputs("\n\n", out);
	}
}

int report_write_markdown(FILE *out, const struct report_doc *doc, const char *const *notes, size_t note_count)
{
	struct report_text period = {0};
	report_period_words(doc, &period);
	fputs("# Bilaga 2 – Måluppfyllelse ", out);
	markdown_escape(out, period.data);
	struct report_text intro = {0};
	report_intro(doc, &intro);
	fprintf(out, "\n\n%s\n", intro.data);
	int masked_min_n = report_any_masked(doc);
	if (masked_min_n) {
		struct report_text masked = {0};
		report_masked_words(masked_min_n, &masked);
		fprintf(out, "\n%s\n", masked.data);
	}
	for (size_t n = 0; n < note_count; n++) {
		fputs("\n> Obs: ", out);
		markdown_escape(out, notes[n]);
		fputs("\n", out);
	}
	fputs("\n", out);
	for (size_t s = 0; s < doc->section_count; s++) {
		const struct report_section *section = &doc->sections[s];
		fputs("## ", out);
		markdown_escape(out, section->insats);
		fputs("\n\n", out);
		write_markdown_flow(out, doc, section->insats);
		write_markdown_goals(out, section);
		write_markdown_years(out, section);
		write_markdown_drafts(out, section);
	}
	return ferror(out) ? EX_IOERR : 0;
}
