/*
 * arch/mmu.h (riscv64): the MMU part of the arch interface: the kernel's
 * direct map, its page-table format (a vm/pt descriptor) and the kernel
 * page tables. See arch/layout.h for the layout.
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
 * Per address space TLB state: an ASID of the current generation, so a
 * switch needs no flush (kernel mappings are global). ASIDs are handed out
 * in order; when they run out a new generation starts with one full flush
 * and every space gets a fresh ASID at its next switch. A hart without
 * ASIDs (none implemented) flushes the whole TLB at every switch instead.
 * ASID 0 is the kernel's own tables. See arch/riscv64/asid.c.
 */
struct arch_aspace {
	uint64_t asid_gen;	/* generation of asid; 0: none yet */
	uint16_t asid;
};

extern uint64_t riscv_asid_generation;	/* current generation, >= 1 */
extern unsigned int riscv_asid_bits;	/* 0: the hart has no ASIDs */

/*
 * riscv_asid_assign: the slow path of arch_aspace_activate (new ASID);
 * true if a new generation began: the caller flushes the TLB once the new
 * satp is in place (before that the hart still runs on an old ASID).
 */
bool riscv_asid_assign(struct arch_aspace *a);

static inline void arch_aspace_init(struct arch_aspace *a)
{
	a->asid_gen = 0;
	a->asid = 0;
}

/*
 * arch_aspace_activate: run on the page tables rooted at @root (a user root
 * shares the kernel half, see pt_share_kernel_half()). @a NULL: the
 * kernel's own tables.
 */
#define RISCV_SATP_SV39 (8ul << 60)
#define RISCV_SATP_ASID_SHIFT 44

static inline void riscv_satp_write(const struct arch_aspace *a, paddr_t root, bool flush)
{
	unsigned long satp = RISCV_SATP_SV39 |
			     ((unsigned long)(a ? a->asid : 0) << RISCV_SATP_ASID_SHIFT) |
			     (root >> PAGE_SHIFT);

	__asm__ volatile("csrw satp, %0" ::"r"(satp) : "memory");
	if (flush)
		__asm__ volatile("sfence.vma" ::: "memory");
}

/* arch_aspace_ready: @a's ASID is of the current generation (activation calls nothing). */
static inline bool arch_aspace_ready(const struct arch_aspace *a)
{
	return a->asid_gen == riscv_asid_generation;
}

/* arch_aspace_activate_ready: arch_aspace_activate of a ready @a. */
static inline void arch_aspace_activate_ready(struct arch_aspace *a, paddr_t root)
{
	riscv_satp_write(a, root, !riscv_asid_bits);
}

static inline void arch_aspace_activate(struct arch_aspace *a, paddr_t root)
{
	bool flush = !riscv_asid_bits;

	if (a && unlikely(!arch_aspace_ready(a)))
		flush |= riscv_asid_assign(a);
	riscv_satp_write(a, root, flush);
}

/* arch_aspace_flush_page: forget cached translations of @va in space @a. */
static inline void arch_aspace_flush_page(struct arch_aspace *a, vaddr_t va)
{
	if (!riscv_asid_bits)
		__asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
	else if (a->asid_gen == riscv_asid_generation)
		__asm__ volatile("sfence.vma %0, %1" ::"r"(va), "r"((unsigned long)a->asid)
				 : "memory");
	/* else: no entry can carry an ASID of an older generation (flushed). */
}

/* arch_aspace_flush_all: forget every cached translation of space @a. */
static inline void arch_aspace_flush_all(struct arch_aspace *a)
{
	if (!riscv_asid_bits)
		__asm__ volatile("sfence.vma" ::: "memory");
	else if (a->asid_gen == riscv_asid_generation)
		__asm__ volatile("sfence.vma zero, %0" ::"r"((unsigned long)a->asid) : "memory");
}

#endif
