#include "json_memory.h"
#include "targets.h"
#include "file_text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "health_indicators.h"
#include "record.h"

static char *read_whole(const char *path, char *error, size_t error_size, int *status)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(error, error_size, "%s: cannot open: %s", path, strerror(errno));
		*status = EX_NOINPUT;
		return NULL;
	}
	char *text = file_text_read(f, 64u << 20, NULL);
	fclose(f);
	if (!text) {
		snprintf(error, error_size, "%s: cannot read: %s", path, strerror(errno));
		*status = EX_DATAERR;
	}
	return text;
}

#define TARGETS_MISTAKES_SHOWN 20

static int valid_utf8(const char *text, size_t *bad_byte)
{
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = 0; s[i];) {
		size_t extra = s[i] < 0x80 ? 0 : (s[i] & 0xE0) == 0xC0 && s[i] >= 0xC2 ? 1 : (s[i] & 0xF0) == 0xE0 ? 2
		             : (s[i] & 0xF8) == 0xF0 && s[i] <= 0xF4 ? 3 : 9;
		if (extra == 9) {
			*bad_byte = i;
			return 0;
		}
		for (size_t k = 1; k <= extra; k++)
			if ((s[i + k] & 0xC0) != 0x80) {
				*bad_byte = i;
				return 0;
			}
		i += extra + 1;
	}
	return 1;
}

static void line_and_column(const char *text, const char *at, unsigned *line, unsigned *column)
{
	*line = 1;
	*column = 1;
	for (const char *p = text; p < at && *p; p++) {
		if (*p == '\n')
			(*line)++, *column = 1;
		else if (((unsigned char)*p & 0xC0) != 0x80)
			(*column)++;
	}
}

/* Where the JSON broke, and the mistakes people make by hand: a decimal comma, a
 * comma before } or ], a missing comma or quote. */
static void syntax_error(const char *path, const char *text, const char *at, char *error, size_t error_size)
{
	if (!at || at < text)
		at = text;
	unsigned line, column;
	line_and_column(text, at, &line, &column);
	const char *before = at;
	while (before > text && (before[-1] == ' ' || before[-1] == '\t' || before[-1] == '\n' || before[-1] == '\r'))
		before--;
	const char *hint = "";
	/* cJSON may stop inside the digits after a decimal comma ("0,75"): look back over them. */
	const char *digits = at;
	while (digits > text && digits[-1] >= '0' && digits[-1] <= '9')
		digits--;
	if (digits > text + 1 && digits[-1] == ',' && digits[-2] >= '0' && digits[-2] <= '9' &&
	    *digits >= '0' && *digits <= '9')
		hint = ": a decimal comma? write 0.75, with a point, for 75 %";
	else if ((*at == '}' || *at == ']') && before > text && before[-1] == ',')
		hint = ": a comma before } or ] (remove it)";
	else if (before > text + 1 && before[-1] == ',' && before[-2] >= '0' && before[-2] <= '9' && *at >= '0' && *at <= '9')
		hint = ": a decimal comma? write 0.75, with a point, for 75 %";
	else if (*at >= '0' && *at <= '9' && before > text && before[-1] == ',' && before > text + 1 &&
	         before[-2] >= '0' && before[-2] <= '9')
		hint = ": a decimal comma? write 0.75, with a point, for 75 %";
	else if (*at == '"' && before > text && before[-1] != ',' && before[-1] != '{' && before[-1] != '[' &&
	         before[-1] != ':')
		hint = ": a comma missing before this?";
	snprintf(error, error_size, "%s:%u:%u: not valid JSON%s (see man ifs-shares for the targets file)", path, line,
	         column, hint);
}

static int positive_int(const cJSON *item, int *out)
{
	if (!cJSON_IsNumber(item) || item->valuedouble < 0 || item->valuedouble > 1e6 ||
	    item->valuedouble != floor(item->valuedouble))
		return -1;
	*out = (int)item->valuedouble;
	return 0;
}

