#include "shares.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "answer_set.h"
#include "course_set.h"
#include "dates.h"
#include "health_indicators.h"
#include "place_names.h"
#include "questionnaire_set.h"
#include "text_fold.h"

#define MIN_N_DEFAULT 5
/* Shares are ratios of whole numbers; this keeps 3/4 "exactly at" 0.75. */
#define EPSILON 1e-12

const char *verdict_code(enum verdict verdict)
{
	switch (verdict) {
	case VERDICT_TOO_FEW: return "too_few";
	case VERDICT_MET: return "met";
	case VERDICT_WITHIN_MARGIN: return "within_margin";
	case VERDICT_NOT_MET: return "not_met";
	case VERDICT_NONE: break;
	}
	return "none";
}

void wilson_interval(uint64_t pos, uint64_t n, double *low, double *high)
{
	double nn = (double)n, p = (double)pos / nn, z2 = WILSON_Z * WILSON_Z;
	double denominator = 1.0 + z2 / nn;
	double centre = (p + z2 / (2.0 * nn)) / denominator;
	double half = WILSON_Z * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denominator;
	*low = centre - half < 0.0 ? 0.0 : centre - half;
	*high = centre + half > 1.0 ? 1.0 : centre + half;
	if (pos == 0)
		*low = 0.0;
	if (pos == n)
		*high = 1.0;
}

enum verdict share_verdict(int has_target, double target, uint64_t n, int min_n, double share, double ci_high)
{
	if (!has_target)
		return VERDICT_NONE;
	if (n < (uint64_t)min_n)
		return VERDICT_TOO_FEW;
	if (share >= target - EPSILON)
		return VERDICT_MET;
	if (target <= ci_high + EPSILON)
		return VERDICT_WITHIN_MARGIN;
	return VERDICT_NOT_MET;
}

struct goal_tally {
	struct share_cell cell[CELL_COUNT];
	uint64_t pairs, persons;
	uint64_t ended[CELL_COUNT]; /* register goals: the courses of the insats that ended in the period */
	uint64_t register_ended;    /* questionnaire goals: courses of the insats ended in the goal's own period */
	int scale_max;
	int seen_insats, seen_indicator;
	int in_register; /* a course of the goal's insats, ended or not, is in the register data */
};

#define QUEUED_QUESTIONNAIRES 8

struct shares {
	const struct targets *targets;
	struct period period;
	int min_n, vas_min_delta, suppress;
	size_t words;                /* 64-bit words per goal mask */
	uint64_t *health_goals;      /* mask of the health goals */
	/* per pool string id, filled lazily: goals whose insats / indicator it is */
	uint64_t *insats_mask, *question_mask;
	uint8_t *insats_marked;      /* bit 1: IFS seen, bit 2: health seen, bit 4: every question goal's indicator seen */
	uint8_t *insats_groups;      /* per insats, a bit per respondent group some question goal of it counts */
	uint32_t known_ids;
	struct goal_tally *tally;
	uint32_t ifs_first, ifs_last, health_first, health_last;
	uint32_t ifs_read_from; /* shares_read_from(): IFS rows before this day were not read */
	/* Identified questionnaires dated before this day are counted as they come, never
	 * checked for repeats: the later answer date is kept, so none of them can displace
	 * or outweigh one of a period (the earliest first day of the periods whose answers
	 * this one keeps: shares_count_with). */
	uint32_t repeats_from;
	struct share_result *results;
	/* Answers of identified respondents, counted once at the end (answer_set.h). */
	struct answer_set *answers;
	struct answer_set *persons; /* (goal, participant) of the health pairs counted */
	struct questionnaire_set *questionnaires; /* identified respondents' questionnaires, counted at the end */
	/* Insats and förbund names as people mean them ("FIA", "fia ", "Fia" one insats, as
	 * goals match them): a pool id's stand-in, the id its folded name was first met
	 * under (UINT32_MAX: not yet asked), so that a repeat is one whatever the spelling. */
	uint32_t *place_of;
	struct place_names places; /* a folded name's pool id, its first spelling's */
	/* The last few of them, offered to the set in order a few records later: each one's
	 * slot in the set's table (a cache miss in a large table) is asked for as it comes,
	 * and has arrived by the time it is offered. */
	struct questionnaire_record pending[QUEUED_QUESTIONNAIRES];
	size_t pending_first, pending_count;
	/* Another period's shares over the same records, which keeps the identified
	 * answers for both (shares_count_with): NULL, or where they are read at the end. */
	struct shares *kept_by;
	int keeps_for_others; /* some other shares' kept_by is this one: its set is counted more than once */
	int logs;             /* shares_new_twin(): its questionnaires are only logged, for shares_adopt() */
	int adopted;          /* a twin whose counts shares_adopt() took */
	int has_courses;            /* register data in the input: response rates can be given */
	struct course_set *courses; /* the register's courses, each once, counted at the end */
	uint64_t repeats, conflicts, course_repeats, course_updates;
	uint64_t anonymous; /* questionnaires and answers whose respondent is a row number */
	int answers_tallied;
	int threads;      /* shares_set_threads() */
	int threads_used; /* by settle_and_count() */
};

struct shares *shares_new(const struct targets *targets, const struct period *period, int min_n,
                          int vas_min_delta, int suppress)
{
	struct shares *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->targets = targets;
	s->period = *period;
	s->min_n = min_n;
	s->vas_min_delta = vas_min_delta >= 0 ? vas_min_delta : targets->vas_min_delta;
	s->suppress = suppress;
	s->repeats_from = shares_ifs_first_day(s);
	s->words = (targets->count + 63) / 64;
	s->health_goals = calloc(s->words ? s->words : 1, sizeof *s->health_goals);
	s->tally = calloc(targets->count ? targets->count : 1, sizeof *s->tally);
	s->results = calloc(targets->count ? targets->count : 1, sizeof *s->results);
	if (!s->health_goals || !s->tally || !s->results) {
		shares_free(s);
		return NULL;
	}
	for (size_t g = 0; g < targets->count; g++)
		if (targets->goals[g].health_indicator >= 0)
			s->health_goals[g / 64] |= UINT64_C(1) << (g % 64);
	return s;
}

