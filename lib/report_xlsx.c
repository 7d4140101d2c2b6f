#include "report_formats.h"
#include "report_words.h"
#include "text_fold.h"
#include "xlsx.h"

#include <xlsxwriter.h>
#include <zip.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

/* A sheet name Excel accepts: at most 31 characters (UTF-8 kept whole), none of []:*?/\,
 * and not one already used in any case (Excel's names are one in "FIA" and "fia"). */
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
		while (i < used_count && !text_fold_equal(used[i], out))
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

/* The verdict colours of the HTML report. */
static const struct {
	const char *code;
	uint32_t colour;
} verdict_colours[] = {{"met", 0xC7E9C0}, {"within_margin", 0xFFF3B0}, {"not_met", 0xFCBBA1}, {"too_few", 0xE0E0E0},
                       {"none", 0xFFFFFF}};

/* One workbook being written: its formats, and the first failed write.  libxlsxwriter
 * reports a failed write per call, not at the end: the first is kept, and a workbook
 * that lost a cell is removed, never left as if complete. */
struct workbook_writer {
	lxw_workbook *book;
	lxw_format *title, *header, *percent, *wrap, *note, *verdict[5];
	lxw_error error;
};

static void keep_error(struct workbook_writer *w, lxw_error error)
{
	if (error != LXW_NO_ERROR && w->error == LXW_NO_ERROR)
		w->error = error;
}

static void put_text(struct workbook_writer *w, lxw_worksheet *sheet, lxw_row_t row, lxw_col_t col, const char *text,
                     lxw_format *format)
{
	keep_error(w, worksheet_write_string(sheet, row, col, text, format));
}

static void put_number(struct workbook_writer *w, lxw_worksheet *sheet, lxw_row_t row, lxw_col_t col, double number,
                       lxw_format *format)
{
	keep_error(w, worksheet_write_number(sheet, row, col, number, format));
}

static int make_formats(struct workbook_writer *w)
{
	lxw_format **all[] = {&w->title, &w->header, &w->percent, &w->wrap, &w->note, &w->verdict[0], &w->verdict[1],
	                      &w->verdict[2], &w->verdict[3], &w->verdict[4]};
	for (size_t f = 0; f < sizeof all / sizeof *all; f++)
		if (!(*all[f] = workbook_add_format(w->book)))
			return -1;
	format_set_bold(w->title);
	format_set_font_size(w->title, 14);
	format_set_bold(w->header);
	format_set_bottom(w->header, LXW_BORDER_THIN);
	format_set_text_wrap(w->header);
	format_set_num_format(w->percent, "0.0%");
	format_set_text_wrap(w->wrap);
	format_set_italic(w->note);
	for (int v = 0; v < 5; v++) {
		format_set_bg_color(w->verdict[v], verdict_colours[v].colour);
		format_set_bold(w->verdict[v]);
	}
	return 0;
}

/* The goal table of the section from row on; its footnotes under it.  The next free row. */
static lxw_row_t write_goal_table(struct workbook_writer *w, lxw_worksheet *sheet, lxw_row_t row,
                                  const struct report_section *section)
{
	static const char *const headers[] = {"Mål", "Indikator", "n", "n kvinnor", "n män", "Andel", "Andel kvinnor",
	                                      "Andel män", "Målnivå", "95 % KI nedre", "95 % KI övre", "Bedömning",
	                                      "Anmärkning"};
	for (lxw_col_t c = 0; c < sizeof headers / sizeof *headers; c++)
		put_text(w, sheet, row, c, headers[c], w->header);
	row++;
	struct report_footnotes notes = {0};
	for (size_t i = 0; i < section->count; i++) {
		const struct goal_view *g = section->goals[i];
		struct report_table_row r;
		report_table_row(g, &notes, &r);
		put_text(w, sheet, row, 0, report_goal_title(g), w->wrap);
		put_text(w, sheet, row, 1, r.indicator.data, w->wrap);
		for (int c = 0; c < 3; c++) {
			/* numbers as numbers, shares with a percent format; a masked cell says so */
			const struct goal_cell *cell = &g->cell[c];
			if (cell->masked) {
				put_text(w, sheet, row, (lxw_col_t)(2 + c), "–", NULL);
				put_text(w, sheet, row, (lxw_col_t)(5 + c), "–", NULL);
				continue;
			}
			put_number(w, sheet, row, (lxw_col_t)(2 + c), (double)cell->n, NULL);
			if (cell->n > 0)
				put_number(w, sheet, row, (lxw_col_t)(5 + c), cell->share, w->percent);
		}
		if (g->has_target)
			put_number(w, sheet, row, 8, g->target, w->percent);
		if (!g->cell[0].masked && g->cell[0].n > 0) {
			put_number(w, sheet, row, 9, g->cell[0].low, w->percent);
			put_number(w, sheet, row, 10, g->cell[0].high, w->percent);
		}
		int v = 4;
		for (int k = 0; k < 5; k++)
			if (strcmp(g->verdict, verdict_colours[k].code) == 0)
				v = k;
		put_text(w, sheet, row, 11, r.verdict, w->verdict[v]);
		if (r.marks[0]) {
			char marks[48];
			snprintf(marks, sizeof marks, "[%s]", r.marks);
			put_text(w, sheet, row, 12, marks, NULL);
		}
		row++;
	}
	row++;
	for (int n = 0; n < notes.count; n++, row++) {
		char text[220];
		snprintf(text, sizeof text, "[%d] %s", n + 1, notes.text[n]);
		put_text(w, sheet, row, 0, text, w->note);
	}
	return row;
}

