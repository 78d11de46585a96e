/*
 * lib/heap.h: a general-purpose memory allocator core over caller-given
 * regions (userland malloc; later any server that manages its own memory).
 * No locking: the owner of a struct heap serialises every call on it.
 *
 * The heap owns no memory of its own. heap_add_region() hands it a range,
 * which it keeps until the heap is abandoned; regions may be added at any
 * time (the pager's brk and mmap will grow a process heap this way). A
 * region that starts exactly where an earlier one ends extends that one, so
 * a heap grown by brk stays one region and blocks may span the seam.
 *
 * Layout of one region (every address and size a multiple of HEAP_ALIGN):
 *
 *   base                                                        base + len
 *   | region hdr | block | block | ...                   | block | end |
 *                  ^ hdr + payload (used) or hdr + links + unused (free)
 *
 * Every block starts with a 32-byte header: a tag (USED, FREE or END, each
 * xored with a key derived from the heap's address, so a pointer from
 * another heap or into the middle of nowhere is refused), the block size
 * (header included), the size of the block just below it (0 for the first
 * block: the "boundary tag" that finds the lower neighbour in O(1)) and a
 * seal word computed from the other three, which catches a header smashed
 * by a buffer overrun. The END header closes each region.
 *
 * Invariants (checked by heap_check()):
 *   - each region's blocks tile it exactly, first block to END header, and
 *     each block's prev_size is the size of the block below it;
 *   - no two free blocks are adjacent (freeing coalesces at once);
 *   - the free lists hold exactly the free blocks, each in the bin of its
 *     size, and the bin bitmap marks exactly the non-empty bins;
 *   - the counters equal what a walk of the blocks finds.
 *
 * Free blocks sit in segregated lists ("bins"): four bins per power of two
 * of the block size (sizes below 128 bytes get one bin each), the last bin
 * taking every block too large for the others, plus a bitmap of the
 * non-empty bins. Allocation scans the bin of the needed size first fit,
 * and otherwise takes the first block of the next non-empty bin, all of
 * whose blocks are large enough. The chosen block is split when the excess
 * can make a block of its own, so a used block exceeds its request by less
 * than HEAP_MIN_BLOCK plus the rounding.
 *
 * Costs (B = blocks in one bin, R = regions, N = blocks in the heap):
 *   heap_alloc          O(B), usually O(1)
 *   heap_free           O(R) to prove the pointer is ours, then O(1)
 *   heap_realloc        as free, plus an alloc and a copy if the block
 *                       cannot grow into its upper neighbour
 *   heap_add_region     O(R)
 *   heap_stats          O(B) for the largest free block
 *   heap_check          O(N + R * free blocks)
 * Overhead: 32 bytes per block, 64 bytes per region, and a request is
 * rounded up to a multiple of 16 (smallest block: 48 bytes).
 *
 * Bad pointers: heap_free(), heap_realloc() and heap_usable_size() refuse a
 * pointer that is not the payload of a live block of this heap (a double
 * free, a foreign pointer, a smashed header): they log it, ASSERT (fatal
 * when CONFIG_ASSERT is on) and otherwise return without touching memory.
 */
#ifndef PAGODA_LIB_HEAP_H
#define PAGODA_LIB_HEAP_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>
#include <lib/list.h>

/* Every pointer heap_alloc returns is aligned to this; so must regions be. */
#define HEAP_ALIGN 16
/* Size of a block header, and so the bytes a used block adds to a request. */
#define HEAP_HDR_SIZE 32
/* Smallest block: a header and the free-list links. */
#define HEAP_MIN_BLOCK 48
/* Region overhead: its header and the END header. */
#define HEAP_REGION_OVERHEAD 64
/* Smallest region heap_add_region accepts: overhead and one block. */
#define HEAP_MIN_REGION (HEAP_REGION_OVERHEAD + HEAP_MIN_BLOCK)
/* Largest request heap_alloc can ever satisfy; larger ones fail at once. */
#define HEAP_MAX_ALLOC ((size_t)1 << 62)

#define HEAP_NBINS 128

struct heap_region;

struct heap {
	uintptr_t h_key;			/* xored into every tag */
	struct heap_region *h_regions;		/* address order */
	struct list_node h_bins[HEAP_NBINS];	/* free blocks, by size class */
	uint64_t h_binmap[HEAP_NBINS / 64];	/* bit i: h_bins[i] not empty */
	size_t h_nregions;
	size_t h_total_bytes;			/* sum of region lengths */
	size_t h_used_bytes;			/* used blocks, headers included */
	size_t h_free_bytes;			/* free blocks, headers included */
	size_t h_nused;				/* used blocks */
	size_t h_nfree;				/* free blocks */
};

/* A snapshot of the counters; all sizes in bytes. */
struct heap_stats {
	size_t nregions;
	size_t total_bytes;	/* sum of region lengths */
	size_t used_bytes;	/* used blocks, headers included */
	size_t free_bytes;	/* free blocks, headers included */
	size_t nused;		/* live allocations */
	size_t nfree;		/* free blocks */
	size_t largest_free;	/* largest request that would succeed now (0: none) */
};

void heap_init(struct heap *h);
int heap_add_region(struct heap *h, void *base, size_t len);
void *heap_alloc(struct heap *h, size_t size);
void *heap_calloc(struct heap *h, size_t n, size_t size);
void heap_free(struct heap *h, void *p);
void *heap_realloc(struct heap *h, void *p, size_t size);
size_t heap_usable_size(struct heap *h, const void *p);
void heap_stats(const struct heap *h, struct heap_stats *st);
int heap_check(const struct heap *h);

#endif
