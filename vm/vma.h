/*
 * vm/vma.h: the VMAs of one mm, and the gap-augmented tree that holds them.
 *
 * A VMA maps [start, end) with one protection and one backing: a file
 * (mapping, from file page pgoff) or anonymous memory (mapping == NULL).
 * Private VMAs get an anon_vma when their first private page appears
 * (vm/anon_vma.h). A file VMA is in its mapping's i_mmap priority search
 * tree under [pgoff, pgoff + npages - 1] for as long as it is linked.
 *
 * The tree (design note):
 *
 *                 [C] gap_max = max(gap(C), gap_max(B), gap_max(E))
 *                /   \
 *              [B]   [E]
 *             /     /   \
 *           [A]   [D]   [F]
 *
 *   |mmap_min ..gap(A).. [A] ..gap(B).. [B] ... [F] ....top gap.... task_size|
 *
 *   gap(v) = start_gap(v) - end(prev(v)), or 0 when negative, where
 *   end(prev) is mmap_min for the first VMA and start_gap(v) is v->start
 *   less the stack guard when v grows down. The gap above the last VMA is
 *   not in the tree; the searches test it on their own.
 *
 * Keyed by start, each node keeps gap_max, the largest gap in its subtree.
 * A gap depends on the VMA and its list predecessor, so a mutation
 * invalidates: linking v, gap(v) and gap(next(v)); unlinking v,
 * gap(next(v)); moving v->start, gap(v); moving v->end, gap(next(v)).
 * Every helper below repropagates exactly those before it returns, so the
 * tree is exact between calls. The free-area searches descend only into
 * subtrees whose gap_max can hold the request, which makes them O(log n).
 *
 * Locks: the owning mm's (see vm/mm.h).
 */
#ifndef PAGODA_VM_VMA_H
#define PAGODA_VM_VMA_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>
#include <lib/list.h>
#include <lib/rbtree.h>
#include <vm/mm.h>
#include <vm/pst.h>

struct anon_vma;
struct address_space;

/* vma.prot */
#define VMA_READ	(1u << 0)
#define VMA_WRITE	(1u << 1)
#define VMA_EXEC	(1u << 2)
#define VMA_PROT_MASK	(VMA_READ | VMA_WRITE | VMA_EXEC)

/* vma.flags */
#define VMA_SHARED	(1u << 0)	/* writes reach the mapping; else private (COW) */
#define VMA_GROWSDOWN	(1u << 1)	/* a stack: grows down to faults below it */
#define VMA_FLAGS_MASK	(VMA_SHARED | VMA_GROWSDOWN)

/*
 * The fields a tree search and a gap update read (start, end, rb, gap_max,
 * prev_end, flags) fill the first 64 bytes, so that visiting a node
 * touches one cache line, or two when the object straddles lines.
 */
struct vma {
	vaddr_t start;			/* first byte, page aligned */
	vaddr_t end;			/* one past the last byte, page aligned, > start */
	struct rb_node rb;		/* in mm->vma_tree, by start */
	vsize_t gap_max;		/* largest gap in this rb subtree */
	/*
	 * Where the hole below starts: the previous VMA's end, or mmap_min
	 * for the first. A copy, kept by every edit that moves a neighbour,
	 * so that gap updates and gap searches read no neighbour.
	 */
	vaddr_t prev_end;
	unsigned int prot;		/* VMA_READ | VMA_WRITE | VMA_EXEC */
	unsigned int flags;		/* VMA_SHARED | VMA_GROWSDOWN */
	pgoff_t pgoff;			/* page index of start: in the file, or anonymous */
	struct mm *mm;			/* the owner */
	struct address_space *mapping;	/* the file mapped; NULL for anonymous memory */
	struct anon_vma *anon_vma;	/* reverse map of private pages; NULL until one */
	struct list_node node;		/* in mm->vma_list, by address */
	struct list_node anon_node;	/* in anon_vma->vmas */
	struct pst_node shared;		/* in mapping->i_mmap while mapping != NULL */
};

/*
 * vma_seg: the attributes of a VMA-to-be, used to plan an edit before any
 * VMA changes (vma_can_merge works on them).
 */
struct vma_seg {
	vaddr_t start, end;
	pgoff_t pgoff;
	unsigned int prot, flags;
	struct address_space *mapping;
	struct anon_vma *anon_vma;
};

static inline vsize_t vma_npages(const struct vma *vma)
{
	return (vma->end - vma->start) >> PAGE_SHIFT;
}

static inline bool vma_is_anon(const struct vma *vma)
{
	return vma->mapping == NULL;
}

/* vma_pgoff_at: the page index (file or anonymous) of @addr in @vma. */
static inline pgoff_t vma_pgoff_at(const struct vma *vma, vaddr_t addr)
{
	return vma->pgoff + ((addr - vma->start) >> PAGE_SHIFT);
}

static inline struct vma *vma_first(const struct mm *mm)
{
	struct list_node *n = list_first(&mm->vma_list);

	return n ? list_entry(n, struct vma, node) : NULL;
}

static inline struct vma *vma_last(const struct mm *mm)
{
	struct list_node *n = list_last(&mm->vma_list);

	return n ? list_entry(n, struct vma, node) : NULL;
}

static inline struct vma *vma_next(const struct vma *vma)
{
	if (vma->node.next == &vma->mm->vma_list)
		return NULL;
	return list_entry(vma->node.next, struct vma, node);
}

static inline struct vma *vma_prev(const struct vma *vma)
{
	if (vma->node.prev == &vma->mm->vma_list)
		return NULL;
	return list_entry(vma->node.prev, struct vma, node);
}

/* vma_start_gap: the lowest address a free-area search may use below @vma. */
static inline vaddr_t vma_start_gap(const struct vma *vma)
{
	vsize_t guard = vma->mm->layout.stack_guard;

	if (!(vma->flags & VMA_GROWSDOWN))
		return vma->start;
	return vma->start > guard ? vma->start - guard : 0;
}

struct vma *vma_alloc(void);
void vma_free(struct vma *vma);
void vma_to_seg(const struct vma *vma, struct vma_seg *seg);
bool vma_can_merge(const struct vma_seg *a, const struct vma_seg *b);
/* vma_mergeable: vma_can_merge() of linked VMAs, @a just below @b, without copies. */
bool vma_mergeable(const struct vma *a, const struct vma *b);

struct vma *vma_find(struct mm *mm, vaddr_t addr);
struct vma *vma_find_intersection(struct mm *mm, vaddr_t start, vaddr_t end);

int vma_gap_find_up(const struct mm *mm, vaddr_t low, vaddr_t high, vsize_t len,
		    vsize_t align, vaddr_t *addrp);
int vma_gap_find_down(const struct mm *mm, vaddr_t low, vaddr_t high, vsize_t len,
		      vsize_t align, vaddr_t *addrp);

void vma_link(struct mm *mm, struct vma *vma, struct vma *prev);
void vma_unlink(struct mm *mm, struct vma *vma);
void vma_destroy(struct vma *vma);
void vma_set_start(struct vma *vma, vaddr_t start);
void vma_set_end(struct vma *vma, vaddr_t end);
void vma_split(struct vma *vma, vaddr_t addr, struct vma *tail);
void vma_merge_next(struct vma *vma);

int vma_check(const struct mm *mm);

#endif
