/* ifs-survey — IFS questionnaire exports to a record stream. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "codebook.h"
#include "diag.h"
#include "personal_data.h"
#include "pseudonym.h"
#include "record.h"
#include "record_stream.h"
#include "rejects.h"
#include "row_source.h"
#include "survey.h"

static const char usage_text[] =
	"usage: ifs-survey [-c CODEBOOK] [--insats NAME] [--group CODE] [--forbund NAME]\n"
	"                  [--key-file FILE] [--rejects FILE] [--sep C] [--encoding ENC] [-v]\n"
	"                  [FILE...] > out.rec\n"
	"Reads IFS survey exports (CSV or JSON, any of UTF-8, UTF-8 with BOM, UTF-16LE,\n"
	"Windows-1252; gzip or not) and writes a binary record stream to stdout.\n"
	"  -c, --codebook FILE   codebook (default: the shipped IFS codebook)\n"
	"      --insats NAME     intervention for exports without an Insats column\n"
	"      --group CODE      respondent group for exports without one\n"
	"                        (pagaende, avslut, personal, chef, styrelse, remittent)\n"
	"      --forbund NAME    association name to record\n"
	"      --key-file FILE   keep respondent ids as keyed pseudonyms, as ifs-health does\n"
	"                        (key file mode 0600).  Without it, personnummer and\n"
	"                        participant codes are not kept: the row's number stands in\n"
	"      --rejects FILE    also write rejected rows, verbatim, with reasons (TSV)\n"
	"      --sep C           field separator: ',' ';' or 'tab' (default: detected)\n"
	"      --encoding ENC    utf-8, windows-1252 or utf-16le (default: detected)\n"
	"  -v, --verbose         say what was detected in each file\n"
	"  -h, --help            this text;  --version  the version\n"
	"Exit: 0 ok; 65 rows rejected (the stream holds the other rows) or a file unusable\n"
	"(the stream is then left unfinished, so later stages fail rather than count short);\n"
	"66 no input or no key file; 77 key file readable by others; 73/74 output errors.\n";

/* How far down the header may stand, under a title and empty lines. */
#define HEADER_SEARCH_LINES 30

struct totals {
	unsigned long rows, written, repeats, blank, rejected, files_failed;
};

static int parse_separator(const char *text, char *separator)
{
	if (strcmp(text, "tab") == 0 || strcmp(text, "\\t") == 0 || strcmp(text, "\t") == 0)
		*separator = '\t';
	else if (strcmp(text, ",") == 0 || strcmp(text, ";") == 0)
		*separator = text[0];
	else
		return -1;
	return 0;
}

