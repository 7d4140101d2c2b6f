#include "json_memory.h"
#include "fetch.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

void fetch_options_default(struct fetch_options *options)
{
	*options = (struct fetch_options){
		.connect_timeout = 30,
		.max_time = 900,
		.low_speed_time = 60,
		.retries = 4,
		.backoff = 2.0,
		.max_retry_after = 300.0,
		.max_size = 1024LL * 1024 * 1024,
	};
}

void fetch_redact_url(const char *url, char *out, size_t out_size)
{
	const char *scheme_end = strstr(url, "://");
	const char *host = scheme_end ? scheme_end + 3 : url;
	size_t authority = strcspn(host, "/?#");
	const char *at = memchr(host, '@', authority);
	size_t scheme_length = (size_t)(host - url);
	const char *rest = at ? at + 1 : host;
	size_t rest_length = strcspn(rest, "?#");
	snprintf(out, out_size, "%.*s%.*s", (int)scheme_length, url, (int)rest_length, rest);
}

/* ---- validators beside the target ---------------------------------------- */


static void meta_path(const char *path, char *out, size_t size) { snprintf(out, size, "%s.meta", path); }

/* 0 (validators found or not), or -1 when memory ran out reading them: a fetch
 * without them would be a different request. */
static int validators_load(const char *path, struct fetch_validators *v)
{
	memset(v, 0, sizeof *v);
	char meta[4096];
	meta_path(path, meta, sizeof meta);
	struct stat st;
	if (stat(path, &st) < 0)
		return 0; /* no target: validators would make the server send nothing */
	errno = 0;
	FILE *f = fopen(meta, "r");
	if (!f)
		return errno == ENOMEM ? -1 : 0;
	char text[4096];
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	return fetch_validators_parse(text, v);
}

/* A validator goes back to the server in a header: no control character may ride along. */
static void copy_clean(char *out, size_t out_size, const char *text)
{
	size_t n = 0;
	while (text[n] && n + 1 < out_size && ((unsigned char)text[n] >= 0x20 || text[n] == '\t') && text[n] != 0x7f)
		n++;
	memcpy(out, text, n);
	out[n] = '\0';
}

int fetch_validators_parse(const char *text, struct fetch_validators *v)
{
	memset(v, 0, sizeof *v);
	json_memory_watch();
	cJSON *root = cJSON_Parse(text);
	if (!root && json_memory_failed())
		return -1;
	const cJSON *item;
	if ((item = cJSON_GetObjectItemCaseSensitive(root, "etag")) && cJSON_IsString(item))
		copy_clean(v->etag, sizeof v->etag, item->valuestring);
	if ((item = cJSON_GetObjectItemCaseSensitive(root, "last_modified")) && cJSON_IsString(item))
		copy_clean(v->last_modified, sizeof v->last_modified, item->valuestring);
	if ((item = cJSON_GetObjectItemCaseSensitive(root, "sha256")) && cJSON_IsString(item) &&
	    strspn(item->valuestring, "0123456789abcdef") == 64 && !item->valuestring[64])
		copy_clean(v->sha256, sizeof v->sha256, item->valuestring);
	cJSON_Delete(root);
	return 0;
}

static int fsync_folder(const char *path)
{
	char copy[4096];
	snprintf(copy, sizeof copy, "%s", path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int status = fsync(fd);
	close(fd);
	return status;
}

/* Writes text to path through a temporary file, fsync and rename. */
static int write_atomically(const char *path, const char *text)
{
	char temp[4200];
	snprintf(temp, sizeof temp, "%s.tmp.XXXXXX", path);
	int fd = mkstemp(temp);
	if (fd < 0)
		return -1;
	size_t length = strlen(text);
	int ok = write(fd, text, length) == (ssize_t)length && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(temp, path) < 0) {
		unlink(temp);
		return -1;
	}
	return fsync_folder(path);
}

static int validators_save(const char *path, const struct fetch_validators *v, long long bytes)
{
	char meta[4096], when[32];
	meta_path(path, meta, sizeof meta);
	time_t now = time(NULL);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	json_memory_watch();
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "etag", v->etag);
	cJSON_AddStringToObject(root, "last_modified", v->last_modified);
	cJSON_AddStringToObject(root, "sha256", v->sha256);
	cJSON_AddNumberToObject(root, "bytes", (double)bytes);
	cJSON_AddStringToObject(root, "fetched_at", when);
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text || json_memory_failed()) {
		free(text);
		errno = ENOMEM;
		return -1;
	}
	int status = write_atomically(meta, text);
	free(text);
	return status;
}

