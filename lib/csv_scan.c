/*
 * csv_scan.c — one pass over a CSV row.
 *
 * A block of 64 bytes is classified into bit masks (AVX-512BW: one compare
 * per class; AVX2: two; SSE2: four, chosen at start-up by what the processor
 * has; elsewhere a byte loop), then only the bytes CSV cares
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

/* x86-64 processors since 2013 (AVX2) and 2017 (AVX-512BW) compare 32 or 64 bytes at
 * once; the compiler is told to use them in these functions only, which run only
 * where the processor has them (chosen in choose_kind). */
#if defined(__SSE2__) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_WIDE_CLASSIFIERS 1
#include <immintrin.h>

static inline __attribute__((always_inline, target("avx2"))) uint64_t mask_avx2(__m256i low, __m256i high)
{
	return (uint64_t)(uint32_t)_mm256_movemask_epi8(low) | (uint64_t)(uint32_t)_mm256_movemask_epi8(high) << 32;
}

static inline __attribute__((always_inline, target("avx2"))) void
classify_block_avx2(const unsigned char *block, char separator, struct csv_block_masks *masks)
{
	const __m256i low = _mm256_loadu_si256((const __m256i *)(const void *)block),
	              high = _mm256_loadu_si256((const __m256i *)(const void *)(block + 32));
	const __m256i sep = _mm256_set1_epi8(separator), lf = _mm256_set1_epi8('\n'), quote = _mm256_set1_epi8('"'),
	              zero = _mm256_setzero_si256();
	masks->separator = separator ? mask_avx2(_mm256_cmpeq_epi8(low, sep), _mm256_cmpeq_epi8(high, sep)) : 0;
	masks->newline = mask_avx2(_mm256_cmpeq_epi8(low, lf), _mm256_cmpeq_epi8(high, lf));
	masks->quote_or_nul = mask_avx2(_mm256_or_si256(_mm256_cmpeq_epi8(low, quote), _mm256_cmpeq_epi8(low, zero)),
	                                _mm256_or_si256(_mm256_cmpeq_epi8(high, quote), _mm256_cmpeq_epi8(high, zero)));
	masks->high = mask_avx2(low, high);
	if (!masks->high) {
		masks->continuation = masks->lead2 = 0;
		return;
	}
	/* signed compares, as in the SSE2 classifier */
	const __m256i below_c0 = _mm256_set1_epi8(-64), lead_offset = _mm256_set1_epi8((char)0xBE),
	              lead_limit = _mm256_set1_epi8(-98);
	masks->continuation = mask_avx2(_mm256_cmpgt_epi8(below_c0, low), _mm256_cmpgt_epi8(below_c0, high));
	masks->lead2 = mask_avx2(_mm256_cmpgt_epi8(lead_limit, _mm256_add_epi8(low, lead_offset)),
	                         _mm256_cmpgt_epi8(lead_limit, _mm256_add_epi8(high, lead_offset)));
}

static inline __attribute__((always_inline, target("avx512f,avx512bw"))) void
classify_block_avx512(const unsigned char *block, char separator, struct csv_block_masks *masks)
{
	const __m512i bytes = _mm512_loadu_si512((const void *)block);
	masks->separator = separator ? _mm512_cmpeq_epi8_mask(bytes, _mm512_set1_epi8(separator)) : 0;
	masks->newline = _mm512_cmpeq_epi8_mask(bytes, _mm512_set1_epi8('\n'));
	masks->quote_or_nul = _mm512_cmpeq_epi8_mask(bytes, _mm512_set1_epi8('"')) | _mm512_testn_epi8_mask(bytes, bytes);
	masks->high = _mm512_movepi8_mask(bytes);
	if (!masks->high) {
		masks->continuation = masks->lead2 = 0;
		return;
	}
	masks->continuation = _mm512_cmplt_epi8_mask(bytes, _mm512_set1_epi8(-64));
	masks->lead2 = _mm512_cmplt_epi8_mask(_mm512_add_epi8(bytes, _mm512_set1_epi8((char)0xBE)), _mm512_set1_epi8(-98));
}
#endif

static void classify_block_sse2_or_portable(const unsigned char *block, char separator, struct csv_block_masks *masks)
{
	classify_block(block, separator, masks);
}

#ifdef HAVE_WIDE_CLASSIFIERS
/* Each function that uses 256- or 512-bit registers clears their upper halves before it
 * returns (the compiler does not always): left set, they slow every SSE instruction run
 * after, in libc and OpenSSL too; measured, the whole run took 40 % longer. */
static __attribute__((target("avx2"))) void classify_avx2(const unsigned char *block, char separator,
                                                            struct csv_block_masks *masks)
{
	classify_block_avx2(block, separator, masks);
	_mm256_zeroupper();
}

static __attribute__((target("avx512f,avx512bw"))) void classify_avx512(const unsigned char *block, char separator,
                                                                          struct csv_block_masks *masks)
{
	classify_block_avx512(block, separator, masks);
	_mm256_zeroupper();
}
#endif

