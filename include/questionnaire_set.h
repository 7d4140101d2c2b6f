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
 *
 * Memory: when the set would hold more than its limit, what it holds and every
 * questionnaire offered after goes to one of 64 temporary files (spill.h) by the
 * key's hash, and questionnaire_set_settle() applies the rule to one file at a
 * time: the same counts, repeats and conflicts, in about a 64th of the memory.
 */
#ifndef IFS_QUESTIONNAIRE_SET_H
#define IFS_QUESTIONNAIRE_SET_H

#include <stddef.h>
#include <stdint.h>

#include "answer_set.h"
#include "record.h"

struct questionnaire_set;

/* What a set holds in memory before it spills, unless IFS_SPILL_AFTER says otherwise. */
#define QUESTIONNAIRE_SET_MEMORY ((size_t)2 << 20)

struct questionnaire_set *questionnaire_set_new(void); /* IFS_SPILL_AFTER, else the default */
struct questionnaire_set *questionnaire_set_new_within(size_t memory_limit);
void questionnaire_set_free(struct questionnaire_set *set);

/*
 * A log instead of a set: every questionnaire offered is kept as it comes, in its
 * partition (by respondent and group, as a set's), and no rule is applied (no
 * repeats or conflicts are counted).  For a second thread that reads the second
 * half of an export: its offers are taken into the first thread's set with
 * questionnaire_set_adopt().  Past QUESTIONNAIRE_LOG_MEMORY (or IFS_SPILL_AFTER)
 * in all, its partitions go to temporary files.
 */
#define QUESTIONNAIRE_LOG_MEMORY ((size_t)1 << 20)
struct questionnaire_set *questionnaire_set_new_log(void);
/* No more offers: what the log holds in memory goes to its temporary files now, for
 * those that have one (on the thread that wrote it, where a failure can still be met).
 * 0, or -1 with errno set. */
int questionnaire_set_close_log(struct questionnaire_set *log);
/* The log's questionnaires, as if offered to set after all set has had (each key's in
 * the order the log had them), their string ids made set's: ids[id] is the set's id of
 * the log's id (UINT32_MAX: none), for id below id_count, and places[id] the same for
 * insats and förbund names (where the caller makes spellings of one name one id).  A set in memory with room
 * for the log takes them one by one (split, repeats and conflicts as for an offer),
 * and so does a set that adopted a log before (so that the files a set holds open do
 * not grow with each log); otherwise (the set spills first, if it has not) each of the
 * log's partitions is put after the set's, as it is, and read through the ids when
 * the set settles: nothing is copied.  The log is spent.  0, or
 * -1 with errno set (memory; EIO for an id or form the log's ids do not map; EINVAL
 * for a log adopted already, a set that is a log, or one settled). */
int questionnaire_set_adopt(struct questionnaire_set *set, struct questionnaire_set *log, const uint32_t *ids,
                            const uint32_t *places, uint32_t id_count, struct answer_set *split, uint64_t *repeats,
                            uint64_t *conflicts);

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

/* After the last offer: the rule applied to what was spilled, its repeats and
 * conflicts added as offers add them (nothing to do for a set that did not spill).
 * 0, or -1 with errno set (memory, or the temporary files). */
int questionnaire_set_settle(struct questionnaire_set *set, struct answer_set *split, uint64_t *repeats,
                             uint64_t *conflicts);
/* Settles as questionnaire_set_settle() does and hands each kept questionnaire to
 * each() as soon as its partition is settled (its questions and scales pointing into
 * the set, valid during the call), instead of keeping them all for rewind and next:
 * for a set counted once, that saves writing and reading back every survivor.  The
 * set is spent: rewind fails after.  For a set that did not spill, each
 * entry in turn.  0, or -1 with errno set (EINVAL when settled or spent already). */
typedef void (*questionnaire_set_visit)(void *context, const struct questionnaire_record *q);
int questionnaire_set_settle_each(struct questionnaire_set *set, struct answer_set *split, uint64_t *repeats,
                                  uint64_t *conflicts, questionnaire_set_visit each, void *context);
/* For settling on two threads: the partitions of a spilled, unsettled set from the
 * middle on, moved to a set of their own (with a copy of the forms), which is then
 * settled and freed on its own.  Each key is in one partition, so the two sets hold
 * disjoint keys: settled apart, their kept questionnaires, repeats and conflicts add
 * up to what the one set gives, provided the answer_set each is given held none of
 * their answers before.  NULL with errno set: EINVAL for a set that did not spill, is
 * settled or spent, or is a log; ENOMEM. */
struct questionnaire_set *questionnaire_set_split_off(struct questionnaire_set *set);
/* Whether two of a spilled set's partitions, settled at once (two threads), fit in its
 * memory limit: each holds, while it settles, about twice what its files hold. */
int questionnaire_set_halves_fit(const struct questionnaire_set *set);
/* The kept questionnaires, for counting, as often as asked: rewind, then next
 * until it gives 0.  next: 1 with *q filled (its questions and scales pointing into
 * the set), 0 after the last, -1 with errno set.  Those whose answers moved to the
 * answer_set are not among them.  rewind: 0, or -1 (not settled, or I/O). */
int questionnaire_set_rewind(struct questionnaire_set *set);
int questionnaire_set_next(struct questionnaire_set *set, struct questionnaire_record *q);
/* Whether the set went past its memory limit. */
int questionnaire_set_spilled(const struct questionnaire_set *set);

#endif
