/*
 * tests/host/vm/pt_test.c: the page-table walker (vm/pt.c) on the user half
 * of all five formats, in fake physical memory (pt_env.h).
 *
 * The differential tests keep a model of the user half as a few "zones" of
 * per-page records (the bottom and top of the half and ranges straddling a
 * table boundary at every level) and compare every return code, report,
 * query, the full leaf set and the exact number of live tables with it.
 * Named edge cases, allocation failure and exact reservation follow.
 * The kernel half and large leaves: pt_kernel_test.c; the PTE formats:
 * pt_fmt_test.c.
 */
#include "pt_env.h"

/* -------------------------------------------------------- the model ----- */

struct mpage {
	bool mapped;
	unsigned int flags;
	paddr_t pa;
};

struct zone {
	vaddr_t base;		/* page aligned; zones ascend and never overlap */
	size_t n;
	struct mpage *pg;
};

#define ZONE_PAGES 1024
#define MAX_ZONES (PT_MAX_LEVELS + 1)

struct model {
	const struct tfmt *tf;
	struct zone z[MAX_ZONES];
	size_t nz;
};

/*
 * Zones: the bottom of the user half (page 0 included: never mappable),
 * one straddling a table boundary of each level 1..levels-2 (at rising
 * fractions of the half), and the top.
 */
static struct mpage model_pages[MAX_ZONES][ZONE_PAGES];

static void model_init(struct model *m, const struct tfmt *tf)
{
	memset(m, 0, sizeof(*m));
	m->tf = tf;
	m->z[m->nz++].base = 0;
	for (unsigned int l = 1; l + 1 < tf->fmt->levels; l++) {
		vaddr_t span = 1ull << (12 + 9 * (l + 1));
		vaddr_t b = (tf->fmt->user_top / (tf->fmt->levels + 1) * (l + 1)) & ~(span - 1);

		m->z[m->nz++].base = b - ZONE_PAGES / 2 * PG;
	}
	m->z[m->nz++].base = tf->fmt->user_top - ZONE_PAGES * PG;
	for (size_t i = 0; i < m->nz; i++) {
		m->z[i].n = ZONE_PAGES;
		m->z[i].pg = model_pages[i];
		memset(model_pages[i], 0, sizeof(model_pages[i]));
		REQUIRE(i == 0 || m->z[i].base >= m->z[i - 1].base + ZONE_PAGES * PG);
	}
}

static struct mpage *model_page(struct model *m, vaddr_t va)
{
	for (size_t i = 0; i < m->nz; i++)
		if (va >= m->z[i].base && va - m->z[i].base < m->z[i].n * PG)
			return &m->z[i].pg[(va - m->z[i].base) / PG];
	return NULL;
}

/* Expected codes, written from the contract in vm/pt.h, not from pt.c. */
static int model_flags(const struct tfmt *tf, unsigned int flags)
{
	if ((flags & ~0x1ffu) || !(flags & PT_RWX) || !(flags & PT_USER) || (flags & PT_GLOBAL))
		return -EINVAL;
	if (tf->x86)
		return (flags & PT_READ) ? 0 : -ENOTSUP;
	return (flags & PT_WRITE) && !(flags & PT_READ) ? -EINVAL : 0;
}

static int model_range(const struct tfmt *tf, vaddr_t va, size_t n)
{
	unsigned __int128 end = (unsigned __int128)va + (unsigned __int128)n * PG;

	if (n == 0 || va % PG)
		return -EINVAL;
	if (end > ((unsigned __int128)1 << 64))
		return -EOVERFLOW;
	return va < PG || end > tf->fmt->user_top ? -EFAULT : 0;
}

static int model_pa(const struct tfmt *tf, paddr_t pa, size_t n)
{
	unsigned __int128 end = (unsigned __int128)pa + (unsigned __int128)n * PG;

	if (pa % PG)
		return -EINVAL;
	if (end > ((unsigned __int128)1 << 64))
		return -EOVERFLOW;
	return end > ((unsigned __int128)1 << tf->fmt->pa_bits) ? -ERANGE : 0;
}

static bool model_any_mapped(struct model *m, vaddr_t va, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (model_page(m, va + i * PG)->mapped)
			return true;
	return false;
}

/* The tables a tree holding exactly the model's pages has, root excluded. */
static size_t model_tables(struct model *m)
{
	size_t count = 0;

	for (unsigned int l = 0; l + 1 < m->tf->fmt->levels; l++) {
		vaddr_t last = ~0ull;

		for (size_t z = 0; z < m->nz; z++)
			for (size_t i = 0; i < m->z[z].n; i++) {
				vaddr_t key = (m->z[z].base + i * PG) >> (12 + 9 * (l + 1));

				if (m->z[z].pg[i].mapped && key != last) {
					count++;
					last = key;
				}
			}
	}
	return count;
}

