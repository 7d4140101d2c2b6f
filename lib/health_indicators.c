#include "health_indicators.h"

#include <string.h>

static const char *const indicator_names[HEALTH_INDICATOR_COUNT] = {
	"health.lq_better", "health.vas_better", "health.mental_better", "health.improved_any",
};

int health_indicator_from_name(const char *name)
{
	for (int i = 0; i < HEALTH_INDICATOR_COUNT; i++)
		if (strcmp(name, indicator_names[i]) == 0)
			return i;
	return -1;
}

const char *health_indicator_name(enum health_indicator indicator)
{
	return (unsigned)indicator < HEALTH_INDICATOR_COUNT ? indicator_names[indicator] : "";
}

static int lq_better(const struct health_record *pair)
{
	if (pair->lq == HEALTH_MISSING)
		return -1;
	return pair->lq == LQ_BETTER;
}

static int vas_better(const struct health_record *pair, int vas_min_delta)
{
	if (pair->vas_intake == HEALTH_MISSING || pair->vas_exit == HEALTH_MISSING)
		return -1;
	return (int)pair->vas_exit - (int)pair->vas_intake >= vas_min_delta;
}

static int mental_better(const struct health_record *pair)
{
	if (pair->mental_intake == HEALTH_MISSING || pair->mental_exit == HEALTH_MISSING)
		return -1;
	return pair->mental_exit > pair->mental_intake;
}

int health_indicator_value(const struct health_record *pair, enum health_indicator indicator,
                           int vas_min_delta)
{
	switch (indicator) {
	case HEALTH_LQ_BETTER: return lq_better(pair);
	case HEALTH_VAS_BETTER: return vas_better(pair, vas_min_delta);
	case HEALTH_MENTAL_BETTER: return mental_better(pair);
	case HEALTH_IMPROVED_ANY: {
		/* Improved in any known item counts; only when nothing is known is it unknown,
		 * and a mix of "not better" and blanks is "not better". */
		int values[3] = { lq_better(pair), vas_better(pair, vas_min_delta), mental_better(pair) };
		int known = 0;
		for (int i = 0; i < 3; i++) {
			if (values[i] == 1)
				return 1;
			known += values[i] == 0;
		}
		return known ? 0 : -1;
	}
	default: return -1;
	}
}
