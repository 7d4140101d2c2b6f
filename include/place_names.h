/*
 * place_names.h — insats and förbund names as people mean them.
 *
 * Promise: place_names_slot() gives one slot per name as it folds (text_fold.h),
 * so "FIA", "fia " and "Fia" share one: the caller keeps there the id of the
 * spelling met first, and a repeat is found whatever the spelling, as goals match
 * it.  A slot holds PLACE_NAMES_NONE until the caller fills it.  A zeroed struct is
 * empty; place_names_clear() frees what it holds.
 */
#ifndef IFS_PLACE_NAMES_H
#define IFS_PLACE_NAMES_H

#include <stdint.h>

#include "string_pool.h"

#define PLACE_NAMES_NONE UINT32_MAX

struct place_names {
	struct string_pool *folded; /* the names folded, each once */
	uint32_t *slots;            /* by folded name's id */
	uint32_t slot_count;
};

/* The slot of name's folded form, valid until the next call; NULL when out of memory. */
uint32_t *place_names_slot(struct place_names *names, const char *name);
void place_names_clear(struct place_names *names);

#endif
