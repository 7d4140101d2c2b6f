#include "record.h"

#include <string.h>

static const char *const group_codes[GROUP_COUNT] = {
	"", "pagaende", "avslut", "personal", "chef", "styrelse", "remittent",
};

const char *group_code(enum respondent_group group)
{
	return (unsigned)group < GROUP_COUNT ? group_codes[group] : "";
}

int group_from_code(const char *code)
{
	for (int i = 1; i < GROUP_COUNT; i++)
		if (strcmp(code, group_codes[i]) == 0)
			return i;
	return -1;
}

const char *gender_code(enum gender gender)
{
	switch (gender) {
	case GENDER_WOMAN: return "K";
	case GENDER_MAN: return "M";
	case GENDER_OTHER: return "annat";
	default: return "";
	}
}

const char *end_reason_code(enum end_reason reason)
{
	static const char *const codes[END_REASON_COUNT] = {
		"arbete", "arbete_subventionerat", "studier", "fortsatt_rehabilitering",
		"sjukdom", "egen_begaran", "ater_remittent", "annat",
	};
	return (unsigned)reason < END_REASON_COUNT ? codes[reason] : "";
}

const char *support_code(enum support support)
{
	static const char *const codes[SUPPORT_COUNT] = {
		"forsorjningsstod", "sjukpenning", "sjukersattning", "aktivitetsersattning", "a_kassa", "aktivitetsstod",
		"etableringsersattning", "annan_offentlig", "lon", "studiemedel", "ingen_ersattning", "annan",
	};
	return (unsigned)support < SUPPORT_COUNT ? codes[support] : "";
}

const char *referrer_code(enum referrer referrer)
{
	static const char *const codes[REFERRER_COUNT] = {"", "af", "fk", "region", "kommun", "annat"};
	return (unsigned)referrer < REFERRER_COUNT ? codes[referrer] : "";
}

void questionnaire_answer(const struct questionnaire_record *q, size_t i, struct answer_record *a)
{
	a->respondent = q->respondent;
	a->date = q->date;
	a->insats = q->insats;
	a->forbund = q->forbund;
	a->question = q->questions[i];
	a->matar = q->matar;
	a->group = q->group;
	a->gender = q->gender;
	a->level = q->levels[i];
	a->scale_max = q->scale_max[i];
	a->age = q->age;
	a->flags = q->flags;
}
