/*
 * test_mem_copy_overlap.c - overlapping copies act exactly as memmove
 * (issue 8, defect 10). An async copy of >= 8 MiB runs as parallel 4 MiB
 * slices; each slice was its own memmove, so a forward or backward overlap
 * read bytes another slice had already written. Every case here is compared
 * with a host reference: memmove for plain copies, and for 2D copies the
 * rows written from a copy of the source extent taken before ("as if every
 * source byte were read first"), sync and async alike.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/memfix.h"

#define BUF     (32 * MiB)
#define SYNC_NS ((int64_t)60 * 1000000000) /* a hang fails, it does not block CI */

struct fix {
	weir_runtime_t *rt;
	weir_mem_t *m;
	weir_group_t *g;
	weir_stream_t *s;
	char *dev; /* BUF bytes of device 0 */
	unsigned char *pattern, *ref, *tmp;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	weir_config_t c;
	weir_config_init(&c);
	c.devices = 1;
	c.workers_per_device = 2; /* slices may run in parallel, or one after another */
	c.flags |= WEIR_CONFIG_NO_PIN;
	if (weir_runtime_create(&c, &f->rt) != WEIR_OK)
		return -1;
	weir_mem_options_t o = { .capacity = 64 * MiB, .flags = WEIR_MEM_OPT_NO_DEBUG };
	void *p;
	if (weir_mem_create_ex(f->rt, &o, &f->m) != WEIR_OK ||
	    weir_group_create(f->rt, 0, &f->g) != WEIR_OK ||
	    weir_stream_create(f->g, 0, 0, &f->s) != WEIR_OK ||
	    weir_mem_alloc(f->m, 0, BUF, WEIR_MEM_NORMAL_ONLY, &p) != WEIR_OK)
		return -1;
	f->dev = p;
	memset(f->dev, 0, BUF);
	f->pattern = malloc(BUF);
	f->ref = malloc(BUF);
	f->tmp = malloc(BUF);
	if (!f->pattern || !f->ref || !f->tmp)
		return -1;
	/* bytes that differ from their neighbours: a one-byte slip shows */
	uint64_t x = 0x243F6A8885A308D3ull;
	for (size_t i = 0; i < BUF; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		f->pattern[i] = (unsigned char)(x >> 24);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	weir_runtime_destroy(f->rt); /* joins the workers: no copy is in flight */
	weir_mem_destroy(f->m);
	free(f->pattern);
	free(f->ref);
	free(f->tmp);
	free(f);
	return 0;
}

/* The window a case resets and compares: its extents and 64 KiB around
 * them (bytes outside are never written, so need no reset). */
static size_t win_lo, win_hi;

static void window(size_t a, size_t alen, size_t b, size_t blen)
{
	size_t lo = a < b ? a : b, hi = a + alen > b + blen ? a + alen : b + blen;
	win_lo = lo > 64 * KiB ? lo - 64 * KiB : 0;
	win_hi = hi + 64 * KiB < BUF ? hi + 64 * KiB : BUF;
}

/* First differing byte of the device buffer and the reference, or -1. */
static long first_diff(const struct fix *f)
{
	if (memcmp(f->dev + win_lo, f->ref + win_lo, win_hi - win_lo) == 0)
		return -1;
	for (size_t i = win_lo; i < win_hi; i++)
		if ((unsigned char)f->dev[i] != f->ref[i])
			return (long)i;
	return -1;
}

static void reset(struct fix *f)
{
	memcpy(f->dev + win_lo, f->pattern + win_lo, win_hi - win_lo);
	memcpy(f->ref + win_lo, f->pattern + win_lo, win_hi - win_lo);
}

/* One plain copy of n bytes from base + s to base + d, async on the stream
 * (or sync), against memmove. */
static void check_copy(struct fix *f, size_t d, size_t s, size_t n, bool async)
{
	window(d, n, s, n);
	reset(f);
	memmove(f->ref + d, f->ref + s, n);
	if (async) {
		assert_int_equal(weir_mem_copy_async(f->m, f->dev + d, n, f->dev + s, n,
		                                     WEIR_COPY_D2D, f->s),
		                 WEIR_OK);
		assert_int_equal(weir_stream_sync(f->s, SYNC_NS), WEIR_OK);
	} else {
		assert_int_equal(weir_mem_copy(f->m, f->dev + d, n, f->dev + s, n, WEIR_COPY_D2D),
		                 WEIR_OK);
	}
	long at = first_diff(f);
	if (at >= 0)
		fail_msg("%s copy of %zu bytes from +%zu to +%zu: byte %ld differs from memmove",
		         async ? "async" : "sync", n, s, d, at);
}

/* The slice an async copy of n bytes is cut into (mem/copy.c submit()). */
static size_t slice_of(size_t n)
{
	size_t units = n / (4 * MiB);
	size_t blocks = n < 8 * MiB ? 1 : units > 8 ? 8 : units;
	return (n + blocks - 1) / blocks;
}

static void test_async_overlap_1d(void **state)
{
	struct fix *f = *state;
	static const size_t sizes[] = { 4 * MiB - 1, 4 * MiB,     4 * MiB + 1,  8 * MiB - 1,
		                        8 * MiB,     8 * MiB + 3, 12 * MiB + 5, 17 * MiB };
	alarm(240);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t n = sizes[i], sl = slice_of(n);
		size_t offs[] = { 1, 3, 4 * MiB - 1, 4 * MiB, 4 * MiB + 1, sl - 1, sl, sl + 1 };
		size_t noffs = n >= 8 * MiB ? sizeof offs / sizeof offs[0] : 2;
		for (size_t k = 0; k < noffs; k++) {
			size_t o = n >= 8 * MiB ? offs[k] : (k ? 4 * MiB - 1 : 1);
			assert_true(n + o <= BUF);
			check_copy(f, o, 0, n, true); /* forward: dst above src */
			check_copy(f, 0, o, n, true); /* backward: dst below src */
		}
	}
	/* dst == src, and far apart (the parallel path) */
	check_copy(f, 0, 0, 17 * MiB, true);
	check_copy(f, 0, 17 * MiB, 15 * MiB, true);
	check_copy(f, 17 * MiB, 0, 15 * MiB, true);
	/* the synchronous copy, for comparison */
	check_copy(f, 1, 0, 17 * MiB, false);
	check_copy(f, 0, 1, 17 * MiB, false);
	alarm(0);
}

