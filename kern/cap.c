/*
 * kern/cap.c: capabilities, their derivation tree, CSpaces and kernel
 * object references. See kern/cap.h for the data layout and
 * docs/capabilities.md for the semantics.
 *
 * Every operation checks first (slots, then arguments) and then commits;
 * the commit cannot fail. Objects whose last reference goes are queued on
 * cap_world.dead and destroyed by cap_reap() at the end of the outermost
 * operation, once the tree is consistent again.
 *
 * Locking: none; one hart, and syscalls are not preempted (kern/cap.h).
 */
#define LOG_PREFIX "cap: "

#include <kern/cap.h>
#include <kern/irq.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <lib/string.h>

/* The one derivation tree, shared by every CSpace. */
static struct {
	struct list_node roots;		/* ring of root capabilities (cp_sib) */
	struct list_node cspaces;	/* live CSpaces (cs_link), for cap_check */
	size_t live;			/* occupied slots over all CSpaces */
	struct kobj *dead;		/* objects to destroy (ko_dead_next) */
	bool reaping;			/* cap_reap is running: do not nest */
} cap_world = {
	.roots = LIST_HEAD_INIT(cap_world.roots),
	.cspaces = LIST_HEAD_INIT(cap_world.cspaces),
};

static bool cap_type_is_obj(unsigned int type)
{
	return type >= CAP_THREAD && type <= CAP_CSPACE;
}

static bool cap_type_is_range(unsigned int type)
{
	return type == CAP_FRAMES || type == CAP_MMIO;
}

static bool cap_type_badgeable(unsigned int type)
{
	return type == CAP_ENDPOINT || type == CAP_NOTIFICATION;
}

/* ---- kernel objects ---- */

/*
 * cap_reap: destroy the queued dead objects. A destroy callback may delete
 * capabilities or destroy CSpaces; objects that die then join the queue and
 * this loop takes them, so callbacks never nest.
 */
static void cap_reap(void)
{
	struct kobj *ko;

	if (cap_world.reaping)
		return;
	cap_world.reaping = true;
	while ((ko = cap_world.dead) != NULL) {
		cap_world.dead = ko->ko_dead_next;
		ko->ko_dead_next = NULL;
		if (ko->ko_ops && ko->ko_ops->destroy)
			ko->ko_ops->destroy(ko);
	}
	cap_world.reaping = false;
}

/* kobj_put_deferred: drop a reference; queue the object if it was the last. */
static void kobj_put_deferred(struct kobj *ko)
{
	ASSERT(ko->ko_refs > 0);
	if (--ko->ko_refs)
		return;
	ko->ko_dead_next = cap_world.dead;
	cap_world.dead = ko;
}

/*
 * kobj_init: prepare the header of a new object of kernel-object @type
 * (CAP_THREAD .. CAP_CSPACE). It has no reference: the first capability
 * (cap_insert_obj) or kobj_get takes one. @ops may be NULL (nothing to
 * destroy). An object that never got a reference is freed by its creator.
 */
void kobj_init(struct kobj *ko, enum cap_type type, const struct kobj_ops *ops)
{
	ASSERT(cap_type_is_obj(type));
	ko->ko_type = type;
	ko->ko_refs = 0;
	ko->ko_ops = ops;
	ko->ko_dead_next = NULL;
}

/* kobj_get: take a kernel reference; the object stays until kobj_put. */
void kobj_get(struct kobj *ko)
{
	ko->ko_refs++;
}

/*
 * kobj_put: drop a reference taken by kobj_get. When it was the last one
 * (no capability names the object any more), ops->destroy runs before
 * kobj_put returns, unless a destroy is already running: then it runs
 * right after that one, in the same outer call.
 */
void kobj_put(struct kobj *ko)
{
	kobj_put_deferred(ko);
	cap_reap();
}

/* ---- slots ---- */

/* cap_get: the occupied slot @slot of @cs. -EBADF: 0, out of range or empty. */
static int cap_get(const struct cspace *cs, size_t slot, struct cap **out)
{
	if (slot == 0 || slot >= cs->cs_nslots || cs->cs_slots[slot].cp_type == CAP_NULL)
		return -EBADF;
	*out = &cs->cs_slots[slot];
	return 0;
}

