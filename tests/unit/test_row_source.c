/* Unit tests for row_source: shapes of export files -> rows of UTF-8 fields. */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "row_source.h"

/* what every message of a damaged or cut gzip file ends with: what to do about it */
#define DAMAGED "; the file is damaged: fetch or export it again"
#define CUT_SHORT "truncated gzip data (unexpected end of file); the file was cut short: fetch or export it again"

static char scratch[] = "/tmp/test_row_source_XXXXXX";
static char path[512];

static void write_file(const void *bytes, size_t length)
{
	snprintf(path, sizeof path, "%s/input", scratch);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, length, f), length);
	fclose(f);
}

static void write_text(const char *text) { write_file(text, strlen(text)); }

static struct row_source *open_ok(const struct row_source_options *options)
{
	char error[512] = "";
	struct row_source *source = row_source_open(path, options, error, sizeof error);
	if (!source)
		fail_msg("open failed: %s", error);
	return source;
}

static void expect_open_error(const char *expected_suffix)
{
	char error[512] = "";
	struct row_source *source = row_source_open(path, NULL, error, sizeof error);
	assert_null(source);
	const char *suffix = error + strlen(error) - strlen(expected_suffix);
	if (strlen(error) < strlen(expected_suffix) || strcmp(suffix, expected_suffix) != 0)
		fail_msg("error \"%s\" does not end in \"%s\"", error, expected_suffix);
}

static void expect_fields(struct row *row, unsigned long line, size_t count, ...)
{
	assert_null(row->problem);
	assert_int_equal(row->line, line);
	assert_int_equal(row->count, count);
	va_list args;
	va_start(args, count);
	for (size_t i = 0; i < count; i++) {
		const char *want = va_arg(args, const char *);
		assert_string_equal(row->fields[i], want);
		assert_int_equal(row->lengths[i], strlen(want));
	}
	va_end(args);
}

static void test_quoted_fields_hold_separators_quotes_and_newlines(void **state)
{
	(void)state;
	write_text("a;b;c\n1;\"x;y\";\"he said \"\"hi\"\"\"\n2;\"line one\nline two\";z\n3;;\n");
	struct row_source *source = open_ok(NULL);
	assert_int_equal(row_source_columns(source), 3);
	assert_string_equal(row_source_header(source, 2), "c");
	struct row row;
	assert_int_equal(row_source_next(source, &row), 1);
	expect_fields(&row, 2, 3, "1", "x;y", "he said \"hi\"");
	assert_int_equal(row_source_next(source, &row), 1);
	expect_fields(&row, 3, 3, "2", "line one\nline two", "z");
	assert_int_equal(row.raw_length, strlen("2;\"line one\nline two\";z"));
	assert_memory_equal(row.raw, "2;\"line one\nline two\";z", row.raw_length);
	/* the row after a two-line row starts on line 5 */
	assert_int_equal(row_source_next(source, &row), 1);
	expect_fields(&row, 5, 3, "3", "", "");
	assert_int_equal(row_source_next(source, &row), 0);
	row_source_close(source);
}

static void test_separator_detection_and_override(void **state)
{
	(void)state;
	write_text("a,b\tc\n1,2\t3\n");
	struct row_source *source = open_ok(NULL);
	/* one comma, one tab: tab wins the tie, as Excel's "Unicode text" uses tabs */
	assert_int_equal(row_source_columns(source), 2);
	row_source_close(source);
	struct row_source_options options = {.separator = ','};
	source = open_ok(&options);
	assert_int_equal(row_source_columns(source), 2);
	assert_string_equal(row_source_header(source, 1), "b\tc");
	row_source_close(source);
	write_text("a,b,c\r\n1,2,3\r\n\r\n");
	source = open_ok(NULL);
	struct row row;
	assert_int_equal(row_source_next(source, &row), 1);
	expect_fields(&row, 2, 3, "1", "2", "3");
	assert_int_equal(row_source_next(source, &row), 0); /* the blank last line is no row */
	row_source_close(source);
}

static void test_wrong_field_count_is_a_row_problem(void **state)
{
	(void)state;
	write_text("a;b;c\n1;2\n4;5;6\n");
	struct row_source *source = open_ok(NULL);
	struct row row;
	assert_int_equal(row_source_next(source, &row), 1);
	assert_string_equal(row.problem, "expected 3 fields, found 2");
	assert_int_equal(row.line, 2);
	assert_int_equal(row_source_next(source, &row), 1);
	expect_fields(&row, 3, 3, "4", "5", "6");
	row_source_close(source);
}

static void test_encodings(void **state)
{
	(void)state;
	/* UTF-8 with BOM */
	write_text("\xEF\xBB\xBFK\xC3\xB6n;x\nKvinna;\xC3\xA5\n");
	struct row_source *source = open_ok(NULL);
	assert_string_equal(row_source_encoding(source), "utf-8-bom");
	assert_string_equal(row_source_header(source, 0), "K\xC3\xB6n");
	row_source_close(source);
	/* Windows-1252: ö = F6, å = E5 */
	write_text("K\xF6n;x\nKvinna;\xE5\n");
	source = open_ok(NULL);
	struct row row;
	assert_string_equal(row_source_header(source, 0), "K\xC3\xB6n");
	assert_int_equal(row_source_next(source, &row), 1);
	expect_fields(&row, 2, 2, "Kvinna", "\xC3\xA5");
	assert_string_equal(row_source_encoding(source), "windows-1252");
	row_source_close(source);
	/* UTF-16LE with BOM, CRLF */
	const char utf16[] = "\xFF\xFEK\0\xF6\0n\0\t\0x\0\r\0\n\0a\0\t\0\xE5\0\r\0\n\0";
	write_file(utf16, sizeof utf16 - 1);
	source = open_ok(NULL);
	assert_string_equal(row_source_encoding(source), "utf-16le");
	assert_string_equal(row_source_header(source, 0), "K\xC3\xB6n");
	assert_int_equal(row_source_next(source, &row), 1);
	expect_fields(&row, 2, 2, "a", "\xC3\xA5");
	row_source_close(source);
	/* UTF-16 cut in the middle of a character */
	write_file(utf16, sizeof utf16 - 2);
	char error[512];
	expect_open_error("input: truncated UTF-16 text at the end of the input");
	/* --encoding overrides detection */
	write_text("a;b\n\xC3\xA5;1\n");
	struct row_source_options options = {.encoding = "windows-1252"};
	source = open_ok(&options);
	assert_int_equal(row_source_next(source, &row), 1);
	expect_fields(&row, 2, 2, "\xC3\x83\xC2\xA5", "1"); /* the bytes C3 A5 read as Ã¥ */
	row_source_close(source);
	options.encoding = "ebcdic";
	assert_null(row_source_open(path, &options, error, sizeof error));
	assert_string_equal(error, "unknown encoding \"ebcdic\" (expected utf-8, windows-1252 or utf-16le)");
}

