/*
 * fetch.h — one export, fetched over HTTP(S) or file:// and written atomically.
 *
 * Promise: the target file is either the previous version or the complete new
 * one — never partial: the body goes to a temporary file in the same folder,
 * is fsynced, renamed over the target, and the folder is fsynced.  The
 * validators (ETag, Last-Modified) and the body's sha256 are kept in
 * TARGET.meta, so the next fetch is conditional; a 304 or an identical body
 * leaves the target untouched (same inode).  Transient failures (5xx, 429,
 * timeouts, dropped connections, bodies cut short) are retried with
 * exponential backoff and jitter; other 4xx are not.  HTTPS is always
 * verified; redirects go only to http(s), and from https only to https.  The
 * token is sent as a bearer header, only over https (unless allow_http), and
 * never appears in a message; a token holding a control character is refused.
 * A file:// URL must name a regular file.
 */
#ifndef IFS_FETCH_H
#define IFS_FETCH_H

#include <stddef.h>

struct fetch_options {
	const char *token;         /* bearer token, or NULL */
	const char *ca_file;       /* CA bundle, or NULL for the system's */
	long connect_timeout;      /* seconds */
	long max_time;             /* seconds for one attempt */
	long low_speed_time;       /* seconds below 1 byte/s before giving up */
	int retries;               /* further attempts after the first */
	double backoff;            /* seconds before the first retry; doubles each time */
	double max_retry_after;    /* longest Retry-After honoured, seconds */
	long long max_size;        /* largest body accepted, bytes */
	int allow_http;            /* send the token over plain http, follow https -> http redirects */
};

void fetch_options_default(struct fetch_options *options);

/* What TARGET.meta keeps of the last body written, and sends back to the server. */
struct fetch_validators {
	char etag[256];
	char last_modified[128];
	char sha256[65];
};
/* The validators of a .meta file's text.  Anything malformed is left empty (the next
 * fetch is merely unconditional); no control character is kept.  0, or -1 when out
 * of memory. */
int fetch_validators_parse(const char *text, struct fetch_validators *validators);

/* One response header line as libcurl hands it over: which of the headers that
 * matter it is, with its value trimmed and cut at any control character. */
enum fetch_header {
	FETCH_HEADER_OTHER, FETCH_HEADER_STATUS, FETCH_HEADER_CONTENT_ENCODING, FETCH_HEADER_ETAG,
	FETCH_HEADER_LAST_MODIFIED
};
enum fetch_header fetch_header_parse(const char *line, size_t length, char *value, size_t value_size);

enum fetch_outcome { FETCH_WRITTEN = 1, FETCH_UNCHANGED = 2 };

/* Fetches url into path.  label names the source in messages (a config name,
 * or the URL without its query).  Returns 0 with *outcome set, or a sysexits
 * status with a one-line reason in error. */
int fetch_to_file(const char *url, const char *path, const char *label, const struct fetch_options *options,
                  enum fetch_outcome *outcome, char *error, size_t error_size);

/* The URL as it may appear in messages: no user info, no query, no fragment. */
void fetch_redact_url(const char *url, char *out, size_t out_size);

/* Reads a token file (refused when group or others may read it); trailing
 * white space dropped.  Returns a malloc'd token or NULL with error set. */
char *fetch_read_token_file(const char *path, char *error, size_t error_size);

/* Sources of a config file (JSON, see man ifs-fetch). */
struct fetch_source {
	char *name, *url, *kind, *insats, *group, *forbund, *token_file, *token_env, *ca_file;
};
struct fetch_config {
	char *dir;
	struct fetch_source *sources;
	size_t count;
};
int fetch_config_load(const char *path, struct fetch_config *config, char *error, size_t error_size);
void fetch_config_free(struct fetch_config *config);

#endif
