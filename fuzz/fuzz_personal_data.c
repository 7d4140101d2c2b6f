/* libFuzzer harness: the personnummer scrubber on any bytes — never a crash, never an
 * output that still holds a personnummer-shaped text, never a cut inside a character. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "personal_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char out[512], quoted[4 * 40 + 16];
	size_t length = personal_data_scrub(text, size, out, sizeof out);
	if (length >= sizeof out || out[length] != '\0')
		abort();
	/* Scrubbing what was scrubbed changes nothing: no number was left behind. */
	if (personal_data_present(out, length) && memchr(out, '\0', length) == NULL)
		abort();
	personal_data_quote(text, size, 40, quoted, sizeof quoted);
	if (personal_data_present(quoted, strlen(quoted)))
		abort();
	return 0;
}
