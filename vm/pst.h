/*
 * vm/pst.h: priority search tree of closed intervals of file pages.
 *
 * Each address_space keeps the VMAs that map its file in a PST keyed by the
 * file page range [first, last] they map. The queries are three-sided:
 * "stab p" wants every interval with first <= p <= last, "overlap [a, b]"
 * every interval with first <= b and last >= a. Both are answered in
 * O(h + k) for k results; insert and remove cost O(h).
 *
 * Design: a radix priority search tree (McCreight's PST with a binary trie
 * in place of a balanced tree), each trie position held by one interval:
 *
 *   - position: the root has depth 0. While depth d < bits, a position's
 *     children split on bit (bits - 1 - d) of first (0 = left), so each
 *     position covers a contiguous range of first; bits is the least width
 *     holding every first in the tree (0..64). Below depth bits every
 *     interval of a subtree has the same first; children then split on bit
 *     (d - bits) of (last - first), least significant bit first.
 *   - key: an interval sits on the path its own key bits spell out;
 *   - heap: a position's interval has the largest last of its subtree;
 *   - shape: a position exists only while it holds an interval (no holes),
 *     so the tree has exactly one position per distinct interval;
 *   - duplicates: intervals equal to one in the tree hang on that node's
 *     ring (dup) and never hold a position.
 *
 * Query: walk the path of the query's upper bound b. Off-path subtrees to
 * the left hold firsts < b only: there the heap alone decides, and every
 * visited position is either reported or is the child of a reported (or
 * path) position, whose subtree the heap then prunes. Subtrees to the right
 * are skipped whole. Hence O(h + k).
 *
 * Height: h <= bits + 64, with bits = log2 of the largest first (the tree
 * grows and shrinks bits as intervals come and go). Unlike an interval tree
 * (an augmented red-black tree, whose enumeration costs O(log n) per result
 * in the worst case) the bound does not hinge on balance: a trie over key
 * bits needs no rotations, which a PST's heap order could not survive
 * cheaply. For n intervals whose firsts are spread over a file, the trie is
 * a digital search tree, with depth log2 n + O(1) in practice; the worst
 * case is the key width, as for Linux's prio_tree. Nothing allocates:
 * insert cannot fail.
 *
 * Locks: none inside; the owner (the address_space's owner, the pager's
 * single thread) serialises every call. Callbacks of pst_stab() and
 * pst_overlap() may use the visited node and read the tree, but must not
 * insert into or remove from the tree being walked (not even the visited
 * node): collect first, then change.
 */
#ifndef PAGODA_VM_PST_H
#define PAGODA_VM_PST_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>
#include <lib/list.h>

/* pst_node: embedded in the owner of one interval (a VMA). */
struct pst_node {
	struct pst_node *parent;	/* position above, NULL at the root or off the tree */
	struct pst_node *child[2];	/* positions below (left: bit 0, right: bit 1) */
	struct list_node dup;		/* ring of nodes with the same interval */
	pgoff_t first, last;		/* the closed interval, first <= last */
	uint8_t state;			/* PST_NODE_*: where the node is */
};

#define PST_NODE_OFF	0	/* in no tree */
#define PST_NODE_POS	1	/* holds a trie position */
#define PST_NODE_DUP	2	/* on the dup ring of an equal node that holds a position */

struct pst_root {
	struct pst_node *top;		/* the position at depth 0, NULL when empty */
	unsigned int bits;		/* bits of first the trie splits on (see above) */
	size_t count;			/* nodes in the tree, dup ring members included */
};

#define PST_ROOT_INIT { .top = NULL, .bits = 0, .count = 0 }

/* pst_root_init: an empty tree. */
static inline void pst_root_init(struct pst_root *root)
{
	root->top = NULL;
	root->bits = 0;
	root->count = 0;
}

/*
 * pst_node_init: mark @node as in no tree. A zeroed node already is, and
 * pst_remove() leaves it so; a node copied from a linked one is not (it
 * would trip pst_insert's ASSERT against double insertion).
 */
static inline void pst_node_init(struct pst_node *node)
{
	node->parent = NULL;
	node->child[0] = NULL;
	node->child[1] = NULL;
	list_node_init(&node->dup);
	node->first = 0;
	node->last = 0;
	node->state = PST_NODE_OFF;
}

static inline bool pst_empty(const struct pst_root *root)
{
	return root->top == NULL;
}

/* pst_count: nodes in the tree, equal intervals counted each. */
static inline size_t pst_count(const struct pst_root *root)
{
	return root->count;
}

static inline pgoff_t pst_node_first(const struct pst_node *node)
{
	return node->first;
}

static inline pgoff_t pst_node_last(const struct pst_node *node)
{
	return node->last;
}

/* pst_node_linked: true while @node is in a tree (after pst_insert, before pst_remove). */
static inline bool pst_node_linked(const struct pst_node *node)
{
	return node->state != PST_NODE_OFF;
}

/*
 * pst_insert: add @node for the closed interval [@first, @last], first <= last.
 * Equal intervals (different nodes) are allowed. Cannot fail. O(h).
 * pst_remove: take @node (in @root) out of the tree. O(h).
 * pst_stab: call @cb(node, @arg) for every node whose interval contains
 * @pgoff, in no particular order; stop at the first nonzero return and pass
 * it on; 0 otherwise. O(h + k).
 * pst_overlap: the same for every node whose interval meets [@first, @last].
 * pst_check: verify every invariant above; 0, or -EINVAL after logging the
 * first broken one.
 */
void pst_insert(struct pst_root *root, struct pst_node *node, pgoff_t first, pgoff_t last);
void pst_remove(struct pst_root *root, struct pst_node *node);
int pst_stab(const struct pst_root *root, pgoff_t pgoff,
	     int (*cb)(struct pst_node *node, void *arg), void *arg);
int pst_overlap(const struct pst_root *root, pgoff_t first, pgoff_t last,
		int (*cb)(struct pst_node *node, void *arg), void *arg);
int pst_check(const struct pst_root *root);

#endif
