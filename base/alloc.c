/*
 * base/alloc.c - allocation wrappers with one-shot failure injection.
 */
#include "base/alloc.h"
#include "base/atomic.h"

#include <stdlib.h>
#include <string.h>

/* A: armed countdown; 0 = disarmed. Relaxed: the tests that arm it run the
 * scenario afterwards in the same thread or join before checking. */
static _Atomic uint64_t weir_fp_countdown;
static _Atomic uint64_t weir_fp_count;
static _Atomic int weir_fp_fired;
static _Atomic(const char *) weir_fp_site;

static int weir_fp_should_fail(const char *site)
{
	weir_faa_relaxed(&weir_fp_count, 1);
	uint64_t c = weir_load_relaxed(&weir_fp_countdown);
	while (c != 0) {
		/* Relaxed CAS: only the count matters, no data is published. */
		if (weir_cas_relaxed(&weir_fp_countdown, &c, c - 1)) {
			if (c == 1) {
				weir_store_relaxed(&weir_fp_site, site);
				weir_store_relaxed(&weir_fp_fired, 1);
				return 1;
			}
			return 0;
		}
	}
	return 0;
}

void *weir__malloc_at(size_t size, const char *site)
{
	if (weir_fp_should_fail(site))
		return NULL;
	return malloc(size ? size : 1);
}

void *weir__calloc_at(size_t n, size_t size, const char *site)
{
	if (weir_fp_should_fail(site))
		return NULL;
	return calloc(n ? n : 1, size ? size : 1);
}

void *weir__aligned_alloc_at(size_t align, size_t size, const char *site)
{
	if (weir_fp_should_fail(site))
		return NULL;
	void *p = NULL;
	if (posix_memalign(&p, align < sizeof(void *) ? sizeof(void *) : align, size ? size : 1) !=
	    0)
		return NULL;
	return p;
}

void *weir__realloc_at(void *p, size_t size, const char *site)
{
	if (weir_fp_should_fail(site))
		return NULL;
	return realloc(p, size ? size : 1);
}

char *weir__strdup_at(const char *s, const char *site)
{
	size_t n = strlen(s) + 1;
	char *d = weir__malloc_at(n, site);
	if (d)
		memcpy(d, s, n);
	return d;
}

void weir__free(void *p)
{
	free(p);
}

void weir__failpoint_arm(uint64_t n)
{
	weir_store_relaxed(&weir_fp_fired, 0);
	weir_store_relaxed(&weir_fp_site, NULL);
	weir_store_relaxed(&weir_fp_count, 0);
	weir_store_relaxed(&weir_fp_countdown, n);
}

int weir__failpoint_fired(void)
{
	return weir_load_relaxed(&weir_fp_fired);
}
const char *weir__failpoint_last_site(void)
{
	return weir_load_relaxed(&weir_fp_site);
}
uint64_t weir__failpoint_count(void)
{
	return weir_load_relaxed(&weir_fp_count);
}