void shares_free(struct shares *s)
{
	if (!s)
		return;
	free(s->health_goals);
	free(s->insats_mask);
	free(s->question_mask);
	free(s->insats_marked);
	free(s->insats_groups);
	free(s->place_of);
	place_names_clear(&s->places);
	free(s->tally);
	free(s->results);
	answer_set_free(s->answers);
	answer_set_free(s->persons);
	course_set_free(s->courses);
	questionnaire_set_free(s->questionnaires);
	free(s);
}

/* Masks for string ids the pool gained since the last record. */
static int learn_strings(struct shares *s, const struct string_pool *pool)
{
	uint32_t count = string_pool_count(pool);
	if (count <= s->known_ids)
		return 0;
	uint64_t *insats = realloc(s->insats_mask, (size_t)count * s->words * sizeof *insats);
	if (insats)
		s->insats_mask = insats;
	uint64_t *question = realloc(s->question_mask, (size_t)count * s->words * sizeof *question);
	if (question)
		s->question_mask = question;
	uint8_t *marked = realloc(s->insats_marked, count);
	if (marked)
		s->insats_marked = marked;
	uint8_t *groups = realloc(s->insats_groups, count);
	if (groups)
		s->insats_groups = groups;
	uint32_t *place_of = realloc(s->place_of, (size_t)count * sizeof *place_of);
	if (place_of)
		s->place_of = place_of;
	if (!insats || !question || !marked || !groups || !place_of)
		return -1;
	for (uint32_t id = s->known_ids; id < count; id++) {
		const char *text = string_pool_get(pool, id);
		uint64_t *im = s->insats_mask + (size_t)id * s->words, *qm = s->question_mask + (size_t)id * s->words;
		memset(im, 0, s->words * sizeof *im);
		memset(qm, 0, s->words * sizeof *qm);
		s->insats_marked[id] = 0;
		s->insats_groups[id] = 0;
		s->place_of[id] = UINT32_MAX;
		for (size_t g = 0; g < s->targets->count; g++) {
			const struct goal *goal = &s->targets->goals[g];
			if (text_fold_equal(text, goal->insats)) {
				im[g / 64] |= UINT64_C(1) << (g % 64);
				if (goal->question >= 0 && goal->group >= 0 && goal->group < 8)
					s->insats_groups[id] |= (uint8_t)(1u << goal->group);
			}
			if (goal->question >= 0 && strcmp(text, goal->indicator) == 0)
				qm[g / 64] |= UINT64_C(1) << (g % 64);
		}
	}
	s->known_ids = count;
	return 0;
}

/* The pool id standing for the insats or förbund name id, however typed: the first
 * spelling met of its folded name.  UINT32_MAX when out of memory (or not a known id). */
static uint32_t place_id(struct shares *s, const struct string_pool *pool, uint32_t id)
{
	if (id >= s->known_ids)
		return UINT32_MAX;
	if (s->place_of[id] != UINT32_MAX)
		return s->place_of[id];
	const char *text = string_pool_get(pool, id);
	uint32_t *first = text ? place_names_slot(&s->places, text) : NULL;
	if (!first)
		return UINT32_MAX;
	if (*first == PLACE_NAMES_NONE)
		*first = id;
	return s->place_of[id] = *first;
}

static int in_period_ifs(const struct period *p, const struct answer_record *a)
{
	switch (p->kind) {
	case PERIOD_YEAR: return a->matar == p->year;
	case PERIOD_RANGE: return a->date >= p->from && a->date <= p->to;
	case PERIOD_SINCE: return a->date >= (uint32_t)(p->year - 1) * 10000 + 1101;
	case PERIOD_ALL: break;
	}
	return 1;
}

uint32_t shares_ifs_first_day(const struct shares *s)
{
	switch (s->period.kind) {
	case PERIOD_YEAR:
	case PERIOD_SINCE: return (uint32_t)(s->period.year - 1) * 10000 + 1101;
	case PERIOD_RANGE: return s->period.from;
	case PERIOD_ALL: break;
	}
	return 0;
}

void shares_read_from(struct shares *s, uint32_t day)
{
	if (day > s->ifs_read_from)
		s->ifs_read_from = day;
}

static int in_period_health(const struct period *p, uint32_t date)
{
	switch (p->kind) {
	case PERIOD_YEAR: return date / 10000 == (uint32_t)p->year;
	case PERIOD_RANGE: return date >= p->from && date <= p->to;
	case PERIOD_SINCE: return date >= (uint32_t)p->year * 10000 + 101;
	case PERIOD_ALL: break;
	}
	return 1;
}

static void widen(uint32_t *first, uint32_t *last, uint32_t date)
{
	if (!date)
		return;
	if (!*first || date < *first)
		*first = date;
	if (date > *last)
		*last = date;
}

static void mark_insats_seen(struct shares *s, uint32_t id, int health)
{
	uint8_t bit = health ? 2 : 1;
	if (s->insats_marked[id] & bit)
		return;
	s->insats_marked[id] |= bit;
	const uint64_t *im = s->insats_mask + (size_t)id * s->words;
	for (size_t g = 0; g < s->targets->count; g++)
		if ((im[g / 64] >> (g % 64) & 1) && s->targets->goals[g].outcome < 0 &&
		    (s->targets->goals[g].health_indicator >= 0) == health)
			s->tally[g].seen_insats = 1;
}

/* The goals of insats mask im asking question: each marks its indicator seen, and
 * counts level in cells when the answer is in its group and the period.  1 when an
 * indicator was seen for the first time. */
