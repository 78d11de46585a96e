/*
 * kern/cap.h: kernel objects, capabilities and capability spaces (CSpaces).
 * Arch-neutral; host-tested by tests/host/kern/cap_test.c. docs/capabilities.md
 * has the full semantics and the error table.
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
 * drained by the outermost operation, so nothing recurses).
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
#include <lib/list.h>

/* Object types. A slot holding CAP_NULL is empty. */
enum cap_type {
	CAP_NULL = 0,
	/* kernel objects: the capability names a struct kobj */
	CAP_THREAD,
	CAP_ASPACE,
	CAP_ENDPOINT,
	CAP_NOTIFICATION,
	CAP_REPLY,		/* one-shot reply right: never derived (copy -> -EINVAL) */
	CAP_CSPACE,
	/* page ranges: base (page aligned) and npages (>= 1) */
	CAP_FRAMES,		/* RAM its holder may map */
	CAP_MMIO,		/* device registers, mapped uncached */
	/* scalar */
	CAP_IRQ,		/* an interrupt line number */
	CAP_TYPE_COUNT
};

/* cap_lookup's @type that accepts every type. */
#define CAP_ANY CAP_TYPE_COUNT

/* Rights. A derived capability has a subset of its parent's. */
#define CAP_R_SEND	(1u << 0)	/* endpoint: send/call; notification: signal */
#define CAP_R_RECV	(1u << 1)	/* endpoint: receive; notification: wait */
#define CAP_R_GRANT	(1u << 2)	/* endpoint: capabilities may travel with messages */
#define CAP_R_MAP	(1u << 3)	/* frames, mmio: map; aspace: map into it */
#define CAP_R_READ	(1u << 4)	/* frames, mmio: readable mapping */
#define CAP_R_WRITE	(1u << 5)	/* frames, mmio: writable mapping */
#define CAP_R_EXEC	(1u << 6)	/* frames: executable mapping */
#define CAP_R_CONTROL	(1u << 7)	/* configure/start/stop/destroy: thread, aspace, cspace */
#define CAP_R_BIND	(1u << 8)	/* irq: bind to a notification */
#define CAP_R_ALL	0x1ffu

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
	size_t cs_used;			/* occupied slots */
	struct list_node cs_link;	/* in the registry of live CSpaces */
};

/* ---- kernel objects ---- */

/* kobj_init: a new object of kernel-object @type with no reference yet. */
void kobj_init(struct kobj *ko, enum cap_type type, const struct kobj_ops *ops);
/* kobj_get: take a kernel reference (beside the capabilities). */
void kobj_get(struct kobj *ko);
/* kobj_put: drop a reference; destroys the object when it was the last. */
void kobj_put(struct kobj *ko);

/* ---- CSpaces ---- */

int cspace_init(struct cspace *cs, struct cap *slots, size_t nslots);
void cspace_destroy(struct cspace *cs);
int cspace_find_free(const struct cspace *cs, size_t from, size_t *slot);

/* ---- capabilities (errors: see docs/capabilities.md) ---- */

/*
 * cap_lookup: the capability in @slot of @cs, if it has @type (CAP_ANY: any
 * type) and every right in @rights.
 * => -EBADF: @slot is 0, out of range, or empty; -ECAPTYPE: another type;
 *    -EPERM: a right is missing. On success *@out points into the slot.
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

int cap_insert_obj(struct cspace *cs, size_t slot, struct kobj *ko, uint32_t rights);
int cap_insert_range(struct cspace *cs, size_t slot, enum cap_type type, paddr_t base,
		     size_t npages, uint32_t rights);
int cap_insert_irq(struct cspace *cs, size_t slot, uint32_t irq, uint32_t rights);

int cap_copy(struct cspace *src_cs, size_t src, struct cspace *dst_cs, size_t dst,
	     uint32_t rights_mask);
int cap_mint(struct cspace *src_cs, size_t src, struct cspace *dst_cs, size_t dst,
	     uint32_t rights_mask, uint64_t badge);
int cap_mint_range(struct cspace *src_cs, size_t src, struct cspace *dst_cs, size_t dst,
		   uint32_t rights_mask, size_t pgoff, size_t npages);
int cap_transfer_check(const struct cspace *src_cs, size_t src, const struct cspace *dst_cs,
		       size_t dst);
int cap_transfer(struct cspace *src_cs, size_t src, struct cspace *dst_cs, size_t dst);
int cap_move(struct cspace *src_cs, size_t src, struct cspace *dst_cs, size_t dst);
int cap_delete(struct cspace *cs, size_t slot);
int cap_revoke(struct cspace *cs, size_t slot);

int cap_check(struct kobj *const *objs, size_t nobjs);

#endif
