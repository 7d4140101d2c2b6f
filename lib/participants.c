/*
 * participants.c — the participant register's rows as course records.
 *
 * Headers and labels are compared folded (text_fold.h), so "Avslutsdatum",
 * "AVSLUTSDATUM " and "avslutsdatum:" agree; the tables below hold folded text.
 */
#include "participants.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dates.h"
#include "file_text.h"
#include "diag.h"
#include "personal_data.h"
#include "personnummer.h"
#include "text_fold.h"

enum field {
	FIELD_PARTICIPANT, FIELD_INSATS, FIELD_FORBUND, FIELD_GENDER, FIELD_AGE, FIELD_START, FIELD_END,
	FIELD_REFERRER, FIELD_END_REASON, FIELD_WORK_CAPACITY, FIELD_SUPPORT_INTAKE, FIELD_SUPPORT_EXIT,
	FIELD_COUNT
};

static const struct {
	const char *name;           /* for -v and messages */
	const char *headers[8];     /* folded */
} fields[FIELD_COUNT] = {
	[FIELD_PARTICIPANT] = {"participant", {"personnummer", "deltagar id", "deltagarid", "deltagare", "lopnummer",
	                                       "deltagarnummer", "id"}},
	[FIELD_INSATS] = {"insats", {"insats", "verksamhet"}},
	[FIELD_FORBUND] = {"forbund", {"forbund", "samordningsforbund"}},
	[FIELD_GENDER] = {"gender", {"kon"}},
	[FIELD_AGE] = {"age", {"alder"}},
	[FIELD_START] = {"start date", {"inskrivningsdatum", "startdatum", "inskriven", "inskrivning", "start"}},
	[FIELD_END] = {"end date", {"avslutsdatum", "slutdatum", "avslutad", "avslut", "utskrivningsdatum"}},
	[FIELD_REFERRER] = {"referrer", {"remittent", "remitterande myndighet", "remitterad fran", "remitterad av"}},
	[FIELD_END_REASON] = {"end reason", {"avslutsorsak", "orsak till avslut", "sysselsattning vid avslut",
	                                     "avslutsanledning", "anledning till avslut"}},
	[FIELD_WORK_CAPACITY] = {"work capacity", {"arbetsformaga", "bedomd arbetsformaga"}},
	[FIELD_SUPPORT_INTAKE] = {"support at intake", {"forsorjning vid inskrivning", "forsorjning vid start",
	                                                "forsorjning inskrivning"}},
	[FIELD_SUPPORT_EXIT] = {"support at exit", {"forsorjning vid avslut", "forsorjning avslut"}},
};

struct label {
	const char *folded;
	int code;
};

static const struct label reason_labels[] = {
	{"arbete", END_ARBETE}, {"arbete utan subvention", END_ARBETE}, {"osubventionerat arbete", END_ARBETE},
	{"arbete osubventionerat", END_ARBETE}, {"osubventionerat", END_ARBETE}, {"anstallning", END_ARBETE},
	{"arbete med subvention", END_ARBETE_SUBVENTIONERAT}, {"subventionerat arbete", END_ARBETE_SUBVENTIONERAT},
	{"arbete subventionerat", END_ARBETE_SUBVENTIONERAT}, {"lonebidrag", END_ARBETE_SUBVENTIONERAT},
	{"anstallningsstod", END_ARBETE_SUBVENTIONERAT}, {"nystartsjobb", END_ARBETE_SUBVENTIONERAT},
	{"lonestod", END_ARBETE_SUBVENTIONERAT}, {"subventionerad anstallning", END_ARBETE_SUBVENTIONERAT},
	{"studier", END_STUDIER}, {"studerar", END_STUDIER}, {"utbildning", END_STUDIER},
	{"fortsatt rehabilitering", END_FORTSATT_REHABILITERING},
	{"fortsatt arbetslivsinriktad rehabilitering", END_FORTSATT_REHABILITERING},
	{"annan insats", END_FORTSATT_REHABILITERING}, {"ame", END_FORTSATT_REHABILITERING},
	{"samhall", END_FORTSATT_REHABILITERING},
	{"sjukdom", END_SJUKDOM}, {"sjuk", END_SJUKDOM}, {"ohalsa", END_SJUKDOM},
	{"egen begaran", END_EGEN_BEGARAN}, {"avbrott", END_EGEN_BEGARAN},
	{"ater remittent", END_ATER_REMITTENT}, {"ater till remittent", END_ATER_REMITTENT},
	{"tillbaka till remittent", END_ATER_REMITTENT},
	{"annat", END_ANNAT}, {"ovrigt", END_ANNAT}, {"flytt", END_ANNAT}, {"foraldraledig", END_ANNAT},
	{"foraldraledighet", END_ANNAT},
	/* the codes themselves, folded */
	{"arbete subventionerat", END_ARBETE_SUBVENTIONERAT}, {"egen begaran", END_EGEN_BEGARAN},
};

