/* Unit tests for text_memo: a remembered value comes back for the same bytes only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "text_memo.h"

static int32_t found(const struct text_memo *memo, const char *text)
{
	int32_t value = -999;
	return text_memo_find(memo, text, strlen(text), &value) ? value : -1;
}

static void test_a_zeroed_memo_is_empty(void **state)
{
	(void)state;
	static struct text_memo memo;
	assert_int_equal(found(&memo, ""), -1);
	assert_int_equal(found(&memo, "Helt och hållet"), -1);
	text_memo_remember(&memo, "", 0, 7);
	assert_int_equal(found(&memo, ""), 7);
}

static void test_labels_of_every_length(void **state)
{
	(void)state;
	static struct text_memo memo;
	static const char *const labels[] = {
		"Inte alls", "Till liten del", "Till viss del", "Till stor del", "Till mycket stor del",
		"Helt och hållet", "Vet ej / Ej aktuellt", "1", "K", "Kvinna",
	};
	size_t count = sizeof labels / sizeof *labels;
	for (size_t i = 0; i < count; i++)
		text_memo_remember(&memo, labels[i], strlen(labels[i]), (int32_t)i);
	/* Ten texts in sixteen sets of two: all still there, each with its own value. */
	for (size_t i = 0; i < count; i++)
		assert_int_equal(found(&memo, labels[i]), (int32_t)i);
	/* Same length, one byte off, at the start, middle or end. */
	assert_int_equal(found(&memo, "Till viss dex"), -1);
	assert_int_equal(found(&memo, "Xill viss del"), -1);
	assert_int_equal(found(&memo, "Till vXss del"), -1);
	assert_int_equal(found(&memo, "2"), -1);
	assert_int_equal(found(&memo, "k"), -1);
	/* 24 bytes: byte 10 lies in the middle word only. */
	text_memo_remember(&memo, "abcdefghijklmnopqrstuvwx", 24, 40);
	assert_int_equal(found(&memo, "abcdefghijklmnopqrstuvwx"), 40);
	assert_int_equal(found(&memo, "abcdefghijKlmnopqrstuvwx"), -1);
	/* A prefix is not the text. */
	assert_int_equal(found(&memo, "Till"), -1);
}

static void test_long_texts_are_compared_whole(void **state)
{
	(void)state;
	static struct text_memo memo;
	/* 30 bytes: the three 8-byte words cover bytes 0-7, 11-18 and 22-29 only. */
	const char remembered[] = "abcdefghijklmnopqrstuvwxyz0123";
	char other[sizeof remembered];
	memcpy(other, remembered, sizeof remembered);
	other[9] = '#';
	text_memo_remember(&memo, remembered, 30, 1);
	assert_int_equal(found(&memo, remembered), 1);
	assert_int_equal(found(&memo, other), -1);
	other[9] = remembered[9];
	other[20] = '#';
	assert_int_equal(found(&memo, other), -1);
	/* Past the longest length a memo keeps, nothing is remembered. */
	char too_long[TEXT_MEMO_MAX_LENGTH + 2];
	memset(too_long, 'x', sizeof too_long - 1);
	too_long[sizeof too_long - 1] = '\0';
	text_memo_remember(&memo, too_long, strlen(too_long), 2);
	assert_int_equal(found(&memo, too_long), -1);
}

static void test_many_texts_push_out_old_ones_never_mix_them(void **state)
{
	(void)state;
	static struct text_memo memo;
	char text[32];
	/* Far more texts than the memo holds: whatever is found must be the text's own value. */
	for (int i = 0; i < 500; i++) {
		snprintf(text, sizeof text, "svar %d", i);
		text_memo_remember(&memo, text, strlen(text), i);
	}
	int still_there = 0;
	for (int i = 0; i < 500; i++) {
		snprintf(text, sizeof text, "svar %d", i);
		int32_t value = found(&memo, text);
		if (value >= 0) {
			assert_int_equal(value, i);
			still_there++;
		}
	}
	assert_true(still_there > 0 && still_there <= TEXT_MEMO_SETS * TEXT_MEMO_WAYS);
	/* The last text remembered is always there. */
	assert_int_equal(found(&memo, "svar 499"), 499);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_zeroed_memo_is_empty),
		cmocka_unit_test(test_labels_of_every_length),
		cmocka_unit_test(test_long_texts_are_compared_whole),
		cmocka_unit_test(test_many_texts_push_out_old_ones_never_mix_them),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
