/*
 * kern/frame.h: the physical frame allocator. Arch-neutral; its host tests
 * run it over a host buffer standing in for RAM.
 *
 * The pool is RAM (the usable ranges) minus the reserved ranges (kernel
 * image, firmware, DTB, initrd...), cut into page-aligned zones: at most
 * FRAME_MAX_ZONES disjoint, sorted runs of frames. Usable frames are those
 * wholly inside a usable range and wholly outside every reserved range.
 *
 * Metadata, per zone, a bitmap: bit i set means frame base + i * PAGE_SIZE
 * is not free (allocated, or a padding bit past the zone's end). The
 * bitmaps sit in frames carved out of the first zone big enough, at init,
 * and are never part of any zone: [meta_base, +meta_size).
 *
 * Free frames also form one doubly linked list threaded through the frames
 * themselves: the first 16 bytes of a free frame hold the physical
 * addresses of the next and previous free frames (FRAME_NONE ends it).
 *
 *   bitmap bit of F == 0  <=>  F is on the free list    (frame_pool_check)
 *
 * Costs: frame_alloc pops the list head, O(log zones) for the bitmap;
 * frame_free checks the bit (catching a double free or a foreign frame),
 * O(log zones); frame_alloc_contig is first fit over the bitmaps, a word at
 * a time, then unlinks its frames in O(1) each. Init writes the links of
 * every free frame once.
 *
 * Frames are handed out with whatever they contained (not zeroed), and a
 * free frame's first 16 bytes are overwritten. phys_to_virt must map every
 * usable frame, and the metadata area contiguously.
 *
 * Locking: none. One hart for now; the caller serializes every call.
 */
#ifndef PAGODA_KERN_FRAME_H
#define PAGODA_KERN_FRAME_H

#include <pagoda/types.h>

#define FRAME_MAX_ZONES 64
#define FRAME_NONE ((paddr_t)-1)	/* the free list's null link */

/* A physical address range [base, base + size); size 0 is ignored. */
struct phys_range {
	paddr_t base;
	psize_t size;
};

struct frame_zone {
	paddr_t fz_base;	/* page aligned */
	size_t fz_npages;	/* > 0 */
	size_t fz_nfree;	/* clear bits among the first fz_npages */
	uint64_t *fz_bitmap;	/* in the metadata area; bit set = not free */
	size_t fz_low;		/* every frame below this index is allocated */
};

struct frame_pool {
	struct frame_zone fp_zones[FRAME_MAX_ZONES];	/* sorted by fz_base, disjoint */
	size_t fp_nzones;
	paddr_t fp_free_head;		/* first free frame, or FRAME_NONE */
	size_t fp_nfree;		/* frames on the free list */
	size_t fp_total;		/* frames in all zones */
	paddr_t fp_meta_base;		/* the bitmaps' frames, outside every zone */
	psize_t fp_meta_size;
	void *(*fp_phys_to_virt)(paddr_t pa);
};

int frame_pool_init(struct frame_pool *pool, const struct phys_range *usable, size_t nusable,
		    const struct phys_range *reserved, size_t nreserved,
		    void *(*phys_to_virt)(paddr_t pa));
int frame_alloc(struct frame_pool *pool, paddr_t *out);
int frame_alloc_contig(struct frame_pool *pool, size_t npages, size_t align_pages, paddr_t *out);
int frame_free(struct frame_pool *pool, paddr_t pa);
int frame_free_contig(struct frame_pool *pool, paddr_t pa, size_t npages);
bool frame_pool_contains(const struct frame_pool *pool, paddr_t pa);
size_t frame_pool_free_count(const struct frame_pool *pool);
size_t frame_pool_total(const struct frame_pool *pool);
int frame_pool_check(const struct frame_pool *pool);

#endif