static const struct label support_labels[] = {
	{"forsorjningsstod", SUPPORT_FORSORJNINGSSTOD}, {"ekonomiskt bistand", SUPPORT_FORSORJNINGSSTOD},
	{"sjukpenning", SUPPORT_SJUKPENNING}, {"sjukersattning", SUPPORT_SJUKERSATTNING},
	{"aktivitetsersattning", SUPPORT_AKTIVITETSERSATTNING}, {"a kassa", SUPPORT_A_KASSA},
	{"akassa", SUPPORT_A_KASSA}, {"arbetsloshetsersattning", SUPPORT_A_KASSA},
	{"aktivitetsstod", SUPPORT_AKTIVITETSSTOD}, {"etableringsersattning", SUPPORT_ETABLERINGSERSATTNING},
	{"annan offentlig", SUPPORT_ANNAN_OFFENTLIG}, {"annan offentlig forsorjning", SUPPORT_ANNAN_OFFENTLIG},
	{"lon", SUPPORT_LON}, {"studiemedel", SUPPORT_STUDIEMEDEL}, {"csn", SUPPORT_STUDIEMEDEL},
	{"ingen ersattning", SUPPORT_INGEN}, {"ingen", SUPPORT_INGEN}, {"ingen forsorjning", SUPPORT_INGEN},
	{"annan", SUPPORT_ANNAN}, {"annan ersattning", SUPPORT_ANNAN},
};

static const struct label referrer_labels[] = {
	{"af", REFERRER_AF}, {"arbetsformedlingen", REFERRER_AF}, {"fk", REFERRER_FK},
	{"forsakringskassan", REFERRER_FK}, {"region", REFERRER_REGION}, {"regionen", REFERRER_REGION},
	{"halso och sjukvarden", REFERRER_REGION}, {"vardcentral", REFERRER_REGION}, {"psykiatrin", REFERRER_REGION},
	{"kommun", REFERRER_KOMMUN}, {"kommunen", REFERRER_KOMMUN}, {"socialtjansten", REFERRER_KOMMUN},
	{"annat", REFERRER_ANNAT}, {"ovrigt", REFERRER_ANNAT}, {"egen anmalan", REFERRER_ANNAT},
};

static const struct label capacity_labels[] = {
	{"ja", WORK_CAPACITY_YES}, {"nej", WORK_CAPACITY_NO}, {"ej bedomd", WORK_CAPACITY_NOT_JUDGED},
	{"ej bedomt", WORK_CAPACITY_NOT_JUDGED}, {"inte bedomd", WORK_CAPACITY_NOT_JUDGED},
	{"ej bedomd arbetsformaga", WORK_CAPACITY_NOT_JUDGED},
};

/* ---- the register codebook: the tables above, overridden section by section -------- */

struct entry {
	char *folded;
	int code;
};

struct entries {
	struct entry *items;
	size_t count, capacity;
};

enum section { SECTION_HEADERS, SECTION_END_REASONS, SECTION_SUPPORT, SECTION_REFERRER, SECTION_WORK_CAPACITY,
               SECTION_COUNT };

