/*
 * vm/page.c: the frame table (struct page_pool): descriptors of the frame
 * ranges the pager manages, their free list, and reference counting.
 * Layout and rules: vm/page.h. Locks: the caller's (the pager's thread).
 *
 *   ranges[]  in the order added; page->range indexes it (page -> pfn, O(1))
 *   by_pfn[]  the same ranges sorted by base_pfn, disjoint (pfn -> page,
 *             binary search, O(log r))
 *   free_list every descriptor with PG_FREE, through page.lru; nfree counts
 *             them. Allocation pops the front; a freed frame goes back to
 *             the front (it is likely still in the cache).
 */
#define LOG_PREFIX "page: "

#include <pagoda/errno.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <vm/page.h>

#define PG_KNOWN                                                                                   \
	(PG_ANON | PG_DIRTY | PG_REFERENCED | PG_LOCKED | PG_SWAPCACHE | PG_LRU | PG_ACTIVE |      \
	 PG_RESERVED | PG_UPTODATE | PG_FREE)

/* page_pool_init: an empty frame table. */
void page_pool_init(struct page_pool *pool)
{
	pool->nranges = 0;
	list_init(&pool->free_list);
	pool->nfree = 0;
	pool->npages = 0;
}

/* reset_free: @page becomes a free descriptor of range @range (not yet listed). */
static void reset_free(struct page *page, uint32_t range)
{
	page->flags = PG_FREE;
	page->mapcount = 0;
	page->refcount = 0;
	page->range = range;
	page->mapping = 0;
	page->index = 0;
	list_node_init(&page->lru);
	page->swap_slot = SWAP_SLOT_NONE;
	page->cache_rb.rb_parent_color = 0;
	page->cache_rb.rb_left = NULL;
	page->cache_rb.rb_right = NULL;
}

static pfn_t range_end(const struct page_range *r)
{
	return r->base_pfn + r->npages; /* may wrap to 0 for a range ending at the top */
}

