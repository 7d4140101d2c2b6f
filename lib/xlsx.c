/*
 * xlsx.c — the first worksheet of an .xlsx workbook, streamed row by row.
 *
 * An .xlsx file is a zip archive (read with libzip) of XML parts (parsed with
 * expat).  The parts are found the way the Open Packaging Conventions say, not
 * by fixed names: _rels/.rels names the workbook, the workbook's relationships
 * name its sheets, shared strings and styles.  Small parts are parsed whole;
 * the sheet is fed to expat a chunk at a time, and the parser is suspended at
 * each </row>, so one row is handed over per call and memory does not grow with
 * the sheet.  Element and attribute names are compared by their local part, so
 * a writer's namespace prefixes ("x:row") and Strict OOXML's other namespace URIs
 * make no difference.
 */
#include "xlsx.h"

#include "dates.h"

#include <ctype.h>
#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#define READ_CHUNK (64u * 1024u)
/* Parts read whole (workbook, relationships, styles) are small in any real file;
 * the bound stops a zip bomb from unpacking into gigabytes. */
#define MAX_SMALL_PART_BYTES (64u * 1024u * 1024u)
#define MAX_SHARED_STRING_BYTES (512u * 1024u * 1024u)
#define MAX_ROW_BYTES (64u * 1024u * 1024u)
#define MAX_COLUMNS 16384u /* Excel's last column, XFD */
#define MAX_SHEETS 4096u

enum cell_type { CELL_NUMBER, CELL_SHARED, CELL_INLINE, CELL_FORMULA_STRING, CELL_BOOLEAN, CELL_ERROR, CELL_DATE };

struct buffer {
	char *data;
	size_t length, capacity;
};

struct relationship {
	char *id, *type, *target;
};

struct sheet_entry {
	char *name, *relationship;
	int hidden;
};

struct xlsx_book {
	char *name;
	zip_t *zip;
	char error[512];
	int failed, out_of_memory;

	/* while a small part is parsed */
	XML_Parser parser;
	const char *part;
	int doctype;

	/* the package */
	char *workbook_part;
	struct relationship *relationships;
	size_t relationship_count;
	struct sheet_entry *sheets;
	size_t sheet_entries;
	int date1904;
	char *sheet_name;
	size_t sheet_count;
	char *sheet_part;

	/* shared strings: NUL-separated in strings, each starting at string_offsets[i] */
	struct buffer strings;
	size_t *string_offsets;
	size_t string_count, string_capacity;
	int in_string_item, in_text, phonetic_depth;
	size_t string_start;

	/* styles: cellXfs[i] → its number format's kind (xlsx_format_kind) */
	unsigned *xf_formats;
	size_t xf_count, xf_capacity;
	struct {
		unsigned id;
		int kind;
	} *custom_formats;
	size_t custom_count, custom_capacity;
	int in_cell_xfs, in_num_fmts;

	/* the sheet, streamed */
	zip_file_t *sheet_file;
	XML_Parser sheet_parser;
	char *chunk;
	int suspended, final_fed, finished;
	int in_sheet_data, row_ready;
	unsigned long row_number;
	struct buffer row_text;
	size_t *cell_offsets, *cell_lengths;
	unsigned char *cell_set;
	size_t cell_capacity, row_width;
	const char **cells;
	size_t *lengths;
	/* the cell being read */
	int in_cell, in_value, in_inline;
	size_t cell_column, next_column;
	enum cell_type cell_type;
	unsigned cell_style;
	struct buffer value;
};

static const char empty_cell[] = "";

