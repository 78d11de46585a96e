/*
 * vm/mmap.c: editing an address space: the free-area search, mmap,
 * munmap, mprotect, brk and stack growth (API and rules: vm/mm.h).
 *
 * Every edit runs in two phases. The plan phase validates the arguments,
 * finds the VMAs the range meets, works out the splits and merges the edit
 * will make, checks the final VMA count against the limit and allocates
 * the VMAs the splits need. Only then does the commit phase change
 * anything, and it cannot fail. The merge simulation of the plan and the
 * merge pass of the commit visit the same VMAs in the same order with the
 * same vma_can_merge() test, so the planned count is exact.
 */
#define LOG_PREFIX "mmap: "

#include <pagoda/errno.h>
#include <lib/assert.h>
#include <vm/anon_vma.h>
#include <vm/mm.h>
#include <vm/vma.h>

/* range_plan: the VMAs an edit of [start, end) meets, and their neighbours. */
struct range_plan {
	vaddr_t start, end;
	struct vma *first;	/* lowest VMA meeting the range, or NULL */
	struct vma *last;	/* highest VMA meeting the range, or NULL */
	struct vma *prev;	/* the VMA below the range, or NULL */
	struct vma *next;	/* the VMA above the range, or NULL */
	unsigned long nr;	/* VMAs meeting the range */
	bool split_first;	/* first starts below start */
	bool split_last;	/* last ends above end */
};

static void range_plan_init(struct mm *mm, vaddr_t start, vaddr_t end, struct range_plan *p)
{
	struct vma *v = vma_find(mm, start);

	p->start = start;
	p->end = end;
	p->first = NULL;
	p->last = NULL;
	p->nr = 0;
	p->prev = v ? vma_prev(v) : vma_last(mm);
	for (; v && v->start < end; v = vma_next(v)) {
		if (!p->first)
			p->first = v;
		p->last = v;
		p->nr++;
	}
	p->next = v;
	p->split_first = p->first && p->first->start < start;
	p->split_last = p->last && p->last->end > end;
}

/* range_needs_spare: one VMA sticks out on both sides: unmapping splits it. */
static bool range_needs_spare(const struct range_plan *p)
{
	return p->first && p->first == p->last && p->split_first && p->split_last;
}

static void mm_notify_unmap(struct mm *mm, struct vma *vma, vaddr_t start, vaddr_t end)
{
	if (mm->ops && mm->ops->unmap)
		mm->ops->unmap(mm, vma, start, end);
}

/*
 * range_unmap: commit: clear [p->start, p->end), telling the owner first.
 * @spare is the VMA range_needs_spare() asked for, else NULL.
 */
static void range_unmap(struct mm *mm, const struct range_plan *p, struct vma *spare)
{
	struct vma *v = p->first, *next;

	if (spare)
		vma_split(v, p->end, spare);
	for (; v && v->start < p->end; v = next) {
		next = vma_next(v);
		mm_notify_unmap(mm, v, MAX(v->start, p->start), MIN(v->end, p->end));
		if (v->start < p->start)
			vma_set_end(v, p->start);
		else if (v->end > p->end)
			vma_set_start(v, p->end);
		else
			vma_destroy(v);
	}
}

/* mm_unmap_range: unmap [start, end) (page aligned). 0 or -ENOMEM. */
static int mm_unmap_range(struct mm *mm, vaddr_t start, vaddr_t end)
{
	struct range_plan p;
	struct vma *spare = NULL;

	range_plan_init(mm, start, end, &p);
	if (range_needs_spare(&p)) {
		if (mm->map_count >= mm->layout.map_count_max)
			return -ENOMEM;
		spare = vma_alloc();
		if (!spare)
			return -ENOMEM;
	}
	range_unmap(mm, &p, spare);
	return 0;
}

/*
 * mm_munmap: unmap every page of [start, start + len) (len rounded up to
 * pages); unmapping nothing is fine. Like Linux: -EINVAL for a misaligned
 * start, a zero length or a range past task_size; -ENOMEM when splitting
 * a VMA in two would pass the VMA limit. On error nothing changed.
 */
