/*
 * row_source.c — export files as rows of UTF-8 fields.
 *
 * Layers, bottom up: bytes (a plain file as it is, a gzip file, told by its
 * first two bytes, inflated with ISA-L: struct byte_reader), text (UTF-16 is
 * converted to UTF-8 with iconv as it streams; UTF-8 and Windows-1252 are left as bytes,
 * because every byte CSV cares about is ASCII in both), rows (one csv_scan pass
 * finds a row's end, its separators and whether its text needs more than that
 * pass checked; a non-ASCII Windows-1252 row is converted, by a table iconv
 * fills once per file, its separators moved with the text), and for JSON
 * the whole text parsed with cJSON.
 *
 * The second reader of a large gzip export (row_source_open_gzip_part) starts
 * at the beginning and passes over the first part before it reaches its own.
 */
#include "json_memory.h"
#include "row_source.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <isa-l/igzip_lib.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "csv_scan.h"
#include "personal_data.h"
#include "xlsx.h"

#define CHUNK_SIZE (256u * 1024u)
/* A row longer than this is not a survey answer; refusing it bounds memory. */
#define MAX_ROW_BYTES (64u * 1024u * 1024u)
/* A JSON export is parsed whole, and cJSON's tree costs a few times the text: this
 * bounds what one file may cost (a small .json.gz could otherwise unpack into
 * gigabytes).  64 MiB is about a hundred thousand questionnaires; an export that
 * large belongs in CSV, which is streamed. */
#define MAX_JSON_BYTES (64u * 1024u * 1024u)
/* A workbook that is not a plain file (stdin, gzip) is read into memory, because a
 * zip archive is read from its end: this bounds what that may cost. */
#define MAX_XLSX_MEMORY_BYTES (256u * 1024u * 1024u)

enum text_encoding { TEXT_UNDECIDED, TEXT_UTF8, TEXT_UTF8_BOM, TEXT_WINDOWS_1252, TEXT_UTF16LE, TEXT_UTF16BE };

struct growable {
	char *data;
	size_t length, capacity;
};

struct json_rows {
	cJSON *root;
	const cJSON *element;
	unsigned long *lines; /* start line of each element */
	size_t *starts, *ends; /* byte span of each element in text */
	size_t index, count;
	char *text;
	size_t text_length;
	char **values; /* one per column, owned */
	char *decoded; /* the row as kept when its text escapes characters, owned */
};

struct byte_reader;

struct row_source {
	char *name;
	struct byte_reader *bytes; /* the file's bytes, inflated when it is gzip */
	struct gz_pipe *pipe;   /* gzip decompressed by a second thread, or NULL */
	int fd;                 /* the file, for fstat; -1 for stdin */
	int eof;
	int gzipped;
	enum text_encoding encoding;
	int encoding_forced;
	iconv_t utf16;          /* UTF-16 → UTF-8 while reading */
	/* Windows-1252's upper half in UTF-8, made once with iconv: [0] the length (0: a
	 * byte Windows-1252 does not define), then the bytes */
	unsigned char windows_1252[128][4];
	int windows_1252_ready;
	row_source_peek peek; /* row_source_peek_at() */
	void *peek_context;
	size_t peek_column;
	char *pending;          /* raw UTF-16 bytes not yet converted */
	size_t pending_length;
	uint64_t raw_offset;    /* bytes read from the (decompressed) input */

	/* The text buffer: [start, length) holds text not yet consumed, and
	 * CSV_SCAN_PADDING bytes beyond capacity may be read. */
	char *buffer;
	size_t start, length, capacity;
	struct csv_row_scan scan; /* the row at start: its end, separators, what it holds */
	unsigned long line;     /* line where the next row starts */

	char separator;
	int is_json;
	struct json_rows json;
	struct xlsx_book *xlsx;     /* an Excel workbook: its first sheet's rows */
	char *xlsx_bytes;           /* the workbook, when read into memory */

	char **headers;
	size_t columns;

	struct growable converted;  /* row text in UTF-8 when the file is not */
	struct growable split;      /* unquoted field text, NUL-separated */
	const char **fields;
	size_t *lengths;
	size_t field_capacity;

	char error[512];
	int failed;
	int out_of_memory; /* the failure was memory running out, not the input */
	int exhausted;     /* the failure was the end of the input while looking for a header */
	unsigned long header_line;
};

/* The problem a row gets when memory ran out while reading it: not the row's fault,
 * so row_source_next() fails the whole source instead of handing the row on. */
static const char out_of_memory_problem[] = "out of memory";

static void set_error(struct row_source *source, const char *format, ...)
	__attribute__((format(printf, 2, 3)));
static void set_error(struct row_source *source, const char *format, ...)
{
	if (source->failed)
		return;
	va_list args;
	va_start(args, format);
	vsnprintf(source->error, sizeof source->error, format, args);
	va_end(args);
	source->failed = 1;
	/* Every message of this file for a failed allocation says so in these words. */
	source->out_of_memory = strstr(source->error, "out of memory") != NULL;
}

static int growable_reserve(struct growable *g, size_t extra)
{
	if (g->length + extra <= g->capacity)
		return 0;
	size_t capacity = g->capacity ? g->capacity : 1024;
	while (capacity < g->length + extra)
		capacity *= 2;
	char *data = realloc(g->data, capacity);
	if (!data)
		return -1;
	g->data = data;
	g->capacity = capacity;
	return 0;
}

/* ---- bytes and text ---------------------------------------------------- */

/*
 * A file's bytes: a plain file as it is; a gzip file (its first two bytes say so)
 * inflated with ISA-L, about three times zlib's speed (a large export's second
 * reader passes over the first part of the file before it reaches its own:
 * ingest_split.c).  Each member's header is read with isal_read_gzip_header (it may
 * come in pieces), its CRC-32 and length checked at its end.  The text is inflated
 * into a staging buffer, always filled whole from where the last one ended, and
 * handed out from there: ISA-L keeps back part of what it inflated when the output
 * space runs out, and drops it when damage follows, so only output spaces that do
 * not depend on the caller make the rows before damage the same however the file is
 * read (in one thread or two, in blocks of any size).  Every byte inflated before
 * damage is handed out before the failure is said.  Members one after another are
 * one text (cat a.gz b.gz); zero bytes after the last are padding; anything else
 * after it is damage, said, not left out.
 */
enum bytes_failure { BYTES_OK, BYTES_READ_ERROR, BYTES_CORRUPT, BYTES_TRUNCATED };

struct byte_reader {
	int fd;
	int gzip;        /* -1 until the first bytes are seen */
	int header_checked; /* the member's flags are known good (ISA-L does not check them) */
	int header_done; /* the member's header is read */
	int member_done; /* the last member ended; another may follow */
	int at_end;      /* the last member ended, and nothing but padding follows */
	int input_ended; /* read() said end of file */
	uint64_t input_taken; /* bytes read from the file */
	unsigned char *input;
	/* inflated text, handed out from staged_taken; staged_offset is staged[0]'s offset in
	 * the text, staged_from and staged_to the compressed bytes used before and after it */
	unsigned char *staged;
	size_t staged_length, staged_taken;
	uint64_t staged_offset, staged_from, staged_to;
	struct isal_gzip_header header;
	struct inflate_state state; /* its next_in and avail_in hold the unread input, plain or not */
	enum bytes_failure failure;
	int failure_errno;
	const char *message; /* what is wrong with damaged data */
	int unsupported; /* not damage: a compression method gzip does not have */
};
#define BYTES_INPUT_SIZE CHUNK_SIZE
#define BYTES_STAGING_SIZE (256u * 1024u)
#define GZIP_SKIP_PIECE (16u * 1024u) /* row_source_gzip_skip() inflates so much at a time */

/* A reader of fd, which it closes when freed; NULL when out of memory. */
static struct byte_reader *byte_reader_new(int fd)
{
	struct byte_reader *reader = calloc(1, sizeof *reader);
	if (!reader)
		return NULL;
	reader->input = malloc(BYTES_INPUT_SIZE);
	if (!reader->input) {
		free(reader);
		return NULL;
	}
	reader->fd = fd;
	reader->gzip = -1;
	isal_inflate_init(&reader->state);
	isal_gzip_header_init(&reader->header);
	reader->state.next_in = reader->input;
	reader->state.avail_in = 0;
	return reader;
}

static void byte_reader_free(struct byte_reader *reader)
{
	if (!reader)
		return;
	if (reader->fd >= 0)
		close(reader->fd);
	free(reader->input);
	free(reader->staged);
	free(reader);
}

/* read() of the file, its end and failure noted: how many bytes, 0, or -1. */
static ssize_t byte_reader_read_file(struct byte_reader *reader, void *into, size_t size)
{
	ssize_t got;
	do
		got = read(reader->fd, into, size);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		reader->failure = BYTES_READ_ERROR;
		reader->failure_errno = errno;
		return -1;
	}
	reader->input_ended = got == 0;
	reader->input_taken += (uint64_t)got;
	return got;
}

/* At least `want` bytes of input at next_in, unless the file ends first: 0, or -1
 * on a read error. */
static int byte_reader_need(struct byte_reader *reader, uint32_t want)
{
	struct inflate_state *state = &reader->state;
	while (state->avail_in < want && !reader->input_ended) {
		if (state->avail_in > 0 && state->next_in != reader->input)
			memmove(reader->input, state->next_in, state->avail_in);
		ssize_t got = byte_reader_read_file(reader, reader->input + state->avail_in, BYTES_INPUT_SIZE - state->avail_in);
		if (got < 0)
			return -1;
		state->next_in = reader->input;
		state->avail_in += (uint32_t)got;
	}
	return 0;
}

