/*
 * arch/mmu.h (riscv64): the MMU part of the arch interface: the kernel's
 * direct map, its page-table format (a vm/pt descriptor) and the kernel
 * page tables. See arch/layout.h for the layout.
 */
#ifndef PAGODA_ARCH_MMU_H
#define PAGODA_ARCH_MMU_H

#include <pagoda/types.h>
#include <arch/layout.h>
#include <vm/pt.h>

struct boot_info;

/* phys_to_virt: the direct-map address of physical address @pa. */
static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + KERNEL_DIRECT_BASE);
}

/* virt_to_phys: inverse of phys_to_virt, for direct-map addresses only. */
static inline paddr_t virt_to_phys(const void *va)
{
	return (paddr_t)((uintptr_t)va - KERNEL_DIRECT_BASE);
}

/* kernel_image_pa: the physical address of a kernel image address. */
static inline paddr_t kernel_image_pa(const void *va)
{
	return (paddr_t)((uintptr_t)va - KERNEL_IMAGE_OFFSET);
}

/* arch_pt_fmt: the page-table format of the configured paging mode. */
const struct pt_fmt *arch_pt_fmt(void);

/*
 * arch_mmu_init: build the kernel page tables (direct map of RAM and of
 * @bi's MMIO ranges; the image with text RX, rodata R, data RW) from
 * kernel_frames, and switch to them. 0, or -ENOMEM with the boot tables
 * still active.
 */
int arch_mmu_init(const struct boot_info *bi);

/* arch_kernel_pt: a walker context over the kernel page tables (for checks). */
const struct pt_ctx *arch_kernel_pt(void);

/*
 * arch_mmu_switch: run on the page tables rooted at @root (a user space
 * root shares the kernel half, see pt_share_kernel_half()). No ASIDs yet:
 * the switch flushes the whole TLB.
 */
static inline void arch_mmu_switch(paddr_t root)
{
	unsigned long satp = (8ul << 60) | (root >> PAGE_SHIFT);	/* Sv39 */

	__asm__ volatile("csrw satp, %0\n\tsfence.vma" ::"r"(satp) : "memory");
}

/* arch_tlb_flush_page: forget cached translations of @va in the current space. */
static inline void arch_tlb_flush_page(vaddr_t va)
{
	__asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

#endif
