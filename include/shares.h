/*
 * shares.h — goal fulfilment: records in, one result per goal out (SPEC §3).
 *
 * Promise: every record is offered to shares_add(); the tally keeps the answer
 * distribution per level for all, women and men, so positivity, the Wilson
 * interval, verdicts, flags and suppression are computed afterwards in
 * shares_finish() exactly as SPEC §3 says.  A goal whose intervention or
 * indicator never occurs in the data still gets a result, with a warning.
 * Per-record work is two array lookups unless the record belongs to a goal.
 */
#ifndef IFS_SHARES_H
#define IFS_SHARES_H

#include <stdint.h>
#include <stdio.h>

#include "codebook.h"
#include "record.h"
#include "string_pool.h"
#include "targets.h"

#define WILSON_Z 1.959963984540054

enum period_kind { PERIOD_ALL = 0, PERIOD_YEAR, PERIOD_RANGE, PERIOD_SINCE };

struct period {
	enum period_kind kind;
	int year;              /* PERIOD_YEAR, PERIOD_SINCE */
	uint32_t from, to;     /* PERIOD_RANGE, YYYYMMDD inclusive */
};

enum verdict { VERDICT_NONE = 0, VERDICT_TOO_FEW, VERDICT_MET, VERDICT_WITHIN_MARGIN, VERDICT_NOT_MET };
const char *verdict_code(enum verdict verdict);

enum cell_index { CELL_ALL = 0, CELL_WOMEN, CELL_MEN, CELL_COUNT };

struct share_cell {
	uint64_t n, pos;
	double share, ci_low, ci_high;  /* meaningful when n > 0 */
	int masked;
	/* IFS: answers per level (index 0 = Vet ej), and blank answers */
	uint64_t levels[LEVEL_MAX + 1];
	uint64_t missing;
	/* health: pairs where the indicator cannot be told; components improved; bortfall */
	uint64_t unknown, improved[3], intake_only, exit_only;
};

struct share_result {
	const struct goal *goal;
	char period[32];        /* "2021-11-01..2022-10-31", or "" */
	int min_n, min_level, scale_max, vas_min_delta;
	enum verdict verdict;
	struct share_cell cell[CELL_COUNT];
	int small_n[CELL_COUNT];
	uint64_t pairs;         /* health: pairs in the period */
	uint64_t persons;       /* health: distinct participants of those pairs */
	uint64_t ended[CELL_COUNT]; /* register goals: courses of the insats ended in the period */
	/* questionnaire goals (avslut group, health) with register data in the input */
	int has_response_rate;
	int register_lacks_insats;            /* register data in the input, but no course of the goal's insats */
	int ended_masked;                     /* --suppress: register_ended is 1 to min_n - 1 (so is the rate) */
	uint64_t register_ended, respondents; /* courses ended in the goal's period; who answered (pairs) */
	double response_rate;                 /* respondents / register_ended, when register_ended > 0 */
	/* --years: the change from the previous listed year (shares_compare_years) */
	int has_previous;                     /* 1: prev_share, diff and its interval are set */
	int in_years;                         /* a row of a --years table: the four columns are printed */
	double prev_share, diff, diff_low, diff_high;
	char warning[512];      /* empty, or why this goal has no data */
	char note[512];         /* empty, or what else a reader should hear (register_lacks_insats) */
};

struct shares;

/* min_n: 0 to use the targets file's (default 5); vas_min_delta: -1 to use the
 * file's, else the records' own. */
struct shares *shares_new(const struct targets *targets, const struct period *period, int min_n,
                          int vas_min_delta, int suppress);
void shares_free(struct shares *shares);
/* Several periods over the same records (--years): s leaves the identified answers
 * and questionnaires to keeper, which keeps them once for both, and counts them from
 * keeper's sets when it is finished.  Both must be given every record; which of them
 * is finished first does not matter.  The repeats are keeper's to report. */
void shares_count_with(struct shares *s, struct shares *keeper);
/* Threads shares_finish() may use (1 unless set): with 2, a large set of identified
 * questionnaires (one that spilled, with no answer records beside it, two of whose
 * partitions fit in its memory at once) is settled and counted half on a second
 * thread, into tallies of its own added to s's after.  The
 * results are those of one thread, always; a thread that cannot be started leaves
 * the work to this one. */
