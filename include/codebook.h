/*
 * codebook.h — what an export's columns and answers mean.
 *
 * Promise: a codebook (JSON, docs/codebook.md) maps export headers to roles
 * (background columns and questions) by code, id, number or full text, compared
 * after text_fold(); and maps each answer text to a value on the question's
 * scale: a labelled scale (label or numeric code -> level) or a numeric range
 * (VAS 0..100).  Unknown answers are reported, never guessed.  The default
 * codebooks ship in data/ and are installed to $(PREFIX)/share/ifs.
 */
#ifndef IFS_CODEBOOK_H
#define IFS_CODEBOOK_H

#include <stddef.h>

enum column_role {
	ROLE_NONE = 0,   /* a column the codebook does not know: ignored */
	ROLE_RESPONDENT, /* the survey tool's response id (ifs-health: any person's id) */
	ROLE_DATE,
	ROLE_INSATS,
	ROLE_GROUP,
	ROLE_GENDER,
	ROLE_AGE,
	ROLE_FORBUND,
	ROLE_OCCASION,   /* health: intake or exit */
	ROLE_PARTICIPANT, /* a person's id: personnummer or participant code; always personal */
	ROLE_QUESTION    /* a question or item; its index comes with it */
};

/* Values of the background columns, as codebook_background_value() returns them. */
enum occasion { OCCASION_INTAKE = 1, OCCASION_EXIT = 2 };

/* What codebook_answer() returns besides a value >= 0. */
#define ANSWER_UNKNOWN (-1)   /* a label the codebook does not know: reject the row */
#define ANSWER_DONT_KNOW (-2) /* "Vet ej / Ej aktuellt" */
#define ANSWER_MISSING (-3)   /* blank */

struct codebook;

/* NULL on failure with a reason naming the file (and the key at fault) in error. */
struct codebook *codebook_load(const char *path, char *error, size_t error_size);
/* name: "ifs" or "health".  Looks in $IFS_DATADIR, the installed data directory,
 * then data/ beside the executable's source tree. */
struct codebook *codebook_load_default(const char *name, char *error, size_t error_size);
void codebook_free(struct codebook *codebook);
const char *codebook_path(const struct codebook *codebook);

/* The role of an export header; for ROLE_QUESTION *question is the question index. */
enum column_role codebook_column_role(const struct codebook *codebook, const char *header,
                                      size_t *question);
size_t codebook_question_count(const struct codebook *codebook);
const char *codebook_question_id(const struct codebook *codebook, size_t question);
const char *codebook_question_text(const struct codebook *codebook, size_t question);
/* Highest level of a labelled scale (6 for the IFS scale), or the range maximum. */
int codebook_question_scale_max(const struct codebook *codebook, size_t question);
/*
 * The question whose text is nearest a header that matched nothing, by its
 * distinctive words (four letters or more, folded): *score is the share of the
 * two texts' words they have in common (Jaccard, 0..1), *shared how many.  -1
 * when no question shares a word.  A reworded export ("som varit till stor nytta"
 * for "som är till stor nytta") scores high; callers decide what is near enough.
 */
int codebook_nearest_question(const struct codebook *codebook, const char *header, double *score, size_t *shared);

/* The answer labels a question accepts, "Inte alls, Till liten del, …" (or "a whole
 * number 0-100"), for a message; cut to out_size. */
size_t codebook_question_labels(const struct codebook *codebook, size_t question, char *out, size_t out_size);
/* The first label the codebook gives a level of the question's scale ("Helt och hållet" for
 * 6), or NULL (a numeric scale, or no label for that level). */
const char *codebook_level_label(const struct codebook *codebook, size_t question, int level);

/* Index of the question with this id, or -1. */
int codebook_question_index(const struct codebook *codebook, const char *id);

/* Level or value of an answer text: >= 0, or ANSWER_UNKNOWN/DONT_KNOW/MISSING. */
int codebook_answer(const struct codebook *codebook, size_t question, const char *text, size_t length);

/* Age in years from "34" or "34 år"; 0 (unknown) for an age group ("30-44"), a blank
 * or anything else: no goal uses age, so it never costs a row. */
int codebook_age(const char *text, size_t length);

/* Group, gender or occasion of a background value:
 * ROLE_GROUP -> enum respondent_group (GROUP_UNKNOWN for blank),
 * ROLE_GENDER -> enum gender (GENDER_UNSTATED for blank or "Vill ej uppge"),
 * ROLE_OCCASION -> enum occasion.  -1 when the text is not recognised. */
int codebook_background_value(const struct codebook *codebook, enum column_role role,
                              const char *text, size_t length);

#endif
