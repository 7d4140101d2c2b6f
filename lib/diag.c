#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *program_name = "ifs";
static unsigned warning_count;

/*
 * A tool started with stdin, stdout or stderr closed would hand that number to
 * the next file it opens: the record stream would go into the reject file.  The
 * closed ones are filled with /dev/null — stdout read-only, so that every write
 * to it fails and is reported instead of vanishing.
 */
static void occupy_closed_standard_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int opened = open("/dev/null", fd == 2 ? O_WRONLY : O_RDONLY);
		if (opened >= 0 && opened != fd) {
			/* Cannot happen (open takes the lowest free number), but never leave fd unfilled. */
			if (dup2(opened, fd) < 0)
				_exit(EX_OSERR);
			close(opened);
		}
		if (opened < 0)
			_exit(EX_OSERR);
	}
}

void diag_set_program(const char *argv0)
{
	occupy_closed_standard_fds();
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
	program_name = slash ? slash + 1 : (argv0 ? argv0 : "ifs");
}

const char *diag_program(void) { return program_name; }

__attribute__((format(printf, 2, 0)))
static void diag_vprint(const char *kind, const char *format, va_list args)
{
	/* One fprintf per message so concurrent stderr writers don't interleave mid-line. */
	char buffer[2048];
	vsnprintf(buffer, sizeof buffer, format, args);
	fprintf(stderr, "%s: %s%s\n", program_name, kind, buffer);
}

void diag_error(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	diag_vprint("", format, args);
	va_end(args);
}

void diag_warn(const char *format, ...)
{
	va_list args;
	warning_count++;
	va_start(args, format);
	diag_vprint("warning: ", format, args);
	va_end(args);
}

unsigned diag_warnings(void) { return warning_count; }

static mode_t private_mask = 077;

void diag_private_files(int group_readable)
{
	private_mask = group_readable ? 027 : 077;
	mode_t current = umask(0);
	umask(current | private_mask);
}

FILE *diag_create(const char *path)
{
	if (!path || strcmp(path, "-") == 0)
		return stdout;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	/* open's mode serves a new file only: one that was there keeps its own, and a
	 * reject file holds rows of the export.  A device (/dev/stderr) is left alone. */
	struct stat status;
	if (fstat(fd, &status) == 0 && S_ISREG(status.st_mode) && (status.st_mode & private_mask) &&
	    fchmod(fd, status.st_mode & 0777 & ~private_mask) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return NULL;
	}
	FILE *file = fdopen(fd, "w");
	if (!file) {
		int saved = errno;
		close(fd);
		errno = saved;
	}
	return file;
}

int diag_refuse_terminal_stdout(void)
{
	if (isatty(STDOUT_FILENO)) {
		diag_error("refusing to write a binary record stream to a terminal; "
		           "redirect stdout to a file or a pipe (e.g. | ifs-dump)");
		return -1;
	}
	return 0;
}
