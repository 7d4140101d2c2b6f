/* Unit tests for ifs-report: Swedish numbers, verdict words, escaping, honest wording. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report.h"
#include "report_words.h"

static void test_swedish_numbers_and_words(void **state)
{
	(void)state;
	char text[32];
	report_percent(0.9130434, 0, text, sizeof text);
	assert_string_equal(text, "91 %");
	report_percent(0.7272727, 1, text, sizeof text);
	assert_string_equal(text, "72,7 %");
	report_percent(1.0, 1, text, sizeof text);
	assert_string_equal(text, "100,0 %");
	/* halves away from zero, as a reader rounds: 1, 3 and 5 of 8, 29 of 200 (0.145 is
	 * 0.14499999... as a double), 1 of 2000 to a tenth; nothing else moves */
	static const struct { double share; int decimals; const char *text; } halves[] = {
		{1.0 / 8, 0, "13 %"},  {3.0 / 8, 0, "38 %"},    {5.0 / 8, 0, "63 %"},     {29.0 / 200, 0, "15 %"},
		{1.0 / 8, 1, "12,5 %"}, {1.0 / 2000, 1, "0,1 %"}, {1.0 / 3, 0, "33 %"},     {2.0 / 3, 1, "66,7 %"},
		{0.0, 0, "0 %"},       {-1.0 / 8, 0, "-13 %"},  {-0.0, 1, "0,0 %"},       {0.0049, 0, "0 %"},
	};
	for (size_t i = 0; i < sizeof halves / sizeof *halves; i++) {
		report_percent(halves[i].share, halves[i].decimals, text, sizeof text);
		assert_string_equal(text, halves[i].text);
	}
	assert_string_equal(report_verdict_swedish("met"), "Uppfyllt");
	assert_string_equal(report_verdict_swedish("within_margin"), "Inom felmarginalen");
	assert_string_equal(report_verdict_swedish("not_met"), "Ej uppfyllt");
	assert_string_equal(report_verdict_swedish("too_few"), "För få svar");
}

static char *render(const char *json, enum report_format format, int *status)
{
	char *buffer = NULL, error[256] = "";
	size_t size = 0;
	FILE *out = open_memstream(&buffer, &size);
	*status = report_render(out, json, "test.json", format, error, sizeof error);
	fclose(out);
	if (*status) {
		free(buffer);
		return strdup(error);
	}
	return buffer;
}

#define ROW(goal, text, verdict, n, pos, share, low, high, flags) \
	"{\"period\": \"2021-11-01..2022-10-31\", \"insats\": \"FIA\", \"goal\": \"" goal "\", \"indicator\": \"nytta\"," \
	" \"kind\": \"ifs\", \"question\": \"Har du fått stöd?\", \"group\": \"avslut\", \"level\": \"positivt\"," \
	" \"min_level\": 4, \"scale_max\": 6, \"target\": 0.75, \"text\": \"" text "\", \"min_n\": 5," \
	" \"verdict\": \"" verdict "\", \"flags\": [" flags "]," \
	" \"total\": {\"n\": " n ", \"pos\": " pos ", \"share\": " share ", \"ci_low\": " low ", \"ci_high\": " high \
	", \"masked\": false}," \
	" \"women\": {\"n\": null, \"pos\": null, \"share\": null, \"ci_low\": null, \"ci_high\": null, \"masked\": true}," \
	" \"men\": {\"n\": null, \"pos\": null, \"share\": null, \"ci_low\": null, \"ci_high\": null, \"masked\": true}," \
	" \"distribution\": {\"all\": {\"levels\": [0,1,1,2,4,4], \"dont_know\": 0, \"missing\": 0}, \"women\": null," \
	" \"men\": null}, \"health\": null}"

