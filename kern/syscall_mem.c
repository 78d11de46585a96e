/*
 * kern/syscall_mem.c: the memory system calls: map, unmap, protect, query.
 * The kernel keeps no policy: it checks rights and ranges and edits the
 * page tables through vm/pt; the pager decides what goes where.
 * Status bytes for unmap and query: see QUERY_* in pagoda/syscall.h.
 */
#include <pagoda/errno.h>
#include <pagoda/syscall.h>
#include <lib/string.h>
#include <arch/mmu.h>
#include <arch/thread.h>
#include <kern/aspace.h>
#include <kern/syscall_impl.h>
#include <kern/uaccess.h>

/* Pages one unmap/query with a status buffer may cover. */
#define STATUS_MAX_PAGES 65536
#define PAGE_STATUS_BATCH 512

static unsigned int prot_to_pt(unsigned long prot)
{
	return PT_READ | ((prot & MAP_W) ? PT_WRITE : 0) | ((prot & MAP_X) ? PT_EXEC : 0);
}

static uint8_t pt_to_status(unsigned int flags)
{
	return (uint8_t)(QUERY_PRESENT | ((flags & PT_WRITE) ? QUERY_W : 0) |
			 ((flags & PT_EXEC) ? QUERY_X : 0) |
			 ((flags & PT_ACCESSED) ? QUERY_ACCESSED : 0) |
			 ((flags & PT_DIRTY) ? QUERY_DIRTY : 0));
}

/* map_rights: the capability rights that mapping with @prot needs. */
static long map_rights(unsigned long prot, uint32_t *rights, unsigned int *flags)
{
	if (!(prot & MAP_R) || (prot & ~(unsigned long)(MAP_R | MAP_W | MAP_X)) ||
	    ((prot & MAP_W) && (prot & MAP_X)))
		return -EINVAL;
	*rights = CAP_R_MAP | CAP_R_READ | ((prot & MAP_W) ? CAP_R_WRITE : 0) |
		  ((prot & MAP_X) ? CAP_R_EXEC : 0);
	*flags = prot_to_pt(prot);
	return 0;
}

/*
 * map_source: check the frame region (or MMIO range) in the caller's
 * @slot for mapping @npages pages from page @pgoff with @rights; add to
 * *@flags what the region allows later protect calls to raise (PT_MAY_*)
 * and give the physical address of the first page.
 */
static long map_source(unsigned long slot, unsigned long pgoff, unsigned long npages,
		       uint32_t rights, unsigned int *flags, paddr_t *pa)
{
	struct cap *fr_cap;
	long err = own_cap(slot, CAP_ANY, 0, &fr_cap);

	if (err)
		return err;
	if (fr_cap->cp_type != CAP_FRAMES && fr_cap->cp_type != CAP_MMIO)
		return -ECAPTYPE;
	if (fr_cap->cp_type == CAP_MMIO && (*flags & PT_EXEC))
		return -EINVAL;
	if ((fr_cap->cp_rights & rights) != rights)
		return -EPERM;
	if (!npages || npages > fr_cap->cp_range.npages ||
	    pgoff > fr_cap->cp_range.npages - npages)
		return -EINVAL;
	if (fr_cap->cp_rights & CAP_R_WRITE)
		*flags |= PT_MAY_WRITE;
	if ((fr_cap->cp_rights & CAP_R_EXEC) && fr_cap->cp_type == CAP_FRAMES)
		*flags |= PT_MAY_EXEC;
	*pa = fr_cap->cp_range.base + (pgoff << PAGE_SHIFT);
	return 0;
}

long map_frames(unsigned long slot, unsigned long pgoff, unsigned long npages, unsigned long prot,
		paddr_t *pa, unsigned int *flags)
{
	uint32_t rights;
	long err = map_rights(prot, &rights, flags);

	return err ?: map_source(slot, pgoff, npages, rights, flags, pa);
}

long sys_map(struct trap_frame *tf)
{
	unsigned long va = arch_syscall_arg(tf, 1), npages = arch_syscall_arg(tf, 4);
	struct cap *as_cap;
	unsigned int flags;
	uint32_t rights;
	paddr_t pa;
	long err = map_rights(arch_syscall_arg(tf, 5), &rights, &flags);

	if (!err)
		err = own_cap(arch_syscall_arg(tf, 0), CAP_ASPACE, CAP_R_MAP, &as_cap);
	if (!err)
		err = map_source(arch_syscall_arg(tf, 2), arch_syscall_arg(tf, 3), npages, rights,
				 &flags, &pa);
	if (err)
		return err;
	if ((va & (PAGE_SIZE - 1)) || npages > ((unsigned long)-1 >> PAGE_SHIFT) ||
	    !user_range_ok(va, npages << PAGE_SHIFT))
		return -EINVAL;
	return aspace_map(aspace_of(as_cap->cp_obj), va, pa, npages, flags);
}

/* user_pages: check a user range of pages; -EINVAL if misaligned, empty, or outside. */
static long user_pages(unsigned long va, unsigned long npages)
{
	if (!npages || (va & (PAGE_SIZE - 1)) || npages > ((unsigned long)-1 >> PAGE_SHIFT) ||
	    !user_range_ok(va, npages << PAGE_SHIFT))
		return -EINVAL;
	return 0;
}

/* One status byte per page (QUERY_*), gathered by the walker reports. */
struct page_status {
	vaddr_t va;			/* first page of the batch */
	uint8_t st[PAGE_STATUS_BATCH];
};

static void note_leaf(void *arg, const struct pt_leaf *leaf)
{
	struct page_status *ps = arg;
	size_t i = (leaf->va - ps->va) >> PAGE_SHIFT;

	if (i < PAGE_STATUS_BATCH)
		ps->st[i] = pt_to_status(leaf->flags);
}

