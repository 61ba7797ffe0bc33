/*
 * mem/copy.c - checked copies and fills, synchronous and as stream tasks.
 *
 * Every call classifies its pointers (O(1), mem/arena.c) and runs the checks
 * listed in weir/mem.h before a byte moves, so a rejected call changes
 * nothing. An async call checks at submission; in debug mode its task checks
 * again when it runs, and fails with WEIR_EFREED if the memory was freed in
 * between (the failure surfaces at the next synchronize, as ACL reports
 * device faults).
 */
#include "mem/mem_internal.h"
#include "base/alloc.h"

#include <string.h>

enum { OP_COPY = 1, OP_FILL = 2 };

/* How a copy may order its rows so that it acts as memmove does: the result
 * is as if every source byte were read before any destination byte were
 * written, whatever the overlap (copy_order()). */
enum {
	ORDER_ANY = 0,    /* source and destination extents are disjoint: any
	                      order, parallel slices (blocks) included */
	ORDER_UP = 1,     /* one block, rows first to last (height 1: one memmove) */
	ORDER_DOWN = 2,   /* one block, rows last to first */
	ORDER_BOUNCE = 3, /* one block, through a copy of the source extent */
};

/* The argument block of a copy/fill task (fits WEIR_ARGS_MAX). */
struct mem_task {
	struct weir_mem *m;
	char *dst;
	const char *src;
	size_t width, height, dpitch, spitch;
	int32_t value;
	uint8_t op;
	uint8_t order;                /* ORDER_*: fixed at submission */
	uint8_t check_dst, check_src; /* debug: re-check these sides when run */
};
_Static_assert(sizeof(struct mem_task) <= WEIR_ARGS_MAX, "task args too big");

static bool is_dev(const weir_mem_ptrinfo_t *i)
{
	return i->kind == WEIR_MEM_KIND_DEVICE;
}

/* extent = (rows - 1) * pitch + width, or 0 on overflow. */
static size_t extent_of(size_t width, size_t rows, size_t pitch)
{
	if (rows == 0 || width == 0)
		return 0;
	size_t r = rows - 1;
	if (r && pitch > (SIZE_MAX - width) / r)
		return 0;
	return r * pitch + width;
}

/* Liveness and bounds of one side: [p, p + len) inside one live allocation
 * when p is device or pinned memory. */
static int check_side(const weir_mem_ptrinfo_t *i, size_t len)
{
	if (i->kind == WEIR_MEM_KIND_FOREIGN)
		return WEIR_OK;
	if (!i->live)
		return WEIR_EFREED;
	if (len > i->size - i->offset)
		return WEIR_EBOUNDS;
	return WEIR_OK;
}

static int check_kind(int kind, const weir_mem_ptrinfo_t *di, const weir_mem_ptrinfo_t *si)
{
	if (kind < WEIR_COPY_H2H || kind > WEIR_COPY_DEFAULT)
		return WEIR_EINVAL;
	int actual = (is_dev(si) ? 2 : 0) | (is_dev(di) ? 1 : 0);
	if (kind != WEIR_COPY_DEFAULT && kind != actual)
		return WEIR_EDIRECTION;
	return WEIR_OK;
}

/* All checks of a (2D) copy. rows 1 for a plain copy. */
static int check_copy(struct weir_mem *m, void *dst, size_t dpitch, const void *src, size_t spitch,
                      size_t width, size_t rows, int kind, weir_mem_ptrinfo_t *di,
                      weir_mem_ptrinfo_t *si)
{
	if (!dst || !src)
		return WEIR_EINVAL;
	size_t dext = extent_of(width, rows, dpitch);
	size_t sext = extent_of(width, rows, spitch);
	if (!dext || !sext)
		return WEIR_EINVAL;
	weir_mem_classify(m, dst, di);
	weir_mem_classify(m, src, si);
	int rc = check_kind(kind, di, si);
	if (rc == WEIR_OK)
		rc = check_side(di, dext);
	if (rc == WEIR_OK)
		rc = check_side(si, sext);
	return rc;
}

