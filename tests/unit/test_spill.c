/* spill: the bytes back as written, in memory and through the file, and failures
 * that say so instead of ending the data early. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "spill.h"

/* Pieces of 0 to 700 bytes, their bytes a function of their place. */
static size_t piece_length(unsigned i) { return (i * 7919u) % 701u; }
static uint8_t piece_byte(unsigned i, size_t k) { return (uint8_t)(i * 31u + k * 17u); }

static void write_pieces(struct spill *spill, unsigned count)
{
	uint8_t piece[701];
	for (unsigned i = 0; i < count; i++) {
		for (size_t k = 0; k < piece_length(i); k++)
			piece[k] = piece_byte(i, k);
		assert_int_equal(spill_append(spill, piece, piece_length(i)), 0);
	}
}

static void read_pieces(struct spill *spill, unsigned count)
{
	assert_int_equal(spill_rewind(spill), 0);
	for (unsigned i = 0; i < count; i++) {
		const uint8_t *piece = spill_read(spill, piece_length(i));
		if (!piece)
			fail_msg("piece %u of %u: none (errno %d)", i, count, errno);
		for (size_t k = 0; k < piece_length(i); k++)
			if (piece[k] != piece_byte(i, k))
				fail_msg("piece %u, byte %zu differs", i, k);
	}
	assert_null(spill_read(spill, 1));
	assert_int_equal(errno, 0); /* the end, not a failure */
}

static void test_back_as_written(void **state)
{
	static const size_t limits[] = {0, 1, 700, 4096, 65536, 1 << 24};
	for (size_t l = 0; l < sizeof limits / sizeof *limits; l++) {
		struct spill *spill = spill_new(limits[l]);
		assert_non_null(spill);
		write_pieces(spill, 3000);
		uint64_t total = 0;
		for (unsigned i = 0; i < 3000; i++)
			total += piece_length(i);
		assert_int_equal(spill_length(spill), total);
		/* about a megabyte: only the largest limit keeps it all in memory */
		assert_int_equal(spill_on_disk(spill), limits[l] < total);
		read_pieces(spill, 3000);
		read_pieces(spill, 3000); /* and again */
		spill_free(spill);
	}
}

/* Read through a caller's buffer: larger than the limit, the same bytes; a piece
 * larger than the buffer gets a buffer of the spill's own, what was read kept. */
static void test_back_through_a_borrowed_buffer(void **state)
{
	static const size_t sizes[] = {300, 700, 4096, 1 << 16}; /* 300: pieces of up to 700 outgrow it */
	for (size_t b = 0; b < sizeof sizes / sizeof *sizes; b++) {
		uint8_t *buffer = malloc(sizes[b]);
		assert_non_null(buffer);
		struct spill *spill = spill_new(100);
		assert_non_null(spill);
		write_pieces(spill, 3000);
		assert_true(spill_on_disk(spill));
		assert_int_equal(spill_rewind_into(spill, buffer, sizes[b]), 0);
		for (unsigned i = 0; i < 3000; i++) {
			const uint8_t *piece = spill_read(spill, piece_length(i));
			if (!piece)
				fail_msg("buffer %zu, piece %u: none (errno %d)", sizes[b], i, errno);
			for (size_t k = 0; k < piece_length(i); k++)
				if (piece[k] != piece_byte(i, k))
					fail_msg("buffer %zu, piece %u, byte %zu differs", sizes[b], i, k);
		}
		assert_null(spill_read(spill, 1));
		assert_int_equal(errno, 0);
		/* and again, through another buffer, the first one wiped */
		uint8_t *other = malloc(sizes[b]);
		assert_non_null(other);
		assert_int_equal(spill_rewind_into(spill, other, sizes[b]), 0);
		memset(buffer, 0, sizes[b]);
		for (unsigned i = 0; i < 3000; i++) {
			const uint8_t *piece = spill_read(spill, piece_length(i));
			assert_non_null(piece);
			for (size_t k = 0; k < piece_length(i); k++)
				if (piece[k] != piece_byte(i, k))
					fail_msg("again, buffer %zu, piece %u, byte %zu differs", sizes[b], i, k);
		}
		spill_free(spill); /* not the buffers: they are the caller's */
		free(other);
		memset(buffer, 0, sizes[b]);
		free(buffer);
	}
	/* one held in memory reads as before, the buffer unused */
	uint8_t buffer[4096];
	struct spill *spill = spill_new(1 << 24);
	write_pieces(spill, 100);
	assert_false(spill_on_disk(spill));
	assert_int_equal(spill_rewind_into(spill, buffer, sizeof buffer), 0);
	for (unsigned i = 0; i < 100; i++)
		assert_non_null(spill_read(spill, piece_length(i)));
	spill_free(spill);
}