struct tcmp {
	struct model *m;
	size_t n;
	vaddr_t prev;
};

static int t_cmp_leaf(void *arg, const struct pt_leaf *leaf)
{
	struct tcmp *c = arg;
	struct mpage *mp = model_page(c->m, leaf->va);

	CHECK(c->n == 0 || leaf->va > c->prev, "walk order");
	CHECK(mp && mp->mapped, "stray leaf at %#llx", (unsigned long long)leaf->va);
	if (mp)
		CHECK(leaf->pa == mp->pa && leaf->flags == mp->flags && leaf->size == PG &&
		      leaf->level == 0, "leaf at %#llx differs", (unsigned long long)leaf->va);
	c->prev = leaf->va;
	c->n++;
	return 0;
}

/* model_compare: the whole tree against the model, and the table count. */
static void model_compare(struct model *m, const struct pt_ctx *ctx)
{
	struct tcmp c = { .m = m };
	size_t mapped = 0;

	for (size_t z = 0; z < m->nz; z++)
		for (size_t i = 0; i < m->z[z].n; i++)
			mapped += m->z[z].pg[i].mapped;
	CHECK_EQ(pt_walk_leaves(ctx, t_cmp_leaf, &c), 0);
	CHECK_EQ(c.n, mapped);
	CHECK_EQ(pt_check(ctx), 0);
	CHECK_EQ(tp.live, 1 + (long)model_tables(m));
}

/* ---------------------------------------------- random operations ------ */

/*
 * A range in a zone, often at its ends; past the top zone it leaves the
 * half. @big ranges (for unmap) empty whole tables.
 */
static void pick_range(struct model *m, bool big, vaddr_t *va, size_t *n)
{
	size_t z = rnd_below(m->nz);
	size_t s = rnd_below(4) ? rnd_below(ZONE_PAGES) : (rnd() & 1 ? rnd_below(4) :
							   ZONE_PAGES - 1 - rnd_below(70));

	*n = 1 + (rnd_below(4) ? rnd_below(8) : rnd_below(64));
	if (big)
		*n = 1 + rnd_below(ZONE_PAGES);
	if (z + 1 < m->nz || rnd_below(8))
		*n = MIN(*n, ZONE_PAGES - s);
	*va = m->z[z].base + s * PG;
}

/* Addresses outside the half, misaligned ranges, zero and huge counts. */
static void pick_bad_range(struct model *m, vaddr_t *va, size_t *n)
{
	vaddr_t top = m->tf->fmt->user_top;

	*n = 1 + rnd_below(4);
	switch (rnd_below(7)) {
	case 0: *va = top; break;
	case 1: *va = top - PG; *n = 2; break;
	case 2: *va = 0 - top - PG * rnd_below(2); break;
	case 3: *va = rnd() | (1ull << 63); *va &= ~(PG - 1); break;
	case 4: *va = 0ull - PG; *n = 2; break;
	case 5: *va = PG + 1 + rnd_below(PG - 1); break;
	default: *va = PG; *n = rnd() & 1 ? 0 : ~(size_t)0 / 2; break;
	}
}

static unsigned int pick_flags(const struct tfmt *tf)
{
	if (rnd_below(16) == 0)
		return (unsigned int)rnd() & 0x3ff;
	return t_valid_flags(tf, true);
}

static paddr_t pick_pa(const struct tfmt *tf)
{
	paddr_t lim = 1ull << tf->fmt->pa_bits;

	switch (rnd_below(32)) {
	case 0: return lim - PG * rnd_below(4);
	case 1: return rnd_below(lim) | 8;
	case 2: return ~0ull & ~(PG - 1);
	default: return rnd_below(lim - (1ull << 20)) & ~(PG - 1);
	}
}

/* Outcomes of the random maps, by -errno (0: mapped), printed per format. */
static unsigned long map_outcome[PAGODA_EMAX + 1];

