/*
 * vm/vma.c: the gap-augmented VMA tree of an mm: linking, splitting,
 * merging, finding, the free-area searches and the checker.
 * Design note and invariants: vm/vma.h.
 */
#define LOG_PREFIX "vma: "

#include <stddef.h>
#include <pagoda/errno.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <vm/address_space.h>
#include <vm/anon_vma.h>
#include <vm/vm_alloc.h>
#include <vm/vma.h>

/* What a search or a gap update reads lies in the first 64 bytes (vma.h). */
STATIC_ASSERT(offsetof(struct vma, flags) + sizeof(unsigned int) <= 64);

/* vma_alloc: a zeroed, unlinked VMA, or NULL. */
struct vma *vma_alloc(void)
{
	struct vma *vma = vm_zalloc(sizeof(*vma));

	if (!vma)
		return NULL;
	list_node_init(&vma->node);
	list_node_init(&vma->anon_node);
	pst_node_init(&vma->shared);
	return vma;
}

/* vma_free: release an unlinked VMA with no anon_vma (NULL is fine). */
void vma_free(struct vma *vma)
{
	if (!vma)
		return;
	ASSERT(!list_is_linked(&vma->node) && !vma->anon_vma);
	ASSERT(!pst_node_linked(&vma->shared));
	vm_free(vma, sizeof(*vma));
}

void vma_to_seg(const struct vma *vma, struct vma_seg *seg)
{
	seg->start = vma->start;
	seg->end = vma->end;
	seg->pgoff = vma->pgoff;
	seg->prot = vma->prot;
	seg->flags = vma->flags;
	seg->mapping = vma->mapping;
	seg->anon_vma = vma->anon_vma;
}

/*
 * vma_can_merge: may @a and @b (a just below b) become one VMA? Same
 * protection, flags and file, contiguous page offsets, and anon_vmas that
 * agree (equal, or one side has none yet). One rule for segments and for
 * VMAs (vma_mergeable), whose fields have the same names.
 */
#define CAN_MERGE(a, b)                                                                   \
	((a)->end == (b)->start && (a)->prot == (b)->prot && (a)->flags == (b)->flags &&   \
	 (a)->mapping == (b)->mapping &&                                                  \
	 (a)->pgoff + (((a)->end - (a)->start) >> PAGE_SHIFT) == (b)->pgoff &&             \
	 (!(a)->anon_vma || !(b)->anon_vma || (a)->anon_vma == (b)->anon_vma))

bool vma_can_merge(const struct vma_seg *a, const struct vma_seg *b)
{
	return CAN_MERGE(a, b);
}

bool vma_mergeable(const struct vma *a, const struct vma *b)
{
	return CAN_MERGE(a, b);
}

/* ---------------------------------------------------------- gaps -- */

static vaddr_t vma_gap_start(const struct vma *vma)
{
	return vma->prev_end;
}

/* vma_gap: the free space a search may use just below @vma. */
static vsize_t vma_gap(const struct vma *vma)
{
	vaddr_t lo = vma_gap_start(vma);
	vaddr_t hi = vma_start_gap(vma);

	return hi > lo ? hi - lo : 0;
}

static inline vsize_t subtree_gap(const struct rb_node *rb)
{
	return rb ? rb_entry(rb, const struct vma, rb)->gap_max : 0;
}

static vsize_t vma_gap_compute(const struct vma *vma)
{
	vsize_t gap = vma_gap(vma);

	gap = MAX(gap, subtree_gap(vma->rb.rb_left));
	return MAX(gap, subtree_gap(vma->rb.rb_right));
}

RB_AUGMENT_DEFINE(vma_gap_aug, struct vma, rb, gap_max, vma_gap_compute);

/* vma_gap_update: @vma's own gap changed: fix it and its ancestors. */
static void vma_gap_update(struct vma *vma)
{
	vma_gap_aug.propagate(&vma->rb, NULL);
}

/* ------------------------------------------------------ mapping -- */

static void vma_shared_insert(struct vma *vma)
{
	if (vma->mapping)
		pst_insert(&vma->mapping->i_mmap, &vma->shared, vma->pgoff,
			   vma->pgoff + vma_npages(vma) - 1);
}

