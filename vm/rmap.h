/*
 * vm/rmap.h: reverse mapping: from a page to every (VMA, address) that may
 * map it.
 *
 * File pages (page_mapping(page) != NULL): the VMAs whose file page range
 * contains page->index, from the mapping's i_mmap priority search tree.
 * Anonymous pages: the VMAs of the page's anon_vma subtree that cover the
 * page's address (see vm/anon_vma.h for the design).
 *
 * The pager tells the reverse map about anonymous pages: rmap_add_anon
 * when one is created (zero fill, COW copy), rmap_move_anon when a COW
 * fault reuses a page it alone maps, rmap_remove_anon when it frees one.
 * Map counts (page->mapcount) stay the pager's business.
 *
 * Locks: the pager's single thread serialises everything.
 */
#ifndef PAGODA_VM_RMAP_H
#define PAGODA_VM_RMAP_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>

struct page;
struct vma;

void rmap_add_anon(struct page *page, struct vma *vma, vaddr_t addr);
void rmap_move_anon(struct page *page, struct vma *vma);
void rmap_remove_anon(struct page *page);
int rmap_walk(const struct page *page, int (*fn)(struct vma *vma, vaddr_t addr, void *arg),
	      void *arg);

#endif
