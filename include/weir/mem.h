/*
 * weir/mem.h - device memory: one arena per virtual device, pinned host
 * memory, and checked copies and fills (synchronous or as stream tasks).
 *
 * Model.
 *  - A weir_mem_t serves every device of one runtime. Device d owns one
 *    reserved address range of `capacity` bytes (mmap, no reserve); pages are
 *    committed on first use and stay committed, so the steady state makes no
 *    system call. Pinned host memory is a further arena of the same design,
 *    reported as device WEIR_MEM_HOST.
 *  - Every allocation starts 64-byte aligned. Small sizes (<= 256 KiB) come
 *    from size-class slabs through per-thread caches; larger sizes are runs of
 *    64 KiB pages with coalescing. Huge-page policies align to 2 MiB and
 *    advise MADV_HUGEPAGE.
 *  - Metadata lives outside the arenas (a page map), so any pointer is
 *    classified in O(1): start of a live allocation on device d, inside one,
 *    in freed space, host-pinned, or foreign (any other address, e.g. malloc).
 *  - Accounting is exact: `in_use` is the sum of the sizes requested by live
 *    allocations; `free` = capacity - in_use. Running out returns WEIR_ENOMEM.
 *
 * Misuse is detected and changes nothing: a double free (WEIR_EFREED), an
 * interior free (WEIR_EINTERIOR), a foreign free (WEIR_EFOREIGN), a copy past
 * an allocation's end or beyond dst_max (WEIR_EBOUNDS), a copy kind that
 * contradicts the pointers (WEIR_EDIRECTION), a copy touching freed device
 * memory (WEIR_EFREED). A double free after the block was handed out again
 * frees the new owner's block: no allocator can tell these apart. Two
 * threads freeing one block at the same time: exactly one succeeds, except
 * when one of them is the thread that allocated it and the two calls overlap
 * within a few instructions - then both may return WEIR_OK. The allocator
 * stays consistent either way (the block is reused once); the free counted
 * twice is corrected, and counted in bad_frees, when the allocating thread
 * next refills its cache or calls weir_mem_flush().
 *
 * Small blocks freed by a thread other than the one that allocated them go
 * back to the allocating thread's cache (in batches of up to 32, so up to 31
 * blocks per freeing thread may wait there), which makes the allocating
 * thread's free path free of atomic read-modify-writes. Accounting counts a
 * free at once, wherever the block waits; the allocating thread takes such
 * blocks back when it next refills its cache, calls weir_mem_flush() or
 * exits, so a thread that stops allocating should call weir_mem_flush().
 *
 * Thread-safety: every function may be called from any thread, except that
 * weir_mem_destroy() must not race other calls on the same weir_mem_t.
 * Freeing a pointer while another thread copies into it is the caller's race
 * (as in ACL), but never corrupts the allocator.
 */
#ifndef WEIR_MEM_H
#define WEIR_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "weir/status.h"
#include "weir/sched.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An owned pointer to the library's object, not a registry handle (see
 * "Handle types" in weir/sched.h): valid from create until destroy. */
typedef struct weir_mem weir_mem_t;

/* Default bytes per device when neither the config nor WEIR_MEM_CAPACITY
 * sets one: 1 GiB of address space each (only touched pages cost memory). */
#define WEIR_MEM_DEFAULT_CAPACITY ((uint64_t)1 << 30)
/* Pseudo device id naming the pinned host arena in weir_mem_info(). */
#define WEIR_MEM_HOST UINT32_C(0xFFFFFFFF)
/* Every allocation starts aligned to this. */
#define WEIR_MEM_ALIGN     64u
#define WEIR_MEM_HUGE_PAGE ((size_t)2 << 20)

/* Creation options. */
typedef struct weir_mem_options {
	uint32_t devices;       /* used only when rt is NULL (no async copies then) */
	uint64_t capacity;      /* bytes per device; 0 = rt config mem_capacity, then
	                        env WEIR_MEM_CAPACITY (decimal bytes, or with a
	                        K/M/G/T suffix, "Ki"/"KiB"/"KB" spellings too),
	                        then WEIR_MEM_DEFAULT_CAPACITY; 2 MiB .. 32 TiB */
	uint64_t host_capacity; /* pinned host arena; 0 = same as capacity;
	                           2 MiB .. 32 TiB */
	uint32_t flags;         /* WEIR_MEM_OPT_* */
} weir_mem_options_t;

