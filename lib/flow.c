/* flow.c — counting courses by what happened to them in a period. */
#include "flow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "text_fold.h"

enum { ALL, WOMEN, MEN };

struct insats_courses {
	uint32_t insats;
	const struct course_record **courses;
	size_t count;
};

static const struct string_pool *sort_pool;

static int by_name(const void *a, const void *b)
{
	const struct insats_courses *x = a, *y = b;
	return strcmp(string_pool_get(sort_pool, x->insats), string_pool_get(sort_pool, y->insats));
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int add_row(struct flow_row **rows, size_t *count, size_t *capacity, uint32_t insats, const char *measure,
                   const char *category, int is_days)
{
	if (*count == *capacity) {
		size_t grown = *capacity ? *capacity * 2 : 64;
		struct flow_row *more = realloc(*rows, grown * sizeof *more);
		if (!more)
			return -1;
		*rows = more;
		*capacity = grown;
	}
	struct flow_row *r = &(*rows)[(*count)++];
	memset(r, 0, sizeof *r);
	r->insats = insats;
	r->measure = measure;
	r->category = category;
	r->is_days = is_days;
	return 0;
}

static void count_in(struct flow_row *r, uint8_t gender)
{
	r->value[ALL]++;
	if (gender == GENDER_WOMAN)
		r->value[WOMEN]++;
	else if (gender == GENDER_MAN)
		r->value[MEN]++;
}

/* median and mean of values[0..n) into row values at index cell; NAN for none (a
 * zero would read as courses that ended the day they began) */
static void summarise(double *values, size_t n, struct flow_row *median, struct flow_row *mean, int cell)
{
	if (n == 0) {
		median->value[cell] = mean->value[cell] = NAN;
		return;
	}
	qsort(values, n, sizeof *values, by_value);
	median->value[cell] = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += values[i];
	mean->value[cell] = sum / (double)n;
}

static int insats_rows(const struct insats_courses *group, uint32_t from, uint32_t to, struct flow_row **rows,
                       size_t *count, size_t *capacity)
{
	static const char *const flow[] = {"start", "new", "ended", "end"};
	size_t first = *count;
	for (int i = 0; i < 4; i++)
		if (add_row(rows, count, capacity, group->insats, "flow", flow[i], 0) < 0)
			return -1;
	size_t reasons = *count;
	for (int i = 0; i < END_REASON_COUNT; i++)
		if (add_row(rows, count, capacity, group->insats, "end_reason", end_reason_code((enum end_reason)i), 0) < 0)
			return -1;
	if (add_row(rows, count, capacity, group->insats, "end_reason", "ej_angiven", 0) < 0)
		return -1;
	size_t referrers = *count;
	for (int i = 1; i < REFERRER_COUNT; i++)
		if (add_row(rows, count, capacity, group->insats, "referrer", referrer_code((enum referrer)i), 0) < 0)
			return -1;
	if (add_row(rows, count, capacity, group->insats, "referrer", "ej_angiven", 0) < 0)
		return -1;
	size_t supports[2];
	for (int side = 0; side < 2; side++) {
		supports[side] = *count;
		const char *measure = side ? "support_exit" : "support_intake";
		for (int i = 0; i < SUPPORT_COUNT; i++)
			if (add_row(rows, count, capacity, group->insats, measure, support_code((enum support)i), 0) < 0)
				return -1;
		if (add_row(rows, count, capacity, group->insats, measure, "ej_angiven", 0) < 0)
			return -1;
	}
	size_t lengths = *count;
	if (add_row(rows, count, capacity, group->insats, "length", "median", 1) < 0 ||
	    add_row(rows, count, capacity, group->insats, "length", "mean", 1) < 0)
		return -1;
	double *days[3];
	size_t day_count[3] = {0, 0, 0};
	for (int c = 0; c < 3; c++)
		days[c] = malloc((group->count ? group->count : 1) * sizeof *days[c]);
	if (!days[0] || !days[1] || !days[2]) {
		for (int c = 0; c < 3; c++)
			free(days[c]);
		return -1;
	}
	struct flow_row *r = *rows;
	for (size_t i = 0; i < group->count; i++) {
		const struct course_record *course = group->courses[i];
		uint32_t end = course->end_date;
		/* A course begun on the first day is new, not also there at the start; one
		 * ended on the last day has ended, not also gone on: start + new - ended = end. */
		int at_start = course->start_date < from && (end == 0 || end >= from);
		int is_new = course->start_date >= from && course->start_date <= to;
		int ended = end && end >= from && end <= to;
		int at_end = course->start_date <= to && (end == 0 || end > to);
		if (at_start)
			count_in(&r[first], course->gender);
		if (is_new)
			count_in(&r[first + 1], course->gender);
		if (ended)
			count_in(&r[first + 2], course->gender);
		if (at_end)
			count_in(&r[first + 3], course->gender);
		if (ended) {
			for (int k = 0; k < END_REASON_COUNT; k++)
				if (course->end_reasons >> k & 1)
					count_in(&r[reasons + (size_t)k], course->gender);
			if (!course->end_reasons)
				count_in(&r[reasons + END_REASON_COUNT], course->gender);
			double length = (double)(date_day_number(end) - date_day_number(course->start_date));
			days[ALL][day_count[ALL]++] = length;
			if (course->gender == GENDER_WOMAN)
				days[WOMEN][day_count[WOMEN]++] = length;
			else if (course->gender == GENDER_MAN)
				days[MEN][day_count[MEN]++] = length;
			if (!(course->flags & COURSE_SUPPORT_EXIT_KNOWN))
				count_in(&r[supports[1] + SUPPORT_COUNT], course->gender);
			for (int k = 0; k < SUPPORT_COUNT; k++)
				if (course->support_exit >> k & 1)
					count_in(&r[supports[1] + (size_t)k], course->gender);
		}
		if (is_new) {
			count_in(&r[referrers + (course->referrer ? course->referrer - 1u : REFERRER_COUNT - 1u)], course->gender);
			if (!(course->flags & COURSE_SUPPORT_INTAKE_KNOWN))
				count_in(&r[supports[0] + SUPPORT_COUNT], course->gender);
			for (int k = 0; k < SUPPORT_COUNT; k++)
				if (course->support_intake >> k & 1)
					count_in(&r[supports[0] + (size_t)k], course->gender);
		}
	}
	for (int c = 0; c < 3; c++) {
		summarise(days[c], day_count[c], &r[lengths], &r[lengths + 1], c);
		free(days[c]);
	}
	return 0;
}

/*
 * For every insats string id of the courses, the first id met whose name folds
 * alike ("Enter", "enter", "ENTER " are one insats, as ifs-shares matches them).
 * Indexed by string id; NULL when memory ran out.
 */
static uint32_t *canonical_insats(const struct course_record *courses, size_t course_count,
                                  const struct string_pool *pool)
{
	uint32_t largest = 0;
	for (size_t i = 0; i < course_count; i++)
		if (courses[i].insats > largest)
			largest = courses[i].insats;
	uint32_t *canonical = malloc(((size_t)largest + 1) * sizeof *canonical);
	uint32_t *named = malloc(((size_t)largest + 1) * sizeof *named); /* the distinct canonical ids */
	if (!canonical || !named) {
		free(canonical);
		free(named);
		return NULL;
	}
	for (size_t id = 0; id <= largest; id++)
		canonical[id] = UINT32_MAX;
	size_t distinct = 0;
	for (size_t i = 0; i < course_count; i++) {
		uint32_t id = courses[i].insats;
		if (canonical[id] != UINT32_MAX)
			continue;
		canonical[id] = id;
		for (size_t k = 0; k < distinct; k++)
			if (text_fold_equal(string_pool_get(pool, named[k]), string_pool_get(pool, id))) {
				canonical[id] = named[k];
				break;
			}
		if (canonical[id] == id)
			named[distinct++] = id;
	}
	free(named);
	return canonical;
}

static int too_few(double value, int min_n) { return value > 0 && value < min_n; }

/* Counts of an insats that add up, in each column: a total and the parts it is made of
 * (or, for the flow, start + new - ended = end). */
#define PARTS_MAX 32
struct sum_group {
	struct flow_row *row[PARTS_MAX];
	size_t size;
};

/* The group of total (a flow row's category) and the rows of measure, of insats. */
static void gather(struct flow_row *rows, size_t count, uint32_t insats, const char *total, const char *measure,
                   struct sum_group *group)
{
	group->size = 0;
	for (size_t j = 0; j < count && group->size < PARTS_MAX; j++)
		if (rows[j].insats == insats && strcmp(rows[j].measure, "flow") == 0 && strcmp(rows[j].category, total) == 0)
			group->row[group->size++] = &rows[j];
	if (group->size != 1) {
		group->size = 0;
		return;
	}
	for (size_t j = 0; j < count && group->size < PARTS_MAX; j++)
		if (rows[j].insats == insats && strcmp(rows[j].measure, measure) == 0)
			group->row[group->size++] = &rows[j];
}

/* A gender's count masked takes the other's with it, and a masked total both (the
 * total would give one away).  1 when it masked any. */
static int pair_genders(struct sum_group *groups, size_t group_count)
{
	int changed = 0;
	for (size_t g = 0; g < group_count; g++)
		for (size_t k = 0; k < groups[g].size; k++) {
			double *v = groups[g].row[k]->value;
			if (isnan(v[WOMEN]) != isnan(v[MEN]) || (isnan(v[ALL]) && !isnan(v[WOMEN]))) {
				v[WOMEN] = v[MEN] = NAN;
				changed = 1;
			}
		}
	return changed;
}

/* In column c of group, a count masked alone would follow from the others: the
 * smallest other that is not 0 (else a 0) is masked with it.  1 when it masked one. */
static int complement_column(struct sum_group *group, int c)
{
	size_t masked = 0, pick = SIZE_MAX;
	for (size_t k = 0; k < group->size; k++) {
		double v = group->row[k]->value[c];
		if (isnan(v))
			masked++;
		else if (pick == SIZE_MAX || (group->row[pick]->value[c] == 0 && v > 0) ||
		         (v > 0 && v < group->row[pick]->value[c]))
			pick = k;
	}
	if (masked != 1 || pick == SIZE_MAX)
		return 0;
	group->row[pick]->value[c] = NAN;
	return 1;
}

/*
 * The counts of an insats that add up: start + new - ended = end; the new by referrer
 * and by support at intake make new, the ended by end reason and by support at exit
 * make ended (where a course has several reasons or kinds of support they make more,
 * but a register of one each is common).  A count masked alone in such a group, in
 * any column, is masked with another; then the genders are paired again.  One at a
 * time, women's column first: a complement in one gender's column, paired, often
 * settles the other's.
 */
static void mask_complements(struct flow_row *rows, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(rows[i].measure, "flow") != 0 || strcmp(rows[i].category, "start") != 0)
			continue;
		uint32_t insats = rows[i].insats;
		struct sum_group groups[5];
		size_t group_count = 0;
		struct sum_group *flow = &groups[0]; /* start, new, ended, end */
		flow->size = 0;
		for (size_t j = 0; j < count && flow->size < PARTS_MAX; j++)
			if (rows[j].insats == insats && strcmp(rows[j].measure, "flow") == 0)
				flow->row[flow->size++] = &rows[j];
		group_count += flow->size == 4;
		static const char *const parts[4][2] = {
			{"new", "referrer"}, {"new", "support_intake"}, {"ended", "end_reason"}, {"ended", "support_exit"}};
		for (int p = 0; p < 4; p++) {
			gather(rows, count, insats, parts[p][0], parts[p][1], &groups[group_count]);
			group_count += groups[group_count].size > 1;
		}
		static const int column_order[3] = {WOMEN, MEN, ALL};
		for (;;) {
			while (pair_genders(groups, group_count))
				;
			int complemented = 0;
			for (int o = 0; o < 3 && !complemented; o++)
				for (size_t g = 0; g < group_count && !complemented; g++)
					complemented = complement_column(&groups[g], column_order[o]);
			if (!complemented)
				break;
		}
	}
}