static int tally_answer(struct shares *s, const uint64_t *im, uint32_t question, uint8_t level, uint8_t scale_max,
                        uint8_t group, int in_period, const int cells[2])
{
	const uint64_t *qm = s->question_mask + (size_t)question * s->words;
	int newly_seen = 0;
	for (size_t w = 0; w < s->words; w++) {
		uint64_t mask = im[w] & qm[w];
		while (mask) {
			size_t g = w * 64 + (size_t)__builtin_ctzll(mask);
			mask &= mask - 1;
			struct goal_tally *t = &s->tally[g];
			newly_seen |= !t->seen_indicator;
			t->seen_indicator = 1;
			if (group != s->targets->goals[g].group || !in_period)
				continue;
			if (scale_max > t->scale_max)
				t->scale_max = scale_max;
			for (int c = 0; c < 2 && cells[c] >= 0; c++) {
				if (level <= LEVEL_MAX)
					t->cell[cells[c]].levels[level]++;
				else
					t->cell[cells[c]].missing++;
			}
		}
	}
	return newly_seen;
}

/* Whether some goal counts answers about insats mask im. */
static int has_goal(const struct shares *s, const uint64_t *im)
{
	for (size_t w = 0; w < s->words; w++)
		if (im[w])
			return 1;
	return 0;
}

static void add_answer(struct shares *s, const struct answer_record *a)
{
	widen(&s->ifs_first, &s->ifs_last, a->date);
	if (a->insats >= s->known_ids || a->question >= s->known_ids)
		return;
	const uint64_t *im = s->insats_mask + (size_t)a->insats * s->words;
	if (!has_goal(s, im))
		return;
	mark_insats_seen(s, a->insats, 0);
	int cells[2] = {CELL_ALL, a->gender == GENDER_WOMAN ? CELL_WOMEN : a->gender == GENDER_MAN ? CELL_MEN : -1};
	tally_answer(s, im, a->question, a->level, a->scale_max, a->group, in_period_ifs(&s->period, a), cells);
}

/* add_answer() for each answer q holds, with what the answers share (the date, the
 * period, the insats's goals, the cells) worked out once per questionnaire: a million
 * of them are counted at the end of a large export. */
static void add_questionnaire(struct shares *s, const struct questionnaire_record *q)
{
	size_t first = 0;
	while (first < q->count && q->levels[first] == LEVEL_ABSENT)
		first++;
	if (first == q->count)
		return; /* no answer: as add_answer, not even the period widens */
	widen(&s->ifs_first, &s->ifs_last, q->date);
	if (q->insats >= s->known_ids)
		return;
	const uint64_t *im = s->insats_mask + (size_t)q->insats * s->words;
	if (!has_goal(s, im))
		return;
	int marked = 0, newly_seen = 0;
	const struct answer_record when = {.date = q->date, .matar = q->matar};
	int in_period = in_period_ifs(&s->period, &when);
	/* Out of the period, or of a group no goal counts, a questionnaire only marks its
	 * goals' indicators seen: once all are, it has nothing left to do (most of a
	 * cumulative export's questionnaires, in other years). */
	int counts = in_period && q->group < 8 && (s->insats_groups[q->insats] >> q->group & 1);
	if (!counts && (s->insats_marked[q->insats] & 4))
		return;
	int cells[2] = {CELL_ALL, q->gender == GENDER_WOMAN ? CELL_WOMEN : q->gender == GENDER_MAN ? CELL_MEN : -1};
	for (size_t i = first; i < q->count; i++) {
		if (q->levels[i] == LEVEL_ABSENT || q->questions[i] >= s->known_ids)
			continue;
		if (!marked)
			mark_insats_seen(s, q->insats, 0), marked = 1;
		newly_seen |= tally_answer(s, im, q->questions[i], q->levels[i], q->scale_max[i], q->group, in_period, cells);
	}
	if (newly_seen) {
		int all_seen = 1;
		for (size_t g = 0; g < s->targets->count && all_seen; g++)
			if ((im[g / 64] >> (g % 64) & 1) && s->targets->goals[g].question >= 0 && !s->tally[g].seen_indicator)
				all_seen = 0;
		if (all_seen)
			s->insats_marked[q->insats] |= 4;
	}
}

/* A participant who went through an insats twice gives two pairs but is one
 * person: each goal counts the distinct participants of its pairs too.  -1: out of memory. */
static int count_person(struct shares *s, struct goal_tally *t, size_t goal, uint32_t participant)
{
	if (!s->persons && !(s->persons = answer_set_new()))
		return -1;
	struct answer_record key = {.respondent = participant, .insats = (uint32_t)goal};
	int offered = answer_set_offer(s->persons, &key);
	if (offered < 0)
		return -1;
	t->persons += offered == ANSWER_NEW;
	return 0;
}

static int add_health(struct shares *s, const struct health_record *h)
{
	uint32_t date = h->kind == HEALTH_INTAKE_ONLY ? h->intake_date : h->exit_date;
	widen(&s->health_first, &s->health_last, date);
	if (h->insats >= s->known_ids)
		return 0;
	const uint64_t *im = s->insats_mask + (size_t)h->insats * s->words;
	int delta = s->vas_min_delta >= 0 ? s->vas_min_delta : h->vas_min_delta;
	for (size_t w = 0; w < s->words; w++) {
		uint64_t mask = im[w] & s->health_goals[w];
		if (!mask)
			continue;
		mark_insats_seen(s, h->insats, 1);
		while (mask) {
			size_t g = w * 64 + (size_t)__builtin_ctzll(mask);
			mask &= mask - 1;
			struct goal_tally *t = &s->tally[g];
			if (h->kind == HEALTH_PAIR)
				t->seen_indicator = 1;
			if (!in_period_health(&s->period, date))
				continue;
			if (h->kind == HEALTH_PAIR && count_person(s, t, g, h->participant) < 0)
				return -1;
			int cells[2] = {CELL_ALL, h->gender == GENDER_WOMAN ? CELL_WOMEN : h->gender == GENDER_MAN ? CELL_MEN : -1};
			for (int c = 0; c < 2 && cells[c] >= 0; c++) {
				struct share_cell *cell = &t->cell[cells[c]];
				if (h->kind == HEALTH_INTAKE_ONLY) {
					cell->intake_only++;
					continue;
				}
				if (h->kind == HEALTH_EXIT_ONLY) {
					cell->exit_only++;
					continue;
				}
				if (c == 0)
					t->pairs++;
				int value = health_indicator_value(h, (enum health_indicator)s->targets->goals[g].health_indicator, delta);
				if (value < 0) {
					cell->unknown++;
				} else {
					cell->n++;
					cell->pos += (uint64_t)value;
				}
				for (int k = 0; k < 3; k++)
					cell->improved[k] += health_indicator_value(h, (enum health_indicator)k, delta) == 1;
			}
		}
	}
	return 0;
}

