/*
 * tests/host/vm/page_test.c: the frame table against an array model.
 *
 * The model keeps, per frame, its state (free, reserved, in use), refcount,
 * mapcount and flags, and the free list as a plain array stack, so it
 * predicts exactly which frame page_alloc() returns. Random operations
 * (alloc, get/put, map/unmap, LRU and swap-cache moves, pfn lookups,
 * reservations, new ranges) are compared with the model, every descriptor
 * is compared after each step, and page_pool_check() runs after each step.
 * Then edge cases, checker self-tests and ASSERTs on misuse (in a child).
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pagoda/errno.h>
#include <vm/page.h>
#include "test.h"

/* test.h's CHECK(cond) without a message expands to an empty format string. */
#pragma GCC diagnostic ignored "-Wformat-zero-length"

enum fstate { F_FREE, F_RESERVED, F_USED };

struct mframe {
	pfn_t pfn;
	struct page *page;
	enum fstate state;
	int32_t ref, map;
	uint32_t flags; /* expected flags when in use */
	uint64_t swap_slot;
	uintptr_t mapping;
};

struct fmodel {
	struct page_pool pool;
	struct page *storage[PAGE_POOL_MAX_RANGES];
	size_t storage_n[PAGE_POOL_MAX_RANGES];
	unsigned int nstorage;
	struct mframe *frames;
	size_t nframes, cap;
	size_t *stack; /* free frames (indices into frames); the top is allocated next */
	size_t nstack;
	struct list_node lru; /* the test's LRU list */
	uint64_t rng;
};