static void vma_shared_remove(struct vma *vma)
{
	if (vma->mapping)
		pst_remove(&vma->mapping->i_mmap, &vma->shared);
}

/* ------------------------------------------------------- linking -- */

/*
 * vma_link: put @vma (fields set, anon_vma not yet attached) in @mm right
 * after @prev (NULL: first). The caller guarantees it fits between its
 * neighbours. Inserts a file VMA into its mapping's i_mmap. Cannot fail.
 */
void vma_link(struct mm *mm, struct vma *vma, struct vma *prev)
{
	struct rb_node **link = &mm->vma_tree.rb_node;
	struct rb_node *parent = NULL;
	struct vma *next;

	vma->mm = mm;
	list_insert_after(prev ? &prev->node : &mm->vma_list, &vma->node);
	ASSERT(!prev || prev->end <= vma->start);
	next = vma_next(vma);
	ASSERT(!next || vma->end <= next->start);
	vma->prev_end = prev ? prev->end : mm->layout.mmap_min;
	/* next's gap now starts at vma: fix it while vma is not in the tree yet */
	if (next) {
		next->prev_end = vma->end;
		vma_gap_update(next);
	}
	/*
	 * The new node goes right below its in-order neighbour: as prev's
	 * right child if it has none, else as the left child of next (then
	 * the leftmost node of prev's right subtree, so it has no left child).
	 */
	if (prev && !prev->rb.rb_right) {
		parent = &prev->rb;
		link = &parent->rb_right;
	} else if (next) {
		parent = &next->rb;
		link = &parent->rb_left;
	}
	ASSERT(!*link);
	rb_link(&vma->rb, parent, link);
	vma->gap_max = vma_gap(vma);
	if (parent)
		vma_gap_aug.propagate(parent, NULL);
	rb_insert(&mm->vma_tree, &vma->rb, &vma_gap_aug);
	vma_shared_insert(vma);
	mm->map_count++;
}

/*
 * vma_unlink: take @vma out of its mm's list, tree and mapping; the cache
 * moves to a neighbour.
 * The anon_vma stays attached (see vma_destroy). Cannot fail.
 */
void vma_unlink(struct mm *mm, struct vma *vma)
{
	struct vma *next = vma_next(vma), *prev = vma_prev(vma);

	vma_shared_remove(vma);
	/* erase while vma is still in the list, so every gap stays consistent */
	rb_erase(&mm->vma_tree, &vma->rb, &vma_gap_aug);
	list_remove(&vma->node);
	if (next) {
		next->prev_end = vma->prev_end;
		vma_gap_update(next);
	}
	/*
	 * a neighbour keeps the next lookup near (edits come in runs); the one
	 * below, which a merge keeps
	 */
	if (mm->cache == vma)
		mm->cache = prev ? prev : next;
	mm->map_count--;
}

/* vma_destroy: unlink @vma, drop its anon_vma and free it. */
void vma_destroy(struct vma *vma)
{
	vma_unlink(vma->mm, vma);
	if (vma->anon_vma)
		anon_vma_detach(vma);
	vma_free(vma);
}

/*
 * vma_set_start: move @vma's start to @start (above the previous VMA's
 * end, below vma->end) and its page offset with it.
 */
void vma_set_start(struct vma *vma, vaddr_t start)
{
	ASSERT(IS_ALIGNED(start, PAGE_SIZE) && start < vma->end);
	ASSERT(!vma_prev(vma) || vma_prev(vma)->end <= start);
	vma_shared_remove(vma);
	if (start >= vma->start)
		vma->pgoff += (start - vma->start) >> PAGE_SHIFT;
	else
		vma->pgoff -= (vma->start - start) >> PAGE_SHIFT;
	vma->start = start;
	vma_shared_insert(vma);
	vma_gap_update(vma);
}

/* vma_set_end: move @vma's end to @end (above start, below the next VMA). */
void vma_set_end(struct vma *vma, vaddr_t end)
{
	struct vma *next = vma_next(vma);

	ASSERT(IS_ALIGNED(end, PAGE_SIZE) && end > vma->start);
	ASSERT(!next || end <= next->start);
	vma_shared_remove(vma);
	vma->end = end;
	vma_shared_insert(vma);
	if (next) {
		next->prev_end = end;
		vma_gap_update(next);
	}
}

