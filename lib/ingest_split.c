/*
 * ingest_split.c — the second half of a large export read by a second thread.
 *
 * The file is cut at the first line end after its middle (or the share the
 * caller's twin asks for, ingest_twin.first_percent).  A twin of the
 * converter reads from there to the end on its own thread, and passes its
 * records on in blocks (past a memory limit, through a temporary file); the
 * first thread reads up to the cut as always.  The cut is a row's
 * start only if the first thread's rows end exactly there (a quoted field may
 * hold line ends): then the twin's records are passed on, in order, as if the
 * first thread had written them, and the first thread goes on after them;
 * otherwise they are thrown away and the first thread reads on alone.  A consumer
 * that can count the twin's records on the twin's thread (ingest_twin.sink_make:
 * ifs-shares) gets them there instead, and at the join adopts what it counted in
 * place of the replay.
 *
 * The twin's records go to the first thread in blocks (struct held_block), each
 * passed on as it fills: the first thread, once it has read up to the cut, replays
 * them while the twin reads on, so that the replay, which only one thread can do
 * (the repeat check and the stream keep the file's order), overlaps the twin's
 * reading instead of following it.
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
 * number); its levels follow it in its block ('Q' below). */
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
	int passed_on; /* the twin's: its 'F' entry is in a block */
};

/*
 * The twin's records on their way to the first thread (unless a consumer counts them
 * on the twin's thread): blocks of HELD_BLOCK bytes, each passed on when it is full.
 * Blocks passed on and not yet taken are kept in memory up to the split's limit
 * (INGEST_SPLIT_MEMORY, or IFS_SPILL_AFTER), the others in a temporary file.  A block
 * holds whole entries, each a tag byte and then
 *   'S' a string of the twin's pool, before the first record that names it: its id
 *       and length (uint32_t each), its bytes;
 *   'F' a form, before its first record: its number and question count (uint32_t
 *       each), the question ids (uint32_t each), the scale maxima (a byte each);
 *   'Q' a questionnaire: struct held, then a level per question of its form.
 * Strings and forms travel with the records because the twin's pool and forms change
 * on the twin's thread while the first thread replays.
 */
#define HELD_BLOCK (64u << 10)

struct held_block {
	struct held_block *next;
	uint8_t *data;   /* NULL: in the file, at offset */
	uint64_t offset;
	size_t length;
};

/* Where the twin stood when the block being filled got its first record: where it
 * stops, and what it has counted, when that block cannot be passed on. */
struct block_start {
	uint64_t offset;
	unsigned long line;
	uint64_t rows, blank, skipped;
};

