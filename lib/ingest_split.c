/*
 * ingest_split.c — the second half of a large export read by a second thread.
 *
 * The file is cut at the first line end after its middle (or the share the
 * caller's twin asks for, ingest_twin.first_percent).  A twin of the
 * converter reads from there to the end on its own thread, into a buffer of
 * records (a spill: past its memory limit, a temporary file); the first thread
 * reads up to the cut as always.  The cut is a row's
 * start only if the first thread's rows end exactly there (a quoted field may
 * hold line ends): then the twin's records are passed on, in order, as if the
 * first thread had written them, and the first thread goes on after them;
 * otherwise they are thrown away and the first thread reads on alone.  A consumer
 * that can count the twin's records on the twin's thread (ingest_twin.sink_make:
 * ifs-shares) gets them there instead, and at the join adopts what it counted in
 * place of the replay.
 *
 * The twin stops at the first row that would say anything — a rejected row,
 * an unreadable cell, a row the source cannot split, a failure of any kind —
 * and the first thread reads on from that row itself, so every message, reject
 * and line number is the one a single thread gives.  The results are the
 * single thread's, always; the second thread only saves time when there is
 * nothing to say.
 *
 * A gzip file cannot be entered in the middle: the twin inflates it from the
 * start and throws away what it inflates up to about a share of the compressed
 * file (to within 16 KiB of text, row_source_gzip_skip); the next line end is
 * the cut, which the first thread learns when the twin gets there (it reads on
 * meanwhile, but never past a point the twin has not yet passed).  When the twin
 * reads to the end, its reader has checked the CRC-32 and length of every gzip
 * member there, so the first thread need not inflate the second half.  When the
 * twin stops (at a row with something to say, or at damage), the first thread
 * inflates its way there and reads on: the same reader inflates the same bytes,
 * and meets the damage where the twin did.
 */
#define _GNU_SOURCE /* sched_getaffinity: the cores this process may use */
#include "ingest_split.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <sys/resource.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "record_stream.h"
#include "spill.h"
#include "string_pool.h"

/* One questionnaire the twin wrote: its fields and its form (the twin's writer's
 * number); its levels follow it in the spill. */
struct held {
	uint64_t respondent;
	uint32_t date, insats, forbund, form;
	uint32_t line; /* of its row, counted from the cut (1) */
	uint16_t matar;
	uint8_t group, gender, age, flags;
};

/* How many records ahead the replay asks for a repeat check's slot, within a batch
 * of records read back from the spill. */
#define REPLAY_AHEAD 8
#define REPLAY_BATCH 64

struct held_form {
	uint32_t *questions;
	uint8_t *scale_max;
	size_t count;
};

struct twin_run {
	/* set before the thread starts */
	struct row_source *source;
	struct ingest_converter converter; /* the twin; its self is the twin converter */
	const struct ingest_twin *ops;
	struct string_pool *pool;
	struct record_writer *writer;
	atomic_int cancel;
	/* what the twin kept, and the record of the row being read (kept when the row is clean) */
	struct spill *held;
	size_t held_count;
	struct held pending;
	uint8_t pending_levels[QUESTIONNAIRE_MAX_QUESTIONS];
	int has_pending;
	struct held_form *forms;
	size_t form_count;
	int buffer_failed;
	/* ops->sink_make's consumer of the kept records, instead of the spill; a record it
	 * failed to take may be counted in part, so all it took is thrown away */
	record_writer_sink sink;
	void *sink_context;
	int sink_failed, sink_errno;
	unsigned long row_line; /* the line of the row being read, for hold_record */
	/* a gzip file: the compressed bytes to pass over, and where the cut is said */
	uint64_t skip_compressed, skip_after; /* and the first line end after skip_after */
	_Atomic uint64_t *cut, *passed;
	/* where and how it stopped */
	struct ingest_totals totals;
	struct ingest_counts counts;
	int reached_end;
	uint64_t end_offset; /* of the text, when it reached the end */
	unsigned long end_line; /* its own line count there, from 1 */
	uint64_t stop_offset;
	unsigned long stop_line;
};

