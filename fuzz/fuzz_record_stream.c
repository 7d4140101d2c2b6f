/* libFuzzer harness: arbitrary bytes through the record stream reader must give
 * records or an error, never a crash, a leak or undefined behaviour. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "record_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	FILE *in = fmemopen((void *)data, size, "r");
	if (!in)
		return 0;
	struct string_pool *pool = string_pool_new();
	struct record_reader *reader = record_reader_open(in, "fuzz", pool);
	/* the first byte picks whole questionnaires or answers one by one: both paths */
	record_reader_whole_questionnaires(reader, data[0] & 1);
	struct record record;
	while (record_reader_next(reader, &record) == 1) {
		/* Every string id a reader hands out must resolve. */
		if (record.type == RECORD_ANSWER && !string_pool_get(pool, record.u.answer.question))
			__builtin_trap();
		if (record.type == RECORD_HEALTH && !string_pool_get(pool, record.u.health.insats))
			__builtin_trap();
		if (record.type == RECORD_QUESTIONNAIRE) {
			const struct questionnaire_record *q = &record.u.questionnaire;
			if (!string_pool_get(pool, q->insats) || q->count == 0 || q->count > QUESTIONNAIRE_MAX_QUESTIONS)
				__builtin_trap();
			for (size_t i = 0; i < q->count; i++)
				if (!string_pool_get(pool, q->questions[i]) || (q->levels[i] > q->scale_max[i] &&
				                                                q->levels[i] < LEVEL_ABSENT))
					__builtin_trap();
		}
	}
	record_reader_close(reader);
	string_pool_free(pool);
	fclose(in);
	return 0;
}