struct twin_run {
	/* set before the thread starts */
	struct row_source *source;
	struct ingest_converter converter; /* the twin; its self is the twin converter */
	const struct ingest_twin *ops;
	struct string_pool *pool;
	struct record_writer *writer;
	atomic_int cancel;
	/* the queue of blocks: first..last, memory (bytes of those in memory) and done
	 * (the twin has passed on its last block) under lock; fd and file_length are the
	 * twin's (fd is set before the first block in the file is passed on) */
	pthread_mutex_t lock;
	pthread_cond_t ready;
	int lock_made;
	struct held_block *first, *last;
	size_t memory, memory_limit;
	int done;
	int fd;
	uint64_t file_length;
	uint8_t *filling; /* the twin's block being filled, and its questionnaires */
	size_t filled, filling_records;
	struct block_start filling_start;
	struct ingest_counts filling_counts;
	uint8_t *strings_passed_on; /* by twin pool id: its 'S' entry is in a block */
	size_t strings_passed_on_size;
	size_t held_count;
	/* the record of the row being read (kept when the row is clean) */
	struct held pending;
	uint8_t pending_levels[QUESTIONNAIRE_MAX_QUESTIONS];
	int has_pending;
	struct held_form *forms;
	size_t form_count;
	int buffer_failed;
	/* ops->sink_make's consumer of the kept records, instead of the blocks; a record it
	 * failed to take may be counted in part, so all it took is thrown away */
	record_writer_sink sink;
	void *sink_context;
	int sink_failed, sink_errno;
	unsigned long row_line; /* the line of the row being read, for hold_record */
	uint64_t row_offset;         /* where the row being read starts, and its line there */
	unsigned long row_start_line;
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

/* The twin's block passed on to the first thread: into the queue in memory while
 * what is there is under the limit, else through the file.  0, or -1 with errno set
 * (the block is not passed on). */
static int pass_block_on(struct twin_run *run)
{
	if (!run->filled)
		return 0;
	struct held_block *block = calloc(1, sizeof *block);
	if (!block)
		return -1;
	block->length = run->filled;
	pthread_mutex_lock(&run->lock);
	int in_memory = run->memory + run->filled <= run->memory_limit;
	pthread_mutex_unlock(&run->lock);
	if (in_memory) {
		block->data = run->filling;
		run->filling = NULL;
	} else {
		if (run->fd < 0 && (run->fd = spill_temporary_file()) < 0) {
			free(block);
			return -1;
		}
		if (spill_file_write(run->fd, run->filling, run->filled, run->file_length) < 0) {
			free(block);
			return -1;
		}
		block->offset = run->file_length;
		run->file_length += run->filled;
	}
	pthread_mutex_lock(&run->lock);
	if (block->data)
		run->memory += block->length;
	if (run->last)
		run->last->next = block;
	else
		run->first = block;
	run->last = block;
	pthread_cond_signal(&run->ready);
	pthread_mutex_unlock(&run->lock);
	run->held_count += run->filling_records;
	run->filled = run->filling_records = 0;
	return 0;
}

/* Room for an entry of length bytes in the block being filled (the block passed on
 * first when it is too full): a pointer to it, or NULL with errno set. */
static uint8_t *entry_room(struct twin_run *run, size_t length)
{
	if (length > HELD_BLOCK) {
		errno = E2BIG;
		return NULL;
	}
	if (run->filled + length > HELD_BLOCK && pass_block_on(run) < 0)
		return NULL;
	if (!run->filling && !(run->filling = malloc(HELD_BLOCK)))
		return NULL;
	if (run->filled == 0) {
		/* what the twin stops at, and has counted, should this block not be passed on */
		run->filling_start = (struct block_start){run->row_offset, run->row_start_line, run->totals.rows,
		                                          run->totals.blank, run->totals.skipped};
		run->filling_counts = run->counts;
	}
	uint8_t *room = run->filling + run->filled;
	run->filled += length;
	return room;
}

/* A string of the twin's pool to the block before the first record that names it. */
static int pass_string_on(struct twin_run *run, uint32_t id)
{
	if (id >= run->strings_passed_on_size) {
		size_t size = run->strings_passed_on_size ? run->strings_passed_on_size : 64;
		while (size <= id)
			size *= 2;
		uint8_t *passed = realloc(run->strings_passed_on, size);
		if (!passed)
			return -1;
		memset(passed + run->strings_passed_on_size, 0, size - run->strings_passed_on_size);
		run->strings_passed_on = passed;
		run->strings_passed_on_size = size;
	}
	if (run->strings_passed_on[id])
		return 0;
	const char *text = string_pool_get(run->pool, id);
	if (text) {
		size_t length = strlen(text);
		if (length > HELD_BLOCK) {
			errno = E2BIG;
			return -1;
		}
		uint8_t *entry = entry_room(run, 1 + 2 * sizeof(uint32_t) + length);
		if (!entry)
			return -1;
		uint32_t fields[2] = {id, (uint32_t)length};
		entry[0] = 'S';
		memcpy(entry + 1, fields, sizeof fields);
		memcpy(entry + 1 + sizeof fields, text, length);
	}
	run->strings_passed_on[id] = 1;
	return 0;
}

/* The row's questionnaire to the block, after its strings and form if they are new. */
static int pass_pending_on(struct twin_run *run)
{
	const struct held *h = &run->pending;
	struct held_form *form = &run->forms[h->form];
	if (pass_string_on(run, h->insats) < 0 || pass_string_on(run, h->forbund) < 0)
		return -1;
	if (!form->passed_on) {
		uint8_t *entry = entry_room(run, 1 + 2 * sizeof(uint32_t) + form->count * (sizeof(uint32_t) + 1));
		if (!entry)
			return -1;
		uint32_t fields[2] = {h->form, (uint32_t)form->count};
		entry[0] = 'F';
		memcpy(entry + 1, fields, sizeof fields);
		memcpy(entry + 1 + sizeof fields, form->questions, form->count * sizeof(uint32_t));
		memcpy(entry + 1 + sizeof fields + form->count * sizeof(uint32_t), form->scale_max, form->count);
		form->passed_on = 1;
	}
	uint8_t *entry = entry_room(run, 1 + sizeof *h + form->count);
	if (!entry)
		return -1;
	entry[0] = 'Q';
	memcpy(entry + 1, h, sizeof *h);
	memcpy(entry + 1 + sizeof *h, run->pending_levels, form->count);
	return 0;
}

/* The row's record kept, for the first thread or the consumer: 0, or -1 when it could
 * not be (the twin stops at the row). */
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
	/* An entry that failed may be in the block in part, and so may the row's string or
	 * form: the block is not passed on (twin_read). */
	if (pass_pending_on(run) < 0)
		return -1;
	run->filling_records++;
	return 0;
}