/* cap_get_free: the empty slot @slot of @cs. -EBADF: 0 or out of range; -EEXIST. */
static int cap_get_free(const struct cspace *cs, size_t slot, struct cap **out)
{
	if (slot == 0 || slot >= cs->cs_nslots)
		return -EBADF;
	if (cs->cs_slots[slot].cp_type != CAP_NULL)
		return -EEXIST;
	*out = &cs->cs_slots[slot];
	return 0;
}

/* cap_fill: make the empty @cap a root or, with @parent, its newest child. */
static void cap_fill(struct cap *cap, struct cap *parent, unsigned int type, uint32_t rights,
		     uint64_t badge)
{
	cap->cp_type = (uint8_t)type;
	cap->cp_rights = rights;
	cap->cp_badge = badge;
	list_push_back(parent ? &parent->cp_kids : &cap_world.roots, &cap->cp_sib);
	list_init(&cap->cp_kids);
	if (cap_type_is_obj(type))
		cap->cp_obj->ko_refs++;
	cap_world.live++;
}

/*
 * cap_remove: empty the slot of @cap. Its children take its place in its
 * parent's ring (in order), so they stay derived from its parent and an
 * ancestor's revoke still reaches them. O(1). The object reference is
 * queued: the caller runs cap_reap() once it is done.
 */
static void cap_remove(struct cap *cap)
{
	struct list_node *sib = &cap->cp_sib, *kids = &cap->cp_kids;

	if (!list_empty(kids)) {
		struct list_node *first = kids->next, *last = kids->prev, *after = sib->next;

		first->prev = sib;
		sib->next = first;
		last->next = after;
		after->prev = last;
	}
	list_remove(sib);
	if (cap_type_is_obj(cap->cp_type)) {
		kobj_put_deferred(cap->cp_obj);
	} else if (cap->cp_type == CAP_IRQ) {
		struct kobj *bound = irq_cap_gone(cap->cp_irq, cap);

		if (bound)
			kobj_put_deferred(bound);
	}
	memset(cap, 0, sizeof(*cap));
	ASSERT(cap_world.live > 0);
	cap_world.live--;
}

/* ---- CSpaces ---- */

/*
 * cspace_init: make @cs a CSpace of @nslots (2 .. CSPACE_MAX_SLOTS) slots
 * stored in @slots, which the caller allocates (64 bytes a slot), keeps
 * until cspace_destroy and then frees. All slots start empty.
 * => -EINVAL: @slots NULL or @nslots out of bounds (nothing changed).
 */
int cspace_init(struct cspace *cs, struct cap *slots, size_t nslots)
{
	if (!slots || nslots < 2 || nslots > CSPACE_MAX_SLOTS)
		return -EINVAL;
	memset(slots, 0, nslots * sizeof(*slots));
	cs->cs_slots = slots;
	cs->cs_nslots = nslots;
	list_push_back(&cap_world.cspaces, &cs->cs_link);
	return 0;
}

/*
 * cspace_destroy: delete every capability of @cs as cap_delete does (so
 * capabilities derived from them elsewhere survive, re-attached to the
 * nearest surviving ancestor) and forget @cs. Objects whose last reference
 * went are destroyed before it returns. The caller then frees the slots.
 * O(nslots).
 */
void cspace_destroy(struct cspace *cs)
{
	size_t i;

	for (i = 1; i < cs->cs_nslots; i++) {
		if (cs->cs_slots[i].cp_type != CAP_NULL)
			cap_remove(&cs->cs_slots[i]);
	}
	list_remove(&cs->cs_link);
	cs->cs_nslots = 0;
	cap_reap();
}

/*
 * cspace_find_free: the first empty slot at index >= @from (and >= 1).
 * => -ENOSPC: none.
 */
int cspace_find_free(const struct cspace *cs, size_t from, size_t *slot)
{
	size_t i;

	for (i = MAX(from, (size_t)1); i < cs->cs_nslots; i++) {
		if (cs->cs_slots[i].cp_type == CAP_NULL) {
			*slot = i;
			return 0;
		}
	}
	return -ENOSPC;
}

/* ---- original capabilities ---- */

/*
 * cap_insert_obj: put in @slot a root capability to the kernel object @ko
 * (its type is ko->ko_type) with @rights. Takes a reference on @ko.
 * => -EBADF: bad slot; -EEXIST: occupied; -EINVAL: @ko NULL, not of a
 *    kernel-object type, or @rights beyond CAP_R_ALL.
 */
