/*
 * userland/pager/fault.c: serving a process's page faults (the classic
 * table, one row a function):
 *
 *   address outside the user half (kernel memory)   -> end it (BADADDR)
 *   no VMA, none growing down above it              -> end it (NOVMA)
 *   below a growsdown VMA, within the stack limit    -> grow it, go on
 *   ... past the limit or into the guard gap         -> end it (STACK)
 *   access the VMA's protection forbids              -> end it (PROT)
 *   no page yet, read of anonymous memory            -> map the zero page
 *   no page yet, otherwise                           -> a zeroed page, or one
 *                                                       filled from the image
 *   write to the zero page or a page others map too  -> copy (COW)
 *   write to a page it alone maps (map count 1)      -> make it writable (reuse)
 *   any other access to a recorded page              -> map it again
 *
 * A page the process may use rides on the reply (FAULT_REPLY_MAP: the
 * kernel maps it over whatever is there, then resumes the thread); the
 * record says it is mapped as soon as the answer is made, and
 * fault_map_failed undoes that if the kernel refuses the map. A reply
 * FAULT_REPLY_KILL ends the thread; an ended process keeps its memory
 * until the process manager destroys its mm, and kill_reason says why.
 */
#define LOG_PREFIX "pager: "

#include <pagoda/errno.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <vm/anon_vma.h>
#include <vm/rmap.h>
#include <vm/vma.h>
#include "pager.h"

static const char *const kill_names[PAGER_KILL_COUNT] = {
	[PAGER_KILL_NONE] = "none",
	[PAGER_KILL_NOVMA] = "access outside any mapping",
	[PAGER_KILL_PROT] = "access against the mapping's protection",
	[PAGER_KILL_BADADDR] = "access to kernel memory",
	[PAGER_KILL_STACK] = "stack growth past its limit",
	[PAGER_KILL_LIMIT] = "page limit reached",
	[PAGER_KILL_NOMEM] = "out of memory",
	[PAGER_KILL_EXCEPTION] = "exception",
};

static void count(struct pmm *p, enum pager_counter c)
{
	pager.counters[c]++;
	p->counters[c]++;
}

/* answer_map: map @page at @va with MAP_* @prot, then resume. */
static unsigned int answer_map(struct fault_answer *ans, vaddr_t va, const struct page *page,
			       unsigned long prot)
{
	ans->va = va;
	ans->page = page;
	ans->prot = prot;
	return FAULT_REPLY_MAP;
}

/* kill: record that @p ends (the first reason sticks), report it; the reply that ends it. */
static unsigned int kill(struct pmm *p, enum pager_kill why, vaddr_t addr, vaddr_t pc)
{
	if (p->kill_reason == PAGER_KILL_NONE) {
		p->kill_reason = why;
		p->kill_addr = addr;
		count(p, PAGER_CNT_KILLS);
	}
	printf("[pager] pid %llu ended: %s at %#lx, pc %#lx\n", (unsigned long long)p->pid,
	       kill_names[why], (unsigned long)addr, (unsigned long)pc);
	return FAULT_REPLY_KILL;
}

static bool access_allowed(const struct vma *vma, unsigned int access)
{
	unsigned int need = access == FAULT_ACCESS_WRITE ? VMA_WRITE :
			    access == FAULT_ACCESS_EXEC	 ? VMA_EXEC :
							   VMA_READ;

	return (vma->prot & need) != 0;
}

/*
 * new_page: a fresh private page for @va of @vma, zeroed or filled from
 * the program image, entered in the anon_vma reverse map with map count 1.
 * NULL if no frame or no memory for the anon_vma.
 */
static struct page *new_page(struct vma *vma, vaddr_t va, const struct page *from)
{
	struct page *page = mem_alloc();

	if (!page)
		return NULL;
	if (anon_vma_prepare(vma)) {
		page_put(&pager.pool, page);
		return NULL;
	}
	if (from && from != pager.zero_page)
		mem_copy(mem_va(page), mem_va(from));
	else if (!from && vma->mapping)
		image_fill(vma, va, mem_va(page));
	else
		mem_zero(mem_va(page));
	rmap_add_anon(page, vma, va);
	page->mapcount = 1;
	return page;
}

