/* ifs-dump — a record stream as TSV, for inspection and awk. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dates.h"
#include "diag.h"
#include "record.h"
#include "record_inputs.h"
#include "record_stream.h"

static const char usage_text[] =
	"usage: ifs-dump [--answers | --health | --courses] [FILE...]\n"
	"       ifs-dump --stream-version\n"
	"Prints record streams (files, or stdin) as tab-separated text with a header line.\n"
	"Answer records: respondent date matar forbund insats group gender age question level scale_max\n"
	"Health records: kind participant intake_date exit_date forbund insats gender age lq lq_due\n"
	"  vas_intake vas_exit mental_intake mental_exit pain_intake pain_exit worry_intake worry_exit\n"
	"  workcap_intake workcap_exit vas_min_delta\n"
	"A stream holding both kinds prints each kind under its own header, in order of first\n"
	"appearance; --answers or --health prints one kind only.  Empty fields: unknown or blank.\n"
	"Course records (ifs-participants): participant start_date end_date forbund insats gender\n"
	"  age work_capacity referrer end_reasons support_intake support_exit (codes, comma-separated;\n"
	"  end_reasons \"unreadable\" when ifs-participants could not read the cell)\n"
	"Questionnaires print as one answer record per question.  --stream-version prints the\n"
	"record stream format version this program reads and writes.\n"
	"Exit: 0 ok; 65 corrupt or truncated input (after printing what came before); 66 no input.\n";

static const char answer_header[] =
	"respondent\tdate\tmatar\tforbund\tinsats\tgroup\tgender\tage\tquestion\tlevel\tscale_max\n";
static const char health_header[] =
	"kind\tparticipant\tintake_date\texit_date\tforbund\tinsats\tgender\tage\tlq\tlq_due\t"
	"vas_intake\tvas_exit\tmental_intake\tmental_exit\tpain_intake\tpain_exit\t"
	"worry_intake\tworry_exit\tworkcap_intake\tworkcap_exit\tvas_min_delta\n";

static const char course_header[] =
	"participant\tstart_date\tend_date\tforbund\tinsats\tgender\tage\twork_capacity\treferrer\t"
	"end_reasons\tsupport_intake\tsupport_exit\n";

static void put_text(const char *text)
{
	for (; *text; text++) {
		if (*text == '\t') fputs("\\t", stdout);
		else if (*text == '\n') fputs("\\n", stdout);
		else if (*text == '\\') fputs("\\\\", stdout);
		else putchar(*text);
	}
}

static void put_date(uint32_t date)
{
	char text[11];
	if (date) {
		date_format(date, text);
		fputs(text, stdout);
	}
}

/* An item value, or nothing for blank. */
static void put_item(uint8_t value, int last)
{
	if (value != HEALTH_MISSING)
		printf("%u", value);
	putchar(last ? '\n' : '\t');
}

static void dump_answer(const struct answer_record *a, const struct string_pool *pool)
{
	printf("%016" PRIx64 "\t", a->respondent);
	put_date(a->date);
	printf("\t%u\t", a->matar);
	put_text(string_pool_get(pool, a->forbund));
	putchar('\t');
	put_text(string_pool_get(pool, a->insats));
	printf("\t%s\t%s\t", group_code(a->group), gender_code(a->gender));
	if (a->age)
		printf("%u", a->age);
	putchar('\t');
	put_text(string_pool_get(pool, a->question));
	putchar('\t');
	if (a->level != LEVEL_MISSING)
		printf("%u", a->level);
	printf("\t%u\n", a->scale_max);
}

/* The codes of the bits set, comma-separated; empty for none. */
static void put_codes(unsigned bits, unsigned count, const char *(*code)(unsigned))
{
	int first = 1;
	for (unsigned i = 0; i < count; i++)
		if (bits >> i & 1) {
			printf("%s%s", first ? "" : ",", code(i));
			first = 0;
		}
}

static const char *reason_name(unsigned i) { return end_reason_code((enum end_reason)i); }
static const char *support_name(unsigned i) { return support_code((enum support)i); }

