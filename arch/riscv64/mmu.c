/*
 * arch/riscv64/mmu.c: the paging mode, and the switch to the kernel page
 * tables that kern/kernel_pt.c builds; then the ASIDs.
 */
#define LOG_PREFIX "mmu: "
#include <lib/cmdline.h>
#include <lib/log.h>
#include <arch/mmu.h>
#include <kern/boot_info.h>
#include <kern/kernel_pt.h>
#include "csr.h"
#include "riscv.h"

const struct pt_fmt *arch_pt_fmt(void)
{
	return &pt_fmt_sv39;
}

int arch_mmu_init(const struct boot_info *bi)
{
	unsigned int asid_bits = 16;	/* no limit unless asid_bits=N (tests) */
	int err = kernel_pt_build(bi, 2);	/* 1 GiB leaves: every Sv39 hart has them */

	if (err)
		return err;
	__asm__ volatile("sfence.vma" ::: "memory");
	arch_aspace_activate(NULL, kernel_pt()->root);
	__asm__ volatile("sfence.vma" ::: "memory");
	cmdline_uint(bi->cmdline, "asid_bits", &asid_bits);
	riscv_asid_probe(asid_bits);
	log_info("%u ASID bits\n", riscv_asid_bits);
	return 0;
}
