/* kern/roottask.c: the root task's initial capabilities (see roottask.h). */
#define LOG_PREFIX "roottask: "
#include <pagoda/errno.h>
#include <pagoda/rootinfo.h>
#include <lib/log.h>
#include <lib/string.h>
#include <arch/mmu.h>
#include <kern/aspace.h>
#include <kern/cspace_obj.h>
#include <kern/mem.h>
#include <kern/roottask.h>
#include <kern/thread.h>

/* Where init finds its struct root_info: below its stack (see loader.c). */
#define ROOT_INFO_PAGES_BELOW_TOP 8

static int add_region(struct root_info *ri, struct cspace *cs, unsigned int kind, paddr_t base,
		      size_t npages, const char *name, uint32_t irq)
{
	struct root_region *r;
	size_t slot = ROOT_SLOT_FIRST_FREE + ri->nregions;
	enum cap_type type = kind == ROOT_REGION_RAM ? CAP_FRAMES : CAP_MMIO;
	uint32_t rights = CAP_R_MAP | CAP_R_READ | CAP_R_WRITE |
			  (kind == ROOT_REGION_RAM ? CAP_R_EXEC : 0);
	int err;

	if (ri->nregions == ROOT_MAX_REGIONS)
		return -ENOSPC;
	if (kind == ROOT_REGION_IRQ)
		err = cap_insert_irq(cs, slot, irq, CAP_R_BIND);
	else
		err = cap_insert_range(cs, slot, type, base, npages, rights);
	if (err)
		return err;
	r = &ri->regions[ri->nregions++];
	*r = (struct root_region){ .slot = slot, .base = base, .npages = npages, .kind = kind,
				   .irq = irq };
	strlcpy(r->name, name, sizeof(r->name));
	return 0;
}

/* give_ram: hand over free RAM in large contiguous chunks, keeping the kernel's reserve. */
static int give_ram(struct root_info *ri, struct cspace *cs)
{
	size_t chunk = 16384;	/* 64 MiB with 4 KiB pages */

	while (chunk >= 16 && ri->nregions < ROOT_MAX_REGIONS) {
		size_t free = frame_pool_free_count(&kernel_frames);
		paddr_t pa;
		int err;

		if (free < ROOT_KERNEL_RESERVE_PAGES + chunk ||
		    frame_alloc_contig(&kernel_frames, chunk, 1, &pa)) {
			chunk /= 2;
			continue;
		}
		err = add_region(ri, cs, ROOT_REGION_RAM, pa, chunk, "ram", 0);
		if (err) {
			frame_free_contig(&kernel_frames, pa, chunk);
			return err;
		}
	}
	return 0;
}

static int fill_caps(const struct boot_info *bi, struct user_program *prog, struct root_info *ri)
{
	struct cspace *cs = prog->cs;
	struct cspace_obj *co = cspace_obj_from_cs(cs);
	int err;

	err = cap_insert_obj(cs, ROOT_SLOT_CSPACE, &co->co_ko, CAP_R_CONTROL);
	if (!err)
		err = cap_insert_obj(cs, ROOT_SLOT_ASPACE, &prog->as->as_ko,
				     CAP_R_MAP | CAP_R_CONTROL);
	if (!err)
		err = cap_insert_obj(cs, ROOT_SLOT_THREAD, &prog->thread->ko, CAP_R_CONTROL);
	if (!err && bi->initrd.size) {
		paddr_t base = ALIGN_DOWN(bi->initrd.base, PAGE_SIZE);
		size_t npages = (bi->initrd.base + bi->initrd.size - base + PAGE_SIZE - 1) /
				PAGE_SIZE;

		err = cap_insert_range(cs, ROOT_SLOT_ARCHIVE, CAP_FRAMES, base, npages,
				       CAP_R_MAP | CAP_R_READ);
		ri->archive_size = bi->initrd.size;
		ri->archive_offset = bi->initrd.base - base;
	}
	if (!err)
		err = give_ram(ri, cs);
	for (size_t i = 0; !err && i < bi->nmmio; i++) {
		const struct boot_mmio *m = &bi->mmio[i];

		err = add_region(ri, cs, ROOT_REGION_MMIO, ALIGN_DOWN(m->base, PAGE_SIZE),
				 (m->size + (m->base & (PAGE_SIZE - 1)) + PAGE_SIZE - 1) / PAGE_SIZE,
				 m->name, m->irq);
	}
	for (size_t i = 0; !err && i < bi->nmmio; i++)
		if (bi->mmio[i].irq)
			err = add_region(ri, cs, ROOT_REGION_IRQ, 0, 0, bi->mmio[i].name,
					 bi->mmio[i].irq);
	ri->first_free_slot = ROOT_SLOT_FIRST_FREE + ri->nregions;
	ri->nslots = cs->cs_nslots;
	return err;
}

int roottask_load(const struct boot_info *bi, const char *name, struct user_program *prog)
{
	const struct pt_fmt *fmt = arch_pt_fmt();
	vaddr_t info_va = fmt->user_top - ROOT_INFO_PAGES_BELOW_TOP * PAGE_SIZE;
	struct root_info *ri;
	paddr_t pa;
	int err = loader_load(name, THREAD_PRIO_DEFAULT, prog);

	if (err)
		return err;
	err = mem_alloc_zeroed_frame(&pa);
	if (!err) {
		err = aspace_map(prog->as, info_va, pa, 1, PT_READ);
		if (err)
			frame_free(&kernel_frames, pa);
	}
	if (err)
		return err;
	ri = phys_to_virt(pa);
	ri->magic = ROOT_INFO_MAGIC;
	ri->user_min = fmt->user_min;
	ri->user_top = fmt->user_top;
	ri->page_size = PAGE_SIZE;
	strlcpy(ri->cmdline, bi->cmdline, sizeof(ri->cmdline));
	ri->pt_levels = fmt->levels;
	err = fill_caps(bi, prog, ri);
	if (err)
		return err;
	arch_user_frame_init(prog->thread->frame, prog->entry, prog->stack_top, info_va);
	log_info("'%s': %llu regions, archive %llu bytes, root info at %#lx\n", name,
		 (unsigned long long)ri->nregions, (unsigned long long)ri->archive_size,
		 (unsigned long)info_va);
	return 0;
}
