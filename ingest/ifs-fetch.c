/* ifs-fetch — survey exports over HTTP(S) or file://, written atomically. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "fetch.h"
#include "pseudonym.h"

static const char usage_text[] =
	"usage: ifs-fetch [options] -o FILE URL\n"
	"       ifs-fetch [options] --config SOURCES.json [--dir DIR] [--only NAME]\n"
	"       ifs-fetch --config SOURCES.json [--dir DIR] --list\n"
	"Fetches exports over http, https or file:// and writes them atomically: the target\n"
	"is the old file or the whole new one, never partial.  Validators (ETag,\n"
	"Last-Modified) and the sha256 are kept in FILE.meta; the next fetch is conditional\n"
	"and an unchanged export leaves FILE untouched.  Config mode prints the paths of\n"
	"the files newly written, one per line.\n"
	"  -o, --output FILE        where single-URL mode writes\n"
	"      --config FILE        sources (JSON: dir, sources[name, url, kind, insats,\n"
	"                           group, forbund, auth{token_file|token_env}, ca_file])\n"
	"      --dir DIR            folder for config mode (default: the config's \"dir\")\n"
	"      --only NAME          fetch one source of the config\n"
	"      --list               print the sources as TSV: name kind insats group forbund path\n"
	"      --token-file FILE    bearer token from a file (mode 0600)\n"
	"      --token-env VAR      bearer token from an environment variable\n"
	"      --cacert FILE        CA bundle for HTTPS (verification is always on)\n"
	"      --allow-http         send the token over plain http, and follow redirects\n"
	"                           from https to http (both refused without it)\n"
	"      --connect-timeout S  (default 30)   --max-time S  per attempt (default 900)\n"
	"      --low-speed-time S   give up after S seconds below 1 byte/s (default 60)\n"
	"      --retries N          further attempts on 5xx, 429, timeouts, unresolved\n"
	"                           host names, dropped connections (default 4)\n"
	"      --backoff S          first retry delay, doubled each time, with jitter (default 2)\n"
	"      --max-retry-after S  longest Retry-After honoured (default 300)\n"
	"      --max-size BYTES     largest export accepted (default 1073741824)\n"
	"  -h, --help   --version\n"
	"Exit: 0 fetched or unchanged; 64 usage; 65 bad response (too large, bad config);\n"
	"66 not found; 69 unavailable or refused; 73/74 cannot write; 75 temporary failure\n"
	"after retries (5xx, 429, timeout, dropped); 77 not authorised or unsafe token file;\n"
	"78 a token that must not be sent (control characters, or plain http).\n";

static int parse_number(const char *text, double *out)
{
	char *end;
	errno = 0;
	double value = strtod(text, &end);
	/* inf and nan parse as numbers, and 1e300 overflows every integer option. */
	if (errno || end == text || *end || !(value >= 0) || value > 1e15)
		return -1;
	*out = value;
	return 0;
}

/* The token comes from a file or the environment, never from the command line. */
static char *load_token(const char *token_file, const char *token_env, const char *label, int *status)
{
	char error[1024] = "";
	if (token_file) {
		char *token = fetch_read_token_file(token_file, error, sizeof error);
		if (!token) {
			diag_error("%s: %s", label, error);
			*status = EX_NOPERM;
		}
		return token;
	}
	if (token_env) {
		const char *value = getenv(token_env);
		if (!value || !*value) {
			diag_error("%s: environment variable %s is not set", label, token_env);
			*status = EX_CONFIG;
			return NULL;
		}
		char *token = strdup(value);
		if (!token) {
			diag_error("out of memory");
			*status = EX_OSERR;
		}
		return token;
	}
	return NULL;
}

static int worse(int current, int status)
{
	/* A temporary failure is the least severe: cron may simply try again. */
	if (!current)
		return status;
	if (current == EX_TEMPFAIL && status)
		return status;
	return current;
}

