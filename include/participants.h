/*
 * participants.h — participant register rows (SPEC §2.3) to course records.
 *
 * Promise: binds a register export's columns by their usual headers (Personnummer
 * or Deltagar-ID, Insats, Kön, Inskrivningsdatum, Avslutsdatum, Remittent,
 * Avslutsorsak, Arbetsförmåga, Försörjning vid inskrivning / vid avslut, ...;
 * docs/codebook.md lists them) and turns each row into one course record.  The
 * participant becomes the keyed pseudonym ifs-health gives the same person; a
 * raw identifier never reaches a record or a message.  A course is rejected for
 * what makes it unusable (no participant, no or a bad start date, a bad end date,
 * an end before the start, a damaged identifier); a cell that cannot be read
 * otherwise (an unknown end reason, referrer, work capacity or support) costs
 * that field only and is reported.  Several end reasons or supports may share a
 * cell ("Arbete, studier").
 */
#ifndef IFS_PARTICIPANTS_H
#define IFS_PARTICIPANTS_H

#include <stddef.h>
#include <stdint.h>

#include "codebook.h"
#include "ingest.h"
#include "pseudonym.h"
#include "record_stream.h"
#include "row_source.h"

/* The register's headers and labels (docs/codebook.md): the built-in ones, with the
 * sections of a JSON file (NULL: none) replacing them code by code.  NULL on
 * failure with the reason, naming the file, in error. */
struct register_codebook;
struct register_codebook *register_codebook_load(const char *path, char *error, size_t error_size);
void register_codebook_free(struct register_codebook *book);

struct participants_options {
	const struct register_codebook *labels; /* required */
	const char *insats;  /* for exports without an insats column (or blank cells) */
	const char *forbund; /* likewise */
	const struct pseudonym_key *key; /* required: participants are always personal data */
	int verbose;
};

struct participants_converter;

/* codebook: for the gender labels, shared with the other tools. */
struct participants_converter *participants_converter_new(const struct codebook *codebook,
                                                          struct record_writer *writer,
                                                          const struct participants_options *options);
void participants_converter_free(struct participants_converter *converter);
/* The converter as ingest.h drives it. */
void participants_converter_ingest(struct participants_converter *converter, struct ingest_converter *out);
uint64_t participants_converter_cells_rejected(const struct participants_converter *converter);


#endif
