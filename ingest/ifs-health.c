/* ifs-health — health questionnaire exports to a record stream of intake/exit pairs. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codebook.h"
#include "dates.h"
#include "diag.h"
#include "health.h"
#include "health_indicators.h"
#include "personal_data.h"
#include "pseudonym.h"
#include "record.h"
#include "record_stream.h"
#include "rejects.h"
#include "row_source.h"
#include "text_fold.h"

static const char usage_text[] =
	"usage: ifs-health --key-file FILE [-c CODEBOOK] [--vas-min-delta N] [--insats NAME]\n"
	"                  [--forbund NAME] [--rejects FILE] [--sep C] [--encoding ENC] [-v]\n"
	"                  [FILE...] > out.rec\n"
	"Reads health questionnaire exports (intake and exit; CSV or JSON, any supported\n"
	"encoding, gzip or not), replaces every participant identifier by a keyed pseudonym,\n"
	"pairs each exit with the participant's latest earlier intake in the same\n"
	"intervention, and writes pairs and bortfall (intake only, exit only) as records.\n"
	"  --key-file FILE     secret key for the pseudonyms (at least 16 bytes, mode 0600,\n"
	"                      kept outside the data folder); required\n"
	"  --key-fingerprint   print the key's fingerprint (a keyed hash of a constant, not\n"
	"                      the key) and exit: a store notes it to see when the key changed\n"
	"  -c, --codebook FILE codebook (default: the shipped health codebook)\n"
	"  --vas-min-delta N   VAS points that count as clearly better (default 10)\n"
	"  --insats NAME       intervention for exports without an Insats column\n"
	"  --forbund NAME      association name to record\n"
	"  --rejects FILE      rejected rows with reasons (identifiers removed), TSV\n"
	"  --sep C, --encoding ENC, -v   as for ifs-survey\n"
	"  -h, --help   --version\n"
	"Personnummer (YYYYMMDD-NNNN, YYMMDD-NNNN, with or without '-', '+' at 100 or more)\n"
	"are normalised before hashing, so both forms of one person pair up; an invalid check\n"
	"digit rejects the row. No identifier is ever written or printed.\n"
	"Exit: 0 ok; 65 rows rejected or a file unusable; 66 no input or no key file;\n"
	"77 key file readable by others; 73/74 output errors.\n";

enum item { ITEM_LQ, ITEM_DUE, ITEM_VAS, ITEM_MENTAL, ITEM_PAIN, ITEM_WORRY, ITEM_WORKCAP, ITEM_COUNT };
static const char *const item_ids[ITEM_COUNT] = {"livskvalitet", "beror", "vas", "psykisk", "smarta", "oro",
                                                 "arbetsformaga"};

struct columns {
	size_t respondent, date, insats, occasion, gender, age, forbund;
	size_t item[ITEM_COUNT];
	size_t item_question[ITEM_COUNT];
};

struct run {
	const struct codebook *codebook;
	const struct pseudonym_key *key;
	struct record_writer *writer;
	struct health_pairing *pairing;
	struct reject_log *rejects;
	const char *insats, *forbund;
	unsigned long rows, used, blank, rejected, files_failed, answers_rejected, day_first;
};

static int bind_columns(const struct codebook *book, const struct row_source *source, struct columns *c,
                        const char *insats_option, char *error, size_t error_size)
{
	/* Here every identifier is a person's: a participant column serves as well as a respondent one. */
	size_t *roles[] = {[ROLE_RESPONDENT] = &c->respondent, [ROLE_DATE] = &c->date, [ROLE_INSATS] = &c->insats,
	                   [ROLE_GENDER] = &c->gender, [ROLE_AGE] = &c->age, [ROLE_FORBUND] = &c->forbund,
	                   [ROLE_OCCASION] = &c->occasion, [ROLE_PARTICIPANT] = &c->respondent};
	c->respondent = c->date = c->insats = c->occasion = c->gender = c->age = c->forbund = SIZE_MAX;
	for (int i = 0; i < ITEM_COUNT; i++)
		c->item[i] = SIZE_MAX;
	const char *name = row_source_name(source);
	for (size_t column = 0; column < row_source_columns(source); column++) {
		size_t question = 0;
		enum column_role role = codebook_column_role(book, row_source_header(source, column), &question);
		if (role == ROLE_QUESTION) {
			for (int i = 0; i < ITEM_COUNT; i++)
				if (strcmp(codebook_question_id(book, question), item_ids[i]) == 0 && c->item[i] == SIZE_MAX) {
					c->item[i] = column;
					c->item_question[i] = question;
				}
		} else if (role < sizeof roles / sizeof *roles && roles[role] && *roles[role] == SIZE_MAX) {
			*roles[role] = column;
		}
	}
	if (c->respondent == SIZE_MAX)
		snprintf(error, error_size, "%s:1: no participant column (Deltagare, Deltagar-ID, Personnummer, ID)", name);
	else if (c->date == SIZE_MAX)
		snprintf(error, error_size, "%s:1: no date column (expected Datum or Svarsdatum)", name);
	else if (c->occasion == SIZE_MAX)
		snprintf(error, error_size, "%s:1: no occasion column (Tillfälle: Inskrivning or Avslut)", name);
	else if (c->insats == SIZE_MAX && !insats_option)
		snprintf(error, error_size, "%s:1: no insats column (Insats, Verksamhet); name the intervention with --insats",
		         name);
	else
		return 0;
	return -1;
}

