/*
 * Codebook loading and lookups.  Header matching happens once per file, so it
 * folds and scans; answer lookups happen once per cell, so each scale keeps a
 * hash of its labels as written (the common case) and another of their folded
 * forms (the mangled-export case).
 */
#include "json_memory.h"
#include "codebook.h"
#include "file_text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"
#include "string_pool.h"
#include "text_fold.h"

#define FOLD_SIZE 512

struct scale {
	char *name;
	int is_range;
	int minimum, maximum;  /* range scales */
	int scale_max;         /* labelled scales: highest level */
	struct string_pool *exact, *folded; /* label text -> id; values[id] */
	int *exact_values, *folded_values;
};

struct question {
	char *id;
	char *text;
	int scale;
};

struct header_entry {
	char *folded;
	enum column_role role;
	size_t question;
};

struct background_entry {
	enum column_role role;
	char *folded;
	int value;
};

struct codebook {
	char *path;
	struct scale *scales;
	size_t scale_count;
	struct question *questions;
	size_t question_count;
	struct header_entry *headers;
	size_t header_count, header_capacity;
	struct background_entry *background;
	size_t background_count, background_capacity;
};

static const struct {
	const char *key;
	enum column_role role;
} role_keys[] = {
	{"respondent", ROLE_RESPONDENT}, {"date", ROLE_DATE}, {"insats", ROLE_INSATS},
	{"group", ROLE_GROUP}, {"gender", ROLE_GENDER}, {"age", ROLE_AGE},
	{"forbund", ROLE_FORBUND}, {"occasion", ROLE_OCCASION}, {"participant", ROLE_PARTICIPANT},
};

static char *fold_copy(const char *text)
{
	char folded[FOLD_SIZE];
	text_fold(text, strlen(text), folded, sizeof folded);
	return strdup(folded);
}

__attribute__((format(printf, 3, 4)))
static int load_error(char *error, size_t error_size, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(error, error_size, format, args);
	va_end(args);
	return -1;
}

static int add_header(struct codebook *book, const char *text, enum column_role role, size_t question)
{
	if (book->header_count == book->header_capacity) {
		size_t capacity = book->header_capacity ? book->header_capacity * 2 : 64;
		struct header_entry *headers = realloc(book->headers, capacity * sizeof *headers);
		if (!headers)
			return -1;
		book->headers = headers;
		book->header_capacity = capacity;
	}
	char *folded = fold_copy(text);
	if (!folded)
		return -1;
	book->headers[book->header_count++] = (struct header_entry){folded, role, question};
	return 0;
}

static int add_background(struct codebook *book, enum column_role role, const char *text, int value)
{
	if (book->background_count == book->background_capacity) {
		size_t capacity = book->background_capacity ? book->background_capacity * 2 : 32;
		struct background_entry *entries = realloc(book->background, capacity * sizeof *entries);
		if (!entries)
			return -1;
		book->background = entries;
		book->background_capacity = capacity;
	}
	char *folded = fold_copy(text);
	if (!folded)
		return -1;
	book->background[book->background_count++] = (struct background_entry){role, folded, value};
	return 0;
}

/* Adds one label of a scale to both lookup tables; the value table grows with the pool. */
static int scale_add_label(struct scale *scale, const char *label, int value)
{
	char folded[FOLD_SIZE];
	size_t folded_length = text_fold(label, strlen(label), folded, sizeof folded);
	struct {
		struct string_pool *pool;
		int **values;
		const char *text;
		size_t length;
	} tables[2] = {
		{scale->exact, &scale->exact_values, label, strlen(label)},
		{scale->folded, &scale->folded_values, folded, folded_length},
	};
	for (int t = 0; t < 2; t++) {
		uint32_t id = string_pool_intern(tables[t].pool, tables[t].text, tables[t].length);
		if (id == UINT32_MAX)
			return -1;
		int *values = realloc(*tables[t].values, (string_pool_count(tables[t].pool)) * sizeof *values);
		if (!values)
			return -1;
		*tables[t].values = values;
		values[id] = value;
	}
	return 0;
}

