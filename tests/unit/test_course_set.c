/* Each course once: a copy dropped; of two versions, the ended one, else the later. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "course_set.h"

static struct course_record course(uint64_t participant, uint32_t insats, uint32_t start, uint32_t end,
                                   uint16_t reasons)
{
	struct course_record c;
	memset(&c, 0, sizeof c);
	c.participant = participant;
	c.insats = insats;
	c.start_date = start;
	c.end_date = end;
	c.end_reasons = reasons;
	return c;
}

static void test_copies_and_versions(void **state)
{
	(void)state;
	struct course_set *set = course_set_new();
	assert_non_null(set);
	struct course_record open = course(7, 1, 20220110, 0, 0);
	struct course_record ended = course(7, 1, 20220110, 20220901, 1);
	struct course_record corrected = course(7, 1, 20220110, 20220902, 1);
	assert_int_equal(course_set_offer(set, &open, "Enter"), COURSE_NEW);
	assert_int_equal(course_set_offer(set, &open, "Enter"), COURSE_IDENTICAL);
	/* the later export saw the end */
	assert_int_equal(course_set_offer(set, &ended, "Enter"), COURSE_UPDATED);
	/* and an older export given after it does not undo it */
	assert_int_equal(course_set_offer(set, &open, "Enter"), COURSE_OUTDATED);
	assert_int_equal(course_set_count(set), 1);
	assert_int_equal(course_set_courses(set)[0].end_date, 20220901);
	/* two ended versions: the later read corrects */
	assert_int_equal(course_set_offer(set, &corrected, "Enter"), COURSE_UPDATED);
	assert_int_equal(course_set_courses(set)[0].end_date, 20220902);
	/* another start, insats or participant: another course */
	struct course_record second_round = course(7, 1, 20230110, 0, 0);
	struct course_record other_insats = course(7, 2, 20220110, 0, 0);
	struct course_record other_person = course(8, 1, 20220110, 0, 0);
	assert_int_equal(course_set_offer(set, &second_round, "Enter"), COURSE_NEW);
	assert_int_equal(course_set_offer(set, &other_insats, "NOVA"), COURSE_NEW);
	assert_int_equal(course_set_offer(set, &other_person, "Enter"), COURSE_NEW);
	assert_int_equal(course_set_count(set), 4);
	/* the insats's name in another case or with spaces around: the same course */
	struct course_record shouted = course(8, 3, 20220110, 0, 0);
	assert_int_equal(course_set_offer(set, &shouted, " ENTER "), COURSE_IDENTICAL);
	shouted.end_date = 20220301;
	assert_int_equal(course_set_offer(set, &shouted, "enter"), COURSE_UPDATED);
	assert_int_equal(course_set_count(set), 4);
	course_set_free(set);
}

static void test_many_in_first_offered_order(void **state)
{
	(void)state;
	struct course_set *set = course_set_new();
	assert_non_null(set);
	for (int round = 0; round < 2; round++)
		for (uint64_t p = 0; p < 5000; p++) {
			struct course_record c = course(p * 2654435761u, (uint32_t)(p % 3), 20220101 + (uint32_t)(p % 28), 0, 0);
			assert_int_equal(course_set_offer(set, &c, c.insats ? "Enter" : "FIA"), round ? COURSE_IDENTICAL : COURSE_NEW);
		}
	assert_int_equal(course_set_count(set), 5000);
	for (uint64_t p = 0; p < 5000; p++)
		assert_true(course_set_courses(set)[p].participant == p * 2654435761u);
	course_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copies_and_versions),
		cmocka_unit_test(test_many_in_first_offered_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