/* ---- one attempt ----------------------------------------------------------- */

/*
 * gzip transfer encoding is decoded here with zlib rather than by libcurl,
 * because libcurl accepts a gzip body that ends early without a word; a
 * stream that never reaches its end is an error here.
 */
struct transfer {
	int fd;
	long long bytes, max_size;
	int too_large, write_failed;
	int gzip, gzip_started, gzip_ended, gzip_failed, bad_encoding;
	z_stream z;
	EVP_MD_CTX *digest;
	struct fetch_validators received;
};

static int keep_bytes(struct transfer *t, const char *data, size_t length)
{
	if (t->bytes + (long long)length > t->max_size) {
		t->too_large = 1;
		return -1;
	}
	for (size_t done = 0; done < length;) {
		ssize_t wrote = write(t->fd, data + done, length - done);
		if (wrote < 0) {
			if (errno == EINTR)
				continue;
			t->write_failed = errno;
			return -1;
		}
		done += (size_t)wrote;
	}
	EVP_DigestUpdate(t->digest, data, length);
	t->bytes += (long long)length;
	return 0;
}

static size_t on_body(char *data, size_t size, size_t count, void *user)
{
	struct transfer *t = user;
	size_t length = size * count;
	if (t->bad_encoding)
		return 0;
	if (!t->gzip)
		return keep_bytes(t, data, length) < 0 ? 0 : length;
	if (!t->gzip_started) {
		if (inflateInit2(&t->z, 15 + 16) != Z_OK) {
			t->gzip_failed = 1;
			return 0;
		}
		t->gzip_started = 1;
	}
	t->z.next_in = (unsigned char *)data;
	t->z.avail_in = (unsigned)length;
	while (t->z.avail_in > 0) {
		if (t->gzip_ended) { /* another gzip member follows */
			if (inflateReset(&t->z) != Z_OK) {
				t->gzip_failed = 1;
				return 0;
			}
			t->gzip_ended = 0;
		}
		unsigned char out[65536];
		t->z.next_out = out;
		t->z.avail_out = sizeof out;
		int status = inflate(&t->z, Z_NO_FLUSH);
		if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) {
			t->gzip_failed = 1;
			return 0;
		}
		if (keep_bytes(t, (const char *)out, sizeof out - t->z.avail_out) < 0)
			return 0;
		if (status == Z_STREAM_END)
			t->gzip_ended = 1;
		else if (status == Z_BUF_ERROR && t->z.avail_out != 0)
			break;
	}
	return length;
}

/* The value after name_length bytes of a header line, trimmed, and cut at the first
 * control character (it would go back to the server in the next request's header). */
static void copy_header_value(const char *line, size_t length, size_t name_length, char *out, size_t out_size)
{
	const char *value = line + name_length;
	size_t n = length - name_length;
	while (n && (*value == ' ' || *value == '\t'))
		value++, n--;
	while (n && (value[n - 1] == '\r' || value[n - 1] == '\n' || value[n - 1] == ' '))
		n--;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f) {
			n = i;
			break;
		}
	if (n >= out_size)
		n = out_size - 1;
	memcpy(out, value, n);
	out[n] = '\0';
}

enum fetch_header fetch_header_parse(const char *line, size_t length, char *value, size_t value_size)
{
	if (value_size)
		value[0] = '\0';
	if (length >= 5 && strncmp(line, "HTTP/", 5) == 0)
		return FETCH_HEADER_STATUS;
	static const struct {
		const char *name;
		enum fetch_header kind;
	} known[] = {{"content-encoding:", FETCH_HEADER_CONTENT_ENCODING}, {"etag:", FETCH_HEADER_ETAG},
	             {"last-modified:", FETCH_HEADER_LAST_MODIFIED}};
	for (size_t k = 0; k < sizeof known / sizeof *known; k++) {
		size_t name_length = strlen(known[k].name);
		if (length > name_length && strncasecmp(line, known[k].name, name_length) == 0) {
			if (value_size)
				copy_header_value(line, length, name_length, value, value_size);
			return known[k].kind;
		}
	}
	return FETCH_HEADER_OTHER;
}

