/*
 * questionnaire_set.c — one compact entry per respondent, insats and group.
 *
 * Entries live in one array, their levels (a byte each) in another; the hash
 * table holds only indices.  The equivalence with answer_set's rule, answer by
 * answer, is what every branch of questionnaire_set_offer() keeps: an entry has
 * one date, förbund and gender, so a repeat that would leave answers of one
 * entry under different dates is handed to the answer_set instead.
 */
#include "questionnaire_set.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spill.h"

struct form {
	size_t count;
	uint32_t *questions;
	uint8_t *scale_max;
};

struct entry {
	uint64_t respondent;
	uint32_t insats, date, forbund, form;
	uint32_t levels; /* offset of count bytes in set->levels */
	uint16_t matar;
	uint8_t group, gender, age, flags, split;
};

/* An entry or an offered questionnaire in a partition's spill, its levels after it. */
struct spilled {
	uint64_t respondent;
	uint32_t insats, date, forbund, form;
	uint16_t matar;
	uint8_t group, gender, age, flags;
	uint8_t split; /* an entry's: its answers are in the answer_set */
	uint8_t entry; /* 1: an entry as it stood when the set spilled; 0: a questionnaire offered */
};
static_assert(sizeof(struct spilled) == 32, "a spilled record has no padding");

/* Keys spread over this many spills (by the top bits of a hash of the respondent and
 * group: not of the insats, whose string id is another in another thread's pool, so
 * that a log's partition p holds the keys of the set's partition p), each read back on
 * its own: the memory that counts them is a partition's. */
#define PARTITIONS 64
#define PARTITION_BUFFER 8192

/* An adopted log's string ids and forms, in the set's. */
struct id_map {
	uint32_t *ids; /* the log's string id -> the set's; UINT32_MAX: none */
	uint32_t *places; /* the same, for insats and förbund names: after ids, in its block */
	uint32_t id_count;
	size_t *forms; /* the log's form -> the set's */
	size_t form_count;
};

/* A spill of a partition read before its current one: the set's own, closed when a
 * log was adopted, or an adopted log's, read through its map. */
struct segment {
	struct spill *spill;
	size_t map; /* in maps; OWN_IDS for the set's own */
};
#define OWN_IDS SIZE_MAX

struct questionnaire_set {
	struct entry *entries;
	size_t entry_count, entry_capacity;
	uint8_t *levels;
	size_t level_length, level_capacity;
	/* entry index + 1 in the low half, the key hash's high half above it (so a probe
	 * past other keys rarely touches their entries); 0 = empty */
	uint64_t *table;
	size_t table_capacity;
	struct form *forms;
	size_t form_count, form_capacity, last_form;
	/* past memory_limit: offers go to the partitions, settled at the end into survivors */
	size_t memory_limit;
	struct spill *partitions[PARTITIONS];
	size_t partition_buffer; /* memory of each partition's spill before its file */
	struct segment *segments[PARTITIONS]; /* read before partitions[p], in order */
	size_t segment_count[PARTITIONS];
	struct id_map *maps;
	size_t map_count;
	struct spill *survivors;
	int spilled, replaying, settled;
	int consumed;     /* questionnaire_set_settle_each() handed the survivors out, or a log was adopted */
	int log; /* questionnaire_set_new_log(): every offer to its partition, no rule applied */
	size_t cursor;
};

struct questionnaire_set *questionnaire_set_new_within(size_t memory_limit)
{
	struct questionnaire_set *set = calloc(1, sizeof(struct questionnaire_set));
	if (set) {
		set->memory_limit = memory_limit;
		set->partition_buffer = memory_limit < PARTITION_BUFFER ? memory_limit : PARTITION_BUFFER;
	}
	return set;
}

struct questionnaire_set *questionnaire_set_new(void)
{
	return questionnaire_set_new_within(spill_limit_from_environment(QUESTIONNAIRE_SET_MEMORY, NULL));
}

struct questionnaire_set *questionnaire_set_new_log(void)
{
	struct questionnaire_set *set =
		questionnaire_set_new_within(spill_limit_from_environment(QUESTIONNAIRE_LOG_MEMORY, NULL));
	if (set) {
		set->log = 1;
		set->partition_buffer = set->memory_limit / PARTITIONS; /* the limit, for all of them */
	}
	return set;
}

