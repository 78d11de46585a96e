/*
 * lib/rbtree.c: the generic augmented red-black tree (see rbtree.h).
 * No locking: the owner of each rb_root serialises access.
 *
 * The rules, true whenever no rb_* call is in progress:
 *   1. every node is red or black; the root is black;
 *   2. a red node has no red child;
 *   3. every path from a node down to a NULL leaf crosses the same number of
 *      black nodes (the node's black height);
 *   4. each child's parent pointer names its parent.
 * By 2 and 3 the longest root-to-leaf path is at most twice the shortest,
 * so a tree of n nodes is at most 2 log2(n + 1) deep.
 *
 * Diagrams below: upper case = black, lower case = red, (x) = either
 * colour. Each shows one orientation; its mirror image runs the same code,
 * since left and right appear only as a direction @dir (0 = left,
 * 1 = right) and its opposite !dir.
 *
 * Augmentation: only rotations and unlinking change which nodes lie below
 * which. A rotation keeps the values exact through aug->rotate (the lifted
 * node takes over the subtree's value, the lowered one is recomputed); an
 * erase updates the path above the removed position with aug->copy and
 * aug->propagate before rebalancing, and insertion does the same for the
 * new leaf. Recolouring touches no value. For a plain tree (aug == NULL)
 * the always-inlined helpers are instantiated with a constant NULL, so the
 * augmentation tests compile away.
 */
#define LOG_PREFIX "rbtree: "
#include <pagoda/errno.h>
#include <lib/fmt.h>
#include <lib/log.h>
#include <lib/rbtree.h>

#define RB_INLINE static inline __attribute__((always_inline))
#define RB_BLACK ((uintptr_t)1)
#define RB_LEFT 0
#define RB_RIGHT 1

/* A valid tree of n < 2^63 nodes is at most 2 * 63 deep; deeper is a cycle. */
#define RB_MAX_DEPTH 128

static inline bool rb_is_red(const struct rb_node *n)
{
	return n && !(n->rb_parent_color & RB_BLACK);
}

static inline void rb_set_black(struct rb_node *n)
{
	n->rb_parent_color |= RB_BLACK;
}

static inline void rb_set_red(struct rb_node *n)
{
	n->rb_parent_color &= ~RB_BLACK;
}

/* Set @n's parent, keeping its colour. */
static inline void rb_set_parent(struct rb_node *n, struct rb_node *parent)
{
	n->rb_parent_color = (uintptr_t)parent | (n->rb_parent_color & RB_BLACK);
}

static inline struct rb_node *rb_child(const struct rb_node *n, int dir)
{
	return dir ? n->rb_right : n->rb_left;
}

static inline struct rb_node **rb_child_link(struct rb_node *n, int dir)
{
	return dir ? &n->rb_right : &n->rb_left;
}

/* Make @new_node take @old's place below @parent (NULL: at the root). */
static inline void rb_change_child(struct rb_root *root, struct rb_node *parent,
				   struct rb_node *old, struct rb_node *new_node)
{
	if (!parent)
		root->rb_node = new_node;
	else if (parent->rb_left == old)
		parent->rb_left = new_node;
	else
		parent->rb_right = new_node;
}

/*
 * rb_rotate: lift @x's child on side @dir into @x's place; @x becomes its
 * child on side !dir. Each node keeps its colour. For dir = right:
 *
 *        |               |
 *        x               y
 *       / \             / \
 *      a   y    -->    x   c
 *         / \         / \
 *        b   c       a   b
 */
RB_INLINE void rb_rotate(struct rb_root *root, struct rb_node *x, int dir,
			 const struct rb_augment *aug)
{
	struct rb_node *y = rb_child(x, dir);
	struct rb_node *b = rb_child(y, !dir);
	struct rb_node *parent = rb_parent(x);

	*rb_child_link(x, dir) = b;
	if (b)
		rb_set_parent(b, x);
	*rb_child_link(y, !dir) = x;
	rb_set_parent(y, parent);
	rb_set_parent(x, y);
	rb_change_child(root, parent, x, y);
	if (aug)
		aug->rotate(x, y);
}

/*
 * rb_insert_lift: @node is red with a red @parent, @parent is @gparent's
 * child on side @dir, and the uncle is black. Two rotations at most make
 * the red-red edge disappear without changing any black height.
 */
