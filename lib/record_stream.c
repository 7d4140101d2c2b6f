/*
 * The record stream: chunks of little-endian records, each chunk guarded by
 * crc32.  A questionnaire is one record whose answers are packed four bits each
 * in the order of its form (the list of questions, defined once per stream);
 * readers hand it over whole or answer by answer.  docs/record-stream.md is the
 * byte-by-byte description; keep the two in step.
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include "record_stream.h"

#include "dates.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <isa-l/crc.h>

#define CHUNK_MAGIC "IFSR"
#define CHUNK_HEADER_SIZE 24
#define QUESTIONNAIRE_HEADER_SIZE 28
#define HEALTH_SIZE 64
#define COURSE_SIZE 40
#define COURSES_PER_CHUNK 1024
#define END_PAYLOAD_SIZE 16
#define MAX_PAYLOAD (16u << 20) /* a reader refuses larger chunks as corrupt */
#define MAX_STRING_LENGTH 65535

enum chunk_type {
	CHUNK_START = 1,
	CHUNK_STRINGS = 2,
	CHUNK_HEALTH = 4,
	CHUNK_FORMS = 5,
	CHUNK_QUESTIONNAIRES = 6,
	CHUNK_COURSES = 7,
	CHUNK_END = 15,
};

/* Records per chunk: large enough that per-chunk costs vanish, small enough
 * that a reader's buffer stays in cache. */
#define QUESTIONNAIRES_PER_CHUNK 4096
#define HEALTH_PER_CHUNK 1024

/* A level in four bits: 0 Vet ej, 1..13 the scale, 14 absent, 15 no answer.  A
 * form with a scale longer than 13 levels takes a byte per answer instead. */
#define NIBBLE_LEVEL_MAX 13
#define NIBBLE_ABSENT 14
#define NIBBLE_MISSING 15

struct form {
	uint32_t count;
	uint32_t *questions;
	uint8_t *scale_max;
	int wide;      /* a byte per answer */
	uint32_t id;   /* reader: unique within the reader */
};

static size_t form_answer_bytes(const struct form *form)
{
	return form->wide ? form->count : (form->count + 1) / 2;
}

static void free_forms(struct form *forms, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		free(forms[i].questions);
		free(forms[i].scale_max);
	}
	free(forms);
}

