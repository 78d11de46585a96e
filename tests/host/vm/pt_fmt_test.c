/*
 * tests/host/vm/pt_fmt_test.c: the five page-table format descriptors
 * (vm/pt_riscv.c, vm/pt_x86.c) and pt_fmt_check: their geometry against the
 * specs, known PTE values bit by bit, and encode/decode round trips of
 * leaves at every level and of table entries.
 */
#include "pt_env.h"

/* Expected values, from the RISC-V privileged spec and the Intel SDM. */
struct tspec {
	const struct pt_fmt *fmt;
	bool x86;
	unsigned int levels, va_bits, pa_bits, max_leaf;
	vaddr_t user_top;
};

static const struct tspec tspecs[] = {
	{ &pt_fmt_sv39, false, 3, 39, 56, 2, 0x4000000000ull },
	{ &pt_fmt_sv48, false, 4, 48, 56, 3, 0x800000000000ull },
	{ &pt_fmt_sv57, false, 5, 57, 56, 4, 0x100000000000000ull },
	{ &pt_fmt_x86_pml4, true, 4, 48, 52, 2, 0x800000000000ull },
	{ &pt_fmt_x86_pml5, true, 5, 57, 52, 2, 0x100000000000000ull },
};

static int t_never(unsigned int flags)
{
	(void)flags;
	return 0;
}

TEST(descriptors)
{
	for (size_t i = 0; i < ARRAY_SIZE(tspecs); i++) {
		const struct tspec *tf = &tspecs[i];
		const struct pt_fmt *f = tf->fmt;
		struct pt_fmt bad;

		CHECK_EQ(pt_fmt_check(f), 0);
		CHECK(f->levels == tf->levels && f->va_bits == tf->va_bits, "%s", f->name);
		CHECK(f->pa_bits == tf->pa_bits && f->max_leaf_level == tf->max_leaf, "%s", f->name);
		CHECK(f->user_min == PG && f->user_top == tf->user_top, "%s", f->name);
		CHECK(f->kernel_base == 0 - tf->user_top, "%s", f->name);
		CHECK(f->is_canonical(f, 0) && f->is_canonical(f, tf->user_top - 1));
		CHECK(f->is_canonical(f, 0 - tf->user_top) && f->is_canonical(f, ~0ull));
		CHECK(!f->is_canonical(f, tf->user_top) && !f->is_canonical(f, 0 - tf->user_top - 1));
		CHECK(!f->is_canonical(f, 1ull << 63) && !f->is_canonical(f, 1ull << 62));
		bad = *f;
		bad.va_bits++;
		CHECK_EQ(pt_fmt_check(&bad), -EINVAL);
		bad = *f;
		bad.user_top >>= 1;
		CHECK_EQ(pt_fmt_check(&bad), -EINVAL);
		bad = *f;
		bad.max_leaf_level = f->levels;
		CHECK_EQ(pt_fmt_check(&bad), -EINVAL);
		bad = *f;
		bad.pfn = NULL;
		CHECK_EQ(pt_fmt_check(&bad), -EINVAL);
		bad = *f;
		bad.flags_check = t_never;
		CHECK_EQ(pt_fmt_check(&bad), 0);
	}
}

/* Known PTEs, bit by bit (RISC-V: V R W X U G A D = bits 0-7, PPN from bit 10). */
TEST(riscv_bits)
{
	const struct pt_fmt *f = &pt_fmt_sv39;
	unsigned int urw = PT_READ | PT_WRITE | PT_USER | PT_ACCESSED | PT_DIRTY;

	CHECK(f->mk_leaf(0x12345, urw, 0) == ((0x12345ull << 10) | 0xd7));
	CHECK(f->mk_leaf(0x80200, PT_READ | PT_EXEC | PT_GLOBAL, 1) == ((0x80200ull << 10) | 0x2b));
	CHECK(f->mk_leaf(0x40000, PT_READ, 2) == ((0x40000ull << 10) | 0x3));
	CHECK(f->mk_leaf(0xfffffffffffull, PT_READ, 0) == (0x003ffffffffffc00ull | 0x3));
	CHECK(pt_fmt_sv57.mk_leaf(7, PT_EXEC, 0) == ((7ull << 10) | 0x9));
	CHECK(f->mk_table(0x87654) == ((0x87654ull << 10) | 0x1));
	CHECK(f->is_valid(0x1) && !f->is_valid(0x3fe));
	CHECK(f->is_leaf(0x3, 1) && f->is_leaf(0x9, 2) && !f->is_leaf(0x1, 1));
	CHECK_EQ(f->pfn(0x200000004c7ull, 0), 0x80000001ull);
	CHECK_EQ(f->pfn(0xffc0000000000001ull, 1), 0);	/* N, PBMT, reserved: not PPN */
	CHECK_EQ(f->leaf_flags(0xd7, 0), urw);
	CHECK_EQ(f->leaf_flags(0x2b, 1), PT_READ | PT_EXEC | PT_GLOBAL);
	CHECK_EQ(f->flags_check(PT_WRITE), -EINVAL);
	CHECK_EQ(f->flags_check(PT_WRITE | PT_EXEC), -EINVAL);
	CHECK_EQ(f->flags_check(PT_EXEC), 0);
	CHECK_EQ(f->flags_check(PT_READ | PT_WRITE), 0);
}

