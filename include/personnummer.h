/*
 * personnummer.h — Swedish personal identity numbers, recognised and normalised.
 *
 * Promise: the forms YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDDNNNN and
 * YYMMDD+NNNN (100 years or older) of one person normalise to the same twelve
 * digits, so intake and exit pair up whichever form each questionnaire used.
 * Samordningsnummer (day + 60) are accepted.  The check digit (Luhn) is
 * verified.  Nothing here prints or keeps the number.
 */
#ifndef IFS_PERSONNUMMER_H
#define IFS_PERSONNUMMER_H

#include <stddef.h>
#include <stdint.h>

enum personnummer_result {
	PERSONNUMMER_NOT = 0,        /* not shaped like one: a local participant code */
	PERSONNUMMER_VALID = 1,      /* normalised into out */
	PERSONNUMMER_BAD_CHECK = -1, /* shaped like one, but the check digit is wrong */
	PERSONNUMMER_BAD_DATE = -2,  /* shaped like one, but no such date */
	PERSONNUMMER_UNCOMPUTED = -3 /* only from pseudonym_of_participant(): no pseudonym (out of memory) */
};

/* reference: YYYYMMDD of the questionnaire, for the century of the 10-digit forms
 * (the person is under 100 then, or 100 or more with '+').  out: 12 digits + NUL. */
enum personnummer_result personnummer_normalise(const char *text, size_t length, uint32_t reference,
                                                char out[13]);

#endif