RB_INLINE void rb_insert_lift(struct rb_root *root, struct rb_node *node,
			      struct rb_node *parent, struct rb_node *gparent, int dir,
			      const struct rb_augment *aug)
{
	if (node == rb_child(parent, !dir)) {
		/*
		 * Case 2: n is an inner child. Lift n over p, making p the
		 * outer child; then case 3.
		 *
		 *        G             G
		 *       / \           / \
		 *      p   U   -->   n   U
		 *       \           /
		 *        n         p
		 */
		rb_rotate(root, parent, !dir, aug);
		parent = node;
	}
	/*
	 * Case 3: the red child is an outer one. Lift p over G and swap their
	 * colours: no red-red edge remains, and black heights hold.
	 *
	 *        G             P
	 *       / \           / \
	 *      p   U   -->   n   g
	 *     /                   \
	 *    n                     U
	 */
	rb_rotate(root, gparent, dir, aug);
	rb_set_black(parent);
	rb_set_red(gparent);
}

/* rb_insert_fixup: restore the rules after @node was linked as a red leaf. */
RB_INLINE void rb_insert_fixup(struct rb_root *root, struct rb_node *node,
			       const struct rb_augment *aug)
{
	/*
	 * Invariant: @node is red and all rules hold, except that @node's
	 * parent may be red too (rule 2), or @node may be the root (rule 1).
	 */
	for (;;) {
		struct rb_node *parent = rb_parent(node), *gparent, *uncle;
		int dir;

		if (!parent) {
			rb_set_black(node);
			return;
		}
		if (!rb_is_red(parent))
			return;
		/* A red parent is not the root: gparent exists and is black. */
		gparent = rb_parent(parent);
		dir = parent == gparent->rb_right;
		uncle = rb_child(gparent, !dir);
		if (!rb_is_red(uncle)) {
			rb_insert_lift(root, node, parent, gparent, dir, aug);
			return;
		}
		/*
		 * Case 1: red uncle. Recolour; the black height of G is
		 * unchanged, but g may now have a red parent.
		 *
		 *        G             g
		 *       / \           / \
		 *      p   u   -->   P   U
		 *      |             |
		 *      n             n
		 */
		rb_set_black(parent);
		rb_set_black(uncle);
		rb_set_red(gparent);
		node = gparent;
	}
}

void rb_insert(struct rb_root *root, struct rb_node *node, const struct rb_augment *aug)
{
	if (!aug) {
		rb_insert_fixup(root, node, NULL);
		return;
	}
	/*
	 * Rotations keep values exact only if they were exact before: make
	 * the ancestors account for the new leaf first. When the caller did
	 * that on its way down, this stops at once.
	 */
	if (rb_parent(node))
		aug->propagate(rb_parent(node), NULL);
	rb_insert_fixup(root, node, aug);
}

/*
 * rb_erase_red_sibling: case 1 of rb_erase_fixup, a red sibling. Lift it
 * over P and swap their colours. N is as short as before, but its new
 * sibling (old Sl, not NULL: its black height is N's plus one) is black.
 * Returns that new sibling.
 *
 *      P                S
 *     / \              / \
 *    N   s     -->    p   Sr
 *       / \          / \
 *      Sl  Sr       N   Sl
 */
RB_INLINE struct rb_node *rb_erase_red_sibling(struct rb_root *root, struct rb_node *parent,
					       struct rb_node *sib, int dir,
					       const struct rb_augment *aug)
{
	rb_rotate(root, parent, !dir, aug);
	rb_set_black(sib);
	rb_set_red(parent);
	return rb_child(parent, !dir);
}

/*
 * rb_erase_red_nephew: cases 3 and 4 of rb_erase_fixup: the sibling S is
 * black and has a red child. This ends the fixup.
 */
RB_INLINE void rb_erase_red_nephew(struct rb_root *root, struct rb_node *parent,
				   struct rb_node *sib, int dir, const struct rb_augment *aug)
{
	struct rb_node *outer = rb_child(sib, !dir), *inner = rb_child(sib, dir);

	if (!rb_is_red(outer)) {
		/*
		 * Case 3: only the inner nephew is red. Lift it over S and
		 * swap their colours, making the outer nephew red; then case 4.
		 *
		 *     (p)            (p)
		 *     / \            / \
		 *    N   S    -->   N   Sl
		 *       / \              \
		 *      sl  Sr             s
		 *                          \
		 *                           Sr
		 */
		rb_rotate(root, sib, dir, aug);
		rb_set_black(inner);
		rb_set_red(sib);
		outer = sib;
		sib = inner;
	}
	/*
	 * Case 4: red outer nephew. Lift S over P; S takes P's colour, P and
	 * the nephew turn black: N's side gains a black node, S's outer side
	 * keeps its count through the recoloured nephew.
	 *
	 *     (p)              (s)
	 *     / \              / \
	 *    N   S     -->    P   Sr
	 *       / \          / \
	 *     (sl) sr       N  (sl)
	 */
	rb_rotate(root, parent, !dir, aug);
	sib->rb_parent_color = (uintptr_t)rb_parent(sib) | (parent->rb_parent_color & RB_BLACK);
	rb_set_black(parent);
	rb_set_black(outer);
}

