/* SHA256_Init and friends are deprecated in OpenSSL 3 but not gone: they hash a
 * response id without the allocation and wipe EVP makes on every digest, which was
 * half the cost of hashing a row (respondent_hash). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "survey.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "answer_set.h"
#include "dates.h"
#include "ingest_split.h"
#include "diag.h"
#include "personal_data.h"
#include "pseudonym.h"
#include "record.h"
#include "spill.h"
#include "place_names.h"
#include "string_pool.h"
#include "text_fold.h"
#include "text_memo.h"

struct deferred;
static void deferred_free(struct deferred *deferred);

/* A cell that could not be read: its answer is not written. */
#define LEVEL_REJECTED 254

struct question_column {
	size_t column;
	size_t question;
	uint32_t question_string; /* writer id of the question id */
	uint8_t scale_max;
	/* The few distinct texts a column holds repeat on every row: remembering
	 * their values skips folding and hashing them in the codebook. */
	struct text_memo answers;
};

struct survey_converter {
	const struct codebook *codebook;
	struct record_writer *writer;
	struct survey_options options;
	/* columns of the bound source; SIZE_MAX when absent */
	size_t respondent, participant, date, insats, group, gender, age, forbund;
	struct question_column *questions;
	size_t question_count;
	uint32_t form;    /* the writer's form of the bound file's questions; UINT32_MAX until its first row */
	uint64_t row_ordinal;
	uint64_t records;
	uint64_t unkept_ids;
	uint64_t anonymous_rows; /* written without an identifier: the row number stands in */
	uint64_t unkept_conflicts; /* survey_converter_unkept_conflicts() */
	struct answer_set *seen; /* questionnaires of identified respondents, to count each once */
	size_t spill_limit;      /* SURVEY_REPEAT_MEMORY, or IFS_SPILL_AFTER */
	size_t seen_most;        /* past this many, the check is deferred to the end (struct deferred) */
	int threads;             /* survey_converter_set_threads(): for the deferred check's keys */
	struct deferred *deferred;
	const char *file;        /* the bound source's name, for the deferred warnings */
	/* the row's cells that could not be read (survey.h) */
	char cell_problems[SURVEY_CELL_PROBLEMS_MAX][400];
	size_t cell_problem_count;
	uint64_t answers_rejected;
	uint64_t genders_unread; /* gender cells that could not be read: the row kept, its gender unstated */
	uint64_t day_first_dates; /* read from D/M/YYYY */
	int quiet; /* bind only tries a header: no warnings, no -v lines */
	/* Insats and förbund names as first spelt: "fia " after "FIA" is written FIA, one
	 * insats as goals match it, so a repeat is one whatever the spelling (a folded name's
	 * slot holds the writer's id of its first spelling). */
	struct place_names places;
	/* writer string ids of insats and förbund names, and codes of groups and genders */
	struct text_memo insats_ids, forbund_ids, groups, genders;
#ifdef OPENSSL_NO_DEPRECATED_3_0
	/* SHA-256 for unkeyed response ids: fetched once, as looking it up per row costs more than hashing */
	EVP_MD *sha256;
	EVP_MD_CTX *hash_context;
#endif
	/* a twin's own copy of the key: the key's HMAC context is used by one thread only */
	struct pseudonym_key *own_key;
};

struct survey_converter *survey_converter_new(const struct codebook *codebook,
                                              struct record_writer *writer,
                                              const struct survey_options *options)
{
	struct survey_converter *converter = calloc(1, sizeof *converter);
	if (!converter)
		return NULL;
	converter->codebook = codebook;
	converter->writer = writer;
	converter->options = *options;
	/* an answer_set slot per questionnaire, half of them used at most, doubling: four slots each */
	converter->spill_limit = spill_limit_from_environment(SURVEY_REPEAT_MEMORY, NULL);
	converter->seen_most = converter->spill_limit / (4 * (sizeof(struct answer_record) + 1));
#ifdef OPENSSL_NO_DEPRECATED_3_0
	converter->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	converter->hash_context = EVP_MD_CTX_new();
	if (!converter->sha256 || !converter->hash_context) {
		survey_converter_free(converter);
		return NULL;
	}
#endif
	return converter;
}

void survey_converter_free(struct survey_converter *converter)
{
	if (!converter)
		return;
	free(converter->questions);
	place_names_clear(&converter->places);
	answer_set_free(converter->seen);
	deferred_free(converter->deferred);
#ifdef OPENSSL_NO_DEPRECATED_3_0
	EVP_MD_CTX_free(converter->hash_context);
	EVP_MD_free(converter->sha256);
#endif
	if (converter->own_key) {
		pseudonym_key_wipe(converter->own_key);
		free(converter->own_key);
	}
	free(converter);
}

uint64_t survey_converter_records(const struct survey_converter *converter) { return converter->records; }
void survey_converter_quiet(struct survey_converter *converter, int quiet) { converter->quiet = quiet; }
uint64_t survey_converter_unkept_ids(const struct survey_converter *converter) { return converter->unkept_ids; }
uint64_t survey_converter_unkept_conflicts(const struct survey_converter *converter)
{
	return converter->unkept_conflicts;
}

uint64_t survey_converter_anonymous_rows(const struct survey_converter *converter)
{
	return converter->anonymous_rows;
}
uint64_t survey_converter_answers_rejected(const struct survey_converter *converter) { return converter->answers_rejected; }
uint64_t survey_converter_genders_unread(const struct survey_converter *converter) { return converter->genders_unread; }
size_t survey_converter_cell_problems(const struct survey_converter *converter) { return converter->cell_problem_count; }
const char *survey_converter_cell_problem(const struct survey_converter *converter, size_t i)
{
	return i < converter->cell_problem_count ? converter->cell_problems[i] : "";
}
uint64_t survey_converter_day_first_dates(const struct survey_converter *converter) { return converter->day_first_dates; }

int survey_converter_ids_personal(const struct survey_converter *converter)
{
	return converter->participant != SIZE_MAX || (converter->options.key && converter->respondent != SIZE_MAX);
}

const char *survey_converter_personal_id(const struct survey_converter *converter, const struct row *row)
{
	if (converter->participant < row->count)
		return row->fields[converter->participant];
	if (converter->options.key && converter->respondent < row->count)
		return row->fields[converter->respondent];
	return NULL;
}

/* A column whose header shares this much of its distinctive words with a question's
 * text, and at least this many, is that question reworded; from NEAR_MISS_SCORE up a
 * column that matched nothing is named in a warning with the question it nearly is. */
#define REWORDED_MIN_SCORE 0.75
#define REWORDED_MIN_WORDS 4
#define NEAR_MISS_SCORE 0.4

static int question_bound(const struct survey_converter *converter, size_t question)
{
	for (size_t q = 0; q < converter->question_count; q++)
		if (converter->questions[q].question == question)
			return 1;
	return 0;
}

static const char *role_name(enum column_role role)
{
	switch (role) {
	case ROLE_RESPONDENT: return "respondent id";
	case ROLE_DATE: return "answer date";
	case ROLE_INSATS: return "insats";
	case ROLE_GROUP: return "respondent group";
	case ROLE_GENDER: return "gender";
	case ROLE_AGE: return "age";
	case ROLE_FORBUND: return "förbund";
	case ROLE_OCCASION: return "occasion";
	case ROLE_PARTICIPANT: return "participant id";
	default: return "not used";
	}
}

