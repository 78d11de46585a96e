/*
 * tests/host/vm/pt_kernel_test.c: the page-table walker (vm/pt.c) on the
 * kernel half of all five formats: large leaves (2 MiB, 1 GiB and each
 * format's largest), the rules that never split or merge them, the window's
 * top page, sharing the kernel half with a user root, the W^X walk the
 * kernel's self-test does, and pt_check catching corrupted entries.
 */
#include "pt_env.h"

struct twx {
	size_t n, wx, bytes;
};

/* The kernel self-test's W^X check, as a walk. */
static int t_wx_leaf(void *arg, const struct pt_leaf *leaf)
{
	struct twx *w = arg;

	w->n++;
	w->bytes += leaf->size;
	w->wx += (leaf->flags & PT_WRITE) && (leaf->flags & PT_EXEC);
	return w->n == 1000;
}

static void kernel_conflicts(const struct pt_ctx *k, vaddr_t kb)
{
	const vaddr_t G = 1ull << 30, M2 = 1ull << 21;
	unsigned int rw = PT_READ | PT_WRITE | PT_GLOBAL;
	struct tcollect c = { .n = 0 };
	struct pt_report rep = { t_collect, &c };
	size_t need;

	/* Never split or merge: another size in the way is -EEXIST. */
	CHECK_EQ(pt_map(k, kb + 4 * G, 0, 1, rw, PT_EXISTING_REPLACE, NULL), -EEXIST);
	CHECK_EQ(pt_tables_needed(k, kb + 4 * G + PG, 1, &need), -EEXIST);
	CHECK_EQ(pt_map_large(k, kb + 8 * G, 0, 1, 1, rw, PT_EXISTING_REPLACE, NULL), -EEXIST);
	CHECK_EQ(pt_map_large(k, kb + 4 * G, 0, 1, 2, rw, PT_EXISTING_REPLACE, NULL), -EEXIST);
	CHECK_EQ(pt_map_large(k, kb + 4 * G + M2, 10 * G, 1, 1, rw, PT_EXISTING_REPLACE, &rep), 0);
	CHECK(c.n == 1 && c.leaf[0].size == M2 && c.leaf[0].pa == 6 * G + M2 &&
	      c.leaf[0].flags == (PT_READ | PT_EXEC | PT_GLOBAL) && c.leaf[0].level == 1);
	/* Edits must cover a large leaf whole. */
	CHECK_EQ(pt_unmap(k, kb + 4 * G, 1, NULL), -EINVAL);
	CHECK_EQ(pt_protect(k, kb + 4 * G + PG, 511, PT_READ), -EINVAL);
	CHECK_EQ(pt_clear_accessed(k, kb + 4 * G + M2 - PG, 2, NULL), -EINVAL);
	c.n = 0;
	CHECK_EQ(pt_unmap(k, kb + 4 * G, 512, &rep), 0);
	CHECK(c.n == 1 && c.leaf[0].va == kb + 4 * G && c.leaf[0].size == M2);
	CHECK_EQ(pt_protect(k, kb, G / PG, PT_READ | PT_GLOBAL), 0);
	c.n = 0;
	CHECK_EQ(pt_clear_accessed(k, kb, G / PG, &rep), 0);
	CHECK(c.n == 1 && c.leaf[0].flags == (PT_READ | PT_GLOBAL | PT_AD_MASK));
	CHECK_EQ(pt_set_ad(k, kb + 5, PT_DIRTY), -EACCES);
	CHECK_EQ(pt_set_ad(k, kb + 5, PT_ACCESSED), 0);
	/* Bad levels, flags, alignment; the window's ends. */
	CHECK_EQ(pt_map_large(k, kb, 0, 1, k->fmt->max_leaf_level + 1, rw, 0, NULL), -EINVAL);
	CHECK_EQ(pt_map(k, kb + 9 * G, 0, 1, rw | PT_USER, 0, NULL), -EINVAL);
	CHECK_EQ(pt_map_large(k, kb + 9 * G + PG, 0, 1, 1, rw, 0, NULL), -EINVAL);
	CHECK_EQ(pt_map_large(k, kb + 9 * G, PG, 1, 1, rw, 0, NULL), -EINVAL);
	CHECK_EQ(pt_map(k, 0 - PG, PG, 1, rw, 0, NULL), 0);
	CHECK_EQ(pt_map(k, 0 - PG, PG, 2, rw, 0, NULL), -EOVERFLOW);
	CHECK_EQ(pt_map(k, kb - PG, PG, 1, rw, 0, NULL), -EFAULT);
	CHECK_EQ(pt_map(k, PG, PG, 1, rw, 0, NULL), -EFAULT);
}

