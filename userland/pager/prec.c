/*
 * userland/pager/prec.c: the pager's record of one process's pages: which
 * page (or the zero page) each virtual page holds, and whether the kernel
 * maps it (PREC_MAPPED, PREC_WRITE). The pager cannot read the hardware
 * page tables, so this record is its truth; see pager.h for the rules.
 *
 * A radix tree over the virtual page number, PREC_BITS bits a level, as
 * many levels as the user half needs (Sv39: 27 bits, 5 levels). Small
 * nodes (64 slots) keep sparse address spaces cheap; a lookup is one load
 * a level. Interior slots point at child nodes; leaf slots hold entries
 * (page pointer | flags), 0 for nothing.
 *
 * Invariant: bit i of node->map is set iff slot i is non-zero, so walks
 * jump from one used slot to the next and skip empty ones for free; r->nr
 * is the number of entries. An empty node may linger after prec_leaf_set
 * cleared its last entry; prec_for_each frees the empty nodes it passes,
 * and prec_destroy frees everything.
 */
#define LOG_PREFIX "pager: prec: "

#include <pagoda/errno.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <vm/vm_alloc.h>
#include "pager.h"

/* prec_init: an empty record for a user half ending at @task_size. 0 or -ENOMEM. */
int prec_init(struct prec *r, vaddr_t task_size)
{
	unsigned int bits = 0;

	while (bits < 64 && ((vaddr_t)1 << bits) < (task_size >> PAGE_SHIFT))
		bits++;
	r->levels = (bits + PREC_BITS - 1) / PREC_BITS;
	if (!r->levels)
		r->levels = 1;
	r->nr = 0;
	r->hint = NULL;
	r->root = vm_zalloc(sizeof(*r->root));
	return r->root ? 0 : -ENOMEM;
}

/* ctz64: the index of the lowest set bit of @x (!= 0), by de Bruijn multiplication. */
static unsigned int ctz64(uint64_t x)
{
	static const uint8_t pos[64] = {
		0,  1,  2,  53, 3,  7,  54, 27, 4,  38, 41, 8,  34, 55, 48, 28,
		62, 5,  39, 46, 44, 42, 22, 9,  24, 35, 59, 56, 49, 18, 29, 11,
		63, 52, 6,  26, 37, 40, 33, 47, 61, 45, 43, 21, 23, 58, 17, 10,
		51, 25, 36, 32, 60, 20, 57, 16, 50, 31, 19, 15, 30, 14, 13, 12,
	};

	return pos[((x & -x) * 0x022fdd63cc95386dull) >> 58];
}

static unsigned int prec_index(const struct prec *r, unsigned long vpn, unsigned int level)
{
	return (unsigned int)(vpn >> ((r->levels - 1 - level) * PREC_BITS)) & (PREC_FANOUT - 1);
}

/*
 * prec_leaf: the leaf node and slot index of @va. With @alloc, missing
 * nodes are made (-ENOMEM if that fails, the tree unchanged but for empty
 * nodes); without, -ENOENT when a node is missing.
 */
int prec_leaf(struct prec *r, vaddr_t va, bool alloc, struct prec_node **leafp,
	      unsigned int *idxp)
{
	unsigned long vpn = va >> PAGE_SHIFT;
	struct prec_node *node = r->root;

	/* Faults come in runs on neighbouring pages: the last leaf usually serves. */
	if (r->hint && (vpn >> PREC_BITS) == r->hint_base) {
		*leafp = r->hint;
		*idxp = (unsigned int)(vpn & (PREC_FANOUT - 1));
		return 0;
	}
	for (unsigned int level = 0; level + 1 < r->levels; level++) {
		unsigned int i = prec_index(r, vpn, level);
		struct prec_node *child = (struct prec_node *)node->slot[i];

		if (!child) {
			if (!alloc)
				return -ENOENT;
			child = vm_zalloc(sizeof(*child));
			if (!child)
				return -ENOMEM;
			node->slot[i] = (uintptr_t)child;
			node->map |= 1ull << i;
		}
		node = child;
	}
	*leafp = node;
	*idxp = prec_index(r, vpn, r->levels - 1);
	r->hint = node;
	r->hint_base = vpn >> PREC_BITS;
	return 0;
}

