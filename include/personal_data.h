/*
 * personal_data.h — the one scrubber every cell text passes before it is shown or kept.
 *
 * Promise: anything shaped like a personnummer or samordningsnummer, in any
 * written form — twelve or ten digits run together (and, since Excel drops a
 * leading zero, nine or eleven), or six or eight digits then '-', '+' or spaces
 * then four digits — is recognised wherever it stands in a text.  Text that
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

/* Bytes of the personnummer-shaped text that starts at text[0] (0: none).  The
 * caller passes a start that does not follow a digit. */
size_t personal_data_span(const char *text, size_t length);

/* 1 when text holds anything shaped like a personnummer. */
int personal_data_present(const char *text, size_t length);

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
