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

enum personnummer_result personnummer_normalise(const char *text, size_t length, uint32_t reference,
                                                char out[13])
{
	while (length && (*text == ' ' || *text == '\t'))
		text++, length--;
	while (length && (text[length - 1] == ' ' || text[length - 1] == '\t'))
		length--;
	char digits[13];
	size_t count = 0, separator_at = 0;
	char separator = 0;
	for (size_t i = 0; i < length; i++) {
		char c = text[i];
		if (c >= '0' && c <= '9') {
			if (count == 12)
				return PERSONNUMMER_NOT;
			digits[count++] = c;
		} else if ((c == '-' || c == '+') && !separator) {
			separator = c;
			separator_at = count;
		} else {
			return PERSONNUMMER_NOT;
		}
	}
	if (!(count == 12 && (!separator || (separator == '-' && separator_at == 8))) &&
	    !(count == 10 && (!separator || separator_at == 6)))
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