static void free_maps(struct id_map *maps, size_t count)
{
	for (size_t m = 0; m < count; m++) {
		free(maps[m].ids);
		free(maps[m].forms);
	}
	free(maps);
}

static void free_segments(struct questionnaire_set *set, size_t p)
{
	for (size_t i = 0; i < set->segment_count[p]; i++)
		spill_free(set->segments[p][i].spill);
	free(set->segments[p]);
	set->segments[p] = NULL;
	set->segment_count[p] = 0;
}

void questionnaire_set_free(struct questionnaire_set *set)
{
	if (!set)
		return;
	for (size_t f = 0; f < set->form_count; f++) {
		free(set->forms[f].questions);
		free(set->forms[f].scale_max);
	}
	free(set->forms);
	free(set->entries);
	free(set->levels);
	free(set->table);
	for (size_t p = 0; p < PARTITIONS; p++) {
		spill_free(set->partitions[p]);
		free_segments(set, p);
	}
	free_maps(set->maps, set->map_count);
	spill_free(set->survivors);
	free(set);
}

static uint64_t key_hash(uint64_t respondent, uint32_t insats, uint8_t group)
{
	return answer_set_questionnaire_hash(respondent, insats, group);
}

static size_t partition_of(uint64_t respondent, uint8_t group)
{
	return (size_t)(answer_set_questionnaire_hash(respondent, 0, group) >> 58) % PARTITIONS;
}

static int same_form(const struct form *f, const struct questionnaire_record *q)
{
	if (f->count != q->count)
		return 0;
	/* most often q points at this very form (questionnaire_set_own_form) */
	if (f->questions == q->questions && f->scale_max == q->scale_max)
		return 1;
	return memcmp(f->questions, q->questions, q->count * sizeof *q->questions) == 0 &&
	       memcmp(f->scale_max, q->scale_max, q->count) == 0;
}

/* The set's number for q's questions and scales; SIZE_MAX when memory ran out. */
static size_t form_of(struct questionnaire_set *set, const struct questionnaire_record *q)
{
	if (set->last_form < set->form_count && same_form(&set->forms[set->last_form], q))
		return set->last_form;
	for (size_t f = 0; f < set->form_count; f++)
		if (same_form(&set->forms[f], q))
			return set->last_form = f;
	if (set->form_count == set->form_capacity) {
		size_t capacity = set->form_capacity ? set->form_capacity * 2 : 8;
		struct form *forms = realloc(set->forms, capacity * sizeof *forms);
		if (!forms)
			return SIZE_MAX;
		set->forms = forms;
		set->form_capacity = capacity;
	}
	struct form *f = &set->forms[set->form_count];
	f->count = q->count;
	f->questions = malloc((q->count ? q->count : 1) * sizeof *f->questions);
	f->scale_max = malloc(q->count ? q->count : 1);
	if (!f->questions || !f->scale_max) {
		free(f->questions);
		free(f->scale_max);
		return SIZE_MAX;
	}
	memcpy(f->questions, q->questions, q->count * sizeof *q->questions);
	memcpy(f->scale_max, q->scale_max, q->count);
	return set->last_form = set->form_count++;
}

static uint64_t slot_of(uint64_t hash, size_t index) { return (hash & UINT64_C(0xFFFFFFFF00000000)) | (index + 1); }

/* How far ahead the rehash asks for the slot it will write: a slot of a large table
 * is a cache miss, and this many in flight hide most of the wait. */
#define REHASH_AHEAD 8

static int grow_table(struct questionnaire_set *set)
{
	size_t capacity = set->table_capacity ? set->table_capacity * 2 : 1024;
	uint64_t *table = calloc(capacity, sizeof *table);
	if (!table)
		return -1;
	for (size_t i = 0; i < set->entry_count; i++) {
		if (i + REHASH_AHEAD < set->entry_count) {
			const struct entry *ahead = &set->entries[i + REHASH_AHEAD];
			__builtin_prefetch(&table[key_hash(ahead->respondent, ahead->insats, ahead->group) & (capacity - 1)], 1);
		}
		const struct entry *e = &set->entries[i];
		uint64_t hash = key_hash(e->respondent, e->insats, e->group);
		size_t at = (size_t)hash & (capacity - 1);
		while (table[at])
			at = (at + 1) & (capacity - 1);
		table[at] = slot_of(hash, i);
	}
	free(set->table);
	set->table = table;
	set->table_capacity = capacity;
	return 0;
}

