/*
 * survey.h — IFS questionnaire rows to answer records.
 *
 * Promise: given a codebook and an export's header, decides once which column
 * is what (refusing a file that lacks a required column); then turns each row
 * into one answer record per question column, or rejects the row with a reason
 * that names the column and never echoes a respondent identifier.  A row is
 * either written (less any answer whose cell could not be read) or wholly rejected.  A respondent with an identifier
 * counts once per insats and group across every file the converter is given
 * (answer_set.h): a cumulative export's repeats are dropped and counted.
 *
 * The record's respondent is a 64-bit value no one can turn back into an id.
 * With a key, the id (a participant column's, else the respondent column's)
 * becomes the keyed pseudonym of pseudonym.h, the same ifs-health gives the
 * same person.  Without one, only a survey tool's response id is kept, as a
 * hash; a participant id, or any id shaped like a personnummer, is not kept at
 * all and the row's ordinal stands in: an unkeyed hash of the few billion
 * personnummer, or of a short participant code, is undone by trying them all.
 */
#ifndef IFS_SURVEY_H
#define IFS_SURVEY_H

#include <stddef.h>
#include <stdint.h>

#include "codebook.h"
#include "ingest.h"
#include "pseudonym.h"
#include "record_stream.h"
#include "row_source.h"

struct survey_options {
	const char *insats;  /* for exports without an insats column (or blank cells) */
	const char *forbund; /* likewise */
	int group;           /* enum respondent_group, or -1 when not given */
	const struct pseudonym_key *key; /* NULL: no keyed pseudonyms */
	/* Without key, for records that never leave the process (ifs-shares reading an
	 * export): a personnummer or participant code, not kept otherwise, is told
	 * apart under this key of the run's own (pseudonym_key_random), so that the
	 * reader finds its repeats.  NULL: not kept (the row number stands in). */
	const struct pseudonym_key *run_key;
	/* Without key: a response id (not personal) is hashed under this key of the run
	 * (pseudonym.h) instead of with the SHA-256 a stream carries, for records that
	 * never meet a stream's.  NULL: SHA-256. */
	const struct response_key *response_key;
	/* Without key and run_key: a personnummer or participant code, not kept (the row
	 * number stands in), is told apart under this key of the run's own (never written,
	 * but in the check's temporary files past its memory), for the repeat check alone:
	 * the same questionnaire again is dropped, one with earlier answers too, and one
	 * with the same answers under a later date (the earlier date kept); one with later,
	 * other answers is written beside the first, and both count
	 * (survey_converter_unkept_conflicts).  NULL: no check for them.  Past the check's
	 * memory their rows wait for its end.  A second reader (a twin) stops at such a
	 * row: the first reads it. */
	const struct pseudonym_key *check_key;
	int verbose;         /* bind says on stderr what every column became */
	int repeats_downstream; /* the records go straight to a reader that counts each answer
	                         * once itself (ifs-shares): the converter skips its own check */
	/* YYYYMMDD, 0 for none: a row answered before this day is not read past its date
	 * (SURVEY_SKIPPED), for a reader that counts no answer before it (ifs-shares for a
	 * period).  Only with repeats_downstream: an earlier answer is never kept over a
	 * later one of the same question, so no answer counted from this day on can depend
	 * on it, but a stream's reader may count other periods. */
	uint32_t read_from;
};

struct survey_converter;

struct survey_converter *survey_converter_new(const struct codebook *codebook,
                                              struct record_writer *writer,
                                              const struct survey_options *options);
void survey_converter_free(struct survey_converter *converter);

/* Maps the columns of a newly opened source.  -1 with a reason in error (and errno
 * ENOMEM when memory ran out) when the file cannot be used (no date column, no question column, a question twice,
 * no insats or group column and no option to supply it). */
int survey_converter_bind(struct survey_converter *converter, const struct row_source *source,
                          char *error, size_t error_size);

/* While quiet, bind says nothing: for trying lines as the header (a title line above it). */
void survey_converter_quiet(struct survey_converter *converter, int quiet);

/* What survey_converter_row() returns besides 0 (written), 1 (rejected, reason in
 * reason) and -1 (write error or out of memory, errno says which). */
