#include "place_names.h"

#include <stdlib.h>
#include <string.h>

#include "text_fold.h"

uint32_t *place_names_slot(struct place_names *names, const char *name)
{
	char folded[1024];
	size_t length = text_fold(name, strlen(name), folded, sizeof folded);
	if (!names->folded && !(names->folded = string_pool_new()))
		return NULL;
	uint32_t id = string_pool_intern(names->folded, folded, length);
	if (id == UINT32_MAX)
		return NULL;
	if (id >= names->slot_count) {
		uint32_t *grown = realloc(names->slots, ((size_t)id + 1) * sizeof *grown);
		if (!grown)
			return NULL;
		names->slots = grown;
		for (uint32_t i = names->slot_count; i <= id; i++)
			grown[i] = PLACE_NAMES_NONE;
		names->slot_count = id + 1;
	}
	return &names->slots[id];
}

void place_names_clear(struct place_names *names)
{
	string_pool_free(names->folded);
	free(names->slots);
	memset(names, 0, sizeof *names);
}
