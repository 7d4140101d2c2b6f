/* Each answer once: new, identical repeat, later and earlier conflicting repeats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "answer_set.h"

static struct answer_record answer(uint64_t respondent, uint32_t question, uint32_t date, uint8_t level)
{
	struct answer_record a = {.respondent = respondent, .insats = 7, .question = question, .group = 2,
	                          .date = date, .level = level, .scale_max = 6};
	return a;
}

static void test_each_answer_once(void **state)
{
	(void)state;
	struct answer_set *set = answer_set_new();
	assert_non_null(set);
	struct answer_record a = answer(1, 10, 20220110, 6);
	assert_int_equal(answer_set_offer(set, &a), ANSWER_NEW);
	assert_int_equal(answer_set_offer(set, &a), ANSWER_IDENTICAL);
	struct answer_record other_question = answer(1, 11, 20220110, 6);
	assert_int_equal(answer_set_offer(set, &other_question), ANSWER_NEW);
	struct answer_record other_group = a;
	other_group.group = 1;
	assert_int_equal(answer_set_offer(set, &other_group), ANSWER_NEW);
	/* Another answer, later: it replaces the kept one; earlier: dropped. */
	struct answer_record later = answer(1, 10, 20220501, 1);
	assert_int_equal(answer_set_offer(set, &later), ANSWER_REPLACED);
	struct answer_record earlier = answer(1, 10, 20220105, 3);
	assert_int_equal(answer_set_offer(set, &earlier), ANSWER_OUTDATED);
	assert_int_equal(answer_set_count(set), 3);
	int found = 0;
	for (size_t i = 0; i < answer_set_slots(set); i++) {
		const struct answer_record *kept = answer_set_slot(set, i);
		if (kept && kept->question == 10 && kept->group == 2) {
			assert_int_equal(kept->level, 1);
			assert_int_equal(kept->date, 20220501);
			found++;
		}
	}
	assert_int_equal(found, 1);
	/* Many respondents: the table grows and forgets nothing. */
	for (uint64_t r = 100; r < 20100; r++) {
		struct answer_record many = answer(r, 10, 20220110, (uint8_t)(r % 6 + 1));
		assert_int_equal(answer_set_offer(set, &many), ANSWER_NEW);
	}
	for (uint64_t r = 100; r < 20100; r++) {
		struct answer_record many = answer(r, 10, 20220110, (uint8_t)(r % 6 + 1));
		assert_int_equal(answer_set_offer(set, &many), ANSWER_IDENTICAL);
	}
	assert_int_equal(answer_set_count(set), 20003);
	/* Cleared, it holds nothing, and takes the same answers as new again. */
	size_t room = answer_set_slots(set);
	answer_set_clear(set);
	assert_int_equal(answer_set_count(set), 0);
	assert_int_equal(answer_set_slots(set), room);
	for (size_t i = 0; i < answer_set_slots(set); i++)
		assert_null(answer_set_slot(set, i));
	assert_int_equal(answer_set_offer(set, &a), ANSWER_NEW);
	assert_int_equal(answer_set_offer(set, &later), ANSWER_REPLACED);
	assert_int_equal(answer_set_count(set), 1);
	answer_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_each_answer_once)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