/* Every answer of q, answer by answer; counted as repeats when counted is set. */
static int offer_answers(struct answer_set *split, const struct questionnaire_record *q, int counted,
                         uint64_t *repeats, uint64_t *conflicts)
{
	for (size_t i = 0; i < q->count; i++) {
		if (q->levels[i] == LEVEL_ABSENT)
			continue;
		struct answer_record a;
		memset(&a, 0, sizeof a);
		questionnaire_answer(q, i, &a);
		int offered = answer_set_offer(split, &a);
		if (offered < 0)
			return -1;
		if (counted && offered != ANSWER_NEW) {
			++*repeats;
			*conflicts += offered != ANSWER_IDENTICAL;
		}
	}
	return 0;
}

/* Entry e into *q, its questions and scales pointing into the set. */
static void fill_record(const struct questionnaire_set *set, const struct entry *e, struct questionnaire_record *q)
{
	const struct form *f = &set->forms[e->form];
	q->respondent = e->respondent;
	q->date = e->date;
	q->insats = e->insats;
	q->forbund = e->forbund;
	q->matar = e->matar;
	q->group = e->group;
	q->gender = e->gender;
	q->age = e->age;
	q->flags = e->flags;
	q->form = e->form;
	q->count = f->count;
	q->questions = f->questions;
	q->scale_max = f->scale_max;
	memcpy(q->levels, set->levels + e->levels, f->count);
}

/* Entry i into *q; 0: its answers are in the answer_set. */
static int entry_record(const struct questionnaire_set *set, size_t i, struct questionnaire_record *q)
{
	if (set->entries[i].split)
		return 0;
	fill_record(set, &set->entries[i], q);
	return 1;
}

static size_t memory_held(const struct questionnaire_set *set)
{
	return set->entry_capacity * sizeof(struct entry) + set->level_capacity + set->table_capacity * sizeof(uint64_t);
}

/* Whether the arrays must grow for one more entry of count levels, and would then
 * hold more than the limit. */
static int would_outgrow(const struct questionnaire_set *set, size_t count)
{
	size_t more = 0;
	if (set->entry_count == set->entry_capacity)
		more += (set->entry_capacity ? set->entry_capacity : 1024) * sizeof(struct entry);
	if (set->level_length + count > set->level_capacity)
		more += set->level_capacity > count ? set->level_capacity : 16384 + count;
	if ((set->entry_count + 1) * 4 > set->table_capacity * 3)
		more += (set->table_capacity ? set->table_capacity : 1024) * sizeof(uint64_t);
	return more && memory_held(set) + more > set->memory_limit;
}

static int write_spilled(struct spill *spill, const struct spilled *record, const uint8_t *levels, size_t count)
{
	if (spill_append(spill, record, sizeof *record) < 0 || spill_append(spill, levels, count) < 0)
		return -1;
	return 0;
}

static struct spilled spilled_of(const struct questionnaire_record *q, size_t form)
{
	struct spilled record;
	memset(&record, 0, sizeof record);
	record.respondent = q->respondent;
	record.insats = q->insats;
	record.date = q->date;
	record.forbund = q->forbund;
	record.form = (uint32_t)form;
	record.matar = q->matar;
	record.group = q->group;
	record.gender = q->gender;
	record.age = q->age;
	record.flags = q->flags;
	return record;
}

static int to_partition(struct questionnaire_set *set, const struct questionnaire_record *q, size_t form, int entry,
                        int split)
{
	size_t p = partition_of(q->respondent, q->group);
	if (!set->partitions[p] && !(set->partitions[p] = spill_new(set->partition_buffer)))
		return -1;
	struct spilled record = spilled_of(q, form);
	record.entry = (uint8_t)entry;
	record.split = (uint8_t)split;
	return write_spilled(set->partitions[p], &record, q->levels, q->count);
}

