/*
 * vm/mm_fork.c: copying an mm for a child process.
 *
 * The child gets a copy of every VMA; file VMAs join their mapping's
 * i_mmap; private VMAs get anon_vmas by the fork rules of vm/anon_vma.h.
 * Plan, then commit: the child mm, its VMAs and every new anon_vma are
 * allocated first (the anon_vmas hang off the parent's in fork_self /
 * fork_child, on a list through fork_next), so a failure frees them and
 * leaves the parent untouched. Pages are the pager's: after mm_fork it
 * copies its page records by address and write-protects private pages.
 */
#define LOG_PREFIX "mm_fork: "

#include <pagoda/errno.h>
#include <lib/assert.h>
#include <vm/anon_vma.h>
#include <vm/mm.h>
#include <vm/vma.h>

/*
 * fork_plan_anon: allocate the new anon_vmas for @x (once per anon_vma):
 * with pages, fork_self and fork_child; with none but a parent,
 * fork_child; otherwise none (the child's copies start without one).
 */
static int fork_plan_anon(struct anon_vma *x, struct anon_vma **marked)
{
	if (x->fork_child || (!x->nr_pages && !x->parent))
		return 0;
	x->fork_child = anon_vma_alloc();
	if (!x->fork_child)
		return -ENOMEM;
	x->fork_next = *marked;
	*marked = x;
	if (x->nr_pages) {
		x->fork_self = anon_vma_alloc();
		if (!x->fork_self)
			return -ENOMEM;
	}
	return 0;
}

/* fork_unmark: clear the scratch of every marked anon_vma; @abort frees the new ones. */
static void fork_unmark(struct anon_vma *marked, bool abort)
{
	while (marked) {
		struct anon_vma *x = marked;

		marked = x->fork_next;
		if (abort) {
			anon_vma_free(x->fork_self);
			anon_vma_free(x->fork_child);
		}
		x->fork_self = NULL;
		x->fork_child = NULL;
		x->fork_next = NULL;
	}
}

/* fork_plan: one spare VMA per parent VMA on @spares, new anon_vmas marked. */
static int fork_plan(struct mm *parent, struct list_node *spares, struct anon_vma **marked)
{
	struct vma *v, *c;
	int err;

	list_for_each_entry(v, &parent->vma_list, node) {
		c = vma_alloc();
		if (!c)
			return -ENOMEM;
		list_push_back(spares, &c->node);
		if (v->anon_vma) {
			err = fork_plan_anon(v->anon_vma, marked);
			if (err)
				return err;
		}
	}
	return 0;
}

/* fork_link_anon: hang each new anon_vma in the forest. */
static void fork_link_anon(struct anon_vma *marked)
{
	struct anon_vma *x;

	for (x = marked; x; x = x->fork_next) {
		if (x->fork_self) {
			anon_vma_add_child(x, x->fork_self);
			anon_vma_add_child(x, x->fork_child);
		} else {
			anon_vma_add_child(x->parent, x->fork_child);
		}
	}
}

/* fork_copy: commit: the copy @c of @v joins @child; the anon_vmas move. */
static void fork_copy(struct mm *child, struct vma *v, struct vma *c)
{
	struct anon_vma *x = v->anon_vma;

	c->start = v->start;
	c->end = v->end;
	c->pgoff = v->pgoff;
	c->prot = v->prot;
	c->flags = v->flags;
	c->mapping = v->mapping;
	vma_link(child, c, vma_last(child));
	if (!x || !x->fork_child)
		return;
	if (x->fork_self) {
		/* x keeps its pages, so it survives losing the VMA */
		anon_vma_detach(v);
		anon_vma_attach(x->fork_self, v);
	}
	anon_vma_attach(x->fork_child, c);
}

/* fork_merge: copies whose anon_vmas no longer differ become one VMA. */
static void fork_merge(struct mm *child)
{
	struct vma *v = vma_first(child), *n;

	while (v && (n = vma_next(v))) {
		if (vma_mergeable(v, n))
			vma_merge_next(v);
		else
			v = n;
	}
}

/*
 * mm_fork: a new mm for a child of @parent: the same layout, ops, heap and
 * stack, a copy of every VMA, anonymous VMAs sharing anon_vma ancestry
 * with the parent's (whose own VMAs may move to a fresh anon_vma). The
 * child's owner data is @child_priv. 0 and *@childp, or -ENOMEM with
 * nothing changed. O(n log n).
 */
int mm_fork(struct mm *parent, void *child_priv, struct mm **childp)
{
	struct anon_vma *marked = NULL;
	struct list_node spares;
	struct mm *child;
	struct vma *v, *c, *tmp;
	int err;

	err = mm_create(&parent->layout, parent->ops, child_priv, &child);
	if (err)
		return err;
	list_init(&spares);
	err = fork_plan(parent, &spares, &marked);
	if (err)
		goto out_abort;
	fork_link_anon(marked);
	list_for_each_entry(v, &parent->vma_list, node) {
		c = list_entry(list_pop_front(&spares), struct vma, node);
		fork_copy(child, v, c);
	}
	fork_unmark(marked, false);
	fork_merge(child);
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	child->stack_top = parent->stack_top;
	*childp = child;
	return 0;

out_abort:
	fork_unmark(marked, true);
	list_for_each_entry_safe(c, tmp, &spares, node) {
		list_remove(&c->node);
		vma_free(c);
	}
	mm_destroy(child);
	return err;
}