/*
 * vma_split: cut @vma at @addr (strictly inside): @vma keeps [start, addr),
 * @tail (from vma_alloc, consumed) gets [addr, end) with the same
 * attributes and anon_vma. Cannot fail.
 */
void vma_split(struct vma *vma, vaddr_t addr, struct vma *tail)
{
	ASSERT(vma->start < addr && addr < vma->end && IS_ALIGNED(addr, PAGE_SIZE));
	tail->start = addr;
	tail->end = vma->end;
	tail->pgoff = vma_pgoff_at(vma, addr);
	tail->prot = vma->prot;
	tail->flags = vma->flags;
	tail->mapping = vma->mapping;
	vma_set_end(vma, addr);
	vma_link(vma->mm, tail, vma);
	if (vma->anon_vma)
		anon_vma_attach(vma->anon_vma, tail);
}

/*
 * vma_merge_next: absorb the next VMA, which vma_can_merge() accepts, into
 * @vma, and free it. @vma takes its anon_vma if it had none. Cannot fail.
 */
void vma_merge_next(struct vma *vma)
{
	struct vma *next = vma_next(vma);
	vaddr_t end;

	ASSERT(next && vma_mergeable(vma, next));
	end = next->end;
	/* attach before next lets go, or a lone anon_vma would be freed */
	if (!vma->anon_vma && next->anon_vma)
		anon_vma_attach(next->anon_vma, vma);
	vma_destroy(next);
	vma_set_end(vma, end);
}

/* ---------------------------------------------------------- find -- */

/*
 * The VMAs a walk from the cache may read: about the height of a tree
 * holding the default VMA limit (2^16), the most a descent would read in
 * an mm of that size. A constant, so a lookup computes nothing for it.
 */
#define VMA_WALK_BUDGET 16

/*
 * vma_find_near: settle vma_find(@addr) by walking the list from @cached
 * (the VMA found last), which answers at once for its own range and the
 * hole below it. Faults and edits tend to stay near one another, and a
 * walk step reads the next VMA, usually close by in memory, where a
 * descent from the root reads a node per level of the tree, most of them
 * cold once the tree outgrows the cache. So the walk goes on while the
 * steps it still expects to take stay within VMA_WALK_BUDGET:
 * after each step it divides the distance covered so far by the VMAs
 * read, and gives up at once on an address that looks far away.
 * true with *@found (maybe NULL: nothing above) if settled.
 */
static bool vma_find_near(struct mm *mm, vaddr_t addr, struct vma **found)
{
	struct vma *cached = mm->cache, *v = cached;

	for (unsigned int read = 1;; read++) {
		struct vma *prev = NULL;
		vsize_t covered, left;

		/* covered: the VMAs read so far with the holes below them */
		if (addr >= v->end) {
			covered = v->end - cached->prev_end;
			left = addr - v->end;
		} else if (v->start <= addr || v->prev_end <= addr || !(prev = vma_prev(v))) {
			/* addr is in v, in the hole below it, or below the first VMA */
			*found = v;
			return true;
		} else {
			covered = cached->end - v->prev_end;
			left = v->prev_end - addr;
		}
		/*
		 * left / (covered / read) >= VMA_WALK_BUDGET - read, without
		 * dividing; in pages, so the products stay below 2^56
		 */
		left >>= PAGE_SHIFT;
		covered >>= PAGE_SHIFT;
		if (read >= VMA_WALK_BUDGET || left * read >= covered * (VMA_WALK_BUDGET - read))
			return false;
		v = prev ? prev : vma_next(v);
		if (!v) {
			*found = NULL;
			return true;
		}
	}
}

/*
 * vma_lower_bound: the first VMA of @n's subtree that ends above @addr.
 * Written without branches: the direction at each level is as good as
 * random, and a mispredicted branch per level costs more than the loads.
 * mask is all ones to go left.
 */
static struct vma *vma_lower_bound(struct rb_node *n, vaddr_t addr)
{
	struct vma *best = NULL;

	while (n) {
		struct vma *v = rb_entry(n, struct vma, rb);
		uintptr_t mask = (uintptr_t)0 - (uintptr_t)(v->end > addr);

		best = (struct vma *)(((uintptr_t)v & mask) | ((uintptr_t)best & ~mask));
		n = (struct rb_node *)(((uintptr_t)n->rb_left & mask) |
				       ((uintptr_t)n->rb_right & ~mask));
	}
	return best;
}