int csv_scan_available(enum csv_scan_kind kind)
{
	switch (kind) {
	case CSV_SCAN_PORTABLE: return 1;
#if defined(__SSE2__)
	case CSV_SCAN_SSE2: return 1;
#endif
#ifdef HAVE_WIDE_CLASSIFIERS
	case CSV_SCAN_AVX2: __builtin_cpu_init(); return __builtin_cpu_supports("avx2");
	case CSV_SCAN_AVX512:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
#endif
	default: return 0;
	}
}

const char *csv_scan_kind_name(enum csv_scan_kind kind)
{
	static const char *const names[] = {"portable", "SSE2", "AVX2", "AVX-512BW"};
	return kind >= CSV_SCAN_PORTABLE && kind <= CSV_SCAN_AVX512 ? names[kind] : "?";
}

/* What csv_row_scan() uses: the widest the processor has, set before main() runs
 * (so that threads only ever read it), or by csv_scan_use(). */
static enum csv_scan_kind kind_in_use = CSV_SCAN_PORTABLE;

__attribute__((constructor)) static void choose_kind(void)
{
	for (int kind = CSV_SCAN_AVX512; kind > CSV_SCAN_PORTABLE; kind--)
		if (csv_scan_available((enum csv_scan_kind)kind)) {
			kind_in_use = (enum csv_scan_kind)kind;
			return;
		}
}

int csv_scan_use(enum csv_scan_kind kind)
{
	if (!csv_scan_available(kind))
		return -1;
	kind_in_use = kind;
	return 0;
}

enum csv_scan_kind csv_scan_in_use(void) { return kind_in_use; }

void csv_classify_block(const unsigned char *block, char separator, struct csv_block_masks *masks)
{
	switch (kind_in_use) {
#ifdef HAVE_WIDE_CLASSIFIERS
	case CSV_SCAN_AVX512: classify_avx512(block, separator, masks); return;
	case CSV_SCAN_AVX2: classify_avx2(block, separator, masks); return;
#endif
	case CSV_SCAN_PORTABLE: csv_classify_block_portable(block, separator, masks); return;
	default: classify_block_sse2_or_portable(block, separator, masks); return;
	}
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
		 * defined once bits is spent, and such a slot is not counted.  Unrolled
		 * (-O2 kept it a loop): the only chain left is bits &= bits - 1. */
#pragma GCC unroll 8
		for (int i = 0; i < 8; i++) {
			out[i] = base + (uint32_t)__builtin_ctzll(bits | UINT64_C(1) << 63);
			count += bits != 0;
			bits &= bits - 1;
		}
		out += 8;
	} while (bits);
	return count;
}

typedef void classify_function(const unsigned char *block, char separator, struct csv_block_masks *masks);

/* The scan, with classify inlined: one copy per classifier, below. */
static inline __attribute__((always_inline)) int row_scan(struct csv_row_scan *scan, const char *row,
                                                          size_t available, int at_end, char separator, size_t *end,
                                                          classify_function *classify)
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
		classify(bytes + base, separator, &masks);
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

static int row_scan_sse2_or_portable(struct csv_row_scan *scan, const char *row, size_t available, int at_end,
                                     char separator, size_t *end)
{
	return row_scan(scan, row, available, at_end, separator, end, classify_block);
}

static int row_scan_portable(struct csv_row_scan *scan, const char *row, size_t available, int at_end, char separator,
                             size_t *end)
{
	return row_scan(scan, row, available, at_end, separator, end, csv_classify_block_portable);
}

#ifdef HAVE_WIDE_CLASSIFIERS
/* _mm256_zeroupper: see classify_avx2 */
static __attribute__((target("avx2"))) int row_scan_avx2(struct csv_row_scan *scan, const char *row,
                                                           size_t available, int at_end, char separator, size_t *end)
{
	int status = row_scan(scan, row, available, at_end, separator, end, classify_block_avx2);
	_mm256_zeroupper();
	return status;
}

static __attribute__((target("avx512f,avx512bw"))) int row_scan_avx512(struct csv_row_scan *scan, const char *row,
                                                                         size_t available, int at_end, char separator,
                                                                         size_t *end)
{
	int status = row_scan(scan, row, available, at_end, separator, end, classify_block_avx512);
	_mm256_zeroupper();
	return status;
}
#endif

static int row_scan_with_kind(enum csv_scan_kind kind, struct csv_row_scan *scan, const char *row, size_t available,
                              int at_end, char separator, size_t *end)
{
	switch (kind) {
#ifdef HAVE_WIDE_CLASSIFIERS
	case CSV_SCAN_AVX512: return row_scan_avx512(scan, row, available, at_end, separator, end);
	case CSV_SCAN_AVX2: return row_scan_avx2(scan, row, available, at_end, separator, end);
#endif
	case CSV_SCAN_PORTABLE: return row_scan_portable(scan, row, available, at_end, separator, end);
	default: return row_scan_sse2_or_portable(scan, row, available, at_end, separator, end);
	}
}

int csv_row_scan(struct csv_row_scan *scan, const char *row, size_t available, int at_end, char separator,
                 size_t *end)
{
	return row_scan_with_kind(kind_in_use, scan, row, available, at_end, separator, end);
}