static void do_rows(char *dst, size_t dpitch, const char *src, size_t spitch, size_t width,
                    size_t r0, size_t r1)
{
	for (size_t r = r0; r < r1; r++) {
		char *d = dst + r * dpitch;
		const char *s = src + r * spitch;
		if (d != s)
			memmove(d, s, width);
	}
}

/*
 * The row order that makes a copy of `height` rows act as memmove (the
 * extents already checked: no overflow, width <= both pitches). Each row is
 * one memmove, so only a row's write over a LATER row's source matters:
 *  - disjoint extents: no write touches any source (ORDER_ANY);
 *  - one row: memmove itself (ORDER_UP);
 *  - dst <= src and dpitch <= spitch: row r ends at most at src's row r + 1
 *    start (dst + r dpitch + width <= src + (r + 1) spitch), so first to last
 *    never overwrites a row still to be read (ORDER_UP); the mirror case,
 *    dst >= src and dpitch >= spitch, runs last to first (ORDER_DOWN);
 *  - otherwise the rows cross (one pitch is smaller but its start is
 *    behind): copy the source extent aside first (ORDER_BOUNCE).
 */
static int copy_order(const char *dst, size_t dpitch, const char *src, size_t spitch, size_t width,
                      size_t height)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;
	size_t dext = extent_of(width, height, dpitch);
	size_t sext = extent_of(width, height, spitch);
	if (d < s ? s - d >= dext : d - s >= sext)
		return ORDER_ANY;
	if (height == 1)
		return ORDER_UP;
	if (d <= s && dpitch <= spitch)
		return ORDER_UP;
	if (d >= s && dpitch >= spitch)
		return ORDER_DOWN;
	return ORDER_BOUNCE;
}

/* The whole copy in `order` (one thread). WEIR_ENOMEM when a bounce buffer
 * cannot be had; nothing was written then. */
static int copy_rows(char *dst, size_t dpitch, const char *src, size_t spitch, size_t width,
                     size_t height, int order)
{
	if (order == ORDER_DOWN) {
		for (size_t r = height; r-- > 0;)
			do_rows(dst, dpitch, src, spitch, width, r, r + 1);
		return WEIR_OK;
	}
	if (order == ORDER_BOUNCE) {
		size_t sext = extent_of(width, height, spitch);
		char *tmp = weir__malloc(sext);
		if (!tmp)
			return WEIR_ENOMEM;
		memcpy(tmp, src, sext);
		do_rows(dst, dpitch, tmp, spitch, width, 0, height);
		weir__free(tmp);
		return WEIR_OK;
	}
	do_rows(dst, dpitch, src, spitch, width, 0, height);
	return WEIR_OK;
}

int weir_mem_copy(weir_mem_t *m, void *dst, size_t dst_max, const void *src, size_t count, int kind)
{
	if (!m)
		return WEIR_EINVAL;
	if (count == 0)
		return kind < WEIR_COPY_H2H || kind > WEIR_COPY_DEFAULT ? WEIR_EINVAL : WEIR_OK;
	if (!dst || !src || kind < WEIR_COPY_H2H || kind > WEIR_COPY_DEFAULT)
		return WEIR_EINVAL;
	if (count > dst_max)
		return WEIR_EBOUNDS;
	weir_mem_ptrinfo_t di, si;
	int rc = check_copy(m, dst, count, src, count, count, 1, kind, &di, &si);
	if (rc != WEIR_OK)
		return rc;
	if (dst != src)
		memmove(dst, src, count);
	return WEIR_OK;
}

