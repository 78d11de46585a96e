/*
 * vm/address_space.h: one file's pages in memory (its page cache) and the
 * VMAs that map it (i_mmap, the file reverse map).
 *
 * Page cache: the file's resident pages in a red-black tree keyed by page
 * index (struct page.cache_rb), at most one page per index: find, insert
 * and remove in O(log n), ordered iteration over an index range for
 * truncate and writeback. A page is in as's cache exactly while
 * page_mapping(page) == as; the cache holds one reference on it.
 *
 * i_mmap: every VMA mapping the file, in a priority search tree keyed by the
 * closed range of file pages it maps (vm/pst.h); rmap walks it to find the
 * mappings of one file page.
 *
 * ops: how the owner (the pager's file client) reads a page in and writes
 * it back; the address_space only calls them from the helpers below.
 *
 * Locks: none inside; the owner serialises every call (the pager is
 * single-threaded). Iteration callbacks may remove the visited page, and
 * nothing else.
 */
#ifndef PAGODA_VM_ADDRESS_SPACE_H
#define PAGODA_VM_ADDRESS_SPACE_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>
#include <lib/rbtree.h>
#include <vm/page.h>
#include <vm/pst.h>

struct address_space;

/*
 * address_space_ops: supplied by the owner. Both return 0 or -ERRNO and are
 * called with a page the caller holds a reference to, in the cache of @as.
 *   read_page:  fill @page from the backing store (page index page->index);
 *               the caller sets PG_UPTODATE on success.
 *   write_page: write @page back; the caller clears PG_DIRTY on success.
 */
struct address_space_ops {
	int (*read_page)(struct address_space *as, struct page *page);
	int (*write_page)(struct address_space *as, struct page *page);
};

struct address_space {
	struct rb_root pages;		/* page cache: struct page.cache_rb by index */
	size_t nrpages;			/* pages in the cache */
	struct pst_root i_mmap;		/* VMAs mapping the file, by file page range */
	const struct address_space_ops *ops;	/* the owner's I/O, may be NULL */
	void *host;			/* the owner's file object, for ops */
};

void address_space_init(struct address_space *as, const struct address_space_ops *ops,
			void *host);
bool address_space_empty(const struct address_space *as);
struct page *address_space_find(const struct address_space *as, pgoff_t index);
struct page *address_space_find_ge(const struct address_space *as, pgoff_t index);
int address_space_insert(struct address_space *as, struct page *page, pgoff_t index);
void address_space_remove(struct address_space *as, struct page *page);
int address_space_for_range(struct address_space *as, pgoff_t first, pgoff_t last,
			    int (*cb)(struct page *page, void *arg), void *arg);
size_t address_space_count_range(const struct address_space *as, pgoff_t first, pgoff_t last);
size_t address_space_remove_range(struct address_space *as, pgoff_t first, pgoff_t last,
				  void (*release)(struct page *page, void *arg), void *arg);
int address_space_read_page(struct address_space *as, struct page *page);
int address_space_writeback(struct address_space *as, pgoff_t first, pgoff_t last);
int address_space_check(const struct address_space *as);

#endif
