#include "personnummer.h"

#include <string.h>

static int luhn_ok(const char *ten)
{
	int sum = 0;
	for (int i = 0; i < 10; i++) {
		int d = (ten[i] - '0') * (i % 2 == 0 ? 2 : 1);
		sum += d > 9 ? d - 9 : d;
	}
	return sum % 10 == 0;
}

static int plausible_date(const char *yyyymmdd)
{
	int year = 0, month, day;
	for (int i = 0; i < 4; i++)
		year = year * 10 + (yyyymmdd[i] - '0');
	month = (yyyymmdd[4] - '0') * 10 + (yyyymmdd[5] - '0');
	day = (yyyymmdd[6] - '0') * 10 + (yyyymmdd[7] - '0');
	if (day > 60)
		day -= 60; /* samordningsnummer */
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (year < 1850 || month < 1 || month > 12 || day < 1 || day > days[month - 1])
		return 0;
	if (month == 2 && day == 29 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		return 0;
	return 1;
}

const char *personnummer_problem(enum personnummer_result result)
{
	switch (result) {
	case PERSONNUMMER_BAD_CHECK: return "invalid personnummer (check digit)";
	case PERSONNUMMER_BAD_DATE: return "invalid personnummer (no such birth date)";
	case PERSONNUMMER_EXCEL_NUMBER:
		return "the participant id is a number in Excel's scientific notation (such as 1,23457E+11): Excel has "
		       "destroyed the identifier; format the column as text (or export to CSV from the source system) "
		       "and export again";
	case PERSONNUMMER_LOST_ZERO:
		return "the participant id is a personnummer whose leading zero was lost (9 digits): Excel read the "
		       "column as numbers; format it as text and export again";
	default: return "";
	}
}

/* "1,97901E+11", "1.97901e+11": a number in Excel's scientific notation. */
static int excel_number(const char *text, size_t length)
{
	size_t i = 0;
	if (i < length && text[i] >= '0' && text[i] <= '9')
		i++;
	else
		return 0;
	if (i < length && (text[i] == ',' || text[i] == '.')) {
		i++;
		while (i < length && text[i] >= '0' && text[i] <= '9')
			i++;
	}
	if (i >= length || (text[i] != 'E' && text[i] != 'e'))
		return 0;
	i++;
	if (i < length && text[i] == '+')
		i++;
	size_t exponent_start = i;
	while (i < length && text[i] >= '0' && text[i] <= '9')
		i++;
	return i == length && i > exponent_start;
}

/*
 * The text with the dashes and spaces of word processors made ASCII: Word turns
 * "19790101-1234" into an en dash as it is typed, and a no-break space comes with
 * text pasted from the web.  At most size - 1 bytes; 0 when longer (no
 * personnummer is that long).
 */
static size_t plain_separators(const char *text, size_t length, char *out, size_t size)
{
	size_t used = 0;
	for (size_t i = 0; i < length;) {
		if (used + 1 >= size)
			return 0;
		const unsigned char *u = (const unsigned char *)text + i;
		if (length - i >= 3 && ((u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x8B && u[2] <= 0x8D) ||
		                        (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0xA0) ||
		                        (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF))) {
			i += 3; /* zero-width spaces and joiners, a byte order mark: nothing */
			continue;
		}
		if (length - i >= 3 && u[0] == 0xE2 && ((u[1] == 0x80 && u[2] >= 0x90 && u[2] <= 0x95) ||
		                                          (u[1] == 0x88 && u[2] == 0x92))) {
			out[used] = '-'; /* U+2010..2015 hyphens and dashes, U+2212 minus */
			i += 3;
		} else if (length - i >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x89 || u[2] == 0xAF)) {
			out[used] = ' '; /* thin and narrow no-break space */
			i += 3;
		} else if (length - i >= 2 && u[0] == 0xC2 && u[1] == 0xA0) {
			out[used] = ' '; /* no-break space */
			i += 2;
		} else if (length - i >= 2 && u[0] == 0xC2 && u[1] == 0xAD) {
			out[used] = '-'; /* soft hyphen */
			i += 2;
		} else {
			out[used] = text[i++];
		}
		used++;
	}
	return used;
}

enum personnummer_result personnummer_normalise(const char *text, size_t length, uint32_t reference,
                                                char out[13])
{
	char plain[64];
	length = plain_separators(text, length, plain, sizeof plain);
	if (!length)
		return PERSONNUMMER_NOT;
	text = plain;
	while (length && (*text == ' ' || *text == '\t'))
		text++, length--;
	while (length && (text[length - 1] == ' ' || text[length - 1] == '\t'))
		length--;
	if (excel_number(text, length))
		return PERSONNUMMER_EXCEL_NUMBER;
	char digits[13];
	size_t count = 0, separator_at = 0, space_at = 0;
	char separator = 0;
	int spaces = 0;
	for (size_t i = 0; i < length; i++) {
		char c = text[i];
		if (c >= '0' && c <= '9') {
			if (count == 12)
				return PERSONNUMMER_NOT;
			digits[count++] = c;
		} else if ((c == '-' || c == '+') && !separator) {
			separator = c;
			separator_at = count;
		} else if (c == ' ' && (!spaces || space_at == count)) {
			/* Spaces where the dash goes, or around it: one place only. */
			spaces = 1;
			space_at = count;
		} else {
			return PERSONNUMMER_NOT;
		}
	}
	if (spaces && separator && space_at != separator_at)
		return PERSONNUMMER_NOT;
	if (spaces && !separator)
		separator_at = space_at;
	int split = separator || spaces;
	if (!split && count == 9) {
		/* With its zero back, a valid personnummer (born 2000-2009): Excel dropped the zero. */
		char restored[10];
		restored[0] = '0';
		memcpy(restored + 1, digits, 9);
		char scratch[13];
		return personnummer_normalise(restored, 10, reference, scratch) == PERSONNUMMER_VALID ? PERSONNUMMER_LOST_ZERO
		                                                                                      : PERSONNUMMER_NOT;
	}
	if (!(count == 12 && (!split || (separator != '+' && separator_at == 8))) &&
	    !(count == 10 && (!split || separator_at == 6)))
		return PERSONNUMMER_NOT;
	if (count == 12) {
		memcpy(out, digits, 12);
	} else {
		/* The latest birth date not after the questionnaire: the person is under 100;
		 * '+' says 100 or older, a century earlier. */
		unsigned year = reference ? reference / 10000 : 2000, century = year / 100;
		unsigned birth = century * 1000000 + (unsigned)((digits[0] - '0') * 100000 + (digits[1] - '0') * 10000 +
		                                              (digits[2] - '0') * 1000 + (digits[3] - '0') * 100 +
		                                              (digits[4] - '0') * 10 + (digits[5] - '0'));
		unsigned birth_day = birth % 100 > 60 ? birth - 60 : birth;
		if (reference && birth_day > reference)
			century--;
		else if (!reference && birth_day / 10000 > year)
			century--;
		if (separator == '+')
			century--;
		out[0] = (char)('0' + century / 10);
		out[1] = (char)('0' + century % 10);
		memcpy(out + 2, digits, 10);
	}
	out[12] = '\0';
	if (!plausible_date(out))
		return PERSONNUMMER_BAD_DATE;
	if (!luhn_ok(out + 2))
		return PERSONNUMMER_BAD_CHECK;
	return PERSONNUMMER_VALID;
}
