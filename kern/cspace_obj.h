/*
 * kern/cspace_obj.h: CSpaces as kernel objects: the slot array in kernel
 * frames plus the kobj header, so a CSpace can be named by a capability
 * and referenced by its threads. Destroying it deletes every capability in
 * it (kern/cap.c) and frees the slots.
 */
#ifndef PAGODA_KERN_CSPACE_OBJ_H
#define PAGODA_KERN_CSPACE_OBJ_H

#include <kern/cap.h>

struct cspace_obj {
	struct kobj co_ko;
	struct cspace co_cs;
	size_t co_npages;		/* frames holding the slots */
};

/* cspace_obj_create: @nslots (2 .. CSPACE_MAX_SLOTS) empty slots, no reference yet. */
int cspace_obj_create(size_t nslots, struct cspace_obj **out);

static inline struct cspace_obj *cspace_obj_of(struct kobj *ko)
{
	return container_of(ko, struct cspace_obj, co_ko);
}

static inline struct cspace_obj *cspace_obj_from_cs(struct cspace *cs)
{
	return container_of(cs, struct cspace_obj, co_cs);
}

#endif