int survey_converter_bind(struct survey_converter *converter, const struct row_source *source,
                          char *error, size_t error_size)
{
	size_t columns = row_source_columns(source);
	const char *name = row_source_name(source);
	converter->file = name;
	size_t *roles[] = {
		[ROLE_RESPONDENT] = &converter->respondent, [ROLE_DATE] = &converter->date,
		[ROLE_INSATS] = &converter->insats, [ROLE_GROUP] = &converter->group,
		[ROLE_GENDER] = &converter->gender, [ROLE_AGE] = &converter->age,
		[ROLE_FORBUND] = &converter->forbund, [ROLE_PARTICIPANT] = &converter->participant,
	};
	for (size_t r = 0; r < sizeof roles / sizeof *roles; r++)
		if (roles[r])
			*roles[r] = SIZE_MAX;
	free(converter->questions);
	converter->questions = calloc(columns ? columns : 1, sizeof *converter->questions);
	converter->question_count = 0;
	converter->form = UINT32_MAX;
	converter->row_ordinal = 0;
	if (!converter->questions) {
		snprintf(error, error_size, "%s: out of memory", name);
		errno = ENOMEM;
		return -1;
	}
	/* First every column the codebook names; then, for the columns left, a question
	 * reworded in the export (docs/codebook.md, "Reworded questions"). */
	enum column_role *column_roles = calloc(columns ? columns : 1, sizeof *column_roles);
	if (!column_roles) {
		snprintf(error, error_size, "%s: out of memory", name);
		errno = ENOMEM;
		return -1;
	}
	int status = 0;
	for (int pass = 0; pass < 2 && status == 0; pass++) {
		for (size_t column = 0; column < columns && status == 0; column++) {
			const char *header = row_source_header(source, column);
			size_t question = 0;
			double score = 0;
			size_t shared = 0;
			enum column_role role;
			if (pass == 0) {
				role = codebook_column_role(converter->codebook, header, &question);
			} else {
				if (column_roles[column] != ROLE_NONE)
					continue;
				int near = codebook_nearest_question(converter->codebook, header, &score, &shared);
				role = ROLE_NONE;
				if (near >= 0 && score >= REWORDED_MIN_SCORE && shared >= REWORDED_MIN_WORDS &&
				    !question_bound(converter, (size_t)near)) {
					role = ROLE_QUESTION;
					question = (size_t)near;
				} else if (!converter->quiet && near >= 0 && (score >= NEAR_MISS_SCORE || strchr(header, '?'))) {
					diag_warn("%s:1: column %zu \"%s\" matches no question of the codebook; the nearest is %s "
					          "(\"%s\", %.0f %% of their words in common): if it is that question, add the header "
					          "to its \"headers\" in a codebook of your own (-c)", name, column + 1,
					          QUOTE_CELL(header, strlen(header), 60), codebook_question_id(converter->codebook, (size_t)near),
					          QUOTE_CELL(codebook_question_text(converter->codebook, (size_t)near),
					                     strlen(codebook_question_text(converter->codebook, (size_t)near)), 60),
					          100 * score);
				}
			}
			column_roles[column] = role;
			if (role == ROLE_QUESTION) {
				if (question_bound(converter, question)) {
					for (size_t q = 0; q < converter->question_count; q++)
						if (converter->questions[q].question == question)
							snprintf(error, error_size, "%s:1: columns %zu and %zu are both question \"%s\"", name,
							         converter->questions[q].column + 1, column + 1,
							         codebook_question_id(converter->codebook, question));
					status = -1;
					break;
				}
				struct question_column *entry = &converter->questions[converter->question_count++];
				entry->column = column;
				entry->question = question;
				entry->question_string = record_writer_string(converter->writer,
				                                              codebook_question_id(converter->codebook, question));
				if (entry->question_string == UINT32_MAX) {
					snprintf(error, error_size, "%s: out of memory", name);
					errno = ENOMEM;
					status = -1;
					break;
				}
				entry->scale_max = (uint8_t)codebook_question_scale_max(converter->codebook, question);
				if (converter->options.verbose && !converter->quiet)
					diag_error("%s: column %zu \"%s\": question %s%s", name, column + 1,
					           QUOTE_CELL(header, strlen(header), 60), codebook_question_id(converter->codebook, question),
					           pass ? " (reworded: matched by its words)" : "");
			} else if (role != ROLE_NONE && role < sizeof roles / sizeof *roles && roles[role]) {
				/* The first column of a role wins; a second "ID" column is left alone. */
				if (*roles[role] == SIZE_MAX)
					*roles[role] = column;
				if (converter->options.verbose && !converter->quiet)
					diag_error("%s: column %zu \"%s\": %s%s", name, column + 1, QUOTE_CELL(header, strlen(header), 60),
					           role_name(role), *roles[role] == column ? "" : " (a second one: not used)");
			} else if (pass == 1 && converter->options.verbose && !converter->quiet) {
				diag_error("%s: column %zu \"%s\": not used", name, column + 1, QUOTE_CELL(header, strlen(header), 60));
			}
		}
	}
	free(column_roles);
	if (status)
		return -1;
	if (converter->date == SIZE_MAX) {
		snprintf(error, error_size, "%s:1: no answer-date column (expected Datum or Svarsdatum)", name);
		return -1;
	}
	if (converter->question_count == 0) {
		snprintf(error, error_size, "%s:1: no column matches a question of codebook %s", name,
		         codebook_path(converter->codebook));
		return -1;
	}
	if (converter->question_count > QUESTIONNAIRE_MAX_QUESTIONS) {
		snprintf(error, error_size, "%s:1: %zu question columns; a questionnaire holds at most %d", name,
		         converter->question_count, QUESTIONNAIRE_MAX_QUESTIONS);
		return -1;
	}
	if (converter->insats == SIZE_MAX && !converter->options.insats) {
		snprintf(error, error_size, "%s:1: no insats column (Insats, Verksamhet); name the intervention with --insats", name);
		return -1;
	}
	if (converter->group == SIZE_MAX && converter->options.group < 0) {
		snprintf(error, error_size, "%s:1: no respondent-group column (Enkät, Respondentgrupp); give it with --group", name);
		return -1;
	}
	return 0;
}

/* An unkeyed hash, for respondent ids that are not personal (a survey tool's response id).
 * 0, or -1 when OpenSSL fails (out of memory): never a made-up value. */
static int respondent_hash(struct survey_converter *converter, const char *id, size_t length, uint64_t *value)
{
	if (converter->options.response_key) {
		*value = response_key_hash(converter->options.response_key, id, length);
		return 0;
	}
	unsigned char digest[EVP_MAX_MD_SIZE];
	static const char domain[] = "ifs-survey respondent\n";
#ifndef OPENSSL_NO_DEPRECATED_3_0
	(void)converter;
	SHA256_CTX context;
	if (!SHA256_Init(&context) || !SHA256_Update(&context, domain, sizeof domain - 1) ||
	    !SHA256_Update(&context, id, length) || !SHA256_Final(digest, &context))
		return -1;
#else
	unsigned int digest_length = 0;
	if (!EVP_DigestInit_ex2(converter->hash_context, converter->sha256, NULL) ||
	    !EVP_DigestUpdate(converter->hash_context, domain, sizeof domain - 1) ||
	    !EVP_DigestUpdate(converter->hash_context, id, length) ||
	    !EVP_DigestFinal_ex(converter->hash_context, digest, &digest_length) || digest_length < 8)
		return -1;
#endif
	*value = digest_value(digest);
	return 0;
}


/*
 * What the record keeps of the respondent: a keyed pseudonym, an unkeyed hash
 * of a response id, or the data-row ordinal (the same whatever the file's
 * encoding) when there is no id or it must not be kept.  0, 1 with a reason
 * when the id is a malformed personnummer, or -1 when it cannot be computed.
 */
