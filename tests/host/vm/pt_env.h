/*
 * tests/host/vm/pt_env.h: what the page-table tests share: the five formats,
 * a random generator, and fake physical memory behind a struct pt_env.
 *
 * Physical memory is an array of host pages at fake addresses from
 * TPHYS_BASE. table_virt refuses any address that is not a live table, so a
 * use after free or a wild pointer in the walker stops the test; table_alloc
 * fills pages with junk (the walker must zero them) and can be told to fail
 * after n more calls, or to serve only from a reserved pool.
 * Included by exactly one test file per binary.
 */
#ifndef PAGODA_TESTS_HOST_VM_PT_ENV_H
#define PAGODA_TESTS_HOST_VM_PT_ENV_H

#include <string.h>
#include <pagoda/compiler.h>
#include <pagoda/errno.h>
#include <vm/pt.h>
#include "test.h"

#define TPHYS_BASE 0x80000000ull
#define PG 4096ull

/* The formats; pt_fmt_test.c checks their fields against the specs. */
struct tfmt {
	const struct pt_fmt *fmt;
	bool x86;		/* no read bit: every leaf has PT_READ */
};

static const struct tfmt tfmts[] __unused = {
	{ &pt_fmt_sv39, false },     { &pt_fmt_sv48, false },	 { &pt_fmt_sv57, false },
	{ &pt_fmt_x86_pml4, true }, { &pt_fmt_x86_pml5, true },
};

static uint64_t rng __unused;

static __unused uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static __unused uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static __unused void rnd_seed(uint64_t salt)
{
	rng = (test_seed() ^ (salt * 0x9e3779b97f4a7c15ull)) | 1;
}

/* ------------------------------------------------ fake physical memory -- */

static struct {
	unsigned char **page;	/* index -> host page */
	bool *live_flag;
	uint16_t *count;	/* index -> the walker's valid-entry count (tenv_live) */
	size_t n, cap;
	size_t *freelist, nfree;
	long live;		/* pages handed out and not given back */
	long allocs;		/* successful table_alloc calls */
	long fail_after;	/* table_alloc: fail after this many more; -1 never */
	paddr_t pool[64];	/* pool_only: table_alloc takes only from here */
	size_t npool;
	bool pool_only;
	long pool_misses;
} tp = { .fail_after = -1 };

static __unused paddr_t tphys_get(void)
{
	size_t idx;

	if (tp.nfree) {
		idx = tp.freelist[--tp.nfree];
	} else {
		if (tp.n == tp.cap) {
			tp.cap = tp.cap ? 2 * tp.cap : 64;
			tp.page = realloc(tp.page, tp.cap * sizeof(*tp.page));
			tp.live_flag = realloc(tp.live_flag, tp.cap * sizeof(bool));
			tp.freelist = realloc(tp.freelist, tp.cap * sizeof(size_t));
			tp.count = realloc(tp.count, tp.cap * sizeof(uint16_t));
			REQUIRE(tp.page && tp.live_flag && tp.freelist && tp.count);
		}
		idx = tp.n++;
		tp.page[idx] = aligned_alloc(PG, PG);
		REQUIRE(tp.page[idx]);
	}
	memset(tp.page[idx], 0xa5, PG);	/* table_alloc need not zero */
	tp.count[idx] = 0xa5a5;		/* nor set the count */
	tp.live_flag[idx] = true;
	tp.live++;
	return TPHYS_BASE + idx * PG;
}

static __unused void tphys_put(paddr_t pa)
{
	size_t idx = (pa - TPHYS_BASE) / PG;

	REQUIRE(pa >= TPHYS_BASE && pa % PG == 0 && idx < tp.n && tp.live_flag[idx],
		"free of %#llx", (unsigned long long)pa);
	memset(tp.page[idx], 0x5a, PG);
	tp.live_flag[idx] = false;
	tp.freelist[tp.nfree++] = idx;
	tp.live--;
}

static __unused void tphys_reset(void)
{
	for (size_t i = 0; i < tp.n; i++)
		free(tp.page[i]);
	free(tp.page);
	free(tp.live_flag);
	free(tp.freelist);
	free(tp.count);
	memset(&tp, 0, sizeof(tp));
	tp.fail_after = -1;
}