#define SURVEY_REPEAT INGEST_REPEAT
#define SURVEY_REPEAT_KEPT INGEST_REPEAT_KEPT
#define SURVEY_REPEAT_DROPPED INGEST_REPEAT_DROPPED
#define SURVEY_SKIPPED INGEST_SKIPPED
int survey_converter_row(struct survey_converter *converter, const struct row *row,
                         char *reason, size_t reason_size);
/*
 * Cells of the last row whose answer could not be read ("column 8 (question
 * tillvara): unknown answer "Ingen åsikt"; expected one of …"), or its gender: the
 * row is still written, without those answers (its gender unstated).  At most SURVEY_CELL_PROBLEMS_MAX are kept per
 * row; survey_converter_answers_rejected() counts them all, over every row.
 */
#define SURVEY_CELL_PROBLEMS_MAX 8
size_t survey_converter_cell_problems(const struct survey_converter *converter);
const char *survey_converter_cell_problem(const struct survey_converter *converter, size_t i);
uint64_t survey_converter_answers_rejected(const struct survey_converter *converter);
/* Gender cells that could not be read ("Kvinan"): the row is kept with its gender
 * unstated, the cell reported among its cell problems. */
uint64_t survey_converter_genders_unread(const struct survey_converter *converter);
/* Answer dates read from D/M/YYYY, day first (the Swedish order): the tool says so. */
uint64_t survey_converter_day_first_dates(const struct survey_converter *converter);

/* Answer records written so far. */
uint64_t survey_converter_records(const struct survey_converter *converter);
/* The writer's id of an insats or förbund name as this converter first spelt it: "fia "
 * met after "FIA" is FIA's (text_fold.h: one insats as goals match it, so a repeat is one
 * whatever the spelling).  UINT32_MAX when out of memory. */
uint32_t survey_converter_place(struct survey_converter *converter, const char *name);
/* 1 when the bound file's ids are personal data: it has a participant column,
 * or a respondent column and the converter a key.  Reject files must not keep them. */
int survey_converter_ids_personal(const struct survey_converter *converter);
/* The row's personal id cell (see above), or NULL when it has none. */
const char *survey_converter_personal_id(const struct survey_converter *converter, const struct row *row);
/* Personal ids (participant ids, ids shaped like a personnummer) not kept for want of a key. */
uint64_t survey_converter_unkept_ids(const struct survey_converter *converter);
/* Questionnaires written without an identifier (no id column, a blank id, an id not
 * kept and not told apart by check_key): nothing tells a repeat of them from a new
 * respondent. */
uint64_t survey_converter_anonymous_rows(const struct survey_converter *converter);
/* Questionnaires of respondents told apart only by check_key, written beside an earlier
 * one of theirs with other answers: nothing downstream can tell they are one person's. */
uint64_t survey_converter_unkept_conflicts(const struct survey_converter *converter);

/* What the repeat check holds in memory before it waits for the end (IFS_SPILL_AFTER
 * says otherwise): past it, the keys of identified respondents' questionnaires go
 * to temporary files (spill.h); one whose key is surely new is written at once, one
 * whose key may have been seen waits, and is checked, written or dropped, and warned
 * of by survey_converter_finish(), in order, as the check in memory would have.
 * Within a key the records keep their order; across keys a waiting one comes later. */
#define SURVEY_REPEAT_MEMORY ((size_t)3 << 20)
/* After the last file: the questionnaires that wait, written.  It adjusts totals
 * (the repeats among them were counted as written).  0, or EX_OSERR / EX_IOERR
 * (said on stderr). */
struct ingest_totals;
int survey_converter_finish(struct survey_converter *converter, struct ingest_totals *totals);
/* Threads survey_converter_finish() may use (1 unless set): with 2, half the waiting
 * keys are checked on a second thread; the stream, warnings and totals are the same. */
void survey_converter_set_threads(struct survey_converter *converter, int threads);

/* The converter as ingest.h drives it. */
struct ingest_converter;
void survey_converter_ingest(struct survey_converter *converter, struct ingest_converter *out);
/* How ingest_file_split() makes a twin of it for the second half of a large export
 * (ingest_split.h).  The twin's questionnaires are checked for repeats and written
 * by this converter, in order. */
struct ingest_twin;
void survey_converter_twin(struct survey_converter *converter, int jobs, int always, struct ingest_twin *out);

#endif
