/*
 * kern/kernel_pt.h: the kernel's own page tables, built at boot with the
 * vm/ walker in the configured format (arch_pt_fmt) and shared by every
 * address space's kernel half. The arch's arch_mmu_init calls
 * kernel_pt_build, then switches to the tables and sets up its TLB tags.
 */
#ifndef PAGODA_KERN_KERNEL_PT_H
#define PAGODA_KERN_KERNEL_PT_H

#include <vm/pt.h>

struct boot_info;

/*
 * kernel_pt_build: build the kernel page tables from kernel_frames: a
 * direct map of @bi's RAM and MMIO ranges with the largest leaves
 * alignment allows up to @max_leaf_level (never executable, read-only
 * where it aliases text and rodata), and the image window (text RX, rodata
 * R, data and bss RW); every leaf global, A and D preset. 0, or -ENOMEM
 * with nothing kept.
 */
int kernel_pt_build(const struct boot_info *bi, unsigned int max_leaf_level);

/* kernel_pt: the walker context over the kernel page tables. */
const struct pt_ctx *kernel_pt(void);

#endif
