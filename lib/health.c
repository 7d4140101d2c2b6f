#include "health.h"

#include <stdlib.h>
#include <string.h>

#include "codebook.h"
#include "record.h"

struct health_pairing {
	struct questionnaire *items;
	size_t count, capacity;
};

struct health_pairing *health_pairing_new(void) { return calloc(1, sizeof(struct health_pairing)); }

void health_pairing_free(struct health_pairing *pairing)
{
	if (!pairing)
		return;
	free(pairing->items);
	free(pairing);
}

int health_pairing_add(struct health_pairing *pairing, const struct questionnaire *questionnaire)
{
	if (pairing->count == pairing->capacity) {
		size_t capacity = pairing->capacity ? pairing->capacity * 2 : 256;
		struct questionnaire *items = realloc(pairing->items, capacity * sizeof *items);
		if (!items)
			return -1;
		pairing->items = items;
		pairing->capacity = capacity;
	}
	pairing->items[pairing->count] = *questionnaire;
	pairing->items[pairing->count].ordinal = pairing->count;
	pairing->count++;
	return 0;
}

/* Participant, intervention, date; on one day an intake comes before an exit. */
static int by_person_and_time(const void *a_, const void *b_)
{
	const struct questionnaire *a = a_, *b = b_;
	if (a->participant != b->participant)
		return a->participant < b->participant ? -1 : 1;
	int insats = strcmp(a->insats_key, b->insats_key);
	if (insats)
		return insats;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	if (a->occasion != b->occasion)
		return a->occasion < b->occasion ? -1 : 1;
	return a->ordinal < b->ordinal ? -1 : a->ordinal > b->ordinal;
}

static int same_questionnaire(const struct questionnaire *a, const struct questionnaire *b)
{
	return a->participant == b->participant && strcmp(a->insats_key, b->insats_key) == 0 && a->date == b->date &&
	       a->occasion == b->occasion;
}

static int write_record(struct record_writer *writer, const struct questionnaire *intake,
                        const struct questionnaire *exit, int vas_min_delta, struct health_counts *counts)
{
	struct health_record h;
	memset(&h, 0, sizeof h);
	const struct questionnaire *any = exit ? exit : intake;
	h.participant = any->participant;
	h.insats = any->insats;
	h.forbund = any->forbund;
	h.intake_date = intake ? intake->date : 0;
	h.exit_date = exit ? exit->date : 0;
	h.kind = intake && exit ? HEALTH_PAIR : intake ? HEALTH_INTAKE_ONLY : HEALTH_EXIT_ONLY;
	/* Gender and age as stated at exit, else at intake. */
	h.gender = exit && exit->gender ? exit->gender : intake ? intake->gender : exit->gender;
	h.age = exit && exit->age ? exit->age : intake ? intake->age : exit->age;
	h.lq = exit ? exit->lq : HEALTH_MISSING;
	h.lq_due = exit ? exit->lq_due : HEALTH_MISSING;
	h.vas_intake = intake ? intake->vas : HEALTH_MISSING;
	h.vas_exit = exit ? exit->vas : HEALTH_MISSING;
	h.mental_intake = intake ? intake->mental : HEALTH_MISSING;
	h.mental_exit = exit ? exit->mental : HEALTH_MISSING;
	h.pain_intake = intake ? intake->pain : HEALTH_MISSING;
	h.pain_exit = exit ? exit->pain : HEALTH_MISSING;
	h.worry_intake = intake ? intake->worry : HEALTH_MISSING;
	h.worry_exit = exit ? exit->worry : HEALTH_MISSING;
	h.workcap_intake = intake ? intake->workcap : HEALTH_MISSING;
	h.workcap_exit = exit ? exit->workcap : HEALTH_MISSING;
	h.vas_min_delta = (uint8_t)vas_min_delta;
	if (h.kind == HEALTH_PAIR)
		counts->pairs++;
	else if (h.kind == HEALTH_INTAKE_ONLY)
		counts->intake_only++;
	else
		counts->exit_only++;
	return record_writer_health(writer, &h);
}

int health_pairing_write(struct health_pairing *pairing, struct record_writer *writer, int vas_min_delta,
                         struct health_counts *counts)
{
	memset(counts, 0, sizeof *counts);
	if (pairing->count) /* none: items is NULL, which qsort may not be given */
		qsort(pairing->items, pairing->count, sizeof *pairing->items, by_person_and_time);
	const struct questionnaire *waiting = NULL;
	for (size_t i = 0; i < pairing->count; i++) {
		const struct questionnaire *q = &pairing->items[i];
		if (i > 0 && same_questionnaire(q, &pairing->items[i - 1])) {
			counts->duplicates++;
			continue;
		}
		int new_group = i == 0 || q->participant != pairing->items[i - 1].participant ||
		                strcmp(q->insats_key, pairing->items[i - 1].insats_key) != 0;
		if (new_group && waiting) {
			if (write_record(writer, waiting, NULL, vas_min_delta, counts) < 0)
				return -1;
			waiting = NULL;
		}
		if (q->occasion == OCCASION_INTAKE) {
			/* A second intake before any exit: the first one never got its exit. */
			if (waiting && write_record(writer, waiting, NULL, vas_min_delta, counts) < 0)
				return -1;
			waiting = q;
		} else {
			if (write_record(writer, waiting, q, vas_min_delta, counts) < 0)
				return -1;
			waiting = NULL;
		}
	}
	if (waiting && write_record(writer, waiting, NULL, vas_min_delta, counts) < 0)
		return -1;
	return 0;
}