static int starts_gzip(const struct byte_reader *reader)
{
	return reader->state.avail_in >= 2 && reader->state.next_in[0] == 0x1F && reader->state.next_in[1] == 0x8B;
}

/* Compressed bytes used for the text up to offset, within what is staged (linearly
 * between the bytes used before and after it), else for all inflated so far. */
static uint64_t byte_reader_compressed_at(const struct byte_reader *reader, uint64_t offset)
{
	if (reader->staged_length == 0 || offset < reader->staged_offset)
		return reader->staged_from;
	uint64_t into = offset - reader->staged_offset;
	if (into >= reader->staged_length)
		return reader->staged_to;
	return reader->staged_from + (reader->staged_to - reader->staged_from) * into / reader->staged_length;
}

static const char *isal_problem(int status)
{
	switch (status) {
	case ISAL_INCORRECT_CHECKSUM: return "the CRC-32 or length at the end does not match the data";
	case ISAL_INVALID_WRAPPER: return "invalid gzip header";
	case ISAL_UNSUPPORTED_METHOD: return "unsupported compression method (gzip's is deflate, and only that)";
	default: return "invalid compressed data";
	}
}

static void byte_reader_corrupt(struct byte_reader *reader, int status)
{
	reader->failure = BYTES_CORRUPT;
	reader->message = isal_problem(status);
	reader->unsupported = status == ISAL_UNSUPPORTED_METHOD;
}

/* The next member's start, past padding: 1, 0 at the end, -1 on a failure. */
static int byte_reader_next_member(struct byte_reader *reader)
{
	struct inflate_state *state = &reader->state;
	int padded = 0;
	for (;;) {
		if (byte_reader_need(reader, 2) < 0)
			return -1;
		if (state->avail_in == 0)
			return 0;
		if (state->next_in[0] != 0)
			break;
		while (state->avail_in > 0 && state->next_in[0] == 0) /* padding: nothing may follow it */
			state->next_in++, state->avail_in--, padded = 1;
	}
	if (padded || !starts_gzip(reader)) {
		reader->failure = BYTES_CORRUPT;
		reader->message = "bytes after the end of the compressed data";
		return -1;
	}
	uint8_t *next_in = state->next_in;
	uint32_t avail_in = state->avail_in;
	isal_inflate_reset(state);
	isal_gzip_header_init(&reader->header);
	state->next_in = next_in;
	state->avail_in = avail_in;
	reader->header_checked = reader->header_done = reader->member_done = 0;
	return 1;
}

/* Stages the next BYTES_STAGING_SIZE bytes of text, fewer at the end or at damage
 * (then reader->failure is set, after the text before it), at into: the staging
 * buffer, or a caller's room of that size, which then takes them all at once and
 * saves copying them out (the output spaces ISA-L is given are the same either way,
 * so is the text). */
static void byte_reader_fill(struct byte_reader *reader, unsigned char *into)
{
	struct inflate_state *state = &reader->state;
	reader->staged_offset += reader->staged_length;
	reader->staged_length = reader->staged_taken = 0;
	reader->staged_from = reader->input_taken - state->avail_in;
	while (!reader->failure && !reader->at_end && reader->staged_length < BYTES_STAGING_SIZE) {
		if (reader->member_done) {
			int next = byte_reader_next_member(reader);
			reader->at_end = next == 0;
			continue;
		}
		/* input, unless the file has ended: ISA-L may still hold text of what it took */
		if (state->avail_in == 0 && byte_reader_need(reader, 1) < 0)
			break;
		uint32_t input_before = state->avail_in;
		if (!reader->header_checked) {
			/* the reserved flag bits, which gzip refuses and ISA-L passes over */
			if (byte_reader_need(reader, 4) < 0)
				break;
			if (state->avail_in >= 4 && (state->next_in[3] & 0xE0)) {
				reader->failure = BYTES_CORRUPT;
				reader->message = "invalid gzip header (reserved flags set)";
				break;
			}
			reader->header_checked = 1;
			continue;
		}
		if (!reader->header_done) {
			int status = state->avail_in ? isal_read_gzip_header(state, &reader->header) : ISAL_END_INPUT;
			if (status == ISAL_DECOMP_OK) {
				reader->header_done = 1;
				state->crc_flag = ISAL_GZIP_NO_HDR_VER; /* the CRC-32 and length after the data checked */
			} else if (status == ISAL_INCORRECT_CHECKSUM) {
				reader->failure = BYTES_CORRUPT;
				reader->message = "the gzip header's CRC does not match it";
			} else if (status != ISAL_END_INPUT) {
				byte_reader_corrupt(reader, status);
			} else if (state->avail_in == input_before && byte_reader_need(reader, input_before + 1) == 0 &&
			           state->avail_in == input_before) {
				reader->failure = BYTES_TRUNCATED; /* a header the file ends in */
			}
			continue;
		}
		state->next_out = into + reader->staged_length;
		state->avail_out = (uint32_t)(BYTES_STAGING_SIZE - reader->staged_length);
		int status = isal_inflate(state);
		size_t made = BYTES_STAGING_SIZE - reader->staged_length - state->avail_out;
		reader->staged_length += made;
		if (status != ISAL_DECOMP_OK)
			byte_reader_corrupt(reader, status);
		else if (state->block_state == ISAL_BLOCK_FINISH)
			reader->member_done = 1;
		else if (made == 0 && state->avail_in == 0 && reader->input_ended)
			reader->failure = BYTES_TRUNCATED; /* the file ends inside a member */
		else if (made == 0 && input_before > 0 && state->avail_in == input_before)
			byte_reader_corrupt(reader, ISAL_INVALID_BLOCK); /* no way forward: never loop on it */
	}
	reader->staged_to = reader->input_taken - state->avail_in;
}

/* Up to size bytes: how many, 0 at the end, or -1 with reader->failure set. */
static ssize_t byte_reader_read(struct byte_reader *reader, char *into, size_t size)
{
	struct inflate_state *state = &reader->state;
	if (reader->gzip < 0) {
		if (!reader->failure && byte_reader_need(reader, 2) < 0)
			return -1;
		reader->gzip = starts_gzip(reader);
		if (reader->gzip && !(reader->staged = malloc(BYTES_STAGING_SIZE))) {
			reader->failure = BYTES_READ_ERROR;
			reader->failure_errno = ENOMEM;
			return -1;
		}
	}
	if (!reader->gzip) {
		if (reader->failure)
			return -1;
		if (state->avail_in > 0) {
			size_t n = size < state->avail_in ? size : state->avail_in;
			memcpy(into, state->next_in, n);
			state->next_in += n;
			state->avail_in -= (uint32_t)n;
			return (ssize_t)n;
		}
		return reader->input_ended ? 0 : byte_reader_read_file(reader, into, size);
	}
	for (;;) {
		if (reader->staged_taken < reader->staged_length) {
			size_t left = reader->staged_length - reader->staged_taken, n = size < left ? size : left;
			memcpy(into, reader->staged + reader->staged_taken, n);
			reader->staged_taken += n;
			return (ssize_t)n;
		}
		if (reader->failure)
			return -1;
		if (reader->at_end)
			return 0;
		if (size >= BYTES_STAGING_SIZE) {
			byte_reader_fill(reader, (unsigned char *)into);
			reader->staged_taken = reader->staged_length;
			if (reader->staged_length > 0)
				return (ssize_t)reader->staged_length;
			continue;
		}
		byte_reader_fill(reader, reader->staged);
	}
}

/* Moves a plain file's reader to offset; a gzip file's forward only, inflating what
 * it passes (from `at`, where it stands) into scratch.  0, or -1 with errno set or
 * reader->failure. */
static int byte_reader_seek(struct byte_reader *reader, uint64_t at, uint64_t offset, char *scratch,
                            size_t scratch_size)
{
	if (reader->gzip != 1) {
		if (lseek(reader->fd, (off_t)offset, SEEK_SET) < 0)
			return -1;
		reader->state.avail_in = 0;
		reader->input_ended = 0;
		reader->gzip = 0;
		return 0;
	}
	if (offset < at) {
		errno = ESPIPE;
		return -1;
	}
	while (at < offset) {
		uint64_t left = offset - at;
		ssize_t got = byte_reader_read(reader, scratch, left < scratch_size ? (size_t)left : scratch_size);
		if (got <= 0) {
			if (got == 0)
				errno = EINVAL; /* the text ends before offset */
			return -1;
		}
		at += (uint64_t)got;
	}
	return 0;
}

/*
 * A gzip export is decompressed by a second thread into a few blocks ahead of
 * the reader, so that inflating and reading rows take turns on two cores
 * instead of one.  The blocks come in order, and a block that ends the input
 * (0 or -1) is reported when the reader gets there, with what the byte reader
 * said (it is not touched again): the same messages as reading in one thread.
 */
#define GZ_PIPE_BLOCKS 4
#define GZ_PIPE_BLOCK_SIZE (1u << 20)

struct gz_block {
	char *data;
	ssize_t length; /* byte_reader_read()'s result */
};

struct gz_pipe {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	struct gz_block blocks[GZ_PIPE_BLOCKS];
	unsigned first, count; /* the block the reader takes next; blocks filled */
	size_t taken;          /* bytes of the first block already taken */
	int stop;
	struct byte_reader *bytes;
};

