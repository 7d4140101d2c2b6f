/* ifs-flow — the participant flow per insats and period, from course records. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "diag.h"
#include "course_set.h"
#include "flow.h"
#include "json_memory.h"
#include "record_inputs.h"

static const char usage_text[] =
	"usage: ifs-flow [--year Y | --from YYYY-MM-DD --to YYYY-MM-DD | --since Y]\n"
	"                [--format tsv|json|csv-sv] [--suppress [--min-n N]] [FILE...]\n"
	"Reads record streams with course records (ifs-participants) and prints, per insats,\n"
	"  period insats measure category n n_women n_men\n"
	"measure: flow (start = begun before the first day and not ended before it, new,\n"
	"ended, end = still taking part after the last day: start + new - ended = end),\n"
	"end_reason, referrer (of the new), support_intake (of the new),\n"
	"support_exit (of the ended), length (median, mean days of the courses that ended).\n"
	"      --year Y        the calendar year Y\n"
	"      --from D --to D a date range (inclusive)\n"
	"      --since Y       from 1 January of Y to the newest date in the data\n"
	"      --format F      tsv (default), json, or csv-sv (Excel: BOM, ';', decimal comma)\n"
	"      --suppress      leave empty (null in JSON) a count of 1 to N-1, with it the other\n"
	"                      gender's and a count it could be worked out from (start + new -\n"
	"                      ended = end; the parts of new and of ended), women and men beside\n"
	"                      a total that shows 1 to N-1 others, and a length of fewer than N\n"
	"                      courses\n"
	"      --min-n N       N for --suppress (default 5)\n"
	"Without a period option: from the first start to the last date in the data.\n"
	"Exit: 0 ok; 64 usage; 65 a corrupt or truncated stream (nothing printed); 66 no input.\n";

struct courses {
	struct course_set *set;
	uint64_t repeats, updates;
};

/* Each course once (course_set.h): a register given twice, or this month's export
 * beside last month's, counts every course once. */
static int take_course(const struct record *record, const struct string_pool *pool, void *context)
{
	struct courses *c = context;
	if (record->type != RECORD_COURSE)
		return 0;
	switch (course_set_offer(c->set, &record->u.course, string_pool_get(pool, record->u.course.insats))) {
	case COURSE_NEW: break;
	case COURSE_IDENTICAL: c->repeats++; break;
	case COURSE_UPDATED:
	case COURSE_OUTDATED: c->repeats++, c->updates++; break;
	default: errno = ENOMEM; return -1;
	}
	return 0;
}

static int parse_year(const char *text, int *year)
{
	char *end;
	long value = strtol(text, &end, 10);
	if (*end || end == text || value < 1990 || value > 2200)
		return -1;
	*year = (int)value;
	return 0;
}

static void put_value(FILE *out, double value, int is_days, int swedish)
{
	char text[32];
	if (isnan(value))
		return; /* no course to measure: empty, not 0 */
	if (is_days) /* halves up, as Excel and the reader round them (printf would round 287.25 to even) */
		snprintf(text, sizeof text, "%.1f", round(value * 10.0) / 10.0);
	else
		snprintf(text, sizeof text, "%.0f", value);
	if (swedish)
		for (char *p = text; *p; p++)
			if (*p == '.')
				*p = ',';
	fputs(text, out);
}