static void set_error(struct xlsx_book *book, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void set_error(struct xlsx_book *book, const char *format, ...)
{
	if (book->failed)
		return;
	va_list args;
	va_start(args, format);
	vsnprintf(book->error, sizeof book->error, format, args);
	va_end(args);
	book->failed = 1;
}

static void set_out_of_memory(struct xlsx_book *book)
{
	set_error(book, "%s: out of memory", book->name);
	book->out_of_memory = 1;
}

static int buffer_append(struct buffer *b, const char *text, size_t length, size_t limit)
{
	if (length > limit || b->length > limit - length)
		return -2;
	if (b->length + length + 1 > b->capacity) {
		size_t capacity = b->capacity ? b->capacity : 256;
		while (capacity < b->length + length + 1)
			capacity *= 2;
		char *grown = realloc(b->data, capacity);
		if (!grown)
			return -1;
		b->data = grown;
		b->capacity = capacity;
	}
	memcpy(b->data + b->length, text, length);
	b->length += length;
	b->data[b->length] = '\0';
	return 0;
}

static int grow_array(void **array, size_t *capacity, size_t want, size_t element)
{
	if (want <= *capacity)
		return 0;
	size_t grown_capacity = *capacity ? *capacity : 16;
	while (grown_capacity < want)
		grown_capacity *= 2;
	void *grown = realloc(*array, grown_capacity * element);
	if (!grown)
		return -1;
	*array = grown;
	*capacity = grown_capacity;
	return 0;
}

static const char *local_name(const char *name)
{
	const char *colon = strrchr(name, ':');
	return colon ? colon + 1 : name;
}

static const char *attribute(const char **attributes, const char *local)
{
	for (size_t i = 0; attributes[i]; i += 2)
		if (strcmp(local_name(attributes[i]), local) == 0)
			return attributes[i + 1];
	return NULL;
}

static int ends_with(const char *text, const char *suffix)
{
	size_t n = strlen(text), m = strlen(suffix);
	return n >= m && strcmp(text + n - m, suffix) == 0;
}

/* ---- values ---------------------------------------------------------------- */

/* Decodes Excel's _xHHHH_ escapes (control characters in strings, and _x005F_
 * for a literal underscore) in place; the UTF-8 is never longer than the escape. */
static size_t decode_escapes(char *text, size_t length)
{
	size_t out = 0;
	for (size_t i = 0; i < length;) {
		unsigned code = 0;
		int escape = i + 7 <= length && text[i] == '_' && text[i + 1] == 'x' && text[i + 6] == '_';
		for (size_t k = 2; escape && k < 6; k++) {
			char c = text[i + k];
			if (!isxdigit((unsigned char)c))
				escape = 0;
			else
				code = code * 16 + (unsigned)(isdigit((unsigned char)c) ? c - '0' : (tolower((unsigned char)c) - 'a' + 10));
		}
		if (!escape) {
			text[out++] = text[i++];
			continue;
		}
		i += 7;
		if (code == 0 || (code >= 0xD800 && code <= 0xDFFF))
			code = 0xFFFD;
		if (code < 0x80) {
			text[out++] = (char)code;
		} else if (code < 0x800) {
			text[out++] = (char)(0xC0 | (code >> 6));
			text[out++] = (char)(0x80 | (code & 0x3F));
		} else {
			text[out++] = (char)(0xE0 | (code >> 12));
			text[out++] = (char)(0x80 | ((code >> 6) & 0x3F));
			text[out++] = (char)(0x80 | (code & 0x3F));
		}
	}
	text[out] = '\0';
	return out;
}

int xlsx_format_kind(const char *code)
{
	int date = 0, time = 0, month_or_minute = 0;
	for (const char *p = code; *p; p++) {
		char c = *p;
		if (c == '"') {
			const char *end = strchr(p + 1, '"');
			if (!end)
				break;
			p = end;
		} else if (c == '\\' || c == '_' || c == '*') {
			if (p[1])
				p++;
		} else if (c == '[') {
			/* [h]:mm elapsed time; [Red], [$-41D] and [>=100] say nothing of dates */
			const char *end = strchr(p, ']');
			if (!end)
				break;
			if (end > p + 1 && strspn(p + 1, "hHmMsS") == (size_t)(end - p - 1))
				time = 1;
			p = end;
		} else if (c == ';') {
			break; /* the first section is the one positive numbers use */
		} else if (strncasecmp(p, "AM/PM", 5) == 0) {
			time = 1;
			p += 4;
		} else if (strncasecmp(p, "A/P", 3) == 0) {
			time = 1;
			p += 2;
		} else {
			switch (tolower((unsigned char)c)) {
			case 'd':
			case 'y': date = 1; break;
			case 'h':
			case 's': time = 1; break;
			case 'm': month_or_minute = 1; break;
			default: break;
			}
		}
	}
	if (month_or_minute && !date && !time)
		date = 1; /* "mmm": a month */
	return date ? (time ? 3 : 1) : (time ? 2 : 0);
}

static int builtin_format_kind(unsigned id)
{
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58))
		return 1;
	if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47))
		return 2;
	if (id == 22)
		return 3;
	return 0;
}

int xlsx_format_serial(double serial, int kind, int date1904, char out[20])
{
	if (!(serial >= 0) || serial >= 2958466.0 || kind < 1 || kind > 3)
		return -1;
	double whole = floor(serial);
	long days = (long)whole;
	long seconds = kind == 1 ? 0 : lround((serial - whole) * 86400.0);
	if (seconds >= 86400)
		days++, seconds -= 86400;
	/* formatted wide, then copied: the compiler cannot see that the fields are in range */
	char wide[96];
	if (kind == 2) {
		snprintf(wide, sizeof wide, "%02ld:%02ld:%02ld", seconds / 3600, seconds / 60 % 60, seconds % 60);
		snprintf(out, 20, "%.19s", wide);
		return 0;
	}
	if (date1904)
		days += 1462; /* 1904-01-01 in the 1900 system */
	long year, month, day;
	if (days == 0)
		return -1; /* Excel's "1900-01-00" */
	if (!date1904 && days == 60) {
		/* Excel's 1900-02-29, a day that never was (kept from Lotus 1-2-3): the
		 * date reader refuses it by name rather than this reader moving it. */
		year = 1900, month = 2, day = 29;
	} else {
		if (days < 60)
			days++; /* before the phantom day the epoch is 1899-12-31, not -30 */
		date_from_serial_day(days, &year, &month, &day);
	}
	if (year > 9999)
		return -1;
	if (kind == 1)
		snprintf(wide, sizeof wide, "%04ld-%02ld-%02ld", year, month, day);
	else
		snprintf(wide, sizeof wide, "%04ld-%02ld-%02ld %02ld:%02ld:%02ld", year, month, day, seconds / 3600,
		         seconds / 60 % 60, seconds % 60);
	snprintf(out, 20, "%.19s", wide);
	return 0;
}

/* A number as Excel's General format would show it, without the exponent form
 * that turns an identifier like 197901011234 into 1,97901E+11. */
static void format_number(double value, char *out, size_t size)
{
	double magnitude = fabs(value);
	if (value == 0) {
		snprintf(out, size, "0");
	} else if (magnitude >= 1e15 || magnitude < 1e-9) {
		snprintf(out, size, "%.15g", value);
	} else if (value == floor(value)) {
		snprintf(out, size, "%.0f", value);
	} else {
		int before = (int)floor(log10(magnitude)) + 1;
		int precision = 15 - before;
		if (precision > 24)
			precision = 24;
		if (precision < 0)
			precision = 0;
		snprintf(out, size, "%.*f", precision, value);
		char *point = strchr(out, '.');
		if (point) {
			char *end = out + strlen(out);
			while (end > point + 1 && end[-1] == '0')
				*--end = '\0';
			if (end == point + 1)
				*point = '\0';
		}
	}
}

