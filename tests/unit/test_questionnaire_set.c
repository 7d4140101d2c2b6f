/* questionnaire_set against answer_set: the same repeats, conflicts and kept answers,
 * answer by answer, on random questionnaires built to collide (few respondents, a
 * few dates, three forms, absent and blank answers). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "questionnaire_set.h"

struct kept {
	uint64_t respondent;
	uint32_t insats, question, date, forbund;
	uint8_t group, gender, level, scale_max;
};

static int compare_kept(const void *a, const void *b) { return memcmp(a, b, sizeof(struct kept)); }

static struct kept kept_of(const struct answer_record *a)
{
	struct kept k;
	memset(&k, 0, sizeof k); /* padding too: compared with memcmp */
	k.respondent = a->respondent;
	k.insats = a->insats;
	k.question = a->question;
	k.date = a->date;
	k.forbund = a->forbund;
	k.group = a->group;
	k.gender = a->gender;
	k.level = a->level;
	k.scale_max = a->scale_max;
	return k;
}

/* The answers an answer_set keeps (health keys aside, there are none here). */
static size_t collect(const struct answer_set *set, struct kept *out)
{
	size_t n = 0;
	for (size_t slot = 0; slot < answer_set_slots(set); slot++) {
		const struct answer_record *a = answer_set_slot(set, slot);
		if (a)
			out[n++] = kept_of(a);
	}
	return n;
}

/* Where the answers of the kept questionnaires go, answer by answer. */
struct gathered {
	struct kept *kept;
	size_t count, capacity;
};

static void gather(void *context, const struct questionnaire_record *q)
{
	struct gathered *g = context;
	for (size_t k = 0; k < q->count; k++) {
		if (q->levels[k] == LEVEL_ABSENT)
			continue;
		struct answer_record a = {.respondent = q->respondent, .date = q->date, .insats = q->insats,
		                          .forbund = q->forbund, .question = q->questions[k], .group = q->group,
		                          .gender = q->gender, .level = q->levels[k], .scale_max = q->scale_max[k]};
		assert_true(g->count < g->capacity);
		g->kept[g->count++] = kept_of(&a);
	}
}

enum spills { NEVER, ALWAYS, SOMETIMES };

/* Random questionnaires of respondents respondents, offered to a set that holds memory_limit
 * bytes before it spills; its counts and kept answers against answer_set's. */
