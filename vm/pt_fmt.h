/*
 * vm/pt_fmt.h: a hardware page-table format described as data.
 *
 * A struct pt_fmt tells the arch-neutral walker (vm/pt.c) how one paging
 * mode lays out its radix tree and its entries: how many levels, how many
 * index bits each level takes, which addresses are canonical and which half
 * belongs to user space, and a handful of small ops that encode and decode
 * one PTE. Nothing in vm/ is compiled per arch: every descriptor below is
 * linked everywhere, the kernel picks its own through the arch interface and
 * the host tests run them all. docs/vm-pagetable.md describes how to add one.
 *
 * Levels are numbered from the leaves up: level 0 holds 4 KiB leaves, level
 * 1 entries cover 2 MiB, level 2 entries 1 GiB, and the root is level
 * levels - 1 (the RISC-V spec's numbering; Intel's PT, PD, PDPT, PML4, PML5).
 *
 * Locks: descriptors are constant data; no state.
 */
#ifndef PAGODA_VM_PT_FMT_H
#define PAGODA_VM_PT_FMT_H

#include <pagoda/types.h>

/*
 * Arch-neutral leaf flags. PT_READ, PT_WRITE and PT_EXEC grant access;
 * PT_USER makes the page reachable from user mode; PT_GLOBAL keeps its TLB
 * entries across address-space switches (kernel mappings only). PT_ACCESSED
 * and PT_DIRTY mirror the hardware A and D bits: the walker writes them as
 * given and reports them as found.
 */
#define PT_READ		(1u << 0)
#define PT_WRITE	(1u << 1)
#define PT_EXEC		(1u << 2)
#define PT_USER		(1u << 3)
#define PT_GLOBAL	(1u << 4)
#define PT_ACCESSED	(1u << 5)
#define PT_DIRTY	(1u << 6)
/*
 * Software bits (ignored by the MMU: RISC-V RSW, x86 AVL): the most a
 * mapping may be raised to later. The kernel sets them at map time from
 * the rights of the frame capability used, so protect can never grant
 * more than the mapper was allowed. pt_protect leaves them alone.
 */
#define PT_MAY_WRITE	(1u << 7)
#define PT_MAY_EXEC	(1u << 8)

#define PT_RWX		(PT_READ | PT_WRITE | PT_EXEC)
#define PT_PERM_MASK	(PT_RWX | PT_USER | PT_GLOBAL)
#define PT_AD_MASK	(PT_ACCESSED | PT_DIRTY)
#define PT_SOFT_MASK	(PT_MAY_WRITE | PT_MAY_EXEC)
#define PT_FLAGS_ALL	(PT_PERM_MASK | PT_AD_MASK | PT_SOFT_MASK)

/* The deepest tree any format may describe (Sv57, x86-64 5-level). */
#define PT_MAX_LEVELS 5

struct pt_fmt {
	const char *name;		/* "sv39", "x86-pml4", ... */
	unsigned int levels;		/* tree depth; the root is level levels - 1 */
	unsigned int level_bits;	/* VA bits indexing one level (9: 512 entries) */
	unsigned int page_shift;	/* log2 of the smallest page (PAGE_SHIFT) */
	unsigned int va_bits;		/* page_shift + levels * level_bits */
	unsigned int pa_bits;		/* widest physical address a PTE can hold (< 64) */
	unsigned int max_leaf_level;	/* highest level where a leaf may sit */
	vaddr_t user_min;		/* lowest mappable user VA (PAGE_SIZE) */
	vaddr_t user_top;		/* end of the user half, exclusive */
	vaddr_t kernel_base;		/* first VA of the kernel half */

	/* is_canonical: @va is a valid address of this mode (either half). */
	bool (*is_canonical)(const struct pt_fmt *fmt, vaddr_t va);
	/*
	 * flags_check: 0 if a leaf may carry @flags, else -EINVAL (a reserved
	 * encoding) or -ENOTSUP (the hardware cannot express it). Only the
	 * format's own rules: pt.c checks unknown bits, R|W|X != 0 and the
	 * user/kernel rules before calling it.
	 */
	int (*flags_check)(unsigned int flags);
	/* mk_leaf: a leaf at @level; @pfn aligned to the level, @flags checked. */
	pte_t (*mk_leaf)(pfn_t pfn, unsigned int flags, unsigned int level);
	/* mk_table: a non-leaf entry pointing to the table at frame @pfn. */
	pte_t (*mk_table)(pfn_t pfn);
	/* is_valid: the hardware would use this entry (V / P set). */
	bool (*is_valid)(pte_t pte);
	/* is_leaf: a valid @pte at @level maps memory rather than a table. */
	bool (*is_leaf)(pte_t pte, unsigned int level);
	/* pfn: the frame a valid leaf or table entry at @level points to. */
	pfn_t (*pfn)(pte_t pte, unsigned int level);
	/* leaf_flags: the PT_* flags of a valid leaf at @level. */
	unsigned int (*leaf_flags)(pte_t pte, unsigned int level);
};

/* The five formats Pagoda knows (vm/pt_riscv.c, vm/pt_x86.c). */
extern const struct pt_fmt pt_fmt_sv39;
extern const struct pt_fmt pt_fmt_sv48;
extern const struct pt_fmt pt_fmt_sv57;
extern const struct pt_fmt pt_fmt_x86_pml4;	/* x86-64 4-level paging */
extern const struct pt_fmt pt_fmt_x86_pml5;	/* x86-64 5-level paging (LA57) */

/* pt_level_shift: log2 of the bytes one entry at @level covers. */
static inline unsigned int pt_level_shift(const struct pt_fmt *fmt, unsigned int level)
{
	return fmt->page_shift + level * fmt->level_bits;
}

/* pt_leaf_size: bytes mapped by a leaf at @level (4 KiB, 2 MiB, 1 GiB...). */
static inline vsize_t pt_leaf_size(const struct pt_fmt *fmt, unsigned int level)
{
	return (vsize_t)1 << pt_level_shift(fmt, level);
}

/* pt_index: which entry of a level-@level table translates @va. */
static inline unsigned int pt_index(const struct pt_fmt *fmt, vaddr_t va, unsigned int level)
{
	return (unsigned int)(va >> pt_level_shift(fmt, level)) &
	       ((1u << fmt->level_bits) - 1);
}

/* pt_entries: entries per table. */
static inline unsigned int pt_entries(const struct pt_fmt *fmt)
{
	return 1u << fmt->level_bits;
}

/*
 * pt_canonical_sign_extend: the canonical rule of both RISC-V and x86-64:
 * bits 63..va_bits-1 are all equal (the top VA bit sign-extended).
 */
bool pt_canonical_sign_extend(const struct pt_fmt *fmt, vaddr_t va);

/*
 * pt_fmt_check: the descriptor is self-consistent (va_bits adds up, the
 * halves are the sign-extended halves, tables are one page, every op is
 * set). Logs the first broken rule and returns -EINVAL; 0 if sound.
 */
int pt_fmt_check(const struct pt_fmt *fmt);

#endif