static void put16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(unsigned char *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }
static uint16_t get16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const unsigned char *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }
static uint64_t get64(const unsigned char *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

/* Between two stages a 64 KiB pipe costs a context switch per 64 KiB; a wider one
 * lets whole chunks through.  Best effort: the system may refuse, and that is fine. */
static void widen_pipe(FILE *stream)
{
#ifdef F_SETPIPE_SZ
	struct stat status;
	int fd = fileno(stream);
	if (fd >= 0 && fstat(fd, &status) == 0 && S_ISFIFO(status.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#else
	(void)stream;
#endif
}

/* The CRC-32 of gzip and zlib's crc32(), by ISA-L (already here for gzip exports):
 * carry-less multiplies where the processor has them, six times zlib's speed on the
 * bench's machine (test_record_stream reseals chunks with zlib's and reads them). */
static uint32_t crc(const unsigned char *bytes, size_t length)
{
	return crc32_gzip_refl(0, bytes, length);
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

static unsigned nibble_of(uint8_t level)
{
	return level == LEVEL_MISSING ? NIBBLE_MISSING
	     : level == LEVEL_ABSENT  ? NIBBLE_ABSENT
	                              : level; /* 0 (Vet ej) or 1..13: the form is not wide */
}

static void encode_levels(unsigned char *p, const struct form *form, const uint8_t *levels)
{
	if (form->wide) {
		memcpy(p, levels, form->count);
		return;
	}
	/* Two answers a byte, each byte written once: or-ing into the output byte by byte
	 * made every answer wait for the store before it. */
	size_t count = form->count;
	for (size_t q = 0; q < count; q += 2) {
		unsigned low = nibble_of(levels[q]), high = q + 1 < count ? nibble_of(levels[q + 1]) : 0;
		p[q / 2] = (unsigned char)(low | high << 4);
	}
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

static void encode_course(unsigned char *p, const struct course_record *c)
{
	memset(p, 0, COURSE_SIZE);
	put64(p, c->participant);
	put32(p + 8, c->start_date);
	put32(p + 12, c->end_date);
	put32(p + 16, c->insats);
	put32(p + 20, c->forbund);
	put16(p + 24, c->end_reasons);
	put16(p + 26, c->support_intake);
	put16(p + 28, c->support_exit);
	p[30] = c->gender;
	p[31] = c->age;
	p[32] = c->work_capacity;
	p[33] = c->referrer;
	p[34] = c->flags;
}

static void decode_course(const unsigned char *p, struct course_record *c)
{
	c->participant = get64(p);
	c->start_date = get32(p + 8);
	c->end_date = get32(p + 12);
	c->insats = get32(p + 16);
	c->forbund = get32(p + 20);
	c->end_reasons = get16(p + 24);
	c->support_intake = get16(p + 26);
	c->support_exit = get16(p + 28);
	c->gender = p[30];
	c->age = p[31];
	c->work_capacity = p[32];
	c->referrer = p[33];
	c->flags = p[34];
}

/* ---------------------------------------------------------------- writer */

struct record_writer {
	FILE *out;
	struct string_pool *strings;
	uint32_t strings_written; /* ids below this are already in the stream */
	struct form *forms;
	uint32_t form_count, form_capacity, forms_written;
	/* one-question forms of record_writer_answer: (question << 8 | scale_max) -> form */
	uint64_t *single_keys;
	uint32_t *single_forms;
	uint32_t single_count, single_capacity;
	unsigned char *questionnaires;
	size_t questionnaire_length, questionnaire_capacity;
	uint32_t questionnaire_count;
	unsigned char *health;
	uint32_t health_count;
	unsigned char *courses;
	uint32_t course_count;
	uint64_t records;
	int failed;
	record_writer_sink sink; /* set: records go here, not into chunks */
	void *sink_context;
	struct record sink_record;
};

static int write_chunk(struct record_writer *writer, enum chunk_type type, uint32_t count,
                       const unsigned char *payload, uint32_t length)
{
	unsigned char header[CHUNK_HEADER_SIZE];
	if (writer->failed)
		return -1;
	if (writer->sink)
		return 0;
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

static int flush_forms(struct record_writer *writer)
{
	if (writer->forms_written == writer->form_count)
		return 0;
	if (flush_strings(writer) < 0)
		return -1;
	size_t length = 0;
	for (uint32_t f = writer->forms_written; f < writer->form_count; f++)
		length += 4 + 5 * (size_t)writer->forms[f].count;
	unsigned char *payload = malloc(length);
	if (!payload) {
		writer->failed = 1;
		return -1;
	}
	unsigned char *p = payload;
	for (uint32_t f = writer->forms_written; f < writer->form_count; f++) {
		const struct form *form = &writer->forms[f];
		put32(p, form->count);
		p += 4;
		for (uint32_t q = 0; q < form->count; q++, p += 5) {
			put32(p, form->questions[q]);
			p[4] = form->scale_max[q];
		}
	}
	int status = write_chunk(writer, CHUNK_FORMS, writer->form_count - writer->forms_written, payload,
	                         (uint32_t)length);
	free(payload);
	writer->forms_written = writer->form_count;
	return status;
}

/* A chunk of records, after every string interned so far: records name insats,
 * förbund and participants' insatser by string id, and a name first used after an
 * earlier chunk must stand in the stream before the chunk that uses it. */
static int write_records(struct record_writer *writer, enum chunk_type type, uint32_t count,
                         const unsigned char *payload, uint32_t length)
{
	if (flush_strings(writer) < 0)
		return -1;
	return write_chunk(writer, type, count, payload, length);
}

static int flush_questionnaires(struct record_writer *writer)
{
	if (writer->questionnaire_count == 0)
		return 0;
	if (flush_forms(writer) < 0)
		return -1;
	int status = write_records(writer, CHUNK_QUESTIONNAIRES, writer->questionnaire_count, writer->questionnaires,
	                           (uint32_t)writer->questionnaire_length);
	writer->questionnaire_count = 0;
	writer->questionnaire_length = 0;
	return status;
}

static int flush_health(struct record_writer *writer)
{
	if (writer->health_count == 0)
		return 0;
	int status = write_records(writer, CHUNK_HEALTH, writer->health_count, writer->health,
	                           writer->health_count * HEALTH_SIZE);
	writer->health_count = 0;
	return status;
}

static int to_sink(struct record_writer *writer, const struct record *record);

static int flush_courses(struct record_writer *writer)
{
	if (writer->course_count == 0)
		return 0;
	int status = write_records(writer, CHUNK_COURSES, writer->course_count, writer->courses,
	                           writer->course_count * COURSE_SIZE);
	writer->course_count = 0;
	return status;
}

int record_writer_course(struct record_writer *writer, const struct course_record *course)
{
	if (writer->sink) {
		struct record record = {.type = RECORD_COURSE};
		record.u.course = *course;
		return writer->failed ? -1 : to_sink(writer, &record);
	}
	if (!writer->courses && !(writer->courses = malloc((size_t)COURSES_PER_CHUNK * COURSE_SIZE))) {
		writer->failed = 1;
		errno = ENOMEM;
		return -1;
	}
	encode_course(writer->courses + (size_t)writer->course_count * COURSE_SIZE, course);
	writer->records++;
	if (++writer->course_count == COURSES_PER_CHUNK)
		return flush_courses(writer);
	return writer->failed ? -1 : 0;
}

struct record_writer *record_writer_open(FILE *out, const char *producer)
{
	struct record_writer *writer = calloc(1, sizeof *writer);
	if (!writer)
		return NULL;
	writer->out = out;
	writer->strings = string_pool_new();
	writer->questionnaire_capacity = (size_t)QUESTIONNAIRES_PER_CHUNK * (QUESTIONNAIRE_HEADER_SIZE + 8);
	writer->questionnaires = malloc(writer->questionnaire_capacity);
	writer->health = malloc((size_t)HEALTH_PER_CHUNK * HEALTH_SIZE);
	if (!writer->strings || !writer->questionnaires || !writer->health) {
		record_writer_abandon(writer);
		return NULL;
	}
	writer->strings_written = 1; /* id 0, the empty string, is implicit */
	widen_pipe(out);
	size_t producer_length = strlen(producer);
	if (producer_length > 255)
		producer_length = 255;
	write_chunk(writer, CHUNK_START, 0, (const unsigned char *)producer, (uint32_t)producer_length);
	return writer;
}

struct record_writer *record_writer_to_callback(struct string_pool *pool, record_writer_sink each, void *context)
{
	struct record_writer *writer = calloc(1, sizeof *writer);
	if (!writer)
		return NULL;
	writer->strings = pool;
	writer->sink = each;
	writer->sink_context = context;
	return writer;
}

static int to_sink(struct record_writer *writer, const struct record *record)
{
	if (writer->sink(record, writer->strings, writer->sink_context) != 0) {
		int saved = errno ? errno : ENOMEM;
		writer->failed = 1;
		errno = saved;
		return -1;
	}
	writer->records++;
	return 0;
}

uint32_t record_writer_string(struct record_writer *writer, const char *text)
{
	size_t length = strlen(text);
	if (length > MAX_STRING_LENGTH)
		return UINT32_MAX;
	return string_pool_intern(writer->strings, text, length);
}

uint32_t record_writer_form(struct record_writer *writer, const uint32_t *questions, const uint8_t *scale_max,
                            size_t count)
{
	if (count == 0 || count > QUESTIONNAIRE_MAX_QUESTIONS)
		return UINT32_MAX;
	if (writer->form_count == writer->form_capacity) {
		uint32_t capacity = writer->form_capacity ? writer->form_capacity * 2 : 8;
		struct form *forms = realloc(writer->forms, capacity * sizeof *forms);
		if (!forms)
			return UINT32_MAX;
		writer->forms = forms;
		writer->form_capacity = capacity;
	}
	struct form *form = &writer->forms[writer->form_count];
	memset(form, 0, sizeof *form);
	form->questions = malloc(count * sizeof *form->questions);
	form->scale_max = malloc(count);
	if (!form->questions || !form->scale_max) {
		free(form->questions);
		free(form->scale_max);
		return UINT32_MAX;
	}
	form->count = (uint32_t)count;
	memcpy(form->questions, questions, count * sizeof *questions);
	memcpy(form->scale_max, scale_max, count);
	for (size_t q = 0; q < count; q++)
		form->wide |= scale_max[q] > NIBBLE_LEVEL_MAX;
	return writer->form_count++;
}

int record_writer_questionnaire(struct record_writer *writer, const struct questionnaire_record *q)
{
	if (writer->failed || q->form >= writer->form_count)
		return -1;
	const struct form *form = &writer->forms[q->form];
	if (writer->sink) {
		/* Field by field, and only the form's levels: a record copied whole costs more
		 * than reading the row it came from. */
		struct record *record = &writer->sink_record;
		struct questionnaire_record *r = &record->u.questionnaire;
		record->type = RECORD_QUESTIONNAIRE;
		r->respondent = q->respondent;
		r->date = q->date;
		r->insats = q->insats;
		r->forbund = q->forbund;
		r->group = q->group;
		r->gender = q->gender;
		r->age = q->age;
		r->flags = q->flags;
		r->form = q->form;
		r->matar = (uint16_t)date_matar(q->date);
		r->count = form->count;
		r->questions = form->questions;
		r->scale_max = form->scale_max;
		memcpy(r->levels, q->levels, form->count);
		return to_sink(writer, record);
	}
	size_t size = QUESTIONNAIRE_HEADER_SIZE + form_answer_bytes(form);
	if (writer->questionnaire_length + size > writer->questionnaire_capacity) {
		size_t capacity = writer->questionnaire_capacity * 2;
		while (capacity < writer->questionnaire_length + size)
			capacity *= 2;
		unsigned char *grown = realloc(writer->questionnaires, capacity);
		if (!grown) {
			writer->failed = 1;
			errno = ENOMEM;
			return -1;
		}
		writer->questionnaires = grown;
		writer->questionnaire_capacity = capacity;
	}
	unsigned char *p = writer->questionnaires + writer->questionnaire_length;
	put64(p, q->respondent);
	put32(p + 8, q->date);
	put32(p + 12, q->insats);
	put32(p + 16, q->forbund);
	put32(p + 20, q->form);
	p[24] = q->group;
	p[25] = q->gender;
	p[26] = q->age;
	p[27] = q->flags;
	encode_levels(p + QUESTIONNAIRE_HEADER_SIZE, form, q->levels);
	writer->questionnaire_length += size;
	writer->records++;
	if (++writer->questionnaire_count == QUESTIONNAIRES_PER_CHUNK || writer->questionnaire_length >= (1u << 20))
		return flush_questionnaires(writer);
	return 0;
}

int record_writer_answer(struct record_writer *writer, const struct answer_record *answer)
{
	uint64_t key = (uint64_t)answer->question << 8 | answer->scale_max;
	uint32_t form = UINT32_MAX;
	for (uint32_t i = 0; i < writer->single_count && form == UINT32_MAX; i++)
		if (writer->single_keys[i] == key)
			form = writer->single_forms[i];
	if (form == UINT32_MAX) {
		if (writer->single_count == writer->single_capacity) {
			uint32_t capacity = writer->single_capacity ? writer->single_capacity * 2 : 8;
			uint64_t *keys = realloc(writer->single_keys, capacity * sizeof *keys);
			if (keys)
				writer->single_keys = keys;
			uint32_t *forms = realloc(writer->single_forms, capacity * sizeof *forms);
			if (forms)
				writer->single_forms = forms;
			if (!keys || !forms) {
				errno = ENOMEM;
				return -1;
			}
			writer->single_capacity = capacity;
		}
		form = record_writer_form(writer, &answer->question, &answer->scale_max, 1);
		if (form == UINT32_MAX) {
			errno = ENOMEM;
			return -1;
		}
		writer->single_keys[writer->single_count] = key;
		writer->single_forms[writer->single_count++] = form;
	}
	struct questionnaire_record q = {.respondent = answer->respondent, .date = answer->date, .insats = answer->insats,
	                                 .forbund = answer->forbund, .group = answer->group, .gender = answer->gender,
	                                 .age = answer->age, .flags = answer->flags, .form = form};
	q.levels[0] = answer->level;
	return record_writer_questionnaire(writer, &q);
}

int record_writer_health(struct record_writer *writer, const struct health_record *health)
{
	if (writer->sink) {
		struct record record = {.type = RECORD_HEALTH};
		record.u.health = *health;
		return writer->failed ? -1 : to_sink(writer, &record);
	}
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
	if (writer->sink) {
		int status = writer->failed ? -1 : 0;
		record_writer_abandon(writer);
		return status;
	}
	flush_questionnaires(writer);
	flush_health(writer);
	flush_courses(writer);
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
	if (!writer->sink)
		string_pool_free(writer->strings); /* a sink's pool is its caller's */
	free_forms(writer->forms, writer->form_count);
	free(writer->single_keys);
	free(writer->single_forms);
	free(writer->questionnaires);
	free(writer->health);
	free(writer->courses);
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
	struct form *forms;    /* this stream's forms, questions as pool ids */
	uint32_t form_count, form_capacity, forms_defined;
	unsigned char *payload;
	uint32_t payload_capacity;
	enum chunk_type chunk_type;
	uint32_t chunk_count, chunk_next;
	size_t cursor;         /* the next questionnaire's offset in the payload */
	int whole;             /* hand over whole questionnaires */
	struct questionnaire_record current; /* being handed over answer by answer */
	size_t current_next;   /* its next question; current.count when done */
	uint64_t current_at;
	char error[512];
	int failed;
	char key[17]; /* the current stream's key fingerprint (its producer's "; key ..."), or "" */
	struct record_streams_seen seen;
};

struct record_reader *record_reader_open(FILE *in, const char *name, struct string_pool *pool)
{
	struct record_reader *reader = calloc(1, sizeof *reader);
	if (!reader)
		return NULL;
	reader->in = in;
	reader->pool = pool;
	widen_pipe(in);
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
	free_forms(reader->forms, reader->form_count);
	free(reader->payload);
	free(reader);
}

void record_reader_whole_questionnaires(struct record_reader *reader, int whole) { reader->whole = whole; }

const char *record_reader_error(const struct record_reader *reader) { return reader->error; }
const struct record_streams_seen *record_reader_seen(const struct record_reader *reader) { return &reader->seen; }

static void add_kind(struct record_streams_seen *seen, const char *tool, const char *key)
{
	for (unsigned i = 0; i < seen->kind_count; i++)
		if (strcmp(seen->kinds[i].tool, tool) == 0 && strcmp(seen->kinds[i].key, key) == 0)
			return;
	/* Full, with three tools, means some tool under three keys: warned of already. */
	if (seen->kind_count == sizeof seen->kinds / sizeof *seen->kinds)
		return;
	struct record_stream_kind *kind = &seen->kinds[seen->kind_count++];
	snprintf(kind->tool, sizeof kind->tool, "%s", tool);
	snprintf(kind->key, sizeof kind->key, "%s", key);
}

void record_streams_merge(struct record_streams_seen *into, const struct record_streams_seen *from)
{
	into->streams += from->streams;
	for (unsigned i = 0; i < from->kind_count; i++)
		add_kind(into, from->kinds[i].tool, from->kinds[i].key);
}

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

static int map_string(struct record_reader *reader, uint32_t *id, uint64_t at);

static int read_forms(struct record_reader *reader, uint32_t count, uint32_t length)
{
	const unsigned char *p = reader->payload, *end = reader->payload + length;
	for (uint32_t i = 0; i < count; i++) {
		if (end - p < 4)
			return fail_at(reader, reader->chunk_offset, "corrupt form chunk: form %" PRIu32 " runs past the chunk", i);
		uint32_t questions = get32(p);
		p += 4;
		if (questions == 0 || questions > QUESTIONNAIRE_MAX_QUESTIONS)
			return fail_at(reader, reader->chunk_offset, "corrupt form chunk: form %" PRIu32 " has %" PRIu32 " questions",
			               i, questions);
		if ((size_t)(end - p) < 5 * (size_t)questions)
			return fail_at(reader, reader->chunk_offset, "corrupt form chunk: form %" PRIu32 " runs past the chunk", i);
		if (reader->form_count == reader->form_capacity) {
			uint32_t capacity = reader->form_capacity ? reader->form_capacity * 2 : 8;
			struct form *forms = realloc(reader->forms, capacity * sizeof *forms);
			if (!forms)
				return fail_at(reader, reader->chunk_offset, "out of memory");
			reader->forms = forms;
			reader->form_capacity = capacity;
		}
		struct form *form = &reader->forms[reader->form_count];
		memset(form, 0, sizeof *form);
		form->questions = malloc(questions * sizeof *form->questions);
		form->scale_max = malloc(questions);
		if (!form->questions || !form->scale_max) {
			free(form->questions);
			free(form->scale_max);
			return fail_at(reader, reader->chunk_offset, "out of memory");
		}
		form->count = questions;
		form->id = reader->forms_defined++;
		reader->form_count++;
		for (uint32_t q = 0; q < questions; q++, p += 5) {
			form->questions[q] = get32(p);
			form->scale_max[q] = p[4];
			if (map_string(reader, &form->questions[q], reader->chunk_offset) < 0)
				return -1;
			if (form->scale_max[q] == 0 || form->scale_max[q] > LEVEL_MAX)
				return fail_at(reader, reader->chunk_offset, "corrupt form chunk: a scale of %u levels",
				               (unsigned)form->scale_max[q]);
			form->wide |= form->scale_max[q] > NIBBLE_LEVEL_MAX;
		}
	}
	if (p != end)
		return fail_at(reader, reader->chunk_offset, "corrupt form chunk: %zu bytes left over", (size_t)(end - p));
	return 0;
}

/* Every questionnaire of the chunk names a defined form and the records fill
 * the payload exactly: checked once, so reading one never runs past the end. */
static int check_questionnaires(struct record_reader *reader, uint32_t count, uint32_t length)
{
	size_t at = 0;
	for (uint32_t i = 0; i < count; i++) {
		if (length - at < QUESTIONNAIRE_HEADER_SIZE)
			return fail_at(reader, reader->chunk_offset,
			               "corrupt record stream: %" PRIu32 " records do not fill %" PRIu32 " bytes", count, length);
		uint32_t form = get32(reader->payload + at + 20);
		if (form >= reader->form_count)
			return fail_at(reader, reader->chunk_offset + CHUNK_HEADER_SIZE + at,
			               "corrupt record: form %" PRIu32 " not defined (stream has %" PRIu32 ")", form,
			               reader->form_count);
		size_t size = QUESTIONNAIRE_HEADER_SIZE + form_answer_bytes(&reader->forms[form]);
		if (length - at < size)
			return fail_at(reader, reader->chunk_offset,
			               "corrupt record stream: %" PRIu32 " records do not fill %" PRIu32 " bytes", count, length);
		at += size;
	}
	if (at != length)
		return fail_at(reader, reader->chunk_offset,
		               "corrupt record stream: %" PRIu32 " records do not fill %" PRIu32 " bytes", count, length);
	reader->cursor = 0;
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
	if (version == 1)
		return fail_at(reader, reader->chunk_offset,
		               "a record stream of version 1, written by an older ifs-survey or ifs-health: this program "
		               "reads version %d; run ifs-survey or ifs-health again on the exports to write it anew "
		               "(pipelines/nightly does so by itself)",
		               RECORD_STREAM_VERSION);
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
		free_forms(reader->forms, reader->form_count);
		reader->forms = NULL;
		reader->form_count = reader->form_capacity = 0;
		if (add_string(reader, (const unsigned char *)"", 0) < 0)
			return fail_at(reader, reader->chunk_offset, "out of memory");
		/* "ifs-survey 0.1.0; key 0123456789abcdef": the pseudonyms' key, by its fingerprint */
		reader->key[0] = '\0';
		static const char mark[] = "; key ";
		for (uint32_t i = 0; i + sizeof mark - 1 + 16 <= length; i++)
			if (memcmp(reader->payload + i, mark, sizeof mark - 1) == 0) {
				const unsigned char *hex = reader->payload + i + sizeof mark - 1;
				size_t digits = 0;
				while (digits < 16 && ((hex[digits] >= '0' && hex[digits] <= '9') || (hex[digits] >= 'a' && hex[digits] <= 'f')))
					digits++;
				if (digits == 16) {
					memcpy(reader->key, hex, 16);
					reader->key[16] = '\0';
				}
				break;
			}
		/* the tool, for telling kinds of pseudonyms apart (and shown in messages: letters only) */
		char tool[24];
		size_t tool_length = 0;
		while (tool_length < length && tool_length < sizeof tool - 1 &&
		       ((reader->payload[tool_length] >= 'a' && reader->payload[tool_length] <= 'z') ||
		        reader->payload[tool_length] == '-'))
			tool_length++;
		memcpy(tool, reader->payload, tool_length);
		tool[tool_length] = '\0';
		reader->seen.streams++;
		add_kind(&reader->seen, tool, reader->key);
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
	case CHUNK_FORMS:
		if (read_forms(reader, count, length) < 0)
			return -1;
		break;
	case CHUNK_QUESTIONNAIRES:
		if (check_questionnaires(reader, count, length) < 0)
			return -1;
		break;
	case CHUNK_COURSES:
		if ((uint64_t)count * COURSE_SIZE != length)
			return fail_at(reader, reader->chunk_offset,
			               "corrupt record stream: %" PRIu32 " records do not fill %" PRIu32 " bytes", count, length);
		break;
	case CHUNK_HEALTH:
		if ((uint64_t)count * HEALTH_SIZE != length)
			return fail_at(reader, reader->chunk_offset,
			               "corrupt record stream: %" PRIu32 " records do not fill %" PRIu32 " bytes", count, length);
		break;
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

static const uint32_t no_questions[1];
static const uint8_t no_scales[1];

/* Decodes the questionnaire at the cursor (check_questionnaires vouched for its size). */
static int decode_questionnaire(struct record_reader *reader, struct questionnaire_record *q)
{
	const unsigned char *p = reader->payload + reader->cursor;
	uint64_t at = reader->chunk_offset + CHUNK_HEADER_SIZE + reader->cursor;
	const struct form *form = &reader->forms[get32(p + 20)];
	q->respondent = get64(p);
	q->date = get32(p + 8);
	q->insats = get32(p + 12);
	q->forbund = get32(p + 16);
	q->group = p[24];
	q->gender = p[25];
	q->age = p[26];
	q->flags = p[27];
	q->form = form->id;
	q->count = form->count;
	q->questions = form->count ? form->questions : no_questions;
	q->scale_max = form->count ? form->scale_max : no_scales;
	reader->cursor += QUESTIONNAIRE_HEADER_SIZE + form_answer_bytes(form);
	q->matar = (uint16_t)date_matar(q->date);
	if (map_string(reader, &q->insats, at) < 0 || map_string(reader, &q->forbund, at) < 0)
		return -1;
	/* a month and day a calendar has: the period is told by date and by mätår (taken from
	 * the month), and the two must agree on which side of a first day a date lies */
	unsigned month = q->date / 100 % 100, day = q->date % 100;
	if (q->group >= GROUP_COUNT || q->gender > GENDER_OTHER || (q->flags & ~ANSWER_IDENTIFIED) || month < 1 ||
	    month > 12 || day < 1 || day > 31)
		return fail_at(reader, at, "corrupt record: field out of range");
	const unsigned char *levels = p + QUESTIONNAIRE_HEADER_SIZE;
	/* Every answer of every questionnaire passes here: no branch per answer, one test
	 * at the end (a record that fails leaves the reader failed, whatever it holds). */
	unsigned out_of_range = 0;
	if (form->wide) {
		for (uint32_t i = 0; i < form->count; i++) {
			unsigned level = levels[i];
			out_of_range |= (level > form->scale_max[i]) & (level != LEVEL_MISSING) & (level != LEVEL_ABSENT);
			q->levels[i] = (uint8_t)level;
		}
	} else {
		static const uint8_t level_of_nibble[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
		                                            [NIBBLE_ABSENT] = LEVEL_ABSENT,
		                                            [NIBBLE_MISSING] = LEVEL_MISSING};
		_Static_assert(NIBBLE_LEVEL_MAX == 13 && NIBBLE_ABSENT == 14 && NIBBLE_MISSING == 15, "the nibbles");
		for (uint32_t i = 0; i < form->count; i++) {
			unsigned code = (unsigned)(levels[i / 2] >> (i % 2 * 4)) & 15u;
			out_of_range |= (code > form->scale_max[i]) & (code < NIBBLE_ABSENT);
			q->levels[i] = level_of_nibble[code];
		}
	}
	if (out_of_range)
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
		/* the answers of a questionnaire, one at a time (none for a cell that could not be read) */
		struct questionnaire_record *q = &reader->current;
		while (reader->current_next < q->count) {
			size_t i = reader->current_next++;
			if (q->levels[i] == LEVEL_ABSENT)
				continue;
			out->type = RECORD_ANSWER;
			questionnaire_answer(q, i, &out->u.answer);
			return 1;
		}
		if (reader->chunk_next < reader->chunk_count && reader->chunk_type == CHUNK_QUESTIONNAIRES) {
			reader->chunk_next++;
			reader->stream_records++;
			struct questionnaire_record *into = reader->whole ? &out->u.questionnaire : q;
			if (decode_questionnaire(reader, into) < 0)
				return -1;
			if (reader->whole) {
				out->type = RECORD_QUESTIONNAIRE;
				return 1;
			}
			reader->current_next = 0;
			continue;
		}
		if (reader->chunk_next < reader->chunk_count && reader->chunk_type == CHUNK_HEALTH) {
			uint32_t index = reader->chunk_next++;
			reader->stream_records++;
			uint64_t at = reader->chunk_offset + CHUNK_HEADER_SIZE + (uint64_t)index * HEALTH_SIZE;
			out->type = RECORD_HEALTH;
			decode_health(reader->payload + (size_t)index * HEALTH_SIZE, &out->u.health);
			return check_health(reader, &out->u.health, at) < 0 ? -1 : 1;
		}
		if (reader->chunk_next < reader->chunk_count && reader->chunk_type == CHUNK_COURSES) {
			uint32_t index = reader->chunk_next++;
			reader->stream_records++;
			uint64_t at = reader->chunk_offset + CHUNK_HEADER_SIZE + (uint64_t)index * COURSE_SIZE;
			out->type = RECORD_COURSE;
			struct course_record *c = &out->u.course;
			decode_course(reader->payload + (size_t)index * COURSE_SIZE, c);
			if (map_string(reader, &c->insats, at) < 0 || map_string(reader, &c->forbund, at) < 0)
				return -1;
			if (c->gender > GENDER_OTHER || c->work_capacity > WORK_CAPACITY_NOT_JUDGED ||
			    c->referrer >= REFERRER_COUNT || c->end_reasons >> END_REASON_COUNT ||
			    c->support_intake >> SUPPORT_COUNT || c->support_exit >> SUPPORT_COUNT || c->flags > 7 ||
			    (c->end_date && c->end_date < c->start_date))
				return fail_at(reader, at, "corrupt record: field out of range");
			return 1;
		}
		int status = read_chunk(reader);
		if (status <= 0)
			return status;
	}
}
