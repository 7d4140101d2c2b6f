/* libFuzzer harness: any bytes as ifs-shares JSON, rendered as Markdown and HTML —
 * must never crash or read out of bounds, whatever fields are missing or mistyped. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), error[512];
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	FILE *sink = fopen("/dev/null", "w");
	if (sink) {
		report_render(sink, text, "fuzz", REPORT_MARKDOWN, error, sizeof error);
		report_render(sink, text, "fuzz", REPORT_HTML, error, sizeof error);
		fclose(sink);
	}
	free(text);
	return 0;
}