static void test_verdict_wording_masking_and_escaping(void **state)
{
	(void)state;
	int status;
	char *md = render("{\"period\": {\"kind\": \"year\", \"year\": 2022}, \"rows\": ["
	                  ROW("a", "Mål <a> & | pipe", "not_met", "12", "7", "0.5833", "0.3195", "0.7000", "\"masked\"") ","
	                  ROW("b", "Mål b", "too_few", "3", "3", "1.0", "0.4385", "1.0", "\"small_n\",\"masked\"") "]}",
	                  REPORT_MARKDOWN, &status);
	assert_int_equal(status, 0);
	/* not met: says why; too few: says no judgement is made, and why */
	assert_non_null(strstr(md, "Målet på 75 % är inte uppfyllt: även den övre gränsen för felmarginalen (70 %) ligger under målet."));
	assert_non_null(strstr(md, "Med 3 svar (minst 5 behövs) görs ingen bedömning av måluppfyllelsen"));
	/* masked gender cells: a dash in the table, the reason once, no numbers in the text */
	assert_non_null(strstr(md, "| 12 (– / –) |"));
	assert_non_null(strstr(md, "– = uppgiften redovisas inte: färre än 5 svar"));
	assert_non_null(strstr(md, "Fördelningen på kvinnor och män redovisas inte"));
	/* Markdown passes raw HTML through to whatever renders it: escaped, like a pipe. */
	assert_non_null(strstr(md, "Mål &lt;a&gt; &amp; \\| pipe"));
	assert_null(strstr(md, "<a>"));
	free(md);
	char *html = render("{\"period\": {\"kind\": \"year\", \"year\": 2022}, \"rows\": ["
	                    ROW("a", "Mål <a> & | pipe", "within_margin", "12", "7", "0.5833", "0.3195", "0.8067", "") "]}",
	                    REPORT_HTML, &status);
	assert_int_equal(status, 0);
	assert_non_null(strstr(html, "Mål &lt;a&gt; &amp; | pipe"));
	assert_null(strstr(html, "<a>"));
	assert_non_null(strstr(html, "inom felmarginalen (95 % konfidensintervall 32–81 %)"));
	assert_non_null(strstr(html, "<svg role=\"img\" aria-labelledby=\"chart1-title chart1-desc\""));
	/* self-contained: nothing loaded from elsewhere */
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, "@import"));
	free(html);
	char *error = render("{\"rows\": [{\"goal\": \"x\"}]}", REPORT_MARKDOWN, &status);
	assert_int_equal(status, 65);
	assert_string_equal(error, "test.json: row 1: missing \"insats\" (is this ifs-shares --format json output?)");
	free(error);
	/* found by fuzz/fuzz_report.c: a share that is no fraction must not reach the formatting */
	error = render("{\"rows\": [" ROW("z", "t", "met", "12", "7", "0.5", "1e300", "0.9", "") "]}", REPORT_HTML, &status);
	assert_int_equal(status, 65);
	assert_string_equal(error, "test.json: row 1 (goal \"z\"): missing or bad \"total\"");
	free(error);
	error = render("[1, 2]", REPORT_HTML, &status);
	assert_int_equal(status, 65);
	assert_string_equal(error, "test.json: not ifs-shares --format json output (no \"rows\" array)");
	free(error);
}

/* Counts of one read in the singular, whatever sentence they come in; others not. */
static void test_one_woman_one_man(void **state)
{
	(void)state;
	struct report_text t = {.length = 0};
	t.data[0] = '\0';
	report_add(&t, " (%ld kvinnor och %ld män)", 1L, 0L);
	report_add(&t, " %ld kvinnor och %ld män anger", 11L, 1L);
	report_add(&t, " Bland männen var andelen 1 %s", "män.");
	report_add(&t, " %ld kvinnor, %ld män och %ld med annat", 21L, 1L, 1L);
	report_add(&t, "%s", " 1 männen");
	assert_string_equal(t.data, " (1 kvinna och 0 män) 11 kvinnor och 1 man anger Bland männen var andelen 1 man."
	                            " 21 kvinnor, 1 man och 1 med annat 1 männen");
	assert_int_equal(t.length, strlen(t.data));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_woman_one_man),
		cmocka_unit_test(test_swedish_numbers_and_words),
		cmocka_unit_test(test_verdict_wording_masking_and_escaping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