struct ingest_split {
	struct twin_run run;
	pthread_t thread;
	int started;
	int gzip;
	uint64_t at;
	/* The cut in a gzip file, written once by the twin (INGEST_SPLIT_PENDING until
	 * then, 0 when there is none), and how far its text is known to lie (the cut is
	 * beyond it), which the twin moves on as it passes over the first part: read by
	 * the first thread row by row until the cut is known, on a line of their own. */
	alignas(64) _Atomic uint64_t cut;
	_Atomic uint64_t passed;
	char after_cut[64 - 2 * sizeof(uint64_t)];
};

/* The twin's writer hands each record here. */
static int hold_record(const struct record *record, const struct string_pool *pool, void *context)
{
	(void)pool;
	struct twin_run *run = context;
	if (record->type != RECORD_QUESTIONNAIRE) {
		run->buffer_failed = 1; /* not what a survey export gives: the first thread reads it */
		return 0;
	}
	const struct questionnaire_record *q = &record->u.questionnaire;
	if (q->form >= run->form_count) {
		size_t count = q->form + 1;
		struct held_form *forms = realloc(run->forms, count * sizeof *forms);
		if (!forms)
			return -1;
		run->forms = forms;
		for (size_t f = run->form_count; f < count; f++)
			memset(&forms[f], 0, sizeof forms[f]);
		run->form_count = count;
	}
	struct held_form *form = &run->forms[q->form];
	if (!form->questions) {
		form->questions = malloc(q->count * sizeof *form->questions);
		form->scale_max = malloc(q->count);
		if (!form->questions || !form->scale_max) {
			free(form->questions), free(form->scale_max);
			form->questions = NULL, form->scale_max = NULL;
			return -1;
		}
		memcpy(form->questions, q->questions, q->count * sizeof *q->questions);
		memcpy(form->scale_max, q->scale_max, q->count);
		form->count = q->count;
	}
	if (run->has_pending) {
		run->buffer_failed = 1; /* two records of one row: the first thread reads it */
		return 0;
	}
	struct held *h = &run->pending;
	memset(h, 0, sizeof *h); /* its padding too: the whole struct goes to the spill */
	h->respondent = q->respondent;
	h->date = q->date;
	h->insats = q->insats;
	h->forbund = q->forbund;
	h->form = q->form;
	h->line = run->row_line > UINT32_MAX ? UINT32_MAX : (uint32_t)run->row_line;
	h->matar = q->matar;
	h->group = q->group;
	h->gender = q->gender;
	h->age = q->age;
	h->flags = q->flags;
	memcpy(run->pending_levels, q->levels, q->count);
	run->has_pending = 1;
	return 0;
}

/* A held questionnaire as a record again, its string ids and form still the twin's. */
static void questionnaire_of_held(const struct held *h, const struct held_form *form, const uint8_t *levels,
                                  struct questionnaire_record *q)
{
	q->respondent = h->respondent;
	q->date = h->date;
	q->insats = h->insats;
	q->forbund = h->forbund;
	q->matar = h->matar;
	q->group = h->group;
	q->gender = h->gender;
	q->age = h->age;
	q->flags = h->flags;
	q->count = form->count;
	q->questions = form->questions;
	q->scale_max = form->scale_max;
	q->form = h->form;
	memcpy(q->levels, levels, form->count);
}

/* The row's record into the spill: 0, or -1 when it could not be kept. */
static int keep_pending(struct twin_run *run)
{
	if (!run->has_pending)
		return 0;
	run->has_pending = 0;
	if (run->sink) {
		struct record record = {.type = RECORD_QUESTIONNAIRE};
		questionnaire_of_held(&run->pending, &run->forms[run->pending.form], run->pending_levels,
		                      &record.u.questionnaire);
		if (run->sink(&record, run->pool, run->sink_context) != 0) {
			run->sink_failed = 1;
			run->sink_errno = errno ? errno : ENOMEM;
			return -1;
		}
		run->held_count++;
		return 0;
	}
	if (spill_append(run->held, &run->pending, sizeof run->pending) < 0 ||
	    spill_append(run->held, run->pending_levels, run->forms[run->pending.form].count) < 0)
		return -1; /* a part of it may be in the spill, after the records counted */
	run->held_count++;
	return 0;
}

