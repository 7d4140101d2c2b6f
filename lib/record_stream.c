/*
 * The record stream: chunks of fixed-size little-endian records, each chunk
 * guarded by crc32.  docs/record-stream.md is the byte-by-byte description;
 * keep the two in step.
 */
#include "record_stream.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define CHUNK_MAGIC "IFSR"
#define CHUNK_HEADER_SIZE 24
#define ANSWER_SIZE 32
#define HEALTH_SIZE 64
#define END_PAYLOAD_SIZE 16
#define MAX_PAYLOAD (16u << 20) /* a reader refuses larger chunks as corrupt */
#define MAX_STRING_LENGTH 65535

enum chunk_type {
	CHUNK_START = 1,
	CHUNK_STRINGS = 2,
	CHUNK_ANSWERS = 3,
	CHUNK_HEALTH = 4,
	CHUNK_END = 15,
};

/* Records per chunk: large enough that per-chunk costs vanish, small enough
 * that a reader's buffer stays in cache. */
#define ANSWERS_PER_CHUNK 4096
#define HEALTH_PER_CHUNK 1024

static void put16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(unsigned char *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }
static uint16_t get16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const unsigned char *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }
static uint64_t get64(const unsigned char *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

static uint32_t crc(const unsigned char *bytes, size_t length)
{
	return (uint32_t)crc32(crc32(0L, Z_NULL, 0), bytes, (uInt)length);
}

static void encode_header(unsigned char header[CHUNK_HEADER_SIZE], enum chunk_type type,
                          uint32_t count, const unsigned char *payload, uint32_t length)
{
	memcpy(header, CHUNK_MAGIC, 4);
	put16(header + 4, RECORD_STREAM_VERSION);
	header[6] = (unsigned char)type;
	header[7] = 0;
	put32(header + 8, count);
	put32(header + 12, length);
	put32(header + 16, crc(payload, length));
	put32(header + 20, crc(header, 20));
}

static void encode_answer(unsigned char *p, const struct answer_record *a)
{
	put64(p, a->respondent);
	put32(p + 8, a->date);
	put32(p + 12, a->insats);
	put32(p + 16, a->forbund);
	put32(p + 20, a->question);
	put16(p + 24, a->matar);
	p[26] = a->group;
	p[27] = a->gender;
	p[28] = a->level;
	p[29] = a->scale_max;
	p[30] = a->age;
	p[31] = a->flags;
}

static void decode_answer(const unsigned char *p, struct answer_record *a)
{
	a->respondent = get64(p);
	a->date = get32(p + 8);
	a->insats = get32(p + 12);
	a->forbund = get32(p + 16);
	a->question = get32(p + 20);
	a->matar = get16(p + 24);
	a->group = p[26];
	a->gender = p[27];
	a->level = p[28];
	a->scale_max = p[29];
	a->age = p[30];
	a->flags = p[31];
}

/* The single-byte fields of a health record, in their on-disk order from byte 24. */
#define HEALTH_BYTE_FIELDS(X) \
	X(kind) X(gender) X(age) X(lq) X(lq_due) X(vas_intake) X(vas_exit) \
	X(mental_intake) X(mental_exit) X(pain_intake) X(pain_exit) X(worry_intake) \
	X(worry_exit) X(workcap_intake) X(workcap_exit) X(vas_min_delta)

static void encode_health(unsigned char *p, const struct health_record *h)
{
	memset(p, 0, HEALTH_SIZE);
	put64(p, h->participant);
	put32(p + 8, h->intake_date);
	put32(p + 12, h->exit_date);
	put32(p + 16, h->insats);
	put32(p + 20, h->forbund);
	unsigned char *field = p + 24;
#define ENCODE_BYTE(name) *field++ = h->name;
	HEALTH_BYTE_FIELDS(ENCODE_BYTE)
#undef ENCODE_BYTE
}

static void decode_health(const unsigned char *p, struct health_record *h)
{
	h->participant = get64(p);
	h->intake_date = get32(p + 8);
	h->exit_date = get32(p + 12);
	h->insats = get32(p + 16);
	h->forbund = get32(p + 20);
	const unsigned char *field = p + 24;
#define DECODE_BYTE(name) h->name = *field++;
	HEALTH_BYTE_FIELDS(DECODE_BYTE)
#undef DECODE_BYTE
}

/* ---------------------------------------------------------------- writer */

struct record_writer {
	FILE *out;
	struct string_pool *strings;
	uint32_t strings_written; /* ids below this are already in the stream */
	unsigned char *answers;
	uint32_t answer_count;
	unsigned char *health;
	uint32_t health_count;
	uint64_t records;
	int failed;
};

static int write_chunk(struct record_writer *writer, enum chunk_type type, uint32_t count,
                       const unsigned char *payload, uint32_t length)
{
	unsigned char header[CHUNK_HEADER_SIZE];
	if (writer->failed)
		return -1;
	encode_header(header, type, count, payload, length);
	if (fwrite(header, 1, sizeof header, writer->out) != sizeof header ||
	    (length && fwrite(payload, 1, length, writer->out) != length)) {
		writer->failed = 1;
		return -1;
	}
	return 0;
}

static int flush_strings(struct record_writer *writer)
{
	uint32_t total = string_pool_count(writer->strings);
	if (writer->strings_written == total)
		return 0;
	size_t length = 0;
	for (uint32_t id = writer->strings_written; id < total; id++)
		length += 4 + string_pool_length(writer->strings, id);
	unsigned char *payload = malloc(length);
	if (!payload) {
		writer->failed = 1;
		return -1;
	}
	unsigned char *p = payload;
	for (uint32_t id = writer->strings_written; id < total; id++) {
		uint32_t n = (uint32_t)string_pool_length(writer->strings, id);
		put32(p, n);
		memcpy(p + 4, string_pool_get(writer->strings, id), n);
		p += 4 + n;
	}
	int status = write_chunk(writer, CHUNK_STRINGS, total - writer->strings_written,
	                         payload, (uint32_t)length);
	free(payload);
	writer->strings_written = total;
	return status;
}

static int flush_answers(struct record_writer *writer)
{
	if (writer->answer_count == 0)
		return 0;
	if (flush_strings(writer) < 0)
		return -1;
	int status = write_chunk(writer, CHUNK_ANSWERS, writer->answer_count, writer->answers,
	                         writer->answer_count * ANSWER_SIZE);
	writer->answer_count = 0;
	return status;
}

static int flush_health(struct record_writer *writer)
{
	if (writer->health_count == 0)
		return 0;
	if (flush_strings(writer) < 0)
		return -1;
	int status = write_chunk(writer, CHUNK_HEALTH, writer->health_count, writer->health,
	                         writer->health_count * HEALTH_SIZE);
	writer->health_count = 0;
	return status;
}

struct record_writer *record_writer_open(FILE *out, const char *producer)
{
	struct record_writer *writer = calloc(1, sizeof *writer);
	if (!writer)
		return NULL;
	writer->out = out;
	writer->strings = string_pool_new();
	writer->answers = malloc((size_t)ANSWERS_PER_CHUNK * ANSWER_SIZE);
	writer->health = malloc((size_t)HEALTH_PER_CHUNK * HEALTH_SIZE);
	if (!writer->strings || !writer->answers || !writer->health) {
		record_writer_abandon(writer);
		return NULL;
	}
	writer->strings_written = 1; /* id 0, the empty string, is implicit */
	size_t producer_length = strlen(producer);
	if (producer_length > 255)
		producer_length = 255;
	write_chunk(writer, CHUNK_START, 0, (const unsigned char *)producer, (uint32_t)producer_length);
	return writer;
}

uint32_t record_writer_string(struct record_writer *writer, const char *text)
{
	size_t length = strlen(text);
	if (length > MAX_STRING_LENGTH)
		return UINT32_MAX;
	return string_pool_intern(writer->strings, text, length);
}

int record_writer_answer(struct record_writer *writer, const struct answer_record *answer)
{
	encode_answer(writer->answers + (size_t)writer->answer_count * ANSWER_SIZE, answer);
	writer->records++;
	if (++writer->answer_count == ANSWERS_PER_CHUNK)
		return flush_answers(writer);
	return writer->failed ? -1 : 0;
}

int record_writer_health(struct record_writer *writer, const struct health_record *health)
{
	encode_health(writer->health + (size_t)writer->health_count * HEALTH_SIZE, health);
	writer->records++;
	if (++writer->health_count == HEALTH_PER_CHUNK)
		return flush_health(writer);
	return writer->failed ? -1 : 0;
}

uint64_t record_writer_count(const struct record_writer *writer) { return writer->records; }

int record_writer_close(struct record_writer *writer)
{
	unsigned char end[END_PAYLOAD_SIZE];
	flush_answers(writer);
	flush_health(writer);
	flush_strings(writer);
	put64(end, writer->records);
	put64(end + 8, string_pool_count(writer->strings));
	write_chunk(writer, CHUNK_END, 0, end, sizeof end);
	if (fflush(writer->out) != 0 || ferror(writer->out))
		writer->failed = 1;
	int status = writer->failed ? -1 : 0;
	record_writer_abandon(writer);
	return status;
}

void record_writer_abandon(struct record_writer *writer)
{
	if (!writer)
		return;
	string_pool_free(writer->strings);
	free(writer->answers);
	free(writer->health);
	free(writer);
}

/* ---------------------------------------------------------------- reader */

struct record_reader {
	FILE *in;
	char *name;
	struct string_pool *pool;
	uint64_t offset;       /* bytes consumed */
	uint64_t chunk_offset; /* where the current chunk began */
	uint64_t stream_offset;
	int in_stream;         /* between a start and an end chunk */
	unsigned streams;
	uint64_t stream_records;
	uint32_t *string_map;  /* stream-local id -> pool id */
	uint32_t string_count, string_capacity;
	unsigned char *payload;
	uint32_t payload_capacity;
	enum chunk_type chunk_type;
	uint32_t chunk_count, chunk_next;
	char error[512];
	int failed;
};

struct record_reader *record_reader_open(FILE *in, const char *name, struct string_pool *pool)
{
	struct record_reader *reader = calloc(1, sizeof *reader);
	if (!reader)
		return NULL;
	reader->in = in;
	reader->pool = pool;
	reader->name = strdup(name ? name : "stdin");
	if (!reader->name) {
		free(reader);
		return NULL;
	}
	return reader;
}

void record_reader_close(struct record_reader *reader)
{
	if (!reader)
		return;
	free(reader->name);
	free(reader->string_map);
	free(reader->payload);
	free(reader);
}

const char *record_reader_error(const struct record_reader *reader) { return reader->error; }
unsigned record_reader_streams(const struct record_reader *reader) { return reader->streams; }
uint64_t record_reader_offset(const struct record_reader *reader) { return reader->offset; }

__attribute__((format(printf, 3, 4)))
static int fail_at(struct record_reader *reader, uint64_t offset, const char *format, ...)
{
	int used = snprintf(reader->error, sizeof reader->error, "%s: byte %" PRIu64 ": ",
	                    reader->name, offset);
	va_list args;
	va_start(args, format);
	if (used > 0 && (size_t)used < sizeof reader->error)
		vsnprintf(reader->error + used, sizeof reader->error - (size_t)used, format, args);
	va_end(args);
	reader->failed = 1;
	return -1;
}

/* Reads exactly length bytes; returns the number read (short only at end of input). */
static size_t read_fully(struct record_reader *reader, void *buffer, size_t length)
{
	size_t got = fread(buffer, 1, length, reader->in);
	reader->offset += got;
	return got;
}

static int add_string(struct record_reader *reader, const unsigned char *bytes, uint32_t length)
{
	if (reader->string_count == reader->string_capacity) {
		uint32_t capacity = reader->string_capacity ? reader->string_capacity * 2 : 64;
		uint32_t *map = realloc(reader->string_map, capacity * sizeof *map);
		if (!map)
			return -1;
		reader->string_map = map;
		reader->string_capacity = capacity;
	}
	uint32_t id = string_pool_intern(reader->pool, (const char *)bytes, length);
	if (id == UINT32_MAX)
		return -1;
	reader->string_map[reader->string_count++] = id;
	return 0;
}

static int read_strings(struct record_reader *reader, uint32_t count, uint32_t length)
{
	const unsigned char *p = reader->payload, *end = reader->payload + length;
	for (uint32_t i = 0; i < count; i++) {
		if (end - p < 4)
			return fail_at(reader, reader->chunk_offset, "corrupt string chunk: string %" PRIu32 " runs past the chunk", i);
		uint32_t n = get32(p);
		if ((size_t)(end - p - 4) < n)
			return fail_at(reader, reader->chunk_offset, "corrupt string chunk: string %" PRIu32 " runs past the chunk", i);
		if (add_string(reader, p + 4, n) < 0)
			return fail_at(reader, reader->chunk_offset, "out of memory reading strings");
		p += 4 + n;
	}
	if (p != end)
		return fail_at(reader, reader->chunk_offset, "corrupt string chunk: %zu bytes left over", (size_t)(end - p));
	return 0;
}

/* The first bytes of what users give by mistake: text (a CSV or JSON export, with or
 * without a BOM), gzip, or a zip container (.xlsx). */
static int looks_like_an_export(const unsigned char *bytes, size_t length)
{
	if (length >= 2 && ((bytes[0] == 0x1f && bytes[1] == 0x8b) || (bytes[0] == 'P' && bytes[1] == 'K') ||
	                    (bytes[0] == 0xff && bytes[1] == 0xfe) || (bytes[0] == 0xef && bytes[1] == 0xbb)))
		return 1;
	/* Text: no control bytes, and mostly ASCII (a header's å or ä, not random bytes). */
	size_t high = 0;
	for (size_t i = 0; i < length; i++) {
		if (bytes[i] < 0x09 || (bytes[i] > 0x0d && bytes[i] < 0x20) || bytes[i] == 0x7f)
			return 0;
		high += bytes[i] >= 0x80;
	}
	return length > 0 && high * 4 <= length;
}

/* Reads the next chunk header and payload, checks both CRCs and the chunk order.
 * Returns 1 with a chunk loaded, 0 at a clean end of input, -1 on error. */
static int read_chunk(struct record_reader *reader)
{
	unsigned char header[CHUNK_HEADER_SIZE];
	reader->chunk_offset = reader->offset;
	size_t got = read_fully(reader, header, sizeof header);
	if (ferror(reader->in))
		return fail_at(reader, reader->offset, "read error: %s", strerror(errno));
	if (got == 0) {
		if (reader->in_stream)
			return fail_at(reader, reader->offset,
			               "truncated record stream: the stream that began at byte %" PRIu64
			               " has no end chunk", reader->stream_offset);
		if (reader->streams == 0)
			return fail_at(reader, 0, "empty input: not a record stream");
		return 0;
	}
	if (memcmp(header, CHUNK_MAGIC, got < 4 ? got : 4) != 0) {
		if (reader->chunk_offset == 0 && looks_like_an_export(header, got))
			return fail_at(reader, 0, "this is an export (CSV, JSON, gzip or a spreadsheet), not a record stream: "
			                          "run ifs-survey or ifs-health on it first, e.g. ifs-survey FILE | ifs-shares ...");
		if (reader->chunk_offset == 0)
			return fail_at(reader, 0, "not a record stream (bad magic number)");
		return fail_at(reader, reader->chunk_offset, "corrupt record stream: no chunk magic number here");
	}
	if (got < sizeof header)
		return fail_at(reader, reader->offset,
		               "truncated record stream: chunk header at byte %" PRIu64 " cut short after %zu of %d bytes",
		               reader->chunk_offset, got, CHUNK_HEADER_SIZE);
	if (get32(header + 20) != crc(header, 20))
		return fail_at(reader, reader->chunk_offset, "corrupt record stream: chunk header CRC mismatch");
	uint16_t version = get16(header + 4);
	if (version != RECORD_STREAM_VERSION)
		return fail_at(reader, reader->chunk_offset,
		               "record stream version %u is %s than this program understands (version %d)%s",
		               version, version > RECORD_STREAM_VERSION ? "newer" : "other",
		               RECORD_STREAM_VERSION,
		               version > RECORD_STREAM_VERSION ? "; upgrade the ifs tools" : "");
	enum chunk_type type = header[6];
	uint32_t count = get32(header + 8), length = get32(header + 12);
	if (length > MAX_PAYLOAD)
		return fail_at(reader, reader->chunk_offset, "corrupt record stream: chunk length %" PRIu32 " too large", length);
	if (length > reader->payload_capacity) {
		unsigned char *payload = realloc(reader->payload, length);
		if (!payload)
			return fail_at(reader, reader->chunk_offset, "out of memory");
		reader->payload = payload;
		reader->payload_capacity = length;
	}
	got = read_fully(reader, reader->payload, length);
	if (ferror(reader->in))
		return fail_at(reader, reader->offset, "read error: %s", strerror(errno));
	if (got < length)
		return fail_at(reader, reader->offset,
		               "truncated record stream: chunk at byte %" PRIu64 " declares %" PRIu32
		               " payload bytes, only %zu present", reader->chunk_offset, length, got);
	if (get32(header + 16) != crc(reader->payload, length))
		return fail_at(reader, reader->chunk_offset, "corrupt record stream: chunk payload CRC mismatch");

	if (type == CHUNK_START) {
		if (reader->in_stream)
			return fail_at(reader, reader->chunk_offset,
			               "truncated record stream: a new stream starts before the one at byte %" PRIu64 " ended",
			               reader->stream_offset);
		reader->in_stream = 1;
		reader->stream_offset = reader->chunk_offset;
		reader->stream_records = 0;
		reader->string_count = 0;
		if (add_string(reader, (const unsigned char *)"", 0) < 0)
			return fail_at(reader, reader->chunk_offset, "out of memory");
	} else if (!reader->in_stream) {
		return fail_at(reader, reader->chunk_offset, "corrupt record stream: chunk outside a stream (no start chunk)");
	}
	reader->chunk_type = type;
	reader->chunk_count = count;
	reader->chunk_next = 0;
	switch (type) {
	case CHUNK_START:
		break;
	case CHUNK_STRINGS:
		if (read_strings(reader, count, length) < 0)
			return -1;
		break;
	case CHUNK_ANSWERS:
	case CHUNK_HEALTH: {
		uint32_t size = type == CHUNK_ANSWERS ? ANSWER_SIZE : HEALTH_SIZE;
		if ((uint64_t)count * size != length)
			return fail_at(reader, reader->chunk_offset,
			               "corrupt record stream: %" PRIu32 " records do not fill %" PRIu32 " bytes", count, length);
		break;
	}
	case CHUNK_END:
		if (length != END_PAYLOAD_SIZE)
			return fail_at(reader, reader->chunk_offset, "corrupt record stream: bad end chunk");
		if (get64(reader->payload) != reader->stream_records)
			return fail_at(reader, reader->chunk_offset,
			               "corrupt record stream: end chunk counts %" PRIu64 " records, stream held %" PRIu64,
			               get64(reader->payload), reader->stream_records);
		reader->in_stream = 0;
		reader->streams++;
		break;
	default:
		return fail_at(reader, reader->chunk_offset, "unknown chunk type %u (written by a newer version?)", (unsigned)type);
	}
	return 1;
}

static int map_string(struct record_reader *reader, uint32_t *id, uint64_t at)
{
	if (*id >= reader->string_count)
		return fail_at(reader, at, "corrupt record: string id %" PRIu32 " not defined (stream has %" PRIu32 ")",
		               *id, reader->string_count);
	*id = reader->string_map[*id];
	return 0;
}

static int check_answer(struct record_reader *reader, struct answer_record *a, uint64_t at)
{
	if (map_string(reader, &a->insats, at) < 0 || map_string(reader, &a->forbund, at) < 0 ||
	    map_string(reader, &a->question, at) < 0)
		return -1;
	if (a->group >= GROUP_COUNT || a->gender > GENDER_OTHER || a->scale_max == 0 ||
	    a->scale_max > LEVEL_MAX || (a->level > a->scale_max && a->level != LEVEL_MISSING))
		return fail_at(reader, at, "corrupt record: field out of range");
	return 0;
}

static int check_health(struct record_reader *reader, struct health_record *h, uint64_t at)
{
	if (map_string(reader, &h->insats, at) < 0 || map_string(reader, &h->forbund, at) < 0)
		return -1;
	if (h->kind < HEALTH_PAIR || h->kind > HEALTH_EXIT_ONLY || h->gender > GENDER_OTHER)
		return fail_at(reader, at, "corrupt record: field out of range");
	return 0;
}

int record_reader_next(struct record_reader *reader, struct record *out)
{
	if (reader->failed)
		return -1;
	for (;;) {
		if (reader->chunk_next < reader->chunk_count &&
		    (reader->chunk_type == CHUNK_ANSWERS || reader->chunk_type == CHUNK_HEALTH)) {
			uint32_t index = reader->chunk_next++;
			reader->stream_records++;
			if (reader->chunk_type == CHUNK_ANSWERS) {
				uint64_t at = reader->chunk_offset + CHUNK_HEADER_SIZE + (uint64_t)index * ANSWER_SIZE;
				out->type = RECORD_ANSWER;
				decode_answer(reader->payload + (size_t)index * ANSWER_SIZE, &out->u.answer);
				return check_answer(reader, &out->u.answer, at) < 0 ? -1 : 1;
			}
			uint64_t at = reader->chunk_offset + CHUNK_HEADER_SIZE + (uint64_t)index * HEALTH_SIZE;
			out->type = RECORD_HEALTH;
			decode_health(reader->payload + (size_t)index * HEALTH_SIZE, &out->u.health);
			return check_health(reader, &out->u.health, at) < 0 ? -1 : 1;
		}
		int status = read_chunk(reader);
		if (status <= 0)
			return status;
	}
}