int main(int argc, char **argv)
{
	enum { OPT_CONFIG = 256, OPT_DIR, OPT_ONLY, OPT_LIST, OPT_TOKEN_FILE, OPT_TOKEN_ENV, OPT_CACERT,
	       OPT_CONNECT, OPT_MAXTIME, OPT_LOWSPEED, OPT_RETRIES, OPT_BACKOFF, OPT_RETRY_AFTER, OPT_MAXSIZE, OPT_ALLOW_HTTP,
	       OPT_VERSION };
	static const struct option long_options[] = {
		{"output", required_argument, NULL, 'o'}, {"config", required_argument, NULL, OPT_CONFIG},
		{"dir", required_argument, NULL, OPT_DIR}, {"only", required_argument, NULL, OPT_ONLY},
		{"list", no_argument, NULL, OPT_LIST}, {"token-file", required_argument, NULL, OPT_TOKEN_FILE},
		{"token-env", required_argument, NULL, OPT_TOKEN_ENV}, {"cacert", required_argument, NULL, OPT_CACERT},
		{"connect-timeout", required_argument, NULL, OPT_CONNECT},
		{"max-time", required_argument, NULL, OPT_MAXTIME},
		{"low-speed-time", required_argument, NULL, OPT_LOWSPEED},
		{"retries", required_argument, NULL, OPT_RETRIES}, {"backoff", required_argument, NULL, OPT_BACKOFF},
		{"max-retry-after", required_argument, NULL, OPT_RETRY_AFTER},
		{"max-size", required_argument, NULL, OPT_MAXSIZE}, {"help", no_argument, NULL, 'h'},
		{"allow-http", no_argument, NULL, OPT_ALLOW_HTTP},
		{"version", no_argument, NULL, OPT_VERSION}, {0, 0, 0, 0},
	};
	struct fetch_options options;
	fetch_options_default(&options);
	const char *output = NULL, *config_path = NULL, *dir = NULL, *only = NULL;
	const char *token_file = NULL, *token_env = NULL;
	int list = 0, option;
	double number;
	diag_set_program(argv[0]);
	diag_private_files(0);
	while ((option = getopt_long(argc, argv, "o:h", long_options, NULL)) != -1) {
		int bad_number = 0;
		switch (option) {
		case 'o': output = optarg; break;
		case OPT_CONFIG: config_path = optarg; break;
		case OPT_DIR: dir = optarg; break;
		case OPT_ONLY: only = optarg; break;
		case OPT_LIST: list = 1; break;
		case OPT_TOKEN_FILE: token_file = optarg; break;
		case OPT_TOKEN_ENV: token_env = optarg; break;
		case OPT_CACERT: options.ca_file = optarg; break;
		case OPT_ALLOW_HTTP: options.allow_http = 1; break;
		case OPT_CONNECT: bad_number = parse_number(optarg, &number) < 0; options.connect_timeout = (long)number; break;
		case OPT_MAXTIME: bad_number = parse_number(optarg, &number) < 0; options.max_time = (long)number; break;
		case OPT_LOWSPEED: bad_number = parse_number(optarg, &number) < 0; options.low_speed_time = (long)number; break;
		case OPT_RETRIES: bad_number = parse_number(optarg, &number) < 0 || number > 20; options.retries = (int)number; break;
		case OPT_BACKOFF: bad_number = parse_number(optarg, &number) < 0; options.backoff = number; break;
		case OPT_RETRY_AFTER: bad_number = parse_number(optarg, &number) < 0; options.max_retry_after = number; break;
		case OPT_MAXSIZE: bad_number = parse_number(optarg, &number) < 0 || number < 1; options.max_size = (long long)number; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case OPT_VERSION: printf("ifs-fetch %s\n", IFS_VERSION); return 0;
		default: fputs(usage_text, stderr); return EX_USAGE;
		}
		if (bad_number) {
			diag_error("%s: not a valid number", argv[optind - 1]);
			return EX_USAGE;
		}
	}
	if (crypto_start() < 0) {
		diag_error("cannot start OpenSSL (out of memory?)");
		return EX_OSERR;
	}
	char error[2048] = "";
	if (!config_path) {
		if (!output || optind != argc - 1) {
			diag_error(output ? "give exactly one URL" : "give -o FILE and a URL, or --config FILE");
			fputs(usage_text, stderr);
			return EX_USAGE;
		}
		const char *url = argv[optind];
		char label[1024];
		fetch_redact_url(url, label, sizeof label);
		int status = 0;
		char *token = load_token(token_file, token_env, label, &status);
		if (status)
			return status;
		options.token = token;
		enum fetch_outcome outcome;
		status = fetch_to_file(url, output, label, &options, &outcome, error, sizeof error);
		free(token);
		if (status) {
			diag_error("%s", error);
			return status;
		}
		return 0;
	}
	if (output || optind != argc) {
		diag_error("config mode takes no -o and no URL");
		return EX_USAGE;
	}
	struct fetch_config config;
	int status = fetch_config_load(config_path, &config, error, sizeof error);
	if (status) {
		diag_error("%s", error);
		return status;
	}
	if (!dir)
		dir = config.dir;
	if (!dir) {
		diag_error("%s: no \"dir\" in the config and no --dir", config_path);
		fetch_config_free(&config);
		return EX_USAGE;
	}
	if (!list)
		mkdir(dir, 0700); /* an existing folder is fine; a failure shows when writing */
	int found = only == NULL;
	for (size_t i = 0; i < config.count; i++) {
		const struct fetch_source *source = &config.sources[i];
		if (only && strcmp(only, source->name) != 0)
			continue;
		found = 1;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s.export", dir, source->name);
		if (list) {
			printf("%s\t%s\t%s\t%s\t%s\t%s\n", source->name, source->kind, source->insats ? source->insats : "",
			       source->group ? source->group : "", source->forbund ? source->forbund : "", path);
			continue;
		}
		int source_status = 0;
		char *token = load_token(source->token_file ? source->token_file : token_file,
		                         source->token_env ? source->token_env : token_env, source->name, &source_status);
		if (source_status) {
			status = worse(status, source_status);
			continue;
		}
		struct fetch_options source_options = options;
		source_options.token = token;
		if (source->ca_file)
			source_options.ca_file = source->ca_file;
		enum fetch_outcome outcome;
		source_status = fetch_to_file(source->url, path, source->name, &source_options, &outcome, error, sizeof error);
		free(token);
		if (source_status) {
			diag_error("%s", error);
			status = worse(status, source_status);
		} else if (outcome == FETCH_WRITTEN) {
			printf("%s\n", path);
			fflush(stdout);
		}
	}
	fetch_config_free(&config);
	if (!found) {
		diag_error("%s: no source named \"%s\"", config_path, only);
		return EX_USAGE;
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		diag_error("write error on standard output");
		return EX_IOERR;
	}
	return status;
}