/* A 2D copy against the reference: rows written from a copy of the source
 * extent taken first. */
static void check_2d(struct fix *f, size_t d, size_t dp, size_t s, size_t sp, size_t w, size_t h,
                     bool async, const char *what)
{
	size_t sext = (h - 1) * sp + w, dext = (h - 1) * dp + w;
	assert_true(d + dext <= BUF && s + sext <= BUF);
	window(d, dext, s, sext);
	reset(f);
	memcpy(f->tmp, f->ref + s, sext);
	for (size_t r = 0; r < h; r++)
		memcpy(f->ref + d + r * dp, f->tmp + r * sp, w);
	if (async) {
		assert_int_equal(weir_mem_copy2d_async(f->m, f->dev + d, dp, f->dev + s, sp, w, h,
		                                       WEIR_COPY_D2D, f->s),
		                 WEIR_OK);
		assert_int_equal(weir_stream_sync(f->s, SYNC_NS), WEIR_OK);
	} else {
		assert_int_equal(
		        weir_mem_copy2d(f->m, f->dev + d, dp, f->dev + s, sp, w, h, WEIR_COPY_D2D),
		        WEIR_OK);
	}
	long at = first_diff(f);
	if (at >= 0)
		fail_msg("%s 2D copy (%s): %zu rows of %zu, +%zu/%zu from +%zu/%zu: byte %ld "
		         "differs",
		         async ? "async" : "sync", what, h, w, d, dp, s, sp, at);
}

static void test_overlap_2d(void **state)
{
	struct fix *f = *state;
	const size_t w = 4000, p = 4096, h = 2100; /* 8.4 MB: parallel rows when disjoint */
	const size_t s = 4 * MiB;
	alarm(240);
	for (int async = 0; async <= 1; async++) {
		check_2d(f, s + p, p, s, p, w, h, async, "one row forward");
		check_2d(f, s - p, p, s, p, w, h, async, "one row backward");
		check_2d(f, s + 1, p, s, p, w, h, async, "one byte forward");
		check_2d(f, s - 1, p, s, p, w, h, async, "one byte backward");
		check_2d(f, s + 3 * p + 5, p, s, p, w, h, async, "rows and bytes forward");
		check_2d(f, s + 100, p, s, p, w, h, async, "inside the row gap");
		check_2d(f, s, w, s, p, w, h, async, "pack in place");
		check_2d(f, s, p, s, w, w, h, async, "unpack in place");
		check_2d(f, s + 7, p, s, p + 64, w, h, async, "dst ahead, smaller pitch");
		check_2d(f, s - 7, p + 64, s, p, w, h, async, "dst behind, larger pitch");
		check_2d(f, s - 7, p, s, p + 64, w, h, async, "dst behind, smaller pitch");
		check_2d(f, s + 7, p + 64, s, p, w, h, async, "dst ahead, larger pitch");
		/* rows that cross: neither order works */
		check_2d(f, s - 50 * p, p + 128, s, p, w, h, async, "crossing up");
		check_2d(f, s + 50 * p, p, s, p + 128, w, h, async, "crossing down");
		check_2d(f, 20 * MiB, p, s, p, w, h, async, "disjoint");
		check_2d(f, s + 1, p, s, p, w, 1, async, "one row");
	}
	alarm(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_async_overlap_1d),
		cmocka_unit_test(test_overlap_2d),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
