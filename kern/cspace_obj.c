/* kern/cspace_obj.c: CSpace objects (see cspace_obj.h). */
#include <pagoda/errno.h>
#include <arch/mmu.h>
#include <kern/cspace_obj.h>
#include <kern/kalloc.h>
#include <kern/mem.h>

static void cspace_obj_destroy(struct kobj *ko)
{
	struct cspace_obj *co = cspace_obj_of(ko);

	cspace_destroy(&co->co_cs);
	frame_free_contig(&kernel_frames, virt_to_phys(co->co_cs.cs_slots), co->co_npages);
	kfree(co, sizeof(*co));
}

static const struct kobj_ops cspace_obj_ops = {
	.destroy = cspace_obj_destroy,
};

int cspace_obj_create(size_t nslots, struct cspace_obj **out)
{
	struct cspace_obj *co;
	size_t npages;
	paddr_t pa;
	int err;

	if (nslots < 2 || nslots > CSPACE_MAX_SLOTS)
		return -EINVAL;
	npages = (nslots * sizeof(struct cap) + PAGE_SIZE - 1) / PAGE_SIZE;
	co = kzalloc(sizeof(*co));
	if (!co)
		return -ENOMEM;
	err = frame_alloc_contig(&kernel_frames, npages, 1, &pa);
	if (err)
		goto out_free;
	err = cspace_init(&co->co_cs, phys_to_virt(pa), nslots);
	if (err)
		goto out_frames;
	co->co_npages = npages;
	kobj_init(&co->co_ko, CAP_CSPACE, &cspace_obj_ops);
	*out = co;
	return 0;
out_frames:
	frame_free_contig(&kernel_frames, pa, npages);
out_free:
	kfree(co, sizeof(*co));
	return err;
}
