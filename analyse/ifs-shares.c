/* ifs-shares — goal fulfilment per intervention against targets (SPEC §3, §4.1). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codebook.h"
#include "dates.h"
#include "diag.h"
#include "ingest.h"
#include "ingest_split.h"
#include "pseudonym.h"
#include "record_inputs.h"
#include "record_stream.h"
#include "rejects.h"
#include "row_source.h"
#include "survey.h"
#include "shares.h"
#include "spill.h"
#include "targets.h"

static const char usage_text[] =
	"usage: ifs-shares -t TARGETS [--year Y | --years A-B | --from YYYY-MM-DD --to YYYY-MM-DD | --since Y]\n"
	"                  [--min-n N] [--suppress] [--format tsv|json|csv-sv] [-c CODEBOOK]\n"
	"                  [--vas-min-delta N] [--jobs N] [--key-file KEY] [FILE...]\n"
	"Reads record streams (files, or several streams concatenated on stdin), or IFS\n"
	"exports named as files (read as ifs-survey reads them, but rows answered before\n"
	"the period only as far as their date: they cannot change its numbers), and prints\n"
	"one row per goal of TARGETS: n, positives, share, 95 % Wilson interval, verdict,\n"
	"and the same for women and men.\n"
	"  -t, --targets FILE     the goals (JSON; see man ifs-shares)\n"
	"      --year Y           report year Y: mätår Y for IFS answers (Y-1-11-01..Y-10-31),\n"
	"                         calendar year Y by exit date for health pairs\n"
	"      --years A-B        one row per goal and year (also A,B,C), each year as --year, with the\n"
	"                         change from the previous listed year and its 95 % interval (Newcombe)\n"
	"      --from D --to D    the same date range for every source (inclusive)\n"
	"      --since Y          from the start of year Y's period to the newest record\n"
	"      --min-n N          fewest answers for a verdict (default: the targets file's, or 5;\n"
	"                         a goal's own min_n wins)\n"
	"      --suppress         mask cells under min_n, and the other gender cell with them\n"
	"      --format F         tsv (default), json, or csv-sv (Excel: BOM, ';', decimal comma)\n"
	"  -c, --codebook FILE    codebook naming the questions (default: the shipped IFS one)\n"
	"      --vas-min-delta N  VAS points that count as clearly better (default: the targets\n"
	"                         file's, else what ifs-health recorded)\n"
	"      --jobs N           threads for reading an export and for counting a set of\n"
	"                         questionnaires too large for memory: 1, or 2 (default 2 on a machine\n"
	"                         with two cores; an export is split when it is a CSV file of 8 MiB\n"
	"                         or more (2 MiB gzipped), or any CSV file with --jobs 2, and 320\n"
	"                         more open files are allowed); the table is the same either way\n"
	"      --key-file KEY     the key of ifs-survey --key-file, for exports read here: their\n"
	"                         respondents then meet those of streams made with it\n"
	"  -h, --help   --version\n"
	"Exit: 0 ok (warnings about goals without data go to stderr); 64 usage;\n"
	"65 bad targets file or a corrupt/truncated record stream (nothing is printed);\n"
	"66 an input cannot be opened; 74 write error (the output, or a temporary file under TMPDIR:\n"
	"past IFS_SPILL_AFTER of memory, see man ifs).\n";

/*
 * Pseudonyms meet only those of their own kind made under the same key: an answer's
 * respondent hashed without a key never meets one made with a key, nor a pseudonym
 * under one key one under another.  Streams of one tool under two keys (or with and
 * without one), and exports read here (under --key-file's key, or none) beside
 * ifs-survey streams of another, are warned of: an answer or course in both would
 * count twice.  Health pairs beside unkeyed answers are fine: they never meet.
 */
