/*
 * xlsx.h — the first worksheet of an Excel workbook (.xlsx), row by row.
 *
 * Promise: opens an Office Open XML workbook (libzip reads the container, expat
 * the XML; the part names come from the package's relationships, as Excel and
 * LibreOffice write them, Strict OOXML too), picks the first worksheet in tab
 * order that is not hidden, and hands over its rows as UTF-8 text cells aligned
 * by column (A = 0, gaps filled with ""):
 *   - shared strings, inline strings and formula results as their text (rich text
 *     runs joined, phonetic runs left out, Excel's _xHHHH_ escapes decoded);
 *   - numbers as Excel's General format shows them, but never in exponent form
 *     below 10^15: integers in full, others with 15 significant digits;
 *   - numbers with a date or time format as ISO 8601: "2022-03-14",
 *     "2022-03-14 10:22:00", "10:22:00" (1900 and 1904 date systems);
 *   - booleans as TRUE/FALSE, errors as Excel writes them ("#N/A").
 * The sheet is streamed: memory is bounded by the shared strings and the widest
 * row, not by the number of rows.  A damaged container or XML part is an error
 * naming the part and, for XML, its line and column; a DTD is refused.
 */
#ifndef IFS_XLSX_H
#define IFS_XLSX_H

#include <stddef.h>

struct xlsx_row {
	unsigned long number;      /* the row number Excel shows (1-based) */
	size_t count;              /* cells up to the last non-empty one (0: an empty row) */
	const char *const *cells;  /* NUL-terminated; valid until the next call */
	const size_t *lengths;
};

struct xlsx_book;

/* Opens the workbook at path, or (path NULL) the size bytes at data, which must
 * stay valid until xlsx_close.  name is used in messages.  NULL on failure with a
 * one-line reason in error; errno is ENOMEM when memory ran out. */
struct xlsx_book *xlsx_open(const char *path, const void *data, size_t size, const char *name, char *error,
                            size_t error_size);
/* 1: a row in *row; 0: end of the sheet; -1: error, see xlsx_error(). */
int xlsx_next_row(struct xlsx_book *book, struct xlsx_row *row);
const char *xlsx_error(const struct xlsx_book *book);
int xlsx_out_of_memory(const struct xlsx_book *book);
const char *xlsx_sheet_name(const struct xlsx_book *book);  /* the sheet being read */
size_t xlsx_sheet_count(const struct xlsx_book *book);      /* worksheets in the workbook */
void xlsx_close(struct xlsx_book *book);

/* Whether an Excel number format code shows a date (1), a time only (2), a date
 * and a time (3), or a number (0).  Exposed for tests. */
int xlsx_format_kind(const char *format_code);
/* Formats a serial day number as ISO 8601 for the kind above; out holds 20 bytes.
 * -1 when the serial is out of range (before 1900 or after 9999). */
int xlsx_format_serial(double serial, int kind, int date1904, char out[20]);

#endif
