/*
 * vm/pt.h: the arch-neutral page-table walker.
 *
 * Maps, unmaps, protects and queries ranges of one hardware page-table tree
 * whose entry format is given as data (struct pt_fmt, vm/pt_fmt.h). The
 * kernel uses it for its own tables at boot and for the map, unmap, protect
 * and query syscalls; host tests run it over every format in plain memory.
 *
 * The walker never allocates, frees or reaches memory by itself: a struct
 * pt_ctx carries the root's physical address and a struct pt_env of
 * callbacks that turn a table's physical address into a pointer, hand out
 * table pages (may fail) and take them back. A context works in one window
 * of the address space, the user half or the kernel half of its format, and
 * refuses addresses outside it.
 *
 * Every operation validates all of its input first and then either completes
 * or changes nothing: pt_map allocates every table it will need before it
 * writes the first entry ("check, then commit"). Errors are 0 or -ERRNO;
 * nothing here panics on bad arguments. Checks run in this order, so an
 * input with several faults gets the first code:
 *   leaf level     -EINVAL   above the format's largest leaf, or large in user space
 *   flags          -EINVAL   unknown bits, no R/W/X, PT_USER/PT_GLOBAL against the window,
 *                            or a reserved encoding; -ENOTSUP: the format cannot express it
 *   count, align   -EINVAL   zero pages, or va not aligned to the leaf size
 *   overflow       -EOVERFLOW va + length wraps past 2^64
 *   window         -EFAULT   any page outside the context's half (non-canonical included)
 *   pa (map)       -EINVAL misaligned, -EOVERFLOW wraps, -ERANGE beyond the format's pa_bits
 *   policy (map)   -EINVAL   not an enum pt_existing value
 *   existing (map) -EEXIST   see enum pt_existing
 *   tables (map)   -ENOMEM   (or the allocator's code) with nothing changed
 *
 * TLB: the walker never flushes. After unmap, protect, pt_clear_accessed or
 * a PT_EXISTING_REPLACE map the caller flushes the reported range; a table
 * given back through table_free may still sit in paging-structure caches, so
 * the caller must not reuse it before that flush.
 *
 * Locks: the caller serialises every operation on one tree (the kernel holds
 * the address space's lock). The MMU may set A and D concurrently, so leaf
 * updates that must keep them use atomic exchange or compare-and-swap.
 */
#ifndef PAGODA_VM_PT_H
#define PAGODA_VM_PT_H

#include <pagoda/types.h>
#include <vm/pt_fmt.h>

/* The half of the address space a context may touch. */
enum pt_space {
	PT_SPACE_USER,		/* [fmt->user_min, fmt->user_top): 4 KiB leaves, PT_USER */
	PT_SPACE_KERNEL,	/* [fmt->kernel_base, 2^64): any leaf size, never PT_USER */
};

/* What pt_map does with a page of its range that is already mapped. */
enum pt_existing {
	PT_EXISTING_ERROR,	/* -EEXIST, nothing changed */
	PT_EXISTING_SKIP,	/* keep the old mapping, map the other pages */
	PT_EXISTING_REPLACE,	/* overwrite it, reporting the old leaf */
};

/*
 * How the walker reaches memory. @cookie is pt_ctx.cookie.
 * table_virt: a pointer to the table page at @pa (the kernel's direct map,
 *   or a test's buffer); called only for pages the tree holds or that
 *   table_alloc returned.
 * table_alloc: store a page-aligned table page in *@pa and return 0, or
 *   return a negative code (-ENOMEM). Its contents need not be zero.
 * table_free: take back a page from table_alloc that is no longer linked.
 * table_live (may be NULL): a counter the caller keeps per table page, in
 *   which the walker maintains the number of valid entries of the table
 *   (of the root: of its window). Unmap then knows a table emptied without
 *   scanning its 512 entries. Without it, unmap scans.
 * zeroed: table_alloc hands out zeroed pages, so the walker need not.
 */
struct pt_env {
	pte_t *(*table_virt)(void *cookie, paddr_t pa);
	int (*table_alloc)(void *cookie, paddr_t *pa);
	void (*table_free)(void *cookie, paddr_t pa);
	uint16_t *(*table_live)(void *cookie, paddr_t pa);
	bool zeroed;
};

struct pt_ctx {
	const struct pt_fmt *fmt;
	const struct pt_env *env;
	void *cookie;		/* passed to every env callback */
	paddr_t root;		/* the root table, owned by the caller */
	enum pt_space space;
	vaddr_t va_min;		/* the window, [va_min, va_last] inclusive */
	vaddr_t va_last;
	bool free_empty;	/* unmap frees tables it empties (user default) */
};

/* One leaf as reported to callers. */
struct pt_leaf {
	vaddr_t va;		/* first VA of the leaf, aligned to size */
	paddr_t pa;		/* first PA of the leaf */
	vsize_t size;		/* bytes: PAGE_SIZE or a large leaf's size */
	unsigned int level;	/* 0 for 4 KiB */
	unsigned int flags;	/* PT_* including PT_ACCESSED / PT_DIRTY */
};

/* A sink for old leaves (unmap, replace, clear_accessed); arg is the caller's. */
struct pt_report {
	void (*fn)(void *arg, const struct pt_leaf *leaf);
	void *arg;
};

int pt_ctx_init(struct pt_ctx *ctx, const struct pt_fmt *fmt, paddr_t root, enum pt_space space,
		const struct pt_env *env, void *cookie);

int pt_tables_needed(const struct pt_ctx *ctx, vaddr_t va, size_t npages, size_t *ntables);
int pt_tables_needed_large(const struct pt_ctx *ctx, vaddr_t va, size_t nleaves,
			   unsigned int level, size_t *ntables);

int pt_map(const struct pt_ctx *ctx, vaddr_t va, paddr_t pa, size_t npages, unsigned int flags,
	   enum pt_existing existing, const struct pt_report *replaced);
int pt_map_large(const struct pt_ctx *ctx, vaddr_t va, paddr_t pa, size_t nleaves,
		 unsigned int level, unsigned int flags, enum pt_existing existing,
		 const struct pt_report *replaced);

int pt_map_one(const struct pt_ctx *ctx, vaddr_t va, paddr_t pa, unsigned int flags,
	       enum pt_existing existing, const struct pt_report *replaced);
int pt_unmap(const struct pt_ctx *ctx, vaddr_t va, size_t npages, const struct pt_report *old);
int pt_protect(const struct pt_ctx *ctx, vaddr_t va, size_t npages, unsigned int flags);
int pt_protect_one(const struct pt_ctx *ctx, vaddr_t va, unsigned int flags, unsigned int need);
int pt_clear_accessed(const struct pt_ctx *ctx, vaddr_t va, size_t npages,
		      const struct pt_report *old);
int pt_set_ad(const struct pt_ctx *ctx, vaddr_t va, unsigned int ad);
int pt_query(const struct pt_ctx *ctx, vaddr_t va, struct pt_leaf *leaf);

int pt_walk_leaves(const struct pt_ctx *ctx, int (*fn)(void *arg, const struct pt_leaf *leaf),
		   void *arg);
int pt_walk_range(const struct pt_ctx *ctx, vaddr_t va, size_t npages,
		  int (*fn)(void *arg, const struct pt_leaf *leaf), void *arg);
void pt_destroy(const struct pt_ctx *ctx);
void pt_share_kernel_half(const struct pt_fmt *fmt, pte_t *dst_root, const pte_t *src_root);

int pt_check(const struct pt_ctx *ctx);

#endif