static size_t on_header(char *line, size_t size, size_t count, void *user)
{
	struct transfer *t = user;
	size_t length = size * count;
	char value[256];
	switch (fetch_header_parse(line, length, value, sizeof value)) {
	case FETCH_HEADER_STATUS: /* a new response (after a redirect): start over */
		t->received.etag[0] = t->received.last_modified[0] = '\0';
		t->gzip = t->bad_encoding = 0;
		break;
	case FETCH_HEADER_CONTENT_ENCODING:
		if (strcasecmp(value, "gzip") == 0 || strcasecmp(value, "x-gzip") == 0)
			t->gzip = 1;
		else if (strcasecmp(value, "identity") != 0)
			t->bad_encoding = 1;
		break;
	case FETCH_HEADER_ETAG: copy_clean(t->received.etag, sizeof t->received.etag, value); break;
	case FETCH_HEADER_LAST_MODIFIED:
		copy_clean(t->received.last_modified, sizeof t->received.last_modified, value);
		break;
	case FETCH_HEADER_OTHER: break;
	}
	return length;
}

enum attempt_result { ATTEMPT_DONE, ATTEMPT_RETRY, ATTEMPT_FAIL };

struct attempt {
	int status;           /* sysexits when failed */
	long retry_after;     /* seconds asked by the server, or -1 */
	int not_modified;     /* the server answered 304 */
	char reason[512];
};

static int is_http(const char *url) { return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0; }

