/*
 * vm/address_space.c: a file's page cache and the hooks to its owner's I/O.
 * Structure and rules: vm/address_space.h. Locks: the caller's.
 *
 * The cache is a plain (unaugmented) red-black tree of struct page through
 * page.cache_rb, keyed by page.index, each index at most once. Membership
 * is recorded twice, in the tree and in page->mapping; address_space_check()
 * verifies that they agree.
 */
#define LOG_PREFIX "address_space: "

#include <pagoda/errno.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <vm/address_space.h>

static struct page *cache_page(const struct rb_node *rb)
{
	return rb ? rb_entry(rb, struct page, cache_rb) : NULL;
}

/* address_space_init: an empty cache and i_mmap; @ops (may be NULL) and @host are the owner's. */
void address_space_init(struct address_space *as, const struct address_space_ops *ops, void *host)
{
	as->pages.rb_node = NULL;
	as->nrpages = 0;
	pst_root_init(&as->i_mmap);
	as->ops = ops;
	as->host = host;
}

/* address_space_empty: no cached page and no mapping VMA: the owner may drop it. */
bool address_space_empty(const struct address_space *as)
{
	return as->nrpages == 0 && pst_empty(&as->i_mmap);
}

/* address_space_find: the cached page at @index, or NULL. O(log n). */
struct page *address_space_find(const struct address_space *as, pgoff_t index)
{
	const struct rb_node *rb = as->pages.rb_node;

	while (rb) {
		const struct page *p = cache_page(rb);

		if (index == p->index)
			return (struct page *)p;
		rb = index < p->index ? rb->rb_left : rb->rb_right;
	}
	return NULL;
}

/* address_space_find_ge: the cached page with the least index >= @index, or NULL. O(log n). */
struct page *address_space_find_ge(const struct address_space *as, pgoff_t index)
{
	const struct rb_node *rb = as->pages.rb_node, *best = NULL;

	while (rb) {
		if (cache_page(rb)->index >= index) {
			best = rb;
			rb = rb->rb_left;
		} else {
			rb = rb->rb_right;
		}
	}
	return cache_page(best);
}

/*
 * address_space_insert: cache @page at @index. The cache takes a reference
 * of its own and sets page->mapping = @as, page->index = @index.
 * => the caller holds a reference; @page is in no cache and not anonymous.
 * Returns 0, or -EEXIST if a page is cached at @index (nothing changed).
 */
int address_space_insert(struct address_space *as, struct page *page, pgoff_t index)
{
	struct rb_node **link = &as->pages.rb_node, *parent = NULL;

	ASSERT(page->refcount > 0 && page->mapping == 0);
	ASSERT(!(page->flags & (PG_ANON | PG_FREE | PG_RESERVED)));
	while (*link) {
		pgoff_t at = cache_page(*link)->index;

		if (index == at)
			return -EEXIST;
		parent = *link;
		link = index < at ? &parent->rb_left : &parent->rb_right;
	}
	page_get(page);
	page_set_file(page, as, index);
	rb_link(&page->cache_rb, parent, link);
	rb_insert(&as->pages, &page->cache_rb, NULL);
	as->nrpages++;
	return 0;
}

/*
 * address_space_remove: take @page out of @as's cache; page->mapping
 * becomes 0. The cache's reference passes to the caller, who drops it
 * with page_put() when done. => @page is in @as's cache.
 */
void address_space_remove(struct address_space *as, struct page *page)
{
	ASSERT(page_mapping(page) == as && as->nrpages > 0);
	rb_erase(&as->pages, &page->cache_rb, NULL);
	page->mapping = 0;
	as->nrpages--;
}

/*
 * address_space_for_range: call @cb(page, @arg) on each cached page with
 * index in [@first, @last], in index order; a nonzero return stops the walk
 * and is returned. @cb may remove the page it is given (and nothing else).
 * O(log n + k).
 */
int address_space_for_range(struct address_space *as, pgoff_t first, pgoff_t last,
			    int (*cb)(struct page *page, void *arg), void *arg)
{
	struct page *page, *next;
	int ret;

	if (first > last)
		return 0;
	for (page = address_space_find_ge(as, first); page && page->index <= last; page = next) {
		next = cache_page(rb_next(&page->cache_rb));
		ret = cb(page, arg);
		if (ret)
			return ret;
	}
	return 0;
}

