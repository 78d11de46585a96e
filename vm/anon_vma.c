/*
 * vm/anon_vma.c: the forest of anon_vmas: allocation, attaching VMAs,
 * page counts, the bounded lifetime rule and the checker.
 * Design, diagram and invariants: vm/anon_vma.h.
 */
#define LOG_PREFIX "anon_vma: "

#include <pagoda/errno.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <vm/anon_vma.h>
#include <vm/vm_alloc.h>
#include <vm/vma.h>

/* anon_vma_alloc: an empty root with no VMAs and no pages, or NULL. */
struct anon_vma *anon_vma_alloc(void)
{
	struct anon_vma *av = vm_zalloc(sizeof(*av));

	if (!av)
		return NULL;
	list_init(&av->children);
	list_node_init(&av->sibling);
	list_init(&av->vmas);
	return av;
}

/* anon_vma_free: release an anon_vma outside the forest (NULL is fine). */
void anon_vma_free(struct anon_vma *av)
{
	if (!av)
		return;
	ASSERT(!av->nr_vmas && !av->nr_pages && list_empty(&av->children));
	ASSERT(!list_is_linked(&av->sibling));
	vm_free(av, sizeof(*av));
}

/* anon_vma_add_child: hang the fresh @child below @parent (same delta). */
void anon_vma_add_child(struct anon_vma *parent, struct anon_vma *child)
{
	ASSERT(!child->parent && !list_is_linked(&child->sibling));
	child->parent = parent;
	child->delta = parent->delta;
	list_push_back(&parent->children, &child->sibling);
}

/*
 * anon_vma_release_if_dead: free @av once it has neither VMAs nor pages;
 * its children move up to its parent (or become roots). Nothing else can
 * die with it: its parent, an interior node, holds pages.
 */
static void anon_vma_release_if_dead(struct anon_vma *av)
{
	struct list_node *n;

	if (av->nr_vmas || av->nr_pages)
		return;
	while ((n = list_pop_front(&av->children))) {
		struct anon_vma *child = list_entry(n, struct anon_vma, sibling);

		child->parent = av->parent;
		if (av->parent)
			list_push_back(&av->parent->children, &child->sibling);
	}
	if (list_is_linked(&av->sibling))
		list_remove(&av->sibling);
	av->parent = NULL;
	anon_vma_free(av);
}

/*
 * anon_vma_attach: make @av the anon_vma of @vma (which has none). All the
 * VMAs of one anon_vma belong to one mm and share its delta.
 */
void anon_vma_attach(struct anon_vma *av, struct vma *vma)
{
	ASSERT(!vma->anon_vma && !(vma->flags & VMA_SHARED));
	ASSERT(vma->start - (vma->pgoff << PAGE_SHIFT) == av->delta);
	if (!av->nr_vmas)
		av->mm = vma->mm;
	ASSERT(av->mm == vma->mm);
	list_push_back(&av->vmas, &vma->anon_node);
	av->nr_vmas++;
	vma->anon_vma = av;
}

/* anon_vma_detach: @vma lets go of its anon_vma, which dies if now unused. */
void anon_vma_detach(struct vma *vma)
{
	struct anon_vma *av = vma->anon_vma;

	ASSERT(av && av->nr_vmas);
	list_remove(&vma->anon_node);
	vma->anon_vma = NULL;
	if (!--av->nr_vmas)
		av->mm = NULL;
	anon_vma_release_if_dead(av);
}

/* anon_vma_page_get: a page now names @av (rmap_add_anon, rmap_move_anon). */
void anon_vma_page_get(struct anon_vma *av)
{
	av->nr_pages++;
}

/* anon_vma_page_put: a page naming @av is gone; @av dies if now unused. */
void anon_vma_page_put(struct anon_vma *av)
{
	ASSERT(av->nr_pages);
	av->nr_pages--;
	anon_vma_release_if_dead(av);
}

/*
 * anon_vma_borrowable: the anon_vma of @lender (@lo or @hi, @lo just below
 * @hi; the other is the VMA being prepared) if they are pieces of one region:
 * same file (or none), same flags, contiguous page offsets. Only the
 * protections may differ (else they would have merged).
 */
