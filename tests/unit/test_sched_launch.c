/*
 * Unit tests: launching kernels - argument copies and alignment, argument
 * limits, split kernels (nblocks) and their ordering within the stream.
 */
#include "common/fixture.h"

/* ---- argument block ---- */

static _Atomic uint64_t args_runs, args_bad, args_misaligned;

static int k_check_args(void *args, uint32_t block, uint32_t nblocks)
{
	const unsigned char *p = args;
	if ((uintptr_t)args % 16 != 0)
		weir_faa_relaxed(&args_misaligned, 1);
	/* byte i holds (i * 7 + p[0]) & 0xff; p[0] is the launch index */
	for (unsigned i = 1; i < WEIR_ARGS_MAX; i++)
		if (p[i] != (unsigned char)((i * 7 + p[0]) & 0xff)) {
			weir_faa_relaxed(&args_bad, 1);
			break;
		}
	weir_faa_release(&args_runs, 1);
	return 0;
}

static void test_args_copied_and_aligned(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	wt_gate_t gt;
	wt_gate_block(f, &gt, 0, s); /* nothing runs until every buffer is reused */
	unsigned char buf[WEIR_ARGS_MAX + 1];
	for (unsigned k = 0; k < 10; k++) {
		buf[0] = (unsigned char)k;
		for (unsigned i = 1; i < WEIR_ARGS_MAX; i++)
			buf[i] = (unsigned char)((i * 7 + k) & 0xff);
		/* misaligned source on purpose */
		memmove(buf + (k & 1), buf, WEIR_ARGS_MAX);
		WT_OK(weir_launch(s, k_check_args, buf + (k & 1), WEIR_ARGS_MAX, 1, 0));
		memset(buf, 0xCC, sizeof buf); /* the copy must already be made */
	}
	wt_gate_open(f, &gt);
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&args_runs), 10);
	assert_int_equal(weir_load_relaxed(&args_bad), 0);
	assert_int_equal(weir_load_relaxed(&args_misaligned), 0);
	wt_gate_free(&gt);
	WT_OK(weir_stream_destroy(s));
}

static int k_noargs(void *args, uint32_t block, uint32_t nblocks)
{
	if ((uintptr_t)args % 16 != 0)
		weir_faa_relaxed(&args_misaligned, 1);
	weir_faa_release(&args_runs, 1);
	return 0;
}

static void test_args_limits(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	char big[WEIR_ARGS_MAX + 8] = { 0 };
	weir_store_relaxed(&args_runs, 0);
	WT_ASSERT_STATUS(weir_launch(s, k_noargs, big, WEIR_ARGS_MAX + 1, 1, 0), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_launch(s, k_noargs, big, SIZE_MAX, 1, 0), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_launch(s, NULL, big, 8, 1, 0), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_launch(s, NULL, NULL, 0, 1, WEIR_LAUNCH_NONBLOCK), WEIR_EINVAL);
	/* a failing call leaves nothing behind */
	weir_stream_stats_t st = wt_stats(s);
	assert_int_equal(st.submitted, 0);
	WT_OK(weir_launch(s, k_noargs, NULL, 0, 1, 0));
	WT_OK(weir_launch(s, k_noargs, big, 0, 1, 0));
	WT_OK(weir_launch(s, k_noargs, big, WEIR_ARGS_MAX, 1, 0));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&args_runs), 3);
	st = wt_stats(s);
	assert_int_equal(st.submitted, 3);
	assert_int_equal(st.completed, 3);
	WT_OK(weir_stream_destroy(s));
}

/* ---- split kernels ---- */

#define MAXB 1024
static _Atomic uint64_t blk_hits[MAXB];
static _Atomic uint64_t blk_bad_nblocks, blk_bad_index, blk_after_bad;
static _Atomic uint64_t blk_total;

struct blk_args {
	uint32_t expect_nblocks;
};

static int k_block(void *args, uint32_t block, uint32_t nblocks)
{
	const struct blk_args *a = args;
	if (nblocks != a->expect_nblocks)
		weir_faa_relaxed(&blk_bad_nblocks, 1);
	if (block >= nblocks || block >= MAXB)
		weir_faa_relaxed(&blk_bad_index, 1);
	else
		weir_faa_relaxed(&blk_hits[block], 1);
	/* release: pairs with the acquire in k_after_blocks */
	weir_faa_release(&blk_total, 1);
	return 0;
}

static _Atomic uint64_t after_runs;

