#include "dates.h"

#include <stdio.h>
#include <string.h>

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

/* The year first, as hand-typed registers have it: YYYY-M-D (or with '/' or '.', the
 * month and day of one or two digits), or YYYYMMDD run together.  Never ambiguous:
 * no one writes the day between the year and the month.  The bytes read, or 0. */
static size_t year_month_day(const char *text, size_t length, unsigned *year, unsigned *month, unsigned *day)
{
	if (length >= 8 && digits(text, 8, year) == 0 && (length == 8 || text[8] < '0' || text[8] > '9')) {
		*month = *year / 100 % 100;
		*day = *year % 100;
		*year /= 10000;
		return 8;
	}
	if (length < 8 || digits(text, 4, year) != 0 || (text[4] != '-' && text[4] != '/' && text[4] != '.'))
		return 0;
	char separator = text[4];
	size_t i = 5, width = 0;
	for (*month = 0; i < length && text[i] >= '0' && text[i] <= '9' && width < 3; i++, width++)
		*month = *month * 10 + (unsigned)(text[i] - '0');
	if (width < 1 || width > 2 || i >= length || text[i] != separator)
		return 0;
	i++;
	for (width = 0, *day = 0; i < length && text[i] >= '0' && text[i] <= '9' && width < 3; i++, width++)
		*day = *day * 10 + (unsigned)(text[i] - '0');
	return width >= 1 && width <= 2 ? i : 0;
}

static uint32_t civil_of_day_number(long day_number)
{
	long year, month, day;
	date_from_serial_day(day_number - date_day_number(18991230), &year, &month, &day);
	return (uint32_t)(year * 10000 + month * 100 + day);
}

/* The day number of the last Sunday of a month (31 days: March, October). */
static long last_sunday(unsigned year, unsigned month)
{
	long last = date_day_number(year * 10000 + month * 100 + 31);
	long sunday = date_day_number(20220327); /* a Sunday */
	long since = (last - sunday) % 7;
	return last - (since < 0 ? since + 7 : since);
}