static void kernel_share(const struct pt_ctx *k)
{
	const struct pt_fmt *f = k->fmt;
	unsigned int half = pt_entries(f) / 2;
	paddr_t uroot = t_root();
	pte_t *ur = t_virt(NULL, uroot), *kr = t_virt(NULL, k->root);
	struct pt_leaf leaf;
	struct pt_ctx u;

	pt_share_kernel_half(f, ur, kr);
	REQUIRE(pt_ctx_init(&u, f, uroot, PT_SPACE_USER, &tenv, NULL) == 0);
	CHECK_EQ(pt_query(&u, f->kernel_base, &leaf), -EFAULT);
	CHECK_EQ(pt_map(&u, PG, 0, 1, PT_READ | PT_USER, 0, NULL), 0);
	CHECK_EQ(pt_check(&u), 0);
	pt_destroy(&u);
	CHECK(memcmp(ur + half, kr + half, half * sizeof(pte_t)) == 0);
	for (unsigned int i = 0; i < half; i++)
		CHECK(ur[i] == 0);
	tphys_put(uroot);
}

static void kernel_large_one(const struct tfmt *tf)
{
	const struct pt_fmt *f = tf->fmt;
	const vaddr_t G = 1ull << 30, M2 = 1ull << 21, kb = f->kernel_base;
	unsigned int rw = PT_READ | PT_WRITE | PT_GLOBAL | PT_AD_MASK;
	unsigned int rx = PT_READ | PT_EXEC | PT_GLOBAL;
	vaddr_t mid = kb + (0 - kb) / 2;
	struct twx wx = { 0, 0, 0 };
	struct pt_leaf leaf;
	struct pt_ctx k;
	size_t need;

	tphys_reset();
	REQUIRE(pt_ctx_init(&k, f, t_root(), PT_SPACE_KERNEL, &tenv, NULL) == 0);
	CHECK(!k.free_empty);
	CHECK_EQ(pt_tables_needed_large(&k, kb, 2, 2, &need), 0);
	CHECK_EQ(need, tf->fmt->levels - 3);
	CHECK_EQ(pt_map_large(&k, kb, 0, 2, 2, rw, PT_EXISTING_ERROR, NULL), 0);
	CHECK_EQ(tp.live, 1 + (long)need);
	CHECK_EQ(pt_tables_needed_large(&k, kb + 4 * G, 3, 1, &need), 0);
	CHECK_EQ(need, 1);
	CHECK_EQ(pt_map_large(&k, kb + 4 * G, 6 * G, 3, 1, rx, PT_EXISTING_ERROR, NULL), 0);
	CHECK_EQ(pt_tables_needed(&k, kb + 8 * G + PG, 5, &need), 0);
	CHECK_EQ(need, 2);
	CHECK_EQ(pt_map(&k, kb + 8 * G + PG, PG, 5, rw, PT_EXISTING_ERROR, NULL), 0);
	CHECK_EQ(pt_map_large(&k, mid, 0, 1, tf->fmt->max_leaf_level, rx, PT_EXISTING_ERROR, NULL), 0);
	CHECK(pt_query(&k, kb + G + 0x1234, &leaf) == 0 && leaf.level == 2 && leaf.va == kb + G &&
	      leaf.pa == G && leaf.size == G && leaf.flags == rw);
	CHECK(pt_query(&k, kb + 4 * G + M2 + 5, &leaf) == 0 && leaf.level == 1 &&
	      leaf.va == kb + 4 * G + M2 && leaf.pa == 6 * G + M2 && leaf.flags == rx);
	CHECK(pt_query(&k, kb + 8 * G + 3 * PG + 7, &leaf) == 0 && leaf.level == 0 &&
	      leaf.pa == 3 * PG);
	CHECK(pt_query(&k, mid + 12345, &leaf) == 0 && leaf.level == tf->fmt->max_leaf_level &&
	      leaf.va == mid && leaf.size == 1ull << (12 + 9 * tf->fmt->max_leaf_level));
	CHECK_EQ(pt_query(&k, kb + 8 * G, &leaf), -ENOENT);
	CHECK_EQ(pt_walk_leaves(&k, t_wx_leaf, &wx), 0);
	CHECK(wx.n == 11 && wx.wx == 0 && wx.bytes == 2 * G + 3 * M2 + 5 * PG + leaf.size);
	CHECK_EQ(pt_check(&k), 0);
	kernel_conflicts(&k, kb);
	CHECK(pt_query(&k, ~0ull, &leaf) == 0 && leaf.va == 0 - PG && leaf.pa == PG);
	CHECK(pt_query(&k, kb, &leaf) == 0 && leaf.flags == (PT_READ | PT_GLOBAL | PT_AD_MASK));
	CHECK_EQ(pt_check(&k), 0);
	kernel_share(&k);
	pt_destroy(&k);
	CHECK_EQ(tp.live, 1);
	tphys_put(k.root);
	tphys_reset();
}

