/*
 * spill.h — bytes written once and then read back in order, as often as asked,
 * held in memory up to a limit and in a temporary file beyond it.
 *
 * Promise: spill_read() gives back exactly the bytes spill_append() was given,
 * in order, in pieces of the lengths asked for; at most the limit (or one piece,
 * when a piece is larger) is held in memory, whatever was written.  The file is
 * made in $TMPDIR (else /tmp) with mode 0600 and unlinked at once, so nothing is
 * left behind, even by a killed process.  A failure (memory, a full disk, a short
 * read) is -1 or NULL with errno set: never short data taken for the end.
 */
#ifndef IFS_SPILL_H
#define IFS_SPILL_H

#include <stddef.h>
#include <stdint.h>

struct spill;

/* NULL: out of memory. */
struct spill *spill_new(size_t memory_limit);
void spill_free(struct spill *spill);
/* 0, or -1 with errno set.  Only before the first spill_rewind(). */
int spill_append(struct spill *spill, const void *bytes, size_t length);
/* Bytes appended so far. */
uint64_t spill_length(const struct spill *spill);
/* Whether a file holds some of the bytes. */
int spill_on_disk(const struct spill *spill);
/* Ends the writing (at the first call) and goes back to the first byte.  0, or -1. */
int spill_rewind(struct spill *spill);
/* The same, and a file read into the caller's buffer of size bytes (the spill's own
 * freed, when smaller), which must outlive the reading (to spill_free(), or the next
 * spill_rewind_into()): for a caller that reads many spills one at a time, whose
 * limits add up, with one larger buffer (a syscall per few kilobytes costs more than
 * the copy).  0, or -1. */
int spill_rewind_into(struct spill *spill, void *buffer, size_t size);
/* The next length bytes, valid until the next call: NULL with errno 0 at the end
 * (when no byte is left), NULL with errno set on failure, or when fewer than
 * length bytes are left (EIO: the pieces read are not those written). */
const void *spill_read(struct spill *spill, size_t length);

/* Whether a temporary file failed (on this thread) since the last call: for telling
 * a full disk under TMPDIR from other failures in a message. */
int spill_file_failed(void);
/* For a caller that writes and reads a temporary file at offsets itself (one thread
 * writing while another reads): an unlinked file in spill_directory(), mode 0600;
 * its descriptor, or -1 with errno set.  spill_file_write() and spill_file_read()
 * write or read all length bytes at offset: 0, or -1 with errno set (EIO for a
 * short read).  A failure of any of the three is also spill_file_failed()'s. */
int spill_temporary_file(void);
int spill_file_write(int fd, const void *bytes, size_t length, uint64_t offset);
int spill_file_read(int fd, void *into, size_t length, uint64_t offset);
/* Where the temporary files go: $TMPDIR, else /tmp. */
const char *spill_directory(void);

/* The memory limit the environment gives (IFS_SPILL_AFTER: bytes, or with K, M or
 * G), else fallback.  -1 via *bad when it is set but not a size. */
size_t spill_limit_from_environment(size_t fallback, int *bad);
/* At a tool's start: -1, said on stderr, when IFS_SPILL_AFTER is set but not a size
 * (a usage error).  It also ignores SIGXFSZ, so that a file size limit fails a write
 * (EFBIG, reported) rather than killing the tool without a word. */
int spill_start(void);
/* "cannot write a temporary file in DIR: REASON" with advice where there is any, for
 * a failure spill_file_failed() reported (error: its errno). */
void spill_describe_failure(char *out, size_t size, int error);

#endif
