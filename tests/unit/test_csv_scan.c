/*
 * Unit tests for csv_scan: the one-pass row scanner, held to a byte-at-a-time
 * reference on hand-made edge cases and on many random rows, whole and fed
 * in pieces, with padding full of bytes that would mislead a careless scan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv_scan.h"

/* ---- the reference --------------------------------------------------------- */

struct reference {
	int found;
	size_t end;
	int in_quotes, has_quote, has_nul, has_high;
	unsigned long quoted_newlines;
	size_t separators[4096];
	size_t separator_count;
};

static void reference_scan(const unsigned char *row, size_t available, int at_end, char separator,
                           struct reference *r)
{
	memset(r, 0, sizeof *r);
	size_t i;
	for (i = 0; i < available; i++) {
		unsigned char c = row[i];
		if (c == '\n' && !r->in_quotes)
			break;
		r->has_high |= c >= 0x80;
		if (c == '"') {
			r->in_quotes ^= 1;
			r->has_quote = 1;
		} else if (c == '\n') {
			r->quoted_newlines++;
		} else if (c == 0) {
			r->has_nul = 1;
		} else if (separator && c == (unsigned char)separator && !r->in_quotes) {
			r->separators[r->separator_count++] = i;
		}
	}
	r->found = i < available || at_end;
	r->end = i;
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static int reference_utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t extra;
		uint32_t code, minimum;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC0 && c < 0xE0) {
			extra = 1, code = c & 0x1F, minimum = 0x80;
		} else if (c >= 0xE0 && c < 0xF0) {
			extra = 2, code = c & 0x0F, minimum = 0x800;
		} else if (c >= 0xF0 && c < 0xF8) {
			extra = 3, code = c & 0x07, minimum = 0x10000;
		} else {
			return 0;
		}
		if (n - i <= extra)
			return 0;
		for (size_t k = 1; k <= extra; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			code = code << 6 | (s[i + k] & 0x3F);
		}
		if (code < minimum || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF)
			return 0;
		i += extra + 1;
	}
	return 1;
}

/* Only ASCII and valid two-byte characters: the rows the scan must vouch for itself. */
static int only_two_byte_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x80)
			continue;
		if (s[i] < 0xC2 || s[i] > 0xDF || i + 1 >= n || (s[i + 1] & 0xC0) != 0x80)
			return 0;
		i++;
	}
	return 1;
}

/* ---- helpers ------------------------------------------------------------- */