/* A log's string id in the set's, through ids (map->ids or map->places); UINT32_MAX
 * (errno EIO) when it has none. */
static uint32_t mapped_id(const struct id_map *map, const uint32_t *ids, uint32_t id)
{
	if (id >= map->id_count || ids[id] == UINT32_MAX) {
		errno = EIO;
		return UINT32_MAX;
	}
	return ids[id];
}

/* The questionnaire read back from a spill, its form the set's, its string ids made
 * the set's through map (NULL: they are); 1, 0 at the end, -1. */
static int read_mapped(const struct questionnaire_set *set, struct spill *spill, const struct id_map *map,
                       struct questionnaire_record *q, struct spilled *record)
{
	const struct spilled *read = spill_read(spill, sizeof *record);
	if (!read)
		return errno ? -1 : 0;
	memcpy(record, read, sizeof *record);
	if (map) {
		if (record->form >= map->form_count ||
		    (record->insats = mapped_id(map, map->places, record->insats)) == UINT32_MAX ||
		    (record->forbund = mapped_id(map, map->places, record->forbund)) == UINT32_MAX) {
			errno = EIO;
			return -1;
		}
		record->form = (uint32_t)map->forms[record->form];
	}
	if (record->form >= set->form_count) {
		errno = EIO;
		return -1;
	}
	const struct form *f = &set->forms[record->form];
	const uint8_t *levels = spill_read(spill, f->count);
	if (!levels) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	q->respondent = record->respondent;
	q->date = record->date;
	q->insats = record->insats;
	q->forbund = record->forbund;
	q->matar = record->matar;
	q->group = record->group;
	q->gender = record->gender;
	q->age = record->age;
	q->flags = record->flags;
	q->form = record->form;
	q->count = f->count;
	q->questions = f->questions;
	q->scale_max = f->scale_max;
	memcpy(q->levels, levels, f->count);
	return 1;
}

static int read_spilled(const struct questionnaire_set *set, struct spill *spill, struct questionnaire_record *q,
                        struct spilled *record)
{
	return read_mapped(set, spill, NULL, q, record);
}

static void forget_entries(struct questionnaire_set *set)
{
	free(set->entries);
	free(set->levels);
	free(set->table);
	set->entries = NULL, set->levels = NULL, set->table = NULL;
	set->entry_count = set->entry_capacity = set->level_length = set->level_capacity = set->table_capacity = 0;
}

/* Past the limit: every entry so far to its partition, as it stands, and the
 * memory they held given back. */
static int spill_entries(struct questionnaire_set *set)
{
	set->spilled = 1;
	for (size_t i = 0; i < set->entry_count; i++) {
		const struct entry *e = &set->entries[i];
		struct questionnaire_record q;
		fill_record(set, e, &q);
		if (to_partition(set, &q, e->form, 1, e->split) < 0)
			return -1;
	}
	forget_entries(set);
	return 0;
}

static void take_meta(struct entry *e, const struct questionnaire_record *q)
{
	e->date = q->date;
	e->forbund = q->forbund;
	e->matar = q->matar;
	e->gender = q->gender;
	e->age = q->age;
	e->flags = q->flags;
}

int questionnaire_set_own_form(struct questionnaire_set *set, struct questionnaire_record *q)
{
	size_t form = form_of(set, q);
	if (form == SIZE_MAX)
		return -1;
	q->questions = set->forms[form].questions;
	q->scale_max = set->forms[form].scale_max;
	return 0;
}

void questionnaire_set_prefetch(const struct questionnaire_set *set, const struct questionnaire_record *q)
{
	if (set->table_capacity)
		__builtin_prefetch(&set->table[key_hash(q->respondent, q->insats, q->group) & (set->table_capacity - 1)]);
}