static enum attempt_result attempt_once(const char *url, const struct fetch_options *options,
                                        const struct fetch_validators *previous, struct transfer *t,
                                        struct attempt *result)
{
	CURL *curl = curl_easy_init();
	if (!curl) {
		result->status = EX_OSERR;
		snprintf(result->reason, sizeof result->reason, "cannot start libcurl: out of memory");
		return ATTEMPT_FAIL;
	}
	char curl_error[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = NULL;
	char header[600];
	int headers_failed = 0;
	struct curl_slist *more;
	if (previous->etag[0]) {
		snprintf(header, sizeof header, "If-None-Match: %s", previous->etag);
		if ((more = curl_slist_append(headers, header)))
			headers = more;
		else
			headers_failed = 1;
	}
	if (previous->last_modified[0]) {
		snprintf(header, sizeof header, "If-Modified-Since: %s", previous->last_modified);
		if ((more = curl_slist_append(headers, header)))
			headers = more;
		else
			headers_failed = 1;
	}
	if (options->token) {
		char *bearer = malloc(strlen(options->token) + 32);
		more = NULL;
		if (bearer) {
			sprintf(bearer, "Authorization: Bearer %s", options->token);
			more = curl_slist_append(headers, bearer);
			OPENSSL_cleanse(bearer, strlen(bearer));
			free(bearer);
		}
		if (more)
			headers = more;
		else
			headers_failed = 1;
	}
	if (headers_failed) {
		/* Without its token or its validators the request would be a different one: never send it. */
		curl_slist_free_all(headers);
		curl_easy_cleanup(curl);
		result->status = EX_OSERR;
		snprintf(result->reason, sizeof result->reason, "out of memory");
		return ATTEMPT_FAIL;
	}
	/* String options are copied: an unchecked failure would quietly drop the CA file or the URL. */
	CURLcode options_set = CURLE_OK;
#define SET_OPTION(option, value) \
	do { \
		if (options_set == CURLE_OK) \
			options_set = curl_easy_setopt(curl, option, value); \
	} while (0)
	SET_OPTION(CURLOPT_URL, url);
	SET_OPTION(CURLOPT_PROTOCOLS_STR, "http,https,file");
	/* An https source never continues over plain http, where its content could be changed on the way. */
	int from_https = strncasecmp(url, "https://", 8) == 0;
	SET_OPTION(CURLOPT_REDIR_PROTOCOLS_STR, from_https && !options->allow_http ? "https" : "http,https");
	SET_OPTION(CURLOPT_FOLLOWLOCATION, 1L);
	SET_OPTION(CURLOPT_MAXREDIRS, 5L);
	SET_OPTION(CURLOPT_SSL_VERIFYPEER, 1L);
	SET_OPTION(CURLOPT_SSL_VERIFYHOST, 2L);
	if (options->ca_file)
		SET_OPTION(CURLOPT_CAINFO, options->ca_file);
	SET_OPTION(CURLOPT_ACCEPT_ENCODING, "gzip");
	SET_OPTION(CURLOPT_HTTP_CONTENT_DECODING, 0L);
	SET_OPTION(CURLOPT_CONNECTTIMEOUT, options->connect_timeout);
	SET_OPTION(CURLOPT_TIMEOUT, options->max_time);
	SET_OPTION(CURLOPT_LOW_SPEED_LIMIT, 1L);
	SET_OPTION(CURLOPT_LOW_SPEED_TIME, options->low_speed_time);
	SET_OPTION(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)options->max_size);
	SET_OPTION(CURLOPT_NOSIGNAL, 1L);
	SET_OPTION(CURLOPT_USERAGENT, "ifs-fetch/0.1");
	SET_OPTION(CURLOPT_ERRORBUFFER, curl_error);
	SET_OPTION(CURLOPT_HTTPHEADER, headers);
	SET_OPTION(CURLOPT_WRITEFUNCTION, on_body);
	SET_OPTION(CURLOPT_WRITEDATA, t);
	SET_OPTION(CURLOPT_HEADERFUNCTION, on_header);
	SET_OPTION(CURLOPT_HEADERDATA, t);

#undef SET_OPTION
	if (options_set != CURLE_OK) {
		curl_slist_free_all(headers);
		curl_easy_cleanup(curl);
		result->status = options_set == CURLE_OUT_OF_MEMORY ? EX_OSERR : EX_SOFTWARE;
		snprintf(result->reason, sizeof result->reason, "cannot set up the transfer: %s", curl_easy_strerror(options_set));
		return ATTEMPT_FAIL;
	}
	CURLcode code = curl_easy_perform(curl);
	long http = 0;
	curl_off_t retry_after = -1;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http);
	curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry_after);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	result->retry_after = retry_after > 0 ? (long)retry_after : -1;
	enum attempt_result verdict = ATTEMPT_FAIL;
	int gzip_cut = code == CURLE_OK && t->gzip && (!t->gzip_started || !t->gzip_ended) && http != 304 && http < 300;
	if (t->gzip_started)
		inflateEnd(&t->z);

	if (t->bad_encoding) {
		result->status = EX_UNAVAILABLE;
		snprintf(result->reason, sizeof result->reason, "the server sent a content encoding other than gzip");
	} else if (t->gzip_failed || gzip_cut) {
		result->status = EX_TEMPFAIL;
		snprintf(result->reason, sizeof result->reason, "gzip body %s", t->gzip_failed ? "corrupt" : "cut short");
		verdict = ATTEMPT_RETRY;
	} else if (t->too_large || code == CURLE_FILESIZE_EXCEEDED) {
		result->status = EX_DATAERR;
		snprintf(result->reason, sizeof result->reason, "response larger than the limit of %lld bytes",
		         options->max_size);
	} else if (t->write_failed) {
		result->status = EX_IOERR;
		snprintf(result->reason, sizeof result->reason, "cannot write: %s", strerror(t->write_failed));
	} else if (code == CURLE_OK && is_http(url) && http == 304) {
		result->not_modified = 1;
		verdict = ATTEMPT_DONE;
	} else if (code == CURLE_OK && is_http(url) && (http < 200 || http > 299)) {
		snprintf(result->reason, sizeof result->reason, "HTTP %ld", http);
		if (http >= 500 || http == 429 || http == 408) {
			result->status = EX_TEMPFAIL;
			verdict = ATTEMPT_RETRY;
		} else {
			result->status = http == 401 || http == 403 ? EX_NOPERM
			               : http == 404 || http == 410 ? EX_NOINPUT : EX_UNAVAILABLE;
			if (http == 401)
				snprintf(result->reason, sizeof result->reason, "HTTP 401: not authorised (check the token)");
			else if (http == 404)
				snprintf(result->reason, sizeof result->reason, "HTTP 404: not found");
		}
	} else if (code == CURLE_OK) {
		verdict = ATTEMPT_DONE;
	} else {
		snprintf(result->reason, sizeof result->reason, "%s", curl_error[0] ? curl_error : curl_easy_strerror(code));
		switch (code) {
		case CURLE_OPERATION_TIMEDOUT:
		case CURLE_RECV_ERROR:
		case CURLE_SEND_ERROR:
		case CURLE_PARTIAL_FILE:
		case CURLE_GOT_NOTHING:
		case CURLE_BAD_CONTENT_ENCODING: /* a compressed body cut short */
		case CURLE_COULDNT_CONNECT:
		case CURLE_HTTP2:
		case CURLE_HTTP2_STREAM:
		case CURLE_COULDNT_RESOLVE_HOST: /* a resolver that hiccups at night, or ran out of memory */
			result->status = EX_TEMPFAIL;
			verdict = ATTEMPT_RETRY;
			break;
		case CURLE_OUT_OF_MEMORY:
			result->status = EX_OSERR;
			break;
		case CURLE_UNSUPPORTED_PROTOCOL:
			result->status = EX_UNAVAILABLE;
			snprintf(result->reason, sizeof result->reason, "refused: %s (only http and https redirects are followed)",
			         curl_error[0] ? curl_error : curl_easy_strerror(code));
			break;
		case CURLE_FILE_COULDNT_READ_FILE:
			result->status = EX_NOINPUT;
			break;
		case CURLE_TOO_MANY_REDIRECTS:
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CONNECT_ERROR:
		default:
			result->status = EX_UNAVAILABLE;
			break;
		}
	}
	return verdict;
}