/* ---- reading parts ----------------------------------------------------------- */

/* libzip reports zlib running out of memory as a zlib error, with zlib's code as
 * the "system" error: that is memory, not a damaged file. */
static int zip_out_of_memory(zip_error_t *error)
{
	int code = zip_error_code_zip(error);
	return code == ZIP_ER_MEMORY || (code == ZIP_ER_ZLIB && zip_error_code_system(error) == -4 /* Z_MEM_ERROR */);
}

static zip_file_t *open_part(struct xlsx_book *book, const char *part)
{
	zip_int64_t index = zip_name_locate(book->zip, part, ZIP_FL_NOCASE);
	if (index < 0)
		return NULL;
	zip_file_t *file = zip_fopen_index(book->zip, (zip_uint64_t)index, 0);
	if (!file) {
		zip_error_t *error = zip_get_error(book->zip);
		if (zip_out_of_memory(error))
			set_out_of_memory(book);
		else
			set_error(book, "%s: damaged workbook: %s: %s", book->name, part, zip_error_strerror(error));
	}
	return file;
}

static void report_read_error(struct xlsx_book *book, zip_file_t *file, const char *part)
{
	zip_error_t *error = zip_file_get_error(file);
	if (zip_out_of_memory(error))
		set_out_of_memory(book);
	else
		set_error(book, "%s: damaged workbook: %s: %s", book->name, part, zip_error_strerror(error));
}

static void report_xml_error(struct xlsx_book *book, XML_Parser parser, const char *part)
{
	enum XML_Error code = XML_GetErrorCode(parser);
	if (code == XML_ERROR_NO_MEMORY)
		set_out_of_memory(book);
	else
		set_error(book, "%s: damaged workbook: %s:%lu:%lu: %s", book->name, part,
		          (unsigned long)XML_GetCurrentLineNumber(parser),
		          (unsigned long)XML_GetCurrentColumnNumber(parser) + 1, XML_ErrorString(code));
}

static void XMLCALL refuse_doctype(void *data, const XML_Char *name, const XML_Char *system_id,
                                   const XML_Char *public_id, int has_internal_subset)
{
	struct xlsx_book *book = data;
	set_error(book, "%s: damaged workbook: %s holds a DTD, which no spreadsheet writes", book->name, book->part);
	XML_StopParser(book->parser, XML_FALSE);
}

/* Parses a small part whole.  1: parsed; 0: the part is not in the archive; -1: error. */
static int parse_part(struct xlsx_book *book, const char *part, XML_StartElementHandler start,
                      XML_EndElementHandler end, XML_CharacterDataHandler text, size_t limit)
{
	zip_file_t *file = open_part(book, part);
	if (!file)
		return book->failed ? -1 : 0;
	XML_Parser parser = XML_ParserCreate("UTF-8");
	char *chunk = malloc(READ_CHUNK);
	if (!parser || !chunk) {
		if (parser)
			XML_ParserFree(parser);
		free(chunk);
		zip_fclose(file);
		set_out_of_memory(book);
		return -1;
	}
	book->parser = parser;
	book->part = part;
	XML_SetUserData(parser, book);
	XML_SetElementHandler(parser, start, end);
	XML_SetCharacterDataHandler(parser, text);
	XML_SetStartDoctypeDeclHandler(parser, refuse_doctype);
	size_t total = 0;
	int status = 1;
	for (;;) {
		zip_int64_t got = zip_fread(file, chunk, READ_CHUNK);
		if (got < 0) {
			report_read_error(book, file, part);
			status = -1;
			break;
		}
		total += (size_t)got;
		if (total > limit) {
			set_error(book, "%s: %s unpacks to more than %zu MiB; not a workbook this tool can read", book->name,
			          part, limit >> 20);
			status = -1;
			break;
		}
		if (XML_Parse(parser, chunk, (int)got, got == 0) != XML_STATUS_OK || book->failed) {
			if (!book->failed)
				report_xml_error(book, parser, part);
			status = -1;
			break;
		}
		if (got == 0)
			break;
	}
	XML_ParserFree(parser);
	book->parser = NULL;
	free(chunk);
	zip_fclose(file);
	return status;
}

/* The part a relationship's target names, from the part holding the relationship. */
static char *resolve_target(const char *source_part, const char *target)
{
	size_t base = 0;
	if (target[0] == '/') {
		target++;
	} else {
		const char *slash = strrchr(source_part, '/');
		base = slash ? (size_t)(slash - source_part) + 1 : 0;
	}
	size_t size = base + strlen(target) + 1;
	char *path = malloc(size);
	if (!path)
		return NULL;
	memcpy(path, source_part, base);
	strcpy(path + base, target);
	/* "a/b/../c" → "a/c" */
	char *dots;
	while ((dots = strstr(path, "/../")) != NULL) {
		char *start = dots;
		while (start > path && start[-1] != '/')
			start--;
		memmove(start, dots + 4, strlen(dots + 4) + 1);
	}
	while (strncmp(path, "../", 3) == 0)
		memmove(path, path + 3, strlen(path + 3) + 1);
	return path;
}

