/*
 * dates.h — answer dates and measurement years.
 *
 * Promise: ISO dates (YYYY-MM-DD, optionally followed by 'T' or ' ' and a time, or
 * words; digits that are no time, as in "19850314 1239", make it no date) parse to
 * YYYYMMDD integers with real calendar checks; a time with a zone ("23:30:00Z",
 * "+02:00", "UTC", "10:30 PM UTC", "+0000 UTC") gives
 * the date in Sweden then; so do year-first dates as typed by hand (2022-3-5,
 * 2022/03/05, 20220305), and D/M/YYYY and
 * D.M.YYYY, read day first (the Swedish order: 1/3/2022 is 1 March), which the
 * caller is told so it can say so.  A date with no such day (2022-02-29) is told
 * apart from text that is no date.  The mätår of a date runs from 1 November of
 * Y-1 to 31 October of Y.
 */
#ifndef IFS_DATES_H
#define IFS_DATES_H

#include <stddef.h>
#include <stdint.h>

#define DATE_DAY_FIRST 1     /* parsed, from D/M/YYYY: day first */
#define DATE_NOT (-1)        /* not a date */
#define DATE_NO_SUCH_DAY (-2) /* shaped like one, but the calendar has no such day */

/* 0 (ISO) or DATE_DAY_FIRST with *yyyymmdd set; DATE_NOT or DATE_NO_SUCH_DAY. */
int date_parse(const char *text, size_t length, uint32_t *yyyymmdd);
unsigned date_matar(uint32_t yyyymmdd);
/* Writes "YYYY-MM-DD" (11 bytes with NUL). */
void date_format(uint32_t yyyymmdd, char out[11]);
/* Days from 0000-03-01 (a day number for differences: b - a is the days between). */
long date_day_number(uint32_t yyyymmdd);
/* The civil date of day number days, counted from 1899-12-30 (day 0 of the
 * spreadsheets' serial dates, from 1900-03-01 on).  Years 1-9999. */
void date_from_serial_day(long days, long *year, long *month, long *day);
/* What a reject reason says after text that is no date: "expected YYYY-MM-DD or
 * D/M/YYYY", and when the text is a whole number that a spreadsheet would show as
 * a date between 1990 and 2100, which date and what to do about it. */
void date_expectation(const char *text, size_t length, char *out, size_t size);

#endif