static int is_blank(const char *text)
{
	while (*text == ' ' || *text == '\t')
		text++;
	return *text == '\0';
}

/* 1 (the row is rejected, and said so), or -1 when out of memory. */
static int reject(struct run *run, const char *file, const struct row *row, const char *identifier,
                  const char *reason)
{
	run->rejected++;
	/* A row with a problem could not be split, so its identifier cannot be located. */
	return reject_log_scrubbed_row(run->rejects, file, row->line, reason, row->raw, row->raw_length, identifier,
	                               !row->problem) < 0 ? -1 : 1;
}

static void trimmed(const char *text, char *out, size_t size)
{
	while (*text == ' ' || *text == '\t')
		text++;
	size_t length = strlen(text);
	while (length && (text[length - 1] == ' ' || text[length - 1] == '\t'))
		length--;
	if (length >= size)
		length = size - 1;
	memcpy(out, text, length);
	out[length] = '\0';
}

/* 0 kept, 1 rejected (reported), -1 out of memory. */
static int convert_row(struct run *run, const char *file, const struct columns *c, const struct row *row)
{
	const struct codebook *book = run->codebook;
	char reason[400];
	const char *identifier = row->count > c->respondent ? row->fields[c->respondent] : NULL;
	if (row->problem) {
		return reject(run, file, row, identifier, row->problem);
	}
	struct questionnaire q;
	memset(&q, 0, sizeof q);
	const char *date_text = row->fields[c->date];
	int parsed = date_parse(date_text, row->lengths[c->date], &q.date);
	if (parsed < 0) {
		if (is_blank(date_text))
			snprintf(reason, sizeof reason, "no date");
		else if (parsed == DATE_NO_SUCH_DAY)
			snprintf(reason, sizeof reason, "bad date \"%s\": no such day in the calendar",
			         QUOTE_CELL(date_text, row->lengths[c->date], 20));
		else {
			char expected[160];
			date_expectation(date_text, row->lengths[c->date], expected, sizeof expected);
			snprintf(reason, sizeof reason, "bad date \"%s\" (%s)", QUOTE_CELL(date_text, row->lengths[c->date], 20),
			         expected);
		}
		return reject(run, file, row, identifier, reason);
	}
	if (parsed == DATE_DAY_FIRST)
		run->day_first++;
	if (is_blank(identifier)) {
		return reject(run, file, row, identifier, "no participant id");
	}
	enum personnummer_result shape =
		pseudonym_of_participant(run->key, identifier, strlen(identifier), q.date, &q.participant);
	switch (shape) {
	case PERSONNUMMER_VALID:
	case PERSONNUMMER_NOT:
		break;
	case PERSONNUMMER_BAD_CHECK:
	case PERSONNUMMER_BAD_DATE:
	case PERSONNUMMER_EXCEL_NUMBER:
	case PERSONNUMMER_LOST_ZERO:
		return reject(run, file, row, identifier, personnummer_problem(shape));
	case PERSONNUMMER_UNCOMPUTED:
		return -1;
	}
	int occasion = codebook_background_value(book, ROLE_OCCASION, row->fields[c->occasion], row->lengths[c->occasion]);
	if (occasion != OCCASION_INTAKE && occasion != OCCASION_EXIT) {
		if (is_blank(row->fields[c->occasion]))
			snprintf(reason, sizeof reason, "no occasion (Tillfälle: Inskrivning or Avslut)");
		else
			snprintf(reason, sizeof reason, "unknown occasion \"%s\" (expected Inskrivning or Avslut)",
			         QUOTE_CELL(row->fields[c->occasion], row->lengths[c->occasion], 30));
		return reject(run, file, row, identifier, reason);
	}
	q.occasion = (uint8_t)occasion;
	/* Names are stored in every record that names them: no personnummer may be one. */
	if (c->insats != SIZE_MAX && personal_data_present(row->fields[c->insats], row->lengths[c->insats])) {
		return reject(run, file, row, identifier, "the insats column holds a personnummer, not an intervention's name");
	}
	if (c->forbund != SIZE_MAX && personal_data_present(row->fields[c->forbund], row->lengths[c->forbund])) {
		return reject(run, file, row, identifier, "the förbund column holds a personnummer, not an association's name");
	}
	char name[sizeof q.insats_key];
	name[0] = '\0';
	if (c->insats != SIZE_MAX)
		trimmed(row->fields[c->insats], name, sizeof name);
	if (!name[0] && run->insats)
		trimmed(run->insats, name, sizeof name);
	if (!name[0]) {
		return reject(run, file, row, identifier, "no insats (the Insats column is empty; --insats supplies one)");
	}
	q.insats = record_writer_string(run->writer, name);
	text_fold(name, strlen(name), q.insats_key, sizeof q.insats_key);
	name[0] = '\0';
	if (c->forbund != SIZE_MAX)
		trimmed(row->fields[c->forbund], name, sizeof name);
	if (!name[0] && run->forbund)
		trimmed(run->forbund, name, sizeof name);
	q.forbund = record_writer_string(run->writer, name);
	if (q.insats == UINT32_MAX || q.forbund == UINT32_MAX)
		return -1;
	if (c->gender != SIZE_MAX) {
		int gender = codebook_background_value(book, ROLE_GENDER, row->fields[c->gender], row->lengths[c->gender]);
		if (gender < 0) {
			snprintf(reason, sizeof reason,
			         "unknown gender \"%s\" (expected Kvinna, Man, Annat, Vill ej uppge or empty)",
			         QUOTE_CELL(row->fields[c->gender], row->lengths[c->gender], 20));
			return reject(run, file, row, identifier, reason);
		}
		q.gender = (uint8_t)gender;
	}
	if (c->age != SIZE_MAX)
		q.age = (uint8_t)codebook_age(row->fields[c->age], row->lengths[c->age]);
	uint8_t *items[ITEM_COUNT] = {&q.lq, &q.lq_due, &q.vas, &q.mental, &q.pain, &q.worry, &q.workcap};
	for (int i = 0; i < ITEM_COUNT; i++) {
		*items[i] = HEALTH_MISSING;
		if (c->item[i] == SIZE_MAX)
			continue;
		const char *text = row->fields[c->item[i]];
		int value = codebook_answer(book, c->item_question[i], text, row->lengths[c->item[i]]);
		if (value == ANSWER_UNKNOWN) {
			/* A bad cell costs that item (left missing), not the questionnaire or its pair. */
			char labels[240];
			codebook_question_labels(book, c->item_question[i], labels, sizeof labels);
			snprintf(reason, sizeof reason, "column %zu (%s): unknown answer \"%s\"; expected one of %s",
			         c->item[i] + 1, item_ids[i], QUOTE_CELL(text, row->lengths[c->item[i]], 40), labels);
			if (reject_log_scrubbed_row(run->rejects, file, row->line, reason, row->raw, row->raw_length, identifier,
			                            1) < 0)
				return -1;
			run->answers_rejected++;
			continue;
		}
		if (value >= 0 && value < HEALTH_MISSING)
			*items[i] = (uint8_t)value;
	}
	if (health_pairing_add(run->pairing, &q) < 0)
		return -1;
	run->used++;
	return 0;
}

