#include "text_fold.h"

#include <string.h>

/* Bytes of the separator at p (0: none): ASCII space and punctuation, and the no-break
 * and thin spaces and the dashes that Excel and Word put in text ("Helt och\u00a0hållet"
 * pasted from a web form, "Vet ej \u2013 ej aktuellt"). */
static size_t separator_width(const unsigned char *p, size_t left)
{
	unsigned char c = p[0];
	if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '-' || c == '_' || c == '/' || c == '\v' || c == '\f')
		return 1;
	if (left >= 2 && c == 0xC2 && p[1] == 0xA0)
		return 2;
	if (left >= 3 && c == 0xE2 && p[1] == 0x80 && (p[2] == 0x89 || p[2] == 0xAF || p[2] == 0x93 || p[2] == 0x94))
		return 3;
	return 0;
}

/* Swedish (and a few neighbouring) letters in UTF-8 fold to their plain
 * letter so "Kön", "Kon" and "KÖN" meet; returns bytes consumed, 0 if none. */
static size_t fold_letter(const unsigned char *p, size_t left, char *letter)
{
	if (left < 2 || p[0] != 0xC3)
		return 0;
	switch (p[1]) {
	case 0x85: case 0x84: case 0xA5: case 0xA4: /* Å Ä å ä */
	case 0x80: case 0x81: case 0xA0: case 0xA1: /* À Á à á */
		*letter = 'a'; return 2;
	case 0x96: case 0xB6: case 0x98: case 0xB8: /* Ö ö Ø ø */
		*letter = 'o'; return 2;
	case 0x89: case 0xA9: case 0x88: case 0xA8: /* É é È è */
		*letter = 'e'; return 2;
	case 0x9C: case 0xBC: /* Ü ü */
		*letter = 'u'; return 2;
	default:
		return 0;
	}
}

size_t text_fold(const char *text, size_t length, char *out, size_t out_size)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t used = 0;
	int pending_space = 0;
	if (out_size == 0)
		return 0;
	for (size_t i = 0; i < length && used + 2 < out_size;) {
		char letter;
		size_t consumed;
		size_t separator = separator_width(p + i, length - i);
		if (separator) {
			pending_space = used > 0;
			i += separator;
			continue;
		}
		if (pending_space) {
			out[used++] = ' ';
			pending_space = 0;
		}
		if ((consumed = fold_letter(p + i, length - i, &letter)) != 0) {
			out[used++] = letter;
			i += consumed;
		} else {
			out[used++] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + ('a' - 'A') : p[i]);
			i++;
		}
	}
	while (used > 0 && (out[used - 1] == '?' || out[used - 1] == ':' || out[used - 1] == '.' ||
	                    out[used - 1] == ' '))
		used--;
	out[used] = '\0';
	return used;
}

int text_fold_equal(const char *a, const char *b)
{
	char folded_a[512], folded_b[512];
	text_fold(a, strlen(a), folded_a, sizeof folded_a);
	text_fold(b, strlen(b), folded_b, sizeof folded_b);
	return strcmp(folded_a, folded_b) == 0;
}

const char *text_trim(const char *text, size_t *length)
{
	while (*length && (*text == ' ' || *text == '\t'))
		text++, --*length;
	while (*length && (text[*length - 1] == ' ' || text[*length - 1] == '\t'))
		--*length;
	return text;
}

int text_blank(const char *text, size_t length)
{
	text_trim(text, &length);
	return length == 0;
}

/* An error value of Excel's, in English or Swedish: #N/A, #SAKNAS!, #VALUE!,
 * #VÄRDEFEL!, #REF!, #DIV/0!, #DIVISION/0!, #NAME?, #NAMN?, #NUM!, #NULL!, #SPILL! ...:
 * '#', letters, '/' or '0', and '!' or '?' at the end ("#N/A" has neither). */
static int excel_error(const char *text, size_t length)
{
	text = text_trim(text, &length);
	if (length < 3 || length > 16 || text[0] != '#')
		return 0;
	if (length == 4 && (text[1] == 'N' || text[1] == 'n') && text[2] == '/' && (text[3] == 'A' || text[3] == 'a'))
		return 1;
	if (text[length - 1] != '!' && text[length - 1] != '?')
		return 0;
	for (size_t i = 1; i + 1 < length; i++) {
		unsigned char c = (unsigned char)text[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '/' || c == '0' || c == '_' || c >= 0x80))
			return 0;
	}
	return 1;
}

int text_says_nothing(const char *text, size_t length)
{
	/* A placeholder is short; a longer cell is a value, whatever it says. */
	if (length > 32)
		return 0;
	if (excel_error(text, length))
		return 1; /* a formula that found nothing, exported as its error */
	for (size_t i = 0; i < length; i++)
		if (text[i] >= '0' && text[i] <= '9')
			return 0; /* an id almost always has digits, and no placeholder has */
	static const char *const words[] = {"n a", "na", "#n a", "saknas", "uppgift saknas", "okant", "okand",
	                                    "ej angivet", "ej angiven", "null", "none", "nan"};
	char folded[64];
	size_t folded_length = text_fold(text, length, folded, sizeof folded);
	if (folded_length == 0)
		return 1;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strcmp(folded, words[i]) == 0)
			return 1;
	return 0;
}
