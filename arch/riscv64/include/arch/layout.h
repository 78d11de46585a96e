/*
 * arch/layout.h (riscv64): where the kernel lives in virtual memory.
 *
 *   0xffffffff80000000  kernel image window: PA 0x80000000 + offset
 *                       (the image is linked at 0xffffffff80200000, loaded
 *                       at PA 0x80200000 right after OpenSBI)
 *   0xffffffc000000000  direct map: VA = KERNEL_DIRECT_BASE + PA, for RAM
 *                       and device MMIO, built from the DTB
 *   below               user half (size depends on the paging mode)
 *
 * Both windows sit in the top 256 GiB, valid under Sv39, Sv48 and Sv57
 * alike, so the layout does not change with the paging mode.
 * Included from assembly too: plain constants only.
 */
#ifndef PAGODA_ARCH_LAYOUT_H
#define PAGODA_ARCH_LAYOUT_H

#define KERNEL_DIRECT_BASE	0xffffffc000000000
#define KERNEL_IMAGE_VBASE	0xffffffff80000000
#define KERNEL_IMAGE_PBASE	0x80000000
#define KERNEL_IMAGE_OFFSET	(KERNEL_IMAGE_VBASE - KERNEL_IMAGE_PBASE)
/* e_machine of this architecture's ELF executables (EM_RISCV). */
#define ARCH_ELF_MACHINE	243
/* Boot stack of the boot hart: 16 KiB, in .bss. */
#define KERNEL_BOOT_STACK_SIZE	16384

#endif