/*
 * A health pair (or bortfall) given again — a stream concatenated twice — counts
 * once.  Its key folds the kind and both dates into the question field, above
 * every string id, so two rounds of one participant stay two pairs.  1: count it;
 * 0: a repeat; -1: out of memory.
 */
static int health_once(struct shares *s, const struct string_pool *pool, const struct health_record *h)
{
	if (!s->answers && !(s->answers = answer_set_new()))
		return -1;
	uint32_t insats = place_id(s, pool, h->insats);
	if (insats == UINT32_MAX) {
		errno = ENOMEM;
		return -1;
	}
	uint32_t dates = (uint32_t)(((uint64_t)h->intake_date * 2654435761u) ^ ((uint64_t)h->exit_date * 40503u) ^ h->kind);
	struct answer_record key = {.respondent = h->participant, .insats = insats,
	                            .question = UINT32_C(0x80000000) | (dates & UINT32_C(0x7fffffff)),
	                            .date = h->exit_date, .forbund = h->intake_date, .gender = h->gender,
	                            .level = h->kind};
	int offered = answer_set_offer(s->answers, &key);
	if (offered < 0)
		return -1;
	if (offered == ANSWER_IDENTICAL) {
		s->repeats++;
		return 0;
	}
	return 1;
}

/* A course of the register: every outcome goal of its insats counts it when it
 * ended in the period (calendar years, by the end date, as health pairs). */
static void add_course(struct shares *s, const struct course_record *c)
{
	if (c->insats >= s->known_ids)
		return;
	const uint64_t *im = s->insats_mask + (size_t)c->insats * s->words;
	for (size_t g = 0; g < s->targets->count; g++)
		if (im[g / 64] >> (g % 64) & 1)
			s->tally[g].in_register = 1;
	if (!c->end_date)
		return;
	widen(&s->health_first, &s->health_last, c->end_date);
	const uint16_t to_work = 1u << END_ARBETE | 1u << END_ARBETE_SUBVENTIONERAT;
	const uint16_t to_work_or_studies = to_work | 1u << END_STUDIER;
	s->has_courses = 1;
	/* the same course in a questionnaire goal's own period: mätår for IFS, calendar year for health */
	struct answer_record as_answer = {.date = c->end_date, .matar = (uint16_t)date_matar(c->end_date)};
	for (size_t g = 0; g < s->targets->count; g++) {
		const struct goal *goal = &s->targets->goals[g];
		if (!(im[g / 64] >> (g % 64) & 1) || goal->outcome >= 0)
			continue;
		if (goal->health_indicator >= 0 ? in_period_health(&s->period, c->end_date)
		                                 : goal->group == GROUP_AVSLUT && in_period_ifs(&s->period, &as_answer))
			s->tally[g].register_ended++;
	}
	for (size_t g = 0; g < s->targets->count; g++) {
		const struct goal *goal = &s->targets->goals[g];
		if (goal->outcome < 0 || !(im[g / 64] >> (g % 64) & 1))
			continue;
		struct goal_tally *t = &s->tally[g];
		t->seen_insats = t->seen_indicator = 1;
		if (!in_period_health(&s->period, c->end_date))
			continue;
		int cells[2] = {CELL_ALL, c->gender == GENDER_WOMAN ? CELL_WOMEN : c->gender == GENDER_MAN ? CELL_MEN : -1};
		for (int k = 0; k < 2 && cells[k] >= 0; k++)
			t->ended[cells[k]]++;
		if (goal->among == AMONG_WORK_CAPACITY && c->work_capacity != WORK_CAPACITY_YES)
			continue;
		if (goal->among == AMONG_PUBLIC_AT_INTAKE &&
		    !((c->flags & COURSE_SUPPORT_INTAKE_KNOWN) && (c->support_intake & SUPPORT_PUBLIC_MASK)))
			continue;
		int value;
		if (goal->outcome == OUTCOME_NO_PUBLIC_SUPPORT)
			value = !(c->flags & COURSE_SUPPORT_EXIT_KNOWN) ? -1 : !(c->support_exit & SUPPORT_PUBLIC_MASK);
		else if (c->flags & COURSE_END_REASON_UNREADABLE)
			value = -1; /* "arbete med stöd" the codebook does not know: not a no */
		else
			value = (c->end_reasons & (goal->outcome == OUTCOME_WORK ? to_work : to_work_or_studies)) != 0;
		for (int k = 0; k < 2 && cells[k] >= 0; k++) {
			struct share_cell *cell = &t->cell[cells[k]];
			if (value < 0) {
				cell->unknown++; /* support at exit not given: cannot be told */
			} else {
				cell->n++;
				cell->pos += (uint64_t)value;
			}
		}
	}
}

/* Whether some question goal counts q's insats and group (its answers, once). */
static int counted_by_a_goal(const struct shares *s, const struct questionnaire_record *q)
{
	return q->insats < s->known_ids && q->group < 8 && (s->insats_groups[q->insats] >> q->group & 1);
}

static struct questionnaire_set *new_questionnaire_set(const struct shares *s)
{
	return s->logs ? questionnaire_set_new_log() : questionnaire_set_new();
}

static int offer_questionnaire(struct shares *s, const struct questionnaire_record *q)
{
	if (!s->answers && !(s->answers = answer_set_new()))
		return -1;
	if (!s->questionnaires && !(s->questionnaires = new_questionnaire_set(s)))
		return -1;
	return questionnaire_set_offer(s->questionnaires, q, s->answers, &s->repeats, &s->conflicts);
}

/* Offers the queued questionnaires, oldest first, until at most keep are left. */
static int offer_pending(struct shares *s, size_t keep)
{
	while (s->pending_count > keep) {
		if (offer_questionnaire(s, &s->pending[s->pending_first]) < 0)
			return -1;
		s->pending_first = (s->pending_first + 1) % QUEUED_QUESTIONNAIRES;
		s->pending_count--;
	}
	return 0;
}