/* fault_fill: nothing recorded at @va yet. */
static unsigned int fault_fill(struct pmm *p, struct vma *vma, vaddr_t va, unsigned int access,
			       struct prec_node *leaf, unsigned int idx, vaddr_t pc,
			       struct fault_answer *ans)
{
	unsigned long prot;
	struct page *page;

	if (access != FAULT_ACCESS_WRITE && !vma->mapping) {
		prec_leaf_set(&p->rec, leaf, idx, (uintptr_t)pager.zero_page | PREC_MAPPED);
		count(p, PAGER_CNT_ZERO_PAGE);
		return answer_map(ans, va, pager.zero_page, hw_prot(vma, false));
	}
	if (p->resident >= p->page_limit)
		return kill(p, PAGER_KILL_LIMIT, va, pc);
	page = new_page(vma, va, NULL);
	if (!page)
		return kill(p, PAGER_KILL_NOMEM, va, pc);
	prot = hw_prot(vma, true);
	prec_leaf_set(&p->rec, leaf, idx,
		      (uintptr_t)page | PREC_MAPPED | ((prot & MAP_W) ? PREC_WRITE : 0));
	p->resident++;
	count(p, vma->mapping ? PAGER_CNT_FILE_FILL : PAGER_CNT_ZERO_FILL);
	return answer_map(ans, va, page, prot);
}

/* fault_cow: a write to the zero page or to a page other records name too. */
static unsigned int fault_cow(struct pmm *p, struct vma *vma, vaddr_t va, struct prec_node *leaf,
			      unsigned int idx, vaddr_t pc, struct fault_answer *ans)
{
	struct page *old = prec_page(leaf->slot[idx]), *page;

	if (old == pager.zero_page && p->resident >= p->page_limit)
		return kill(p, PAGER_KILL_LIMIT, va, pc);
	page = new_page(vma, va, old);
	if (!page)
		return kill(p, PAGER_KILL_NOMEM, va, pc);
	if (old == pager.zero_page)
		p->resident++;
	else
		mem_page_unref(old);
	/* The map on the reply replaces the old page's mapping, if any. */
	leaf->slot[idx] = (uintptr_t)page | PREC_MAPPED | PREC_WRITE;
	count(p, PAGER_CNT_COW_COPY);
	return answer_map(ans, va, page, hw_prot(vma, true));
}

/*
 * fault_remap: a recorded page the access may use as it is: map it (or
 * change its protection), writable if this process alone maps it.
 */
static unsigned int fault_remap(struct pmm *p, struct vma *vma, vaddr_t va, unsigned int access,
				struct prec_node *leaf, unsigned int idx, struct fault_answer *ans)
{
	struct page *page = prec_page(leaf->slot[idx]);
	bool alone = page != pager.zero_page && page->mapcount == 1;
	unsigned long prot = hw_prot(vma, alone);

	if (alone && (prot & MAP_W) && vma->anon_vma && page_is_anon(page))
		rmap_move_anon(page, vma);
	leaf->slot[idx] = (uintptr_t)page | PREC_MAPPED | ((prot & MAP_W) ? PREC_WRITE : 0);
	count(p, access == FAULT_ACCESS_WRITE ? PAGER_CNT_COW_REUSE : PAGER_CNT_REMAP);
	return answer_map(ans, va, page, prot);
}

/* fault_vma: the VMA for @addr, growing a stack down to it if it may; NULL: killed. */
static struct vma *fault_vma(struct pmm *p, vaddr_t addr, vaddr_t pc, unsigned int *reply)
{
	struct vma *vma = vma_find(p->mm, addr);
	int err;

	if (vma && vma->start <= addr)
		return vma;
	if (!vma || !(vma->flags & VMA_GROWSDOWN)) {
		*reply = kill(p, PAGER_KILL_NOVMA, addr, pc);
		return NULL;
	}
	err = mm_grow_stack(p->mm, addr, &vma);
	if (err) {
		*reply = kill(p, err == -ENOMEM ? PAGER_KILL_STACK : PAGER_KILL_NOVMA, addr, pc);
		return NULL;
	}
	count(p, PAGER_CNT_STACK_GROW);
	return vma;
}

