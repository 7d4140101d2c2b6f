/*
 * questionnaire_set.h — each answer counted once, a questionnaire at a time.
 *
 * Promise: the rule of answer_set.h (the same respondent, insats, group and
 * question is one answer; an identical repeat is dropped, a different one keeps
 * the later answer date) applied to whole questionnaires, at about the cost of
 * the questionnaire's own record per distinct respondent, insats and group
 * instead of a slot per answer.  A repeat the compact entry cannot represent
 * (another form, or an answer present in only one of them under other dates)
 * moves that respondent's answers into the answer_set given, where the rule is
 * applied answer by answer: the counts are the same either way.
 */
#ifndef IFS_QUESTIONNAIRE_SET_H
#define IFS_QUESTIONNAIRE_SET_H

#include <stddef.h>
#include <stdint.h>

#include "answer_set.h"
#include "record.h"

struct questionnaire_set;

struct questionnaire_set *questionnaire_set_new(void);
void questionnaire_set_free(struct questionnaire_set *set);

/*
 * Offers q (its questions and scales are copied when new to the set).  Answers
 * given again are added to *repeats, those given again with another answer also
 * to *conflicts (as answer_set counts them).  0, or -1 when memory ran out.
 */
/* Points q's questions and scales at the set's own copy of its form, so that q
 * stays whole after the reader or writer that made it is gone.  -1: out of memory. */
int questionnaire_set_own_form(struct questionnaire_set *set, struct questionnaire_record *q);
/* A hint that q will be offered soon: its slot is fetched into the cache meanwhile.
 * Changes nothing else. */
void questionnaire_set_prefetch(const struct questionnaire_set *set, const struct questionnaire_record *q);
int questionnaire_set_offer(struct questionnaire_set *set, const struct questionnaire_record *q,
                            struct answer_set *split, uint64_t *repeats, uint64_t *conflicts);

/* The kept questionnaires, for counting: entry i into *q, its questions and
 * scales pointing into the set.  0: none at i (moved to the answer_set); 1: one. */
size_t questionnaire_set_entries(const struct questionnaire_set *set);
int questionnaire_set_entry(const struct questionnaire_set *set, size_t i, struct questionnaire_record *q);

#endif
