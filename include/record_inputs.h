/*
 * record_inputs.h — the record streams a tool was given, read as one.
 *
 * Promise: the named files in order ("-" is stdin; none at all means stdin),
 * each possibly several concatenated streams, all interned into one pool; every
 * record is handed to the callback; the first input that cannot be opened or
 * read whole stops the reading, with its error printed through diag_error, so
 * a caller never goes on with a silently short result.
 */
#ifndef IFS_RECORD_INPUTS_H
#define IFS_RECORD_INPUTS_H

#include "record.h"
#include "string_pool.h"

/* 0, or -1 when the record could not be taken (out of memory): the reading stops. */
typedef int (*record_callback)(const struct record *record, const struct string_pool *pool, void *context);

/* 0; EX_NOINPUT when an input cannot be opened; EX_DATAERR when one is corrupt or
 * truncated; EX_OSERR when the callback failed. */
int record_inputs_read(char *const *paths, int count, struct string_pool *pool, int whole_questionnaires,
                       record_callback each, void *context);
/* The same, and the streams read and their keys added to *seen (record_stream.h). */
struct record_streams_seen;
int record_inputs_read_seen(char *const *paths, int count, struct string_pool *pool, int whole_questionnaires,
                            record_callback each, void *context, struct record_streams_seen *seen);

#endif
