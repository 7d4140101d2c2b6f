/*
 * health_indicators.h — the derived indicators of a health pair (SPEC §2.2).
 *
 * Promise: the one place that says when a pair counts as improved.  Each function
 * returns 1 (improved), 0 (not improved) or -1 (cannot tell: an item the
 * questionnaire left blank).  A blank never counts as improved; callers count
 * the -1s so the JSON output can show them.  A VAS difference exactly at the
 * minimum counts as better.
 */
#ifndef IFS_HEALTH_INDICATORS_H
#define IFS_HEALTH_INDICATORS_H

#include "record.h"

#define VAS_MIN_DELTA_DEFAULT 10

enum health_indicator {
	HEALTH_LQ_BETTER = 0,   /* "health.lq_better" */
	HEALTH_VAS_BETTER,      /* "health.vas_better" */
	HEALTH_MENTAL_BETTER,   /* "health.mental_better" */
	HEALTH_IMPROVED_ANY,    /* "health.improved_any": any of the three above */
	HEALTH_INDICATOR_COUNT
};

/* "health.lq_better" -> HEALTH_LQ_BETTER; -1 when not a health indicator name. */
int health_indicator_from_name(const char *name);
const char *health_indicator_name(enum health_indicator indicator);

/* Only for kind == HEALTH_PAIR.  vas_min_delta: points, >= 0. */
int health_indicator_value(const struct health_record *pair, enum health_indicator indicator,
                           int vas_min_delta);

#endif