int weir_mem_copy2d(weir_mem_t *m, void *dst, size_t dpitch, const void *src, size_t spitch,
                    size_t width, size_t height, int kind)
{
	if (!m || kind < WEIR_COPY_H2H || kind > WEIR_COPY_DEFAULT)
		return WEIR_EINVAL;
	if (width == 0 || height == 0)
		return WEIR_OK;
	if (!dst || !src || width > dpitch || width > spitch)
		return WEIR_EINVAL;
	weir_mem_ptrinfo_t di, si;
	int rc = check_copy(m, dst, dpitch, src, spitch, width, height, kind, &di, &si);
	if (rc != WEIR_OK)
		return rc;
	return copy_rows(dst, dpitch, src, spitch, width, height,
	                 copy_order(dst, dpitch, src, spitch, width, height));
}

int weir_mem_fill(weir_mem_t *m, void *dst, size_t dst_max, int value, size_t count)
{
	if (!m)
		return WEIR_EINVAL;
	if (count == 0)
		return WEIR_OK;
	if (!dst)
		return WEIR_EINVAL;
	if (count > dst_max)
		return WEIR_EBOUNDS;
	weir_mem_ptrinfo_t di;
	weir_mem_classify(m, dst, &di);
	int rc = check_side(&di, count);
	if (rc != WEIR_OK)
		return rc;
	memset(dst, value, count);
	return WEIR_OK;
}

int weir_mem_copy_direction(weir_mem_t *m, void *dst, const void *src, int *kind)
{
	if (!m || !kind)
		return WEIR_EINVAL;
	weir_mem_ptrinfo_t di, si;
	weir_mem_classify(m, dst, &di);
	weir_mem_classify(m, src, &si);
	*kind = (is_dev(&si) ? 2 : 0) | (is_dev(&di) ? 1 : 0);
	return WEIR_OK;
}

/* ------------------------------------------------------------------------ */
/* Stream tasks                                                               */
/* ------------------------------------------------------------------------ */

/* Debug re-check when the task runs: the side must still be live and hold
 * the whole extent. */
static int recheck(struct weir_mem *m, const void *p, size_t ext)
{
	weir_mem_ptrinfo_t i;
	weir_mem_classify(m, p, &i);
	return check_side(&i, ext) == WEIR_OK ? WEIR_OK : WEIR_EFREED;
}

static int mem_kernel(void *args, uint32_t block, uint32_t nblocks)
{
	const struct mem_task *t = args;
	if (t->check_dst && block == 0 &&
	    recheck(t->m, t->dst, extent_of(t->width, t->height, t->dpitch)) != WEIR_OK)
		return WEIR_EFREED;
	if (t->check_src && block == 0 &&
	    recheck(t->m, t->src, extent_of(t->width, t->height, t->spitch)) != WEIR_OK)
		return WEIR_EFREED;
	if (t->check_dst || t->check_src || t->order != ORDER_ANY) {
		/* in debug mode the check above gates the whole task, and an
		 * overlapping copy keeps its order: one block (submit() launched
		 * only one) */
		if (block != 0)
			return 0;
		nblocks = 1;
	}
	if (t->op == OP_COPY && t->order != ORDER_ANY)
		return copy_rows(t->dst, t->dpitch, t->src, t->spitch, t->width, t->height,
		                 t->order);
	if (t->height == 1) {
		size_t per = (t->width + nblocks - 1) / nblocks;
		size_t lo = (size_t)block * per;
		size_t hi = lo + per > t->width ? t->width : lo + per;
		if (lo >= hi)
			return 0;
		if (t->op == OP_FILL)
			memset(t->dst + lo, t->value, hi - lo);
		else if (t->dst != t->src)
			memmove(t->dst + lo, t->src + lo, hi - lo);
		return 0;
	}
	size_t per = (t->height + nblocks - 1) / nblocks;
	size_t r0 = (size_t)block * per;
	size_t r1 = r0 + per > t->height ? t->height : r0 + per;
	if (t->op == OP_FILL) {
		for (size_t r = r0; r < r1; r++)
			memset(t->dst + r * t->dpitch, t->value, t->width);
	} else {
		do_rows(t->dst, t->dpitch, t->src, t->spitch, t->width, r0, r1);
	}
	return 0;
}