static int queue_questionnaire(struct shares *s, const struct string_pool *pool, const struct questionnaire_record *q)
{
	if (offer_pending(s, QUEUED_QUESTIONNAIRES - 1) < 0)
		return -1;
	if (!s->questionnaires && !(s->questionnaires = new_questionnaire_set(s)))
		return -1;
	struct questionnaire_record *copy =
		&s->pending[(s->pending_first + s->pending_count) % QUEUED_QUESTIONNAIRES];
	memcpy(copy, q, offsetof(struct questionnaire_record, levels));
	memcpy(copy->levels, q->levels, q->count);
	if ((copy->insats = place_id(s, pool, q->insats)) == UINT32_MAX ||
	    (copy->forbund = place_id(s, pool, q->forbund)) == UINT32_MAX) {
		errno = ENOMEM;
		return -1;
	}
	/* the form's arrays are the reader's, which may be gone before the copy is offered */
	if (questionnaire_set_own_form(s->questionnaires, copy) < 0)
		return -1;
	s->pending_count++;
	questionnaire_set_prefetch(s->questionnaires, copy);
	return 0;
}

void shares_count_with(struct shares *s, struct shares *keeper)
{
	s->kept_by = keeper != s ? keeper : NULL;
	if (s->kept_by) {
		keeper->keeps_for_others = 1;
		if (s->repeats_from < keeper->repeats_from)
			keeper->repeats_from = s->repeats_from;
	}
}

static void add_cell(struct share_cell *into, const struct share_cell *from)
{
	into->n += from->n;
	into->pos += from->pos;
	for (int l = 0; l <= LEVEL_MAX; l++)
		into->levels[l] += from->levels[l];
	into->missing += from->missing;
	into->unknown += from->unknown;
	for (int c = 0; c < 3; c++)
		into->improved[c] += from->improved[c];
	into->intake_only += from->intake_only;
	into->exit_only += from->exit_only;
}

/* What other counted, added to s's counts: the tallies, the periods seen, the repeats. */
static void add_counts(struct shares *s, const struct shares *other)
{
	for (size_t g = 0; g < s->targets->count; g++) {
		struct goal_tally *t = &s->tally[g];
		const struct goal_tally *from = &other->tally[g];
		for (int c = 0; c < CELL_COUNT; c++) {
			add_cell(&t->cell[c], &from->cell[c]);
			t->ended[c] += from->ended[c];
		}
		t->pairs += from->pairs;
		t->persons += from->persons;
		t->register_ended += from->register_ended;
		if (from->scale_max > t->scale_max)
			t->scale_max = from->scale_max;
		t->seen_insats |= from->seen_insats;
		t->seen_indicator |= from->seen_indicator;
		t->in_register |= from->in_register;
	}
	widen(&s->ifs_first, &s->ifs_last, other->ifs_first);
	widen(&s->ifs_first, &s->ifs_last, other->ifs_last);
	widen(&s->health_first, &s->health_last, other->health_first);
	widen(&s->health_first, &s->health_last, other->health_last);
	s->repeats += other->repeats;
	s->conflicts += other->conflicts;
	s->anonymous += other->anonymous;
	s->has_courses |= other->has_courses;
}

static void count_survivor(void *context, const struct questionnaire_record *q) { add_questionnaire(context, q); }

/* The answers kept in answers, each counted once (health keys are counted as they come). */
static void add_answers(struct shares *s, const struct answer_set *answers)
{
	for (size_t slot = 0; slot < answer_set_slots(answers); slot++) {
		const struct answer_record *answer = answer_set_slot(answers, slot);
		if (answer && !(answer->question & UINT32_C(0x80000000)))
			add_answer(s, answer);
	}
}

void shares_set_threads(struct shares *s, int threads) { s->threads = threads; }

int shares_threads_used(const struct shares *s) { return s->threads_used ? s->threads_used : 1; }

/* Shares that count for s on a second thread: s's targets, period and string masks,
 * tallies of their own.  NULL when out of memory. */
static struct shares *shares_new_helper(const struct shares *s)
{
	struct shares *helper = shares_new(s->targets, &s->period, s->min_n, s->vas_min_delta, s->suppress);
	if (!helper)
		return NULL;
	size_t ids = s->known_ids ? s->known_ids : 1, masks = ids * s->words * sizeof(uint64_t);
	helper->insats_mask = malloc(masks);
	helper->question_mask = malloc(masks);
	helper->insats_marked = calloc(ids, 1);
	helper->insats_groups = malloc(ids);
	helper->answers = answer_set_new();
	if (!helper->insats_mask || !helper->question_mask || !helper->insats_marked || !helper->insats_groups ||
	    !helper->answers) {
		shares_free(helper);
		return NULL;
	}
	if (s->known_ids) {
		memcpy(helper->insats_mask, s->insats_mask, masks);
		memcpy(helper->question_mask, s->question_mask, masks);
		memcpy(helper->insats_groups, s->insats_groups, s->known_ids);
	}
	helper->known_ids = s->known_ids;
	return helper;
}

/* A helper's half of the set, settled and counted where it runs. */
struct settle_half {
	struct shares *helper;
	int failed, error;
};

static void *settle_half(void *context)
{
	struct settle_half *half = context;
	struct shares *h = half->helper;
	errno = 0;
	if (questionnaire_set_settle_each(h->questionnaires, h->answers, &h->repeats, &h->conflicts, count_survivor,
	                                  h) < 0) {
		half->failed = 1;
		half->error = errno ? errno : ENOMEM;
	}
	return NULL;
}

/*
 * s's identified questionnaires settled and each kept one counted once, as its
 * partition settles.  On two threads when the set spilled and nothing else is in
 * s's answer_set (health keys, answer records, answers split off before the set
 * spilled): then the helper's answers are all of its own partitions' keys, and
 * counting them apart gives what counting them together gives.
 */
