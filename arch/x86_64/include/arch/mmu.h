/*
 * arch/mmu.h (x86_64): the MMU part of the arch interface: the kernel's
 * direct map, its page-table format (a vm/pt descriptor: 4-level or, with
 * PAGING=la57, 5-level) and the kernel page tables. See arch/layout.h for
 * the layout.
 */
#ifndef PAGODA_ARCH_MMU_H
#define PAGODA_ARCH_MMU_H

#include <pagoda/compiler.h>
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
 * arch_mmu_init: build the kernel page tables (kernel_pt_build in
 * kern/kernel_pt.c, with the largest leaves this CPU has), switch to
 * them, and set up the TLB tags (asid_bits=N on @bi's command line limits
 * them, for tests). 0, or -ENOMEM with the boot tables still active.
 */
int arch_mmu_init(const struct boot_info *bi);

/*
 * Per address space TLB state: a PCID of the current generation, so a
 * switch needs no flush (kernel mappings are global). PCIDs are handed out
 * in order; when they run out a new generation starts with one full flush
 * and every space gets a fresh PCID at its next switch. A space that must
 * be flushed while it is not current, on a CPU without INVPCID, simply
 * loses its PCID: the fresh one it gets next is clean. Without PCIDs every
 * CR3 write flushes the non-global entries. PCID 0 is the kernel's own
 * tables. See arch/x86_64/pcid.c.
 */
struct arch_aspace {
	uint64_t pcid_gen;	/* generation of pcid; 0: none yet */
	uint16_t pcid;
};

extern uint64_t x86_pcid_generation;	/* current generation, >= 1 */
extern unsigned int x86_pcid_bits;	/* 0: PCIDs not in use */
extern struct arch_aspace *x86_current_aspace;	/* loaded in CR3; NULL: the kernel's */

#define X86_CR3_NOFLUSH (1ull << 63)

/* x86_pcid_assign: the slow path of arch_aspace_activate (new PCID). */
void x86_pcid_assign(struct arch_aspace *a);
/* x86_pcid_flush_other: flush @va (or everything: @all) of @a, which is not current. */
void x86_pcid_flush_other(struct arch_aspace *a, vaddr_t va, bool all);

static inline void x86_write_cr3(uint64_t cr3)
{
	__asm__ volatile("mov %0, %%cr3" ::"r"(cr3) : "memory");
}

static inline void arch_aspace_init(struct arch_aspace *a)
{
	a->pcid_gen = 0;
	a->pcid = 0;
}

/*
 * arch_aspace_activate: run on the page tables rooted at @root (a user root
 * shares the kernel half, see pt_share_kernel_half()). @a NULL: the
 * kernel's own tables.
 */
static inline void x86_cr3_switch(struct arch_aspace *a, paddr_t root)
{
	uint64_t cr3 = root;

	if (x86_pcid_bits)
		cr3 |= (a ? a->pcid : 0) | X86_CR3_NOFLUSH;
	x86_current_aspace = a;
	x86_write_cr3(cr3);
}

/* arch_aspace_ready: @a has a PCID of the current generation, or PCIDs are off. */
static inline bool arch_aspace_ready(const struct arch_aspace *a)
{
	return !x86_pcid_bits || a->pcid_gen == x86_pcid_generation;
}

/* arch_aspace_activate_ready: arch_aspace_activate of a ready @a (calls nothing). */
static inline void arch_aspace_activate_ready(struct arch_aspace *a, paddr_t root)
{
	x86_cr3_switch(a, root);
}

static inline void arch_aspace_activate(struct arch_aspace *a, paddr_t root)
{
	if (a && unlikely(!arch_aspace_ready(a)))
		x86_pcid_assign(a);
	x86_cr3_switch(a, root);
}

/* arch_aspace_flush_page: forget cached translations of @va in space @a. */
static inline void arch_aspace_flush_page(struct arch_aspace *a, vaddr_t va)
{
	if (a == x86_current_aspace)
		__asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
	else if (x86_pcid_bits && a->pcid_gen == x86_pcid_generation)
		x86_pcid_flush_other(a, va, false);
	/* else: nothing of @a is cached (flushed at the switch away, or an older generation). */
}

/* arch_aspace_flush_all: forget every cached translation of space @a. */
static inline void arch_aspace_flush_all(struct arch_aspace *a)
{
	uint64_t cr3;

	if (a == x86_current_aspace) {
		/* Reloading CR3 without NOFLUSH drops the current PCID's entries. */
		__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
		x86_write_cr3(cr3 & ~X86_CR3_NOFLUSH);
	} else if (x86_pcid_bits && a->pcid_gen == x86_pcid_generation) {
		x86_pcid_flush_other(a, 0, true);
	}
}

#endif
