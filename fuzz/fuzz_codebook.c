/* libFuzzer harness: codebook answers and headers on the shipped codebook, with
 * arbitrary text — must never crash or read out of bounds. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codebook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct codebook *book;
	char error[512];
	if (!book && !(book = codebook_load("data/ifs-codebook.json", error, sizeof error)))
		abort();
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t q = 0; q < codebook_question_count(book); q++)
		codebook_answer(book, q, text, size);
	size_t question;
	codebook_column_role(book, text, &question);
	codebook_background_value(book, ROLE_GENDER, text, size);
	free(text);
	return 0;
}
