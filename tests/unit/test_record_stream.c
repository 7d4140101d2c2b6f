/* Record stream: round trips, concatenation, and every way an input can be broken. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#include "record_stream.h"

struct buffer {
	char *bytes;
	size_t length;
};

static struct answer_record sample_answer(struct record_writer *writer, int i)
{
	struct answer_record a = {0};
	a.respondent = 0x1122334455667788ull + (uint64_t)i;
	a.date = 20220315;
	a.matar = 2022;
	a.insats = record_writer_string(writer, i % 2 ? "FIA" : "Enter");
	a.forbund = record_writer_string(writer, "Finnveden");
	a.question = record_writer_string(writer, "nytta");
	a.group = GROUP_AVSLUT;
	a.gender = (uint8_t)(i % 4);
	a.level = (uint8_t)(i % 7);
	a.scale_max = 6;
	a.age = 30;
	return a;
}

/* Writes a stream of n answers and one health pair (when with_health) to memory. */
static struct buffer write_stream(int n, int with_health, const char *insats_override)
{
	struct buffer buffer = {0};
	FILE *out = open_memstream(&buffer.bytes, &buffer.length);
	struct record_writer *writer = record_writer_open(out, "test 1");
	assert_non_null(writer);
	for (int i = 0; i < n; i++) {
		struct answer_record a = sample_answer(writer, i);
		if (insats_override)
			a.insats = record_writer_string(writer, insats_override);
		assert_int_equal(record_writer_answer(writer, &a), 0);
	}
	if (with_health) {
		struct health_record h = {0};
		h.participant = 42;
		h.intake_date = 20220110;
		h.exit_date = 20221201;
		h.insats = record_writer_string(writer, "Enter");
		h.kind = HEALTH_PAIR;
		h.gender = GENDER_WOMAN;
		h.lq = LQ_BETTER;
		h.vas_intake = 40;
		h.vas_exit = 50;
		h.mental_intake = HEALTH_MISSING;
		h.vas_min_delta = 10;
		assert_int_equal(record_writer_health(writer, &h), 0);
	}
	assert_int_equal(record_writer_close(writer), 0);
	fclose(out);
	return buffer;
}

/* Reads everything; returns records read, or -1 on error with the message in error. */
static long read_all(const char *bytes, size_t length, struct string_pool *pool,
                     struct record *records, size_t max, char *error, size_t error_size)
{
	FILE *in = fmemopen((void *)bytes, length, "r");
	if (length == 0) /* fmemopen refuses size 0 on some libcs */
		in = fopen("/dev/null", "r");
	assert_non_null(in);
	struct record_reader *reader = record_reader_open(in, "test.rec", pool);
	long count = 0;
	int status;
	struct record record;
	while ((status = record_reader_next(reader, &record)) == 1) {
		if ((size_t)count < max)
			records[count] = record;
		count++;
	}
	if (status < 0) {
		snprintf(error, error_size, "%s", record_reader_error(reader));
		count = -1;
	}
	record_reader_close(reader);
	fclose(in);
	return count;
}