/*
 * rb_erase_fixup: restore rule 3 after a black node left @parent's side
 * @dir, which now has one black fewer than side !dir.
 */
RB_INLINE void rb_erase_fixup(struct rb_root *root, struct rb_node *parent, int dir,
			      const struct rb_augment *aug)
{
	/*
	 * Invariant: the subtree N on side @dir of @parent is black (or empty)
	 * and its black height is one less than that of its sibling S; all
	 * other rules hold. S is not NULL, since its black height is >= 1.
	 */
	for (;;) {
		struct rb_node *sib = rb_child(parent, !dir), *node;

		if (rb_is_red(sib))
			sib = rb_erase_red_sibling(root, parent, sib, dir, aug);
		if (rb_is_red(sib->rb_left) || rb_is_red(sib->rb_right)) {
			rb_erase_red_nephew(root, parent, sib, dir, aug);
			return;
		}
		/*
		 * Case 2: black sibling, black nephews. Paint S red: both
		 * sides of P are now short. A red P turns black and pays for
		 * it; else P itself is short by one: go up.
		 *
		 *     (p)            (p)
		 *     / \            / \
		 *    N   S    -->   N   s
		 *       / \            / \
		 *      Sl  Sr         Sl  Sr
		 */
		rb_set_red(sib);
		if (rb_is_red(parent)) {
			rb_set_black(parent);
			return;
		}
		node = parent;
		parent = rb_parent(node);
		if (!parent)
			return;
		dir = node == parent->rb_right;
	}
}

/*
 * rb_erase_one: unlink @node, which has at most one child. A lone child is
 * a red leaf (rules 2 and 3): it takes @node's place and colour. Returns
 * the parent of a short side (and its side in *@dir), or NULL.
 */
RB_INLINE struct rb_node *rb_erase_one(struct rb_root *root, struct rb_node *node, int *dir,
				       const struct rb_augment *aug)
{
	struct rb_node *child = node->rb_left ? node->rb_left : node->rb_right;
	struct rb_node *parent = rb_parent(node);

	if (parent)
		*dir = node == parent->rb_right;
	rb_change_child(root, parent, node, child);
	if (child)
		child->rb_parent_color = node->rb_parent_color;
	if (aug && parent)
		aug->propagate(parent, NULL);
	if (child || rb_is_red(node))
		return NULL;
	return parent;
}

/*
 * rb_erase_two: unlink @node, which has two children, by moving its
 * successor S (leftmost of its right subtree, so S has no left child) into
 * its place and colour. S's old position loses S's colour; its lone right
 * child c, if any, is a red leaf that turns black to pay for it. Returns
 * the parent of a short side (and its side in *@dir), or NULL.
 *
 *  Successor is the right child:     Successor is deeper:
 *
 *       (n)          (s)                 (n)             (s)
 *       / \          / \                 / \             / \
 *      L   S   -->  L   C               L   R    -->    L   R
 *           \                              /               /
 *            c                           ...             ...
 *                                        /               /
 *                                      sp              sp
 *                                      /               /
 *                                     S               C
 *                                      \
 *                                       c
 */
RB_INLINE struct rb_node *rb_erase_two(struct rb_root *root, struct rb_node *node, int *dir,
				       const struct rb_augment *aug)
{
	struct rb_node *left = node->rb_left, *right = node->rb_right;
	struct rb_node *succ = right, *sparent, *child;
	bool succ_black;

	while (succ->rb_left)
		succ = succ->rb_left;
	child = succ->rb_right;
	succ_black = !rb_is_red(succ);
	if (succ == right) {
		sparent = succ;
		*dir = RB_RIGHT;
	} else {
		sparent = rb_parent(succ);
		*dir = RB_LEFT;
		sparent->rb_left = child;
		succ->rb_right = right;
		rb_set_parent(right, succ);
	}
	succ->rb_left = left;
	rb_set_parent(left, succ);
	succ->rb_parent_color = node->rb_parent_color;
	rb_change_child(root, rb_parent(node), node, succ);
	if (aug) {
		/* S stands for n's old subtree until recomputed below. */
		aug->copy(node, succ);
		if (sparent != succ)
			aug->propagate(sparent, succ);
		aug->propagate(succ, NULL);
	}
	if (child) {
		child->rb_parent_color = (uintptr_t)sparent | RB_BLACK;
		return NULL;
	}
	return succ_black ? sparent : NULL;
}

