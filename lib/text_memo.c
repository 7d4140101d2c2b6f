/*
 * text_memo.c — a few remembered texts, compared as words.
 *
 * A text is keyed by its length and three 8-byte words read from its start,
 * middle and end; for texts of 8 to 24 bytes the three overlap and cover
 * every byte, so equal keys mean equal texts, and only the rare longer text
 * is compared in full.  The key picks one small set, so a lookup is one
 * comparison whichever label a row holds: a search through all remembered
 * texts would stop at a different place on every row, and mispredict.
 */
#include "text_memo.h"

#include <string.h>

static inline __attribute__((always_inline)) void key_of(const char *text, size_t length, struct text_memo_entry *key)
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

static unsigned set_of(const struct text_memo_entry *key)
{
	uint64_t mixed = (key->head ^ (key->tail * UINT64_C(0x9E3779B97F4A7C15)) ^ key->length_plus_one) *
	                 UINT64_C(0xD6E8FEB86659FD93);
	return (unsigned)(mixed >> 60) % TEXT_MEMO_SETS;
}

static int same_key(const struct text_memo_entry *a, const struct text_memo_entry *b)
{
	return ((a->head ^ b->head) | (a->middle ^ b->middle) | (a->tail ^ b->tail) |
	        (uint64_t)(a->length_plus_one ^ b->length_plus_one)) == 0;
}

int text_memo_find(const struct text_memo *memo, const char *text, size_t length, int32_t *value)
{
	if (length > TEXT_MEMO_MAX_LENGTH)
		return 0;
	struct text_memo_entry key;
	key_of(text, length, &key);
	unsigned set = set_of(&key);
	for (unsigned way = 0; way < TEXT_MEMO_WAYS; way++) {
		const struct text_memo_entry *entry = &memo->entry[set][way];
		if (same_key(entry, &key) && (length <= 24 || memcmp(memo->text[set][way], text, length) == 0)) {
			*value = entry->value;
			return 1;
		}
	}
	return 0;
}

void text_memo_remember(struct text_memo *memo, const char *text, size_t length, int32_t value)
{
	if (length > TEXT_MEMO_MAX_LENGTH)
		return;
	struct text_memo_entry key;
	key_of(text, length, &key);
	unsigned set = set_of(&key);
	unsigned way = memo->next_way[set]++ % TEXT_MEMO_WAYS;
	key.value = value;
	memo->entry[set][way] = key;
	memcpy(memo->text[set][way], text, length);
}