#define WEIR_MEM_OPT_DEBUG \
	0x1u                       /* poison freed memory (0xDB) and fresh memory
                                       (0xA5); async copies re-check their
                                       pointers when they run (env WEIR_MEM_DEBUG=1) */
#define WEIR_MEM_OPT_NO_DEBUG 0x2u /* ignore WEIR_MEM_DEBUG */

/* Create the memory of every device of `rt`: one arena per device plus the
 * pinned host arena. Capacity from rt's config, then WEIR_MEM_CAPACITY, then
 * the default. Returns WEIR_OK; WEIR_EINVAL (NULL rt or out; a malformed
 * WEIR_MEM_CAPACITY; a capacity that cannot be reserved: below 2 MiB, above
 * 32 TiB, or (devices + 1) strides - the larger of the two capacities
 * rounded up to a power of two - above 2^46 bytes = 64 TiB); WEIR_ENOMEM
 * (metadata or address-space reservation failed). Any 64-bit capacity
 * returns at once (no arithmetic on it overflows). Nothing is left behind
 * on failure. Partner: weir_mem_destroy(). */
WEIR_API int weir_mem_create(weir_runtime_t *rt, weir_mem_t **out);

/* As weir_mem_create() with options; rt may be NULL (opt->devices devices,
 * 1..WEIR_MAX_DEVICES; async calls then return WEIR_ENOTSUP). opt NULL means
 * defaults. Partner: weir_mem_destroy(). */
WEIR_API int weir_mem_create_ex(weir_runtime_t *rt, const weir_mem_options_t *opt,
                                weir_mem_t **out);

/* Release every arena and all metadata; live allocations vanish with it.
 * Async copies still queued must have finished (synchronize first). NULL is
 * a no-op. Must not race any other call on `m`. */
WEIR_API void weir_mem_destroy(weir_mem_t *m);

WEIR_API uint32_t weir_mem_device_count(const weir_mem_t *m);

/* ------------------------------------------------------------------------ */
/* Allocation                                                                 */
/* ------------------------------------------------------------------------ */

/* Values equal ACL's aclrtMemMallocPolicy 0..2. */
enum weir_mem_policy {
	WEIR_MEM_HUGE_FIRST = 0,  /* > 1 MiB: 2 MiB-aligned huge run if one is free,
	                             else normal pages; smaller sizes: normal */
	WEIR_MEM_HUGE_ONLY = 1,   /* always a 2 MiB-aligned run of whole huge
	                             pages; WEIR_ENOMEM rather than fall back */
	WEIR_MEM_NORMAL_ONLY = 2, /* normal pages only */
};

/* Allocate `size` bytes on device `dev`, 64-byte aligned, uninitialized
 * (0xA5 in debug mode). Returns WEIR_OK; WEIR_EINVAL (NULL out, size 0, policy
 * out of range); WEIR_EDEVICE; WEIR_ENOMEM (*out untouched). Lock-free for
 * sizes <= 256 KiB when the thread's cache holds a block.
 * Partner: weir_mem_free(). */
WEIR_API int weir_mem_alloc(weir_mem_t *m, uint32_t dev, size_t size, int policy, void **out);

/* Free a block from weir_mem_alloc(), on any device, from any thread.
 * Returns WEIR_OK; WEIR_EINVAL (NULL); WEIR_EFREED (already freed, or never
 * allocated); WEIR_EINTERIOR (inside a live block, not its start);
 * WEIR_EFOREIGN (not device memory of `m`: host-pinned or foreign). On any
 * error nothing changes. */
WEIR_API int weir_mem_free(weir_mem_t *m, void *p);

/* Hand the blocks this thread freed for other threads on to them, and take
 * back the ones other threads freed for this thread (both happen on their
 * own as caches fill and empty; a thread's exit hands its blocks on too).
 * NULL is a no-op. */