/*
 * Every byte of Windows-1252's upper half, at every alignment to the scanner's
 * eight-byte steps: each row equals what iconv makes of it in one piece, and a
 * byte Windows-1252 does not define (81 8D 8F 90 9D) rejects its own row only.
 */
static void test_windows_1252_every_byte(void **state)
{
	(void)state;
	iconv_t reference = iconv_open("UTF-8", "WINDOWS-1252");
	assert_true(reference != (iconv_t)-1);
	/* the header holds an ö, so the file is Windows-1252 from the start */
	static char text[256 * 64];
	size_t length = (size_t)snprintf(text, sizeof text, "K\xF6n;text\n");
	for (unsigned byte = 0x80; byte <= 0xFF; byte++)
		length += (size_t)snprintf(text + length, sizeof text - length, "%u;%.*s%cabcdefghij%c\n", byte,
		                           (int)(byte % 9), "ABCDEFGHI", (char)byte, (char)byte);
	write_file(text, length);
	struct row_source *source = open_ok(NULL);
	struct row row;
	unsigned undefined = 0;
	for (unsigned byte = 0x80; byte <= 0xFF; byte++) {
		assert_int_equal(row_source_next(source, &row), 1);
		char field[32], want[64];
		int field_length = snprintf(field, sizeof field, "%.*s%cabcdefghij%c", (int)(byte % 9), "ABCDEFGHI",
		                            (char)byte, (char)byte);
		char *in = field, *out = want;
		size_t in_left = (size_t)field_length, out_left = sizeof want - 1;
		iconv(reference, NULL, NULL, NULL, NULL);
		if (iconv(reference, &in, &in_left, &out, &out_left) == (size_t)-1) {
			undefined++;
			assert_non_null(row.problem);
			assert_string_equal(row.problem, "byte not defined in Windows-1252");
			continue;
		}
		*out = '\0';
		assert_null(row.problem);
		assert_int_equal(row.line, byte - 0x80 + 2);
		assert_string_equal(row.fields[1], want);
		assert_int_equal(row.lengths[1], strlen(want));
	}
	assert_int_equal(undefined, 5);
	assert_int_equal(row_source_next(source, &row), 0);
	row_source_close(source);
	iconv_close(reference);
}

/* cp1252 bytes to UTF-8 by iconv, for the reference. */
static void windows_1252_reference(iconv_t reference, const char *field, size_t length, char *want, size_t want_size)
{
	char *in = (char *)field, *out = want;
	size_t in_left = length, out_left = want_size - 1;
	iconv(reference, NULL, NULL, NULL, NULL);
	assert_true(iconv(reference, &in, &in_left, &out, &out_left) != (size_t)-1);
	*out = '\0';
}

/*
 * A Windows-1252 row's separators are found before it is converted, and moved with
 * the text as it grows (two bytes for å, three for €): every field of rows with
 * letters in several fields, before and after runs of 16 ASCII bytes and more, in
 * quoted fields that hold separators and quotes, equals iconv's conversion of it.
 */
static void test_windows_1252_fields_after_letters(void **state)
{
	(void)state;
	iconv_t reference = iconv_open("UTF-8", "WINDOWS-1252");
	assert_true(reference != (iconv_t)-1);
	enum { ROWS = 120, FIELDS = 5 };
	static char text[ROWS * 400];
	static char expected[ROWS][FIELDS][120];
	static size_t expected_length[ROWS][FIELDS];
	size_t length = (size_t)snprintf(text, sizeof text, "K\xF6n;b;c;d;e\n");
	for (int r = 0; r < ROWS; r++) {
		char fields[FIELDS][120];
		int n = 0;
		for (int i = 0; i < r % 5; i++)
			fields[0][n++] = (char)0xE5; /* å */
		n += snprintf(fields[0] + n, sizeof fields[0] - (size_t)n, "%.*s", r % 23, "abcdefghijklmnopqrstuvw");
		fields[0][n] = '\0';
		snprintf(fields[1], sizeof fields[1], "a;b\"%s%.*s", r % 2 ? "\x80" : "\xF6", r % 17, "0123456789abcdefg");
		snprintf(fields[2], sizeof fields[2], "%.*s\xD6", 16 + r % 7, "Till mycket stor del");
		n = 0;
		for (int i = 0; i < r % 4; i++)
			fields[3][n++] = (char)0x80; /* € */
		fields[3][n] = '\0';
		fields[4][0] = '\0';
		for (int f = 0; f < FIELDS; f++) {
			windows_1252_reference(reference, fields[f], strlen(fields[f]), expected[r][f], sizeof expected[r][f]);
			expected_length[r][f] = strlen(expected[r][f]);
		}
		/* field 1 quoted, its quote doubled */
		char quoted[260];
		size_t q = 0;
		quoted[q++] = '"';
		for (const char *c = fields[1]; *c; c++) {
			if (*c == '"')
				quoted[q++] = '"';
			quoted[q++] = *c;
		}
		quoted[q++] = '"';
		quoted[q] = '\0';
		length += (size_t)snprintf(text + length, sizeof text - length, "%s;%s;%s;%s;%s\n", fields[0], quoted,
		                           fields[2], fields[3], fields[4]);
	}
	write_file(text, length);
	struct row_source *source = open_ok(NULL);
	struct row row;
	for (int r = 0; r < ROWS; r++) {
		assert_int_equal(row_source_next(source, &row), 1);
		assert_null(row.problem);
		assert_int_equal(row.count, FIELDS);
		for (int f = 0; f < FIELDS; f++) {
			assert_int_equal(row.lengths[f], expected_length[r][f]);
			assert_memory_equal(row.fields[f], expected[r][f], expected_length[r][f]);
		}
	}
	assert_int_equal(row_source_next(source, &row), 0);
	row_source_close(source);
	iconv_close(reference);
}