static void free_relationships(struct xlsx_book *book)
{
	for (size_t i = 0; i < book->relationship_count; i++) {
		free(book->relationships[i].id);
		free(book->relationships[i].type);
		free(book->relationships[i].target);
	}
	free(book->relationships);
	book->relationships = NULL;
	book->relationship_count = 0;
}

static void XMLCALL relationship_start(void *data, const XML_Char *name, const XML_Char **attributes)
{
	struct xlsx_book *book = data;
	if (book->failed || strcmp(local_name(name), "Relationship") != 0)
		return;
	const char *id = attribute(attributes, "Id"), *type = attribute(attributes, "Type");
	const char *target = attribute(attributes, "Target"), *mode = attribute(attributes, "TargetMode");
	if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
		return;
	if (book->relationship_count >= MAX_SHEETS * 4) {
		set_error(book, "%s: damaged workbook: %s holds too many relationships", book->name, book->part);
		XML_StopParser(book->parser, XML_FALSE);
		return;
	}
	struct relationship *grown =
	    realloc(book->relationships, (book->relationship_count + 1) * sizeof *book->relationships);
	if (!grown) {
		set_out_of_memory(book);
		XML_StopParser(book->parser, XML_FALSE);
		return;
	}
	book->relationships = grown;
	struct relationship *r = &book->relationships[book->relationship_count];
	r->id = strdup(id);
	r->type = strdup(type);
	r->target = strdup(target);
	book->relationship_count++;
	if (!r->id || !r->type || !r->target) {
		set_out_of_memory(book);
		XML_StopParser(book->parser, XML_FALSE);
	}
}

static void XMLCALL ignore_end(void *data, const XML_Char *name) {}
static void XMLCALL ignore_text(void *data, const XML_Char *text, int length) {}

/* Reads the relationships of part; -1 on error (0 relationships is not one). */
static int read_relationships(struct xlsx_book *book, const char *part)
{
	free_relationships(book);
	const char *slash = strrchr(part, '/');
	size_t dir = slash ? (size_t)(slash - part) + 1 : 0;
	const char *file = part + dir;
	size_t size = strlen(part) + sizeof "_rels/" + sizeof ".rels";
	char *rels = malloc(size);
	if (!rels) {
		set_out_of_memory(book);
		return -1;
	}
	snprintf(rels, size, "%.*s_rels/%s.rels", (int)dir, part, file);
	int status = parse_part(book, rels, relationship_start, ignore_end, ignore_text, MAX_SMALL_PART_BYTES);
	free(rels);
	return status < 0 ? -1 : 0;
}

static const struct relationship *find_relationship(const struct xlsx_book *book, const char *id,
                                                    const char *type_suffix)
{
	for (size_t i = 0; i < book->relationship_count; i++) {
		const struct relationship *r = &book->relationships[i];
		if ((!id || strcmp(r->id, id) == 0) && ends_with(r->type, type_suffix))
			return r;
	}
	return NULL;
}

static void XMLCALL workbook_start(void *data, const XML_Char *name, const XML_Char **attributes)
{
	struct xlsx_book *book = data;
	if (book->failed)
		return;
	const char *local = local_name(name);
	if (strcmp(local, "workbookPr") == 0) {
		const char *date1904 = attribute(attributes, "date1904");
		book->date1904 = date1904 && (strcmp(date1904, "1") == 0 || strcmp(date1904, "true") == 0);
	} else if (strcmp(local, "sheet") == 0) {
		const char *sheet_name = attribute(attributes, "name"), *id = attribute(attributes, "id");
		const char *state = attribute(attributes, "state");
		if (!id)
			return;
		if (book->sheet_entries >= MAX_SHEETS) {
			set_error(book, "%s: damaged workbook: more than %u sheets", book->name, MAX_SHEETS);
			XML_StopParser(book->parser, XML_FALSE);
			return;
		}
		struct sheet_entry *grown = realloc(book->sheets, (book->sheet_entries + 1) * sizeof *book->sheets);
		if (!grown) {
			set_out_of_memory(book);
			XML_StopParser(book->parser, XML_FALSE);
			return;
		}
		book->sheets = grown;
		struct sheet_entry *sheet = &book->sheets[book->sheet_entries++];
		sheet->name = strdup(sheet_name ? sheet_name : "");
		sheet->relationship = strdup(id);
		sheet->hidden = state && strcmp(state, "visible") != 0;
		if (!sheet->name || !sheet->relationship) {
			set_out_of_memory(book);
			XML_StopParser(book->parser, XML_FALSE);
		}
	}
}

static void XMLCALL strings_start(void *data, const XML_Char *name, const XML_Char **attributes)
{
	struct xlsx_book *book = data;
	const char *local = local_name(name);
	if (strcmp(local, "si") == 0) {
		book->in_string_item = 1;
		book->phonetic_depth = 0;
		book->string_start = book->strings.length;
	} else if (strcmp(local, "rPh") == 0) {
		book->phonetic_depth++;
	} else if (strcmp(local, "t") == 0 && book->in_string_item && !book->phonetic_depth) {
		book->in_text = 1;
	}
}

