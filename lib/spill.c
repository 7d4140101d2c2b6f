/*
 * spill.c — a byte log in memory, in an unlinked temporary file once it outgrows
 * its limit.
 *
 * Writing fills one buffer; when a piece does not fit within the limit the
 * buffer goes to the file and is filled again, so the file holds the bytes in
 * order.  Reading reuses the same buffer, refilled from the file, and hands out
 * pointers into it: a piece is always contiguous there.  The page cache, not the
 * process, then holds what was spilled; the process keeps the limit.
 */
#define _GNU_SOURCE /* O_TMPFILE */
#include "spill.h"

#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct spill {
	uint8_t *buffer;
	size_t capacity, length; /* writing: bytes not yet in the file; reading: bytes read in */
	size_t position;         /* reading: the next byte to hand out */
	size_t limit;
	int fd;                  /* -1 until the first spill */
	int reading;
	int borrowed;            /* buffer is the caller's (spill_rewind_into) */
	uint64_t total, file_offset;
	uint64_t file_length;    /* bytes written to the file */
};

/* Set when a temporary file could not be made, written or read, on this thread. */
static _Thread_local int file_failed;

int spill_file_failed(void)
{
	int failed = file_failed;
	file_failed = 0;
	return failed;
}

const char *spill_directory(void)
{
	const char *dir = getenv("TMPDIR");
	return dir && *dir ? dir : "/tmp";
}

struct spill *spill_new(size_t memory_limit)
{
	struct spill *spill = calloc(1, sizeof *spill);
	if (spill) {
		spill->fd = -1;
		spill->limit = memory_limit;
	}
	return spill;
}

void spill_free(struct spill *spill)
{
	if (!spill)
		return;
	if (spill->fd >= 0)
		close(spill->fd);
	if (!spill->borrowed)
		free(spill->buffer);
	free(spill);
}

uint64_t spill_length(const struct spill *spill) { return spill->total; }

int spill_on_disk(const struct spill *spill) { return spill->fd >= 0; }

/* Room for want bytes: doubling, but not past the limit unless want itself is. */
static int grow(struct spill *spill, size_t want)
{
	if (want <= spill->capacity)
		return 0;
	size_t capacity = spill->capacity ? spill->capacity : 4096;
	while (capacity < want) {
		if (capacity > SIZE_MAX / 2) {
			errno = ENOMEM;
			return -1;
		}
		capacity *= 2;
	}
	if (capacity > spill->limit && want <= spill->limit)
		capacity = spill->limit;
	/* a piece larger than a borrowed buffer: a buffer of its own again, what is in it kept */
	uint8_t *buffer = spill->borrowed ? malloc(capacity) : realloc(spill->buffer, capacity);
	if (!buffer) {
		errno = ENOMEM;
		return -1;
	}
	if (spill->borrowed)
		memcpy(buffer, spill->buffer, spill->length);
	spill->borrowed = 0;
	spill->buffer = buffer;
	spill->capacity = capacity;
	return 0;
}

int spill_temporary_file(void)
{
	const char *dir = spill_directory();
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) { /* a file system without O_TMPFILE: a named file, unlinked at once */
		char path[4096];
		if (snprintf(path, sizeof path, "%s/ifs-spill-XXXXXX", dir) >= (int)sizeof path) {
			errno = ENAMETOOLONG;
			file_failed = 1;
			return -1;
		}
		fd = mkstemp(path);
		if (fd < 0) {
			file_failed = 1;
			return -1;
		}
		unlink(path);
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	return fd;
}

static int open_file(struct spill *spill)
{
	if (spill->fd >= 0)
		return 0;
	int fd = spill_temporary_file();
	if (fd < 0)
		return -1;
	spill->fd = fd;
	return 0;
}

int spill_file_write(int fd, const void *bytes, size_t length, uint64_t offset)
{
	const uint8_t *from = bytes;
	while (length) {
		ssize_t wrote = pwrite(fd, from, length, (off_t)offset);
		if (wrote < 0 && errno == EINTR)
			continue;
		if (wrote <= 0) {
			if (wrote == 0)
				errno = EIO;
			file_failed = 1;
			return -1;
		}
		from += wrote, length -= (size_t)wrote, offset += (uint64_t)wrote;
	}
	return 0;
}

int spill_file_read(int fd, void *into, size_t length, uint64_t offset)
{
	uint8_t *to = into;
	while (length) {
		ssize_t got = pread(fd, to, length, (off_t)offset);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got == 0)
				errno = EIO; /* shorter than was written */
			file_failed = 1;
			return -1;
		}
		to += got, length -= (size_t)got, offset += (uint64_t)got;
	}
	return 0;
}

/* The bytes at the file's end. */
static int write_all(struct spill *spill, const uint8_t *bytes, size_t length)
{
	if (spill_file_write(spill->fd, bytes, length, spill->file_length) < 0)
		return -1;
	spill->file_length += length;
	return 0;
}

