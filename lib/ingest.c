/*
 * ingest.c — one export through a converter: the loop every tool that reads
 * exports runs (ifs-survey, ifs-participants, and ifs-shares given an export).
 * The converter says what a row becomes; this file finds the header, skips empty
 * rows, logs rejects and counts, the same way for every kind of export.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "rejects.h"
#include "row_source.h"
#include "spill.h"
#include "ingest.h"
#include "ingest_split.h"
#include "personal_data.h"
#include "pseudonym.h"
#include "record_stream.h"
#include "survey.h"

/* How far down the header may stand, under a title and empty lines. */
#define HEADER_SEARCH_LINES 30

int ingest_file(const char *path, const struct row_source_options *source_options,
                const struct ingest_converter *converter, struct reject_log *rejects, struct ingest_totals *totals,
                int verbose)
{
	return ingest_file_split(path, source_options, converter, NULL, rejects, totals, verbose);
}

int ingest_file_split(const char *path, const struct row_source_options *source_options,
                      const struct ingest_converter *converter, const struct ingest_twin *twin,
                      struct reject_log *rejects, struct ingest_totals *totals, int verbose)
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
	converter->quiet(converter->self, 1);
	errno = 0;
	int bound = converter->bind(converter->self, source, error, sizeof error);
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
			bound = converter->bind(converter->self, source, error, sizeof error);
			if (bound < 0 && errno == ENOMEM)
				break;
		}
		if (bound < 0 && errno != ENOMEM)
			snprintf(error, sizeof error, "%s", first_error);
	}
	converter->quiet(converter->self, 0);
	if (bound == 0) {
		if (verbose && row_source_header_line(source) > 1)
			diag_error("%s: header on line %lu; the %lu line(s) above it (a title, empty lines) skipped",
			           row_source_name(source), row_source_header_line(source), row_source_header_line(source) - 1);
		errno = 0;
		bound = converter->bind(converter->self, source, error, sizeof error); /* again, aloud: -v and warnings */
	}
	if (bound < 0) {
		int out_of_memory = errno == ENOMEM;
		diag_error("%s", error);
		totals->files_failed++;
		row_source_close(source);
		return out_of_memory ? EX_OSERR : EX_DATAERR;
	}
	ingest_converter_peek(converter, source);
	char description[512];
	if (verbose) {
		row_source_describe(source, description, sizeof description);
		diag_error("%s: %s", row_source_name(source), description);
	}
	if (row_source_notice(source, description, sizeof description))
		diag_warn("%s", description);
	unsigned long rows_before = totals->rows, blank_before = totals->blank;
	uint64_t unkept_before = converter->unkept_ids(converter->self);
	uint64_t day_first_before = converter->day_first_dates(converter->self);
	struct row row;
	int got;
	const char *ungendered = converter->ungendered ? converter->ungendered(converter->self) : NULL;
	struct ingest_split *split = twin && strcmp(path, "-") != 0 ? ingest_split_start(path, source, twin) : NULL;
	if (!split)
		row_source_read_ahead(source);
	/* asked for until known (a gzip file's twin finds it as it goes), then read no more */
	uint64_t split_at = split ? INGEST_SPLIT_PENDING : UINT64_MAX;
	for (;;) {
		if (split && split_at == INGEST_SPLIT_PENDING &&
		    (split_at = ingest_split_at(split, row_source_offset(source))) == 0) {
			if (getenv("IFS_SPLIT_TRACE"))
				diag_error("split: the second thread found no cut in the gzip file: read by one thread");
			ingest_split_cancel(split);
			split = NULL;
			split_at = UINT64_MAX;
			row_source_read_ahead(source);
		}
		if (split && row_source_offset(source) >= split_at) {
			/* the second half, read meanwhile by the twin, joins here */
			int joined = ingest_split_join(split, source, converter->self, totals);
			split = NULL;
			row_source_read_ahead(source); /* what is left of a gzip file, if anything */
			if (joined) {
				int failure = errno;
				char text[600];
				if (spill_file_failed()) {
					spill_describe_failure(text, sizeof text, failure);
					diag_error("%s: %s", row_source_name(source), text);
				} else
					diag_error("%s: cannot pass on the records the second thread read: %s",
					           row_source_name(source), strerror(failure));
				status = joined;
				got = 0;
				break;
			}
		}
		if ((got = row_source_next(source, &row)) != 1)
			break;
		totals->rows++;
		if (row_is_blank(&row)) {
			totals->blank++;
			continue;
		}
		if (ungendered) {
			diag_warn("%s: no gender column (Kön): its %s count among all, not among women or men",
			          row_source_name(source), ungendered);
			ungendered = NULL;
		}
		int result = converter->row(converter->self, &row, reason, sizeof reason);
		if (result < 0) {
			/* errno tells which: the stream could not be written, or memory ran out */
			int out_of_memory = errno == ENOMEM, failure = errno;
			char text[600];
			if (spill_file_failed()) {
				spill_describe_failure(text, sizeof text, failure);
				diag_error("%s:%lu: %s", row_source_name(source), row.line, text);
			} else
				diag_error("%s:%lu: cannot write the record stream: %s", row_source_name(source), row.line,
				           strerror(errno));
			status = out_of_memory ? EX_OSERR : EX_IOERR;
			break;
		}
		if (result == INGEST_REPEAT_KEPT || result == INGEST_REPEAT_DROPPED)
			diag_warn("%s:%lu: %s", row_source_name(source), row.line, reason);
		/* Cells whose answer could not be read: the row is kept, and each is reported and
		 * kept in the reject file beside the row (scrubbed) it came from.  A repeat's too:
		 * whether a row repeats an earlier one may be known only at the end of the run
		 * (survey.h, past its memory), and what is said must not depend on when. */
		int kept = result == 0 || result == INGEST_REPEAT_KEPT || result == INGEST_REPEAT ||
		           result == INGEST_REPEAT_DROPPED;
		for (size_t i = 0; kept && i < converter->cell_problems(converter->self); i++)
			if (reject_log_scrubbed_row(rejects, row_source_name(source), row.line,
			                            converter->cell_problem(converter->self, i), row.raw, row.raw_length,
			                            converter->personal_id(converter->self, &row), 1) < 0) {
				diag_error("%s:%lu: out of memory", row_source_name(source), row.line);
				status = EX_OSERR;
				break;
			}
		if (status == EX_OSERR)
			break;
		if (result == 0 || result == INGEST_REPEAT_KEPT) {
			totals->written++;
		} else if (result == INGEST_SKIPPED) {
			totals->skipped++;
		} else if (result == INGEST_REPEAT || result == INGEST_REPEAT_DROPPED) {
			totals->repeats++;
		} else {
			totals->rejected++;
			/* Scrubbed of personnummer and of the personal id (survey.h says which); a row
			 * that could not be split is not kept when the file's ids are personal. */
			if (reject_log_scrubbed_row(rejects, row_source_name(source), row.line, reason, row.raw,
			                            row.raw_length, converter->personal_id(converter->self, &row),
			                            !(row.problem && converter->ids_personal(converter->self))) < 0) {
				diag_error("%s:%lu: out of memory", row_source_name(source), row.line);
				status = EX_OSERR;
				break;
			}
		}
	}
	ingest_split_cancel(split); /* the loop ended before the cut */
	uint64_t day_first = converter->day_first_dates(converter->self) - day_first_before;
	if (day_first)
		diag_warn("%s: %llu dates written D/M/YYYY were read day first, the Swedish way (1/3/2022 is 1 March 2022)",
		          row_source_name(source), (unsigned long long)day_first);
	uint64_t unkept = converter->unkept_ids(converter->self) - unkept_before;
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


