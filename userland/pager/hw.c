/*
 * userland/pager/hw.c: what the pager asks of the kernel's page tables of
 * one process beyond what rides on fault replies (fault.c): SYS_UNMAP and
 * SYS_PROTECT on its address-space capability. The record (prec.c) says
 * what is mapped; these calls keep the kernel in line with it.
 *
 * Runs: a range operation (munmap, fork's write protection, mprotect)
 * touches only the pages that are mapped, gathered into maximal runs of
 * consecutive pages, one system call a run, so its cost follows the pages
 * present rather than the size of the range.
 */
#define LOG_PREFIX "pager: hw: "

#include <pagoda/errno.h>
#include <lib/log.h>
#include <vm/vma.h>
#include "pager.h"

/* hw_prot: the SYS_MAP protection of a page of @vma; W only if @writable. */
unsigned long hw_prot(const struct vma *vma, bool writable)
{
	return MAP_R | ((vma->prot & VMA_EXEC) ? MAP_X : 0) |
	       (writable && (vma->prot & VMA_WRITE) ? MAP_W : 0);
}

long hw_unmap(struct pmm *p, vaddr_t va, unsigned long npages)
{
	long err = unmap(p->as_slot, va, npages);

	if (err)
		log_err("pid %llu: unmap %#lx +%lu: %ld\n", (unsigned long long)p->pid,
			(unsigned long)va, npages, err);
	return err;
}

long hw_protect(struct pmm *p, vaddr_t va, unsigned long npages, unsigned long prot)
{
	long err = protect(p->as_slot, va, npages, prot);

	if (err)
		log_err("pid %llu: protect %#lx +%lu: %ld\n", (unsigned long long)p->pid,
			(unsigned long)va, npages, err);
	return err;
}

/* hw_run_init: gather pages of @p to unmap (@prot 0) or to protect with @prot. */
void hw_run_init(struct hw_run *run, struct pmm *p, unsigned long prot)
{
	run->p = p;
	run->start = run->end = 0;
	run->prot = prot;
	run->err = 0;
}

/* hw_run_flush: issue the pending run; the first error of all runs so far. */
int hw_run_flush(struct hw_run *run)
{
	unsigned long npages = (run->end - run->start) >> PAGE_SHIFT;
	long err = 0;

	if (npages)
		err = run->prot ? hw_protect(run->p, run->start, npages, run->prot) :
				  hw_unmap(run->p, run->start, npages);
	if (err && !run->err)
		run->err = (int)err;
	run->start = run->end = 0;
	return run->err;
}

/* hw_run_add: page @va joins the run (pages come in ascending order). */
void hw_run_add(struct hw_run *run, vaddr_t va)
{
	if (run->end != run->start && run->end != va)
		hw_run_flush(run);
	if (run->end == run->start)
		run->start = va;
	run->end = va + PAGE_SIZE;
}
