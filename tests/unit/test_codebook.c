/* Text folding, dates and mätår, and codebook lookups on the shipped codebook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "codebook.h"
#include "dates.h"
#include "record.h"
#include "text_fold.h"

static void test_fold(void **state)
{
	(void)state;
	char out[128];
	const char *in = "  Respondent-ID ";
	text_fold(in, strlen(in), out, sizeof out);
	assert_string_equal(out, "respondent id");
	in = "Har du fått STÖD på ett sätt?";
	text_fold(in, strlen(in), out, sizeof out);
	assert_string_equal(out, "har du fatt stod pa ett satt");
	assert_true(text_fold_equal("Kön", "KON"));
	assert_true(text_fold_equal("Vet ej / Ej aktuellt", "vet ej/ej aktuellt"));
	assert_true(text_fold_equal("Svars_datum:", "svars datum"));
	assert_false(text_fold_equal("Fråga 1", "Fråga 11"));
	/* a no-break space pasted from a web form, Word's en dash */
	assert_true(text_fold_equal("Helt och h\xc3\xa5llet\xc2\xa0", "helt och hallet"));
	assert_true(text_fold_equal("Vet ej \xe2\x80\x93 ej aktuellt", "vet ej ej aktuellt"));
	/* what says nothing, as an id */
	const char *nothing[] = {"", "  ", "-", "--", "?", "N/A", "n/a", "NA", "#N/A", "saknas", "Uppgift saknas", "okänt",
	                         "\xe2\x80\x93", "\xc2\xa0", "#SAKNAS!", "#saknas!", "#V\xc3\x84RDEFEL!", "#DIVISION/0!",
	                         "#REF!", "#NAMN?", " #N/A "};
	for (size_t i = 0; i < sizeof nothing / sizeof *nothing; i++)
		if (!text_says_nothing(nothing[i], strlen(nothing[i])))
			fail_msg("\"%s\" taken for a value", nothing[i]);
	const char *something[] = {"R-1", "0", "x", "NA-17", "Nan Svensson", "ENT-0042", "#17", "#A-17!"};
	for (size_t i = 0; i < sizeof something / sizeof *something; i++)
		if (text_says_nothing(something[i], strlen(something[i])))
			fail_msg("\"%s\" taken for nothing", something[i]);
	/* Output is cut, never overrun. */
	char small[5];
	assert_int_equal(text_fold("abcdefgh", 8, small, sizeof small), 3);
	assert_string_equal(small, "abc");
}

