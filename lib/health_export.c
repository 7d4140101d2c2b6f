/*
 * health_export.c — a health questionnaire export's rows to questionnaires for the
 * pairing, through the same ingest loop as the other exports (ingest.c): the
 * header search, empty rows, rejects and counts are that loop's.
 */
#include "health_export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "diag.h"
#include "health_indicators.h"
#include "personal_data.h"
#include "personnummer.h"
#include "text_fold.h"

enum item { ITEM_LQ, ITEM_DUE, ITEM_VAS, ITEM_MENTAL, ITEM_PAIN, ITEM_WORRY, ITEM_WORKCAP, ITEM_COUNT };
static const char *const item_ids[ITEM_COUNT] = {"livskvalitet", "beror", "vas", "psykisk", "smarta", "oro",
                                                 "arbetsformaga"};

struct health_export {
	struct health_export_options options;
	size_t respondent, date, insats, occasion, gender, age, forbund; /* SIZE_MAX when absent */
	size_t item[ITEM_COUNT], item_question[ITEM_COUNT];
	int quiet;
	char cell_problems[ITEM_COUNT + 1][400]; /* the gender and every item */
	size_t cell_problem_count;
	uint64_t answers_rejected, day_first_dates;
	uint64_t genders_unread; /* gender cells that could not be read: the questionnaire kept, its gender unstated */
};

struct health_export *health_export_new(const struct health_export_options *options)
{
	struct health_export *c = calloc(1, sizeof *c);
	if (c)
		c->options = *options;
	return c;
}

void health_export_free(struct health_export *converter) { free(converter); }

uint64_t health_export_genders_unread(const struct health_export *converter) { return converter->genders_unread; }

uint64_t health_export_answers_rejected(const struct health_export *converter)
{
	return converter->answers_rejected;
}

static int bind(void *self, const struct row_source *source, char *error, size_t error_size)
{
	struct health_export *c = self;
	const struct codebook *book = c->options.codebook;
	/* Here every identifier is a person's: a participant column serves as well as a respondent one. */
	size_t *roles[] = {[ROLE_RESPONDENT] = &c->respondent, [ROLE_DATE] = &c->date, [ROLE_INSATS] = &c->insats,
	                   [ROLE_GENDER] = &c->gender, [ROLE_AGE] = &c->age, [ROLE_FORBUND] = &c->forbund,
	                   [ROLE_OCCASION] = &c->occasion, [ROLE_PARTICIPANT] = &c->respondent};
	c->respondent = c->date = c->insats = c->occasion = c->gender = c->age = c->forbund = SIZE_MAX;
	for (int i = 0; i < ITEM_COUNT; i++)
		c->item[i] = SIZE_MAX;
	const char *name = row_source_name(source);
	for (size_t column = 0; column < row_source_columns(source); column++) {
		const char *header = row_source_header(source, column);
		size_t question = 0;
		const char *became = "not used";
		enum column_role role = codebook_column_role(book, header, &question);
		if (role == ROLE_QUESTION) {
			for (int i = 0; i < ITEM_COUNT; i++)
				if (strcmp(codebook_question_id(book, question), item_ids[i]) == 0 && c->item[i] == SIZE_MAX) {
					c->item[i] = column;
					c->item_question[i] = question;
					became = item_ids[i];
				}
		} else if (role < sizeof roles / sizeof *roles && roles[role] && *roles[role] == SIZE_MAX) {
			*roles[role] = column;
			became = roles[role] == &c->respondent ? "participant"
			       : roles[role] == &c->date       ? "date"
			       : roles[role] == &c->insats     ? "insats"
			       : roles[role] == &c->occasion   ? "occasion"
			       : roles[role] == &c->gender     ? "gender"
			       : roles[role] == &c->age        ? "age"
			                                       : "förbund";
		}
		if (c->options.verbose && !c->quiet)
			diag_error("%s: column %zu \"%s\": %s", name, column + 1, QUOTE_CELL(header, strlen(header), 60), became);
	}
	const char *missing = c->respondent == SIZE_MAX ? "no participant column (Deltagare, Deltagar-ID, Personnummer, ID)"
	                    : c->date == SIZE_MAX       ? "no date column (expected Datum or Svarsdatum)"
	                    : c->occasion == SIZE_MAX   ? "no occasion column (Tillfälle: Inskrivning or Avslut)"
	                    : c->insats == SIZE_MAX && !c->options.insats
	                        ? "no insats column (Insats, Verksamhet); name the intervention with --insats"
	                        : NULL;
	if (missing) {
		snprintf(error, error_size, "%s:%lu: %s", name, row_source_header_line(source), missing);
		return -1;
	}
	return 0;
}