static int load_goal(const char *path, const cJSON *object, size_t index, const struct codebook *book,
                     struct goal *goal, char *error, size_t error_size)
{
	static const char *const keys[] = {"id", "insats", "indicator", "group", "level", "target", "text", "min_n", "among"};
	char name[160];
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(object, "id");
	if (!cJSON_IsObject(object)) {
		snprintf(error, error_size, "%s: goal %zu: not an object", path, index + 1);
		return -1;
	}
	if (!cJSON_IsString(id) || !id->valuestring[0]) {
		snprintf(error, error_size, "%s: goal %zu: \"id\" must be a non-empty string", path, index + 1);
		return -1;
	}
	snprintf(name, sizeof name, "%s: goal \"%.100s\"", path, id->valuestring);
	const cJSON *item;
	cJSON_ArrayForEach(item, object)
	{
		int known = 0;
		for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
			known |= strcmp(item->string, keys[k]) == 0;
		if (!known) {
			snprintf(error, error_size, "%s: unknown key \"%s\"", name, item->string);
			return -1;
		}
	}
	goal->id = strdup(id->valuestring);
	const cJSON *insats = cJSON_GetObjectItemCaseSensitive(object, "insats");
	const cJSON *indicator = cJSON_GetObjectItemCaseSensitive(object, "indicator");
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(object, "text");
	if (!cJSON_IsString(insats) || !insats->valuestring[0]) {
		snprintf(error, error_size, "%s: \"insats\" must be a non-empty string", name);
		return -1;
	}
	if (!cJSON_IsString(indicator)) {
		snprintf(error, error_size, "%s: \"indicator\" must be a string", name);
		return -1;
	}
	if (text && !cJSON_IsString(text)) {
		snprintf(error, error_size, "%s: \"text\" must be a string", name);
		return -1;
	}
	/* insats is matched ignoring surrounding white space, so it is shown without it */
	const char *start = insats->valuestring;
	size_t length = strlen(start);
	while (length && (*start == ' ' || *start == '\t'))
		start++, length--;
	while (length && (start[length - 1] == ' ' || start[length - 1] == '\t'))
		length--;
	goal->insats = strndup(start, length);
	goal->indicator = strdup(indicator->valuestring);
	goal->text = strdup(text ? text->valuestring : "");
	goal->health_indicator = health_indicator_from_name(indicator->valuestring);
	goal->outcome = -1;
	static const char *const outcomes[] = {"outcome.work_or_studies", "outcome.work", "outcome.no_public_support"};
	for (int o = 0; o < 3; o++)
		if (strcmp(indicator->valuestring, outcomes[o]) == 0)
			goal->outcome = o;
	const cJSON *among = cJSON_GetObjectItemCaseSensitive(object, "among");
	if (goal->outcome >= 0) {
		goal->question = -1;
		goal->among = AMONG_ALL;
		if (among && !cJSON_IsNull(among)) {
			const char *among_text = cJSON_IsString(among) ? among->valuestring : "";
			int allowed = goal->outcome == OUTCOME_NO_PUBLIC_SUPPORT ? AMONG_PUBLIC_AT_INTAKE : AMONG_WORK_CAPACITY;
			if (strcmp(among_text, "all") == 0)
				goal->among = AMONG_ALL;
			else if (strcmp(among_text, outcome_among_code(allowed)) == 0)
				goal->among = allowed;
			else {
				snprintf(error, error_size, "%s: bad \"among\" (expected \"all\" or \"%s\" for %s)", name,
				         outcome_among_code(allowed), outcomes[goal->outcome]);
				return -1;
			}
		}
		const cJSON *group = cJSON_GetObjectItemCaseSensitive(object, "group");
		const cJSON *level = cJSON_GetObjectItemCaseSensitive(object, "level");
		if (group || level) {
			snprintf(error, error_size, "%s: a register goal takes no \"%s\"", name, group ? "group" : "level");
			return -1;
		}
		goto target;
	}
	if (among) {
		snprintf(error, error_size, "%s: \"among\" belongs to register goals (outcome.*)", name);
		return -1;
	}
	goal->question = goal->health_indicator >= 0 ? -1 : codebook_question_index(book, indicator->valuestring);
	if (goal->health_indicator < 0 && goal->question < 0) {
		snprintf(error, error_size, "%s: unknown indicator \"%s\" (not a question of %s, nor health.lq_better, "
		         "health.vas_better, health.mental_better, health.improved_any, outcome.work_or_studies, "
		         "outcome.work, outcome.no_public_support)", name, indicator->valuestring,
		         codebook_path(book));
		return -1;
	}
	const cJSON *group = cJSON_GetObjectItemCaseSensitive(object, "group");
	const cJSON *level = cJSON_GetObjectItemCaseSensitive(object, "level");
	if (goal->health_indicator >= 0) {
		if (group || level) {
			snprintf(error, error_size, "%s: a health goal takes no \"%s\"", name, group ? "group" : "level");
			return -1;
		}
	} else {
		if (!cJSON_IsString(group) || (goal->group = group_from_code(group->valuestring)) <= 0) {
			snprintf(error, error_size, "%s: bad group %s%s%s (expected pagaende, avslut, personal, chef, styrelse "
			         "or remittent)", name, cJSON_IsString(group) ? "\"" : "",
			         cJSON_IsString(group) ? group->valuestring : "(missing)", cJSON_IsString(group) ? "\"" : "");
			return -1;
		}
		int scale_max = codebook_question_scale_max(book, (size_t)goal->question);
		goal->scale_max = scale_max;
		if (cJSON_IsString(level) && strcmp(level->valuestring, "klart_positivt") == 0) {
			goal->positivity = POSITIVITY_CLEARLY;
		} else if (cJSON_IsString(level) && strcmp(level->valuestring, "positivt") == 0) {
			goal->positivity = POSITIVITY_POSITIVE;
		} else if (cJSON_IsNumber(level) && positive_int(level, &goal->min_level) == 0 && goal->min_level >= 1 &&
		           goal->min_level <= scale_max) {
			goal->positivity = POSITIVITY_MIN_LEVEL;
		} else {
			snprintf(error, error_size, "%s: bad level (expected \"klart_positivt\", \"positivt\" or a level 1-%d)",
			         name, scale_max);
			return -1;
		}
	}
target:;
	const cJSON *target = cJSON_GetObjectItemCaseSensitive(object, "target");
	if (target && !cJSON_IsNull(target)) {
		if (cJSON_IsString(target)) {
			snprintf(error, error_size, "%s: \"target\" is the text \"%.20s\": write a number with a decimal point "
			         "and no quotes, such as 0.75 for 75 %%", name, target->valuestring);
			return -1;
		}
		if (!cJSON_IsNumber(target) || !(target->valuedouble >= 0.0 && target->valuedouble <= 1.0)) {
			snprintf(error, error_size, "%s: target outside 0-1 (a share: 0.75 for 75 %%)", name);
			return -1;
		}
		goal->has_target = 1;
		goal->target = target->valuedouble;
	}
	const cJSON *min_n = cJSON_GetObjectItemCaseSensitive(object, "min_n");
	if (min_n && (positive_int(min_n, &goal->min_n) < 0 || goal->min_n < 1)) {
		snprintf(error, error_size, "%s: \"min_n\" must be a whole number >= 1", name);
		return -1;
	}
	if (!goal->id || !goal->insats || !goal->indicator || !goal->text) {
		snprintf(error, error_size, "%s: out of memory", name);
		return -1;
	}
	return 0;
}