static void test_dates_and_matar(void **state)
{
	(void)state;
	uint32_t date = 0;
	assert_int_equal(date_parse("2021-10-31", 10, &date), 0);
	assert_int_equal(date, 20211031);
	assert_int_equal(date_matar(date), 2021);
	assert_int_equal(date_parse("2021-11-01", 10, &date), 0);
	assert_int_equal(date_matar(date), 2022);
	/* a date that can only be month first says what it means for the file's other dates */
	char expected[320];
	date_expectation("12/31/2021", 10, expected, sizeof expected);
	assert_non_null(strstr(expected, "can only be month first"));
	date_expectation("31/31/2021", 10, expected, sizeof expected);
	assert_string_equal(expected, "expected YYYY-MM-DD, YYYYMMDD or D/M/YYYY");
	/* a time with a zone: the date in Sweden then (summer time from the last Sunday of March) */
	static const struct { const char *text; uint32_t date; } zoned[] = {
		{"2022-10-31T23:30:00Z", 20221101},      {"2022-06-30T22:30:00Z", 20220701},
		{"2022-06-30T21:30:00Z", 20220630},      {"2022-03-01T14:05:00+01:00", 20220301},
		{"2022-12-31T23:30:00-05:00", 20230101}, {"2022-03-27T00:59:00Z", 20220327},
		{"2021-12-31T23:00:00.000Z", 20220101},  {"2022-10-29T22:30Z", 20221030},
		{"2022-10-31 23:30", 20221031},          {"2022-10-31T23:30:00", 20221031},
		{"2022-10-31T23:30:00+0000", 20221101},
		/* zones as other programs write them (found by a new user's test) */
		{"2022-10-31 23:30:00 UTC", 20221101},   {"2022-10-31 23:30:00 +00:00", 20221101},
		{"2022-10-31T23:30:00 Z", 20221101},     {"2022-10-31t23:30:00z", 20221101},
		{"2022-10-31 23:30 GMT", 20221101},      {"2022-10-31T23:30:00Z[UTC]", 20221101},
		{"20221031T233000Z", 20221101},          {"2022-10-31 23:30 CET", 20221031},
		{"2022-10-31 23:30 UTC+01:00", 20221031}, {"2022-03-05T10:30:00[Europe/Stockholm]", 20220305},
		{"2022-03-05 10.30", 20220305},          {"2022-03-05  10:30:00.123", 20220305},
		{"5/3/2022 23:30:00Z", 20220306},
		/* times as other programs and people write them (found by a new user's test) */
		{"2022-03-05 9:30", 20220305},           {"5/3/2022 9:30", 20220305},
		{"2022-03-05 10:30:00 AM", 20220305},    {"2022-10-31 11:30:00 PM UTC", 20221101},
		{"2022-10-31 12:30 AM UTC", 20221031},   {"2022-03-05 kl 10", 20220305},
		{"2022-03-05 kl. 10:30", 20220305},      {"2022-03-05 10", 20220305},
		{"2022-10-31 23:30:00 +0000 UTC", 20221101}, {"2022-10-31 23:30:00 +0100 CET", 20221031},
		{"2022-10-31 22:30 UTC+1", 20221031},    {"2022-10-31 23:30:00.000000000 +0000 UTC", 20221101},
		{"2022-10-31 hej", 20221031},            {"2022-03-05 till 2022-04-01", 20220305},
		{"2022-10-31T23:30:00[UTC]", 20221101},  {"2022-10-31 23:30 fm", 20221031},
	};
	for (size_t i = 0; i < sizeof zoned / sizeof *zoned; i++) {
		if (date_parse(zoned[i].text, strlen(zoned[i].text), &date) < 0)
			fail_msg("%s: not a date", zoned[i].text);
		if (date != zoned[i].date)
			fail_msg("%s: %u, expected %u", zoned[i].text, (unsigned)date, (unsigned)zoned[i].date);
	}
	/* after a date comes a time, or nothing: a personnummer with a space, an hour 25,
	 * words are no date */
	const char *not_dates[] = {"19850314 1239", "2022-10-31T25:00:00Z", "2022-10-31 1030", "2022-03-05 10:75",
	                           "2022-03-05 13:00 PM", "2022-03-05x"};
	for (size_t i = 0; i < sizeof not_dates / sizeof *not_dates; i++)
		if (date_parse(not_dates[i], strlen(not_dates[i]), &date) != DATE_NOT)
			fail_msg("%s taken for a date", not_dates[i]);
	/* the year first, as registers are typed by hand */
	assert_int_equal(date_parse("2022-3-5", 8, &date), 0);
	assert_int_equal(date, 20220305);
	assert_int_equal(date_parse("20220305", 8, &date), 0);
	assert_int_equal(date, 20220305);
	assert_int_equal(date_parse("2022/03/05 10:30", 16, &date), 0);
	assert_int_equal(date, 20220305);
	assert_int_equal(date_parse("2022.3.15", 9, &date), 0);
	assert_int_equal(date, 20220315);
	assert_int_equal(date_parse("2022-3/5", 8, &date), DATE_NOT);
	assert_int_equal(date_parse("20221305", 8, &date), DATE_NOT);
	assert_int_equal(date_parse("20220230", 8, &date), DATE_NO_SUCH_DAY);
	assert_int_equal(date_parse("202203051", 9, &date), DATE_NOT);
	assert_int_equal(date_parse("12345678", 8, &date), DATE_NOT);
	/* 23:59 UTC on 31 October is 00:59 on 1 November in Sweden: the next mätår */
	assert_int_equal(date_parse("2022-10-31T23:59:59Z", 20, &date), 0);
	assert_int_equal(date_matar(date), 2023);
	assert_int_equal(date_parse("2022-10-31T22:59:59Z", 20, &date), 0);
	assert_int_equal(date_matar(date), 2022);
	assert_int_equal(date_parse(" 2024-02-29 08:15 ", 18, &date), 0);
	assert_int_equal(date, 20240229);
	assert_int_equal(date_parse("2023-02-29", 10, &date), DATE_NO_SUCH_DAY);
	/* Day first, the Swedish order, and told so. */
	assert_int_equal(date_parse("1/3/2022", 8, &date), DATE_DAY_FIRST);
	assert_int_equal(date, 20220301);
	assert_int_equal(date_parse("31.10.2021 14:05", 16, &date), DATE_DAY_FIRST);
	assert_int_equal(date, 20211031);
	assert_int_equal(date_parse("31/4/2022", 9, &date), DATE_NO_SUCH_DAY);
	assert_int_equal(date_parse("1/3.2022", 8, &date), DATE_NOT);
	assert_int_equal(date_parse("1/3/22", 6, &date), DATE_NOT);
	assert_int_equal(date_parse("123/3/2022", 10, &date), DATE_NOT);
	assert_int_equal(date_parse("2022-13-01", 10, &date), -1);
	assert_int_equal(date_parse("2022-01-01x", 11, &date), -1);
	assert_int_equal(date_parse("", 0, &date), -1);
	char text[11];
	date_format(20220301, text);
	assert_string_equal(text, "2022-03-01");
}