static uint64_t rng_state = 0x243F6A8885A308D3u;
static uint32_t next_random(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

/* The text followed by padding of newlines and quotes, which the scan must never take for the row's. */
static unsigned char *padded(const void *text, size_t length)
{
	unsigned char *copy = malloc(length + CSV_SCAN_PADDING);
	assert_non_null(copy);
	memcpy(copy, text, length);
	for (size_t i = 0; i < CSV_SCAN_PADDING; i++)
		copy[length + i] = i % 2 ? '\n' : '"';
	return copy;
}

static void expect_same_as_reference(const struct csv_row_scan *scan, const struct reference *want, size_t end,
                                     const unsigned char *row)
{
	assert_int_equal(end, want->end);
	assert_int_equal(scan->in_quotes, want->in_quotes);
	assert_int_equal(scan->has_quote, want->has_quote);
	assert_int_equal(scan->has_nul, want->has_nul);
	assert_int_equal(scan->has_high, want->has_high);
	assert_int_equal(scan->quoted_newlines, want->quoted_newlines);
	assert_int_equal(scan->separator_count, want->separator_count);
	for (size_t i = 0; i < want->separator_count; i++)
		assert_int_equal(scan->separators[i], want->separators[i]);
	/* The scan may ask for a full check it did not need, never skip one that was. */
	if (!scan->needs_utf8_check)
		assert_true(reference_utf8_valid(row, want->end));
	if (only_two_byte_utf8(row, want->end))
		assert_false(scan->needs_utf8_check);
}

/* Scans text whole (at_end) and checks every result against the reference. */
static void check_whole(const char *text, size_t length, char separator)
{
	unsigned char *row = padded(text, length);
	struct csv_row_scan scan = {0};
	struct reference want;
	size_t end = 12345;
	assert_int_equal(csv_row_scan(&scan, (const char *)row, length, 1, separator, &end), 1);
	reference_scan(row, length, 1, separator, &want);
	expect_same_as_reference(&scan, &want, end, row);
	csv_row_scan_free(&scan);
	free(row);
}

/* ---- cases ------------------------------------------------------------------- */

static void test_row_end_separators_and_quotes(void **state)
{
	(void)state;
	const char text[] = "1;\"x;y\";\"he said \"\"hi\"\"\"\nnext;row";
	unsigned char *row = padded(text, sizeof text - 1);
	struct csv_row_scan scan = {0};
	size_t end;
	assert_int_equal(csv_row_scan(&scan, (const char *)row, sizeof text - 1, 0, ';', &end), 1);
	assert_int_equal(end, strlen("1;\"x;y\";\"he said \"\"hi\"\"\""));
	assert_int_equal(scan.separator_count, 2); /* the ';' inside quotes is no separator */
	assert_int_equal(scan.separators[0], 1);
	assert_int_equal(scan.separators[1], 7);
	assert_true(scan.has_quote);
	assert_false(scan.has_high);
	assert_false(scan.in_quotes);
	/* A quoted LF belongs to the row and is counted for line numbers. */
	csv_row_scan_reset(&scan);
	const char two_lines[] = "2;\"line one\nline two\";z\n";
	free(row);
	row = padded(two_lines, sizeof two_lines - 1);
	assert_int_equal(csv_row_scan(&scan, (const char *)row, sizeof two_lines - 1, 0, ';', &end), 1);
	assert_int_equal(end, sizeof two_lines - 2);
	assert_int_equal(scan.quoted_newlines, 1);
	assert_int_equal(scan.separator_count, 2);
	csv_row_scan_free(&scan);
	free(row);
}

static void test_more_text_needed_then_resumed(void **state)
{
	(void)state;
	/* 150 bytes without a line end: not enough, until the LF or the end of input comes. */
	char text[200];
	memset(text, 'a', sizeof text);
	for (int i = 10; i < 150; i += 10)
		text[i] = ',';
	text[170] = '\n';
	unsigned char *row = padded(text, sizeof text);
	struct csv_row_scan scan = {0};
	size_t end = 0;
	assert_int_equal(csv_row_scan(&scan, (const char *)row, 150, 0, ',', &end), 0);
	assert_int_equal(csv_row_scan(&scan, (const char *)row, 160, 0, ',', &end), 0);
	assert_int_equal(csv_row_scan(&scan, (const char *)row, 200, 0, ',', &end), 1);
	assert_int_equal(end, 170);
	assert_int_equal(scan.separator_count, 14);
	assert_int_equal(scan.separators[13], 140);
	/* At the end of input a row without a line end ends there. */
	csv_row_scan_reset(&scan);
	assert_int_equal(csv_row_scan(&scan, (const char *)row, 150, 0, ',', &end), 0);
	assert_int_equal(csv_row_scan(&scan, (const char *)row, 150, 1, ',', &end), 1);
	assert_int_equal(end, 150);
	csv_row_scan_free(&scan);
	free(row);
}

static void test_unclosed_quote_at_end_of_input(void **state)
{
	(void)state;
	const char text[] = "a;\"never closed\nstill;inside";
	unsigned char *row = padded(text, sizeof text - 1);
	struct csv_row_scan scan = {0};
	size_t end;
	assert_int_equal(csv_row_scan(&scan, (const char *)row, sizeof text - 1, 1, ';', &end), 1);
	assert_int_equal(end, sizeof text - 1);
	assert_true(scan.in_quotes);
	assert_int_equal(scan.separator_count, 1);
	csv_row_scan_free(&scan);
	free(row);
}

static void test_utf8_at_block_edges(void **state)
{
	(void)state;
	/* "å" (C3 A5) placed across every position of the first two blocks. */
	for (size_t at = 0; at < 130; at++) {
		char text[200];
		memset(text, 'x', sizeof text);
		text[at] = (char)0xC3, text[at + 1] = (char)0xA5;
		check_whole(text, 140, ';');
		struct csv_row_scan scan = {0};
		size_t end;
		unsigned char *row = padded(text, 140);
		assert_int_equal(csv_row_scan(&scan, (const char *)row, 140, 1, ';', &end), 1);
		assert_true(scan.has_high);
		assert_false(scan.needs_utf8_check);
		csv_row_scan_free(&scan);
		free(row);
	}
	/* A lead byte as the row's last byte, before LF or at the end, is invalid. */
	for (size_t length = 1; length < 130; length++) {
		char text[200];
		memset(text, 'x', sizeof text);
		text[length - 1] = (char)0xC3;
		text[length] = '\n';
		struct csv_row_scan scan = {0};
		size_t end;
		unsigned char *row = padded(text, length + 1);
		assert_int_equal(csv_row_scan(&scan, (const char *)row, length + 1, 0, ';', &end), 1);
		assert_int_equal(end, length);
		assert_true(scan.needs_utf8_check);
		csv_row_scan_reset(&scan);
		assert_int_equal(csv_row_scan(&scan, (const char *)row, length, 1, ';', &end), 1);
		assert_true(scan.needs_utf8_check);
		csv_row_scan_free(&scan);
		free(row);
	}
	/* Three-byte characters, stray continuations and overlong leads are left to the full check. */
#define CHECK_WHOLE(literal) check_whole(literal, sizeof literal - 1, ';')
	CHECK_WHOLE("pris \xE2\x82\xAC 10");
	CHECK_WHOLE("a\xA5z");
	CHECK_WHOLE("\xC0\x80");
	CHECK_WHOLE("\xC1\xBF");
	CHECK_WHOLE("\xED\xA0\x80"); /* a surrogate */
#undef CHECK_WHOLE
}

static void test_no_separator_and_nul(void **state)
{
	(void)state;
	const char text[] = "a;b\0c,d\n";
	unsigned char *row = padded(text, sizeof text - 1);
	struct csv_row_scan scan = {0};
	size_t end;
	/* Separator 0: a header whose separator is not known yet; NUL must not pass for one. */
	assert_int_equal(csv_row_scan(&scan, (const char *)row, sizeof text - 1, 0, 0, &end), 1);
	assert_int_equal(end, 7);
	assert_int_equal(scan.separator_count, 0);
	assert_true(scan.has_nul);
	csv_row_scan_free(&scan);
	free(row);
}

static void test_fast_classifier_matches_portable_one(void **state)
{
	(void)state;
	unsigned char block[64];
	static const char separators[] = {0, ',', ';', '\t'};
	for (int round = 0; round < 20000; round++) {
		for (int i = 0; i < 64; i++)
			block[i] = (unsigned char)next_random();
		if (round < 256) /* every byte value, in every lane */
			for (int i = 0; i < 64; i++)
				block[i] = (unsigned char)(round + i);
		for (size_t s = 0; s < sizeof separators; s++) {
			struct csv_block_masks fast, portable;
			csv_classify_block(block, separators[s], &fast);
			csv_classify_block_portable(block, separators[s], &portable);
			assert_int_equal(fast.separator, portable.separator);
			assert_int_equal(fast.newline, portable.newline);
			assert_int_equal(fast.quote_or_nul, portable.quote_or_nul);
			assert_int_equal(fast.high, portable.high);
			if (fast.high) { /* without high bytes the fast one need not fill these */
				assert_int_equal(fast.continuation, portable.continuation);
				assert_int_equal(fast.lead2, portable.lead2);
			}
		}
	}
}

/* A row of the bytes CSV cares about and of UTF-8 in every length, valid or not. */
static size_t random_row(unsigned char *out, size_t capacity)
{
	static const char *const pieces[] = {
		"a", "bc", "12", ";", ";", ",", "\t", "\"", "\"\"", "\n", "\r", "\xC3\xA5", "\xC3\xB6", "\xC3\x84",
		"\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC3", "\xA5", "\xFF", "\xED\xA0\x80", "\xE0\x80\x80", " ",
		"Helt och h\xC3\xA5llet", "Till mycket stor del",
	};
	size_t length = 0, want = next_random() % capacity;
	while (length < want) {
		const char *piece = next_random() % 50 == 0 ? "\0" : pieces[next_random() % (sizeof pieces / sizeof *pieces)];
		size_t n = *piece ? strlen(piece) : 1;
		if (length + n > capacity)
			break;
		memcpy(out + length, piece, n);
		length += n;
	}
	return length;
}

static void test_random_rows_whole_and_in_pieces(void **state)
{
	(void)state;
	static const char separators[] = {',', ';', '\t', 0};
	unsigned char text[700];
	struct csv_row_scan scan = {0};
	for (int round = 0; round < 30000; round++) {
		size_t length = random_row(text, sizeof text);
		char separator = separators[next_random() % sizeof separators];
		int at_end = next_random() % 2;
		unsigned char *row = padded(text, length);
		struct reference want;
		reference_scan(row, length, at_end, separator, &want);
		/* Fed in pieces of random size, as a buffer refill would hand it over. */
		csv_row_scan_reset(&scan);
		size_t available = 0, end = 0;
		int status = 0;
		while (status == 0 && available < length) {
			available += 1 + next_random() % 100;
			if (available > length)
				available = length;
			struct reference partial;
			reference_scan(row, available, available == length && at_end, separator, &partial);
			status = csv_row_scan(&scan, (const char *)row, available, available == length && at_end, separator, &end);
			assert_int_equal(status, partial.found);
		}
		if (length == 0)
			status = csv_row_scan(&scan, (const char *)row, 0, at_end, separator, &end);
		assert_int_equal(status, want.found);
		if (status == 1)
			expect_same_as_reference(&scan, &want, end, row);
		free(row);
	}
	csv_row_scan_free(&scan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_row_end_separators_and_quotes),
		cmocka_unit_test(test_more_text_needed_then_resumed),
		cmocka_unit_test(test_unclosed_quote_at_end_of_input),
		cmocka_unit_test(test_utf8_at_block_edges),
		cmocka_unit_test(test_no_separator_and_nul),
		cmocka_unit_test(test_fast_classifier_matches_portable_one),
		cmocka_unit_test(test_random_rows_whole_and_in_pieces),
	};
	/* every test once per classifier this machine can run: each must give the same */
	int failed = 0, kinds = 0;
	for (int kind = CSV_SCAN_PORTABLE; kind <= CSV_SCAN_AVX512; kind++) {
		if (csv_scan_use((enum csv_scan_kind)kind) < 0)
			continue;
		printf("== classifier: %s\n", csv_scan_kind_name((enum csv_scan_kind)kind));
		fflush(stdout);
		failed |= cmocka_run_group_tests(tests, NULL, NULL);
		kinds++;
	}
	return failed || kinds == 0;
}
