#include "dates.h"

#include <stdio.h>

static int digits(const char *text, size_t count, unsigned *value)
{
	unsigned result = 0;
	for (size_t i = 0; i < count; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -1;
		result = result * 10 + (unsigned)(text[i] - '0');
	}
	*value = result;
	return 0;
}

static unsigned days_in_month(unsigned year, unsigned month)
{
	static const unsigned char days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

int date_parse(const char *text, size_t length, uint32_t *yyyymmdd)
{
	unsigned year, month, day;
	while (length > 0 && (text[length - 1] == ' ' || text[length - 1] == '\t'))
		length--;
	while (length > 0 && (*text == ' ' || *text == '\t'))
		text++, length--;
	if (length < 10 || text[4] != '-' || text[7] != '-' || digits(text, 4, &year) < 0 ||
	    digits(text + 5, 2, &month) < 0 || digits(text + 8, 2, &day) < 0)
		return -1;
	/* A time may follow ("2022-03-01 14:05" or "2022-03-01T14:05:00Z"); it is not used. */
	if (length > 10 && text[10] != 'T' && text[10] != ' ')
		return -1;
	if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month))
		return -1;
	*yyyymmdd = year * 10000 + month * 100 + day;
	return 0;
}

unsigned date_matar(uint32_t yyyymmdd)
{
	unsigned year = yyyymmdd / 10000, month = yyyymmdd / 100 % 100;
	return month >= 11 ? year + 1 : year;
}

void date_format(uint32_t yyyymmdd, char out[11])
{
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(yyyymmdd / 10000) % 10000u,
	         (unsigned)(yyyymmdd / 100 % 100), (unsigned)(yyyymmdd % 100));
}