static void *gz_pipe_fill(void *context)
{
	struct gz_pipe *pipe = context;
	for (unsigned next = 0;; next = (next + 1) % GZ_PIPE_BLOCKS) {
		pthread_mutex_lock(&pipe->lock);
		while (pipe->count == GZ_PIPE_BLOCKS && !pipe->stop)
			pthread_cond_wait(&pipe->emptied, &pipe->lock);
		int stop = pipe->stop;
		pthread_mutex_unlock(&pipe->lock);
		if (stop)
			break;
		struct gz_block *block = &pipe->blocks[next];
		/* the block filled whole; a failure after some text is said by the next block */
		ssize_t filled = 0, got;
		while (filled < GZ_PIPE_BLOCK_SIZE &&
		       (got = byte_reader_read(pipe->bytes, block->data + filled, GZ_PIPE_BLOCK_SIZE - (size_t)filled)) > 0)
			filled += got;
		block->length = filled > 0 ? filled : got;
		pthread_mutex_lock(&pipe->lock);
		pipe->count++;
		pthread_cond_signal(&pipe->filled);
		pthread_mutex_unlock(&pipe->lock);
		if (block->length <= 0)
			break;
	}
	return NULL;
}

static void gz_pipe_stop(struct gz_pipe *pipe)
{
	if (!pipe)
		return;
	pthread_mutex_lock(&pipe->lock);
	pipe->stop = 1;
	pthread_cond_signal(&pipe->emptied);
	pthread_mutex_unlock(&pipe->lock);
	pthread_join(pipe->thread, NULL);
	pthread_mutex_destroy(&pipe->lock);
	pthread_cond_destroy(&pipe->filled);
	pthread_cond_destroy(&pipe->emptied);
	for (int b = 0; b < GZ_PIPE_BLOCKS; b++)
		free(pipe->blocks[b].data);
	free(pipe);
}

/* Starts the second thread for a gzip source; when it cannot, the source is read in one. */
static void gz_pipe_start(struct row_source *source)
{
	struct gz_pipe *pipe = calloc(1, sizeof *pipe);
	if (!pipe)
		return;
	int blocks = 0;
	while (blocks < GZ_PIPE_BLOCKS && (pipe->blocks[blocks].data = malloc(GZ_PIPE_BLOCK_SIZE)))
		blocks++;
	pipe->bytes = source->bytes;
	int lock = blocks == GZ_PIPE_BLOCKS ? pthread_mutex_init(&pipe->lock, NULL) : -1;
	int filled = lock == 0 ? pthread_cond_init(&pipe->filled, NULL) : -1;
	int emptied = filled == 0 ? pthread_cond_init(&pipe->emptied, NULL) : -1;
	if (emptied == 0 && pthread_create(&pipe->thread, NULL, gz_pipe_fill, pipe) == 0) {
		source->pipe = pipe;
		return;
	}
	if (emptied == 0)
		pthread_cond_destroy(&pipe->emptied);
	if (filled == 0)
		pthread_cond_destroy(&pipe->filled);
	if (lock == 0)
		pthread_mutex_destroy(&pipe->lock);
	for (int b = 0; b < blocks; b++)
		free(pipe->blocks[b].data);
	free(pipe);
}

/* What byte_reader_read() said, as a count of bytes, the end (0), or -1 with the error set. */
static ssize_t bytes_result(struct row_source *source, ssize_t got)
{
	if (got < 0) {
		const struct byte_reader *reader = source->bytes;
		if (reader->failure == BYTES_READ_ERROR && reader->failure_errno == ENOMEM)
			set_error(source, "%s: out of memory", source->name);
		else if (reader->failure == BYTES_READ_ERROR)
			set_error(source, "%s: read error: %s", source->name, strerror(reader->failure_errno));
		else if (reader->failure == BYTES_TRUNCATED)
			set_error(source, "%s: truncated gzip data (unexpected end of file); the file was cut short: fetch or "
			          "export it again", source->name);
		else if (reader->unsupported)
			set_error(source, "%s: %s; not gzip as gzip writes it: unpack it with the program that made it",
			          source->name, reader->message);
		else
			set_error(source, "%s: corrupt gzip data: %s; the file is damaged: fetch or export it again", source->name,
			          reader->message);
		return -1;
	}
	if (got == 0)
		source->eof = 1;
	source->raw_offset += (uint64_t)got;
	return got;
}

/* Bytes from the second thread's blocks, in order. */
static ssize_t read_piped(struct row_source *source, char *into, size_t size)
{
	struct gz_pipe *pipe = source->pipe;
	pthread_mutex_lock(&pipe->lock);
	while (pipe->count == 0)
		pthread_cond_wait(&pipe->filled, &pipe->lock);
	pthread_mutex_unlock(&pipe->lock);
	struct gz_block *block = &pipe->blocks[pipe->first];
	if (block->length <= 0) /* the end, or what went wrong: left in place, said once */
		return bytes_result(source, block->length);
	size_t left = (size_t)block->length - pipe->taken, n = size < left ? size : left;
	memcpy(into, block->data + pipe->taken, n);
	pipe->taken += n;
	if (pipe->taken == (size_t)block->length) {
		pipe->taken = 0;
		pthread_mutex_lock(&pipe->lock);
		pipe->first = (pipe->first + 1) % GZ_PIPE_BLOCKS;
		pipe->count--;
		pthread_cond_signal(&pipe->emptied);
		pthread_mutex_unlock(&pipe->lock);
	}
	return bytes_result(source, (ssize_t)n);
}

/* Reads raw bytes; -1 on a gzip or read error (set in source->error). */
static ssize_t read_bytes(struct row_source *source, char *into, size_t size)
{
	if (source->eof)
		return 0;
	if (size > INT32_MAX)
		size = INT32_MAX;
	if (source->pipe)
		return read_piped(source, into, size);
	return bytes_result(source, byte_reader_read(source->bytes, into, size));
}

static int buffer_make_room(struct row_source *source, size_t want)
{
	if (source->start > 0 && (source->start >= source->length / 2 || source->capacity - source->length < want)) {
		/* The scan's offsets are relative to the row's start, so they survive the move. */
		memmove(source->buffer, source->buffer + source->start, source->length - source->start);
		source->length -= source->start;
		source->start = 0;
	}
	if (source->capacity - source->length >= want)
		return 0;
	size_t capacity = source->capacity;
	while (capacity - source->length < want)
		capacity *= 2;
	if (source->is_json ? capacity > MAX_JSON_BYTES + 2 * (size_t)CHUNK_SIZE
	                    : capacity > MAX_ROW_BYTES + 2 * (size_t)CHUNK_SIZE) {
		if (source->is_json)
			set_error(source, "%s: JSON export larger than %u MiB once decompressed (export it as CSV, which has no "
			          "such limit)", source->name, MAX_JSON_BYTES >> 20);
		else
			set_error(source, "%s:%lu: row longer than %u MiB (an unclosed quote?)", source->name, source->line,
			          MAX_ROW_BYTES >> 20);
		return -1;
	}
	char *buffer = realloc(source->buffer, capacity + CSV_SCAN_PADDING);
	if (!buffer) {
		set_error(source, "%s: out of memory", source->name);
		return -1;
	}
	source->buffer = buffer;
	source->capacity = capacity;
	return 0;
}

static int fill_text(struct row_source *source);

/* Appends more text to the buffer: 1 when some came, 0 at end of input, -1 on error.
 * The padding after the text is zeroed, so the scanner never reads stale bytes. */
static int fill(struct row_source *source)
{
	int got = fill_text(source);
	if (source->buffer)
		memset(source->buffer + source->length, 0, CSV_SCAN_PADDING);
	return got;
}

static int fill_text(struct row_source *source)
{
	if (buffer_make_room(source, CHUNK_SIZE) < 0)
		return -1;
	char *into = source->buffer + source->length;
	size_t room = source->capacity - source->length;
	if (source->encoding != TEXT_UTF16LE && source->encoding != TEXT_UTF16BE) {
		ssize_t got = read_bytes(source, into, room);
		if (got < 0)
			return -1;
		source->length += (size_t)got;
		return got > 0;
	}
	/* UTF-16: convert raw chunks; UTF-8 output takes at most 3/2 of the input bytes. */
	char raw[CHUNK_SIZE / 2];
	size_t raw_length = source->pending_length;
	memcpy(raw, source->pending, raw_length);
	ssize_t got = read_bytes(source, raw + raw_length, sizeof raw - raw_length);
	if (got < 0)
		return -1;
	raw_length += (size_t)got;
	if (raw_length == 0)
		return 0;
	char *in = raw, *out = into;
	size_t in_left = raw_length, out_left = room;
	if (iconv(source->utf16, &in, &in_left, &out, &out_left) == (size_t)-1 && errno != EINVAL) {
		set_error(source, "%s: invalid UTF-16 text near byte %llu", source->name,
		          (unsigned long long)(source->raw_offset - (uint64_t)in_left));
		return -1;
	}
	if (got == 0 && in_left > 0) {
		set_error(source, "%s: truncated UTF-16 text at the end of the input", source->name);
		return -1;
	}
	memcpy(source->pending, in, in_left); /* an incomplete character waits for the next chunk */
	source->pending_length = in_left;
	source->length += (size_t)(out - into);
	return 1;
}

enum text_check { TEXT_HAS_NUL = -1, TEXT_NOT_UTF8 = 0, TEXT_UTF8_OK = 1 };

/*
 * Validates UTF-8 (and finds NUL bytes) without copying, eight ASCII bytes per
 * step; iconv would have to convert every row to check it.  *high is set when
 * any byte is not ASCII.
 */