/* slot_after: the number of ranges in by_pfn whose base_pfn <= @pfn. */
static unsigned int slot_after(const struct page_pool *pool, pfn_t pfn)
{
	unsigned int lo = 0, hi = pool->nranges, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (pool->ranges[pool->by_pfn[mid]].base_pfn <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * page_pool_add_range: manage frames [@base_pfn, @base_pfn + @npages), with
 * descriptors in @pages (npages entries, owned by the caller and kept until
 * the pool is dropped). Every frame starts free.
 * Returns 0, -EINVAL (empty, wrapping, or no storage), -EEXIST (overlaps a
 * range already managed) or -ENOSPC (PAGE_POOL_MAX_RANGES reached); on error
 * nothing changed.
 */
int page_pool_add_range(struct page_pool *pool, pfn_t base_pfn, size_t npages, struct page *pages)
{
	unsigned int slot, idx;
	const struct page_range *prev, *next;

	if (!npages || !pages || npages - 1 > UINT64_MAX - base_pfn)
		return -EINVAL;
	if (pool->nranges == PAGE_POOL_MAX_RANGES)
		return -ENOSPC;
	slot = slot_after(pool, base_pfn);
	prev = slot ? &pool->ranges[pool->by_pfn[slot - 1]] : NULL;
	next = slot < pool->nranges ? &pool->ranges[pool->by_pfn[slot]] : NULL;
	if (prev && (range_end(prev) == 0 || range_end(prev) > base_pfn))
		return -EEXIST;
	if (next && next->base_pfn - base_pfn < npages)
		return -EEXIST;

	idx = pool->nranges++;
	pool->ranges[idx].base_pfn = base_pfn;
	pool->ranges[idx].npages = npages;
	pool->ranges[idx].pages = pages;
	for (unsigned int i = pool->nranges - 1; i > slot; i--)
		pool->by_pfn[i] = pool->by_pfn[i - 1];
	pool->by_pfn[slot] = (uint8_t)idx;
	for (size_t i = 0; i < npages; i++) {
		reset_free(&pages[i], idx);
		list_push_back(&pool->free_list, &pages[i].lru);
	}
	pool->nfree += npages;
	pool->npages += npages;
	return 0;
}

/* page_from_pfn: the descriptor of frame @pfn, or NULL if the pool does not manage it. */
struct page *page_from_pfn(const struct page_pool *pool, pfn_t pfn)
{
	unsigned int slot = slot_after(pool, pfn);
	const struct page_range *r;

	if (!slot)
		return NULL;
	r = &pool->ranges[pool->by_pfn[slot - 1]];
	if (pfn - r->base_pfn >= r->npages)
		return NULL;
	return &r->pages[pfn - r->base_pfn];
}

/* page_to_pfn: the frame number of @page, a descriptor of @pool. */
pfn_t page_to_pfn(const struct page_pool *pool, const struct page *page)
{
	const struct page_range *r;

	ASSERT(page->range < pool->nranges);
	r = &pool->ranges[page->range];
	ASSERT(page >= r->pages && (size_t)(page - r->pages) < r->npages);
	return r->base_pfn + (pfn_t)(page - r->pages);
}

/*
 * page_alloc: take a free frame. Returns its descriptor with refcount 1,
 * mapcount 0, no flags, no mapping; NULL when no frame is free.
 */
struct page *page_alloc(struct page_pool *pool)
{
	struct list_node *n = list_pop_front(&pool->free_list);
	struct page *page;

	if (!n)
		return NULL;
	page = list_entry(n, struct page, lru);
	ASSERT(page->flags == PG_FREE && page->refcount == 0 && page->mapcount == 0);
	page->flags = 0;
	page->refcount = 1;
	pool->nfree--;
	return page;
}

/* page_get: one more holder of @page. => @page is in use (refcount >= 1). */
void page_get(struct page *page)
{
	ASSERT(!(page->flags & (PG_FREE | PG_RESERVED)));
	ASSERT(page->refcount > 0 && page->refcount < INT32_MAX);
	page->refcount++;
}

/*
 * page_put: drop one reference to @page; the last one frees the frame.
 * => refcount >= 1. When it reaches 0 the page must be unmapped (mapcount
 *    0), off every LRU list, unlocked, out of the swap cache and out of
 *    any page cache (which holds a reference of its own).
 */
void page_put(struct page_pool *pool, struct page *page)
{
	ASSERT(!(page->flags & (PG_FREE | PG_RESERVED)));
	ASSERT(page->refcount > 0);
	ASSERT(page->range < pool->nranges);
	if (--page->refcount > 0)
		return;
	ASSERT(page->mapcount == 0);
	ASSERT(!(page->flags & (PG_LRU | PG_LOCKED | PG_SWAPCACHE)));
	ASSERT(!list_is_linked(&page->lru));
	ASSERT(page->mapping == 0 || page_is_anon(page));
	reset_free(page, page->range);
	list_push_front(&pool->free_list, &page->lru);
	pool->nfree++;
}

/*
 * page_reserve: take free frame @pfn out of use for good (PG_RESERVED): the
 * pager's own memory, firmware holes. Returns 0, -ENOENT if the pool does
 * not manage @pfn, -EBUSY if the frame is not free.
 */
int page_reserve(struct page_pool *pool, pfn_t pfn)
{
	struct page *page = page_from_pfn(pool, pfn);

	if (!page)
		return -ENOENT;
	if (!(page->flags & PG_FREE))
		return -EBUSY;
	list_remove(&page->lru);
	page->flags = PG_RESERVED;
	pool->nfree--;
	return 0;
}

static int page_fail(const struct page_pool *pool, const struct page *page, const char *what)
{
	const struct page_range *r = &pool->ranges[page->range % PAGE_POOL_MAX_RANGES];
	unsigned long long pfn = ~0ULL; /* the descriptor may be corrupt: no ASSERT here */

	if (page >= r->pages && (size_t)(page - r->pages) < r->npages)
		pfn = r->base_pfn + (pfn_t)(page - r->pages);
	log_err("page %p (pfn %#llx): %s (flags %#x ref %d map %d)", (const void *)page, pfn, what,
		page->flags, page->refcount, page->mapcount);
	return -EINVAL;
}

/* check_unused: a free or reserved descriptor holds nothing. */
static int check_unused(const struct page_pool *pool, const struct page *page)
{
	if (page->refcount || page->mapcount || page->mapping)
		return page_fail(pool, page, "free/reserved frame with references or a mapping");
	if (page->swap_slot != SWAP_SLOT_NONE)
		return page_fail(pool, page, "free/reserved frame with a swap slot");
	if ((page->flags == PG_FREE) != list_is_linked(&page->lru))
		return page_fail(pool, page, "free frame off the free list, or reserved on a list");
	return 0;
}

/*
 * page_check: the invariants of one descriptor of @pool:
 *   - only known flags; PG_FREE and PG_RESERVED each stand alone;
 *   - a free or reserved frame: no references, no mapping, no swap slot;
 *     free ones (only) are on a list (the free list);
 *   - in use: refcount >= 1, 0 <= mapcount <= refcount (every mapping holds
 *     a reference), PG_SWAPCACHE iff a swap slot, PG_LRU iff on a list,
 *     PG_ACTIVE only with PG_LRU, PG_ANON iff mapping is an anon_vma.
 * Returns 0 or -EINVAL after logging the broken rule.
 */
int page_check(const struct page_pool *pool, const struct page *page)
{
	uint32_t f = page->flags;

	if (f & ~PG_KNOWN)
		return page_fail(pool, page, "unknown flags");
	if (f & (PG_FREE | PG_RESERVED)) {
		if (f != PG_FREE && f != PG_RESERVED)
			return page_fail(pool, page, "PG_FREE/PG_RESERVED with other flags");
		return check_unused(pool, page);
	}
	if (page->refcount < 1)
		return page_fail(pool, page, "in use with refcount < 1");
	if (page->mapcount < 0 || page->mapcount > page->refcount)
		return page_fail(pool, page, "mapcount outside [0, refcount]");
	if (!(f & PG_SWAPCACHE) != (page->swap_slot == SWAP_SLOT_NONE))
		return page_fail(pool, page, "PG_SWAPCACHE without a swap slot or the reverse");
	if (!(f & PG_LRU) == list_is_linked(&page->lru))
		return page_fail(pool, page, "PG_LRU disagrees with the lru links");
	if ((f & PG_ACTIVE) && !(f & PG_LRU))
		return page_fail(pool, page, "PG_ACTIVE without PG_LRU");
	if (!(f & PG_ANON) != !page_is_anon(page))
		return page_fail(pool, page, "PG_ANON disagrees with the mapping");
	return 0;
}

/* check_ranges: by_pfn sorts disjoint nonempty ranges, each once; the total matches. */
static int check_ranges(const struct page_pool *pool)
{
	uint32_t seen = 0;
	size_t total = 0;

	if (pool->nranges > PAGE_POOL_MAX_RANGES) {
		log_err("%u ranges", pool->nranges);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < pool->nranges; i++) {
		unsigned int idx = pool->by_pfn[i];
		const struct page_range *r = &pool->ranges[idx];

		if (idx >= pool->nranges || (seen & (1u << idx)) || !r->npages || !r->pages) {
			log_err("by_pfn[%u] = %u: bad, repeated or empty range", i, idx);
			return -EINVAL;
		}
		seen |= 1u << idx;
		if (i && (range_end(&pool->ranges[pool->by_pfn[i - 1]]) == 0 ||
			  range_end(&pool->ranges[pool->by_pfn[i - 1]]) > r->base_pfn)) {
			log_err("range at pfn %#llx overlaps or is out of order",
				(unsigned long long)r->base_pfn);
			return -EINVAL;
		}
		total += r->npages;
	}
	if (total != pool->npages) {
		log_err("ranges hold %zu frames, npages says %zu", total, pool->npages);
		return -EINVAL;
	}
	return 0;
}

/* check_free_list: every listed page is a free descriptor of @pool; returns the count. */
static int check_free_list(const struct page_pool *pool, size_t *count)
{
	const struct list_node *n;
	const struct page *page;
	const struct page_range *r;

	*count = 0;
	for (n = pool->free_list.next; n != &pool->free_list; n = n->next) {
		page = list_entry(n, const struct page, lru);
		if (++*count > pool->npages || n->next->prev != n) {
			log_err("free list longer than the pool, or broken links");
			return -EINVAL;
		}
		r = page->range < pool->nranges ? &pool->ranges[page->range] : NULL;
		if (!r || page < r->pages || (size_t)(page - r->pages) >= r->npages) {
			log_err("a free-list entry is not a descriptor of this pool");
			return -EINVAL;
		}
		if (page->flags != PG_FREE)
			return page_fail(pool, page, "on the free list without PG_FREE");
	}
	return 0;
}

/*
 * page_pool_check: the ranges (sorted, disjoint, counted), every descriptor
 * (page_check, and its range index), and the free list recounted: exactly
 * the PG_FREE descriptors, nfree of them. O(frames).
 */
int page_pool_check(const struct page_pool *pool)
{
	size_t nfree = 0, listed;
	int err = check_ranges(pool);

	if (err)
		return err;
	for (unsigned int i = 0; i < pool->nranges; i++) {
		const struct page_range *r = &pool->ranges[i];

		for (size_t j = 0; j < r->npages; j++) {
			if (r->pages[j].range != i)
				return page_fail(pool, &r->pages[j], "wrong range index");
			err = page_check(pool, &r->pages[j]);
			if (err)
				return err;
			nfree += r->pages[j].flags == PG_FREE;
		}
	}
	err = check_free_list(pool, &listed);
	if (err)
		return err;
	if (listed != nfree || nfree != pool->nfree) {
		log_err("free frames: %zu flagged, %zu listed, nfree %zu", nfree, listed,
			pool->nfree);
		return -EINVAL;
	}
	return 0;
}
