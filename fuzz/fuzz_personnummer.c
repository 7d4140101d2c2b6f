/* libFuzzer harness: any text as an identifier, normalised at any reference date —
 * must never crash, and a valid result is always twelve digits that normalise to
 * themselves. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "personnummer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t reference = 20220615;
	if (size >= 4) {
		memcpy(&reference, data, 4);
		reference %= 30000000;
		data += 4, size -= 4;
	}
	char out[13], again[13];
	if (personnummer_normalise((const char *)data, size, reference, out) == PERSONNUMMER_VALID) {
		if (strlen(out) != 12 || strspn(out, "0123456789") != 12)
			abort();
		if (personnummer_normalise(out, 12, reference, again) != PERSONNUMMER_VALID || memcmp(out, again, 13) != 0)
			abort();
	}
	return 0;
}