static int add_string_list(struct scale *scale, const cJSON *list, int value)
{
	const cJSON *item;
	cJSON_ArrayForEach(item, list) {
		if (!cJSON_IsString(item) || scale_add_label(scale, item->valuestring, value) < 0)
			return -1;
	}
	return 0;
}

static int load_scale(struct scale *scale, const cJSON *json, char *error, size_t error_size,
                      const char *path)
{
	scale->name = strdup(json->string);
	scale->exact = string_pool_new();
	scale->folded = string_pool_new();
	if (!scale->name || !scale->exact || !scale->folded)
		return load_error(error, error_size, "%s: out of memory", path);
	/* Blank answers are missing in every scale; id 0 (the empty string) must say so. */
	if (scale_add_label(scale, "", ANSWER_MISSING) < 0)
		return load_error(error, error_size, "%s: out of memory", path);
	const cJSON *range = cJSON_GetObjectItemCaseSensitive(json, "range");
	const cJSON *levels = cJSON_GetObjectItemCaseSensitive(json, "levels");
	if (range) {
		if (!cJSON_IsArray(range) || cJSON_GetArraySize(range) != 2 ||
		    !cJSON_IsNumber(cJSON_GetArrayItem(range, 0)) || !cJSON_IsNumber(cJSON_GetArrayItem(range, 1)))
			return load_error(error, error_size, "%s: scale \"%s\": \"range\" must be [min, max]", path, scale->name);
		scale->is_range = 1;
		scale->minimum = cJSON_GetArrayItem(range, 0)->valueint;
		scale->maximum = cJSON_GetArrayItem(range, 1)->valueint;
		scale->scale_max = scale->maximum;
		if (scale->minimum < 0 || scale->maximum > 254 || scale->minimum >= scale->maximum)
			return load_error(error, error_size, "%s: scale \"%s\": range must lie within 0..254", path, scale->name);
	} else if (cJSON_IsArray(levels) && cJSON_GetArraySize(levels) > 0) {
		const cJSON *level;
		cJSON_ArrayForEach(level, levels) {
			const cJSON *number = cJSON_GetObjectItemCaseSensitive(level, "level");
			if (!cJSON_IsNumber(number) || number->valueint < 1 || number->valueint > LEVEL_MAX)
				return load_error(error, error_size, "%s: scale \"%s\": each level needs \"level\": 1..%d",
				                  path, scale->name, LEVEL_MAX);
			int value = number->valueint;
			char code[16];
			snprintf(code, sizeof code, "%d", value);
			if (scale_add_label(scale, code, value) < 0 ||
			    add_string_list(scale, cJSON_GetObjectItemCaseSensitive(level, "labels"), value) < 0 ||
			    add_string_list(scale, cJSON_GetObjectItemCaseSensitive(level, "codes"), value) < 0)
				return load_error(error, error_size, "%s: scale \"%s\": level %d: labels and codes must be strings",
				                  path, scale->name, value);
			if (value > scale->scale_max)
				scale->scale_max = value;
		}
	} else {
		return load_error(error, error_size, "%s: scale \"%s\" needs \"levels\" or \"range\"", path, scale->name);
	}
	if (add_string_list(scale, cJSON_GetObjectItemCaseSensitive(json, "dont_know"), ANSWER_DONT_KNOW) < 0 ||
	    add_string_list(scale, cJSON_GetObjectItemCaseSensitive(json, "missing"), ANSWER_MISSING) < 0)
		return load_error(error, error_size, "%s: scale \"%s\": \"dont_know\" and \"missing\" must be lists of strings",
		                  path, scale->name);
	return 0;
}

