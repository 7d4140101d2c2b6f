/*
 * health.h — health questionnaires to intake/exit pairs and bortfall (SPEC §2.2).
 *
 * Promise: per participant (a pseudonym) and intervention, an exit pairs with the
 * latest earlier intake still waiting; two rounds make two pairs; an intake
 * followed by another intake, and an exit with no intake waiting, are bortfall
 * and written as such.  A questionnaire repeated by a cumulative export (same
 * participant, intervention, occasion and date) is kept once.  No identifier is
 * ever held here, only pseudonyms.
 */
#ifndef IFS_HEALTH_H
#define IFS_HEALTH_H

#include <stddef.h>
#include <stdint.h>

#include "record_stream.h"

struct questionnaire {
	uint64_t participant;   /* pseudonym */
	char insats_key[128];   /* the intervention folded, for matching */
	uint32_t insats, forbund; /* writer string ids */
	uint32_t date;          /* YYYYMMDD */
	uint8_t occasion;       /* OCCASION_INTAKE or OCCASION_EXIT */
	uint8_t gender, age;
	uint8_t lq, lq_due, vas, mental, pain, worry, workcap; /* HEALTH_MISSING when blank */
	uint64_t ordinal;       /* input order, to keep sorting stable */
};

struct health_pairing;

struct health_pairing *health_pairing_new(void);
void health_pairing_free(struct health_pairing *pairing);
int health_pairing_add(struct health_pairing *pairing, const struct questionnaire *questionnaire);

struct health_counts {
	uint64_t pairs, intake_only, exit_only, duplicates;
};

/* Pairs everything added and writes the records.  0, or -1 on a write error. */
int health_pairing_write(struct health_pairing *pairing, struct record_writer *writer, int vas_min_delta,
                         struct health_counts *counts);

#endif