int cap_insert_obj(struct cspace *cs, size_t slot, struct kobj *ko, uint32_t rights)
{
	struct cap *cap;
	int err;

	err = cap_get_free(cs, slot, &cap);
	if (err)
		return err;
	if (!ko || !cap_type_is_obj(ko->ko_type) || (rights & ~CAP_R_ALL))
		return -EINVAL;
	cap->cp_obj = ko;
	cap_fill(cap, NULL, ko->ko_type, rights, 0);
	return 0;
}

/*
 * cap_insert_range: put in @slot a root capability of @type CAP_FRAMES or
 * CAP_MMIO to the @npages pages from @base, with @rights.
 * => -EBADF, -EEXIST as cap_insert_obj; -EINVAL: another type, @base not
 *    page aligned, @npages 0, base + npages pages beyond UINT64_MAX, or
 *    @rights beyond CAP_R_ALL.
 */
int cap_insert_range(struct cspace *cs, size_t slot, enum cap_type type, paddr_t base,
		     size_t npages, uint32_t rights)
{
	struct cap *cap;
	int err;

	err = cap_get_free(cs, slot, &cap);
	if (err)
		return err;
	if (!cap_type_is_range(type) || (base & ~PAGE_MASK) || npages == 0 ||
	    npages > (UINT64_MAX - base) >> PAGE_SHIFT || (rights & ~CAP_R_ALL))
		return -EINVAL;
	cap->cp_range.base = base;
	cap->cp_range.npages = npages;
	cap_fill(cap, NULL, type, rights, 0);
	return 0;
}

/*
 * cap_insert_irq: put in @slot a root CAP_IRQ capability to line @irq.
 * => -EBADF, -EEXIST as cap_insert_obj; -EINVAL: @rights beyond CAP_R_ALL.
 */
int cap_insert_irq(struct cspace *cs, size_t slot, uint32_t irq, uint32_t rights)
{
	struct cap *cap;
	int err;

	err = cap_get_free(cs, slot, &cap);
	if (err)
		return err;
	if (rights & ~CAP_R_ALL)
		return -EINVAL;
	cap->cp_irq = irq;
	cap_fill(cap, NULL, CAP_IRQ, rights, 0);
	return 0;
}

/* ---- derivation ---- */

/*
 * cap_derive_check: the slots of a derivation from (@src_cs, @src) into
 * (@dst_cs, @dst): -EBADF (source bad or empty, destination bad), -EEXIST
 * (destination occupied), -EINVAL (a reply capability is never derived).
 */
static int cap_derive_check(const struct cspace *src_cs, size_t src, const struct cspace *dst_cs,
			    size_t dst, struct cap **srcp, struct cap **dstp)
{
	int err;

	err = cap_get(src_cs, src, srcp);
	if (err)
		return err;
	err = cap_get_free(dst_cs, dst, dstp);
	if (err)
		return err;
	if ((*srcp)->cp_type == CAP_REPLY)
		return -EINVAL;
	return 0;
}

/* cap_derive: fill the empty @child as a child of @parent with fewer rights. */
static void cap_derive(struct cap *parent, struct cap *child, uint32_t rights_mask)
{
	if (cap_type_is_range(parent->cp_type))
		child->cp_range = parent->cp_range;
	else if (parent->cp_type == CAP_IRQ)
		child->cp_irq = parent->cp_irq;
	else
		child->cp_obj = parent->cp_obj;
	cap_fill(child, parent, parent->cp_type, parent->cp_rights & rights_mask,
		 parent->cp_badge);
}

/*
 * cap_copy: put in (@dst_cs, @dst) a child of the capability in (@src_cs,
 * @src): same object and badge, rights = source rights & @rights_mask.
 * => -EBADF: source slot bad or empty, or destination slot bad;
 *    -EEXIST: destination occupied; -EINVAL: the source is CAP_REPLY.
 */
int cap_copy(struct cspace *src_cs, size_t src, struct cspace *dst_cs, size_t dst,
	     uint32_t rights_mask)
{
	struct cap *parent, *child;
	int err;

	err = cap_derive_check(src_cs, src, dst_cs, dst, &parent, &child);
	if (err)
		return err;
	cap_derive(parent, child, rights_mask);
	return 0;
}

/*
 * cap_mint: cap_copy, and with a nonzero @badge the child carries it. A
 * badge is set only on an unbadged endpoint or notification capability.
 * => as cap_copy; -EINVAL: @badge != 0 and the source is of another type
 *    or already badged. @badge == 0 keeps the source's badge.
 */