static struct anon_vma *anon_vma_borrowable(const struct vma *lo, const struct vma *hi,
					    const struct vma *lender)
{
	if (!lender->anon_vma || lo->end != hi->start)
		return NULL;
	if (lo->mapping != hi->mapping || lo->flags != hi->flags)
		return NULL;
	if (lo->pgoff + vma_npages(lo) != hi->pgoff)
		return NULL;
	return lender->anon_vma;
}

/*
 * anon_vma_prepare: give private @vma an anon_vma before its first private
 * page is created: a neighbouring piece of the same region lends its own
 * (so the pieces can merge again), else a new root. The pager calls it on
 * the fault path. 0 or -ENOMEM (nothing changed).
 */
int anon_vma_prepare(struct vma *vma)
{
	struct vma *prev = vma_prev(vma), *next = vma_next(vma);
	struct anon_vma *av = NULL;

	ASSERT(!(vma->flags & VMA_SHARED));
	if (vma->anon_vma)
		return 0;
	if (prev)
		av = anon_vma_borrowable(prev, vma, prev);
	if (!av && next)
		av = anon_vma_borrowable(vma, next, next);
	if (!av) {
		av = anon_vma_alloc();
		if (!av)
			return -ENOMEM;
		av->delta = vma->start - (vma->pgoff << PAGE_SHIFT);
	}
	anon_vma_attach(av, vma);
	return 0;
}

/*
 * anon_vma_walk_next: the anon_vma after @av in a pre-order walk of the
 * subtree of @top, or NULL when done. O(1) extra space.
 */
struct anon_vma *anon_vma_walk_next(const struct anon_vma *top, const struct anon_vma *av)
{
	if (!list_empty(&av->children))
		return list_entry(av->children.next, struct anon_vma, sibling);
	while (av != top) {
		if (av->sibling.next != &av->parent->children)
			return list_entry(av->sibling.next, struct anon_vma, sibling);
		av = av->parent;
	}
	return NULL;
}

#define AV_FAIL(av, fmt, ...)                                                  \
	do {                                                                   \
		log_err("%p: " fmt, (const void *)(av), ##__VA_ARGS__);       \
		return -EINVAL;                                                \
	} while (0)

static int anon_vma_check_vmas(const struct anon_vma *av)
{
	const struct vma *v;
	unsigned long n = 0;

	list_for_each_entry(v, &av->vmas, anon_node) {
		if (v->anon_vma != av || v->mm != av->mm)
			AV_FAIL(av, "VMA #%lu names another anon_vma or mm", n);
		if (v->start - (v->pgoff << PAGE_SHIFT) != av->delta)
			AV_FAIL(av, "VMA #%lu breaks the delta", n);
		n++;
	}
	if (n != av->nr_vmas)
		AV_FAIL(av, "nr_vmas %lu but %lu on the list", av->nr_vmas, n);
	if (!n != !av->mm)
		AV_FAIL(av, "mm set without VMAs, or VMAs without mm");
	return 0;
}

/*
 * anon_vma_check: the invariants of one anon_vma: alive (VMAs or pages),
 * its VMA list and counts, VMAs only in a leaf, pages in every interior
 * node, parent and child links, one delta, no fork scratch left.
 * 0, or -EINVAL after logging the first broken one. O(VMAs + children).
 */
int anon_vma_check(const struct anon_vma *av)
{
	const struct anon_vma *c;
	int err;

	if (!av->nr_vmas && !av->nr_pages)
		AV_FAIL(av, "alive with neither VMAs nor pages");
	err = anon_vma_check_vmas(av);
	if (err)
		return err;
	if (!list_empty(&av->children) && (av->nr_vmas || !av->nr_pages))
		AV_FAIL(av, "interior node with VMAs or without pages");
	if (!av->parent == list_is_linked(&av->sibling))
		AV_FAIL(av, "parent link and sibling list disagree");
	list_for_each_entry(c, &av->children, sibling) {
		if (c->parent != av || c->delta != av->delta)
			AV_FAIL(av, "child %p with a wrong parent or delta", (const void *)c);
	}
	if (av->fork_self || av->fork_child || av->fork_next)
		AV_FAIL(av, "fork scratch left set");
	return 0;
}

/* anon_vma_check_tree: anon_vma_check on every anon_vma below @root. */
int anon_vma_check_tree(const struct anon_vma *root)
{
	const struct anon_vma *av;
	int err;

	for (av = root; av; av = anon_vma_walk_next(root, av)) {
		err = anon_vma_check(av);
		if (err)
			return err;
	}
	return 0;
}
