/*
 * text_memo.h — what a handful of short texts mapped to, looked up without
 * calling into the codebook or the string pool.
 *
 * Promise: text_memo_find() returns the value text_memo_remember() stored for
 * exactly the same bytes (never for a text that merely hashes alike), or
 * reports a miss.  A memo holds TEXT_MEMO_SETS × TEXT_MEMO_WAYS texts; a text
 * whose set is full pushes out the one remembered there first.  Texts longer
 * than TEXT_MEMO_MAX_LENGTH are never remembered.  An export column holds a few
 * distinct texts (six labels, "Vet ej", blank) repeated on every row: that is
 * the case this is for.  A zeroed memo is empty, and nothing needs freeing.
 */
#ifndef IFS_TEXT_MEMO_H
#define IFS_TEXT_MEMO_H

#include <stddef.h>
#include <stdint.h>

#define TEXT_MEMO_SETS 16
#define TEXT_MEMO_WAYS 2
#define TEXT_MEMO_MAX_LENGTH 48

struct text_memo {
	struct text_memo_entry {
		/* three overlapping 8-byte words cover texts of up to 24 bytes exactly */
		uint64_t head, middle, tail;
		uint32_t length_plus_one; /* 0: unused */
		int32_t value;
	} entry[TEXT_MEMO_SETS][TEXT_MEMO_WAYS];
	uint8_t next_way[TEXT_MEMO_SETS];
	char text[TEXT_MEMO_SETS][TEXT_MEMO_WAYS][TEXT_MEMO_MAX_LENGTH]; /* compared only beyond 24 bytes */
};

/* 1 and *value when remembered, else 0. */
int text_memo_find(const struct text_memo *memo, const char *text, size_t length, int32_t *value);
void text_memo_remember(struct text_memo *memo, const char *text, size_t length, int32_t value);

#endif