int cap_mint(struct cspace *src_cs, size_t src, struct cspace *dst_cs, size_t dst,
	     uint32_t rights_mask, uint64_t badge)
{
	struct cap *parent, *child;
	int err;

	err = cap_derive_check(src_cs, src, dst_cs, dst, &parent, &child);
	if (err)
		return err;
	if (badge && (!cap_type_badgeable(parent->cp_type) || parent->cp_badge))
		return -EINVAL;
	cap_derive(parent, child, rights_mask);
	if (badge)
		child->cp_badge = badge;
	return 0;
}

/*
 * cap_mint_range: a child of a CAP_FRAMES or CAP_MMIO capability that
 * covers only its pages [@pgoff, @pgoff + @npages), with rights & @rights_mask.
 * => as cap_copy; -ECAPTYPE: the source is not a page range; -EINVAL:
 *    @npages 0 or the sub-range not inside the source's.
 */
int cap_mint_range(struct cspace *src_cs, size_t src, struct cspace *dst_cs, size_t dst,
		   uint32_t rights_mask, size_t pgoff, size_t npages)
{
	struct cap *parent, *child;
	int err;

	err = cap_derive_check(src_cs, src, dst_cs, dst, &parent, &child);
	if (err)
		return err;
	if (!cap_type_is_range(parent->cp_type))
		return -ECAPTYPE;
	if (npages == 0 || pgoff > parent->cp_range.npages ||
	    npages > parent->cp_range.npages - pgoff)
		return -EINVAL;
	cap_derive(parent, child, rights_mask);
	child->cp_range.base += (paddr_t)pgoff << PAGE_SHIFT;
	child->cp_range.npages = npages;
	return 0;
}

/*
 * cap_transfer_check: the error cap_transfer would return, changing
 * nothing, so that IPC can check every transfer before committing any.
 */
int cap_transfer_check(const struct cspace *src_cs, size_t src, const struct cspace *dst_cs,
		       size_t dst)
{
	struct cap *parent, *child;

	return cap_derive_check(src_cs, src, dst_cs, dst, &parent, &child);
}

/*
 * cap_transfer: IPC capability transfer: the receiver's slot (@dst_cs,
 * @dst) gets a child of the sender's capability with all its rights, so the
 * sender can revoke it. The caller has checked the grant right of the
 * endpoint capability. Errors as cap_copy; none after a 0 from
 * cap_transfer_check with nothing changed in between.
 */
int cap_transfer(struct cspace *src_cs, size_t src, struct cspace *dst_cs, size_t dst)
{
	return cap_copy(src_cs, src, dst_cs, dst, CAP_R_ALL);
}

/* ---- move, delete, revoke ---- */

/* cap_relink: @l was copied from another address; make its neighbours follow. */
static void cap_relink(struct list_node *l)
{
	l->next->prev = l;
	l->prev->next = l;
}

/*
 * cap_move: move the capability in (@src_cs, @src) to (@dst_cs, @dst),
 * keeping its place in the derivation tree (parent and children). O(1).
 * => -EBADF: source bad or empty, destination bad; -EEXIST: destination
 *    occupied (including @dst == @src in the same CSpace).
 */
int cap_move(struct cspace *src_cs, size_t src, struct cspace *dst_cs, size_t dst)
{
	struct cap *from, *to;
	int err;

	err = cap_get(src_cs, src, &from);
	if (err)
		return err;
	err = cap_get_free(dst_cs, dst, &to);
	if (err)
		return err;
	*to = *from;
	if (to->cp_type == CAP_IRQ)
		irq_cap_moved(to->cp_irq, from, to);
	cap_relink(&to->cp_sib);
	if (list_empty(&from->cp_kids))
		list_init(&to->cp_kids);
	else
		cap_relink(&to->cp_kids);
	memset(from, 0, sizeof(*from));
	return 0;
}

/*
 * cap_delete: empty @slot. Capabilities derived from it are kept and now
 * count as derived from its parent (roots if it was one), so revoking an
 * ancestor still removes them. Destroys the object if this was its last
 * reference. O(1) plus the destroy.
 * => -EBADF: @slot bad or empty.
 */
int cap_delete(struct cspace *cs, size_t slot)
{
	struct cap *cap;
	int err;

	err = cap_get(cs, slot, &cap);
	if (err)
		return err;
	cap_remove(cap);
	cap_reap();
	return 0;
}