struct register_codebook {
	struct entries section[SECTION_COUNT];
};

static const char *const section_names[SECTION_COUNT] = {"headers", "end_reasons", "support", "referrer",
                                                         "work_capacity"};

/* The code a section's key names: a field ("participant"), an end reason ("arbete"), ... */
static int section_code(enum section section, const char *key)
{
	static const char *const field_keys[FIELD_COUNT] = {
		"participant", "insats", "forbund", "gender", "age", "start", "end", "referrer", "end_reason",
		"work_capacity", "support_intake", "support_exit"};
	static const char *const capacity_keys[] = {"", "ja", "nej", "ej_bedomd"};
	switch (section) {
	case SECTION_HEADERS:
		for (int f = 0; f < FIELD_COUNT; f++)
			if (strcmp(key, field_keys[f]) == 0)
				return f;
		break;
	case SECTION_END_REASONS:
		for (int r = 0; r < END_REASON_COUNT; r++)
			if (strcmp(key, end_reason_code((enum end_reason)r)) == 0)
				return r;
		break;
	case SECTION_SUPPORT:
		for (int r = 0; r < SUPPORT_COUNT; r++)
			if (strcmp(key, support_code((enum support)r)) == 0)
				return r;
		break;
	case SECTION_REFERRER:
		for (int r = 1; r < REFERRER_COUNT; r++)
			if (strcmp(key, referrer_code((enum referrer)r)) == 0)
				return r;
		break;
	case SECTION_WORK_CAPACITY:
		for (int r = 1; r < 4; r++)
			if (strcmp(key, capacity_keys[r]) == 0)
				return r;
		break;
	case SECTION_COUNT: break;
	}
	return -1;
}

static int add_entry(struct entries *e, const char *text, int code, int fold)
{
	if (e->count == e->capacity) {
		size_t capacity = e->capacity ? e->capacity * 2 : 32;
		struct entry *items = realloc(e->items, capacity * sizeof *items);
		if (!items)
			return -1;
		e->items = items;
		e->capacity = capacity;
	}
	char folded[256];
	if (fold)
		text_fold(text, strlen(text), folded, sizeof folded);
	char *copy = strdup(fold ? folded : text);
	if (!copy)
		return -1;
	e->items[e->count++] = (struct entry){copy, code};
	return 0;
}

void register_codebook_free(struct register_codebook *book)
{
	if (!book)
		return;
	for (int s = 0; s < SECTION_COUNT; s++) {
		for (size_t i = 0; i < book->section[s].count; i++)
			free(book->section[s].items[i].folded);
		free(book->section[s].items);
	}
	free(book);
}

static int find_label(const struct entries *table, const char *folded)
{
	for (size_t i = 0; i < table->count; i++)
		if (strcmp(table->items[i].folded, folded) == 0)
			return table->items[i].code;
	return -1;
}