/*
 * vma_find: the first VMA that ends above @addr (it contains @addr or lies
 * above it), or NULL. Linux's find_vma. O(1) when @addr lies within a few
 * VMAs of the one found last (the cache), else O(log n): the walk from the
 * cache reads at most about as many VMAs as a descent would.
 */
struct vma *vma_find(struct mm *mm, vaddr_t addr)
{
	struct vma *found;

	if (mm->cache && vma_find_near(mm, addr, &found)) {
		if (found)
			mm->cache = found;
		return found;
	}
	found = vma_lower_bound(mm->vma_tree.rb_node, addr);
	if (found)
		mm->cache = found;
	return found;
}

/* vma_find_intersection: the lowest VMA meeting [start, end), or NULL. */
struct vma *vma_find_intersection(struct mm *mm, vaddr_t start, vaddr_t end)
{
	struct vma *vma = vma_find(mm, start);

	return vma && vma->start < end ? vma : NULL;
}

/* --------------------------------------------------- gap search -- */

/*
 * A request: a hole of need = len + align - PAGE_SIZE bytes inside
 * [low, high) is sure to hold an aligned area of len bytes. Asking for the
 * padded size (as Linux does) is what keeps the search O(log n): any
 * subtree whose gap_max is large enough then surely holds an answer, if it
 * lies inside the window.
 */
struct gap_req {
	vaddr_t low, high;
	vsize_t need;
};

static bool gap_fits(const struct gap_req *r, vaddr_t gap_start, vaddr_t gap_end)
{
	vaddr_t lo = MAX(gap_start, r->low);
	vaddr_t hi = MIN(gap_end, r->high);

	return hi > lo && hi - lo >= r->need;
}

/* rb_climb: from @n, up to the first ancestor reached from its @left side. */
static const struct rb_node *rb_climb(const struct rb_node *n, bool from_left)
{
	for (;;) {
		const struct rb_node *p = rb_parent(n);

		if (!p)
			return NULL;
		if ((from_left ? p->rb_left : p->rb_right) == n)
			return p;
		n = p;
	}
}

/*
 * gap_search_up: the lowest VMA whose gap below it fits @r, by an in-order
 * walk that skips subtrees without a large enough gap and stops once gaps
 * start above the window. NULL if none (the top gap is the caller's).
 */
static const struct vma *gap_search_up(const struct mm *mm, const struct gap_req *r)
{
	const struct rb_node *n = mm->vma_tree.rb_node;
	bool descend = true;

	if (subtree_gap(n) < r->need)
		return NULL;
	for (;;) {
		const struct vma *v = rb_entry(n, const struct vma, rb);

		/* gaps on the left end below v->start (tested first: no child read) */
		if (descend && v->start > r->low + r->need && subtree_gap(n->rb_left) >= r->need) {
			n = n->rb_left;
			continue;
		}
		descend = true;
		if (vma_gap_start(v) + r->need > r->high)
			return NULL;
		if (gap_fits(r, vma_gap_start(v), vma_start_gap(v)))
			return v;
		if (subtree_gap(n->rb_right) >= r->need) {
			n = n->rb_right;
			continue;
		}
		n = rb_climb(n, true);
		if (!n)
			return NULL;
		descend = false;
	}
}

/* gap_search_down: the mirror image: the highest VMA whose gap fits @r. */
static const struct vma *gap_search_down(const struct mm *mm, const struct gap_req *r)
{
	const struct rb_node *n = mm->vma_tree.rb_node;
	bool descend = true;

	if (subtree_gap(n) < r->need)
		return NULL;
	for (;;) {
		const struct vma *v = rb_entry(n, const struct vma, rb);

		/* gaps on the right start at or above v->end (tested first: no child read) */
		if (descend && v->end + r->need <= r->high && subtree_gap(n->rb_right) >= r->need) {
			n = n->rb_right;
			continue;
		}
		descend = true;
		if (v->start < r->low + r->need)
			return NULL;
		if (gap_fits(r, vma_gap_start(v), vma_start_gap(v)))
			return v;
		if (subtree_gap(n->rb_left) >= r->need) {
			n = n->rb_left;
			continue;
		}
		n = rb_climb(n, false);
		if (!n)
			return NULL;
		descend = false;
	}
}

