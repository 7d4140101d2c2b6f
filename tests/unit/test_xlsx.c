/* Unit tests for the .xlsx reader: workbooks built here part by part with libzip,
 * in the shapes different writers produce (Excel, LibreOffice, openpyxl, survey
 * tools that write inline strings), and damaged ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <cmocka.h>

#include "row_source.h"
#include "xlsx.h"

static char scratch[] = "/tmp/test_xlsx_XXXXXX";
static char path[512];

struct part {
	const char *name, *text;
};

static const char content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";
static const char package_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"xl/workbook.xml\"/></Relationships>";
static const char one_sheet_workbook[] =
    "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"Blad1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char workbook_rels[] =
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
    "Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"/xl/styles.xml\"/></Relationships>";
/* cellXfs: 0 General, 1 built-in 14 (short date), 2 custom date and time, 3 built-in 20 (h:mm), 4 custom "0.0" */
static const char styles[] =
    "<?xml version=\"1.0\"?><styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\\ hh:mm\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"0.0\"/></numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"164\"/><xf numFmtId=\"20\"/><xf numFmtId=\"165\"/></cellXfs></styleSheet>";
static const char shared_strings[] =
    "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"4\">"
    "<si><t>Respondent-ID</t></si>"
    "<si><r><rPr><b/></rPr><t>Helt och </t></r><r><t>hållet</t></r></si>"
    "<si><t>東京</t><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh></si>"
    "<si><t xml:space=\"preserve\">rad ett_x000D_\nrad två _x005F_x0041_</t></si></sst>";

