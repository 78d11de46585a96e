/*
 * arch/layout.h (x86_64): where the kernel lives in virtual memory.
 *
 *   0xffffffff80000000  kernel image window: PA 0 + offset (the image is
 *                       linked at 0xffffffff80200000 and loaded at PA
 *                       0x200000; the kernel code model needs the top 2 GiB)
 *   0xffff800000000000  direct map: VA = KERNEL_DIRECT_BASE + PA, for RAM
 *                       and the interrupt controllers' MMIO
 *   below               user half: [4 KiB, 2^47) with 4-level paging,
 *                       [4 KiB, 2^56) with 5-level paging
 *
 * Both windows lie in the top 128 TiB, which is kernel space in 4-level
 * and 5-level paging alike, so the layout does not change with PAGING.
 * Included from assembly too: plain constants only.
 */
#ifndef PAGODA_ARCH_LAYOUT_H
#define PAGODA_ARCH_LAYOUT_H

#define KERNEL_DIRECT_BASE	0xffff800000000000
#define KERNEL_IMAGE_VBASE	0xffffffff80000000
#define KERNEL_IMAGE_PBASE	0
#define KERNEL_IMAGE_OFFSET	(KERNEL_IMAGE_VBASE - KERNEL_IMAGE_PBASE)
/* e_machine of this architecture's ELF executables (EM_X86_64). */
#define ARCH_ELF_MACHINE	62
/* Boot stack of the boot CPU: 16 KiB, in .bss. */
#define KERNEL_BOOT_STACK_SIZE	16384
/*
 * GiB of physical space the boot tables' direct map covers (boot.S): all
 * the boot code may touch before the real tables exist, RAM included
 * (the frame pool writes into every free frame). RAM beyond it is ignored.
 */
#define X86_BOOT_DIRECT_GB	16

#endif