/* The years side by side from row on, when the section has them: each year's share,
 * and its n beside it (a share of 3 answers is not one of 300).  The next free row. */
static lxw_row_t write_years(struct workbook_writer *w, lxw_worksheet *sheet, lxw_row_t row,
                             const struct report_section *section)
{
	if (!report_has_years(section))
		return row;
	row++;
	put_text(w, sheet, row++, 0, "År för år (andel och n)", w->header);
	const struct goal_view *first = section->goals[0];
	put_text(w, sheet, row, 0, "Mål", w->header);
	for (size_t y = 0; y < first->history_count; y++) {
		put_number(w, sheet, row, (lxw_col_t)(1 + 2 * y), report_period_year(&first->history[y]), w->header);
		put_text(w, sheet, row, (lxw_col_t)(2 + 2 * y), "n", w->header);
	}
	row++;
	for (size_t i = 0; i < section->count; i++) {
		const struct goal_view *g = section->goals[i];
		put_text(w, sheet, row, 0, report_goal_title(g), w->wrap);
		for (size_t y = 0; y < g->history_count; y++) {
			const struct goal_cell *cell = &g->history[y].cell[0];
			lxw_col_t share = (lxw_col_t)(1 + 2 * y), n = (lxw_col_t)(2 + 2 * y);
			if (cell->masked) {
				put_text(w, sheet, row, share, "–", NULL);
				put_text(w, sheet, row, n, "–", NULL);
				continue;
			}
			if (cell->n == 0)
				put_text(w, sheet, row, share, "–", NULL);
			else
				put_number(w, sheet, row, share, cell->share, w->percent);
			put_number(w, sheet, row, n, (double)cell->n, NULL);
		}
		row++;
	}
	return row;
}