static void sleep_seconds(double seconds)
{
	struct timespec delay = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
	while (nanosleep(&delay, &delay) < 0 && errno == EINTR)
		;
}

static double jitter(void)
{
	unsigned char byte = 0;
	if (RAND_bytes(&byte, 1) != 1)
		byte = (unsigned char)(time(NULL) & 0xff);
	return 1.0 + (double)byte / 510.0; /* 1.0 .. 1.5 */
}

/* The local path of a file:// URL must be a regular file: a directory reads as an empty body. */
static int check_file_url(const char *url, const char *label, char *error, size_t error_size)
{
	CURLU *parsed = curl_url();
	char *local = NULL;
	int status = 0;
	if (!parsed) {
		snprintf(error, error_size, "%s: out of memory", label);
		return EX_OSERR;
	}
	errno = 0;
	CURLUcode parse = curl_url_set(parsed, CURLUPART_URL, url, 0);
	if (parse == CURLUE_OK)
		parse = curl_url_get(parsed, CURLUPART_PATH, &local, CURLU_URLDECODE);
	if (parse == CURLUE_OUT_OF_MEMORY || (parse != CURLUE_OK && errno == ENOMEM)) {
		snprintf(error, error_size, "%s: out of memory", label);
		status = EX_OSERR;
	} else if (parse != CURLUE_OK) {
		snprintf(error, error_size, "%s: not a valid file:// URL", label);
		status = EX_USAGE;
	} else {
		struct stat st;
		if (stat(local, &st) < 0) {
			snprintf(error, error_size, "%s: %s", label, strerror(errno));
			status = EX_NOINPUT;
		} else if (!S_ISREG(st.st_mode)) {
			snprintf(error, error_size, "%s: not a regular file%s", label, S_ISDIR(st.st_mode) ? " (a directory)" : "");
			status = EX_NOINPUT;
		}
	}
	curl_free(local);
	curl_url_cleanup(parsed);
	return status;
}