static __unused pte_t *t_virt(void *cookie, paddr_t pa)
{
	size_t idx = (pa - TPHYS_BASE) / PG;

	(void)cookie;
	REQUIRE(pa >= TPHYS_BASE && pa % PG == 0 && idx < tp.n && tp.live_flag[idx],
		"table_virt(%#llx): not a live table", (unsigned long long)pa);
	return (pte_t *)tp.page[idx];
}

static __unused int t_alloc(void *cookie, paddr_t *pa)
{
	(void)cookie;
	if (tp.pool_only) {
		if (tp.npool == 0) {
			tp.pool_misses++;
			return -ENOMEM;
		}
		*pa = tp.pool[--tp.npool];
	} else {
		if (tp.fail_after == 0)
			return -ENOMEM;
		if (tp.fail_after > 0)
			tp.fail_after--;
		*pa = tphys_get();
	}
	tp.allocs++;
	return 0;
}

static __unused void t_free(void *cookie, paddr_t pa)
{
	(void)cookie;
	tphys_put(pa);
}

static __unused uint16_t *t_live(void *cookie, paddr_t pa)
{
	(void)t_virt(cookie, pa);	/* checks that @pa is a live table */
	return &tp.count[(pa - TPHYS_BASE) / PG];
}

static __unused int t_alloc_zeroed(void *cookie, paddr_t *pa)
{
	int err = t_alloc(cookie, pa);

	if (!err)
		memset(t_virt(cookie, *pa), 0, PG);
	return err;
}

/* tenv: the walker zeroes tables and scans for empty ones; tenv_live: neither. */
static const struct pt_env tenv __unused = { t_virt, t_alloc, t_free, NULL, false };
static const struct pt_env tenv_live __unused = { t_virt, t_alloc_zeroed, t_free, t_live, true };

static __unused paddr_t t_root(void)
{
	paddr_t root = tphys_get();

	memset(t_virt(NULL, root), 0, PG);
	return root;
}

/* Reports collected in order. */
#define TCOLLECT_MAX 1100

struct tcollect {
	struct pt_leaf leaf[TCOLLECT_MAX];
	size_t n;
};

static __unused void t_collect(void *arg, const struct pt_leaf *leaf)
{
	struct tcollect *c = arg;

	REQUIRE(c->n < TCOLLECT_MAX, "too many reports");
	c->leaf[c->n++] = *leaf;
}

static __unused int t_count_leaf(void *arg, const struct pt_leaf *leaf)
{
	(void)leaf;
	(*(size_t *)arg)++;
	return 0;
}

static __unused size_t t_nleaves(const struct pt_ctx *ctx)
{
	size_t n = 0;

	CHECK_EQ(pt_walk_leaves(ctx, t_count_leaf, &n), 0);
	return n;
}

/* t_slot: the entry at @level translating @va, found without vm/pt.c. */
static __unused pte_t *t_slot(const struct pt_ctx *ctx, vaddr_t va, unsigned int level)
{
	const struct pt_fmt *fmt = ctx->fmt;
	paddr_t table = ctx->root;

	for (unsigned int l = fmt->levels - 1; l > level; l--) {
		pte_t pte = t_virt(NULL, table)[(va >> (12 + 9 * l)) & 511];

		REQUIRE(fmt->is_valid(pte) && !fmt->is_leaf(pte, l));
		table = (paddr_t)fmt->pfn(pte, l) << 12;
	}
	return &t_virt(NULL, table)[(va >> (12 + 9 * level)) & 511];
}

static __unused unsigned int t_valid_flags(const struct tfmt *tf, bool user)
{
	unsigned int f = (unsigned int)rnd() & (PT_RWX | PT_AD_MASK | PT_SOFT_MASK);

	f |= user ? PT_USER : (rnd() & 1 ? PT_GLOBAL : 0);
	if (tf->x86 || (f & PT_WRITE) || !(f & PT_RWX))
		f |= PT_READ;
	return f;
}

#endif
