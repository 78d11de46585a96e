/*
 * vm/pst.c: the radix priority search tree of file page intervals.
 * Structure, invariants and costs: vm/pst.h. Locks: the caller's.
 *
 * Three moves keep the invariants, each along one root-to-leaf path:
 *   sift_down: carry an interval down its key path, swapping it with any
 *              position whose last is smaller (heap order), until a free
 *              child slot takes it (insert; shrink);
 *   fill_hole: a position lost its interval: pull the larger-last child up
 *              into it, then fill that child's old position the same way,
 *              until a leaf position disappears (remove; grow);
 *   grow/shrink: add or drop the top split bit when the largest first
 *              changes width; the whole trie moves one level down or up.
 */
#define LOG_PREFIX "pst: "

#include <pagoda/errno.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <vm/pst.h>

#define SIZE_BITS 64 /* bits of last - first, the split key below depth bits */

/* key_bit: the child (0 or 1) @n belongs to below a position at @depth. */
static unsigned int key_bit(const struct pst_root *root, const struct pst_node *n,
			    unsigned int depth)
{
	unsigned int s;

	if (depth < root->bits)
		return (unsigned int)(n->first >> (root->bits - 1 - depth)) & 1;
	s = depth - root->bits;
	ASSERT(s < SIZE_BITS);
	return (unsigned int)((n->last - n->first) >> s) & 1;
}

/* link_of: the pointer that names @n's position (its parent's child slot or the top). */
static struct pst_node **link_of(struct pst_root *root, struct pst_node *n)
{
	if (!n->parent)
		return &root->top;
	return &n->parent->child[n->parent->child[1] == n];
}

static void set_parent(struct pst_node *child, struct pst_node *parent)
{
	if (child)
		child->parent = parent;
}

/* replace_pos: @new_node (off the tree) takes @old's position; @old leaves it. */
static void replace_pos(struct pst_root *root, struct pst_node *old, struct pst_node *new_node)
{
	*link_of(root, old) = new_node;
	new_node->parent = old->parent;
	new_node->child[0] = old->child[0];
	new_node->child[1] = old->child[1];
	set_parent(new_node->child[0], new_node);
	set_parent(new_node->child[1], new_node);
	new_node->state = PST_NODE_POS;
	old->parent = NULL;
	old->child[0] = NULL;
	old->child[1] = NULL;
}

static bool same_interval(const struct pst_node *a, const struct pst_node *b)
{
	return a->first == b->first && a->last == b->last;
}

/*
 * sift_down: place @cur, an interval in no position whose key lies in the
 * range of position @pos (at @depth). With @fresh, @cur is a new interval
 * and joins the dup ring of an equal interval met on its path: while cur
 * has not displaced anything it is still on its own key path, and once it
 * has, everything below has a smaller last, so no equal one can follow.
 */
static void sift_down(struct pst_root *root, struct pst_node *pos, unsigned int depth,
		      struct pst_node *cur, bool fresh)
{
	struct pst_node *child, *tmp;
	unsigned int dir;

	for (;;) {
		if (fresh && same_interval(pos, cur)) {
			list_insert_before(&pos->dup, &cur->dup);
			cur->state = PST_NODE_DUP;
			return;
		}
		if (cur->last > pos->last) {
			replace_pos(root, pos, cur);
			tmp = pos;
			pos = cur;
			cur = tmp;
			fresh = false;
		}
		dir = key_bit(root, cur, depth);
		child = pos->child[dir];
		if (!child)
			break;
		pos = child;
		depth++;
	}
	pos->child[dir] = cur;
	cur->parent = pos;
	cur->child[0] = NULL;
	cur->child[1] = NULL;
	cur->state = PST_NODE_POS;
}

/*
 * fill_hole: the position named by *@link (below @parent, with children
 * @c0 and @c1) holds no interval. Pull intervals up the larger-last path;
 * the leaf position at its end disappears. Heap order makes the pulled
 * interval the largest of the hole's subtree, and its key lies in its old
 * position's range, inside the hole's.
 */