static enum text_check check_utf8(const unsigned char *s, size_t n, int *high)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
	size_t i = 0;
	*high = 0;
	while (i < n) {
		if (i + 8 <= n) {
			uint64_t word;
			memcpy(&word, s + i, 8);
			if (!(word & highs) && !((word - ones) & ~word & highs)) {
				i += 8;
				continue;
			}
		}
		unsigned char c = s[i];
		if (c < 0x80) {
			if (c == 0)
				return TEXT_HAS_NUL;
			i++;
			continue;
		}
		*high = 1;
		/* The two-byte letters (å ä ö é) are nearly all a Swedish export holds. */
		if (c >= 0xC2 && c <= 0xDF) {
			if (i + 1 >= n || (s[i + 1] & 0xC0) != 0x80)
				return TEXT_NOT_UTF8;
			i += 2;
			continue;
		}
		size_t extra;
		uint32_t code;
		if (c >= 0xE0 && c <= 0xEF) {
			extra = 2;
			code = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			extra = 3;
			code = c & 0x07;
		} else {
			return TEXT_NOT_UTF8;
		}
		if (n - i <= extra)
			return TEXT_NOT_UTF8;
		for (size_t k = 1; k <= extra; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return TEXT_NOT_UTF8;
			code = (code << 6) | (s[i + k] & 0x3F);
		}
		if ((extra == 2 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) ||
		    (extra == 3 && (code < 0x10000 || code > 0x10FFFF)))
			return TEXT_NOT_UTF8;
		i += extra + 1;
	}
	return TEXT_UTF8_OK;
}

/*
 * iconv_open, tried twice: glibc loads the converter's module on first use, and
 * when memory runs out while it does, it may report EINVAL as though the system
 * had no such converter.  *out_of_memory: 1 when the failure was for want of
 * memory as far as can be told.
 */
static iconv_t open_converter(const char *to, const char *from, int *out_of_memory)
{
	errno = 0;
	iconv_t converter = iconv_open(to, from);
	if (converter == (iconv_t)-1 && errno != ENOMEM)
		converter = iconv_open(to, from);
	*out_of_memory = converter == (iconv_t)-1 && errno == ENOMEM;
	return converter;
}

/*
 * Windows-1252's upper half as UTF-8, each byte converted alone by iconv once per
 * file: then a row converts by table lookup, one call per row instead of one
 * iconv conversion per row, and iconv still decides which bytes are defined.
 * 0, or -1 with *problem set.
 */
static int windows_1252_table(struct row_source *source, const char **problem)
{
	int out_of_memory;
	iconv_t converter = open_converter("UTF-8", "WINDOWS-1252", &out_of_memory);
	if (converter == (iconv_t)-1) {
		*problem = out_of_memory ? out_of_memory_problem : "this system's iconv cannot convert Windows-1252";
		return -1;
	}
	for (unsigned byte = 0x80; byte <= 0xFF; byte++) {
		char in_byte = (char)byte, out_bytes[8];
		char *in = &in_byte, *out = out_bytes;
		size_t in_left = 1, out_left = sizeof out_bytes;
		unsigned char *entry = source->windows_1252[byte - 0x80];
		iconv(converter, NULL, NULL, NULL, NULL);
		size_t converted = iconv(converter, &in, &in_left, &out, &out_left);
		size_t made = sizeof out_bytes - out_left;
		if (converted == (size_t)-1 || in_left || made == 0 || made > 3) {
			entry[0] = 0;
			continue;
		}
		entry[0] = (unsigned char)made;
		memcpy(entry + 1, out_bytes, made);
	}
	iconv_close(converter);
	source->windows_1252_ready = 1;
	return 0;
}

/* The first byte at or past from (below length) that is 0x80 or more, else length.
 * The bytes passed are copied to out + (their offset - from) as they are, and up
 * to 16 more beyond them (out must have room). */
static size_t copy_to_high_byte(const unsigned char *in, size_t from, size_t length, unsigned char *out)
{
	size_t h = from;
#if defined(__SSE2__)
	for (; h + 16 <= length; h += 16) {
		__m128i bytes = _mm_loadu_si128((const __m128i *)(const void *)(in + h));
		_mm_storeu_si128((__m128i *)(void *)(out + (h - from)), bytes);
		unsigned high = (unsigned)_mm_movemask_epi8(bytes);
		if (high)
			return h + (size_t)__builtin_ctz(high);
	}
#endif
	for (; h < length && in[h] < 0x80; h++)
		out[h - from] = in[h];
	return h;
}

/*
 * text[0 .. length) from Windows-1252 to UTF-8, in source->converted (with scan
 * padding after it), or NULL with *problem set.  The separator_count offsets in
 * separators (ascending, each an ASCII byte of text) are moved to where those bytes
 * land, so that a row scanned before it was converted need not be scanned again.
 */
static const char *convert_windows_1252(struct row_source *source, const char *text, size_t length,
                                        uint32_t *separators, size_t separator_count, size_t *out_length,
                                        const char **problem)
{
	if (!source->windows_1252_ready && windows_1252_table(source, problem) < 0)
		return NULL;
	source->converted.length = 0;
	/* three bytes per byte at most, and the 16 copy_to_high_byte() may write past */
	if (growable_reserve(&source->converted, length * 3 + 16 + 1 + CSV_SCAN_PADDING) < 0) {
		*problem = out_of_memory_problem;
		return NULL;
	}
	const unsigned char *in = (const unsigned char *)text;
	unsigned char *start = (unsigned char *)source->converted.data, *out = start;
	size_t i = 0, k = 0;
	uint32_t moved = 0; /* how far the text from i on has moved: what the letters before it grew by */
	for (;;) {
		size_t high = copy_to_high_byte(in, i, length, out);
		out += high - i;
		for (; k < separator_count && separators[k] < high; k++)
			separators[k] += moved;
		if (high >= length)
			break;
		const unsigned char *entry = source->windows_1252[in[high] - 0x80];
		if (!entry[0]) {
			*problem = "byte not defined in Windows-1252";
			return NULL;
		}
		memcpy(out, entry + 1, 3); /* room for three per byte is reserved */
		out += entry[0];
		moved += (uint32_t)entry[0] - 1;
		i = high + 1;
	}
	*out_length = (size_t)(out - start);
	memset(out, 0, CSV_SCAN_PADDING);
	return source->converted.data;
}

/*
 * Decides the encoding of an undecided file (no BOM, only ASCII so far) by its
 * first non-ASCII text: valid UTF-8 means UTF-8, anything else is taken for
 * Windows-1252, which has a character for nearly every byte.  0: the text is
 * usable as it stands (UTF-8); 1: it must be converted from Windows-1252;
 * -1: it is invalid UTF-8 in a UTF-8 file.
 */
static int settle_encoding(struct row_source *source, int valid_utf8)
{
	if (source->encoding == TEXT_WINDOWS_1252)
		return 1;
	if (valid_utf8) {
		if (source->encoding == TEXT_UNDECIDED)
			source->encoding = TEXT_UTF8;
		return 0;
	}
	if (source->encoding != TEXT_UNDECIDED)
		return -1;
	source->encoding = TEXT_WINDOWS_1252;
	return 1;
}

/* The whole text of a JSON export in UTF-8, or NULL with *problem set. */
static const char *json_text_utf8(struct row_source *source, const char *text, size_t length, size_t *out_length,
                                  const char **problem)
{
	*out_length = length;
	int high;
	enum text_check check = check_utf8((const unsigned char *)text, length, &high);
	if (check == TEXT_HAS_NUL) {
		*problem = "NUL byte in the text";
		return NULL;
	}
	if (!high)
		return text;
	int settled = settle_encoding(source, check == TEXT_UTF8_OK);
	if (settled < 0) {
		*problem = "invalid UTF-8 text";
		return NULL;
	}
	return settled ? convert_windows_1252(source, text, length, NULL, 0, out_length, problem) : text;
}

/* ---- CSV ----------------------------------------------------------------- */

static int reserve_fields(struct row_source *source, size_t count)
{
	if (count <= source->field_capacity)
		return 0;
	size_t capacity = source->field_capacity ? source->field_capacity * 2 : 64;
	while (capacity < count)
		capacity *= 2;
	const char **fields = realloc(source->fields, capacity * sizeof *fields);
	if (!fields)
		return -1;
	source->fields = fields;
	size_t *lengths = realloc(source->lengths, capacity * sizeof *lengths);
	if (!lengths)
		return -1;
	source->lengths = lengths;
	source->field_capacity = capacity;
	return 0;
}

/*
 * Splits one row's UTF-8 text into NUL-terminated fields in source->split, at
 * the separators the scan found.  Only a field that holds a quote is unquoted
 * byte by byte, in place: its output never runs ahead of its input.
 */
static int split_fields(struct row_source *source, const char *text, size_t length, size_t *count)
{
	const struct csv_row_scan *scan = &source->scan;
	size_t fields = scan->separator_count + 1;
	source->split.length = 0;
	if (growable_reserve(&source->split, length + 1) < 0 || reserve_fields(source, fields) < 0)
		return -1;
	char *out = source->split.data;
	memcpy(out, text, length);
	out[length] = '\0';
	size_t field_start = 0;
	for (size_t n = 0; n < fields; n++) {
		size_t field_end = n < scan->separator_count ? scan->separators[n] : length;
		size_t o = field_end;
		if (scan->has_quote && memchr(out + field_start, '"', field_end - field_start)) {
			int quoted = 0;
			o = field_start;
			for (size_t i = field_start; i < field_end; i++) {
				if (out[i] != '"')
					out[o++] = out[i];
				else if (quoted && i + 1 < field_end && out[i + 1] == '"')
					out[o++] = '"', i++;
				else
					quoted = !quoted;
			}
		}
		out[o] = '\0';
		source->fields[n] = out + field_start;
		source->lengths[n] = o - field_start;
		field_start = field_end + 1;
	}
	*count = fields;
	return 0;
}