/* Runs after a split kernel on the same stream: every block must be done. */
static int k_after_blocks(void *args, uint32_t block, uint32_t nblocks)
{
	uint64_t want;
	memcpy(&want, args, sizeof want);
	if (weir_load_acquire(&blk_total) != want)
		weir_faa_relaxed(&blk_after_bad, 1);
	weir_faa_release(&after_runs, 1);
	return 0;
}

static void reset_blocks(void)
{
	for (int i = 0; i < MAXB; i++)
		weir_store_relaxed(&blk_hits[i], 0);
	weir_store_relaxed(&blk_total, 0);
	weir_store_relaxed(&blk_bad_nblocks, 0);
	weir_store_relaxed(&blk_bad_index, 0);
	weir_store_relaxed(&blk_after_bad, 0);
	weir_store_relaxed(&after_runs, 0);
}

static void check_split(wt_fix_t *f, weir_stream_t *s, uint32_t nblocks, uint32_t expect)
{
	reset_blocks();
	struct blk_args a = { expect };
	WT_OK(weir_launch(s, k_block, &a, sizeof a, nblocks, 0));
	uint64_t want = expect;
	WT_OK(weir_launch(s, k_after_blocks, &want, sizeof want, 1, 0));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&after_runs), 1);
	assert_int_equal(weir_load_relaxed(&blk_after_bad), 0);
	assert_int_equal(weir_load_relaxed(&blk_bad_nblocks), 0);
	assert_int_equal(weir_load_relaxed(&blk_bad_index), 0);
	assert_int_equal(weir_load_relaxed(&blk_total), expect);
	for (uint32_t i = 0; i < expect; i++)
		if (weir_load_relaxed(&blk_hits[i]) != 1)
			fail_msg("nblocks %u: block %u ran %" PRIu64 " times", nblocks, i,
			         weir_load_relaxed(&blk_hits[i]));
}

static void test_split_kernels(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	check_split(f, s, 0, 1); /* 0 is treated as 1 */
	check_split(f, s, 1, 1);
	check_split(f, s, 2, 2);
	check_split(f, s, 7, 7);
	check_split(f, s, 64, 64);
	check_split(f, s, MAXB, MAXB);
	weir_stream_stats_t st = wt_stats(s);
	assert_int_equal(st.in_flight, 0);
	/* one task per launch, whatever its block count */
	assert_int_equal(st.submitted, 12);
	assert_int_equal(st.completed, 12);
	WT_OK(weir_stream_destroy(s));
}

/* Split kernels on several streams at once: blocks of all streams mix. */
static _Atomic uint64_t multi_hits[4][256];

static int k_multi(void *args, uint32_t block, uint32_t nblocks)
{
	uint32_t idx;
	memcpy(&idx, args, sizeof idx);
	if (block < 256)
		weir_faa_relaxed(&multi_hits[idx][block], 1);
	return 0;
}

static void test_split_kernels_many_streams(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s[4];
	for (uint32_t i = 0; i < 4; i++)
		s[i] = wt_stream(f, 0);
	for (int r = 0; r < 10; r++)
		for (uint32_t i = 0; i < 4; i++)
			WT_OK(weir_launch(s[i], k_multi, &i, sizeof i, 256, 0));
	WT_OK(weir_group_sync(f->g[0], WEIR_TIMEOUT_INFINITE));
	for (uint32_t i = 0; i < 4; i++) {
		for (int b = 0; b < 256; b++)
			assert_int_equal(weir_load_relaxed(&multi_hits[i][b]), 10);
		WT_OK(weir_stream_destroy(s[i]));
	}
}

/* The per-worker counters count each block once. */
static void test_split_counts_in_device_stats(void **state)
{
	wt_fix_t *f = *state;
	weir_worker_stats_t st0[8], st1[8];
	uint32_t n0 = 8, n1 = 8;
	WT_OK(weir_device_stats(f->rt, 1, st0, &n0));
	weir_stream_t *s = wt_stream(f, 1);
	reset_blocks();
	struct blk_args a = { 16 };
	WT_OK(weir_launch(s, k_block, &a, sizeof a, 16, 0));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_device_stats(f->rt, 1, st1, &n1));
	assert_int_equal(n0, n1);
	uint64_t d = 0;
	for (uint32_t i = 0; i < n1; i++)
		d += st1[i].tasks - st0[i].tasks;
	assert_int_equal(d, 16);
	WT_OK(weir_stream_destroy(s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, wt_fix_setup, wt_fix_teardown)
		T(test_args_copied_and_aligned),
		T(test_args_limits),
		T(test_split_kernels),
		T(test_split_kernels_many_streams),
		T(test_split_counts_in_device_stats),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
