#include "string_pool.h"

#include <stdlib.h>
#include <string.h>

/* Open addressing over a word-at-a-time multiplicative hash; the strings themselves live in separately
 * allocated copies so returned pointers never move when the table grows. */
struct string_pool {
	char **strings;
	size_t *lengths;
	uint32_t count, capacity;
	uint32_t *slots; /* id + 1, 0 = empty */
	uint32_t slot_count;
};

/* Eight bytes per step: answer labels are hashed once per answer, so this is hot. */
static uint32_t hash_bytes(const char *bytes, size_t length)
{
	uint64_t hash = 0x9E3779B97F4A7C15u ^ length;
	size_t i = 0;
	for (; i + 8 <= length; i += 8) {
		uint64_t word;
		memcpy(&word, bytes + i, 8);
		hash = (hash ^ word) * 0xFF51AFD7ED558CCDu;
		hash ^= hash >> 32;
	}
	uint64_t tail = 0;
	memcpy(&tail, bytes + i, length - i);
	hash = (hash ^ tail) * 0xC4CEB9FE1A85EC53u;
	hash ^= hash >> 29;
	return (uint32_t)hash;
}

struct string_pool *string_pool_new(void)
{
	struct string_pool *pool = calloc(1, sizeof *pool);
	if (!pool)
		return NULL;
	if (string_pool_intern(pool, "", 0) != 0) {
		string_pool_free(pool);
		return NULL;
	}
	return pool;
}

void string_pool_free(struct string_pool *pool)
{
	if (!pool)
		return;
	for (uint32_t i = 0; i < pool->count; i++)
		free(pool->strings[i]);
	free(pool->strings);
	free(pool->lengths);
	free(pool->slots);
	free(pool);
}

static uint32_t *find_slot(const struct string_pool *pool, const char *bytes, size_t length)
{
	if (pool->slot_count == 0)
		return NULL;
	uint32_t mask = pool->slot_count - 1;
	for (uint32_t i = hash_bytes(bytes, length) & mask;; i = (i + 1) & mask) {
		uint32_t *slot = &pool->slots[i];
		if (*slot == 0)
			return slot;
		uint32_t id = *slot - 1;
		if (pool->lengths[id] == length && memcmp(pool->strings[id], bytes, length) == 0)
			return slot;
	}
}

static int grow_slots(struct string_pool *pool)
{
	uint32_t new_count = pool->slot_count ? pool->slot_count * 2 : 64;
	uint32_t *slots = calloc(new_count, sizeof *slots);
	if (!slots)
		return -1;
	free(pool->slots);
	pool->slots = slots;
	pool->slot_count = new_count;
	for (uint32_t id = 0; id < pool->count; id++)
		*find_slot(pool, pool->strings[id], pool->lengths[id]) = id + 1;
	return 0;
}

uint32_t string_pool_intern(struct string_pool *pool, const char *bytes, size_t length)
{
	if ((uint64_t)(pool->count + 1) * 2 > pool->slot_count && grow_slots(pool) < 0)
		return UINT32_MAX;
	uint32_t *slot = find_slot(pool, bytes, length);
	if (*slot)
		return *slot - 1;
	if (pool->count == pool->capacity) {
		uint32_t capacity = pool->capacity ? pool->capacity * 2 : 32;
		char **strings = realloc(pool->strings, capacity * sizeof *strings);
		if (!strings)
			return UINT32_MAX;
		pool->strings = strings;
		size_t *lengths = realloc(pool->lengths, capacity * sizeof *lengths);
		if (!lengths)
			return UINT32_MAX;
		pool->lengths = lengths;
		pool->capacity = capacity;
	}
	char *copy = malloc(length + 1);
	if (!copy)
		return UINT32_MAX;
	memcpy(copy, bytes, length);
	copy[length] = '\0';
	uint32_t id = pool->count++;
	pool->strings[id] = copy;
	pool->lengths[id] = length;
	*slot = id + 1;
	return id;
}

uint32_t string_pool_find(const struct string_pool *pool, const char *bytes, size_t length)
{
	uint32_t *slot = find_slot(pool, bytes, length);
	return slot && *slot ? *slot - 1 : UINT32_MAX;
}

const char *string_pool_get(const struct string_pool *pool, uint32_t id)
{
	return id < pool->count ? pool->strings[id] : NULL;
}

size_t string_pool_length(const struct string_pool *pool, uint32_t id)
{
	return id < pool->count ? pool->lengths[id] : 0;
}

uint32_t string_pool_count(const struct string_pool *pool) { return pool->count; }