int mm_munmap(struct mm *mm, vaddr_t start, vsize_t len)
{
	vaddr_t top = mm->layout.task_size;

	if (!IS_ALIGNED(start, PAGE_SIZE) || start > top || len > top - start)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len)
		return -EINVAL;
	return mm_unmap_range(mm, start, start + len);
}

/* ------------------------------------------------------ placing -- */

/* mm_area_free: may [addr, addr + len) be used, guard gaps included? */
static bool mm_area_free(struct mm *mm, vaddr_t addr, vsize_t len)
{
	const struct mm_layout *l = &mm->layout;
	struct vma *next, *prev;

	if (addr < l->mmap_min || addr > l->task_size - len)
		return false;
	next = vma_find(mm, addr);
	prev = next ? vma_prev(next) : vma_last(mm);
	if (next && addr + len > vma_start_gap(next))
		return false;
	return !prev || prev->end <= addr;
}

/*
 * mm_get_unmapped_area: a free, @align-aligned (0: page) area of @len
 * bytes (rounded up to pages): at @hint (rounded up to the alignment) if
 * that is free, else by the layout's search: top-down below mmap_base,
 * falling back to bottom-up from unmapped_base; or bottom-up only. Guard
 * gaps below stacks are kept free. O(log n).
 * 0 and *@addrp; -EINVAL for a zero length or a bad alignment; -ENOMEM if
 * nothing fits.
 */
int mm_get_unmapped_area(struct mm *mm, vaddr_t hint, vsize_t len, vsize_t align,
			 vaddr_t *addrp)
{
	const struct mm_layout *l = &mm->layout;
	int err;

	if (!len)
		return -EINVAL;
	if (!align)
		align = PAGE_SIZE;
	if (align < PAGE_SIZE || (align & (align - 1)))
		return -EINVAL;
	if (len > l->task_size || align > l->task_size)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (len + align - PAGE_SIZE > l->task_size - l->mmap_min)
		return -ENOMEM;
	if (hint && hint <= l->task_size) {
		vaddr_t addr = ALIGN_UP(hint, align);

		if (mm_area_free(mm, addr, len)) {
			*addrp = addr;
			return 0;
		}
	}
	if (l->search == MM_SEARCH_BOTTOMUP)
		return vma_gap_find_up(mm, l->unmapped_base, l->task_size, len, align, addrp);
	err = vma_gap_find_down(mm, l->mmap_min, l->mmap_base, len, align, addrp);
	if (err)
		err = vma_gap_find_up(mm, l->unmapped_base, l->task_size, len, align, addrp);
	return err;
}

/* ------------------------------------------------------ mapping -- */

/* mm_prot_valid: @prot has only known bits; write-only becomes read-write. */
static int mm_prot_valid(unsigned int *prot)
{
	if (*prot & ~VMA_PROT_MASK)
		return -EINVAL;
	if (*prot & VMA_WRITE)
		*prot |= VMA_READ;
	return 0;
}

/* mm_map_validate: check @a; fill @seg's attributes and *@lenp (in pages). */
static int mm_map_validate(const struct mm_map_args *a, struct vma_seg *seg, vsize_t *lenp)
{
	unsigned int prot = a->prot;

	if (!a->len || mm_prot_valid(&prot))
		return -EINVAL;
	if (a->flags & ~VMA_FLAGS_MASK)
		return -EINVAL;
	if ((a->flags & VMA_SHARED) && !a->mapping)
		return -EINVAL;
	if ((a->flags & VMA_GROWSDOWN) && (a->mapping || (a->flags & VMA_SHARED)))
		return -EINVAL;
	if (a->place != MM_PLACE_HINT && a->place != MM_PLACE_FIXED &&
	    a->place != MM_PLACE_FIXED_NOREPLACE)
		return -EINVAL;
	if (a->align && (a->align < PAGE_SIZE || (a->align & (a->align - 1))))
		return -EINVAL;
	if (a->len > (vsize_t)0 - PAGE_SIZE)
		return -ENOMEM;
	*lenp = ALIGN_UP(a->len, PAGE_SIZE);
	if (a->mapping && a->pgoff + (*lenp >> PAGE_SHIFT) < a->pgoff)
		return -EOVERFLOW;
	seg->prot = prot;
	seg->flags = a->flags;
	seg->mapping = a->mapping;
	seg->anon_vma = NULL;
	return 0;
}

