/*
 * file_text.h — a whole (small) file in memory, NUL-terminated.
 *
 * Promise: codebooks, targets files and JSON reports are read the same way, and
 * a file larger than the caller's limit is refused rather than read half.
 */
#ifndef IFS_FILE_TEXT_H
#define IFS_FILE_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* NULL on a read error, out of memory, or more than max_bytes (errno EFBIG). */
char *file_text_read(FILE *in, size_t max_bytes, size_t *length);

#endif