static void warn_of_keys(const struct record_streams_seen *streams, int exports, const char *key_fingerprint)
{
	for (unsigned i = 0; i < streams->kind_count; i++) {
		const struct record_stream_kind *a = &streams->kinds[i];
		int first_of_tool = 1;
		for (unsigned k = 0; k < i; k++)
			first_of_tool &= strcmp(streams->kinds[k].tool, a->tool) != 0;
		for (unsigned j = i + 1; first_of_tool && j < streams->kind_count; j++) {
			const struct record_stream_kind *b = &streams->kinds[j];
			if (strcmp(a->tool, b->tool) != 0)
				continue;
			diag_warn("%s streams made under different keys (%s, %s): a person has another pseudonym under "
			          "each, so one in streams of both counts twice; make them all under one key",
			          a->tool[0] ? a->tool : "some", a->key[0] ? a->key : "none", b->key[0] ? b->key : "none");
			break;
		}
		if (exports && strcmp(a->tool, "ifs-survey") == 0 && strcmp(a->key, key_fingerprint) != 0)
			diag_warn("exports read here %s beside ifs-survey streams made %s%s: their respondents never meet, so "
			          "an answer in both counts twice; %s", key_fingerprint[0] ? "with --key-file" : "without a key",
			          a->key[0] ? "with the key " : "without a key", a->key,
			          a->key[0] ? "give ifs-shares that --key-file" : "read the exports without --key-file too");
	}
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

static int parse_whole(const char *text, int low, int high, int *out)
{
	char *end;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (errno || *end || end == text || value < low || value > high)
		return -1;
	*out = (int)value;
	return 0;
}

/* One tally per year of --years (one in all for a single period): every record to each. */
struct tallies {
	struct shares **shares;
	size_t count;
};

static int add_record(const struct record *record, const struct string_pool *pool, void *context)
{
	const struct tallies *tallies = context;
	for (size_t i = 0; i < tallies->count; i++)
		if (shares_add(tallies->shares[i], pool, record) < 0)
			return -1;
	return 0;
}

/* The second thread of a large export counts its half in shares of its own
 * (shares_new_twin), taken over at the join (shares_adopt): no replay of its records. */
struct export_consumer {
	struct tallies *tallies;
	struct string_pool *pool;
};

static void twin_tallies_free(void *context)
{
	struct tallies *twin = context;
	for (size_t i = 0; i < twin->count; i++)
		shares_free(twin->shares[i]);
	free(twin->shares);
	free(twin);
}

static int twin_tallies_make(void *consumer, record_writer_sink *sink, void **sink_context)
{
	const struct export_consumer *main_consumer = consumer;
	const struct tallies *tallies = main_consumer->tallies;
	struct tallies *twin = calloc(1, sizeof *twin);
	if (twin && !(twin->shares = calloc(tallies->count, sizeof *twin->shares))) {
		free(twin);
		twin = NULL;
	}
	for (size_t i = 0; twin && i < tallies->count; i++) {
		if (!(twin->shares[i] = shares_new_twin(tallies->shares[i]))) {
			twin_tallies_free(twin);
			twin = NULL;
			break;
		}
		twin->count++;
		if (i > 0)
			shares_count_with(twin->shares[i], twin->shares[0]); /* as the first thread's are */
	}
	if (!twin) {
		errno = ENOMEM;
		return -1;
	}
	*sink = add_record;
	*sink_context = twin;
	return 0;
}

static int twin_tallies_finish(void *sink_context)
{
	const struct tallies *twin = sink_context;
	for (size_t i = 0; i < twin->count; i++)
		if (shares_twin_done(twin->shares[i]) < 0)
			return -1;
	return 0;
}

static int twin_tallies_adopt(void *consumer, void *sink_context, const struct string_pool *twin_pool)
{
	const struct export_consumer *main_consumer = consumer;
	const struct tallies *twin = sink_context;
	for (size_t i = 0; i < twin->count; i++)
		if (shares_adopt(main_consumer->tallies->shares[i], twin->shares[i], twin_pool, main_consumer->pool) < 0)
			return -1;
	return 0;
}

/* "2019-2023" or "2019,2021,2023": ascending, each once, at most 50. */
static int parse_years(const char *text, int *years, size_t *count)
{
	*count = 0;
	int first, last;
	char *end;
	if (strchr(text, '-')) {
		long a = strtol(text, &end, 10);
		if (*end != '-')
			return -1;
		long b = strtol(end + 1, &end, 10);
		if (*end || a < 1990 || b > 2200 || a > b || b - a >= 50)
			return -1;
		first = (int)a, last = (int)b;
		for (int y = first; y <= last; y++)
			years[(*count)++] = y;
		return 0;
	}
	for (const char *p = text; *p;) {
		long y = strtol(p, &end, 10);
		if (end == p || y < 1990 || y > 2200 || *count == 50 || (*count && y <= years[*count - 1]))
			return -1;
		years[(*count)++] = (int)y;
		if (*end == ',')
			end++;
		else if (*end)
			return -1;
		p = end;
	}
	return *count ? 0 : -1;
}

/* A named file that does not begin with a record stream's magic number: an export,
 * read here with the ingest code of ifs-survey.  Standard input is always a stream, and
 * so is a pipe given by name (a FIFO, or <(ifs-survey ...) in the shell): a look at its
 * first bytes would take them from the reader that comes after. */
static int is_export(const char *path)
{
	struct stat status;
	if (strcmp(path, "-") == 0 || (stat(path, &status) == 0 && !S_ISREG(status.st_mode)))
		return 0;
	FILE *in = fopen(path, "rb");
	if (!in)
		return 0; /* the stream reader says why */
	char magic[4];
	size_t got = fread(magic, 1, sizeof magic, in);
	fclose(in);
	return got > 0 && !(got == 4 && memcmp(magic, "IFSR", 4) == 0);
}

/*
 * An export given where a stream may stand: the same conversion as ifs-survey's
 * (default options; a personnummer or participant code told apart under the run's
 * own key, as nothing is written), its
 * questionnaires counted as they come.  Rows rejected are reported as ifs-survey
 * reports them, and make the run fail as a corrupt stream would: a table is never
 * printed from an export read only in part.
 */
/* Threads for reading an export (--jobs), and whether the user asked for them. */
static int export_jobs = 0, export_jobs_given = 0;
/* The key of this run alone, made when the first export is read: a personnummer or
 * participant code is told apart in memory, so that a cumulative download's repeats
 * are found, and is never written (survey.h, run_key).  With --key-file, the user's
 * key instead, as ifs-survey --key-file uses it. */
static struct pseudonym_key run_key, user_key;
static int run_key_made, user_key_loaded, exports_read;
/* When every input is an export: the key their response ids are hashed under (survey.h,
 * response_key), as no stream's ids are there to meet them. */
static struct response_key response_key;
static int response_key_made;

static int read_export(const char *path, const struct codebook *codebook, struct string_pool *pool,
                       struct tallies *shares)
{
	/* Each answer is counted once by shares itself: the converter need not check too. */
	struct survey_options options = {.group = -1, .repeats_downstream = 1, .run_key = &run_key,
	                                 .response_key = response_key_made ? &response_key : NULL};
	/* No answer the periods count can depend on a row answered before the first of
	 * them (the later answer date is kept): such rows are not read past their date. */
	for (size_t i = 0; i < shares->count; i++) {
		uint32_t first_day = shares_ifs_first_day(shares->shares[i]);
		if (i == 0 || first_day < options.read_from)
			options.read_from = first_day;
	}
	struct row_source_options source_options = {0};
	char error[512] = "";
	exports_read++;
	if (user_key_loaded) {
		options.key = &user_key;
		options.run_key = NULL;
	} else if (!run_key_made) {
		/* SHA-256 of response ids, where a stream's ids may meet these (no response key) */
		int key_status = !response_key_made && crypto_start() < 0 ? EX_OSERR
		               : pseudonym_key_random(&run_key, error, sizeof error);
		if (key_status) {
			diag_error("%s", key_status == EX_OSERR && !error[0] ? "out of memory" : error);
			return key_status;
		}
		run_key_made = 1;
	}
	struct reject_log *rejects = reject_log_open(NULL, error, sizeof error);
	struct record_writer *writer = record_writer_to_callback(pool, add_record, shares);
	struct survey_converter *converter = writer ? survey_converter_new(codebook, writer, &options) : NULL;
	if (!rejects || !converter) {
		survey_converter_free(converter);
		record_writer_abandon(writer);
		reject_log_close(rejects);
		diag_error("out of memory");
		return EX_OSERR;
	}
	struct ingest_totals totals = {0};
	struct ingest_converter ingest;
	survey_converter_ingest(converter, &ingest);
	struct ingest_twin twin;
	survey_converter_twin(converter, export_jobs, export_jobs_given, &twin);
	struct export_consumer consumer = {shares, pool};
	twin.sink_make = twin_tallies_make;
	twin.sink_finish = twin_tallies_finish;
	twin.adopt = twin_tallies_adopt;
	twin.sink_free = twin_tallies_free;
	twin.consumer = &consumer;
	int status = ingest_file_split(path, &source_options, &ingest, &twin, rejects, &totals, 0);
	if (status == EX_DATAERR && totals.rows == 0)
		diag_error("%s: ifs-shares reads IFS exports itself, as ifs-survey does with its defaults; an export that "
		           "needs ifs-survey's options (--insats, --group), or a health export (ifs-health --key-file KEY), "
		           "is made a stream by that tool first, and ifs-shares given the stream", path);
	if (totals.skipped) {
		for (size_t i = 0; i < shares->count; i++)
			shares_read_from(shares->shares[i], options.read_from);
		int one = totals.skipped == 1;
		char day[11];
		date_format(options.read_from, day);
		diag_error("%s: %lu %s answered before %s not read past their date: no answer of the period depends on %s "
		           "(ifs-survey reads %s whole)", path, totals.skipped, one ? "row" : "rows", day, one ? "it" : "them",
		           one ? "it" : "them");
	}
	uint64_t answers_rejected = survey_converter_answers_rejected(converter);
	uint64_t genders_unread = survey_converter_genders_unread(converter);
	survey_converter_free(converter);
	if (record_writer_close(writer) < 0 && status == 0)
		status = errno == ENOMEM ? EX_OSERR : EX_IOERR;
	reject_log_close(rejects);
	if (status == 0 && (totals.rejected || answers_rejected || genders_unread)) {
		char what[160] = "";
		if (totals.rejected)
			snprintf(what, sizeof what, "%lu rows rejected", totals.rejected);
		if (answers_rejected)
			snprintf(what + strlen(what), sizeof what - strlen(what), "%s%llu answers rejected", what[0] ? ", " : "",
			         (unsigned long long)answers_rejected);
		if (genders_unread)
			snprintf(what + strlen(what), sizeof what - strlen(what), "%s%llu genders unreadable",
			         what[0] ? ", " : "", (unsigned long long)genders_unread);
		diag_error("%s: %s (above), so no table: to count what could be read, give ifs-shares the stream "
		           "ifs-survey writes of it (ifs-survey --rejects FILE keeps what was not read)", path, what);
		status = EX_DATAERR;
	}
	return status;
}

/* shares_finish() gave no results: why, and the exit status. */
static int finish_failed(void)
{
	if (errno == ENOMEM || errno == 0) {
		diag_error("out of memory");
		return EX_OSERR;
	}
	char text[600];
	spill_describe_failure(text, sizeof text, errno);
	diag_error("cannot count the answers: %s", text);
	return EX_IOERR;
}

int main(int argc, char **argv)
{
	enum { OPT_YEAR = 256, OPT_FROM, OPT_TO, OPT_SINCE, OPT_MIN_N, OPT_SUPPRESS, OPT_FORMAT, OPT_VAS, OPT_VERSION,
	       OPT_YEARS, OPT_JOBS, OPT_KEY };
	static const struct option long_options[] = {
		{"targets", required_argument, NULL, 't'}, {"year", required_argument, NULL, OPT_YEAR},
		{"years", required_argument, NULL, OPT_YEARS}, {"jobs", required_argument, NULL, OPT_JOBS},
		{"from", required_argument, NULL, OPT_FROM}, {"to", required_argument, NULL, OPT_TO},
		{"since", required_argument, NULL, OPT_SINCE}, {"min-n", required_argument, NULL, OPT_MIN_N},
		{"suppress", no_argument, NULL, OPT_SUPPRESS}, {"format", required_argument, NULL, OPT_FORMAT},
		{"codebook", required_argument, NULL, 'c'}, {"vas-min-delta", required_argument, NULL, OPT_VAS},
		{"key-file", required_argument, NULL, OPT_KEY},
		{"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, OPT_VERSION}, {0, 0, 0, 0},
	};
	const char *targets_path = NULL, *codebook_path = NULL, *format = "tsv", *key_path = NULL;
	struct period period = {PERIOD_ALL, 0, 0, 0};
	int min_n = 0, suppress = 0, vas_min_delta = -1, option, periods = 0;
	int years[50];
	size_t year_count = 0;
	const char *from = NULL, *to = NULL;
	diag_set_program(argv[0]);
	diag_private_files(0);
	while ((option = getopt_long(argc, argv, "t:c:h", long_options, NULL)) != -1) {
		switch (option) {
		case 't': targets_path = optarg; break;
		case 'c': codebook_path = optarg; break;
		case OPT_KEY: key_path = optarg; break;
		case OPT_YEAR:
		case OPT_SINCE:
			if (parse_year(optarg, &period.year) < 0) {
				diag_error("%s: not a year: \"%s\"", option == OPT_YEAR ? "--year" : "--since", optarg);
				return EX_USAGE;
			}
			period.kind = option == OPT_YEAR ? PERIOD_YEAR : PERIOD_SINCE;
			periods++;
			break;
		case OPT_YEARS:
			if (parse_years(optarg, years, &year_count) < 0) {
				diag_error("--years: expected A-B or A,B,C (ascending years, at most 50), not \"%s\"", optarg);
				return EX_USAGE;
			}
			periods++;
			break;
		case OPT_FROM: from = optarg; break;
		case OPT_TO: to = optarg; break;
		case OPT_MIN_N:
			if (parse_whole(optarg, 1, 1000000, &min_n) < 0) {
				diag_error("--min-n: expected a whole number >= 1, not \"%s\"", optarg);
				return EX_USAGE;
			}
			break;
		case OPT_VAS:
			if (parse_whole(optarg, 0, 100, &vas_min_delta) < 0) {
				diag_error("--vas-min-delta: expected 0-100, not \"%s\"", optarg);
				return EX_USAGE;
			}
			break;
		case OPT_JOBS:
			if (parse_whole(optarg, 1, 2, &export_jobs) < 0) {
				diag_error("--jobs: expected 1 or 2, not \"%s\"", optarg);
				return EX_USAGE;
			}
			export_jobs_given = 1;
			break;
		case OPT_SUPPRESS: suppress = 1; break;
		case OPT_FORMAT: format = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case OPT_VERSION: printf("ifs-shares %s\n", IFS_VERSION); return 0;
		default: fputs(usage_text, stderr); return EX_USAGE;
		}
	}
	if (from || to) {
		if (!from || !to || date_parse(from, strlen(from), &period.from) < 0 ||
		    date_parse(to, strlen(to), &period.to) < 0 || period.from > period.to) {
			diag_error("--from and --to need two dates YYYY-MM-DD, the first not after the second");
			return EX_USAGE;
		}
		period.kind = PERIOD_RANGE;
		periods++;
	}
	if (periods > 1) {
		diag_error("give one of --year, --years, --from/--to, --since");
		return EX_USAGE;
	}
	if (!export_jobs_given)
		export_jobs = ingest_default_jobs();
	if (spill_start() < 0)
		return EX_USAGE;
	if (!targets_path) {
		diag_error("-t TARGETS is required");
		fputs(usage_text, stderr);
		return EX_USAGE;
	}
	int swedish = strcmp(format, "csv-sv") == 0, json = strcmp(format, "json") == 0;
	if (!swedish && !json && strcmp(format, "tsv") != 0) {
		diag_error("--format: expected tsv, json or csv-sv, not \"%s\"", format);
		return EX_USAGE;
	}
	if (ingest_distinct_inputs(argv + optind, argc - optind))
		return EX_USAGE;
	char key_fingerprint[17] = "";
	if (key_path) {
		int key_status = ingest_start(NULL, NULL, 1, key_path, &user_key);
		if (key_status)
			return key_status;
		if (pseudonym_key_fingerprint(&user_key, key_fingerprint) < 0) {
			diag_error("out of memory");
			pseudonym_key_wipe(&user_key);
			return EX_OSERR;
		}
		user_key_loaded = 1;
	}

	char error[16384] = "";
	struct codebook *codebook = codebook_path ? codebook_load(codebook_path, error, sizeof error)
	                                          : codebook_load_default("ifs", error, sizeof error);
	if (!codebook) {
		diag_error("%s", error);
		return EX_DATAERR;
	}
	struct targets targets;
	int status = targets_load(targets_path, codebook, &targets, error, sizeof error);
	if (status) {
		diag_error("%s", error);
		codebook_free(codebook);
		return status;
	}
	/* --years: the same run once per year, each goal in its own convention */
	struct period year_periods[50];
	struct shares *tally_list[50] = {0};
	struct tallies tallies = {tally_list, year_count ? year_count : 1};
	int out_of_memory = 0;
	for (size_t y = 0; y < tallies.count; y++) {
		year_periods[y] = year_count ? (struct period){PERIOD_YEAR, years[y], 0, 0} : period;
		tally_list[y] = shares_new(&targets, &year_periods[y], min_n, vas_min_delta, suppress);
		out_of_memory |= !tally_list[y];
		if (tally_list[y])
			shares_set_threads(tally_list[y], export_jobs);
	}
	struct shares *shares = tally_list[0];
	/* The years share one copy of the identified answers, kept by the first: the
	 * dedup set is the largest thing in memory, and the same for every year. */
	for (size_t y = 1; y < tallies.count && !out_of_memory; y++)
		shares_count_with(tally_list[y], shares);
	struct string_pool *pool = string_pool_new();
	if (out_of_memory || !pool) {
		diag_error("out of memory");
		return EX_OSERR;
	}
	/* Never a shorter table: an input that cannot be read whole stops the run before output. */
	struct record_streams_seen streams = {0};
	/* Each input is told an export or a stream once, before any is read. */
	char *exports = calloc((size_t)(argc - optind) + 1, 1);
	if (!exports) {
		diag_error("out of memory");
		status = EX_OSERR;
		goto done;
	}
	int exports_only = optind < argc;
	for (int i = optind; i < argc; i++) {
		exports[i - optind] = (char)is_export(argv[i]);
		exports_only = exports_only && exports[i - optind];
	}
	/* (with --key-file every id is a pseudonym under the user's key: no hash to choose) */
	if (exports_only && !user_key_loaded) {
		if (response_key_random(&response_key) < 0) {
			diag_error("no random bytes for a key from this system");
			status = EX_OSERR;
			goto done;
		}
		response_key_made = 1;
	}
	if (optind == argc)
		status = record_inputs_read_seen(NULL, 0, pool, 1, add_record, &tallies, &streams);
	for (int i = optind; i < argc && status == 0; i++) {
		if (exports[i - optind])
			status = read_export(argv[i], codebook, pool, &tallies);
		else
			status = record_inputs_read_seen(argv + i, 1, pool, 1, add_record, &tallies, &streams);
	}
	if (status == 0) {
		size_t count;
		const struct share_result *results = shares_finish(shares, &count);
		struct share_result *by_year = NULL;
		if (!results) {
			status = finish_failed();
			goto done;
		}
		if (getenv("IFS_SPLIT_TRACE") && shares_threads_used(shares) > 1)
			diag_error("split: the questionnaires settled and counted on two threads");
		if (year_count) {
			/* goal by goal, the years in order, so each row follows its previous year */
			by_year = calloc(count * year_count + 1, sizeof *by_year);
			if (!by_year) {
				diag_error("out of memory");
				status = EX_OSERR;
				goto done;
			}
			for (size_t y = 0; y < year_count; y++) {
				size_t n;
				const struct share_result *year_results = shares_finish(tally_list[y], &n);
				if (!year_results) {
					status = finish_failed();
					goto done;
				}
				for (size_t g = 0; g < n; g++)
					by_year[g * year_count + y] = year_results[g];
			}
			shares_compare_years(by_year, count * year_count);
			results = by_year;
			count *= year_count;
		}
		for (size_t g = 0; g < count; g++) {
			/* (--years: a goal's rows are together, and one warning said for each year once) */
			if (results[g].warning[0] && (g == 0 || strcmp(results[g].warning, results[g - 1].warning) != 0))
				diag_warn("%s", results[g].warning);
			if (results[g].note[0] && (g == 0 || results[g - 1].goal != results[g].goal))
				diag_warn("%s", results[g].note);
		}
		uint64_t repeats, conflicts;
		shares_repeats(shares, &repeats, &conflicts);
		if (repeats)
			diag_error("%llu answers given again (the same respondent, insats, group and question more than "
			           "once, in one input or across inputs) counted once", (unsigned long long)repeats);
		if (conflicts)
			diag_warn("%llu repeated answers differed from the first (in the answer or its date): the later answer "
			          "date counts, and on the same date the one read last", (unsigned long long)conflicts);
		unsigned inputs = (unsigned)exports_read + streams.streams;
		if (shares_anonymous(shares) && inputs > 1)
			diag_warn("%llu questionnaires without a respondent id (or with one not kept), from %u exports or "
			          "streams: one that two of them both hold (a cumulative download) counts twice; give each "
			          "answer's export once", (unsigned long long)shares_anonymous(shares), inputs);
		warn_of_keys(&streams, exports_read, key_fingerprint);
		shares_course_repeats(shares, &repeats, &conflicts);
		if (repeats)
			diag_warn("%llu courses given again (the same participant, insats and start date in more than one "
			          "row, input or stream) counted once", (unsigned long long)repeats);
		if (conflicts)
			diag_warn("%llu of those courses differed: the one that has ended, else the one read last, counts",
			          (unsigned long long)conflicts);
		int effective_min_n = min_n ? min_n : targets.min_n ? targets.min_n : 5;
		int effective_delta = vas_min_delta >= 0 ? vas_min_delta : targets.vas_min_delta;
		struct shares_report report = {targets_path,    &period,  year_count ? years : NULL,
		                               year_count,      effective_min_n, suppress,
		                               effective_delta, codebook};
		int wrote = json ? shares_write_json(stdout, results, count, &report)
		                 : shares_write_tsv(stdout, results, count, swedish);
		if (wrote < 0 || fflush(stdout) != 0) {
			diag_error("write error on standard output: %s", strerror(errno));
			status = EX_IOERR;
		}
		free(by_year);
	}
done:
	free(exports);
	if (response_key_made)
		response_key_wipe(&response_key);
	if (run_key_made)
		pseudonym_key_wipe(&run_key);
	if (user_key_loaded)
		pseudonym_key_wipe(&user_key);
	for (size_t y = 0; y < tallies.count; y++)
		shares_free(tally_list[y]);
	string_pool_free(pool);
	targets_free(&targets);
	codebook_free(codebook);
	return status;
}