/* mm_map_place: the start of the new mapping, by @a->place. */
static int mm_map_place(struct mm *mm, const struct mm_map_args *a, vsize_t len,
			vaddr_t *startp)
{
	const struct mm_layout *l = &mm->layout;

	if (a->place == MM_PLACE_HINT)
		return mm_get_unmapped_area(mm, a->addr, len, a->align, startp);
	if (!IS_ALIGNED(a->addr, PAGE_SIZE) || (a->align && !IS_ALIGNED(a->addr, a->align)))
		return -EINVAL;
	if (len > l->task_size || a->addr > l->task_size - len)
		return -ENOMEM;
	if (a->addr < l->mmap_min)
		return -EPERM;
	if (a->place == MM_PLACE_FIXED_NOREPLACE &&
	    vma_find_intersection(mm, a->addr, a->addr + len))
		return -EEXIST;
	*startp = a->addr;
	return 0;
}

/* The VMAs left on either side of a range once it is cleared. */
static struct vma *range_below(const struct range_plan *p)
{
	return p->split_first ? p->first : p->prev;
}

static bool range_left_seg(const struct range_plan *p, struct vma_seg *seg)
{
	struct vma *v = range_below(p);

	if (!v || (!p->split_first && v->end != p->start))
		return false;
	vma_to_seg(v, seg);
	seg->end = p->start;
	return true;
}

static bool range_right_seg(const struct range_plan *p, struct vma_seg *seg)
{
	struct vma *v = p->split_last ? p->last : p->next;

	if (!v || (!p->split_last && v->start != p->end))
		return false;
	vma_to_seg(v, seg);
	if (p->split_last) {
		seg->start = p->end;
		seg->pgoff = vma_pgoff_at(v, p->end);
	}
	return true;
}

/* map_plan: what mm_map_seg will do. */
struct map_plan {
	struct range_plan range;
	bool merge_left, merge_right;
	unsigned long count;	/* VMAs afterwards */
};

static void map_plan_init(struct mm *mm, const struct vma_seg *seg, struct map_plan *m)
{
	struct range_plan *p = &m->range;
	struct vma_seg left, right, acc = *seg;

	range_plan_init(mm, seg->start, seg->end, p);
	m->merge_left = range_left_seg(p, &left) && vma_can_merge(&left, seg);
	if (m->merge_left)
		acc.anon_vma = left.anon_vma;
	m->merge_right = range_right_seg(p, &right) && vma_can_merge(&acc, &right);
	m->count = mm->map_count - p->nr + p->split_first + p->split_last + 1 - m->merge_left -
		   m->merge_right;
}

/* map_commit: clear the range, then merge @seg into a neighbour or link @fresh. */
static void map_commit(struct mm *mm, const struct map_plan *m, const struct vma_seg *seg,
		       struct vma *spare, struct vma *fresh)
{
	const struct range_plan *p = &m->range;
	struct vma *left;

	range_unmap(mm, p, spare);
	left = range_below(p);
	if (m->merge_left) {
		vma_set_end(left, seg->end);
		if (m->merge_right)
			vma_merge_next(left);
	} else if (m->merge_right) {
		vma_set_start(left ? vma_next(left) : vma_first(mm), seg->start);
	} else {
		fresh->start = seg->start;
		fresh->end = seg->end;
		fresh->pgoff = seg->pgoff;
		fresh->prot = seg->prot;
		fresh->flags = seg->flags;
		fresh->mapping = seg->mapping;
		vma_link(mm, fresh, left);
	}
}

/*
 * mm_map_seg: map @seg (no anon_vma), replacing whatever is in its range,
 * merging with its neighbours when they agree. 0 or -ENOMEM (VMA limit or
 * no memory), with nothing changed.
 */