static void op_map(struct model *m, const struct pt_ctx *ctx, vaddr_t va, size_t n)
{
	unsigned int flags = pick_flags(m->tf);
	paddr_t pa = pick_pa(m->tf);
	enum pt_existing ex = (enum pt_existing)(rnd_below(64) ? rnd_below(3) : 3);
	int want = model_flags(m->tf, flags);
	struct tcollect c = { .n = 0 };
	struct pt_report rep = { t_collect, &c };
	size_t need = 0, r = 0;
	long fail = -1, allocs = tp.allocs, live = tp.live;
	int err;

	want = want ? want : model_range(m->tf, va, n);
	want = want ? want : model_pa(m->tf, pa, n);
	want = want ? want : (ex > PT_EXISTING_REPLACE ? -EINVAL : 0);
	if (!want) {
		CHECK_EQ(pt_tables_needed(ctx, va, n, &need), 0);
		if (ex == PT_EXISTING_ERROR && model_any_mapped(m, va, n))
			want = -EEXIST;
		else if (rnd_below(need ? 3 : 16) == 0)
			fail = (long)rnd_below(need + 1);
	}
	tp.fail_after = fail;
	err = pt_map(ctx, va, pa, n, flags, ex, &rep);
	tp.fail_after = -1;
	if (fail >= 0 && (size_t)fail < need)
		want = -ENOMEM;
	map_outcome[err < 0 && err >= -PAGODA_EMAX ? -err : 0]++;
	CHECK(err == want, "map %#llx+%zu flags %#x pa %#llx ex %d: %d, want %d",
	      (unsigned long long)va, n, flags, (unsigned long long)pa, ex, err, want);
	if (err) {
		CHECK(c.n == 0 && tp.live == live);
		if (err == -ENOMEM)
			model_compare(m, ctx);
		return;
	}
	CHECK_EQ(tp.allocs - allocs, need);
	for (size_t i = 0; i < n; i++) {
		struct mpage *mp = model_page(m, va + i * PG);

		if (mp->mapped && ex == PT_EXISTING_SKIP)
			continue;
		if (mp->mapped && r < c.n)
			CHECK(c.leaf[r].va == va + i * PG && c.leaf[r].pa == mp->pa &&
			      c.leaf[r].flags == mp->flags && c.leaf[r].size == PG);
		r += mp->mapped;
		*mp = (struct mpage){ true, flags, pa + i * PG };
	}
	CHECK_EQ(c.n, r);
}

/* unmap (@kind 0), clear_accessed (1) or protect (2) over [va, +n). */
static void op_edit(struct model *m, const struct pt_ctx *ctx, vaddr_t va, size_t n, int kind)
{
	unsigned int prot = pick_flags(m->tf) & (rnd_below(8) ? PT_PERM_MASK : 0xff);
	struct tcollect c = { .n = 0 };
	struct pt_report rep = { t_collect, &c };
	int want = 0;
	size_t r = 0;
	int err;

	if (kind == 2)
		want = (prot & ~PT_PERM_MASK) ? -EINVAL : model_flags(m->tf, prot);
	want = want ? want : model_range(m->tf, va, n);
	if (kind == 0)
		err = pt_unmap(ctx, va, n, &rep);
	else if (kind == 1)
		err = pt_clear_accessed(ctx, va, n, &rep);
	else
		err = pt_protect(ctx, va, n, prot);
	CHECK(err == want, "edit %d %#llx+%zu: %d, want %d", kind, (unsigned long long)va, n, err,
	      want);
	if (err)
		return;
	for (size_t i = 0; i < n; i++) {
		struct mpage *mp = model_page(m, va + i * PG);

		if (!mp->mapped)
			continue;
		if (kind < 2 && r < c.n)
			CHECK(c.leaf[r].va == va + i * PG && c.leaf[r].pa == mp->pa &&
			      c.leaf[r].flags == mp->flags, "report %zu of edit %d", r, kind);
		r++;
		if (kind == 0)
			mp->mapped = false;
		else if (kind == 1)
			mp->flags &= ~PT_ACCESSED;
		else
			mp->flags = (mp->flags & (PT_AD_MASK | PT_SOFT_MASK)) | prot;
	}
	CHECK_EQ(c.n, kind < 2 ? r : 0);
}

static void op_query(struct model *m, const struct pt_ctx *ctx, vaddr_t va)
{
	struct mpage *mp = model_page(m, va & ~(PG - 1));
	struct pt_leaf leaf;
	int want = va < PG || va >= m->tf->fmt->user_top ? -EFAULT : (mp && mp->mapped ? 0 : -ENOENT);
	int err = pt_query(ctx, va, &leaf);

	CHECK(err == want, "query %#llx: %d, want %d", (unsigned long long)va, err, want);
	if (!err && !want)
		CHECK(leaf.va == (va & ~(PG - 1)) && leaf.pa == mp->pa && leaf.flags == mp->flags &&
		      leaf.size == PG && leaf.level == 0, "query %#llx", (unsigned long long)va);
}

static void op_set_ad(struct model *m, const struct pt_ctx *ctx, vaddr_t va)
{
	unsigned int ad = rnd_below(16) ? 1 + (unsigned int)rnd_below(3) : (unsigned int)rnd_below(256);
	struct mpage *mp = model_page(m, va & ~(PG - 1));
	int want = 0, err;

	ad = ad < 4 ? ad * PT_ACCESSED : ad;	/* 1, 2, 3 -> A, D, A|D */
	if (ad == 0 || (ad & ~PT_AD_MASK))
		want = -EINVAL;
	else if (va < PG || va >= m->tf->fmt->user_top)
		want = -EFAULT;
	else if (!mp || !mp->mapped)
		want = -ENOENT;
	else if ((ad & PT_DIRTY) && !(mp->flags & PT_WRITE))
		want = -EACCES;
	err = pt_set_ad(ctx, va, ad);
	CHECK(err == want, "set_ad %#llx %#x: %d, want %d", (unsigned long long)va, ad, err, want);
	if (!err && !want)
		mp->flags |= ad;
}