static void test_round_trip(void **state)
{
	(void)state;
	struct buffer stream = write_stream(10000, 1, NULL); /* spans several chunks */
	struct string_pool *pool = string_pool_new();
	struct record *records = calloc(10001, sizeof *records);
	char error[512] = "";
	assert_int_equal(read_all(stream.bytes, stream.length, pool, records, 10001, error, sizeof error), 10001);
	int answers = 0;
	for (int i = 0; i < 10001; i++) {
		if (records[i].type != RECORD_ANSWER)
			continue;
		const struct answer_record *a = &records[i].u.answer;
		assert_int_equal(a->respondent, 0x1122334455667788ull + (uint64_t)answers);
		assert_string_equal(string_pool_get(pool, a->insats), answers % 2 ? "FIA" : "Enter");
		assert_string_equal(string_pool_get(pool, a->question), "nytta");
		assert_string_equal(string_pool_get(pool, a->forbund), "Finnveden");
		assert_int_equal(a->level, answers % 7);
		assert_int_equal(a->gender, answers % 4);
		assert_int_equal(a->matar, 2022);
		assert_int_equal(a->date, 20220315);
		assert_int_equal(a->scale_max, 6);
		assert_int_equal(a->age, 30);
		answers++;
	}
	assert_int_equal(answers, 10000);
	const struct health_record *h = &records[10000].u.health;
	assert_int_equal(records[10000].type, RECORD_HEALTH);
	assert_int_equal(h->participant, 42);
	assert_int_equal(h->exit_date, 20221201);
	assert_int_equal(h->lq, LQ_BETTER);
	assert_int_equal(h->vas_exit, 50);
	assert_int_equal(h->mental_intake, HEALTH_MISSING);
	assert_int_equal(h->vas_min_delta, 10);
	assert_string_equal(string_pool_get(pool, h->insats), "Enter");
	free(records);
	string_pool_free(pool);
	free(stream.bytes);
}

/*
 * A name first used after the first chunk of questionnaires (4096 a chunk), with no
 * new form: its string stands in the stream before the chunk that uses it, so a
 * reader knows it (it did not: "string id 5 not defined", found by an export whose
 * insats changes late in the file).
 */
static void test_late_string_in_questionnaires(void **state)
{
	(void)state;
	struct buffer buffer = {0};
	FILE *out = open_memstream(&buffer.bytes, &buffer.length);
	struct record_writer *writer = record_writer_open(out, "test 1");
	assert_non_null(writer);
	uint32_t questions[2] = {record_writer_string(writer, "nytta"), record_writer_string(writer, "tillvara")};
	uint8_t scale_max[2] = {6, 6};
	uint32_t form = record_writer_form(writer, questions, scale_max, 2);
	assert_int_not_equal(form, UINT32_MAX);
	const int total = 10000, late = 9000;
	for (int i = 0; i < total; i++) {
		struct questionnaire_record q = {0};
		q.respondent = 1000 + (uint64_t)i;
		q.date = 20220315;
		q.insats = record_writer_string(writer, i < late ? "FIA" : "NOVA");
		q.forbund = record_writer_string(writer, i < late ? "Finnveden" : "Sjuhärad");
		q.form = form;
		q.group = GROUP_AVSLUT;
		q.levels[0] = (uint8_t)(1 + i % 6);
		q.levels[1] = LEVEL_MISSING;
		assert_int_equal(record_writer_questionnaire(writer, &q), 0);
	}
	assert_int_equal(record_writer_close(writer), 0);
	fclose(out);
	struct string_pool *pool = string_pool_new();
	FILE *in = fmemopen(buffer.bytes, buffer.length, "r");
	struct record_reader *reader = record_reader_open(in, "late.rec", pool);
	record_reader_whole_questionnaires(reader, 1);
	struct record record;
	int status, count = 0, nova = 0;
	while ((status = record_reader_next(reader, &record)) == 1) {
		if (record.type != RECORD_QUESTIONNAIRE)
			continue;
		const char *insats = string_pool_get(pool, record.u.questionnaire.insats);
		const char *forbund = string_pool_get(pool, record.u.questionnaire.forbund);
		assert_non_null(insats);
		assert_non_null(forbund);
		assert_string_equal(insats, count < late ? "FIA" : "NOVA");
		assert_string_equal(forbund, count < late ? "Finnveden" : "Sjuhärad");
		nova += count >= late;
		count++;
	}
	if (status < 0)
		fail_msg("%s", record_reader_error(reader));
	assert_int_equal(count, total);
	assert_int_equal(nova, total - late);
	record_reader_close(reader);
	fclose(in);
	string_pool_free(pool);
	free(buffer.bytes);
}