static void XMLCALL strings_end(void *data, const XML_Char *name)
{
	struct xlsx_book *book = data;
	if (book->failed)
		return;
	const char *local = local_name(name);
	if (strcmp(local, "t") == 0) {
		book->in_text = 0;
	} else if (strcmp(local, "rPh") == 0) {
		book->phonetic_depth--;
	} else if (strcmp(local, "si") == 0 && book->in_string_item) {
		book->in_string_item = 0;
		int status = buffer_append(&book->strings, "", 1, MAX_SHARED_STRING_BYTES);
		if (status == 0 && grow_array((void **)&book->string_offsets, &book->string_capacity,
		                              book->string_count + 1, sizeof *book->string_offsets) < 0)
			status = -1;
		if (status < 0) {
			if (status == -1)
				set_out_of_memory(book);
			else
				set_error(book, "%s: the shared strings hold more than %u MiB; not a workbook this tool can read",
				          book->name, MAX_SHARED_STRING_BYTES >> 20);
			XML_StopParser(book->parser, XML_FALSE);
			return;
		}
		size_t length = book->strings.length - 1 - book->string_start;
		size_t decoded = decode_escapes(book->strings.data + book->string_start, length);
		book->strings.length = book->string_start + decoded + 1;
		book->string_offsets[book->string_count++] = book->string_start;
	}
}

static void XMLCALL strings_text(void *data, const XML_Char *text, int length)
{
	struct xlsx_book *book = data;
	if (book->failed || !book->in_text)
		return;
	int status = buffer_append(&book->strings, text, (size_t)length, MAX_SHARED_STRING_BYTES);
	if (status < 0) {
		if (status == -1)
			set_out_of_memory(book);
		else
			set_error(book, "%s: the shared strings hold more than %u MiB; not a workbook this tool can read",
			          book->name, MAX_SHARED_STRING_BYTES >> 20);
		XML_StopParser(book->parser, XML_FALSE);
	}
}

static int parse_unsigned(const char *text, unsigned *value)
{
	if (!text || !isdigit((unsigned char)*text))
		return -1;
	errno = 0;
	char *end;
	unsigned long parsed = strtoul(text, &end, 10);
	if (errno || *end || parsed > 0xFFFFFFFFul)
		return -1;
	*value = (unsigned)parsed;
	return 0;
}

static void XMLCALL styles_start(void *data, const XML_Char *name, const XML_Char **attributes)
{
	struct xlsx_book *book = data;
	if (book->failed)
		return;
	const char *local = local_name(name);
	unsigned id;
	if (strcmp(local, "cellXfs") == 0) {
		book->in_cell_xfs = 1;
	} else if (strcmp(local, "numFmts") == 0) {
		book->in_num_fmts = 1;
	} else if (strcmp(local, "xf") == 0 && book->in_cell_xfs) {
		if (parse_unsigned(attribute(attributes, "numFmtId"), &id) < 0)
			id = 0;
		if (grow_array((void **)&book->xf_formats, &book->xf_capacity, book->xf_count + 1,
		               sizeof *book->xf_formats) < 0) {
			set_out_of_memory(book);
			XML_StopParser(book->parser, XML_FALSE);
			return;
		}
		book->xf_formats[book->xf_count++] = id;
	} else if (strcmp(local, "numFmt") == 0 && book->in_num_fmts) {
		const char *code = attribute(attributes, "formatCode");
		if (parse_unsigned(attribute(attributes, "numFmtId"), &id) < 0 || !code)
			return;
		if (grow_array((void **)&book->custom_formats, &book->custom_capacity, book->custom_count + 1,
		               sizeof *book->custom_formats) < 0) {
			set_out_of_memory(book);
			XML_StopParser(book->parser, XML_FALSE);
			return;
		}
		book->custom_formats[book->custom_count].id = id;
		book->custom_formats[book->custom_count].kind = xlsx_format_kind(code);
		book->custom_count++;
	}
}

static void XMLCALL styles_end(void *data, const XML_Char *name)
{
	struct xlsx_book *book = data;
	const char *local = local_name(name);
	if (strcmp(local, "cellXfs") == 0)
		book->in_cell_xfs = 0;
	else if (strcmp(local, "numFmts") == 0)
		book->in_num_fmts = 0;
}

static int style_kind(const struct xlsx_book *book, unsigned style)
{
	if (style >= book->xf_count)
		return 0;
	unsigned id = book->xf_formats[style];
	/* A custom format may reuse a built-in id: the workbook's own code wins. */
	for (size_t i = 0; i < book->custom_count; i++)
		if (book->custom_formats[i].id == id)
			return book->custom_formats[i].kind;
	return builtin_format_kind(id);
}

/* ---- the sheet --------------------------------------------------------------- */

static void sheet_fail(struct xlsx_book *book)
{
	XML_StopParser(book->sheet_parser, XML_FALSE);
}

static void sheet_error(struct xlsx_book *book, const char *reason)
{
	set_error(book, "%s: damaged workbook: %s:%lu: %s", book->name, book->sheet_part,
	          (unsigned long)XML_GetCurrentLineNumber(book->sheet_parser), reason);
	sheet_fail(book);
}

/* "BC12" → column 54 (0-based); -1 when the reference has no column letters. */
static long reference_column(const char *reference)
{
	long column = 0;
	size_t letters = 0;
	for (; isalpha((unsigned char)reference[letters]); letters++) {
		if (letters == 3)
			return -2;
		column = column * 26 + (toupper((unsigned char)reference[letters]) - 'A' + 1);
	}
	if (letters == 0)
		return -1;
	return column - 1;
}

