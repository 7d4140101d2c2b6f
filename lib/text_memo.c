/*
 * text_memo.c — a few remembered texts, compared as words (the key: text_memo.h).
 *
 * The key picks one small set, so a lookup is one
 * comparison whichever label a row holds: a search through all remembered
 * texts would stop at a different place on every row, and mispredict.
 */
#include "text_memo.h"

#include <string.h>

void text_memo_remember(struct text_memo *memo, const char *text, size_t length, int32_t value)
{
	if (length > TEXT_MEMO_MAX_LENGTH)
		return;
	struct text_memo_entry key;
	text_memo_key_of(text, length, &key);
	unsigned set = text_memo_set_of(&key);
	unsigned way = memo->next_way[set]++ % TEXT_MEMO_WAYS;
	key.value = value;
	memo->entry[set][way] = key;
	memcpy(memo->text[set][way], text, length);
}
