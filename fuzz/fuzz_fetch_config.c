/* libFuzzer harness: the sources config ifs-fetch and the nightly read (any bytes, as a
 * file), a .meta file's validators, and response header lines — never a crash, a
 * leak or a control character let through into what goes back to a server. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void no_control_characters(const char *text)
{
	for (; *text; text++)
		if (((unsigned char)*text < 0x20 && *text != '\t') || *text == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	if (!path[0])
		snprintf(path, sizeof path, "/tmp/fuzz-sources-%ld.json", (long)getpid());
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	struct fetch_config config;
	char error[512];
	if (fetch_config_load(path, &config, error, sizeof error) == 0) {
		for (size_t i = 0; i < config.count; i++) {
			const struct fetch_source *s = &config.sources[i];
			if (!s->name || !s->url || !s->kind)
				abort();
			const char *fields[] = {s->name, s->url, s->kind, s->insats, s->group, s->forbund, s->token_file,
			                        s->token_env, s->ca_file};
			for (size_t k = 0; k < sizeof fields / sizeof *fields; k++)
				if (fields[k])
					no_control_characters(fields[k]);
		}
		fetch_config_free(&config);
	}
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct fetch_validators validators;
	if (fetch_validators_parse(text, &validators) == 0) {
		no_control_characters(validators.etag);
		no_control_characters(validators.last_modified);
		no_control_characters(validators.sha256);
	}
	char value[256];
	fetch_header_parse(text, size, value, sizeof value);
	no_control_characters(value);
	free(text);
	return 0;
}
