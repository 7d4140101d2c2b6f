/*
 * record_stream.h — the binary record stream between the stages.
 *
 * Promise: a writer produces one stream (start chunk, string, form and record
 * chunks, end chunk), each chunk guarded by zlib's crc32; a questionnaire is one
 * record, its answers packed four bits each.  A reader reads any number of
 * streams concatenated back to back as one, maps every stream's string ids into
 * one string_pool, and never returns a silently short result: a truncated,
 * corrupt, foreign or newer-version input is an error whose message names the
 * input and the byte offset.  Format byte by byte: docs/record-stream.md.
 */
#ifndef IFS_RECORD_STREAM_H
#define IFS_RECORD_STREAM_H

#include <stdint.h>
#include <stdio.h>

#include "record.h"
#include "string_pool.h"

#define RECORD_STREAM_VERSION 2

struct record_writer;

/* producer: a short text such as "ifs-survey 0.1", stored in the start chunk; a
 * writer of keyed pseudonyms adds "; key " and the key's 16-digit fingerprint. */
struct record_writer *record_writer_open(FILE *out, const char *producer);
/* A writer that encodes nothing: every record goes to each as a reader would hand
 * it over (questionnaires whole, string ids into pool, which the caller owns and
 * may share with readers), for a tool that reads an export itself.  each returns
 * 0, or -1 to fail the write (its errno is kept). */
typedef int (*record_writer_sink)(const struct record *record, const struct string_pool *pool, void *context);
struct record_writer *record_writer_to_callback(struct string_pool *pool, record_writer_sink each, void *context);
/* Writer-local id of a string (to put in insats/forbund/question). UINT32_MAX on failure. */
uint32_t record_writer_string(struct record_writer *writer, const char *text);
/* A form: the questions (writer string ids) of the questionnaires that follow it,
 * with their scales, count 1..QUESTIONNAIRE_MAX_QUESTIONS.  The form id, or
 * UINT32_MAX when memory ran out. */
uint32_t record_writer_form(struct record_writer *writer, const uint32_t *questions, const uint8_t *scale_max,
                            size_t count);
/* One questionnaire of form q->form: levels[0..count) in the form's order
 * (q->questions and q->scale_max are not read).  0, or -1 on a write error
 * (errno set) or when memory ran out. */
int record_writer_questionnaire(struct record_writer *writer, const struct questionnaire_record *q);
/* One answer alone: a questionnaire of a one-question form (for tests and tools
 * that have single answers).  0 on success, -1 on a write error (errno set). */
int record_writer_answer(struct record_writer *writer, const struct answer_record *answer);
int record_writer_health(struct record_writer *writer, const struct health_record *health);
int record_writer_course(struct record_writer *writer, const struct course_record *course);
uint64_t record_writer_count(const struct record_writer *writer);
/* Flushes, writes the end chunk and frees the writer (not the FILE).
 * 0 on success, -1 on a write error. */
int record_writer_close(struct record_writer *writer);
/* Frees without writing the end chunk: what was written stays detectably unfinished. */
void record_writer_abandon(struct record_writer *writer);

struct record_reader;

/* name is used in error messages ("-" or "stdin" for standard input).
 * Strings are interned into pool, which the caller owns and may share between readers. */
struct record_reader *record_reader_open(FILE *in, const char *name, struct string_pool *pool);
/* Whole questionnaires (RECORD_QUESTIONNAIRE) instead of one answer at a time. */
void record_reader_whole_questionnaires(struct record_reader *reader, int whole);
/* 1: a record in *out (string ids refer to the pool); 0: clean end of input;
 * -1: error, see record_reader_error(). */
int record_reader_next(struct record_reader *reader, struct record *out);
/* "NAME: byte OFFSET: reason" of the last error. */
const char *record_reader_error(const struct record_reader *reader);
/* The streams begun, and per tool that made them the keys their pseudonyms were made
 * with (fingerprints; "" for none): pseudonyms meet only those of their own kind
 * (an answer's respondent, a health pair's or a course's participant), made under
 * the same key. */
struct record_streams_seen {
	unsigned streams;
	struct record_stream_kind {
		char tool[24]; /* "ifs-survey", "ifs-health", "ifs-participants" */
		char key[17];
	} kinds[8];        /* the distinct (tool, key), in the order met */
	unsigned kind_count;
};
/* What the reader has seen so far; into gets from's streams and kinds added. */
const struct record_streams_seen *record_reader_seen(const struct record_reader *reader);
void record_streams_merge(struct record_streams_seen *into, const struct record_streams_seen *from);
/* Streams completed so far (each ended by its end chunk). */
unsigned record_reader_streams(const struct record_reader *reader);
/* Bytes consumed so far. */
uint64_t record_reader_offset(const struct record_reader *reader);
void record_reader_close(struct record_reader *reader); /* does not fclose */

#endif
