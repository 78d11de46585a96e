/*
 * arch/riscv64/asid.c: ASID allocation by generations (see arch/mmu.h).
 *
 * Invariant: every TLB entry of a user space carries an ASID handed out in
 * the current generation, to the space whose asid/asid_gen says so. New
 * ASIDs are taken in order (never reused within a generation); running out
 * starts a new generation with a full flush, so older ASIDs have no
 * entries left. One hart: no locking (SMP will need a per-hart scheme).
 */
#include <arch/mmu.h>
#include "riscv.h"

uint64_t riscv_asid_generation = 1;
unsigned int riscv_asid_bits;
static unsigned long next_asid = 1;	/* 0 is the kernel's */

bool riscv_asid_assign(struct arch_aspace *a)
{
	bool rollover = false;

	if (!riscv_asid_bits) {
		a->asid = 0;
		a->asid_gen = riscv_asid_generation;
		return false;
	}
	if (next_asid >= (1ul << riscv_asid_bits)) {
		/* The caller flushes everything right after its satp write. */
		riscv_asid_generation++;
		next_asid = 1;
		rollover = true;
	}
	a->asid = (uint16_t)next_asid++;
	a->asid_gen = riscv_asid_generation;
	/* Nothing of this ASID is cached: unused since the last full flush. */
	return rollover;
}

/*
 * riscv_asid_probe: how many ASID bits the hart implements: write all ones
 * to satp.ASID and read back (the privileged spec's method). Called once,
 * with the kernel tables active. @limit caps the count (the command line's
 * asid_bits=N, so tests can force generation rollovers or no ASIDs).
 */
void riscv_asid_probe(unsigned int limit)
{
	unsigned long satp, probe;

	__asm__ volatile("csrr %0, satp" : "=r"(satp));
	probe = satp | (0xfffful << 44);
	__asm__ volatile("csrw satp, %0\n\tcsrr %0, satp" : "+r"(probe));
	__asm__ volatile("csrw satp, %0\n\tsfence.vma" ::"r"(satp) : "memory");
	probe = (probe >> 44) & 0xffff;
	while (probe & 1) {
		riscv_asid_bits++;
		probe >>= 1;
	}
	if (riscv_asid_bits > limit)
		riscv_asid_bits = limit;
}
