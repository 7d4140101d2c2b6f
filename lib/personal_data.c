#include "personal_data.h"

#include <string.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static size_t digit_run(const char *text, size_t length)
{
	size_t n = 0;
	while (n < length && is_digit(text[n]))
		n++;
	return n;
}

size_t personal_data_span(const char *text, size_t length)
{
	size_t first = digit_run(text, length);
	/* Run together: 10 or 12 digits, 9 or 11 when Excel dropped the leading zero.
	 * Anything longer may hide one, so it goes too. */
	if (first >= 9)
		return first;
	if (first != 6 && first != 8)
		return 0;
	/* A date part, then the separator a person or a program wrote: '-', '+',
	 * spaces (Excel's "19850312 1231"), or a dash with spaces around it. */
	size_t at = first, separators = 0;
	while (at < length && separators < 3 && (text[at] == '-' || text[at] == '+' || text[at] == ' ')) {
		at++;
		separators++;
	}
	if (separators == 0)
		return 0;
	size_t last = digit_run(text + at, length - at);
	if (last < 4)
		return 0;
	return at + last;
}

int personal_data_present(const char *text, size_t length)
{
	for (size_t i = 0; i < length; i++) {
		if (!is_digit(text[i]) || (i > 0 && is_digit(text[i - 1])))
			continue;
		if (personal_data_span(text + i, length - i))
			return 1;
	}
	return 0;
}

/* Bytes of the UTF-8 character at text[0]: its lead byte's length when that many
 * continuation bytes follow, else 1 — a stray byte never swallows the digit after it. */
static size_t character_width(const char *text, size_t length)
{
	unsigned char lead = (unsigned char)text[0];
	size_t width = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (width > length)
		return 1;
	for (size_t k = 1; k < width; k++)
		if (((unsigned char)text[k] & 0xC0) != 0x80)
			return 1;
	return width;
}

/*
 * Copies text to out with each personnummer masked, stopping after max_chars
 * characters (a mask counts as one) or when out is full.  Spans are judged on
 * the whole text, so a cut never leaves part of a number showing.  *cut: 1
 * when text was not copied whole.
 */
static size_t scrub_into(const char *text, size_t length, size_t max_chars, char *out, size_t out_size, int *cut)
{
	static const char mask[] = PERSONAL_DATA_MASK;
	size_t used = 0, chars = 0, i = 0;
	while (i < length && chars < max_chars) {
		size_t span = (is_digit(text[i]) && (i == 0 || !is_digit(text[i - 1])))
		            ? personal_data_span(text + i, length - i) : 0;
		const char *piece = span ? mask : text + i;
		size_t piece_length = span ? sizeof mask - 1 : character_width(text + i, length - i);
		if (used + piece_length + 1 > out_size)
			break;
		memcpy(out + used, piece, piece_length);
		used += piece_length;
		i += span ? span : piece_length;
		chars++;
	}
	out[used] = '\0';
	*cut = i < length;
	return used;
}

size_t personal_data_scrub(const char *text, size_t length, char *out, size_t out_size)
{
	int cut;
	return out_size ? scrub_into(text, length, (size_t)-1, out, out_size, &cut) : 0;
}

const char *personal_data_quote(const char *text, size_t length, size_t max_chars, char *out, size_t out_size)
{
	static const char ellipsis[] = "\xe2\x80\xa6";
	int cut;
	if (out_size < sizeof ellipsis) {
		if (out_size)
			out[0] = '\0';
		return out;
	}
	size_t used = scrub_into(text ? text : "", text ? length : 0, max_chars, out, out_size - (sizeof ellipsis - 1), &cut);
	if (cut)
		memcpy(out + used, ellipsis, sizeof ellipsis);
	return out;
}