static void same_as_answer_by_answer(size_t memory_limit, int respondents, int most, enum spills spills)
{
	unsigned spilled = 0, halves = 0;
	static const uint32_t questions[3][3] = {{11, 12, 13}, {11, 13, 0}, {11, 12, 13}};
	static const uint8_t scales[3][3] = {{6, 6, 6}, {6, 6, 0}, {6, 5, 6}};
	static const size_t counts[3] = {3, 2, 3};
	static const uint32_t dates[] = {20220301, 20220302, 20220915};
	for (unsigned seed = 1; seed <= 200; seed++) {
		srand(seed);
		struct questionnaire_set *set = questionnaire_set_new_within(memory_limit);
		struct answer_set *split = answer_set_new(), *reference = answer_set_new();
		assert_non_null(set);
		uint64_t repeats = 0, conflicts = 0, reference_repeats = 0, reference_conflicts = 0;
		int questionnaires = most / 8 + rand() % most;
		for (int n = 0; n < questionnaires; n++) {
			int form = rand() % 10 < 7 ? 0 : 1 + rand() % 2; /* mostly one form, as real exports */
			struct questionnaire_record q;
			memset(&q, 0, sizeof q);
			q.respondent = (uint64_t)(rand() % respondents) * 0x9E3779B97F4A7C15ull;
			q.insats = 1 + (uint32_t)(rand() % 2);
			q.group = (uint8_t)(1 + rand() % 2);
			q.date = dates[rand() % 3];
			q.matar = 2022;
			q.forbund = rand() % 8 ? 7 : 8;
			q.gender = (uint8_t)(rand() % 8 ? 1 : rand() % 3);
			q.age = (uint8_t)(rand() % 60);
			q.flags = ANSWER_IDENTIFIED;
			q.count = counts[form];
			q.questions = questions[form];
			q.scale_max = scales[form];
			for (size_t i = 0; i < q.count; i++) {
				int pick = rand() % 10;
				q.levels[i] = pick == 0 ? LEVEL_ABSENT : pick == 1 ? LEVEL_MISSING : pick == 2 ? LEVEL_DONT_KNOW
				            : (uint8_t)(1 + rand() % (rand() % 3 ? 2 : scales[form][i]));
			}
			assert_int_equal(questionnaire_set_offer(set, &q, split, &repeats, &conflicts), 0);
			for (size_t i = 0; i < q.count; i++) {
				if (q.levels[i] == LEVEL_ABSENT)
					continue;
				struct answer_record a = {.respondent = q.respondent, .date = q.date, .insats = q.insats,
				                          .forbund = q.forbund, .question = q.questions[i], .matar = q.matar,
				                          .group = q.group, .gender = q.gender, .level = q.levels[i],
				                          .scale_max = q.scale_max[i], .age = q.age, .flags = q.flags};
				int offered = answer_set_offer(reference, &a);
				assert_true(offered >= 0);
				reference_repeats += offered != ANSWER_NEW;
				reference_conflicts += offered == ANSWER_REPLACED || offered == ANSWER_OUTDATED;
			}
		}
		/* odd seeds: each survivor handed out as its partition settles, the set spent after */
		int each = seed % 2;
		static struct kept got[65536], want[65536];
		struct gathered gathered = {got, 0, sizeof got / sizeof *got};
		/* every fourth seed, a spilled set whose answer_set is still empty settles in two
		 * halves, each with an answer_set of its own, as on two threads */
		struct questionnaire_set *half = NULL;
		struct answer_set *half_split = NULL;
		if (each && seed % 4 == 1 && questionnaire_set_spilled(set) && answer_set_count(split) == 0) {
			assert_non_null(half = questionnaire_set_split_off(set));
			assert_non_null(half_split = answer_set_new());
			halves++;
		}
		if (each) {
			assert_int_equal(questionnaire_set_settle_each(set, split, &repeats, &conflicts, gather, &gathered), 0);
			/* and the answers kept one by one, some moved there as the set settled */
			gathered.count += collect(split, got + gathered.count);
			if (half) {
				size_t before = gathered.count;
				assert_int_equal(
					questionnaire_set_settle_each(half, half_split, &repeats, &conflicts, gather, &gathered), 0);
				gathered.count += collect(half_split, got + gathered.count);
				assert_true(gathered.count > before); /* the half held some keys */
				questionnaire_set_free(half);
				answer_set_free(half_split);
			}
		} else {
			assert_int_equal(questionnaire_set_settle(set, split, &repeats, &conflicts), 0);
			assert_int_equal(questionnaire_set_settle(set, split, &repeats, &conflicts), 0); /* once is enough */
		}
		spilled += (unsigned)questionnaire_set_spilled(set);
		if (repeats != reference_repeats || conflicts != reference_conflicts)
			fail_msg("seed %u: repeats %llu/%llu, conflicts %llu/%llu", seed, (unsigned long long)repeats,
			         (unsigned long long)reference_repeats, (unsigned long long)conflicts,
			         (unsigned long long)reference_conflicts);
		size_t n = 0, m = collect(reference, want);
		for (int pass = 0; pass < 2 && !each; pass++) { /* read twice: the same both times */
			gathered.count = collect(split, got);
			assert_int_equal(questionnaire_set_rewind(set), 0);
			struct questionnaire_record q;
			int next;
			while ((next = questionnaire_set_next(set, &q)) == 1)
				gather(&gathered, &q);
			assert_int_equal(next, 0);
		}
		if (each) {
			errno = 0;
			assert_null(questionnaire_set_split_off(set)); /* settled: nothing left to split */
			assert_int_equal(errno, EINVAL);
			errno = 0;
			assert_int_equal(questionnaire_set_rewind(set), -1);
			assert_int_equal(errno, EINVAL);
			assert_int_equal(questionnaire_set_settle_each(set, split, &repeats, &conflicts, gather, &gathered), -1);
		}
		if (!questionnaire_set_spilled(set)) {
			errno = 0;
			assert_null(questionnaire_set_split_off(set)); /* in memory: no partitions to split */
			assert_int_equal(errno, EINVAL);
		}
		n = gathered.count;
		qsort(got, n, sizeof *got, compare_kept);
		qsort(want, m, sizeof *want, compare_kept);
		if (n != m || memcmp(got, want, n * sizeof *got) != 0)
			fail_msg("seed %u: %zu answers kept, answer by answer %zu, or other answers", seed, n, m);
		questionnaire_set_free(set);
		answer_set_free(split);
		answer_set_free(reference);
	}
	if (spills == NEVER ? spilled != 0 : spills == ALWAYS ? spilled != 200 : spilled < 20 || spilled > 180)
		fail_msg("%u of 200 sets spilled", spilled);
	if (spills == ALWAYS && halves != 50)
		fail_msg("%u of 50 sets settled in halves", halves);
}