static int respondent_value(struct survey_converter *converter, const struct row *row, uint32_t date,
                            uint64_t *value, int *identified, uint64_t *told_apart, int *is_told_apart, char *reason,
                            size_t reason_size)
{
	*value = converter->row_ordinal;
	*identified = 0;
	*is_told_apart = 0;
	int personal = 1;
	size_t column = converter->participant;
	/* "-" or "N/A" names nobody: as an id it would make one respondent of all who have it */
	if (column == SIZE_MAX || text_says_nothing(row->fields[column], row->lengths[column])) {
		column = converter->respondent;
		personal = 0;
	}
	if (column == SIZE_MAX || text_says_nothing(row->fields[column], row->lengths[column]))
		return 0;
	const char *id = row->fields[column];
	size_t length = row->lengths[column];
	if (!converter->options.key) {
		/* Only a response id that is not shaped like a personnummer may be kept, as a hash. */
		char normalised[13];
		int keep = !personal && personnummer_normalise(id, length, date, normalised) == PERSONNUMMER_NOT &&
		           !personal_data_identifies(id, length);
		OPENSSL_cleanse(normalised, sizeof normalised);
		if (!keep && converter->options.run_key) {
			/* in memory only: a pseudonym under a key that dies with the run */
			enum personnummer_result shape =
				pseudonym_of_participant(converter->options.run_key, id, length, date, value);
			if (shape == PERSONNUMMER_UNCOMPUTED)
				return -1;
			if (shape == PERSONNUMMER_VALID || shape == PERSONNUMMER_NOT) {
				*identified = 1;
				return 0;
			}
			*value = converter->row_ordinal; /* a damaged personnummer: the row stands alone */
		} else if (!keep && converter->options.check_key && converter->options.repeats_downstream) {
			*is_told_apart = 1; /* a twin, which leaves the row to the first thread (and the key to it) */
		} else if (!keep && converter->options.check_key) {
			/* not kept, but told apart for the repeat check (survey.h, check_key) */
			enum personnummer_result shape =
				pseudonym_of_participant(converter->options.check_key, id, length, date, told_apart);
			if (shape == PERSONNUMMER_UNCOMPUTED)
				return -1;
			*is_told_apart = shape == PERSONNUMMER_VALID || shape == PERSONNUMMER_NOT;
		}
		if (!keep)
			converter->unkept_ids++;
		else if (respondent_hash(converter, id, length, value) < 0)
			return -1;
		else
			*identified = 1;
		return 0;
	}
	enum personnummer_result shape = pseudonym_of_participant(converter->options.key, id, length, date, value);
	if (shape == PERSONNUMMER_UNCOMPUTED)
		return -1;
	if (shape != PERSONNUMMER_VALID && shape != PERSONNUMMER_NOT) {
		snprintf(reason, reason_size, "%s", personnummer_problem(shape));
		return 1;
	}
	*identified = 1;
	return 0;
}



uint32_t survey_converter_place(struct survey_converter *converter, const char *name)
{
	uint32_t *first = place_names_slot(&converter->places, name);
	if (!first)
		return UINT32_MAX;
	if (*first == PLACE_NAMES_NONE)
		*first = record_writer_string(converter->writer, name);
	return *first;
}

/*
 * Writer string id of a name cell (insats, förbund), trimmed, or of the
 * command line's name when the cell is blank or the column absent: 0 (the
 * empty string) when there is neither.  Returns 0, 1 when the name holds a
 * personnummer (it would be stored in every record that names it), or -1 when
 * out of memory.
 */
static int name_id(struct survey_converter *converter, struct text_memo *memo, const char *cell,
                   size_t cell_length, const char *option, const struct row *row, uint32_t *id_out)
{
	size_t length = cell_length;
	const char *text = cell ? text_trim(cell, &length) : "";
	if (!length && option) {
		length = strlen(option);
		text = text_trim(option, &length);
	}
	/* the row's own participant code typed here would be stored as a name */
	if (length && converter->participant < row->count &&
	    personal_data_names_person(text, length, row->fields[converter->participant],
	                               row->lengths[converter->participant]))
		return 1;
	int32_t id;
	if (text_memo_find(memo, text, length, &id)) {
		*id_out = (uint32_t)id;
		return 0;
	}
	if (personal_data_present(text, length))
		return 1;
	/* Names are bounded, as the record's string table wants them short. */
	char name[256];
	if (length >= sizeof name)
		length = sizeof name - 1;
	memcpy(name, text, length);
	name[length] = '\0';
	uint32_t fresh = survey_converter_place(converter, name);
	if (fresh == UINT32_MAX || fresh > INT32_MAX)
		return -1;
	text_memo_remember(memo, text, length, (int32_t)fresh);
	*id_out = fresh;
	return 0;
}

/* The codebook's value of a background cell (group, gender), remembered. */
static int background_value(const struct codebook *book, struct text_memo *memo, enum column_role role,
                            const char *text, size_t length)
{
	int32_t value;
	if (!text_memo_find(memo, text, length, &value)) {
		value = codebook_background_value(book, role, text, length);
		text_memo_remember(memo, text, length, value);
	}
	return value;
}

/* In a repeat key's flags: the respondent is told apart for the check alone (survey.h,
 * check_key).  Never written: keys stay in the check. */
#define KEY_TOLD_APART 0x80

/* The repeat check's key of a questionnaire: its respondent, insats and group, with a
 * 32-bit fingerprint of the answers in the forbund field. */
static struct answer_record repeat_key(const struct survey_converter *converter, const struct answer_record *answer,
                                       const uint8_t *level)
{
	/* A sum of one hash per (question, level): the same answers in another column order
	 * (a JSON export of the same questionnaires) give the same fingerprint. */
	uint32_t fingerprint = 0;
	for (size_t q = 0; q < converter->question_count; q++) {
		uint32_t pair = (converter->questions[q].question_string * 2654435761u) ^ (level[q] * 40503u + 1);
		fingerprint += (pair ^ (pair >> 15)) * 2246822519u;
	}
	struct answer_record key;
	memset(&key, 0, sizeof key); /* its padding too: a deferred key goes to a spill whole */
	key.respondent = answer->respondent;
	key.date = answer->date;
	key.insats = answer->insats;
	key.forbund = fingerprint ^ answer->forbund;
	key.question = UINT32_MAX;
	key.group = answer->group;
	key.gender = answer->gender;
	key.flags = answer->flags & KEY_TOLD_APART;
	return key;
}

/* The repeat check's offer of key: what answer_set_offer() says, and in *same whether
 * the questionnaire kept before had key's answers, förbund and gender (the fingerprint
 * in forbund), a repeat under another date. */
static int offer_repeat_key(struct answer_set *seen, const struct answer_record *key, int *same)
{
	struct answer_record before;
	int offered = answer_set_offer_seen(seen, key, &before);
	*same = offered > ANSWER_NEW && before.forbund == key->forbund && before.gender == key->gender;
	return offered;
}

/* What row() returns for what answer_set_offer() said of a questionnaire's key (and
 * whether the kept one had the same answers, under another date). */
static int repeat_status(int offered, int same, uint32_t date, char *reason, size_t reason_size)
{
	if (offered == ANSWER_NEW || offered < 0)
		return offered == ANSWER_NEW ? 0 : -1;
	if (offered == ANSWER_IDENTICAL)
		return SURVEY_REPEAT;
	char text[11];
	date_format(date, text);
	if (same)
		snprintf(reason, reason_size, "the same respondent's same answers came again under another date%s (%s): "
		         "the later date is kept", offered == ANSWER_OUTDATED ? ", earlier" : ", later", text);
	else
		snprintf(reason, reason_size, "the same respondent answered again with other answers%s (%s): the later "
		         "answers are kept", offered == ANSWER_OUTDATED ? ", dated earlier" : "", text);
	return offered == ANSWER_REPLACED ? SURVEY_REPEAT_KEPT : SURVEY_REPEAT_DROPPED;
}

/*
 * Each questionnaire once: the same respondent, insats and group again (a cumulative
 * export, a file given twice) with the same date and answers is dropped; with other
 * answers, the later date is kept and the repeat reported.
 */
static int questionnaire_once(struct survey_converter *converter, const struct answer_record *answer,
                              const uint8_t *level, int *same, char *reason, size_t reason_size)
{
	if (!converter->seen && !(converter->seen = answer_set_new()))
		return -1;
	struct answer_record key = repeat_key(converter, answer, level);
	int offered = offer_repeat_key(converter->seen, &key, same);
	return repeat_status(offered, *same, answer->date, reason, reason_size);
}

