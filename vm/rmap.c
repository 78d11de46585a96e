/*
 * vm/rmap.c: reverse mapping of anonymous and file pages (see vm/rmap.h
 * and, for the anonymous design, vm/anon_vma.h).
 */
#define LOG_PREFIX "rmap: "

#include <pagoda/errno.h>
#include <lib/assert.h>
#include <vm/address_space.h>
#include <vm/anon_vma.h>
#include <vm/page.h>
#include <vm/rmap.h>
#include <vm/vma.h>

/*
 * rmap_add_anon: @page (fresh: no mapping yet) becomes an anonymous page of
 * @vma at @addr: it names the VMA's anon_vma and its index there.
 * => anon_vma_prepare(@vma) succeeded; @addr is a page inside @vma.
 */
void rmap_add_anon(struct page *page, struct vma *vma, vaddr_t addr)
{
	ASSERT(vma->anon_vma && !page->mapping);
	ASSERT(vma->start <= addr && addr < vma->end && IS_ALIGNED(addr, PAGE_SIZE));
	page_set_anon(page, vma->anon_vma, vma_pgoff_at(vma, addr));
	anon_vma_page_get(vma->anon_vma);
}

/*
 * rmap_move_anon: @page, which only @vma maps now (a COW fault reusing it
 * at map count 1), moves to @vma's own anon_vma, so later walks skip the
 * mms it was shared with. Its index stays (the delta is the same).
 * => @page is anonymous and its anon_vma is @vma's or an ancestor of it.
 */
void rmap_move_anon(struct page *page, struct vma *vma)
{
	struct anon_vma *old = page_anon_vma(page);
	struct anon_vma *av = vma->anon_vma;

	ASSERT(old && av && old->delta == av->delta);
	if (old == av)
		return;
	page_set_anon(page, av, page->index);
	anon_vma_page_get(av);
	anon_vma_page_put(old);
}

/*
 * rmap_remove_anon: @page stops being anonymous (it is being freed): it
 * lets go of its anon_vma, which may die. Call once no PTE maps it.
 */
void rmap_remove_anon(struct page *page)
{
	struct anon_vma *av = page_anon_vma(page);

	ASSERT(av);
	page->mapping = 0;
	page->flags &= ~PG_ANON;
	anon_vma_page_put(av);
}

static int rmap_walk_anon(const struct page *page,
			  int (*fn)(struct vma *vma, vaddr_t addr, void *arg), void *arg)
{
	struct anon_vma *top = page_anon_vma(page);
	struct anon_vma *av;
	int err;

	for (av = top; av; av = anon_vma_walk_next(top, av)) {
		vaddr_t addr = av->delta + (page->index << PAGE_SHIFT);
		struct vma *vma;

		if (!av->nr_vmas)
			continue;
		vma = vma_find(av->mm, addr);
		if (!vma || vma->start > addr || vma->anon_vma != av)
			continue;
		err = fn(vma, addr, arg);
		if (err)
			return err;
	}
	return 0;
}

struct rmap_file_walk {
	pgoff_t index;
	int (*fn)(struct vma *vma, vaddr_t addr, void *arg);
	void *arg;
};

static int rmap_file_visit(struct pst_node *node, void *arg)
{
	struct rmap_file_walk *w = arg;
	struct vma *vma = container_of(node, struct vma, shared);

	return w->fn(vma, vma->start + ((w->index - vma->pgoff) << PAGE_SHIFT), w->arg);
}

/*
 * rmap_walk: call @fn(vma, addr, @arg) once for every VMA that may map
 * @page, with the address the page would have there: for an anonymous
 * page, the VMAs of its anon_vma's subtree that cover its slot; for a file
 * page, the VMAs whose file range holds page->index (private ones included:
 * they map it until a COW copy replaces it). Stops at the first nonzero
 * return and passes it on; 0 otherwise (also for a page with no mapping).
 * @fn may not change VMAs, anon_vmas or any page's reverse map: it may
 * change only the caller's own page records.
 * Cost: anonymous O(s log n) for s anon_vmas in the subtree; file
 * O(h + k) (vm/pst.h).
 */
int rmap_walk(const struct page *page, int (*fn)(struct vma *vma, vaddr_t addr, void *arg),
	      void *arg)
{
	struct address_space *as;
	struct rmap_file_walk w;

	if (page_is_anon(page))
		return rmap_walk_anon(page, fn, arg);
	as = page_mapping(page);
	if (!as)
		return 0;
	w.index = page->index;
	w.fn = fn;
	w.arg = arg;
	return pst_stab(&as->i_mmap, page->index, rmap_file_visit, &w);
}