/* address_space_count_range: cached pages with index in [@first, @last]. O(log n + k). */
size_t address_space_count_range(const struct address_space *as, pgoff_t first, pgoff_t last)
{
	const struct page *page;
	size_t n = 0;

	if (first > last)
		return 0;
	for (page = address_space_find_ge(as, first); page && page->index <= last;
	     page = cache_page(rb_next(&page->cache_rb)))
		n++;
	return n;
}

/*
 * address_space_remove_range: truncate: take every cached page with index
 * in [@first, @last] out of the cache, in index order, handing each (and
 * the cache's reference) to @release(page, @arg). The caller unmaps the
 * range first (i_mmap lists the VMAs). Returns the number of pages removed.
 */
size_t address_space_remove_range(struct address_space *as, pgoff_t first, pgoff_t last,
				  void (*release)(struct page *page, void *arg), void *arg)
{
	struct page *page, *next;
	size_t n = 0;

	if (first > last)
		return 0;
	for (page = address_space_find_ge(as, first); page && page->index <= last; page = next) {
		next = cache_page(rb_next(&page->cache_rb));
		address_space_remove(as, page);
		release(page, arg);
		n++;
	}
	return n;
}

/*
 * address_space_read_page: fill cached @page through the owner's read_page,
 * with PG_LOCKED held across the call; PG_UPTODATE on success.
 * Returns 0, -ENOSYS without a read_page op, or the op's error.
 */
int address_space_read_page(struct address_space *as, struct page *page)
{
	int err;

	ASSERT(page_mapping(page) == as && !(page->flags & PG_LOCKED));
	if (!as->ops || !as->ops->read_page)
		return -ENOSYS;
	page->flags |= PG_LOCKED;
	err = as->ops->read_page(as, page);
	page->flags &= ~PG_LOCKED;
	if (!err)
		page->flags |= PG_UPTODATE;
	return err;
}

static int writeback_one(struct page *page, void *arg)
{
	struct address_space *as = page_mapping(page);
	int *first_err = arg, err;

	if (!(page->flags & PG_DIRTY))
		return 0;
	ASSERT(!(page->flags & PG_LOCKED));
	page->flags |= PG_LOCKED;
	err = as->ops->write_page(as, page);
	page->flags &= ~PG_LOCKED;
	if (!err)
		page->flags &= ~PG_DIRTY;
	else if (!*first_err)
		*first_err = err;
	return 0;
}

/*
 * address_space_writeback: write every dirty cached page with index in
 * [@first, @last] through the owner's write_page, in index order; each
 * page written clears PG_DIRTY, a failed one stays dirty and the rest are
 * still tried. Returns 0, the first error, or -ENOSYS without the op.
 */
int address_space_writeback(struct address_space *as, pgoff_t first, pgoff_t last)
{
	int first_err = 0;

	if (!as->ops || !as->ops->write_page)
		return -ENOSYS;
	address_space_for_range(as, first, last, writeback_one, &first_err);
	return first_err;
}

static void report_rb(const char *what)
{
	log_err("page cache tree: %s", what);
}

/*
 * address_space_check: the cache is a valid red-black tree whose pages have
 * strictly increasing indices, each a live (refcount >= 1) file page whose
 * mapping is @as; their number is nrpages; i_mmap passes pst_check().
 * Returns 0 or -EINVAL after logging the first broken rule. O(n + i_mmap).
 */
int address_space_check(const struct address_space *as)
{
	const struct rb_node *rb;
	const struct page *page, *prev = NULL;
	size_t n = 0;

	if (rb_check(&as->pages, NULL, report_rb))
		return -EINVAL;
	for (rb = rb_first(&as->pages); rb; rb = rb_next(rb), prev = page) {
		page = cache_page(rb);
		if (++n > as->nrpages) {
			log_err("more cached pages than nrpages (%zu)", as->nrpages);
			return -EINVAL;
		}
		if (prev && prev->index >= page->index) {
			log_err("index %#llx follows %#llx", (unsigned long long)page->index,
				(unsigned long long)prev->index);
			return -EINVAL;
		}
		if (page_is_anon(page) || page_mapping(page) != as || (page->flags & PG_ANON) ||
		    page->refcount < 1 || (page->flags & (PG_FREE | PG_RESERVED))) {
			log_err("index %#llx: not a live file page of this cache",
				(unsigned long long)page->index);
			return -EINVAL;
		}
	}
	if (n != as->nrpages) {
		log_err("%zu cached pages, nrpages says %zu", n, as->nrpages);
		return -EINVAL;
	}
	return pst_check(&as->i_mmap);
}