/* fault_page: serve a page fault of @p at @addr; the reply label (MAP: see @ans). */
unsigned int fault_page(struct pmm *p, vaddr_t addr, unsigned int access, vaddr_t pc,
			struct fault_answer *ans)
{
	vaddr_t va = ALIGN_DOWN(addr, PAGE_SIZE);
	unsigned int reply = FAULT_REPLY_KILL, idx;
	struct prec_node *leaf;
	struct vma *vma;
	struct page *page;

	count(p, PAGER_CNT_FAULTS);
	ans->pc = pc;
	if (p->kill_reason != PAGER_KILL_NONE)
		return FAULT_REPLY_KILL;
	if (addr >= pager.task_size)
		return kill(p, PAGER_KILL_BADADDR, addr, pc);
	vma = fault_vma(p, addr, pc, &reply);
	if (!vma)
		return reply;
	if (!access_allowed(vma, access))
		return kill(p, PAGER_KILL_PROT, addr, pc);
	if (prec_leaf(&p->rec, va, true, &leaf, &idx))
		return kill(p, PAGER_KILL_NOMEM, addr, pc);
	if (!leaf->slot[idx])
		return fault_fill(p, vma, va, access, leaf, idx, pc, ans);
	page = prec_page(leaf->slot[idx]);
	if (access == FAULT_ACCESS_WRITE && (page == pager.zero_page || page->mapcount > 1))
		return fault_cow(p, vma, va, leaf, idx, pc, ans);
	return fault_remap(p, vma, va, access, leaf, idx, ans);
}

/* unrecord: the entry of @va stays, no longer mapped; the kernel's mapping there goes. */
static void unrecord(struct pmm *p, vaddr_t va)
{
	struct prec_node *leaf;
	unsigned int idx;

	if (!prec_leaf(&p->rec, va, false, &leaf, &idx) && leaf)
		leaf->slot[idx] &= ~(uintptr_t)(PREC_MAPPED | PREC_WRITE);
	hw_unmap(p, va, 1);
}

/*
 * fault_reply_dropped: the faulting thread was suspended or ended before
 * the reply carrying @ans reached it, so the kernel mapped nothing. The
 * record must not say mapped; and after a COW the space still maps the old
 * page, which the record no longer holds: unmap it. A resumed thread
 * faults again and gets the recorded page.
 */
void fault_reply_dropped(struct pmm *p, const struct fault_answer *ans)
{
	unrecord(p, ans->va);
}

/*
 * fault_map_failed: the kernel refused the map of @ans (error @err, e.g.
 * no page table within the space's quota). The page stays recorded but
 * unmapped, whatever the kernel still maps there goes, and the process
 * ends; the reply that ends it.
 */
unsigned int fault_map_failed(struct pmm *p, const struct fault_answer *ans, long err)
{
	log_err("pid %llu: map of %#lx on the fault reply: %ld\n", (unsigned long long)p->pid,
		(unsigned long)ans->va, err);
	unrecord(p, ans->va);
	return kill(p, PAGER_KILL_NOMEM, ans->va, ans->pc);
}

static const char *const exc_names[] = {
	[FAULT_EXC_ILLEGAL] = "illegal instruction",
	[FAULT_EXC_MISALIGNED] = "misaligned access",
	[FAULT_EXC_BREAKPOINT] = "breakpoint",
	[FAULT_EXC_OTHER] = "exception",
};

/* fault_exception: other exceptions end the process (no signals yet). */
unsigned int fault_exception(struct pmm *p, vaddr_t addr, unsigned int kind, vaddr_t pc)
{
	if (kind >= ARRAY_SIZE(exc_names) || !exc_names[kind])
		kind = FAULT_EXC_OTHER;
	printf("[pager] pid %llu: %s\n", (unsigned long long)p->pid, exc_names[kind]);
	return kill(p, PAGER_KILL_EXCEPTION, addr, pc);
}