int questionnaire_set_offer(struct questionnaire_set *set, const struct questionnaire_record *q,
                            struct answer_set *split, uint64_t *repeats, uint64_t *conflicts)
{
	size_t form = form_of(set, q);
	if (form == SIZE_MAX)
		return -1;
	if (set->log)
		return to_partition(set, q, form, 0, 0);
	if (!set->replaying && !set->spilled && would_outgrow(set, q->count) && spill_entries(set) < 0)
		return -1;
	if (!set->replaying && set->spilled)
		return to_partition(set, q, form, 0, 0);
	if ((set->entry_count + 1) * 4 > set->table_capacity * 3 && grow_table(set) < 0)
		return -1;
	size_t mask = set->table_capacity - 1;
	uint64_t hash = key_hash(q->respondent, q->insats, q->group), tag = hash & UINT64_C(0xFFFFFFFF00000000);
	size_t at = (size_t)hash & mask;
	for (; set->table[at]; at = (at + 1) & mask) {
		if ((set->table[at] & UINT64_C(0xFFFFFFFF00000000)) != tag)
			continue;
		const struct entry *e = &set->entries[(uint32_t)set->table[at] - 1];
		if (e->respondent == q->respondent && e->insats == q->insats && e->group == q->group)
			break;
	}
	if (!set->table[at]) {
		if (set->entry_count == UINT32_MAX - 1)
			return -1;
		if (set->entry_count == set->entry_capacity) {
			size_t capacity = set->entry_capacity ? set->entry_capacity * 2 : 1024;
			struct entry *entries = realloc(set->entries, capacity * sizeof *entries);
			if (!entries)
				return -1;
			set->entries = entries;
			set->entry_capacity = capacity;
		}
		if (set->level_length + q->count > set->level_capacity) {
			size_t capacity = set->level_capacity ? set->level_capacity * 2 : 16384;
			while (capacity < set->level_length + q->count)
				capacity *= 2;
			if (capacity > UINT32_MAX)
				return -1;
			uint8_t *levels = realloc(set->levels, capacity);
			if (!levels)
				return -1;
			set->levels = levels;
			set->level_capacity = capacity;
		}
		struct entry *e = &set->entries[set->entry_count];
		memset(e, 0, sizeof *e);
		e->respondent = q->respondent;
		e->insats = q->insats;
		e->group = q->group;
		e->form = (uint32_t)form;
		e->levels = (uint32_t)set->level_length;
		take_meta(e, q);
		memcpy(set->levels + set->level_length, q->levels, q->count);
		set->level_length += q->count;
		set->table[at] = slot_of(hash, set->entry_count++);
		return 0;
	}
	struct entry *e = &set->entries[(uint32_t)set->table[at] - 1];
	if (e->split)
		return offer_answers(split, q, 1, repeats, conflicts);
	uint8_t *kept = set->levels + e->levels;
	int same_meta = e->date == q->date && e->forbund == q->forbund && e->gender == q->gender;
	int representable = e->form == form;
	for (size_t i = 0; representable && i < q->count; i++)
		if (!same_meta && (kept[i] == LEVEL_ABSENT) != (q->levels[i] == LEVEL_ABSENT))
			representable = 0; /* answers of one respondent under two dates */
	if (!representable) {
		struct questionnaire_record old;
		entry_record(set, (size_t)(e - set->entries), &old);
		if (offer_answers(split, &old, 0, repeats, conflicts) < 0)
			return -1;
		set->entries[(uint32_t)set->table[at] - 1].split = 1;
		return offer_answers(split, q, 1, repeats, conflicts);
	}
	int later = q->date >= e->date;
	for (size_t i = 0; i < q->count; i++) {
		if (q->levels[i] == LEVEL_ABSENT)
			continue;
		if (kept[i] == LEVEL_ABSENT) { /* a new answer, under the same date (same_meta) */
			kept[i] = q->levels[i];
			continue;
		}
		++*repeats;
		if (same_meta && kept[i] == q->levels[i])
			continue;
		++*conflicts;
		if (later)
			kept[i] = q->levels[i];
	}
	if (!same_meta && later)
		take_meta(e, q);
	return 0;
}

int questionnaire_set_close_log(struct questionnaire_set *set)
{
	if (!set->log || set->consumed) {
		errno = EINVAL;
		return -1;
	}
	for (size_t p = 0; p < PARTITIONS; p++) /* what each holds in memory, to its file if it has one */
		if (set->partitions[p] && spill_rewind(set->partitions[p]) < 0)
			return -1;
	return 0;
}