/* The bound file's form, registered with the writer at its first row.  -1: out of memory. */
static int register_form(struct survey_converter *converter)
{
	if (converter->form != UINT32_MAX)
		return 0;
	size_t count = converter->question_count;
	uint32_t *questions = malloc(count ? count * sizeof *questions : 1);
	uint8_t *scales = malloc(count ? count : 1);
	if (questions && scales) {
		for (size_t q = 0; q < count; q++) {
			questions[q] = converter->questions[q].question_string;
			scales[q] = converter->questions[q].scale_max;
		}
		converter->form = record_writer_form(converter->writer, questions, scales, count);
	}
	free(questions);
	free(scales);
	if (converter->form == UINT32_MAX) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* The row as one questionnaire record of form (count questions). */
static int write_form_questionnaire(struct survey_converter *converter, uint32_t form, size_t count,
                                    const struct answer_record *answer, const uint8_t *level, int told_apart)
{
	/* Not zeroed whole: only the levels of the form's questions are read. */
	struct questionnaire_record q;
	q.respondent = answer->respondent;
	q.date = answer->date;
	q.insats = answer->insats;
	q.forbund = answer->forbund;
	q.form = form;
	q.group = answer->group;
	q.gender = answer->gender;
	q.age = answer->age;
	q.flags = answer->flags;
	uint64_t written = 0;
	for (size_t i = 0; i < count; i++) {
		q.levels[i] = level[i] == LEVEL_REJECTED ? LEVEL_ABSENT : level[i];
		written += level[i] != LEVEL_REJECTED;
	}
	if (record_writer_questionnaire(converter->writer, &q) < 0)
		return -1;
	converter->records += written;
	converter->anonymous_rows += !(answer->flags & ANSWER_IDENTIFIED) && !told_apart;
	return 0;
}

/* The row as one questionnaire record of the file's form. */
static int write_questionnaire(struct survey_converter *converter, const struct answer_record *answer,
                               const uint8_t *level, int told_apart)
{
	if (register_form(converter) < 0)
		return -1;
	return write_form_questionnaire(converter, converter->form, converter->question_count, answer, level, told_apart);
}

/*
 * The repeat check past its memory: once the set of questionnaires seen would hold
 * more than SURVEY_REPEAT_MEMORY, what it holds goes to partitions (spill.h, by the
 * key's hash), and so does the key of every questionnaire after.  A Bloom filter of
 * the keys seen (half the memory, whatever the export's size) tells a questionnaire
 * whose respondent, insats and group are surely new: it is written at once.  One
 * that may have been seen waits, numbered, in another spill.  At the end
 * (survey_converter_finish) each partition is checked on its own, in order, which
 * gives every numbered questionnaire the verdict the set would have given; those are
 * then written or dropped, in order, with the same warnings.  Within a key the
 * order of the records is kept (its first is written at once, the rest wait), so a
 * reader that counts each answer once counts the same; only records of different
 * keys change places.
 *
 * A verdict depends on the earlier entries of its own key alone, and only the
 * numbered keys need one: the hashes of their keys are kept in memory, by partition
 * (up to DEFERRED_HASHES_MEMORY), and a partition's check passes over the entries
 * of every other key.  A partition with no numbered key is not read at all.  (Most
 * entries of a large export are of respondents seen once: building a set of them
 * all cost more than the rest of the check.)
 */
#define DEFERRED_PARTITIONS 64
#define DEFERRED_BUFFER 8192
#define DEFERRED_READ (256u << 10)
#define NOT_NUMBERED UINT64_MAX
/* The numbered keys' hashes kept in memory, at most: past it, every entry of every
 * partition is checked.  Not less than 64 KiB whatever IFS_SPILL_AFTER says, so that
 * the tests that spill everything check the kept hashes too. */
#define DEFERRED_HASHES_MEMORY(limit) ((limit) / 8 > 65536 ? (limit) / 8 : 65536)

/* What of a key the check compares (repeat_key() sets no more). */
struct deferred_key {
	uint64_t respondent;
	uint64_t number; /* NOT_NUMBERED: an entry of the set as it stood */
	uint32_t date, insats, forbund;
	uint8_t group, gender;
};

/* A questionnaire that waits, its levels after it.  The checked ones are numbered
 * in the order they wait: counting them as they are read back gives the number. */
struct deferred_record {
	uint64_t respondent, line;
	uint32_t date, insats, forbund, form, file;
	uint16_t matar, count, answers_rejected;
	uint8_t group, gender, age, flags, checked, gender_unread;
	uint8_t told_apart; /* checked as told_apart (survey.h, check_key), written as the row */
};

/* The hashes of a partition's numbered keys (sorted when it is checked). */
struct numbered_hashes {
	uint64_t *hashes;
	size_t count, capacity;
};

struct deferred {
	struct spill *keys[DEFERRED_PARTITIONS];
	struct numbered_hashes numbered_keys[DEFERRED_PARTITIONS];
	size_t numbered_hash_bytes, numbered_hash_most;
	int every_entry; /* past numbered_hash_most: every entry is checked, the hashes dropped */
	struct spill *records;
	uint64_t numbered;
	uint64_t *filter; /* filter_bits bits, a power of two */
	uint64_t filter_bits;
	char **files;
	size_t file_count;
};

static void deferred_free(struct deferred *deferred)
{
	if (!deferred)
		return;
	for (size_t p = 0; p < DEFERRED_PARTITIONS; p++) {
		spill_free(deferred->keys[p]);
		free(deferred->numbered_keys[p].hashes);
	}
	spill_free(deferred->records);
	free(deferred->filter);
	for (size_t f = 0; f < deferred->file_count; f++)
		free(deferred->files[f]);
	free(deferred->files);
	free(deferred);
}

static size_t smaller(size_t a, size_t b) { return a < b ? a : b; }

static uint64_t key_hash(const struct answer_record *key)
{
	return answer_set_questionnaire_hash(key->respondent, key->insats, key->group);
}

/* The filter's word for a key: its three bits are in one word (a blocked Bloom
 * filter: one cache miss per key, not three). */
static uint64_t *filter_word(const struct deferred *deferred, uint64_t hash)
{
	return &deferred->filter[(hash >> 18) & (deferred->filter_bits / 64 - 1)];
}

/* The key to the filter: 1 when it may have been there before (all three bits set). */
static int filter_add(struct deferred *deferred, uint64_t hash)
{
	uint64_t bits = UINT64_C(1) << (hash & 63) | UINT64_C(1) << (hash >> 6 & 63) | UINT64_C(1) << (hash >> 12 & 63);
	uint64_t *word = filter_word(deferred, hash);
	int all_set = (*word & bits) == bits;
	*word |= bits;
	return all_set;
}

/* From now on every entry of every partition is checked: the numbered keys' hashes
 * only spared the check work, and are dropped (too many of them, or no memory). */
static void check_every_entry(struct deferred *deferred)
{
	for (size_t q = 0; q < DEFERRED_PARTITIONS; q++) {
		free(deferred->numbered_keys[q].hashes);
		deferred->numbered_keys[q] = (struct numbered_hashes){0};
	}
	deferred->numbered_hash_bytes = 0;
	deferred->every_entry = 1;
}

/* A numbered key's hash kept for its partition's check, unless every entry is to be
 * checked (past the memory the hashes may take, or when there is none for them). */
static void keep_numbered_hash(struct deferred *deferred, size_t p, uint64_t hash)
{
	if (deferred->every_entry)
		return;
	struct numbered_hashes *kept = &deferred->numbered_keys[p];
	if (kept->count == kept->capacity) {
		size_t capacity = kept->capacity ? kept->capacity * 2 : 16;
		uint64_t *hashes = deferred->numbered_hash_bytes + (capacity - kept->capacity) * sizeof *hashes >
		                           deferred->numbered_hash_most
		                     ? NULL
		                     : realloc(kept->hashes, capacity * sizeof *hashes);
		if (!hashes) {
			check_every_entry(deferred);
			return;
		}
		deferred->numbered_hash_bytes += (capacity - kept->capacity) * sizeof *hashes;
		kept->hashes = hashes;
		kept->capacity = capacity;
	}
	kept->hashes[kept->count++] = hash;
}

/* hash: key_hash(key), which the caller has computed for the filter already */
static int defer_key(struct deferred *deferred, const struct answer_record *key, uint64_t hash, uint64_t number,
                     size_t limit)
{
	size_t p = (size_t)(hash >> 58) % DEFERRED_PARTITIONS;
	if (!deferred->keys[p] && !(deferred->keys[p] = spill_new(smaller(DEFERRED_BUFFER, limit))))
		return -1;
	if (number != NOT_NUMBERED)
		keep_numbered_hash(deferred, p, hash);
	struct deferred_key record;
	memset(&record, 0, sizeof record); /* its padding too */
	record.respondent = key->respondent;
	record.number = number;
	record.date = key->date;
	record.insats = key->insats;
	record.forbund = key->forbund;
	record.group = key->group;
	record.gender = key->gender;
	return spill_append(deferred->keys[p], &record, sizeof record);
}

/* From now on, questionnaires wait for the end: the set's entries to the partitions. */
static int start_deferring(struct survey_converter *converter)
{
	struct deferred *deferred = calloc(1, sizeof *deferred);
	if (!deferred || !(deferred->records = spill_new(smaller(DEFERRED_BUFFER * 8, converter->spill_limit)))) {
		free(deferred);
		errno = ENOMEM;
		return -1;
	}
	converter->deferred = deferred;
	deferred->numbered_hash_most = DEFERRED_HASHES_MEMORY(converter->spill_limit);
	deferred->filter_bits = 64; /* at most half the memory, in bits: at least one word */
	while (deferred->filter_bits * 2 <= (uint64_t)converter->spill_limit * 4 && deferred->filter_bits < (UINT64_C(1) << 40))
		deferred->filter_bits *= 2;
	if (!(deferred->filter = calloc(deferred->filter_bits / 64, sizeof *deferred->filter))) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t slot = 0; converter->seen && slot < answer_set_slots(converter->seen); slot++) {
		const struct answer_record *entry = answer_set_slot(converter->seen, slot);
		if (!entry)
			continue;
		uint64_t hash = key_hash(entry);
		if (!(entry->flags & KEY_TOLD_APART))
			filter_add(deferred, hash); /* (those wait whatever it says: defer_questionnaire) */
		if (defer_key(deferred, entry, hash, NOT_NUMBERED, converter->spill_limit) < 0)
			return -1;
	}
	answer_set_free(converter->seen);
	converter->seen = NULL;
	return 0;
}

