/* libFuzzer harness for csv_scan: any bytes as rows.  With the classifier the
 * input picks (portable, SSE2, AVX2, AVX-512BW; the widest the machine has when
 * it lacks that one), checks that it agrees with the portable one on every block
 * and scans a row as the portable one does, that a row scanned in pieces (split
 * where the input says) gives exactly what it gives whole, and that every
 * separator it reports is a separator outside quotes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_scan(const struct csv_row_scan *a, const struct csv_row_scan *b)
{
	if (a->in_quotes != b->in_quotes || a->has_quote != b->has_quote || a->has_nul != b->has_nul ||
	    a->has_high != b->has_high || a->needs_utf8_check != b->needs_utf8_check ||
	    a->quoted_newlines != b->quoted_newlines || a->separator_count != b->separator_count ||
	    (a->separator_count && memcmp(a->separators, b->separators, a->separator_count * sizeof *a->separators)))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char separators[] = {';', ',', '\t', 0};
	if (size < 2)
		return 0;
	char separator = separators[data[0] & 3];
	int at_end = data[0] >> 2 & 1;
	enum csv_scan_kind kind = (enum csv_scan_kind)(data[0] >> 3 & 3);
	if (csv_scan_use(kind) < 0)
		for (int widest = CSV_SCAN_AVX512; widest >= CSV_SCAN_PORTABLE; widest--)
			if (csv_scan_use((enum csv_scan_kind)widest) == 0)
				break;
	size_t piece = 1 + data[1];
	data += 2, size -= 2;
	unsigned char *row = malloc(size + CSV_SCAN_PADDING);
	if (!row)
		return 0;
	memcpy(row, data, size);
	memset(row + size, '"', CSV_SCAN_PADDING); /* must never count */

	for (size_t at = 0; at + 64 <= size + CSV_SCAN_PADDING; at += 64) {
		struct csv_block_masks fast, portable;
		csv_classify_block(row + at, separator, &fast);
		csv_classify_block_portable(row + at, separator, &portable);
		if (fast.separator != portable.separator || fast.newline != portable.newline ||
		    fast.quote_or_nul != portable.quote_or_nul || fast.high != portable.high ||
		    (fast.high && (fast.continuation != portable.continuation || fast.lead2 != portable.lead2)))
			__builtin_trap();
	}

	struct csv_row_scan whole = {0}, pieces = {0};
	size_t end_whole = 0, end_pieces = 0;
	int status_whole = csv_row_scan(&whole, (const char *)row, size, at_end, separator, &end_whole);
	int status_pieces = 0;
	for (size_t available = 0; status_pieces == 0 && available < size;) {
		available = available + piece < size ? available + piece : size;
		int last = available == size && at_end;
		status_pieces = csv_row_scan(&pieces, (const char *)row, available, last, separator, &end_pieces);
	}
	if (size == 0)
		status_pieces = csv_row_scan(&pieces, (const char *)row, 0, at_end, separator, &end_pieces);
	if (status_whole != status_pieces)
		__builtin_trap();
	enum csv_scan_kind used = csv_scan_in_use();
	if (csv_scan_use(CSV_SCAN_PORTABLE) == 0) { /* the reference, byte by byte */
		struct csv_row_scan reference = {0};
		size_t end_reference = 0;
		if (csv_row_scan(&reference, (const char *)row, size, at_end, separator, &end_reference) != status_whole ||
		    (status_whole == 1 && end_reference != end_whole))
			__builtin_trap();
		if (status_whole == 1)
			same_scan(&whole, &reference);
		csv_row_scan_free(&reference);
		csv_scan_use(used);
	}
	if (status_whole == 1) {
		if (end_whole != end_pieces || end_whole > size || (end_whole < size && row[end_whole] != '\n'))
			__builtin_trap();
		same_scan(&whole, &pieces);
		int quoted = 0;
		size_t next = 0;
		for (size_t i = 0; i < end_whole; i++) {
			if (row[i] == '"')
				quoted = !quoted;
			int is_separator = separator && row[i] == (unsigned char)separator && !quoted;
			int reported = next < whole.separator_count && whole.separators[next] == i;
			if (is_separator != reported)
				__builtin_trap();
			next += reported;
		}
		if (quoted != whole.in_quotes || next != whole.separator_count)
			__builtin_trap();
	}
	csv_row_scan_free(&whole);
	csv_row_scan_free(&pieces);
	free(row);
	return 0;
}
