/*
 * userland/pager/mmreq.c: a process's requests about its own address
 * space: PAGER_MMAP, PAGER_MUNMAP, PAGER_MPROTECT, PAGER_BRK. Each checks
 * its words, then lets vm/ plan and commit the edit (nothing changes on
 * an error); pages that stop being mapped leave through pmm_ops.unmap,
 * and protections that shrink reach the kernel's page tables here.
 * Results go back in the message's words.
 */
#define LOG_PREFIX "pager: mmreq: "

#include <pagoda/errno.h>
#include <vm/vma.h>
#include "pager.h"

#define PROT_MASK (PROT_READ | PROT_WRITE | PROT_EXEC)

/* prot_ok: known bits, and never writable and executable together (W^X). */
static bool prot_ok(uint64_t prot)
{
	return !(prot & ~(uint64_t)PROT_MASK) && (prot & (PROT_WRITE | PROT_EXEC)) !=
							  (PROT_WRITE | PROT_EXEC);
}

/* PAGER_MMAP: w0 addr, w1 len, w2 prot, w3 flags -> w0 the address. */
long mmreq_mmap(struct pmm *p, struct ipc_msg *m)
{
	struct mm_map_args args = { 0 };
	uint64_t flags = m->w[3];
	vaddr_t addr;
	int err;

	if (!prot_ok(m->w[2]) || (flags & ~(uint64_t)MMAP_FLAGS_MASK))
		return -EINVAL;
	if ((flags & MMAP_FIXED) && (flags & MMAP_FIXED_NOREPLACE))
		return -EINVAL;
	args.addr = m->w[0];
	args.len = m->w[1];
	args.prot = (unsigned int)m->w[2];
	args.flags = (flags & MMAP_GROWSDOWN) ? VMA_GROWSDOWN : 0;
	args.place = (flags & MMAP_FIXED)	    ? MM_PLACE_FIXED :
		     (flags & MMAP_FIXED_NOREPLACE) ? MM_PLACE_FIXED_NOREPLACE :
						      MM_PLACE_HINT;
	err = mm_mmap(p->mm, &args, &addr);
	if (err)
		return err;
	m->w[0] = addr;
	return 0;
}

/* PAGER_MUNMAP: w0 addr, w1 len. */
long mmreq_munmap(struct pmm *p, struct ipc_msg *m)
{
	return mm_munmap(p->mm, m->w[0], m->w[1]);
}

struct shrink_ctx {
	struct hw_run run;
	bool unmap;
};

static int shrink_entry(void *arg, vaddr_t va, uintptr_t *e)
{
	struct shrink_ctx *c = arg;

	if (!(*e & PREC_MAPPED))
		return 0;
	hw_run_add(&c->run, va);
	*e &= c->unmap ? ~(PREC_MAPPED | PREC_WRITE) : ~PREC_WRITE;
	return 0;
}

/*
 * shrink_hw: [@start, @end) now has protection @prot, which took rights
 * away: unmap its pages (PROT_NONE) or map them read-only with @prot's
 * execute right. Writes fault again and get W back where they may.
 */
static void shrink_hw(struct pmm *p, vaddr_t start, vaddr_t end, unsigned int prot)
{
	struct shrink_ctx c = { .unmap = prot == PROT_NONE };

	hw_run_init(&c.run, p, c.unmap ? 0 : MAP_R | ((prot & PROT_EXEC) ? MAP_X : 0));
	prec_for_each(&p->rec, start, end, shrink_entry, &c);
	hw_run_flush(&c.run);
}

/* PAGER_MPROTECT: w0 addr, w1 len, w2 prot. */
long mmreq_mprotect(struct pmm *p, struct ipc_msg *m)
{
	vaddr_t start = m->w[0], end;
	unsigned int prot = (unsigned int)m->w[2];
	bool shrinks = false;
	struct vma *v;
	int err;

	if (!prot_ok(m->w[2]))
		return -EINVAL;
	end = ALIGN_UP(start + m->w[1], PAGE_SIZE);
	if (end < start)
		end = ~(vaddr_t)0 & PAGE_MASK;
	for (v = vma_find(p->mm, start); v && v->start < end; v = vma_next(v))
		shrinks |= (v->prot & ~prot) != 0;
	err = mm_mprotect(p->mm, start, m->w[1], prot);
	if (!err && shrinks && m->w[1])
		shrink_hw(p, start, end, prot);
	return err;
}

/* PAGER_BRK: w0 the new break, 0 to ask -> w0 the break. */
long mmreq_brk(struct pmm *p, struct ipc_msg *m)
{
	int err = m->w[0] ? mm_brk(p->mm, m->w[0]) : 0;

	m->w[0] = p->mm->brk;
	return err;
}
