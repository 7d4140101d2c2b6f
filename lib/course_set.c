/*
 * course_set.c — courses keyed by participant, insats and start date, in an
 * open-addressed table of indexes into the list of kept courses.
 */
#include "course_set.h"

#include <stdlib.h>
#include <string.h>

#include "text_fold.h"

struct course_set {
	struct course_record *courses;
	uint32_t *insats_keys; /* per kept course: its insats's index in names */
	size_t count, capacity;
	char **names; /* the insatser met, folded: "Enter" and "ENTER" are one */
	size_t name_count;
	uint32_t *slots; /* index + 1 into courses; 0: empty */
	size_t slot_count; /* a power of two, at most half full */
};

struct course_set *course_set_new(void) { return calloc(1, sizeof(struct course_set)); }

void course_set_free(struct course_set *set)
{
	if (!set)
		return;
	free(set->courses);
	free(set->insats_keys);
	free(set->slots);
	for (size_t i = 0; i < set->name_count; i++)
		free(set->names[i]);
	free(set->names);
	free(set);
}

size_t course_set_count(const struct course_set *set) { return set->count; }
const struct course_record *course_set_courses(const struct course_set *set) { return set->courses; }

static uint64_t key_hash(const struct course_record *c, uint32_t insats_key)
{
	uint64_t h = c->participant ^ ((uint64_t)insats_key << 32 | c->start_date);
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	return h ^ (h >> 33);
}

static int identical(const struct course_record *a, const struct course_record *b)
{
	return a->end_date == b->end_date && a->forbund == b->forbund &&
	       a->end_reasons == b->end_reasons && a->support_intake == b->support_intake &&
	       a->support_exit == b->support_exit && a->gender == b->gender && a->age == b->age &&
	       a->work_capacity == b->work_capacity && a->referrer == b->referrer && a->flags == b->flags;
}

/* The slot that holds c's course (its insats insats_key), or the empty one where it would go. */
static uint32_t *slot_of(const struct course_set *set, const struct course_record *c, uint32_t insats_key)
{
	size_t mask = set->slot_count - 1;
	for (size_t at = (size_t)key_hash(c, insats_key) & mask;; at = (at + 1) & mask) {
		uint32_t *slot = &set->slots[at];
		if (!*slot)
			return slot;
		const struct course_record *kept = &set->courses[*slot - 1];
		if (kept->participant == c->participant && kept->start_date == c->start_date &&
		    set->insats_keys[*slot - 1] == insats_key)
			return slot;
	}
}

/* The index of insats's folded name among those met; UINT32_MAX when out of memory. */
static uint32_t insats_key_of(struct course_set *set, const char *insats)
{
	char folded[256];
	text_fold(insats, strlen(insats), folded, sizeof folded);
	for (size_t i = 0; i < set->name_count; i++)
		if (strcmp(set->names[i], folded) == 0)
			return (uint32_t)i;
	char **more = realloc(set->names, (set->name_count + 1) * sizeof *more);
	if (!more)
		return UINT32_MAX;
	set->names = more;
	if (!(set->names[set->name_count] = strdup(folded)))
		return UINT32_MAX;
	return (uint32_t)set->name_count++;
}

static int grow_slots(struct course_set *set)
{
	size_t slot_count = set->slot_count ? set->slot_count * 2 : 256;
	uint32_t *slots = calloc(slot_count, sizeof *slots);
	if (!slots)
		return -1;
	free(set->slots);
	set->slots = slots;
	set->slot_count = slot_count;
	for (size_t i = 0; i < set->count; i++)
		*slot_of(set, &set->courses[i], set->insats_keys[i]) = (uint32_t)(i + 1);
	return 0;
}

int course_set_offer(struct course_set *set, const struct course_record *c, const char *insats)
{
	uint32_t insats_key = insats_key_of(set, insats ? insats : "");
	if (insats_key == UINT32_MAX)
		return -1;
	if (set->count + 1 > set->slot_count / 2 && grow_slots(set) < 0)
		return -1;
	uint32_t *slot = slot_of(set, c, insats_key);
	if (*slot) {
		struct course_record *kept = &set->courses[*slot - 1];
		if (identical(kept, c))
			return COURSE_IDENTICAL;
		/* an end seen by the later export wins; else the later offer corrects the earlier */
		if (kept->end_date && !c->end_date)
			return COURSE_OUTDATED;
		uint32_t first_spelling = kept->insats; /* the insats as it was first met, as ifs-flow names it */
		*kept = *c;
		kept->insats = first_spelling;
		return COURSE_UPDATED;
	}
	if (set->count == set->capacity) {
		size_t capacity = set->capacity ? set->capacity * 2 : 256;
		if (capacity > UINT32_MAX - 1)
			return -1;
		struct course_record *more = realloc(set->courses, capacity * sizeof *more);
		if (!more)
			return -1;
		set->courses = more;
		uint32_t *keys = realloc(set->insats_keys, capacity * sizeof *keys);
		if (!keys)
			return -1;
		set->insats_keys = keys;
		set->capacity = capacity;
	}
	set->insats_keys[set->count] = insats_key;
	set->courses[set->count] = *c;
	*slot = (uint32_t)++set->count;
	return COURSE_NEW;
}