static void *twin_read(void *context)
{
	struct twin_run *run = context;
	const struct ingest_converter *c = &run->converter;
	char reason[512];
	struct row row;
	if (run->cut) {
		uint64_t cut = 0;
		int found;
		while ((found = atomic_load(&run->cancel)
		                    ? -1
		                    : row_source_gzip_skip(run->source, run->skip_compressed, run->skip_after, &cut)) == 0)
			atomic_store(run->passed, row_source_offset(run->source));
		atomic_store(run->cut, found == 1 ? cut : 0); /* 0: none, and the first thread reads it all */
		if (found != 1)
			return NULL;
	}
	for (;;) {
		uint64_t offset = row_source_offset(run->source);
		unsigned long line = row_source_line(run->source);
		run->has_pending = 0;
		int got = atomic_load(&run->cancel) ? -1 : row_source_next(run->source, &row);
		if (got == 0) {
			run->reached_end = 1;
			run->end_offset = row_source_offset(run->source);
			run->end_line = row_source_line(run->source);
			break;
		}
		int clean = got == 1 && !row.problem && row.line < UINT32_MAX;
		int blank = clean && row_is_blank(&row);
		run->row_line = clean ? row.line : 0;
		int skipped = 0;
		if (clean && !blank) {
			int result = c->row(c->self, &row, reason, sizeof reason);
			skipped = result == INGEST_SKIPPED;
			clean = (result == 0 || skipped) && c->cell_problems(c->self) == 0;
		}
		if (!clean || run->buffer_failed || keep_pending(run) < 0) {
			/* the first thread reads this row itself, and says what there is to say
			 * (a record the spill could not keep, too: it reads on alone);
			 * run->counts are still those before it */
			run->stop_offset = offset;
			run->stop_line = line;
			break;
		}
		run->totals.rows++;
		run->totals.blank += blank; /* the others are counted as they are replayed */
		run->totals.skipped += skipped;
		run->ops->counts(c->self, &run->counts);
	}
	if (run->sink && !run->sink_failed && run->ops->sink_finish && run->ops->sink_finish(run->sink_context) < 0) {
		run->sink_failed = 1;
		run->sink_errno = errno ? errno : ENOMEM;
	}
	return NULL;
}

static void twin_run_free(struct twin_run *run)
{
	if (run->converter.self)
		run->ops->free(run->converter.self);
	record_writer_abandon(run->writer);
	string_pool_free(run->pool);
	row_source_close(run->source);
	for (size_t f = 0; f < run->form_count; f++) {
		free(run->forms[f].questions);
		free(run->forms[f].scale_max);
	}
	free(run->forms);
	spill_free(run->held);
	if (run->sink_context)
		run->ops->sink_free(run->sink_context);
}

/* The first line end at or after percent of the file, plus one: where the second
 * reader starts.  0 when there is none worth splitting at. */
static uint64_t cut_point(const char *path, uint64_t size, uint64_t after, int percent)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	uint64_t share = size / 100 * (uint64_t)percent;
	uint64_t at = share > after ? share : after;
	char block[65536];
	uint64_t cut = 0;
	for (int blocks = 0; !cut && blocks < 64 && at < size; blocks++) {
		ssize_t got = pread(fd, block, sizeof block, (off_t)at);
		if (got <= 0)
			break;
		char *newline = memchr(block, '\n', (size_t)got);
		if (newline)
			cut = at + (uint64_t)(newline - block) + 1;
		at += (uint64_t)got;
	}
	close(fd);
	return cut < size ? cut : 0;
}

/* The files this process has open (inherited ones too), from /proc/self/fd; 0 where
 * that cannot be read. */
static uint64_t open_files(void)
{
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		return 0;
	uint64_t count = 0;
	for (struct dirent *entry; (entry = readdir(dir));)
		count += entry->d_name[0] != '.';
	closedir(dir);
	return count > 0 ? count - 1 : 0; /* not the directory's own */
}

