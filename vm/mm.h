/*
 * vm/mm.h: one address space's bookkeeping (the pager's view of a process):
 * its VMAs, its layout limits, its heap (brk) and its stack.
 *
 * VMAs sit in a list sorted by address and in a red-black tree keyed by
 * start, augmented with the largest free gap of each subtree (vm/vma.h), so
 * find and the free-area search cost O(log n). A one-entry cache remembers
 * the last VMA found.
 *
 * Editing operations (mm_mmap, mm_munmap, mm_mprotect, mm_brk,
 * mm_grow_stack, mm_fork) check, then commit: they validate every argument,
 * work out the result (splits, merges, the final VMA count) and allocate all
 * they need before changing anything, so an error (-EINVAL, -ENOMEM,
 * -EEXIST, ...) leaves the mm exactly as it was and leaks nothing.
 *
 * Pages are not tracked here. The pager keeps its own record of what each
 * page of an mm holds (frame, swap slot or nothing), keyed by address, so
 * splitting and merging VMAs never touches it and fork copies it by range.
 * The mm tells the pager when a range stops being mapped through
 * mm_ops.unmap, called while the VMA is still intact.
 *
 * Implementation: mm.c (lifecycle, checker), mmap.c (edits, free-area
 * search), mm_fork.c (fork), vma.c (the tree).
 *
 * Locks: none inside; the owner of the mm (the pager's single thread)
 * serialises every call.
 */
#ifndef PAGODA_VM_MM_H
#define PAGODA_VM_MM_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>
#include <lib/list.h>
#include <lib/rbtree.h>

struct mm;
struct vma;
struct address_space;

/* Where the free-area search places a mapping without MM_PLACE_FIXED. */
enum mm_search_dir {
	MM_SEARCH_TOPDOWN,	/* highest fit below mmap_base (the default) */
	MM_SEARCH_BOTTOMUP,	/* lowest fit at or above unmapped_base */
};

/*
 * mm_layout: the limits of one address space, fixed at creation. They
 * depend on the paging mode, which the caller knows: task_size is one past
 * the highest user address (Sv39 0x4000000000, Sv48 and x86-64 4-level
 * 0x800000000000, Sv57 and x86-64 5-level 0x100000000000000).
 * All addresses and lengths are page aligned, and
 *   mmap_min <= unmapped_base < task_size, mmap_min < mmap_base <= task_size.
 */
struct mm_layout {
	vaddr_t mmap_min;	/* nothing is mapped below (Linux's mmap_min_addr) */
	vaddr_t task_size;	/* nothing is mapped at or above */
	vaddr_t mmap_base;	/* top-down searches stay below: the stack area is above */
	vaddr_t unmapped_base;	/* bottom-up searches start here */
	vsize_t stack_max;	/* largest size a growsdown VMA may grow to */
	vsize_t stack_guard;	/* free gap kept below a growsdown VMA (>= 1 page) */
	unsigned long map_count_max;	/* most VMAs the mm may hold (>= 1) */
	enum mm_search_dir search;
};

/*
 * mm_ops: the owner's hooks (all optional; ops itself may be NULL).
 *   unmap: [start, end) of @vma is about to stop being mapped (munmap, a
 *          fixed mmap over it, brk shrinking, mm_destroy). Called in the
 *          commit phase, before the VMA changes, so it cannot fail: the
 *          pager drops the pages it recorded there (rmap_remove_anon and
 *          frees them, or drops its page-cache references) and tells the
 *          kernel to unmap. It must not call back into the mm.
 */
struct mm_ops {
	void (*unmap)(struct mm *mm, struct vma *vma, vaddr_t start, vaddr_t end);
};

struct mm {
	struct list_node vma_list;	/* every VMA, by address (vma.node) */
	struct rb_root vma_tree;	/* every VMA, keyed by start, gap-augmented */
	struct vma *cache;		/* where vma_find() starts: the last VMA it returned, a
					 * neighbour of an unlinked one, or NULL */
	unsigned long map_count;	/* VMAs in the mm */
	struct mm_layout layout;
	vaddr_t brk_start;		/* the heap starts here (page aligned) */
	vaddr_t brk;			/* current program break, brk_start <= brk */
	vaddr_t stack_top;		/* end of the stack VMA set by mm_setup_stack, or 0 */
	const struct mm_ops *ops;
	void *priv;			/* the owner's, untouched by vm/ */
};

/* Placement of mm_mmap. */
enum mm_place {
	MM_PLACE_HINT,		/* addr is a hint (0: none); search for free space */
	MM_PLACE_FIXED,		/* exactly at addr, replacing whatever is there */
	MM_PLACE_FIXED_NOREPLACE, /* exactly at addr, -EEXIST if anything is there */
};

/*
 * mm_map_args: one mmap request.
 *   prot:  VMA_READ | VMA_WRITE | VMA_EXEC (vm/vma.h); write-only is
 *          stored as read+write (as RISC-V and x86 must map it).
 *   flags: VMA_SHARED (else private, copy-on-write), VMA_GROWSDOWN
 *          (anonymous private only).
 *   mapping/pgoff: the file and the file page at addr; NULL for anonymous
 *          memory (pgoff is then ignored: anonymous VMAs get pgoff =
 *          start >> PAGE_SHIFT). Shared memory always has a mapping: the
 *          pager backs MAP_SHARED|MAP_ANONYMOUS with an address_space of
 *          its own (a shmem object).
 *   align: 0 or a power of two >= PAGE_SIZE: the start's alignment.
 */
struct mm_map_args {
	vaddr_t addr;
	vsize_t len;
	unsigned int prot;
	unsigned int flags;
	enum mm_place place;
	vsize_t align;
	struct address_space *mapping;
	pgoff_t pgoff;
};

void mm_layout_default(struct mm_layout *layout, vaddr_t task_size);
int mm_layout_check(const struct mm_layout *layout);
int mm_create(const struct mm_layout *layout, const struct mm_ops *ops, void *priv,
	      struct mm **mmp);
void mm_destroy(struct mm *mm);
int mm_fork(struct mm *parent, void *child_priv, struct mm **childp);
int mm_check(const struct mm *mm);

int mm_get_unmapped_area(struct mm *mm, vaddr_t hint, vsize_t len, vsize_t align,
			 vaddr_t *addrp);
int mm_mmap(struct mm *mm, const struct mm_map_args *args, vaddr_t *addrp);
int mm_munmap(struct mm *mm, vaddr_t start, vsize_t len);
int mm_mprotect(struct mm *mm, vaddr_t start, vsize_t len, unsigned int prot);
int mm_set_brk_base(struct mm *mm, vaddr_t base);
int mm_brk(struct mm *mm, vaddr_t new_brk);
int mm_setup_stack(struct mm *mm, vaddr_t top, vsize_t size, unsigned int prot);
int mm_grow_stack(struct mm *mm, vaddr_t addr, struct vma **vmap);

#endif
