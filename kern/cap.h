/*
 * kern/cap.h: kernel objects, capabilities and capability spaces (CSpaces).
 * Arch-neutral; host-tested by tests/host/kern/cap_test.c and
 * cap_model_test.c. docs/capabilities.md has the semantics and the errors.
 *
 * A capability (struct cap) is the content of one CSpace slot: an object
 * type, rights, a badge, and what it names: a kernel object (struct kobj),
 * a page range (frames, MMIO) or an IRQ number. A CSpace is a fixed array
 * of slots that its owner (the kernel) allocates; slot 0 is never used, so
 * a user passing 0 always gets -EBADF.
 *
 * Derivation tree. Every capability made from another (copy, mint,
 * transfer) is its child; capabilities made by the kernel (cap_insert_*)
 * are roots. The tree spans all CSpaces:
 *
 *   cap_roots ring:  R1 <-> R2 <-> ...            (cp_sib of every root)
 *                    |
 *                    R1.cp_kids ring: C1 <-> C2   (cp_sib of R1's children)
 *                                     |
 *                                     C1.cp_kids ring: ...
 *
 * Each ring is a circular list (lib/list.h) whose head is the parent's
 * cp_kids (or the global root ring). No parent pointers: deleting a cap
 * splices its children into its own place in its parent's ring, in O(1),
 * and moving a cap relinks four neighbours, in O(1). cap_revoke deletes
 * the whole subtree in time proportional to its size, without recursion.
 *
 * Kernel objects embed struct kobj. ko_refs counts every reference: one
 * per capability naming it plus any the kernel takes with kobj_get. When
 * it reaches 0 the object's ops->destroy runs, but only once the capability
 * operation that dropped it has finished changing the tree: destroy may
 * itself delete capabilities or destroy CSpaces (a queue of dead objects,
 * drained by the outermost operation, so nothing recurses). A reference
 * cycle (a CSpace holding the last capability to itself) is never freed:
 * whoever stores CSpace capabilities must prevent or break such cycles.
 *
 * Locking: none. One hart, and the kernel is not preemptible inside a
 * syscall, so each operation runs to completion. A struct cap pointer from
 * cap_lookup is valid until the next capability operation.
 */
#ifndef PAGODA_KERN_CAP_H
#define PAGODA_KERN_CAP_H

#include <pagoda/compiler.h>
#include <pagoda/errno.h>
#include <pagoda/types.h>
#include <pagoda/caps.h>
#include <lib/list.h>

/* Object types and rights (CAP_*, CAP_R_*) are ABI: see pagoda/caps.h. */

/* The most slots a CSpace may have. */
#define CSPACE_MAX_SLOTS 4096

struct kobj;

/* What the object's owner supplies. destroy frees the object; may be NULL. */
struct kobj_ops {
	void (*destroy)(struct kobj *ko);
};

/*
 * The header of every kernel object. ko_refs cannot overflow: each
 * reference is a capability or a kernel pointer, both in distinct memory.
 */
struct kobj {
	uint32_t ko_type;		/* enum cap_type of a kernel object */
	uint64_t ko_refs;		/* capabilities + kernel references */
	const struct kobj_ops *ko_ops;
	struct kobj *ko_dead_next;	/* on the queue of objects to destroy */
};

/*
 * One slot. Fields are read-only outside kern/cap.c. The union member in
 * use follows cp_type: cp_obj for kernel objects, cp_range for CAP_FRAMES
 * and CAP_MMIO, cp_irq for CAP_IRQ. cp_badge is 0 (unbadged) except on
 * endpoint and notification capabilities.
 */
struct cap {
	uint8_t cp_type;		/* enum cap_type; CAP_NULL: empty slot */
	uint8_t cp_pad[3];
	uint32_t cp_rights;		/* CAP_R_* */
	uint64_t cp_badge;
	union {
		struct kobj *cp_obj;
		struct {
			paddr_t base;	/* page aligned */
			size_t npages;	/* >= 1; base + npages pages does not wrap */
		} cp_range;
		uint32_t cp_irq;
	};
	struct list_node cp_sib;	/* in the parent's cp_kids, or in the root ring */
	struct list_node cp_kids;	/* head of the ring of children */
};

STATIC_ASSERT(sizeof(struct cap) == 64);

struct cspace {
	struct cap *cs_slots;		/* cs_nslots slots, owned by the caller */
	size_t cs_nslots;
	struct list_node cs_link;	/* in the registry of live CSpaces */
};

/*
 * The contracts in full are above each definition in kern/cap.c; errors are
 * tabled in docs/capabilities.md. Every check comes before any change: an
 * operation that fails changed nothing. Slot errors come first (source
 * -EBADF, destination -EBADF then -EEXIST), then argument errors.
 */

/* ---- kernel objects ---- */

