/*
 * vm/mm.c: an address space's lifecycle (layout, create, destroy) and its
 * checker. Edits live in mmap.c, fork in mm_fork.c, the VMA tree in vma.c.
 */
#define LOG_PREFIX "mm: "

#include <pagoda/errno.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <vm/mm.h>
#include <vm/vm_alloc.h>
#include <vm/vma.h>

#define MM_STACK_MAX_DEFAULT	((vsize_t)8 << 20)	/* 8 MiB, Linux's RLIMIT_STACK */
#define MM_STACK_GUARD_DEFAULT	((vsize_t)256 << PAGE_SHIFT)	/* Linux's stack_guard_gap */
#define MM_MMAP_MIN_DEFAULT	((vaddr_t)0x10000)
#define MM_MAP_COUNT_DEFAULT	65530UL			/* Linux's max_map_count */
#define MM_GAP_MIN		((vsize_t)128 << 20)	/* room kept above mmap_base */

/*
 * The largest task_size we accept. Searches add a length and an alignment,
 * each at most task_size, to an address below it: 2^62 keeps every such
 * sum below 2^64. The largest user half supported (Sv57, x86-64 5-level)
 * is 2^56.
 */
#define MM_TASK_SIZE_MAX	((vaddr_t)1 << 62)

/*
 * mm_layout_default: Linux-like defaults for a user half ending at
 * @task_size (page aligned, large enough: at least a few hundred MiB):
 * mmap_min 64 KiB, 8 MiB stacks with a 1 MiB guard, mmap_base leaving the
 * stack area (at least 128 MiB, at most 5/6 of the space) above it,
 * bottom-up searches from task_size / 3, top-down by default.
 */
void mm_layout_default(struct mm_layout *layout, vaddr_t task_size)
{
	vsize_t gap = MAX(MM_STACK_MAX_DEFAULT + MM_STACK_GUARD_DEFAULT, MM_GAP_MIN);

	gap = MIN(gap, task_size / 6 * 5);
	layout->mmap_min = MM_MMAP_MIN_DEFAULT;
	layout->task_size = task_size;
	layout->mmap_base = ALIGN_DOWN(task_size - gap, PAGE_SIZE);
	layout->unmapped_base = ALIGN_DOWN(task_size / 3, PAGE_SIZE);
	layout->stack_max = MM_STACK_MAX_DEFAULT;
	layout->stack_guard = MM_STACK_GUARD_DEFAULT;
	layout->map_count_max = MM_MAP_COUNT_DEFAULT;
	layout->search = MM_SEARCH_TOPDOWN;
}

/* mm_layout_check: 0 if @layout is usable (see struct mm_layout), else -EINVAL. */
int mm_layout_check(const struct mm_layout *l)
{
	vaddr_t all = l->mmap_min | l->task_size | l->mmap_base | l->unmapped_base;

	if (!IS_ALIGNED(all | l->stack_max | l->stack_guard, PAGE_SIZE))
		return -EINVAL;
	if (l->task_size > MM_TASK_SIZE_MAX || l->mmap_min >= l->task_size)
		return -EINVAL;
	if (l->unmapped_base < l->mmap_min || l->unmapped_base >= l->task_size)
		return -EINVAL;
	if (l->mmap_base <= l->mmap_min || l->mmap_base > l->task_size)
		return -EINVAL;
	if (l->stack_guard < PAGE_SIZE || l->stack_guard > l->task_size ||
	    l->stack_max > l->task_size)
		return -EINVAL;
	if (!l->map_count_max)
		return -EINVAL;
	if (l->search != MM_SEARCH_TOPDOWN && l->search != MM_SEARCH_BOTTOMUP)
		return -EINVAL;
	return 0;
}

/*
 * mm_create: an empty mm with @layout (copied), the owner's @ops (may be
 * NULL) and @priv. The heap starts empty at mmap_min until
 * mm_set_brk_base. 0 and *@mmp, or -EINVAL (bad layout) or -ENOMEM.
 */
int mm_create(const struct mm_layout *layout, const struct mm_ops *ops, void *priv,
	      struct mm **mmp)
{
	struct mm *mm;

	if (mm_layout_check(layout))
		return -EINVAL;
	mm = vm_zalloc(sizeof(*mm));
	if (!mm)
		return -ENOMEM;
	list_init(&mm->vma_list);
	mm->vma_tree.rb_node = NULL;
	mm->layout = *layout;
	mm->brk_start = layout->mmap_min;
	mm->brk = layout->mmap_min;
	mm->ops = ops;
	mm->priv = priv;
	*mmp = mm;
	return 0;
}

/*
 * mm_destroy: unmap everything (the owner hears of each VMA through
 * ops->unmap first), drop every VMA and anon_vma reference, free @mm.
 */
void mm_destroy(struct mm *mm)
{
	struct vma *vma;

	while ((vma = vma_last(mm))) {
		if (mm->ops && mm->ops->unmap)
			mm->ops->unmap(mm, vma, vma->start, vma->end);
		vma_destroy(vma);
	}
	vm_free(mm, sizeof(*mm));
}

/*
 * mm_check: every invariant of @mm: its layout, its heap bounds and
 * vma_check() (VMAs, tree, gaps, cache, count, anon_vmas, i_mmap links).
 * 0, or -EINVAL after logging the first broken one. O(n).
 */
int mm_check(const struct mm *mm)
{
	if (mm_layout_check(&mm->layout)) {
		log_err("%p: bad layout", (const void *)mm);
		return -EINVAL;
	}
	if (mm->brk < mm->brk_start || mm->brk_start < mm->layout.mmap_min ||
	    mm->brk > mm->layout.task_size) {
		log_err("%p: brk [%#llx, %#llx) outside the layout", (const void *)mm,
			(unsigned long long)mm->brk_start, (unsigned long long)mm->brk);
		return -EINVAL;
	}
	if (mm->map_count > mm->layout.map_count_max) {
		log_err("%p: %lu VMAs over the limit", (const void *)mm, mm->map_count);
		return -EINVAL;
	}
	return vma_check(mm);
}
