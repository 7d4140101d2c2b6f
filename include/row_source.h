/*
 * row_source.h — rows of an export file, whatever its shape on disk.
 *
 * Promise: opens a file (or stdin for "-"), detects gzip from its magic bytes,
 * the text encoding from content (UTF-8, UTF-8 with BOM, UTF-16LE with BOM,
 * Windows-1252), and the format (CSV with ',' ';' or TAB separators, quoted
 * fields holding separators, quotes and newlines, LF or CRLF line ends; or JSON:
 * an array of objects).  Every row is handed over as UTF-8 fields aligned to the
 * header, with the physical line where the row starts and the row's raw text
 * (UTF-8) for reject files.  CSV is streamed: memory is bounded by the longest
 * row, not by the file.  JSON is parsed whole with cJSON.  An Excel workbook
 * (.xlsx, detected from its zip magic, see xlsx.h) gives the rows of its first
 * sheet, each numbered by its row in the sheet; a legacy .xls or an .ods is
 * refused with what to save it as.
 *
 * A problem confined to one row (invalid text, wrong number of fields) does not
 * stop the source: that row comes back with row.problem set, so the caller can
 * reject it and go on.  A problem with the whole input (unreadable, truncated
 * gzip, not text, not a table, empty, no header) makes row_source_next() return -1.
 * Damaged gzip data (a wrong CRC-32 or length, bytes after the last member, cut
 * short) fails the source after every row inflated before the damage, the same
 * rows however the file is read; gzip members one after another are one text.
 */
#ifndef IFS_ROW_SOURCE_H
#define IFS_ROW_SOURCE_H

#include <stddef.h>
#include <stdint.h>

struct row_source_options {
	const char *encoding; /* NULL: detect; else "utf-8", "windows-1252", "utf-16le" (any case) */
	char separator;       /* 0: detect from the header line; else ',', ';' or '\t' */
};

/* The spellings of the options' values the tools take from a command line:
 * a separator "," ";" "tab" (or "\t"); an encoding of those row_source_open reads
 * (utf-8, windows-1252 alias cp1252 or latin1, utf-16le, utf-16be; any case).
 * 0 and *separator set, or -1. */
int row_source_parse_separator(const char *text, char *separator);
/* 1 when row_source_open reads the encoding so named, else 0. */
int row_source_encoding_known(const char *name);

struct row {
	size_t count;               /* == row_source_columns() unless problem is set */
	const char *const *fields;  /* NUL-terminated UTF-8; valid until the next call */
	const size_t *lengths;
	unsigned long line;         /* 1-based physical line where the row starts */
	const char *raw;            /* the row as it stood in the file, in UTF-8, no line end */
	size_t raw_length;
	const char *problem;        /* NULL, or why this row cannot be used */
	int unsplit;                /* declined by the peek (row_source_peek_at): no fields */
};

struct row_source;

/* NULL on failure, with a one-line reason (naming the file) in error, and errno
 * ENOMEM when memory ran out (the input may be fine). */
struct row_source *row_source_open(const char *path, const struct row_source_options *options,
                                   char *error, size_t error_size);
size_t row_source_columns(const struct row_source *source);
const char *row_source_header(const struct row_source *source, size_t column);
/* What was detected, for --verbose and tests: "utf-8", "utf-8-bom", "utf-16le", "windows-1252". */
const char *row_source_encoding(const struct row_source *source);
const char *row_source_format(const struct row_source *source); /* "csv", "json", "xlsx" */
/* What was detected, for -v: "csv, windows-1252, gzip, 11 columns", "xlsx, sheet \"Blad1\", 11 columns". */
void row_source_describe(const struct row_source *source, char *out, size_t size);
/* 1, with a warning in out, when the user should hear of what was not read (the
 * other sheets of a workbook); 0 otherwise. */
int row_source_notice(const struct row_source *source, char *out, size_t size);
/* For a workbook: the sheet read, and in *sheet_count the number of visible
 * worksheets (a caller warns when it is more than one).  NULL for text. */
