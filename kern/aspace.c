/* kern/aspace.c: user page tables with a table quota (see aspace.h). */
#include <pagoda/errno.h>
#include <arch/mmu.h>
#include <kern/aspace.h>
#include <kern/kalloc.h>
#include <kern/mem.h>
#include <kern/sched.h>
#include <kern/thread.h>

static pte_t *as_table_virt(void *cookie, paddr_t pa)
{
	return phys_to_virt(pa);
}

static int as_table_alloc(void *cookie, paddr_t *pa)
{
	struct aspace *as = cookie;
	int err;

	if (as->tables_used >= as->table_quota)
		return -ENOMEM;
	err = mem_alloc_zeroed_frame(pa);
	if (!err)
		as->tables_used++;
	return err;
}

static void as_table_free(void *cookie, paddr_t pa)
{
	struct aspace *as = cookie;

	as->tables_used--;
	frame_free(&kernel_frames, pa);
}

static uint16_t *as_table_live(void *cookie, paddr_t pa)
{
	return mem_frame_counter(pa);
}

static const struct pt_env aspace_pt_env = {
	.table_virt = as_table_virt,
	.table_alloc = as_table_alloc,	/* zeroed frames */
	.table_free = as_table_free,
	.table_live = as_table_live,
	.zeroed = true,
};

static void aspace_destroy(struct kobj *ko)
{
	struct aspace *as = aspace_of(ko);

	/* No thread runs on it any more; drop what the TLB may hold for it. */
	arch_aspace_flush_all(&as->arch);
	pt_destroy(&as->pt);
	as_table_free(as, as->root);
	kfree(as, sizeof(*as));
}

static const struct kobj_ops aspace_ops = {
	.destroy = aspace_destroy,
};

int aspace_create(size_t table_quota, struct aspace **out)
{
	struct aspace *as;
	int err;

	if (table_quota < 1 || table_quota > ASPACE_QUOTA_MAX)
		return -EINVAL;
	as = kzalloc(sizeof(*as));
	if (!as)
		return -ENOMEM;
	as->table_quota = table_quota;
	err = as_table_alloc(as, &as->root);
	if (err)
		goto out_free;
	err = pt_ctx_init(&as->pt, arch_pt_fmt(), as->root, PT_SPACE_USER, &aspace_pt_env, as);
	if (err)
		goto out_root;
	pt_share_kernel_half(arch_pt_fmt(), phys_to_virt(as->root),
			     phys_to_virt(kernel_pt()->root));
	arch_aspace_init(&as->arch);
	kobj_init(&as->as_ko, CAP_ASPACE, &aspace_ops);
	*out = as;
	return 0;
out_root:
	as_table_free(as, as->root);
out_free:
	kfree(as, sizeof(*as));
	return err;
}

static int map_pages(struct aspace *as, vaddr_t va, paddr_t pa, size_t npages, unsigned int flags,
		     enum pt_existing existing, bool may_alloc)
{
	size_t need;
	int err;

	flags |= PT_USER | PT_ACCESSED | ((flags & PT_WRITE) ? PT_DIRTY : 0);
	/* The page-fault case: one page, its tables already there. */
	if (npages == 1) {
		err = pt_map_one(&as->pt, va, pa, flags, existing, NULL);
		if (err != -EAGAIN || !may_alloc) {
			if (!err)
				arch_aspace_flush_page(&as->arch, va);
			return err;
		}
	}
	err = pt_tables_needed(&as->pt, va, npages, &need);
	if (err)
		return err;
	if (need > as->table_quota - as->tables_used)
		return -ENOMEM;
	/*
	 * A (and D when writable) preset: harts without hardware A/D updates
	 * would fault otherwise. Accessed-bit tracking for page-out clears A
	 * later and handles the fault then.
	 */
	err = pt_map(&as->pt, va, pa, npages, flags, existing, NULL);
	/* Invalid entries may be cached too (privileged spec): fence the new ones. */
	for (size_t i = 0; !err && i < npages; i++)
		arch_aspace_flush_page(&as->arch, va + i * PAGE_SIZE);
	return err;
}

int aspace_map(struct aspace *as, vaddr_t va, paddr_t pa, size_t npages, unsigned int flags)
{
	return map_pages(as, va, pa, npages, flags, PT_EXISTING_ERROR, true);
}

int aspace_replace_page(struct aspace *as, vaddr_t va, paddr_t pa, unsigned int flags,
			bool may_alloc)
{
	return map_pages(as, va, pa, 1, flags, PT_EXISTING_REPLACE, may_alloc);
}

/*
 * flush_range: forget cached translations after removing or downgrading
 * mappings. The space need not be current: its ASID keeps its entries.
 * unmap may also have freed page tables, which a per-address fence does
 * not cover (only leaf entries): flush the space's whole ASID then, and
 * above a few pages anyway, so a long range costs one fence.
 */
#define FLUSH_PAGES_MAX 16
static void flush_range(struct aspace *as, vaddr_t va, size_t npages, bool tables_freed)
{
	if (tables_freed || npages > FLUSH_PAGES_MAX) {
		arch_aspace_flush_all(&as->arch);
		return;
	}
	for (size_t i = 0; i < npages; i++)
		arch_aspace_flush_page(&as->arch, va + i * PAGE_SIZE);
}

int aspace_unmap(struct aspace *as, vaddr_t va, size_t npages, const struct pt_report *old)
{
	size_t tables = as->tables_used;
	int err = pt_unmap(&as->pt, va, npages, old);

	if (!err)
		flush_range(as, va, npages, as->tables_used != tables);
	return err;
}

int aspace_protect(struct aspace *as, vaddr_t va, size_t npages, unsigned int flags)
{
	int err = pt_protect(&as->pt, va, npages, flags | PT_USER);

	if (!err)
		flush_range(as, va, npages, false);
	return err;
}

int aspace_protect_one(struct aspace *as, vaddr_t va, unsigned int flags, unsigned int need)
{
	int err = pt_protect_one(&as->pt, va, flags | PT_USER, need);

	if (!err)
		arch_aspace_flush_page(&as->arch, va);
	return err;
}

int aspace_clear_accessed(struct aspace *as, vaddr_t va, size_t npages,
			  const struct pt_report *old)
{
	int err = pt_clear_accessed(&as->pt, va, npages, old);

	if (!err)
		flush_range(as, va, npages, false);
	return err;
}

int aspace_user_page(struct aspace *as, vaddr_t va, bool write, void **kva)
{
	struct pt_leaf leaf;
	unsigned int need = PT_USER | PT_READ | (write ? PT_WRITE : 0);

	if (!as || pt_query(&as->pt, ALIGN_DOWN(va, PAGE_SIZE), &leaf))
		return -EFAULT;
	/* Only RAM: the kernel copies IPC data here without fault protection. */
	if ((leaf.flags & need) != need || !mem_is_ram(leaf.pa))
		return -EFAULT;
	*kva = (char *)phys_to_virt(leaf.pa) + (va - leaf.va);
	return 0;
}