static int compare_goal_ids(const void *a, const void *b)
{
	return strcmp((*(const struct goal *const *)a)->id, (*(const struct goal *const *)b)->id);
}

/* Sorted, then neighbours compared: a file of thirty thousand goals is checked in
 * moments, where comparing each with every other took seconds. */
static int check_unique_ids(const char *path, const struct targets *targets, char *error, size_t error_size)
{
	const struct goal **sorted = malloc(targets->count * sizeof *sorted);
	if (!sorted) {
		snprintf(error, error_size, "%s: out of memory", path);
		return EX_OSERR;
	}
	for (size_t i = 0; i < targets->count; i++)
		sorted[i] = &targets->goals[i];
	qsort(sorted, targets->count, sizeof *sorted, compare_goal_ids);
	int status = 0;
	for (size_t i = 1; i < targets->count && !status; i++)
		if (strcmp(sorted[i - 1]->id, sorted[i]->id) == 0) {
			snprintf(error, error_size, "%s: goal \"%s\": duplicate id", path, sorted[i]->id);
			status = EX_DATAERR;
		}
	free(sorted);
	return status;
}

int targets_load(const char *path, const struct codebook *book, struct targets *targets, char *error,
                 size_t error_size)
{
	memset(targets, 0, sizeof *targets);
	targets->vas_min_delta = -1;
	int status = 0;
	char *text = read_whole(path, error, error_size, &status);
	if (!text)
		return status;
	size_t bad_byte;
	if (!valid_utf8(text, &bad_byte)) {
		unsigned line, column;
		line_and_column(text, text + bad_byte, &line, &column);
		snprintf(error, error_size, "%s:%u:%u: not UTF-8 text (saved as Windows-1252 by Excel or Notepad?): save the "
		         "file as UTF-8", path, line, column);
		free(text);
		return EX_DATAERR;
	}
	json_memory_watch();
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
	if (!root && json_memory_failed()) {
		free(text);
		snprintf(error, error_size, "%s: out of memory", path);
		return EX_OSERR;
	}
	if (!root) {
		syntax_error(path, text, cJSON_GetErrorPtr(), error, error_size);
		free(text);
		return EX_DATAERR;
	}
	free(text);
	const char *duplicate = root ? json_duplicate_key(root) : NULL;
	if (duplicate) {
		snprintf(error, error_size, "%s: key \"%s\" given twice in one object: say it once", path, duplicate);
		cJSON_Delete(root);
		return EX_DATAERR;
	}
	if (!cJSON_IsObject(root)) {
		snprintf(error, error_size, "%s: not a JSON object (see man ifs-shares for the targets file)", path);
		cJSON_Delete(root);
		return EX_DATAERR;
	}
	const cJSON *item;
	cJSON_ArrayForEach(item, root)
	{
		if (strcmp(item->string, "min_n") != 0 && strcmp(item->string, "vas_min_delta") != 0 &&
		    strcmp(item->string, "goals") != 0) {
			snprintf(error, error_size, "%s: unknown key \"%s\" (expected min_n, vas_min_delta, goals)", path,
			         item->string);
			cJSON_Delete(root);
			return EX_DATAERR;
		}
	}
	if ((item = cJSON_GetObjectItemCaseSensitive(root, "min_n")) &&
	    (positive_int(item, &targets->min_n) < 0 || targets->min_n < 1)) {
		snprintf(error, error_size, "%s: \"min_n\" must be a whole number >= 1", path);
		cJSON_Delete(root);
		return EX_DATAERR;
	}
	if ((item = cJSON_GetObjectItemCaseSensitive(root, "vas_min_delta")) &&
	    (positive_int(item, &targets->vas_min_delta) < 0 || targets->vas_min_delta > 100)) {
		snprintf(error, error_size, "%s: \"vas_min_delta\" must be a whole number 0-100", path);
		cJSON_Delete(root);
		return EX_DATAERR;
	}
	const cJSON *goals = cJSON_GetObjectItemCaseSensitive(root, "goals");
	int count = cJSON_IsArray(goals) ? cJSON_GetArraySize(goals) : -1;
	if (count <= 0) {
		snprintf(error, error_size, "%s: \"goals\" must be a non-empty array", path);
		cJSON_Delete(root);
		return EX_DATAERR;
	}
	targets->goals = calloc((size_t)count, sizeof *targets->goals);
	if (!targets->goals) {
		snprintf(error, error_size, "%s: out of memory", path);
		cJSON_Delete(root);
		return EX_OSERR;
	}
	/* Every goal is checked, and every mistake listed (up to a screenful), so a
	 * hand-written file is put right in one go. */
	size_t mistakes = 0, used = 0;
	char mistake[512];
	cJSON_ArrayForEach(item, goals)
	{
		struct goal *goal = &targets->goals[targets->count++];
		if (load_goal(path, item, targets->count - 1, book, goal, mistake, sizeof mistake) < 0) {
			status = strstr(mistake, "out of memory") ? EX_OSERR : EX_DATAERR;
			if (mistakes < TARGETS_MISTAKES_SHOWN && used < error_size) {
				int wrote = snprintf(error + used, error_size - used, "%s%s", mistakes ? "\n" : "", mistake);
				used += wrote > 0 ? (size_t)wrote : 0;
			}
			mistakes++;
			if (status == EX_OSERR)
				break;
		}
	}
	if (mistakes > TARGETS_MISTAKES_SHOWN && used < error_size)
		snprintf(error + used, error_size - used, "\n%s: and %zu more mistakes", path, mistakes - TARGETS_MISTAKES_SHOWN);
	if (!status)
		status = check_unique_ids(path, targets, error, error_size);
	cJSON_Delete(root);
	if (status)
		targets_free(targets);
	return status;
}

void targets_free(struct targets *targets)
{
	for (size_t i = 0; i < targets->count; i++) {
		free(targets->goals[i].id);
		free(targets->goals[i].insats);
		free(targets->goals[i].indicator);
		free(targets->goals[i].text);
	}
	free(targets->goals);
	memset(targets, 0, sizeof *targets);
}

const char *outcome_among_code(int among)
{
	return among == AMONG_WORK_CAPACITY ? "work_capacity" : among == AMONG_PUBLIC_AT_INTAKE ? "public_at_intake" : "all";
}