/*
 * Takes the next non-blank CSV row, scanned: raw text in *raw (no line end),
 * its structure in source->scan.  1, 0 or -1.
 */
static int next_csv_line(struct row_source *source, const char **raw, size_t *raw_length, unsigned long *line)
{
	for (;;) {
		size_t end;
		int found;
		csv_row_scan_reset(&source->scan);
		while ((found = csv_row_scan(&source->scan, source->buffer + source->start, source->length - source->start,
		                             source->eof, source->separator, &end)) == 0) {
			int got = fill(source);
			if (got < 0)
				return -1;
			if (got == 0)
				source->eof = 1;
		}
		if (found < 0) {
			set_error(source, "%s: out of memory", source->name);
			return -1;
		}
		if (source->start == source->length && source->eof)
			return 0;
		if (source->scan.in_quotes) {
			set_error(source, "%s:%lu: quoted field opened on this row is never closed", source->name, source->line);
			return -1;
		}
		const char *text = source->buffer + source->start;
		*line = source->line;
		source->line += source->scan.quoted_newlines + 1;
		source->start += end < source->length - source->start ? end + 1 : end;
		if (end > 0 && text[end - 1] == '\r')
			end--;
		if (end == 0)
			continue; /* blank lines are not rows */
		*raw = text;
		*raw_length = end;
		return 1;
	}
}

/*
 * The scanned row's text in UTF-8, with source->scan describing that text, or
 * NULL with *problem set.  Only rows the scan could not vouch for are checked
 * again, and only non-ASCII Windows-1252 rows are converted (their separators
 * moved with the text).
 */
static const char *csv_row_utf8(struct row_source *source, const char *raw, size_t raw_length, size_t *length,
                                const char **problem)
{
	*length = raw_length;
	if (source->scan.has_nul) {
		*problem = "NUL byte in the row (not text)";
		return NULL;
	}
	if (!source->scan.has_high)
		return raw;
	int valid_utf8 = 1;
	if (source->encoding != TEXT_WINDOWS_1252 && source->scan.needs_utf8_check) {
		int high;
		valid_utf8 = check_utf8((const unsigned char *)raw, raw_length, &high) == TEXT_UTF8_OK;
	}
	int settled = settle_encoding(source, valid_utf8);
	if (settled < 0) {
		*problem = "invalid UTF-8 text";
		return NULL;
	}
	if (!settled)
		return raw;
	/* the separators are ASCII, as are quotes and line ends: the scan of the raw row
	 * holds for the converted one once its separators are moved */
	return convert_windows_1252(source, raw, raw_length, source->scan.separators, source->scan.separator_count, length,
	                            problem);
}

static char guess_separator(const char *header, size_t length)
{
	size_t semicolons = 0, commas = 0, tabs = 0;
	int quoted = 0;
	for (size_t i = 0; i < length; i++) {
		if (header[i] == '"')
			quoted = !quoted;
		else if (!quoted)
			semicolons += header[i] == ';', commas += header[i] == ',', tabs += header[i] == '\t';
	}
	if (tabs >= semicolons && tabs >= commas && tabs > 0)
		return '\t';
	if (semicolons >= commas && semicolons > 0)
		return ';';
	return ',';
}

static int take_headers(struct row_source *source, const char *const *names, const size_t *lengths, size_t count)
{
	source->headers = calloc(count ? count : 1, sizeof *source->headers);
	if (!source->headers)
		return -1;
	source->columns = count;
	for (size_t c = 0; c < count; c++) {
		source->headers[c] = lengths ? strndup(names[c], lengths[c]) : strdup(names[c]);
		if (!source->headers[c])
			return -1;
	}
	return 0;
}

/* ---- JSON ---------------------------------------------------------------- */

/*
 * Finds where each element of the top-level array starts and ends, so a row
 * can be reported by its line and kept verbatim.  This only tracks strings and
 * nesting; cJSON has already decided that the text is valid JSON.
 */
static int index_json_elements(struct json_rows *json, size_t expected)
{
	json->lines = calloc(expected ? expected : 1, sizeof *json->lines);
	json->starts = calloc(expected ? expected : 1, sizeof *json->starts);
	json->ends = calloc(expected ? expected : 1, sizeof *json->ends);
	if (!json->lines || !json->starts || !json->ends)
		return -1;
	unsigned long line = 1;
	int depth = 0, in_string = 0;
	size_t found = 0, start = 0;
	int in_element = 0;
	for (size_t i = 0; i < json->text_length; i++) {
		char c = json->text[i];
		if (c == '\n')
			line++;
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
			continue;
		}
		if (depth == 1 && !in_element && c != ',' && c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ']') {
			in_element = 1;
			start = i;
			if (found < expected)
				json->lines[found] = line;
		}
		if (c == '"')
			in_string = 1;
		else if (c == '[' || c == '{')
			depth++;
		else if (c == ']' || c == '}')
			depth--;
		if (!in_element)
			continue;
		size_t end;
		if ((c == '}' || c == ']') && depth == 1)
			end = i + 1;
		else if ((c == ',' && depth == 1) || depth == 0)
			end = i;
		else
			continue;
		if (found < expected) {
			json->starts[found] = start;
			json->ends[found] = end;
		}
		found++;
		in_element = 0;
	}
	return 0;
}

static int open_json(struct row_source *source)
{
	/* The buffer already holds the first chunk; read the rest. */
	for (;;) {
		int got = fill(source);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
	}
	struct json_rows *json = &source->json;
	json->text = source->buffer + source->start;
	json->text_length = source->length - source->start;
	size_t length;
	const char *problem = NULL;
	const char *text = json_text_utf8(source, json->text, json->text_length, &length, &problem);
	if (!text) {
		set_error(source, "%s: %s", source->name, problem);
		return -1;
	}
	if (text != json->text) { /* converted from Windows-1252: keep our own copy */
		char *copy = malloc(length + 1);
		if (!copy)
			return -1;
		memcpy(copy, text, length);
		copy[length] = '\0';
		free(source->buffer);
		source->buffer = copy;
		source->start = 0;
		source->length = source->capacity = length;
		json->text = copy;
		json->text_length = length;
	}
	const char *parse_end = NULL;
	json_memory_watch();
	json->root = cJSON_ParseWithLengthOpts(json->text, json->text_length, &parse_end, 0);
	if (!json->root && json_memory_failed()) {
		set_error(source, "%s: out of memory", source->name);
		return -1;
	}
	if (!json->root) {
		const char *where = cJSON_GetErrorPtr();
		unsigned long line = 1;
		if (where && where >= json->text && where <= json->text + json->text_length)
			for (const char *p = json->text; p < where; p++)
				line += *p == '\n';
		set_error(source, "%s:%lu: not valid JSON", source->name, line);
		return -1;
	}
	if (!cJSON_IsArray(json->root)) {
		set_error(source, "%s: JSON export must be an array of objects, one per questionnaire", source->name);
		return -1;
	}
	json->count = (size_t)cJSON_GetArraySize(json->root);
	if (json->count == 0) {
		set_error(source, "%s: empty input (a JSON array with no questionnaires)", source->name);
		return -1;
	}
	if (index_json_elements(json, json->count) < 0)
		return -1;
	/* Columns: every key, in the order it first appears. */
	size_t capacity = 16, count = 0;
	char **names = malloc(capacity * sizeof *names);
	if (!names)
		return -1;
	const cJSON *element;
	cJSON_ArrayForEach(element, json->root)
	{
		const cJSON *item;
		if (!cJSON_IsObject(element))
			continue;
		cJSON_ArrayForEach(item, element)
		{
			size_t c = 0;
			while (c < count && strcmp(names[c], item->string) != 0)
				c++;
			if (c < count)
				continue;
			if (count == capacity) {
				char **grown = realloc(names, 2 * capacity * sizeof *names);
				if (!grown) {
					free(names);
					return -1;
				}
				names = grown;
				capacity *= 2;
			}
			names[count++] = item->string;
		}
	}
	size_t *lengths = calloc(count ? count : 1, sizeof *lengths);
	json->values = calloc(count ? count : 1, sizeof *json->values);
	if (!lengths || !json->values) {
		free(names);
		free(lengths);
		return -1;
	}
	for (size_t c = 0; c < count; c++)
		lengths[c] = strlen(names[c]);
	int status = take_headers(source, (const char *const *)names, lengths, count);
	free(names);
	free(lengths);
	if (status < 0)
		return -1;
	if (count == 0) {
		set_error(source, "%s: JSON export holds no object with any field", source->name);
		return -1;
	}
	json->element = json->root->child;
	return reserve_fields(source, count);
}

static char *json_value_text(const cJSON *item, const char **problem)
{
	char number[64];
	if (!item || cJSON_IsNull(item))
		return strdup("");
	if (cJSON_IsString(item))
		return strdup(item->valuestring);
	if (cJSON_IsBool(item))
		return strdup(cJSON_IsTrue(item) ? "true" : "false");
	if (cJSON_IsNumber(item)) {
		double v = item->valuedouble;
		if (v == (double)(long long)v && v > -1e15 && v < 1e15)
			snprintf(number, sizeof number, "%lld", (long long)v);
		else
			snprintf(number, sizeof number, "%.15g", v);
		return strdup(number);
	}
	*problem = "a field holds an object or array, not a value";
	return strdup("");
}