static void fill_hole(struct pst_node *parent, struct pst_node **link, struct pst_node *c0,
		      struct pst_node *c1)
{
	struct pst_node *up, *n0, *n1;
	unsigned int dir;

	for (;;) {
		if (!c0 && !c1) {
			*link = NULL;
			return;
		}
		dir = !c0 || (c1 && c1->last > c0->last);
		up = dir ? c1 : c0;
		n0 = up->child[0];
		n1 = up->child[1];
		*link = up;
		up->parent = parent;
		up->child[!dir] = dir ? c0 : c1;
		set_parent(up->child[!dir], up);
		up->child[dir] = NULL;
		parent = up;
		link = &up->child[dir];
		c0 = n0;
		c1 = n1;
	}
}

/*
 * grow: widen the split of first by one bit. Every position moves one level
 * down, below the left child of a new top; the top interval (the largest
 * last of all) stays on top and its old position is refilled from below.
 */
static void grow(struct pst_root *root)
{
	struct pst_node *top = root->top;
	struct pst_node *c0 = top->child[0], *c1 = top->child[1];

	ASSERT(root->bits < 64);
	top->child[0] = NULL;
	top->child[1] = NULL;
	fill_hole(top, &top->child[0], c0, c1);
	root->bits++;
}

/*
 * shrink: while every first fits in bits - 1 bits (no right child at the
 * top, and the top's own first fits), drop the top split: the left child's
 * position becomes the top, the top interval takes it and the left child's
 * interval sifts down again from there.
 */
static void shrink(struct pst_root *root)
{
	struct pst_node *top, *left;

	for (;;) {
		top = root->top;
		if (!top || root->bits == 0 || top->child[1] ||
		    (top->first >> (root->bits - 1)) != 0)
			return;
		root->bits--;
		left = top->child[0];
		if (!left)
			continue;
		top->child[0] = left->child[0];
		top->child[1] = left->child[1];
		set_parent(top->child[0], top);
		set_parent(top->child[1], top);
		left->parent = NULL;
		left->child[0] = NULL;
		left->child[1] = NULL;
		sift_down(root, top, 0, left, false);
	}
}

/*
 * pst_insert: add @node, not in any tree, for [@first, @last].
 * => first <= last. Takes no memory; cannot fail. O(h).
 */
void pst_insert(struct pst_root *root, struct pst_node *node, pgoff_t first, pgoff_t last)
{
	ASSERT(first <= last);
	ASSERT(node->state != PST_NODE_POS && node->state != PST_NODE_DUP);
	node->first = first;
	node->last = last;
	node->parent = NULL;
	node->child[0] = NULL;
	node->child[1] = NULL;
	list_node_init(&node->dup);
	root->count++;
	if (!root->top) {
		root->bits = 0;
		while (root->bits < 64 && (first >> root->bits) != 0)
			root->bits++;
		root->top = node;
		node->state = PST_NODE_POS;
		return;
	}
	while (root->bits < 64 && (first >> root->bits) != 0)
		grow(root);
	sift_down(root, root->top, 0, node, true);
}

/*
 * pst_remove: take @node out of @root, which holds it. An equal interval on
 * its dup ring inherits its position; else the position is refilled from
 * below. O(h).
 */
void pst_remove(struct pst_root *root, struct pst_node *node)
{
	struct pst_node *heir;

	ASSERT(root->count > 0);
	root->count--;
	if (node->state == PST_NODE_DUP) {
		list_remove(&node->dup);
		node->state = PST_NODE_OFF;
		return;
	}
	ASSERT(node->state == PST_NODE_POS);
	if (list_is_linked(&node->dup)) {
		heir = list_entry(node->dup.next, struct pst_node, dup);
		list_remove(&node->dup);
		replace_pos(root, node, heir);
	} else {
		fill_hole(node->parent, link_of(root, node), node->child[0], node->child[1]);
		node->parent = NULL;
		node->child[0] = NULL;
		node->child[1] = NULL;
		shrink(root);
	}
	node->state = PST_NODE_OFF;
	if (!root->top)
		root->bits = 0;
}

