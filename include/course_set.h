/*
 * course_set.h — each course of the register counted once.
 *
 * Promise: a course is one participant's course in one insats (its name compared as
 * text_fold.h folds it: "Enter" and "ENTER " are one) from one start date.
 * Offered again (a register given twice, a stream concatenated with itself, a
 * cumulative export that also holds last month's rows) it is kept once: an
 * identical copy is dropped; of two that differ, the one that has ended is kept
 * over one still open (the later export saw the end), else the one offered later
 * (the later export corrects the earlier).  The kept courses come back in the
 * order they were first offered, so results do not depend on a hash.
 */
#ifndef IFS_COURSE_SET_H
#define IFS_COURSE_SET_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct course_set;

struct course_set *course_set_new(void);
void course_set_free(struct course_set *set);

enum course_offer { COURSE_NEW = 0, COURSE_IDENTICAL = 1, COURSE_UPDATED = 2, COURSE_OUTDATED = 3 };
/* What became of course c (its string ids the caller's pool's), whose insats is
 * named insats: a course_offer, or -1 when memory ran out (the set is unchanged). */
int course_set_offer(struct course_set *set, const struct course_record *c, const char *insats);

size_t course_set_count(const struct course_set *set);
/* The kept courses, in the order they were first offered: count of them. */
const struct course_record *course_set_courses(const struct course_set *set);

#endif
