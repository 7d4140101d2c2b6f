/* libFuzzer harness: any bytes as a targets file, validated against the shipped
 * codebook; whatever loads is then computed over no records — must never crash. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "codebook.h"
#include "shares.h"
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct codebook *book;
	char error[1024], path[64];
	if (!book && !(book = codebook_load("data/ifs-codebook.json", error, sizeof error)))
		abort();
	int fd = memfd_create("targets", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct targets targets;
	if (targets_load(path, book, &targets, error, sizeof error) == 0) {
		struct period period = {PERIOD_YEAR, 2022, 0, 0};
		struct shares *shares = shares_new(&targets, &period, 0, -1, 1);
		size_t count;
		if (shares)
			shares_finish(shares, &count);
		shares_free(shares);
		targets_free(&targets);
	}
	close(fd);
	return 0;
}