struct ingest_split *ingest_split_start(const char *path, struct row_source *source, const struct ingest_twin *ops)
{
	uint64_t size;
	if (!ops || ops->jobs < 2 || !row_source_splittable(source, &size))
		return NULL;
	int gzip = row_source_gzipped(source);
	/* a gzip file's text is some times its size: a quarter of the plain minimum */
	if (!ops->always && (gzip ? size < INGEST_SPLIT_MIN_BYTES / 4 : size < INGEST_SPLIT_MIN_BYTES))
		return NULL;
	struct rlimit files;
	if (ops->open_files_needed && getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
		uint64_t open = open_files(), free_files = files.rlim_cur > open ? files.rlim_cur - open : 0;
		if (free_files < ops->open_files_needed) {
			if (getenv("IFS_SPLIT_TRACE"))
				diag_error("split: not split: %llu more open files allowed (ulimit -n %llu, %llu open), fewer "
				           "than the %u two threads may need", (unsigned long long)free_files,
				           (unsigned long long)files.rlim_cur, (unsigned long long)open, ops->open_files_needed);
			return NULL;
		}
	}
	int percent = ops->first_percent > 0 && ops->first_percent < 100 ? ops->first_percent : 50;
	/* The twin passes over the first thread's part before it reads its own: measured
	 * on the bench export, the first's share of the compressed file is then best at
	 * about 1.1 times its share of a plain one. */
	if (gzip)
		percent = percent * INGEST_SPLIT_GZIP_SHARE / 100;
	/* For tests: where the cut falls, so that a test can put a row's trouble there. */
	const char *forced = getenv("IFS_SPLIT_PERCENT");
	if (forced && atoi(forced) > 0 && atoi(forced) < 100)
		percent = atoi(forced);
	uint64_t at = gzip ? INGEST_SPLIT_PENDING : cut_point(path, size, row_source_offset(source), percent);
	if (!at)
		return NULL;
	struct ingest_split *split = calloc(1, sizeof *split);
	if (!split)
		return NULL;
	struct twin_run *run = &split->run;
	char error[512];
	split->at = at;
	split->gzip = gzip;
	atomic_init(&split->cut, at);
	atomic_init(&split->passed, row_source_offset(source));
	run->ops = ops;
	if (gzip) {
		run->skip_compressed = size / 100 * (uint64_t)percent;
		run->skip_after = row_source_offset(source);
		run->cut = &split->cut;
		run->passed = &split->passed;
		run->source = row_source_open_gzip_part(source, path, error, sizeof error);
	} else {
		run->source = row_source_open_part(source, path, at, error, sizeof error);
	}
	run->held = spill_new(spill_limit_from_environment(INGEST_SPLIT_MEMORY, NULL));
	run->pool = string_pool_new();
	run->writer = run->pool ? record_writer_to_callback(run->pool, hold_record, run) : NULL;
	if (run->pool && ops->sink_make && ops->sink_make(ops->consumer, &run->sink, &run->sink_context) < 0)
		run->sink = NULL, run->sink_context = NULL; /* and then no twin at all: */
	if (!run->source || !run->held || !run->writer || (ops->sink_make && !run->sink) ||
	    ops->make(ops->context, run->writer, &run->converter) < 0) {
		twin_run_free(run);
		free(split);
		return NULL; /* one thread, then */
	}
	run->converter.quiet(run->converter.self, 1);
	int bound = run->converter.bind(run->converter.self, run->source, error, sizeof error);
	if (bound == 0)
		ingest_converter_peek(&run->converter, run->source);
	if (bound < 0 || pthread_create(&split->thread, NULL, twin_read, run) != 0) {
		twin_run_free(run);
		free(split);
		return NULL;
	}
	split->started = 1;
	return split;
}

uint64_t ingest_split_at(struct ingest_split *split, uint64_t offset)
{
	uint64_t cut;
	/* Not past what the twin has passed: the first thread must not read beyond a cut
	 * it does not know, or the split would be lost (or, worse, hang on how fast each
	 * thread happened to be).  The wait is short: the twin inflates three times as
	 * fast as the first thread reads. */
	while ((cut = atomic_load(&split->cut)) == INGEST_SPLIT_PENDING && atomic_load(&split->passed) <= offset) {
		struct timespec pause = {0, 20000};
		nanosleep(&pause, NULL);
	}
	return cut;
}