static long clear_user_status(uintptr_t ubuf, unsigned long n)
{
	static const uint8_t zero[PAGE_STATUS_BATCH];
	long err = 0;

	for (unsigned long done = 0; !err && done < n; done += PAGE_STATUS_BATCH)
		err = copy_to_user(ubuf + done, zero, MIN(n - done, (unsigned long)PAGE_STATUS_BATCH));
	return err;
}

long sys_unmap(struct trap_frame *tf)
{
	unsigned long va = arch_syscall_arg(tf, 1), npages = arch_syscall_arg(tf, 2);
	uintptr_t ubuf = arch_syscall_arg(tf, 3);
	struct cap *as_cap;
	struct aspace *as;
	long err = own_cap(arch_syscall_arg(tf, 0), CAP_ASPACE, CAP_R_MAP, &as_cap);

	if (!err)
		err = user_pages(va, npages);
	if (err)
		return err;
	as = aspace_of(as_cap->cp_obj);
	if (!ubuf)
		return aspace_unmap(as, va, npages, NULL);
	/*
	 * With a buffer: each page's accessed/dirty bits, in batches. The
	 * buffer is checked writable (zeroed) first and may not lie in the
	 * range, so the copies after each batch cannot fail half-way.
	 */
	if (npages > STATUS_MAX_PAGES)
		return -EINVAL;
	if (ubuf < va + npages * PAGE_SIZE && ubuf + npages > va)
		return -EINVAL;
	err = clear_user_status(ubuf, npages);
	if (err)
		return err;
	for (unsigned long done = 0; done < npages; done += PAGE_STATUS_BATCH) {
		static struct page_status ps;
		unsigned long n = MIN(npages - done, (unsigned long)PAGE_STATUS_BATCH);
		struct pt_report rep = { note_leaf, &ps };

		ps.va = va + done * PAGE_SIZE;
		memset(ps.st, 0, sizeof(ps.st));
		err = aspace_unmap(as, ps.va, n, &rep);
		if (!err)
			err = copy_to_user(ubuf + done, ps.st, n);
		if (err)
			return err;
	}
	return 0;
}

/* may_take: -EPERM if the leaf's region did not allow the new permissions. */
static int may_take(void *arg, const struct pt_leaf *leaf)
{
	unsigned int flags = *(unsigned int *)arg;

	if (((flags & PT_WRITE) && !(leaf->flags & PT_MAY_WRITE)) ||
	    ((flags & PT_EXEC) && !(leaf->flags & PT_MAY_EXEC)))
		return -EPERM;
	return 0;
}

static int note_present(void *arg, const struct pt_leaf *leaf)
{
	note_leaf(arg, leaf);
	return 0;
}

long sys_protect(struct trap_frame *tf)
{
	unsigned long va = arch_syscall_arg(tf, 1), npages = arch_syscall_arg(tf, 2);
	unsigned long prot = arch_syscall_arg(tf, 3);
	unsigned int flags = prot_to_pt(prot);
	struct cap *as_cap;
	struct aspace *as;
	long err = own_cap(arch_syscall_arg(tf, 0), CAP_ASPACE, CAP_R_MAP, &as_cap);

	if (!err)
		err = user_pages(va, npages);
	if (!err && (!(prot & MAP_R) || (prot & ~(unsigned long)(MAP_R | MAP_W | MAP_X)) ||
		     ((prot & MAP_W) && (prot & MAP_X))))
		err = -EINVAL;
	if (err)
		return err;
	as = aspace_of(as_cap->cp_obj);
	if (npages == 1)	/* mprotect's common case: one lookup */
		return aspace_protect_one(as, va, flags,
					  ((flags & PT_WRITE) ? PT_MAY_WRITE : 0) |
					  ((flags & PT_EXEC) ? PT_MAY_EXEC : 0));
	/* Check every mapped page may take @prot before changing any. */
	err = pt_walk_range(&as->pt, va, npages, may_take, &flags);
	return err ? err : aspace_protect(as, va, npages, flags);
}

long sys_query(struct trap_frame *tf)
{
	unsigned long va = arch_syscall_arg(tf, 1), npages = arch_syscall_arg(tf, 2);
	uintptr_t ubuf = arch_syscall_arg(tf, 3);
	bool clear = arch_syscall_arg(tf, 4) != 0;
	struct cap *as_cap;
	struct aspace *as;
	long err = own_cap(arch_syscall_arg(tf, 0), CAP_ASPACE, CAP_R_MAP, &as_cap);

	if (!err)
		err = user_pages(va, npages);
	if (!err && npages > STATUS_MAX_PAGES)
		err = -EINVAL;
	if (!err && !user_range_ok(ubuf, npages))
		err = -EFAULT;
	if (err)
		return err;
	as = aspace_of(as_cap->cp_obj);
	for (unsigned long done = 0; done < npages; done += PAGE_STATUS_BATCH) {
		static struct page_status ps;
		unsigned long n = MIN(npages - done, (unsigned long)PAGE_STATUS_BATCH);
		struct pt_report rep = { note_leaf, &ps };

		ps.va = va + done * PAGE_SIZE;
		memset(ps.st, 0, sizeof(ps.st));
		/* Clearing reports the old bits; else walk the leaves as they are. */
		if (clear)
			err = aspace_clear_accessed(as, ps.va, n, &rep);
		else
			err = pt_walk_range(&as->pt, ps.va, n, note_present, &ps);
		if (!err)
			err = copy_to_user(ubuf + done, ps.st, n);
		if (err)
			return err;
	}
	return 0;
}