/* report: call @cb on @n and on each equal interval on its dup ring. */
static int report(struct pst_node *n, int (*cb)(struct pst_node *node, void *arg), void *arg)
{
	struct list_node *d, *next;
	int ret = cb(n, arg);

	for (d = n->dup.next; !ret && d != &n->dup; d = next) {
		next = d->next;
		ret = cb(list_entry(d, struct pst_node, dup), arg);
	}
	return ret;
}

/*
 * walk_heap: report every interval of the subtree at @sub with last >= @lo;
 * the caller knows every first there passes. Preorder; a position whose
 * last is below @lo cuts its whole subtree (heap order), so each visited
 * position is reported or is a child of a reported one (or is @sub).
 */
static int walk_heap(struct pst_node *sub, pgoff_t lo, int (*cb)(struct pst_node *node, void *arg),
		     void *arg)
{
	struct pst_node *n = sub, *p;
	int ret;

	while (n) {
		if (n->last >= lo) {
			ret = report(n, cb, arg);
			if (ret)
				return ret;
			if (n->child[0] || n->child[1]) {
				n = n->child[0] ? n->child[0] : n->child[1];
				continue;
			}
		}
		for (;;) {
			if (n == sub)
				return 0;
			p = n->parent;
			if (n == p->child[0] && p->child[1]) {
				n = p->child[1];
				break;
			}
			n = p;
		}
	}
	return 0;
}

/*
 * query: report every interval with first <= @hi and last >= @lo. Walks the
 * key path of @hi; a left subtree hanging off it holds firsts < hi only and
 * goes to walk_heap(); a right one holds firsts > hi only and is skipped.
 * Below depth bits the path's subtree shares first == hi: all of it is
 * heap-only. O(h + k).
 */
static int query(const struct pst_root *root, pgoff_t hi, pgoff_t lo,
		 int (*cb)(struct pst_node *node, void *arg), void *arg)
{
	struct pst_node *pos = root->top;
	unsigned int depth = 0, bit;
	int ret;

	if (root->bits < 64 && (hi >> root->bits) != 0)
		return walk_heap(pos, lo, cb, arg);
	while (pos && pos->last >= lo) {
		if (pos->first <= hi) {
			ret = report(pos, cb, arg);
			if (ret)
				return ret;
		}
		if (depth >= root->bits) {
			ret = walk_heap(pos->child[0], lo, cb, arg);
			return ret ? ret : walk_heap(pos->child[1], lo, cb, arg);
		}
		bit = (unsigned int)(hi >> (root->bits - 1 - depth)) & 1;
		if (bit) {
			ret = walk_heap(pos->child[0], lo, cb, arg);
			if (ret)
				return ret;
		}
		pos = pos->child[bit];
		depth++;
	}
	return 0;
}

/*
 * pst_stab: call @cb on every node whose interval contains @pgoff; stop at
 * the first nonzero return and pass it on. @cb must not change the tree.
 */
int pst_stab(const struct pst_root *root, pgoff_t pgoff,
	     int (*cb)(struct pst_node *node, void *arg), void *arg)
{
	return query(root, pgoff, pgoff, cb, arg);
}

/*
 * pst_overlap: call @cb on every node whose interval meets [@first, @last].
 * => first <= last. Same rules as pst_stab().
 */
int pst_overlap(const struct pst_root *root, pgoff_t first, pgoff_t last,
		int (*cb)(struct pst_node *node, void *arg), void *arg)
{
	ASSERT(first <= last);
	return query(root, last, first, cb, arg);
}

static int check_fail(const struct pst_node *n, const char *what)
{
	if (n)
		log_err("%s at node %p [%#llx, %#llx]", what, (const void *)n,
			(unsigned long long)n->first, (unsigned long long)n->last);
	else
		log_err("%s", what);
	return -EINVAL;
}