/* The log's forms in set (added to its own), into map. */
static int map_forms(struct questionnaire_set *set, const struct questionnaire_set *log, struct id_map *map)
{
	if (!(map->forms = malloc((log->form_count ? log->form_count : 1) * sizeof *map->forms)))
		return -1;
	map->form_count = log->form_count;
	for (size_t f = 0; f < log->form_count; f++) {
		const struct form *from = &log->forms[f];
		uint32_t questions[QUESTIONNAIRE_MAX_QUESTIONS];
		if (from->count > QUESTIONNAIRE_MAX_QUESTIONS) {
			errno = EIO;
			return -1;
		}
		for (size_t i = 0; i < from->count; i++)
			if ((questions[i] = mapped_id(map, map->ids, from->questions[i])) == UINT32_MAX)
				return -1;
		struct questionnaire_record q = {.count = from->count, .questions = questions, .scale_max = from->scale_max};
		if ((map->forms[f] = form_of(set, &q)) == SIZE_MAX) {
			errno = ENOMEM;
			return -1;
		}
	}
	return 0;
}

static int add_segment(struct questionnaire_set *set, size_t p, struct spill *spill, size_t map)
{
	struct segment *grown = realloc(set->segments[p], (set->segment_count[p] + 1) * sizeof *grown);
	if (!grown)
		return -1;
	set->segments[p] = grown;
	grown[set->segment_count[p]++] = (struct segment){spill, map};
	return 0;
}

static uint64_t log_bytes(const struct questionnaire_set *log)
{
	uint64_t bytes = 0;
	for (size_t p = 0; p < PARTITIONS; p++)
		if (log->partitions[p])
			bytes += spill_length(log->partitions[p]);
	return bytes;
}

int questionnaire_set_adopt(struct questionnaire_set *set, struct questionnaire_set *log, const uint32_t *ids,
                            const uint32_t *places, uint32_t id_count, struct answer_set *split, uint64_t *repeats,
                            uint64_t *conflicts)
{
	if (!log->log || log->consumed || set->log || set->settled || set->consumed || set->replaying) {
		errno = EINVAL;
		return -1;
	}
	log->consumed = 1; /* whatever happens next, it is not adopted twice */
	struct id_map map = {.id_count = id_count};
	if (!(map.ids = malloc((id_count ? 2 * (size_t)id_count : 1) * sizeof *map.ids)))
		return -1;
	map.places = map.ids + id_count;
	memcpy(map.ids, ids, id_count * sizeof *ids);
	memcpy(map.places, places, id_count * sizeof *places);
	if (map_forms(set, log, &map) < 0) {
		free(map.ids);
		free(map.forms);
		return -1;
	}
	int status = 0;
	/* One log is put after the set's partitions, unread; a later one (a run of several
	 * exports) is copied in, so that the files held open and their buffers do not grow
	 * with every export.  One with room in the set's memory is taken there. */
	if (set->map_count || (!set->spilled && memory_held(set) + log_bytes(log) <= set->memory_limit)) {
		/* one by one (in each key's order: a key is in one partition) */
		for (size_t p = 0; p < PARTITIONS && !status; p++) {
			if (!log->partitions[p])
				continue;
			if (spill_rewind(log->partitions[p]) < 0)
				status = -1;
			for (;;) {
				struct questionnaire_record q;
				struct spilled record;
				int got = status ? 0 : read_mapped(set, log->partitions[p], &map, &q, &record);
				if (got < 0)
					status = -1;
				if (got <= 0)
					break;
				if (questionnaire_set_offer(set, &q, split, repeats, conflicts) < 0)
					status = -1;
			}
		}
		free(map.ids);
		free(map.forms);
		return status;
	}
	/* large: each of the log's partitions read after the set's own, as it is, when settled */
	struct id_map *maps = realloc(set->maps, (set->map_count + 1) * sizeof *maps);
	if (!maps) {
		free(map.ids);
		free(map.forms);
		return -1;
	}
	set->maps = maps;
	set->maps[set->map_count++] = map;
	if (!set->spilled && spill_entries(set) < 0)
		return -1;
	for (size_t p = 0; p < PARTITIONS; p++) {
		if (set->partitions[p]) {
			if (add_segment(set, p, set->partitions[p], OWN_IDS) < 0)
				return -1;
			set->partitions[p] = NULL; /* the set's offers after these go to a new one */
		}
		if (log->partitions[p]) {
			if (add_segment(set, p, log->partitions[p], set->map_count - 1) < 0)
				return -1;
			log->partitions[p] = NULL;
		}
	}
	return 0;
}