/* Device memory must be on the stream's device; a D2D copy may have its
 * other side on a peer device. */
static int check_stream(const weir_mem_ptrinfo_t *di, const weir_mem_ptrinfo_t *si, uint32_t sdev)
{
	bool d_here = is_dev(di) && di->device == sdev;
	bool s_here = is_dev(si) && si->device == sdev;
	if (is_dev(di) && is_dev(si))
		return d_here || s_here ? WEIR_OK : WEIR_EFOREIGN;
	if (is_dev(di) && !d_here)
		return WEIR_EFOREIGN;
	if (is_dev(si) && !s_here)
		return WEIR_EFOREIGN;
	return WEIR_OK;
}

/* `found`: the stream s found in the caller's read-side section (the
 * weir__mem_*_found calls), or NULL: look s up. */
static int submit(struct weir_mem *m, struct mem_task *t, weir_stream_t *s,
                  struct weir_stream *found)
{
	/* extent_of() checked: width * height <= the extent, no overflow */
	size_t bytes = t->width * t->height;
	uint32_t nblocks = 1;
	if (t->op == OP_COPY)
		t->order = (uint8_t)copy_order(t->dst, t->dpitch, t->src, t->spitch, t->width,
		                               t->height);
#ifdef WEIR_BUSTED_ASYNC_COPY_OVERLAP
	/* Planted bug (testing the tests): slices are copied independently,
	 * possibly in parallel, whatever the overlap - as before the fix. */
	t->order = ORDER_ANY;
#endif
	if (!m->debug && t->order == ORDER_ANY && bytes >= ((size_t)8 << 20)) {
		size_t units = t->height == 1 ? bytes / ((size_t)4 << 20) : t->height;
		nblocks = units > 8 ? 8 : (uint32_t)units;
		if (nblocks == 0)
			nblocks = 1;
	}
	if (found)
		return weir__launch_found(found, mem_kernel, t, sizeof(*t), nblocks);
	return weir_launch(s, mem_kernel, t, sizeof(*t), nblocks, 0);
}

static int stream_dev(struct weir_mem *m, weir_stream_t *s, struct weir_stream *found,
                      uint32_t *dev)
{
	if (!m->rt)
		return WEIR_ENOTSUP;
	if (found) {
		*dev = weir__stream_found_device(found);
		return WEIR_OK;
	}
	if (!s)
		return WEIR_EHANDLE;
	return weir_stream_device(s, dev);
}

static int copy2d_async(struct weir_mem *m, void *dst, size_t dpitch, const void *src,
                        size_t spitch, size_t width, size_t height, int kind, weir_stream_t *s,
                        struct weir_stream *found)
{
	uint32_t sdev;
	int rc = stream_dev(m, s, found, &sdev);
	if (rc != WEIR_OK)
		return rc;
	weir_mem_ptrinfo_t di, si;
	rc = check_copy(m, dst, dpitch, src, spitch, width, height, kind, &di, &si);
	if (rc == WEIR_OK)
		rc = check_stream(&di, &si, sdev);
	if (rc != WEIR_OK)
		return rc;
	struct mem_task t = {
		.m = m,
		.dst = dst,
		.src = src,
		.width = width,
		.height = height,
		.dpitch = dpitch,
		.spitch = spitch,
		.op = OP_COPY,
		.check_dst = m->debug && di.kind != WEIR_MEM_KIND_FOREIGN,
		.check_src = m->debug && si.kind != WEIR_MEM_KIND_FOREIGN,
	};
	return submit(m, &t, s, found);
}

