/* libFuzzer harness: any bytes as a participant register export, through the whole
 * ingest loop and the participants converter (header search, labels, dates,
 * identifiers, several values in one cell) — must never crash, hang or read out of
 * bounds; every course handed over must be in range. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "codebook.h"
#include "diag.h"
#include "ingest.h"
#include "participants.h"
#include "rejects.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_course(const struct record *record, const struct string_pool *pool, void *context)
{
	const struct course_record *c = &record->u.course;
	if (record->type != RECORD_COURSE || (c->end_date && c->end_date < c->start_date) || !string_pool_get(pool, c->insats))
		__builtin_trap();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pseudonym_key key;
	static struct codebook *codebook;
	static struct register_codebook *labels;
	static int ready;
	char error[1024];
	if (!ready) {
		char path[] = "/tmp/fuzz-key-XXXXXX";
		int fd = mkstemp(path);
		if (fd < 0 || write(fd, "0123456789abcdef0123456789abcdef", 32) != 32)
			abort();
		close(fd);
		if (crypto_start() < 0 || pseudonym_key_load(path, &key, error, sizeof error) != 0)
			abort();
		unlink(path);
		/* fuzz/build.sh runs from the top of the tree */
		codebook = codebook_load("data/ifs-codebook.json", error, sizeof error);
		labels = register_codebook_load(NULL, error, sizeof error);
		if (!codebook || !labels)
			abort();
		diag_set_program("fuzz");
		ready = 1;
	}
	int fd = memfd_create("fuzz-input", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct string_pool *pool = string_pool_new();
	struct record_writer *writer = record_writer_to_callback(pool, check_course, NULL);
	struct participants_options options = {.labels = labels, .key = &key, .insats = size % 2 ? "Enter" : NULL};
	struct participants_converter *converter = participants_converter_new(codebook, writer, &options);
	struct reject_log *rejects = reject_log_open(NULL, error, sizeof error);
	if (converter && rejects) {
		struct ingest_converter ingest;
		participants_converter_ingest(converter, &ingest);
		struct ingest_totals totals = {0};
		struct row_source_options source_options = {0};
		/* the tool's messages are not the fuzzer's: silenced for the run, libFuzzer's own kept */
		fflush(stderr);
		int saved = dup(2), null = open("/dev/null", O_WRONLY);
		if (saved >= 0 && null >= 0)
			dup2(null, 2);
		ingest_file(path, &source_options, &ingest, rejects, &totals, 0);
		fflush(stderr);
		if (saved >= 0)
			dup2(saved, 2), close(saved);
		if (null >= 0)
			close(null);
		if (totals.rows != totals.written + totals.repeats + totals.blank + totals.rejected)
			__builtin_trap(); /* nothing lost */
	}
	reject_log_close(rejects);
	participants_converter_free(converter);
	record_writer_abandon(writer);
	string_pool_free(pool);
	close(fd);
	return 0;
}