static void gap_req_init(struct gap_req *r, const struct mm *mm, vaddr_t low, vaddr_t high,
			 vsize_t len, vsize_t align)
{
	ASSERT(len && IS_ALIGNED(len, PAGE_SIZE) && align >= PAGE_SIZE && !(align & (align - 1)));
	ASSERT(low < high && high <= mm->layout.task_size);
	ASSERT(len <= mm->layout.task_size && align <= mm->layout.task_size);
	r->low = low;
	r->high = high;
	r->need = len + align - PAGE_SIZE;
}

static vaddr_t top_gap_start(const struct mm *mm)
{
	const struct vma *last = vma_last(mm);

	return last ? last->end : mm->layout.mmap_min;
}

/*
 * vma_gap_find_up: the lowest @align-aligned address a in [low, high) with
 * [a, a + len) free, inside a hole of at least len + align - PAGE_SIZE
 * bytes (guard gaps below stacks excluded). 0 and *@addrp, or -ENOMEM.
 * => len page aligned, align a power of two >= PAGE_SIZE, both at most
 *    task_size; mmap_min <= low < high <= task_size. O(log n).
 */
int vma_gap_find_up(const struct mm *mm, vaddr_t low, vaddr_t high, vsize_t len,
		    vsize_t align, vaddr_t *addrp)
{
	const struct vma *v;
	struct gap_req r;
	vaddr_t gap_start;

	gap_req_init(&r, mm, low, high, len, align);
	v = gap_search_up(mm, &r);
	if (v) {
		gap_start = vma_gap_start(v);
	} else {
		gap_start = top_gap_start(mm);
		if (!gap_fits(&r, gap_start, mm->layout.task_size))
			return -ENOMEM;
	}
	*addrp = ALIGN_UP(MAX(gap_start, low), align);
	return 0;
}

/* vma_gap_find_down: the same, but the highest such address. O(log n). */
int vma_gap_find_down(const struct mm *mm, vaddr_t low, vaddr_t high, vsize_t len,
		      vsize_t align, vaddr_t *addrp)
{
	const struct vma *v;
	struct gap_req r;
	vaddr_t gap_end;

	gap_req_init(&r, mm, low, high, len, align);
	if (gap_fits(&r, top_gap_start(mm), mm->layout.task_size)) {
		gap_end = mm->layout.task_size;
	} else {
		v = gap_search_down(mm, &r);
		if (!v)
			return -ENOMEM;
		gap_end = vma_start_gap(v);
	}
	*addrp = ALIGN_DOWN(MIN(gap_end, high) - len, align);
	return 0;
}

/* ------------------------------------------------------- checker -- */