static int find_scale(const struct codebook *book, const char *name)
{
	for (size_t i = 0; i < book->scale_count; i++)
		if (strcmp(book->scales[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int load_question(struct codebook *book, size_t index, const cJSON *json, char *error,
                         size_t error_size)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(json, "id");
	const cJSON *scale = cJSON_GetObjectItemCaseSensitive(json, "scale");
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(json, "text");
	const cJSON *number = cJSON_GetObjectItemCaseSensitive(json, "number");
	if (!cJSON_IsString(id) || !*id->valuestring)
		return load_error(error, error_size, "%s: question %zu: needs a string \"id\"", book->path, index + 1);
	if (!cJSON_IsString(scale) || find_scale(book, scale->valuestring) < 0)
		return load_error(error, error_size, "%s: question \"%s\": \"scale\" must name one of \"scales\"",
		                  book->path, id->valuestring);
	struct question *question = &book->questions[index];
	question->id = strdup(id->valuestring);
	question->text = strdup(cJSON_IsString(text) ? text->valuestring : "");
	question->scale = find_scale(book, scale->valuestring);
	if (!question->id || !question->text || add_header(book, id->valuestring, ROLE_QUESTION, index) < 0 ||
	    (cJSON_IsString(text) && add_header(book, text->valuestring, ROLE_QUESTION, index) < 0))
		return load_error(error, error_size, "%s: out of memory", book->path);
	if (cJSON_IsNumber(number)) {
		/* Survey tools name a numbered question "Fråga 6", "F6" or "q6". */
		static const char *const prefixes[] = {"Fråga ", "Fråga", "F", "q"};
		for (size_t f = 0; f < sizeof prefixes / sizeof *prefixes; f++) {
			char header[32];
			snprintf(header, sizeof header, "%s%d", prefixes[f], number->valueint);
			if (add_header(book, header, ROLE_QUESTION, index) < 0)
				return load_error(error, error_size, "%s: out of memory", book->path);
		}
	}
	const cJSON *header;
	cJSON_ArrayForEach(header, cJSON_GetObjectItemCaseSensitive(json, "headers")) {
		if (!cJSON_IsString(header) || add_header(book, header->valuestring, ROLE_QUESTION, index) < 0)
			return load_error(error, error_size, "%s: question \"%s\": \"headers\" must be strings",
			                  book->path, id->valuestring);
	}
	return 0;
}

static int load_background_values(struct codebook *book, const cJSON *values, char *error, size_t error_size)
{
	static const struct {
		const char *role_key, *value_key;
		enum column_role role;
		int value;
	} known[] = {
		{"gender", "woman", ROLE_GENDER, GENDER_WOMAN}, {"gender", "man", ROLE_GENDER, GENDER_MAN},
		{"gender", "other", ROLE_GENDER, GENDER_OTHER}, {"gender", "unstated", ROLE_GENDER, GENDER_UNSTATED},
		{"occasion", "intake", ROLE_OCCASION, OCCASION_INTAKE}, {"occasion", "exit", ROLE_OCCASION, OCCASION_EXIT},
		{"group", "pagaende", ROLE_GROUP, GROUP_PAGAENDE}, {"group", "avslut", ROLE_GROUP, GROUP_AVSLUT},
		{"group", "personal", ROLE_GROUP, GROUP_PERSONAL}, {"group", "chef", ROLE_GROUP, GROUP_CHEF},
		{"group", "styrelse", ROLE_GROUP, GROUP_STYRELSE}, {"group", "remittent", ROLE_GROUP, GROUP_REMITTENT},
	};
	for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
		/* The group codes themselves always match, so --group avslut and an "avslut" cell agree. */
		if (known[i].role == ROLE_GROUP && add_background(book, ROLE_GROUP, known[i].value_key, known[i].value) < 0)
			return load_error(error, error_size, "%s: out of memory", book->path);
		const cJSON *list = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(values, known[i].role_key), known[i].value_key);
		const cJSON *label;
		cJSON_ArrayForEach(label, list) {
			if (!cJSON_IsString(label) || add_background(book, known[i].role, label->valuestring, known[i].value) < 0)
				return load_error(error, error_size, "%s: values.%s.%s must be a list of strings",
				                  book->path, known[i].role_key, known[i].value_key);
		}
	}
	return 0;
}

static int load_json(struct codebook *book, const cJSON *root, char *error, size_t error_size)
{
	if (!cJSON_IsObject(root))
		return load_error(error, error_size, "%s: a codebook is a JSON object", book->path);
	const cJSON *columns = cJSON_GetObjectItemCaseSensitive(root, "columns");
	for (size_t r = 0; r < sizeof role_keys / sizeof *role_keys; r++) {
		const cJSON *header;
		cJSON_ArrayForEach(header, cJSON_GetObjectItemCaseSensitive(columns, role_keys[r].key)) {
			if (!cJSON_IsString(header) || add_header(book, header->valuestring, role_keys[r].role, 0) < 0)
				return load_error(error, error_size, "%s: columns.%s must be a list of strings",
				                  book->path, role_keys[r].key);
		}
	}
	if (load_background_values(book, cJSON_GetObjectItemCaseSensitive(root, "values"), error, error_size) < 0)
		return -1;
	const cJSON *scales = cJSON_GetObjectItemCaseSensitive(root, "scales");
	int scale_count = cJSON_GetArraySize(scales);
	if (!cJSON_IsObject(scales) || scale_count == 0)
		return load_error(error, error_size, "%s: \"scales\" must be an object of named scales", book->path);
	book->scales = calloc((size_t)scale_count, sizeof *book->scales);
	if (!book->scales)
		return load_error(error, error_size, "%s: out of memory", book->path);
	const cJSON *scale;
	cJSON_ArrayForEach(scale, scales) {
		if (load_scale(&book->scales[book->scale_count++], scale, error, error_size, book->path) < 0)
			return -1;
	}
	const cJSON *questions = cJSON_GetObjectItemCaseSensitive(root, "questions");
	int question_count = cJSON_GetArraySize(questions);
	if (!cJSON_IsArray(questions) || question_count == 0)
		return load_error(error, error_size, "%s: \"questions\" must be a non-empty list", book->path);
	book->questions = calloc((size_t)question_count, sizeof *book->questions);
	if (!book->questions)
		return load_error(error, error_size, "%s: out of memory", book->path);
	const cJSON *question;
	cJSON_ArrayForEach(question, questions) {
		if (load_question(book, book->question_count, question, error, error_size) < 0)
			return -1;
		book->question_count++;
		for (size_t earlier = 0; earlier + 1 < book->question_count; earlier++)
			if (strcmp(book->questions[earlier].id, book->questions[book->question_count - 1].id) == 0)
				return load_error(error, error_size, "%s: question id \"%s\" appears twice",
				                  book->path, book->questions[earlier].id);
	}
	return 0;
}

static char *read_file(const char *path, size_t *length, char *error, size_t error_size)
{
	FILE *file = fopen(path, "rb");
	if (!file) {
		load_error(error, error_size, "%s: cannot open codebook: %s", path, strerror(errno));
		return NULL;
	}
	char *text = file_text_read(file, 64u << 20, length);
	fclose(file);
	if (!text)
		load_error(error, error_size, "%s: cannot read codebook: %s", path, strerror(errno));
	return text;
}

static unsigned line_of(const char *text, const char *position)
{
	unsigned line = 1;
	for (const char *p = text; p < position && *p; p++)
		line += *p == '\n';
	return line;
}

struct codebook *codebook_load(const char *path, char *error, size_t error_size)
{
	size_t length;
	char *text = read_file(path, &length, error, error_size);
	if (!text)
		return NULL;
	const char *end = NULL;
	json_memory_watch();
	cJSON *root = cJSON_ParseWithLengthOpts(text, length, &end, 0);
	if (!root && json_memory_failed()) {
		load_error(error, error_size, "%s: out of memory", path);
		free(text);
		errno = ENOMEM;
		return NULL;
	}
	if (!root) {
		load_error(error, error_size, "%s:%u: invalid JSON in codebook", path,
		           line_of(text, end ? end : cJSON_GetErrorPtr()));
		free(text);
		return NULL;
	}
	const char *duplicate = json_duplicate_key(root);
	if (duplicate) {
		load_error(error, error_size, "%s: key \"%s\" given twice in one object: say it once", path, duplicate);
		cJSON_Delete(root);
		free(text);
		errno = EINVAL;
		return NULL;
	}
	/* The loaders' many copies report failure as "must be strings": malloc's ENOMEM tells them apart. */
	errno = 0;
	struct codebook *book = calloc(1, sizeof *book);
	if (!book || !(book->path = strdup(path)) || load_json(book, root, error, error_size) < 0) {
		if (!book || !book->path || errno == ENOMEM) {
			load_error(error, error_size, "%s: out of memory", path);
			errno = ENOMEM;
		}
		codebook_free(book);
		book = NULL;
	}
	cJSON_Delete(root);
	free(text);
	return book;
}

struct codebook *codebook_load_default(const char *name, char *error, size_t error_size)
{
	char file[64], path[PATH_MAX + 128], exe[PATH_MAX];
	snprintf(file, sizeof file, "%s-codebook.json", name);
	const char *candidates[4] = {getenv("IFS_DATADIR"), IFS_DATADIR, NULL, NULL};
	/* Run from the build tree (build/bin/TOOL) the data sits two levels up. */
	char source_data[PATH_MAX + 32], installed_data[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		snprintf(source_data, sizeof source_data, "%s/../../data", exe);
		snprintf(installed_data, sizeof installed_data, "%s/../share/ifs", exe);
		candidates[2] = source_data;
		candidates[3] = installed_data;
	}
	for (size_t i = 0; i < 4; i++) {
		if (!candidates[i] || !*candidates[i])
			continue;
		snprintf(path, sizeof path, "%s/%s", candidates[i], file);
		if (access(path, R_OK) == 0)
			return codebook_load(path, error, error_size);
	}
	load_error(error, error_size, "default codebook %s not found (set IFS_DATADIR or use -c)", file);
	return NULL;
}

void codebook_free(struct codebook *book)
{
	if (!book)
		return;
	for (size_t i = 0; i < book->scale_count; i++) {
		free(book->scales[i].name);
		string_pool_free(book->scales[i].exact);
		string_pool_free(book->scales[i].folded);
		free(book->scales[i].exact_values);
		free(book->scales[i].folded_values);
	}
	for (size_t i = 0; i < book->question_count; i++) {
		free(book->questions[i].id);
		free(book->questions[i].text);
	}
	for (size_t i = 0; i < book->header_count; i++)
		free(book->headers[i].folded);
	for (size_t i = 0; i < book->background_count; i++)
		free(book->background[i].folded);
	free(book->scales);
	free(book->questions);
	free(book->headers);
	free(book->background);
	free(book->path);
	free(book);
}

const char *codebook_path(const struct codebook *book) { return book->path; }

enum column_role codebook_column_role(const struct codebook *book, const char *header, size_t *question)
{
	char folded[FOLD_SIZE];
	text_fold(header, strlen(header), folded, sizeof folded);
	for (size_t i = 0; i < book->header_count; i++) {
		if (strcmp(book->headers[i].folded, folded) == 0) {
			if (question)
				*question = book->headers[i].question;
			return book->headers[i].role;
		}
	}
	return ROLE_NONE;
}

size_t codebook_question_count(const struct codebook *book) { return book->question_count; }

const char *codebook_question_id(const struct codebook *book, size_t question)
{
	return question < book->question_count ? book->questions[question].id : NULL;
}

const char *codebook_question_text(const struct codebook *book, size_t question)
{
	return question < book->question_count ? book->questions[question].text : NULL;
}

int codebook_question_scale_max(const struct codebook *book, size_t question)
{
	return question < book->question_count ? book->scales[book->questions[question].scale].scale_max : 0;
}

int codebook_question_index(const struct codebook *book, const char *id)
{
	for (size_t i = 0; i < book->question_count; i++)
		if (strcmp(book->questions[i].id, id) == 0)
			return (int)i;
	return -1;
}

static int parse_range_value(const struct scale *scale, const char *text, size_t length)
{
	while (length && (*text == ' ' || *text == '\t'))
		text++, length--;
	while (length && (text[length - 1] == ' ' || text[length - 1] == '\t'))
		length--;
	if (length == 0 || length > 8)
		return ANSWER_UNKNOWN;
	/* Whole numbers; a decimal comma (Swedish Excel) or point is rounded half up: "30,5" is 31. */
	int value = 0, digits = 0, half_up = 0;
	size_t i = 0;
	for (; i < length && text[i] >= '0' && text[i] <= '9'; i++, digits++)
		value = value * 10 + (text[i] - '0');
	if (digits == 0 || digits > 4)
		return ANSWER_UNKNOWN;
	if (i < length && (text[i] == ',' || text[i] == '.')) {
		i++;
		if (i == length || text[i] < '0' || text[i] > '9')
			return ANSWER_UNKNOWN;
		half_up = text[i] >= '5';
		while (i < length && text[i] >= '0' && text[i] <= '9')
			i++;
	}
	if (i != length)
		return ANSWER_UNKNOWN;
	value += half_up;
	return value >= scale->minimum && value <= scale->maximum ? value : ANSWER_UNKNOWN;
}

int codebook_answer(const struct codebook *book, size_t question, const char *text, size_t length)
{
	if (question >= book->question_count)
		return ANSWER_UNKNOWN;
	const struct scale *scale = &book->scales[book->questions[question].scale];
	uint32_t id = string_pool_find(scale->exact, text, length);
	if (id != UINT32_MAX)
		return scale->exact_values[id];
	char folded[FOLD_SIZE];
	size_t folded_length = text_fold(text, length, folded, sizeof folded);
	id = string_pool_find(scale->folded, folded, folded_length);
	if (id != UINT32_MAX)
		return scale->folded_values[id];
	if (scale->is_range)
		return parse_range_value(scale, text, length);
	return ANSWER_UNKNOWN;
}

int codebook_background_value(const struct codebook *book, enum column_role role, const char *text,
                              size_t length)
{
	char folded[FOLD_SIZE];
	text_fold(text, length, folded, sizeof folded);
	if (folded[0] == '\0')
		return role == ROLE_GROUP ? GROUP_UNKNOWN : role == ROLE_GENDER ? GENDER_UNSTATED : -1;
	for (size_t i = 0; i < book->background_count; i++)
		if (book->background[i].role == role && strcmp(book->background[i].folded, folded) == 0)
			return book->background[i].value;
	return -1;
}

/*
 * Age in years from "34" or "34 år"; 0 (unknown) for anything else — an age group
 * ("30-44"), a blank, a typo.  No goal uses age, so it never costs a row.
 */
int codebook_age(const char *text, size_t length)
{
	unsigned value = 0;
	size_t digits = 0;
	while (length && (*text == ' ')) text++, length--;
	while (length && text[length - 1] == ' ') length--;
	for (; digits < length && text[digits] >= '0' && text[digits] <= '9' && digits < 3; digits++)
		value = value * 10 + (unsigned)(text[digits] - '0');
	const char *rest = text + digits;
	size_t rest_length = length - digits;
	while (rest_length && *rest == ' ')
		rest++, rest_length--;
	int unit_only = rest_length == 0 || (rest_length == 3 && memcmp(rest, "år", 3) == 0);
	if (digits == 0 || !unit_only || value == 0 || value > 130)
		return 0;
	return (int)value;
}

/* The distinctive words of a folded text: runs of letters and digits of four or more. */
static size_t distinctive_words(const char *folded, const char *words[], size_t lengths[], size_t max)
{
	size_t count = 0;
	for (const char *p = folded; *p && count < max;) {
		while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || (unsigned char)*p >= 0x80))
			p++;
		const char *start = p;
		while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || (unsigned char)*p >= 0x80)
			p++;
		if (p - start >= 4) {
			words[count] = start;
			lengths[count++] = (size_t)(p - start);
		}
	}
	return count;
}