static int next_json_row(struct row_source *source, struct row *row)
{
	struct json_rows *json = &source->json;
	if (!json->element)
		return 0;
	const cJSON *element = json->element;
	size_t index = json->index++;
	json->element = element->next;
	row->line = json->lines[index];
	row->raw = json->text + json->starts[index];
	row->raw_length = json->ends[index] - json->starts[index];
	row->problem = NULL;
	/* "19850312\u20131231", "\u00c5sa": PHP and Python escape every non-ASCII
	 * character, and a scrubber reading the row as written would not see the
	 * personnummer or the participant's code in it.  Such a row is kept as cJSON
	 * prints it, the characters themselves. */
	if (memchr(row->raw, '\\', row->raw_length)) {
		free(json->decoded);
		json->decoded = cJSON_PrintUnformatted(element);
		if (!json->decoded) {
			set_error(source, "%s: out of memory", source->name);
			return -1;
		}
		row->raw = json->decoded;
		row->raw_length = strlen(json->decoded);
	}
	for (size_t c = 0; c < source->columns; c++) {
		free(json->values[c]);
		const char *problem = NULL;
		json->values[c] = json_value_text(cJSON_IsObject(element)
		                                      ? cJSON_GetObjectItemCaseSensitive(element, source->headers[c])
		                                      : NULL,
		                                  &problem);
		if (!json->values[c]) {
			set_error(source, "%s: out of memory", source->name);
			return -1;
		}
		if (problem && !row->problem)
			row->problem = problem;
		source->fields[c] = json->values[c];
		source->lengths[c] = strlen(json->values[c]);
	}
	if (!cJSON_IsObject(element))
		row->problem = "array element is not an object";
	row->count = source->columns;
	row->fields = source->fields;
	row->lengths = source->lengths;
	return 1;
}

/* ---- opening ------------------------------------------------------------- */

static int parse_encoding(const char *name, enum text_encoding *encoding)
{
	static const struct {
		const char *name;
		enum text_encoding encoding;
	} known[] = {
		{"utf-8", TEXT_UTF8},          {"utf8", TEXT_UTF8},           {"windows-1252", TEXT_WINDOWS_1252},
		{"cp1252", TEXT_WINDOWS_1252}, {"latin1", TEXT_WINDOWS_1252}, {"iso-8859-1", TEXT_WINDOWS_1252},
		{"utf-16le", TEXT_UTF16LE},    {"utf-16be", TEXT_UTF16BE},
	};
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (strcasecmp(name, known[i].name) == 0) {
			*encoding = known[i].encoding;
			return 0;
		}
	return -1;
}

int row_source_encoding_known(const char *name)
{
	enum text_encoding encoding;
	return parse_encoding(name, &encoding) == 0;
}

int row_source_parse_separator(const char *text, char *separator)
{
	if (strcmp(text, "tab") == 0 || strcmp(text, "\\t") == 0 || strcmp(text, "\t") == 0)
		*separator = '\t';
	else if (strcmp(text, ",") == 0 || strcmp(text, ";") == 0)
		*separator = text[0];
	else
		return -1;
	return 0;
}

/* Looks at the start of the text: BOM, then whether it is text at all.  1: not
 * text but a zip archive (an .xlsx workbook, see open_xlsx). */
static int detect_encoding(struct row_source *source)
{
	/* Only the BOM's bytes: UTF-16 must not be read as bytes beyond it. */
	while (source->length < 4 && !source->eof) {
		ssize_t got = read_bytes(source, source->buffer + source->length, 4 - source->length);
		if (got < 0)
			return -1;
		source->length += (size_t)got;
	}
	const unsigned char *b = (const unsigned char *)source->buffer;
	if (source->length == 4 && b[0] == 'P' && b[1] == 'K' && ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6)))
		return 1;
	if (source->length == 4 && b[0] == 0xD0 && b[1] == 0xCF && b[2] == 0x11 && b[3] == 0xE0) {
		/* OLE2: a legacy .xls, or an .xlsx that is password-protected (also OLE2) */
		set_error(source,
		          "%s: a legacy Excel .xls workbook (or a password-protected one): open it in Excel and save it "
		          "as .xlsx without a password, or as CSV UTF-8",
		          source->name);
		return -1;
	}
	size_t bom = 0;
	enum text_encoding found = TEXT_UNDECIDED;
	if (source->length >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
		bom = 3, found = TEXT_UTF8_BOM;
	else if (source->length >= 2 && b[0] == 0xFF && b[1] == 0xFE)
		bom = 2, found = TEXT_UTF16LE;
	else if (source->length >= 2 && b[0] == 0xFE && b[1] == 0xFF)
		bom = 2, found = TEXT_UTF16BE;
	if (!source->encoding_forced)
		source->encoding = found;
	else if (found != TEXT_UNDECIDED && found != source->encoding &&
	         !(found == TEXT_UTF8_BOM && source->encoding == TEXT_UTF8))
		bom = 0; /* the user said otherwise: the bytes are text */
	else if (found == TEXT_UTF8_BOM)
		source->encoding = TEXT_UTF8_BOM;
	source->start = bom;
	if (source->encoding == TEXT_UTF16LE || source->encoding == TEXT_UTF16BE) {
		int out_of_memory;
		source->utf16 = open_converter("UTF-8", source->encoding == TEXT_UTF16LE ? "UTF-16LE" : "UTF-16BE",
		                               &out_of_memory);
		source->pending = malloc(CHUNK_SIZE / 2);
		if (!source->pending || out_of_memory) {
			set_error(source, "%s: out of memory", source->name);
			return -1;
		}
		if (source->utf16 == (iconv_t)-1) {
			set_error(source, "%s: this system's iconv cannot convert UTF-16", source->name);
			return -1;
		}
		/* What was read so far is raw UTF-16: move it to the pending bytes. */
		memcpy(source->pending, source->buffer + source->start, source->length - source->start);
		source->pending_length = source->length - source->start;
		source->start = source->length = 0;
	}
	while (source->length - source->start < 4096) {
		int got = fill(source);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
	}
	if (source->length == source->start) {
		set_error(source, "%s: empty input", source->name);
		return -1;
	}
	/* Not text: NUL bytes or many control characters early on (binary, or another compressor). */
	size_t sniff = source->length - source->start < 4096 ? source->length - source->start : 4096;
	size_t controls = 0;
	for (size_t i = 0; i < sniff; i++) {
		unsigned char c = (unsigned char)source->buffer[source->start + i];
		if (c == 0) {
			set_error(source, "%s: not a text file (NUL byte at byte %zu); expected CSV or JSON, plain or gzip",
			          source->name, i + bom);
			return -1;
		}
		controls += c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f';
	}
	if (controls * 20 > sniff) {
		set_error(source, "%s: not a text file (control characters); expected CSV or JSON, plain or gzip",
		          source->name);
		return -1;
	}
	return 0;
}

static int open_csv(struct row_source *source, const struct row_source_options *options)
{
	const char *raw;
	size_t raw_length;
	unsigned long line;
	int got = next_csv_line(source, &raw, &raw_length, &line);
	if (got < 0)
		return -1;
	if (got == 0) {
		set_error(source, "%s: empty input", source->name);
		source->exhausted = 1;
		return -1;
	}
	size_t length;
	const char *problem = NULL;
	const char *text = csv_row_utf8(source, raw, raw_length, &length, &problem);
	if (!text) {
		set_error(source, "%s:%lu: header: %s", source->name, line, problem);
		source->exhausted = problem != out_of_memory_problem; /* the search ends here, as at the end */
		return -1;
	}
	/* The header was scanned before its separator was known: scan it again. */
	source->header_line = line;
	source->separator = options && options->separator ? options->separator : guess_separator(text, length);
	size_t end, count;
	csv_row_scan_reset(&source->scan);
	if (csv_row_scan(&source->scan, text, length, 1, source->separator, &end) < 0 ||
	    split_fields(source, text, length, &count) < 0 ||
	    take_headers(source, source->fields, source->lengths, count) < 0) {
		set_error(source, "%s: out of memory", source->name);
		return -1;
	}
	return 0;
}

/* ---- Excel workbooks ------------------------------------------------------ */

/* A sheet's name as messages quote it: a name is typed by a person, and may be one's
 * personnummer, which never reaches a message (personal_data.h). */
#define SHEET_NAME(book) QUOTE_CELL(xlsx_sheet_name(book), strlen(xlsx_sheet_name(book)), 31)

static const char *column_letters(size_t column, char out[4])
{
	char reversed[4];
	size_t n = 0;
	for (column++; column > 0 && n < 3; column = (column - 1) / 26)
		reversed[n++] = (char)('A' + (column - 1) % 26);
	for (size_t i = 0; i < n; i++)
		out[i] = reversed[n - 1 - i];
	out[n] = '\0';
	return out;
}

static int take_xlsx_header(struct row_source *source)
{
	struct xlsx_row row;
	int got;
	/* Empty rows above the header are no header: Excel writes formatted ones. */
	while ((got = xlsx_next_row(source->xlsx, &row)) == 1 && row.count == 0)
		;
	if (got < 0) {
		set_error(source, "%s", xlsx_error(source->xlsx));
		source->out_of_memory = xlsx_out_of_memory(source->xlsx);
		return -1;
	}
	if (got == 0) {
		source->exhausted = 1;
		set_error(source, "%s: the sheet \"%s\" holds no rows%s", source->name, SHEET_NAME(source->xlsx),
		          source->header_line ? " below the lines tried as its header" : "");
		return -1;
	}
	source->header_line = row.number;
	if (take_headers(source, row.cells, row.lengths, row.count) < 0) {
		set_error(source, "%s: out of memory", source->name);
		return -1;
	}
	return 0;
}