static void test_concatenated_streams_read_as_one(void **state)
{
	(void)state;
	/* The second stream interns its strings in another order, so its local ids
	 * differ: the reader must map both onto one pool. */
	struct buffer first = write_stream(3, 0, "NOVA");
	struct buffer second = write_stream(2, 0, NULL);
	char *both = malloc(first.length + second.length);
	memcpy(both, first.bytes, first.length);
	memcpy(both + first.length, second.bytes, second.length);
	struct string_pool *pool = string_pool_new();
	struct record records[5];
	char error[512] = "";
	assert_int_equal(read_all(both, first.length + second.length, pool, records, 5, error, sizeof error), 5);
	assert_string_equal(string_pool_get(pool, records[0].u.answer.insats), "NOVA");
	assert_string_equal(string_pool_get(pool, records[2].u.answer.insats), "NOVA");
	assert_string_equal(string_pool_get(pool, records[3].u.answer.insats), "Enter");
	assert_string_equal(string_pool_get(pool, records[4].u.answer.insats), "FIA");
	assert_string_equal(string_pool_get(pool, records[4].u.answer.question), "nytta");
	string_pool_free(pool);
	free(both);
	free(first.bytes);
	free(second.bytes);
}

static void test_empty_stream_has_no_records(void **state)
{
	(void)state;
	struct buffer stream = write_stream(0, 0, NULL);
	struct string_pool *pool = string_pool_new();
	char error[512] = "";
	assert_int_equal(read_all(stream.bytes, stream.length, pool, NULL, 0, error, sizeof error), 0);
	string_pool_free(pool);
	free(stream.bytes);
}

static void test_empty_input_is_an_error(void **state)
{
	(void)state;
	struct string_pool *pool = string_pool_new();
	char error[512] = "";
	assert_int_equal(read_all("", 0, pool, NULL, 0, error, sizeof error), -1);
	assert_string_equal(error, "test.rec: byte 0: empty input: not a record stream");
	string_pool_free(pool);
}

/* Every proper prefix of a stream must fail, never read as a shorter result. */
static void test_every_truncation_is_an_error(void **state)
{
	(void)state;
	struct buffer stream = write_stream(5000, 1, NULL);
	struct string_pool *pool = string_pool_new();
	char error[512];
	size_t step = stream.length / 997 + 1;
	for (size_t cut = 1; cut < stream.length; cut += (cut < 200 ? 1 : step)) {
		error[0] = '\0';
		long got = read_all(stream.bytes, cut, pool, NULL, 0, error, sizeof error);
		if (got != -1)
			fail_msg("prefix of %zu bytes read as %ld records", cut, got);
		assert_non_null(strstr(error, "truncated record stream"));
		assert_non_null(strstr(error, "test.rec: byte "));
	}
	/* The exact message for a cut inside a chunk payload names both offsets. */
	/* start chunk 24+6 bytes, string chunk 24+38, form chunk 24+9 (one form: nytta on a
	 * six-level scale), so the first questionnaire chunk is at 125; it holds 4096
	 * questionnaires of 28 + 1 bytes. */
	read_all(stream.bytes, 160, pool, NULL, 0, error, sizeof error);
	assert_string_equal(error, "test.rec: byte 160: truncated record stream: chunk at byte 125 "
	                           "declares 118784 payload bytes, only 11 present");
	read_all(stream.bytes, 100, pool, NULL, 0, error, sizeof error);
	assert_string_equal(error, "test.rec: byte 100: truncated record stream: chunk header at byte 92 "
	                           "cut short after 8 of 24 bytes");
	string_pool_free(pool);
	free(stream.bytes);
}

/* A stream cut exactly after a whole chunk lacks its end chunk. */
static void test_truncation_at_chunk_boundary(void **state)
{
	(void)state;
	struct buffer stream = write_stream(1, 0, NULL);
	/* start(24+6) strings(24+31: Enter, Finnveden, nytta) form(24+9) questionnaire(24+29)
	 * end(24+16): drop the end chunk. */
	struct string_pool *pool = string_pool_new();
	char error[512] = "";
	assert_int_equal(stream.length, 211);
	assert_int_equal(read_all(stream.bytes, stream.length - 40, pool, NULL, 0, error, sizeof error), -1);
	assert_string_equal(error, "test.rec: byte 171: truncated record stream: the stream that began at byte 0 has no end chunk");
	string_pool_free(pool);
	free(stream.bytes);
}