static int settle_and_count(struct shares *s)
{
	struct shares *helper = NULL;
	if (s->threads > 1 && questionnaire_set_spilled(s->questionnaires) && answer_set_count(s->answers) == 0 &&
	    questionnaire_set_halves_fit(s->questionnaires) &&
	    (helper = shares_new_helper(s)) && !(helper->questionnaires = questionnaire_set_split_off(s->questionnaires))) {
		shares_free(helper); /* not worth failing the run over: one thread does it all */
		helper = NULL;
	}
	struct settle_half half = {helper, 0, 0};
	pthread_t thread;
	int started = helper && pthread_create(&thread, NULL, settle_half, &half) == 0;
	s->threads_used = started ? 2 : 1;
	int status = questionnaire_set_settle_each(s->questionnaires, s->answers, &s->repeats, &s->conflicts,
	                                           count_survivor, s);
	int error = errno;
	if (started)
		pthread_join(thread, NULL);
	else if (helper && status == 0)
		settle_half(&half);
	if (status == 0 && half.failed)
		status = -1, error = half.error;
	if (status == 0 && helper) {
		add_counts(s, helper);
		add_answers(s, helper->answers);
	}
	shares_free(helper);
	errno = error;
	return status;
}

struct shares *shares_new_twin(const struct shares *model)
{
	struct shares *twin = shares_new(model->targets, &model->period, model->min_n, model->vas_min_delta,
	                                 model->suppress);
	if (twin)
		twin->logs = 1;
	return twin;
}

int shares_twin_done(struct shares *twin)
{
	if (!twin->logs) {
		errno = EINVAL;
		return -1;
	}
	if (offer_pending(twin, 0) < 0)
		return -1;
	return twin->questionnaires ? questionnaire_set_close_log(twin->questionnaires) : 0;
}

/* The twin pool's string ids in pool (interned there), id 0 the empty string in both:
 * a map of string_pool_count(twin_pool).  NULL with errno set. */
static uint32_t *map_ids(const struct string_pool *twin_pool, struct string_pool *pool, uint32_t *count)
{
	*count = string_pool_count(twin_pool);
	uint32_t *ids = malloc(((size_t)*count + 1) * sizeof *ids);
	if (!ids)
		return NULL;
	ids[0] = 0;
	for (uint32_t id = 1; id < *count; id++) {
		const char *text = string_pool_get(twin_pool, id);
		if (!text) {
			free(ids);
			errno = EIO;
			return NULL;
		}
		if ((ids[id] = string_pool_intern(pool, text, strlen(text))) == UINT32_MAX) {
			free(ids);
			errno = ENOMEM;
			return NULL;
		}
	}
	return ids;
}

int shares_adopt(struct shares *s, struct shares *twin, const struct string_pool *twin_pool, struct string_pool *pool)
{
	if (!twin->logs || s->logs || twin->adopted || twin->answers_tallied || twin->courses || twin->persons) {
		errno = EINVAL; /* a twin sees questionnaires only, and is adopted once */
		return -1;
	}
	twin->adopted = 1;
	/* s's own questionnaires before the twin's, as they came */
	if (offer_pending(s, 0) < 0 || offer_pending(twin, 0) < 0)
		return -1;
	if (twin->questionnaires) {
		uint32_t count;
		uint32_t *ids = map_ids(twin_pool, pool, &count);
		if (!ids || (!s->answers && !(s->answers = answer_set_new())) ||
		    (!s->questionnaires && !(s->questionnaires = new_questionnaire_set(s)))) {
			int error = ids ? ENOMEM : errno;
			free(ids);
			errno = error;
			return -1;
		}
		/* the insats and förbund of the twin's questionnaires as s spells them */
		uint32_t *places = learn_strings(s, pool) < 0 ? NULL : malloc(((size_t)count + 1) * sizeof *places);
		for (uint32_t id = 0; places && id < count; id++)
			if ((places[id] = place_id(s, pool, ids[id])) == UINT32_MAX) {
				free(places);
				places = NULL;
			}
		if (!places) {
			free(ids);
			errno = ENOMEM;
			return -1;
		}
		int adopted = questionnaire_set_adopt(s->questionnaires, twin->questionnaires, ids, places, count, s->answers,
		                                      &s->repeats, &s->conflicts);
		int error = errno;
		free(ids);
		free(places);
		if (adopted < 0) {
			errno = error;
			return -1;
		}
	}
	add_counts(s, twin);
	/* the masks of the strings the twin's records brought */
	return learn_strings(s, pool);
}

int shares_add(struct shares *s, const struct string_pool *pool, const struct record *record)
{
	if (learn_strings(s, pool) < 0)
		return -1;
	int identified = (record->type == RECORD_QUESTIONNAIRE && (record->u.questionnaire.flags & ANSWER_IDENTIFIED)) ||
	                 (record->type == RECORD_ANSWER && (record->u.answer.flags & ANSWER_IDENTIFIED));
	const struct shares *keeper = s->kept_by ? s->kept_by : s;
	if (identified && record->type == RECORD_QUESTIONNAIRE &&
	    (!counted_by_a_goal(s, &record->u.questionnaire) || record->u.questionnaire.date < keeper->repeats_from)) {
		/* No goal counts its insats and group, and a repeat is one only in the same insats
		 * and group, or it was answered before every period (repeats_from): nothing to
		 * keep once.  Its date and indicators are noted all the same (the period of the
		 * data, "no answers to question ..."), by every year's shares. */
		add_questionnaire(s, &record->u.questionnaire);
		return 0;
	}
	if (identified && s->kept_by)
		return 0; /* kept once, by the other, and counted from there at the end */
	s->anonymous += !identified && (record->type == RECORD_QUESTIONNAIRE || record->type == RECORD_ANSWER);
	if (record->type == RECORD_QUESTIONNAIRE && (record->u.questionnaire.flags & ANSWER_IDENTIFIED))
		return queue_questionnaire(s, pool, &record->u.questionnaire);
	/* any other record after those before it, as they came */
	if (offer_pending(s, 0) < 0)
		return -1;
	if (record->type == RECORD_ANSWER && (record->u.answer.flags & ANSWER_IDENTIFIED)) {
		if (!s->answers && !(s->answers = answer_set_new()))
			return -1;
		struct answer_record answer = record->u.answer;
		if ((answer.insats = place_id(s, pool, answer.insats)) == UINT32_MAX ||
		    (answer.forbund = place_id(s, pool, answer.forbund)) == UINT32_MAX) {
			errno = ENOMEM;
			return -1;
		}
		switch (answer_set_offer(s->answers, &answer)) {
		case ANSWER_NEW: break;
		case ANSWER_IDENTICAL: s->repeats++; break;
		case ANSWER_REPLACED:
		case ANSWER_OUTDATED: s->repeats++, s->conflicts++; break;
		default: return -1;
		}
	} else if (record->type == RECORD_ANSWER) {
		add_answer(s, &record->u.answer);
	} else if (record->type == RECORD_QUESTIONNAIRE) {
		add_questionnaire(s, &record->u.questionnaire);
	} else if (record->type == RECORD_COURSE) {
		/* counted at the end: a register given twice, or a later export of it, counts each course once */
		if (!s->courses && !(s->courses = course_set_new()))
			return -1;
		switch (course_set_offer(s->courses, &record->u.course, string_pool_get(pool, record->u.course.insats))) {
		case COURSE_NEW: break;
		case COURSE_IDENTICAL: s->course_repeats++; break;
		case COURSE_UPDATED:
		case COURSE_OUTDATED: s->course_repeats++, s->course_updates++; break;
		default: return -1;
		}
	} else if (record->type == RECORD_HEALTH) {
		int once = health_once(s, pool, &record->u.health);
		if (once < 0)
			return -1;
		if (once && add_health(s, &record->u.health) < 0)
			return -1;
	}
	return 0;
}