static void write_workbook(const struct part *parts, size_t count)
{
	snprintf(path, sizeof path, "%s/book.xlsx", scratch);
	unlink(path);
	int code = 0;
	zip_t *zip = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
	assert_non_null(zip);
	for (size_t i = 0; i < count; i++) {
		zip_source_t *source = zip_source_buffer(zip, parts[i].text, strlen(parts[i].text), 0);
		assert_non_null(source);
		assert_true(zip_file_add(zip, parts[i].name, source, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(zip), 0);
}

static void write_sheet(const char *sheet_data)
{
	static char sheet[1 << 16];
	snprintf(sheet, sizeof sheet,
	         "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	         "<sheetData>%s</sheetData></worksheet>",
	         sheet_data);
	const struct part parts[] = {
	    {"[Content_Types].xml", content_types},   {"_rels/.rels", package_rels},
	    {"xl/workbook.xml", one_sheet_workbook},  {"xl/_rels/workbook.xml.rels", workbook_rels},
	    {"xl/styles.xml", styles},                {"xl/sharedStrings.xml", shared_strings},
	    {"xl/worksheets/sheet1.xml", sheet},
	};
	write_workbook(parts, sizeof parts / sizeof *parts);
}

static struct xlsx_book *open_book(void)
{
	char error[512] = "";
	struct xlsx_book *book = xlsx_open(path, NULL, 0, "book.xlsx", error, sizeof error);
	if (!book)
		fail_msg("open failed: %s", error);
	return book;
}

static void expect_open_error(const char *expected)
{
	char error[512] = "";
	struct xlsx_book *book = xlsx_open(path, NULL, 0, "book.xlsx", error, sizeof error);
	assert_null(book);
	assert_string_equal(error, expected);
}

/* The row's cells joined with '|', for comparing a whole row at once. */
static const char *joined(const struct xlsx_row *row)
{
	static char text[4096];
	size_t used = 0;
	text[0] = '\0';
	for (size_t c = 0; c < row->count; c++) {
		assert_int_equal(strlen(row->cells[c]), row->lengths[c]);
		used += (size_t)snprintf(text + used, sizeof text - used, "%s%s", c ? "|" : "", row->cells[c]);
	}
	return text;
}

static void test_cell_types(void **state)
{
	write_sheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
	            "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c></row>"
	            "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>Till stor del</t></is></c>"
	            "<c r=\"C3\"><v>197901011234</v></c><c r=\"D3\"><v>30.5</v></c>"
	            "<c r=\"E3\"><v>0.30000000000000004</v></c><c r=\"F3\" s=\"4\"><v>2.25</v></c></row>"
	            "<row><c t=\"b\"><v>1</v></c><c t=\"b\"><v>0</v></c><c t=\"e\"><v>#N/A</v></c>"
	            "<c t=\"str\"><f>A1&amp;\"x\"</f><v>Respondent-IDx</v></c><c s=\"1\"/><c><v>-4</v></c></row>"
	            "<row r=\"7\"><c r=\"B7\" s=\"1\"><v>44635</v></c><c r=\"C7\" s=\"2\"><v>44635.4375</v></c>"
	            "<c r=\"D7\" s=\"3\"><v>0.75</v></c><c r=\"E7\" t=\"d\"><v>2022-03-15T00:00:00</v></c>"
	            "<c r=\"F7\"><v>1E+20</v></c><c r=\"G7\"><v>1.5E-3</v></c></row>"
	            "<row r=\"8\"><c r=\"A8\" s=\"1\"/><c r=\"B8\" t=\"s\"/></row>");
	struct xlsx_book *book = open_book();
	assert_string_equal(xlsx_sheet_name(book), "Blad1");
	assert_int_equal(xlsx_sheet_count(book), 1);
	struct xlsx_row row;
	assert_int_equal(xlsx_next_row(book, &row), 1);
	assert_int_equal(row.number, 1);
	/* rich text runs joined, the phonetic run left out, escapes decoded */
	assert_string_equal(joined(&row), "Respondent-ID|Helt och hållet|東京|rad ett\r\nrad två _x0041_");
	assert_int_equal(xlsx_next_row(book, &row), 1);
	assert_int_equal(row.number, 3);
	/* a gap (B3) is an empty cell; numbers as Excel's General shows them, but never 1,97901E+11 */
	assert_string_equal(joined(&row), "Till stor del||197901011234|30.5|0.3|2.25");
	assert_int_equal(xlsx_next_row(book, &row), 1);
	assert_int_equal(row.number, 4); /* a row without r follows the one before */
	assert_string_equal(joined(&row), "TRUE|FALSE|#N/A|Respondent-IDx||-4");
	assert_int_equal(xlsx_next_row(book, &row), 1);
	assert_int_equal(row.number, 7);
	assert_string_equal(joined(&row), "|2022-03-15|2022-03-15 10:30:00|18:00:00|2022-03-15T00:00:00|1e+20|0.0015");
	assert_int_equal(xlsx_next_row(book, &row), 1);
	assert_int_equal(row.number, 8);
	assert_int_equal(row.count, 0); /* formatted but empty cells: an empty row */
	assert_int_equal(xlsx_next_row(book, &row), 0);
	assert_int_equal(xlsx_next_row(book, &row), 0);
	xlsx_close(book);
}

static void test_first_visible_worksheet_and_prefixes(void **state)
{
	/* LibreOffice/Excel variants: a hidden sheet and a chart sheet before the data, a
	 * workbook elsewhere than xl/, namespace prefixes on every element, the 1904 date
	 * system, no shared strings part at all. */
	const char rels[] =
	    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	    "<Relationship Id=\"a\" Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument\" "
	    "Target=\"/book/main.xml\"/></Relationships>";
	const char workbook[] =
	    "<x:workbook xmlns:x=\"http://purl.oclc.org/ooxml/spreadsheetml/main\" "
	    "xmlns:rel=\"http://purl.oclc.org/ooxml/officeDocument/relationships\">"
	    "<x:workbookPr date1904=\"true\"/><x:sheets>"
	    "<x:sheet name=\"Gömd\" sheetId=\"1\" state=\"hidden\" rel:id=\"r1\"/>"
	    "<x:sheet name=\"Diagram\" sheetId=\"2\" rel:id=\"r2\"/>"
	    "<x:sheet name=\"Svar\" sheetId=\"3\" rel:id=\"r3\"/>"
	    "<x:sheet name=\"Svar 2023\" sheetId=\"4\" rel:id=\"r4\"/></x:sheets></x:workbook>";
	const char workbook_relationships[] =
	    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	    "<Relationship Id=\"r1\" Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet\" "
	    "Target=\"hidden.xml\"/>"
	    "<Relationship Id=\"r2\" Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/chartsheet\" "
	    "Target=\"chart.xml\"/>"
	    "<Relationship Id=\"r3\" Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet\" "
	    "Target=\"../sheets/answers.xml\"/>"
	    "<Relationship Id=\"r4\" Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet\" "
	    "Target=\"../sheets/other.xml\"/>"
	    "<Relationship Id=\"r5\" Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/styles\" "
	    "Target=\"s.xml\"/></Relationships>";
	const char style_part[] = "<x:styleSheet xmlns:x=\"urn:x\"><x:cellXfs><x:xf numFmtId=\"0\"/>"
	                          "<x:xf numFmtId=\"14\"/></x:cellXfs></x:styleSheet>";
	const char hidden[] = "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>hemligt</t></is></c></row>"
	                      "</sheetData></worksheet>";
	const char answers[] = "<x:worksheet xmlns:x=\"urn:x\"><x:sheetData><x:row x:r=\"2\">"
	                       "<x:c r=\"A2\" t=\"inlineStr\"><x:is><x:t>Datum</x:t></x:is></x:c></x:row>"
	                       "<x:row r=\"3\"><x:c r=\"A3\" s=\"1\"><x:v>0</x:v></x:c>"
	                       "<x:c r=\"B3\" s=\"1\"><x:v>43173</x:v></x:c></x:row></x:sheetData></x:worksheet>";
	const struct part parts[] = {
	    {"_rels/.rels", rels},          {"book/main.xml", workbook}, {"book/_rels/main.xml.rels", workbook_relationships},
	    {"book/s.xml", style_part},     {"book/hidden.xml", hidden}, {"sheets/answers.xml", answers},
	    {"sheets/other.xml", answers},
	};
	write_workbook(parts, sizeof parts / sizeof *parts);
	struct xlsx_book *book = open_book();
	assert_string_equal(xlsx_sheet_name(book), "Svar");
	assert_int_equal(xlsx_sheet_count(book), 2); /* the visible worksheets: not the hidden one, not the chart */
	struct xlsx_row row;
	assert_int_equal(xlsx_next_row(book, &row), 1);
	assert_int_equal(row.number, 2);
	assert_string_equal(joined(&row), "Datum");
	assert_int_equal(xlsx_next_row(book, &row), 1);
	assert_string_equal(joined(&row), "1904-01-01|2022-03-15"); /* 43173 days after 1904-01-01 */
	assert_int_equal(xlsx_next_row(book, &row), 0);
	xlsx_close(book);
}

static void test_many_rows_across_chunks(void **state)
{
	/* Far more than one 64 KiB read: the parser is suspended at each row and
	 * resumed, across chunk boundaries, and every row arrives once, in order. */
	static char sheet[4 << 20];
	size_t used = (size_t)snprintf(sheet, sizeof sheet,
	                               "<worksheet xmlns=\"urn:x\"><sheetData>");
	for (int r = 1; r <= 20000; r++)
		used += (size_t)snprintf(sheet + used, sizeof sheet - used,
		                         "<row r=\"%d\"><c t=\"inlineStr\"><is><t>R-%d</t></is></c><c><v>%d</v></c></row>", r,
		                         r, r * 3);
	snprintf(sheet + used, sizeof sheet - used, "</sheetData></worksheet>");
	const struct part parts[] = {
	    {"_rels/.rels", package_rels},
	    {"xl/workbook.xml", one_sheet_workbook},
	    {"xl/_rels/workbook.xml.rels", workbook_rels},
	    {"xl/worksheets/sheet1.xml", sheet},
	    {"xl/sharedStrings.xml", shared_strings},
	};
	write_workbook(parts, sizeof parts / sizeof *parts);
	struct xlsx_book *book = open_book();
	struct xlsx_row row;
	int rows = 0;
	while (xlsx_next_row(book, &row) == 1) {
		rows++;
		char expected[64];
		snprintf(expected, sizeof expected, "R-%d|%d", rows, rows * 3);
		assert_int_equal(row.number, rows);
		assert_string_equal(joined(&row), expected);
	}
	assert_int_equal(rows, 20000);
	xlsx_close(book);
}

static void test_damaged_workbooks(void **state)
{
	write_sheet("<row><c t=\"s\"><v>9</v></c></row>");
	struct xlsx_book *book = open_book();
	struct xlsx_row row;
	assert_int_equal(xlsx_next_row(book, &row), -1);
	assert_string_equal(xlsx_error(book),
	                    "book.xlsx: damaged workbook: xl/worksheets/sheet1.xml:1: a cell names a shared string that "
	                    "does not exist");
	xlsx_close(book);

	write_sheet("<row><c><v>1</v></c></row>\n<row><c><v>2</c></row>");
	book = open_book();
	assert_int_equal(xlsx_next_row(book, &row), 1);
	assert_int_equal(xlsx_next_row(book, &row), -1);
	assert_string_equal(xlsx_error(book),
	                    "book.xlsx: damaged workbook: xl/worksheets/sheet1.xml:2:15: mismatched tag");
	xlsx_close(book);

	write_sheet("<row><c r=\"XFE1\"><v>1</v></c></row>");
	book = open_book();
	assert_int_equal(xlsx_next_row(book, &row), -1);
	assert_string_equal(xlsx_error(book),
	                    "book.xlsx: damaged workbook: xl/worksheets/sheet1.xml:1: a cell beyond Excel's last column, XFD");
	xlsx_close(book);

	/* A DTD can only be there to expand entities: refused before any is expanded. */
	const char laughs[] = "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY a \"aaaaaaaaaa\">"
	                      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><sst><si><t>&b;</t></si></sst>";
	const struct part with_dtd[] = {
	    {"_rels/.rels", package_rels},
	    {"xl/workbook.xml", one_sheet_workbook},
	    {"xl/_rels/workbook.xml.rels", workbook_rels},
	    {"xl/sharedStrings.xml", laughs},
	    {"xl/worksheets/sheet1.xml", "<worksheet/>"},
	};
	write_workbook(with_dtd, sizeof with_dtd / sizeof *with_dtd);
	expect_open_error("book.xlsx: damaged workbook: xl/sharedStrings.xml holds a DTD, which no spreadsheet writes");

	const struct part no_sheet[] = {
	    {"_rels/.rels", package_rels},
	    {"xl/workbook.xml", one_sheet_workbook},
	    {"xl/_rels/workbook.xml.rels", workbook_rels},
	};
	write_workbook(no_sheet, sizeof no_sheet / sizeof *no_sheet);
	expect_open_error("book.xlsx: damaged workbook: its sheet xl/worksheets/sheet1.xml is missing");

	const struct part not_a_workbook[] = {{"word/document.xml", "<document/>"}};
	write_workbook(not_a_workbook, 1);
	expect_open_error("book.xlsx: a zip archive but not an Excel workbook (no xl/workbook.xml); expected CSV, "
	                  "JSON or .xlsx");

	const struct part opendocument[] = {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
	                                    {"content.xml", "<office:document-content/>"}};
	write_workbook(opendocument, 2);
	expect_open_error("book.xlsx: an OpenDocument file (.ods), not an Excel workbook: save it as .xlsx or as CSV");

	/* cut short: the zip's directory, at its end, is gone */
	write_sheet("<row><c><v>1</v></c></row>");
	assert_int_equal(truncate(path, 200), 0);
	expect_open_error("book.xlsx: a damaged or truncated .xlsx workbook (Not a zip archive); save it again, or as CSV");
}

static void test_number_formats_and_serials(void **state)
{
	static const struct {
		const char *code;
		int kind;
	} formats[] = {
	    {"General", 0},          {"0.00", 0},           {"#,##0 \"kr\"", 0},      {"0.00E+00", 0},
	    {"@", 0},                {"yyyy-mm-dd", 1},     {"YYYY-MM-DD", 1},        {"d/m/yyyy", 1},
	    {"mmm", 1},              {"[$-41D]d mmmm yyyy", 1}, {"h:mm", 2},          {"[h]:mm:ss", 2},
	    {"h:mm AM/PM", 2},       {"yyyy-mm-dd hh:mm", 3}, {"\"dag\" 0", 0},       {"[Red]0.0", 0},
	    {"0;[Red]-0;\"d\"", 0},  {"\\d0", 0},
	};
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
		if (xlsx_format_kind(formats[i].code) != formats[i].kind)
			fail_msg("format \"%s\": kind %d, expected %d", formats[i].code, xlsx_format_kind(formats[i].code),
			         formats[i].kind);
	static const struct {
		double serial;
		int kind, date1904;
		const char *text;
	} serials[] = {
	    {1, 1, 0, "1900-01-01"},          {59, 1, 0, "1900-02-28"},
	    {60, 1, 0, "1900-02-29"}, /* Excel's phantom day: passed on for the date reader to refuse */
	    {61, 1, 0, "1900-03-01"},          {44562, 1, 0, "2022-01-01"},
	    {44635.99, 1, 0, "2022-03-15"},    {44562.75, 3, 0, "2022-01-01 18:00:00"},
	    {44562.9999999, 3, 0, "2022-01-02 00:00:00"}, {0.5, 2, 0, "12:00:00"},
	    {0, 1, 1, "1904-01-01"},           {43173, 1, 1, "2022-03-15"},
	    {2958465, 1, 0, "9999-12-31"},
	};
	for (size_t i = 0; i < sizeof serials / sizeof *serials; i++) {
		char out[20];
		assert_int_equal(xlsx_format_serial(serials[i].serial, serials[i].kind, serials[i].date1904, out), 0);
		assert_string_equal(out, serials[i].text);
	}
	char out[20];
	assert_int_equal(xlsx_format_serial(2958466, 1, 0, out), -1);
	assert_int_equal(xlsx_format_serial(-1, 1, 0, out), -1);
	assert_int_equal(xlsx_format_serial(0, 1, 0, out), -1);
}

static void test_row_source_reads_workbooks(void **state)
{
	/* Through row_source, as the tools read it: a title row and an empty row above
	 * the header, rows aligned to the header, a value right of the header refused,
	 * the raw text joined as a CSV line for the reject file. */
	write_sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Export 2022</t></is></c></row>"
	            "<row r=\"2\"><c r=\"A2\" s=\"1\"/></row>"
	            "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>0</v></c><c r=\"B3\" t=\"inlineStr\"><is><t>Svar</t></is></c></row>"
	            "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>R-1</t></is></c></row>"
	            "<row r=\"5\"><c r=\"A5\" t=\"inlineStr\"><is><t>R-2</t></is></c>"
	            "<c r=\"B5\" t=\"inlineStr\"><is><t>a; \"b\"</t></is></c></row>"
	            "<row r=\"6\"><c r=\"C6\" t=\"inlineStr\"><is><t>x</t></is></c></row>");
	char error[512];
	struct row_source *source = row_source_open(path, NULL, error, sizeof error);
	assert_non_null(source);
	assert_string_equal(row_source_format(source), "xlsx");
	assert_int_equal(row_source_columns(source), 1);
	assert_string_equal(row_source_header(source, 0), "Export 2022");
	assert_int_equal(row_source_header_line(source), 1);
	assert_int_equal(row_source_next_header(source, NULL), 1); /* the empty row 2 is no header */
	assert_int_equal(row_source_header_line(source), 3);
	assert_int_equal(row_source_columns(source), 2);
	assert_string_equal(row_source_header(source, 1), "Svar");
	char description[256];
	row_source_describe(source, description, sizeof description);
	assert_string_equal(description, "xlsx, sheet \"Blad1\", 2 columns");
	assert_int_equal(row_source_notice(source, description, sizeof description), 0);
	struct row row;
	assert_int_equal(row_source_next(source, &row), 1);
	assert_int_equal(row.line, 4);
	assert_int_equal(row.count, 2);
	assert_string_equal(row.fields[0], "R-1");
	assert_string_equal(row.fields[1], "");
	assert_null(row.problem);
	assert_int_equal(row_source_next(source, &row), 1);
	assert_string_equal(row.fields[1], "a; \"b\"");
	assert_int_equal(row.raw_length, strlen("R-2;\"a; \"\"b\"\"\""));
	assert_memory_equal(row.raw, "R-2;\"a; \"\"b\"\"\"", row.raw_length);
	assert_int_equal(row_source_next(source, &row), 1);
	assert_int_equal(row.line, 6);
	assert_string_equal(row.problem, "a value in column C, right of the header's last column (2 columns)");
	assert_int_equal(row_source_next(source, &row), 0);
	row_source_close(source);

	/* the same workbook from a pipe (read into memory) and gzipped */
	FILE *in = fopen(path, "rb");
	assert_non_null(in);
	static char bytes[1 << 16];
	size_t size = fread(bytes, 1, sizeof bytes, in);
	fclose(in);
	struct xlsx_book *book = xlsx_open(NULL, bytes, size, "stdin", error, sizeof error);
	assert_non_null(book);
	struct xlsx_row cells;
	assert_int_equal(xlsx_next_row(book, &cells), 1);
	assert_string_equal(joined(&cells), "Export 2022");
	xlsx_close(book);

	/* a legacy .xls */
	snprintf(path, sizeof path, "%s/old.xls", scratch);
	FILE *out = fopen(path, "wb");
	assert_non_null(out);
	fwrite("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0", 1, 12, out);
	fclose(out);
	assert_null(row_source_open(path, NULL, error, sizeof error));
	assert_non_null(strstr(error, "old.xls: a legacy Excel .xls workbook (or a password-protected one): open it in "
	                              "Excel and save it as .xlsx without a password, or as CSV UTF-8"));
}

