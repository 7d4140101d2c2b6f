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

/* D/M/YYYY or D.M.YYYY (one or two digits each), day first: the Swedish order.
 * Returns the bytes read, or 0. */
static size_t day_month_year(const char *text, size_t length, unsigned *year, unsigned *month, unsigned *day)
{
	size_t i = 0, widths[3] = {0, 0, 0};
	unsigned values[3] = {0, 0, 0};
	char separator = 0;
	for (int part = 0; part < 3; part++) {
		while (i < length && text[i] >= '0' && text[i] <= '9' && widths[part] < 4)
			values[part] = values[part] * 10 + (unsigned)(text[i++] - '0'), widths[part]++;
		if (part < 2) {
			if (i >= length || (text[i] != '/' && text[i] != '.') || (separator && text[i] != separator))
				return 0;
			separator = text[i++];
		}
	}
	if (widths[0] < 1 || widths[0] > 2 || widths[1] < 1 || widths[1] > 2 || widths[2] != 4)
		return 0;
	*day = values[0];
	*month = values[1];
	*year = values[2];
	return i;
}

int date_parse(const char *text, size_t length, uint32_t *yyyymmdd)
{
	unsigned year, month, day;
	while (length > 0 && (text[length - 1] == ' ' || text[length - 1] == '\t'))
		length--;
	while (length > 0 && (*text == ' ' || *text == '\t'))
		text++, length--;
	size_t used = 10;
	int result = 0;
	if (length >= 10 && text[4] == '-' && text[7] == '-' && digits(text, 4, &year) == 0 &&
	    digits(text + 5, 2, &month) == 0 && digits(text + 8, 2, &day) == 0) {
		result = 0;
	} else if ((used = day_month_year(text, length, &year, &month, &day)) != 0) {
		result = DATE_DAY_FIRST;
	} else {
		return DATE_NOT;
	}
	/* A time may follow ("2022-03-01 14:05" or "2022-03-01T14:05:00Z"); it is not used. */
	if (length > used && text[used] != 'T' && text[used] != ' ')
		return DATE_NOT;
	if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1)
		return DATE_NOT;
	if (day > days_in_month(year, month))
		return DATE_NO_SUCH_DAY;
	*yyyymmdd = year * 10000 + month * 100 + day;
	return result;
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

void date_from_serial_day(long days, long *year, long *month, long *day)
{
	/* Hinnant's days-to-civil, shifted from 1970-01-01 to 1899-12-30 */
	long z = days - 25569 + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*day = doy - (153 * mp + 2) / 5 + 1;
	*month = mp < 10 ? mp + 3 : mp - 9;
	*year = yoe + era * 400 + (*month <= 2);
}

void date_expectation(const char *text, size_t length, char *out, size_t size)
{
	unsigned serial;
	while (length > 0 && (text[length - 1] == ' ' || text[length - 1] == '\t'))
		length--;
	/* 32874 is 1990-01-01 and 73051 is 2100-01-01: a five-digit number between
	 * them, where a date belongs, is a date cell that lost its date format. */
	if (length == 5 && digits(text, 5, &serial) == 0 && serial >= 32874 && serial < 73051) {
		long year, month, day;
		date_from_serial_day((long)serial, &year, &month, &day);
		snprintf(out, size,
		         "expected YYYY-MM-DD or D/M/YYYY; %u is how a spreadsheet stores %04ld-%02ld-%02ld: format the "
		         "column as a date before saving",
		         serial, year % 10000, month % 100, day % 100);
		return;
	}
	snprintf(out, size, "expected YYYY-MM-DD or D/M/YYYY");
}

long date_day_number(uint32_t yyyymmdd)
{
	long year = (long)(yyyymmdd / 10000), month = (long)(yyyymmdd / 100 % 100), day = (long)(yyyymmdd % 100);
	if (month <= 2)
		year--, month += 12;
	/* Hinnant's days-from-civil, counted from 0000-03-01 */
	long era = year / 400, yoe = year - era * 400;
	long doy = (153 * (month - 3) + 2) / 5 + day - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy;
}