static int row_cell_reserve(struct xlsx_book *book, size_t column)
{
	size_t old = book->cell_capacity;
	if (column < old)
		return 0;
	size_t want = column + 1, capacity = old;
	if (grow_array((void **)&book->cell_offsets, &capacity, want, sizeof *book->cell_offsets) < 0)
		return -1;
	capacity = old;
	if (grow_array((void **)&book->cell_lengths, &capacity, want, sizeof *book->cell_lengths) < 0)
		return -1;
	capacity = old;
	if (grow_array((void **)&book->cell_set, &capacity, want, sizeof *book->cell_set) < 0)
		return -1;
	capacity = old;
	if (grow_array((void **)&book->cells, &capacity, want, sizeof *book->cells) < 0)
		return -1;
	capacity = old;
	if (grow_array((void **)&book->lengths, &capacity, want, sizeof *book->lengths) < 0)
		return -1;
	memset(book->cell_set + old, 0, capacity - old);
	book->cell_capacity = capacity;
	return 0;
}

static void XMLCALL sheet_start(void *data, const XML_Char *name, const XML_Char **attributes)
{
	struct xlsx_book *book = data;
	if (book->failed)
		return;
	const char *local = local_name(name);
	if (strcmp(local, "sheetData") == 0) {
		book->in_sheet_data = 1;
	} else if (!book->in_sheet_data) {
		return;
	} else if (strcmp(local, "row") == 0) {
		unsigned number;
		if (parse_unsigned(attribute(attributes, "r"), &number) == 0 && number > 0)
			book->row_number = number;
		else
			book->row_number++;
		if (book->row_width)
			memset(book->cell_set, 0, book->row_width);
		book->row_width = 0;
		book->row_text.length = 0;
		book->next_column = 0;
	} else if (strcmp(local, "c") == 0) {
		const char *reference = attribute(attributes, "r"), *type = attribute(attributes, "t");
		long column = reference ? reference_column(reference) : -1;
		if (column == -2 || column >= (long)MAX_COLUMNS) {
			sheet_error(book, "a cell beyond Excel's last column, XFD");
			return;
		}
		book->cell_column = column >= 0 ? (size_t)column : book->next_column;
		if (book->cell_column >= MAX_COLUMNS) {
			sheet_error(book, "a cell beyond Excel's last column, XFD");
			return;
		}
		book->cell_type = CELL_NUMBER;
		if (type) {
			static const struct {
				const char *name;
				enum cell_type type;
			} types[] = {{"s", CELL_SHARED},          {"inlineStr", CELL_INLINE}, {"str", CELL_FORMULA_STRING},
			             {"b", CELL_BOOLEAN},         {"e", CELL_ERROR},          {"d", CELL_DATE},
			             {"n", CELL_NUMBER}};
			size_t t = 0;
			while (t < sizeof types / sizeof *types && strcmp(types[t].name, type) != 0)
				t++;
			if (t == sizeof types / sizeof *types) {
				sheet_error(book, "a cell of an unknown type");
				return;
			}
			book->cell_type = types[t].type;
		}
		if (parse_unsigned(attribute(attributes, "s"), &book->cell_style) < 0)
			book->cell_style = 0;
		book->in_cell = 1;
		book->value.length = 0;
		if (book->value.data)
			book->value.data[0] = '\0';
	} else if (!book->in_cell) {
		return;
	} else if (strcmp(local, "v") == 0) {
		book->in_value = 1;
	} else if (strcmp(local, "is") == 0) {
		book->in_inline = 1;
		book->phonetic_depth = 0;
	} else if (strcmp(local, "rPh") == 0) {
		book->phonetic_depth++;
	} else if (strcmp(local, "t") == 0 && book->in_inline && !book->phonetic_depth) {
		book->in_value = 1;
	}
}

/* The cell's text as the reader hands it over: into row_text, NUL-terminated. */
static int finish_cell(struct xlsx_book *book)
{
	char formatted[64];
	const char *text = book->value.data ? book->value.data : "";
	size_t length = book->value.length;
	int decode = 0;
	switch (book->cell_type) {
	case CELL_SHARED: {
		unsigned index;
		if (length == 0)
			break;
		if (parse_unsigned(text, &index) < 0 || index >= book->string_count) {
			sheet_error(book, "a cell names a shared string that does not exist");
			return -1;
		}
		text = book->strings.data + book->string_offsets[index];
		length = strlen(text);
		break;
	}
	case CELL_INLINE:
	case CELL_FORMULA_STRING: decode = 1; break;
	case CELL_BOOLEAN:
		if (length)
			text = strcmp(text, "0") == 0 ? "FALSE" : "TRUE", length = strlen(text);
		break;
	case CELL_ERROR:
	case CELL_DATE: break;
	case CELL_NUMBER: {
		if (length == 0)
			break;
		char *end;
		double value = strtod(text, &end);
		if (end == text || *end || !isfinite(value))
			break; /* not a number after all: handed over as written */
		int kind = style_kind(book, book->cell_style);
		if (kind == 0 || xlsx_format_serial(value, kind, book->date1904, formatted) < 0)
			format_number(value, formatted, sizeof formatted);
		text = formatted;
		length = strlen(formatted);
		break;
	}
	}
	if (row_cell_reserve(book, book->cell_column) < 0)
		goto out_of_memory;
	size_t offset = book->row_text.length;
	int status = buffer_append(&book->row_text, text, length, MAX_ROW_BYTES);
	if (status == 0)
		status = buffer_append(&book->row_text, "", 1, MAX_ROW_BYTES);
	if (status == -2) {
		char reason[64];
		snprintf(reason, sizeof reason, "row %lu holds more than %u MiB", book->row_number, MAX_ROW_BYTES >> 20);
		sheet_error(book, reason);
		return -1;
	}
	if (status < 0)
		goto out_of_memory;
	if (decode)
		length = decode_escapes(book->row_text.data + offset, length);
	book->row_text.length = offset + length + 1;
	book->cell_offsets[book->cell_column] = offset;
	book->cell_lengths[book->cell_column] = length;
	book->cell_set[book->cell_column] = 1;
	if (book->cell_column + 1 > book->row_width)
		book->row_width = book->cell_column + 1;
	book->next_column = book->cell_column + 1;
	return 0;
out_of_memory:
	set_out_of_memory(book);
	sheet_fail(book);
	return -1;
}