static void random_ops(const struct tfmt *tf, unsigned long nops, const struct pt_env *env)
{
	struct model m;
	struct pt_ctx ctx;
	paddr_t root;

	tphys_reset();
	root = t_root();
	rnd_seed(tf->fmt->levels * 2 + tf->x86);
	REQUIRE(pt_ctx_init(&ctx, tf->fmt, root, PT_SPACE_USER, env, NULL) == 0);
	model_init(&m, tf);
	ktap_diag("%s: seed %#llx, %lu operations, %s", tf->fmt->name, test_seed(), nops,
		  env->table_live ? "entry counts" : "scans");
	for (unsigned long i = 0; i < nops && !test_case_failures; i++) {
		unsigned int kind = (unsigned int)rnd_below(100);
		vaddr_t va;
		size_t n;

		if (rnd_below(25) == 0)
			pick_bad_range(&m, &va, &n);
		else
			pick_range(&m, kind >= 45 && kind < 65 && rnd_below(4) == 0, &va, &n);
		if (kind < 45)
			op_map(&m, &ctx, va, n);
		else if (kind < 65)
			op_edit(&m, &ctx, va, n, 0);
		else if (kind < 72)
			op_edit(&m, &ctx, va, n, 1);
		else if (kind < 82)
			op_edit(&m, &ctx, va, n, 2);
		else if (kind < 92)
			op_query(&m, &ctx, va + rnd_below(n ? n * PG : 1));
		else
			op_set_ad(&m, &ctx, va + rnd_below(PG));
		if (i % 64 == 0 || test_case_failures)
			model_compare(&m, &ctx);
		if (test_case_failures)
			ktap_diag("failed at operation %lu (PAGODA_SEED=%#llx)", i, test_seed());
	}
	model_compare(&m, &ctx);
	ktap_diag("maps: %lu done, %lu EEXIST, %lu ENOMEM, %lu EFAULT, %lu EINVAL, %lu other; "
		  "%ld tables allocated", map_outcome[0], map_outcome[EEXIST], map_outcome[ENOMEM],
		  map_outcome[EFAULT], map_outcome[EINVAL],
		  map_outcome[EOVERFLOW] + map_outcome[ERANGE] + map_outcome[ENOTSUP], tp.allocs);
	memset(map_outcome, 0, sizeof(map_outcome));
	pt_destroy(&ctx);
	CHECK_EQ(tp.live, 1);
	CHECK_EQ(t_nleaves(&ctx), 0);
	tphys_put(root);
	tphys_reset();
}

/* The formats the kernels use run with entry counts, as the kernel does; the others scan. */
TEST(random_sv39) { random_ops(&tfmts[0], test_iterations(150000), &tenv_live); }
TEST(random_sv48) { random_ops(&tfmts[1], test_iterations(150000), &tenv); }
TEST(random_sv57) { random_ops(&tfmts[2], test_iterations(150000), &tenv_live); }
TEST(random_x86_pml4) { random_ops(&tfmts[3], test_iterations(150000), &tenv_live); }
TEST(random_x86_pml5) { random_ops(&tfmts[4], test_iterations(150000), &tenv); }

/* ------------------------------------------------ named edge cases ----- */

/* Flags: the format's rules, then the user rules; no large leaves. */
static void user_flags(const struct tfmt *tf, const struct pt_ctx *u)
{
	unsigned int f = PT_READ | PT_WRITE | PT_USER, xo = PT_EXEC | PT_USER;
	size_t need;

	CHECK_EQ(pt_map(u, 8 * PG, 0, 1, PT_WRITE | PT_USER, 0, NULL), tf->x86 ? -ENOTSUP : -EINVAL);
	CHECK_EQ(pt_map(u, 8 * PG, 0, 1, xo, 0, NULL), tf->x86 ? -ENOTSUP : 0);
	CHECK_EQ(pt_map(u, 9 * PG, 0, 1, PT_READ, 0, NULL), -EINVAL);
	CHECK_EQ(pt_map(u, 9 * PG, 0, 1, f | PT_GLOBAL, 0, NULL), -EINVAL);
	CHECK_EQ(pt_map(u, 9 * PG, 0, 1, f | (1u << 9), 0, NULL), -EINVAL);
	CHECK_EQ(pt_map(u, 9 * PG, 0, 1, PT_USER | PT_ACCESSED, 0, NULL), -EINVAL);
	CHECK_EQ(pt_map_large(u, 1ull << 21, 0, 1, 1, f, 0, NULL), -EINVAL);
	CHECK_EQ(pt_tables_needed_large(u, 1ull << 21, 1, 1, &need), -EINVAL);
	CHECK_EQ(pt_protect(u, PG, 1, f | PT_DIRTY), -EINVAL);
	CHECK_EQ(pt_map(u, 4 * PG, 0, 1, f, (enum pt_existing)7, NULL), -EINVAL);
}