/*
 * check_path: @n, at a position, lies on the path its key spells out and no
 * position above it holds an equal interval. Walks up to the top: O(h).
 */
static int check_path(const struct pst_root *root, const struct pst_node *n)
{
	const struct pst_node *c, *p;
	unsigned int depth = 0;

	for (c = n; c->parent; c = c->parent) {
		if (++depth > root->bits + SIZE_BITS)
			return check_fail(n, "position deeper than bits + 64");
	}
	if (c != root->top)
		return check_fail(n, "path does not end at the top");
	for (c = n; (p = c->parent) != NULL; c = p) {
		depth--;
		if (key_bit(root, n, depth) != (unsigned int)(p->child[1] == c))
			return check_fail(n, "interval off its key path");
		if (same_interval(p, n))
			return check_fail(n, "equal intervals hold two positions");
	}
	return 0;
}

/* check_ring: the dup ring of position @n: equal intervals, none at a position. */
static int check_ring(const struct pst_node *n, size_t *count)
{
	const struct list_node *d;
	const struct pst_node *m;

	for (d = n->dup.next; d != &n->dup; d = d->next) {
		m = list_entry(d, const struct pst_node, dup);
		if (d->next->prev != d)
			return check_fail(n, "broken dup ring links");
		if (m->state != PST_NODE_DUP || !same_interval(m, n))
			return check_fail(m, "dup ring member not an equal DUP node");
		if (m->parent || m->child[0] || m->child[1])
			return check_fail(m, "dup ring member has tree links");
		(*count)++;
	}
	return 0;
}

/* check_pos: the local invariants of position @n and its child links. */
static int check_pos(const struct pst_root *root, const struct pst_node *n)
{
	const struct pst_node *c;
	int i;

	if (n->state != PST_NODE_POS)
		return check_fail(n, "position node not in state POS");
	if (n->first > n->last)
		return check_fail(n, "first > last");
	if (root->bits < 64 && (n->first >> root->bits) != 0)
		return check_fail(n, "first wider than bits");
	for (i = 0; i < 2; i++) {
		c = n->child[i];
		if (c && c->parent != n)
			return check_fail(c, "child's parent pointer is wrong");
		if (c && c->last > n->last)
			return check_fail(c, "heap order: child's last above its parent's");
	}
	return check_path(root, n);
}

/*
 * pst_check: verify every invariant in vm/pst.h: heap order, key paths,
 * parent links, dup rings, the count, and that bits is the least width
 * holding every first. 0, or -EINVAL after logging the first broken one.
 * O(n h).
 */
int pst_check(const struct pst_root *root)
{
	const struct pst_node *n = root->top, *p;
	size_t count = 0;
	pgoff_t max_first = 0;
	int err;

	if (!n)
		return root->count || root->bits ? check_fail(NULL, "empty tree with count or bits")
						 : 0;
	if (n->parent)
		return check_fail(n, "top has a parent");
	while (n) {
		if (++count > root->count)
			return check_fail(n, "more positions than the count (a cycle?)");
		err = check_pos(root, n);
		if (!err)
			err = check_ring(n, &count);
		if (err)
			return err;
		max_first = MAX(max_first, n->first);
		if (n->child[0] || n->child[1]) {
			n = n->child[0] ? n->child[0] : n->child[1];
			continue;
		}
		for (;;) {
			p = n->parent;
			if (!p) {
				n = NULL;
				break;
			}
			if (n == p->child[0] && p->child[1]) {
				n = p->child[1];
				break;
			}
			n = p;
		}
	}
	if (count != root->count)
		return check_fail(NULL, "count differs from the nodes found");
	if (root->bits > 64 || (root->bits && (max_first >> (root->bits - 1)) == 0) ||
	    (root->bits < 64 && (max_first >> root->bits) != 0))
		return check_fail(NULL, "bits is not the width of the largest first");
	return 0;
}
