/* Unit tests for personnummer normalisation, keyed pseudonyms and intake/exit pairing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "codebook.h"
#include "health.h"
#include "health_indicators.h"
#include "personnummer.h"
#include "pseudonym.h"
#include "record_stream.h"

static void expect_pnr(const char *text, uint32_t reference, enum personnummer_result want, const char *digits)
{
	char out[13] = "";
	enum personnummer_result got = personnummer_normalise(text, strlen(text), reference, out);
	if (got != want)
		fail_msg("%s: got %d, expected %d", text, got, want);
	if (digits)
		assert_string_equal(out, digits);
}

static void test_personnummer_forms(void **state)
{
	(void)state;
	/* 811218-9876 is the Tax Agency's own example; its check digit is 6 */
	expect_pnr("19811218-9876", 20220101, PERSONNUMMER_VALID, "198112189876");
	expect_pnr("198112189876", 20220101, PERSONNUMMER_VALID, "198112189876");
	expect_pnr("811218-9876", 20220101, PERSONNUMMER_VALID, "198112189876");
	expect_pnr("8112189876", 20220101, PERSONNUMMER_VALID, "198112189876");
	expect_pnr(" 811218-9876 ", 20220101, PERSONNUMMER_VALID, "198112189876");
	/* '+': 100 or older at the questionnaire */
	expect_pnr("811218+9876", 20220101, PERSONNUMMER_VALID, "188112189876");
	/* the century from the questionnaire date: born 2020, or 1920 when that is in the future */
	expect_pnr("200101-2380", 20220101, PERSONNUMMER_VALID, "202001012380");
	expect_pnr("200101-2380", 20191231, PERSONNUMMER_VALID, "192001012380");
	/* samordningsnummer: day + 60 */
	expect_pnr("811278-9873", 20220101, PERSONNUMMER_VALID, "198112789873");
	expect_pnr("811218-9877", 20220101, PERSONNUMMER_BAD_CHECK, NULL);
	expect_pnr("811318-9876", 20220101, PERSONNUMMER_BAD_DATE, NULL);
	/* Word's en dash, a minus sign, a no-break space: the same person */
	expect_pnr("811218\xe2\x80\x93" "9876", 20220101, PERSONNUMMER_VALID, "198112189876");
	expect_pnr("19811218\xe2\x80\x93" "9876", 20220101, PERSONNUMMER_VALID, "198112189876");
	expect_pnr("811218\xe2\x88\x92" "9876", 20220101, PERSONNUMMER_VALID, "198112189876");
	expect_pnr("19811218\xc2\xa0" "9876", 20220101, PERSONNUMMER_VALID, "198112189876");
	expect_pnr("811218\xe2\x80\x93" "9877", 20220101, PERSONNUMMER_BAD_CHECK, NULL);
	expect_pnr("811218\xc2\xad" "9876", 20220101, PERSONNUMMER_VALID, "198112189876");     /* soft hyphen */
	expect_pnr("\xe2\x80\x8b" "811218-9876", 20220101, PERSONNUMMER_VALID, "198112189876"); /* zero-width space */
	/* not shaped like one: a participant code */
	expect_pnr("ENT-0042", 20220101, PERSONNUMMER_NOT, NULL);
	expect_pnr("12345", 20220101, PERSONNUMMER_NOT, NULL);
	expect_pnr("8112-189876", 20220101, PERSONNUMMER_NOT, NULL);
	expect_pnr("1981121898760", 20220101, PERSONNUMMER_NOT, NULL);
}

