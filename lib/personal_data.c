#include "personal_data.h"

#include <string.h>
#include <strings.h>

#include "text_fold.h"

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static size_t digit_run(const char *text, size_t length)
{
	size_t n = 0;
	while (n < length && is_digit(text[n]))
		n++;
	return n;
}

/*
 * Bytes of the separator a person, a word processor or a spreadsheet writes inside
 * a personnummer at text[0], 0 for none: '-', '+', a space, '.', '_', '/', a tab
 * or line break (Alt+Enter in a cell), and in UTF-8 a no-break, thin or zero-width
 * space, a soft hyphen, the Unicode dashes (Word's autocorrected en dash above all)
 * and the minus sign.  any_punctuation: any other ASCII punctuation too (':', ',',
 * '\\', '=', '*' ...), for the one form specific enough to allow it: six or eight
 * digits, then four.
 */
static size_t separator_width(const char *text, size_t length, int any_punctuation)
{
	const unsigned char *u = (const unsigned char *)text;
	if (u[0] == '&') {
		/* an HTML entity where the dash was: "&#8211;", "&#x2013;", "&ndash;" */
		size_t i = 1;
		while (i < length && i < 10 && ((u[i] >= '0' && u[i] <= '9') || ((u[i] | 0x20) >= 'a' && (u[i] | 0x20) <= 'z') ||
		                                u[i] == '#'))
			i++;
		if (i > 2 && i < length && u[i] == ';')
			return i + 1;
	}
	if (u[0] == '-' || u[0] == '+' || u[0] == ' ' || u[0] == '.' || u[0] == '_' || u[0] == '/' || u[0] == '\t' ||
	    u[0] == '\n' || u[0] == '\r')
		return 1;
	if (any_punctuation && u[0] > ' ' && u[0] < 0x7F && !(u[0] >= '0' && u[0] <= '9') &&
	    !((u[0] | 0x20) >= 'a' && (u[0] | 0x20) <= 'z') && u[0] != ';')
		return 1;
	if (length >= 2 && u[0] == 0xC2 && (u[1] == 0xA0 || u[1] == 0xAD))
		return 2; /* U+00A0 no-break space, U+00AD soft hyphen */
	if (length >= 3 && u[0] == 0xE2 && u[1] == 0x80 &&
	    ((u[2] >= 0x8B && u[2] <= 0x95) || u[2] == 0x89 || u[2] == 0xAF))
		return 3; /* U+200B..200D zero-width, U+2010..2015 hyphens and dashes, thin and narrow no-break space */
	if (length >= 3 && u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0xA0)
		return 3; /* U+2060 word joiner */
	if (length >= 3 && u[0] == 0xE2 && u[1] == 0x88 && u[2] == 0x92)
		return 3; /* U+2212 minus sign */
	if (length >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
		return 3; /* U+FEFF, a byte order mark pasted in */
	if (length >= 3 && u[0] == 0xEF && ((u[1] == 0xBC && u[2] == 0x8D) || (u[1] == 0xB9 && u[2] == 0xA3)))
		return 3; /* U+FF0D fullwidth and U+FE63 small hyphen-minus */
	if (length >= 2 && u[0] == 0xC2 && u[1] == 0xB7)
		return 2; /* U+00B7 middle dot */
	return 0;
}

/* Bytes of the separators (at most five: "  -  ") at text[0]. */
static size_t separators_at(const char *text, size_t length, int any_punctuation)
{
	size_t at = 0;
	for (int count = 0; count < 5 && at < length; count++) {
		size_t width = separator_width(text + at, length - at, any_punctuation);
		if (!width)
			break;
		at += width;
	}
	return at;
}

static int two_digits(const char *d) { return (d[0] - '0') * 10 + (d[1] - '0'); }

/* Ten digits YYMMDDNNNN or twelve YYYYMMDDNNNN whose date part could be a birth
 * date (a samordningsnummer's day plus 60 included). */
static int birth_date_shaped(const char *digits, size_t count)
{
	if (count != 10 && count != 12)
		return 0;
	const char *month_day = digits + (count == 12 ? 4 : 2);
	if (count == 12 && two_digits(digits) != 18 && two_digits(digits) != 19 && two_digits(digits) != 20)
		return 0;
	int month = two_digits(month_day), day = two_digits(month_day + 2);
	return month >= 1 && month <= 12 && ((day >= 1 && day <= 31) || (day >= 61 && day <= 91));
}

/* strict: a run of digits only when it is ten or twelve with a birth date's shape. */
static size_t span_at(const char *whole, size_t whole_length, size_t start, int strict)
{
	if (start >= whole_length || !is_digit(whole[start]) || (start > 0 && is_digit(whole[start - 1])))
		return 0;
	const char *text = whole + start;
	size_t length = whole_length - start;
	size_t first = digit_run(text, length);
	/* Run together: 10 or 12 digits, 9 or 11 when Excel dropped the leading zero.
	 * Anything longer may hide one, so it goes too. */
	if (first >= 9 && !strict)
		return first;
	if (first >= 9) {
		char digits[12];
		if (first != 10 && first != 12)
			return 0;
		memcpy(digits, text, first);
		return birth_date_shaped(digits, first) ? first : 0;
	}
	if (first == 0)
		return 0;
	/* A date part, then the separator a person or a program wrote ('-', spaces, a
	 * dash with spaces around it, an en dash), then at least four digits. */
	if (first == 6 || first == 8) {
		size_t at = first + separators_at(text + first, length - first, 1);
		size_t last = at > first ? digit_run(text + at, length - at) : 0;
		if (last >= 4)
			return at + last;
	}
	/* Written in groups ("1979-01-01-1234", "19 79 01 01 12 34", "64 12 31-9870"):
	 * ten or twelve digits in all, the first of them a birth date.  The longest
	 * such reading is taken, with any groups that follow it ("1201 150312-1231"
	 * reads from 1201, and the -1231 after the reading would give its last digits
	 * away).  A date range, "2022-01-01 - 2022-12-31", is one reading too: a cell is
	 * masked rather than a number shown. */
	char digits[12];
	size_t count = 0, at = 0, span = 0;
	for (;;) {
		size_t run = digit_run(text + at, length - at);
		if (run == 0)
			break;
		if (count + run <= sizeof digits) {
			memcpy(digits + count, text + at, run);
			count += run;
			if (birth_date_shaped(digits, count))
				span = at + run;
		} else {
			count = sizeof digits + 1; /* past any reading: only the groups are followed now */
		}
		at += run;
		if (span)
			span = at; /* the groups after a reading go with it */
		size_t gap = separators_at(text + at, length - at, 0);
		if (!gap || !digit_run(text + at + gap, length - at - gap))
			break;
		at += gap;
	}
	return span;
}

size_t personal_data_span(const char *text, size_t length, size_t start)
{
	return span_at(text, length, start, 0);
}

/* Every form has nine digits at least: a text with fewer holds none (the common case,
 * checked on every row's id, and quickly). */
static int enough_digits(const char *text, size_t length)
{
	size_t count = 0;
	for (size_t i = 0; i < length && count < 9; i++)
		count += is_digit(text[i]);
	return count >= 9;
}

int personal_data_identifies(const char *text, size_t length)
{
	if (!enough_digits(text, length))
		return 0;
	for (size_t i = 0; i < length; i++)
		if (span_at(text, length, i, 1))
			return 1;
	return 0;
}

int personal_data_names_person(const char *name, size_t length, const char *identifier, size_t identifier_length)
{
	if (personal_data_present(name, length))
		return 1;
	if (!identifier)
		return 0;
	name = text_trim(name, &length);
	identifier = text_trim(identifier, &identifier_length);
	return length && length == identifier_length && strncasecmp(name, identifier, length) == 0;
}

int personal_data_present(const char *text, size_t length)
{
	if (!enough_digits(text, length))
		return 0;
	for (size_t i = 0; i < length; i++)
		if (personal_data_span(text, length, i))
			return 1;
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
		size_t span = personal_data_span(text, length, i);
		const char *piece = span ? mask : text + i;
		size_t piece_length = span ? sizeof mask - 1 : character_width(text + i, length - i);
		if (used + piece_length + 1 > out_size)
			break;
		memcpy(out + used, piece, piece_length);
		used += piece_length;
		i += span ? span : piece_length;
		chars++;
	}
	/* A cut inside a word with digits in it (a run of digits, an entity such as
	 * "&#8211;") would leave a shorter one than the text holds, which with what stands
	 * before it could read as a personnummer the whole text is not: such a word goes
	 * whole.  A word of letters is cut where it is. */
	if (i < length && text[i] != ' ') {
		size_t word = used;
		int digits = 0;
		while (word > 0 && out[word - 1] != ' ' && out[word - 1] != ']')
			digits |= is_digit(out[--word]);
		if (digits || is_digit(text[i]))
			used = word;
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