void flow_suppress(struct flow_row *rows, size_t count, int min_n)
{
	/* the ended courses of each insats, for its lengths, before they are masked */
	for (size_t i = 0; i < count; i++) {
		struct flow_row *r = &rows[i];
		if (!r->is_days)
			continue;
		for (size_t j = 0; j < count; j++)
			if (rows[j].insats == r->insats && strcmp(rows[j].measure, "flow") == 0 &&
			    strcmp(rows[j].category, "ended") == 0) {
				int genders = too_few(rows[j].value[ALL], min_n) || too_few(rows[j].value[WOMEN], min_n) ||
				              too_few(rows[j].value[MEN], min_n);
				for (int c = 0; c < 3; c++)
					if (rows[j].value[c] < min_n || (c > 0 && genders))
						r->value[c] = NAN;
			}
	}
	for (size_t i = 0; i < count; i++) {
		struct flow_row *r = &rows[i];
		if (r->is_days)
			continue;
		int all = too_few(r->value[ALL], min_n), genders = too_few(r->value[WOMEN], min_n) || too_few(r->value[MEN], min_n);
		/* women and men beside the total give away those of other or unstated gender */
		double others = r->value[ALL] - r->value[WOMEN] - r->value[MEN];
		if (all)
			r->value[ALL] = NAN;
		if (all || genders || (others > 0 && others < min_n))
			r->value[WOMEN] = r->value[MEN] = NAN;
	}
	mask_complements(rows, count);
}