int main(int argc, char **argv)
{
	enum { OPT_YEAR = 256, OPT_FROM, OPT_TO, OPT_SINCE, OPT_FORMAT, OPT_VERSION, OPT_SUPPRESS, OPT_MIN_N };
	static const struct option long_options[] = {
		{"year", required_argument, NULL, OPT_YEAR},     {"from", required_argument, NULL, OPT_FROM},
		{"to", required_argument, NULL, OPT_TO},         {"since", required_argument, NULL, OPT_SINCE},
		{"format", required_argument, NULL, OPT_FORMAT}, {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION},     {"suppress", no_argument, NULL, OPT_SUPPRESS},
		{"min-n", required_argument, NULL, OPT_MIN_N},   {0, 0, 0, 0},
	};
	const char *format = "tsv", *from_text = NULL, *to_text = NULL;
	int year = 0, since = 0, periods = 0, option, suppress = 0, min_n = 5;
	char *end;
	diag_set_program(argv[0]);
	while ((option = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (option) {
		case OPT_YEAR:
		case OPT_SINCE:
			if (parse_year(optarg, option == OPT_YEAR ? &year : &since) < 0) {
				diag_error("--%s: expected a year such as 2022, not \"%s\"", option == OPT_YEAR ? "year" : "since",
				           optarg);
				return EX_USAGE;
			}
			periods++;
			break;
		case OPT_FROM: from_text = optarg; break;
		case OPT_TO: to_text = optarg; break;
		case OPT_FORMAT: format = optarg; break;
		case OPT_SUPPRESS: suppress = 1; break;
		case OPT_MIN_N: {
			errno = 0;
			long value = strtol(optarg, &end, 10);
			if (*end || end == optarg || errno || value < 1 || value > 1000000) {
				diag_error("--min-n: expected a number 1-1000000, not \"%s\"", optarg);
				return EX_USAGE;
			}
			min_n = (int)value;
			break;
		}
		case 'h': fputs(usage_text, stdout); return 0;
		case OPT_VERSION: printf("ifs-flow %s\n", IFS_VERSION); return 0;
		default: fputs(usage_text, stderr); return EX_USAGE;
		}
	}
	uint32_t from = 0, to = 0;
	if (from_text || to_text) {
		if (!from_text || !to_text || date_parse(from_text, strlen(from_text), &from) < 0 ||
		    date_parse(to_text, strlen(to_text), &to) < 0 || from > to) {
			diag_error("--from and --to need two dates YYYY-MM-DD, the first not after the second");
			return EX_USAGE;
		}
		periods++;
	}
	if (periods > 1) {
		diag_error("give one of --year, --from/--to, --since");
		return EX_USAGE;
	}
	int swedish = strcmp(format, "csv-sv") == 0, json = strcmp(format, "json") == 0;
	if (!swedish && !json && strcmp(format, "tsv") != 0) {
		diag_error("--format: expected tsv, json or csv-sv, not \"%s\"", format);
		return EX_USAGE;
	}
	struct string_pool *pool = string_pool_new();
	struct courses courses = {course_set_new(), 0, 0};
	if (!pool || !courses.set) {
		diag_error("out of memory");
		string_pool_free(pool);
		course_set_free(courses.set);
		return EX_OSERR;
	}
	int status = record_inputs_read(argv + optind, argc - optind, pool, 0, take_course, &courses);
	if (status) {
		course_set_free(courses.set);
		string_pool_free(pool);
		return status;
	}
	const struct course_record *kept = course_set_courses(courses.set);
	size_t kept_count = course_set_count(courses.set);
	uint32_t first = 0, last = 0;
	for (size_t i = 0; i < kept_count; i++) {
		uint32_t latest = kept[i].end_date > kept[i].start_date ? kept[i].end_date : kept[i].start_date;
		if (!first || kept[i].start_date < first)
			first = kept[i].start_date;
		if (latest > last)
			last = latest;
	}
	if (year)
		from = (uint32_t)year * 10000 + 101, to = (uint32_t)year * 10000 + 1231;
	else if (since)
		from = (uint32_t)since * 10000 + 101, to = last > from ? last : from;
	else if (!from)
		from = first, to = last;
	if (!kept_count)
		diag_warn("no course records in the input (ifs-participants writes them)");
	if (courses.repeats)
		diag_warn("%llu courses given again (the same participant, insats and start date in more than one row, "
		          "input or stream) counted once", (unsigned long long)courses.repeats);
	if (courses.updates)
		diag_warn("%llu of those courses differed: the one that has ended, else the one read last, counts",
		          (unsigned long long)courses.updates);
	size_t count = 0;
	struct flow_row *rows = flow_compute(kept, kept_count, pool, from, to, &count);
	if (!rows) {
		diag_error("out of memory");
		course_set_free(courses.set);
		string_pool_free(pool);
		return EX_OSERR;
	}
	if (suppress)
		flow_suppress(rows, count, min_n);
	char period[32] = "", a[11], b[11];
	if (from && to) {
		date_format(from, a);
		date_format(to, b);
		snprintf(period, sizeof period, "%s..%s", a, b);
	}
	if (json) {
		json_memory_watch();
		cJSON *root = cJSON_CreateObject();
		cJSON_AddStringToObject(root, "generator", "ifs-flow " IFS_VERSION);
		cJSON_AddStringToObject(root, "period", period);
		cJSON *list = cJSON_AddArrayToObject(root, "rows");
		for (size_t i = 0; i < count; i++) {
			cJSON *row = cJSON_CreateObject();
			cJSON_AddStringToObject(row, "insats", string_pool_get(pool, rows[i].insats));
			cJSON_AddStringToObject(row, "measure", rows[i].measure);
			cJSON_AddStringToObject(row, "category", rows[i].category);
			static const char *const keys[3] = {"n", "n_women", "n_men"};
			for (int c = 0; c < 3; c++)
				if (isnan(rows[i].value[c]))
					cJSON_AddNullToObject(row, keys[c]); /* no course ended: no length */
				else
					cJSON_AddNumberToObject(row, keys[c], rows[i].value[c]);
			cJSON_AddItemToArray(list, row);
		}
		char *text = json_memory_failed() ? NULL : cJSON_Print(root);
		cJSON_Delete(root);
		if (!text) {
			diag_error("out of memory");
			status = EX_OSERR;
		} else {
			fputs(text, stdout);
			fputc('\n', stdout);
			free(text);
		}
	} else {
		const char *sep = swedish ? ";" : "\t", *eol = swedish ? "\r\n" : "\n";
		if (swedish)
			fputs("\xEF\xBB\xBF", stdout);
		fprintf(stdout, "period%sinsats%smeasure%scategory%sn%sn_women%sn_men%s", sep, sep, sep, sep, sep, sep, eol);
		for (size_t i = 0; i < count; i++) {
			const char *insats = string_pool_get(pool, rows[i].insats);
			/* a name from an export: no separators inside a cell, no formula in a spreadsheet */
			fprintf(stdout, "%s%s", period, sep);
			if (swedish && strchr("=+-@", insats[0]))
				fputc('\'', stdout);
			for (const char *p = insats; *p; p++)
				fputc(*p == '\t' || *p == '\n' || *p == '\r' || *p == ';' ? ' ' : *p, stdout);
			fprintf(stdout, "%s%s%s%s%s", sep, rows[i].measure, sep, rows[i].category, sep);
			for (int c = 0; c < 3; c++) {
				put_value(stdout, rows[i].value[c], rows[i].is_days, swedish);
				fputs(c < 2 ? sep : eol, stdout);
			}
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		diag_error("write error on standard output: %s", strerror(errno));
		status = EX_IOERR;
	}
	free(rows);
	course_set_free(courses.set);
	string_pool_free(pool);
	return status;
}
