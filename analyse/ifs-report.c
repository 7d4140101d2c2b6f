/* ifs-report — Bilaga 2 tables and draft text from ifs-shares --format json. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "file_text.h"
#include "report.h"

static const char usage_text[] =
	"usage: ifs-report [--format md|html] [--flow FLOW.json] [--note TEXT]... [FILE]\n"
	"       ifs-report --format xlsx -o WORKBOOK.xlsx [--flow FLOW.json] [--note TEXT]... [FILE]\n"
	"Reads the output of ifs-shares --format json (FILE or stdin) and writes Bilaga 2:\n"
	"one section per intervention with a table (goal, indicator, n for women / men, share,\n"
	"target, 95 % interval, verdict in Swedish), footnotes for small numbers, and a draft\n"
	"Swedish paragraph per goal. HTML is one self-contained file, printable on A4, with a\n"
	"chart of the answer distribution per IFS goal.\n"
	"  --format F    md (default), html, or xlsx (an Excel workbook: a sheet per insats with\n"
	"                shares as numbers, the years side by side, and the rows under Underlag)\n"
	"  -o FILE       where to write (needed for xlsx; default: stdout)\n"
	"  --flow FILE   ifs-flow --format json output: a participants table heads each insats\n"
	"                (in a workbook: under the goal table, which starts at row 4 on every sheet)\n"
	"  --note TEXT   a note for the reader under the introduction (\"Obs: TEXT\"),\n"
	"                e.g. that a source's data is from an earlier day; repeatable\n"
	"  -h, --help    --version\n"
	"Exit: 0 ok; 64 usage; 65 input that is not ifs-shares JSON; 66 no input; 74 write error.\n";

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'},
		{"note", required_argument, NULL, 'n'}, {"output", required_argument, NULL, 'o'},
		{"flow", required_argument, NULL, 'F'},
		{"version", no_argument, NULL, 'V'}, {0, 0, 0, 0},
	};
	enum report_format format = REPORT_MARKDOWN;
	int option, xlsx = 0;
	const char *output = NULL, *flow_path = NULL;
	/* At most one per source of a store: a handful. */
	const char *notes[64];
	size_t note_count = 0;
	diag_set_program(argv[0]);
	diag_private_files(0);
	while ((option = getopt_long(argc, argv, "ho:", long_options, NULL)) != -1) {
		switch (option) {
		case 'f':
			if (strcmp(optarg, "md") == 0 || strcmp(optarg, "markdown") == 0)
				format = REPORT_MARKDOWN;
			else if (strcmp(optarg, "html") == 0)
				format = REPORT_HTML;
			else if (strcmp(optarg, "xlsx") == 0)
				xlsx = 1;
			else {
				diag_error("--format: expected md, html or xlsx, not \"%s\"", optarg);
				return EX_USAGE;
			}
			break;
		case 'n':
			if (note_count == sizeof notes / sizeof *notes) {
				diag_error("--note: at most %zu notes", sizeof notes / sizeof *notes);
				return EX_USAGE;
			}
			notes[note_count++] = optarg;
			break;
		case 'o': output = optarg; break;
		case 'F': flow_path = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("ifs-report %s\n", IFS_VERSION); return 0;
		default: fputs(usage_text, stderr); return EX_USAGE;
		}
	}
	if (argc - optind > 1) {
		diag_error("give at most one input file");
		return EX_USAGE;
	}
	if (xlsx && (!output || strcmp(output, "-") == 0)) {
		diag_error("--format xlsx needs -o FILE (a workbook is not written to a pipe)");
		return EX_USAGE;
	}
	if (output && !xlsx && strcmp(output, "-") != 0 && !freopen(output, "w", stdout)) {
		diag_error("%s: cannot create: %s", output, strerror(errno));
		return EX_CANTCREAT;
	}
	const char *path = optind < argc ? argv[optind] : "-";
	int from_stdin = strcmp(path, "-") == 0;
	FILE *in = from_stdin ? stdin : fopen(path, "rb");
	if (!in) {
		diag_error("%s: cannot open: %s", path, strerror(errno));
		return EX_NOINPUT;
	}
	size_t length = 0;
	char *text = file_text_read(in, 256u << 20, &length);
	if (!from_stdin)
		fclose(in);
	if (!text) {
		diag_error("%s: cannot read: %s", path, strerror(errno));
		return EX_DATAERR;
	}
	char error[512] = "";
	char *flow_text = NULL;
	if (flow_path) {
		FILE *flow = fopen(flow_path, "rb");
		size_t flow_length = 0;
		flow_text = flow ? file_text_read(flow, 64u << 20, &flow_length) : NULL;
		if (flow)
			fclose(flow);
		if (!flow_text) {
			diag_error("%s: cannot read: %s", flow_path, strerror(errno));
			free(text);
			return EX_NOINPUT;
		}
	}
	if (xlsx) {
		int written = report_render_xlsx(output, text, from_stdin ? "stdin" : path, notes, note_count, flow_text,
		                                 error, sizeof error);
		free(text);
		free(flow_text);
		if (written)
			diag_error("%s", error);
		return written;
	}
	int status = report_render_with_notes(stdout, text, from_stdin ? "stdin" : path, format, notes, note_count,
	                                      flow_text, error, sizeof error);
	free(text);
	free(flow_text);
	if (status && status != EX_IOERR) {
		diag_error("%s", error);
		return status;
	}
	if (status || fflush(stdout) != 0) {
		diag_error("write error on standard output: %s", strerror(errno));
		return EX_IOERR;
	}
	return 0;
}