int fetch_to_file(const char *url, const char *path, const char *label, const struct fetch_options *options,
                  enum fetch_outcome *outcome, char *error, size_t error_size)
{
	if (options->token) {
		for (const unsigned char *c = (const unsigned char *)options->token; *c; c++)
			if (*c < 0x21 || *c == 0x7f) {
				snprintf(error, error_size, "%s: the token holds a space or control character (a header could be "
				         "smuggled in with it): refused", label);
				return EX_CONFIG;
			}
		if (strncasecmp(url, "https://", 8) != 0 && !options->allow_http) {
			snprintf(error, error_size, "%s: a token is sent only over https; this URL would send it in clear "
			         "(--allow-http if that is really wanted)", label);
			return EX_CONFIG;
		}
	}
	if (strncasecmp(url, "file://", 7) == 0) {
		int status = check_file_url(url, label, error, error_size);
		if (status)
			return status;
	}
	static int curl_ready;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			snprintf(error, error_size, "%s: cannot initialise libcurl", label);
			return EX_SOFTWARE;
		}
		curl_ready = 1;
	}
	struct fetch_validators previous;
	if (validators_load(path, &previous) < 0) {
		snprintf(error, error_size, "%s: out of memory", label);
		return EX_OSERR;
	}
	struct attempt result;
	for (int attempt = 0;; attempt++) {
		memset(&result, 0, sizeof result);
		char temp[4200];
		snprintf(temp, sizeof temp, "%s.tmp.XXXXXX", path);
		int fd = mkstemp(temp);
		if (fd < 0) {
			snprintf(error, error_size, "%s: cannot create a temporary file beside %s: %s", label, path, strerror(errno));
			return EX_CANTCREAT;
		}
		errno = 0;
		struct transfer t = {.fd = fd, .max_size = options->max_size, .digest = EVP_MD_CTX_new()};
		if (!t.digest || !EVP_DigestInit_ex(t.digest, EVP_sha256(), NULL)) {
			int out_of_memory = !t.digest || errno == ENOMEM;
			close(fd);
			unlink(temp);
			EVP_MD_CTX_free(t.digest);
			snprintf(error, error_size, "%s: cannot start sha256%s", label, out_of_memory ? ": out of memory" : "");
			return out_of_memory ? EX_OSERR : EX_SOFTWARE;
		}
		enum attempt_result verdict = attempt_once(url, options, &previous, &t, &result);
		unsigned char digest[EVP_MAX_MD_SIZE];
		unsigned digest_length = 0;
		EVP_DigestFinal_ex(t.digest, digest, &digest_length);
		EVP_MD_CTX_free(t.digest);
		for (unsigned i = 0; i < 32 && i < digest_length; i++)
			sprintf(t.received.sha256 + 2 * i, "%02x", digest[i]);

		if (verdict == ATTEMPT_DONE) {
			/* A 304 has no body; an identical body is no change either. */
			int unchanged = result.not_modified || (previous.sha256[0] && access(path, F_OK) == 0 &&
			                                        strcmp(t.received.sha256, previous.sha256) == 0);
			if (unchanged) {
				close(fd);
				unlink(temp);
				*outcome = FETCH_UNCHANGED;
				return 0;
			}
			int ok = fsync(fd) == 0;
			ok = close(fd) == 0 && ok;
			if (!ok || rename(temp, path) < 0 || fsync_folder(path) < 0) {
				int saved = errno;
				unlink(temp);
				snprintf(error, error_size, "%s: cannot write %s: %s", label, path, strerror(saved));
				return EX_IOERR;
			}
			if (validators_save(path, &t.received, t.bytes) < 0) {
				/* The old .meta would describe another body: better none (the next fetch is then
				 * merely unconditional), and the run says what happened. */
				int saved = errno;
				char meta[4096];
				meta_path(path, meta, sizeof meta);
				unlink(meta);
				snprintf(error, error_size, "%s: %s written, but not its .meta: %s", label, path, strerror(saved));
				return saved == ENOMEM ? EX_OSERR : EX_IOERR;
			}
			*outcome = FETCH_WRITTEN;
			return 0;
		}
		close(fd);
		unlink(temp);
		if (verdict == ATTEMPT_FAIL || attempt >= options->retries) {
			snprintf(error, error_size, "%s: %s", label, result.reason);
			if (verdict == ATTEMPT_RETRY) {
				size_t used = strlen(error);
				snprintf(error + used, error_size - used, " (gave up after %d attempts)", attempt + 1);
			}
			return result.status ? result.status : EX_UNAVAILABLE;
		}
		double delay = options->backoff * (double)(1L << (attempt < 20 ? attempt : 20)) * jitter();
		if (delay > 60.0)
			delay = 60.0;
		if (result.retry_after > 0)
			delay = (double)result.retry_after > options->max_retry_after ? options->max_retry_after
			                                                              : (double)result.retry_after;
		fprintf(stderr, "ifs-fetch: %s: %s; retrying in %.1f s (attempt %d of %d)\n", label, result.reason, delay,
		        attempt + 2, options->retries + 1);
		sleep_seconds(delay);
	}
}