/* The questionnaire, checked: written at once when its key is surely new, else to
 * the waiting ones, numbered.  Unchecked (no id): written at once. */
static int defer_questionnaire(struct survey_converter *converter, const struct answer_record *answer,
                               const struct answer_record *checked_as, const uint8_t *level, int checked,
                               unsigned long line, uint64_t answers_rejected, int gender_unread)
{
	struct deferred *deferred = converter->deferred;
	int told_apart = checked_as != answer;
	if (register_form(converter) < 0)
		return -1;
	if (!checked)
		return write_questionnaire(converter, answer, level, told_apart);
	struct answer_record key = repeat_key(converter, checked_as, level);
	/* One told apart waits whatever the filter would say, and stays out of it: its key is
	 * the run's random key's, so what the filter would mistake for seen (this one, or
	 * another's) would follow that key, and the stream's order must not. */
	uint64_t hash = key_hash(&key);
	if (!told_apart && !filter_add(deferred, hash))
		return defer_key(deferred, &key, hash, NOT_NUMBERED, converter->spill_limit) < 0 ? -1
		     : write_questionnaire(converter, answer, level, told_apart);
	const char *file = converter->file ? converter->file : "-";
	if (!deferred->file_count || strcmp(deferred->files[deferred->file_count - 1], file) != 0) {
		char **files = realloc(deferred->files, (deferred->file_count + 1) * sizeof *files);
		if (!files)
			return -1;
		deferred->files = files;
		if (!(files[deferred->file_count] = strdup(file)))
			return -1;
		deferred->file_count++;
	}
	struct deferred_record record;
	memset(&record, 0, sizeof record);
	record.respondent = answer->respondent;
	record.line = line;
	record.answers_rejected = (uint16_t)answers_rejected; /* at most the questions of a form */
	record.gender_unread = (uint8_t)gender_unread;
	record.date = answer->date;
	record.insats = answer->insats;
	record.forbund = answer->forbund;
	record.form = converter->form;
	record.file = (uint32_t)(deferred->file_count - 1);
	record.matar = answer->matar;
	record.count = (uint16_t)converter->question_count;
	record.group = answer->group;
	record.gender = answer->gender;
	record.age = answer->age;
	record.flags = answer->flags;
	record.checked = 1;
	record.told_apart = (uint8_t)told_apart;
	if (defer_key(deferred, &key, hash, deferred->numbered++, converter->spill_limit) < 0)
		return -1;
	if (spill_append(deferred->records, &record, sizeof record) < 0 ||
	    spill_append(deferred->records, level, converter->question_count) < 0)
		return -1;
	return 0;
}

/* A later repeat (SURVEY_REPEAT_KEPT) of a respondent told apart for the check alone
 * (survey.h, check_key), whose earlier questionnaire is written already under the row's
 * number: with the same answers it is dropped (SURVEY_REPEAT_DROPPED: counted once,
 * under the earlier date); with other answers written beside it (SURVEY_REPEAT_KEPT),
 * counted, and said so. */
static int told_apart_repeat(struct survey_converter *converter, int same, uint32_t date, char *reason,
                             size_t reason_size)
{
	char text[11];
	date_format(date, text);
	if (same) {
		snprintf(reason, reason_size, "the same respondent's same answers came again under another, later date "
		         "(%s), and the id is not kept without --key-file: the earlier date is kept", text);
		return SURVEY_REPEAT_DROPPED;
	}
	converter->unkept_conflicts++;
	snprintf(reason, reason_size, "the same respondent answered again with other answers (%s), but the id is not "
	         "kept without --key-file: both questionnaires are written, and count twice", text);
	return SURVEY_REPEAT_KEPT;
}

/* The row's questionnaire checked for repeats (when check) and written, or left to
 * wait for the end: what row() returns.  checked_as: answer itself, or the same with
 * the respondent told apart for the check alone (survey.h, check_key). */
static int check_and_write(struct survey_converter *converter, const struct answer_record *answer,
                           const struct answer_record *checked_as, const uint8_t *level, int check, unsigned long line,
                           uint64_t answers_rejected, int gender_unread, char *reason, size_t reason_size)
{
	if (check && !converter->deferred && converter->seen && answer_set_count(converter->seen) >= converter->seen_most &&
	    start_deferring(converter) < 0)
		return -1;
	if (converter->deferred)
		return defer_questionnaire(converter, answer, checked_as, level, check, line, answers_rejected,
		                           gender_unread);
	int status = 0, written_status = 0;
	if (check) {
		int same = 0;
		status = written_status = questionnaire_once(converter, checked_as, level, &same, reason, reason_size);
		if (status == SURVEY_REPEAT_KEPT && checked_as != answer)
			status = written_status = told_apart_repeat(converter, same, answer->date, reason, reason_size);
		if (status == SURVEY_REPEAT_KEPT)
			status = 0;
	}
	if (status == 0)
		status = write_questionnaire(converter, answer, level, checked_as != answer);
	return status == 0 ? written_status : status;
}

/* A byte per numbered questionnaire: what answer_set_offer() said of it (bits 0-1), and
 * whether the kept one had its answers (bit 2). */
#define VERDICT_SAME_ANSWERS 4

void survey_converter_set_threads(struct survey_converter *converter, int threads) { converter->threads = threads; }

/* The keys of partitions [from, to) checked, each partition on its own: a verdict for
 * each numbered one.  A key is in one partition only, and so is its number: two of
 * these on two threads write different verdicts. */
struct key_check {
	struct deferred *deferred;
	uint8_t *verdicts;
	size_t from, to;
	size_t read_size; /* a partition's file read so much at a time */
	int status, error, file_failed;
};