static int convert_file(struct run *run, const char *path, const struct row_source_options *options, int verbose)
{
	char error[1024] = "";
	if (strcmp(path, "-") != 0 && access(path, R_OK) < 0) {
		diag_error("%s: cannot open: %s", path, strerror(errno));
		run->files_failed++;
		return EX_NOINPUT;
	}
	struct row_source *source = row_source_open(path, options, error, sizeof error);
	if (!source) {
		int out_of_memory = errno == ENOMEM;
		diag_error("%s", error);
		run->files_failed++;
		return out_of_memory ? EX_OSERR : EX_DATAERR;
	}
	struct columns columns;
	/* The header is the first line (of the first 30) that binds: a title line or an
	 * empty ';;;;' line above it is skipped, and -v says so. */
	int bound = bind_columns(run->codebook, source, &columns, run->insats, error, sizeof error);
	if (bound < 0) {
		char first_error[1024];
		snprintf(first_error, sizeof first_error, "%s", error);
		for (int tries = 0; bound < 0 && tries < 30; tries++) {
			int next = row_source_next_header(source, options);
			if (next < 0) {
				int out_of_memory = row_source_out_of_memory(source);
				diag_error("%s", row_source_error(source));
				run->files_failed++;
				row_source_close(source);
				return out_of_memory ? EX_OSERR : EX_DATAERR;
			}
			if (next == 0)
				break;
			bound = bind_columns(run->codebook, source, &columns, run->insats, error, sizeof error);
		}
		if (bound < 0)
			snprintf(error, sizeof error, "%s", first_error);
		else if (verbose)
			diag_error("%s: header on line %lu; the %lu line(s) above it (a title, empty lines) skipped",
			           row_source_name(source), row_source_header_line(source), row_source_header_line(source) - 1);
	}
	if (bound < 0) {
		diag_error("%s", error);
		run->files_failed++;
		row_source_close(source);
		return EX_DATAERR;
	}
	char description[512];
	if (verbose) {
		row_source_describe(source, description, sizeof description);
		diag_error("%s: %s", row_source_name(source), description);
	}
	if (row_source_notice(source, description, sizeof description))
		diag_warn("%s", description);
	struct row row;
	int got, status = 0;
	unsigned long before = run->rows, blank_before = run->blank, day_first_before = run->day_first;
	while ((got = row_source_next(source, &row)) == 1) {
		run->rows++;
		if (row_is_blank(&row)) {
			run->blank++;
			continue;
		}
		if (convert_row(run, row_source_name(source), &columns, &row) < 0) {
			diag_error("%s:%lu: out of memory", row_source_name(source), row.line);
			status = EX_OSERR;
			break;
		}
	}
	if (run->day_first > day_first_before)
		diag_warn("%s: %lu dates written D/M/YYYY were read day first, the Swedish way (1/3/2022 is 1 March 2022)",
		          row_source_name(source), run->day_first - day_first_before);
	if (got < 0) {
		diag_error("%s", row_source_error(source));
		run->files_failed++;
		status = row_source_out_of_memory(source) ? EX_OSERR : EX_DATAERR;
	} else if (!status && run->rows - (run->blank - blank_before) == before) {
		diag_error("%s: no data rows (header only)", row_source_name(source));
		run->files_failed++;
		status = EX_DATAERR;
	}
	row_source_close(source);
	return status;
}