static void test_every_flipped_byte_is_an_error(void **state)
{
	(void)state;
	struct buffer stream = write_stream(50, 1, NULL);
	struct string_pool *pool = string_pool_new();
	char error[512];
	for (size_t i = 0; i < stream.length; i++) {
		stream.bytes[i] ^= 0x20;
		long got = read_all(stream.bytes, stream.length, pool, NULL, 0, error, sizeof error);
		if (got != -1)
			fail_msg("byte %zu flipped still read as %ld records", i, got);
		stream.bytes[i] ^= 0x20;
	}
	/* A flipped payload byte is a CRC error at the chunk's offset. */
	stream.bytes[200] ^= 1;
	read_all(stream.bytes, stream.length, pool, NULL, 0, error, sizeof error);
	assert_non_null(strstr(error, "CRC mismatch"));
	string_pool_free(pool);
	free(stream.bytes);
}

/* A stream of one questionnaire of form (scale_max of count questions), levels as given. */
static struct buffer write_questionnaire_stream(const uint8_t *scale_max, const uint8_t *levels, uint32_t count)
{
	struct buffer buffer = {0};
	FILE *out = open_memstream(&buffer.bytes, &buffer.length);
	struct record_writer *writer = record_writer_open(out, "test 1");
	assert_non_null(writer);
	uint32_t questions[4];
	for (uint32_t i = 0; i < count; i++) {
		char name[2] = {(char)('a' + i), 0};
		questions[i] = record_writer_string(writer, name);
	}
	struct questionnaire_record q = {0};
	q.respondent = 7;
	q.date = 20220315;
	q.insats = record_writer_string(writer, "FIA");
	q.group = GROUP_AVSLUT;
	q.flags = ANSWER_IDENTIFIED;
	q.form = record_writer_form(writer, questions, scale_max, count);
	q.count = count;
	memcpy(q.levels, levels, count);
	assert_int_equal(record_writer_questionnaire(writer, &q), 0);
	assert_int_equal(record_writer_close(writer), 0);
	fclose(out);
	return buffer;
}

/* The payload of the stream's questionnaire chunk (type 6), its header's CRCs made
 * good again after the caller changed it. */
static unsigned char *questionnaire_payload(struct buffer *stream)
{
	size_t at = 0;
	while (at + 24 <= stream->length) {
		unsigned char *header = (unsigned char *)stream->bytes + at;
		uint32_t length = (uint32_t)header[12] | (uint32_t)header[13] << 8 | (uint32_t)header[14] << 16 |
		                  (uint32_t)header[15] << 24;
		if (header[6] == 6)
			return header + 24;
		at += 24 + length;
	}
	fail_msg("no questionnaire chunk");
	return NULL;
}

static void reseal(unsigned char *payload)
{
	unsigned char *header = payload - 24;
	uint32_t length = (uint32_t)header[12] | (uint32_t)header[13] << 8 | (uint32_t)header[14] << 16 |
	                  (uint32_t)header[15] << 24;
	uint32_t sums[2];
	sums[0] = (uint32_t)crc32(crc32(0L, Z_NULL, 0), payload, length);
	for (int i = 0; i < 4; i++)
		header[16 + i] = (unsigned char)(sums[0] >> (8 * i));
	sums[1] = (uint32_t)crc32(crc32(0L, Z_NULL, 0), header, 20);
	for (int i = 0; i < 4; i++)
		header[20 + i] = (unsigned char)(sums[1] >> (8 * i));
}

/* A level past its question's scale, under good CRCs (a writer's bug, not damage in
 * transit), is refused, in a form of four-bit answers and in one of a byte each; the
 * codes for no answer and absent are not levels. */
