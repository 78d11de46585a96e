/*
 * vm/pt_riscv.c: the RISC-V Sv39, Sv48 and Sv57 page-table formats.
 *
 * One PTE layout serves all three modes (RISC-V privileged spec, "Sv39:
 * Page-Based 39-bit Virtual-Memory System" and its Sv48/Sv57 siblings):
 *
 *   63  62-61  60-54     53 ......... 10  9-8  7 6 5 4 3 2 1 0
 *   N   PBMT   reserved  PPN (44 bits)    RSW  D A G U X W R V
 *
 * A valid entry with R = W = X = 0 points to the next table; any of R, W, X
 * makes it a leaf, at any level (2 MiB megapages, 1 GiB gigapages, 512 GiB
 * terapages, 256 TiB petapages), whose low PPN fields must then be zero.
 * W without R is reserved. Table entries carry V only: the spec reserves
 * A, D and U there, and G is not used.
 *
 * A and D: a hart may set them itself (Svadu) or raise a page fault when a
 * leaf with A = 0 is used, or D = 0 is written (Svade). This format writes
 * them exactly as the caller passes PT_ACCESSED / PT_DIRTY. Callers
 * (docs/vm-pagetable.md): kernel mappings carry both; user maps carry A, and
 * D when made for a write; the kernel answers an Svade fault with pt_set_ad.
 * N and PBMT (Svnapot, Svpbmt) are never set: memory types come from PMAs.
 *
 * Locks: constant data.
 */
#include <pagoda/errno.h>
#include <vm/pt_fmt.h>

#define RV_V		((pte_t)1 << 0)
#define RV_R		((pte_t)1 << 1)
#define RV_W		((pte_t)1 << 2)
#define RV_X		((pte_t)1 << 3)
#define RV_U		((pte_t)1 << 4)
#define RV_G		((pte_t)1 << 5)
#define RV_A		((pte_t)1 << 6)
#define RV_D		((pte_t)1 << 7)
#define RV_RSW0		((pte_t)1 << 8)	/* reserved for software */
#define RV_RSW1		((pte_t)1 << 9)
#define RV_PPN_SHIFT	10
#define RV_PPN_BITS	44
#define RV_PPN_MASK	((((pte_t)1 << RV_PPN_BITS) - 1) << RV_PPN_SHIFT)

/* PT_* flag and hardware bit, in the same order as the PTE. */
static const struct {
	unsigned int flag;
	pte_t bit;
} pt_rv_bits[] = {
	{ PT_READ, RV_R },	{ PT_WRITE, RV_W },	  { PT_EXEC, RV_X },  { PT_USER, RV_U },
	{ PT_GLOBAL, RV_G },	{ PT_ACCESSED, RV_A }, { PT_DIRTY, RV_D },
	{ PT_MAY_WRITE, RV_RSW0 }, { PT_MAY_EXEC, RV_RSW1 },
};

static int pt_rv_flags_check(unsigned int flags)
{
	/* R=0 W=1 is a reserved encoding (and R=W=0 X=0 means "table"). */
	if ((flags & PT_WRITE) && !(flags & PT_READ))
		return -EINVAL;
	return 0;
}

static pte_t pt_rv_mk_leaf(pfn_t pfn, unsigned int flags, unsigned int level)
{
	pte_t pte = ((pte_t)pfn << RV_PPN_SHIFT) | RV_V;

	for (unsigned int i = 0; i < sizeof(pt_rv_bits) / sizeof(pt_rv_bits[0]); i++)
		if (flags & pt_rv_bits[i].flag)
			pte |= pt_rv_bits[i].bit;
	return pte;
}

static pte_t pt_rv_mk_table(pfn_t pfn)
{
	return ((pte_t)pfn << RV_PPN_SHIFT) | RV_V;
}

static bool pt_rv_is_valid(pte_t pte)
{
	return (pte & RV_V) != 0;
}

static bool pt_rv_is_leaf(pte_t pte, unsigned int level)
{
	return (pte & (RV_R | RV_W | RV_X)) != 0;
}

static pfn_t pt_rv_pfn(pte_t pte, unsigned int level)
{
	return (pfn_t)((pte & RV_PPN_MASK) >> RV_PPN_SHIFT);
}

static unsigned int pt_rv_leaf_flags(pte_t pte, unsigned int level)
{
	unsigned int flags = 0;

	for (unsigned int i = 0; i < sizeof(pt_rv_bits) / sizeof(pt_rv_bits[0]); i++)
		if (pte & pt_rv_bits[i].bit)
			flags |= pt_rv_bits[i].flag;
	return flags;
}

/*
 * The three modes differ only in depth. A leaf may sit at every level, the
 * root included. User half: [PAGE_SIZE, 2^(va_bits-1)); page 0 stays unmapped
 * so that a NULL dereference always faults.
 */
#define PT_RV_FMT(fname, nlevels)                                              \
	{                                                                      \
		.name = fname, .levels = nlevels, .level_bits = 9,             \
		.page_shift = 12, .va_bits = 12 + 9 * (nlevels),               \
		.pa_bits = 12 + RV_PPN_BITS, .max_leaf_level = (nlevels) - 1,   \
		.user_min = PAGE_SIZE,                                         \
		.user_top = (vaddr_t)1 << (11 + 9 * (nlevels)),                \
		.kernel_base = (vaddr_t)0 - ((vaddr_t)1 << (11 + 9 * (nlevels))), \
		.is_canonical = pt_canonical_sign_extend,                      \
		.flags_check = pt_rv_flags_check, .mk_leaf = pt_rv_mk_leaf,    \
		.mk_table = pt_rv_mk_table, .is_valid = pt_rv_is_valid,        \
		.is_leaf = pt_rv_is_leaf, .pfn = pt_rv_pfn,                    \
		.leaf_flags = pt_rv_leaf_flags,                                \
	}

const struct pt_fmt pt_fmt_sv39 = PT_RV_FMT("sv39", 3);
const struct pt_fmt pt_fmt_sv48 = PT_RV_FMT("sv48", 4);
const struct pt_fmt pt_fmt_sv57 = PT_RV_FMT("sv57", 5);
