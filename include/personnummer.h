/*
 * personnummer.h — Swedish personal identity numbers, recognised and normalised.
 *
 * Promise: the forms YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDDNNNN and
 * YYMMDD+NNNN (100 years or older), with spaces instead of or around the dash
 * ("19850312 1231"), of one person normalise to the same twelve digits, so
 * intake and exit pair up whichever form each questionnaire used.  What Excel
 * leaves of a personnummer it read as a number — "1,97901E+11", or nine or
 * eleven digits after a leading zero was dropped — is recognised as such, never
 * taken for a local participant code (two people would share "1,97901E+11").
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
	PERSONNUMMER_UNCOMPUTED = -3, /* only from pseudonym_of_participant(): no pseudonym (out of memory) */
	PERSONNUMMER_EXCEL_NUMBER = -4, /* "1,97901E+11": Excel turned the column into numbers */
	PERSONNUMMER_LOST_ZERO = -5    /* 9 digits that are a valid personnummer with a leading 0: Excel dropped it */
};

/* Why an identifier shaped like a personnummer cannot be used, and what to do, for a
 * reject reason ("" for PERSONNUMMER_VALID and _NOT). */
const char *personnummer_problem(enum personnummer_result result);

/* reference: YYYYMMDD of the questionnaire, for the century of the 10-digit forms
 * (the person is under 100 then, or 100 or more with '+').  out: 12 digits + NUL. */
enum personnummer_result personnummer_normalise(const char *text, size_t length, uint32_t reference,
                                                char out[13]);

#endif
