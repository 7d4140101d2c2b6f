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
	"usage: ifs-dump [--answers | --health] [FILE...]\n"
	"       ifs-dump --stream-version\n"
	"Prints record streams (files, or stdin) as tab-separated text with a header line.\n"
	"Answer records: respondent date matar forbund insats group gender age question level scale_max\n"
	"Health records: kind participant intake_date exit_date forbund insats gender age lq lq_due\n"
	"  vas_intake vas_exit mental_intake mental_exit pain_intake pain_exit worry_intake worry_exit\n"
	"  workcap_intake workcap_exit vas_min_delta\n"
	"A stream holding both kinds prints each kind under its own header, in order of first\n"
	"appearance; --answers or --health prints one kind only.  Empty fields: unknown or blank.\n"
	"Questionnaires print as one answer record per question.  --stream-version prints the\n"
	"record stream format version this program reads and writes.\n"
	"Exit: 0 ok; 65 corrupt or truncated input (after printing what came before); 66 no input.\n";

static const char answer_header[] =
	"respondent\tdate\tmatar\tforbund\tinsats\tgroup\tgender\tage\tquestion\tlevel\tscale_max\n";
static const char health_header[] =
	"kind\tparticipant\tintake_date\texit_date\tforbund\tinsats\tgender\tage\tlq\tlq_due\t"
	"vas_intake\tvas_exit\tmental_intake\tmental_exit\tpain_intake\tpain_exit\t"
	"worry_intake\tworry_exit\tworkcap_intake\tworkcap_exit\tvas_min_delta\n";

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
	int printed_answers, printed_health;
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
		{"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'},
		{"stream-version", no_argument, NULL, 'S'}, {0, 0, 0, 0},
	};
	int only = 0, option;
	diag_set_program(argv[0]);
	while ((option = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (option) {
		case 'a': only = RECORD_ANSWER; break;
		case 'H': only = RECORD_HEALTH; break;
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
	struct dump_state state = {only, 0, 0};
	int status = record_inputs_read(argv + optind, argc - optind, pool, 0, dump_record, &state);
	/* An empty stream still gets its header, so a pipeline sees the columns. */
	if (status == 0 && !state.printed_answers && !state.printed_health)
		fputs(only == RECORD_HEALTH ? health_header : answer_header, stdout);
	string_pool_free(pool);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		diag_error("write error on standard output");
		status = status ? status : EX_IOERR;
	}
	return status;
}
