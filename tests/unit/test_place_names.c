/* Unit tests for place_names: one slot per name however it is typed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "place_names.h"

/* the slot's place among those met: its index in names->slots */
static long slot_of(struct place_names *names, const char *name)
{
	uint32_t *slot = place_names_slot(names, name);
	assert_non_null(slot);
	return (long)(slot - names->slots);
}

static void test_spellings_of_one_name_share_a_slot(void **state)
{
	(void)state;
	struct place_names names = {0};
	uint32_t *first = place_names_slot(&names, "FIA");
	assert_non_null(first);
	assert_int_equal(*first, PLACE_NAMES_NONE);
	*first = 7;
	assert_int_equal(*place_names_slot(&names, "fia "), 7);
	assert_int_equal(*place_names_slot(&names, " Fia"), 7);
	/* folded as goals are matched: dashes and å ä ö too */
	*place_names_slot(&names, "IT-spåret") = 9;
	assert_int_equal(*place_names_slot(&names, "it sparet"), 9);
	assert_int_equal(*place_names_slot(&names, "IT_SPÅRET"), 9);
	/* other names have slots of their own, empty until filled */
	assert_int_equal(*place_names_slot(&names, "Enter"), PLACE_NAMES_NONE);
	assert_int_equal(*place_names_slot(&names, "FIA 2"), PLACE_NAMES_NONE);
	assert_int_not_equal(slot_of(&names, "FIA"), slot_of(&names, "Enter"));
	assert_int_equal(slot_of(&names, "FIA"), slot_of(&names, "fia"));
	place_names_clear(&names);
	assert_null(names.slots);
	/* cleared: empty again */
	assert_int_equal(*place_names_slot(&names, "FIA"), PLACE_NAMES_NONE);
	place_names_clear(&names);
}

static void test_many_names(void **state)
{
	(void)state;
	struct place_names names = {0};
	char name[32];
	for (uint32_t i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "Insats %u", i);
		uint32_t *slot = place_names_slot(&names, name);
		assert_non_null(slot);
		assert_int_equal(*slot, PLACE_NAMES_NONE);
		*slot = i;
	}
	for (uint32_t i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "INSATS %u ", i);
		assert_int_equal(*place_names_slot(&names, name), i);
	}
	place_names_clear(&names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spellings_of_one_name_share_a_slot),
		cmocka_unit_test(test_many_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