static int mm_map_seg(struct mm *mm, const struct vma_seg *seg)
{
	struct map_plan m;
	struct vma *spare = NULL, *fresh = NULL;

	map_plan_init(mm, seg, &m);
	if (m.count > mm->layout.map_count_max)
		return -ENOMEM;
	if (range_needs_spare(&m.range) && m.merge_left && m.merge_right) {
		/* the same VMA on both sides, and the new one is alike: only the pages go */
		mm_notify_unmap(mm, m.range.first, seg->start, seg->end);
		return 0;
	}
	if (range_needs_spare(&m.range)) {
		spare = vma_alloc();
		if (!spare)
			return -ENOMEM;
	}
	if (!m.merge_left && !m.merge_right) {
		fresh = vma_alloc();
		if (!fresh) {
			vma_free(spare);
			return -ENOMEM;
		}
	}
	map_commit(mm, &m, seg, spare, fresh);
	return 0;
}

/*
 * mm_mmap: map @args->len bytes (rounded up to pages) as @args says (see
 * struct mm_map_args), merging with alike neighbours. 0 and the start in
 * *@addrp, or, with nothing changed (Linux's codes):
 *   -EINVAL: zero length, unknown prot or flags bits, a bad combination
 *            (shared without mapping, growsdown file or shared), bad
 *            alignment or placement, misaligned fixed address;
 *   -EOVERFLOW: the file page range wraps;
 *   -EPERM: fixed below mmap_min;  -EEXIST: FIXED_NOREPLACE over a VMA;
 *   -ENOMEM: past task_size, no room, VMA limit, or no memory.
 */
int mm_mmap(struct mm *mm, const struct mm_map_args *args, vaddr_t *addrp)
{
	struct vma_seg seg;
	vsize_t len;
	vaddr_t start;
	int err;

	err = mm_map_validate(args, &seg, &len);
	if (!err)
		err = mm_map_place(mm, args, len, &start);
	if (err)
		return err;
	seg.start = start;
	seg.end = start + len;
	seg.pgoff = args->mapping ? args->pgoff : start >> PAGE_SHIFT;
	err = mm_map_seg(mm, &seg);
	if (!err)
		*addrp = start;
	return err;
}

/* ----------------------------------------------------- mprotect -- */

/*
 * prot_sim: the plan's replay of the commit's merge pass: pieces pushed in
 * address order merge into the accumulated one exactly as
 * vma_merge_next() would merge them.
 */
struct prot_sim {
	struct vma_seg acc;
	bool have;
	unsigned long merges;
	unsigned long splits;
};

static void prot_sim_push(struct prot_sim *s, const struct vma_seg *seg)
{
	if (s->have && vma_can_merge(&s->acc, seg)) {
		s->merges++;
		s->acc.end = seg->end;
		if (!s->acc.anon_vma)
			s->acc.anon_vma = seg->anon_vma;
		return;
	}
	s->acc = *seg;
	s->have = true;
}

/* prot_sim_vma: push the pieces @v becomes under mprotect(start, end, prot). */
static void prot_sim_vma(struct prot_sim *s, const struct vma *v, vaddr_t start, vaddr_t end,
			 unsigned int prot)
{
	struct vma_seg seg;

	vma_to_seg(v, &seg);
	if (v->prot == prot) {
		prot_sim_push(s, &seg);
		return;
	}
	if (v->start < start) {
		seg.end = start;
		prot_sim_push(s, &seg);
		seg.start = start;
		seg.pgoff = vma_pgoff_at(v, start);
		s->splits++;
	}
	seg.end = MIN(v->end, end);
	seg.prot = prot;
	prot_sim_push(s, &seg);
	if (v->end > end) {
		seg.start = end;
		seg.end = v->end;
		seg.pgoff = vma_pgoff_at(v, end);
		seg.prot = v->prot;
		prot_sim_push(s, &seg);
		s->splits++;
	}
}

/*
 * mprotect_plan: check that VMAs cover [start, end) without a hole
 * (-ENOMEM otherwise, as Linux), and count the splits and merges. The
 * window is the one mprotect_commit's merge pass walks: from the VMA below
 * the range to the last piece starting at or below end.
 */