static void format_period(char *out, size_t size, uint32_t from, uint32_t to)
{
	char a[11], b[11];
	if (!from || !to) {
		out[0] = '\0';
		return;
	}
	date_format(from, a);
	date_format(to, b);
	snprintf(out, size, "%s..%s", a, b);
}

static void period_text(const struct shares *s, int health, char *out, size_t size)
{
	const struct period *p = &s->period;
	uint32_t first = health ? s->health_first : s->ifs_first, last = health ? s->health_last : s->ifs_last;
	switch (p->kind) {
	case PERIOD_YEAR:
		if (health)
			format_period(out, size, (uint32_t)p->year * 10000 + 101, (uint32_t)p->year * 10000 + 1231);
		else
			format_period(out, size, (uint32_t)(p->year - 1) * 10000 + 1101, (uint32_t)p->year * 10000 + 1031);
		return;
	case PERIOD_RANGE: format_period(out, size, p->from, p->to); return;
	case PERIOD_SINCE: {
		uint32_t from = health ? (uint32_t)p->year * 10000 + 101 : shares_ifs_first_day(s);
		char day[11];
		if (last >= from) {
			format_period(out, size, from, last);
			return;
		}
		/* no answer on or after its first day: open, never a range that ends before it starts */
		date_format(from, day);
		snprintf(out, size, "%s..", day);
		return;
	}
	case PERIOD_ALL: format_period(out, size, first, last); return;
	}
}

static void compute_cell(struct share_cell *cell)
{
	if (cell->n == 0)
		return;
	cell->share = (double)cell->pos / (double)cell->n;
	wilson_interval(cell->pos, cell->n, &cell->ci_low, &cell->ci_high);
}

uint64_t shares_anonymous(const struct shares *s) { return s->anonymous; }

void shares_course_repeats(const struct shares *s, uint64_t *repeats, uint64_t *updates)
{
	*repeats = s->course_repeats;
	*updates = s->course_updates;
}

void shares_repeats(const struct shares *s, uint64_t *repeats, uint64_t *conflicts)
{
	*repeats = s->repeats;
	*conflicts = s->conflicts;
}