static void XMLCALL sheet_end(void *data, const XML_Char *name)
{
	struct xlsx_book *book = data;
	if (book->failed)
		return;
	const char *local = local_name(name);
	if (strcmp(local, "sheetData") == 0) {
		book->in_sheet_data = 0;
	} else if (!book->in_sheet_data) {
		return;
	} else if (strcmp(local, "c") == 0 && book->in_cell) {
		book->in_cell = book->in_value = book->in_inline = 0;
		finish_cell(book);
	} else if (strcmp(local, "row") == 0) {
		book->row_ready = 1;
		XML_StopParser(book->sheet_parser, XML_TRUE);
	} else if (strcmp(local, "v") == 0 || strcmp(local, "t") == 0) {
		book->in_value = 0;
	} else if (strcmp(local, "is") == 0) {
		book->in_inline = 0;
	} else if (strcmp(local, "rPh") == 0) {
		book->phonetic_depth--;
	}
}

static void XMLCALL sheet_text(void *data, const XML_Char *text, int length)
{
	struct xlsx_book *book = data;
	if (book->failed || !book->in_value)
		return;
	int status = buffer_append(&book->value, text, (size_t)length, MAX_ROW_BYTES);
	if (status == -1) {
		set_out_of_memory(book);
		sheet_fail(book);
	} else if (status < 0) {
		sheet_error(book, "a cell holds more than 64 MiB");
	}
}

static void XMLCALL refuse_sheet_doctype(void *data, const XML_Char *name, const XML_Char *system_id,
                                         const XML_Char *public_id, int has_internal_subset)
{
	struct xlsx_book *book = data;
	sheet_error(book, "a DTD, which no spreadsheet writes");
}

int xlsx_next_row(struct xlsx_book *book, struct xlsx_row *row)
{
	if (book->failed)
		return -1;
	book->row_ready = 0;
	for (;;) {
		enum XML_Status status;
		if (book->suspended) {
			status = XML_ResumeParser(book->sheet_parser);
		} else if (book->finished) {
			return 0;
		} else {
			zip_int64_t got = zip_fread(book->sheet_file, book->chunk, READ_CHUNK);
			if (got < 0) {
				report_read_error(book, book->sheet_file, book->sheet_part);
				return -1;
			}
			book->final_fed = got == 0;
			status = XML_Parse(book->sheet_parser, book->chunk, (int)got, got == 0);
		}
		if (book->failed)
			return -1;
		if (status == XML_STATUS_ERROR) {
			report_xml_error(book, book->sheet_parser, book->sheet_part);
			return -1;
		}
		book->suspended = status == XML_STATUS_SUSPENDED;
		if (!book->suspended && book->final_fed)
			book->finished = 1;
		if (book->row_ready)
			break;
	}
	size_t count = 0;
	for (size_t c = 0; c < book->row_width; c++) {
		if (book->cell_set[c] && book->cell_lengths[c] > 0) {
			book->cells[c] = book->row_text.data + book->cell_offsets[c];
			book->lengths[c] = book->cell_lengths[c];
			count = c + 1;
		} else {
			book->cells[c] = empty_cell;
			book->lengths[c] = 0;
		}
	}
	row->number = book->row_number;
	row->count = count;
	row->cells = book->cells;
	row->lengths = book->lengths;
	return 1;
}

/* ---- opening ----------------------------------------------------------------- */

static int is_opendocument(struct xlsx_book *book)
{
	zip_int64_t index = zip_name_locate(book->zip, "mimetype", 0);
	if (index < 0)
		return 0;
	zip_file_t *file = zip_fopen_index(book->zip, (zip_uint64_t)index, 0);
	if (!file)
		return 0;
	char type[128] = "";
	zip_int64_t got = zip_fread(file, type, sizeof type - 1);
	zip_fclose(file);
	if (got > 0)
		type[got] = '\0';
	return strstr(type, "opendocument") != NULL;
}