static int mprotect_plan(struct mm *mm, const struct range_plan *p, unsigned int prot,
			 struct prot_sim *s)
{
	struct vma_seg seg;
	const struct vma *v;
	vaddr_t covered = p->start;

	if (!p->first || p->first->start > p->start || p->last->end < p->end)
		return -ENOMEM;
	s->have = false;
	s->merges = 0;
	s->splits = 0;
	if (p->prev) {
		vma_to_seg(p->prev, &seg);
		prot_sim_push(s, &seg);
	}
	for (v = p->first; v != p->next; v = vma_next(v)) {
		if (v->start > covered)
			return -ENOMEM;
		prot_sim_vma(s, v, p->start, p->end, prot);
		covered = v->end;
	}
	if (p->next && p->next->start <= p->end) {
		vma_to_seg(p->next, &seg);
		prot_sim_push(s, &seg);
	}
	return 0;
}

static void mprotect_commit(struct mm *mm, const struct range_plan *p, unsigned int prot,
			    struct vma **spare)
{
	struct vma *v = p->first, *n;

	if (v->prot != prot && v->start < p->start) {
		vma_split(v, p->start, *spare++);
		v = vma_next(v);
	}
	for (; v && v->start < p->end; v = vma_next(v)) {
		if (v->prot == prot)
			continue;
		if (v->end > p->end)
			vma_split(v, p->end, *spare++);
		v->prot = prot;
	}
	v = p->prev ? p->prev : p->first;
	while ((n = vma_next(v)) && n->start <= p->end) {
		if (vma_mergeable(v, n))
			vma_merge_next(v);
		else
			v = n;
	}
}

/*
 * mm_mprotect: set the protection of every page in [start, start + len)
 * (len rounded up), splitting and merging VMAs as needed. Like Linux: 0
 * for len 0; -EINVAL for unknown prot bits or a misaligned start; -ENOMEM
 * when the range wraps or is not entirely mapped, or for the VMA limit or
 * lack of memory. On error nothing changed (unlike Linux, which may have
 * changed the part below a hole). The owner updates the hardware
 * protections of the range after success.
 */
int mm_mprotect(struct mm *mm, vaddr_t start, vsize_t len, unsigned int prot)
{
	struct vma *spare[2] = { NULL, NULL };
	struct range_plan p;
	struct prot_sim s;
	bool fast = false;
	unsigned long i;
	int err;

	if (mm_prot_valid(&prot) || !IS_ALIGNED(start, PAGE_SIZE))
		return -EINVAL;
	if (!len)
		return 0;
	if (len > (vsize_t)0 - PAGE_SIZE || start + ALIGN_UP(len, PAGE_SIZE) <= start)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	range_plan_init(mm, start, start + len, &p);
	s.splits = 0;
	s.merges = 0;
	if (p.nr == 1 && p.first->start <= start && p.first->end >= start + len) {
		/*
		 * One VMA covers the range (the common case): no hole, and the
		 * splits are known without the simulation. Merges can only
		 * lower the count, so within the limit even without them the
		 * plan's answer is the same; at the limit, let the plan count.
		 */
		if (p.first->prot == prot)
			return 0;	/* maximal merging: nothing to split or merge */
		s.splits = (unsigned long)p.split_first + (unsigned long)p.split_last;
		fast = mm->map_count + s.splits <= mm->layout.map_count_max;
	}
	if (!fast) {
		err = mprotect_plan(mm, &p, prot, &s);
		if (err)
			return err;
		if (mm->map_count + s.splits - s.merges > mm->layout.map_count_max)
			return -ENOMEM;
	}
	for (i = 0; i < s.splits; i++) {
		spare[i] = vma_alloc();
		if (!spare[i]) {
			vma_free(spare[0]);
			return -ENOMEM;
		}
	}
	mprotect_commit(mm, &p, prot, spare);
	return 0;
}

/* ---------------------------------------------------------- brk -- */

/*
 * mm_set_brk_base: the heap starts (empty) at @base, the end of the
 * program's data; called once when a program is loaded. 0, or -EINVAL if
 * @base is outside [mmap_min, task_size].
 */
