/*
 * ingest_split.h — a large export read by two threads, with the results of one.
 *
 * Promise: ingest_file_split() reads an export as ingest_file() does, and gives
 * the same records in the same order, the same messages, rejects, counts and
 * exit status, whatever the file holds.  When the file is a CSV file of
 * INGEST_SPLIT_MIN_BYTES or more, plain, or a quarter of that gzipped (any size
 * with always), and the machine has the jobs, a twin of the converter reads the
 * second half on another thread;
 * any row of that half that has something to say (a reject, an unreadable
 * cell, a failure) is read again by the first thread, in order; the twin's records
 * are replayed through the first converter, or counted on the twin's thread by a
 * consumer that can adopt them (ifs-shares).  ingest.c
 * drives it; a converter that can be twinned says how through struct ingest_twin.
 */
#ifndef IFS_INGEST_SPLIT_H
#define IFS_INGEST_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "ingest.h"
#include "record_stream.h"
#include "row_source.h"

#define INGEST_SPLIT_MIN_BYTES (8u << 20)
/* A gzip file's cut: percent of the compressed file for the first thread, of the
 * percent it would have of a plain file (ingest_split.c says why). */
#define INGEST_SPLIT_GZIP_SHARE 118
/* ingest_split_at() of a gzip file whose cut the twin has not yet found. */
#define INGEST_SPLIT_PENDING UINT64_MAX
/* What the twin's blocks passed on to the first thread and not yet taken may hold
 * in memory before the others go through a temporary file (spill.h), unless
 * IFS_SPILL_AFTER says otherwise. */
#define INGEST_SPLIT_MEMORY ((size_t)1 << 20)

/* A converter's counters, carried from the twin to the first at the join. */
struct ingest_counts {
	uint64_t day_first, unkept, answers_rejected;
	uint64_t ordinal; /* data rows the converter has seen */
	/* answers and questionnaires without an identifier written: carried only when the
	 * records are adopted (a replay writes them, and counts them as it goes) */
	uint64_t records, anonymous;
};

struct questionnaire_record;

struct record_writer;
struct string_pool;

struct ingest_twin {
	/* A second converter like context's, writing to writer: 0 with *out filled, or -1. */
	int (*make)(void *context, struct record_writer *writer, struct ingest_converter *out);
	void (*free)(void *twin);
	void (*counts)(const void *converter, struct ingest_counts *out);
	void (*add_counts)(void *converter, const struct ingest_counts *add);
	/* One of the twin's questionnaires, its string ids the first converter's pool's,
	 * passed on by the first converter as its row would have been: what a converter's
	 * row() returns (0, INGEST_REPEAT..., -1), the repeat's reason in reason.  line:
	 * its row's line in the file. */
	int (*replay)(void *converter, const struct questionnaire_record *q, unsigned long line, char *reason,
	              size_t reason_size);
	/* A hint that q will be replayed soon (its repeat check's slot fetched); may be NULL. */
	void (*prefetch)(void *converter, const struct questionnaire_record *q);
	/* The first converter's writer id of an insats or förbund name of the twin's, as that
	 * converter spells it (its first spelling of the name); NULL: the name as it is.
	 * UINT32_MAX when out of memory. */
	uint32_t (*place)(void *converter, const char *name);
	/*
	 * Optional, all three or none: for a consumer that can count the twin's records
	 * on the twin's thread (ifs-shares) instead of having them replayed.  sink_make
	 * gives the consumer of the twin's writer, called on the twin's thread with each
	 * record of a clean row, in order, its string ids twin_pool's.  At the join,
	 * adopt takes what that consumer counted into consumer's, as if the records had
	 * been replayed (a converter that checks repeats itself needs the replay).
	 * sink_make, adopt: 0, or -1 with errno set.
	 */
	int (*sink_make)(void *consumer, record_writer_sink *sink, void **sink_context);
	/* Optional: called on the twin's thread after its last record, to finish what
	 * could still fail there (a temporary file written out); -1 throws all away. */
	int (*sink_finish)(void *sink_context);
	int (*adopt)(void *consumer, void *sink_context, const struct string_pool *twin_pool);
	void (*sink_free)(void *sink_context);
	void *consumer;
	void *context;
	struct record_writer *writer; /* the first converter's: the twin's strings are interned there */
	int jobs;   /* threads to use: 1 or 2 */
	int always; /* split any file that can be split, however small (for tests) */
	/* Percent of the file the first thread reads itself (the cut is at the first line
	 * end after it): what evens the two threads out, the first's work at the join
	 * included (less than half when it replays the twin's records and checks them
	 * for repeats).  0: 50. */
	int first_percent;
	/* Open files that must still be allowed (ulimit -n, less those open) for the file
	 * to be split (0: any): for a consumer whose temporary files on two threads are
	 * more than on one, so that a low limit gives one thread's result, not a run that
	 * fails or not as the threads happen to open their files. */
	unsigned open_files_needed;
};

/* 2 when this process may run on two cores or more (sched_getaffinity), else 1. */
int ingest_default_jobs(void);

struct ingest_split;
/* NULL: read with one thread (too small, not a CSV file, or it failed). */
struct ingest_split *ingest_split_start(const char *path, struct row_source *source, const struct ingest_twin *twin);
/* Where the second reader started: the first stops there.  In a gzip file the
 * twin finds that point as it reads: INGEST_SPLIT_PENDING while it has not and
 * offset (where the first reader's next row starts) is known to lie before it
 * (else this waits until one or the other), then the cut, or 0 when it found
 * none (cancel the split). */
uint64_t ingest_split_at(struct ingest_split *split, uint64_t offset);
/* At the cut: the twin's records replayed through the first converter, in order,
 * or what its consumer counted adopted (sink_make), and the source moved past
 * them; or thrown away, and read here (the cut was inside a row, or the twin's
 * consumer could not take a record).  A
 * repeat found in the replay is counted and, when it has a reason, warned of with
 * its row's line, as ingest_file() does.  Frees split.  0, or EX_OSERR / EX_IOERR
 * with errno set when they could not be read back or passed on. */
int ingest_split_join(struct ingest_split *split, struct row_source *source, void *converter,
                      struct ingest_totals *totals);
/* Stops and frees the twin: its records are not used. */
void ingest_split_cancel(struct ingest_split *split);

#endif