const char *row_source_sheet(const struct row_source *source, size_t *sheet_count);
int row_source_gzipped(const struct row_source *source);
/* 1: a row in *row; 0: end of input; -1: fatal, see row_source_error(). */
int row_source_next(struct row_source *source, struct row *row);
/*
 * A look at one column of each CSV row before the row is converted and split, for a
 * reader that needs nothing of some rows but that cell (ifs-shares: a row answered
 * before the period).  peek gets the cell (not NUL-terminated) of each row of the
 * header's shape whose text needs no conversion or check beyond the scan's (ASCII, or
 * two-byte UTF-8 in a file known to be UTF-8) and whose cell is unquoted, and returns 0
 * to decline the row: it then comes with unsplit set and no fields.  1, or any other
 * row: split as always.
 */
typedef int (*row_source_peek)(void *context, const char *cell, size_t length);
void row_source_peek_at(struct row_source *source, size_t column, row_source_peek peek, void *context);
const char *row_source_error(const struct row_source *source); /* "FILE:LINE: reason" */
/*
 * The header was not the header (a title line, an empty ";;;;" line above the
 * real one): the next line becomes the header, its separator guessed anew.  1: a
 * new header; 0: no more lines, or one that is not text (or JSON, where there is
 * no header line); -1: the input failed, see row_source_error() and
 * row_source_out_of_memory().  The physical line of the header in use is
 * row_source_header_line().
 */
int row_source_next_header(struct row_source *source, const struct row_source_options *options);
unsigned long row_source_header_line(const struct row_source *source);
/* 1 when row_source_next() failed because memory ran out, not because of the input. */
int row_source_out_of_memory(const struct row_source *source);
const char *row_source_name(const struct row_source *source);  /* the path, or "stdin" */
/* 1 when the row holds nothing: only separators, quotes and white space (the ";;;;"
 * rows a spreadsheet leaves under its data).  Such rows are skipped and counted,
 * never rejected. */
int row_is_blank(const struct row *row);
void row_source_close(struct row_source *source);

/*
 * A gzip source is inflated on the reading thread until row_source_read_ahead()
 * hands that to a second thread, a few blocks ahead of the reader (call it once the
 * file is known not to be split; any other source ignores it).
 */
void row_source_read_ahead(struct row_source *source);

/*
 * One file read in two parts, by two readers (ingest.h splits a large export so):
 * 1 with the file's size in *size when the source can be split: a regular file,
 * CSV, plain or gzip (not yet read ahead), its encoding known (UTF-8, or
 * Windows-1252 from the header on).  Offsets and sizes of a gzip file's text are
 * those of the text inflated; *size is the compressed file's.
 * row_source_offset() is the byte where the next row (or blank line) starts,
 * row_source_line() its line; row_source_open_part() opens a second reader of
 * the same file at offset, with like's encoding, separator and header, counting
 * lines from 1; row_source_seek() moves a reader to offset, its next row on line
 * (in a gzip file only forward, inflating what it passes).
 *
 * A gzip file's second reader: row_source_open_gzip_part() opens it at the start,
 * and row_source_gzip_skip(), called until it says 1 or -1, inflates past
 * `compressed` bytes of the file and on to the next line end at or after offset
 * `after` of the text, where the reader then stands: 1 with its offset in *cut; 0
 * when not there yet (one piece further: the cut, when there is one, lies beyond
 * row_source_offset()); -1 when there is none or the file cannot be read so far.
 * row_source_end_at() puts a reader at the end of its text (offset), as the
 * second reader found it.
 */
int row_source_splittable(const struct row_source *source, uint64_t *size);
uint64_t row_source_offset(const struct row_source *source);
unsigned long row_source_line(const struct row_source *source);
struct row_source *row_source_open_part(const struct row_source *like, const char *path, uint64_t offset,
                                        char *error, size_t error_size);
int row_source_seek(struct row_source *source, uint64_t offset, unsigned long line);
struct row_source *row_source_open_gzip_part(const struct row_source *like, const char *path, char *error,
                                             size_t error_size);
int row_source_gzip_skip(struct row_source *source, uint64_t compressed, uint64_t after, uint64_t *cut);
int row_source_end_at(struct row_source *source, uint64_t offset, unsigned long line);

#endif