static struct codebook *default_codebook(void)
{
	char error[512];
	struct codebook *book = codebook_load("data/ifs-codebook.json", error, sizeof error);
	if (!book)
		fail_msg("%s", error);
	return book;
}

static void test_headers(void **state)
{
	(void)state;
	struct codebook *book = default_codebook();
	size_t question = 99;
	assert_int_equal(codebook_column_role(book, "Respondent-ID", NULL), ROLE_RESPONDENT);
	assert_int_equal(codebook_column_role(book, "SVARSDATUM", NULL), ROLE_DATE);
	assert_int_equal(codebook_column_role(book, "Verksamhet", NULL), ROLE_INSATS);
	assert_int_equal(codebook_column_role(book, "Enkat", NULL), ROLE_GROUP);
	assert_int_equal(codebook_column_role(book, "Kommentar", NULL), ROLE_NONE);
	const char *forms[] = {"F1", "Fråga 1", "fraga1", "q1", "nytta",
	                       "Har du fått stöd på ett sätt som är till stor nytta för dig?",
	                       "har du fatt stod pa ett satt som ar till stor nytta for dig"};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		question = 99;
		assert_int_equal(codebook_column_role(book, forms[i], &question), ROLE_QUESTION);
		assert_string_equal(codebook_question_id(book, question), "nytta");
	}
	assert_int_equal(codebook_column_role(book, "F10", &question), ROLE_QUESTION);
	assert_string_equal(codebook_question_id(book, question), "inflytande");
	assert_int_equal(codebook_column_role(book, "F11", &question), ROLE_NONE);
	assert_int_equal(codebook_question_count(book), 10);
	assert_int_equal(codebook_question_scale_max(book, 0), 6);
	assert_string_equal(codebook_question_text(book, (size_t)codebook_question_index(book, "tillvara")),
	                    "Har personalen tagit tillvara dina erfarenheter, kunskaper och synpunkter?");
	codebook_free(book);
}

static int answer(const struct codebook *book, const char *text)
{
	return codebook_answer(book, 0, text, strlen(text));
}

static void test_answers(void **state)
{
	(void)state;
	struct codebook *book = default_codebook();
	assert_int_equal(answer(book, "Inte alls"), 1);
	assert_int_equal(answer(book, "Till mycket stor del"), 5);
	assert_int_equal(answer(book, "Helt och hållet"), 6);
	assert_int_equal(answer(book, "HELT OCH HALLET"), 6);   /* mangled export */
	assert_int_equal(answer(book, " till stor del "), 4);
	assert_int_equal(answer(book, "4"), 4);
	assert_int_equal(answer(book, "Vet ej / Ej aktuellt"), ANSWER_DONT_KNOW);
	assert_int_equal(answer(book, "vet ej"), ANSWER_DONT_KNOW);
	assert_int_equal(answer(book, "0"), ANSWER_DONT_KNOW);
	assert_int_equal(answer(book, ""), ANSWER_MISSING);
	assert_int_equal(answer(book, "   "), ANSWER_MISSING);
	assert_int_equal(answer(book, "-"), ANSWER_MISSING);
	assert_int_equal(answer(book, "7"), ANSWER_UNKNOWN);
	assert_int_equal(answer(book, "Jättebra"), ANSWER_UNKNOWN);
	assert_int_equal(answer(book, "Till stor"), ANSWER_UNKNOWN);
	assert_int_equal(codebook_background_value(book, ROLE_GROUP, "Avslutad", 8), GROUP_AVSLUT);
	assert_int_equal(codebook_background_value(book, ROLE_GROUP, "pagaende", 8), GROUP_PAGAENDE);
	assert_int_equal(codebook_background_value(book, ROLE_GROUP, "Pågående", strlen("Pågående")), GROUP_PAGAENDE);
	assert_int_equal(codebook_background_value(book, ROLE_GROUP, "Okänd", strlen("Okänd")), -1);
	assert_int_equal(codebook_background_value(book, ROLE_GENDER, "K", 1), GENDER_WOMAN);
	assert_int_equal(codebook_background_value(book, ROLE_GENDER, "man", 3), GENDER_MAN);
	assert_int_equal(codebook_background_value(book, ROLE_GENDER, "Vill ej uppge", 13), GENDER_UNSTATED);
	assert_int_equal(codebook_background_value(book, ROLE_GENDER, "", 0), GENDER_UNSTATED);
	assert_int_equal(codebook_background_value(book, ROLE_GENDER, "x", 1), -1);
	codebook_free(book);
}