#define VMA_FAIL(v, fmt, ...)                                                  \
	do {                                                                   \
		log_err("vma [%#llx, %#llx): " fmt, (unsigned long long)(v)->start, \
			(unsigned long long)(v)->end, ##__VA_ARGS__);          \
		return -EINVAL;                                                \
	} while (0)

static bool vma_gap_verify(const struct rb_node *rb)
{
	const struct vma *v = rb_entry(rb, const struct vma, rb);

	return v->gap_max == vma_gap_compute(v);
}

static void vma_tree_report(const char *what)
{
	log_err("vma tree: %s", what);
}

/* vma_check_attrs: @v's own fields: range, protection, flags, backing. */
static int vma_check_attrs(const struct mm *mm, const struct vma *v)
{
	const struct mm_layout *l = &mm->layout;

	if (v->mm != mm)
		VMA_FAIL(v, "belongs to another mm");
	if (!IS_ALIGNED(v->start | v->end, PAGE_SIZE) || v->start >= v->end)
		VMA_FAIL(v, "bad range");
	if (v->start < l->mmap_min || v->end > l->task_size)
		VMA_FAIL(v, "outside [mmap_min, task_size)");
	if ((v->prot & ~VMA_PROT_MASK) || ((v->prot & VMA_WRITE) && !(v->prot & VMA_READ)))
		VMA_FAIL(v, "bad prot %#x", v->prot);
	if (v->flags & ~VMA_FLAGS_MASK)
		VMA_FAIL(v, "bad flags %#x", v->flags);
	if ((v->flags & VMA_SHARED) && (!v->mapping || v->anon_vma))
		VMA_FAIL(v, "shared without a mapping, or with an anon_vma");
	if ((v->flags & VMA_GROWSDOWN) && v->mapping)
		VMA_FAIL(v, "file VMA grows down");
	if (!v->mapping) {
		if (v->pgoff != v->start >> PAGE_SHIFT)
			VMA_FAIL(v, "anonymous pgoff %#llx", (unsigned long long)v->pgoff);
		if (pst_node_linked(&v->shared))
			VMA_FAIL(v, "anonymous VMA in an i_mmap");
		return 0;
	}
	if (v->pgoff + vma_npages(v) - 1 < v->pgoff)
		VMA_FAIL(v, "file page range overflows");
	if (!pst_node_linked(&v->shared) || pst_node_first(&v->shared) != v->pgoff ||
	    pst_node_last(&v->shared) != v->pgoff + vma_npages(v) - 1)
		VMA_FAIL(v, "not in i_mmap under its file page range");
	return 0;
}

/* vma_check_anon: @v agrees with its anon_vma; checks each anon_vma once. */
static int vma_check_anon(const struct mm *mm, const struct vma *v)
{
	const struct anon_vma *av = v->anon_vma;

	if (!av) {
		if (list_is_linked(&v->anon_node))
			VMA_FAIL(v, "on an anon_vma list without an anon_vma");
		return 0;
	}
	if (av->mm != mm || !list_is_linked(&v->anon_node))
		VMA_FAIL(v, "anon_vma of another mm, or not on its list");
	if (v->start - (v->pgoff << PAGE_SHIFT) != av->delta)
		VMA_FAIL(v, "start - pgoff differs from its anon_vma's delta");
	if (v->anon_node.prev == &av->vmas)
		return anon_vma_check(av);
	return 0;
}

static int vma_check_one(const struct mm *mm, const struct vma *v, const struct vma *prev)
{
	struct vma_seg a, b;
	int err;

	err = vma_check_attrs(mm, v);
	if (!err)
		err = vma_check_anon(mm, v);
	if (err)
		return err;
	if (prev && prev->end > v->start)
		VMA_FAIL(v, "overlaps or precedes the previous VMA");
	if (v->prev_end != (prev ? prev->end : mm->layout.mmap_min))
		VMA_FAIL(v, "prev_end %#llx is not where the hole below starts",
			 (unsigned long long)v->prev_end);
	if (prev) {
		vma_to_seg(prev, &a);
		vma_to_seg(v, &b);
		if (vma_can_merge(&a, &b))
			VMA_FAIL(v, "could merge with the previous VMA");
	}
	return 0;
}

/*
 * vma_check: every invariant of @mm's VMAs: each VMA's fields, sorted and
 * disjoint, prev_end, maximally merged, list and tree in the same order, red-black
 * rules and exact gap_max values, map_count, the cache, file VMAs in
 * their i_mmap, anon_vmas consistent. 0, or -EINVAL after logging the
 * first broken invariant. O(n).
 */
int vma_check(const struct mm *mm)
{
	const struct rb_node *rb = rb_first(&mm->vma_tree);
	const struct vma *v, *prev = NULL;
	unsigned long count = 0;
	bool cache_seen = mm->cache == NULL;
	int err;

	err = rb_check(&mm->vma_tree, vma_gap_verify, vma_tree_report);
	if (err)
		return err;
	list_for_each_entry(v, &mm->vma_list, node) {
		if (rb != &v->rb) {
			log_err("list and tree disagree at VMA #%lu", count);
			return -EINVAL;
		}
		err = vma_check_one(mm, v, prev);
		if (err)
			return err;
		cache_seen |= mm->cache == v;
		rb = rb_next(rb);
		prev = v;
		count++;
	}
	if (rb || count != mm->map_count) {
		log_err("tree has more VMAs than the list, or map_count %lu != %lu",
			mm->map_count, count);
		return -EINVAL;
	}
	if (!cache_seen) {
		log_err("the lookup cache names a VMA not in the mm");
		return -EINVAL;
	}
	return 0;
}
