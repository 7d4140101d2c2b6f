/* Writes a synthetic record stream of N answer records (default 10,000,000) to stdout,
 * through the project's own record writer: three interventions, ten questions,
 * all groups and genders, levels 0-6 and blanks, dates over three mätår. */
#include <stdio.h>
#include <stdlib.h>

#include "record_stream.h"

int main(int argc, char **argv)
{
	unsigned long long count = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000ULL;
	struct record_writer *writer = record_writer_open(stdout, "bench gen-records");
	if (!writer)
		return 1;
	const char *insatser[] = {"FIA", "Enter", "NOVA"};
	const char *questions[] = {"nytta", "tillvara", "redo", "hantera", "sammanhang",
	                           "plan", "tid", "kontakter", "bemotande", "inflytande"};
	uint32_t insats_ids[3], question_ids[10], forbund = record_writer_string(writer, "Bench");
	for (int i = 0; i < 3; i++)
		insats_ids[i] = record_writer_string(writer, insatser[i]);
	for (int i = 0; i < 10; i++)
		question_ids[i] = record_writer_string(writer, questions[i]);
	uint64_t state = 88172645463325252ULL;
	for (unsigned long long r = 0; r < count; r++) {
		state ^= state << 13, state ^= state >> 7, state ^= state << 17;
		struct answer_record a = {0};
		a.respondent = r / 10;
		unsigned year = 2020 + (unsigned)(state % 3), month = 1 + (unsigned)(state >> 8) % 12, day = 1 + (unsigned)(state >> 16) % 28;
		a.date = year * 10000 + month * 100 + day;
		a.matar = (uint16_t)(month >= 11 ? year + 1 : year);
		a.insats = insats_ids[(r / 10) % 3];
		a.forbund = forbund;
		a.question = question_ids[r % 10];
		a.group = (uint8_t)(1 + (state >> 24) % 2);
		a.gender = (uint8_t)((state >> 28) % 4);
		unsigned level = (unsigned)(state >> 32) % 8;
		a.level = level == 7 ? LEVEL_MISSING : (uint8_t)level;
		a.scale_max = 6;
		a.age = (uint8_t)(18 + (state >> 40) % 50);
		if (record_writer_answer(writer, &a) < 0)
			return 1;
	}
	return record_writer_close(writer) < 0;
}
