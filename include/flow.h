/*
 * flow.h — the participant flow of a period, from course records (SPEC §2.3).
 *
 * Promise: per insats, for the period [from, to] (YYYYMMDD, inclusive), counts of
 * women, men and all: taking part when the period began (start: begun before its
 * first day, not ended before it), started in the period (new), ended in it
 * (ended), still taking part after its last day (end); the ended by end
 * reason (a course with two reasons counts under both; none given: ej_angiven);
 * the new by referrer and by support at intake; the ended by support at exit; and
 * the median and mean length in days of the courses that ended.  Every category
 * is listed, zero or not, in a fixed order, so tables line up year after year.
 * start + new - ended = end holds for every insats.
 */
#ifndef IFS_FLOW_H
#define IFS_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "string_pool.h"

struct flow_row {
	uint32_t insats;        /* string id */
	const char *measure;    /* flow, end_reason, referrer, support_intake, support_exit, length */
	const char *category;
	double value[3];        /* all, women, men: counts, or days for length (NAN: no course ended) */
	int is_days;            /* length: a number of days, maybe fractional */
};

/* Rows for every insats of courses (sorted by insats name, then measure and
 * category).  NULL when memory ran out; *count 0 and a non-NULL pointer for no courses. */
struct flow_row *flow_compute(const struct course_record *courses, size_t course_count,
                              const struct string_pool *pool, uint32_t from, uint32_t to, size_t *count);

/*
 * Masks (NAN) what would show fewer than min_n people, as ifs-shares --suppress masks
 * its cells: a count of 1 to min_n - 1, and with a gender's count the other's (which
 * the total would give away); a length (median, mean) of fewer than min_n ended
 * courses.  Counts of 0 stay: they show no one.  Women and men are masked too where
 * the total would show 1 to min_n - 1 of other or unstated gender.  Counts that add
 * up (start + new - ended = end; referrers and support at intake make new, end
 * reasons and support at exit make ended) are complemented: a count masked alone
 * among them takes the smallest other non-zero one with it, so none follows from the
 * others by subtraction.
 */
void flow_suppress(struct flow_row *rows, size_t count, int min_n);

#endif
