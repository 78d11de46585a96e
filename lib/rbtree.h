/*
 * lib/rbtree.h: the one generic intrusive red-black tree, with augmentation.
 *
 * The tree knows nothing of its payload: users embed struct rb_node, find
 * the insertion point themselves (so the key and comparison stay theirs),
 * link the node with rb_link() and then call rb_insert() to rebalance.
 * rb_entry() recovers the owner.
 *
 * Augmentation: a tree may keep, in every node, a value computed from the
 * node and its two subtrees (the largest free gap below a VMA, the largest
 * interval end, a subtree size...). The user supplies struct rb_augment:
 *
 *   propagate(node, stop): recompute the value of @node and of each ancestor
 *                          up to (not including) @stop; may stop early once
 *                          a recomputed value did not change.
 *   copy(old, new):        @new takes @old's place in the tree: copy @old's
 *                          augmented value into @new.
 *   rotate(old, new):      @new became @old's parent by a rotation: @new
 *                          takes @old's old subtree value (copy), then @old
 *                          is recomputed from its new children.
 *
 * Most users have one "compute from node and children" function;
 * RB_AUGMENT_DEFINE builds the three callbacks from it (the same contract
 * as Linux's augmented rbtree callbacks, so the same call sites apply).
 * A plain tree passes NULL for @aug.
 *
 * Rules (checked by rb_check()):
 *   1. every node is red or black; the root is black;
 *   2. a red node has no red child;
 *   3. every path from a node down to a NULL leaf has the same number of
 *      black nodes;
 *   4. each child's parent pointer names its parent.
 *
 * No locking: the owner of the rb_root serialises all access.
 */
#ifndef PAGODA_LIB_RBTREE_H
#define PAGODA_LIB_RBTREE_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>

struct rb_node {
	uintptr_t rb_parent_color;	/* parent pointer | color in bit 0 (1 = black) */
	struct rb_node *rb_left;
	struct rb_node *rb_right;
};

struct rb_root {
	struct rb_node *rb_node;
};

struct rb_augment {
	void (*propagate)(struct rb_node *node, struct rb_node *stop);
	void (*copy)(struct rb_node *old, struct rb_node *new_node);
	void (*rotate)(struct rb_node *old, struct rb_node *new_node);
};

#define RB_ROOT_INIT { NULL }
#define rb_entry(ptr, type, member) container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member)                                       \
	({ __typeof__(ptr) ____p = (ptr); ____p ? rb_entry(____p, type, member) : NULL; })

static inline struct rb_node *rb_parent(const struct rb_node *n)
{
	return (struct rb_node *)(n->rb_parent_color & ~(uintptr_t)1);
}

static inline bool rb_is_black(const struct rb_node *n)
{
	return n == NULL || (n->rb_parent_color & 1);
}

static inline bool rb_empty(const struct rb_root *root)
{
	return root->rb_node == NULL;
}

/*
 * rb_link: attach @node as a red leaf below @parent at *@link (a pointer to
 * @parent's rb_left or rb_right, or to root->rb_node for an empty tree).
 * Follow with rb_insert().
 */
static inline void rb_link(struct rb_node *node, struct rb_node *parent, struct rb_node **link)
{
	node->rb_parent_color = (uintptr_t)parent;
	node->rb_left = NULL;
	node->rb_right = NULL;
	*link = node;
}

/*
 * rb_insert: rebalance after rb_link(). With @aug, the caller must first set
 * @node's own augmented value (its value as a leaf, from the node alone);
 * rb_insert then brings the ancestors up to date (aug->propagate from
 * @node's parent, which stops at once if the caller already updated them on
 * its way down) and keeps every value exact through its rotations.
 */
void rb_insert(struct rb_root *root, struct rb_node *node, const struct rb_augment *aug);

/* rb_erase: unlink @node and rebalance; all augmented values stay exact. */
void rb_erase(struct rb_root *root, struct rb_node *node, const struct rb_augment *aug);

/*
 * rb_replace: put @new_node in @old's place (same key order); @old leaves the
 * tree. The caller ensures @new_node's augmented value equals @old's.
 */
void rb_replace(struct rb_root *root, struct rb_node *old, struct rb_node *new_node);

struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

/*
 * rb_check: verify rules 1-4 above, and, when @verify_aug is not NULL, call it
 * on every node (it returns false if the node's stored augmented value differs
 * from the one recomputed from its children). Returns 0, or -EINVAL after
 * describing the first broken rule through @report (when NULL: log_err).
 * Bounded even on a corrupted tree: cycles and shared nodes are reported.
 */
int rb_check(const struct rb_root *root, bool (*verify_aug)(const struct rb_node *node),
	     void (*report)(const char *what));

/*
 * RB_AUGMENT_DEFINE(name, type, rbfield, augfield, compute): define
 * `static const struct rb_augment name` for a tree of `type` linked through
 * `rbfield`, keeping its augmented value in `augfield`.
 * `compute(const type *n)` returns the value n should hold, computed from n
 * and its children's stored values; it must not store it.
 */
#define RB_AUGMENT_DEFINE(name, type, rbfield, augfield, compute)              \
	static void name##_propagate(struct rb_node *rb, struct rb_node *stop) \
	{                                                                      \
		while (rb != stop) {                                           \
			type *n_ = rb_entry(rb, type, rbfield);                \
			__typeof__(n_->augfield) v_ = compute(n_);             \
			if (n_->augfield == v_)                                \
				break;                                         \
			n_->augfield = v_;                                     \
			rb = rb_parent(rb);                                    \
		}                                                              \
	}                                                                      \
	static void name##_copy(struct rb_node *old, struct rb_node *new_node) \
	{                                                                      \
		rb_entry(new_node, type, rbfield)->augfield =                  \
			rb_entry(old, type, rbfield)->augfield;                \
	}                                                                      \
	static void name##_rotate(struct rb_node *old, struct rb_node *new_node) \
	{                                                                      \
		type *o_ = rb_entry(old, type, rbfield);                       \
		rb_entry(new_node, type, rbfield)->augfield = o_->augfield;    \
		o_->augfield = compute(o_);                                    \
	}                                                                      \
	static const struct rb_augment name = {                                \
		.propagate = name##_propagate,                                 \
		.copy = name##_copy,                                           \
		.rotate = name##_rotate,                                       \
	}

#endif
