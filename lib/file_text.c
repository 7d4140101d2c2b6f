#include "file_text.h"

#include <errno.h>
#include <stdlib.h>

char *file_text_read(FILE *in, size_t max_bytes, size_t *length)
{
	size_t capacity = 8192, used = 0;
	char *text = malloc(capacity);
	while (text) {
		used += fread(text + used, 1, capacity - used - 1, in);
		if (used < capacity - 1)
			break;
		if (capacity > max_bytes) {
			free(text);
			errno = EFBIG;
			return NULL;
		}
		char *bigger = realloc(text, capacity * 2);
		if (!bigger) {
			free(text);
			return NULL;
		}
		text = bigger;
		capacity *= 2;
	}
	if (!text)
		return NULL;
	if (ferror(in)) {
		free(text);
		errno = EIO;
		return NULL;
	}
	text[used] = '\0';
	if (length)
		*length = used;
	return text;
}
