/* ifs-health — health questionnaire exports to a record stream of intake/exit pairs. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codebook.h"
#include "diag.h"
#include "health.h"
#include "health_export.h"
#include "health_indicators.h"
#include "ingest.h"
#include "personal_data.h"
#include "pseudonym.h"
#include "record_stream.h"
#include "rejects.h"
#include "row_source.h"

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
	struct health_export_options options = {0};
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
		case OPT_INSATS: options.insats = optarg; break;
		case OPT_FORBUND: options.forbund = optarg; break;
		case OPT_REJECTS: rejects_path = optarg; break;
		case OPT_SEP:
			if (row_source_parse_separator(optarg, &source_options.separator) < 0) {
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
	if (source_options.encoding && !row_source_encoding_known(source_options.encoding)) {
		diag_error("--encoding: expected utf-8, windows-1252 or utf-16le, not \"%s\"", source_options.encoding);
		return EX_USAGE;
	}
	if (!key_path) {
		diag_error("--key-file is required: the pseudonyms are keyed (make a key once: "
		           "head -c 32 /dev/urandom > KEY; chmod 600 KEY)");
		return EX_USAGE;
	}
	static struct pseudonym_key key;
	int status = ingest_start(options.insats, options.forbund, print_fingerprint, key_path, &key);
	if (status)
		return status;
	char error[1024] = "";
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
	struct reject_log *rejects = reject_log_open(rejects_path, error, sizeof error);
	if (!rejects) {
		diag_error("%s", error);
		codebook_free(codebook);
		pseudonym_key_wipe(&key);
		return EX_CANTCREAT;
	}
	options.codebook = codebook;
	options.key = &key;
	options.verbose = verbose;
	options.writer = ingest_writer("ifs-health", &key);
	options.pairing = options.writer ? health_pairing_new() : NULL;
	struct health_export *converter = options.pairing ? health_export_new(&options) : NULL;
	if (!converter) {
		diag_error("out of memory");
		return EX_OSERR;
	}
	struct ingest_totals totals = {0};
	struct ingest_converter ingest;
	health_export_ingest(converter, &ingest);
	status = ingest_files(argv + optind, argc - optind, &source_options, &ingest, rejects, &totals, verbose);
	uint64_t answers_rejected = health_export_answers_rejected(converter);
	uint64_t genders_unread = health_export_genders_unread(converter);
	health_export_free(converter);
	/* Pairs need every questionnaire: after an unreadable input, none is written. */
	struct health_counts counts = {0};
	if (!status && !totals.files_failed &&
	    health_pairing_write(options.pairing, options.writer, vas_min_delta, &counts) < 0) {
		diag_error("cannot write the record stream: %s", strerror(errno));
		status = errno == ENOMEM ? EX_OSERR : EX_IOERR;
	}
	if (!status && (totals.rejected || answers_rejected || genders_unread))
		status = EX_DATAERR;
	status = ingest_finish(status, &totals, options.writer, rejects, rejects_path);
	char cells[160] = "", empty[48] = "";
	if (totals.blank)
		snprintf(empty, sizeof empty, " + %lu empty", totals.blank);
	if (answers_rejected)
		snprintf(cells, sizeof cells, "; %llu answers rejected (their questionnaires kept)",
		         (unsigned long long)answers_rejected);
	if (genders_unread)
		snprintf(cells + strlen(cells), sizeof cells - strlen(cells), "; %llu genders unreadable (their "
		         "questionnaires kept)", (unsigned long long)genders_unread);
	fprintf(stderr,
	        "%s: %lu rows read = %lu used + %llu duplicates%s + %lu rejected; records: %llu pairs, %llu intake only, "
	        "%llu exit only%s%s\n",
	        diag_program(), totals.rows, totals.written - (unsigned long)counts.duplicates,
	        (unsigned long long)counts.duplicates, empty, totals.rejected, (unsigned long long)counts.pairs,
	        (unsigned long long)counts.intake_only, (unsigned long long)counts.exit_only, cells,
	        status == EX_OSERR || status == EX_IOERR ? "; the run stopped early, see above"
	        : totals.files_failed                        ? "; some files unusable, see above"
	                                                     : "");
	health_pairing_free(options.pairing);
	codebook_free(codebook);
	pseudonym_key_wipe(&key);
	return status;
}