static struct codebook *load_text(const char *json, char *error, size_t error_size)
{
	char path[] = "/tmp/ifs-codebook-test-XXXXXX";
	int fd = mkstemp(path);
	FILE *file = fdopen(fd, "w");
	fputs(json, file);
	fclose(file);
	struct codebook *book = codebook_load(path, error, error_size);
	/* Messages name the file; make them comparable. */
	char *at = strstr(error, path);
	if (at)
		memmove(at + 2, at + strlen(path), strlen(at + strlen(path)) + 1), memcpy(at, "CB", 2);
	remove(path);
	return book;
}

static void test_custom_and_bad_codebooks(void **state)
{
	(void)state;
	char error[512] = "";
	/* A four-level scale with codes and a numeric range: nothing assumes six. */
	struct codebook *book = load_text(
		"{\"columns\": {\"date\": [\"När\"]},"
		" \"scales\": {\"four\": {\"levels\": [{\"level\": 1, \"labels\": [\"Nej\"]},"
		"  {\"level\": 4, \"labels\": [\"Ja\"], \"codes\": [\"J\", \"99\"]}], \"dont_know\": [\"?\"]},"
		"  \"vas\": {\"range\": [0, 100]}},"
		" \"questions\": [{\"id\": \"q\", \"scale\": \"four\", \"number\": 3}, {\"id\": \"vas\", \"scale\": \"vas\"}]}",
		error, sizeof error);
	assert_non_null(book);
	assert_int_equal(codebook_column_role(book, "nar", NULL), ROLE_DATE);
	assert_int_equal(codebook_question_scale_max(book, 0), 4);
	assert_int_equal(codebook_answer(book, 0, "99", 2), 4);
	assert_int_equal(codebook_answer(book, 0, "j", 1), 4);
	assert_int_equal(codebook_answer(book, 0, "?", 1), ANSWER_DONT_KNOW);
	assert_int_equal(codebook_answer(book, 0, "2", 1), ANSWER_UNKNOWN);
	assert_int_equal(codebook_answer(book, 1, "0", 1), 0);
	assert_int_equal(codebook_answer(book, 1, " 100", 4), 100);
	assert_int_equal(codebook_answer(book, 1, "101", 3), ANSWER_UNKNOWN);
	/* A decimal comma (Swedish Excel) or point is read and rounded half up. */
	assert_int_equal(codebook_answer(book, 1, "5.5", 3), 6);
	assert_int_equal(codebook_answer(book, 1, "30,4", 4), 30);
	assert_int_equal(codebook_answer(book, 1, "99,5", 4), 100);
	assert_int_equal(codebook_answer(book, 1, "100,5", 5), ANSWER_UNKNOWN);
	assert_int_equal(codebook_answer(book, 1, "30,", 3), ANSWER_UNKNOWN);
	assert_int_equal(codebook_answer(book, 1, "3,5,1", 5), ANSWER_UNKNOWN);
	assert_int_equal(codebook_answer(book, 1, "", 0), ANSWER_MISSING);
	codebook_free(book);

	assert_null(load_text("{\"scales\": {\"s\": {\"levels\": [{\"level\": 1}]}}, \"questions\": [{\"id\": \"a\", \"scale\": \"t\"}]}",
	                      error, sizeof error));
	assert_string_equal(error, "CB: question \"a\": \"scale\" must name one of \"scales\"");
	assert_null(load_text("{\"scales\": {\"s\": {\"levels\": [{\"level\": 40}]}}, \"questions\": []}", error, sizeof error));
	assert_string_equal(error, "CB: scale \"s\": each level needs \"level\": 1..32");
	assert_null(load_text("{\"scales\": {\"s\": {\"range\": [0, 100]}},\n \"questions\": [{\"id\": \"a\", \"scale\": \"s\"},\n"
	                      " {\"id\": \"a\", \"scale\": \"s\"}]}", error, sizeof error));
	assert_string_equal(error, "CB: question id \"a\" appears twice");
	assert_null(load_text("{\n\"scales\": {\n,}", error, sizeof error));
	assert_string_equal(error, "CB:3: invalid JSON in codebook");
	assert_null(codebook_load("/nonexistent/cb.json", error, sizeof error));
	assert_string_equal(error, "/nonexistent/cb.json: cannot open codebook: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_dates_and_matar),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_custom_and_bad_codebooks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
