/*
 * string_pool.h — interned strings with small integer ids.
 *
 * Promise: interning the same bytes twice gives the same id; id 0 is always the
 * empty string; a returned pointer stays valid until the pool is freed.
 */
#ifndef IFS_STRING_POOL_H
#define IFS_STRING_POOL_H

#include <stddef.h>
#include <stdint.h>

struct string_pool;

struct string_pool *string_pool_new(void);
void string_pool_free(struct string_pool *pool);
/* Returns the id, or UINT32_MAX when out of memory. */
uint32_t string_pool_intern(struct string_pool *pool, const char *bytes, size_t length);
/* Returns the id, or UINT32_MAX when the string was never interned. */
uint32_t string_pool_find(const struct string_pool *pool, const char *bytes, size_t length);
const char *string_pool_get(const struct string_pool *pool, uint32_t id); /* NULL if no such id */
size_t string_pool_length(const struct string_pool *pool, uint32_t id);
uint32_t string_pool_count(const struct string_pool *pool);

#endif