static int open_xlsx(struct row_source *source, const char *path)
{
	char error[512];
	struct stat status;
	if (path && !source->gzipped && stat(path, &status) == 0 && S_ISREG(status.st_mode)) {
		byte_reader_free(source->bytes);
		source->bytes = NULL;
		source->xlsx = xlsx_open(path, NULL, 0, source->name, error, sizeof error);
	} else {
		/* stdin, a pipe or a gzipped workbook: a zip is read from its end, so all of it */
		struct growable all = {0};
		if (growable_reserve(&all, source->length + CHUNK_SIZE) < 0) {
			set_error(source, "%s: out of memory", source->name);
			return -1;
		}
		memcpy(all.data, source->buffer, source->length);
		all.length = source->length;
		for (;;) {
			if (growable_reserve(&all, CHUNK_SIZE) < 0) {
				free(all.data);
				set_error(source, "%s: out of memory", source->name);
				return -1;
			}
			ssize_t got = read_bytes(source, all.data + all.length, CHUNK_SIZE);
			if (got < 0) {
				free(all.data);
				return -1;
			}
			if (got == 0)
				break;
			all.length += (size_t)got;
			if (all.length > MAX_XLSX_MEMORY_BYTES) {
				free(all.data);
				set_error(source, "%s: a workbook of more than %u MiB read from a pipe or gzip; give the .xlsx file "
				          "itself, or save it as CSV", source->name, MAX_XLSX_MEMORY_BYTES >> 20);
				return -1;
			}
		}
		source->xlsx_bytes = all.data;
		source->xlsx = xlsx_open(NULL, all.data, all.length, source->name, error, sizeof error);
	}
	if (!source->xlsx) {
		int out_of_memory = errno == ENOMEM;
		set_error(source, "%s", error);
		source->out_of_memory = out_of_memory;
		return -1;
	}
	return take_xlsx_header(source);
}

/* A row of the sheet, aligned to the header; its raw text is the cells joined
 * with ';' as a CSV export would have them, for the reject file. */
static int next_xlsx_row(struct row_source *source, struct row *row)
{
	struct xlsx_row cells;
	int got = xlsx_next_row(source->xlsx, &cells);
	if (got < 0) {
		set_error(source, "%s", xlsx_error(source->xlsx));
		source->out_of_memory = xlsx_out_of_memory(source->xlsx);
		return -1;
	}
	if (got == 0)
		return 0;
	if (reserve_fields(source, source->columns ? source->columns : 1) < 0) {
		set_error(source, "%s: out of memory", source->name);
		return -1;
	}
	struct growable *raw = &source->converted;
	raw->length = 0;
	for (size_t c = 0; c < source->columns || c < cells.count; c++) {
		const char *text = c < cells.count ? cells.cells[c] : "";
		size_t length = c < cells.count ? cells.lengths[c] : 0;
		if (c < source->columns) {
			source->fields[c] = text;
			source->lengths[c] = length;
		}
		int quote = strpbrk(text, ";\"\r\n") != NULL;
		if (growable_reserve(raw, 2 * length + 4) < 0) {
			set_error(source, "%s: out of memory", source->name);
			return -1;
		}
		if (c > 0)
			raw->data[raw->length++] = ';';
		if (quote)
			raw->data[raw->length++] = '"';
		for (size_t i = 0; i < length; i++) {
			if (text[i] == '"')
				raw->data[raw->length++] = '"';
			raw->data[raw->length++] = text[i];
		}
		if (quote)
			raw->data[raw->length++] = '"';
	}
	row->line = cells.number;
	row->raw = raw->data ? raw->data : "";
	row->raw_length = raw->length;
	row->count = source->columns;
	row->fields = source->fields;
	row->lengths = source->lengths;
	if (cells.count > source->columns) {
		char letters[4];
		snprintf(source->error, sizeof source->error,
		         "a value in column %s, right of the header's last column (%zu columns)",
		         column_letters(cells.count - 1, letters), source->columns);
		row->problem = source->error;
	}
	return 1;
}

struct row_source *row_source_open(const char *path, const struct row_source_options *options, char *error,
                                   size_t error_size)
{
	struct row_source *source = calloc(1, sizeof *source);
	int is_stdin = !path || strcmp(path, "-") == 0;
	if (!source) {
		snprintf(error, error_size, "%s: out of memory", is_stdin ? "stdin" : path);
		errno = ENOMEM;
		return NULL;
	}
	source->utf16 = (iconv_t)-1;
	source->line = 1;
	source->name = strdup(is_stdin ? "stdin" : path);
	source->capacity = CHUNK_SIZE;
	source->buffer = malloc(source->capacity + CSV_SCAN_PADDING);
	if (!source->name || !source->buffer) {
		snprintf(error, error_size, "%s: out of memory", is_stdin ? "stdin" : path);
		row_source_close(source);
		errno = ENOMEM;
		return NULL;
	}
	if (options && options->encoding) {
		if (parse_encoding(options->encoding, &source->encoding) < 0) {
			snprintf(error, error_size, "unknown encoding \"%s\" (expected utf-8, windows-1252 or utf-16le)",
			         options->encoding);
			row_source_close(source);
			return NULL;
		}
		source->encoding_forced = 1;
	}
	int fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(error, error_size, "%s: cannot open: %s", source->name, strerror(errno));
		row_source_close(source);
		return NULL;
	}
	source->bytes = byte_reader_new(fd);
	source->fd = is_stdin ? -1 : fd;
	if (!source->bytes) {
		close(fd);
		snprintf(error, error_size, "%s: out of memory", source->name);
		row_source_close(source);
		errno = ENOMEM;
		return NULL;
	}
	int status = detect_encoding(source);
	source->gzipped = source->bytes->gzip == 1;
	if (status == 1) {
		status = open_xlsx(source, is_stdin ? NULL : path);
	} else if (status == 0) {
		size_t first = source->start;
		while (first < source->length && strchr(" \t\r\n", source->buffer[first]))
			first++;
		source->is_json = first < source->length && (source->buffer[first] == '[' || source->buffer[first] == '{');
		status = source->is_json ? open_json(source) : open_csv(source, options);
	}
	if (status < 0) {
		if (!source->failed)
			set_error(source, "%s: out of memory", source->name);
		snprintf(error, error_size, "%s", source->error);
		int out_of_memory = source->out_of_memory;
		row_source_close(source);
		errno = out_of_memory ? ENOMEM : EINVAL;
		return NULL;
	}
	return source;
}

/* ---- parts of one file, for two readers ------------------------------------- */

void row_source_read_ahead(struct row_source *source)
{
	if (source->gzipped && !source->pipe && !source->is_json && !source->xlsx && !source->failed &&
	    !source->eof && source->bytes)
		gz_pipe_start(source);
}