TEST(kernel_large)
{
	for (size_t i = 0; i < ARRAY_SIZE(tfmts); i++)
		kernel_large_one(&tfmts[i]);
}

/* ---------------------------------------------- the checker catches ----- */

static void checker_one(const struct tfmt *tf)
{
	const struct pt_fmt *f = tf->fmt;
	unsigned int rw = PT_READ | PT_WRITE;
	struct pt_ctx u, k;
	pte_t *slot, saved;

	tphys_reset();
	REQUIRE(pt_ctx_init(&u, f, t_root(), PT_SPACE_USER, &tenv, NULL) == 0);
	REQUIRE(pt_map(&u, 5 * PG, 0, 1, rw | PT_USER, 0, NULL) == 0);
	slot = t_slot(&u, 5 * PG, 0);
	saved = *slot;
	CHECK_EQ(pt_check(&u), 0);
	*slot = saved | (tf->x86 ? 1ull << 11 : 1ull << 54);	/* a bit no format sets */
	CHECK_EQ(pt_check(&u), -EINVAL);
	*slot = saved & ~(tf->x86 ? 1ull << 2 : 1ull << 4);	/* U cleared */
	CHECK_EQ(pt_check(&u), -EINVAL);
	*slot = tf->x86 ? saved | (1ull << 7) : saved & ~(1ull << 1);	/* PAT / W without R */
	CHECK_EQ(pt_check(&u), -EINVAL);
	*slot = saved;
	CHECK_EQ(pt_check(&u), 0);
	u.free_empty = false;
	CHECK_EQ(pt_unmap(&u, 5 * PG, 1, NULL), 0);
	u.free_empty = true;
	CHECK_EQ(pt_check(&u), -EINVAL);	/* an empty table left linked */
	pt_destroy(&u);
	CHECK(pt_check(&u) == 0 && tp.live == 1);
	tphys_put(u.root);

	REQUIRE(pt_ctx_init(&k, f, t_root(), PT_SPACE_KERNEL, &tenv, NULL) == 0);
	REQUIRE(pt_map_large(&k, f->kernel_base + (1ull << 21), 1ull << 21, 1, 1, rw, 0, NULL) == 0);
	REQUIRE(pt_map(&k, f->kernel_base + (1ull << 22), 0, 1, rw, 0, NULL) == 0);
	slot = t_slot(&k, f->kernel_base + (1ull << 21), 1);
	saved = *slot;
	*slot = f->mk_leaf(f->pfn(saved, 1) + 1, rw, 1);	/* misaligned frame */
	CHECK_EQ(pt_check(&k), -EINVAL);
	*slot = saved;
	slot = t_slot(&k, f->kernel_base + (1ull << 22), 0);
	saved = *slot;
	*slot = f->mk_table(9);		/* a table pointer at level 0 */
	CHECK_EQ(pt_check(&k), -EINVAL);	/* x86: reads as a leaf with PT_USER */
	*slot = saved;
	CHECK_EQ(pt_check(&k), 0);
	pt_destroy(&k);
	tphys_put(k.root);
	CHECK_EQ(tp.live, 0);
	tphys_reset();
}

TEST(checker_detects)
{
	for (size_t i = 0; i < ARRAY_SIZE(tfmts); i++)
		checker_one(&tfmts[i]);
}

TEST_MAIN(TEST_CASE(kernel_large), TEST_CASE(checker_detects))
