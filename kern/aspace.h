/*
 * kern/aspace.h: address spaces: a user page-table root (sharing the
 * kernel half) and a quota of page-table pages. Mapping checks first
 * (range, alignment, flags, the quota through pt_tables_needed) and then
 * commits, so a failed map changes nothing.
 *
 * Locking: one hart, non-preemptive kernel; callers run inside syscalls.
 */
#ifndef PAGODA_KERN_ASPACE_H
#define PAGODA_KERN_ASPACE_H

#include <pagoda/types.h>
#include <vm/pt.h>
#include <arch/mmu.h>
#include <kern/cap.h>
#include <kern/kernel_pt.h>

struct aspace {
	struct kobj as_ko;		/* capabilities, threads, the loader */
	struct pt_ctx pt;		/* user window of this space's tables */
	struct arch_aspace arch;	/* TLB tag (ASID) */
	paddr_t root;
	size_t table_quota;		/* page-table pages this space may use */
	size_t tables_used;		/* including the root */
};

#define ASPACE_QUOTA_MAX 4096	/* page-table pages one space may ever use */

/*
 * aspace_create: a new empty space allowed @table_quota page-table pages
 * (1 .. ASPACE_QUOTA_MAX), with no reference yet (insert a capability or
 * kobj_get). When the last reference goes its tables are freed; the frames
 * it mapped belong to their holders and are not touched.
 */
int aspace_create(size_t table_quota, struct aspace **out);

static inline struct aspace *aspace_of(struct kobj *ko)
{
	return container_of(ko, struct aspace, as_ko);
}

/*
 * aspace_map: map @npages frames from @pa at user address @va with PT_*
 * @flags (PT_USER is implied). -EINVAL: bad range/alignment/flags;
 * -EEXIST: a page is already mapped; -ENOMEM: the table quota or kernel
 * memory ran out. On error nothing changed.
 */
int aspace_map(struct aspace *as, vaddr_t va, paddr_t pa, size_t npages, unsigned int flags);
/*
 * aspace_replace_page: map one frame at @va whatever was mapped there (the
 * old translation is flushed). Same errors as aspace_map but -EEXIST only
 * for a large leaf, and -EAGAIN if a table is missing and not @may_alloc;
 * on error nothing changed.
 */
int aspace_replace_page(struct aspace *as, vaddr_t va, paddr_t pa, unsigned int flags,
			bool may_alloc);
/*
 * aspace_unmap: unmap whatever is mapped in [va, va + npages pages), each
 * old leaf reported to @old (may be NULL).
 */
int aspace_unmap(struct aspace *as, vaddr_t va, size_t npages, const struct pt_report *old);
/* aspace_protect: give the mapped pages of the range the PT_* permissions @flags. */
int aspace_protect(struct aspace *as, vaddr_t va, size_t npages, unsigned int flags);
/* aspace_protect_one: one page, -EPERM (nothing changed) if its leaf lacks a PT_MAY_* of @need. */
int aspace_protect_one(struct aspace *as, vaddr_t va, unsigned int flags, unsigned int need);
/* aspace_clear_accessed: clear A bits, reporting each leaf as it was. */
int aspace_clear_accessed(struct aspace *as, vaddr_t va, size_t npages,
			  const struct pt_report *old);

/*
 * aspace_user_page: the kernel address of the user page at @va of @as, if
 * it is mapped user-accessible (and writable when @write). -EFAULT if not.
 * Valid until the mapping changes: use it at once, never keep it.
 */
int aspace_user_page(struct aspace *as, vaddr_t va, bool write, void **kva);

/*
 * aspace_ready, aspace_activate_ready: the part of aspace_activate that
 * calls no function, for the IPC fastpaths (a call anywhere in them makes
 * some compilers save registers on every pass). A fastpath checks that
 * its partner's space is ready before its point of no return, or leaves
 * the switch to the slow path.
 */
static inline bool aspace_ready(const struct aspace *as)
{
	return arch_aspace_ready(&as->arch);
}

static inline void aspace_activate_ready(struct aspace *as)
{
	arch_aspace_activate_ready(&as->arch, as->root);
}

/* aspace_activate: switch the hart to @as (NULL: the kernel's own tables). */
static inline void aspace_activate(struct aspace *as)
{
	if (as)
		arch_aspace_activate(&as->arch, as->root);
	else
		arch_aspace_activate(NULL, kernel_pt()->root);
}

#endif
