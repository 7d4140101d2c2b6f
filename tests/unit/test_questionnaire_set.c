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
/* Whether a stretch of the questionnaires goes to a log (with string ids of its own, as
 * a second thread's pool numbers them) adopted into the set after it, and where that
 * log's partitions are. */
enum logs { NO_LOG, LOG_IN_MEMORY, LOG_ON_DISK };
#define LOG_IDS 100 /* a log's string id is the set's + LOG_IDS */

/* Random questionnaires of respondents respondents, offered to a set that holds memory_limit
 * bytes before it spills; its counts and kept answers against answer_set's. */
static void same_as_answer_by_answer_logged(size_t memory_limit, int respondents, int most, enum spills spills,
                                            enum logs logs)
{
	static const uint32_t log_questions[3][3] = {{11 + LOG_IDS, 12 + LOG_IDS, 13 + LOG_IDS},
	                                             {11 + LOG_IDS, 13 + LOG_IDS, 0},
	                                             {11 + LOG_IDS, 12 + LOG_IDS, 13 + LOG_IDS}};
	uint32_t ids[2 * LOG_IDS];
	for (uint32_t id = 0; id < 2 * LOG_IDS; id++)
		ids[id] = id >= LOG_IDS ? id - LOG_IDS : id == 0 ? 0 : UINT32_MAX;
	unsigned adopted_on_disk = 0, second_logs = 0, second_spilled = 0;
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
		/* [from[w], to[w]) to log w, adopted before the offer of to[w] (or at the end); every
		 * third seed two logs, as two exports of one run: the second is copied in */
		int windows = logs ? 1 + (seed % 3 == 0) : 0, from[2] = {-1, -1}, to[2] = {-1, -1}, w = 0;
		if (windows) {
			from[0] = rand() % questionnaires;
			to[0] = from[0] + rand() % (questionnaires - from[0] + 1);
		}
		if (windows == 2) {
			from[1] = to[0] + rand() % (questionnaires - to[0] + 1);
			to[1] = from[1] + rand() % (questionnaires - from[1] + 1);
		}
		struct questionnaire_set *log = NULL;
		for (int n = 0; n <= questionnaires; n++) {
			for (;;) {
				if (!log && w < windows && n == from[w]) {
					if (logs == LOG_ON_DISK)
						setenv("IFS_SPILL_AFTER", "0", 1);
					log = questionnaire_set_new_log();
					unsetenv("IFS_SPILL_AFTER");
					assert_non_null(log);
				}
				if (!log || n != to[w])
					break;
				assert_int_equal(questionnaire_set_close_log(log), 0);
				int spilled_before = questionnaire_set_spilled(set);
				assert_int_equal(questionnaire_set_adopt(set, log, ids, ids, 2 * LOG_IDS, split, &repeats, &conflicts), 0);
				if (w == 0)
					adopted_on_disk += (unsigned)questionnaire_set_spilled(set);
				else
					second_logs++, second_spilled += (unsigned)(spilled_before != 0);
				errno = 0; /* once */
				assert_int_equal(questionnaire_set_adopt(set, log, ids, ids, 2 * LOG_IDS, split, &repeats, &conflicts), -1);
				assert_int_equal(errno, EINVAL);
				questionnaire_set_free(log);
				log = NULL;
				w++;
			}
			if (n == questionnaires)
				break;
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
			if (log) { /* the log's own ids */
				struct questionnaire_record logged = q;
				logged.insats += LOG_IDS;
				logged.forbund += LOG_IDS;
				logged.questions = log_questions[form];
				uint64_t none = 0;
				assert_int_equal(questionnaire_set_offer(log, &logged, NULL, &none, &none), 0);
				assert_int_equal(none, 0); /* a log applies no rule */
			} else
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
	/* a set with room takes a log's questionnaires one by one, wherever the log is; a
	 * spilled one puts the log's partitions after its own */
	if (logs && spills == NEVER && adopted_on_disk != 0)
		fail_msg("%u of 200 logs were put after a set with room for them", adopted_on_disk);
	if (logs && spills == ALWAYS && adopted_on_disk != 200)
		fail_msg("%u of 200 logs were put after a spilled set", adopted_on_disk);
	if (logs && (second_logs < 60 || (spills == ALWAYS && second_spilled != second_logs)))
		fail_msg("%u second logs, %u of them into a spilled set", second_logs, second_spilled);
}

static void same_as_answer_by_answer(size_t memory_limit, int respondents, int most, enum spills spills)
{
	same_as_answer_by_answer_logged(memory_limit, respondents, most, spills, NO_LOG);
}

/* A dozen respondents: a few keys, in memory. */
static void test_same_as_answer_by_answer(void **state) { same_as_answer_by_answer((size_t)4 << 20, 12, 400, NEVER); }

/* Spilled before the first offer: every questionnaire goes through the partitions. */
static void test_spilled_from_the_start(void **state) { same_as_answer_by_answer(0, 12, 400, ALWAYS); }

/* Spilled on the way (past the first 768 keys, when the table would grow), so that
 * entries as they stood, some split, are in the partitions before the offers after
 * them.  Fewer questionnaires than that stay in memory: the rule must not care. */
static void test_spilled_on_the_way(void **state) { same_as_answer_by_answer(70000, 700, 1000, SOMETIMES); }

/* A second thread's log adopted in the middle, in memory or in its files: into a set
 * with room for it (offered one by one), into a spilled one (the log's partitions put
 * after its own, read through the ids at the end), and into one that spills on the
 * way; the same as every questionnaire offered to one set in order. */
static void test_log_in_memory_adopted(void **state)
{
	same_as_answer_by_answer_logged((size_t)4 << 20, 12, 400, NEVER, LOG_IN_MEMORY);
}
static void test_log_on_disk_adopted(void **state)
{
	same_as_answer_by_answer_logged((size_t)4 << 20, 12, 400, NEVER, LOG_ON_DISK);
}
static void test_log_adopted_by_a_spilled_set(void **state)
{
	same_as_answer_by_answer_logged(0, 12, 400, ALWAYS, LOG_IN_MEMORY);
	same_as_answer_by_answer_logged(0, 12, 400, ALWAYS, LOG_ON_DISK);
}
static void test_log_adopted_on_the_way(void **state)
{
	same_as_answer_by_answer_logged(70000, 700, 1000, SOMETIMES, LOG_ON_DISK);
}

/* A log is not settled, a set is not adopted, and an id the map lacks is refused. */
static void test_log_refusals(void **state)
{
	(void)state;
	struct questionnaire_set *log = questionnaire_set_new_log(), *set = questionnaire_set_new();
	assert_non_null(log);
	assert_non_null(set);
	static const uint32_t questions[2] = {11, 12};
	static const uint8_t scales[2] = {6, 6};
	struct questionnaire_record q = {.respondent = 7, .insats = 1, .group = 2, .date = 20220301,
	                                 .flags = ANSWER_IDENTIFIED, .count = 2, .questions = questions,
	                                 .scale_max = scales};
	uint64_t repeats = 0, conflicts = 0;
	assert_int_equal(questionnaire_set_offer(log, &q, NULL, &repeats, &conflicts), 0);
	errno = 0;
	assert_int_equal(questionnaire_set_settle(log, NULL, &repeats, &conflicts), -1);
	assert_int_equal(errno, EINVAL);
	struct answer_set *split = answer_set_new();
	uint32_t ids[13] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, UINT32_MAX}; /* question 12 unknown */
	errno = 0;
	assert_int_equal(questionnaire_set_adopt(log, set, ids, ids, 13, split, &repeats, &conflicts), -1);
	assert_int_equal(errno, EINVAL); /* the set is no log */
	errno = 0;
	assert_int_equal(questionnaire_set_adopt(set, log, ids, ids, 13, split, &repeats, &conflicts), -1);
	assert_int_equal(errno, EIO);
	questionnaire_set_free(log);
	questionnaire_set_free(set);
	answer_set_free(split);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_as_answer_by_answer),
	    cmocka_unit_test(test_spilled_from_the_start),
	    cmocka_unit_test(test_spilled_on_the_way),
	    cmocka_unit_test(test_log_in_memory_adopted),
	    cmocka_unit_test(test_log_on_disk_adopted),
	    cmocka_unit_test(test_log_adopted_by_a_spilled_set),
	    cmocka_unit_test(test_log_adopted_on_the_way),
	    cmocka_unit_test(test_log_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