void ingest_split_cancel(struct ingest_split *split)
{
	if (!split)
		return;
	if (split->started) {
		atomic_store(&split->run.cancel, 1);
		pthread_join(split->thread, NULL);
	}
	twin_run_free(&split->run);
	free(split);
}

/* A string id of the twin's pool as the first writer has it. */
static uint32_t main_id(const struct ingest_twin *ops, void *self, const struct string_pool *twin_pool, uint32_t id,
                        uint32_t *map, int *failed)
{
	const char *text = string_pool_get(twin_pool, id);
	if (!text)
		return id;
	if (map[id] == UINT32_MAX &&
	    (map[id] = ops->place ? ops->place(self, text) : record_writer_string(ops->writer, text)) == UINT32_MAX)
		*failed = 1, errno = ENOMEM;
	return map[id];
}

/* The twin's counts and totals to the first converter's, and the source moved on
 * after the twin's rows: to the end, or to the row it left.  0, or EX_IOERR with
 * *error set. */
static int take_twin_counts(struct ingest_split *split, struct row_source *source, void *self,
                            struct ingest_totals *totals, int *error)
{
	struct twin_run *run = &split->run;
	run->ops->add_counts(self, &run->counts);
	totals->rows += run->totals.rows;
	totals->blank += run->totals.blank;
	totals->skipped += run->totals.skipped;
	unsigned long line = row_source_line(source);
	/* At the twin's own end, not at the size the file had when the split began: rows
	 * written to a growing file meanwhile were read by the twin, and are not read
	 * again; rows written after it are read by this reader, as one thread would. */
	if (run->reached_end && split->gzip ? row_source_end_at(source, run->end_offset, line + run->end_line - 1) < 0
	    : run->reached_end             ? row_source_seek(source, run->end_offset, line + run->end_line - 1) < 0
	                                   : row_source_seek(source, run->stop_offset, line + run->stop_line - 1) < 0) {
		*error = errno;
		return EX_IOERR;
	}
	return 0;
}

/* The join when the consumer counted the twin's records itself (ops->sink_make):
 * what it counted is adopted, in place of the replay. */
static int adopt_twin(struct ingest_split *split, struct row_source *source, void *self,
                      struct ingest_totals *totals)
{
	struct twin_run *run = &split->run;
	int status = 0, error = 0;
	if (run->ops->adopt(run->ops->consumer, run->sink_context, run->pool) < 0) {
		error = errno ? errno : ENOMEM;
		status = error == ENOMEM ? EX_OSERR : EX_IOERR;
	} else {
		totals->written += run->held_count;
		status = take_twin_counts(split, source, self, totals, &error);
	}
	twin_run_free(run);
	free(split);
	errno = error;
	return status;
}

