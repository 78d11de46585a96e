/*
 * vm/pt_x86.c: the x86-64 4-level (PML4) and 5-level (PML5, CR4.LA57)
 * page-table formats.
 *
 * Entry layout (Intel SDM vol. 3, "4-Level Paging and 5-Level Paging"):
 *
 *   63  62-59  58-52  51 ........ 12  11-9  8 7  6 5 4   3   2  1  0
 *   XD  PKEY   avail  address         avail G PS D A PCD PWT US RW P
 *
 * PS (bit 7) in a PDPTE or PDE makes it a 1 GiB or 2 MiB leaf, whose
 * address field starts at bit 30 or 21 (bit 12 is then PAT); in a PTE bit 7
 * is PAT and every present PTE is a leaf. PS is reserved in PML4/PML5
 * entries, so the largest leaf is 1 GiB (max_leaf_level 2; 1 GiB leaves need
 * CPUID PDPE1GB). MAXPHYADDR is at most 52, so addresses fit bits 12..51.
 *
 * There is no read bit: a present page is readable, so every leaf must carry
 * PT_READ (-ENOTSUP otherwise; an exec-only page cannot be expressed). XD
 * marks a page not executable and needs EFER.NXE, which the kernel must set
 * before using these tables (XD is reserved otherwise). The CPU sets A and
 * D itself; the walker writes them as the caller passes them. PWT, PCD, PAT
 * and PKEY are never set (write-back memory; MTRRs type MMIO).
 *
 * Table entries are P | RW | US | A: access rights are the AND of every
 * level, so tables grant everything and the leaf decides; A is preset since
 * the CPU would set it on first use anyway.
 *
 * Locks: constant data.
 */
#include <pagoda/errno.h>
#include <vm/pt_fmt.h>

#define X86_P		((pte_t)1 << 0)
#define X86_RW		((pte_t)1 << 1)
#define X86_US		((pte_t)1 << 2)
#define X86_A		((pte_t)1 << 5)
#define X86_D		((pte_t)1 << 6)
#define X86_PS		((pte_t)1 << 7)
#define X86_G		((pte_t)1 << 8)
#define X86_XD		((pte_t)1 << 63)
#define X86_ADDR_MASK	((pte_t)0x000ffffffffff000)
#define X86_AVL0	((pte_t)1 << 9)		/* ignored by the MMU: software */
#define X86_AVL1	((pte_t)1 << 10)

static int pt_x86_flags_check(unsigned int flags)
{
	return (flags & PT_READ) ? 0 : -ENOTSUP;
}

static pte_t pt_x86_mk_leaf(pfn_t pfn, unsigned int flags, unsigned int level)
{
	pte_t pte = ((pte_t)pfn << 12) | X86_P;

	if (flags & PT_WRITE)
		pte |= X86_RW;
	if (flags & PT_USER)
		pte |= X86_US;
	if (flags & PT_ACCESSED)
		pte |= X86_A;
	if (flags & PT_DIRTY)
		pte |= X86_D;
	if (level > 0)
		pte |= X86_PS;
	if (flags & PT_GLOBAL)
		pte |= X86_G;
	if (!(flags & PT_EXEC))
		pte |= X86_XD;
	if (flags & PT_MAY_WRITE)
		pte |= X86_AVL0;
	if (flags & PT_MAY_EXEC)
		pte |= X86_AVL1;
	return pte;
}

static pte_t pt_x86_mk_table(pfn_t pfn)
{
	return ((pte_t)pfn << 12) | X86_P | X86_RW | X86_US | X86_A;
}

static bool pt_x86_is_valid(pte_t pte)
{
	return (pte & X86_P) != 0;
}

static bool pt_x86_is_leaf(pte_t pte, unsigned int level)
{
	return level == 0 || (pte & X86_PS) != 0;
}

static pfn_t pt_x86_pfn(pte_t pte, unsigned int level)
{
	pte_t addr = pte & X86_ADDR_MASK;

	/* A large leaf's address starts above bit 12 (PAT and reserved bits). */
	if (level > 0 && (pte & X86_PS))
		addr &= ~(((pte_t)1 << (12 + 9 * level)) - 1);
	return (pfn_t)(addr >> 12);
}

static unsigned int pt_x86_leaf_flags(pte_t pte, unsigned int level)
{
	unsigned int flags = PT_READ;

	if (pte & X86_RW)
		flags |= PT_WRITE;
	if (!(pte & X86_XD))
		flags |= PT_EXEC;
	if (pte & X86_US)
		flags |= PT_USER;
	if (pte & X86_G)
		flags |= PT_GLOBAL;
	if (pte & X86_A)
		flags |= PT_ACCESSED;
	if (pte & X86_D)
		flags |= PT_DIRTY;
	if (pte & X86_AVL0)
		flags |= PT_MAY_WRITE;
	if (pte & X86_AVL1)
		flags |= PT_MAY_EXEC;
	return flags;
}

/*
 * User half: [PAGE_SIZE, 2^(va_bits-1)). Page 0 stays unmapped so that a
 * NULL dereference always faults. The syscall path must not SYSRET to a
 * non-canonical RIP: a thread running in the last user page can get there,
 * see docs/vm-pagetable.md.
 */
#define PT_X86_FMT(fname, nlevels)                                             \
	{                                                                      \
		.name = fname, .levels = nlevels, .level_bits = 9,             \
		.page_shift = 12, .va_bits = 12 + 9 * (nlevels), .pa_bits = 52, \
		.max_leaf_level = 2, .user_min = PAGE_SIZE,                    \
		.user_top = (vaddr_t)1 << (11 + 9 * (nlevels)),                \
		.kernel_base = (vaddr_t)0 - ((vaddr_t)1 << (11 + 9 * (nlevels))), \
		.is_canonical = pt_canonical_sign_extend,                      \
		.flags_check = pt_x86_flags_check, .mk_leaf = pt_x86_mk_leaf,  \
		.mk_table = pt_x86_mk_table, .is_valid = pt_x86_is_valid,      \
		.is_leaf = pt_x86_is_leaf, .pfn = pt_x86_pfn,                  \
		.leaf_flags = pt_x86_leaf_flags,                               \
	}

const struct pt_fmt pt_fmt_x86_pml4 = PT_X86_FMT("x86-pml4", 4);
const struct pt_fmt pt_fmt_x86_pml5 = PT_X86_FMT("x86-pml5", 5);
