/* kern/mem.c: the kernel's frame pool (see mem.h). */
#define LOG_PREFIX "mem: "
#include <arch/mmu.h>
#include <lib/log.h>
#include <lib/string.h>
#include <kern/mem.h>

struct frame_pool kernel_frames;
static struct phys_range ram[BOOT_MAX_MEM];
static size_t nram;

static void *mem_phys_to_virt(paddr_t pa)
{
	return phys_to_virt(pa);
}

bool mem_is_ram(paddr_t pa)
{
	for (size_t i = 0; i < nram; i++)
		if (pa >= ram[i].base && pa - ram[i].base < ram[i].size)
			return true;
	return false;
}

int mem_init(const struct boot_info *bi)
{
	for (nram = 0; nram < bi->nmem && nram < BOOT_MAX_MEM; nram++)
		ram[nram] = bi->mem[nram];
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