/* The bottom and top pages, ranges leaving the half, the physical limit. */
static void user_ends(const struct tfmt *tf, const struct pt_ctx *u)
{
	unsigned int f = PT_READ | PT_WRITE | PT_USER;
	vaddr_t top = tf->fmt->user_top;
	paddr_t palim = 1ull << tf->fmt->pa_bits;
	struct tcollect c = { .n = 0 };
	struct pt_report rep = { t_collect, &c };
	struct pt_leaf leaf;

	CHECK_EQ(pt_map(u, 0, PG, 1, f, PT_EXISTING_ERROR, NULL), -EFAULT);
	CHECK_EQ(pt_map(u, PG, PG, 1, f, PT_EXISTING_ERROR, NULL), 0);
	CHECK_EQ(pt_map(u, top - PG, 2 * PG, 1, f, PT_EXISTING_ERROR, NULL), 0);
	CHECK_EQ(pt_map(u, top - PG, 2 * PG, 2, f, PT_EXISTING_ERROR, NULL), -EFAULT);
	CHECK_EQ(pt_map(u, top, 0, 1, f, PT_EXISTING_ERROR, NULL), -EFAULT);
	CHECK_EQ(pt_map(u, 0 - top, 0, 1, f, PT_EXISTING_ERROR, NULL), -EFAULT);
	CHECK_EQ(pt_map(u, 0 - PG, 0, 2, f, PT_EXISTING_ERROR, NULL), -EOVERFLOW);
	CHECK_EQ(pt_map(u, 4 * PG, 0, 0, f, PT_EXISTING_ERROR, NULL), -EINVAL);
	CHECK_EQ(pt_map(u, 4 * PG + 8, 0, 1, f, PT_EXISTING_ERROR, NULL), -EINVAL);
	CHECK_EQ(pt_map(u, 4 * PG, 0, ~(size_t)0, f, PT_EXISTING_ERROR, NULL), -EOVERFLOW);
	CHECK_EQ(pt_map(u, 4 * PG, 8, 1, f, PT_EXISTING_ERROR, NULL), -EINVAL);
	CHECK_EQ(pt_map(u, 4 * PG, palim - PG, 2, f, PT_EXISTING_ERROR, NULL), -ERANGE);
	CHECK_EQ(pt_map(u, 4 * PG, 0ull - PG, 2, f, PT_EXISTING_ERROR, NULL), -EOVERFLOW);
	CHECK_EQ(pt_map(u, 4 * PG, palim - PG, 1, f, PT_EXISTING_ERROR, NULL), 0);
	CHECK_EQ(pt_map(u, 4 * PG, 0, 1, f, PT_EXISTING_ERROR, NULL), -EEXIST);
	CHECK_EQ(pt_map(u, 4 * PG, 0, 1, f, PT_EXISTING_SKIP, &rep), 0);
	CHECK(pt_query(u, 4 * PG, &leaf) == 0 && leaf.pa == palim - PG && c.n == 0);
	CHECK_EQ(pt_map(u, 4 * PG, 0, 1, f, PT_EXISTING_REPLACE, &rep), 0);
	CHECK(c.n == 1 && c.leaf[0].pa == palim - PG && c.leaf[0].flags == f);
	CHECK(pt_query(u, top - 1, &leaf) == 0 && leaf.va == top - PG && leaf.pa == 2 * PG);
	CHECK(pt_query(u, PG, &leaf) == 0 && leaf.pa == PG && leaf.flags == f);
	CHECK_EQ(pt_query(u, PG - 1, &leaf), -EFAULT);
	CHECK_EQ(pt_query(u, top, &leaf), -EFAULT);
	CHECK_EQ(pt_query(u, ~0ull, &leaf), -EFAULT);
	CHECK_EQ(pt_query(u, 2 * PG, &leaf), -ENOENT);
	c.n = 0;
	CHECK_EQ(pt_unmap(u, top - PG, 1, &rep), 0);
	CHECK(c.n == 1 && c.leaf[0].va == top - PG && c.leaf[0].pa == 2 * PG);
	CHECK_EQ(pt_unmap(u, top - PG, 2, &rep), -EFAULT);
}

