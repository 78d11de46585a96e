/*
 * tests/host/kern/frame_test.c: the physical frame allocator against a model.
 *
 * "Physical memory" is an aligned host buffer at a fake physical base; the
 * pool reaches it through an offset phys_to_virt that aborts on any address
 * outside the buffer. The model predicts, page by page, what the pool must
 * contain (whole pages of a usable range touching no reserved range, minus
 * the bitmap pages carved from the start of the first big enough run), and
 * tracks each frame's state through random single and contiguous
 * allocations and frees. Every allocated frame is filled with a pattern
 * that must survive until it is freed: the allocator's metadata never
 * touches an allocated frame.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/compiler.h>
#include <pagoda/errno.h>
#include <kern/frame.h>
#include "test.h"

#define PHYS_BASE 0x80000000ull
#define MEM_PAGES 512
#define MEM_SIZE (MEM_PAGES * PAGE_SIZE)

enum { M_OUT, M_FREE, M_ALLOC };	/* model state of a page */

static uint8_t *mem;
static uint64_t rng;

static void *phys_to_virt(paddr_t pa)
{
	if (pa < PHYS_BASE || pa - PHYS_BASE >= MEM_SIZE) {
		printf("# phys_to_virt(%#llx) outside the test memory\n", (unsigned long long)pa);
		abort();
	}
	return mem + (pa - PHYS_BASE);
}

/* mem_get: the test memory, allocated on first use. */
static uint8_t *mem_get(void)
{
	if (!mem)
		mem = aligned_alloc(PAGE_SIZE, MEM_SIZE);
	return mem;
}

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static paddr_t page_pa(size_t p)
{
	return PHYS_BASE + p * PAGE_SIZE;
}

/* The model of one pool: per-page state and the allocator's expected layout. */
struct model {
	uint8_t state[MEM_PAGES];
	size_t nfree, total;
	paddr_t meta_base;
	size_t meta_pages;
	int init_err;		/* what frame_pool_init must return */
};

static bool overlaps(const struct phys_range *r, paddr_t s, paddr_t e)
{
	return r->size && r->base < e && r->base + r->size > s;
}

static bool inside(const struct phys_range *r, paddr_t s, paddr_t e)
{
	return r->base <= s && e <= r->base + r->size;
}