/* Underlag: every row as ifs-shares --format tsv has it. */
static void write_underlag(struct workbook_writer *w, const struct report_doc *doc)
{
	lxw_worksheet *raw = workbook_add_worksheet(w->book, "Underlag");
	if (!raw) {
		keep_error(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return;
	}
	static const char *const raw_columns[] = {"period",    "insats",      "goal",        "indicator",    "group",
	                                          "level",     "target",      "n",           "pos",          "share",
	                                          "ci_low",    "ci_high",     "verdict",     "n_women",      "pos_women",
	                                          "share_women", "n_men",     "pos_men",     "share_men",    "flags",
	                                          "ended",     "response_rate", "prev_share", "diff",         "diff_ci_low",
	                                          "diff_ci_high"};
	/* the change from the year before, as the TSV has it, when the years are side by side */
	int years = cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc->root, "years"));
	lxw_col_t columns = (lxw_col_t)(sizeof raw_columns / sizeof *raw_columns) - (years ? 0 : 4);
	for (lxw_col_t c = 0; c < columns; c++)
		put_text(w, raw, 0, c, raw_columns[c], w->header);
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(doc->root, "rows"), *item;
	lxw_row_t r = 1;
	cJSON_ArrayForEach(item, rows)
	{
		static const char *const texts[] = {"period", "insats", "goal", "indicator", "group", "level"};
		for (lxw_col_t c = 0; c < 6; c++) {
			const char *text = report_json_string(item, texts[c]);
			if (text)
				put_text(w, raw, r, c, text, NULL);
		}
		const cJSON *target = cJSON_GetObjectItemCaseSensitive(item, "target");
		if (cJSON_IsNumber(target))
			put_number(w, raw, r, 6, target->valuedouble, NULL);
		static const char *const cells[] = {"total", "women", "men"};
		static const lxw_col_t at[] = {7, 13, 16};
		for (int c = 0; c < 3; c++) {
			const cJSON *cell = cJSON_GetObjectItemCaseSensitive(item, cells[c]);
			static const char *const keys[] = {"n", "pos", "share", "ci_low", "ci_high"};
			for (int k = 0; k < (c ? 3 : 5); k++) {
				const cJSON *value = cJSON_GetObjectItemCaseSensitive(cell, keys[k]);
				if (cJSON_IsNumber(value))
					put_number(w, raw, r, (lxw_col_t)(at[c] + k), value->valuedouble, NULL);
			}
		}
		const char *verdict = report_json_string(item, "verdict");
		if (verdict)
			put_text(w, raw, r, 12, verdict, NULL);
		const cJSON *flags = cJSON_GetObjectItemCaseSensitive(item, "flags"), *flag;
		char list[256] = "";
		cJSON_ArrayForEach(flag, flags)
		if (cJSON_IsString(flag))
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", list[0] ? "," : "", flag->valuestring);
		put_text(w, raw, r, 19, list, NULL);
		for (lxw_col_t c = 20; c < columns; c++) {
			const cJSON *value = cJSON_GetObjectItemCaseSensitive(item, raw_columns[c]);
			if (cJSON_IsNumber(value))
				put_number(w, raw, r, c, value->valuedouble, NULL);
		}
		r++;
	}
}

/* The participants table (ifs-flow) of the section from row on, when there is one. */
static lxw_row_t write_flow(struct workbook_writer *w, lxw_worksheet *sheet, lxw_row_t row,
                            const struct report_doc *doc, const char *insats)
{
	if (!report_flow_row(doc, insats, "flow", "ended"))
		return row;
	row++;
	put_text(w, sheet, row++, 0, "Deltagare", w->header);
	static const char *const headers[] = {"", "Alla", "Kvinnor", "Män"};
	for (lxw_col_t c = 0; c < 4; c++)
		put_text(w, sheet, row, c, headers[c], w->header);
	row++;
	for (size_t i = 0; i < report_flow_line_count; i++) {
		char cells[3][32];
		if (!report_flow_cells(doc, insats, i, cells[0], cells[1], cells[2]))
			continue;
		put_text(w, sheet, row, 0, report_flow_lines[i].label, NULL);
		for (int c = 0; c < 3; c++) {
			/* counts and days as numbers; a missing one as the dash of the other formats */
			char *end;
			double number = strtod(cells[c], &end);
			if (end != cells[c] && !*end)
				put_number(w, sheet, row, (lxw_col_t)(1 + c), number, NULL);
			else
				put_text(w, sheet, row, (lxw_col_t)(1 + c), cells[c], NULL);
		}
		row++;
	}
	const char *notes[REPORT_FLOW_NOTES_MAX];
	size_t note_count = report_flow_notes(doc, insats, notes);
	for (size_t i = 0; i < note_count; i++)
		put_text(w, sheet, row++, 0, notes[i], NULL);
	return row;
}

/* The notes on the data ("Obs: ...") from row on.  The next free row. */
static lxw_row_t write_notes(struct workbook_writer *w, lxw_worksheet *sheet, lxw_row_t row,
                             const char *const *notes, size_t note_count)
{
	if (note_count)
		row++;
	for (size_t n = 0; n < note_count; n++) {
		char text[4200];
		snprintf(text, sizeof text, "Obs: %s", notes[n]);
		put_text(w, sheet, row++, 0, text, w->note);
	}
	return row;
}