static void user_edges_one(const struct tfmt *tf)
{
	unsigned int f = PT_READ | PT_WRITE | PT_USER;
	struct tcollect c = { .n = 0 };
	struct pt_report rep = { t_collect, &c };
	struct pt_leaf leaf;
	struct pt_ctx u;

	tphys_reset();
	REQUIRE(pt_ctx_init(&u, tf->fmt, t_root(), PT_SPACE_USER, &tenv, NULL) == 0);
	user_ends(tf, &u);
	user_flags(tf, &u);
	/* Protect across a hole changes the pages around it only. */
	CHECK_EQ(pt_map(&u, 20 * PG, 0, 1, f, 0, NULL), 0);
	CHECK_EQ(pt_map(&u, 22 * PG, 0, 1, f, 0, NULL), 0);
	CHECK_EQ(pt_protect(&u, 20 * PG, 3, PT_READ | PT_USER), 0);
	CHECK(pt_query(&u, 22 * PG, &leaf) == 0 && leaf.flags == (PT_READ | PT_USER));
	CHECK_EQ(pt_query(&u, 21 * PG, &leaf), -ENOENT);
	/* Unmapping nothing is fine and reports nothing. */
	CHECK_EQ(pt_unmap(&u, 1ull << 30, 100, &rep), 0);
	CHECK_EQ(c.n, 0);
	CHECK_EQ(pt_check(&u), 0);
	/* Unmapping everything frees every table. */
	CHECK_EQ(pt_unmap(&u, PG, 100, NULL), 0);
	CHECK_EQ(tp.live, 1);
	pt_destroy(&u);
	tphys_put(u.root);
	CHECK_EQ(tp.live, 0);
	tphys_reset();
}

TEST(user_edges)
{
	for (size_t i = 0; i < ARRAY_SIZE(tfmts); i++)
		user_edges_one(&tfmts[i]);
}

/* A map that cannot get all its tables changes nothing and leaks nothing. */
static void alloc_failure_one(const struct tfmt *tf)
{
	unsigned int f = PT_READ | PT_USER | PT_ACCESSED;
	vaddr_t b = 1ull << (12 + 9 * (tf->fmt->levels - 1));	/* a root-entry boundary */
	struct tcollect c = { .n = 0 };
	struct pt_report rep = { t_collect, &c };
	struct pt_leaf leaf;
	struct pt_ctx u;
	size_t need;

	tphys_reset();
	REQUIRE(pt_ctx_init(&u, tf->fmt, t_root(), PT_SPACE_USER, &tenv, NULL) == 0);
	CHECK_EQ(pt_tables_needed(&u, b - 200 * PG, 400, &need), 0);
	CHECK_EQ(need, 2 * (tf->fmt->levels - 1));
	for (size_t k = 0; k < need; k++) {
		tp.fail_after = (long)k;
		CHECK_EQ(pt_map(&u, b - 200 * PG, 0, 400, f, 0, NULL), -ENOMEM);
		CHECK(tp.live == 1 && t_nleaves(&u) == 0 && pt_check(&u) == 0, "k=%zu", k);
	}
	tp.fail_after = (long)need;
	CHECK_EQ(pt_map(&u, b - 200 * PG, 0, 400, f, 0, NULL), 0);
	CHECK(tp.live == 1 + (long)need && t_nleaves(&u) == 400);
	/* Replacing over the mapped pages and beyond: two more tables. */
	CHECK_EQ(pt_tables_needed(&u, b - 200 * PG, 1400, &need), 0);
	CHECK_EQ(need, 2);
	for (long k = 0; k < 2; k++) {
		tp.fail_after = k;
		CHECK_EQ(pt_map(&u, b - 200 * PG, PG << 20, 1400, f | PT_WRITE,
				PT_EXISTING_REPLACE, &rep), -ENOMEM);
		CHECK(c.n == 0 && tp.live == 1 + 2 * (long)(tf->fmt->levels - 1) && pt_check(&u) == 0);
		for (size_t i = 0; i < 400; i += 37)
			CHECK(pt_query(&u, b - 200 * PG + i * PG, &leaf) == 0 &&
			      leaf.pa == i * PG && leaf.flags == f, "page %zu changed", i);
	}
	tp.fail_after = -1;
	CHECK_EQ(t_nleaves(&u), 400);
	pt_destroy(&u);
	tphys_put(u.root);
	CHECK_EQ(tp.live, 0);
	tphys_reset();
}

TEST(alloc_failure)
{
	for (size_t i = 0; i < ARRAY_SIZE(tfmts); i++)
		alloc_failure_one(&tfmts[i]);
}