/* A workbook written by a real spreadsheet writer, libxlsxwriter, which (as Excel)
 * keeps strings in the shared strings part and dates as numbers with a date format. */
static void test_libxlsxwriter_workbook(void **state)
{
	snprintf(path, sizeof path, "%s/written.xlsx", scratch);
	lxw_workbook *workbook = workbook_new(path);
	assert_non_null(workbook);
	lxw_worksheet *answers = workbook_add_worksheet(workbook, "Svar");
	lxw_worksheet *other = workbook_add_worksheet(workbook, "Annat");
	lxw_format *date = workbook_add_format(workbook);
	format_set_num_format(date, "yyyy-mm-dd");
	lxw_format *date_time = workbook_add_format(workbook);
	format_set_num_format(date_time, "yyyy-mm-dd hh:mm");
	lxw_format *share = workbook_add_format(workbook);
	format_set_num_format(share, "0.0%");
	worksheet_write_string(answers, 0, 0, "Respondent-ID", NULL);
	worksheet_write_string(answers, 0, 1, "Svarsdatum", NULL);
	worksheet_write_string(answers, 0, 2, "Fråga 1", NULL);
	worksheet_write_string(answers, 0, 3, "Kommentar", NULL);
	worksheet_write_string(answers, 1, 0, "R-1", NULL);
	lxw_datetime first = {2022, 3, 1, 0, 0, 0}, second = {2022, 11, 30, 14, 5, 0};
	worksheet_write_datetime(answers, 1, 1, &first, date);
	worksheet_write_string(answers, 1, 2, "Helt och hållet", NULL);
	worksheet_write_string(answers, 1, 3, "rad ett\nrad två; \"citat\"", NULL);
	worksheet_write_number(answers, 2, 0, 197901011234.0, NULL);
	worksheet_write_datetime(answers, 2, 1, &second, date_time);
	worksheet_write_number(answers, 2, 2, 4, NULL);
	worksheet_write_formula_str(answers, 2, 3, "=C2&\"!\"", NULL, "Helt och hållet!");
	worksheet_write_string(answers, 3, 0, "R-1", NULL); /* the same shared string again */
	worksheet_write_number(answers, 3, 2, 0.855, share);
	worksheet_write_boolean(answers, 3, 3, 1, NULL);
	worksheet_write_string(other, 0, 0, "inte läst", NULL);
	assert_int_equal(workbook_close(workbook), LXW_NO_ERROR);

	struct xlsx_book *book = open_book();
	assert_string_equal(xlsx_sheet_name(book), "Svar");
	assert_int_equal(xlsx_sheet_count(book), 2);
	struct xlsx_row row;
	const char *expected[] = {
	    "Respondent-ID|Svarsdatum|Fråga 1|Kommentar",
	    "R-1|2022-03-01|Helt och hållet|rad ett\nrad två; \"citat\"",
	    "197901011234|2022-11-30 14:05:00|4|Helt och hållet!",
	    "R-1||0.855|TRUE",
	};
	for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
		assert_int_equal(xlsx_next_row(book, &row), 1);
		assert_int_equal(row.number, i + 1);
		assert_string_equal(joined(&row), expected[i]);
	}
	assert_int_equal(xlsx_next_row(book, &row), 0);
	xlsx_close(book);
}

static int make_scratch(void **state) { return mkdtemp(scratch) ? 0 : -1; }

static int remove_scratch(void **state)
{
	char command[600];
	snprintf(command, sizeof command, "rm -rf '%s'", scratch);
	return system(command) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cell_types),
	    cmocka_unit_test(test_first_visible_worksheet_and_prefixes),
	    cmocka_unit_test(test_many_rows_across_chunks),
	    cmocka_unit_test(test_damaged_workbooks),
	    cmocka_unit_test(test_number_formats_and_serials),
	    cmocka_unit_test(test_row_source_reads_workbooks),
	    cmocka_unit_test(test_libxlsxwriter_workbook),
	};
	return cmocka_run_group_tests(tests, make_scratch, remove_scratch);
}
