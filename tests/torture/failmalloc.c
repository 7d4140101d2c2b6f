/*
 * failmalloc.so — makes the Nth allocation of a process fail, once (LD_PRELOAD).
 *
 * IFS_FAIL_AT=N      malloc, calloc or realloc number N (from 1) returns NULL
 *                    with errno ENOMEM; every other call succeeds.  0 or unset:
 *                    none fails.
 * IFS_ALLOC_COUNT=F  at exit, the number of calls made is written to file F,
 *                    so the driver knows how many points there are to try.
 * IFS_FAIL_TRACE=1   the failing call's stack goes to stderr, to find the
 *                    caller that mishandled it.
 *
 * glibc routes its own internal allocations (strdup, fopen, iconv_open …)
 * through an interposed malloc, so they fail in turn too.  The real allocator
 * is reached through glibc's __libc_* entry points, which need no dlsym (dlsym
 * itself allocates).  Counting starts when the library is loaded, after the
 * dynamic loader has done its own allocations.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);

static unsigned long fail_at;
static unsigned long calls;
static int armed;
static int trace;

__attribute__((constructor)) static void failmalloc_start(void)
{
	const char *at = getenv("IFS_FAIL_AT");
	fail_at = at ? strtoul(at, NULL, 10) : 0;
	trace = getenv("IFS_FAIL_TRACE") != NULL;
	if (trace) {
		/* The first backtrace() loads libgcc, which allocates: do it before counting. */
		void *frames[4];
		backtrace(frames, 4);
	}
	calls = 0;
	armed = 1;
}

__attribute__((destructor)) static void failmalloc_report(void)
{
	const char *path = getenv("IFS_ALLOC_COUNT");
	if (!path)
		return;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return;
	char text[32];
	int length = snprintf(text, sizeof text, "%lu\n", __atomic_load_n(&calls, __ATOMIC_RELAXED));
	if (write(fd, text, (size_t)length) < 0) {
		/* nothing to do: the driver sees no count and fails the case */
	}
	close(fd);
}

static int fails_now(void)
{
	if (!armed)
		return 0;
	/* atomic: a tool's two threads allocate at once (ifs-survey --jobs 2) */
	unsigned long call = __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	if (fail_at && call == fail_at) {
		if (trace) {
			void *frames[32];
			int depth = backtrace(frames, 32);
			backtrace_symbols_fd(frames, depth, 2);
		}
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

void *malloc(size_t size) { return fails_now() ? NULL : __libc_malloc(size); }
void *calloc(size_t count, size_t size) { return fails_now() ? NULL : __libc_calloc(count, size); }
void *realloc(void *pointer, size_t size) { return fails_now() ? NULL : __libc_realloc(pointer, size); }