/* A row of separators, quotes, spaces, tabs and CRs only is blank; anything else,
 * a NUL byte too, is not. */
static void test_blank_rows(void **state)
{
	(void)state;
	static const struct { const char *raw; size_t length; int blank; } cases[] = {
		{";;;;", 4, 1}, {" ;,\"\t\r", 6, 1}, {"", 0, 1}, {";;a;", 4, 0}, {";\0;", 3, 0}, {"\"\"x", 3, 0},
		{"\xC3\xA5", 2, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct row row = {.raw = cases[i].raw, .raw_length = cases[i].length};
		assert_int_equal(row_is_blank(&row), cases[i].blank);
	}
}

/* The peek of test_peek_declines_only_what_it_may: declines cells starting with "old",
 * and notes what it was shown. */
static char peeked[16][16];
static int peeks;
static int decline_old(void *context, const char *cell, size_t length)
{
	(void)context;
	if (peeks < 16)
		snprintf(peeked[peeks++], sizeof peeked[0], "%.*s", (int)length, cell);
	return !(length >= 3 && memcmp(cell, "old", 3) == 0);
}

/*
 * A row the peek declines comes unsplit (raw, no fields); the peek is shown only
 * the cells of rows of the header's shape whose text the scan vouched for (ASCII,
 * or two-byte UTF-8 in a UTF-8 file), the cell unquoted: any other row is split,
 * whatever its cell says, so that bytes that are no text are found wherever they
 * stand.  A Windows-1252 file's rows with letters are converted and split.
 */
static void test_peek_declines_only_what_it_may(void **state)
{
	(void)state;
	write_text("K\xC3\xB6n;datum;svar\n"
	           "a;old-1;x\n"              /* declined */
	           "b;new-1;x\n"              /* shown, kept */
	           "c;old-2;x;extra\n"        /* another shape: split, and its problem said */
	           "d;\"old-3\";x\n"          /* quoted: split */
	           "e;old-\xC3\xA5;x\n"       /* not ASCII: split */
	           "f;old-4;\xC3\xA5\n"       /* two-byte UTF-8 elsewhere: declined */
	           "g;old-5;\xE5\n"           /* invalid UTF-8: split, and said */
	           "h;old-6;\xE2\x82\xAC\n"); /* three-byte UTF-8, checked after the scan: split */
	struct row_source *source = open_ok(NULL);
	row_source_peek_at(source, 1, decline_old, NULL);
	peeks = 0;
	struct row row;
	static const struct { int unsplit; const char *first; int problem; } want[] = {
		{1, NULL, 0}, {0, "b", 0}, {0, NULL, 1}, {0, "d", 0}, {0, "e", 0}, {1, NULL, 0}, {0, NULL, 1}, {0, "h", 0},
	};
	for (size_t r = 0; r < sizeof want / sizeof *want; r++) {
		assert_int_equal(row_source_next(source, &row), 1);
		assert_int_equal(row.unsplit, want[r].unsplit);
		assert_int_equal(row.problem != NULL, want[r].problem);
		if (want[r].unsplit) {
			assert_null(row.fields);
			assert_int_equal(row.count, 3);
			assert_int_equal(row.raw[0], "af"[r == 5]);
		}
		if (want[r].first)
			assert_string_equal(row.fields[0], want[r].first);
	}
	assert_int_equal(row_source_next(source, &row), 0);
	assert_int_equal(peeks, 3);
	assert_string_equal(peeked[0], "old-1");
	assert_string_equal(peeked[1], "new-1");
	assert_string_equal(peeked[2], "old-4");
	row_source_close(source);

	write_text("K\xF6n;datum;svar\n"
	           "a;old-1;\xE5\n"  /* letters: converted and split */
	           "b;old-2;x\n"     /* ASCII: declined */
	           "c;old-3;\x81\n"); /* an undefined byte: split, and said */
	source = open_ok(NULL);
	row_source_peek_at(source, 1, decline_old, NULL);
	peeks = 0;
	assert_int_equal(row_source_next(source, &row), 1);
	assert_int_equal(row.unsplit, 0);
	assert_string_equal(row.fields[2], "\xC3\xA5");
	assert_int_equal(row_source_next(source, &row), 1);
	assert_int_equal(row.unsplit, 1);
	assert_int_equal(row_source_next(source, &row), 1);
	assert_int_equal(row.unsplit, 0);
	assert_string_equal(row.problem, "byte not defined in Windows-1252");
	assert_int_equal(peeks, 1);
	row_source_close(source);
}

static void test_invalid_utf8_after_utf8_is_a_row_problem(void **state)
{
	(void)state;
	write_text("a;b\n\xC3\xA5;1\n\xE5;2\nok;3\n");
	struct row_source *source = open_ok(NULL);
	struct row row;
	assert_int_equal(row_source_next(source, &row), 1);
	assert_null(row.problem);
	assert_int_equal(row_source_next(source, &row), 1);
	assert_string_equal(row.problem, "invalid UTF-8 text");
	assert_int_equal(row.line, 3);
	assert_int_equal(row_source_next(source, &row), 1);
	expect_fields(&row, 4, 2, "ok", "3");
	row_source_close(source);
}

static void test_nul_byte_after_the_start_is_a_row_problem(void **state)
{
	(void)state;
	/* a NUL early on means "not text" for the whole file; one further down only spoils its row */
	char text[6000];
	size_t o = (size_t)sprintf(text, "a;b\n");
	while (o < 5000)
		o += (size_t)sprintf(text + o, "x;y\n");
	memcpy(text + o, "p;\0q\nlast;row\n", 14);
	write_file(text, o + 14);
	struct row_source *source = open_ok(NULL);
	struct row row;
	int got, problems = 0, rows = 0;
	const char *last = NULL;
	while ((got = row_source_next(source, &row)) == 1) {
		rows++;
		if (row.problem) {
			assert_string_equal(row.problem, "NUL byte in the row (not text)");
			problems++;
		} else {
			last = row.fields[0];
		}
	}
	assert_int_equal(got, 0);
	assert_int_equal(problems, 1);
	assert_int_equal(rows, 1249 + 2);
	assert_string_equal(last, "last");
	row_source_close(source);
}

static void test_gzip_detected_from_content(void **state)
{
	(void)state;
	snprintf(path, sizeof path, "%s/no-suffix", scratch);
	gzFile gz = gzopen(path, "wb");
	assert_non_null(gz);
	gzputs(gz, "a;b\n1;2\n");
	gzclose(gz);
	struct row_source *source = open_ok(NULL);
	assert_true(row_source_gzipped(source));
	struct row row;
	assert_int_equal(row_source_next(source, &row), 1);
	expect_fields(&row, 2, 2, "1", "2");
	assert_int_equal(row_source_next(source, &row), 0);
	row_source_close(source);
	/* cut the gzip member short: an error, never a silently short table */
	FILE *f = fopen(path, "rb");
	unsigned char bytes[256];
	size_t n = fread(bytes, 1, sizeof bytes, f);
	fclose(f);
	write_file(bytes, n - 6);
	char error[512] = "";
	source = row_source_open(path, NULL, error, sizeof error);
	int got = -1;
	if (source) {
		while ((got = row_source_next(source, &row)) == 1)
			;
		snprintf(error, sizeof error, "%s", row_source_error(source));
		row_source_close(source);
	}
	assert_int_equal(got, -1);
	assert_non_null(strstr(error, "gzip"));
}

/*
 * A gzip export larger than the blocks the second thread decompresses ahead:
 * every row comes, in order, on its line; cut short after several blocks, the
 * rows before the cut come and then the error, never a silently short table.
 */
static void test_gzip_over_many_blocks(void **state)
{
	(void)state;
	snprintf(path, sizeof path, "%s/big.gz", scratch);
	gzFile gz = gzopen(path, "wb1");
	assert_non_null(gz);
	gzputs(gz, "id;text\n");
	const long rows = 120000; /* about 7 MiB: seven blocks of 1 MiB, and the four in flight reused */
	for (long i = 0; i < rows; i++)
		gzprintf(gz, "%ld;row %ld with some text to make it longer, and a fair number of bytes\n", i, i * 7);
	gzclose(gz);
	struct row_source *source = open_ok(NULL);
	row_source_read_ahead(source);
	struct row row;
	long seen = 0;
	int got;
	while ((got = row_source_next(source, &row)) == 1) {
		char want[32];
		snprintf(want, sizeof want, "%ld", seen);
		assert_string_equal(row.fields[0], want);
		assert_int_equal(row.line, seen + 2);
		seen++;
	}
	assert_int_equal(got, 0);
	assert_int_equal(seen, rows);
	row_source_close(source);
	/* the same file cut in the middle of its compressed bytes */
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	rewind(f);
	char *bytes = malloc((size_t)size);
	assert_non_null(bytes);
	assert_int_equal(fread(bytes, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	write_file(bytes, (size_t)size / 2);
	free(bytes);
	snprintf(path, sizeof path, "%s/input", scratch);
	source = open_ok(NULL);
	row_source_read_ahead(source);
	seen = 0;
	while ((got = row_source_next(source, &row)) == 1)
		seen++;
	assert_int_equal(got, -1);
	assert_non_null(strstr(row_source_error(source), "truncated gzip data"));
	assert_true(seen > rows / 4 && seen < rows);
	assert_int_equal(row_source_next(source, &row), -1); /* and it stays failed */
	row_source_close(source);
	/* closed before the end: the second thread is stopped while it waits to fill */
	snprintf(path, sizeof path, "%s/big.gz", scratch);
	source = open_ok(NULL);
	row_source_read_ahead(source);
	assert_int_equal(row_source_next(source, &row), 1);
	row_source_close(source);
}

static void expect_suffix(const char *text, const char *suffix)
{
	size_t n = strlen(text), m = strlen(suffix);
	if (n < m || strcmp(text + n - m, suffix) != 0)
		fail_msg("\"%s\" does not end with \"%s\"", text, suffix);
}

/* Rows of the file at path until the end or a failure (its message in error), read
 * ahead by a second thread or not. */
static long rows_until_end(int read_ahead, int *got, char *error, size_t error_size)
{
	struct row_source *source = open_ok(NULL);
	if (read_ahead)
		row_source_read_ahead(source);
	struct row row;
	long rows = 0;
	while ((*got = row_source_next(source, &row)) == 1)
		rows++;
	snprintf(error, error_size, "%s", *got < 0 ? row_source_error(source) : "");
	row_source_close(source);
	return rows;
}

/*
 * Rows first.. of an export (with the header "id;fråga" when first is 0) as one gzip
 * member at compression level, with header (NULL: the default), written at out: its
 * length.  With flush_after at or past first, the member is flushed after that row,
 * and *flushed_at is where the next deflate block starts.
 */
static size_t gzip_member(unsigned char *out, size_t capacity, int level, long first, long rows, gz_header *header,
                          long flush_after, size_t *flushed_at)
{
	z_stream z = {0};
	assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	if (header)
		assert_int_equal(deflateSetHeader(&z, header), Z_OK);
	z.next_out = out;
	z.avail_out = (uInt)capacity;
	char line[128];
	for (long i = first - (first == 0); i < first + rows; i++) {
		int n = i < 0 ? snprintf(line, sizeof line, "id;fråga\n") /* a letter that says UTF-8 */
		              : snprintf(line, sizeof line, "%ld;row %ld, with text enough to fill a block or two of the file\n",
		                         i, i * 13);
		z.next_in = (Bytef *)line;
		z.avail_in = (uInt)n;
		int flush = i == first + rows - 1                 ? Z_FINISH
		            : flush_after >= first && i == flush_after ? Z_SYNC_FLUSH
		                                                       : Z_NO_FLUSH;
		assert_true(deflate(&z, flush) != Z_STREAM_ERROR);
		assert_true(z.avail_out > 0);
		if (flush == Z_SYNC_FLUSH)
			*flushed_at = capacity - z.avail_out;
	}
	size_t length = capacity - z.avail_out;
	deflateEnd(&z);
	return length;
}

/* A gzip file of rows first.. (as gzip_member), as bytes to damage (64 to spare after
 * them), its length in *length; path is then the scratch input. */
static unsigned char *gzip_rows_at(int level, long first, long rows, size_t *length)
{
	size_t capacity = 4u << 20;
	unsigned char *bytes = malloc(capacity + 64);
	assert_non_null(bytes);
	*length = gzip_member(bytes, capacity, level, first, rows, NULL, -1, NULL);
	snprintf(path, sizeof path, "%s/input", scratch);
	return bytes;
}

static unsigned char *gzip_rows(long first, long rows, size_t *length)
{
	return gzip_rows_at(1, first, rows, length);
}

/*
 * Damage near the end of a gzip file: every row inflated before it comes first, the
 * same rows whether the file is read ahead (in blocks of 1 MiB) or not (in pieces
 * the size of the buffer's room), then the failure.  Members one after another are
 * one text, zero bytes after the last are padding, anything else after it is damage.
 */
static void test_gzip_damage_after_the_same_rows(void **state)
{
	(void)state;
	const long rows = 60000; /* about 4 MiB of text */
	size_t length;
	unsigned char *bytes = gzip_rows(0, rows, &length);
	char error[512];
	int got;
	for (int ahead = 0; ahead <= 1; ahead++) {
		/* a wrong CRC-32: all the rows, then the failure */
		bytes[length - 8] ^= 1;
		write_file(bytes, length);
		assert_int_equal(rows_until_end(ahead, &got, error, sizeof error), rows);
		assert_int_equal(got, -1);
		expect_suffix(error, "/input: corrupt gzip data: the CRC-32 or length at the end does not match the data" DAMAGED);
		bytes[length - 8] ^= 1;
		/* a wrong length */
		bytes[length - 2] ^= 1;
		write_file(bytes, length);
		assert_int_equal(rows_until_end(ahead, &got, error, sizeof error), rows);
		expect_suffix(error, "/input: corrupt gzip data: the CRC-32 or length at the end does not match the data" DAMAGED);
		bytes[length - 2] ^= 1;
		/* the trailer cut off: all the rows, then truncated */
		write_file(bytes, length - 8);
		assert_int_equal(rows_until_end(ahead, &got, error, sizeof error), rows);
		expect_suffix(error, "/input: " CUT_SHORT);
		/* bytes after the member */
		memcpy(bytes + length, "skräp", 6);
		write_file(bytes, length + 6);
		assert_int_equal(rows_until_end(ahead, &got, error, sizeof error), rows);
		expect_suffix(error, "/input: corrupt gzip data: bytes after the end of the compressed data" DAMAGED);
		/* zero bytes after it: padding */
		memset(bytes + length, 0, 64);
		write_file(bytes, length + 64);
		assert_int_equal(rows_until_end(ahead, &got, error, sizeof error), rows);
		assert_int_equal(got, 0);
	}
	/* cut in the middle: the same rows before the failure, read ahead or not */
	write_file(bytes, length / 2);
	long alone = rows_until_end(0, &got, error, sizeof error);
	assert_int_equal(got, -1);
	assert_true(alone > rows / 4 && alone < rows);
	assert_int_equal(rows_until_end(1, &got, error, sizeof error), alone);
	expect_suffix(error, "/input: " CUT_SHORT);
	/* two members: one text */
	size_t second_length;
	unsigned char *second = gzip_rows(rows, 1000, &second_length);
	unsigned char *both = malloc(length + second_length);
	assert_non_null(both);
	memcpy(both, bytes, length);
	memcpy(both + length, second, second_length);
	write_file(both, length + second_length);
	for (int ahead = 0; ahead <= 1; ahead++) {
		assert_int_equal(rows_until_end(ahead, &got, error, sizeof error), rows + 1000);
		assert_int_equal(got, 0);
	}
	free(both);
	free(second);
	free(bytes);
}

/*
 * Damage in the middle of the deflate data (a block of a type that does not exist,
 * after a flush), and in the first 32 KiB of text: the rows before it come, the
 * same rows read ahead or not, then the failure.
 */
static void test_gzip_damage_inside_the_data(void **state)
{
	(void)state;
	const long rows = 60000;
	const long damaged_after[] = {150, 20000, 44000};
	for (size_t d = 0; d < sizeof damaged_after / sizeof *damaged_after; d++) {
		size_t capacity = 4u << 20, damage_at = 0;
		unsigned char *bytes = malloc(capacity);
		assert_non_null(bytes);
		size_t length = gzip_member(bytes, capacity, 6, 0, rows, NULL, damaged_after[d], &damage_at);
		bytes[damage_at] |= 0x06; /* block type 3: none such */
		write_file(bytes, length);
		free(bytes);
		int got;
		char error[512];
		long alone = rows_until_end(0, &got, error, sizeof error);
		assert_int_equal(got, -1);
		expect_suffix(error, "/input: corrupt gzip data: invalid compressed data" DAMAGED);
		assert_int_equal(alone, damaged_after[d] + 1);
		assert_int_equal(rows_until_end(1, &got, error, sizeof error), alone);
	}
}

/* Whole lines in what zlib inflates of bytes (all it can, as far as they go). */
static long lines_inflated(const unsigned char *bytes, size_t length)
{
	z_stream z = {0};
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)bytes;
	z.avail_in = (uInt)length;
	unsigned char out[65536];
	long lines = 0;
	int status;
	do {
		z.next_out = out;
		z.avail_out = sizeof out;
		status = inflate(&z, Z_SYNC_FLUSH);
		for (size_t i = 0; i < sizeof out - z.avail_out; i++)
			lines += out[i] == '\n';
	} while (status == Z_OK && z.avail_out == 0);
	inflateEnd(&z);
	return lines;
}

/*
 * A gzip file cut short anywhere, near where 256 KiB of text end too: every whole
 * row inflated before the end comes (what zlib makes of the same bytes), read ahead
 * or not, then "truncated".  (At 22449, 299150 and 299155 bytes, with this zlib, the
 * input ends where ISA-L still holds text it inflated: a row was once lost there.)
 */
static void test_gzip_cut_short_after_every_row(void **state)
{
	(void)state;
	size_t length;
	unsigned char *bytes = gzip_rows_at(6, 0, 60000, &length);
	/* where 256 KiB and a little of text have been inflated */
	z_stream z = {0};
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	static unsigned char text[262144 + 100];
	z.next_in = bytes;
	z.avail_in = (uInt)length;
	z.next_out = text;
	z.avail_out = sizeof text;
	assert_int_equal(inflate(&z, Z_SYNC_FLUSH), Z_OK);
	size_t boundary = z.total_in;
	inflateEnd(&z);
	size_t cuts[200], count = 0;
	for (size_t cut = boundary - 2000; cut < boundary + 3000; cut += 53)
		cuts[count++] = cut;
	/* and where the last read of the file is short: just past 256 KiB of it */
	assert_true(length > 262144 + 3000);
	for (size_t cut = 262144 + 7; cut < 262144 + 3000; cut += 61)
		cuts[count++] = cut;
	cuts[count++] = length / 3;
	cuts[count++] = length - 9;
	cuts[count++] = 22449;
	cuts[count++] = 299150;
	cuts[count++] = 299155;
	for (size_t c = 0; c < count; c++) {
		write_file(bytes, cuts[c]);
		long expected = lines_inflated(bytes, cuts[c]) - 1; /* not the header */
		for (int ahead = 0; ahead <= 1; ahead++) {
			int got;
			char error[512];
			assert_int_equal(rows_until_end(ahead, &got, error, sizeof error), expected);
			assert_int_equal(got, -1);
			expect_suffix(error, "/input: " CUT_SHORT);
		}
	}
	free(bytes);
}

/*
 * A second member whose header (extra field, name, comment, header CRC) lies across
 * the boundary of two reads of the file (256 KiB): read as one text, like any other.
 */
static void test_gzip_header_across_reads(void **state)
{
	(void)state;
	size_t capacity = 4u << 20;
	unsigned char *bytes = malloc(capacity);
	assert_non_null(bytes);
	for (size_t before = 1; before <= 16; before += 5) {
		/* the first member's name pads it to end `before` bytes short of 256 KiB */
		static char name[300000];
		gz_header first_header = {0};
		first_header.name = (Bytef *)name;
		name[0] = '\0';
		size_t bare = gzip_member(bytes, capacity, 6, 0, 20000, &first_header, -1, NULL);
		size_t want = 262144 - before;
		while (want < bare + 2)
			want += 262144;
		size_t pad = want - bare;
		assert_true(pad < sizeof name);
		memset(name, 'p', pad);
		name[pad] = '\0';
		size_t length = gzip_member(bytes, capacity, 6, 0, 20000, &first_header, -1, NULL);
		assert_int_equal(length, want);
		gz_header second_header = {0};
		second_header.extra = (Bytef *)"XYXYXYXY";
		second_header.extra_len = 8;
		second_header.name = (Bytef *)"export.csv";
		second_header.comment = (Bytef *)"en kommentar";
		second_header.hcrc = 1;
		length += gzip_member(bytes + length, capacity - length, 6, 20000, 5000, &second_header, -1, NULL);
		write_file(bytes, length);
		for (int ahead = 0; ahead <= 1; ahead++) {
			int got;
			char error[512];
			assert_int_equal(rows_until_end(ahead, &got, error, sizeof error), 25000);
			assert_int_equal(got, 0);
		}
	}
	free(bytes);
}

/* The failure of a file that cannot be opened, or of its rows. */
static void expect_failure_ending(const char *suffix)
{
	char error[512] = "";
	struct row_source *source = row_source_open(path, NULL, error, sizeof error);
	if (source) {
		struct row row;
		while (row_source_next(source, &row) == 1)
			;
		snprintf(error, sizeof error, "%s", row_source_error(source));
		row_source_close(source);
	}
	expect_suffix(error, suffix);
}

/*
 * What gzip itself refuses in a header, refused: reserved flag bits, a header CRC
 * that does not match (said as such); and zero bytes with a member after them (gzip
 * reads no member after padding).
 */
static void test_gzip_header_damage(void **state)
{
	(void)state;
	size_t capacity = 1u << 20;
	unsigned char *bytes = malloc(capacity);
	assert_non_null(bytes);
	gz_header header = {0};
	header.hcrc = 1;
	size_t length = gzip_member(bytes, capacity, 6, 0, 100, &header, -1, NULL);
	write_file(bytes, length);
	int got;
	char error[512];
	assert_int_equal(rows_until_end(0, &got, error, sizeof error), 100);
	assert_int_equal(got, 0);
	bytes[3] |= 0x20;
	write_file(bytes, length);
	expect_failure_ending("/input: corrupt gzip data: invalid gzip header (reserved flags set)" DAMAGED);
	bytes[3] &= (unsigned char)~0x20;
	bytes[8] ^= 1; /* the extra flags byte, under the header CRC */
	write_file(bytes, length);
	expect_failure_ending("/input: corrupt gzip data: the gzip header's CRC does not match it" DAMAGED);
	bytes[8] ^= 1;
	bytes[2] = 9; /* a method gzip does not have: not damage, and fetching it again would not help */
	write_file(bytes, length);
	expect_failure_ending("/input: unsupported compression method (gzip's is deflate, and only that); not gzip as "
	                      "gzip writes it: unpack it with the program that made it");
	bytes[2] = 8;
	memset(bytes + length, 0, 7);
	size_t second = gzip_member(bytes + length + 7, capacity - length - 7, 6, 100, 50, NULL, -1, NULL);
	write_file(bytes, length + 7 + second);
	assert_int_equal(rows_until_end(0, &got, error, sizeof error), 100);
	expect_suffix(error, "/input: corrupt gzip data: bytes after the end of the compressed data" DAMAGED);
	free(bytes);
}

/*
 * A gzip file's second reader, as a split uses it: it passes over half the compressed
 * file to the next line end, and from there gives the rows the first reader gives,
 * its lines counted from 1.  Past the last line end there is no cut.
 */
static void test_gzip_second_reader_from_the_cut(void **state)
{
	(void)state;
	const long rows = 20000;
	size_t length;
	unsigned char *bytes = gzip_rows(0, rows, &length);
	write_file(bytes, length);
	free(bytes);
	struct row_source *first = open_ok(NULL);
	uint64_t size;
	assert_true(row_source_splittable(first, &size));
	assert_int_equal(size, length);
	char error[512];
	struct row_source *second = row_source_open_gzip_part(first, path, error, sizeof error);
	assert_non_null(second);
	uint64_t after = row_source_offset(first), cut = 0;
	int found, pieces = 0;
	while ((found = row_source_gzip_skip(second, size / 2, after, &cut)) == 0) {
		pieces++;
		assert_true(row_source_offset(second) > after || pieces == 1);
	}
	assert_int_equal(found, 1);
	assert_true(pieces > 1);
	assert_true(cut > after);
	struct row row, other;
	while (row_source_offset(first) < cut)
		assert_int_equal(row_source_next(first, &row), 1);
	assert_int_equal(row_source_offset(first), cut); /* a row starts there */
	unsigned long line_at_cut = row_source_line(first);
	long from_cut = 0;
	while (row_source_next(first, &row) == 1) {
		assert_int_equal(row_source_next(second, &other), 1);
		assert_string_equal(row.fields[0], other.fields[0]);
		assert_string_equal(row.fields[1], other.fields[1]);
		assert_int_equal(other.line, row.line - line_at_cut + 1);
		from_cut++;
	}
	assert_int_equal(row_source_next(second, &other), 0);
	assert_true(from_cut > rows / 4 && from_cut < rows * 3 / 4);
	row_source_close(second);
	/* past the last line end: none */
	second = row_source_open_gzip_part(first, path, error, sizeof error);
	assert_non_null(second);
	while ((found = row_source_gzip_skip(second, size + 1, after, &cut)) == 0)
		;
	assert_int_equal(found, -1);
	row_source_close(second);
	row_source_close(first);
}

static void test_json_rows_with_lines(void **state)
{
	(void)state;
	write_text("[\n  {\"ID\": \"a\", \"Fråga 1\": 5, \"x\": null},\n  {\"ID\": \"b\",\n   \"y\": true},\n"
	           "  {\"ID\": {\"nested\": 1}}\n]\n");
	struct row_source *source = open_ok(NULL);
	assert_string_equal(row_source_format(source), "json");
	assert_int_equal(row_source_columns(source), 4);
	assert_string_equal(row_source_header(source, 3), "y");
	struct row row;
	assert_int_equal(row_source_next(source, &row), 1);
	expect_fields(&row, 2, 4, "a", "5", "", "");
	assert_int_equal(row_source_next(source, &row), 1);
	expect_fields(&row, 3, 4, "b", "", "", "true");
	assert_memory_equal(row.raw, "{\"ID\": \"b\",\n   \"y\": true}", row.raw_length);
	assert_int_equal(row_source_next(source, &row), 1);
	assert_int_equal(row.line, 5);
	assert_string_equal(row.problem, "a field holds an object or array, not a value");
	assert_int_equal(row_source_next(source, &row), 0);
	row_source_close(source);
}

static void test_whole_file_problems(void **state)
{
	(void)state;
	write_text("");
	expect_open_error("input: empty input");
	write_text("\xEF\xBB\xBF\n\n");
	expect_open_error("input: empty input");
	write_file("a;b\n\0\0\0\1\2", 9);
	expect_open_error("input: not a text file (NUL byte at byte 4); expected CSV or JSON, plain or gzip");
	write_text("[{\"a\": 1},\n{\"a\": ]");
	expect_open_error("input:2: not valid JSON");
	write_text("{\"a\": 1}");
	expect_open_error("input: JSON export must be an array of objects, one per questionnaire");
	write_text("[]");
	expect_open_error("input: empty input (a JSON array with no questionnaires)");
	write_text("a;b\n1;\"never closed\n2;3\n");
	struct row_source *source = open_ok(NULL);
	struct row row;
	assert_int_equal(row_source_next(source, &row), -1);
	assert_string_equal(strrchr(row_source_error(source), '/') + 1,
	                    "input:2: quoted field opened on this row is never closed");
	row_source_close(source);
	snprintf(path, sizeof path, "%s/does-not-exist", scratch);
	expect_open_error("does-not-exist: cannot open: No such file or directory");
}

static void test_long_rows_across_buffer_refills(void **state)
{
	(void)state;
	/* rows far longer than one read chunk, and many of them: bounded by the longest row */
	size_t field = 600 * 1024;
	char *text = malloc(3 * (field + 8) + 16);
	size_t o = 0;
	o += (size_t)sprintf(text + o, "a;b\n");
	for (int r = 0; r < 3; r++) {
		text[o++] = '"';
		memset(text + o, 'x', field);
		o += field;
		o += (size_t)sprintf(text + o, "\";%d\n", r);
	}
	write_file(text, o);
	free(text);
	struct row_source *source = open_ok(NULL);
	struct row row;
	for (int r = 0; r < 3; r++) {
		assert_int_equal(row_source_next(source, &row), 1);
		assert_null(row.problem);
		assert_int_equal(row.lengths[0], field);
		assert_int_equal(row.line, (unsigned long)r + 2);
		assert_int_equal(row.fields[1][0], '0' + r);
	}
	assert_int_equal(row_source_next(source, &row), 0);
	row_source_close(source);
}

/* ---- a reference CSV reader, for random documents --------------------------- */

struct expected_row {
	unsigned long line;
	size_t raw_start, raw_length;
	size_t field_count;
	char *fields[64];
};

/* The documented rules, one byte at a time: a quote toggles quoting, LF outside
 * quotes ends a row, one CR before it is dropped, blank rows are skipped, ""
 * inside quotes is a quote. */
static size_t reference_rows(const char *doc, size_t n, char separator, struct expected_row *rows, size_t capacity,
                             int *unclosed)
{
	size_t count = 0, pos = 0;
	*unclosed = 0;
	unsigned long line = 1;
	while (pos < n) {
		unsigned long start_line = line;
		int quoted = 0;
		size_t i = pos;
		for (; i < n; i++) {
			if (doc[i] == '"')
				quoted = !quoted;
			else if (doc[i] == '\n' && !quoted)
				break;
			else if (doc[i] == '\n')
				line++;
		}
		line++;
		if (quoted) { /* a quote left open to the end of input: the reader stops there */
			*unclosed = 1;
			break;
		}
		size_t end = i;
		if (end > pos && doc[end - 1] == '\r')
			end--;
		size_t start = pos;
		pos = i < n ? i + 1 : n;
		if (end == start)
			continue;
		assert_true(count < capacity);
		struct expected_row *row = &rows[count++];
		row->line = start_line;
		row->raw_start = start;
		row->raw_length = end - start;
		row->field_count = 0;
		char *field = malloc(end - start + 1);
		size_t o = 0;
		quoted = 0;
		for (size_t k = start;; k++) {
			if (k == end || (doc[k] == separator && !quoted)) {
				field[o] = '\0';
				assert_true(row->field_count < 64);
				row->fields[row->field_count++] = strdup(field);
				o = 0;
				if (k == end)
					break;
			} else if (doc[k] == '"') {
				if (quoted && k + 1 < end && doc[k + 1] == '"')
					field[o++] = '"', k++;
				else
					quoted = !quoted;
			} else {
				field[o++] = doc[k];
			}
		}
		free(field);
	}
	return count;
}

static unsigned long long doc_random_state = 88172645463325252ull;
static unsigned doc_random(void)
{
	doc_random_state ^= doc_random_state << 13;
	doc_random_state ^= doc_random_state >> 7;
	doc_random_state ^= doc_random_state << 17;
	return (unsigned)(doc_random_state >> 33);
}

/* Random documents of valid UTF-8 with every shape a row can take, some long
 * enough that rows straddle the reader's buffer refills. */
static void test_random_documents_match_the_reference(void **state)
{
	(void)state;
	static const char *const cell_pieces[] = {
		"Helt och h\xC3\xA5llet", "Till stor del", "Vet ej", "", "2022-03-01", "\xC3\xA5\xC3\xA4\xC3\xB6",
		"\xE2\x82\xAC", "x", "\"quoted;semi\"", "\"two\nlines\"", "\"say \"\"hi\"\"\"", "a\"b", " ",
		"\xF0\x9F\x98\x80",
	};
	size_t capacity = 2u << 20;
	char *doc = malloc(capacity);
	struct expected_row *rows = calloc(40000, sizeof *rows);
	assert_non_null(doc);
	assert_non_null(rows);
	for (int round = 0; round < 44; round++) {
		size_t target = round < 40 ? 1 + doc_random() % 4000 : 1500000 + doc_random() % 300000;
		int columns = 1 + (int)(doc_random() % 12);
		size_t n = 0;
		n += (size_t)sprintf(doc + n, "h0");
		for (int c = 1; c < columns; c++)
			n += (size_t)sprintf(doc + n, ";h%d", c);
		n += (size_t)sprintf(doc + n, "\n");
		while (n < target && n + 4096 < capacity) {
			int cells = doc_random() % 40 == 0 ? columns + 1 : columns; /* a few rows have a field too many */
			if (doc_random() % 50 == 0) {
				n += (size_t)sprintf(doc + n, doc_random() % 2 ? "\n" : "\r\n"); /* blank rows */
				continue;
			}
			for (int c = 0; c < cells; c++) {
				if (c)
					doc[n++] = ';';
				int pieces = (int)(doc_random() % 3);
				for (int p = 0; p < pieces; p++) {
					const char *piece = cell_pieces[doc_random() % (sizeof cell_pieces / sizeof *cell_pieces)];
					memcpy(doc + n, piece, strlen(piece));
					n += strlen(piece);
				}
			}
			n += (size_t)sprintf(doc + n, doc_random() % 3 ? "\n" : "\r\n");
		}
		if (doc_random() % 2 && n > 0 && doc[n - 1] == '\n')
			n--; /* no line end after the last row */
		int unclosed;
		size_t expected = reference_rows(doc, n, ';', rows, 40000, &unclosed);
		write_file(doc, n);
		struct row_source_options options = {.separator = ';'};
		struct row_source *source = open_ok(&options);
		assert_int_equal(row_source_columns(source), rows[0].field_count);
		struct row row;
		for (size_t r = 1; r < expected; r++) {
			assert_int_equal(row_source_next(source, &row), 1);
			const struct expected_row *want = &rows[r];
			assert_int_equal(row.line, want->line);
			assert_int_equal(row.raw_length, want->raw_length);
			assert_memory_equal(row.raw, doc + want->raw_start, want->raw_length);
			size_t fields = want->field_count;
			if (fields != rows[0].field_count) {
				assert_non_null(row.problem);
				continue;
			}
			assert_null(row.problem);
			assert_int_equal(row.count, fields);
			for (size_t f = 0; f < fields; f++) {
				assert_string_equal(row.fields[f], want->fields[f]);
				assert_int_equal(row.lengths[f], strlen(want->fields[f]));
			}
		}
		if (unclosed) {
			assert_int_equal(row_source_next(source, &row), -1);
			assert_non_null(strstr(row_source_error(source), "quoted field opened on this row is never closed"));
		} else {
			assert_int_equal(row_source_next(source, &row), 0);
		}
		row_source_close(source);
		for (size_t r = 0; r < expected; r++)
			for (size_t f = 0; f < rows[r].field_count; f++)
				free(rows[r].fields[f]);
	}
	free(rows);
	free(doc);
}

static int make_scratch(void **state)
{
	(void)state;
	return mkdtemp(scratch) ? 0 : -1;
}

static int remove_scratch(void **state)
{
	(void)state;
	char command[600];
	snprintf(command, sizeof command, "rm -rf '%s'", scratch);
	return system(command) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoted_fields_hold_separators_quotes_and_newlines),
		cmocka_unit_test(test_separator_detection_and_override),
		cmocka_unit_test(test_wrong_field_count_is_a_row_problem),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_windows_1252_every_byte),
		cmocka_unit_test(test_windows_1252_fields_after_letters),
		cmocka_unit_test(test_blank_rows),
		cmocka_unit_test(test_peek_declines_only_what_it_may),
		cmocka_unit_test(test_invalid_utf8_after_utf8_is_a_row_problem),
		cmocka_unit_test(test_nul_byte_after_the_start_is_a_row_problem),
		cmocka_unit_test(test_gzip_detected_from_content),
		cmocka_unit_test(test_gzip_over_many_blocks),
		cmocka_unit_test(test_gzip_damage_after_the_same_rows),
		cmocka_unit_test(test_gzip_second_reader_from_the_cut),
		cmocka_unit_test(test_gzip_damage_inside_the_data),
		cmocka_unit_test(test_gzip_header_across_reads),
		cmocka_unit_test(test_gzip_cut_short_after_every_row),
		cmocka_unit_test(test_gzip_header_damage),
		cmocka_unit_test(test_json_rows_with_lines),
		cmocka_unit_test(test_whole_file_problems),
		cmocka_unit_test(test_long_rows_across_buffer_refills),
		cmocka_unit_test(test_random_documents_match_the_reference),
	};
	return cmocka_run_group_tests(tests, make_scratch, remove_scratch);
}
