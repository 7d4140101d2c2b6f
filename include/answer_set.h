/*
 * answer_set.h — each answer once (SPEC §3 "Counting each answer once").
 *
 * Promise: the same respondent in the same insats, group and question is one
 * answer, however many files or streams carry it.  An identical repeat (same
 * level, date, förbund, gender and scale) is dropped and counted; a repeat with another answer keeps
 * the one with the later answer date (the later offered on a tie) and is
 * counted as a conflict.  Only answers whose respondent is a real identifier
 * (ANSWER_IDENTIFIED) are offered: a row number says nothing about who answered.
 * Memory grows with the distinct answers kept, never with the repeats.
 */
#ifndef IFS_ANSWER_SET_H
#define IFS_ANSWER_SET_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct answer_set;

/* A 64-bit mixer (splitmix64's finaliser): every input bit moves every output bit,
 * for the open-addressing tables of this module and questionnaire_set.h. */
uint64_t answer_set_mix(uint64_t x);
/* A whole questionnaire's key (respondent, insats, group) hashed: for the sets and
 * partitions that keep questionnaires rather than answers. */
static inline uint64_t answer_set_questionnaire_hash(uint64_t respondent, uint32_t insats, uint8_t group)
{
	return answer_set_mix(respondent ^ answer_set_mix((uint64_t)insats << 8 ^ group));
}

struct answer_set *answer_set_new(void);
void answer_set_free(struct answer_set *set);
/* Empty again, its room kept: for sets filled one after another, whose tables would
 * otherwise be allocated (and their pages faulted in) anew each time. */
void answer_set_clear(struct answer_set *set);

enum answer_offer {
	ANSWER_NEW = 0,       /* kept */
	ANSWER_IDENTICAL = 1, /* dropped: the same answer again */
	ANSWER_REPLACED = 2,  /* another answer, dated later: it replaced the kept one */
	ANSWER_OUTDATED = 3   /* another answer, dated earlier: dropped */
};
/* An enum answer_offer, or -1 when out of memory. */
int answer_set_offer(struct answer_set *set, const struct answer_record *answer);
/* answer_set_offer(), and when the key was there, the answer kept before the offer
 * into *before (not NULL). */
int answer_set_offer_seen(struct answer_set *set, const struct answer_record *answer, struct answer_record *before);
/* A hint that an answer with key's respondent, insats, question and group will be
 * offered soon: its slot is fetched into the cache meanwhile.  Changes nothing else. */
void answer_set_prefetch(const struct answer_set *set, const struct answer_record *key);

/* The kept answers, in no particular order: for (i = 0; i < answer_set_slots(set); i++)
 * if ((a = answer_set_slot(set, i))) ... */
size_t answer_set_slots(const struct answer_set *set);
const struct answer_record *answer_set_slot(const struct answer_set *set, size_t slot);
size_t answer_set_count(const struct answer_set *set);
/* The most memory a set of count answers (distinct keys) holds, while it grows. */
size_t answer_set_memory_for(size_t count);

#endif
