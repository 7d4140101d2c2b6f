/*
 * health_export.h — the rows of a health questionnaire export (SPEC §2.2), as
 * ingest.h drives them, into a health_pairing.
 *
 * Promise: binds the columns by their usual headers (a participant or respondent
 * column, Datum, Tillfälle, Insats, Kön, Ålder, Förbund and the health items of
 * the codebook) and turns each row into one questionnaire handed to the pairing.
 * The participant becomes a keyed pseudonym (a personnummer is normalised first,
 * so both its forms give the same one); no identifier reaches a record or a
 * message.  A row is rejected for what makes it unusable (no or a bad date, no
 * participant, a damaged personnummer, no occasion, no insats, a personnummer
 * where a name belongs, an unknown gender); an item that cannot be read costs that
 * item only (left missing) and is reported as a cell problem.
 */
#ifndef IFS_HEALTH_EXPORT_H
#define IFS_HEALTH_EXPORT_H

#include <stdint.h>

#include "codebook.h"
#include "health.h"
#include "ingest.h"
#include "pseudonym.h"
#include "record_stream.h"

struct health_export_options {
	const struct codebook *codebook;  /* the health codebook: headers, items, labels */
	const struct pseudonym_key *key;  /* required: participants are always personal data */
	struct record_writer *writer;     /* for the insats and förbund names */
	struct health_pairing *pairing;   /* where the questionnaires go */
	const char *insats, *forbund;     /* for exports without those columns (or blank cells) */
	int verbose;                      /* say what every column became */
};

struct health_export;

struct health_export *health_export_new(const struct health_export_options *options);
void health_export_free(struct health_export *converter);
/* The converter as ingest.h drives it. */
void health_export_ingest(struct health_export *converter, struct ingest_converter *out);
/* Items that could not be read (their questionnaires kept without them). */
uint64_t health_export_answers_rejected(const struct health_export *converter);
/* Gender cells that could not be read: the questionnaire kept, its gender unstated
 * (the pair takes the other questionnaire's), the cell reported. */
uint64_t health_export_genders_unread(const struct health_export *converter);

#endif
