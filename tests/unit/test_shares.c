/* Unit tests for the Wilson interval, verdicts, health tallies and the targets file. */
#include <setjmp.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "codebook.h"
#include "dates.h"
#include "health_indicators.h"
#include "shares.h"
#include "targets.h"

static void round4(double value, char *out) { sprintf(out, "%.4f", value); }

static void test_wilson_known_values(void **state)
{
	(void)state;
	double low, high;
	char a[16], b[16];
	wilson_interval(8, 11, &low, &high);
	round4(low, a), round4(high, b);
	assert_string_equal(a, "0.4344");
	assert_string_equal(b, "0.9025");
	/* 0 of 10: [0, z²/(n+z²)] = [0, 3.8415/13.8415] */
	wilson_interval(0, 10, &low, &high);
	assert_true(low == 0.0);
	round4(high, b);
	assert_string_equal(b, "0.2775");
	/* 10 of 10: the mirror image */
	wilson_interval(10, 10, &low, &high);
	round4(low, a);
	assert_string_equal(a, "0.7225");
	assert_true(high == 1.0);
	/* 21 of 23 (the health worked example) */
	wilson_interval(21, 23, &low, &high);
	round4(low, a), round4(high, b);
	assert_string_equal(a, "0.7320");
	assert_string_equal(b, "0.9758");
}

static void test_verdict_boundaries(void **state)
{
	(void)state;
	double low, high;
	/* share exactly at the target: met */
	wilson_interval(15, 20, &low, &high);
	assert_int_equal(share_verdict(1, 0.75, 20, 5, 15.0 / 20.0, high), VERDICT_MET);
	/* target exactly at the upper bound: within the margin */
	wilson_interval(8, 11, &low, &high);
	assert_int_equal(share_verdict(1, high, 11, 5, 8.0 / 11.0, high), VERDICT_WITHIN_MARGIN);
	assert_int_equal(share_verdict(1, high + 1e-6, 11, 5, 8.0 / 11.0, high), VERDICT_NOT_MET);
	/* n just under and at min_n */
	assert_int_equal(share_verdict(1, 0.75, 4, 5, 1.0, 1.0), VERDICT_TOO_FEW);
	assert_int_equal(share_verdict(1, 0.75, 5, 5, 1.0, 1.0), VERDICT_MET);
	/* no target: none, whatever n */
	assert_int_equal(share_verdict(0, 0.0, 100, 5, 0.5, 0.6), VERDICT_NONE);
	assert_string_equal(verdict_code(VERDICT_WITHIN_MARGIN), "within_margin");
}

static struct codebook *load_ifs_codebook(void)
{
	char error[512];
	struct codebook *book = codebook_load("data/ifs-codebook.json", error, sizeof error);
	if (!book)
		fail_msg("%s", error);
	return book;
}

