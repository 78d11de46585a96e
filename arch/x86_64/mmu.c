/*
 * arch/x86_64/mmu.c: the paging mode, and the switch to the kernel page
 * tables that kern/kernel_pt.c builds (1 GiB leaves where the CPU has
 * them); then the PCIDs.
 */
#define LOG_PREFIX "mmu: "
#include <lib/cmdline.h>
#include <lib/log.h>
#include <arch/mmu.h>
#include <kern/boot_info.h>
#include <kern/kernel_pt.h>
#include "x86.h"

const struct pt_fmt *arch_pt_fmt(void)
{
	return X86_PAGING_LA57 ? &pt_fmt_x86_pml5 : &pt_fmt_x86_pml4;
}

int arch_mmu_init(const struct boot_info *bi)
{
	unsigned int pcid_bits = 12;	/* no limit unless asid_bits=N (tests) */
	/* 1 GiB leaves only if the CPU has them: qemu64 does not. */
	int err = kernel_pt_build(bi, x86_cpu.pdpe1gb ? 2 : 1);

	if (err)
		return err;
	/* PCIDs are still off: this write flushes every non-global boot entry. */
	arch_aspace_activate(NULL, kernel_pt()->root);
	cmdline_uint(bi->cmdline, "asid_bits", &pcid_bits);
	x86_pcid_init(pcid_bits);
	log_info("PCIDs: %u bits%s\n", x86_pcid_bits,
		 x86_pcid_bits && x86_cpu.invpcid ? ", INVPCID" : "");
	return 0;
}
