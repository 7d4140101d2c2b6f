/*
 * ingest.h — one export file through a converter, the same loop for every kind.
 *
 * Promise: ingest_file() opens the file (row_source.h: any encoding, CSV, JSON or
 * .xlsx), finds the header within the first 30 lines (a title or empty lines above
 * it are skipped and named with -v), skips empty rows (counted), hands every other
 * row to the converter, and logs what the converter rejects (reject.h: scrubbed of
 * personal data) and every cell it could not read; rows read = written + repeated
 * + empty + rejected + skipped (dated before what the reader counts).  A problem
 * with the whole file is an exit status, never a silently short result.
 */
#ifndef IFS_INGEST_H
#define IFS_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "row_source.h"

/* What a converter's row() returns besides 0 (written), 1 (rejected, reason in
 * reason) and -1 (write error or out of memory, errno says which). */
#define INGEST_REPEAT 2         /* the same record again: dropped, not an error */
#define INGEST_REPEAT_KEPT 3    /* the same respondent with other, later answers: written, reason says so */
#define INGEST_REPEAT_DROPPED 4 /* the same respondent with other, earlier answers: dropped, reason says so */
#define INGEST_SKIPPED 5        /* dated before the first day the reader counts: not read past its date */

/* A converter: what the rows of one kind of export become.  self is passed back. */
struct ingest_converter {
	void *self;
	/* 0 when the header binds; -1 with a reason (errno ENOMEM when memory ran out) */
	int (*bind)(void *self, const struct row_source *source, char *error, size_t error_size);
	void (*quiet)(void *self, int quiet); /* while quiet, bind says nothing */
	int (*row)(void *self, const struct row *row, char *reason, size_t reason_size);
	size_t (*cell_problems)(const void *self); /* cells of the last row that could not be read */
	const char *(*cell_problem)(const void *self, size_t i);
	const char *(*personal_id)(const void *self, const struct row *row); /* to scrub from reject files */
	int (*ids_personal)(const void *self);       /* a row that cannot be split is then not kept */
	uint64_t (*day_first_dates)(const void *self);
	uint64_t (*unkept_ids)(const void *self);
	/* What the bound file holds among all only, having no gender column ("answers",
	 * "courses"), or NULL when it has one: ingest says so at its first row, so that a
	 * file with none says only that. */
	const char *(*ungendered)(const void *self);
	/* Optional (NULL: none): the column a bound converter would look at before a row is
	 * split, and how (row_source_peek_at), or SIZE_MAX; a row it declines comes to row()
	 * with unsplit set.  Asked after each bind. */
	size_t (*peek)(void *self, row_source_peek *peek);
};

/* After converter bound source: its peek, if it has one, set on source. */
void ingest_converter_peek(const struct ingest_converter *converter, struct row_source *source);

struct ingest_totals {
	unsigned long rows, written, repeats, blank, rejected, skipped, files_failed;
};
struct reject_log;

/* 0, or an exit status for a problem with the whole file (EX_NOINPUT, EX_DATAERR,
 * EX_OSERR, EX_IOERR); rows rejected are counted in totals, not returned. */
int ingest_file(const char *path, const struct row_source_options *source_options,
                const struct ingest_converter *converter, struct reject_log *rejects, struct ingest_totals *totals,
                int verbose);

/* The same, with a second thread reading the second half of a large CSV
 * file when twin says how (ingest_split.h); the results are ingest_file()'s. */
struct ingest_twin;
int ingest_file_split(const char *path, const struct row_source_options *source_options,
                      const struct ingest_converter *converter, const struct ingest_twin *twin,
                      struct reject_log *rejects, struct ingest_totals *totals, int verbose);

/* Every path in turn ("-" for stdin; none: stdin), the first whole-run failure (out
 * of memory, a write error) ending the loop.  The exit status a tool gives for the
 * files: 0, or the most serious of theirs (EX_IOERR or EX_OSERR over EX_NOINPUT over
 * EX_DATAERR). */
int ingest_files(char *const *paths, int path_count, const struct row_source_options *source_options,
                 const struct ingest_converter *converter, struct reject_log *rejects, struct ingest_totals *totals,
                 int verbose);
int ingest_files_split(char *const *paths, int path_count, const struct row_source_options *source_options,
                       const struct ingest_converter *converter, const struct ingest_twin *twin,
                       struct reject_log *rejects, struct ingest_totals *totals, int verbose);

/*
 * 0 when no file is named twice among paths (under two names too: the same device
 * and inode); else says which on stderr and returns EX_USAGE.  A row without a
 * respondent id, in a file given twice, would count twice, and nothing later could
 * tell.  Names that cannot be opened are left for the reading to report.
 */
int ingest_distinct_inputs(char *const *paths, int count);

/*
 * Begins a tool's run over exports, the same way in each: --insats and --forbund
 * (NULL: not given) must name no person, standard output must not be a terminal
 * (unless terminal_ok: the tool prints no stream), OpenSSL starts, and the key is
 * loaded from key_path when one is given.  0, or the exit status with the reason
 * said on stderr.
 */
struct pseudonym_key;
/*
 * The writer for a tool's record stream on stdout, its start chunk naming the tool
 * and version and, when key is not NULL, the key's fingerprint ("ifs-survey 0.1.0;
 * key 0123456789abcdef"): a reader can then tell streams whose pseudonyms cannot
 * meet.  NULL when out of memory.
 */
struct record_writer *ingest_writer(const char *tool, const struct pseudonym_key *key);

int ingest_start(const char *insats, const char *forbund, int terminal_ok, const char *key_path,
                 struct pseudonym_key *key);

/*
 * Ends a tool's run over exports: the stream is closed (its end chunk written) only
 * when every input was read whole and nothing failed, else abandoned so that every
 * reader fails instead of counting short; then the reject file is closed.  Returns
 * the run's exit status (status, or EX_IOERR for a write error; a reject file that
 * could not be written turns 0 or 65 into EX_IOERR: its record is incomplete).
 */
struct record_writer;
int ingest_finish(int status, const struct ingest_totals *totals, struct record_writer *writer,
                  struct reject_log *rejects, const char *rejects_path);

#endif