struct register_codebook *register_codebook_load(const char *path, char *error, size_t error_size)
{
	struct register_codebook *book = calloc(1, sizeof *book);
	if (!book) {
		snprintf(error, error_size, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	int failed = 0;
	for (int f = 0; f < FIELD_COUNT; f++)
		for (int h = 0; h < 8 && fields[f].headers[h]; h++)
			failed |= add_entry(&book->section[SECTION_HEADERS], fields[f].headers[h], f, 0) < 0;
	const struct {
		enum section section;
		const struct label *labels;
		size_t count;
	} defaults[] = {
		{SECTION_END_REASONS, reason_labels, sizeof reason_labels / sizeof *reason_labels},
		{SECTION_SUPPORT, support_labels, sizeof support_labels / sizeof *support_labels},
		{SECTION_REFERRER, referrer_labels, sizeof referrer_labels / sizeof *referrer_labels},
		{SECTION_WORK_CAPACITY, capacity_labels, sizeof capacity_labels / sizeof *capacity_labels},
	};
	for (size_t d = 0; d < sizeof defaults / sizeof *defaults; d++)
		for (size_t i = 0; i < defaults[d].count; i++)
			failed |= add_entry(&book->section[defaults[d].section], defaults[d].labels[i].folded,
			                    defaults[d].labels[i].code, 0) < 0;
	if (failed) {
		register_codebook_free(book);
		snprintf(error, error_size, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	if (!path)
		return book;
	errno = 0;
	/* A file of the user's: each code it names gets its labels instead of the defaults. */
	FILE *in = fopen(path, "rb");
	if (!in) {
		snprintf(error, error_size, "%s: cannot open: %s", path, strerror(errno));
		register_codebook_free(book);
		return NULL;
	}
	size_t length = 0;
	char *text = file_text_read(in, 4u << 20, &length);
	fclose(in);
	cJSON *root = text ? cJSON_ParseWithLength(text, length) : NULL;
	free(text);
	const char *problem = !root ? "not valid JSON" : !cJSON_IsObject(root) ? "not a JSON object" : NULL;
	const cJSON *section_item;
	cJSON_ArrayForEach(section_item, root)
	{
		if (problem)
			break;
		int s = 0;
		while (s < SECTION_COUNT && strcmp(section_item->string, section_names[s]) != 0)
			s++;
		if (s == SECTION_COUNT || !cJSON_IsObject(section_item)) {
			snprintf(error, error_size, "%s: unknown section \"%s\" (expected headers, end_reasons, support, "
			         "referrer, work_capacity, each an object)", path, section_item->string);
			problem = error;
			break;
		}
		const cJSON *code_item;
		cJSON_ArrayForEach(code_item, section_item)
		{
			int code = section_code((enum section)s, code_item->string);
			if (code < 0 || !cJSON_IsArray(code_item)) {
				snprintf(error, error_size, "%s: %s: unknown key \"%s\", or not an array of labels", path,
				         section_names[s], code_item->string);
				problem = error;
				break;
			}
			struct entries *e = &book->section[s];
			size_t kept = 0;
			for (size_t i = 0; i < e->count; i++) {
				if (e->items[i].code == code)
					free(e->items[i].folded);
				else
					e->items[kept++] = e->items[i];
			}
			e->count = kept;
			const cJSON *label;
			cJSON_ArrayForEach(label, code_item)
			{
				if (!cJSON_IsString(label)) {
					snprintf(error, error_size, "%s: %s: %s: every label must be a string", path, section_names[s],
					         code_item->string);
					problem = error;
					break;
				}
				if (add_entry(e, label->valuestring, code, 1) < 0) {
					snprintf(error, error_size, "out of memory");
					problem = error;
					errno = ENOMEM;
					break;
				}
			}
			if (problem)
				break;
		}
	}
	cJSON_Delete(root);
	if (problem) {
		if (problem != error)
			snprintf(error, error_size, "%s: %s", path, problem);
		if (errno != ENOMEM)
			errno = EINVAL;
		register_codebook_free(book);
		return NULL;
	}
	return book;
}


/* A cell of one or more labels ("Arbete, studier", "Lön och a-kassa") as a bit set. */
static int label_set(const struct entries *table, const char *text, size_t length)
{
	int bits = 0;
	size_t start = 0;
	for (size_t i = 0; i <= length; i++) {
		int at_separator = i == length || strchr(",;+&/\n", text[i]) != NULL;
		size_t part_end = i;
		/* " och " separates too */
		if (!at_separator && i + 5 <= length && strncmp(text + i, " och ", 5) == 0)
			at_separator = 1;
		if (!at_separator)
			continue;
		if (!text_blank(text + start, part_end - start)) {
			char folded[128];
			text_fold(text + start, part_end - start, folded, sizeof folded);
			int code = find_label(table, folded);
			if (code < 0)
				return -1;
			bits |= 1 << code;
		}
		start = i < length && text[i] == ' ' ? i + 5 : i + 1;
	}
	return bits;
}

struct participants_converter {
	const struct codebook *codebook;
	const struct register_codebook *labels;
	struct record_writer *writer;
	struct participants_options options;
	size_t column[FIELD_COUNT]; /* SIZE_MAX when absent */
	int quiet;
	uint32_t insats_option, forbund_option;
	char cell_problems[8][300];
	size_t cell_problem_count;
	uint64_t cells_rejected, day_first_dates;
};

struct participants_converter *participants_converter_new(const struct codebook *codebook,
                                                          struct record_writer *writer,
                                                          const struct participants_options *options)
{
	struct participants_converter *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->codebook = codebook;
	c->labels = options->labels;
	c->writer = writer;
	c->options = *options;
	c->insats_option = options->insats ? record_writer_string(writer, options->insats) : 0;
	c->forbund_option = options->forbund ? record_writer_string(writer, options->forbund) : 0;
	if (c->insats_option == UINT32_MAX || c->forbund_option == UINT32_MAX) {
		free(c);
		return NULL;
	}
	return c;
}

void participants_converter_free(struct participants_converter *converter) { free(converter); }

uint64_t participants_converter_cells_rejected(const struct participants_converter *converter)
{
	return converter->cells_rejected;
}

static int bind(void *self, const struct row_source *source, char *error, size_t error_size)
{
	struct participants_converter *c = self;
	const char *name = row_source_name(source);
	for (int f = 0; f < FIELD_COUNT; f++)
		c->column[f] = SIZE_MAX;
	for (size_t column = 0; column < row_source_columns(source); column++) {
		const char *header = row_source_header(source, column);
		char folded[256];
		text_fold(header, strlen(header), folded, sizeof folded);
		int field = find_label(&c->labels->section[SECTION_HEADERS], folded);
		if (field >= 0 && c->column[field] == SIZE_MAX)
			c->column[field] = column;
		if (c->options.verbose && !c->quiet)
			diag_error("%s: column %zu \"%s\": %s", name, column + 1, QUOTE_CELL(header, strlen(header), 60),
			           field >= 0 && c->column[field] == column ? fields[field].name : "not used");
	}
	const char *missing = c->column[FIELD_PARTICIPANT] == SIZE_MAX ? "no participant column (Personnummer, Deltagar-ID)"
	                    : c->column[FIELD_START] == SIZE_MAX       ? "no start-date column (Inskrivningsdatum, Startdatum)"
	                    : c->column[FIELD_INSATS] == SIZE_MAX && !c->options.insats
	                        ? "no insats column (Insats, Verksamhet); name the intervention with --insats"
	                        : NULL;
	if (missing) {
		snprintf(error, error_size, "%s:%lu: %s", name, row_source_header_line(source), missing);
		return -1;
	}
	return 0;
}

static void quiet(void *self, int value) { ((struct participants_converter *)self)->quiet = value; }

/* "column 9 (end reason): unknown end reason "Pension"; expected ..." */
static void cell_problem(struct participants_converter *c, size_t column, const char *what, const char *text,
                         size_t length, const char *expected)
{
	c->cells_rejected++;
	if (c->cell_problem_count < sizeof c->cell_problems / sizeof *c->cell_problems)
		snprintf(c->cell_problems[c->cell_problem_count++], sizeof *c->cell_problems,
		         "column %zu (%s): unknown %s \"%s\"; expected %s", column + 1, what, what,
		         QUOTE_CELL(text, length, 60), expected);
}

/* A name of an insats or förbund as a string id; 1 when it holds a personnummer or the participant's id. */
static int name_of(struct participants_converter *c, enum field field, const struct row *row, uint32_t fallback,
                   uint32_t *id)
{
	*id = fallback;
	size_t column = c->column[field];
	if (column == SIZE_MAX || text_blank(row->fields[column], row->lengths[column]))
		return 0;
	size_t participant = c->column[FIELD_PARTICIPANT];
	if (personal_data_names_person(row->fields[column], row->lengths[column], row->fields[participant],
	                               row->lengths[participant]))
		return 1;
	char trimmed[256];
	size_t length = row->lengths[column];
	const char *text = text_trim(row->fields[column], &length);
	snprintf(trimmed, sizeof trimmed, "%.*s", (int)length, text);
	*id = record_writer_string(c->writer, trimmed);
	return *id == UINT32_MAX ? -1 : 0;
}

static int convert(void *self, const struct row *row, char *reason, size_t reason_size)
{
	struct participants_converter *c = self;
	c->cell_problem_count = 0;
	if (row->problem) {
		snprintf(reason, reason_size, "%s", row->problem);
		return 1;
	}
	struct course_record course;
	memset(&course, 0, sizeof course);
	const char *const *f = row->fields;
	const size_t *n = row->lengths;
	size_t at = c->column[FIELD_START];
	int parsed = date_parse(f[at], n[at], &course.start_date);
	if (parsed < 0) {
		char expected[320];
		date_expectation(f[at], n[at], expected, sizeof expected);
		if (text_blank(f[at], n[at]))
			snprintf(reason, reason_size, "no start date");
		else
			snprintf(reason, reason_size, "bad start date \"%s\" (%s)", QUOTE_CELL(f[at], n[at], 40),
			         parsed == DATE_NO_SUCH_DAY ? "no such day in the calendar" : expected);
		return 1;
	}
	c->day_first_dates += parsed == DATE_DAY_FIRST;
	at = c->column[FIELD_END];
	if (at != SIZE_MAX && !text_blank(f[at], n[at])) {
		/* An end date that cannot be read would make the course look ongoing: refused. */
		parsed = date_parse(f[at], n[at], &course.end_date);
		if (parsed < 0) {
			char expected[320];
			date_expectation(f[at], n[at], expected, sizeof expected);
			snprintf(reason, reason_size, "bad end date \"%s\" (%s)", QUOTE_CELL(f[at], n[at], 40),
			         parsed == DATE_NO_SUCH_DAY ? "no such day in the calendar" : expected);
			return 1;
		}
		c->day_first_dates += parsed == DATE_DAY_FIRST;
		if (course.end_date < course.start_date) {
			char start[11], end[11];
			date_format(course.start_date, start);
			date_format(course.end_date, end);
			snprintf(reason, reason_size, "the course ends (%s) before it starts (%s)", end, start);
			return 1;
		}
	}
	at = c->column[FIELD_PARTICIPANT];
	if (text_says_nothing(f[at], n[at])) {
		/* "-" or "N/A" names nobody: as an id it would make one person of all who have it */
		snprintf(reason, reason_size, text_blank(f[at], n[at]) ? "no participant id"
		                                                     : "no participant id (\"%s\" stands for none)",
		         QUOTE_CELL(f[at], n[at], 20));
		return 1;
	}
	enum personnummer_result shape =
	    pseudonym_of_participant(c->options.key, f[at], n[at], course.start_date, &course.participant);
	switch (shape) {
	case PERSONNUMMER_VALID:
	case PERSONNUMMER_NOT: break;
	case PERSONNUMMER_UNCOMPUTED: errno = ENOMEM; return -1;
	default: snprintf(reason, reason_size, "%s", personnummer_problem(shape)); return 1;
	}
	int named = name_of(c, FIELD_INSATS, row, c->insats_option, &course.insats);
	if (named == 0 && course.insats == 0) {
		snprintf(reason, reason_size, "no insats (the insats column is empty; --insats supplies one)");
		return 1;
	}
	if (named == 0)
		named = name_of(c, FIELD_FORBUND, row, c->forbund_option, &course.forbund);
	if (named < 0) {
		errno = ENOMEM;
		return -1;
	}
	if (named > 0) {
		snprintf(reason, reason_size, "an insats or förbund cell holds a personnummer or the participant's id, not a name");
		return 1;
	}
	at = c->column[FIELD_GENDER];
	if (at != SIZE_MAX) {
		int gender = codebook_background_value(c->codebook, ROLE_GENDER, f[at], n[at]);
		if (gender < 0)
			cell_problem(c, at, "gender", f[at], n[at], "Kvinna, Man, Annat, Vill ej uppge or empty");
		else
			course.gender = (uint8_t)gender;
	}
	at = c->column[FIELD_AGE];
	if (at != SIZE_MAX)
		course.age = (uint8_t)codebook_age(f[at], n[at]);
	char folded[128];
	at = c->column[FIELD_END_REASON];
	if (at != SIZE_MAX) {
		int bits = label_set(&c->labels->section[SECTION_END_REASONS], f[at], n[at]);
		if (bits < 0) {
			cell_problem(c, at, "end reason", f[at], n[at],
			             "arbete, arbete med subvention, studier, fortsatt rehabilitering, sjukdom, egen begäran, "
			             "åter remittent or annat (several separated by commas)");
			course.flags |= COURSE_END_REASON_UNREADABLE;
		} else
			course.end_reasons = (uint16_t)bits;
	}
	const enum field support_fields[2] = {FIELD_SUPPORT_INTAKE, FIELD_SUPPORT_EXIT};
	for (int s = 0; s < 2; s++) {
		at = c->column[support_fields[s]];
		if (at == SIZE_MAX || text_blank(f[at], n[at]))
			continue;
		int bits = label_set(&c->labels->section[SECTION_SUPPORT], f[at], n[at]);
		if (bits < 0) {
			cell_problem(c, at, s ? "support at exit" : "support at intake", f[at], n[at],
			             "one or more of försörjningsstöd, sjukpenning, sjukersättning, aktivitetsersättning, a-kassa, "
			             "aktivitetsstöd, etableringsersättning, annan offentlig, lön, studiemedel, ingen ersättning, "
			             "annan");
			continue;
		}
		if (s)
			course.support_exit = (uint16_t)bits, course.flags |= COURSE_SUPPORT_EXIT_KNOWN;
		else
			course.support_intake = (uint16_t)bits, course.flags |= COURSE_SUPPORT_INTAKE_KNOWN;
	}
	at = c->column[FIELD_WORK_CAPACITY];
	if (at != SIZE_MAX && !text_blank(f[at], n[at])) {
		text_fold(f[at], n[at], folded, sizeof folded);
		int value = find_label(&c->labels->section[SECTION_WORK_CAPACITY], folded);
		if (value < 0)
			cell_problem(c, at, "work capacity", f[at], n[at], "Ja, Nej or Ej bedömd");
		else
			course.work_capacity = (uint8_t)value;
	}
	at = c->column[FIELD_REFERRER];
	if (at != SIZE_MAX && !text_blank(f[at], n[at])) {
		text_fold(f[at], n[at], folded, sizeof folded);
		int value = find_label(&c->labels->section[SECTION_REFERRER], folded);
		if (value < 0)
			cell_problem(c, at, "referrer", f[at], n[at], "Af, FK, Region, Kommun or Annat");
		else
			course.referrer = (uint8_t)value;
	}
	return record_writer_course(c->writer, &course) < 0 ? -1 : 0;
}

static size_t cell_problems(const void *self)
{
	return ((const struct participants_converter *)self)->cell_problem_count;
}
static const char *cell_problem_text(const void *self, size_t i)
{
	return ((const struct participants_converter *)self)->cell_problems[i];
}
static const char *personal_id(const void *self, const struct row *row)
{
	const struct participants_converter *c = self;
	size_t at = c->column[FIELD_PARTICIPANT];
	return at != SIZE_MAX && at < row->count ? row->fields[at] : NULL;
}
static int ids_personal(const void *self) { return 1; }
static uint64_t day_first(const void *self) { return ((const struct participants_converter *)self)->day_first_dates; }
static uint64_t unkept(const void *self) { return 0; }

static const char *ungendered(const void *self)
{
	return ((const struct participants_converter *)self)->column[FIELD_GENDER] == SIZE_MAX ? "courses" : NULL;
}

void participants_converter_ingest(struct participants_converter *converter, struct ingest_converter *out)
{
	*out = (struct ingest_converter){converter,         bind,        quiet,        convert,   cell_problems,
	                                 cell_problem_text, personal_id, ids_personal, day_first, unkept,
	                                 ungendered,        NULL};
}