/* A dozen respondents: a few keys, in memory. */
static void test_same_as_answer_by_answer(void **state) { same_as_answer_by_answer((size_t)4 << 20, 12, 400, NEVER); }

/* Spilled before the first offer: every questionnaire goes through the partitions. */
static void test_spilled_from_the_start(void **state) { same_as_answer_by_answer(0, 12, 400, ALWAYS); }

/* Spilled on the way (past the first 768 keys, when the table would grow), so that
 * entries as they stood, some split, are in the partitions before the offers after
 * them.  Fewer questionnaires than that stay in memory: the rule must not care. */
static void test_spilled_on_the_way(void **state) { same_as_answer_by_answer(70000, 700, 1000, SOMETIMES); }

/* What a drained log gave: each questionnaire's respondent and its first level. */
struct drained {
	uint64_t respondent[3000];
	uint8_t level[3000];
	size_t count;
};

static int take_drained(void *context, const struct questionnaire_record *q)
{
	struct drained *d = context;
	assert_true(d->count < 3000);
	assert_int_equal(q->count, 2);
	assert_int_equal(q->questions[1], 12);
	d->respondent[d->count] = q->respondent;
	d->level[d->count++] = q->levels[0];
	return 0;
}

/* A log keeps every offer, repeats and all, and gives them back in the order offered:
 * 3000 offers of 40 respondents, the level counting up per respondent. */
static void test_log_drains_every_offer_in_order(void **state)
{
	(void)state;
	struct questionnaire_set *log = questionnaire_set_new_log();
	assert_non_null(log);
	static const uint32_t questions[2] = {11, 12};
	static const uint8_t scales[2] = {6, 6};
	uint8_t next_level[40] = {0};
	for (int n = 0; n < 3000; n++) {
		struct questionnaire_record q;
		memset(&q, 0, sizeof q);
		int r = (n * 7919) % 40;
		q.respondent = (uint64_t)r * 0x9E3779B97F4A7C15ull;
		q.insats = 1;
		q.group = 2;
		q.date = 20220301;
		q.flags = ANSWER_IDENTIFIED;
		q.count = 2;
		q.questions = questions;
		q.scale_max = scales;
		q.levels[0] = next_level[r]++;
		uint64_t repeats = 0, conflicts = 0;
		assert_int_equal(questionnaire_set_offer(log, &q, NULL, &repeats, &conflicts), 0);
		assert_int_equal(repeats, 0); /* a log applies no rule */
	}
	uint64_t repeats = 0, conflicts = 0;
	errno = 0;
	assert_int_equal(questionnaire_set_settle(log, NULL, &repeats, &conflicts), -1);
	assert_int_equal(errno, EINVAL);
	static struct drained drained;
	assert_int_equal(questionnaire_set_drain(log, take_drained, &drained), 0);
	assert_int_equal(drained.count, 3000);
	uint8_t expected[40] = {0};
	for (size_t i = 0; i < drained.count; i++) {
		int r = (int)((i * 7919) % 40); /* as offered */
		assert_true(drained.respondent[i] == (uint64_t)r * 0x9E3779B97F4A7C15ull);
		assert_int_equal(drained.level[i], expected[r]++);
	}
	errno = 0;
	assert_int_equal(questionnaire_set_drain(log, take_drained, &drained), -1); /* spent */
	assert_int_equal(errno, EINVAL);
	questionnaire_set_free(log);
	/* a set is not a log */
	struct questionnaire_set *set = questionnaire_set_new();
	assert_int_equal(questionnaire_set_drain(set, take_drained, &drained), -1);
	questionnaire_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_as_answer_by_answer),
	    cmocka_unit_test(test_spilled_from_the_start),
	    cmocka_unit_test(test_spilled_on_the_way),
	    cmocka_unit_test(test_log_drains_every_offer_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
