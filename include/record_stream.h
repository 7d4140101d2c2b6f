/*
 * record_stream.h — the binary record stream between the stages.
 *
 * Promise: a writer produces one stream (start chunk, string and record chunks,
 * end chunk), each chunk guarded by zlib's crc32.  A reader reads any number of
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

#define RECORD_STREAM_VERSION 1

struct record_writer;

/* producer: a short text such as "ifs-survey 0.1", stored in the start chunk. */
struct record_writer *record_writer_open(FILE *out, const char *producer);
/* Writer-local id of a string (to put in insats/forbund/question). UINT32_MAX on failure. */
uint32_t record_writer_string(struct record_writer *writer, const char *text);
/* 0 on success, -1 on a write error (errno set). */
int record_writer_answer(struct record_writer *writer, const struct answer_record *answer);
int record_writer_health(struct record_writer *writer, const struct health_record *health);
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
/* 1: a record in *out (string ids refer to the pool); 0: clean end of input;
 * -1: error, see record_reader_error(). */
int record_reader_next(struct record_reader *reader, struct record *out);
/* "NAME: byte OFFSET: reason" of the last error. */
const char *record_reader_error(const struct record_reader *reader);
/* Streams completed so far (each ended by its end chunk). */
unsigned record_reader_streams(const struct record_reader *reader);
/* Bytes consumed so far. */
uint64_t record_reader_offset(const struct record_reader *reader);
void record_reader_close(struct record_reader *reader); /* does not fclose */

#endif