struct flow_row *flow_compute(const struct course_record *courses, size_t course_count,
                              const struct string_pool *pool, uint32_t from, uint32_t to, size_t *count)
{
	struct insats_courses *groups = NULL;
	size_t group_count = 0;
	const struct course_record **order = malloc((course_count ? course_count : 1) * sizeof *order);
	struct flow_row *rows = NULL;
	size_t capacity = 0;
	*count = 0;
	uint32_t *canonical = order ? canonical_insats(courses, course_count, pool) : NULL;
	if (!canonical) {
		free(order);
		return NULL;
	}
	/* Group by insats: a stable pass per distinct insats (few of them), under the
	 * spelling it was first met in. */
	size_t placed = 0;
	for (size_t i = 0; i < course_count; i++) {
		size_t g = 0;
		while (g < group_count && groups[g].insats != canonical[courses[i].insats])
			g++;
		if (g < group_count)
			continue;
		struct insats_courses *more = realloc(groups, (group_count + 1) * sizeof *more);
		if (!more)
			goto out_of_memory;
		groups = more;
		groups[group_count].insats = canonical[courses[i].insats];
		groups[group_count].courses = order + placed;
		groups[group_count].count = 0;
		for (size_t j = i; j < course_count; j++)
			if (canonical[courses[j].insats] == canonical[courses[i].insats])
				order[placed + groups[group_count].count++] = &courses[j];
		placed += groups[group_count].count;
		group_count++;
	}
	sort_pool = pool;
	if (group_count)
		qsort(groups, group_count, sizeof *groups, by_name);
	rows = malloc(64 * sizeof *rows);
	capacity = 64;
	if (!rows)
		goto out_of_memory;
	for (size_t g = 0; g < group_count; g++)
		if (insats_rows(&groups[g], from, to, &rows, count, &capacity) < 0)
			goto out_of_memory;
	free(canonical);
	free(groups);
	free(order);
	return rows;
out_of_memory:
	free(canonical);
	free(groups);
	free(order);
	free(rows);
	return NULL;
}