/*
 * cap_revoke: delete every capability derived from the one in @slot,
 * directly or not, in any CSpace; the capability itself stays. Objects
 * left without a reference are destroyed. O(number deleted), no recursion:
 * removing the first child moves its children to the front of the ring.
 * => -EBADF: @slot bad or empty.
 */
int cap_revoke(struct cspace *cs, size_t slot)
{
	struct cap *cap;
	int err;

	err = cap_get(cs, slot, &cap);
	if (err)
		return err;
	while (!list_empty(&cap->cp_kids))
		cap_remove(list_entry(cap->cp_kids.next, struct cap, cp_sib));
	cap_reap();
	return 0;
}

/* ---- checker ---- */

/* cap_bad: log a broken invariant; evaluates to -EINVAL. */
#define cap_bad(...) (log_err(__VA_ARGS__), -EINVAL)

/*
 * cap_check_locate: the live CSpace whose slots hold address @p, with the
 * slot index and the offset of @p inside that slot. NULL if none. This is
 * how the checker tells a cp_sib link from a cp_kids ring head.
 */
static const struct cspace *cap_check_locate(const void *p, size_t *slot, size_t *off)
{
	const struct cspace *cs;
	uintptr_t a = (uintptr_t)p;

	list_for_each_entry(cs, &cap_world.cspaces, cs_link) {
		uintptr_t base = (uintptr_t)cs->cs_slots;

		if (a >= base && a - base < cs->cs_nslots * sizeof(struct cap)) {
			*slot = (a - base) / sizeof(struct cap);
			*off = (a - base) % sizeof(struct cap);
			return cs;
		}
	}
	return NULL;
}

/* cap_check_fields: the invariants of one occupied capability alone. */
static int cap_check_fields(const struct cap *cap)
{
	unsigned int type = cap->cp_type;

	if (type == CAP_NULL || type >= CAP_TYPE_COUNT)
		return cap_bad("capability %p has type %u", cap, type);
	if (cap->cp_rights & ~CAP_R_ALL)
		return cap_bad("capability %p has rights %#x", cap, cap->cp_rights);
	if (cap->cp_badge && !cap_type_badgeable(type))
		return cap_bad("capability %p of type %u has a badge", cap, type);
	if (cap_type_is_obj(type) &&
	    (!cap->cp_obj || cap->cp_obj->ko_type != type || cap->cp_obj->ko_refs == 0))
		return cap_bad("capability %p: bad object %p", cap, cap->cp_obj);
	if (cap_type_is_range(type) &&
	    ((cap->cp_range.base & ~PAGE_MASK) || cap->cp_range.npages == 0 ||
	     cap->cp_range.npages > (UINT64_MAX - cap->cp_range.base) >> PAGE_SHIFT))
		return cap_bad("capability %p: bad range %#llx + %zu pages", cap,
			       (unsigned long long)cap->cp_range.base, cap->cp_range.npages);
	return 0;
}

/* cap_check_derived: @child names (part of) what @parent names, with less. */
static int cap_check_derived(const struct cap *parent, const struct cap *child)
{
	const char *what = NULL;

	if (child->cp_type != parent->cp_type)
		what = "type";
	else if (child->cp_rights & ~parent->cp_rights)
		what = "rights";
	else if (parent->cp_badge && child->cp_badge != parent->cp_badge)
		what = "badge";
	else if (cap_type_is_obj(child->cp_type) && child->cp_obj != parent->cp_obj)
		what = "object";
	else if (child->cp_type == CAP_IRQ && child->cp_irq != parent->cp_irq)
		what = "irq";
	else if (cap_type_is_range(child->cp_type) &&
		 (child->cp_range.base < parent->cp_range.base ||
		  ((child->cp_range.base - parent->cp_range.base) >> PAGE_SHIFT) +
				  child->cp_range.npages > parent->cp_range.npages))
		what = "range";
	if (!what)
		return 0;
	return cap_bad("capability %p: %s exceeds its parent %p's", child, what, parent);
}

/* cap_check_link: @l's neighbours point back at it. */
static int cap_check_link(const struct list_node *l)
{
	if (l->next->prev == l && l->prev->next == l)
		return 0;
	return cap_bad("broken ring at %p", l);
}

/*
 * cap_check_kids: every link of @parent's ring of children is the cp_sib
 * of an occupied capability derived from @parent.
 */
