/* ifs-survey — IFS questionnaire exports to a record stream. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codebook.h"
#include "diag.h"
#include "ingest.h"
#include "ingest_split.h"
#include "personal_data.h"
#include "pseudonym.h"
#include "record.h"
#include "record_stream.h"
#include "rejects.h"
#include "row_source.h"
#include "survey.h"

static const char usage_text[] =
	"usage: ifs-survey [-c CODEBOOK] [--insats NAME] [--group CODE] [--forbund NAME]\n"
	"                  [--key-file FILE] [--rejects FILE] [--sep C] [--encoding ENC] [--jobs N] [-v]\n"
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
	"                        (their repeats within the run are found all the same)\n"
	"      --rejects FILE    also write rejected rows with reasons (TSV; identifiers and anything\n"
	"                        shaped like a personnummer replaced by [id removed])\n"
	"      --sep C           field separator: ',' ';' or 'tab' (default: detected)\n"
	"      --encoding ENC    utf-8, windows-1252 or utf-16le (default: detected)\n"
	"      --jobs N          threads: 1, or 2 (default 2 on two cores: a CSV file of 8 MiB or\n"
	"                        more, 2 MiB gzipped, is split, any with --jobs 2, and a repeat\n"
	"                        check past its memory is finished on both if it fits); the same stream\n"
	"  -v, --verbose         say what was detected in each file\n"
	"  -h, --help            this text;  --version  the version\n"
	"Exit: 0 ok; 65 rows rejected (the stream holds the other rows), without a key a personal\n"
	"id answered again with other answers (both written), or a file unusable\n"
	"(the stream is then left unfinished, so later stages fail rather than count short);\n"
	"66 no input or no key file; 77 key file readable by others; 73/74 output errors (74 also:\n"
	"a temporary file of the repeat check under TMPDIR; IFS_SPILL_AFTER, see man ifs).\n";

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{"codebook", required_argument, NULL, 'c'}, {"insats", required_argument, NULL, 'i'},
		{"group", required_argument, NULL, 'g'}, {"forbund", required_argument, NULL, 'f'},
		{"rejects", required_argument, NULL, 'r'}, {"sep", required_argument, NULL, 's'},
		{"encoding", required_argument, NULL, 'e'}, {"verbose", no_argument, NULL, 'v'},
		{"key-file", required_argument, NULL, 'k'}, {"jobs", required_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}, {0, 0, 0, 0},
	};
	const char *codebook_path = NULL, *rejects_path = NULL, *key_path = NULL;
	struct survey_options options = {.group = -1};
	struct row_source_options source_options = {0};
	int verbose = 0, option, jobs = 1, jobs_given = 0;
	diag_set_program(argv[0]);
	diag_private_files(0);
	while ((option = getopt_long(argc, argv, "c:vh", long_options, NULL)) != -1) {
		switch (option) {
		case 'c': codebook_path = optarg; break;
		case 'i': options.insats = optarg; break;
		case 'f': options.forbund = optarg; break;
		case 'r': rejects_path = optarg; break;
		case 'k': key_path = optarg; break;
		case 'j':
			if (strcmp(optarg, "1") != 0 && strcmp(optarg, "2") != 0) {
				diag_error("--jobs: expected 1 or 2, not \"%s\"", optarg);
				return EX_USAGE;
			}
			jobs = optarg[0] - '0';
			jobs_given = 1;
			break;
		case 'v': verbose = options.verbose = 1; break;
		case 'e': source_options.encoding = optarg; break;
		case 'g':
			if ((options.group = group_from_code(optarg)) < 0) {
				diag_error("--group: unknown group \"%s\" (pagaende, avslut, personal, chef, styrelse, remittent)", optarg);
				return EX_USAGE;
			}
			break;
		case 's':
			if (row_source_parse_separator(optarg, &source_options.separator) < 0) {
				diag_error("--sep: expected ',', ';' or 'tab', not \"%s\"", optarg);
				return EX_USAGE;
			}
			break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("ifs-survey %s\n", IFS_VERSION); return 0;
		default: fputs(usage_text, stderr); return EX_USAGE;
		}
	}
	if (source_options.encoding && !row_source_encoding_known(source_options.encoding)) {
		diag_error("--encoding: expected utf-8, windows-1252 or utf-16le, not \"%s\"", source_options.encoding);
		return EX_USAGE;
	}
	if (ingest_distinct_inputs(argv + optind, argc - optind))
		return EX_USAGE;
	static struct pseudonym_key key;
	int start_status = ingest_start(options.insats, options.forbund, 0, key_path, &key);
	if (start_status)
		return start_status;
	if (key_path)
		options.key = &key;
	/* Without a key, a personnummer or participant code is not kept, but told apart
	 * under a key that dies with the run, so that the same questionnaire again (a
	 * cumulative download) is still counted once (survey.h, check_key). */
	char error[1024] = "";
	static struct pseudonym_key check_key;
	if (!key_path) {
		int key_status = pseudonym_key_random(&check_key, error, sizeof error);
		if (key_status) {
			diag_error("%s", key_status == EX_OSERR && !error[0] ? "out of memory" : error);
			return key_status;
		}
		options.check_key = &check_key;
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
	struct record_writer *writer = ingest_writer("ifs-survey", options.key);
	struct survey_converter *converter = writer ? survey_converter_new(codebook, writer, &options) : NULL;
	if (!converter) {
		diag_error("out of memory");
		return EX_OSERR;
	}

	struct ingest_totals totals = {0};
	struct ingest_converter ingest;
	survey_converter_ingest(converter, &ingest);
	struct ingest_twin twin;
	int threads = jobs_given ? jobs : ingest_default_jobs();
	survey_converter_twin(converter, threads, jobs_given, &twin);
	survey_converter_set_threads(converter, threads);
	int status = ingest_files_split(argv + optind, argc - optind, &source_options, &ingest, &twin, rejects, &totals,
	                                verbose);
	if (status != EX_OSERR && status != EX_IOERR) { /* the questionnaires that wait for the repeat check */
		int finished = survey_converter_finish(converter, &totals);
		if (finished)
			status = finished;
	}
	uint64_t answers_rejected = survey_converter_answers_rejected(converter);
	uint64_t genders_unread = survey_converter_genders_unread(converter);
	if (status == 0 && (totals.rejected || answers_rejected || genders_unread))
		status = EX_DATAERR;
	uint64_t unkept_conflicts = survey_converter_unkept_conflicts(converter);
	if (unkept_conflicts) {
		diag_warn("%llu questionnaires answered again with other answers by a respondent whose personnummer or "
		          "participant code is not kept without --key-file (above) are written beside the earlier, and "
		          "count as well; give --key-file KEY to count only the later", (unsigned long long)unkept_conflicts);
		if (status == 0)
			status = EX_DATAERR;
	}
	uint64_t records = survey_converter_records(converter);
	uint64_t anonymous = survey_converter_anonymous_rows(converter);
	if (anonymous && argc - optind > 1)
		diag_warn("%llu rows without a respondent id (or with one not kept without --key-file), from %d inputs: "
		          "a row that two inputs both hold (a cumulative download) counts twice; give each answer's "
		          "export once", (unsigned long long)anonymous, argc - optind);
	survey_converter_free(converter);
	status = ingest_finish(status, &totals, writer, rejects, rejects_path);
	codebook_free(codebook);
	pseudonym_key_wipe(&key);
	pseudonym_key_wipe(&check_key);
	char repeats[160] = "", cells[160] = "";
	if (totals.repeats)
		snprintf(repeats, sizeof repeats, " + %lu repeated (the same questionnaire again: counted once)",
		         totals.repeats);
	if (totals.blank)
		snprintf(repeats + strlen(repeats), sizeof repeats - strlen(repeats), " + %lu empty", totals.blank);
	if (answers_rejected)
		snprintf(cells, sizeof cells, "; %llu answers rejected (their rows kept)", (unsigned long long)answers_rejected);
	if (genders_unread)
		snprintf(cells + strlen(cells), sizeof cells - strlen(cells), "; %llu genders unreadable (their rows kept)",
		         (unsigned long long)genders_unread);
	fprintf(stderr, "%s: %lu rows read = %lu written (%llu answer records)%s + %lu rejected%s%s\n", diag_program(),
	        totals.rows, totals.written, (unsigned long long)records, repeats, totals.rejected, cells,
	        status == EX_OSERR || status == EX_IOERR ? "; the run stopped early, see above"
	        : totals.files_failed                        ? "; some files unusable, see above"
	                                                     : "");
	return status;
}
