/* libFuzzer harness: a user's own codebook (any bytes, as a file) — loaded or refused
 * with a reason, never a crash or a leak; a loaded one answers lookups safely. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codebook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	if (!path[0])
		snprintf(path, sizeof path, "/tmp/fuzz-codebook-%ld.json", (long)getpid());
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	char error[512] = "";
	struct codebook *book = codebook_load(path, error, sizeof error);
	if (!book) {
		if (!error[0])
			abort(); /* a refusal always says why */
		return 0;
	}
	static const char *const probes[] = {"", "Helt och hållet", "5", "Vet ej", "Kvinna", "Respondent-ID", "F1",
	                                     "Avslut", "Inskrivning", "70", "x"};
	for (size_t p = 0; p < sizeof probes / sizeof *probes; p++) {
		size_t length = strlen(probes[p]), question;
		for (size_t q = 0; q < codebook_question_count(book); q++) {
			codebook_answer(book, q, probes[p], length);
			codebook_question_id(book, q);
			codebook_question_scale_max(book, q);
		}
		codebook_column_role(book, probes[p], &question);
		codebook_background_value(book, ROLE_GENDER, probes[p], length);
		codebook_background_value(book, ROLE_GROUP, probes[p], length);
		codebook_background_value(book, ROLE_OCCASION, probes[p], length);
	}
	codebook_free(book);
	return 0;
}