static int cap_check_kids(const struct cap *parent)
{
	const struct list_node *l;
	size_t slot, off, n = 0;
	int err;

	for (l = parent->cp_kids.next; l != &parent->cp_kids; l = l->next) {
		if (++n > cap_world.live)
			return cap_bad("ring of %p does not close", parent);
		err = cap_check_link(l);
		if (err)
			return err;
		if (!cap_check_locate(l, &slot, &off) || off != offsetof(struct cap, cp_sib))
			return cap_bad("child link %p of %p is no cp_sib", l, parent);
		err = cap_check_derived(parent, list_entry(l, struct cap, cp_sib));
		if (err)
			return err;
	}
	return 0;
}

/*
 * cap_check_tree: walk the whole tree, depth first, from the root ring. A
 * cp_sib link is a capability to visit, then its children; a cp_kids head
 * means its owner's children are done, so go on with the owner's next
 * sibling. Every step is a link checked in both directions; the walk must
 * meet each occupied slot exactly once (2 steps per capability).
 */
static int cap_check_tree(size_t *visited)
{
	const struct list_node *l = cap_world.roots.next;
	size_t slot, off, steps = 0;
	const struct cap *cap;
	int err;

	*visited = 0;
	while (l != &cap_world.roots) {
		if (++steps > 2 * cap_world.live)
			return cap_bad("tree walk does not end");
		err = cap_check_link(l);
		if (err)
			return err;
		if (!cap_check_locate(l, &slot, &off) || slot == 0)
			return cap_bad("link %p is in no CSpace slot", l);
		if (off == offsetof(struct cap, cp_kids)) {
			l = list_entry(l, struct cap, cp_kids)->cp_sib.next;
			continue;
		}
		if (off != offsetof(struct cap, cp_sib))
			return cap_bad("link %p inside a slot", l);
		cap = list_entry(l, struct cap, cp_sib);
		err = cap_check_fields(cap);
		if (!err)
			err = cap_check_link(&cap->cp_kids);
		if (!err)
			err = cap_check_kids(cap);
		if (err)
			return err;
		(*visited)++;
		l = cap->cp_kids.next;
	}
	return 0;
}

/* cap_check_refs: each of @objs has as many references as capabilities name it. */
static int cap_check_refs(struct kobj *const *objs, size_t nobjs)
{
	const struct cspace *cs;
	size_t i, j;

	for (i = 0; i < nobjs; i++) {
		uint64_t n = 0;

		list_for_each_entry(cs, &cap_world.cspaces, cs_link) {
			for (j = 1; j < cs->cs_nslots; j++) {
				if (cap_type_is_obj(cs->cs_slots[j].cp_type) &&
				    cs->cs_slots[j].cp_obj == objs[i])
					n++;
			}
		}
		if (n != objs[i]->ko_refs)
			return cap_bad("object %p has %llu references but %llu capabilities",
				       objs[i], (unsigned long long)objs[i]->ko_refs,
				       (unsigned long long)n);
	}
	return 0;
}

/*
 * cap_check: verify the whole capability state: every live CSpace (slot 0
 * empty, size in bounds), every ring link, each capability's fields, and
 * that each child names a part of what its parent names with a subset of
 * its rights and the same badge unless the parent had none; the tree walk
 * meets every occupied slot once. For each of @objs, whose references must
 * all be capabilities, ko_refs equals the number of capabilities naming it.
 * Logs the first broken invariant and returns -EINVAL; 0 if all hold.
 * O(capabilities * CSpaces + slots * @nobjs).
 */
int cap_check(struct kobj *const *objs, size_t nobjs)
{
	const struct cspace *cs;
	size_t visited, occupied = 0, i;
	int err;

	if (!cap_world.reaping && cap_world.dead)
		return cap_bad("dead object %p not destroyed", cap_world.dead);
	list_for_each_entry(cs, &cap_world.cspaces, cs_link) {
		if (cs->cs_nslots < 2 || cs->cs_nslots > CSPACE_MAX_SLOTS ||
		    cs->cs_slots[0].cp_type != CAP_NULL)
			return cap_bad("cspace %p: bad size or slot 0 used", cs);
		for (i = 1; i < cs->cs_nslots; i++)
			occupied += cs->cs_slots[i].cp_type != CAP_NULL;
	}
	if (occupied != cap_world.live)
		return cap_bad("%zu occupied slots, %zu counted live", occupied, cap_world.live);
	err = cap_check_tree(&visited);
	if (err)
		return err;
	if (visited != occupied)
		return cap_bad("tree holds %zu capabilities, CSpaces %zu", visited, occupied);
	return cap_check_refs(objs, nobjs);
}