/* Intel: P RW US PWT PCD A D PS G = bits 0-8, address 12..51, XD = 63. */
TEST(x86_bits)
{
	const struct pt_fmt *f = &pt_fmt_x86_pml4;
	unsigned int urw = PT_READ | PT_WRITE | PT_USER | PT_ACCESSED | PT_DIRTY;

	CHECK(f->mk_leaf(0x12345, urw, 0) == (0x8000000000000000ull | (0x12345ull << 12) | 0x67));
	CHECK(f->mk_leaf(0x200, PT_READ | PT_EXEC | PT_GLOBAL, 1) == ((0x200ull << 12) | 0x181));
	CHECK(f->mk_leaf(0x40000, PT_READ | PT_WRITE, 2) ==
	      (0x8000000000000000ull | (0x40000ull << 12) | 0x83));
	CHECK(f->mk_leaf(0xffffffffffull, PT_READ | PT_EXEC, 0) == 0x000ffffffffff001ull);
	CHECK(f->mk_table(0x87654) == ((0x87654ull << 12) | 0x27));
	CHECK(f->is_valid(0x1) && !f->is_valid(0x8000000000000ffeull));
	CHECK(f->is_leaf(0x1, 0) && f->is_leaf(0x81, 1) && !f->is_leaf(0x27, 1));
	/* Bit 12 of a large leaf is PAT, not address; of a PTE it is. */
	CHECK_EQ(f->pfn(0x0000000000201081ull, 1), 0x200);
	CHECK_EQ(f->pfn(0x0000000000201001ull, 0), 0x201);
	CHECK_EQ(f->pfn(0xfff0000000000fffull, 0), 0);
	CHECK_EQ(f->leaf_flags(0x8000000000000067ull, 0), urw);
	CHECK_EQ(f->leaf_flags(0x181, 1), PT_READ | PT_EXEC | PT_GLOBAL);
	CHECK_EQ(f->flags_check(PT_EXEC), -ENOTSUP);
	CHECK_EQ(f->flags_check(PT_WRITE), -ENOTSUP);
	CHECK_EQ(f->flags_check(PT_READ | PT_WRITE | PT_EXEC), 0);
}

TEST(roundtrip)
{
	rnd_seed(1);
	for (size_t i = 0; i < ARRAY_SIZE(tspecs); i++) {
		const struct tspec *tf = &tspecs[i];
		const struct pt_fmt *f = tf->fmt;

		CHECK(!f->is_valid(0));
		for (int n = 0; n < 20000; n++) {
			unsigned int level = (unsigned int)rnd_below(tf->max_leaf + 1);
			unsigned int flags = t_valid_flags(&(struct tfmt){ f, tf->x86 }, rnd() & 1);
			pfn_t pfn = rnd() & ((1ull << (tf->pa_bits - 12)) - 1);
			pfn_t lpfn = pfn & ~((1ull << (9 * level)) - 1);
			pte_t leaf = f->mk_leaf(lpfn, flags, level), tab = f->mk_table(pfn);

			CHECK(f->is_valid(leaf) && f->is_leaf(leaf, level), "%s l%u", f->name, level);
			CHECK(f->pfn(leaf, level) == lpfn && f->leaf_flags(leaf, level) == flags,
			      "%s l%u pfn %#llx flags %#x", f->name, level, (unsigned long long)lpfn,
			      flags);
			for (unsigned int l = 1; l < tf->levels; l++)
				CHECK(f->is_valid(tab) && !f->is_leaf(tab, l) && f->pfn(tab, l) == pfn,
				      "%s table l%u", f->name, l);
		}
		if (test_case_failures)
			return;
	}
}

TEST_MAIN(TEST_CASE(descriptors), TEST_CASE(riscv_bits), TEST_CASE(x86_bits),
	  TEST_CASE(roundtrip))