int ingest_split_join(struct ingest_split *split, struct row_source *source, void *self,
                      struct ingest_totals *totals)
{
	struct twin_run *run = &split->run;
	const struct ingest_twin *ops = run->ops;
	int trace = getenv("IFS_SPLIT_TRACE") != NULL;
	split->at = atomic_load(&split->cut);
	if (row_source_offset(source) != split->at) {
		if (trace)
			diag_error("split: cut at byte %llu fell inside a row: read by one thread", (unsigned long long)split->at);
		ingest_split_cancel(split); /* the cut was inside a row: all of it is read here */
		return 0;
	}
	pthread_join(split->thread, NULL);
	split->started = 0;
	if (trace && run->reached_end)
		diag_error("split: cut at byte %llu (line %lu): the second thread read %lu rows to the end",
		           (unsigned long long)split->at, row_source_line(source), run->totals.rows);
	else if (trace)
		diag_error("split: cut at byte %llu (line %lu): the second thread read %lu rows, and left line %lu to the first",
		           (unsigned long long)split->at, row_source_line(source), run->totals.rows,
		           row_source_line(source) + run->stop_line - 1);
	if (run->sink && run->sink_failed) {
		/* The twin's consumer could not take a record (memory, or a temporary file):
		 * what it took is thrown away, and the first thread reads the rest itself,
		 * where whatever went wrong is its own to meet and say, as with one thread. */
		if (trace)
			diag_error("split: the second thread could not keep what it read (%s): read by one thread",
			           strerror(run->sink_errno));
		ingest_split_cancel(split);
		return 0;
	}
	if (run->sink)
		return adopt_twin(split, source, self, totals);
	struct ingest_counts base;
	ops->counts(self, &base);
	uint32_t count = string_pool_count(run->pool);
	uint32_t *map = malloc(((size_t)count + 1) * sizeof *map);
	int failed = !map;
	errno = failed ? ENOMEM : 0;
	for (uint32_t i = 0; map && i <= count; i++)
		map[i] = UINT32_MAX;
	unsigned long line_at_cut = row_source_line(source);
	char reason[512];
	struct held batch[REPLAY_BATCH];
	uint8_t batch_levels[REPLAY_BATCH][QUESTIONNAIRE_MAX_QUESTIONS];
	if (!failed && spill_rewind(run->held) < 0)
		failed = 1;
	for (size_t first = 0; !failed && first < run->held_count; first += REPLAY_BATCH) {
		size_t in_batch = run->held_count - first < REPLAY_BATCH ? run->held_count - first : REPLAY_BATCH;
		for (size_t b = 0; b < in_batch && !failed; b++) {
			const void *piece = spill_read(run->held, sizeof batch[b]);
			if (piece)
				memcpy(&batch[b], piece, sizeof batch[b]);
			const void *levels = piece ? spill_read(run->held, run->forms[batch[b].form].count) : NULL;
			if (!levels) {
				if (!errno)
					errno = EIO; /* fewer records than the twin counted */
				failed = 1;
			} else {
				memcpy(batch_levels[b], levels, run->forms[batch[b].form].count);
			}
		}
		for (size_t b = 0; b < in_batch && !failed; b++) {
			const struct held *h = &batch[b];
			if (ops->prefetch && b + REPLAY_AHEAD < in_batch) {
				/* The repeat check's slot of a record a few on (a cache miss in a large set).
				 * Only with an insats already known: a string is interned when its record is
				 * replayed, as its row would have interned it, so the stream's string table
				 * grows chunk by chunk as with one thread. */
				const struct held *ahead = &batch[b + REPLAY_AHEAD];
				if (string_pool_get(run->pool, ahead->insats) && map[ahead->insats] != UINT32_MAX) {
					struct questionnaire_record key = {.respondent = ahead->respondent,
					                                   .insats = map[ahead->insats], .group = ahead->group,
					                                   .flags = ahead->flags};
					ops->prefetch(self, &key);
				}
			}
			struct questionnaire_record q;
			/* its questions stay the twin's ids: the first converter has its own */
			questionnaire_of_held(h, &run->forms[h->form], batch_levels[b], &q);
			q.insats = main_id(ops, self, run->pool, h->insats, map, &failed);
			q.forbund = main_id(ops, self, run->pool, h->forbund, map, &failed);
			q.form = 0;
			if (!(q.flags & ANSWER_IDENTIFIED))
				q.respondent += base.ordinal; /* the row's ordinal in the whole file */
			if (failed)
				break;
			unsigned long row_line = line_at_cut + h->line - 1;
			int result = ops->replay(self, &q, row_line, reason, sizeof reason);
			if (result < 0) {
				failed = 1;
				break;
			}
			if (result == INGEST_REPEAT_KEPT || result == INGEST_REPEAT_DROPPED)
				diag_warn("%s:%lu: %s", row_source_name(source), row_line, reason);
			if (result == 0 || result == INGEST_REPEAT_KEPT)
				totals->written++;
			else
				totals->repeats++;
		}
	}
	int error = errno;
	free(map);
	int status = 0;
	if (failed) {
		status = error == ENOMEM ? EX_OSERR : EX_IOERR;
	} else {
		run->counts.records = run->counts.anonymous = 0; /* the replay wrote them, and counted them */
		status = take_twin_counts(split, source, self, totals, &error);
	}
	twin_run_free(run);
	free(split);
	errno = error;
	return status;
}

int ingest_default_jobs(void)
{
	/* the cores this process may run on (taskset, a container's share), not the machine's */
	cpu_set_t cores;
	return sched_getaffinity(0, sizeof cores, &cores) == 0 && CPU_COUNT(&cores) >= 2 ? 2 : 1;
}