void rb_erase(struct rb_root *root, struct rb_node *node, const struct rb_augment *aug)
{
	bool two = node->rb_left && node->rb_right;
	struct rb_node *parent;
	int dir = RB_LEFT;

	if (aug) {
		parent = two ? rb_erase_two(root, node, &dir, aug) :
			       rb_erase_one(root, node, &dir, aug);
		if (parent)
			rb_erase_fixup(root, parent, dir, aug);
	} else {
		parent = two ? rb_erase_two(root, node, &dir, NULL) :
			       rb_erase_one(root, node, &dir, NULL);
		if (parent)
			rb_erase_fixup(root, parent, dir, NULL);
	}
}

void rb_replace(struct rb_root *root, struct rb_node *old, struct rb_node *new_node)
{
	struct rb_node *parent = rb_parent(old);

	*new_node = *old;
	if (old->rb_left)
		rb_set_parent(old->rb_left, new_node);
	if (old->rb_right)
		rb_set_parent(old->rb_right, new_node);
	rb_change_child(root, parent, old, new_node);
}

/* The last node on side @dir of the subtree @n (NULL if @n is NULL). */
static struct rb_node *rb_extreme(const struct rb_node *n, int dir)
{
	if (!n)
		return NULL;
	while (rb_child(n, dir))
		n = rb_child(n, dir);
	return (struct rb_node *)n;
}

/* The neighbour of @n in order on side @dir: 1 = next, 0 = previous. */
static struct rb_node *rb_step(const struct rb_node *n, int dir)
{
	struct rb_node *parent;

	if (rb_child(n, dir))
		return rb_extreme(rb_child(n, dir), !dir);
	/* Climb until we come up from the other side: that parent is next. */
	while ((parent = rb_parent(n)) && n == rb_child(parent, dir))
		n = parent;
	return parent;
}

struct rb_node *rb_first(const struct rb_root *root)
{
	return rb_extreme(root->rb_node, RB_LEFT);
}

struct rb_node *rb_last(const struct rb_root *root)
{
	return rb_extreme(root->rb_node, RB_RIGHT);
}

struct rb_node *rb_next(const struct rb_node *node)
{
	return rb_step(node, RB_RIGHT);
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	return rb_step(node, RB_LEFT);
}

struct rb_check_ctx {
	bool (*verify_aug)(const struct rb_node *node);
	void (*report)(const char *what);
};

/*
 * Describe a broken rule at @n; returns -EINVAL. Kept out of line so that
 * its buffer does not grow every frame of the recursive walk.
 */
static __attribute__((noinline)) int rb_check_fail(const struct rb_check_ctx *c,
						   const struct rb_node *n, int depth,
						   const char *what)
{
	char msg[128];

	fmt_snprintf(msg, sizeof(msg), "%s (node %p at depth %d)", what, (const void *)n, depth);
	if (c->report)
		c->report(msg);
	else
		log_err("%s", msg);
	return -EINVAL;
}

/*
 * rb_check_subtree: check the subtree @n hanging below @parent at @depth
 * (the root is at depth 0). Returns its black height, or -EINVAL.
 * Red-red edges are checked on the way down and black heights on the way
 * up, so a recoloured node reports the rule it broke first. Every node is
 * visited once: a node reached twice would fail the parent check on one
 * of the two visits, or be both children of one node.
 */
static int rb_check_subtree(const struct rb_check_ctx *c, const struct rb_node *n,
			    const struct rb_node *parent, int depth)
{
	int lh, rh;

	if (!n)
		return 0;
	if (depth > RB_MAX_DEPTH)
		return rb_check_fail(c, n, depth, "tree deeper than any valid one (a cycle?)");
	if (rb_parent(n) != parent)
		return rb_check_fail(c, n, depth, "parent pointer does not name the parent");
	if (rb_is_red(n) && rb_is_red(parent))
		return rb_check_fail(c, n, depth, "red node has a red parent");
	if (n->rb_left && n->rb_left == n->rb_right)
		return rb_check_fail(c, n, depth, "both children are the same node");
	lh = rb_check_subtree(c, n->rb_left, n, depth + 1);
	if (lh < 0)
		return lh;
	rh = rb_check_subtree(c, n->rb_right, n, depth + 1);
	if (rh < 0)
		return rh;
	if (lh != rh)
		return rb_check_fail(c, n, depth, "subtrees have different black heights");
	if (c->verify_aug && !c->verify_aug(n))
		return rb_check_fail(c, n, depth, "augmented value differs from its recomputation");
	return lh + !rb_is_red(n);
}

int rb_check(const struct rb_root *root, bool (*verify_aug)(const struct rb_node *node),
	     void (*report)(const char *what))
{
	struct rb_check_ctx c = { .verify_aug = verify_aug, .report = report };
	int h;

	if (rb_is_red(root->rb_node))
		return rb_check_fail(&c, root->rb_node, 0, "the root is red");
	h = rb_check_subtree(&c, root->rb_node, NULL, 0);
	return h < 0 ? h : 0;
}