char *fetch_read_token_file(const char *path, char *error, size_t error_size)
{
	/* O_NONBLOCK: opening a FIFO would otherwise wait for a writer for ever. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(error, error_size, "%s: cannot read token file: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(error, error_size, "%s: the token file must be a regular file", path);
		close(fd);
		return NULL;
	}
	if (st.st_mode & 077) {
		snprintf(error, error_size, "%s is readable by group or others (mode %04o); run chmod 600 %s", path,
		         (unsigned)(st.st_mode & 07777), path);
		close(fd);
		return NULL;
	}
	char *token = calloc(1, 8192);
	ssize_t n = token ? read(fd, token, 8191) : -1;
	close(fd);
	if (n <= 0) {
		snprintf(error, error_size, "%s: empty or unreadable token file", path);
		free(token);
		return NULL;
	}
	while (n > 0 && isspace((unsigned char)token[n - 1]))
		token[--n] = '\0';
	if (strpbrk(token, "\r\n")) {
		snprintf(error, error_size, "%s: the token must be one line", path);
		OPENSSL_cleanse(token, 8192);
		free(token);
		return NULL;
	}
	return token;
}

/* ---- config ------------------------------------------------------------------ */

/* A text that goes into file names, command lines and the nightly's source list:
 * no control characters (a newline or a unit separator there would start a new
 * source in the list the nightly reads). */
static int has_control_character(const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return 1;
	return 0;
}

/*
 * An optional string field: NULL when absent.  -1 with a reason when it is
 * present but not a non-empty string without control characters, or when
 * copying it runs out of memory.
 */
static int string_field(const cJSON *object, const char *key, char **out, const char *where, char *error,
                        size_t error_size)
{
	*out = NULL;
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
	if (!item)
		return 0;
	if (!cJSON_IsString(item) || !item->valuestring[0]) {
		snprintf(error, error_size, "%s: \"%s\" must be a non-empty string", where, key);
		return -1;
	}
	if (has_control_character(item->valuestring)) {
		snprintf(error, error_size, "%s: \"%s\" holds a control character (a newline, tab or the like)", where, key);
		return -1;
	}
	if (!(*out = strdup(item->valuestring))) {
		snprintf(error, error_size, "%s: out of memory", where);
		return -1;
	}
	return 0;
}

/* Every member of object is one of keys: 0, or -1 with a reason. */
static int known_keys(const cJSON *object, const char *const *keys, size_t key_count, const char *where,
                      const char *expected, char *error, size_t error_size)
{
	const cJSON *item;
	cJSON_ArrayForEach(item, object)
	{
		int known = 0;
		for (size_t k = 0; k < key_count; k++)
			known |= strcmp(item->string, keys[k]) == 0;
		if (!known) {
			snprintf(error, error_size, "%s: unknown key \"%s\" (expected %s)", where, item->string, expected);
			return -1;
		}
	}
	return 0;
}

#define CONFIG_MAX_BYTES (1 << 20)

static int load_source(const cJSON *source, size_t number, struct fetch_source *s, const char *path, char *error,
                       size_t error_size)
{
	static const char *const source_keys[] = {"name", "url", "kind", "insats", "group", "forbund", "auth", "ca_file"};
	static const char *const auth_keys[] = {"token_file", "token_env"};
	char where[4200];
	snprintf(where, sizeof where, "%s: source %zu", path, number);
	if (!cJSON_IsObject(source)) {
		snprintf(error, error_size, "%s: not an object", where);
		return -1;
	}
	if (known_keys(source, source_keys, sizeof source_keys / sizeof *source_keys, where,
	               "name, url, kind, insats, group, forbund, auth, ca_file", error, error_size) < 0)
		return -1;
	const cJSON *auth = cJSON_GetObjectItemCaseSensitive(source, "auth");
	if (auth && !cJSON_IsObject(auth)) {
		snprintf(error, error_size, "%s: \"auth\" must be an object with token_file or token_env", where);
		return -1;
	}
	if (auth && known_keys(auth, auth_keys, 2, where, "token_file, token_env in auth", error, error_size) < 0)
		return -1;
	if (string_field(source, "name", &s->name, where, error, error_size) < 0 ||
	    string_field(source, "url", &s->url, where, error, error_size) < 0 ||
	    string_field(source, "kind", &s->kind, where, error, error_size) < 0 ||
	    string_field(source, "insats", &s->insats, where, error, error_size) < 0 ||
	    string_field(source, "group", &s->group, where, error, error_size) < 0 ||
	    string_field(source, "forbund", &s->forbund, where, error, error_size) < 0 ||
	    string_field(source, "ca_file", &s->ca_file, where, error, error_size) < 0 ||
	    string_field(auth, "token_file", &s->token_file, where, error, error_size) < 0 ||
	    string_field(auth, "token_env", &s->token_env, where, error, error_size) < 0)
		return -1;
	if (!s->name || strspn(s->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
	                    strlen(s->name) || s->name[0] == '.') {
		snprintf(error, error_size, "%s: \"name\" must be letters, digits, '-', '_' or '.'", where);
		return -1;
	}
	if (!s->url) {
		snprintf(error, error_size, "%s: source \"%s\": no \"url\"", path, s->name);
		return -1;
	}
	if (strncasecmp(s->url, "https://", 8) != 0 && strncasecmp(s->url, "http://", 7) != 0 &&
	    strncasecmp(s->url, "file://", 7) != 0) {
		/* said now, not tonight at fetch time in curl's words */
		snprintf(error, error_size, "%s: source \"%s\": \"url\" must begin with https://, http:// or file:// (a file "
		         "on this machine: file:///srv/export.csv)", path, s->name);
		return -1;
	}
	if (!s->kind || (strcmp(s->kind, "survey") != 0 && strcmp(s->kind, "health") != 0 &&
	                 strcmp(s->kind, "participants") != 0)) {
		snprintf(error, error_size, "%s: source \"%s\": \"kind\" must be \"survey\", \"health\" or \"participants\"",
		         path, s->name);
		return -1;
	}
	return 0;
}

int fetch_config_load(const char *path, struct fetch_config *config, char *error, size_t error_size)
{
	memset(config, 0, sizeof *config);
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(error, error_size, "%s: cannot open: %s", path, strerror(errno));
		return EX_NOINPUT;
	}
	char *text = malloc(CONFIG_MAX_BYTES + 1);
	size_t n = text ? fread(text, 1, CONFIG_MAX_BYTES + 1, f) : 0;
	int read_failed = ferror(f);
	fclose(f);
	if (!text) {
		snprintf(error, error_size, "%s: out of memory", path);
		return EX_OSERR;
	}
	if (read_failed || n > CONFIG_MAX_BYTES) {
		snprintf(error, error_size, read_failed ? "%s: cannot read" : "%s: larger than 1 MiB: not a sources config",
		         path);
		free(text);
		return EX_DATAERR;
	}
	text[n] = '\0';
	json_memory_watch();
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
	free(text);
	if (!root && json_memory_failed()) {
		snprintf(error, error_size, "%s: out of memory", path);
		return EX_OSERR;
	}
	const char *duplicate = root ? json_duplicate_key(root) : NULL;
	if (!cJSON_IsObject(root) || duplicate) {
		if (duplicate)
			snprintf(error, error_size, "%s: key \"%s\" given twice in one object", path, duplicate);
		else
			snprintf(error, error_size, "%s: not a JSON object (or text after it)", path);
		cJSON_Delete(root);
		return EX_DATAERR;
	}
	static const char *const top_keys[] = {"dir", "sources"};
	int status = 0;
	const cJSON *sources = cJSON_GetObjectItemCaseSensitive(root, "sources");
	int count = cJSON_IsArray(sources) ? cJSON_GetArraySize(sources) : 0;
	if (known_keys(root, top_keys, 2, path, "dir, sources", error, error_size) < 0 ||
	    string_field(root, "dir", &config->dir, path, error, error_size) < 0) {
		status = EX_DATAERR;
	} else if (count <= 0) {
		snprintf(error, error_size, "%s: \"sources\" must be a non-empty array", path);
		status = EX_DATAERR;
	} else if (!(config->sources = calloc((size_t)count, sizeof *config->sources))) {
		snprintf(error, error_size, "%s: out of memory", path);
		status = EX_OSERR;
	}
	const cJSON *source;
	if (!status)
		cJSON_ArrayForEach(source, sources)
		{
			struct fetch_source *s = &config->sources[config->count++];
			if (load_source(source, config->count, s, path, error, error_size) < 0) {
				status = strstr(error, "out of memory") ? EX_OSERR : EX_DATAERR;
				break;
			}
			for (size_t other = 0; other + 1 < config->count; other++)
				if (strcmp(config->sources[other].name, s->name) == 0) {
					snprintf(error, error_size, "%s: source \"%s\" listed twice", path, s->name);
					status = EX_DATAERR;
				}
			if (status)
				break;
		}
	cJSON_Delete(root);
	if (status)
		fetch_config_free(config);
	return status;
}

void fetch_config_free(struct fetch_config *config)
{
	for (size_t i = 0; i < config->count; i++) {
		struct fetch_source *s = &config->sources[i];
		free(s->name), free(s->url), free(s->kind), free(s->insats), free(s->group);
		free(s->forbund), free(s->token_file), free(s->token_env), free(s->ca_file);
	}
	free(config->sources);
	free(config->dir);
	memset(config, 0, sizeof *config);
}
