#include "answer_set.h"

#include <stdlib.h>
#include <string.h>

/* Open addressing, linear probing, at most half full. */
struct answer_set {
	struct answer_record *slots;
	uint8_t *used;
	size_t capacity, count;
};

struct answer_set *answer_set_new(void) { return calloc(1, sizeof(struct answer_set)); }

void answer_set_free(struct answer_set *set)
{
	if (!set)
		return;
	free(set->slots);
	free(set->used);
	free(set);
}

void answer_set_clear(struct answer_set *set)
{
	if (set->used)
		memset(set->used, 0, set->capacity);
	set->count = 0;
}

uint64_t answer_set_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

static uint64_t key_hash(const struct answer_record *a)
{
	return answer_set_mix(a->respondent ^
	                      answer_set_mix(((uint64_t)a->insats << 32) ^ ((uint64_t)a->question << 8) ^ a->group));
}

static int same_key(const struct answer_record *a, const struct answer_record *b)
{
	return a->respondent == b->respondent && a->insats == b->insats && a->question == b->question &&
	       a->group == b->group;
}

static size_t find_slot(const struct answer_set *set, const struct answer_record *a)
{
	size_t mask = set->capacity - 1, at = (size_t)key_hash(a) & mask;
	while (set->used[at] && !same_key(&set->slots[at], a))
		at = (at + 1) & mask;
	return at;
}

void answer_set_prefetch(const struct answer_set *set, const struct answer_record *key)
{
	if (!set->capacity)
		return;
	size_t at = (size_t)key_hash(key) & (set->capacity - 1);
	__builtin_prefetch(&set->used[at]);
	__builtin_prefetch(&set->slots[at]);
}

size_t answer_set_memory_for(size_t count)
{
	size_t capacity = 1024; /* as grow() makes them: at most half full */
	while ((count + 1) * 2 > capacity)
		capacity *= 2;
	/* the old table and the new one at once, when the last grow() copies */
	return (capacity + capacity / 2) * (sizeof(struct answer_record) + 1);
}

static int grow(struct answer_set *set)
{
	size_t capacity = set->capacity ? set->capacity * 2 : 1024;
	struct answer_set bigger = {calloc(capacity, sizeof *bigger.slots), calloc(capacity, 1), capacity, 0};
	if (!bigger.slots || !bigger.used) {
		free(bigger.slots);
		free(bigger.used);
		return -1;
	}
	for (size_t i = 0; i < set->capacity; i++)
		if (set->used[i]) {
			/* a slot of a large table is a cache miss: ask for the one a few entries on */
			if (i + 8 < set->capacity && set->used[i + 8])
				answer_set_prefetch(&bigger, &set->slots[i + 8]);
			size_t at = find_slot(&bigger, &set->slots[i]);
			bigger.slots[at] = set->slots[i];
			bigger.used[at] = 1;
			bigger.count++;
		}
	free(set->slots);
	free(set->used);
	*set = bigger;
	return 0;
}

int answer_set_offer(struct answer_set *set, const struct answer_record *answer)
{
	struct answer_record before;
	return answer_set_offer_seen(set, answer, &before);
}

int answer_set_offer_seen(struct answer_set *set, const struct answer_record *answer, struct answer_record *before)
{
	if ((set->count + 1) * 2 > set->capacity && grow(set) < 0)
		return -1;
	size_t at = find_slot(set, answer);
	if (!set->used[at]) {
		set->slots[at] = *answer;
		set->used[at] = 1;
		set->count++;
		return ANSWER_NEW;
	}
	struct answer_record *kept = &set->slots[at];
	*before = *kept;
	if (kept->level == answer->level && kept->date == answer->date && kept->forbund == answer->forbund &&
	    kept->gender == answer->gender && kept->scale_max == answer->scale_max)
		return ANSWER_IDENTICAL;
	if (answer->date >= kept->date) {
		*kept = *answer;
		return ANSWER_REPLACED;
	}
	return ANSWER_OUTDATED;
}

size_t answer_set_slots(const struct answer_set *set) { return set->capacity; }

const struct answer_record *answer_set_slot(const struct answer_set *set, size_t slot)
{
	return slot < set->capacity && set->used[slot] ? &set->slots[slot] : NULL;
}

size_t answer_set_count(const struct answer_set *set) { return set->count; }