/* One partition read back into the arrays, its entries as they stood when the set
 * spilled and then its questionnaires offered as they came: within a key, the order
 * of offers is kept, so the rule gives what it gives in memory. */
static int settle_partition(struct questionnaire_set *set, size_t p, struct answer_set *split, uint64_t *repeats,
                            uint64_t *conflicts)
{
	set->entry_count = set->level_length = 0;
	if (set->table)
		memset(set->table, 0, set->table_capacity * sizeof *set->table);
	/* its segments (adopted logs and the set's own before them), then its current spill */
	for (size_t i = 0; i <= set->segment_count[p]; i++) {
		const struct segment *segment = i < set->segment_count[p] ? &set->segments[p][i] : NULL;
		struct spill *partition = segment ? segment->spill : set->partitions[p];
		const struct id_map *map = segment && segment->map != OWN_IDS ? &set->maps[segment->map] : NULL;
		if (!partition)
			continue;
		if (spill_rewind(partition) < 0)
			return -1;
		for (;;) {
			struct questionnaire_record q;
			struct spilled record;
			int got = read_mapped(set, partition, map, &q, &record);
			if (got < 0)
				return -1;
			if (got == 0)
				break;
			if (questionnaire_set_offer(set, &q, split, repeats, conflicts) < 0)
				return -1;
			if (record.entry) /* a new key: its entry is the last */
				set->entries[set->entry_count - 1].split = record.split;
		}
	}
	return 0;
}

/* Settles every partition; each survivor goes to the survivors' spill, or to each()
 * when given. */
static int settle_partitions(struct questionnaire_set *set, struct answer_set *split, uint64_t *repeats,
                             uint64_t *conflicts, questionnaire_set_visit each, void *context)
{
	size_t buffer = set->memory_limit < PARTITION_BUFFER * 4 ? set->memory_limit : PARTITION_BUFFER * 4;
	if (!each && !set->survivors && !(set->survivors = spill_new(buffer)))
		return -1;
	set->replaying = 1;
	for (size_t p = 0; p < PARTITIONS; p++) {
		if (!set->partitions[p] && !set->segment_count[p])
			continue;
		if (settle_partition(set, p, split, repeats, conflicts) < 0)
			return -1;
		for (size_t i = 0; i < set->entry_count; i++) {
			struct questionnaire_record q;
			if (!entry_record(set, i, &q))
				continue;
			if (each) {
				each(context, &q);
				continue;
			}
			struct spilled record = spilled_of(&q, set->entries[i].form);
			if (write_spilled(set->survivors, &record, q.levels, q.count) < 0)
				return -1;
		}
		spill_free(set->partitions[p]);
		set->partitions[p] = NULL;
		free_segments(set, p);
	}
	forget_entries(set);
	set->replaying = 0;
	set->settled = 1;
	return each ? 0 : spill_rewind(set->survivors);
}

int questionnaire_set_settle(struct questionnaire_set *set, struct answer_set *split, uint64_t *repeats,
                             uint64_t *conflicts)
{
	if (set->log) {
		errno = EINVAL; /* a log is adopted, not settled */
		return -1;
	}
	if (!set->spilled || set->settled)
		return 0;
	return settle_partitions(set, split, repeats, conflicts, NULL, NULL);
}

int questionnaire_set_settle_each(struct questionnaire_set *set, struct answer_set *split, uint64_t *repeats,
                                  uint64_t *conflicts, questionnaire_set_visit each, void *context)
{
	if (set->log || set->consumed || (set->spilled && set->settled)) {
		errno = EINVAL; /* settled already (rewind and next give the survivors), or a log */
		return -1;
	}
	set->consumed = 1;
	if (set->spilled)
		return settle_partitions(set, split, repeats, conflicts, each, context);
	struct questionnaire_record q;
	for (size_t i = 0; i < set->entry_count; i++)
		if (entry_record(set, i, &q))
			each(context, &q);
	return 0;
}