WEIR_API void weir_mem_flush(weir_mem_t *m);

/* Pinned host memory, 64-byte aligned. Returns as weir_mem_alloc() (without
 * WEIR_EDEVICE). Partner: weir_mem_host_free(). */
WEIR_API int weir_mem_host_alloc(weir_mem_t *m, size_t size, void **out);
/* Returns as weir_mem_free(); device memory gives WEIR_EFOREIGN. */
WEIR_API int weir_mem_host_free(weir_mem_t *m, void *p);

/* ------------------------------------------------------------------------ */
/* Classification and statistics                                              */
/* ------------------------------------------------------------------------ */

enum weir_mem_kind {
	WEIR_MEM_KIND_FOREIGN = 0, /* not in any arena of m (pageable host memory) */
	WEIR_MEM_KIND_DEVICE = 1,
	WEIR_MEM_KIND_PINNED = 2, /* pinned host arena */
};

typedef struct weir_mem_ptrinfo {
	int kind;        /* enum weir_mem_kind */
	uint32_t device; /* device id; WEIR_MEM_HOST for pinned */
	bool live;       /* inside a live allocation */
	bool start;      /* p is the start of that allocation */
	void *base;      /* start of the live allocation, else NULL */
	size_t size;     /* its requested size, else 0 */
	size_t offset;   /* p - base */
} weir_mem_ptrinfo_t;

/* Classify any address in O(1). Never dereferences p. Returns WEIR_OK or
 * WEIR_EINVAL (NULL m or info). */
WEIR_API int weir_mem_classify(weir_mem_t *m, const void *p, weir_mem_ptrinfo_t *info);

typedef struct weir_mem_stats {
	uint64_t capacity;  /* bytes of the arena */
	uint64_t in_use;    /* sum of requested sizes of live allocations */
	uint64_t free;      /* capacity - in_use */
	uint64_t footprint; /* bytes of class- or page-rounded live blocks */
	uint64_t committed; /* bytes made accessible so far (never shrinks) */
	uint64_t live;      /* live allocations */
	uint64_t allocs, frees;
	uint64_t failed_allocs; /* WEIR_ENOMEM returns */
	uint64_t bad_frees;     /* rejected frees */
	uint64_t huge_allocs;   /* allocations that got 2 MiB-aligned huge runs */
	uint64_t syscalls;      /* mmap/mprotect/madvise made for this arena */
} weir_mem_stats_t;

/* Statistics of device `dev` (or WEIR_MEM_HOST). Exact when no other thread
 * is allocating or freeing at the time; otherwise each counter is a recent
 * value. Returns WEIR_OK, WEIR_EINVAL, WEIR_EDEVICE. */
WEIR_API int weir_mem_info(weir_mem_t *m, uint32_t dev, weir_mem_stats_t *out);

/* ------------------------------------------------------------------------ */
/* Copies and fills                                                           */
/* ------------------------------------------------------------------------ */

/* Values equal ACL's aclrtMemcpyKind 0..4. "Host" is pinned or foreign memory. */
enum weir_copy_kind {
	WEIR_COPY_H2H = 0,
	WEIR_COPY_H2D = 1,
	WEIR_COPY_D2H = 2,
	WEIR_COPY_D2D = 3,     /* also between two devices (peer copy) */
	WEIR_COPY_DEFAULT = 4, /* direction inferred from the pointers */
};

/*
 * Checks common to every copy and fill, in this order, before any byte moves:
 *   WEIR_EINVAL     NULL pointer with count > 0, kind out of range;
 *   WEIR_EBOUNDS    count > dst_max;
 *   WEIR_EDIRECTION the kind contradicts where the pointers lie;
 *   WEIR_EFREED     a device or pinned pointer lies in freed space;
 *   WEIR_EBOUNDS    the range runs past the end of its allocation (either side);
 *   WEIR_EFOREIGN   (async) device memory of a device other than the stream's,
 *                   except one side of a D2D peer copy.
 * count 0 is WEIR_OK and does nothing; dst == src is a successful no-op.
 *
 * Overlap: every copy, sync or async, 1D or 2D, of any size, acts as memmove
 * - as if every source byte were read before any destination byte were
 * written. An async copy whose source and destination extents are disjoint
 * may run as parallel slices (>= 8 MiB); one whose extents overlap runs as one
 * task in the order that keeps this (a 2D copy whose rows cross, e.g. dst
 * behind src with a larger pitch, copies the source extent aside first).
 */