void shares_set_threads(struct shares *s, int threads);
/* After shares_finish(): the threads that settled and counted the questionnaires (1 or 2). */
int shares_threads_used(const struct shares *s);
/* For a second thread that reads the second half of an export: shares like model
 * (the same targets, period, min_n and suppression) that count its records on that
 * thread, and only log its identified questionnaires (questionnaire_set_new_log),
 * in their own pool.  Only questionnaire records may be given to it. */
struct shares *shares_new_twin(const struct shares *model);
/* After the twin's last record, on its own thread: its queued questionnaires
 * logged, and the log written out (questionnaire_set_close_log), so that a
 * temporary file that fails, fails there.  0, or -1 with errno set. */
int shares_twin_done(struct shares *twin);
/* The twin's records, as if each had been given to s after those s has had: its
 * logged questionnaires adopted by s's set (questionnaire_set_adopt: every string of
 * twin_pool interned in pool, the pool of s's records, and the ids mapped), its counts
 * added.  Give the twins of s's keeper and
 * of those it keeps for (shares_count_with) the same structure.  The twin is spent;
 * free it.  0, or -1 with errno set (memory, the temporary files, or EINVAL). */
int shares_adopt(struct shares *s, struct shares *twin, const struct string_pool *twin_pool,
                 struct string_pool *pool);
/* The first day (YYYYMMDD) whose IFS answers the period counts, 0 when it has no
 * first day (the whole data): an export's rows answered before it can be left unread
 * (survey_options.read_from). */
uint32_t shares_ifs_first_day(const struct shares *s);
/* Rows of IFS data answered before day were left unread: the warnings of goals
 * without data say "from that day on" where they speak of the whole data. */
void shares_read_from(struct shares *s, uint32_t day);
/* pool: the pool the record's string ids refer to. */
/* 0, or -1 when out of memory: the run must end, as the record was not counted. */
int shares_add(struct shares *shares, const struct string_pool *pool, const struct record *record);
/* Answers offered again (the same identified respondent, insats, group and question,
 * from any input), and those of them with another answer (the later date kept). */
void shares_repeats(const struct shares *shares, uint64_t *repeats, uint64_t *conflicts);
/* Courses of the register offered again (the same participant, insats and start
 * date: course_set.h), and those of them that differed (the ended or later kept). */
void shares_course_repeats(const struct shares *shares, uint64_t *repeats, uint64_t *updates);
/* Questionnaires and answer records whose respondent is a row number: no repeat of
 * them can be found. */
uint64_t shares_anonymous(const struct shares *shares);
/* Computes the results; valid until shares_free.  NULL with errno set when memory
 * ran out or a temporary file failed (questionnaires are offered to the dedup set a
 * few records late, the last of them here, and a set that spilled is settled here). */
const struct share_result *shares_finish(struct shares *shares, size_t *count);

/* Newcombe's hybrid score interval (1998, method 10) for p1 - p2 of two independent
 * proportions, from their 95 % Wilson intervals [l1, u1] and [l2, u2]. */
void newcombe_difference(double p1, double l1, double u1, double p2, double l2, double u2, double *low,
                         double *high);
/* Sets each row's change from the row before it (the same goal, the previous listed
 * year); empty for the first year and where either year has n = 0.  rows[i] and
 * rows[i - 1] belong together when they name the same goal. */
void shares_compare_years(struct share_result *rows, size_t count);

/* The 95 % Wilson score interval for pos of n (n > 0). */
void wilson_interval(uint64_t pos, uint64_t n, double *low, double *high);
/* SPEC §3: the verdict for a share against a target, given the interval. */
enum verdict share_verdict(int has_target, double target, uint64_t n, int min_n, double share, double ci_high);

/* Output (shares_output.c). */
struct shares_report {
	const char *targets_path;
	const struct period *period;
	const int *years;      /* --years: the years listed, else NULL */
	size_t year_count;
	int min_n, suppress, vas_min_delta;
	const struct codebook *codebook;
};
int shares_write_tsv(FILE *out, const struct share_result *results, size_t count, int swedish_csv);
int shares_write_json(FILE *out, const struct share_result *results, size_t count,
                      const struct shares_report *report);

#endif