/* Reserve exactly pt_tables_needed pages: the map never asks for another. */
static void reserve_exact_one(const struct tfmt *tf)
{
	struct pt_ctx u;
	vaddr_t va = PG;

	tphys_reset();
	REQUIRE(pt_ctx_init(&u, tf->fmt, t_root(), PT_SPACE_USER, &tenv, NULL) == 0);
	for (int trial = 0; trial < 60 && !test_case_failures; trial++) {
		size_t n = 1 + rnd_below(rnd() & 1 ? 1500 : 20), need, nl = t_nleaves(&u);
		bool short_by_one;
		long live;
		int err;

		if (rnd() & 1)
			va = PG + (rnd_below(tf->fmt->user_top - (4096 * PG)) & ~(PG - 1));
		else
			va = MIN(va + rnd_below(2048) * PG, tf->fmt->user_top - 2048 * PG);
		CHECK_EQ(pt_tables_needed(&u, va, n, &need), 0);
		REQUIRE(need <= ARRAY_SIZE(tp.pool));
		short_by_one = trial % 4 == 0 && need > 0;
		for (size_t i = 0; i + short_by_one < need; i++)
			tp.pool[tp.npool++] = tphys_get();
		live = tp.live;
		tp.pool_only = true;
		err = pt_map(&u, va, rnd_below(1ull << 40) & ~(PG - 1), n, PT_READ | PT_USER,
			     PT_EXISTING_REPLACE, NULL);
		tp.pool_only = false;
		CHECK(tp.npool == 0 && tp.pool_misses == short_by_one, "trial %d", trial);
		if (short_by_one)
			CHECK(err == -ENOMEM && tp.live == live - (long)(need - 1) &&
			      t_nleaves(&u) == nl, "trial %d", trial);
		else
			CHECK(err == 0 && tp.live == live, "trial %d: %d", trial, err);
		tp.pool_misses = 0;
		CHECK_EQ(pt_check(&u), 0);
	}
	pt_destroy(&u);
	CHECK_EQ(tp.live, 1);
	tphys_put(u.root);
	tphys_reset();
}

TEST(reserve_exact)
{
	rnd_seed(7);
	for (size_t i = 0; i < ARRAY_SIZE(tfmts); i++)
		reserve_exact_one(&tfmts[i]);
}

/* pt_map_one: the same answers as pt_map, or -EAGAIN when a table is missing. */
TEST(map_one)
{
	for (size_t i = 0; i < ARRAY_SIZE(tfmts); i++) {
		const struct tfmt *tf = &tfmts[i];
		unsigned int f = PT_READ | PT_WRITE | PT_USER | PT_MAY_WRITE;
		vaddr_t top = tf->fmt->user_top;
		struct pt_leaf leaf;
		size_t live;
		struct pt_ctx u;

		tphys_reset();
		REQUIRE(pt_ctx_init(&u, tf->fmt, t_root(), PT_SPACE_USER, &tenv, NULL) == 0);
		CHECK_EQ(pt_map_one(&u, 16 * PG, 0x5000, f, PT_EXISTING_ERROR, NULL), -EAGAIN);
		CHECK_EQ(pt_map(&u, 16 * PG, 0x5000, 1, f, 0, NULL), 0);
		live = (size_t)tp.live;
		CHECK_EQ(pt_map_one(&u, 17 * PG, 0x7000, f, PT_EXISTING_ERROR, NULL), 0);
		CHECK_EQ((size_t)tp.live, live);
		CHECK(pt_query(&u, 17 * PG, &leaf) == 0 && leaf.pa == 0x7000 &&
		      (leaf.flags & (PT_RWX | PT_USER | PT_MAY_WRITE)) == f);
		CHECK_EQ(pt_map_one(&u, 16 * PG, 0x9000, f, PT_EXISTING_ERROR, NULL), -EEXIST);
		CHECK_EQ(pt_map_one(&u, 18 * PG + 8, 0x9000, f, PT_EXISTING_ERROR, NULL), -EINVAL);
		CHECK_EQ(pt_map_one(&u, 18 * PG, 0x9001, f, PT_EXISTING_ERROR, NULL), -EINVAL);
		CHECK_EQ(pt_map_one(&u, 18 * PG, 0x9000, PT_READ, PT_EXISTING_ERROR, NULL), -EINVAL);
		CHECK_EQ(pt_map_one(&u, 0, 0x9000, f, PT_EXISTING_ERROR, NULL), -EFAULT);
		CHECK_EQ(pt_map_one(&u, top, 0x9000, f, PT_EXISTING_ERROR, NULL), -EFAULT);
		CHECK_EQ(pt_map_one(&u, top - PG, 0x9000, f, PT_EXISTING_ERROR, NULL), -EAGAIN);
		CHECK_EQ(pt_map_one(&u, 18 * PG, 0x9000, f, (enum pt_existing)3, NULL), -EINVAL);
		CHECK_EQ(pt_check(&u), 0);
		pt_destroy(&u);
	}
}

static void note_one(void *arg, const struct pt_leaf *leaf)
{
	struct pt_leaf *out = arg;

	CHECK_EQ(out->size, (vsize_t)0);	/* one report at most */
	*out = *leaf;
}