static void test_level_past_the_scale_is_corrupt(void **state)
{
	(void)state;
	struct string_pool *pool = string_pool_new();
	struct record records[8];
	char error[512];
	/* four bits: questions of 6, 4 and 13 levels; answers 2, missing, absent */
	const uint8_t narrow_scale[3] = {6, 4, 13}, narrow_levels[3] = {2, LEVEL_MISSING, LEVEL_ABSENT};
	struct buffer stream = write_questionnaire_stream(narrow_scale, narrow_levels, 3);
	assert_int_equal(read_all(stream.bytes, stream.length, pool, records, 8, error, sizeof error), 2);
	assert_int_equal(records[0].u.answer.level, 2);
	assert_int_equal(records[1].u.answer.level, LEVEL_MISSING);
	unsigned char *answers = questionnaire_payload(&stream) + 28;
	assert_int_equal(answers[0], 2 | 15 << 4);
	assert_int_equal(answers[1], 14);
	/* (the first byte: the first question low, the second high; then the third's) */
	const struct { unsigned char first, third; long got; } narrow_cases[] = {
		{7 | 15 << 4, 14, -1},  /* 7 of 6 levels */
		{13 | 15 << 4, 14, -1}, /* 13 of 6 */
		{2 | 5 << 4, 14, -1},   /* 5 of 4 */
		{2 | 4 << 4, 14, 2},    /* 4 of 4 */
		{2 | 15 << 4, 13, 3},   /* 13 of 13 */
		{14 | 15 << 4, 15, 2},  /* absent and no answer, wherever they stand */
	};
	for (size_t c = 0; c < sizeof narrow_cases / sizeof *narrow_cases; c++) {
		answers[0] = narrow_cases[c].first;
		answers[1] = narrow_cases[c].third;
		reseal(answers - 28);
		long got = read_all(stream.bytes, stream.length, pool, records, 8, error, sizeof error);
		if (got != narrow_cases[c].got)
			fail_msg("case %zu: %ld records, expected %ld (%s)", c, got, narrow_cases[c].got, error);
		if (got < 0)
			assert_non_null(strstr(error, "corrupt record: field out of range"));
	}
	assert_int_equal(records[1].u.answer.level, LEVEL_MISSING);
	/* a month or day no calendar has (20211100 would be mätår 2022 yet before its first
	 * day); the ranges only: 20211131 passes, on the same side of the first day both ways */
	answers[0] = 2 | 15 << 4;
	answers[1] = 14;
	unsigned char *date = answers - 28 + 8;
	const uint32_t dates[] = {20211100, 20211232, 20210015, 20211301, 20211131};
	const long dated_got[] = {-1, -1, -1, -1, 2};
	for (size_t c = 0; c < sizeof dates / sizeof *dates; c++) {
		for (int i = 0; i < 4; i++)
			date[i] = (unsigned char)(dates[c] >> (8 * i));
		reseal(answers - 28);
		long got = read_all(stream.bytes, stream.length, pool, records, 8, error, sizeof error);
		if (got != dated_got[c])
			fail_msg("date %u: %ld records, expected %ld (%s)", dates[c], got, dated_got[c], error);
	}
	free(stream.bytes);
	/* a byte each: a question of 20 levels beside one of 6 */
	const uint8_t wide_scale[2] = {20, 6}, wide_levels[2] = {20, 6};
	stream = write_questionnaire_stream(wide_scale, wide_levels, 2);
	assert_int_equal(read_all(stream.bytes, stream.length, pool, records, 8, error, sizeof error), 2);
	assert_int_equal(records[0].u.answer.level, 20);
	answers = questionnaire_payload(&stream) + 28;
	assert_int_equal(answers[0], 20);
	const unsigned char wide_cases[][2] = {{21, 6}, {20, 7}, {LEVEL_MISSING, LEVEL_ABSENT}, {253, 0}};
	const long wide_got[] = {-1, -1, 1, -1};
	for (size_t c = 0; c < sizeof wide_cases / sizeof *wide_cases; c++) {
		answers[0] = wide_cases[c][0];
		answers[1] = wide_cases[c][1];
		reseal(answers - 28);
		long got = read_all(stream.bytes, stream.length, pool, records, 8, error, sizeof error);
		assert_int_equal(got, wide_got[c]);
		if (got < 0)
			assert_non_null(strstr(error, "corrupt record: field out of range"));
	}
	free(stream.bytes);
	string_pool_free(pool);
}

