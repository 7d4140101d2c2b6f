#include "json_memory.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static int hooks_installed;
static int allocation_failed;

static void *watched_malloc(size_t size)
{
	void *memory = malloc(size);
	if (!memory)
		allocation_failed = 1;
	return memory;
}

void json_memory_watch(void)
{
	if (!hooks_installed) {
		cJSON_Hooks hooks = {watched_malloc, free};
		cJSON_InitHooks(&hooks);
		hooks_installed = 1;
	}
	allocation_failed = 0;
}

int json_memory_failed(void) { return allocation_failed; }

const char *json_duplicate_key(const cJSON *node)
{
	for (const cJSON *child = node ? node->child : NULL; child; child = child->next) {
		if (cJSON_IsObject(node) && child->string)
			for (const cJSON *later = child->next; later; later = later->next)
				if (later->string && strcmp(later->string, child->string) == 0)
					return child->string;
		const char *inner = json_duplicate_key(child);
		if (inner)
			return inner;
	}
	return NULL;
}