/* kobj_init: header of a new object of kernel-object @type, 0 references. */
void kobj_init(struct kobj *ko, enum cap_type type, const struct kobj_ops *ops);
/* kobj_get: take a kernel reference (beside the capabilities). */
void kobj_get(struct kobj *ko);
/* kobj_put: drop one; the last reference destroys the object before returning. */
void kobj_put(struct kobj *ko);

/* ---- CSpaces ---- */

/* cspace_init: @nslots (2..CSPACE_MAX_SLOTS) empty slots in the caller's @slots. -EINVAL. */
int cspace_init(struct cspace *cs, struct cap *slots, size_t nslots);
/* cspace_destroy: cap_delete every slot, forget @cs; the caller frees the slots. */
void cspace_destroy(struct cspace *cs);
/* cspace_find_free: first empty slot >= @from (and >= 1) in *@slot. -ENOSPC. */
int cspace_find_free(const struct cspace *cs, size_t from, size_t *slot);

/* ---- capabilities ---- */

/*
 * cap_lookup: the capability in @slot of @cs, if it has @type (CAP_ANY: any
 * type) and every right in @rights. -EBADF: @slot is 0, out of range, or
 * empty; -ECAPTYPE: another type; -EPERM: a right is missing. On success
 * *@out points into the slot (valid until the next capability operation).
 */
static inline int cap_lookup(const struct cspace *cs, size_t slot, unsigned int type,
			     uint32_t rights, struct cap **out)
{
	struct cap *cap;

	if (unlikely(slot == 0 || slot >= cs->cs_nslots))
		return -EBADF;
	cap = &cs->cs_slots[slot];
	if (unlikely(cap->cp_type == CAP_NULL))
		return -EBADF;
	if (unlikely(type != CAP_ANY && cap->cp_type != type))
		return -ECAPTYPE;
	if (unlikely((cap->cp_rights & rights) != rights))
		return -EPERM;
	*out = cap;
	return 0;
}

/* Original (root) capabilities, made by the kernel. -EBADF, -EEXIST, -EINVAL. */
/* cap_insert_obj: to @ko (type ko->ko_type); takes a reference on @ko. */
int cap_insert_obj(struct cspace *cs, size_t slot, struct kobj *ko, uint32_t rights);
/* cap_insert_range: CAP_FRAMES or CAP_MMIO, @npages pages from page-aligned @base. */
int cap_insert_range(struct cspace *cs, size_t slot, enum cap_type type, paddr_t base,
		     size_t npages, uint32_t rights);
/* cap_insert_irq: CAP_IRQ for line @irq. */
int cap_insert_irq(struct cspace *cs, size_t slot, uint32_t irq, uint32_t rights);

/* Derived capabilities: children of the source. -EBADF, -EEXIST, -EINVAL (reply). */
/* cap_copy: same object and badge, rights = source rights & @rights_mask. */
int cap_copy(struct cspace *src_cs, size_t src, struct cspace *dst_cs, size_t dst,
	     uint32_t rights_mask);
/* cap_mint: cap_copy, plus @badge (0: keep) on an unbadged endpoint/notification. */
int cap_mint(struct cspace *src_cs, size_t src, struct cspace *dst_cs, size_t dst,
	     uint32_t rights_mask, uint64_t badge);
/* cap_mint_range: pages [@pgoff, +@npages) of a frames/mmio cap. -ECAPTYPE, -EINVAL. */
int cap_mint_range(struct cspace *src_cs, size_t src, struct cspace *dst_cs, size_t dst,
		   uint32_t rights_mask, size_t pgoff, size_t npages);
/* cap_transfer_check: cap_transfer's error, changing nothing. */
int cap_transfer_check(const struct cspace *src_cs, size_t src, const struct cspace *dst_cs,
		       size_t dst);
/* cap_transfer: IPC: cap_copy with all rights; the caller checked the grant right. */
int cap_transfer(struct cspace *src_cs, size_t src, struct cspace *dst_cs, size_t dst);

/* cap_move: to another slot, keeping parent and children. -EBADF, -EEXIST. O(1). */
int cap_move(struct cspace *src_cs, size_t src, struct cspace *dst_cs, size_t dst);
/* cap_delete: empty @slot; its children stay, now under its parent. -EBADF. O(1). */
int cap_delete(struct cspace *cs, size_t slot);
/* cap_revoke: delete all descendants (any CSpace), keep @slot. -EBADF. O(deleted). */
int cap_revoke(struct cspace *cs, size_t slot);

/*
 * cap_check: verify every live CSpace and the whole derivation tree, and
 * that each of @objs (whose references must all be capabilities) has
 * ko_refs == the capabilities naming it. 0, or -EINVAL after logging.
 */
int cap_check(struct kobj *const *objs, size_t nobjs);

#endif
