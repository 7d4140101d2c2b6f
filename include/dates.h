/*
 * dates.h — answer dates and measurement years.
 *
 * Promise: ISO dates (YYYY-MM-DD, optionally followed by 'T' or ' ' and a time)
 * parse to YYYYMMDD integers with real calendar checks; the mätår of a date runs
 * from 1 November of Y-1 to 31 October of Y.
 */
#ifndef IFS_DATES_H
#define IFS_DATES_H

#include <stddef.h>
#include <stdint.h>

/* 0 on success with *yyyymmdd set; -1 when text is not a valid date. */
int date_parse(const char *text, size_t length, uint32_t *yyyymmdd);
unsigned date_matar(uint32_t yyyymmdd);
/* Writes "YYYY-MM-DD" (11 bytes with NUL). */
void date_format(uint32_t yyyymmdd, char out[11]);

#endif
