/* libFuzzer harness: any bytes as an .xlsx workbook (the zip container and all it
 * holds), read to the end through row_source as the ingest tools read it, header
 * search included — must never crash, hang or read out of bounds. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "row_source.h"
#include "xlsx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char error[512];
	/* from memory, as a workbook from a pipe is read */
	struct xlsx_book *book = xlsx_open(NULL, data, size, "fuzz.xlsx", error, sizeof error);
	if (book) {
		struct xlsx_row row;
		while (xlsx_next_row(book, &row) == 1)
			for (size_t c = 0; c < row.count; c++)
				if (strlen(row.cells[c]) != row.lengths[c])
					__builtin_trap();
		xlsx_close(book);
	}
	/* from a file, through row_source, skipping a title row or two */
	int fd = memfd_create("fuzz-input", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct row_source *source = row_source_open(path, NULL, error, sizeof error);
	if (source) {
		for (int skip = (int)(size % 3); skip > 0 && row_source_next_header(source, NULL) == 1; skip--)
			;
		struct row row;
		while (row_source_next(source, &row) == 1)
			for (size_t f = 0; f < row.count; f++)
				if (strlen(row.fields[f]) != row.lengths[f])
					__builtin_trap();
		row_source_close(source);
	}
	close(fd);
	return 0;
}
