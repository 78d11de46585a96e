/* kern/mem.c: the kernel's frame pool (see mem.h). */
#define LOG_PREFIX "mem: "
#include <arch/mmu.h>
#include <pagoda/errno.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <lib/string.h>
#include <kern/mem.h>

struct frame_pool kernel_frames;
static struct phys_range ram[BOOT_MAX_MEM];
static size_t nram;
/* One counter per frame of [ram_lo, ram_hi): page tables keep their entry counts here. */
static uint16_t *counters;
static paddr_t ram_lo, ram_hi;

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

/* counters_init: the counter array, from the pool itself (2 bytes a frame of the RAM span). */
static int counters_init(void)
{
	size_t bytes, npages;
	paddr_t pa;
	int err;

	ram_lo = ram[0].base;
	ram_hi = ram[0].base + ram[0].size;
	for (size_t i = 1; i < nram; i++) {
		ram_lo = MIN(ram_lo, ram[i].base);
		ram_hi = MAX(ram_hi, ram[i].base + ram[i].size);
	}
	bytes = (size_t)((ram_hi - ram_lo) >> PAGE_SHIFT) * sizeof(*counters);
	npages = (bytes + PAGE_SIZE - 1) >> PAGE_SHIFT;
	err = frame_alloc_contig(&kernel_frames, npages, 1, &pa);
	if (err) {
		log_err("no room for %zu bytes of frame counters\n", bytes);
		return err;
	}
	counters = phys_to_virt(pa);
	memset(counters, 0, npages << PAGE_SHIFT);
	return 0;
}

int mem_init(const struct boot_info *bi)
{
	int err;

	for (nram = 0; nram < bi->nmem && nram < BOOT_MAX_MEM; nram++)
		ram[nram] = bi->mem[nram];
	if (!nram)
		return -EINVAL;
	err = frame_pool_init(&kernel_frames, bi->mem, bi->nmem, bi->reserved, bi->nreserved,
			      mem_phys_to_virt);
	return err ? err : counters_init();
}

uint16_t *mem_frame_counter(paddr_t pa)
{
	ASSERT(pa >= ram_lo && pa < ram_hi);
	return &counters[(pa - ram_lo) >> PAGE_SHIFT];
}

int mem_alloc_zeroed_frame(paddr_t *pa)
{
	int err = frame_alloc(&kernel_frames, pa);

	if (err)
		return err;
	memset(phys_to_virt(*pa), 0, PAGE_SIZE);
	return 0;
}