void ingest_converter_peek(const struct ingest_converter *converter, struct row_source *source)
{
	row_source_peek peek = NULL;
	size_t column = converter->peek ? converter->peek(converter->self, &peek) : SIZE_MAX;
	if (column != SIZE_MAX && peek)
		row_source_peek_at(source, column, peek, converter->self);
}

int ingest_files(char *const *paths, int path_count, const struct row_source_options *source_options,
                 const struct ingest_converter *converter, struct reject_log *rejects, struct ingest_totals *totals,
                 int verbose)
{
	return ingest_files_split(paths, path_count, source_options, converter, NULL, rejects, totals, verbose);
}

int ingest_files_split(char *const *paths, int path_count, const struct row_source_options *source_options,
                       const struct ingest_converter *converter, const struct ingest_twin *twin,
                       struct reject_log *rejects, struct ingest_totals *totals, int verbose)
{
	static char stdin_name[] = "-";
	char *stdin_only[] = {stdin_name};
	if (path_count <= 0)
		paths = stdin_only, path_count = 1;
	int status = 0;
	for (int i = 0; i < path_count && status != EX_IOERR && status != EX_OSERR; i++) {
		int file_status = ingest_file_split(paths[i], source_options, converter, twin, rejects, totals, verbose);
		if (file_status && (status == 0 || file_status == EX_IOERR || file_status == EX_OSERR ||
		                    file_status == EX_NOINPUT))
			status = file_status;
	}
	return status;
}

