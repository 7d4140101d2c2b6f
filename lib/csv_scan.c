/*
 * csv_scan.c — one pass over a CSV row.
 *
 * A block of 64 bytes is classified into bit masks (SSE2: four 16-byte
 * compares per class; elsewhere a byte loop), then only the bytes CSV cares
 * about — separators, LFs, quotes, NULs: a few per field — are visited one by
 * one.  Everything else costs a share of a vector compare.  UTF-8 made of
 * ASCII and two-byte letters is validated with the same masks: every
 * continuation byte must follow a two-byte lead and every lead must be
 * followed by one.
 */
#include "csv_scan.h"

#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

void csv_classify_block_portable(const unsigned char *block, char separator, struct csv_block_masks *masks)
{
	struct csv_block_masks found = {0, 0, 0, 0, 0, 0};
	for (unsigned i = 0; i < 64; i++) {
		unsigned char c = block[i];
		uint64_t bit = UINT64_C(1) << i;
		if (separator && c == (unsigned char)separator)
			found.separator |= bit;
		if (c == '\n')
			found.newline |= bit;
		if (c == '"' || c == 0)
			found.quote_or_nul |= bit;
		if (c >= 0x80)
			found.high |= bit;
		if (c >= 0x80 && c <= 0xBF)
			found.continuation |= bit;
		if (c >= 0xC2 && c <= 0xDF)
			found.lead2 |= bit;
	}
	*masks = found;
}

#if defined(__SSE2__)
/* The four 16-byte lanes are named, not an array: GCC keeps an array of
 * vectors on the stack unless it unrolls the loops over it, which -O2 does not. */
static inline uint64_t mask64(__m128i lane0, __m128i lane1, __m128i lane2, __m128i lane3)
{
	return (uint64_t)(uint16_t)_mm_movemask_epi8(lane0) | (uint64_t)(uint16_t)_mm_movemask_epi8(lane1) << 16 |
	       (uint64_t)(uint16_t)_mm_movemask_epi8(lane2) << 32 | (uint64_t)(uint16_t)_mm_movemask_epi8(lane3) << 48;
}

#define EACH_LANE(op) mask64(op(lane0), op(lane1), op(lane2), op(lane3))

static inline __attribute__((always_inline)) void classify_block(const unsigned char *block, char separator,
                                                                  struct csv_block_masks *masks)
{
	const __m128i lf = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"'), zero = _mm_setzero_si128(),
	              sep = _mm_set1_epi8(separator);
	const __m128i lane0 = _mm_loadu_si128((const __m128i *)(const void *)block),
	              lane1 = _mm_loadu_si128((const __m128i *)(const void *)(block + 16)),
	              lane2 = _mm_loadu_si128((const __m128i *)(const void *)(block + 32)),
	              lane3 = _mm_loadu_si128((const __m128i *)(const void *)(block + 48));
#define IS_SEPARATOR(lane) _mm_cmpeq_epi8(lane, sep)
#define IS_NEWLINE(lane) _mm_cmpeq_epi8(lane, lf)
#define IS_QUOTE_OR_NUL(lane) _mm_or_si128(_mm_cmpeq_epi8(lane, quote), _mm_cmpeq_epi8(lane, zero))
#define ITSELF(lane) (lane)
	masks->separator = separator ? EACH_LANE(IS_SEPARATOR) : 0;
	masks->newline = EACH_LANE(IS_NEWLINE);
	masks->quote_or_nul = EACH_LANE(IS_QUOTE_OR_NUL);
	masks->high = EACH_LANE(ITSELF);
	if (!masks->high) {
		masks->continuation = masks->lead2 = 0;
		return;
	}
	/* As signed bytes 0x80..0xBF are -128..-65.  Adding 0xBE maps 0xC2..0xDF
	 * to 0x80..0x9D, which are the signed bytes below -98, and nothing else there. */
	const __m128i below_c0 = _mm_set1_epi8(-64), lead_offset = _mm_set1_epi8((char)0xBE),
	              lead_limit = _mm_set1_epi8(-98);
#define IS_CONTINUATION(lane) _mm_cmplt_epi8(lane, below_c0)
#define IS_LEAD2(lane) _mm_cmplt_epi8(_mm_add_epi8(lane, lead_offset), lead_limit)
	masks->continuation = EACH_LANE(IS_CONTINUATION);
	masks->lead2 = EACH_LANE(IS_LEAD2);
#undef IS_SEPARATOR
#undef IS_NEWLINE
#undef IS_QUOTE_OR_NUL
#undef ITSELF
#undef IS_CONTINUATION
#undef IS_LEAD2
}
#else
static inline void classify_block(const unsigned char *block, char separator, struct csv_block_masks *masks)
{
	csv_classify_block_portable(block, separator, masks);
}
#endif

void csv_classify_block(const unsigned char *block, char separator, struct csv_block_masks *masks)
{
	classify_block(block, separator, masks);
}

void csv_row_scan_reset(struct csv_row_scan *scan)
{
	uint32_t *separators = scan->separators;
	size_t capacity = scan->separator_capacity;
	memset(scan, 0, sizeof *scan);
	scan->separators = separators;
	scan->separator_capacity = capacity;
}

void csv_row_scan_free(struct csv_row_scan *scan)
{
	free(scan->separators);
	memset(scan, 0, sizeof *scan);
}

