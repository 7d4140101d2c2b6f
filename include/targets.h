/*
 * targets.h — the goals of a targets file (SPEC §4.2).
 *
 * Promise: a loaded targets file holds only goals that can be computed: every
 * indicator is a question of the codebook or a health.* indicator, every level
 * and target is valid, ids are unique, and no key is unknown.  Otherwise
 * targets_load fails with a message naming the file, the goal and the field.
 */
#ifndef IFS_TARGETS_H
#define IFS_TARGETS_H

#include <stddef.h>

#include "codebook.h"

enum positivity { POSITIVITY_CLEARLY = 1, POSITIVITY_POSITIVE, POSITIVITY_MIN_LEVEL };

/* Register goals (SPEC §2.3): counted over the courses that ended in the period. */
enum outcome_indicator { OUTCOME_WORK_OR_STUDIES = 0, OUTCOME_WORK, OUTCOME_NO_PUBLIC_SUPPORT };
enum outcome_among { AMONG_ALL = 0, AMONG_WORK_CAPACITY, AMONG_PUBLIC_AT_INTAKE };
const char *outcome_among_code(int among); /* "all", "work_capacity", "public_at_intake" */

struct goal {
	char *id, *insats, *indicator, *text;
	int health_indicator;      /* enum health_indicator, or -1 for an IFS question */
	int outcome;               /* enum outcome_indicator, or -1 */
	int among;                 /* enum outcome_among, for outcome goals */
	int question;              /* codebook question index, or -1 */
	int group;                 /* enum respondent_group; 0 for health goals */
	enum positivity positivity;
	int min_level;             /* for POSITIVITY_MIN_LEVEL */
	int scale_max;             /* the codebook's highest level for the question */
	int has_target;
	double target;
	int min_n;                 /* 0: the file's or the command line's */
};

struct targets {
	struct goal *goals;
	size_t count;
	int min_n;                 /* 0 when the file does not say */
	int vas_min_delta;         /* -1 when the file does not say */
};

/* 0, or a sysexits status with "FILE: goal \"id\": reason" in error. */
int targets_load(const char *path, const struct codebook *codebook, struct targets *targets, char *error,
                 size_t error_size);
void targets_free(struct targets *targets);

#endif