int ingest_distinct_inputs(char *const *paths, int count)
{
	for (int i = 0; i < count; i++) {
		struct stat a;
		if (strcmp(paths[i], "-") == 0 || stat(paths[i], &a) < 0 || !S_ISREG(a.st_mode))
			continue;
		for (int j = 0; j < i; j++) {
			struct stat b;
			if (strcmp(paths[j], "-") != 0 && stat(paths[j], &b) == 0 && a.st_dev == b.st_dev &&
			    a.st_ino == b.st_ino) {
				if (strcmp(paths[i], paths[j]) == 0)
					diag_error("%s: given twice: name each input once (a row without a respondent id would "
					           "count twice)", paths[i]);
				else
					diag_error("%s: the same file as %s: name each input once (a row without a respondent id "
					           "would count twice)", paths[i], paths[j]);
				return EX_USAGE;
			}
		}
	}
	return 0;
}

struct record_writer *ingest_writer(const char *tool, const struct pseudonym_key *key)
{
	char producer[96], fingerprint[17];
	if (key && pseudonym_key_fingerprint(key, fingerprint) < 0)
		return NULL;
	snprintf(producer, sizeof producer, "%s %s%s%s", tool, IFS_VERSION, key ? "; key " : "", key ? fingerprint : "");
	return record_writer_open(stdout, producer);
}

int ingest_start(const char *insats, const char *forbund, int terminal_ok, const char *key_path,
                 struct pseudonym_key *key)
{
	/* Both are written into every record that names them. */
	if ((insats && personal_data_present(insats, strlen(insats))) ||
	    (forbund && personal_data_present(forbund, strlen(forbund)))) {
		diag_error("--insats and --forbund name an intervention and an association, not a person");
		return EX_USAGE;
	}
	if (!terminal_ok && diag_refuse_terminal_stdout() < 0)
		return EX_USAGE;
	if (spill_start() < 0)
		return EX_USAGE;
	if (crypto_start() < 0) {
		diag_error("cannot start OpenSSL (out of memory?)");
		return EX_OSERR;
	}
	if (!key_path)
		return 0;
	char error[1024] = "";
	int status = pseudonym_key_load(key_path, key, error, sizeof error);
	if (status)
		diag_error("%s", error);
	return status;
}

int ingest_finish(int status, const struct ingest_totals *totals, struct record_writer *writer,
                  struct reject_log *rejects, const char *rejects_path)
{
	if (status == EX_IOERR || status == EX_OSERR || totals->files_failed) {
		/* An unusable or truncated input must not pass downstream as a complete
		 * stream: without its end chunk every reader fails instead of counting short. */
		record_writer_abandon(writer);
		if (totals->files_failed && status != EX_IOERR && status != EX_OSERR)
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
	return status;
}