/* Converts one input; returns 0, or an exit status for a problem with the whole file. */
static int convert_file(const char *path, const struct row_source_options *source_options,
                        struct survey_converter *converter, struct reject_log *rejects,
                        struct totals *totals, int verbose)
{
	char error[1024], reason[512];
	if (strcmp(path, "-") != 0 && access(path, R_OK) < 0) {
		diag_error("%s: cannot open: %s", path, strerror(errno));
		totals->files_failed++;
		return EX_NOINPUT;
	}
	struct row_source *source = row_source_open(path, source_options, error, sizeof error);
	if (!source) {
		int out_of_memory = errno == ENOMEM;
		diag_error("%s", error);
		totals->files_failed++;
		return out_of_memory ? EX_OSERR : EX_DATAERR;
	}
	int status = 0;
	/* The header is the first line (of the first HEADER_SEARCH_LINES) that binds: a
	 * title line or an empty ';;;;' line above it is skipped, and -v says so. */
	survey_converter_quiet(converter, 1);
	errno = 0;
	int bound = survey_converter_bind(converter, source, error, sizeof error);
	if (bound < 0 && errno != ENOMEM) {
		char first_error[1024];
		snprintf(first_error, sizeof first_error, "%s", error);
		for (int tries = 0; bound < 0 && tries < HEADER_SEARCH_LINES; tries++) {
			int next = row_source_next_header(source, source_options);
			if (next < 0) {
				/* the input failed, not the search: its own message, not the first line's */
				snprintf(first_error, sizeof first_error, "%s", row_source_error(source));
				if (row_source_out_of_memory(source))
					errno = ENOMEM, snprintf(error, sizeof error, "%s", first_error);
			}
			if (next <= 0)
				break;
			errno = 0;
			bound = survey_converter_bind(converter, source, error, sizeof error);
			if (bound < 0 && errno == ENOMEM)
				break;
		}
		if (bound < 0 && errno != ENOMEM)
			snprintf(error, sizeof error, "%s", first_error);
	}
	survey_converter_quiet(converter, 0);
	if (bound == 0) {
		if (verbose && row_source_header_line(source) > 1)
			diag_error("%s: header on line %lu; the %lu line(s) above it (a title, empty lines) skipped",
			           row_source_name(source), row_source_header_line(source), row_source_header_line(source) - 1);
		errno = 0;
		bound = survey_converter_bind(converter, source, error, sizeof error); /* again, aloud: -v and warnings */
	}
	if (bound < 0) {
		int out_of_memory = errno == ENOMEM;
		diag_error("%s", error);
		totals->files_failed++;
		row_source_close(source);
		return out_of_memory ? EX_OSERR : EX_DATAERR;
	}
	char description[512];
	if (verbose) {
		row_source_describe(source, description, sizeof description);
		diag_error("%s: %s", row_source_name(source), description);
	}
	if (row_source_notice(source, description, sizeof description))
		diag_warn("%s", description);
	unsigned long rows_before = totals->rows, blank_before = totals->blank;
	uint64_t unkept_before = survey_converter_unkept_ids(converter);
	uint64_t day_first_before = survey_converter_day_first_dates(converter);
	struct row row;
	int got;
	while ((got = row_source_next(source, &row)) == 1) {
		totals->rows++;
		if (row_is_blank(&row)) {
			totals->blank++;
			continue;
		}
		int result = survey_converter_row(converter, &row, reason, sizeof reason);
		if (result < 0) {
			/* errno tells which: the stream could not be written, or memory ran out */
			int out_of_memory = errno == ENOMEM;
			diag_error("%s:%lu: cannot write the record stream: %s", row_source_name(source), row.line,
			           strerror(errno));
			status = out_of_memory ? EX_OSERR : EX_IOERR;
			break;
		}
		if (result == SURVEY_REPEAT_KEPT || result == SURVEY_REPEAT_DROPPED)
			diag_warn("%s:%lu: %s", row_source_name(source), row.line, reason);
		/* Cells whose answer could not be read: the row is kept, and each is reported and
		 * kept in the reject file beside the row (scrubbed) it came from. */
		int kept = result == 0 || result == SURVEY_REPEAT_KEPT;
		for (size_t i = 0; kept && i < survey_converter_cell_problems(converter); i++)
			if (reject_log_scrubbed_row(rejects, row_source_name(source), row.line,
			                            survey_converter_cell_problem(converter, i), row.raw, row.raw_length,
			                            survey_converter_personal_id(converter, &row), 1) < 0) {
				diag_error("%s:%lu: out of memory", row_source_name(source), row.line);
				status = EX_OSERR;
				break;
			}
		if (status == EX_OSERR)
			break;
		if (result == 0 || result == SURVEY_REPEAT_KEPT) {
			totals->written++;
		} else if (result == SURVEY_REPEAT || result == SURVEY_REPEAT_DROPPED) {
			totals->repeats++;
		} else {
			totals->rejected++;
			/* Scrubbed of personnummer and of the personal id (survey.h says which); a row
			 * that could not be split is not kept when the file's ids are personal. */
			if (reject_log_scrubbed_row(rejects, row_source_name(source), row.line, reason, row.raw,
			                            row.raw_length, survey_converter_personal_id(converter, &row),
			                            !(row.problem && survey_converter_ids_personal(converter))) < 0) {
				diag_error("%s:%lu: out of memory", row_source_name(source), row.line);
				status = EX_OSERR;
				break;
			}
		}
	}
	uint64_t day_first = survey_converter_day_first_dates(converter) - day_first_before;
	if (day_first)
		diag_warn("%s: %llu dates written D/M/YYYY were read day first, the Swedish way (1/3/2022 is 1 March 2022)",
		          row_source_name(source), (unsigned long long)day_first);
	uint64_t unkept = survey_converter_unkept_ids(converter) - unkept_before;
	if (unkept)
		diag_error("%s: %llu respondents identified by personnummer or participant code: not kept without "
		           "--key-file (the row number stands in)",
		           row_source_name(source), (unsigned long long)unkept);
	if (got < 0) {
		diag_error("%s", row_source_error(source));
		totals->files_failed++;
		status = row_source_out_of_memory(source) ? EX_OSERR : EX_DATAERR;
	} else if (status == 0 && totals->rows - (totals->blank - blank_before) == rows_before) {
		diag_error("%s: no data rows (header only)", row_source_name(source));
		totals->files_failed++;
		status = EX_DATAERR;
	}
	row_source_close(source);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{"codebook", required_argument, NULL, 'c'}, {"insats", required_argument, NULL, 'i'},
		{"group", required_argument, NULL, 'g'}, {"forbund", required_argument, NULL, 'f'},
		{"rejects", required_argument, NULL, 'r'}, {"sep", required_argument, NULL, 's'},
		{"encoding", required_argument, NULL, 'e'}, {"verbose", no_argument, NULL, 'v'},
		{"key-file", required_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}, {0, 0, 0, 0},
	};
	const char *codebook_path = NULL, *rejects_path = NULL, *key_path = NULL;
	struct survey_options options = {.group = -1};
	struct row_source_options source_options = {0};
	int verbose = 0, option;
	diag_set_program(argv[0]);
	diag_private_files(0);
	while ((option = getopt_long(argc, argv, "c:vh", long_options, NULL)) != -1) {
		switch (option) {
		case 'c': codebook_path = optarg; break;
		case 'i': options.insats = optarg; break;
		case 'f': options.forbund = optarg; break;
		case 'r': rejects_path = optarg; break;
		case 'k': key_path = optarg; break;
		case 'v': verbose = options.verbose = 1; break;
		case 'e': source_options.encoding = optarg; break;
		case 'g':
			if ((options.group = group_from_code(optarg)) < 0) {
				diag_error("--group: unknown group \"%s\" (pagaende, avslut, personal, chef, styrelse, remittent)", optarg);
				return EX_USAGE;
			}
			break;
		case 's':
			if (parse_separator(optarg, &source_options.separator) < 0) {
				diag_error("--sep: expected ',', ';' or 'tab', not \"%s\"", optarg);
				return EX_USAGE;
			}
			break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("ifs-survey %s\n", IFS_VERSION); return 0;
		default: fputs(usage_text, stderr); return EX_USAGE;
		}
	}
	if ((options.insats && personal_data_present(options.insats, strlen(options.insats))) ||
	    (options.forbund && personal_data_present(options.forbund, strlen(options.forbund)))) {
		diag_error("--insats and --forbund name an intervention and an association, not a person");
		return EX_USAGE;
	}
	if (source_options.encoding) {
		static const char *const known[] = {"utf-8", "utf8", "windows-1252", "cp1252", "utf-16le", "utf16le"};
		int ok = 0;
		for (size_t i = 0; i < sizeof known / sizeof *known; i++)
			ok |= strcasecmp(source_options.encoding, known[i]) == 0;
		if (!ok) {
			diag_error("--encoding: expected utf-8, windows-1252 or utf-16le, not \"%s\"", source_options.encoding);
			return EX_USAGE;
		}
	}
	if (diag_refuse_terminal_stdout() < 0)
		return EX_USAGE;

	if (crypto_start() < 0) {
		diag_error("cannot start OpenSSL (out of memory?)");
		return EX_OSERR;
	}
	char error[1024] = "";
	static struct pseudonym_key key;
	if (key_path) {
		int key_status = pseudonym_key_load(key_path, &key, error, sizeof error);
		if (key_status) {
			diag_error("%s", error);
			return key_status;
		}
		options.key = &key;
	}
	struct codebook *codebook = codebook_path ? codebook_load(codebook_path, error, sizeof error)
	                                          : codebook_load_default("ifs", error, sizeof error);
	if (!codebook) {
		diag_error("%s", error);
		return errno == ENOMEM ? EX_OSERR : codebook_path && errno == ENOENT ? EX_NOINPUT : EX_DATAERR;
	}
	struct reject_log *rejects = reject_log_open(rejects_path, error, sizeof error);
	if (!rejects) {
		diag_error("%s", error);
		codebook_free(codebook);
		return EX_CANTCREAT;
	}
	char producer[64];
	snprintf(producer, sizeof producer, "ifs-survey %s", IFS_VERSION);
	struct record_writer *writer = record_writer_open(stdout, producer);
	struct survey_converter *converter = writer ? survey_converter_new(codebook, writer, &options) : NULL;
	if (!converter) {
		diag_error("out of memory");
		return EX_OSERR;
	}

	struct totals totals = {0};
	int status = 0;
	const char *stdin_only[] = {"-"};
	char **paths = optind < argc ? argv + optind : (char **)stdin_only;
	int path_count = optind < argc ? argc - optind : 1;
	for (int i = 0; i < path_count && status != EX_IOERR && status != EX_OSERR; i++) {
		int file_status = convert_file(paths[i], &source_options, converter, rejects, &totals, verbose);
		if (file_status && (status == 0 || file_status == EX_IOERR || file_status == EX_OSERR ||
		                    file_status == EX_NOINPUT))
			status = file_status;
	}
	uint64_t answers_rejected = survey_converter_answers_rejected(converter);
	if (status == 0 && (totals.rejected || answers_rejected))
		status = EX_DATAERR;
	uint64_t records = survey_converter_records(converter);
	survey_converter_free(converter);
	if (status == EX_IOERR || status == EX_OSERR || totals.files_failed) {
		/* An unusable or truncated input must not pass downstream as a complete
		 * stream: without its end chunk every reader fails instead of counting short. */
		record_writer_abandon(writer);
		if (totals.files_failed && status != EX_IOERR && status != EX_OSERR)
			diag_error("output stream left unfinished because an input could not be read whole");
	} else if (record_writer_close(writer) < 0) {
		diag_error("write error on standard output: %s", strerror(errno));
		status = EX_IOERR;
	}
	if (reject_log_close(rejects) < 0) {
		/* Not 65: the rows are not merely rejected, their record is incomplete. */
		diag_error("%s: write error: the reject file is incomplete", rejects_path);
		if (!status || status == EX_DATAERR)
			status = EX_IOERR;
	}
	codebook_free(codebook);
	pseudonym_key_wipe(&key);
	char repeats[160] = "", cells[96] = "";
	if (totals.repeats)
		snprintf(repeats, sizeof repeats, " + %lu repeated (the same questionnaire again: counted once)",
		         totals.repeats);
	if (totals.blank)
		snprintf(repeats + strlen(repeats), sizeof repeats - strlen(repeats), " + %lu empty", totals.blank);
	if (answers_rejected)
		snprintf(cells, sizeof cells, "; %llu answers rejected (their rows kept)", (unsigned long long)answers_rejected);
	fprintf(stderr, "%s: %lu rows read = %lu written (%llu answer records)%s + %lu rejected%s%s\n", diag_program(),
	        totals.rows, totals.written, (unsigned long long)records, repeats, totals.rejected, cells,
	        totals.files_failed ? "; some files unusable, see above" : "");
	return status;
}