const struct share_result *shares_finish(struct shares *s, size_t *count)
{
	const struct targets *targets = s->targets;
	struct shares *store = s->kept_by ? s->kept_by : s;
	if (offer_pending(store, 0) < 0)
		return NULL;
	/* the questionnaires first: settling a spilled set may move answers to the answer_set */
	if (store->questionnaires && !s->answers_tallied) {
		if (!store->answers && !(store->answers = answer_set_new()))
			return NULL;
		if (store == s && !s->keeps_for_others) {
			/* counted once: each kept questionnaire as its partition settles */
			if (settle_and_count(s) < 0)
				return NULL;
		} else {
			if (questionnaire_set_settle(store->questionnaires, store->answers, &store->repeats,
			                             &store->conflicts) < 0 ||
			    questionnaire_set_rewind(store->questionnaires) < 0)
				return NULL;
			struct questionnaire_record q;
			int got;
			while ((got = questionnaire_set_next(store->questionnaires, &q)) == 1)
				add_questionnaire(s, &q);
			if (got < 0)
				return NULL;
		}
	}
	if (store->answers && !s->answers_tallied)
		add_answers(s, store->answers);
	for (size_t i = 0; s->courses && !s->answers_tallied && i < course_set_count(s->courses); i++)
		add_course(s, &course_set_courses(s->courses)[i]);
	s->answers_tallied = 1;
	for (size_t g = 0; g < targets->count; g++) {
		const struct goal *goal = &targets->goals[g];
		struct goal_tally *t = &s->tally[g];
		struct share_result *r = &s->results[g];
		int outcome = goal->outcome >= 0;
		/* register goals follow the health convention: calendar years, by the end date */
		int health = goal->health_indicator >= 0 || outcome;
		memset(r, 0, sizeof *r);
		r->goal = goal;
		r->min_n = goal->min_n ? goal->min_n : s->min_n ? s->min_n : targets->min_n ? targets->min_n : MIN_N_DEFAULT;
		r->vas_min_delta = s->vas_min_delta;
		period_text(s, health, r->period, sizeof r->period);
		memcpy(r->cell, t->cell, sizeof r->cell);
		r->pairs = t->pairs;
		r->persons = t->persons;
		memcpy(r->ended, t->ended, sizeof r->ended);
		/* Response rate: who answered (every answer to the question, Vet ej and blank
		 * included: each returned a questionnaire) or how many pairs, of those who ended. */
		/* Without a course of the insats in the register (another insats's register given),
		 * "0 ended" would be a number nobody counted: empty, and said (register_lacks_insats). */
		int rate_applies = s->has_courses && !outcome && (goal->health_indicator >= 0 || goal->group == GROUP_AVSLUT);
		r->has_response_rate = rate_applies && t->in_register;
		r->register_lacks_insats = rate_applies && !t->in_register;
		if (r->register_lacks_insats)
			snprintf(r->note, sizeof r->note, "goal \"%s\": the register data has no course of insats \"%s\": "
			         "ended and response rate left empty", goal->id, goal->insats);
		r->register_ended = t->register_ended;
		if (!health) {
			r->scale_max = t->scale_max ? t->scale_max : goal->scale_max;
			r->min_level = goal->positivity == POSITIVITY_CLEARLY ? r->scale_max - 1
			             : goal->positivity == POSITIVITY_POSITIVE ? r->scale_max - 2 : goal->min_level;
			if (r->min_level < 1)
				r->min_level = 1;
			for (int c = 0; c < CELL_COUNT; c++) {
				struct share_cell *cell = &r->cell[c];
				for (int level = 1; level <= r->scale_max && level <= LEVEL_MAX; level++) {
					cell->n += cell->levels[level];
					if (level >= r->min_level)
						cell->pos += cell->levels[level];
				}
			}
		}
		for (int c = 0; c < CELL_COUNT; c++) {
			compute_cell(&r->cell[c]);
			r->small_n[c] = r->cell[c].n < (uint64_t)r->min_n;
		}
		if (r->has_response_rate) {
			const struct share_cell *all = &r->cell[CELL_ALL];
			r->respondents = goal->health_indicator >= 0 ? r->pairs : all->n + all->levels[0] + all->missing;
			r->response_rate = r->register_ended ? (double)r->respondents / (double)r->register_ended : 0;
		}
		r->verdict = share_verdict(goal->has_target, goal->target, r->cell[CELL_ALL].n, r->min_n,
		                           r->cell[CELL_ALL].share, r->cell[CELL_ALL].ci_high);
		if (s->suppress) {
			/* the register's count of people ended is a count like any other (ifs-flow masks it too) */
			r->ended_masked = r->register_ended > 0 && r->register_ended < (uint64_t)r->min_n;
			for (int c = 0; c < CELL_COUNT; c++)
				r->cell[c].masked = r->small_n[c];
			/* One gender cell shown beside the total would give the other away; both
			 * shown beside it would give away the few of other or unstated gender
			 * (total − women − men), which are never shown on their own. */
			uint64_t residual = r->cell[CELL_ALL].n - r->cell[CELL_WOMEN].n - r->cell[CELL_MEN].n;
			if (r->cell[CELL_WOMEN].masked != r->cell[CELL_MEN].masked ||
			    (!r->cell[CELL_ALL].masked && residual > 0 && residual < (uint64_t)r->min_n))
				r->cell[CELL_WOMEN].masked = r->cell[CELL_MEN].masked = 1;
		}
		char *warning = r->warning;
		size_t warning_size = sizeof r->warning;
		warning[0] = '\0';
		/* "the data" is what was read: not an export's rows before the period (shares_read_from) */
		char read_from[40] = "", day[11];
		if (!health && s->ifs_read_from) {
			date_format(s->ifs_read_from, day);
			snprintf(read_from, sizeof read_from, " from %s on", day);
		}
		if (outcome && !t->seen_insats)
			snprintf(warning, warning_size, "goal \"%s\": no ended course of insats \"%s\" in the register data "
			         "(ifs-participants)", goal->id, goal->insats);
		else if (outcome && r->cell[CELL_ALL].n == 0 && r->cell[CELL_ALL].unknown == 0)
			snprintf(warning, warning_size, "goal \"%s\": no course of insats \"%s\" %s in the period %s", goal->id,
			         goal->insats, goal->among == AMONG_WORK_CAPACITY ? "judged to have work capacity ended"
			                     : goal->among == AMONG_PUBLIC_AT_INTAKE ? "with public support at intake ended"
			                                                             : "ended",
			         r->period[0] ? r->period : "(no records)");
		else if (outcome)
			;
		else if (!t->seen_insats)
			snprintf(warning, warning_size, "goal \"%s\": insats \"%s\" does not occur in the %s data%s", goal->id,
			         goal->insats, health ? "health" : "IFS", read_from);
		else if (!t->seen_indicator)
			snprintf(warning, warning_size, health ? "goal \"%s\": no health pairs for insats \"%s\" in the data"
			                                         : "goal \"%s\": no answers to question \"%s\" for insats \"%s\" in the data%s",
			         goal->id, health ? goal->insats : goal->indicator, goal->insats, read_from);
		else if (r->cell[CELL_ALL].n == 0 && r->cell[CELL_ALL].unknown == 0)
			snprintf(warning, warning_size, health ? "goal \"%s\": no health pairs for insats \"%s\" in the period %s"
			                                         : "goal \"%s\": no answers from group \"%s\" in the period %s",
			         goal->id, health ? goal->insats : group_code((enum respondent_group)goal->group),
			         r->period[0] ? r->period : "(no records)");
	}
	*count = targets->count;
	return s->results;
}

void newcombe_difference(double p1, double l1, double u1, double p2, double l2, double u2, double *low,
                         double *high)
{
	double d = p1 - p2;
	*low = d - sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
	*high = d + sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
}

void shares_compare_years(struct share_result *rows, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		struct share_result *r = &rows[i];
		r->in_years = 1;
		r->has_previous = 0;
		if (i == 0 || rows[i - 1].goal != r->goal)
			continue;
		const struct share_cell *now = &r->cell[CELL_ALL], *before = &rows[i - 1].cell[CELL_ALL];
		if (now->n == 0 || before->n == 0 || now->masked || before->masked)
			continue;
		r->has_previous = 1;
		r->prev_share = before->share;
		r->diff = now->share - before->share;
		newcombe_difference(now->share, now->ci_low, now->ci_high, before->share, before->ci_low, before->ci_high,
		                    &r->diff_low, &r->diff_high);
	}
}