static int flush(struct spill *spill)
{
	if (!spill->length)
		return 0;
	if (open_file(spill) < 0 || write_all(spill, spill->buffer, spill->length) < 0)
		return -1;
	spill->length = 0;
	return 0;
}

int spill_append(struct spill *spill, const void *bytes, size_t length)
{
	if (spill->reading) {
		errno = EINVAL;
		return -1;
	}
	size_t want = spill->length + length;
	if (want < length) {
		errno = ENOMEM;
		return -1;
	}
	if (want > spill->capacity && want <= spill->limit && grow(spill, want) < 0)
		return -1;
	if (want > spill->capacity) { /* past the limit: what is held goes to the file first */
		if (flush(spill) < 0)
			return -1;
		if (length > spill->limit) { /* larger than the limit on its own */
			if (open_file(spill) < 0 || write_all(spill, bytes, length) < 0)
				return -1;
			spill->total += length;
			return 0;
		}
		if (grow(spill, length) < 0)
			return -1;
	}
	if (length)
		memcpy(spill->buffer + spill->length, bytes, length);
	spill->length += length;
	spill->total += length;
	return 0;
}

int spill_rewind(struct spill *spill)
{
	if (!spill->reading) {
		spill->reading = 1;
		if (spill->fd >= 0 && flush(spill) < 0)
			return -1;
	}
	spill->position = 0;
	if (spill->fd >= 0) {
		spill->length = 0;
		spill->file_offset = 0;
	}
	return 0;
}

int spill_rewind_into(struct spill *spill, void *buffer, size_t size)
{
	if (spill_rewind(spill) < 0)
		return -1;
	if (spill->fd < 0)
		return 0; /* all in memory, read where it is */
	if (!spill->borrowed) {
		if (size <= spill->capacity)
			return 0; /* its own is as large */
		free(spill->buffer);
	}
	spill->buffer = buffer;
	spill->capacity = size;
	spill->borrowed = 1;
	return 0;
}

const void *spill_read(struct spill *spill, size_t length)
{
	static const uint8_t nothing[1];
	errno = 0;
	if (!spill->reading) {
		errno = EINVAL;
		return NULL;
	}
	if (length == 0)
		return nothing; /* a form without questions has no levels to read */
	if (spill->length - spill->position < length && spill->fd >= 0) {
		size_t left = spill->length - spill->position;
		if (left)
			memmove(spill->buffer, spill->buffer + spill->position, left);
		spill->length = left;
		spill->position = 0;
		if (grow(spill, length) < 0)
			return NULL;
		while (spill->length < length) {
			ssize_t got = pread(spill->fd, spill->buffer + spill->length, spill->capacity - spill->length,
			                    (off_t)spill->file_offset);
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0) {
				file_failed = 1;
				return NULL;
			}
			if (got == 0)
				break;
			spill->length += (size_t)got;
			spill->file_offset += (uint64_t)got;
		}
	}
	size_t left = spill->length - spill->position;
	if (left == 0)
		return NULL; /* the end */
	if (left < length) {
		errno = EIO;
		return NULL;
	}
	const uint8_t *piece = spill->buffer + spill->position;
	spill->position += length;
	return piece;
}

size_t spill_limit_from_environment(size_t fallback, int *bad)
{
	if (bad)
		*bad = 0;
	const char *text = getenv("IFS_SPILL_AFTER");
	if (!text || !*text)
		return fallback;
	char *end;
	errno = 0;
	if (text[0] < '0' || text[0] > '9') { /* strtoull would skip space and take a sign */
		if (bad)
			*bad = 1;
		return fallback;
	}
	unsigned long long value = strtoull(text, &end, 10);
	int digits = end != text, shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10, end++; break;
	case 'm': case 'M': shift = 20, end++; break;
	case 'g': case 'G': shift = 30, end++; break;
	default: break;
	}
	if (errno || !digits || *end || value > (SIZE_MAX >> shift)) {
		if (bad)
			*bad = 1;
		return fallback;
	}
	return (size_t)value << shift;
}

int spill_start(void)
{
	/* A file size limit (ulimit -f) then fails a write with EFBIG, which is reported,
	 * instead of killing the tool without a word. */
	signal(SIGXFSZ, SIG_IGN);
	int bad;
	spill_limit_from_environment(0, &bad);
	if (bad)
		diag_error("IFS_SPILL_AFTER: expected a size in bytes (or with K, M or G), not \"%s\"",
		           getenv("IFS_SPILL_AFTER"));
	return bad ? -1 : 0;
}

void spill_describe_failure(char *out, size_t size, int error)
{
	const char *advice = "";
	switch (error) {
	case ENOSPC:
	case EDQUOT:
	case EFBIG: advice = " (set TMPDIR to a folder with room)"; break;
	case ENOENT:
	case ENOTDIR:
	case EACCES:
	case EPERM:
	case EROFS: advice = " (set TMPDIR to a folder that exists and can be written)"; break;
	default: break;
	}
	snprintf(out, size, "cannot use a temporary file in %s: %s%s", spill_directory(), strerror(error), advice);
}