/* Synchronous copy; does not wait for any stream. */
WEIR_API int weir_mem_copy(weir_mem_t *m, void *dst, size_t dst_max, const void *src, size_t count,
                           int kind);

/* Copy `height` rows of `width` bytes with pitches; each row is checked as
 * above, the whole extent before any byte moves. width > spitch or
 * width > dpitch: WEIR_EINVAL. width or height 0: WEIR_OK. Rows that cross
 * (see "Overlap") need a host buffer of the source extent: WEIR_ENOMEM,
 * nothing written, if there is none. */
WEIR_API int weir_mem_copy2d(weir_mem_t *m, void *dst, size_t dpitch, const void *src,
                             size_t spitch, size_t width, size_t height, int kind);

/* Fill count bytes with (uint8_t)value. dst may be device or pinned memory. */
WEIR_API int weir_mem_fill(weir_mem_t *m, void *dst, size_t dst_max, int value, size_t count);

/* The same as tasks on stream `s`, run after its earlier tasks. The checks
 * run at submission; in debug mode they run again when the task runs, and a
 * task that finds freed memory fails with the code WEIR_EFREED, and a 2D
 * task whose rows cross and that gets no bounce buffer fails with the code
 * WEIR_ENOMEM (task failures: the next synchronize reports WEIR_EKERNEL,
 * weir_stream_sync_code() the code; weir/status.h). Host memory must stay
 * valid until the task has run. Returns the checks' codes or weir_launch()'s;
 * WEIR_ENOTSUP without a runtime. */
WEIR_API int weir_mem_copy_async(weir_mem_t *m, void *dst, size_t dst_max, const void *src,
                                 size_t count, int kind, weir_stream_t *s);
WEIR_API int weir_mem_copy2d_async(weir_mem_t *m, void *dst, size_t dpitch, const void *src,
                                   size_t spitch, size_t width, size_t height, int kind,
                                   weir_stream_t *s);
WEIR_API int weir_mem_fill_async(weir_mem_t *m, void *dst, size_t dst_max, int value, size_t count,
                                 weir_stream_t *s);

/* The direction a copy from src to dst has (WEIR_COPY_H2H..D2D), for callers
 * that must treat pageable host memory specially (ACL's MemcpyAsync). */
WEIR_API int weir_mem_copy_direction(weir_mem_t *m, void *dst, const void *src, int *kind);

#ifdef WEIR_BUILDING_LIBRARY /* invisible to applications */
/* Library-internal (not exported; weir/sched.h, "one-lookup enqueues"):
 * weir_mem_copy_async, weir_mem_copy2d_async and weir_mem_fill_async onto
 * `found`, the stream s as weir__stream_find() found it in the read-side
 * section the caller still holds: no stream lookup. Same checks, order and
 * codes, except WEIR_EAGAIN: the stream is full and nothing was queued; the
 * caller leaves the section and makes the public call. */
struct weir_stream;
int weir__mem_copy_async_found(weir_mem_t *m, void *dst, size_t dst_max, const void *src,
                               size_t count, int kind, weir_stream_t *s, struct weir_stream *found);
int weir__mem_copy2d_async_found(weir_mem_t *m, void *dst, size_t dpitch, const void *src,
                                 size_t spitch, size_t width, size_t height, int kind,
                                 weir_stream_t *s, struct weir_stream *found);
int weir__mem_fill_async_found(weir_mem_t *m, void *dst, size_t dst_max, int value, size_t count,
                               weir_stream_t *s, struct weir_stream *found);

#endif /* WEIR_BUILDING_LIBRARY */

#ifdef __cplusplus
}
#endif
#endif /* WEIR_MEM_H */