static void test_key_file_rules_and_pseudonyms(void **state)
{
	(void)state;
	char path[] = "/tmp/test_health_key_XXXXXX", error[512];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789abcdef0123456789abcdef", 32), 32);
	close(fd);
	struct pseudonym_key key, other;
	assert_int_equal(pseudonym_key_load(path, &key, error, sizeof error), 0);
	chmod(path, 0640);
	assert_int_equal(pseudonym_key_load(path, &other, error, sizeof error), 77);
	assert_non_null(strstr(error, "is readable by group or others (mode 0640)"));
	unlink(path);
	assert_int_equal(pseudonym_key_load(path, &other, error, sizeof error), 66);
	/* Known answers, from Python's hmac: HMAC-SHA256(key, "pnr:198112189876"), first 8 bytes
	 * little-endian.  Pseudonyms in existing stores depend on these never changing. */
	uint64_t a = 0, b = 0;
	assert_int_equal(pseudonym_of(&key, "pnr", "198112189876", 12, &a), 0);
	assert_true(a == UINT64_C(0xcfba0ad01f2b8403));
	assert_int_equal(pseudonym_of(&key, "pnr", "198112189876", 12, &b), 0);
	assert_true(a == b);
	assert_int_equal(pseudonym_of(&key, "code", "198112189876", 12, &b), 0);
	assert_true(a != b);
	uint64_t code = 0;
	assert_int_equal(pseudonym_of_participant(&key, " ENT-0042 ", 10, 20220301, &code), PERSONNUMMER_NOT);
	assert_true(code == UINT64_C(0x55485c24f58e939a)); /* folded to "ent 0042" */
	uint64_t short_form = 0;
	assert_int_equal(pseudonym_of_participant(&key, "811218-9876", 11, 20220301, &short_form), PERSONNUMMER_VALID);
	assert_true(short_form == a);
	/* Another key, other pseudonyms. */
	strcpy(path, "/tmp/test_health_key_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "1123456789abcdef0123456789abcdef", 32), 32);
	close(fd);
	assert_int_equal(pseudonym_key_load(path, &other, error, sizeof error), 0);
	unlink(path);
	assert_int_equal(pseudonym_of(&other, "pnr", "198112189876", 12, &b), 0);
	assert_true(a != b);
	pseudonym_key_wipe(&key);
	pseudonym_key_wipe(&other);
}

/* A run's own key: random, SipHash-2-4 over "kind:identifier", the forms of one
 * personnummer still agreeing, and a copy (a second thread's) hashing alike. */
static void test_random_run_keys(void **state)
{
	(void)state;
	char error[512] = "";
	struct pseudonym_key key, other, copy;
	assert_int_equal(pseudonym_key_random(&key, error, sizeof error), 0);
	assert_int_equal(pseudonym_key_random(&other, error, sizeof error), 0);
	assert_int_equal(key.length, crypto_shorthash_KEYBYTES);
	assert_null(key.mac);
	assert_memory_not_equal(key.bytes, other.bytes, key.length);
	uint64_t a = 0, b = 0;
	assert_int_equal(pseudonym_of(&key, "pnr", "198112189876", 12, &a), 0);
	unsigned char expected[crypto_shorthash_BYTES];
	crypto_shorthash(expected, (const unsigned char *)"pnr:198112189876", 16, key.bytes);
	assert_true(a == digest_value(expected));
	assert_int_equal(pseudonym_of(&other, "pnr", "198112189876", 12, &b), 0);
	assert_true(a != b);
	assert_int_equal(pseudonym_of(&key, "code", "198112189876", 12, &b), 0);
	assert_true(a != b);
	uint64_t short_form = 0, code = 0, code_again = 0;
	assert_int_equal(pseudonym_of_participant(&key, "811218-9876", 11, 20220301, &short_form), PERSONNUMMER_VALID);
	assert_true(short_form == a);
	assert_int_equal(pseudonym_key_copy(&copy, &key), 0);
	assert_int_equal(pseudonym_of_participant(&copy, " ENT-0042 ", 10, 20220301, &code), PERSONNUMMER_NOT);
	assert_int_equal(pseudonym_of_participant(&key, "ent 0042", 8, 20220301, &code_again), PERSONNUMMER_NOT);
	assert_true(code == code_again);
	pseudonym_key_wipe(&copy);
	pseudonym_key_wipe(&key);
	pseudonym_key_wipe(&other);
	struct response_key response, response_other;
	assert_int_equal(response_key_random(&response), 0);
	assert_int_equal(response_key_random(&response_other), 0);
	assert_memory_not_equal(response.bytes, response_other.bytes, sizeof response.bytes);
	assert_true(response_key_hash(&response, "R1", 2) == response_key_hash(&response, "R1", 2));
	assert_true(response_key_hash(&response, "R1", 2) != response_key_hash(&response_other, "R1", 2));
	response_key_wipe(&response);
	response_key_wipe(&response_other);
}

static struct questionnaire make(uint64_t who, const char *insats, uint32_t date, int occasion)
{
	struct questionnaire q;
	memset(&q, 0, sizeof q);
	q.participant = who;
	snprintf(q.insats_key, sizeof q.insats_key, "%s", insats);
	q.date = date;
	q.occasion = (uint8_t)occasion;
	q.lq = LQ_BETTER;
	q.lq_due = q.vas = q.mental = q.pain = q.worry = q.workcap = HEALTH_MISSING;
	return q;
}

static void test_pairing(void **state)
{
	(void)state;
	struct health_pairing *pairing = health_pairing_new();
	/* person 1: two full rounds; person 2: intake, intake, exit -> the first intake is
	 * bortfall, the second pairs; person 3: exit only; person 4: intake only, and an
	 * exit in another intervention; a repeated questionnaire */
	struct questionnaire list[] = {
		make(1, "enter", 20220110, OCCASION_INTAKE), make(1, "enter", 20220420, OCCASION_EXIT),
		make(1, "enter", 20220601, OCCASION_INTAKE), make(1, "enter", 20221115, OCCASION_EXIT),
		make(2, "enter", 20220101, OCCASION_INTAKE), make(2, "enter", 20220301, OCCASION_INTAKE),
		make(2, "enter", 20220901, OCCASION_EXIT),   make(3, "enter", 20220505, OCCASION_EXIT),
		make(4, "enter", 20220202, OCCASION_INTAKE), make(4, "fia", 20220909, OCCASION_EXIT),
		make(1, "enter", 20220420, OCCASION_EXIT),
	};
	/* out of order on purpose: pairing sorts by person and date */
	for (int i = (int)(sizeof list / sizeof *list) - 1; i >= 0; i--)
		assert_int_equal(health_pairing_add(pairing, &list[i]), 0);
	char *buffer = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buffer, &size);
	struct record_writer *writer = record_writer_open(out, "test");
	struct health_counts counts;
	assert_int_equal(health_pairing_write(pairing, writer, 10, &counts), 0);
	assert_int_equal(record_writer_close(writer), 0);
	fclose(out);
	assert_int_equal(counts.pairs, 3);
	assert_int_equal(counts.intake_only, 2);
	assert_int_equal(counts.exit_only, 2);
	assert_int_equal(counts.duplicates, 1);
	/* read back: person 2's pair starts at the later intake */
	FILE *in = fmemopen(buffer, size, "rb");
	struct string_pool *pool = string_pool_new();
	struct record_reader *reader = record_reader_open(in, "memory", pool);
	struct record record;
	int found = 0;
	while (record_reader_next(reader, &record) == 1)
		if (record.u.health.participant == 2 && record.u.health.kind == HEALTH_PAIR) {
			assert_int_equal(record.u.health.intake_date, 20220301);
			assert_int_equal(record.u.health.exit_date, 20220901);
			found = 1;
		}
	assert_true(found);
	record_reader_close(reader);
	string_pool_free(pool);
	fclose(in);
	free(buffer);
	health_pairing_free(pairing);
}

static void test_vas_at_minimum_and_blanks(void **state)
{
	(void)state;
	struct health_record h;
	memset(&h, 0xFF, sizeof h); /* everything HEALTH_MISSING */
	h.kind = HEALTH_PAIR;
	assert_int_equal(health_indicator_value(&h, HEALTH_IMPROVED_ANY, 10), -1);
	h.vas_intake = 40, h.vas_exit = 50;
	assert_int_equal(health_indicator_value(&h, HEALTH_VAS_BETTER, 10), 1); /* exactly at the minimum */
	assert_int_equal(health_indicator_value(&h, HEALTH_VAS_BETTER, 11), 0);
	assert_int_equal(health_indicator_value(&h, HEALTH_LQ_BETTER, 10), -1); /* blank is not better */
	assert_int_equal(health_indicator_value(&h, HEALTH_IMPROVED_ANY, 11), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_personnummer_forms),
		cmocka_unit_test(test_key_file_rules_and_pseudonyms),
		cmocka_unit_test(test_random_run_keys),
		cmocka_unit_test(test_pairing),
		cmocka_unit_test(test_vas_at_minimum_and_blanks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
