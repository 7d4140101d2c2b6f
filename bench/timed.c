/*
 * timed — runs a command and prints its wall-clock seconds and peak resident KiB,
 * for bench/peers.sh.  usage: timed OUT COMMAND [ARG...]
 *
 * Why not /usr/bin/time: its %e has 10 ms steps, and timing it from sh with date
 * puts three process starts (date, time, date) inside every measurement, about
 * 14 ms on a small VM: as much as a 1 MB run itself.  Here the clock is read
 * just before fork and just after wait4, so a run costs one fork and one exec
 * besides the command.  The command's own stdout and stderr are left as they are;
 * "SECONDS KIB" goes to OUT.  Exits with the command's status (1 when it was
 * killed by a signal, 127 when it could not be started).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: timed OUT COMMAND [ARG...]\n");
		return 2;
	}
	FILE *out = fopen(argv[1], "w");
	if (!out) {
		perror(argv[1]);
		return 2;
	}
	struct timespec start, end;
	clock_gettime(CLOCK_MONOTONIC, &start);
	pid_t child = fork();
	if (child < 0) {
		perror("fork");
		return 2;
	}
	if (child == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	int status;
	struct rusage usage;
	if (wait4(child, &status, 0, &usage) < 0) {
		perror("wait4");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
	fprintf(out, "%.4f %ld\n", seconds, usage.ru_maxrss);
	if (fclose(out) != 0) {
		perror(argv[1]);
		return 2;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