static void test_nothing_written(void **state)
{
	struct spill *spill = spill_new(100);
	assert_int_equal(spill_rewind(spill), 0);
	assert_null(spill_read(spill, 4));
	assert_int_equal(errno, 0);
	assert_non_null(spill_read(spill, 0));
	spill_free(spill);
}

static void test_short_piece_is_an_error(void **state)
{
	for (size_t limit = 0; limit <= 100; limit += 100) {
		struct spill *spill = spill_new(limit);
		assert_int_equal(spill_append(spill, "abcdef", 6), 0);
		assert_int_equal(spill_rewind(spill), 0);
		assert_memory_equal(spill_read(spill, 4), "abcd", 4);
		assert_null(spill_read(spill, 4)); /* two bytes left: not the end */
		assert_int_equal(errno, EIO);
		spill_free(spill);
	}
}

static void test_no_append_after_reading(void **state)
{
	struct spill *spill = spill_new(100);
	assert_int_equal(spill_append(spill, "ab", 2), 0);
	assert_int_equal(spill_rewind(spill), 0);
	assert_int_equal(spill_append(spill, "cd", 2), -1);
	assert_int_equal(errno, EINVAL);
	spill_free(spill);
}

static void test_leaves_no_file(void **state)
{
	char dir[] = "/tmp/test-spill-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
	setenv("TMPDIR", dir, 1);
	struct spill *spill = spill_new(10);
	write_pieces(spill, 100);
	assert_true(spill_on_disk(spill));
	DIR *d = opendir(dir);
	assert_non_null(d);
	int names = 0;
	for (struct dirent *e; (e = readdir(d));)
		names += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	assert_int_equal(names, 0);
	read_pieces(spill, 100);
	spill_free(spill);
	rmdir(dir);
	/* a folder that is not there: the first spill fails, and says so */
	setenv("TMPDIR", "/nonexistent/folder", 1);
	spill = spill_new(10);
	assert_int_equal(spill_append(spill, "0123456789", 10), 0);
	assert_int_equal(spill_append(spill, "x", 1), -1);
	assert_int_equal(errno, ENOENT);
	spill_free(spill);
	if (old)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
}

/* A full disk, as a file size limit: the write fails, and the append says so. */
static void test_full_disk(void **state)
{
	struct rlimit old, small;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 4096;
	signal(SIGXFSZ, SIG_IGN);
	struct spill *spill = spill_new(1000);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	int failed = 0, error = 0;
	char block[1000];
	memset(block, 'x', sizeof block);
	for (int i = 0; i < 20 && !failed; i++)
		if (spill_append(spill, block, sizeof block) < 0)
			failed = 1, error = errno;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_true(failed);
	assert_int_equal(error, EFBIG);
	spill_free(spill);
}

static void test_limit_from_environment(void **state)
{
	int bad;
	unsetenv("IFS_SPILL_AFTER");
	assert_int_equal(spill_limit_from_environment(77, &bad), 77);
	assert_int_equal(bad, 0);
	setenv("IFS_SPILL_AFTER", "64K", 1);
	assert_int_equal(spill_limit_from_environment(77, &bad), 65536);
	setenv("IFS_SPILL_AFTER", "3m", 1);
	assert_int_equal(spill_limit_from_environment(77, &bad), 3 << 20);
	setenv("IFS_SPILL_AFTER", "0", 1);
	assert_int_equal(spill_limit_from_environment(77, &bad), 0);
	assert_int_equal(bad, 0);
	static const char *const bad_sizes[] = {"8 M", "-1", "M", "12MB", "99999999999999999999", "1T"};
	for (size_t i = 0; i < sizeof bad_sizes / sizeof *bad_sizes; i++) {
		setenv("IFS_SPILL_AFTER", bad_sizes[i], 1);
		assert_int_equal(spill_limit_from_environment(77, &bad), 77);
		if (!bad)
			fail_msg("\"%s\" taken for a size", bad_sizes[i]);
	}
	unsetenv("IFS_SPILL_AFTER");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_back_as_written),        cmocka_unit_test(test_back_through_a_borrowed_buffer),
	    cmocka_unit_test(test_nothing_written),
	    cmocka_unit_test(test_short_piece_is_an_error), cmocka_unit_test(test_no_append_after_reading),
	    cmocka_unit_test(test_leaves_no_file),         cmocka_unit_test(test_full_disk),
	    cmocka_unit_test(test_limit_from_environment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
