/*
 * record.h — the decoded records that travel between the stages.
 *
 * Promise: these structs are what every reader of a record stream sees, whatever
 * file, encoding or tool the answers came from.  String fields (insats, forbund,
 * question) are ids into a string_pool owned by whoever decoded the stream.
 * An answer keeps its level, not a yes/no, so positivity is chosen at analysis
 * time.  Nothing here can hold a raw personnummer or participant code: people are
 * 64-bit pseudonyms.  The byte layout on disk is in docs/record-stream.md.
 */
#ifndef IFS_RECORD_H
#define IFS_RECORD_H

#include <stddef.h>
#include <stdint.h>

enum respondent_group {
	GROUP_UNKNOWN = 0,
	GROUP_PAGAENDE = 1,
	GROUP_AVSLUT = 2,
	GROUP_PERSONAL = 3,
	GROUP_CHEF = 4,
	GROUP_STYRELSE = 5,
	GROUP_REMITTENT = 6,
	GROUP_COUNT
};

enum gender {
	GENDER_UNSTATED = 0,
	GENDER_WOMAN = 1,
	GENDER_MAN = 2,
	GENDER_OTHER = 3
};

/* Answer levels: 1..scale_max are the scale, 0 is "Vet ej / Ej aktuellt"
 * (answered, left out of the denominator), LEVEL_MISSING is no answer. */
#define LEVEL_DONT_KNOW 0
#define LEVEL_MISSING 255
#define LEVEL_MAX 32 /* largest scale a codebook may define */
#define LEVEL_ABSENT 254 /* in a questionnaire: the cell could not be read, so no answer at all */

/* One answer to one question in one questionnaire. */
struct answer_record {
	uint64_t respondent; /* pseudonym, or data-row ordinal when the export has no id */
	uint32_t date;       /* answer date as YYYYMMDD */
	uint32_t insats;     /* string id */
	uint32_t forbund;    /* string id; "" when unknown */
	uint32_t question;   /* string id: the codebook's question id, e.g. "nytta" */
	uint16_t matar;      /* measurement year: 1 Nov Y-1 .. 31 Oct Y -> Y */
	uint8_t group;       /* enum respondent_group */
	uint8_t gender;      /* enum gender */
	uint8_t level;       /* 0, 1..scale_max, or LEVEL_MISSING */
	uint8_t scale_max;   /* highest level of this question's scale (6 by default) */
	uint8_t age;         /* years, 0 when unknown */
	uint8_t flags;       /* ANSWER_IDENTIFIED */
};

/* The respondent is a pseudonym or hash of a real identifier, so the same value in
 * another file or stream is the same respondent; without it, it is a row number. */
#define ANSWER_IDENTIFIED 1

enum health_kind {
	HEALTH_PAIR = 1,        /* intake and exit of one participant in one intervention */
	HEALTH_INTAKE_ONLY = 2, /* bortfall: intake with no exit */
	HEALTH_EXIT_ONLY = 3    /* bortfall: exit with no intake */
};

#define HEALTH_MISSING 255 /* an item the questionnaire left blank */

enum lq_change { LQ_BETTER = 1, LQ_SAME = 2, LQ_WORSE = 3 };
/* lq_due: 1 väldigt mycket, 2 ganska mycket, 3 lite, 4 inte alls */

/* One pair (or one unpaired questionnaire) of the health questionnaire. */
struct health_record {
	uint64_t participant; /* keyed pseudonym */
	uint32_t intake_date; /* YYYYMMDD, 0 when there is no intake */
	uint32_t exit_date;   /* YYYYMMDD, 0 when there is no exit */
	uint32_t insats;      /* string id */
	uint32_t forbund;     /* string id */
	uint8_t kind;         /* enum health_kind */
	uint8_t gender;
	uint8_t age;
	uint8_t lq;           /* enum lq_change, at exit; HEALTH_MISSING */
	uint8_t lq_due;       /* 1..4; HEALTH_MISSING */
	uint8_t vas_intake, vas_exit;         /* 0..100 */
	uint8_t mental_intake, mental_exit;   /* ordinal, higher is better */
	uint8_t pain_intake, pain_exit;       /* ordinal, lower is better */
	uint8_t worry_intake, worry_exit;     /* ordinal, lower is better */
	uint8_t workcap_intake, workcap_exit; /* ordinal, higher is better */
	uint8_t vas_min_delta; /* the minimum VAS difference ifs-health was told */
};