static int has_word(const char *const words[], const size_t lengths[], size_t count, const char *word, size_t length)
{
	for (size_t i = 0; i < count; i++)
		if (lengths[i] == length && memcmp(words[i], word, length) == 0)
			return 1;
	return 0;
}

int codebook_nearest_question(const struct codebook *book, const char *header, double *score, size_t *shared)
{
	char folded_header[FOLD_SIZE], folded_text[FOLD_SIZE];
	const char *header_words[64], *text_words[64];
	size_t header_lengths[64], text_lengths[64];
	text_fold(header, strlen(header), folded_header, sizeof folded_header);
	size_t header_count = distinctive_words(folded_header, header_words, header_lengths, 64);
	int best = -1;
	*score = 0;
	*shared = 0;
	for (size_t q = 0; q < book->question_count && header_count; q++) {
		const char *text = book->questions[q].text;
		text_fold(text, strlen(text), folded_text, sizeof folded_text);
		size_t text_count = distinctive_words(folded_text, text_words, text_lengths, 64);
		size_t common = 0;
		for (size_t i = 0; i < header_count; i++)
			common += has_word(text_words, text_lengths, text_count, header_words[i], header_lengths[i]) &&
			          !has_word(header_words, header_lengths, i, header_words[i], header_lengths[i]);
		size_t union_count = header_count + text_count - common;
		double similarity = union_count ? (double)common / (double)union_count : 0;
		if (similarity > *score) {
			*score = similarity;
			*shared = common;
			best = (int)q;
		}
	}
	return best;
}

