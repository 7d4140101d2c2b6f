/*
 * json_memory.h — whether cJSON ran out of memory while building or printing,
 * and whether a document it parsed has a key twice.
 *
 * Promise: cJSON's constructors and cJSON_Add* return NULL when an allocation
 * fails and the tree simply lacks that item; a tree printed after that is a
 * different document, not an error.  With json_memory_watch() every cJSON
 * allocation goes through a hook that remembers a failure, so a writer checks
 * json_memory_failed() once, after building and printing, instead of checking
 * every one of hundreds of calls — and a reader can tell "out of memory" from
 * "invalid JSON" when cJSON_Parse returns NULL.
 */
#ifndef IFS_JSON_MEMORY_H
#define IFS_JSON_MEMORY_H

/* Installs the hooks (once; later calls do nothing) and forgets any earlier failure. */
void json_memory_watch(void);
/* 1 when a cJSON allocation failed since json_memory_watch(). */
int json_memory_failed(void);

/* The first key that appears twice in one object anywhere in the tree, or NULL.
 * cJSON keeps both and its look-ups return the first, so a hand-edited file
 * with a key written twice would silently use the value its author replaced:
 * the loaders refuse such files instead. */
struct cJSON;
const char *json_duplicate_key(const struct cJSON *node);

#endif