static int letters_are(const char *text, size_t length, const char *word)
{
	size_t n = strlen(word);
	if (length < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((text[i] | 0x20) != word[i])
			return 0;
	return 1;
}

/*
 * An offset from UTC at t: +01:00, -0500, +02, +1 (and after UTC or GMT).  Its
 * length, with *offset in minutes east, or 0 when there is none.
 */
static size_t zone_offset(const char *t, size_t n, long *offset)
{
	if (n < 2 || (t[0] != '+' && t[0] != '-') || t[1] < '0' || t[1] > '9')
		return 0;
	size_t i = 1;
	unsigned hours = 0, minutes = 0;
	while (i < n && i < 3 && t[i] >= '0' && t[i] <= '9')
		hours = hours * 10 + (unsigned)(t[i++] - '0');
	if (i < n && t[i] == ':')
		i++;
	if (i + 2 <= n && digits(t + i, 2, &minutes) == 0)
		i += 2;
	else if (t[i - 1] == ':')
		return 0;
	if (hours > 14 || minutes > 59)
		return 0;
	*offset = (t[0] == '+' ? 1 : -1) * (long)(hours * 60 + minutes);
	return i;
}

/* Bytes of a zone at t (Z, UTC, GMT, an offset, UTC+01:00, CET, CEST, a name in
 * brackets), with *offset; 0 when none is recognised. */
static size_t zone_at(const char *t, size_t n, long *offset)
{
	size_t i = 0;
	*offset = 0;
	if (n >= 1 && (t[0] == 'Z' || t[0] == 'z') && (n == 1 || !((t[1] | 0x20) >= 'a' && (t[1] | 0x20) <= 'z')))
		i = 1;
	else if (letters_are(t, n, "cest"))
		*offset = 120, i = 4;
	else if (letters_are(t, n, "cet"))
		*offset = 60, i = 3;
	else if (letters_are(t, n, "utc") || letters_are(t, n, "gmt"))
		i = 3;
	size_t offset_length = zone_offset(t + i, n - i, offset);
	if (!i && !offset_length)
		return 0;
	return i + offset_length;
}

/*
 * What may follow a date: a time ("10:30", "9:30:15.250", "10.30" as Swedish
 * writes it, "kl 10", "10:30 PM", after 'T' also "1030" and "103015") and its zone
 * (above; a zone's abbreviation or name in brackets may follow: Go writes "+0000
 * UTC"), or words ("2022-03-05 fm").  -1 for what only looks like a time: three
 * or more digits after a space ("19850314 1239" is a personnummer), or an hour,
 * minute or second no clock shows.  0 with *minutes past midnight and the zone's
 * *offset (*zoned 1) when there is one; a time without a zone is Swedish already.
 */
static int time_and_zone(const char *t, size_t n, int after_t, long *minutes, long *offset, int *zoned)
{
	size_t i = 0;
	*minutes = *offset = 0;
	*zoned = 0;
	while (i < n && t[i] == ' ')
		i++;
	if (!after_t && letters_are(t + i, n - i, "kl")) {
		i += 2;
		if (i < n && t[i] == '.')
			i++;
		while (i < n && t[i] == ' ')
			i++;
	}
	if (i >= n || t[i] < '0' || t[i] > '9')
		return 0; /* words: the date as it is */
	size_t run = 0;
	while (i + run < n && t[i + run] >= '0' && t[i + run] <= '9')
		run++;
	unsigned hour = 0, minute = 0, second = 0;
	if (after_t && (run == 4 || run == 6)) {
		digits(t + i, 2, &hour);
		digits(t + i + 2, 2, &minute);
		if (run == 6)
			digits(t + i + 4, 2, &second);
		i += run;
	} else if (run <= 2) {
		digits(t + i, run, &hour);
		i += run;
		char separator = i < n ? t[i] : 0;
		if ((separator == ':' || separator == '.') && i + 3 <= n && digits(t + i + 1, 2, &minute) == 0) {
			i += 3;
			if (i + 3 <= n && t[i] == separator && digits(t + i + 1, 2, &second) == 0)
				i += 3;
		}
	} else {
		return -1;
	}
	if (i < n && (t[i] == '.' || t[i] == ',') && i + 1 < n && t[i + 1] >= '0' && t[i + 1] <= '9')
		for (i++; i < n && t[i] >= '0' && t[i] <= '9'; i++)
			;
	if (hour > 23 || minute > 59 || second > 60)
		return -1;
	while (i < n && t[i] == ' ')
		i++;
	if (i + 2 <= n && ((t[i] | 0x20) == 'a' || (t[i] | 0x20) == 'p') && (t[i + 1] | 0x20) == 'm' &&
	    (i + 2 == n || t[i + 2] == ' ' || t[i + 2] == '.')) {
		if (hour < 1 || hour > 12)
			return -1;
		hour = (hour % 12) + ((t[i] | 0x20) == 'p' ? 12 : 0);
		i += 2;
		while (i < n && (t[i] == ' ' || t[i] == '.'))
			i++;
	}
	*minutes = (long)(hour * 60 + minute);
	if (i < n && t[i] == '[') {
		*zoned = letters_are(t + i + 1, n - i - 1, "utc"); /* "10:30[UTC]"; a place's name: as written */
		return 0;
	}
	size_t zone = zone_at(t + i, n - i, offset);
	if (!zone)
		return 0; /* no zone, or words after the time: Swedish time, as written */
	*zoned = 1;
	i += zone;
	while (i < n && t[i] == ' ')
		i++;
	long again;
	if (i < n && t[i] != '[' && zone_at(t + i, n - i, &again))
		i += zone_at(t + i, n - i, &again); /* "+0000 UTC": the abbreviation after the offset */
	while (i < n && t[i] == ' ')
		i++;
	if (i < n && t[i] == '[') {
		/* a zone's name: alone, Europe/Stockholm is the time as written */
		*zoned = *zoned || letters_are(t + i + 1, n - i - 1, "utc");
	}
	return 0;
}

/*
 * The date in Sweden of minutes past midnight UTC-offset on yyyymmdd: a web form's
 * export in UTC says 31 October at 23:30 for an answer given on 1 November, the next
 * mätår.  Central European time, summer time from the last Sunday of March to the
 * last Sunday of October (01:00 UTC).
 */
static uint32_t swedish_date(uint32_t yyyymmdd, long minutes, long offset)
{
	long day_number = date_day_number(yyyymmdd);
	long utc = day_number * 1440 + minutes - offset;
	unsigned year = yyyymmdd / 10000;
	long summer_from = last_sunday(year, 3) * 1440 + 60, summer_to = last_sunday(year, 10) * 1440 + 60;
	long local = utc + 60 + (utc >= summer_from && utc < summer_to ? 60 : 0);
	long local_day = local >= 0 ? local / 1440 : (local - 1439) / 1440;
	return local_day == day_number ? yyyymmdd : civil_of_day_number(local_day);
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
	} else if ((used = year_month_day(text, length, &year, &month, &day)) != 0) {
		result = 0;
	} else {
		return DATE_NOT;
	}
	/* A time may follow ("2022-03-01 14:05" or "2022-03-01T14:05:00Z"), nothing else. */
	long minutes = 0, offset = 0;
	int zoned = 0;
	if (length > used) {
		int after_t = text[used] == 'T' || text[used] == 't';
		size_t at = used + 1;
		while (!after_t && at < length && text[at] == ' ')
			at++;
		if ((!after_t && text[used] != ' ') ||
		    time_and_zone(text + at, length - at, after_t, &minutes, &offset, &zoned) < 0)
			return DATE_NOT;
	}
	if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1)
		return DATE_NOT;
	if (day > days_in_month(year, month))
		return DATE_NO_SUCH_DAY;
	*yyyymmdd = year * 10000 + month * 100 + day;
	if (zoned)
		*yyyymmdd = swedish_date(*yyyymmdd, minutes, offset);
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
		         "expected YYYY-MM-DD, YYYYMMDD or D/M/YYYY; %u is how a spreadsheet stores %04ld-%02ld-%02ld: "
		         "format the "
		         "column as a date before saving",
		         serial, year % 10000, month % 100, day % 100);
		return;
	}
	/* "12/31/2021": a month, then a day no month has as its number: written month first,
	 * as US settings write dates.  Then the file's other D/M dates were read wrongly. */
	unsigned first = 0, second = 0, width = 0;
	size_t i = 0;
	for (; i < length && text[i] >= '0' && text[i] <= '9' && width < 3; i++, width++)
		first = first * 10 + (unsigned)(text[i] - '0');
	if (width && width <= 2 && i < length && (text[i] == '/' || text[i] == '.')) {
		char separator = text[i++];
		for (width = 0; i < length && text[i] >= '0' && text[i] <= '9' && width < 3; i++, width++)
			second = second * 10 + (unsigned)(text[i] - '0');
		if (width && width <= 2 && i < length && text[i] == separator && first >= 1 && first <= 12 && second > 12 &&
		    second <= 31) {
			snprintf(out, size,
			         "expected YYYY-MM-DD, YYYYMMDD or D/M/YYYY; this date can only be month first (M/D/YYYY, as "
			         "US settings write dates): if the file writes its dates so, its other D/M/YYYY dates were read "
			         "day first, wrongly; save the dates as YYYY-MM-DD and read the file again");
			return;
		}
	}
	snprintf(out, size, "expected YYYY-MM-DD, YYYYMMDD or D/M/YYYY");
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