static const char *write_temp(const char *text)
{
	static char path[64];
	strcpy(path, "/tmp/test_shares_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* SPEC §2.2's worked example: 23 pairs (9 women, 14 men); 18 with better quality of
 * life (8 W, 10 M); 16 with VAS at least 10 points better (7 W, 9 M); 21 of 23
 * better in at least one.  Built pair by pair: the two not improved are a woman and
 * a man with neither better; the women's improved_any = 8, the men's = 13. */
static void test_health_worked_example(void **state)
{
	(void)state;
	struct codebook *book = load_ifs_codebook();
	const char *path = write_temp(
		"{\"goals\": [{\"id\": \"enter-halsa\", \"insats\": \"Enter\", \"indicator\": \"health.improved_any\", "
		"\"target\": 0.75}, {\"id\": \"enter-lq\", \"insats\": \"enter\", \"indicator\": \"health.lq_better\"}]}");
	struct targets targets;
	char error[512];
	assert_int_equal(targets_load(path, book, &targets, error, sizeof error), 0);
	unlink(path);
	struct period period = {PERIOD_YEAR, 2022, 0, 0};
	struct shares *shares = shares_new(&targets, &period, 0, -1, 0);
	struct string_pool *pool = string_pool_new();
	uint32_t enter = string_pool_intern(pool, "Enter", 5);
	/* per gender: pairs, lq better, vas better, any better */
	const struct { int gender, pairs, lq, vas, any; } groups[] = {
		{GENDER_WOMAN, 9, 8, 7, 8},
		{GENDER_MAN, 14, 10, 9, 13},
	};
	for (size_t g = 0; g < 2; g++) {
		for (int i = 0; i < groups[g].pairs; i++) {
			struct record record = {.type = RECORD_HEALTH};
			struct health_record *h = &record.u.health;
			h->kind = HEALTH_PAIR;
			h->participant = 1000 * (g + 1) + (uint64_t)i; /* one person each: a repeat would count once */
			h->insats = enter;
			h->gender = (uint8_t)groups[g].gender;
			h->intake_date = 20220110;
			h->exit_date = 20220615;
			h->vas_min_delta = 10;
			h->mental_intake = h->mental_exit = 3;
			h->lq = i < groups[g].lq ? LQ_BETTER : LQ_SAME;
			/* VAS better for the first `vas` pairs counted from the end, so that the
			 * union with lq reaches `any` */
			int vas_better = i >= groups[g].any - groups[g].vas && i < groups[g].any;
			h->vas_intake = 50;
			h->vas_exit = vas_better ? (i % 2 ? 60 : 75) : 55; /* exactly 10 counts as better */
			h->pain_intake = h->pain_exit = h->worry_intake = h->worry_exit = HEALTH_MISSING;
			h->workcap_intake = h->workcap_exit = HEALTH_MISSING;
			h->lq_due = HEALTH_MISSING;
			shares_add(shares, pool, &record);
		}
	}
	/* bortfall: one intake without exit (a woman), one exit without intake (a man),
	 * and a pair from 2021 that the period leaves out */
	struct record extra = {.type = RECORD_HEALTH};
	extra.u.health = (struct health_record){.kind = HEALTH_INTAKE_ONLY, .participant = 1, .insats = enter, .gender = GENDER_WOMAN,
	                                        .intake_date = 20220301, .lq = HEALTH_MISSING};
	shares_add(shares, pool, &extra);
	extra.u.health = (struct health_record){.kind = HEALTH_EXIT_ONLY, .participant = 2, .insats = enter, .gender = GENDER_MAN,
	                                        .exit_date = 20221201, .lq = LQ_BETTER};
	shares_add(shares, pool, &extra);
	extra.u.health = (struct health_record){.kind = HEALTH_PAIR, .participant = 3, .insats = enter, .gender = GENDER_MAN,
	                                        .intake_date = 20210101, .exit_date = 20211231, .lq = LQ_BETTER};
	shares_add(shares, pool, &extra);
	size_t count;
	const struct share_result *r = shares_finish(shares, &count);
	assert_int_equal(count, 2);
	assert_int_equal(r[0].pairs, 23);
	assert_int_equal(r[0].cell[CELL_ALL].n, 23);
	assert_int_equal(r[0].cell[CELL_ALL].pos, 21);
	assert_int_equal(r[0].cell[CELL_WOMEN].n, 9);
	assert_int_equal(r[0].cell[CELL_WOMEN].pos, 8);
	assert_int_equal(r[0].cell[CELL_MEN].n, 14);
	assert_int_equal(r[0].cell[CELL_MEN].pos, 13);
	assert_int_equal(r[0].cell[CELL_ALL].improved[0], 18);
	assert_int_equal(r[0].cell[CELL_ALL].improved[1], 16);
	assert_int_equal(r[0].cell[CELL_WOMEN].improved[0], 8);
	assert_int_equal(r[0].cell[CELL_WOMEN].improved[1], 7);
	assert_int_equal(r[0].cell[CELL_MEN].improved[1], 9);
	assert_int_equal(r[0].cell[CELL_ALL].intake_only, 1);
	assert_int_equal(r[0].cell[CELL_WOMEN].intake_only, 1);
	assert_int_equal(r[0].cell[CELL_ALL].exit_only, 1);
	assert_int_equal(r[0].verdict, VERDICT_MET);
	char share[16];
	round4(r[0].cell[CELL_ALL].share, share);
	assert_string_equal(share, "0.9130");
	/* the second goal, its insats written in lower case, sees the same pairs */
	assert_int_equal(r[1].cell[CELL_ALL].n, 23);
	assert_int_equal(r[1].cell[CELL_ALL].pos, 18);
	assert_int_equal(r[1].verdict, VERDICT_NONE);
	assert_string_equal(r[0].period, "2022-01-01..2022-12-31");
	shares_free(shares);
	string_pool_free(pool);
	targets_free(&targets);
	codebook_free(book);
}

static void expect_targets_error(const struct codebook *book, const char *json, const char *expected)
{
	const char *path = write_temp(json);
	struct targets targets;
	char error[512] = "";
	assert_int_equal(targets_load(path, book, &targets, error, sizeof error), 65);
	const char *reason = error + strlen(path);
	if (strcmp(reason, expected) != 0)
		fail_msg("got \"%s\", expected \"%s\"", reason, expected);
	unlink(path);
}

static void test_targets_errors_name_goal_and_field(void **state)
{
	(void)state;
	struct codebook *book = load_ifs_codebook();
	expect_targets_error(book, "{\"goals\": [{\"id\": \"g\", \"insats\": \"FIA\", \"indicator\": \"nyta\"}]}",
	                     ": goal \"g\": unknown indicator \"nyta\" (not a question of data/ifs-codebook.json, nor "
	                     "health.lq_better, health.vas_better, health.mental_better, health.improved_any, outcome.work_or_studies, outcome.work, outcome.no_public_support)");
	expect_targets_error(book, "{\"goals\": [{\"id\": \"g\", \"insats\": \"FIA\", \"indicator\": \"nytta\", "
	                           "\"group\": \"avslut\", \"level\": \"ganska\"}]}",
	                     ": goal \"g\": bad level (expected \"klart_positivt\", \"positivt\" or a level 1-6)");
	expect_targets_error(book, "{\"goals\": [{\"id\": \"g\", \"insats\": \"FIA\", \"indicator\": \"nytta\", "
	                           "\"group\": \"avslut\", \"level\": \"positivt\", \"target\": 75}]}",
	                     ": goal \"g\": target outside 0-1 (a share: 0.75 for 75 %)");
	expect_targets_error(book, "{\"goals\": [{\"id\": \"g\", \"insats\": \"FIA\", \"indicator\": \"health.lq_better\"},"
	                           "{\"id\": \"g\", \"insats\": \"NOVA\", \"indicator\": \"health.lq_better\"}]}",
	                     ": goal \"g\": duplicate id");
	expect_targets_error(book, "{\"goals\": [{\"id\": \"g\", \"insats\": \"FIA\", \"indicator\": \"health.lq_better\", "
	                           "\"taget\": 0.75}]}",
	                     ": goal \"g\": unknown key \"taget\"");
	expect_targets_error(book, "{\"min_n\": 5, \"golas\": []}",
	                     ": unknown key \"golas\" (expected min_n, vas_min_delta, goals)");
	expect_targets_error(book, "{\"goals\": [{\"id\": \"g\", \"insats\": \"FIA\", \"indicator\": \"nytta\", "
	                           "\"group\": \"alla\", \"level\": \"positivt\"}]}",
	                     ": goal \"g\": bad group \"alla\" (expected pagaende, avslut, personal, chef, styrelse or "
	                     "remittent)");
	codebook_free(book);
}

/* One questionnaire of FIA, group avslut, question "nytta" (scale 6), to each of count shares. */
static void add_fia_questionnaire(struct shares *const *shares, size_t count, struct string_pool *pool,
                                  uint64_t respondent, int identified, uint32_t date, uint8_t gender, uint8_t level)
{
	uint32_t questions[1] = {string_pool_intern(pool, "nytta", 5)};
	static const uint8_t scale_max[1] = {6};
	struct record record = {.type = RECORD_QUESTIONNAIRE};
	struct questionnaire_record *q = &record.u.questionnaire;
	q->respondent = respondent;
	q->date = date;
	q->insats = string_pool_intern(pool, "FIA", 3);
	q->matar = (uint16_t)date_matar(date);
	q->group = GROUP_AVSLUT;
	q->gender = gender;
	q->flags = identified ? ANSWER_IDENTIFIED : 0;
	q->count = 1;
	q->questions = questions;
	q->scale_max = scale_max;
	q->levels[0] = level;
	for (size_t s = 0; s < count; s++)
		assert_int_equal(shares_add(shares[s], pool, &record), 0);
}

/* n and klart positive among all, in a goal's result. */
static void expect_all(const struct share_result *result, uint64_t n, uint64_t pos)
{
	assert_non_null(result);
	assert_int_equal(result[0].cell[CELL_ALL].n, n);
	assert_int_equal(result[0].cell[CELL_ALL].pos, pos);
}

/* An identified woman's. */
static void add_fia_answer(struct shares *const *shares, size_t count, struct string_pool *pool, uint64_t respondent,
                           uint32_t date, uint8_t level)
{
	add_fia_questionnaire(shares, count, pool, respondent, 1, date, GENDER_WOMAN, level);
}

/* The one goal those count: FIA nytta among those who ended, klart positivt, 75 %. */
static void load_fia_nytta(const struct codebook *book, struct targets *targets)
{
	const char *path = write_temp("{\"goals\": [{\"id\": \"fia-nytta\", \"insats\": \"FIA\", \"indicator\": \"nytta\", "
	                              "\"group\": \"avslut\", \"level\": \"klart_positivt\", \"target\": 0.75}]}");
	char error[512];
	assert_int_equal(targets_load(path, book, targets, error, sizeof error), 0);
	unlink(path);
}

/*
 * --years: the second year's shares counts the identified answers the first keeps
 * (shares_count_with) and gets what it gets keeping its own, whichever is finished
 * first.  By hand, mätår 2022 (2021-11-01..2022-10-31): respondents 1-4 once each
 * (levels 6 6 5 2), respondent 5 twice with the same answer, respondent 6 answering
 * 2 and later 6 (the later counts): n 6, klart positive (5-6) 5.  Mätår 2021:
 * respondent 7 (level 1) and respondent 8 twice (3, then 5): n 2, pos 1.
 */
static void test_years_share_one_dedup_set(void **state)
{
	(void)state;
	struct codebook *book = load_ifs_codebook();
	struct targets targets;
	load_fia_nytta(book, &targets);
	for (int finish_keeper_first = 0; finish_keeper_first < 2; finish_keeper_first++) {
		struct period y2021 = {PERIOD_YEAR, 2021, 0, 0}, y2022 = {PERIOD_YEAR, 2022, 0, 0};
		/* keeper (2021), its follower (2022), and 2022 on its own */
		struct shares *all[3] = {shares_new(&targets, &y2021, 0, -1, 0), shares_new(&targets, &y2022, 0, -1, 0),
		                         shares_new(&targets, &y2022, 0, -1, 0)};
		shares_count_with(all[1], all[0]);
		struct string_pool *pool = string_pool_new();
		const struct { uint64_t respondent; uint32_t date; uint8_t level; } rows[] = {
			{1, 20220110, 6}, {2, 20220110, 6}, {5, 20220301, 5}, {3, 20220201, 5}, {6, 20220301, 2},
			{7, 20210301, 1}, {4, 20220515, 2}, {5, 20220301, 5}, {8, 20210401, 3}, {6, 20220601, 6},
			{8, 20210501, 5},
		};
		for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
			add_fia_answer(all, 3, pool, rows[i].respondent, rows[i].date, rows[i].level);
		size_t count;
		const struct share_result *keeper = NULL, *follower = NULL;
		if (finish_keeper_first)
			keeper = shares_finish(all[0], &count);
		follower = shares_finish(all[1], &count);
		if (!finish_keeper_first)
			keeper = shares_finish(all[0], &count);
		const struct share_result *alone = shares_finish(all[2], &count);
		assert_non_null(alone);
		expect_all(keeper, 2, 1);
		expect_all(follower, 6, 5);
		assert_int_equal(follower[0].cell[CELL_WOMEN].n, alone[0].cell[CELL_WOMEN].n);
		assert_int_equal(follower[0].cell[CELL_ALL].n, alone[0].cell[CELL_ALL].n);
		assert_int_equal(follower[0].cell[CELL_ALL].pos, alone[0].cell[CELL_ALL].pos);
		assert_string_equal(verdict_code(follower[0].verdict), verdict_code(alone[0].verdict));
		/* the repeats are the keeper's: 5 once more (same), 6 and 8 (conflicts) */
		uint64_t repeats, conflicts;
		shares_repeats(all[0], &repeats, &conflicts);
		assert_int_equal(repeats, 3);
		assert_int_equal(conflicts, 2);
		for (size_t s = 0; s < 3; s++)
			shares_free(all[s]);
		string_pool_free(pool);
	}
	targets_free(&targets);
	codebook_free(book);
}

/*
 * The same with the later year keeping for the earlier (--years 2022,2021): the keeper
 * checks repeats from the earlier year's first day on (2020-11-01), so respondent 8's two
 * questionnaires of mätår 2021, before the keeper's own period, still count once there.
 */
static void test_later_year_keeps_for_earlier(void **state)
{
	(void)state;
	struct codebook *book = load_ifs_codebook();
	struct targets targets;
	load_fia_nytta(book, &targets);
	struct period y2021 = {PERIOD_YEAR, 2021, 0, 0}, y2022 = {PERIOD_YEAR, 2022, 0, 0};
	struct shares *years[2] = {shares_new(&targets, &y2022, 0, -1, 0), shares_new(&targets, &y2021, 0, -1, 0)};
	shares_count_with(years[1], years[0]);
	struct string_pool *pool = string_pool_new();
	const struct { uint64_t respondent; uint32_t date; uint8_t level; } rows[] = {
		{1, 20220110, 6}, {7, 20210301, 1}, {8, 20210401, 3}, {8, 20210501, 5}, {9, 20200301, 6}, {9, 20200301, 6},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
		add_fia_answer(years, 2, pool, rows[i].respondent, rows[i].date, rows[i].level);
	size_t count;
	const struct share_result *r2022 = shares_finish(years[0], &count), *r2021 = shares_finish(years[1], &count);
	expect_all(r2022, 1, 1);
	expect_all(r2021, 2, 1);
	/* 8 again (a conflict); 9's repeat, before 2020-11-01, is not looked for */
	uint64_t repeats, conflicts;
	shares_repeats(years[0], &repeats, &conflicts);
	assert_int_equal(repeats, 1);
	assert_int_equal(conflicts, 1);
	shares_free(years[0]);
	shares_free(years[1]);
	string_pool_free(pool);
	targets_free(&targets);
	codebook_free(book);
}

/*
 * A second thread's half, counted by twins (shares_new_twin) in a pool of its own and
 * adopted (shares_adopt), counts as if every record had been given to one shares in
 * order.  Three shares as ifs-shares --years makes them: a keeper (mätår 2021), one
 * it keeps for (2022), and one on its own (all periods).  By hand:
 *   first half:  r1 2022-01-10 6 (K); r2 2022-01-10 3 (M); r7 2021-03-01 1 (K); r9 2022-03-01 2 (K)
 *   second half: r9 2022-03-01 6 (K: the same date, the later given counts); r2 2022-02-01 6
 *                (M: later); no id 2022-10-15 4 (M); no id 2022-01-05 6 (K); r1 2022-01-10 6
 *                (K: identical)
 * 2022: r1 6, r2 6, r9 6 and the two without an id (4, 6): n 5, klart positive 4 (women
 * 3/3, men 2/1); 2021: n 1, pos 0; all periods: n 6, pos 4 (women 4/3, men 2/1),
 * 2021-03-01 to 2022-10-15 (the second half's own dates, 2022-01-05 to 2022-10-15, reach
 * past the first's).  Repeats 3 (r9, r2 conflicts; r1 identical), two questionnaires
 * without an id.  The rows, in this order (the first four the first half's), serve the
 * two-thread settle test below too.
 */
static const struct {
	uint64_t respondent;
	int identified;
	uint32_t date;
	uint8_t gender, level;
} twin_rows[] = {
	{1, 1, 20220110, GENDER_WOMAN, 6}, {2, 1, 20220110, GENDER_MAN, 3}, {7, 1, 20210301, GENDER_WOMAN, 1},
	{9, 1, 20220301, GENDER_WOMAN, 2},
	{9, 1, 20220301, GENDER_WOMAN, 6}, {2, 1, 20220201, GENDER_MAN, 6}, {5, 0, 20221015, GENDER_MAN, 4},
	{6, 0, 20220105, GENDER_WOMAN, 6}, {1, 1, 20220110, GENDER_WOMAN, 6},
};

static void add_twin_row(struct shares *const *shares, size_t count, struct string_pool *pool, size_t r)
{
	add_fia_questionnaire(shares, count, pool, twin_rows[r].respondent, twin_rows[r].identified, twin_rows[r].date,
	                      twin_rows[r].gender, twin_rows[r].level);
}

static void test_twin_adopted_as_if_given_in_order(void **state)
{
	(void)state;
	struct codebook *book = load_ifs_codebook();
	struct targets targets;
	load_fia_nytta(book, &targets);
	struct period periods[3] = {{PERIOD_YEAR, 2021, 0, 0}, {PERIOD_YEAR, 2022, 0, 0}, {PERIOD_ALL, 0, 0, 0}};
	struct shares *one[3], *first[3], *twin[3];
	for (size_t i = 0; i < 3; i++) {
		assert_non_null(one[i] = shares_new(&targets, &periods[i], 0, -1, 0));
		assert_non_null(first[i] = shares_new(&targets, &periods[i], 0, -1, 0));
		assert_non_null(twin[i] = shares_new_twin(first[i]));
	}
	shares_count_with(one[1], one[0]);
	shares_count_with(first[1], first[0]);
	shares_count_with(twin[1], twin[0]);
	struct string_pool *pool = string_pool_new(), *twin_pool = string_pool_new();
	/* the twin's pool numbers its strings otherwise: its ids must be mapped */
	string_pool_intern(twin_pool, "Enter", 5);
	string_pool_intern(twin_pool, "nytta", 5);
	for (size_t r = 0; r < sizeof twin_rows / sizeof *twin_rows; r++) {
		add_twin_row(one, 3, pool, r);
		if (r < 4)
			add_twin_row(first, 3, pool, r);
		else
			add_twin_row(twin, 3, twin_pool, r);
	}
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(shares_adopt(first[i], twin[i], twin_pool, pool), 0);
	assert_int_equal(shares_adopt(first[0], twin[0], twin_pool, pool), -1); /* spent */
	static const uint64_t n[3][3] = {{1, 1, 0}, {5, 3, 2}, {6, 4, 2}}, pos[3][3] = {{0, 0, 0}, {4, 3, 1}, {4, 3, 1}};
	for (size_t i = 0; i < 3; i++) {
		size_t count;
		const struct share_result *want = shares_finish(one[i], &count), *got = shares_finish(first[i], &count);
		assert_non_null(want);
		assert_non_null(got);
		static const int cells[3] = {CELL_ALL, CELL_WOMEN, CELL_MEN};
		for (int c = 0; c < 3; c++) {
			assert_int_equal(want[0].cell[cells[c]].n, n[i][c]);
			assert_int_equal(want[0].cell[cells[c]].pos, pos[i][c]);
			assert_int_equal(got[0].cell[cells[c]].n, n[i][c]);
			assert_int_equal(got[0].cell[cells[c]].pos, pos[i][c]);
		}
		assert_string_equal(got[0].period, want[0].period);
		assert_int_equal(shares_anonymous(first[i]), shares_anonymous(one[i]));
	}
	assert_string_equal(shares_finish(first[2], &(size_t){0})[0].period, "2021-03-01..2022-10-15");
	assert_int_equal(shares_anonymous(first[2]), 2);
	uint64_t repeats, conflicts;
	shares_repeats(first[0], &repeats, &conflicts);
	assert_int_equal(repeats, 3);
	assert_int_equal(conflicts, 2);
	for (size_t i = 0; i < 3; i++) {
		shares_free(one[i]);
		shares_free(first[i]);
		shares_free(twin[i]);
	}
	string_pool_free(pool);
	string_pool_free(twin_pool);
	targets_free(&targets);
	codebook_free(book);
}

/*
 * A spilled set of questionnaires settled and counted half on a second thread
 * (shares_set_threads) counts what one thread counts.  The rows of the twin test
 * above (2022: n 5, pos 4; women 3/3, men 2/1; repeats 3, conflicts 2), then 100
 * men once each (level 1) and 50 women twice (level 2, later 6: the 6 counts).  By
 * hand, mätår 2022: n 155, pos 54; women 53/53; men 102/1; repeats 53, conflicts 52;
 * two questionnaires without an id.  With an identified answer record beside them
 * (v1 streams have those), the set is not split: one thread does it all.
 */
static void test_settled_on_two_threads_as_on_one(void **state)
{
	(void)state;
	struct codebook *book = load_ifs_codebook();
	struct targets targets;
	load_fia_nytta(book, &targets);
	/* every questionnaire through the partitions (the first table would pass 4 KiB), which
	 * hold so few that two fit in that memory at once */
	setenv("IFS_SPILL_AFTER", "4K", 1);
	for (int with_answer_record = 0; with_answer_record < 2; with_answer_record++) {
		struct period y2022 = {PERIOD_YEAR, 2022, 0, 0};
		struct shares *one = shares_new(&targets, &y2022, 0, -1, 0), *two = shares_new(&targets, &y2022, 0, -1, 0);
		assert_non_null(one);
		assert_non_null(two);
		shares_set_threads(one, 1);
		shares_set_threads(two, 2);
		struct shares *both[2] = {one, two};
		struct string_pool *pool = string_pool_new();
		for (size_t r = 0; r < sizeof twin_rows / sizeof *twin_rows; r++)
			add_twin_row(both, 2, pool, r);
		for (uint64_t r = 1000; r < 1100; r++)
			add_fia_questionnaire(both, 2, pool, r * 0x9E3779B97F4A7C15ull, 1, 20220501, GENDER_MAN, 1);
		for (uint64_t r = 2000; r < 2050; r++)
			add_fia_questionnaire(both, 2, pool, r * 0x9E3779B97F4A7C15ull, 1, 20220401, GENDER_WOMAN, 2);
		for (uint64_t r = 2000; r < 2050; r++)
			add_fia_questionnaire(both, 2, pool, r * 0x9E3779B97F4A7C15ull, 1, 20220601, GENDER_WOMAN, 6);
		if (with_answer_record) {
			/* another insats's answer: it changes no FIA count, only what may be split */
			struct record record = {.type = RECORD_ANSWER};
			record.u.answer = (struct answer_record){.respondent = 42, .date = 20220301, .matar = 2022,
			                                         .insats = string_pool_intern(pool, "Enter", 5),
			                                         .question = string_pool_intern(pool, "nytta", 5),
			                                         .group = GROUP_AVSLUT, .gender = GENDER_MAN, .level = 6,
			                                         .scale_max = 6, .flags = ANSWER_IDENTIFIED};
			for (size_t i = 0; i < 2; i++)
				assert_int_equal(shares_add(both[i], pool, &record), 0);
		}
		static const int cells[3] = {CELL_ALL, CELL_WOMEN, CELL_MEN};
		static const uint64_t n[3] = {155, 53, 102}, pos[3] = {54, 53, 1};
		for (size_t i = 0; i < 2; i++) {
			size_t count;
			const struct share_result *got = shares_finish(both[i], &count);
			assert_non_null(got);
			for (int c = 0; c < 3; c++) {
				assert_int_equal(got[0].cell[cells[c]].n, n[c]);
				assert_int_equal(got[0].cell[cells[c]].pos, pos[c]);
			}
			assert_string_equal(got[0].period, "2021-11-01..2022-10-31");
			uint64_t repeats, conflicts;
			shares_repeats(both[i], &repeats, &conflicts);
			assert_int_equal(repeats, 53);
			assert_int_equal(conflicts, 52);
			assert_int_equal(shares_anonymous(both[i]), 2);
		}
		assert_int_equal(shares_threads_used(one), 1);
		assert_int_equal(shares_threads_used(two), with_answer_record ? 1 : 2);
		shares_free(one);
		shares_free(two);
		string_pool_free(pool);
	}
	unsetenv("IFS_SPILL_AFTER");
	targets_free(&targets);
	codebook_free(book);
}

/*
 * An export's rows answered before a period's first day can be left unread
 * (survey_options.read_from): the later answer date is kept, so none of them changes
 * what the period counts.  By hand, mätår 2022: respondent 1 answered 6 in 2021 and 2
 * in 2022 (2 counts), 2 answered 6 on 2021-10-15 (mätår 2021) and 5 in December (5
 * counts), 3 only in 2020, 4 answered 6 in 2022 and again in 2023 (the 2023 answer
 * is kept, in mätår 2023): n 2, klart positive 1, with or without the rows before
 * 2021-11-01.
 */
static void test_rows_before_the_first_day_change_nothing(void **state)
{
	(void)state;
	struct period year = {PERIOD_YEAR, 2022, 0, 0}, since = {PERIOD_SINCE, 2021, 0, 0},
	              range = {PERIOD_RANGE, 0, 20200301, 20200331}, all = {PERIOD_ALL, 0, 0, 0};
	struct codebook *book = load_ifs_codebook();
	struct targets targets;
	load_fia_nytta(book, &targets);
	struct shares *first_days[4] = {shares_new(&targets, &year, 0, -1, 0), shares_new(&targets, &since, 0, -1, 0),
	                                shares_new(&targets, &range, 0, -1, 0), shares_new(&targets, &all, 0, -1, 0)};
	assert_int_equal(shares_ifs_first_day(first_days[0]), 20211101);
	assert_int_equal(shares_ifs_first_day(first_days[1]), 20201101);
	assert_int_equal(shares_ifs_first_day(first_days[2]), 20200301);
	assert_int_equal(shares_ifs_first_day(first_days[3]), 0);
	for (size_t i = 0; i < 4; i++)
		shares_free(first_days[i]);

	const struct { uint64_t respondent; uint32_t date; uint8_t level; } rows[] = {
		{1, 20210301, 6}, {2, 20211015, 6}, {3, 20200101, 6}, {1, 20220301, 2},
		{4, 20220301, 6}, {2, 20211201, 5}, {4, 20230301, 6},
	};
	struct shares *both[2] = {shares_new(&targets, &year, 0, -1, 0), shares_new(&targets, &year, 0, -1, 0)};
	struct string_pool *pool = string_pool_new();
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		add_fia_answer(both, 1, pool, rows[i].respondent, rows[i].date, rows[i].level);
		if (rows[i].date >= 20211101)
			add_fia_answer(both + 1, 1, pool, rows[i].respondent, rows[i].date, rows[i].level);
	}
	shares_read_from(both[1], 20211101);
	for (size_t i = 0; i < 2; i++) {
		size_t count;
		const struct share_result *r = shares_finish(both[i], &count);
		assert_non_null(r);
		assert_int_equal(r[0].cell[CELL_ALL].n, 2);
		assert_int_equal(r[0].cell[CELL_ALL].pos, 1);
		assert_string_equal(r[0].warning, "");
		/* given the rows before the period (as a stream gives them), those are not
		 * checked for repeats either: r1 and r2 again in the period are new, r4
		 * again (2023-03-01, kept: out of the period) the one repeat */
		uint64_t repeats, conflicts;
		shares_repeats(both[i], &repeats, &conflicts);
		assert_int_equal(repeats, 1);
		shares_free(both[i]);
	}

	/* "the data" of a goal without any is what was read */
	struct shares *none = shares_new(&targets, &year, 0, -1, 0);
	shares_read_from(none, 20211101);
	size_t count;
	const struct share_result *r = shares_finish(none, &count);
	assert_non_null(r);
	assert_string_equal(r[0].warning, "goal \"fia-nytta\": insats \"FIA\" does not occur in the IFS data from 2021-11-01 on");
	shares_free(none);
	string_pool_free(pool);
	targets_free(&targets);
	codebook_free(book);
}

/* Newcombe (1998), method 10, his worked example: 56/70 - 48/80 = 0.2000, 95 % interval
 * 0.0524 to 0.3339 (Statistics in Medicine 17:873-890, table II). */
static void test_newcombe_published_example(void **state)
{
	(void)state;
	double l1, u1, l2, u2, low, high;
	wilson_interval(56, 70, &l1, &u1);
	wilson_interval(48, 80, &l2, &u2);
	newcombe_difference(56.0 / 70, l1, u1, 48.0 / 80, l2, u2, &low, &high);
	assert_true(fabs(low - 0.0524) < 0.00005);
	assert_true(fabs(high - 0.3339) < 0.00005);
	/* the interval of p2 - p1 is the mirror image */
	newcombe_difference(48.0 / 80, l2, u2, 56.0 / 70, l1, u1, &low, &high);
	assert_true(fabs(low + 0.3339) < 0.00005);
	assert_true(fabs(high + 0.0524) < 0.00005);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wilson_known_values),
		cmocka_unit_test(test_verdict_boundaries),
		cmocka_unit_test(test_health_worked_example),
		cmocka_unit_test(test_targets_errors_name_goal_and_field),
		cmocka_unit_test(test_newcombe_published_example),
		cmocka_unit_test(test_years_share_one_dedup_set),
		cmocka_unit_test(test_later_year_keeps_for_earlier),
		cmocka_unit_test(test_twin_adopted_as_if_given_in_order),
		cmocka_unit_test(test_settled_on_two_threads_as_on_one),
		cmocka_unit_test(test_rows_before_the_first_day_change_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
