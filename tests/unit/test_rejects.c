/* Reject files: header, verbatim rows with escapes, private mode, counts. */
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

#include "diag.h"
#include "rejects.h"

static void test_reject_file(void **state)
{
	(void)state;
	char path[] = "/tmp/ifs-rejects-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	unlink(path); /* reject_log_open must create it itself, privately */
	char error[256];
	diag_set_program("test");
	struct reject_log *log = reject_log_open(path, error, sizeof error);
	assert_non_null(log);
	const char row[] = "a;\"multi\nline\";c\\d\te\r";
	reject_log_row(log, "in.csv", 7, "unknown answer \"x\"", row, sizeof row - 1);
	reject_log_row(log, "in.csv", 9, "no answer date", "", 0);
	assert_int_equal(reject_log_count(log), 2);
	assert_int_equal(reject_log_close(log), 0);
	struct stat info;
	assert_int_equal(stat(path, &info), 0);
	assert_int_equal(info.st_mode & 0777, 0600);
	FILE *file = fopen(path, "r");
	char content[512] = "";
	size_t got = fread(content, 1, sizeof content - 1, file);
	content[got] = '\0';
	fclose(file);
	unlink(path);
	assert_string_equal(content,
	                    "file\tline\treason\trow\n"
	                    "in.csv\t7\tunknown answer \"x\"\ta;\"multi\\nline\";c\\\\d\\te\\r\n"
	                    "in.csv\t9\tno answer date\t\n");
}

static void test_unwritable_reject_file(void **state)
{
	(void)state;
	char error[256];
	assert_null(reject_log_open("/nonexistent-dir/rejects.tsv", error, sizeof error));
	assert_string_equal(error, "/nonexistent-dir/rejects.tsv: cannot create reject file: No such file or directory");
}

static void expect_scrubbed(const char *raw, const char *identifier, const char *want)
{
	size_t length = 0;
	char *scrubbed = reject_scrub(raw, strlen(raw), identifier, &length);
	assert_non_null(scrubbed);
	assert_string_equal(scrubbed, want);
	assert_int_equal(length, strlen(want));
	free(scrubbed);
}

static void test_scrubbing_identifiers(void **state)
{
	(void)state;
	/* The identifier cell wherever it stands, its surrounding space ignored. */
	expect_scrubbed("ENT-0042;2022-06-01;Enter;x ENT-0042", " ENT-0042 ", "[id removed];2022-06-01;Enter;x [id removed]");
	/* Anything shaped like a personnummer, in every written form, even with no identifier given. */
	expect_scrubbed("19850314-1239;850314-1239;8503141239;850314+1239;198503141239", NULL,
	                "[id removed];[id removed];[id removed];[id removed];[id removed]");
	/* Dates, ages and short numbers stay; a birth date written as a date, then the
	 * last four, is a personnummer all the same. */
	expect_scrubbed("2022-06-01;37;12345;1985-03-14-1239", NULL, "2022-06-01;37;12345;[id removed]");
	expect_scrubbed("2022-06-01;2022-12-31;1985-03-14", NULL, "2022-06-01;2022-12-31;1985-03-14");
	/* Digits inside a longer run of digits are not a new start. */
	expect_scrubbed("x123456789012345y", NULL, "x[id removed]y");
	expect_scrubbed("", "ENT-0042", "");
	expect_scrubbed("no ids here", "", "no ids here");
	/* the identifier as a word of its own, in any case: a participant "y" leaves "nytta" */
	expect_scrubbed("y;2022-06-01;nytta;Y", "y", "[id removed];2022-06-01;nytta;[id removed]");
	expect_scrubbed("ANNA-SVENSSON;anna-svensson ;annasvensson", "ANNA-SVENSSON",
	                "[id removed];[id removed] ;annasvensson");
	/* a no-break space, a dash or a guillemet next to it is no letter; å is */
	expect_scrubbed("P80;P80\xc2\xa0;P80\xe2\x80\x93x;\xc2\xabP80\xc2\xbb;P80\xc3\xa5;\xc3\xa5P80", "P80",
	                "[id removed];[id removed]\xc2\xa0;[id removed]\xe2\x80\x93x;\xc2\xab[id removed]\xc2\xbb;"
	                "P80\xc3\xa5;\xc3\xa5P80");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reject_file),
		cmocka_unit_test(test_unwritable_reject_file),
		cmocka_unit_test(test_scrubbing_identifiers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