/* prec_leaf_set: store entry @e (0: none) in slot @idx of @leaf, keeping the counts. */
void prec_leaf_set(struct prec *r, struct prec_node *leaf, unsigned int idx, uintptr_t e)
{
	uintptr_t old = leaf->slot[idx];

	if (!old && e) {
		leaf->map |= 1ull << idx;
		r->nr++;
	} else if (old && !e) {
		ASSERT(r->nr > 0);
		leaf->map &= ~(1ull << idx);
		r->nr--;
	}
	leaf->slot[idx] = e;
}

struct prec_walk {
	struct prec *r;
	unsigned long first, last;	/* page numbers, inclusive */
	prec_fn fn;
	void *arg;
};

/* walk_node: visit @node, at @level, covering pages from @base. */
static int walk_node(struct prec_walk *w, struct prec_node *node, unsigned int level,
		     unsigned long base)
{
	unsigned int shift = (w->r->levels - 1 - level) * PREC_BITS;
	unsigned long span = 1ul << shift;
	unsigned int lo = 0, hi = PREC_FANOUT - 1;
	uint64_t todo;
	int err = 0;

	if (w->first > base)
		lo = (unsigned int)((w->first - base) >> shift);
	if (w->last - base < (unsigned long)PREC_FANOUT << shift)
		hi = (unsigned int)((w->last - base) >> shift);
	todo = node->map & (~0ull << lo) & (~0ull >> (PREC_FANOUT - 1 - hi));
	while (todo && !err) {
		unsigned int i = ctz64(todo);
		uintptr_t old = node->slot[i];

		todo &= todo - 1;
		if (level + 1 == w->r->levels) {
			err = w->fn(w->arg, (base + i) << PAGE_SHIFT, &node->slot[i]);
			if (!node->slot[i]) {
				node->slot[i] = old;
				prec_leaf_set(w->r, node, i, 0);
			}
			continue;
		}
		err = walk_node(w, (struct prec_node *)old, level + 1, base + i * span);
		if (!((struct prec_node *)old)->map) {
			if ((struct prec_node *)old == w->r->hint)
				w->r->hint = NULL;
			vm_free((void *)old, sizeof(struct prec_node));
			node->slot[i] = 0;
			node->map &= ~(1ull << i);
		}
	}
	return err;
}

/*
 * prec_for_each: call @fn on every entry in [@start, @end), in address
 * order. @fn may change the entry or clear it (never set a cleared slot).
 * Empty nodes met on the way are freed (a one-page call only those its own
 * clearing empties; prec_destroy frees the rest). Returns the first nonzero @fn
 * result (stopping there), else 0.
 */
int prec_for_each(struct prec *r, vaddr_t start, vaddr_t end, prec_fn fn, void *arg)
{
	struct prec_walk w = {
		.r = r,
		.first = start >> PAGE_SHIFT,
		.last = (end >> PAGE_SHIFT) - 1,
		.fn = fn,
		.arg = arg,
	};

	if (end <= start)
		return 0;
	if (w.first == w.last) {
		/*
		 * One page (mprotect or munmap of a page): a lookup instead of the
		 * walk; the walk runs after all if the entry went and left its
		 * leaf empty, to free the empty nodes on the way.
		 */
		struct prec_node *leaf;
		unsigned int idx;
		uintptr_t old;
		int err;

		if (prec_leaf(r, start, false, &leaf, &idx) || !leaf->slot[idx])
			return 0;
		old = leaf->slot[idx];
		err = fn(arg, w.first << PAGE_SHIFT, &leaf->slot[idx]);
		if (leaf->slot[idx])
			return err;
		leaf->slot[idx] = old;
		prec_leaf_set(r, leaf, idx, 0);
		if (!leaf->map)
			walk_node(&w, r->root, 0, 0);
		return err;
	}
	return walk_node(&w, r->root, 0, 0);
}

static void free_node(struct prec *r, struct prec_node *node, unsigned int level)
{
	for (uint64_t todo = node->map; todo && level + 1 < r->levels; todo &= todo - 1)
		free_node(r, (struct prec_node *)node->slot[ctz64(todo)], level + 1);
	vm_free(node, sizeof(*node));
}

/* prec_destroy: free every node. => every entry was dropped first (r->nr == 0). */
void prec_destroy(struct prec *r)
{
	if (r->nr)
		log_err("%lu entries left at destroy\n", r->nr);
	ASSERT(r->nr == 0);
	if (r->root)
		free_node(r, r->root, 0);
	r->root = NULL;
	r->hint = NULL;
}