int row_source_splittable(const struct row_source *source, uint64_t *size)
{
	struct stat st;
	if (source->is_json || source->xlsx || source->pipe || source->failed || !source->bytes ||
	    (source->encoding != TEXT_UTF8 && source->encoding != TEXT_UTF8_BOM && source->encoding != TEXT_WINDOWS_1252) ||
	    source->fd < 0 || fstat(source->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	*size = (uint64_t)st.st_size;
	return 1;
}

uint64_t row_source_offset(const struct row_source *source)
{
	return source->raw_offset - (uint64_t)(source->length - source->start);
}

unsigned long row_source_line(const struct row_source *source) { return source->line; }

int row_source_seek(struct row_source *source, uint64_t offset, unsigned long line)
{
	if (offset >= row_source_offset(source) && offset <= source->raw_offset && !source->failed) {
		/* already read into the buffer (a gzip file cannot go back for it) */
		source->start = source->length - (size_t)(source->raw_offset - offset);
		source->line = line;
		return 0;
	}
	errno = 0;
	if (!source->bytes || source->pipe ||
	    byte_reader_seek(source->bytes, source->raw_offset, offset, source->buffer, source->capacity) < 0) {
		if (source->bytes && source->bytes->failure)
			bytes_result(source, -1);
		else
			set_error(source, "%s: cannot seek: %s", source->name, strerror(errno ? errno : ESPIPE));
		return -1;
	}
	source->raw_offset = offset;
	source->start = source->length = 0;
	source->eof = 0;
	source->line = line;
	return 0;
}

/* A second reader of like's file, with its encoding, separator and header, counting
 * lines from 1, at the file's start (inflated, when gzip is set: a gzip file). */
static struct row_source *open_second_reader(const struct row_source *like, const char *path, int gzip, char *error,
                                             size_t error_size)
{
	struct row_source *source = calloc(1, sizeof *source);
	if (!source) {
		snprintf(error, error_size, "%s: out of memory", path);
		return NULL;
	}
	source->utf16 = (iconv_t)-1;
	source->fd = -1;
	source->line = 1;
	source->gzipped = gzip;
	source->name = strdup(like->name);
	source->capacity = CHUNK_SIZE;
	source->buffer = malloc(source->capacity + CSV_SCAN_PADDING);
	source->encoding = like->encoding;
	source->encoding_forced = 1; /* never decided anew from this part's text */
	source->separator = like->separator;
	source->header_line = like->header_line;
	int fd = source->name && source->buffer ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	int open_errno = errno;
	source->bytes = fd >= 0 ? byte_reader_new(fd) : NULL;
	if (!source->bytes) {
		if (fd >= 0)
			close(fd);
		snprintf(error, error_size, "%s: cannot open a second reader: %s", path,
		         fd >= 0 ? "out of memory" : strerror(open_errno));
		row_source_close(source);
		return NULL;
	}
	if (take_headers(source, (const char *const *)like->headers, NULL, like->columns) < 0) {
		snprintf(error, error_size, "%s", source->failed ? source->error : "out of memory");
		row_source_close(source);
		return NULL;
	}
	memset(source->buffer, 0, CSV_SCAN_PADDING);
	return source;
}

struct row_source *row_source_open_part(const struct row_source *like, const char *path, uint64_t offset, char *error,
                                        size_t error_size)
{
	struct row_source *source = open_second_reader(like, path, 0, error, error_size);
	if (source && row_source_seek(source, offset, 1) < 0) {
		snprintf(error, error_size, "%s", source->error);
		row_source_close(source);
		return NULL;
	}
	return source;
}

int row_source_end_at(struct row_source *source, uint64_t offset, unsigned long line)
{
	source->raw_offset = offset;
	source->start = source->length = 0;
	source->eof = 1;
	source->line = line;
	return 0;
}

struct row_source *row_source_open_gzip_part(const struct row_source *like, const char *path, char *error,
                                             size_t error_size)
{
	return open_second_reader(like, path, 1, error, error_size);
}

int row_source_gzip_skip(struct row_source *source, uint64_t compressed, uint64_t after, uint64_t *cut)
{
	if (!source->gzipped || !source->bytes)
		return -1;
	/* a small piece: where the compressed share is passed, to within one of them */
	uint64_t piece_offset = source->raw_offset;
	/* A piece still short of it is passed over where it was inflated, not copied out:
	 * the same pieces as read_bytes() would hand out, so the cut is the same. */
	struct byte_reader *reader = source->bytes;
	if (reader->gzip == 1 && !source->eof && reader->staged_taken < reader->staged_length) {
		size_t left = reader->staged_length - reader->staged_taken;
		size_t piece = left < GZIP_SKIP_PIECE ? left : GZIP_SKIP_PIECE;
		if (byte_reader_compressed_at(reader, piece_offset + piece) < compressed) {
			reader->staged_taken += piece;
			source->raw_offset += piece;
			return 0;
		}
	}
	ssize_t got = read_bytes(source, source->buffer, GZIP_SKIP_PIECE);
	if (got <= 0)
		return -1; /* no line end after that point: not split */
	size_t from = after > piece_offset ? (size_t)(after - piece_offset) : 0;
	int passed = byte_reader_compressed_at(source->bytes, piece_offset + (uint64_t)got) >= compressed;
	const char *newline = passed && from < (size_t)got ? memchr(source->buffer + from, '\n', (size_t)got - from) : NULL;
	if (!newline)
		return 0;
	source->start = (size_t)(newline - source->buffer) + 1;
	source->length = (size_t)got;
	memset(source->buffer + source->length, 0, CSV_SCAN_PADDING);
	*cut = row_source_offset(source);
	return 1;
}

void row_source_peek_at(struct row_source *source, size_t column, row_source_peek peek, void *context)
{
	source->peek = peek;
	source->peek_column = column;
	source->peek_context = context;
}

/* Whether the peek declines the scanned row raw: only a row of the header's shape whose
 * text the scan has vouched for as it stands (no NUL; ASCII, or two-byte UTF-8 in a file
 * known to be UTF-8), so that a row of bytes that are no text is said to be so wherever
 * it stands in the file, and the cell unquoted. */
static int peek_declines(struct row_source *source, const char *raw, size_t length)
{
	const struct csv_row_scan *scan = &source->scan;
	if (scan->has_nul || scan->separator_count + 1 != source->columns || source->peek_column >= source->columns)
		return 0;
	if (scan->has_high && (source->encoding == TEXT_UNDECIDED || source->encoding == TEXT_WINDOWS_1252 ||
	                       scan->needs_utf8_check))
		return 0;
	size_t column = source->peek_column;
	size_t from = column ? scan->separators[column - 1] + 1 : 0;
	size_t to = column < scan->separator_count ? scan->separators[column] : length;
	for (size_t i = from; i < to; i++)
		if ((unsigned char)raw[i] >= 0x80 || raw[i] == '"')
			return 0;
	return !source->peek(source->peek_context, raw + from, to - from);
}

int row_source_next(struct row_source *source, struct row *row)
{
	if (source->failed)
		return -1;
	memset(row, 0, sizeof *row);
	if (source->is_json)
		return next_json_row(source, row);
	if (source->xlsx)
		return next_xlsx_row(source, row);
	const char *raw;
	size_t raw_length;
	int got = next_csv_line(source, &raw, &raw_length, &row->line);
	if (got <= 0)
		return got;
	if (source->peek && peek_declines(source, raw, raw_length)) {
		row->raw = raw;
		row->raw_length = raw_length;
		row->count = source->columns;
		row->unsplit = 1;
		return 1;
	}
	size_t length;
	const char *problem = NULL;
	const char *text = csv_row_utf8(source, raw, raw_length, &length, &problem);
	row->raw = text ? text : raw;
	row->raw_length = text ? length : raw_length;
	if (!text && problem == out_of_memory_problem) {
		set_error(source, "%s:%lu: out of memory", source->name, row->line);
		return -1;
	}
	if (!text) {
		row->problem = problem;
		row->count = 0;
		row->fields = source->fields;
		row->lengths = source->lengths;
		return 1;
	}
	size_t count;
	if (split_fields(source, text, length, &count) < 0) {
		set_error(source, "%s: out of memory", source->name);
		return -1;
	}
	/* A row of another shape is refused, even when what it has too many of is empty at
	 * the end: an unquoted separator in a comment and an empty last answer look just
	 * like ";;" after the table, and dropping it would shift every field after the
	 * comment into the next column. */
	row->count = count;
	row->fields = source->fields;
	row->lengths = source->lengths;
	if (count != source->columns) {
		snprintf(source->error, sizeof source->error, "expected %zu fields, found %zu", source->columns, count);
		row->problem = source->error;
	}
	return 1;
}

size_t row_source_columns(const struct row_source *source) { return source->columns; }
const char *row_source_header(const struct row_source *source, size_t column)
{
	return column < source->columns ? source->headers[column] : NULL;
}

const char *row_source_encoding(const struct row_source *source)
{
	switch (source->encoding) {
	case TEXT_UTF8_BOM: return "utf-8-bom";
	case TEXT_UTF16LE: return "utf-16le";
	case TEXT_UTF16BE: return "utf-16be";
	case TEXT_WINDOWS_1252: return "windows-1252";
	case TEXT_UNDECIDED: /* only ASCII so far, which is UTF-8 as well */
	case TEXT_UTF8: break;
	}
	return "utf-8";
}

const char *row_source_format(const struct row_source *source)
{
	return source->xlsx ? "xlsx" : source->is_json ? "json" : "csv";
}

void row_source_describe(const struct row_source *source, char *out, size_t size)
{
	if (source->xlsx)
		snprintf(out, size, "xlsx, sheet \"%s\", %zu columns", SHEET_NAME(source->xlsx), source->columns);
	else
		snprintf(out, size, "%s, %s%s, %zu columns", row_source_format(source), row_source_encoding(source),
		         source->gzipped ? ", gzip" : "", source->columns);
}

int row_source_notice(const struct row_source *source, char *out, size_t size)
{
	if (!source->xlsx || xlsx_sheet_count(source->xlsx) < 2)
		return 0;
	snprintf(out, size, "%s: only the first sheet, \"%s\", is read; the workbook has %zu visible sheets",
	         source->name, SHEET_NAME(source->xlsx), xlsx_sheet_count(source->xlsx));
	return 1;
}

const char *row_source_sheet(const struct row_source *source, size_t *sheet_count)
{
	if (sheet_count)
		*sheet_count = source->xlsx ? xlsx_sheet_count(source->xlsx) : 0;
	return source->xlsx ? xlsx_sheet_name(source->xlsx) : NULL;
}
int row_source_gzipped(const struct row_source *source) { return source->gzipped; }
int row_source_out_of_memory(const struct row_source *source) { return source->out_of_memory; }

unsigned long row_source_header_line(const struct row_source *source) { return source->header_line ? source->header_line : 1; }

int row_source_next_header(struct row_source *source, const struct row_source_options *options)
{
	if (source->is_json || source->failed)
		return 0;
	for (size_t c = 0; c < source->columns; c++)
		free(source->headers[c]);
	free(source->headers);
	source->headers = NULL;
	source->columns = 0;
	/* The separator is guessed again from the new header: a title line has none. */
	source->separator = 0;
	if (source->xlsx ? take_xlsx_header(source) < 0 : open_csv(source, options) < 0)
		return source->exhausted && !source->out_of_memory ? 0 : -1;
	return 1;
}

const char *row_source_error(const struct row_source *source)
{
	return source->failed ? source->error : "no error";
}
const char *row_source_name(const struct row_source *source) { return source->name; }

void row_source_close(struct row_source *source)
{
	if (!source)
		return;
	gz_pipe_stop(source->pipe); /* first: the thread reads bytes */
	byte_reader_free(source->bytes);
	xlsx_close(source->xlsx);
	free(source->xlsx_bytes);
	if (source->utf16 != (iconv_t)-1)
		iconv_close(source->utf16);
	for (size_t c = 0; c < source->columns; c++) {
		free(source->headers[c]);
		if (source->json.values)
			free(source->json.values[c]);
	}
	free(source->headers);
	cJSON_Delete(source->json.root);
	free(source->json.values);
	free(source->json.decoded);
	free(source->json.lines);
	free(source->json.starts);
	free(source->json.ends);
	free(source->pending);
	free(source->buffer);
	free(source->converted.data);
	csv_row_scan_free(&source->scan);
	free(source->split.data);
	free(source->fields);
	free(source->lengths);
	free(source->name);
	free(source);
}

int row_is_blank(const struct row *row)
{
	/* every row is asked, and nearly all answer at their first byte: no call for it */
	for (size_t i = 0; i < row->raw_length; i++)
		switch (row->raw[i]) {
		case ' ':
		case '\t':
		case '\r':
		case ';':
		case ',':
		case '"': continue;
		default: return 0;
		}
	return 1;
}
