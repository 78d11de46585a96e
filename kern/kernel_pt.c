/*
 * kern/kernel_pt.c: the kernel page tables (see kernel_pt.h).
 *
 * No kernel page is both writable and executable under any alias: the
 * direct map is never executable and maps the image's text and rodata
 * read-only; the image window maps text RX, rodata R, data and bss RW.
 */
#define LOG_PREFIX "kernel_pt: "
#include <pagoda/errno.h>
#include <lib/log.h>
#include <arch/mmu.h>
#include <kern/boot_info.h>
#include <kern/kernel_pt.h>
#include <kern/mem.h>
#include <kern/sections.h>

static struct pt_ctx kpt;
static unsigned int kpt_max_level;

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

const struct pt_ctx *kernel_pt(void)
{
	return &kpt;
}

/*
 * map_best: map [pa, pa + size) at va with the largest leaves that fit,
 * up to kpt_max_level. va and pa are page-aligned and congruent modulo
 * every leaf size used.
 */
static int map_best(vaddr_t va, paddr_t pa, psize_t size, unsigned int flags)
{
	while (size) {
		unsigned int level = 0;
		psize_t step = PAGE_SIZE;
		int err;

		for (unsigned int l = kpt_max_level; l >= 1; l--) {
			psize_t leaf = pt_leaf_size(kpt.fmt, l);

			if (!(va & (leaf - 1)) && !(pa & (leaf - 1)) && size >= leaf) {
				level = l;
				step = leaf;
				break;
			}
		}
		if (level)
			err = pt_map_large(&kpt, va, pa, 1, level, flags, PT_EXISTING_ERROR, NULL);
		else
			err = pt_map(&kpt, va, pa, 1, flags, PT_EXISTING_ERROR, NULL);
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

static int build(const struct boot_info *bi)
{
	/*
	 * A and D preset: hardware without A/D updating would fault on first
	 * use, and hardware with it would only spend an update; the kernel has
	 * no use for them.
	 */
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

int kernel_pt_build(const struct boot_info *bi, unsigned int max_leaf_level)
{
	paddr_t root;
	int err;

	err = mem_alloc_zeroed_frame(&root);
	if (err)
		return err;
	err = pt_ctx_init(&kpt, arch_pt_fmt(), root, PT_SPACE_KERNEL, &kpt_env, NULL);
	if (err) {
		frame_free(&kernel_frames, root);
		return err;
	}
	kpt_max_level = MIN(max_leaf_level, kpt.fmt->max_leaf_level);
	err = build(bi);
	if (err) {
		log_err("cannot build the kernel page tables: %s\n", errno_name(err));
		pt_destroy(&kpt);
		frame_free(&kernel_frames, root);
	}
	return err;
}
