/* libFuzzer harness: any bytes as an export file (CSV, JSON, gzip, any encoding),
 * read to the end as ifs-survey reads it — must never crash, hang or read out of
 * bounds.  The first byte picks the options, so overrides are fuzzed too, and
 * whether a gzip file is read ahead by a second thread.  A gzip file is also read
 * from its middle by the second reader of a split (ISA-L), as ingest_split.c does.
 * With a peek (row_source_peek_at) on one column, some rows come unsplit. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "row_source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Declines a row whose cell is of odd length; the cell must be what the peek promises:
 * ASCII, no quote. */
static int peek_odd(void *context, const char *cell, size_t length)
{
	(void)context;
	for (size_t i = 0; i < length; i++)
		if ((unsigned char)cell[i] >= 0x80 || cell[i] == '"')
			__builtin_trap();
	return length % 2 == 0;
}

static void check_row(const struct row *row)
{
	if (row->unsplit) {
		if (row->fields || !row->raw)
			__builtin_trap();
		return;
	}
	for (size_t f = 0; f < row->count; f++)
		if (strlen(row->fields[f]) > row->lengths[f])
			__builtin_trap(); /* a field must end where its length says */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const encodings[] = {NULL, "utf-8", "windows-1252", "utf-16le"};
	static const char separators[] = {0, ',', ';', '\t'};
	struct row_source_options options = {0};
	if (size > 0) {
		options.encoding = encodings[data[0] & 3];
		options.separator = separators[(data[0] >> 2) & 3];
		data++, size--;
	}
	int fd = memfd_create("fuzz-input", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64], error[512];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct row_source *source = row_source_open(path, &options, error, sizeof error);
	if (source) {
		struct row row;
		/* The header search: the input's own first bits say how many lines to take as
		 * title lines above the header (0-3). */
		for (int skip = size ? data[0] & 3 : 0; skip > 0 && row_source_next_header(source, &options) == 1; skip--)
			;
		size_t columns = row_source_columns(source);
		for (size_t c = 0; c < columns; c++)
			(void)strlen(row_source_header(source, c));
		if (size && data[0] & 32)
			row_source_peek_at(source, (size_t)(data[0] >> 6), peek_odd, NULL);
		uint64_t file_size;
		if (row_source_gzipped(source) && row_source_splittable(source, &file_size)) {
			struct row_source *part = row_source_open_gzip_part(source, path, error, sizeof error);
			uint64_t cut = 0;
			int found = 0;
			while (part && (found = row_source_gzip_skip(part, file_size / 2, row_source_offset(source), &cut)) == 0)
				;
			if (found == 1 && cut <= row_source_offset(source))
				__builtin_trap(); /* the cut lies after where the first reader stands */
			if (part && size && data[0] & 32)
				row_source_peek_at(part, (size_t)(data[0] >> 6), peek_odd, NULL);
			while (found == 1 && row_source_next(part, &row) == 1)
				check_row(&row);
			row_source_close(part);
		}
		if (size && data[0] & 16)
			row_source_read_ahead(source);
		while (row_source_next(source, &row) == 1)
			check_row(&row);
		row_source_close(source);
	}
	close(fd);
	return 0;
}