int questionnaire_set_halves_fit(const struct questionnaire_set *set)
{
	uint64_t largest = 0;
	for (size_t p = 0; p < PARTITIONS; p++) {
		uint64_t bytes = set->partitions[p] ? spill_length(set->partitions[p]) : 0;
		for (size_t i = 0; i < set->segment_count[p]; i++)
			bytes += spill_length(set->segments[p][i].spill);
		if (bytes > largest)
			largest = bytes;
	}
	/* entries and levels as large as the records, the table and the arrays' doubling on top */
	return 2 * 2 * largest <= set->memory_limit;
}

struct questionnaire_set *questionnaire_set_split_off(struct questionnaire_set *set)
{
	if (set->log || !set->spilled || set->settled || set->consumed) {
		errno = EINVAL;
		return NULL;
	}
	struct questionnaire_set *half = questionnaire_set_new_within(set->memory_limit);
	if (!half || (set->form_count && !(half->forms = calloc(set->form_count, sizeof *half->forms)))) {
		questionnaire_set_free(half);
		errno = ENOMEM;
		return NULL;
	}
	half->form_capacity = set->form_count;
	for (size_t f = 0; f < set->form_count; f++) {
		const struct form *from = &set->forms[f];
		struct form *to = &half->forms[f];
		to->count = from->count;
		to->questions = malloc((from->count ? from->count : 1) * sizeof *to->questions);
		to->scale_max = malloc(from->count ? from->count : 1);
		half->form_count++; /* freed with the set from here on */
		if (!to->questions || !to->scale_max) {
			questionnaire_set_free(half);
			errno = ENOMEM;
			return NULL;
		}
		memcpy(to->questions, from->questions, from->count * sizeof *to->questions);
		memcpy(to->scale_max, from->scale_max, from->count);
	}
	if (set->map_count && !(half->maps = calloc(set->map_count, sizeof *half->maps))) {
		questionnaire_set_free(half);
		errno = ENOMEM;
		return NULL;
	}
	for (size_t m = 0; m < set->map_count; m++) {
		const struct id_map *from = &set->maps[m];
		struct id_map *to = &half->maps[m];
		half->map_count++; /* freed with the set from here on */
		to->ids = malloc((from->id_count ? 2 * (size_t)from->id_count : 1) * sizeof *to->ids);
		to->forms = malloc((from->form_count ? from->form_count : 1) * sizeof *to->forms);
		if (!to->ids || !to->forms) {
			questionnaire_set_free(half);
			errno = ENOMEM;
			return NULL;
		}
		memcpy(to->ids, from->ids, 2 * (size_t)from->id_count * sizeof *to->ids);
		to->places = to->ids + from->id_count;
		to->id_count = from->id_count;
		memcpy(to->forms, from->forms, from->form_count * sizeof *to->forms);
		to->form_count = from->form_count;
	}
	half->spilled = 1;
	for (size_t p = PARTITIONS / 2; p < PARTITIONS; p++) {
		half->partitions[p] = set->partitions[p];
		set->partitions[p] = NULL;
		half->segments[p] = set->segments[p];
		half->segment_count[p] = set->segment_count[p];
		set->segments[p] = NULL;
		set->segment_count[p] = 0;
	}
	return half;
}

int questionnaire_set_rewind(struct questionnaire_set *set)
{
	set->cursor = 0;
	if (set->consumed) {
		errno = EINVAL; /* its survivors were handed out as they were settled, and are gone */
		return -1;
	}
	if (set->spilled && !set->settled) {
		errno = EINVAL; /* not settled: the partitions hold more than the survivors */
		return -1;
	}
	return set->survivors ? spill_rewind(set->survivors) : 0;
}

int questionnaire_set_next(struct questionnaire_set *set, struct questionnaire_record *q)
{
	if (set->survivors) {
		struct spilled record;
		return read_spilled(set, set->survivors, q, &record);
	}
	while (set->cursor < set->entry_count)
		if (entry_record(set, set->cursor++, q))
			return 1;
	return 0;
}

int questionnaire_set_spilled(const struct questionnaire_set *set) { return set->spilled; }