/* One questionnaire: what a record stream holds on disk (docs/record-stream.md),
 * one answer_record per question when read answer by answer.  Its questions are
 * those of its form: string ids and scales, in the order of the levels. */
#define QUESTIONNAIRE_MAX_QUESTIONS 255
struct questionnaire_record {
	uint64_t respondent;
	uint32_t date, insats, forbund;
	uint16_t matar;
	uint8_t group, gender, age, flags;
	uint32_t form;                /* reader: an id unique within the reader, for telling forms apart */
	size_t count;                 /* questions of the form */
	const uint32_t *questions;    /* string ids, count of them */
	const uint8_t *scale_max;     /* count of them */
	uint8_t levels[QUESTIONNAIRE_MAX_QUESTIONS]; /* LEVEL_DONT_KNOW, 1..scale_max, LEVEL_MISSING, LEVEL_ABSENT */
};

/* One course of the participant register (SPEC §2.3): inskrivning to avslut. */
enum end_reason {
	END_ARBETE = 0,
	END_ARBETE_SUBVENTIONERAT,
	END_STUDIER,
	END_FORTSATT_REHABILITERING,
	END_SJUKDOM,
	END_EGEN_BEGARAN,
	END_ATER_REMITTENT,
	END_ANNAT,
	END_REASON_COUNT
};
enum support {
	SUPPORT_FORSORJNINGSSTOD = 0, /* public: bits 0-7 */
	SUPPORT_SJUKPENNING,
	SUPPORT_SJUKERSATTNING,
	SUPPORT_AKTIVITETSERSATTNING,
	SUPPORT_A_KASSA,
	SUPPORT_AKTIVITETSSTOD,
	SUPPORT_ETABLERINGSERSATTNING,
	SUPPORT_ANNAN_OFFENTLIG,
	SUPPORT_LON, /* not public: bits 8-11 */
	SUPPORT_STUDIEMEDEL,
	SUPPORT_INGEN,
	SUPPORT_ANNAN,
	SUPPORT_COUNT
};
#define SUPPORT_PUBLIC_MASK 0x00FFu
enum work_capacity { WORK_CAPACITY_UNKNOWN = 0, WORK_CAPACITY_YES = 1, WORK_CAPACITY_NO = 2, WORK_CAPACITY_NOT_JUDGED = 3 };
enum referrer { REFERRER_UNKNOWN = 0, REFERRER_AF, REFERRER_FK, REFERRER_REGION, REFERRER_KOMMUN, REFERRER_ANNAT,
                REFERRER_COUNT };

struct course_record {
	uint64_t participant;  /* keyed pseudonym, as in health records */
	uint32_t start_date;   /* YYYYMMDD */
	uint32_t end_date;     /* YYYYMMDD, 0 while the course goes on */
	uint32_t insats;       /* string id */
	uint32_t forbund;      /* string id */
	uint16_t end_reasons;  /* bit per enum end_reason; 0: none given (or unreadable) */
	uint16_t support_intake, support_exit; /* bit per enum support */
	uint8_t gender;
	uint8_t age;
	uint8_t work_capacity; /* enum work_capacity */
	uint8_t referrer;      /* enum referrer */
	uint8_t flags;         /* COURSE_* */
};
#define COURSE_SUPPORT_INTAKE_KNOWN 1
#define COURSE_SUPPORT_EXIT_KNOWN 2
/* The end reason cell held what could not be read: whether the course ended in work
 * or studies is not known (an outcome goal counts it as unknown, not as no). */
#define COURSE_END_REASON_UNREADABLE 4

/* The i-th answer of a questionnaire, as a reader hands answers over one by one. */
void questionnaire_answer(const struct questionnaire_record *q, size_t i, struct answer_record *a);

const char *end_reason_code(enum end_reason reason); /* "arbete", "studier", ... */
const char *support_code(enum support support);       /* "forsorjningsstod", ... */
const char *referrer_code(enum referrer referrer);    /* "af", "fk", ..., "" */

enum record_type { RECORD_ANSWER = 1, RECORD_HEALTH = 2, RECORD_QUESTIONNAIRE = 3, RECORD_COURSE = 4 };

struct record {
	enum record_type type;
	union {
		struct answer_record answer;
		struct health_record health;
		struct questionnaire_record questionnaire; /* only when the reader was asked for whole questionnaires */
		struct course_record course;
	} u;
};

const char *group_code(enum respondent_group group); /* "avslut", "" for unknown */
int group_from_code(const char *code);                /* -1 when not a code */
const char *gender_code(enum gender gender);           /* "K", "M", "annat", "" */

#endif