static int hash_order(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* A partition's numbered keys' hashes as a bitmap of 4096 bits, which tells most other
 * keys apart with one test before the search. */
#define NUMBERED_BIT(hash) ((hash) >> 20 & 4095)

/* Whether hash is among the sorted hashes. */
static int numbered_hash_kept(const struct numbered_hashes *kept, const uint64_t *bits, uint64_t hash)
{
	if (!(bits[NUMBERED_BIT(hash) / 64] >> (NUMBERED_BIT(hash) % 64) & 1))
		return 0;
	size_t low = 0, high = kept->count;
	while (low < high) {
		size_t middle = low + (high - low) / 2;
		if (kept->hashes[middle] < hash)
			low = middle + 1;
		else
			high = middle;
	}
	return low < kept->count && kept->hashes[low] == hash;
}

static void *check_keys(void *context)
{
	struct key_check *check = context;
	struct deferred *deferred = check->deferred;
	int status = 0;
	/* One set and one read buffer for all the partitions, one after another: a set's
	 * table made anew for each would have its pages faulted in anew (or not, as
	 * malloc's threshold for mapping memory happens to stand), and each partition's
	 * file, written DEFERRED_BUFFER bytes at a time as 64 filled at once, is read in
	 * larger pieces here.  Without the buffer, each is read in its own. */
	struct answer_set *set = answer_set_new();
	void *read_buffer = check->read_size ? malloc(check->read_size) : NULL;
	if (!set) {
		errno = ENOMEM;
		status = -1;
	}
	for (size_t p = check->from; p < check->to && !status; p++) {
		if (!deferred->keys[p])
			continue;
		const struct numbered_hashes *kept = &deferred->numbered_keys[p];
		if (!deferred->every_entry && kept->count == 0) {
			spill_free(deferred->keys[p]); /* no verdict is asked of it */
			deferred->keys[p] = NULL;
			continue;
		}
		uint64_t bits[4096 / 64] = {0};
		if (!deferred->every_entry) {
			qsort(kept->hashes, kept->count, sizeof *kept->hashes, hash_order);
			for (size_t h = 0; h < kept->count; h++)
				bits[NUMBERED_BIT(kept->hashes[h]) / 64] |= UINT64_C(1) << (NUMBERED_BIT(kept->hashes[h]) % 64);
		}
		answer_set_clear(set);
		if ((read_buffer ? spill_rewind_into(deferred->keys[p], read_buffer, check->read_size)
		                 : spill_rewind(deferred->keys[p])) < 0)
			status = -1;
		const struct deferred_key *read;
		while (!status && (read = spill_read(deferred->keys[p], sizeof *read))) {
			struct deferred_key key;
			memcpy(&key, read, sizeof key);
			if (!deferred->every_entry &&
			    !numbered_hash_kept(kept, bits, answer_set_questionnaire_hash(key.respondent, key.insats, key.group)))
				continue; /* a key no verdict depends on */
			struct answer_record entry = {.respondent = key.respondent, .date = key.date, .insats = key.insats,
			                              .forbund = key.forbund, .question = UINT32_MAX, .group = key.group,
			                              .gender = key.gender};
			int same;
			int offered = offer_repeat_key(set, &entry, &same);
			if (offered < 0)
				status = -1;
			else if (key.number != NOT_NUMBERED && key.number < deferred->numbered)
				check->verdicts[key.number] = (uint8_t)(offered | (same ? VERDICT_SAME_ANSWERS : 0));
		}
		if (!status && errno)
			status = -1;
		spill_free(deferred->keys[p]);
		deferred->keys[p] = NULL;
	}
	check->status = status;
	check->error = status ? (errno ? errno : ENOMEM) : 0;
	answer_set_free(set);
	free(read_buffer);
	check->file_failed = spill_file_failed(); /* this thread's own */
	return NULL;
}

int survey_converter_finish(struct survey_converter *converter, struct ingest_totals *totals)
{
	struct deferred *deferred = converter->deferred;
	if (!deferred)
		return 0;
	_Static_assert(ANSWER_NEW >= 0 && ANSWER_NEW < 4 && ANSWER_IDENTICAL < 4 && ANSWER_REPLACED < 4 &&
	                   ANSWER_OUTDATED < 4, "a verdict fits in two bits");
	uint8_t *verdicts = calloc(deferred->numbered + 1, 1);
	int status = verdicts ? 0 : -1, file_failed = 0;
	if (!verdicts)
		errno = ENOMEM;
	if (!status) {
		/* With two threads, the second half of the partitions on the second, when the
		 * partition it checks fits in the check's memory (SURVEY_REPEAT_MEMORY): two are
		 * in memory at once.  A set holds a slot per key: with the numbered keys' hashes
		 * kept, no more keys than those; else every key of the partition, which grows
		 * with the export. */
		size_t largest = 0;
		for (size_t p = 0; p < DEFERRED_PARTITIONS; p++) {
			size_t keys = !deferred->every_entry ? deferred->numbered_keys[p].count
			            : deferred->keys[p] ? (size_t)(spill_length(deferred->keys[p]) / sizeof(struct deferred_key))
			                                : 0;
			if (keys > largest)
				largest = keys;
		}
		size_t half = converter->threads > 1 && answer_set_memory_for(largest) <= converter->spill_limit
		            ? DEFERRED_PARTITIONS / 2 : DEFERRED_PARTITIONS;
		/* A partition's keys were written DEFERRED_BUFFER bytes at a time, as 64 were
		 * filled at once; read back one at a time, they come in larger pieces, within
		 * a quarter of the check's memory. */
		size_t read_size = smaller(DEFERRED_READ, converter->spill_limit / 4);
		struct key_check first = {deferred, verdicts, 0, half, read_size, 0, 0, 0},
		                 second = {deferred, verdicts, half, DEFERRED_PARTITIONS, read_size, 0, 0, 0};
		pthread_t thread;
		int started = half < DEFERRED_PARTITIONS && pthread_create(&thread, NULL, check_keys, &second) == 0;
		check_keys(&first);
		if (started)
			pthread_join(thread, NULL);
		else if (!first.status)
			check_keys(&second); /* no second thread: this one does it all */
		if (started && getenv("IFS_SPLIT_TRACE"))
			diag_error("split: the repeat check finished on two threads");
		if (getenv("IFS_SPLIT_TRACE"))
			diag_error("split: the repeat check's %llu waiting questionnaires were checked against %s",
			           (unsigned long long)deferred->numbered,
			           deferred->every_entry ? "every key (too many to keep their hashes)" : "their own keys");
		const struct key_check *failed = first.status ? &first : second.status ? &second : NULL;
		if (failed) {
			status = -1;
			errno = failed->error;
			file_failed = failed->file_failed;
		}
	}
	if (!status && spill_rewind(deferred->records) < 0)
		status = -1;
	const struct deferred_record *read;
	uint64_t number = 0;
	while (!status && (read = spill_read(deferred->records, sizeof *read))) {
		struct deferred_record record;
		memcpy(&record, read, sizeof record);
		const uint8_t *level = spill_read(deferred->records, record.count);
		if (!level || record.file >= deferred->file_count) {
			errno = errno ? errno : EIO;
			status = -1;
			break;
		}
		struct answer_record answer = {.respondent = record.respondent, .date = record.date, .insats = record.insats,
		                               .forbund = record.forbund, .matar = record.matar, .group = record.group,
		                               .gender = record.gender, .age = record.age, .flags = record.flags};
		char reason[256];
		int result = 0, verdict_same = 0;
		if (record.checked && number < deferred->numbered) {
			uint8_t verdict = verdicts[number++];
			verdict_same = (verdict & VERDICT_SAME_ANSWERS) != 0;
			result = repeat_status(verdict & 3, verdict_same, record.date, reason, sizeof reason);
		} else if (record.checked) {
			errno = EIO; /* more waited than were numbered */
			status = -1;
			break;
		}
		if (result == SURVEY_REPEAT_KEPT && record.told_apart)
			result = told_apart_repeat(converter, verdict_same, record.date, reason, sizeof reason);
		if (result == 0 || result == SURVEY_REPEAT_KEPT) {
			if (write_form_questionnaire(converter, record.form, record.count, &answer, level, record.told_apart) < 0)
				status = -1;
		} else {
			totals->written--, totals->repeats++; /* counted as written when it was deferred */
			converter->answers_rejected -= record.answers_rejected;
			converter->genders_unread -= record.gender_unread;
		}
		if (result == SURVEY_REPEAT_KEPT || result == SURVEY_REPEAT_DROPPED)
			diag_warn("%s:%llu: %s", deferred->files[record.file], (unsigned long long)record.line, reason);
	}
	if (!status && errno)
		status = -1;
	int error = errno;
	free(verdicts);
	converter->deferred = NULL;
	deferred_free(deferred);
	if (status < 0) {
		char text[600];
		if (spill_file_failed() || file_failed) {
			spill_describe_failure(text, sizeof text, error);
			diag_error("cannot finish the repeat check: %s", text);
		} else if (error == ENOMEM)
			diag_error("cannot finish the repeat check: out of memory");
		else
			diag_error("cannot finish the repeat check: %s", strerror(error));
		return error == ENOMEM ? EX_OSERR : EX_IOERR;
	}
	return 0;
}

int survey_converter_row(struct survey_converter *converter, const struct row *row, char *reason,
                         size_t reason_size)
{
	converter->cell_problem_count = 0;
	uint64_t row_answers_rejected = 0;
	int row_gender_unread = 0;
	const struct codebook *book = converter->codebook;
	struct answer_record answer = {0};
	converter->row_ordinal++;
	if (row->problem) {
		snprintf(reason, reason_size, "%s", row->problem);
		return 1;
	}
	if (row->unsplit)
		return SURVEY_SKIPPED; /* answered before read_from, as peek_date found */
	const char *const *fields = row->fields;
	const size_t *lengths = row->lengths;

	int parsed = date_parse(fields[converter->date], lengths[converter->date], &answer.date);
	if (parsed < 0) {
		if (text_blank(fields[converter->date], lengths[converter->date]))
			snprintf(reason, reason_size, "no answer date");
		else if (parsed == DATE_NO_SUCH_DAY)
			snprintf(reason, reason_size, "bad answer date \"%s\": no such day in the calendar",
			         QUOTE_CELL(fields[converter->date], lengths[converter->date], 40));
		else {
			char expected[320];
			date_expectation(fields[converter->date], lengths[converter->date], expected, sizeof expected);
			snprintf(reason, reason_size, "bad answer date \"%s\" (%s)",
			         QUOTE_CELL(fields[converter->date], lengths[converter->date], 40), expected);
		}
		return 1;
	}
	if (parsed == DATE_DAY_FIRST)
		converter->day_first_dates++;
	answer.matar = (uint16_t)date_matar(answer.date);
	if (answer.date < converter->options.read_from && converter->options.repeats_downstream)
		return SURVEY_SKIPPED;

	int has_insats = converter->insats != SIZE_MAX, has_forbund = converter->forbund != SIZE_MAX;
	int named = name_id(converter, &converter->insats_ids, has_insats ? fields[converter->insats] : NULL,
	                    has_insats ? lengths[converter->insats] : 0, converter->options.insats, row, &answer.insats);
	if (named < 0)
		return -1;
	if (named > 0) {
		snprintf(reason, reason_size,
		         "the insats column holds a personnummer or the participant's id, not an intervention's name");
		return 1;
	}
	if (answer.insats == 0) {
		snprintf(reason, reason_size, "no insats (column \"Insats\" is empty; --insats supplies one)");
		return 1;
	}
	named = name_id(converter, &converter->forbund_ids, has_forbund ? fields[converter->forbund] : NULL,
	                has_forbund ? lengths[converter->forbund] : 0, converter->options.forbund, row, &answer.forbund);
	if (named < 0)
		return -1;
	if (named > 0) {
		snprintf(reason, reason_size,
		         "the förbund column holds a personnummer or the participant's id, not an association's name");
		return 1;
	}

	int group = converter->options.group;
	if (converter->group != SIZE_MAX && !text_blank(fields[converter->group], lengths[converter->group])) {
		group = background_value(book, &converter->groups, ROLE_GROUP, fields[converter->group],
		                         lengths[converter->group]);
		if (group < 0) {
			snprintf(reason, reason_size, "unknown respondent group \"%s\"",
			         QUOTE_CELL(fields[converter->group], lengths[converter->group], 40));
			return 1;
		}
	}
	if (group <= GROUP_UNKNOWN) {
		snprintf(reason, reason_size, "no respondent group (the group column is empty; --group supplies one)");
		return 1;
	}
	answer.group = (uint8_t)group;

	if (converter->gender != SIZE_MAX) {
		int gender = background_value(book, &converter->genders, ROLE_GENDER, fields[converter->gender],
		                              lengths[converter->gender]);
		if (gender < 0) {
			/* A typo in the gender costs the gender, not the answers: the row counts among
			 * all, not among women or men, and the cell is reported like an unknown answer. */
			row_gender_unread = 1;
			snprintf(converter->cell_problems[converter->cell_problem_count++], sizeof *converter->cell_problems,
			         "column %zu (gender): unknown gender \"%s\"; expected Kvinna, Man, Annat, Vill ej uppge or "
			         "empty (the row is kept without it)", converter->gender + 1,
			         QUOTE_CELL(fields[converter->gender], lengths[converter->gender], 40));
			gender = GENDER_UNSTATED;
		}
		answer.gender = (uint8_t)gender;
	}
	if (converter->age != SIZE_MAX)
		answer.age = codebook_age(fields[converter->age], lengths[converter->age]);
	/* The respondent before the answers: a repeat check's slot in the set of those seen
	 * (a cache miss in a large set) is asked for now and has come by the time the
	 * answers are read.  A row rejected here has no answers to read. */
	int identified = 0, is_told_apart = 0;
	uint64_t told_apart = 0;
	int status = respondent_value(converter, row, answer.date, &answer.respondent, &identified, &told_apart,
	                              &is_told_apart, reason, reason_size);
	if (status != 0)
		return status;
	answer.flags = identified ? ANSWER_IDENTIFIED : 0;
	if (is_told_apart && converter->options.repeats_downstream) {
		/* a twin: its records are checked as the first converter replays them, by
		 * their respondent, which here is the row's number */
		snprintf(reason, reason_size, "a respondent told apart for the repeat check alone: read by the first thread");
		return 1;
	}
	struct answer_record checked_as = answer;
	if (is_told_apart) {
		checked_as.respondent = told_apart;
		checked_as.flags = ANSWER_IDENTIFIED | KEY_TOLD_APART;
	}
	int check_repeats = (identified || is_told_apart) && !converter->options.repeats_downstream;
	if (check_repeats && converter->deferred)
		__builtin_prefetch(filter_word(converter->deferred, key_hash(&checked_as)));
	else if (check_repeats && converter->seen)
		answer_set_prefetch(converter->seen, &(struct answer_record){.respondent = checked_as.respondent,
		                                                             .insats = answer.insats,
		                                                             .question = UINT32_MAX,
		                                                             .group = answer.group});
	/* Every answer is checked before any is written, so a row is never half-written. */
	uint8_t levels[LEVEL_MAX * 8] = {0}; /* filled below; zeroed so no compiler doubts it */
	uint8_t *level = converter->question_count <= sizeof levels ? levels : malloc(converter->question_count);
	if (!level)
		return -1;
	for (size_t q = 0; q < converter->question_count; q++) {
		struct question_column *column = &converter->questions[q];
		const char *text = fields[column->column];
		size_t length = lengths[column->column];
		int32_t value;
		if (!text_memo_find(&column->answers, text, length, &value)) {
			value = codebook_answer(book, column->question, text, length);
			text_memo_remember(&column->answers, text, length, value);
		}
		if (value == ANSWER_UNKNOWN) {
			/* A bad cell costs that answer, not the respondent's others. */
			row_answers_rejected++;
			if (converter->cell_problem_count < SURVEY_CELL_PROBLEMS_MAX) {
				char labels[240];
				codebook_question_labels(book, column->question, labels, sizeof labels);
				snprintf(converter->cell_problems[converter->cell_problem_count++], sizeof *converter->cell_problems,
				         "column %zu (question %s): unknown answer \"%s\"; expected one of %s", column->column + 1,
				         codebook_question_id(book, column->question), QUOTE_CELL(text, length, 60), labels);
			}
			level[q] = LEVEL_REJECTED;
			continue;
		}
		level[q] = value == ANSWER_DONT_KNOW ? LEVEL_DONT_KNOW
		         : value == ANSWER_MISSING ? LEVEL_MISSING : (uint8_t)value;
	}
	status = check_and_write(converter, &answer, is_told_apart ? &checked_as : &answer, level, check_repeats,
	                         row->line, row_answers_rejected, row_gender_unread, reason, reason_size);
	if (level != levels)
		free(level);
	if (status == 0 || status == SURVEY_REPEAT_KEPT) {
		converter->answers_rejected += row_answers_rejected;
		converter->genders_unread += (uint64_t)row_gender_unread;
	}
	return status;
}

/* ---- as ingest.h drives it ---------------------------------------------------- */

static int ingest_bind(void *self, const struct row_source *source, char *error, size_t error_size)
{
	return survey_converter_bind(self, source, error, error_size);
}
static void ingest_quiet(void *self, int quiet) { survey_converter_quiet(self, quiet); }
static int ingest_row(void *self, const struct row *row, char *reason, size_t reason_size)
{
	return survey_converter_row(self, row, reason, reason_size);
}
static size_t ingest_cell_problems(const void *self) { return survey_converter_cell_problems(self); }
static const char *ingest_cell_problem(const void *self, size_t i) { return survey_converter_cell_problem(self, i); }
static const char *ingest_personal_id(const void *self, const struct row *row)
{
	return survey_converter_personal_id(self, row);
}
static int ingest_ids_personal(const void *self) { return survey_converter_ids_personal(self); }
static uint64_t ingest_day_first(const void *self) { return survey_converter_day_first_dates(self); }
static uint64_t ingest_unkept(const void *self) { return survey_converter_unkept_ids(self); }

static const char *ingest_ungendered(const void *self)
{
	return ((const struct survey_converter *)self)->gender == SIZE_MAX ? "answers" : NULL;
}

/* A row answered before read_from, told by its date cell alone, is not split. */
static int peek_date(void *self, const char *cell, size_t length)
{
	struct survey_converter *converter = self;
	uint32_t date;
	int parsed = date_parse(cell, length, &date);
	if (parsed < 0 || date >= converter->options.read_from)
		return 1;
	if (parsed == DATE_DAY_FIRST)
		converter->day_first_dates++; /* as survey_converter_row() counts it */
	return 0;
}

static size_t ingest_peek(void *self, row_source_peek *peek)
{
	const struct survey_converter *converter = self;
	if (!converter->options.read_from || !converter->options.repeats_downstream)
		return SIZE_MAX;
	*peek = peek_date;
	return converter->date;
}

void survey_converter_ingest(struct survey_converter *converter, struct ingest_converter *out)
{
	*out = (struct ingest_converter){converter,           ingest_bind,         ingest_quiet,
	                                 ingest_row,          ingest_cell_problems, ingest_cell_problem,
	                                 ingest_personal_id,  ingest_ids_personal, ingest_day_first,
	                                 ingest_unkept,       ingest_ungendered,   ingest_peek};
}

/* ---- a twin for the second half of a large export (ingest_split.h) ------------ */

static int twin_make(void *context, struct record_writer *writer, struct ingest_converter *out)
{
	const struct survey_converter *first = context;
	/* A twin checks no repeats of its own: they would be missed across the halves.
	 * The first converter checks its records as they are replayed, in order. */
	struct survey_options options = first->options;
	options.verbose = 0;
	if (!options.repeats_downstream)
		options.read_from = 0; /* the first converter reads every row (survey.h) */
	options.repeats_downstream = 1;
	struct pseudonym_key *key = NULL;
	const struct pseudonym_key *shared = first->options.key ? first->options.key : first->options.run_key;
	if (shared) {
		key = malloc(sizeof *key);
		if (!key || pseudonym_key_copy(key, shared) < 0) {
			free(key);
			return -1;
		}
		if (first->options.key)
			options.key = key;
		else
			options.run_key = key;
	}
	struct survey_converter *twin = survey_converter_new(first->codebook, writer, &options);
	if (!twin) {
		if (key) {
			pseudonym_key_wipe(key);
			free(key);
		}
		return -1;
	}
	twin->own_key = key;
	survey_converter_ingest(twin, out);
	return 0;
}

static void twin_free(void *twin) { survey_converter_free(twin); }

static void twin_counts(const void *self, struct ingest_counts *out)
{
	const struct survey_converter *converter = self;
	out->day_first = converter->day_first_dates;
	out->unkept = converter->unkept_ids;
	out->answers_rejected = converter->answers_rejected;
	out->ordinal = converter->row_ordinal;
	out->records = converter->records;
	out->anonymous = converter->anonymous_rows;
}

/* A twin's questionnaire, its string ids the first converter's writer's: checked for
 * repeats as its row would have been (survey_converter_row), then written. */
static int twin_replay(void *self, const struct questionnaire_record *q, unsigned long line, char *reason,
                       size_t reason_size)
{
	struct survey_converter *converter = self;
	struct answer_record answer = {.respondent = q->respondent, .date = q->date, .insats = q->insats,
	                               .forbund = q->forbund, .matar = q->matar, .group = q->group,
	                               .gender = q->gender, .age = q->age, .flags = q->flags};
	int check = (q->flags & ANSWER_IDENTIFIED) && !converter->options.repeats_downstream;
	return check_and_write(converter, &answer, &answer, q->levels, check, line, 0, 0, reason, reason_size);
}

static uint32_t twin_place(void *self, const char *name) { return survey_converter_place(self, name); }

static void twin_add_counts(void *self, const struct ingest_counts *add)
{
	struct survey_converter *converter = self;
	converter->day_first_dates += add->day_first;
	converter->unkept_ids += add->unkept;
	converter->answers_rejected += add->answers_rejected;
	converter->row_ordinal += add->ordinal;
	converter->records += add->records;
	converter->anonymous_rows += add->anonymous;
}

static void twin_prefetch(void *self, const struct questionnaire_record *q)
{
	const struct survey_converter *converter = self;
	if (converter->deferred && (q->flags & ANSWER_IDENTIFIED) && !converter->options.repeats_downstream)
		__builtin_prefetch(filter_word(converter->deferred, key_hash(&(struct answer_record){
		                       .respondent = q->respondent, .insats = q->insats, .group = q->group})));
	else if (converter->seen && (q->flags & ANSWER_IDENTIFIED) && !converter->options.repeats_downstream)
		answer_set_prefetch(converter->seen, &(struct answer_record){.respondent = q->respondent, .insats = q->insats,
		                                                            .question = UINT32_MAX, .group = q->group});
}

void survey_converter_twin(struct survey_converter *converter, int jobs, int always, struct ingest_twin *out)
{
	/* ifs-survey checks the twin's records for repeats and writes them as it replays
	 * them, while the twin reads on (ingest_split.c): its first thread reads 30 % of
	 * the file itself and then replays, which evened the two out on the bench export
	 * (medians of alternating runs, ifs-survey alone: 0.341 s at 30 %, 0.346 s at 34 %,
	 * 0.362 s at 26 %, and in another run 0.351 s at 34 %, 0.370 s at 40 %, 0.392 s at
	 * 47 %; piped into ifs-shares: 0.445 s at 26 %, 0.453 s at 30 %, 0.459 s at 34 %).
	 * ifs-shares' twin counts its half itself
	 * (ingest_twin.sink_make), a little slower a row than the first thread, whose
	 * share of the work at the join is small: 52 % evens them out. */
	*out = (struct ingest_twin){.make = twin_make, .free = twin_free, .counts = twin_counts,
	                            .add_counts = twin_add_counts, .replay = twin_replay, .prefetch = twin_prefetch,
	                            .place = twin_place, .context = converter,
	                            .writer = converter->writer, .jobs = jobs, .always = always,
	                            .first_percent = converter->options.repeats_downstream ? 52 : 30,
	                            /* ifs-shares' second thread keeps its questionnaires in 64 temporary
	                             * files; the first chained export's stay open to the end beside the
	                             * first thread's 64 closed at the cut and its new ones: up to 193
	                             * more than one thread (its reader too), which needs 64 of its own */
	                            .open_files_needed = converter->options.repeats_downstream ? 320 : 0};
}
