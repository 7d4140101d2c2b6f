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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reject_file),
		cmocka_unit_test(test_unwritable_reject_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