static int reserve_separators(struct csv_row_scan *scan, size_t more)
{
	if (scan->separator_count + more <= scan->separator_capacity)
		return 0;
	size_t capacity = scan->separator_capacity ? scan->separator_capacity : 256;
	while (capacity < scan->separator_count + more)
		capacity *= 2;
	uint32_t *grown = realloc(scan->separators, capacity * sizeof *grown);
	if (!grown)
		return -1;
	scan->separators = grown;
	scan->separator_capacity = capacity;
	return 0;
}

/* Bits below `count` (0..64). */
static inline uint64_t low_bits(size_t count) { return count >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << count) - 1; }

/*
 * Checks the row's bytes under `row_mask` of one block as ASCII + two-byte
 * UTF-8.  A lead byte on the block's last byte is carried to the next block;
 * one on the row's last byte expects a continuation outside row_mask, which
 * fails the check.
 */
static void check_two_byte_utf8(struct csv_row_scan *scan, const struct csv_block_masks *masks, uint64_t row_mask)
{
	uint64_t high = masks->high & row_mask;
	if (!high && !scan->lead_pending)
		return;
	scan->has_high |= high != 0;
	uint64_t continuation = masks->continuation & row_mask, lead2 = masks->lead2 & row_mask;
	uint64_t expected = (lead2 << 1) | scan->lead_pending;
	if ((high & ~(continuation | lead2)) || (expected & row_mask) != continuation || (expected & ~row_mask))
		scan->needs_utf8_check = 1;
	scan->lead_pending = lead2 >> 63;
}

/*
 * Appends base + the position of every set bit to out, eight at a time: the
 * loop runs once for most blocks, so its end is predicted, where a loop per
 * bit would end at a different count on every block.  Up to seven slots past
 * the last position are written too, so out must have room for seven more.
 */
static inline size_t append_positions(uint32_t *out, uint64_t bits, uint32_t base)
{
	size_t count = 0;
	do {
		/* Fixed slots, so no store waits for the count; the top bit keeps ctz
		 * defined once bits is spent, and such a slot is not counted. */
		for (int i = 0; i < 8; i++) {
			out[i] = base + (uint32_t)__builtin_ctzll(bits | UINT64_C(1) << 63);
			count += bits != 0;
			bits &= bits - 1;
		}
		out += 8;
	} while (bits);
	return count;
}

int csv_row_scan(struct csv_row_scan *scan, const char *row, size_t available, int at_end, char separator,
                 size_t *end)
{
	const unsigned char *bytes = (const unsigned char *)row;
	/* Locals, not scan's fields: stores to the separator array could alias them. */
	int in_quotes = scan->in_quotes, has_quote = scan->has_quote, has_nul = scan->has_nul;
	unsigned long newlines = scan->quoted_newlines;
	size_t count = scan->separator_count;
	int found = 0, status = 1;
	while (scan->scanned < available) {
		size_t base = scan->scanned, valid = available - base;
		if (count + 72 > scan->separator_capacity) {
			scan->separator_count = count;
			if (reserve_separators(scan, 72) < 0) {
				status = -1;
				break;
			}
		}
		uint32_t *separators = scan->separators;
		struct csv_block_masks masks;
		classify_block(bytes + base, separator, &masks);
		/* Kept to undo a partial block, which is read again, whole, once more text has come. */
		int quotes_before = in_quotes;
		unsigned long newlines_before = newlines;
		size_t count_before = count;
		uint64_t row_mask = low_bits(valid);
		uint64_t special = masks.quote_or_nul & row_mask;
		if (!special && !in_quotes) {
			/* The common block: no quote, so the first LF ends the row. */
			uint64_t newline = masks.newline & row_mask;
			if (newline) {
				unsigned bit = (unsigned)__builtin_ctzll(newline);
				found = 1;
				row_mask = low_bits(bit);
				*end = base + bit;
			}
			count += append_positions(separators + count, masks.separator & row_mask, (uint32_t)base);
		} else {
			/* Quotes or NULs: visit every byte that matters, in order. */
			uint64_t structural = (masks.separator | masks.newline | special) & row_mask;
			while (structural) {
				unsigned bit = (unsigned)__builtin_ctzll(structural);
				structural &= structural - 1;
				unsigned char c = bytes[base + bit];
				if (c == '"') {
					in_quotes ^= 1;
					has_quote = 1;
				} else if (c == '\n') {
					if (!in_quotes) {
						found = 1;
						row_mask = low_bits(bit);
						*end = base + bit;
						break;
					}
					newlines++;
				} else if (c == '\0') {
					has_nul = 1;
				} else if (!in_quotes) {
					separators[count++] = (uint32_t)(base + bit);
				}
			}
		}
		if (!found && valid < 64 && !at_end) {
			in_quotes = quotes_before;
			newlines = newlines_before;
			count = count_before;
			status = 0;
			break;
		}
		/* Past here a block without the row's end is whole, or the last of the input. */
		check_two_byte_utf8(scan, &masks, row_mask);
		if (found)
			break;
		scan->scanned = base + (valid < 64 ? valid : 64);
	}
	scan->in_quotes = in_quotes;
	scan->has_quote = has_quote;
	scan->has_nul = has_nul;
	scan->quoted_newlines = newlines;
	scan->separator_count = count;
	if (found || status <= 0)
		return status;
	if (!at_end)
		return 0;
	if (scan->lead_pending)
		scan->needs_utf8_check = 1;
	*end = available;
	return 1;
}
