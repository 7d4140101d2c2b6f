/*
 * csv_scan.h — the structure of one CSV row, found in a single pass.
 *
 * Promise: walks a row's bytes 64 at a time and finds, in that one pass, where
 * the row ends (the first LF outside quotes), where its fields are separated
 * (separators outside quotes), how many LFs stand inside quoted fields, and
 * whether the row holds a quote, a NUL byte or any non-ASCII byte.  Rows of
 * ASCII and two-byte UTF-8 letters (å ä ö é ü: what a Swedish export holds)
 * are fully validated as UTF-8 on the way; anything else non-ASCII sets
 * needs_utf8_check, and the caller validates that row on its own.
 *
 * Quoting follows the toggle rule: every quote flips "inside quotes", so a
 * doubled quote inside a quoted field flips twice and changes nothing.
 *
 * A row may arrive in pieces: csv_row_scan() resumes where the last call on the
 * same row stopped, so a long row is read once however it was buffered.  The
 * caller must leave CSV_SCAN_PADDING readable bytes after the text it passes
 * (their values do not matter), because whole 64-byte blocks are loaded.
 */
#ifndef IFS_CSV_SCAN_H
#define IFS_CSV_SCAN_H

#include <stddef.h>
#include <stdint.h>

#define CSV_SCAN_PADDING 64

/* One bit per byte of a 64-byte block: bit i is byte i. */
struct csv_block_masks {
	uint64_t separator;    /* the separator (none when it is 0) */
	uint64_t newline;      /* LF */
	uint64_t quote_or_nul; /* '"' or NUL: rare, and each needs a closer look */
	uint64_t high;         /* >= 0x80 */
	uint64_t continuation; /* 0x80..0xBF */
	uint64_t lead2;        /* 0xC2..0xDF: the lead byte of a two-byte UTF-8 character */
};

/* How blocks are classified: a byte at a time, or 16, 32 or 64 bytes per compare.
 * At start-up csv_row_scan() takes the widest the processor has (on x86-64; the
 * byte loop elsewhere); each gives the same masks. */
enum csv_scan_kind { CSV_SCAN_PORTABLE, CSV_SCAN_SSE2, CSV_SCAN_AVX2, CSV_SCAN_AVX512 };
int csv_scan_available(enum csv_scan_kind kind);
const char *csv_scan_kind_name(enum csv_scan_kind kind);
enum csv_scan_kind csv_scan_in_use(void);
/* For tests and benchmarks, before any thread scans: use kind from now on; -1 when
 * the processor or the build does not have it. */
int csv_scan_use(enum csv_scan_kind kind);

/* The classifier csv_row_scan() uses. */
void csv_classify_block(const unsigned char *block, char separator, struct csv_block_masks *masks);
/* The same, a byte at a time: the reference the tests hold the fast one to. */
void csv_classify_block_portable(const unsigned char *block, char separator, struct csv_block_masks *masks);

struct csv_row_scan {
	size_t scanned;                /* bytes of the row taken in whole blocks so far */
	int in_quotes;                 /* inside a quoted field where the scan stands */
	uint64_t lead_pending;         /* 1 when the last block ended on a two-byte lead */
	unsigned long quoted_newlines; /* LFs inside quoted fields */
	int has_quote, has_nul, has_high;
	int needs_utf8_check;          /* non-ASCII beyond two-byte letters, or invalid UTF-8 */
	uint32_t *separators;          /* offsets in the row of the separators outside quotes */
	size_t separator_count, separator_capacity;
};

/* Forgets the row scanned so far (keeps the allocation). */
void csv_row_scan_reset(struct csv_row_scan *scan);
void csv_row_scan_free(struct csv_row_scan *scan);

/*
 * Scans row[scan->scanned .. available).  1: the row ends at *end (the offset of
 * its LF, or `available` when at_end says no more text will come; in_quotes then
 * tells whether a quoted field was left open); 0: more text is needed, call
 * again with the same row and more available; -1: out of memory.  separator 0
 * finds no separators (for a header whose separator is not yet known).
 * available must be below 4 GiB: rows are bounded far below that.
 */
int csv_row_scan(struct csv_row_scan *scan, const char *row, size_t available, int at_end, char separator,
                 size_t *end);

#endif