/* model_init: predict the pool built over a layout, including the bitmap carve. */
static void model_init(struct model *m, const struct phys_range *u, size_t nu,
		       const struct phys_range *r, size_t nr)
{
	size_t words = 0, run = 0, p, q;

	memset(m, 0, sizeof(*m));
	for (p = 0; p < MEM_PAGES; p++) {
		bool in = false, res = false;

		for (size_t i = 0; i < nu; i++)
			in |= inside(&u[i], page_pa(p), page_pa(p + 1));
		for (size_t i = 0; i < nr; i++)
			res |= overlaps(&r[i], page_pa(p), page_pa(p + 1));
		m->state[p] = in && !res ? M_FREE : M_OUT;
	}
	/* Maximal runs of pool pages are the zones; each needs ceil(n/64) bitmap words. */
	for (p = 0; p <= MEM_PAGES; p++) {
		if (p < MEM_PAGES && m->state[p] == M_FREE) {
			run++;
		} else if (run) {
			words += (run + 63) / 64;
			run = 0;
		}
	}
	m->meta_pages = (words * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
	m->init_err = -ENOMEM;
	for (p = 0; p < MEM_PAGES && words; p = q) {
		for (q = p; q < MEM_PAGES && m->state[q] == M_FREE; q++)
			;
		if (q - p >= m->meta_pages) {
			m->meta_base = page_pa(p);
			for (size_t k = p; k < p + m->meta_pages; k++)
				m->state[k] = M_OUT;
			m->init_err = 0;
			break;
		}
		q += q == p;
	}
	for (p = 0; p < MEM_PAGES; p++)
		m->nfree += m->state[p] == M_FREE;
	m->total = m->nfree;
	if (m->total == 0)
		m->init_err = -ENOMEM;
}

/* model_first_fit: the lowest aligned run of @n free pages, or -1. */
static long model_first_fit(const struct model *m, size_t n, size_t align)
{
	for (size_t p = 0; p + n <= MEM_PAGES; p++) {
		size_t k = 0;

		if ((page_pa(p) / PAGE_SIZE) % align)
			continue;
		while (k < n && m->state[p + k] == M_FREE)
			k++;
		if (k == n)
			return (long)p;
	}
	return -1;
}

static uint8_t pattern(size_t p)
{
	return (uint8_t)(p * 37 + 11);
}

static bool pattern_intact(size_t p)
{
	const uint8_t *f = mem + p * PAGE_SIZE;

	for (size_t i = 0; i < PAGE_SIZE; i++)
		if (f[i] != pattern(p))
			return false;
	return true;
}

/* take: record a successful allocation of [p, p + n). */
static void take(struct model *m, size_t p, size_t n)
{
	for (size_t k = p; k < p + n; k++) {
		CHECK(m->state[k] == M_FREE, "page %zu handed out in state %d", k, m->state[k]);
		m->state[k] = M_ALLOC;
		memset(mem + k * PAGE_SIZE, pattern(k), PAGE_SIZE);
	}
	m->nfree -= n;
}

static int give_back(struct frame_pool *pool, struct model *m, size_t p, size_t n)
{
	for (size_t k = p; k < p + n; k++) {
		CHECK(pattern_intact(k), "allocated page %zu was written by the allocator", k);
		m->state[k] = M_FREE;
	}
	m->nfree += n;
	return n == 1 ? frame_free(pool, page_pa(p)) : frame_free_contig(pool, page_pa(p), n);
}

static size_t pa_page(paddr_t pa)
{
	return (size_t)((pa - PHYS_BASE) / PAGE_SIZE);
}

static void step_alloc(struct frame_pool *pool, struct model *m)
{
	paddr_t pa;
	int err = frame_alloc(pool, &pa);

	if (m->nfree == 0) {
		CHECK_EQ(err, -ENOMEM);
		return;
	}
	REQUIRE(err == 0, "frame_alloc failed with %zu free", m->nfree);
	REQUIRE(pa >= PHYS_BASE && pa < PHYS_BASE + MEM_SIZE && pa % PAGE_SIZE == 0,
		"frame_alloc gave %#llx", (unsigned long long)pa);
	take(m, pa_page(pa), 1);
}

static void step_alloc_contig(struct frame_pool *pool, struct model *m)
{
	size_t n = 1 + rnd_below(rnd_below(4) ? 8 : 64), align = 1ull << rnd_below(6);
	long expect = model_first_fit(m, n, align);
	paddr_t pa;
	int err = frame_alloc_contig(pool, n, align, &pa);

	if (expect < 0) {
		CHECK_EQ(err, -ENOMEM);
		return;
	}
	REQUIRE(err == 0, "alloc_contig(%zu, %zu) failed, model has a run at page %ld", n, align,
		expect);
	if (n == 1 && align == 1) {
		take(m, pa_page(pa), 1);	/* a single frame comes off the list head */
		return;
	}
	CHECK(pa == page_pa((size_t)expect), "alloc_contig(%zu, %zu) gave %#llx, not first fit",
	      n, align, (unsigned long long)pa);
	take(m, pa_page(pa), n);
}

/* step_free: free a random allocated run (the maximal run around a random allocated page). */
static void step_free(struct frame_pool *pool, struct model *m)
{
	size_t start = rnd_below(MEM_PAGES), p, e;

	for (p = start; m->state[p] != M_ALLOC;) {
		p = (p + 1) % MEM_PAGES;
		if (p == start)
			return;
	}
	for (e = p; e < MEM_PAGES && m->state[e] == M_ALLOC && e - p < 16; e++)
		;
	CHECK_EQ(give_back(pool, m, p, 1 + rnd_below(e - p)), 0);
}

/* run_model: random operations, checking the pool and the free count after each. */
static void run_model(struct frame_pool *pool, struct model *m, unsigned long steps)
{
	for (unsigned long i = 0; i < steps && test_case_failures == 0; i++) {
		unsigned long op = rnd_below(10);

		if (op < 4)
			step_alloc(pool, m);
		else if (op < 6)
			step_alloc_contig(pool, m);
		else
			step_free(pool, m);
		CHECK_EQ(frame_pool_free_count(pool), m->nfree);
		CHECK_EQ(frame_pool_check(pool), 0);
	}
}

/* drain: free all, check everything came back, then allocate all again one by one. */
static void drain(struct frame_pool *pool, struct model *m)
{
	paddr_t pa;

	for (size_t p = 0; p < MEM_PAGES; p++)
		if (m->state[p] == M_ALLOC)
			CHECK_EQ(give_back(pool, m, p, 1), 0);
	CHECK_EQ(frame_pool_free_count(pool), m->total);
	CHECK_EQ(frame_pool_total(pool), m->total);
	CHECK_EQ(frame_pool_check(pool), 0);
	for (size_t n = 0; n < m->total; n++) {
		REQUIRE(frame_alloc(pool, &pa) == 0, "alloc %zu of %zu failed", n, m->total);
		take(m, pa_page(pa), 1);
	}
	CHECK_EQ(frame_alloc(pool, &pa), -ENOMEM);
	CHECK_EQ(frame_alloc_contig(pool, 2, 1, &pa), -ENOMEM);
	CHECK_EQ(frame_pool_free_count(pool), 0);
	CHECK_EQ(frame_pool_check(pool), 0);
}

/* check_layout: init over a layout; compare with the model; exercise it. */
static void check_layout(const struct phys_range *u, size_t nu, const struct phys_range *r,
			 size_t nr, unsigned long steps)
{
	static struct frame_pool pool;
	static struct model m;
	int err;

	REQUIRE(mem_get());
	memset(mem, 0xa5, MEM_SIZE);
	model_init(&m, u, nu, r, nr);
	err = frame_pool_init(&pool, u, nu, r, nr, phys_to_virt);
	REQUIRE(err == m.init_err, "init gave %d, model expects %d", err, m.init_err);
	if (err)
		return;
	CHECK_EQ(frame_pool_total(&pool), m.total);
	CHECK_EQ(frame_pool_free_count(&pool), m.total);
	CHECK_EQ(pool.fp_meta_base, m.meta_base);
	CHECK_EQ(pool.fp_meta_size, m.meta_pages * PAGE_SIZE);
	CHECK_EQ(frame_pool_check(&pool), 0);
	for (size_t p = 0; p < MEM_PAGES; p++)
		CHECK(frame_pool_contains(&pool, page_pa(p)) == (m.state[p] == M_FREE),
		      "page %zu: pool membership differs from the model", p);
	run_model(&pool, &m, steps);
	drain(&pool, &m);
}

#define R(b, s) { PHYS_BASE + (b), (s) }

TEST(frame_whole_memory)
{
	struct phys_range u[] = { R(0, MEM_SIZE) };

	check_layout(u, 1, NULL, 0, test_iterations(4000));
}

TEST(frame_unaligned_and_overlapping_reservations)
{
	struct phys_range u[] = { R(100, MEM_SIZE - 5000) };
	struct phys_range r[] = {
		R(0x3000 + 17, 0x2000),	  R(0x4000, 0x10),	R(0x10000, 0x8000),
		R(0x14000, 0x8000),	  R(0x30000, 1),	R(0x40fff, 2),
		R(0x100000, 0),		  { 0x1000, 0x4000 },	{ 0xfffffffffffff800ull, 0x7ff },
		R(MEM_SIZE - 0x3000, 0x10000),
	};

	check_layout(u, 1, r, ARRAY_SIZE(r), test_iterations(4000));
}

TEST(frame_overlapping_unsorted_usable)
{
	struct phys_range u[] = {
		R(0x80000, 0x40000), R(0, 0x20000), R(0x10000, 0x20000), R(0x80000, 0x40000),
		R(0x1000800, 0x100), R(0x100800, 0x1800), R(0x102000, 0x30000),
		R(0x101800, 0x1000),
	};
	struct phys_range r[] = { R(0x90000, 0x40000), R(0x0, 0x1) };

	check_layout(u, ARRAY_SIZE(u), r, ARRAY_SIZE(r), test_iterations(3000));
}

TEST(frame_random_layouts)
{
	unsigned long layouts = test_iterations(300);
	struct phys_range u[4], r[8];

	rng = test_seed() | 1;
	printf("# seed %#llx\n", test_seed());
	for (unsigned long l = 0; l < layouts && test_case_failures == 0; l++) {
		size_t nu = 1 + rnd_below(4), nr = rnd_below(9);

		for (size_t i = 0; i < nu; i++) {
			uint64_t b = rnd_below(MEM_SIZE);

			u[i] = (struct phys_range)R(b, rnd_below(MEM_SIZE - b + 1));
		}
		for (size_t i = 0; i < nr; i++)
			r[i] = (struct phys_range)R(rnd_below(MEM_SIZE + 0x4000) - 0x2000,
						   rnd_below(rnd_below(2) ? 0x3000 : MEM_SIZE / 2));
		check_layout(u, nu, r, nr, 400);
	}
}

TEST(frame_empty_and_bad_layouts)
{
	static struct frame_pool pool;
	struct phys_range u[] = { R(0x10000, 0x8000) };
	struct phys_range cover[] = { R(0xf000, 0x20000) };
	struct phys_range one[] = { R(0x1000, 0x1000) };
	struct phys_range tiny[] = { R(0x1001, 0x1fff) };
	struct phys_range wrap[] = { { 0xfffffffffffff000ull, 0x2000 } };
	struct phys_range all[] = { R(0, MEM_SIZE) };
	struct phys_range holes[MEM_PAGES / 2];

	REQUIRE(mem_get());
	CHECK_EQ(frame_pool_init(&pool, NULL, 0, NULL, 0, phys_to_virt), -ENOMEM);
	CHECK_EQ(frame_pool_init(&pool, u, 1, cover, 1, phys_to_virt), -ENOMEM);
	CHECK_EQ(frame_pool_init(&pool, u, 1, u, 1, phys_to_virt), -ENOMEM);
	/* One page: it holds the bitmap and nothing is left. */
	CHECK_EQ(frame_pool_init(&pool, one, 1, NULL, 0, phys_to_virt), -ENOMEM);
	CHECK_EQ(frame_pool_init(&pool, tiny, 1, NULL, 0, phys_to_virt), -ENOMEM);
	CHECK_EQ(frame_pool_init(&pool, wrap, 1, NULL, 0, phys_to_virt), -EINVAL);
	CHECK_EQ(frame_pool_init(&pool, u, 1, wrap, 1, phys_to_virt), -EINVAL);
	/* A reservation on every other page: more holes than zones. */
	for (size_t i = 0; i < MEM_PAGES / 2; i++)
		holes[i] = (struct phys_range)R(2 * i * PAGE_SIZE, 1);
	CHECK_EQ(frame_pool_init(&pool, all, 1, holes, MEM_PAGES / 2, phys_to_virt), -ENOSPC);
	/* Exactly FRAME_MAX_ZONES holes' worth of zones is fine. */
	CHECK_EQ(frame_pool_init(&pool, all, 1, holes + 1, FRAME_MAX_ZONES - 1, phys_to_virt), 0);
	CHECK_EQ(frame_pool_check(&pool), 0);
}

TEST(frame_misuse_detected)
{
	static struct frame_pool pool;
	struct phys_range u[] = { R(0x10000, 0x40000) };
	struct phys_range r[] = { R(0x20000, 0x1000) };
	paddr_t a, b, c;
	size_t nfree;

	REQUIRE(mem_get());
	REQUIRE(frame_pool_init(&pool, u, 1, r, 1, phys_to_virt) == 0);
	REQUIRE(frame_alloc(&pool, &a) == 0);
	REQUIRE(frame_alloc_contig(&pool, 4, 4, &b) == 0);
	CHECK(b % (4 * PAGE_SIZE) == 0);
	REQUIRE(frame_free(&pool, a) == 0);
	nfree = frame_pool_free_count(&pool);
	CHECK_EQ(frame_free(&pool, a), -EINVAL);			/* double free */
	CHECK_EQ(frame_free_contig(&pool, b + 3 * PAGE_SIZE, 2), -EINVAL); /* partly free */
	CHECK_EQ(frame_free(&pool, PHYS_BASE + 0x20000), -EINVAL);	/* reserved */
	CHECK_EQ(frame_free(&pool, pool.fp_meta_base), -EINVAL);	/* the bitmaps */
	CHECK_EQ(frame_free(&pool, PHYS_BASE + 0x8000), -EINVAL);	/* outside */
	CHECK_EQ(frame_free(&pool, b + 8), -EINVAL);			/* unaligned */
	CHECK_EQ(frame_free_contig(&pool, b, 0), -EINVAL);
	CHECK_EQ(frame_alloc_contig(&pool, 2, 3, &c), -EINVAL);	/* alignment not 2^n */
	CHECK_EQ(frame_alloc_contig(&pool, 0, 1, &c), -EINVAL);
	CHECK_EQ(frame_alloc_contig(&pool, 1000, 1, &c), -ENOMEM);
	CHECK_EQ(frame_pool_free_count(&pool), nfree);
	CHECK_EQ(frame_pool_check(&pool), 0);
	/* Nothing changed: the run frees whole, once. */
	CHECK_EQ(frame_free_contig(&pool, b, 4), 0);
	CHECK_EQ(frame_free_contig(&pool, b, 4), -EINVAL);
	CHECK_EQ(frame_pool_free_count(&pool), frame_pool_total(&pool));
	CHECK_EQ(frame_pool_check(&pool), 0);
	/* The checker notices a broken invariant. */
	pool.fp_zones[0].fz_bitmap[0] ^= 1;
	CHECK_EQ(frame_pool_check(&pool), -EINVAL);
	pool.fp_zones[0].fz_bitmap[0] ^= 1;
	pool.fp_nfree--;
	CHECK_EQ(frame_pool_check(&pool), -EINVAL);
	pool.fp_nfree++;
	CHECK_EQ(frame_pool_check(&pool), 0);
}

TEST_MAIN(TEST_CASE(frame_whole_memory),
	  TEST_CASE(frame_unaligned_and_overlapping_reservations),
	  TEST_CASE(frame_overlapping_unsorted_usable), TEST_CASE(frame_random_layouts),
	  TEST_CASE(frame_empty_and_bad_layouts), TEST_CASE(frame_misuse_detected))