/* A sheet per insats, then Underlag.  The number of sheets added. */
static size_t write_sheets(struct workbook_writer *w, const struct report_doc *doc, const char *heading,
                           const char *const *notes, size_t note_count)
{
	char used[64][64];
	size_t used_count = 0;
	if (doc->section_count > 64)
		keep_error(w, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE); /* more insatser than sheets kept apart */
	for (size_t s = 0; s < doc->section_count && !w->error; s++) {
		const struct report_section *section = &doc->sections[s];
		char name[64];
		sheet_name(section->insats, used, used_count, name);
		snprintf(used[used_count++], 64, "%s", name);
		/* a name it refuses is said as such, not as memory that ran out */
		lxw_error refused = workbook_validate_sheet_name(w->book, name);
		if (refused != LXW_NO_ERROR) {
			keep_error(w, refused);
			break;
		}
		lxw_worksheet *sheet = workbook_add_worksheet(w->book, name);
		if (!sheet) {
			keep_error(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
			break;
		}
		worksheet_set_column(sheet, 0, 0, 50, w->wrap);
		worksheet_set_column(sheet, 1, 1, 40, w->wrap);
		worksheet_set_column(sheet, 2, 12, 11, NULL);
		put_text(w, sheet, 0, 0, heading, w->title);
		put_text(w, sheet, 1, 0, section->insats, w->header);
		/* the goal table first, at the same row on every sheet; the rest below it */
		lxw_row_t row = write_goal_table(w, sheet, 3, section);
		row = write_notes(w, sheet, row, notes, note_count);
		row = write_flow(w, sheet, row, doc, section->insats);
		write_years(w, sheet, row, section);
	}
	if (!w->error)
		write_underlag(w, doc);
	return used_count + 1;
}

int report_write_xlsx(const char *path, const struct report_doc *doc, const char *const *notes, size_t note_count,
                      char *error, size_t error_size)
{
	/* Written beside path and renamed into place once read back whole: a workbook the
	 * writer failed on (libxlsxwriter 1.1 can crash when memory runs out) never stands
	 * at path looking complete. */
	char temporary[4096];
	if ((size_t)snprintf(temporary, sizeof temporary, "%s.tmp-%ld", path, (long)getpid()) >= sizeof temporary) {
		snprintf(error, error_size, "%s: path too long", path);
		return EX_CANTCREAT;
	}
	lxw_workbook_options options = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
	struct workbook_writer w = {.book = workbook_new_opt(temporary, &options), .error = LXW_NO_ERROR};
	if (!w.book) {
		snprintf(error, error_size, "%s: cannot create the workbook", path);
		return EX_CANTCREAT;
	}
	struct report_text period = {0};
	report_period_words(doc, &period);
	char heading[4200];
	snprintf(heading, sizeof heading, "Bilaga 2 – Måluppfyllelse %s", period.data);
	size_t sheets = 0;
	if (make_formats(&w) < 0)
		keep_error(&w, LXW_ERROR_MEMORY_MALLOC_FAILED);
	else
		sheets = write_sheets(&w, doc, heading, notes, note_count);
	/* libxlsxwriter 1.1 crashes closing a workbook whose worksheet it failed to add,
	 * and can lose a part while packaging without saying so: after a failed write the
	 * workbook is not closed (the file is never created), and a closed one is read back. */
	lxw_error closed = w.error ? LXW_NO_ERROR : close_workbook(w.book);
	int read_back = !w.error && closed == LXW_NO_ERROR ? workbook_reads_back(temporary, sheets, heading) : 1;
	if (!w.error && closed == LXW_NO_ERROR && read_back && rename(temporary, path) < 0) {
		snprintf(error, error_size, "%s: cannot create the workbook: %s", path, strerror(errno));
		unlink(temporary);
		return EX_CANTCREAT;
	}
	if (w.error || closed != LXW_NO_ERROR || !read_back) {
		lxw_error cause = w.error ? w.error : closed;
		unlink(temporary);
		if (cause != LXW_NO_ERROR)
			snprintf(error, error_size, "%s: cannot write the workbook: %s", path, lxw_strerror(cause));
		else
			snprintf(error, error_size, "%s: the workbook was written incomplete (out of memory?)", path);
		return cause == LXW_NO_ERROR || cause == LXW_ERROR_MEMORY_MALLOC_FAILED ? EX_OSERR : EX_IOERR;
	}
	return 0;
}
