/*
 * vm/page.h: page descriptors, one per physical frame the pager manages.
 *
 * A descriptor says who may map the frame (its reverse-map owner), how many
 * PTEs map it (mapcount) and how many holders keep it alive (refcount: the
 * page cache, the swap cache, an in-flight I/O, and each mapping).
 *
 * mapping: for a file page, the struct address_space whose page cache holds
 * it; for an anonymous page, the struct anon_vma of the VMA that first
 * mapped it, with PAGE_MAPPING_ANON (bit 0) set. NULL for a free frame.
 * index: for a file page, its page index in the file; for an anonymous page,
 * its linear index in the anon_vma's address space (vma->pgoff +
 * (addr - vma->start) / PAGE_SIZE), so every VMA sharing the anon_vma finds
 * the page at vma->start + (index - vma->pgoff) * PAGE_SIZE.
 *
 * The frame table (struct page_pool) holds the descriptors of the frame
 * regions the pager manages, each a range [base_pfn, base_pfn + npages)
 * with caller-supplied descriptor storage: pfn -> page in O(log r) for r
 * ranges, page -> pfn in O(1) (page->range names its range). Free frames
 * sit on the pool's free list through lru with PG_FREE set; page_alloc()
 * hands one out with refcount 1, page_put() returns it when the last
 * reference goes (mapcount must be 0 then).
 *
 * Locks: the pager is single-threaded; the owner of the frame table
 * serialises all access.
 */
#ifndef PAGODA_VM_PAGE_H
#define PAGODA_VM_PAGE_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>
#include <lib/list.h>
#include <lib/rbtree.h>

struct address_space;
struct anon_vma;

/* page flags (struct page.flags) */
#define PG_ANON		(1u << 0)	/* anonymous memory (mapping is an anon_vma) */
#define PG_DIRTY	(1u << 1)	/* contents differ from the backing store */
#define PG_REFERENCED	(1u << 2)	/* accessed since the last scan */
#define PG_LOCKED	(1u << 3)	/* under I/O: do not map, evict or free */
#define PG_SWAPCACHE	(1u << 4)	/* in the swap cache, swap_slot valid */
#define PG_LRU		(1u << 5)	/* on an LRU list through lru */
#define PG_ACTIVE	(1u << 6)	/* on the active (not the inactive) list */
#define PG_RESERVED	(1u << 7)	/* not managed: never allocated or freed */
#define PG_UPTODATE	(1u << 8)	/* contents valid (read completed) */
#define PG_FREE		(1u << 9)	/* on the pool's free list (and no other flag) */

#define PAGE_MAPPING_ANON ((uintptr_t)1)
#define SWAP_SLOT_NONE ((uint64_t)0)

struct page {
	uint32_t flags;		/* PG_* */
	int32_t mapcount;	/* PTEs that map this frame */
	int32_t refcount;	/* holders; 0 = free */
	uint32_t range;		/* index of its range in the page_pool */
	uintptr_t mapping;	/* address_space *, or anon_vma * | PAGE_MAPPING_ANON */
	pgoff_t index;		/* see the header comment */
	struct list_node lru;	/* on an LRU or free list */
	uint64_t swap_slot;	/* swap slot + 1 when PG_SWAPCACHE, else SWAP_SLOT_NONE */
	struct rb_node cache_rb;	/* in page_mapping(page)'s page cache, by index */
};

static inline bool page_is_anon(const struct page *page)
{
	return (page->mapping & PAGE_MAPPING_ANON) != 0;
}

/* page_anon_vma: the anon_vma of an anonymous page, else NULL. */
static inline struct anon_vma *page_anon_vma(const struct page *page)
{
	if (!page_is_anon(page))
		return NULL;
	return (struct anon_vma *)(page->mapping & ~PAGE_MAPPING_ANON);
}

/* page_mapping: the address_space of a file page, else NULL. */
static inline struct address_space *page_mapping(const struct page *page)
{
	if (page_is_anon(page))
		return NULL;
	return (struct address_space *)page->mapping;
}

static inline void page_set_anon(struct page *page, struct anon_vma *av, pgoff_t index)
{
	page->mapping = (uintptr_t)av | PAGE_MAPPING_ANON;
	page->index = index;
	page->flags |= PG_ANON;
}

static inline void page_set_file(struct page *page, struct address_space *as, pgoff_t index)
{
	page->mapping = (uintptr_t)as;
	page->index = index;
	page->flags &= ~PG_ANON;
}

/* The frame table: a few ranges of frames and their descriptors. */
#define PAGE_POOL_MAX_RANGES 32

struct page_range {
	pfn_t base_pfn;			/* first frame */
	size_t npages;			/* frames [base_pfn, base_pfn + npages) */
	struct page *pages;		/* their descriptors, pages[pfn - base_pfn] */
};

struct page_pool {
	struct page_range ranges[PAGE_POOL_MAX_RANGES];	/* in the order added */
	uint8_t by_pfn[PAGE_POOL_MAX_RANGES];	/* indices into ranges, by base_pfn */
	unsigned int nranges;
	struct list_node free_list;	/* free frames, through page.lru */
	size_t nfree;			/* frames on free_list */
	size_t npages;			/* frames in all ranges */
};

void page_pool_init(struct page_pool *pool);
int page_pool_add_range(struct page_pool *pool, pfn_t base_pfn, size_t npages,
			struct page *pages);
struct page *page_from_pfn(const struct page_pool *pool, pfn_t pfn);
pfn_t page_to_pfn(const struct page_pool *pool, const struct page *page);
struct page *page_alloc(struct page_pool *pool);
void page_get(struct page *page);
void page_put(struct page_pool *pool, struct page *page);
int page_reserve(struct page_pool *pool, pfn_t pfn);
int page_check(const struct page_pool *pool, const struct page *page);
int page_pool_check(const struct page_pool *pool);

#endif