static void test_wrong_magic(void **state)
{
	(void)state;
	const char text[] = "respondent,datum\n1,2022-01-01\n";
	struct string_pool *pool = string_pool_new();
	char error[512] = "";
	assert_int_equal(read_all(text, sizeof text - 1, pool, NULL, 0, error, sizeof error), -1);
	/* A CSV export where a stream belongs: the message says what to run first. */
	assert_string_equal(error, "test.rec: byte 0: this is an export (CSV, JSON, gzip or a spreadsheet), not a record "
	                           "stream: run ifs-survey or ifs-health on it first, e.g. ifs-survey FILE | ifs-shares ...");
	const unsigned char binary[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
	assert_int_equal(read_all((const char *)binary, sizeof binary, pool, NULL, 0, error, sizeof error), -1);
	assert_string_equal(error, "test.rec: byte 0: not a record stream (bad magic number)");
	string_pool_free(pool);
}

static void test_newer_version_is_named(void **state)
{
	(void)state;
	struct buffer stream = write_stream(1, 0, NULL);
	/* Rewrite the first header as version 3, then 1, with a valid header CRC. */
	unsigned char *h = (unsigned char *)stream.bytes;
	struct string_pool *pool = string_pool_new();
	char error[512] = "";
	for (int version = 3; version >= 1; version -= 2) {
		h[4] = (unsigned char)version;
		uint32_t c = (uint32_t)crc32(crc32(0L, Z_NULL, 0), h, 20);
		h[20] = (unsigned char)c; h[21] = (unsigned char)(c >> 8);
		h[22] = (unsigned char)(c >> 16); h[23] = (unsigned char)(c >> 24);
		assert_int_equal(read_all(stream.bytes, stream.length, pool, NULL, 0, error, sizeof error), -1);
		if (version == 3)
			assert_string_equal(error, "test.rec: byte 0: record stream version 3 is newer than this program "
			                           "understands (version 2); upgrade the ifs tools");
		else /* the old format: how to get the new one */
			assert_string_equal(error, "test.rec: byte 0: a record stream of version 1, written by an older ifs-survey "
			                           "or ifs-health: this program reads version 2; run ifs-survey or ifs-health again "
			                           "on the exports to write it anew (pipelines/nightly does so by itself)");
	}
	string_pool_free(pool);
	free(stream.bytes);
}

static void test_trailing_garbage_is_an_error(void **state)
{
	(void)state;
	struct buffer stream = write_stream(3, 0, NULL);
	char *bytes = malloc(stream.length + 5);
	memcpy(bytes, stream.bytes, stream.length);
	memcpy(bytes + stream.length, "junk\n", 5);
	struct string_pool *pool = string_pool_new();
	char error[512] = "";
	assert_int_equal(read_all(bytes, stream.length + 5, pool, NULL, 0, error, sizeof error), -1);
	assert_non_null(strstr(error, "corrupt record stream: no chunk magic number here"));
	string_pool_free(pool);
	free(bytes);
	free(stream.bytes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_late_string_in_questionnaires),
		cmocka_unit_test(test_concatenated_streams_read_as_one),
		cmocka_unit_test(test_empty_stream_has_no_records),
		cmocka_unit_test(test_empty_input_is_an_error),
		cmocka_unit_test(test_every_truncation_is_an_error),
		cmocka_unit_test(test_truncation_at_chunk_boundary),
		cmocka_unit_test(test_every_flipped_byte_is_an_error),
		cmocka_unit_test(test_level_past_the_scale_is_corrupt),
		cmocka_unit_test(test_wrong_magic),
		cmocka_unit_test(test_newer_version_is_named),
		cmocka_unit_test(test_trailing_garbage_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