size_t codebook_question_labels(const struct codebook *book, size_t question, char *out, size_t out_size)
{
	size_t used = 0;
	if (!out_size)
		return 0;
	out[0] = '\0';
	if (question >= book->question_count)
		return 0;
	const struct scale *scale = &book->scales[book->questions[question].scale];
	if (scale->is_range)
		return (size_t)snprintf(out, out_size, "a whole number %d-%d", scale->minimum, scale->maximum);
	uint32_t count = string_pool_count(scale->exact);
	for (uint32_t id = 0; id < count; id++) {
		const char *label = string_pool_get(scale->exact, id);
		/* Labels, not the numeric codes or the blank that mean the same levels. */
		if (!label[0] || strspn(label, "0123456789") == strlen(label) || scale->exact_values[id] == ANSWER_MISSING)
			continue;
		int wrote = snprintf(out + used, out_size - used, "%s%s", used ? ", " : "", label);
		if (wrote < 0 || (size_t)wrote >= out_size - used) {
			out[used] = '\0';
			break;
		}
		used += (size_t)wrote;
	}
	return used;
}

const char *codebook_level_label(const struct codebook *book, size_t question, int level)
{
	if (question >= book->question_count)
		return NULL;
	const struct scale *scale = &book->scales[book->questions[question].scale];
	if (scale->is_range)
		return NULL;
	uint32_t count = string_pool_count(scale->exact);
	for (uint32_t id = 0; id < count; id++) {
		const char *label = string_pool_get(scale->exact, id);
		if (scale->exact_values[id] == level && label[0] && strspn(label, "0123456789") != strlen(label))
			return label;
	}
	return NULL;
}
