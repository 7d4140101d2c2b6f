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
#include <string.h>

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

void text_memo_remember(struct text_memo *memo, const char *text, size_t length, int32_t value);

/* Inline, as it is asked a dozen times a row (every answer, the insats, the group and
 * the gender): a call each cost more than the lookup.  The key is the length and
 * three 8-byte words read from the text's start, middle and end; for texts of 8 to
 * 24 bytes the three overlap and cover every byte, so equal keys mean equal texts,
 * and only the rare longer text is compared in full. */
static inline __attribute__((always_inline)) void text_memo_key_of(const char *text, size_t length,
                                                                    struct text_memo_entry *key)
{
	key->head = key->middle = key->tail = 0;
	key->length_plus_one = (uint32_t)length + 1;
	if (length >= 8) {
		memcpy(&key->head, text, 8);
		memcpy(&key->middle, text + length / 2 - 4, 8);
		memcpy(&key->tail, text + length - 8, 8);
	} else {
		for (size_t i = 0; i < length; i++)
			key->head |= (uint64_t)(unsigned char)text[i] << (8 * i);
	}
}

static inline unsigned text_memo_set_of(const struct text_memo_entry *key)
{
	uint64_t mixed = (key->head ^ (key->tail * UINT64_C(0x9E3779B97F4A7C15)) ^ key->length_plus_one) *
	                 UINT64_C(0xD6E8FEB86659FD93);
	return (unsigned)(mixed >> 60) % TEXT_MEMO_SETS;
}

static inline int text_memo_same_key(const struct text_memo_entry *a, const struct text_memo_entry *b)
{
	return ((a->head ^ b->head) | (a->middle ^ b->middle) | (a->tail ^ b->tail) |
	        (uint64_t)(a->length_plus_one ^ b->length_plus_one)) == 0;
}

static inline int text_memo_find(const struct text_memo *memo, const char *text, size_t length, int32_t *value)
{
	if (length > TEXT_MEMO_MAX_LENGTH)
		return 0;
	struct text_memo_entry key;
	text_memo_key_of(text, length, &key);
	unsigned set = text_memo_set_of(&key);
	for (unsigned way = 0; way < TEXT_MEMO_WAYS; way++) {
		const struct text_memo_entry *entry = &memo->entry[set][way];
		if (text_memo_same_key(entry, &key) && (length <= 24 || memcmp(memo->text[set][way], text, length) == 0)) {
			*value = entry->value;
			return 1;
		}
	}
	return 0;
}

#endif
