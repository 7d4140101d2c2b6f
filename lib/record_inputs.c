#include "record_inputs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "record_stream.h"
#include "spill.h"

int record_inputs_read(char *const *paths, int count, struct string_pool *pool, int whole_questionnaires,
                       record_callback each, void *context)
{
	return record_inputs_read_seen(paths, count, pool, whole_questionnaires, each, context, NULL);
}

int record_inputs_read_seen(char *const *paths, int count, struct string_pool *pool, int whole_questionnaires,
                            record_callback each, void *context, struct record_streams_seen *seen)
{
	static char *const stdin_only[] = {"-"};
	if (count <= 0) {
		paths = stdin_only;
		count = 1;
	}
	for (int i = 0; i < count; i++) {
		int from_stdin = strcmp(paths[i], "-") == 0;
		FILE *in = from_stdin ? stdin : fopen(paths[i], "rb");
		if (!in) {
			diag_error("%s: cannot open: %s", paths[i], strerror(errno));
			return EX_NOINPUT;
		}
		struct record_reader *reader = record_reader_open(in, from_stdin ? "stdin" : paths[i], pool);
		if (reader)
			record_reader_whole_questionnaires(reader, whole_questionnaires);
		struct record record;
		int got = reader ? 0 : -1, taken = 0;
		while (reader && (got = record_reader_next(reader, &record)) == 1 && (taken = each(&record, pool, context)) == 0)
			;
		if (reader && seen)
			record_streams_merge(seen, record_reader_seen(reader));
		int spill_failed = taken < 0 && spill_file_failed(), failure = errno;
		char text[600];
		if (spill_failed) {
			spill_describe_failure(text, sizeof text, failure);
			diag_error("%s: %s", from_stdin ? "stdin" : paths[i], text);
		} else if (taken < 0 || !reader)
			diag_error("%s: out of memory", from_stdin ? "stdin" : paths[i]);
		else if (got < 0)
			diag_error("%s", record_reader_error(reader));
		record_reader_close(reader);
		if (!from_stdin)
			fclose(in);
		if (spill_failed)
			return EX_IOERR;
		if (taken < 0 || !reader)
			return EX_OSERR;
		if (got < 0)
			return EX_DATAERR;
	}
	return 0;
}
