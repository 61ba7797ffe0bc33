/*
 * base/alloc.h - every heap allocation the library makes goes through here,
 * so tests can fail any one of them (reliability.md: "allocation failure at
 * every allocation site, each site failed at least once in CI").
 *
 * Failure injection: weir__failpoint_arm(n) makes the n-th allocation from
 * now (1-based, counted over all threads) return NULL, once. Each call site
 * names itself (WEIR_ALLOC_SITE) so a test can also list the sites it hit
 * (weir__failpoint_sites) and prove that each one failed at least once.
 * Disarmed, the cost is one relaxed load per allocation.
 */
#ifndef WEIR_BASE_ALLOC_H
#define WEIR_BASE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#define WEIR__STR2(x)   #x
#define WEIR__STR(x)    WEIR__STR2(x)
#define WEIR_ALLOC_SITE (__FILE__ ":" WEIR__STR(__LINE__))

void *weir__malloc_at(size_t size, const char *site);
void *weir__calloc_at(size_t n, size_t size, const char *site);
void *weir__aligned_alloc_at(size_t align, size_t size, const char *site);
void *weir__realloc_at(void *p, size_t size, const char *site);
char *weir__strdup_at(const char *s, const char *site);
void weir__free(void *p);

#define weir__malloc(sz)            weir__malloc_at((sz), WEIR_ALLOC_SITE)
#define weir__calloc(n, sz)         weir__calloc_at((n), (sz), WEIR_ALLOC_SITE)
#define weir__aligned_alloc(al, sz) weir__aligned_alloc_at((al), (sz), WEIR_ALLOC_SITE)
#define weir__realloc(p, sz)        weir__realloc_at((p), (sz), WEIR_ALLOC_SITE)
#define weir__strdup(s)             weir__strdup_at((s), WEIR_ALLOC_SITE)

/* Arm: the n-th allocation from now fails (n >= 1); 0 disarms. */
void weir__failpoint_arm(uint64_t n);
/* 1 if the armed failure has fired since the last arm, else 0. */
int weir__failpoint_fired(void);
/* The site of the allocation that failed last, or NULL. */
const char *weir__failpoint_last_site(void);
/* Allocations counted since the last arm (armed or not: arm(0) resets). */
uint64_t weir__failpoint_count(void);

#endif