/* pt_map_one over a mapped page: refused, kept, or replaced with the old leaf reported. */
TEST(map_one_existing)
{
	for (size_t i = 0; i < ARRAY_SIZE(tfmts); i++) {
		const struct tfmt *tf = &tfmts[i];
		unsigned int ro = PT_READ | PT_USER, rw = ro | PT_WRITE | PT_MAY_WRITE;
		struct pt_leaf leaf, old = { 0 };
		struct pt_report rep = { note_one, &old };
		struct pt_ctx u;

		tphys_reset();
		REQUIRE(pt_ctx_init(&u, tf->fmt, t_root(), PT_SPACE_USER, &tenv_live, NULL) == 0);
		REQUIRE(pt_map(&u, 16 * PG, 0x5000, 1, ro, 0, NULL) == 0);
		REQUIRE(pt_set_ad(&u, 16 * PG, PT_ACCESSED) == 0);
		CHECK_EQ(pt_map_one(&u, 16 * PG, 0x7000, rw, PT_EXISTING_ERROR, &rep), -EEXIST);
		CHECK_EQ(pt_map_one(&u, 16 * PG, 0x7000, rw, PT_EXISTING_SKIP, &rep), 0);
		CHECK_EQ(old.size, (vsize_t)0);
		CHECK(pt_query(&u, 16 * PG, &leaf) == 0 && leaf.pa == 0x5000);
		CHECK_EQ(pt_map_one(&u, 16 * PG, 0x7000, rw, PT_EXISTING_REPLACE, &rep), 0);
		CHECK(old.size == PG && old.va == 16 * PG && old.pa == 0x5000 && old.level == 0 &&
		      (old.flags & (PT_RWX | PT_USER | PT_ACCESSED)) == (ro | PT_ACCESSED));
		CHECK(pt_query(&u, 16 * PG, &leaf) == 0 && leaf.pa == 0x7000 &&
		      (leaf.flags & (PT_RWX | PT_USER | PT_MAY_WRITE | PT_ACCESSED)) == rw);
		/* Nothing there: REPLACE maps without a report. */
		old.size = 0;
		CHECK_EQ(pt_map_one(&u, 17 * PG, 0x9000, rw, PT_EXISTING_REPLACE, &rep), 0);
		CHECK_EQ(old.size, (vsize_t)0);
		CHECK_EQ(pt_check(&u), 0);
		pt_destroy(&u);
	}
}

/* pt_protect_one: one page, refused without the PT_MAY_* bits asked for. */
TEST(protect_one)
{
	for (size_t i = 0; i < ARRAY_SIZE(tfmts); i++) {
		const struct tfmt *tf = &tfmts[i];
		unsigned int ro = PT_READ | PT_USER, rw = ro | PT_WRITE;
		struct pt_leaf leaf;
		struct pt_ctx u;

		tphys_reset();
		REQUIRE(pt_ctx_init(&u, tf->fmt, t_root(), PT_SPACE_USER, &tenv_live, NULL) == 0);
		REQUIRE(pt_map(&u, 16 * PG, 0x5000, 1, rw | PT_MAY_WRITE, 0, NULL) == 0);
		REQUIRE(pt_map(&u, 17 * PG, 0x6000, 1, ro, 0, NULL) == 0);
		CHECK_EQ(pt_protect_one(&u, 16 * PG, ro, 0), 0);
		CHECK(pt_query(&u, 16 * PG, &leaf) == 0 && (leaf.flags & PT_RWX) == PT_READ &&
		      (leaf.flags & PT_MAY_WRITE) && leaf.pa == 0x5000);
		CHECK_EQ(pt_protect_one(&u, 16 * PG, rw, PT_MAY_WRITE), 0);
		CHECK(pt_query(&u, 16 * PG, &leaf) == 0 && (leaf.flags & PT_WRITE));
		CHECK_EQ(pt_protect_one(&u, 17 * PG, rw, PT_MAY_WRITE), -EPERM);
		CHECK(pt_query(&u, 17 * PG, &leaf) == 0 && !(leaf.flags & PT_WRITE), "unchanged");
		CHECK_EQ(pt_protect_one(&u, 18 * PG, rw, PT_MAY_WRITE), 0);	/* a hole */
		CHECK_EQ(pt_query(&u, 18 * PG, &leaf), -ENOENT);
		CHECK_EQ(pt_protect_one(&u, 16 * PG + 8, ro, 0), -EINVAL);
		CHECK_EQ(pt_protect_one(&u, 16 * PG, ro, PT_WRITE), -EINVAL);
		CHECK_EQ(pt_protect_one(&u, 16 * PG, ro | PT_DIRTY, 0), -EINVAL);
		CHECK_EQ(pt_protect_one(&u, tf->fmt->user_top, ro, 0), -EFAULT);
		CHECK_EQ(pt_check(&u), 0);
		pt_destroy(&u);
	}
}

TEST_MAIN(TEST_CASE(user_edges), TEST_CASE(map_one), TEST_CASE(map_one_existing),
	  TEST_CASE(protect_one),
	  TEST_CASE(alloc_failure), TEST_CASE(reserve_exact),
	  TEST_CASE(random_sv39), TEST_CASE(random_sv48), TEST_CASE(random_sv57),
	  TEST_CASE(random_x86_pml4), TEST_CASE(random_x86_pml5))
