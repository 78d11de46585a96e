/* kern/mem.c: the kernel's frame pool (see mem.h). */
#define LOG_PREFIX "mem: "
#include <arch/mmu.h>
#include <lib/log.h>
#include <lib/string.h>
#include <kern/mem.h>

struct frame_pool kernel_frames;

static void *mem_phys_to_virt(paddr_t pa)
{
	return phys_to_virt(pa);
}

int mem_init(const struct boot_info *bi)
{
	return frame_pool_init(&kernel_frames, bi->mem, bi->nmem, bi->reserved, bi->nreserved,
			       mem_phys_to_virt);
}

int mem_alloc_zeroed_frame(paddr_t *pa)
{
	int err = frame_alloc(&kernel_frames, pa);

	if (err)
		return err;
	memset(phys_to_virt(*pa), 0, PAGE_SIZE);
	return 0;
}