/* The block being filled could not be passed on: the twin stops where it got its
 * first record, with the counts it had there, and the first thread reads on from
 * there itself. */
static void stop_at_filling_start(struct twin_run *run)
{
	run->stop_offset = run->filling_start.offset;
	run->stop_line = run->filling_start.line;
	run->totals.rows = run->filling_start.rows;
	run->totals.blank = run->filling_start.blank;
	run->totals.skipped = run->filling_start.skipped;
	run->counts = run->filling_counts;
	run->reached_end = 0;
	run->filled = run->filling_records = 0;
}

static void twin_read_rows(struct twin_run *run)
{
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
			return;
	}
	for (;;) {
		uint64_t offset = row_source_offset(run->source);
		unsigned long line = row_source_line(run->source);
		run->row_offset = offset;
		run->row_start_line = line;
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
		int kept = clean && !run->buffer_failed ? keep_pending(run) : 0;
		if (kept < 0 && !run->sink && run->filled > 0) {
			/* part of the row's record may be in the block: none of it is passed on */
			stop_at_filling_start(run);
			return;
		}
		if (!clean || run->buffer_failed || kept < 0) {
			/* the first thread reads this row itself, and says what there is to say
			 * (a record that could not be kept, too: it reads on alone);
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
	if (!run->sink && pass_block_on(run) < 0)
		stop_at_filling_start(run);
}

static void *twin_read(void *context)
{
	struct twin_run *run = context;
	twin_read_rows(run);
	pthread_mutex_lock(&run->lock);
	run->done = 1; /* whatever happened: the first thread waits for no more blocks */
	pthread_cond_broadcast(&run->ready);
	pthread_mutex_unlock(&run->lock);
	return NULL;
}

static void held_forms_free(struct held_form *forms, size_t count)
{
	for (size_t f = 0; f < count; f++) {
		free(forms[f].questions);
		free(forms[f].scale_max);
	}
	free(forms);
}

static void held_block_free(struct held_block *block)
{
	if (block)
		free(block->data);
	free(block);
}

static void twin_run_free(struct twin_run *run)
{
	if (run->converter.self)
		run->ops->free(run->converter.self);
	record_writer_abandon(run->writer);
	string_pool_free(run->pool);
	row_source_close(run->source);
	held_forms_free(run->forms, run->form_count);
	for (struct held_block *block = run->first, *next; block; block = next) {
		next = block->next;
		held_block_free(block);
	}
	free(run->filling);
	free(run->strings_passed_on);
	if (run->fd >= 0)
		close(run->fd);
	if (run->lock_made) {
		pthread_mutex_destroy(&run->lock);
		pthread_cond_destroy(&run->ready);
	}
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
	 * about 1.18 times its share of a plain one (ifs-shares, medians of 20 alternating
	 * runs: 0.294 s at 57 %, 0.284 s at 61 %, 0.294 s at 64 %; ifs-survey's 35 % was
	 * within the noise of 33 % and 38 %). */
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
	run->fd = -1;
	run->memory_limit = spill_limit_from_environment(INGEST_SPLIT_MEMORY, NULL);
	run->lock_made = pthread_mutex_init(&run->lock, NULL) == 0;
	if (run->lock_made && pthread_cond_init(&run->ready, NULL) != 0) {
		pthread_mutex_destroy(&run->lock);
		run->lock_made = 0;
	}
	run->pool = string_pool_new();
	run->writer = run->pool ? record_writer_to_callback(run->pool, hold_record, run) : NULL;
	if (run->pool && ops->sink_make && ops->sink_make(ops->consumer, &run->sink, &run->sink_context) < 0)
		run->sink = NULL, run->sink_context = NULL; /* and then no twin at all: */
	if (!run->source || !run->lock_made || !run->writer || (ops->sink_make && !run->sink) ||
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

/* The first thread's side of the queue: the twin's blocks taken in order, and what
 * their 'S' and 'F' entries said. */
struct replay_reader {
	struct twin_run *run;
	struct held_block *block; /* being read */
	uint8_t *file_buffer;     /* for a block read from the file */
	const uint8_t *data;
	size_t length, position;
	char **texts;    /* by twin pool id */
	uint32_t *map;   /* by twin pool id: the first writer's id, UINT32_MAX until asked */
	size_t text_count;
	struct held_form *forms;
	size_t form_count;
};

static void replay_reader_free(struct replay_reader *reader)
{
	held_block_free(reader->block);
	free(reader->file_buffer);
	for (size_t t = 0; t < reader->text_count; t++)
		free(reader->texts[t]);
	free(reader->texts);
	free(reader->map);
	held_forms_free(reader->forms, reader->form_count);
}

/* The next block of the twin's: 1, 0 when there is none (the end, or, unless wait,
 * none passed on yet), or -1 with errno set. */
static int next_block(struct replay_reader *reader, int wait)
{
	struct twin_run *run = reader->run;
	held_block_free(reader->block);
	reader->block = NULL;
	reader->length = reader->position = 0;
	pthread_mutex_lock(&run->lock);
	while (wait && !run->first && !run->done)
		pthread_cond_wait(&run->ready, &run->lock);
	struct held_block *block = run->first;
	if (block) {
		run->first = block->next;
		if (!run->first)
			run->last = NULL;
		if (block->data)
			run->memory -= block->length;
	}
	pthread_mutex_unlock(&run->lock);
	if (!block)
		return 0;
	reader->block = block;
	if (block->data) {
		reader->data = block->data;
	} else {
		if (!reader->file_buffer && !(reader->file_buffer = malloc(HELD_BLOCK)))
			return -1;
		if (spill_file_read(run->fd, reader->file_buffer, block->length, block->offset) < 0)
			return -1;
		reader->data = reader->file_buffer;
	}
	reader->length = block->length;
	return 1;
}

/* An 'S' entry's string, by its twin pool id. */
static int take_string(struct replay_reader *reader, uint32_t id, const uint8_t *text, size_t length)
{
	if (id >= reader->text_count) {
		size_t count = reader->text_count ? reader->text_count : 64;
		while (count <= id)
			count *= 2;
		char **texts = realloc(reader->texts, count * sizeof *texts);
		if (!texts)
			return -1;
		reader->texts = texts;
		uint32_t *map = realloc(reader->map, count * sizeof *map);
		if (!map)
			return -1;
		reader->map = map;
		for (size_t t = reader->text_count; t < count; t++)
			texts[t] = NULL, map[t] = UINT32_MAX;
		reader->text_count = count;
	}
	if (reader->texts[id]) {
		errno = EIO; /* passed on twice: not what the twin writes */
		return -1;
	}
	if (!(reader->texts[id] = malloc(length + 1)))
		return -1;
	memcpy(reader->texts[id], text, length);
	reader->texts[id][length] = '\0';
	return 0;
}

/* An 'F' entry's form. */
static int take_form(struct replay_reader *reader, uint32_t number, uint32_t count, const uint8_t *fields)
{
	if (number >= reader->form_count) {
		struct held_form *forms = realloc(reader->forms, ((size_t)number + 1) * sizeof *forms);
		if (!forms)
			return -1;
		memset(forms + reader->form_count, 0, ((size_t)number + 1 - reader->form_count) * sizeof *forms);
		reader->forms = forms;
		reader->form_count = (size_t)number + 1;
	}
	struct held_form *form = &reader->forms[number];
	if (form->passed_on) {
		errno = EIO;
		return -1;
	}
	form->questions = malloc(count ? count * sizeof *form->questions : 1);
	form->scale_max = malloc(count ? count : 1);
	if (!form->questions || !form->scale_max)
		return -1; /* (freed with the reader) */
	memcpy(form->questions, fields, count * sizeof *form->questions);
	memcpy(form->scale_max, fields + count * sizeof *form->questions, count);
	form->count = count;
	form->passed_on = 1;
	return 0;
}

/* The next questionnaire of the twin's, its strings and form taken in on the way: 1,
 * 0 at the end (or, unless wait, when the twin has passed on no more yet), or -1 with
 * errno set. */
static int next_questionnaire(struct replay_reader *reader, int wait, struct held *h, uint8_t *levels)
{
	for (;;) {
		if (reader->position == reader->length) {
			int got = next_block(reader, wait);
			if (got <= 0)
				return got;
			continue;
		}
		const uint8_t *entry = reader->data + reader->position + 1;
		size_t left = reader->length - reader->position - 1;
		uint8_t tag = entry[-1];
		if (tag == 'Q') {
			if (left < sizeof *h)
				break;
			memcpy(h, entry, sizeof *h);
			if (h->form >= reader->form_count || !reader->forms[h->form].passed_on ||
			    left - sizeof *h < reader->forms[h->form].count)
				break;
			memcpy(levels, entry + sizeof *h, reader->forms[h->form].count);
			reader->position += 1 + sizeof *h + reader->forms[h->form].count;
			return 1;
		}
		uint32_t fields[2];
		if (left < sizeof fields)
			break;
		memcpy(fields, entry, sizeof fields);
		left -= sizeof fields;
		size_t length = tag == 'S' ? fields[1] : (size_t)fields[1] * (sizeof(uint32_t) + 1);
		if ((tag != 'S' && tag != 'F') || (tag == 'F' && fields[1] > QUESTIONNAIRE_MAX_QUESTIONS) || left < length)
			break;
		if ((tag == 'S' ? take_string(reader, fields[0], entry + sizeof fields, length)
		                : take_form(reader, fields[0], fields[1], entry + sizeof fields)) < 0)
			return -1;
		reader->position += 1 + sizeof fields + length;
	}
	errno = EIO; /* not what the twin writes */
	return -1;
}

/* A string id of the twin's pool as the first writer has it. */
static uint32_t main_id(const struct ingest_twin *ops, void *self, struct replay_reader *reader, uint32_t id,
                        int *failed)
{
	const char *text = id < reader->text_count ? reader->texts[id] : NULL;
	if (!text)
		return id;
	uint32_t *mapped = &reader->map[id];
	if (*mapped == UINT32_MAX &&
	    (*mapped = ops->place ? ops->place(self, text) : record_writer_string(ops->writer, text)) == UINT32_MAX)
		*failed = 1, errno = ENOMEM;
	return *mapped;
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

/* Waits for the twin, and says how it stopped (IFS_SPLIT_TRACE). */
static void join_twin(struct ingest_split *split, struct row_source *source, int trace)
{
	struct twin_run *run = &split->run;
	pthread_join(split->thread, NULL);
	split->started = 0;
	if (trace && run->reached_end)
		diag_error("split: cut at byte %llu (line %lu): the second thread read %lu rows to the end",
		           (unsigned long long)split->at, row_source_line(source), run->totals.rows);
	else if (trace)
		diag_error("split: cut at byte %llu (line %lu): the second thread read %lu rows, and left line %lu to the first",
		           (unsigned long long)split->at, row_source_line(source), run->totals.rows,
		           row_source_line(source) + run->stop_line - 1);
}

/* The twin's records replayed through the first converter as the twin passes them on:
 * 0, or -1 with errno set.  Returns with the twin stopped. */
static int replay_twin(struct ingest_split *split, struct row_source *source, void *self,
                       struct ingest_totals *totals, int trace)
{
	struct twin_run *run = &split->run;
	const struct ingest_twin *ops = run->ops;
	struct ingest_counts base;
	ops->counts(self, &base);
	struct replay_reader reader = {.run = run};
	unsigned long line_at_cut = row_source_line(source);
	char reason[512];
	struct held batch[REPLAY_BATCH];
	uint8_t batch_levels[REPLAY_BATCH][QUESTIONNAIRE_MAX_QUESTIONS];
	size_t replayed = 0;
	int failed = 0;
	errno = 0;
	while (!failed) {
		/* what the twin has passed on, up to a batch; waiting only for the first */
		size_t in_batch = 0;
		int got = 1;
		while (in_batch < REPLAY_BATCH &&
		       (got = next_questionnaire(&reader, in_batch == 0, &batch[in_batch], batch_levels[in_batch])) == 1)
			in_batch++;
		if (got < 0)
			failed = 1;
		if (failed || in_batch == 0)
			break;
		for (size_t b = 0; b < in_batch && !failed; b++) {
			const struct held *h = &batch[b];
			if (ops->prefetch && b + REPLAY_AHEAD < in_batch) {
				/* The repeat check's slot of a record a few on (a cache miss in a large set).
				 * Only with an insats already known: a string is interned when its record is
				 * replayed, as its row would have interned it, so the stream's string table
				 * grows chunk by chunk as with one thread. */
				const struct held *ahead = &batch[b + REPLAY_AHEAD];
				if (ahead->insats < reader.text_count && reader.texts[ahead->insats] &&
				    reader.map[ahead->insats] != UINT32_MAX) {
					struct questionnaire_record key = {.respondent = ahead->respondent,
					                                   .insats = reader.map[ahead->insats], .group = ahead->group,
					                                   .flags = ahead->flags};
					ops->prefetch(self, &key);
				}
			}
			struct questionnaire_record q;
			/* its questions stay the twin's ids: the first converter has its own */
			questionnaire_of_held(h, &reader.forms[h->form], batch_levels[b], &q);
			q.insats = main_id(ops, self, &reader, h->insats, &failed);
			q.forbund = main_id(ops, self, &reader, h->forbund, &failed);
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
			replayed++;
		}
	}
	int error = errno;
	if (failed)
		atomic_store(&run->cancel, 1);
	join_twin(split, source, trace);
	if (!failed && replayed != run->held_count) {
		failed = 1;
		error = EIO; /* fewer records than the twin passed on */
	}
	replay_reader_free(&reader);
	errno = error;
	return failed ? -1 : 0;
}

int ingest_split_join(struct ingest_split *split, struct row_source *source, void *self,
                      struct ingest_totals *totals)
{
	struct twin_run *run = &split->run;
	int trace = getenv("IFS_SPLIT_TRACE") != NULL;
	split->at = atomic_load(&split->cut);
	if (row_source_offset(source) != split->at) {
		if (trace)
			diag_error("split: cut at byte %llu fell inside a row: read by one thread", (unsigned long long)split->at);
		ingest_split_cancel(split); /* the cut was inside a row: all of it is read here */
		return 0;
	}
	if (!run->sink) {
		int status = 0, error = 0;
		if (replay_twin(split, source, self, totals, trace) < 0) {
			error = errno ? errno : EIO;
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
	join_twin(split, source, trace);
	if (run->sink_failed) {
		/* The twin's consumer could not take a record (memory, or a temporary file):
		 * what it took is thrown away, and the first thread reads the rest itself,
		 * where whatever went wrong is its own to meet and say, as with one thread. */
		if (trace)
			diag_error("split: the second thread could not keep what it read (%s): read by one thread",
			           strerror(run->sink_errno));
		ingest_split_cancel(split);
		return 0;
	}
	return adopt_twin(split, source, self, totals);
}

int ingest_default_jobs(void)
{
	/* the cores this process may run on (taskset, a container's share), not the machine's */
	cpu_set_t cores;
	return sched_getaffinity(0, sizeof cores, &cores) == 0 && CPU_COUNT(&cores) >= 2 ? 2 : 1;
}