static int open_package(struct xlsx_book *book)
{
	if (is_opendocument(book)) {
		set_error(book, "%s: an OpenDocument file (.ods), not an Excel workbook: save it as .xlsx or as CSV",
		          book->name);
		return -1;
	}
	if (read_relationships(book, "") < 0)
		return -1;
	const struct relationship *office = find_relationship(book, NULL, "/officeDocument");
	book->workbook_part = office ? resolve_target("", office->target) : strdup("xl/workbook.xml");
	if (!book->workbook_part) {
		set_out_of_memory(book);
		return -1;
	}
	int found = parse_part(book, book->workbook_part, workbook_start, ignore_end, ignore_text, MAX_SMALL_PART_BYTES);
	if (found < 0)
		return -1;
	if (found == 0) {
		set_error(book, "%s: a zip archive but not an Excel workbook (no %s); expected CSV, JSON or .xlsx",
		          book->name, book->workbook_part);
		return -1;
	}
	if (read_relationships(book, book->workbook_part) < 0)
		return -1;
	for (size_t i = 0; i < book->sheet_entries; i++) {
		const struct sheet_entry *sheet = &book->sheets[i];
		const struct relationship *r = find_relationship(book, sheet->relationship, "/worksheet");
		if (!r || sheet->hidden)
			continue;
		book->sheet_count++;
		if (book->sheet_part)
			continue;
		book->sheet_part = resolve_target(book->workbook_part, r->target);
		book->sheet_name = strdup(sheet->name);
		if (!book->sheet_part || !book->sheet_name) {
			set_out_of_memory(book);
			return -1;
		}
	}
	if (!book->sheet_part) {
		set_error(book, "%s: the workbook has no visible worksheet", book->name);
		return -1;
	}
	const struct relationship *styles = find_relationship(book, NULL, "/styles");
	if (styles) {
		char *part = resolve_target(book->workbook_part, styles->target);
		if (!part) {
			set_out_of_memory(book);
			return -1;
		}
		int status = parse_part(book, part, styles_start, styles_end, ignore_text, MAX_SMALL_PART_BYTES);
		free(part);
		if (status < 0)
			return -1;
	}
	const struct relationship *strings = find_relationship(book, NULL, "/sharedStrings");
	if (strings) {
		char *part = resolve_target(book->workbook_part, strings->target);
		if (!part) {
			set_out_of_memory(book);
			return -1;
		}
		int status = parse_part(book, part, strings_start, strings_end, strings_text, (size_t)-1);
		free(part);
		if (status < 0)
			return -1;
	}
	book->sheet_file = open_part(book, book->sheet_part);
	if (!book->sheet_file) {
		if (!book->failed)
			set_error(book, "%s: damaged workbook: its sheet %s is missing", book->name, book->sheet_part);
		return -1;
	}
	book->sheet_parser = XML_ParserCreate("UTF-8");
	book->chunk = malloc(READ_CHUNK);
	if (!book->sheet_parser || !book->chunk) {
		set_out_of_memory(book);
		return -1;
	}
	XML_SetUserData(book->sheet_parser, book);
	XML_SetElementHandler(book->sheet_parser, sheet_start, sheet_end);
	XML_SetCharacterDataHandler(book->sheet_parser, sheet_text);
	XML_SetStartDoctypeDeclHandler(book->sheet_parser, refuse_sheet_doctype);
	return 0;
}

struct xlsx_book *xlsx_open(const char *path, const void *data, size_t size, const char *name, char *error,
                            size_t error_size)
{
	struct xlsx_book *book = calloc(1, sizeof *book);
	if (!book || !(book->name = strdup(name))) {
		free(book);
		snprintf(error, error_size, "%s: out of memory", name);
		errno = ENOMEM;
		return NULL;
	}
	zip_error_t zip_error;
	zip_error_init(&zip_error);
	/* libzip reports an allocation that failed while it read the central directory
	 * as "Not a zip archive": a second try tells a damaged file from a passing
	 * shortage of memory, which must not be called damage. */
	for (int attempt = 0; attempt < 2 && !book->zip; attempt++) {
		zip_error_fini(&zip_error);
		zip_error_init(&zip_error);
		if (path) {
			int code = 0;
			book->zip = zip_open(path, ZIP_RDONLY, &code);
			if (!book->zip)
				zip_error_init_with_code(&zip_error, code);
		} else {
			zip_source_t *source = zip_source_buffer_create(data, size, 0, &zip_error);
			if (source) {
				book->zip = zip_open_from_source(source, ZIP_RDONLY, &zip_error);
				if (!book->zip)
					zip_source_free(source);
			}
		}
		if (zip_out_of_memory(&zip_error))
			break;
	}
	if (!book->zip) {
		if (zip_out_of_memory(&zip_error))
			set_out_of_memory(book);
		else
			set_error(book, "%s: a damaged or truncated .xlsx workbook (%s); save it again, or as CSV", name,
			          zip_error_strerror(&zip_error));
	}
	zip_error_fini(&zip_error);
	if (book->zip)
		open_package(book);
	if (book->failed) {
		snprintf(error, error_size, "%s", book->error);
		errno = book->out_of_memory ? ENOMEM : EINVAL;
		xlsx_close(book);
		return NULL;
	}
	free_relationships(book);
	return book;
}

const char *xlsx_error(const struct xlsx_book *book) { return book->failed ? book->error : "no error"; }
int xlsx_out_of_memory(const struct xlsx_book *book) { return book->out_of_memory; }
const char *xlsx_sheet_name(const struct xlsx_book *book) { return book->sheet_name; }
size_t xlsx_sheet_count(const struct xlsx_book *book) { return book->sheet_count; }

void xlsx_close(struct xlsx_book *book)
{
	if (!book)
		return;
	if (book->sheet_parser)
		XML_ParserFree(book->sheet_parser);
	if (book->sheet_file)
		zip_fclose(book->sheet_file);
	if (book->zip)
		zip_discard(book->zip);
	free_relationships(book);
	for (size_t i = 0; i < book->sheet_entries; i++) {
		free(book->sheets[i].name);
		free(book->sheets[i].relationship);
	}
	free(book->sheets);
	free(book->workbook_part);
	free(book->sheet_name);
	free(book->sheet_part);
	free(book->strings.data);
	free(book->string_offsets);
	free(book->xf_formats);
	free(book->custom_formats);
	free(book->chunk);
	free(book->row_text.data);
	free(book->value.data);
	free(book->cell_offsets);
	free(book->cell_lengths);
	free(book->cell_set);
	free(book->cells);
	free(book->lengths);
	free(book->name);
	free(book);
}