static void dump_course(const struct course_record *c, const struct string_pool *pool)
{
	static const char *const capacities[] = {"", "ja", "nej", "ej_bedomd"};
	printf("%016" PRIx64 "\t", c->participant);
	put_date(c->start_date);
	putchar('\t');
	put_date(c->end_date);
	putchar('\t');
	put_text(string_pool_get(pool, c->forbund));
	putchar('\t');
	put_text(string_pool_get(pool, c->insats));
	printf("\t%s\t", gender_code(c->gender));
	if (c->age)
		printf("%u", c->age);
	printf("\t%s\t%s\t", capacities[c->work_capacity & 3], referrer_code((enum referrer)c->referrer));
	if (c->flags & COURSE_END_REASON_UNREADABLE)
		fputs("unreadable", stdout);
	else
		put_codes(c->end_reasons, END_REASON_COUNT, reason_name);
	putchar('\t');
	if (c->flags & COURSE_SUPPORT_INTAKE_KNOWN)
		put_codes(c->support_intake, SUPPORT_COUNT, support_name);
	putchar('\t');
	if (c->flags & COURSE_SUPPORT_EXIT_KNOWN)
		put_codes(c->support_exit, SUPPORT_COUNT, support_name);
	putchar('\n');
}

static void dump_health(const struct health_record *h, const struct string_pool *pool)
{
	static const char *const kinds[] = {"", "pair", "intake_only", "exit_only"};
	printf("%s\t%016" PRIx64 "\t", kinds[h->kind], h->participant);
	put_date(h->intake_date);
	putchar('\t');
	put_date(h->exit_date);
	putchar('\t');
	put_text(string_pool_get(pool, h->forbund));
	putchar('\t');
	put_text(string_pool_get(pool, h->insats));
	printf("\t%s\t", gender_code(h->gender));
	if (h->age)
		printf("%u", h->age);
	putchar('\t');
	const uint8_t items[] = {
		h->lq, h->lq_due, h->vas_intake, h->vas_exit, h->mental_intake, h->mental_exit,
		h->pain_intake, h->pain_exit, h->worry_intake, h->worry_exit, h->workcap_intake, h->workcap_exit,
	};
	for (size_t i = 0; i < sizeof items; i++)
		put_item(items[i], 0);
	printf("%u\n", h->vas_min_delta);
}

struct dump_state {
	int only;
	int printed_answers, printed_health, printed_courses;
};

static int dump_record(const struct record *record, const struct string_pool *pool, void *context)
{
	struct dump_state *state = context;
	if (state->only && (int)record->type != state->only)
		return 0;
	if (record->type == RECORD_ANSWER) {
		if (!state->printed_answers++)
			fputs(answer_header, stdout);
		dump_answer(&record->u.answer, pool);
	} else if (record->type == RECORD_COURSE) {
		if (!state->printed_courses++)
			fputs(course_header, stdout);
		dump_course(&record->u.course, pool);
	} else {
		if (!state->printed_health++)
			fputs(health_header, stdout);
		dump_health(&record->u.health, pool);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{"answers", no_argument, NULL, 'a'}, {"health", no_argument, NULL, 'H'},
		{"courses", no_argument, NULL, 'C'},
		{"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'},
		{"stream-version", no_argument, NULL, 'S'}, {0, 0, 0, 0},
	};
	int only = 0, option;
	diag_set_program(argv[0]);
	while ((option = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (option) {
		case 'a': only = RECORD_ANSWER; break;
		case 'H': only = RECORD_HEALTH; break;
		case 'C': only = RECORD_COURSE; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("ifs-dump %s\n", IFS_VERSION); return 0;
		case 'S': printf("%d\n", RECORD_STREAM_VERSION); return 0;
		default: fputs(usage_text, stderr); return EX_USAGE;
		}
	}
	struct string_pool *pool = string_pool_new();
	if (!pool) {
		diag_error("out of memory");
		return EX_OSERR;
	}
	struct dump_state state = {only, 0, 0, 0};
	int status = record_inputs_read(argv + optind, argc - optind, pool, 0, dump_record, &state);
	/* An empty stream still gets its header, so a pipeline sees the columns. */
	if (status == 0 && !state.printed_answers && !state.printed_health && !state.printed_courses)
		fputs(only == RECORD_HEALTH ? health_header : only == RECORD_COURSE ? course_header : answer_header, stdout);
	string_pool_free(pool);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		diag_error("write error on standard output");
		status = status ? status : EX_IOERR;
	}
	return status;
}
