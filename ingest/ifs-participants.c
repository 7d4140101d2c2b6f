/* ifs-participants — participant register exports to a record stream of courses. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codebook.h"
#include "diag.h"
#include "ingest.h"
#include "participants.h"
#include "personal_data.h"
#include "pseudonym.h"
#include "record_stream.h"
#include "rejects.h"

static const char usage_text[] =
	"usage: ifs-participants [-c CODEBOOK] --key-file FILE [--insats NAME] [--forbund NAME]\n"
	"                        [--rejects FILE] [-v]\n"
	"                        [FILE...] > courses.rec\n"
	"Reads participant register exports (CSV, JSON or .xlsx; any encoding the other tools\n"
	"read; gzip or not) and writes one course record per row: participant (keyed pseudonym),\n"
	"insats, gender, start and end dates, referrer, end reasons, work capacity, support at\n"
	"intake and at exit.\n"
	"  -c, --codebook FILE   headers and labels of your own (JSON, see docs/codebook.md), replacing\n"
	"                        the built-in ones code by code\n"
	"      --key-file FILE   the key of ifs-health (mode 0600): the same person, the same pseudonym\n"
	"      --insats NAME     intervention for exports without an Insats column\n"
	"      --forbund NAME    association name to record\n"
	"      --rejects FILE    also write rejected rows and unreadable cells (TSV, without identifiers)\n"
	"  -v, --verbose         say what every column became\n"
	"  -h, --help            this text;  --version  the version\n"
	"Exit: 0 ok; 65 rows or cells rejected (the stream holds the rest) or a file unusable;\n"
	"66 no input or no key file; 77 key file readable by others; 73/74 output errors.\n";

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{"insats", required_argument, NULL, 'i'}, {"forbund", required_argument, NULL, 'f'},
		{"codebook", required_argument, NULL, 'c'},
		{"rejects", required_argument, NULL, 'r'}, {"key-file", required_argument, NULL, 'k'},
		{"verbose", no_argument, NULL, 'v'}, {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'}, {0, 0, 0, 0},
	};
	const char *rejects_path = NULL, *key_path = NULL, *codebook_path = NULL;
	struct participants_options options = {0};
	struct row_source_options source_options = {0};
	int option;
	diag_set_program(argv[0]);
	diag_private_files(0);
	while ((option = getopt_long(argc, argv, "c:vh", long_options, NULL)) != -1) {
		switch (option) {
		case 'c': codebook_path = optarg; break;
		case 'i': options.insats = optarg; break;
		case 'f': options.forbund = optarg; break;
		case 'r': rejects_path = optarg; break;
		case 'k': key_path = optarg; break;
		case 'v': options.verbose = 1; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("ifs-participants %s\n", IFS_VERSION); return 0;
		default: fputs(usage_text, stderr); return EX_USAGE;
		}
	}
	if (!key_path) {
		diag_error("--key-file is required: the register identifies people (see ifs-health(1) for the key)");
		return EX_USAGE;
	}
	static struct pseudonym_key key;
	int start_status = ingest_start(options.insats, options.forbund, 0, key_path, &key);
	if (start_status)
		return start_status;
	char error[1024] = "";
	options.key = &key;
	struct register_codebook *labels = register_codebook_load(codebook_path, error, sizeof error);
	if (!labels) {
		diag_error("%s", error);
		return errno == ENOMEM ? EX_OSERR : errno == ENOENT ? EX_NOINPUT : EX_DATAERR;
	}
	options.labels = labels;
	/* the gender labels every tool shares */
	struct codebook *codebook = codebook_load_default("ifs", error, sizeof error);
	if (!codebook) {
		diag_error("%s", error);
		return errno == ENOMEM ? EX_OSERR : EX_DATAERR;
	}
	struct reject_log *rejects = reject_log_open(rejects_path, error, sizeof error);
	if (!rejects) {
		diag_error("%s", error);
		codebook_free(codebook);
		return EX_CANTCREAT;
	}
	struct record_writer *writer = ingest_writer("ifs-participants", &key);
	struct participants_converter *converter = writer ? participants_converter_new(codebook, writer, &options) : NULL;
	if (!converter) {
		diag_error("out of memory");
		return EX_OSERR;
	}
	struct ingest_totals totals = {0};
	struct ingest_converter ingest;
	participants_converter_ingest(converter, &ingest);
	int status = ingest_files(argv + optind, argc - optind, &source_options, &ingest, rejects, &totals, options.verbose);
	uint64_t cells_rejected = participants_converter_cells_rejected(converter);
	if (status == 0 && (totals.rejected || cells_rejected))
		status = EX_DATAERR;
	participants_converter_free(converter);
	status = ingest_finish(status, &totals, writer, rejects, rejects_path);
	codebook_free(codebook);
	register_codebook_free(labels);
	pseudonym_key_wipe(&key);
	char extra[160] = "";
	if (totals.blank)
		snprintf(extra, sizeof extra, " + %lu empty", totals.blank);
	fprintf(stderr, "%s: %lu rows read = %lu courses written%s + %lu rejected", diag_program(), totals.rows,
	        totals.written, extra, totals.rejected);
	if (cells_rejected)
		fprintf(stderr, "; %llu cells unreadable (their courses kept without them)", (unsigned long long)cells_rejected);
	fprintf(stderr, "%s\n", status == EX_OSERR || status == EX_IOERR ? "; the run stopped early, see above"
	        : totals.files_failed                        ? "; some files unusable, see above"
	                                                     : "");
	return status;
}