int mm_set_brk_base(struct mm *mm, vaddr_t base)
{
	if (base < mm->layout.mmap_min || base > mm->layout.task_size)
		return -EINVAL;
	mm->brk_start = base;
	mm->brk = base;
	return 0;
}

/*
 * mm_brk: move the program break to @new_brk (any byte address at or above
 * brk_start). Growing maps private read-write anonymous pages up to
 * PAGE_ALIGN(new_brk), which must be free with a page and the stack guard
 * to spare below the next VMA (Linux's rule); shrinking unmaps whatever
 * lies in the pages given back. 0, or -ENOMEM with the break unchanged.
 */
int mm_brk(struct mm *mm, vaddr_t new_brk)
{
	vaddr_t old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end;
	struct vma_seg seg;
	struct vma *next;
	int err;

	if (new_brk < mm->brk_start || new_brk > mm->layout.task_size)
		return -ENOMEM;
	new_end = ALIGN_UP(new_brk, PAGE_SIZE);
	if (new_end == old_end) {
		err = 0;
	} else if (new_end < old_end) {
		err = mm_unmap_range(mm, new_end, old_end);
	} else {
		next = vma_find(mm, old_end);
		if (next && new_end + PAGE_SIZE > vma_start_gap(next))
			return -ENOMEM;
		seg.start = old_end;
		seg.end = new_end;
		seg.pgoff = old_end >> PAGE_SHIFT;
		seg.prot = VMA_READ | VMA_WRITE;
		seg.flags = 0;
		seg.mapping = NULL;
		seg.anon_vma = NULL;
		err = mm_map_seg(mm, &seg);
	}
	if (!err)
		mm->brk = new_brk;
	return err;
}

/* -------------------------------------------------------- stack -- */

/*
 * mm_setup_stack: map the initial stack, a growsdown anonymous VMA
 * [top - size, top) with @prot, and remember top. 0, or the errors of
 * mm_mmap with MM_PLACE_FIXED_NOREPLACE; -EINVAL also for a size of 0 or
 * above stack_max, or a misaligned top or size.
 */
int mm_setup_stack(struct mm *mm, vaddr_t top, vsize_t size, unsigned int prot)
{
	struct mm_map_args args = {
		.len = size,
		.prot = prot,
		.flags = VMA_GROWSDOWN,
		.place = MM_PLACE_FIXED_NOREPLACE,
	};
	vaddr_t addr;
	int err;

	if (!size || size > mm->layout.stack_max || !IS_ALIGNED(top | size, PAGE_SIZE) ||
	    size > top)
		return -EINVAL;
	args.addr = top - size;
	err = mm_mmap(mm, &args, &addr);
	if (!err)
		mm->stack_top = top;
	return err;
}

/*
 * mm_grow_stack: the pager's fault path for @addr: the VMA holding @addr
 * in *@vmap, after growing a growsdown VMA above it down to @addr's page
 * if need be. Growth keeps the VMA within stack_max, above mmap_min, and
 * at least stack_guard above the VMA below (Linux's rules).
 * 0; -EFAULT if no VMA holds @addr and none above it grows down; -ENOMEM
 * if growing would break a limit. On error nothing changed.
 */
int mm_grow_stack(struct mm *mm, vaddr_t addr, struct vma **vmap)
{
	const struct mm_layout *l = &mm->layout;
	vaddr_t start = ALIGN_DOWN(addr, PAGE_SIZE);
	struct vma *vma, *prev;

	if (addr >= l->task_size)
		return -EFAULT;
	vma = vma_find(mm, addr);
	if (!vma)
		return -EFAULT;
	if (vma->start > addr) {
		if (!(vma->flags & VMA_GROWSDOWN))
			return -EFAULT;
		prev = vma_prev(vma);
		if (start < l->mmap_min || vma->end - start > l->stack_max)
			return -ENOMEM;
		if (prev && start - prev->end < l->stack_guard)
			return -ENOMEM;
		vma_set_start(vma, start);
	}
	*vmap = vma;
	return 0;
}
