/*
 * arch/x86_64/pcid.c: PCID allocation by generations (see arch/mmu.h).
 *
 * Invariant: every TLB entry of a user space carries a PCID handed out in
 * the current generation, to the space whose pcid/pcid_gen says so. New
 * PCIDs are taken in order (never reused within a generation); running
 * out starts a new generation with a full flush, so older PCIDs have no
 * entries left. One CPU: no locking (SMP will need a per-CPU scheme).
 */
#include <arch/mmu.h>
#include "x86.h"

uint64_t x86_pcid_generation = 1;
unsigned int x86_pcid_bits;
struct arch_aspace *x86_current_aspace;
static unsigned long next_pcid = 1;	/* 0 is the kernel's */

#define INVPCID_ADDRESS	0
#define INVPCID_SINGLE	1
#define INVPCID_ALL	2

static void invpcid(unsigned long type, uint64_t pcid, vaddr_t va)
{
	struct {
		uint64_t pcid, va;
	} desc = { pcid, va };

	__asm__ volatile("invpcid %0, %1" ::"m"(desc), "r"(type) : "memory");
}

/* flush_everything: every PCID's entries, global ones included. */
static void flush_everything(void)
{
	unsigned long cr4 = X86_READ_CR(4);

	if (x86_cpu.invpcid) {
		invpcid(INVPCID_ALL, 0, 0);
		return;
	}
	/* Toggling CR4.PGE flushes all entries of all PCIDs. */
	X86_WRITE_CR(4, cr4 & ~X86_CR4_PGE);
	X86_WRITE_CR(4, cr4);
}

void x86_pcid_assign(struct arch_aspace *a)
{
	if (next_pcid >= (1ul << x86_pcid_bits)) {
		x86_pcid_generation++;
		next_pcid = 1;
		flush_everything();
	}
	a->pcid = (uint16_t)next_pcid++;
	a->pcid_gen = x86_pcid_generation;
	/* Nothing of this PCID can be cached: it was unused since the last flush. */
}

void x86_pcid_flush_other(struct arch_aspace *a, vaddr_t va, bool all)
{
	if (!x86_cpu.invpcid) {
		/* Drop the PCID: the next switch to @a takes a fresh, clean one. */
		a->pcid_gen = 0;
		return;
	}
	if (all)
		invpcid(INVPCID_SINGLE, a->pcid, 0);
	else
		invpcid(INVPCID_ADDRESS, a->pcid, va);
}

/*
 * x86_pcid_init: use PCIDs if the CPU has them, at most @limit bits of them
 * (the command line's asid_bits=N, so tests can force generation rollovers
 * or run without). Called with the kernel tables (PCID 0) in CR3.
 */
void x86_pcid_init(unsigned int limit)
{
	if (!x86_cpu.pcid || limit == 0)
		return;
	x86_pcid_bits = limit < 12 ? limit : 12;
	X86_WRITE_CR(4, X86_READ_CR(4) | X86_CR4_PCIDE);
}