static int copy_async(weir_mem_t *m, void *dst, size_t dst_max, const void *src, size_t count,
                      int kind, weir_stream_t *s, struct weir_stream *found)
{
	if (!m)
		return WEIR_EINVAL;
	if (kind < WEIR_COPY_H2H || kind > WEIR_COPY_DEFAULT)
		return WEIR_EINVAL;
	if (count == 0)
		return WEIR_OK;
	if (!dst || !src)
		return WEIR_EINVAL;
	if (count > dst_max)
		return WEIR_EBOUNDS;
	return copy2d_async(m, dst, count, src, count, count, 1, kind, s, found);
}

int weir_mem_copy_async(weir_mem_t *m, void *dst, size_t dst_max, const void *src, size_t count,
                        int kind, weir_stream_t *s)
{
	return copy_async(m, dst, dst_max, src, count, kind, s, NULL);
}

int weir__mem_copy_async_found(weir_mem_t *m, void *dst, size_t dst_max, const void *src,
                               size_t count, int kind, weir_stream_t *s, struct weir_stream *found)
{
	return copy_async(m, dst, dst_max, src, count, kind, s, found);
}

static int copy2d_async_args(weir_mem_t *m, void *dst, size_t dpitch, const void *src,
                             size_t spitch, size_t width, size_t height, int kind, weir_stream_t *s,
                             struct weir_stream *found)
{
	if (!m || kind < WEIR_COPY_H2H || kind > WEIR_COPY_DEFAULT)
		return WEIR_EINVAL;
	if (width == 0 || height == 0)
		return WEIR_OK;
	if (!dst || !src || width > dpitch || width > spitch)
		return WEIR_EINVAL;
	return copy2d_async(m, dst, dpitch, src, spitch, width, height, kind, s, found);
}

int weir_mem_copy2d_async(weir_mem_t *m, void *dst, size_t dpitch, const void *src, size_t spitch,
                          size_t width, size_t height, int kind, weir_stream_t *s)
{
	return copy2d_async_args(m, dst, dpitch, src, spitch, width, height, kind, s, NULL);
}

int weir__mem_copy2d_async_found(weir_mem_t *m, void *dst, size_t dpitch, const void *src,
                                 size_t spitch, size_t width, size_t height, int kind,
                                 weir_stream_t *s, struct weir_stream *found)
{
	return copy2d_async_args(m, dst, dpitch, src, spitch, width, height, kind, s, found);
}

static int fill_async(weir_mem_t *m, void *dst, size_t dst_max, int value, size_t count,
                      weir_stream_t *s, struct weir_stream *found)
{
	if (!m)
		return WEIR_EINVAL;
	if (count == 0)
		return WEIR_OK;
	if (!dst)
		return WEIR_EINVAL;
	if (count > dst_max)
		return WEIR_EBOUNDS;
	uint32_t sdev;
	int rc = stream_dev(m, s, found, &sdev);
	if (rc != WEIR_OK)
		return rc;
	weir_mem_ptrinfo_t di, none = { .kind = WEIR_MEM_KIND_FOREIGN };
	weir_mem_classify(m, dst, &di);
	rc = check_side(&di, count);
	if (rc == WEIR_OK)
		rc = check_stream(&di, &none, sdev);
	if (rc != WEIR_OK)
		return rc;
	struct mem_task t = {
		.m = m,
		.dst = dst,
		.src = NULL,
		.width = count,
		.height = 1,
		.dpitch = count,
		.spitch = count,
		.value = value,
		.op = OP_FILL,
		.check_dst = m->debug && di.kind != WEIR_MEM_KIND_FOREIGN,
	};
	return submit(m, &t, s, found);
}

int weir_mem_fill_async(weir_mem_t *m, void *dst, size_t dst_max, int value, size_t count,
                        weir_stream_t *s)
{
	return fill_async(m, dst, dst_max, value, count, s, NULL);
}

int weir__mem_fill_async_found(weir_mem_t *m, void *dst, size_t dst_max, int value, size_t count,
                               weir_stream_t *s, struct weir_stream *found)
{
	return fill_async(m, dst, dst_max, value, count, s, found);
}