static void quiet(void *self, int value) { ((struct health_export *)self)->quiet = value; }


/* The cell trimmed of spaces and tabs into out (cut to fit). */
static void trimmed(const char *text, size_t length, char *out, size_t size)
{
	text = text_trim(text, &length);
	if (length >= size)
		length = size - 1;
	memcpy(out, text, length);
	out[length] = '\0';
}

/* 0 kept, 1 rejected (reason in reason), -1 out of memory (errno ENOMEM). */
static int convert(void *self, const struct row *row, char *reason, size_t reason_size)
{
	struct health_export *c = self;
	const struct codebook *book = c->options.codebook;
	c->cell_problem_count = 0;
	if (row->problem) {
		snprintf(reason, reason_size, "%s", row->problem);
		return 1;
	}
	struct questionnaire q;
	memset(&q, 0, sizeof q);
	const char *date_text = row->fields[c->date];
	size_t date_length = row->lengths[c->date];
	int parsed = date_parse(date_text, date_length, &q.date);
	if (parsed < 0) {
		if (text_blank(date_text, date_length))
			snprintf(reason, reason_size, "no date");
		else if (parsed == DATE_NO_SUCH_DAY)
			snprintf(reason, reason_size, "bad date \"%s\": no such day in the calendar",
			         QUOTE_CELL(date_text, date_length, 20));
		else {
			char expected[320];
			date_expectation(date_text, date_length, expected, sizeof expected);
			snprintf(reason, reason_size, "bad date \"%s\" (%s)", QUOTE_CELL(date_text, date_length, 20), expected);
		}
		return 1;
	}
	if (parsed == DATE_DAY_FIRST)
		c->day_first_dates++;
	const char *identifier = row->fields[c->respondent];
	size_t identifier_length = row->lengths[c->respondent];
	if (text_says_nothing(identifier, identifier_length)) {
		/* "-" or "N/A" names nobody: as an id it would pair one person's intake with another's exit */
		snprintf(reason, reason_size, text_blank(identifier, identifier_length)
		                                  ? "no participant id"
		                                  : "no participant id (\"%s\" stands for none)",
		         QUOTE_CELL(identifier, identifier_length, 20));
		return 1;
	}
	enum personnummer_result shape =
		pseudonym_of_participant(c->options.key, identifier, identifier_length, q.date, &q.participant);
	switch (shape) {
	case PERSONNUMMER_VALID:
	case PERSONNUMMER_NOT:
		break;
	case PERSONNUMMER_BAD_CHECK:
	case PERSONNUMMER_BAD_DATE:
	case PERSONNUMMER_EXCEL_NUMBER:
	case PERSONNUMMER_LOST_ZERO:
		snprintf(reason, reason_size, "%s", personnummer_problem(shape));
		return 1;
	case PERSONNUMMER_UNCOMPUTED:
		errno = ENOMEM;
		return -1;
	}
	const char *occasion_text = row->fields[c->occasion];
	size_t occasion_length = row->lengths[c->occasion];
	int occasion = codebook_background_value(book, ROLE_OCCASION, occasion_text, occasion_length);
	if (occasion != OCCASION_INTAKE && occasion != OCCASION_EXIT) {
		if (text_blank(occasion_text, occasion_length))
			snprintf(reason, reason_size, "no occasion (Tillfälle: Inskrivning or Avslut)");
		else
			snprintf(reason, reason_size, "unknown occasion \"%s\" (expected Inskrivning or Avslut)",
			         QUOTE_CELL(occasion_text, occasion_length, 30));
		return 1;
	}
	q.occasion = (uint8_t)occasion;
	/* Names are stored in every record that names them: no personnummer may be one. */
	if (c->insats != SIZE_MAX && personal_data_names_person(row->fields[c->insats], row->lengths[c->insats],
	                                                        identifier, identifier_length)) {
		snprintf(reason, reason_size, "the insats column holds a personnummer or the participant's id, not an "
		                              "intervention's name");
		return 1;
	}
	if (c->forbund != SIZE_MAX && personal_data_names_person(row->fields[c->forbund], row->lengths[c->forbund],
	                                                         identifier, identifier_length)) {
		snprintf(reason, reason_size, "the förbund column holds a personnummer or the participant's id, not an "
		                              "association's name");
		return 1;
	}
	char name[sizeof q.insats_key];
	name[0] = '\0';
	if (c->insats != SIZE_MAX)
		trimmed(row->fields[c->insats], row->lengths[c->insats], name, sizeof name);
	if (!name[0] && c->options.insats)
		trimmed(c->options.insats, strlen(c->options.insats), name, sizeof name);
	if (!name[0]) {
		snprintf(reason, reason_size, "no insats (the Insats column is empty; --insats supplies one)");
		return 1;
	}
	q.insats = record_writer_string(c->options.writer, name);
	text_fold(name, strlen(name), q.insats_key, sizeof q.insats_key);
	name[0] = '\0';
	if (c->forbund != SIZE_MAX)
		trimmed(row->fields[c->forbund], row->lengths[c->forbund], name, sizeof name);
	if (!name[0] && c->options.forbund)
		trimmed(c->options.forbund, strlen(c->options.forbund), name, sizeof name);
	q.forbund = record_writer_string(c->options.writer, name);
	if (q.insats == UINT32_MAX || q.forbund == UINT32_MAX) {
		errno = ENOMEM;
		return -1;
	}
	int gender_unread = 0;
	if (c->gender != SIZE_MAX) {
		int gender = codebook_background_value(book, ROLE_GENDER, row->fields[c->gender], row->lengths[c->gender]);
		if (gender < 0) {
			/* A typo in the gender costs the gender, not the questionnaire or its pair. */
			snprintf(c->cell_problems[c->cell_problem_count++], sizeof *c->cell_problems,
			         "column %zu (gender): unknown gender \"%s\"; expected Kvinna, Man, Annat, Vill ej uppge or "
			         "empty (the row is kept without it)", c->gender + 1,
			         QUOTE_CELL(row->fields[c->gender], row->lengths[c->gender], 40));
			gender_unread = 1;
			gender = GENDER_UNSTATED;
		}
		q.gender = (uint8_t)gender;
	}
	if (c->age != SIZE_MAX)
		q.age = (uint8_t)codebook_age(row->fields[c->age], row->lengths[c->age]);
	uint8_t *items[ITEM_COUNT] = {&q.lq, &q.lq_due, &q.vas, &q.mental, &q.pain, &q.worry, &q.workcap};
	uint64_t items_rejected = 0;
	for (int i = 0; i < ITEM_COUNT; i++) {
		*items[i] = HEALTH_MISSING;
		if (c->item[i] == SIZE_MAX)
			continue;
		const char *text = row->fields[c->item[i]];
		size_t length = row->lengths[c->item[i]];
		int value = codebook_answer(book, c->item_question[i], text, length);
		if (value == ANSWER_UNKNOWN) {
			/* A bad cell costs that item (left missing), not the questionnaire or its pair. */
			char labels[240];
			codebook_question_labels(book, c->item_question[i], labels, sizeof labels);
			snprintf(c->cell_problems[c->cell_problem_count++], sizeof *c->cell_problems,
			         "column %zu (%s): unknown answer \"%s\"; expected one of %s", c->item[i] + 1, item_ids[i],
			         QUOTE_CELL(text, length, 40), labels);
			items_rejected++;
			continue;
		}
		if (value >= 0 && value < HEALTH_MISSING)
			*items[i] = (uint8_t)value;
	}
	if (health_pairing_add(c->options.pairing, &q) < 0) {
		errno = ENOMEM;
		return -1;
	}
	c->answers_rejected += items_rejected;
	c->genders_unread += (uint64_t)gender_unread;
	return 0;
}

static size_t cell_problems(const void *self) { return ((const struct health_export *)self)->cell_problem_count; }
static const char *cell_problem_text(const void *self, size_t i)
{
	return ((const struct health_export *)self)->cell_problems[i];
}
static const char *personal_id(const void *self, const struct row *row)
{
	const struct health_export *c = self;
	return c->respondent != SIZE_MAX && c->respondent < row->count ? row->fields[c->respondent] : NULL;
}
static int ids_personal(const void *self) { return 1; }
static uint64_t day_first(const void *self) { return ((const struct health_export *)self)->day_first_dates; }
static uint64_t unkept(const void *self) { return 0; }

static const char *ungendered(const void *self)
{
	return ((const struct health_export *)self)->gender == SIZE_MAX ? "answers" : NULL;
}

void health_export_ingest(struct health_export *converter, struct ingest_converter *out)
{
	*out = (struct ingest_converter){converter,         bind,        quiet,        convert,   cell_problems,
	                                 cell_problem_text, personal_id, ids_personal, day_first, unkept,
	                                 ungendered,        NULL};
}
