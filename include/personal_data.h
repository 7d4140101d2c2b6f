/*
 * personal_data.h — the one scrubber every cell text passes before it is shown or kept.
 *
 * Promise: anything shaped like a personnummer or samordningsnummer, in any
 * written form — twelve or ten digits run together (and, since Excel drops a
 * leading zero, nine or eleven), six or eight digits then a separator ('-', '+',
 * spaces, an en dash, '.', '_', '/') then four digits, or ten or twelve digits in
 * groups whose first digits are a birth date ("1979-01-01-1234", "64 12 31-9870")
 * — is recognised wherever it stands in a text.  Text that
 * reaches a message, a reject file or a record's string table goes through
 * personal_data_quote() or personal_data_scrub(), so a personnummer typed into
 * the wrong column (a date, an insats name, an answer) never leaves the tool.
 * Names that would be stored (insats, förbund) and hold one are refused by the
 * callers through personal_data_present().  Longer digit runs are masked too:
 * whatever holds a personnummer inside it is not shown.
 */
#ifndef IFS_PERSONAL_DATA_H
#define IFS_PERSONAL_DATA_H

#include <stddef.h>

#define PERSONAL_DATA_MASK "[id removed]"

/* Bytes of the personnummer-shaped text that starts at text[start] (0: none, as
 * for a start in the middle of a number). */
size_t personal_data_span(const char *text, size_t length, size_t start);

/* 1 when text holds anything shaped like a personnummer. */
int personal_data_present(const char *text, size_t length);
/* 1 when a name that would be stored (an insats, a förbund) holds a personnummer
 * or is the row's own identifier (NULL: none), blanks around either ignored and
 * in any case: a participant code typed into the insats column. */
int personal_data_names_person(const char *name, size_t length, const char *identifier, size_t identifier_length);

/* 1 when text holds a personnummer: personal_data_present() for an identifier,
 * where a long number is a survey's own respondent number unless it has ten or
 * twelve digits that begin with a birth date. */
int personal_data_identifies(const char *text, size_t length);

/*
 * text, with each personnummer-shaped part replaced by PERSONAL_DATA_MASK,
 * written to out (always NUL-terminated; cut at a character boundary, never
 * inside a UTF-8 sequence, when out is too small).  Returns the bytes written.
 */
size_t personal_data_scrub(const char *text, size_t length, char *out, size_t out_size);

/*
 * A cell for a message: at most max_chars characters of the scrubbed text, with
 * "…" when cut.  out_size should be at least 4 * max_chars + 16.  Returns out.
 */
const char *personal_data_quote(const char *text, size_t length, size_t max_chars, char *out, size_t out_size);

/* personal_data_quote() into a buffer that lives until the end of the enclosing
 * block, for a printf argument: "unknown answer \"%s\"", QUOTE_CELL(text, length, 40).
 * max_chars must be a constant. */
#define QUOTE_CELL(text, length, max_chars) \
	personal_data_quote((text), (length), (max_chars), (char[4 * (max_chars) + 16]){0}, 4 * (max_chars) + 16)

#endif
