/*
 * kern/boot_info.h: what the arch boot code found, handed to kern_main().
 * Filled by arch code from its firmware's description (the DTB on RISC-V,
 * multiboot/PVH on x86-64); kern/ never parses firmware tables itself.
 * All addresses are physical; strings point into memory that stays
 * reserved (the DTB) for the kernel's lifetime.
 */
#ifndef PAGODA_KERN_BOOT_INFO_H
#define PAGODA_KERN_BOOT_INFO_H

#include <pagoda/types.h>
#include <pagoda/compiler.h>
#include <kern/frame.h>

#define BOOT_MAX_MEM 16
#define BOOT_MAX_RESERVED 48
#define BOOT_MAX_MMIO 24

struct boot_mmio {
	const char *name;	/* "uart", "plic", "virtio" ... */
	paddr_t base;
	psize_t size;
	uint32_t irq;		/* 0: none */
};

struct boot_info {
	const char *cmdline;			/* never NULL ("" when none) */
	struct phys_range mem[BOOT_MAX_MEM];	/* RAM */
	size_t nmem;
	struct phys_range reserved[BOOT_MAX_RESERVED]; /* firmware, kernel, DTB, initrd */
	size_t nreserved;
	struct phys_range initrd;		/* size 0: none */
	struct boot_mmio mmio[BOOT_MAX_MMIO];	/* devices the kernel maps */
	size_t nmmio;
	uint64_t timer_hz;
	unsigned int hartid;
	unsigned int nharts;
	const char *firmware;			/* e.g. "OpenSBI (SBI v1.0)" */
	const char *platform;			/* e.g. "QEMU virt" */
};

/* kern_main: the arch-neutral boot, entered once on the boot CPU; never returns. */
__noreturn void kern_main(struct boot_info *bi);

#endif