int main(int argc, char **argv)
{
	enum { OPT_KEY = 256, OPT_FINGERPRINT, OPT_VAS, OPT_INSATS, OPT_FORBUND, OPT_REJECTS, OPT_SEP, OPT_ENCODING, OPT_VERSION };
	static const struct option long_options[] = {
		{"key-file", required_argument, NULL, OPT_KEY}, {"codebook", required_argument, NULL, 'c'},
		{"key-fingerprint", no_argument, NULL, OPT_FINGERPRINT},
		{"vas-min-delta", required_argument, NULL, OPT_VAS}, {"insats", required_argument, NULL, OPT_INSATS},
		{"forbund", required_argument, NULL, OPT_FORBUND}, {"rejects", required_argument, NULL, OPT_REJECTS},
		{"sep", required_argument, NULL, OPT_SEP}, {"encoding", required_argument, NULL, OPT_ENCODING},
		{"verbose", no_argument, NULL, 'v'}, {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION}, {0, 0, 0, 0},
	};
	const char *key_path = NULL, *codebook_path = NULL, *rejects_path = NULL;
	struct row_source_options source_options = {0};
	struct run run;
	memset(&run, 0, sizeof run);
	int vas_min_delta = VAS_MIN_DELTA_DEFAULT, verbose = 0, print_fingerprint = 0, option;
	char *end;
	diag_set_program(argv[0]);
	diag_private_files(0);
	while ((option = getopt_long(argc, argv, "c:vh", long_options, NULL)) != -1) {
		switch (option) {
		case OPT_KEY: key_path = optarg; break;
		case OPT_FINGERPRINT: print_fingerprint = 1; break;
		case 'c': codebook_path = optarg; break;
		case OPT_VAS:
			vas_min_delta = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || vas_min_delta < 0 || vas_min_delta > 100) {
				diag_error("--vas-min-delta: expected 0-100, not \"%s\"", optarg);
				return EX_USAGE;
			}
			break;
		case OPT_INSATS: run.insats = optarg; break;
		case OPT_FORBUND: run.forbund = optarg; break;
		case OPT_REJECTS: rejects_path = optarg; break;
		case OPT_SEP:
			if (strcmp(optarg, "tab") == 0 || strcmp(optarg, "\\t") == 0)
				source_options.separator = '\t';
			else if (strcmp(optarg, ",") == 0 || strcmp(optarg, ";") == 0)
				source_options.separator = optarg[0];
			else {
				diag_error("--sep: expected ',', ';' or 'tab', not \"%s\"", optarg);
				return EX_USAGE;
			}
			break;
		case OPT_ENCODING: source_options.encoding = optarg; break;
		case 'v': verbose = 1; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case OPT_VERSION: printf("ifs-health %s\n", IFS_VERSION); return 0;
		default: fputs(usage_text, stderr); return EX_USAGE;
		}
	}
	if ((run.insats && personal_data_present(run.insats, strlen(run.insats))) ||
	    (run.forbund && personal_data_present(run.forbund, strlen(run.forbund)))) {
		diag_error("--insats and --forbund name an intervention and an association, not a person");
		return EX_USAGE;
	}
	if (!key_path) {
		diag_error("--key-file is required: the pseudonyms are keyed (make a key once: "
		           "head -c 32 /dev/urandom > KEY; chmod 600 KEY)");
		return EX_USAGE;
	}
	if (!print_fingerprint && diag_refuse_terminal_stdout() < 0)
		return EX_USAGE;
	if (crypto_start() < 0) {
		diag_error("cannot start OpenSSL (out of memory?)");
		return EX_OSERR;
	}
	char error[1024] = "";
	static struct pseudonym_key key;
	int status = pseudonym_key_load(key_path, &key, error, sizeof error);
	if (status) {
		diag_error("%s", error);
		return status;
	}
	if (print_fingerprint) {
		char fingerprint[17];
		status = pseudonym_key_fingerprint(&key, fingerprint) < 0 ? EX_OSERR : 0;
		if (status)
			diag_error("out of memory");
		else
			printf("%s\n", fingerprint);
		pseudonym_key_wipe(&key);
		return status ? status : fflush(stdout) == 0 ? 0 : EX_IOERR;
	}
	struct codebook *codebook = codebook_path ? codebook_load(codebook_path, error, sizeof error)
	                                          : codebook_load_default("health", error, sizeof error);
	if (!codebook) {
		diag_error("%s", error);
		pseudonym_key_wipe(&key);
		return errno == ENOMEM ? EX_OSERR : codebook_path && errno == ENOENT ? EX_NOINPUT : EX_DATAERR;
	}
	run.rejects = reject_log_open(rejects_path, error, sizeof error);
	if (!run.rejects) {
		diag_error("%s", error);
		return EX_CANTCREAT;
	}
	char producer[64];
	snprintf(producer, sizeof producer, "ifs-health %s", IFS_VERSION);
	run.codebook = codebook;
	run.key = &key;
	run.writer = record_writer_open(stdout, producer);
	run.pairing = health_pairing_new();
	if (!run.writer || !run.pairing) {
		diag_error("out of memory");
		return EX_OSERR;
	}
	const char *stdin_only[] = {"-"};
	char **paths = optind < argc ? argv + optind : (char **)stdin_only;
	int path_count = optind < argc ? argc - optind : 1;
	for (int i = 0; i < path_count && status != EX_OSERR; i++) {
		int file_status = convert_file(&run, paths[i], &source_options, verbose);
		if (file_status && (!status || file_status == EX_NOINPUT || file_status == EX_OSERR))
			status = file_status;
	}
	struct health_counts counts = {0};
	int failed = run.files_failed || status == EX_OSERR;
	if (!failed && health_pairing_write(run.pairing, run.writer, vas_min_delta, &counts) < 0) {
		diag_error("cannot write the record stream: %s", strerror(errno));
		status = EX_IOERR;
	}
	if (status == EX_IOERR || failed) {
		/* Pairs need every questionnaire: an unreadable input leaves the stream unfinished. */
		record_writer_abandon(run.writer);
		if (run.files_failed)
			diag_error("output stream left unfinished because an input could not be read whole");
	} else if (record_writer_close(run.writer) < 0) {
		diag_error("write error on standard output: %s", strerror(errno));
		status = EX_IOERR;
	}
	if (!status && (run.rejected || run.answers_rejected))
		status = EX_DATAERR;
	if (reject_log_close(run.rejects) < 0) {
		/* Not 65: the rows are not merely rejected, their record is incomplete. */
		diag_error("%s: write error: the reject file is incomplete", rejects_path);
		if (!status || status == EX_DATAERR)
			status = EX_IOERR;
	}
	char cells[96] = "", empty[48] = "";
	if (run.blank)
		snprintf(empty, sizeof empty, " + %lu empty", run.blank);
	if (run.answers_rejected)
		snprintf(cells, sizeof cells, "; %lu answers rejected (their questionnaires kept)", run.answers_rejected);
	fprintf(stderr,
	        "%s: %lu rows read = %lu used + %llu duplicates%s + %lu rejected; records: %llu pairs, %llu intake only, "
	        "%llu exit only%s%s\n",
	        diag_program(), run.rows, run.used - (unsigned long)counts.duplicates, (unsigned long long)counts.duplicates,
	        empty, run.rejected, (unsigned long long)counts.pairs, (unsigned long long)counts.intake_only,
	        (unsigned long long)counts.exit_only, cells, run.files_failed ? "; some files unusable, see above" : "");
	health_pairing_free(run.pairing);
	codebook_free(codebook);
	pseudonym_key_wipe(&key);
	return status;
}
