/*
 * arch/x86_64/mmu.c: the kernel page tables, built with the vm/ walker.
 *
 * The direct map covers every RAM range and MMIO device from the boot
 * info, with the largest leaves alignment allows (1 GiB only if the CPU
 * has them: qemu64 does not); it is never executable, and the part that
 * aliases the image's text and rodata is read-only, so no kernel page is
 * both writable and executable under any alias. The image window maps
 * text RX, rodata R, data and bss RW. Every kernel leaf is global.
 */
#define LOG_PREFIX "mmu: "
#include <pagoda/errno.h>
#include <lib/cmdline.h>
#include <lib/log.h>
#include <arch/mmu.h>
#include <kern/boot_info.h>
#include <kern/mem.h>
#include <kern/sections.h>
#include "x86.h"

static struct pt_ctx kernel_pt;

static pte_t *kpt_table_virt(void *cookie, paddr_t pa)
{
	return phys_to_virt(pa);
}

static int kpt_table_alloc(void *cookie, paddr_t *pa)
{
	return mem_alloc_zeroed_frame(pa);
}

static void kpt_table_free(void *cookie, paddr_t pa)
{
	frame_free(&kernel_frames, pa);
}

static const struct pt_env kpt_env = {
	.table_virt = kpt_table_virt,
	.table_alloc = kpt_table_alloc,
	.table_free = kpt_table_free,
	.zeroed = true,		/* mem_alloc_zeroed_frame */
};

const struct pt_fmt *arch_pt_fmt(void)
{
	return X86_PAGING_LA57 ? &pt_fmt_x86_pml5 : &pt_fmt_x86_pml4;
}

const struct pt_ctx *arch_kernel_pt(void)
{
	return &kernel_pt;
}

/*
 * map_best: map [pa, pa + size) at va with the largest leaves that fit
 * (1 GiB if the CPU has them, 2 MiB, else 4 KiB). va and pa are
 * page-aligned and congruent modulo every leaf size used.
 */
static int map_best(vaddr_t va, paddr_t pa, psize_t size, unsigned int flags)
{
	unsigned int top = x86_cpu.pdpe1gb ? 2 : 1;

	while (size) {
		unsigned int level = 0;
		psize_t step = PAGE_SIZE;
		int err;

		for (unsigned int l = top; l >= 1; l--) {
			psize_t leaf = (psize_t)PAGE_SIZE << (9 * l);

			if (!(va & (leaf - 1)) && !(pa & (leaf - 1)) && size >= leaf) {
				level = l;
				step = leaf;
				break;
			}
		}
		if (level)
			err = pt_map_large(&kernel_pt, va, pa, 1, level, flags, PT_EXISTING_ERROR, NULL);
		else
			err = pt_map(&kernel_pt, va, pa, 1, flags, PT_EXISTING_ERROR, NULL);
		if (err)
			return err;
		va += step;
		pa += step;
		size -= step;
	}
	return 0;
}

/* map_direct: the direct map of [start, end), read-only where it aliases text/rodata. */
static int map_direct(paddr_t start, paddr_t end, unsigned int flags)
{
	paddr_t ro_start = kernel_image_pa(_text), ro_end = kernel_image_pa(_erodata);
	int err = 0;

	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	if (start < ro_start && end > start)
		err = map_best((vaddr_t)phys_to_virt(start), start, MIN(end, ro_start) - start, flags);
	if (!err && end > ro_start && start < ro_end) {
		paddr_t s = MAX(start, ro_start), e = MIN(end, ro_end);

		err = map_best((vaddr_t)phys_to_virt(s), s, e - s,
			       PT_READ | PT_GLOBAL | PT_ACCESSED | PT_DIRTY);
	}
	if (!err && end > ro_end) {
		paddr_t s = MAX(start, ro_end);

		err = map_best((vaddr_t)phys_to_virt(s), s, end - s, flags);
	}
	return err;
}

static int map_image(const char *start, const char *end, unsigned int flags)
{
	return map_best((vaddr_t)start, kernel_image_pa(start), (psize_t)(end - start), flags);
}

static int build_kernel_map(const struct boot_info *bi)
{
	/* A and D preset: the CPU would only spend a locked update setting them. */
	const unsigned int ad = PT_ACCESSED | PT_DIRTY;
	const unsigned int rw = PT_READ | PT_WRITE | PT_GLOBAL | ad;
	int err = 0;

	for (size_t i = 0; !err && i < bi->nmem; i++)
		err = map_direct(bi->mem[i].base, bi->mem[i].base + bi->mem[i].size, rw);
	for (size_t i = 0; !err && i < bi->nmmio; i++)
		err = map_direct(bi->mmio[i].base, bi->mmio[i].base + bi->mmio[i].size, rw);
	if (!err)
		err = map_image(_text, _etext, PT_READ | PT_EXEC | PT_GLOBAL | ad);
	if (!err)
		err = map_image(_rodata, _erodata, PT_READ | PT_GLOBAL | ad);
	if (!err)
		err = map_image(_data, _end, rw);
	return err;
}

/* pcid_limit: the command line's asid_bits=N (tests), else no limit. */
static unsigned int pcid_limit(const char *cmdline)
{
	const char *v;
	size_t len;
	unsigned int n = 0;

	if (!cmdline_find(cmdline, "asid_bits", &v, &len) || len == 0 || len > 2)
		return 12;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 12;
		n = n * 10 + (unsigned int)(v[i] - '0');
	}
	return n;
}

int arch_mmu_init(const struct boot_info *bi)
{
	paddr_t root;
	int err;

	err = mem_alloc_zeroed_frame(&root);
	if (err)
		return err;
	err = pt_ctx_init(&kernel_pt, arch_pt_fmt(), root, PT_SPACE_KERNEL, &kpt_env, NULL);
	if (!err)
		err = build_kernel_map(bi);
	if (err) {
		log_err("cannot build the kernel page tables: %s\n", errno_name(err));
		pt_destroy(&kernel_pt);
		frame_free(&kernel_frames, root);
		return err;
	}
	/* PCIDs are still off: this write flushes every non-global boot entry. */
	arch_aspace_activate(NULL, root);
	x86_pcid_init(pcid_limit(bi->cmdline));
	log_info("PCIDs: %u bits%s\n", x86_pcid_bits,
		 x86_pcid_bits && x86_cpu.invpcid ? ", INVPCID" : "");
	return 0;
}
