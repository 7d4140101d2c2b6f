#include "rejects.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "personal_data.h"
#include "text_fold.h"

struct reject_log {
	FILE *file;
	unsigned long count;
	int write_failed;
};

struct reject_log *reject_log_open(const char *path, char *error, size_t error_size)
{
	struct reject_log *log = calloc(1, sizeof *log);
	if (!log) {
		snprintf(error, error_size, "out of memory");
		return NULL;
	}
	if (path) {
		log->file = diag_create(path);
		if (!log->file) {
			snprintf(error, error_size, "%s: cannot create reject file: %s", path, strerror(errno));
			free(log);
			return NULL;
		}
		fputs("file\tline\treason\trow\n", log->file);
	}
	return log;
}

static void write_escaped(FILE *file, const char *text, size_t length)
{
	for (size_t i = 0; i < length; i++) {
		switch (text[i]) {
		case '\\': fputs("\\\\", file); break;
		case '\t': fputs("\\t", file); break;
		case '\r': fputs("\\r", file); break;
		case '\n': fputs("\\n", file); break;
		default: putc(text[i], file);
		}
	}
}

void reject_log_row(struct reject_log *log, const char *file, unsigned long line,
                    const char *reason, const char *raw, size_t raw_length)
{
	/* A reason may quote a cell: whatever column it came from, no personnummer in it is shown. */
	char safe_reason[1024];
	personal_data_scrub(reason, strlen(reason), safe_reason, sizeof safe_reason);
	log->count++;
	diag_error("%s:%lu: %s", file, line, safe_reason);
	if (!log->file)
		return;
	write_escaped(log->file, file, strlen(file));
	fprintf(log->file, "\t%lu\t", line);
	write_escaped(log->file, safe_reason, strlen(safe_reason));
	putc('\t', log->file);
	write_escaped(log->file, raw ? raw : "", raw ? raw_length : 0);
	if (putc('\n', log->file) == EOF)
		log->write_failed = 1;
}

int reject_log_scrubbed_row(struct reject_log *log, const char *file, unsigned long line, const char *reason,
                            const char *raw, size_t raw_length, const char *identifier, int identifier_found)
{
	size_t length = 0, reason_length = 0;
	if (identifier && text_says_nothing(identifier, strlen(identifier)))
		identifier = NULL; /* "N/A" names no one: nothing to hide, and "-" would take every dash */
	char *scrubbed = identifier_found ? reject_scrub(raw ? raw : "", raw ? raw_length : 0, identifier, &length) : NULL;
	if (identifier_found && !scrubbed)
		return -1;
	/* The reason may quote a cell that holds the row's own identifier (a participant
	 * code typed into an answer column): it goes there too.  An identifier of one or
	 * two characters would take letters out of every word, and says nothing of anyone. */
	size_t id_length = identifier ? strlen(identifier) : 0;
	while (id_length && isspace((unsigned char)identifier[id_length - 1]))
		id_length--;
	for (const char *c = identifier; id_length && c && isspace((unsigned char)*c); c++)
		id_length--;
	char *safe_reason = id_length >= 3 ? reject_scrub(reason, strlen(reason), identifier, &reason_length) : NULL;
	if (id_length >= 3 && !safe_reason) {
		free(scrubbed);
		return -1;
	}
	reject_log_row(log, file, line, safe_reason ? safe_reason : reason, scrubbed ? scrubbed : REJECT_ROW_NOT_KEPT,
	               scrubbed ? length : strlen(REJECT_ROW_NOT_KEPT));
	free(safe_reason);
	free(scrubbed);
	return 0;
}

unsigned long reject_log_count(const struct reject_log *log) { return log->count; }

int reject_log_close(struct reject_log *log)
{
	int status = 0;
	if (!log)
		return 0;
	if (log->file && log->file != stdout) {
		if (ferror(log->file) || log->write_failed)
			status = -1;
		if (fclose(log->file) != 0)
			status = -1;
	}
	free(log);
	return status;
}

/* Appends to a growing string; -1 when out of memory. */
static int append(char **out, size_t *used, size_t *capacity, const char *bytes, size_t length)
{
	if (*used + length + 1 > *capacity) {
		size_t grown = *capacity * 2 > *used + length + 1 ? *capacity * 2 : *used + length + 1;
		char *bigger = realloc(*out, grown);
		if (!bigger)
			return -1;
		*out = bigger;
		*capacity = grown;
	}
	memcpy(*out + *used, bytes, length);
	*used += length;
	return 0;
}

/* Whether the character that ends just before raw[at] (before: 1) or starts at raw[at]
 * (0) is a letter or digit, which would join the identifier into a longer word: ASCII
 * ones, and the letters of Latin-1 in UTF-8 (å ä ö é: C3 80..BF but × and ÷).  A
 * no-break space, a dash or a guillemet («) is no letter. */
static int word_character(const char *raw, size_t length, size_t at, int before)
{
	const unsigned char *u = (const unsigned char *)raw;
	if (before) {
		if (at == 0)
			return 0;
		size_t start = at - 1;
		while (start > 0 && at - start < 4 && (u[start] & 0xC0) == 0x80)
			start--;
		at = start;
	} else if (at >= length) {
		return 0;
	}
	if (u[at] < 0x80)
		return isalnum(u[at]);
	return u[at] == 0xC3 && at + 1 < length && u[at + 1] != 0x97 && u[at + 1] != 0xB7;
}

char *reject_scrub(const char *raw, size_t length, const char *identifier, size_t *out_length)
{
	static const char removed[] = PERSONAL_DATA_MASK;
	size_t id_length = identifier ? strlen(identifier) : 0;
	while (id_length && isspace((unsigned char)identifier[id_length - 1]))
		id_length--;
	while (id_length && isspace((unsigned char)*identifier))
		identifier++, id_length--;
	size_t used = 0, capacity = length + sizeof removed;
	char *out = malloc(capacity);
	if (!out)
		return NULL;
	for (size_t i = 0; i < length;) {
		size_t skip = 0;
		/* the identifier as a word of its own: a participant "y" is not taken out of "nytta" */
		if (id_length && i + id_length <= length && strncasecmp(raw + i, identifier, id_length) == 0 &&
		    !word_character(raw, length, i, 1) && !word_character(raw, length, i + id_length, 0))
			skip = id_length;
		else
			skip = personal_data_span(raw, length, i);
		int failed = skip ? append(&out, &used, &capacity, removed, sizeof removed - 1)
		                  : append(&out, &used, &capacity, raw + i, 1);
		if (failed) {
			free(out);
			return NULL;
		}
		i += skip ? skip : 1;
	}
	out[used] = '\0';
	*out_length = used;
	return out;
}
