/*
 * text_fold.h — compare header names and answer labels the way people mean them.
 *
 * Promise: folding lower-cases, turns å ä ö (and é, ü) into a a o (e, u), maps
 * every run of white space (the no-break and thin spaces too), '-', '_', '/' and
 * the en and em dashes to one space, drops surrounding
 * space and a trailing '?', ':' or '.', so "Respondent-ID", "respondent id" and
 * " RESPONDENT_ID " fold alike, and "Har du fått stöd…?" matches "har du fatt stod…".
 */
#ifndef IFS_TEXT_FOLD_H
#define IFS_TEXT_FOLD_H

#include <stddef.h>

/* Writes the folded form of text[0..length) into out (NUL-terminated, at most
 * out_size bytes including NUL; longer input is cut).  Returns the folded length. */
size_t text_fold(const char *text, size_t length, char *out, size_t out_size);
/* 1 when a and b fold to the same text. */
int text_fold_equal(const char *a, const char *b);
/* text without the blanks (spaces and tabs) around it: the start, and *length cut. */
const char *text_trim(const char *text, size_t *length);
/* 1 when text is empty or only spaces and tabs. */
int text_blank(const char *text, size_t length);
/* 1 when a cell stands for no value: blank, only dashes, dots or question marks
 * ("-", "--", "?"), a word for unknown ("N/A", "NA", "saknas", "uppgift saknas",
 * "okänt", "ej angivet", "null"), or an error value of Excel's ("#N/A", "#SAKNAS!",
 * "#VÄRDEFEL!", "#DIVISION/0!").  An identifier so written
 * names nobody: taken as an id, it would make one person of all who have it. */
int text_says_nothing(const char *text, size_t length);

#endif