static uint64_t rnd(struct fmodel *m)
{
	uint64_t z = (m->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd_below(struct fmodel *m, uint64_t n)
{
	return n ? rnd(m) % n : 0;
}

static void fm_init(struct fmodel *m, uint64_t seed, size_t cap)
{
	memset(m, 0, sizeof(*m));
	page_pool_init(&m->pool);
	m->cap = cap;
	m->frames = calloc(cap, sizeof(*m->frames));
	m->stack = calloc(cap, sizeof(*m->stack));
	REQUIRE(m->frames && m->stack);
	list_init(&m->lru);
	m->rng = seed;
}

static void fm_free(struct fmodel *m)
{
	for (unsigned int i = 0; i < m->nstorage; i++)
		free(m->storage[i]);
	free(m->frames);
	free(m->stack);
}

/* expected result of adding [base, base + n), by a scan of the model's frames */
static int fm_expect_add(struct fmodel *m, pfn_t base, size_t n)
{
	if (!n || n - 1 > UINT64_MAX - base)
		return -EINVAL;
	if (m->pool.nranges == PAGE_POOL_MAX_RANGES)
		return -ENOSPC;
	for (size_t i = 0; i < m->nframes; i++)
		if (m->frames[i].pfn - base < n)
			return -EEXIST;
	return 0;
}

/* fm_add: try to add a range, compare with the model; new frames go to the list's back. */
static int fm_add(struct fmodel *m, pfn_t base, size_t n)
{
	int want = fm_expect_add(m, base, n), got;
	struct page *descs = NULL;

	if (want == 0 && m->nframes + n > m->cap)
		return -E2BIG; /* model capacity, not the pool's: skip */
	if (n)
		descs = calloc(n, sizeof(*descs));
	REQUIRE(!n || descs);
	got = page_pool_add_range(&m->pool, base, n, descs);
	CHECK_EQ(got, want);
	if (got) {
		free(descs);
		return got;
	}
	m->storage[m->nstorage] = descs;
	m->storage_n[m->nstorage++] = n;
	memmove(m->stack + n, m->stack, m->nstack * sizeof(*m->stack));
	for (size_t i = 0; i < n; i++) {
		struct mframe *f = &m->frames[m->nframes];

		*f = (struct mframe){.pfn = base + i, .page = &descs[i], .state = F_FREE};
		m->stack[n - 1 - i] = m->nframes++;
	}
	m->nstack += n;
	return 0;
}

/* fm_compare: every descriptor against the model. */
static bool fm_compare(struct fmodel *m)
{
	for (size_t i = 0; i < m->nframes; i++) {
		struct mframe *f = &m->frames[i];
		const struct page *p = f->page;
		uint32_t flags = f->state == F_FREE	  ? PG_FREE
				 : f->state == F_RESERVED ? PG_RESERVED
							  : f->flags;

		if (p->flags != flags || p->refcount != f->ref || p->mapcount != f->map ||
		    p->swap_slot != f->swap_slot || p->mapping != f->mapping) {
			CHECK(false, "pfn %#llx: flags %#x/%#x ref %d/%d map %d/%d",
			      (unsigned long long)f->pfn, p->flags, flags, p->refcount, f->ref,
			      p->mapcount, f->map);
			return false;
		}
	}
	CHECK_EQ(m->pool.nfree, m->nstack);
	return m->pool.nfree == m->nstack;
}

static struct mframe *fm_random_used(struct fmodel *m)
{
	for (int tries = 0; tries < 8 && m->nframes; tries++) {
		struct mframe *f = &m->frames[rnd_below(m, m->nframes)];

		if (f->state == F_USED)
			return f;
	}
	return NULL;
}

/* fm_drop: drop one reference; before the last one, undo what a holder must undo. */
static void fm_drop(struct fmodel *m, struct mframe *f)
{
	if (f->ref == 1) {
		if (f->flags & PG_LRU)
			list_remove(&f->page->lru);
		f->page->flags &= ~(PG_LRU | PG_ACTIVE | PG_SWAPCACHE | PG_ANON);
		f->page->swap_slot = SWAP_SLOT_NONE;
		f->page->mapping = 0;
	}
	page_put(&m->pool, f->page);
	if (--f->ref == 0) {
		f->state = F_FREE;
		f->flags = 0;
		f->swap_slot = SWAP_SLOT_NONE;
		f->mapping = 0;
		m->stack[m->nstack++] = (size_t)(f - m->frames);
	}
}

static void fm_alloc(struct fmodel *m)
{
	struct page *p = page_alloc(&m->pool);
	struct mframe *f;

	if (!m->nstack) {
		CHECK(p == NULL);
		return;
	}
	f = &m->frames[m->stack[--m->nstack]];
	REQUIRE(p == f->page, "allocated pfn %#llx, model expects %#llx",
		p ? (unsigned long long)page_to_pfn(&m->pool, p) : ~0ULL,
		(unsigned long long)f->pfn);
	f->state = F_USED;
	f->ref = 1;
	f->flags = 0;
}

/* fm_lookup: pfn -> page -> pfn, at a managed frame or at a random pfn. */
static void fm_lookup(struct fmodel *m)
{
	pfn_t pfn;
	struct page *want = NULL, *got;

	if (m->nframes && rnd_below(m, 2)) {
		struct mframe *f = &m->frames[rnd_below(m, m->nframes)];

		pfn = f->pfn + (rnd_below(m, 3) - 1);
	} else {
		pfn = rnd_below(m, 2) ? rnd_below(m, 1 << 16) : rnd(m);
	}
	for (size_t i = 0; i < m->nframes; i++)
		if (m->frames[i].pfn == pfn)
			want = m->frames[i].page;
	got = page_from_pfn(&m->pool, pfn);
	CHECK(got == want, "pfn %#llx", (unsigned long long)pfn);
	if (got)
		CHECK(page_to_pfn(&m->pool, got) == pfn);
}

static void fm_reserve(struct fmodel *m)
{
	pfn_t pfn = m->nframes ? m->frames[rnd_below(m, m->nframes)].pfn : 0;
	int want = -ENOENT;
	size_t i;

	if (rnd_below(m, 4) == 0)
		pfn = rnd(m);
	for (i = 0; i < m->nframes; i++) {
		if (m->frames[i].pfn == pfn) {
			want = m->frames[i].state == F_FREE ? 0 : -EBUSY;
			break;
		}
	}
	CHECK_EQ(page_reserve(&m->pool, pfn), want);
	if (want)
		return;
	m->frames[i].state = F_RESERVED;
	for (size_t s = 0; s < m->nstack; s++) {
		if (m->stack[s] == i) {
			memmove(m->stack + s, m->stack + s + 1,
				(m->nstack - s - 1) * sizeof(size_t));
			m->nstack--;
			break;
		}
	}
}

/* fm_modify: flip one piece of holder state on an in-use frame, as its owner would. */
static void fm_modify(struct fmodel *m, struct mframe *f, unsigned int what)
{
	struct page *p = f->page;

	switch (what) {
	case 0: /* map / unmap: each mapping holds a reference */
		if (f->map && rnd_below(m, 2)) {
			p->mapcount--;
			f->map--;
			fm_drop(m, f);
		} else {
			page_get(p);
			p->mapcount++;
			f->ref++;
			f->map++;
		}
		break;
	case 1: /* onto or off the LRU list */
		if (f->flags & PG_LRU) {
			list_remove(&p->lru);
			f->flags &= ~(PG_LRU | PG_ACTIVE);
		} else {
			list_push_back(&m->lru, &p->lru);
			f->flags |= PG_LRU | (rnd_below(m, 2) ? PG_ACTIVE : 0);
		}
		p->flags = f->flags;
		break;
	case 2: /* into or out of the swap cache */
		f->flags ^= PG_SWAPCACHE;
		f->swap_slot = f->flags & PG_SWAPCACHE ? 1 + rnd_below(m, 1000) : SWAP_SLOT_NONE;
		p->flags = f->flags;
		p->swap_slot = f->swap_slot;
		break;
	default: /* anonymous (mapping: an aligned fake anon_vma) or not */
		if (f->flags & PG_ANON) {
			p->mapping = 0;
			p->flags &= ~PG_ANON;
		} else {
			page_set_anon(p,
				      (struct anon_vma *)(uintptr_t)(64 * (1 + rnd_below(m, 99))),
				      rnd_below(m, 1000));
		}
		f->flags = p->flags;
		f->mapping = p->mapping;
		break;
	}
}

static void fm_step(struct fmodel *m)
{
	uint64_t op = rnd_below(m, 1000);
	struct mframe *f;

	if (op < 250) {
		fm_alloc(m);
	} else if (op < 450) {
		f = fm_random_used(m);
		if (f && f->ref > f->map)
			fm_drop(m, f);
	} else if (op < 520) {
		f = fm_random_used(m);
		if (f) {
			page_get(f->page);
			f->ref++;
		}
	} else if (op < 800) {
		f = fm_random_used(m);
		if (f)
			fm_modify(m, f, (unsigned int)rnd_below(m, 4));
	} else if (op < 990) {
		fm_lookup(m);
	} else if (op < 997) {
		fm_reserve(m);
	} else {
		pfn_t base =
			rnd_below(m, 2) ? rnd_below(m, 1 << 16) : UINT64_MAX - rnd_below(m, 64);

		fm_add(m, base, rnd_below(m, 40));
	}
}

static void page_random_run(uint64_t seed, unsigned long steps)
{
	struct fmodel m;
	unsigned int nranges = 1 + (unsigned int)(seed % 5);

	fm_init(&m, seed, 800);
	printf("# seed %#llx steps %lu\n", (unsigned long long)seed, steps);
	for (unsigned int i = 0; i < nranges; i++)
		fm_add(&m, rnd_below(&m, 1 << 12) * 64, 1 + rnd_below(&m, 150));
	for (unsigned long s = 0; s < steps; s++) {
		fm_step(&m);
		if (page_pool_check(&m.pool) || !fm_compare(&m)) {
			CHECK(false, "diverged at step %lu (seed %#llx)", s,
			      (unsigned long long)seed);
			break;
		}
	}
	/* release everything: the pool ends with every unreserved frame free */
	for (size_t i = 0; i < m.nframes; i++) {
		struct mframe *f = &m.frames[i];

		while (f->state == F_USED) {
			if (f->map) {
				f->page->mapcount--;
				f->map--;
			}
			fm_drop(&m, f);
		}
	}
	CHECK_EQ(page_pool_check(&m.pool), 0);
	CHECK(fm_compare(&m));
	fm_free(&m);
}

TEST(page_random)
{
	unsigned long steps = test_iterations(200000);

	for (uint64_t i = 0; i < 6; i++)
		page_random_run(test_seed() + i, steps);
}

TEST(page_ranges_edges)
{
	struct fmodel m;

	fm_init(&m, 1, 512);
	CHECK_EQ(fm_add(&m, 100, 0), -EINVAL);
	CHECK_EQ(fm_add(&m, UINT64_MAX, 2), -EINVAL);
	CHECK_EQ(page_pool_add_range(&m.pool, 5, 1, NULL), -EINVAL);
	CHECK_EQ(fm_add(&m, 0, 4), 0);		    /* pfn 0 */
	CHECK_EQ(fm_add(&m, UINT64_MAX - 3, 4), 0); /* ends at the very top */
	CHECK_EQ(fm_add(&m, UINT64_MAX, 1), -EEXIST);
	CHECK_EQ(fm_add(&m, 4, 4), 0); /* adjacent to [0, 4) */
	CHECK_EQ(fm_add(&m, 7, 1), -EEXIST);
	CHECK_EQ(fm_add(&m, 20, 10), 0);
	CHECK_EQ(fm_add(&m, 10, 11), -EEXIST); /* reaches 20 */
	CHECK_EQ(fm_add(&m, 10, 10), 0);       /* fills [10, 20) exactly */
	CHECK(page_from_pfn(&m.pool, 8) == NULL);
	CHECK(page_from_pfn(&m.pool, 30) == NULL);
	CHECK(page_from_pfn(&m.pool, UINT64_MAX) == &m.storage[1][3]);
	CHECK_EQ(page_to_pfn(&m.pool, &m.storage[1][3]), UINT64_MAX);
	CHECK(page_from_pfn(&m.pool, UINT64_MAX - 4) == NULL);
	CHECK(page_from_pfn(&m.pool, 0) == &m.storage[0][0]);
	CHECK_EQ(page_pool_check(&m.pool), 0);
	while (m.pool.nranges < PAGE_POOL_MAX_RANGES)
		REQUIRE(fm_add(&m, 1000 + 10 * m.pool.nranges, 2) == 0);
	CHECK_EQ(fm_add(&m, 5000, 1), -ENOSPC);
	CHECK_EQ(page_pool_check(&m.pool), 0);
	CHECK(fm_compare(&m));
	/* allocate everything, in the model's predicted order, then one more */
	while (m.nstack)
		fm_alloc(&m);
	CHECK(page_alloc(&m.pool) == NULL);
	CHECK_EQ(page_reserve(&m.pool, 0), -EBUSY);
	CHECK_EQ(page_reserve(&m.pool, 9), -ENOENT);
	CHECK_EQ(page_pool_check(&m.pool), 0);
	for (size_t i = 0; i < m.nframes; i++)
		fm_drop(&m, &m.frames[i]);
	CHECK_EQ(page_reserve(&m.pool, 0), 0);
	m.frames[0].state = F_RESERVED;
	for (size_t s = 0; s < m.nstack; s++)
		if (m.stack[s] == 0)
			memmove(m.stack + s, m.stack + s + 1, (--m.nstack - s) * sizeof(size_t));
	CHECK_EQ(page_reserve(&m.pool, 0), -EBUSY);
	CHECK(fm_compare(&m));
	CHECK_EQ(page_pool_check(&m.pool), 0);
	fm_free(&m);
}

/* The checker must catch each kind of corruption. */
TEST(page_check_catches)
{
	struct page_pool pool;
	struct page descs[8], *p, saved;
	struct list_node lru;

	page_pool_init(&pool);
	REQUIRE(page_pool_add_range(&pool, 100, 8, descs) == 0);
	p = page_alloc(&pool);
	REQUIRE(p && page_pool_check(&pool) == 0);
	list_init(&lru);
#define CORRUPT(stmt)                                                                              \
	do {                                                                                       \
		saved = *p;                                                                        \
		stmt;                                                                              \
		CHECK(page_pool_check(&pool) == -EINVAL, "missed: " #stmt);                        \
		*p = saved;                                                                        \
		REQUIRE(page_pool_check(&pool) == 0);                                              \
	} while (0)
	CORRUPT(p->refcount = 0);
	CORRUPT((p->mapcount = 2, p->refcount = 1));
	CORRUPT(p->mapcount = -1);
	CORRUPT(p->flags |= PG_SWAPCACHE);
	CORRUPT(p->swap_slot = 3);
	CORRUPT(p->flags |= PG_LRU);
	CORRUPT(p->flags |= PG_ACTIVE);
	CORRUPT(p->flags |= PG_ANON);
	CORRUPT(p->mapping = 0x41);
	CORRUPT(p->flags |= PG_FREE);
	CORRUPT(p->flags |= 1u << 20);
	CORRUPT(p->range = 1);
	CORRUPT(list_push_back(&lru, &p->lru));
	p = &descs[7]; /* a free frame */
	CORRUPT(p->refcount = 1);
	CORRUPT(p->flags = 0);
	CORRUPT(p->swap_slot = 9);
	CORRUPT(p->flags = PG_FREE | PG_DIRTY);
#undef CORRUPT
	pool.nfree++;
	CHECK_EQ(page_pool_check(&pool), -EINVAL);
	pool.nfree--;
	pool.npages++;
	CHECK_EQ(page_pool_check(&pool), -EINVAL);
	pool.npages--;
	list_remove(&descs[7].lru); /* PG_FREE but off the list */
	CHECK_EQ(page_pool_check(&pool), -EINVAL);
}

/* run @fn in a child; true if it died of SIGABRT (a failed ASSERT). */
static bool dies(void (*fn)(void))
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		fn();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static struct page_pool misuse_pool;
static struct page misuse_descs[4];

static struct page *misuse_setup(void)
{
	page_pool_init(&misuse_pool);
	if (page_pool_add_range(&misuse_pool, 7, 4, misuse_descs))
		_exit(1);
	return page_alloc(&misuse_pool);
}

static void double_put(void)
{
	struct page *p = misuse_setup();

	page_put(&misuse_pool, p);
	page_put(&misuse_pool, p);
}

static void put_mapped(void)
{
	struct page *p = misuse_setup();

	p->mapcount = 1;
	page_put(&misuse_pool, p);
}

static void put_on_lru(void)
{
	struct page *p = misuse_setup();
	struct list_node lru;

	list_init(&lru);
	list_push_back(&lru, &p->lru);
	p->flags |= PG_LRU;
	page_put(&misuse_pool, p);
}

static void get_free(void)
{
	misuse_setup();
	page_get(&misuse_descs[3]);
}

static void put_cached(void)
{
	struct page *p = misuse_setup();

	page_set_file(p, (struct address_space *)(uintptr_t)64, 3);
	page_put(&misuse_pool, p);
}

static void control(void)
{
	struct page *p = misuse_setup();

	page_get(p);
	page_put(&misuse_pool, p);
	page_put(&misuse_pool, p);
}

TEST(page_misuse_asserts)
{
	CHECK(!dies(control));
	CHECK(dies(double_put));
	CHECK(dies(put_mapped));
	CHECK(dies(put_on_lru));
	CHECK(dies(get_free));
	CHECK(dies(put_cached));
}

TEST_MAIN(TEST_CASE(page_random), TEST_CASE(page_ranges_edges), TEST_CASE(page_check_catches),
	  TEST_CASE(page_misuse_asserts))
