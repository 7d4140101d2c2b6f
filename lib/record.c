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
