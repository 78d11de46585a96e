/*
 * tests/host/vm/address_space_test.c: the page cache against an array model.
 *
 * Three files share one frame table; the model keeps each file's cached
 * (index, page) pairs in an unsorted array scanned linearly. Random
 * operations (insert, find, find_ge, remove, range walks with early stop
 * and removal, counts, truncation, writeback and read-in through fake ops
 * that fail on some pages) are compared with the model, and
 * address_space_check() and page_pool_check() run after every step, with
 * each cached page's refcount checked against the references the test
 * holds. Then edge cases and checker self-tests.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/errno.h>
#include <vm/address_space.h>
#include "test.h"

/* test.h's CHECK(cond) without a message expands to an empty format string. */
#pragma GCC diagnostic ignored "-Wformat-zero-length"

#define NFILES	  3
#define NFRAMES	  384
#define PGOFF_MAX UINT64_MAX

struct mentry {
	pgoff_t index;
	struct page *page;
	int extra;  /* references the test holds besides the cache's */
	bool dirty; /* the test set PG_DIRTY and no writeback cleared it */
};

struct mfile {
	struct address_space as;
	struct mentry *e;
	size_t n;
};

struct amodel {
	struct page_pool pool;
	struct page descs[NFRAMES];
	struct mfile files[NFILES];
	uint64_t rng;
	pgoff_t io_log[NFRAMES]; /* indices handed to the ops, in call order */
	size_t nio;
	bool io_fail;	/* the ops fail on index % 5 == 3 (see io_err) */
	bool lock_seen; /* every op call saw PG_LOCKED */
};

static struct amodel *cur; /* for the ops, which get only the address_space */

static uint64_t rnd(struct amodel *m)
{
	uint64_t z = (m->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd_below(struct amodel *m, uint64_t n)
{
	return n ? rnd(m) % n : 0;
}

/* io_err: what the fake ops return for @index: two different errors, so order shows. */
static int io_err(const struct amodel *m, pgoff_t index)
{
	if (!m->io_fail || index % 5 != 3)
		return 0;
	return index % 10 == 3 ? -EIO : -ENOSPC;
}

static int fake_io(struct address_space *as, struct page *page)
{
	(void)as;
	if (!(page->flags & PG_LOCKED))
		cur->lock_seen = false;
	cur->io_log[cur->nio++ % NFRAMES] = page->index;
	return io_err(cur, page->index);
}

static const struct address_space_ops fake_ops = {.read_page = fake_io, .write_page = fake_io};

static void am_init(struct amodel *m, uint64_t seed)
{
	memset(m, 0, sizeof(*m));
	m->rng = seed;
	page_pool_init(&m->pool);
	REQUIRE(page_pool_add_range(&m->pool, 0x1000, NFRAMES, m->descs) == 0);
	for (int i = 0; i < NFILES; i++) {
		address_space_init(&m->files[i].as, &fake_ops, m);
		m->files[i].e = calloc(NFRAMES, sizeof(struct mentry));
		REQUIRE(m->files[i].e != NULL);
	}
	cur = m;
}

static pgoff_t rnd_index(struct amodel *m)
{
	switch (rnd_below(m, 4)) {
	case 0:
		return rnd_below(m, 64);
	case 1:
		return rnd_below(m, 4096);
	case 2:
		return PGOFF_MAX - rnd_below(m, 16);
	default:
		return rnd(m) >> rnd_below(m, 64);
	}
}

static struct mentry *mf_find(struct mfile *f, pgoff_t index)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->e[i].index == index)
			return &f->e[i];
	return NULL;
}

/* mf_find_ge: the entry with the least index >= @index, by a linear scan. */
static struct mentry *mf_find_ge(struct mfile *f, pgoff_t index)
{
	struct mentry *best = NULL;

	for (size_t i = 0; i < f->n; i++)
		if (f->e[i].index >= index && (!best || f->e[i].index < best->index))
			best = &f->e[i];
	return best;
}

static void mf_forget(struct mfile *f, struct mentry *e)
{
	*e = f->e[--f->n];
}

/* am_release: the test gives up what it held on entry @e's page, plus the cache's ref. */
static void am_release_page(struct amodel *m, struct page *page, int extra)
{
	page->flags &= ~(PG_DIRTY | PG_UPTODATE);
	while (extra-- > 0)
		page_put(&m->pool, page);
	page_put(&m->pool, page);
}

static void am_insert(struct amodel *m, struct mfile *f)
{
	struct page *page = page_alloc(&m->pool);
	pgoff_t index = rnd_index(m);
	struct mentry *e = mf_find(f, index);
	int err;

	if (!page) {
		CHECK_EQ(m->pool.nfree, 0);
		return;
	}
	err = address_space_insert(&f->as, page, index);
	if (e) {
		CHECK_EQ(err, -EEXIST);
		CHECK(page->refcount == 1 && page->mapping == 0);
		page_put(&m->pool, page);
		return;
	}
	REQUIRE(err == 0);
	CHECK(page_mapping(page) == &f->as && page->index == index);
	f->e[f->n++] = (struct mentry){index, page, 1, false};
	if (rnd_below(m, 2)) { /* often the cache keeps the only reference */
		page_put(&m->pool, page);
		f->e[f->n - 1].extra = 0;
	}
}

static void am_remove(struct amodel *m, struct mfile *f)
{
	struct mentry *e;

	if (!f->n)
		return;
	e = &f->e[rnd_below(m, f->n)];
	address_space_remove(&f->as, e->page);
	CHECK(e->page->mapping == 0);
	CHECK(address_space_find(&f->as, e->index) == NULL);
	am_release_page(m, e->page, e->extra);
	mf_forget(f, e);
}

static void am_lookup(struct amodel *m, struct mfile *f)
{
	pgoff_t index = f->n && rnd_below(m, 2) ? f->e[rnd_below(m, f->n)].index : rnd_index(m);
	struct mentry *e;

	if (rnd_below(m, 3) == 0 && index != PGOFF_MAX)
		index++;
	e = mf_find(f, index);
	CHECK(address_space_find(&f->as, index) == (e ? e->page : NULL));
	e = mf_find_ge(f, index);
	CHECK(address_space_find_ge(&f->as, index) == (e ? e->page : NULL));
}

static int cmp_pgoff(const void *a, const void *b)
{
	pgoff_t x = *(const pgoff_t *)a, y = *(const pgoff_t *)b;

	return x < y ? -1 : x > y;
}

/* mf_expect: the model's indices in [first, last] (only dirty ones if asked), sorted. */
static size_t mf_expect(struct mfile *f, pgoff_t first, pgoff_t last, bool dirty, pgoff_t *out)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		if (f->e[i].index >= first && f->e[i].index <= last && (!dirty || f->e[i].dirty))
			out[n++] = f->e[i].index;
	qsort(out, n, sizeof(*out), cmp_pgoff);
	return n;
}

struct walk {
	struct amodel *m;
	struct mfile *f;
	pgoff_t seen[NFRAMES];
	size_t n, stop_after;
	bool remove_odd;
};

static int walk_cb(struct page *page, void *arg)
{
	struct walk *w = arg;
	struct mentry *e = mf_find(w->f, page->index);

	REQUIRE(e && e->page == page, "walk visited a page the model does not cache");
	w->seen[w->n++] = page->index;
	if (w->remove_odd && (page->index & 1)) {
		address_space_remove(&w->f->as, page);
		am_release_page(w->m, page, e->extra);
		mf_forget(w->f, e);
	}
	return w->n >= w->stop_after ? 1 : 0;
}

static void rnd_range(struct amodel *m, struct mfile *f, pgoff_t *first, pgoff_t *last)
{
	pgoff_t a = f->n && rnd_below(m, 2) ? f->e[rnd_below(m, f->n)].index : rnd_index(m);
	pgoff_t b = rnd_below(m, 2) ? a + rnd_below(m, 64) : rnd_index(m);

	if (b < a) {
		pgoff_t t = a;
		a = b;
		b = t;
	}
	*first = a;
	*last = b;
}

static void am_walk(struct amodel *m, struct mfile *f)
{
	static struct walk w;
	pgoff_t first, last, want[NFRAMES];
	size_t n;
	int ret;

	rnd_range(m, f, &first, &last);
	n = mf_expect(f, first, last, false, want);
	w = (struct walk){.m = m, .f = f, .remove_odd = rnd_below(m, 4) == 0};
	w.stop_after = rnd_below(m, 3) == 0 ? 1 + rnd_below(m, n + 1) : SIZE_MAX;
	CHECK_EQ(address_space_count_range(&f->as, first, last), n);
	ret = address_space_for_range(&f->as, first, last, walk_cb, &w);
	CHECK_EQ(ret, w.stop_after <= n);
	CHECK_EQ(w.n, MIN(n, w.stop_after));
	for (size_t i = 0; i < w.n && i < n; i++)
		CHECK(w.seen[i] == want[i], "walk order: %zu-th page", i);
}

static void release_cb(struct page *page, void *arg)
{
	struct walk *w = arg;
	struct mentry *e = mf_find(w->f, page->index);

	REQUIRE(e && e->page == page && page->mapping == 0);
	w->seen[w->n++] = page->index;
	am_release_page(w->m, page, e->extra);
	mf_forget(w->f, e);
}

static void am_truncate(struct amodel *m, struct mfile *f)
{
	static struct walk w;
	pgoff_t first, last, want[NFRAMES];
	size_t n;

	rnd_range(m, f, &first, &last);
	n = mf_expect(f, first, last, false, want);
	w = (struct walk){.m = m, .f = f};
	CHECK_EQ(address_space_remove_range(&f->as, first, last, release_cb, &w), n);
	CHECK_EQ(w.n, n);
	CHECK(memcmp(w.seen, want, n * sizeof(pgoff_t)) == 0);
	CHECK_EQ(address_space_count_range(&f->as, first, last), 0);
}

static void am_writeback(struct amodel *m, struct mfile *f)
{
	pgoff_t first, last, want[NFRAMES];
	size_t n;
	int ret, want_ret = 0;

	rnd_range(m, f, &first, &last);
	n = mf_expect(f, first, last, true, want);
	m->nio = 0;
	m->io_fail = rnd_below(m, 2);
	m->lock_seen = true;
	ret = address_space_writeback(&f->as, first, last);
	CHECK_EQ(m->nio, n);
	CHECK(memcmp(m->io_log, want, n * sizeof(pgoff_t)) == 0, "writeback order");
	CHECK(m->lock_seen);
	for (size_t i = 0; i < n; i++) {
		struct mentry *e = mf_find(f, want[i]);
		bool fails = io_err(m, want[i]) != 0;

		if (fails && !want_ret)
			want_ret = io_err(m, want[i]);
		e->dirty = fails;
		CHECK_EQ(!!(e->page->flags & PG_DIRTY), fails);
		CHECK(!(e->page->flags & PG_LOCKED));
	}
	CHECK_EQ(ret, want_ret);
}

static void am_read(struct amodel *m, struct mfile *f)
{
	struct mentry *e;
	bool fails;

	if (!f->n)
		return;
	e = &f->e[rnd_below(m, f->n)];
	m->io_fail = rnd_below(m, 2);
	m->lock_seen = true;
	fails = io_err(m, e->index) != 0;
	e->page->flags &= ~PG_UPTODATE;
	CHECK_EQ(address_space_read_page(&f->as, e->page), io_err(m, e->index));
	CHECK(m->lock_seen && !(e->page->flags & PG_LOCKED));
	CHECK_EQ(!!(e->page->flags & PG_UPTODATE), !fails);
}

/* am_verify: the checkers, the counts, and every cached page's references. */
static bool am_verify(struct amodel *m)
{
	bool ok = page_pool_check(&m->pool) == 0;

	for (int i = 0; i < NFILES; i++) {
		struct mfile *f = &m->files[i];

		ok = ok && address_space_check(&f->as) == 0 && f->as.nrpages == f->n;
		for (size_t j = 0; ok && j < f->n; j++) {
			const struct page *p = f->e[j].page;

			ok = p->refcount == 1 + f->e[j].extra && page_mapping(p) == &f->as &&
			     p->index == f->e[j].index && !!(p->flags & PG_DIRTY) == f->e[j].dirty;
		}
	}
	CHECK(ok, "checker, count or page state disagrees with the model");
	return ok;
}

static void am_step(struct amodel *m)
{
	struct mfile *f = &m->files[rnd_below(m, NFILES)];
	uint64_t op = rnd_below(m, 100);

	if (op < 30) {
		am_insert(m, f);
	} else if (op < 45) {
		am_remove(m, f);
	} else if (op < 65) {
		am_lookup(m, f);
	} else if (op < 77) {
		am_walk(m, f);
	} else if (op < 80) {
		am_truncate(m, f);
	} else if (op < 88) {
		if (f->n) {
			struct mentry *e = &f->e[rnd_below(m, f->n)];

			e->page->flags |= PG_DIRTY;
			e->dirty = true;
		}
	} else if (op < 94) {
		am_writeback(m, f);
	} else {
		am_read(m, f);
	}
}

static void am_teardown(struct amodel *m)
{
	for (int i = 0; i < NFILES; i++) {
		struct mfile *f = &m->files[i];

		while (f->n) {
			struct mentry *e = &f->e[0];

			address_space_remove(&f->as, e->page);
			am_release_page(m, e->page, e->extra);
			mf_forget(f, e);
		}
		CHECK(address_space_empty(&f->as));
		free(f->e);
	}
	CHECK_EQ(m->pool.nfree, NFRAMES);
	CHECK_EQ(page_pool_check(&m->pool), 0);
}

static void am_random_run(uint64_t seed, unsigned long steps)
{
	static struct amodel m;

	am_init(&m, seed);
	printf("# seed %#llx steps %lu\n", (unsigned long long)seed, steps);
	for (unsigned long s = 0; s < steps; s++) {
		am_step(&m);
		if (!am_verify(&m)) {
			CHECK(false, "diverged at step %lu (seed %#llx)", s,
			      (unsigned long long)seed);
			break;
		}
	}
	am_teardown(&m);
}

TEST(address_space_random)
{
	unsigned long steps = test_iterations(250000);

	for (uint64_t i = 0; i < 4; i++)
		am_random_run(test_seed() + i, steps);
}

/* edge: indices 0 and PGOFF_MAX, empty walks, duplicates, missing ops. */
TEST(address_space_edges)
{
	static struct amodel m;
	struct mfile *f;
	struct page *a, *b, *c;

	am_init(&m, 42);
	f = &m.files[0];
	CHECK(address_space_empty(&f->as));
	CHECK(address_space_find(&f->as, 0) == NULL);
	CHECK(address_space_find_ge(&f->as, 0) == NULL);
	CHECK_EQ(address_space_count_range(&f->as, 0, PGOFF_MAX), 0);
	CHECK_EQ(address_space_writeback(&f->as, 0, PGOFF_MAX), 0);
	a = page_alloc(&m.pool);
	b = page_alloc(&m.pool);
	c = page_alloc(&m.pool);
	REQUIRE(a && b && c);
	CHECK_EQ(address_space_insert(&f->as, a, 0), 0);
	CHECK_EQ(address_space_insert(&f->as, b, PGOFF_MAX), 0);
	CHECK_EQ(address_space_insert(&f->as, c, PGOFF_MAX), -EEXIST);
	CHECK(c->mapping == 0 && c->refcount == 1);
	CHECK_EQ(address_space_insert(&m.files[1].as, c, PGOFF_MAX), 0); /* another file */
	CHECK(address_space_find(&f->as, PGOFF_MAX) == b);
	CHECK(address_space_find_ge(&f->as, 1) == b);
	CHECK(address_space_find_ge(&f->as, PGOFF_MAX) == b);
	CHECK(address_space_find_ge(&f->as, 0) == a);
	CHECK_EQ(address_space_count_range(&f->as, 0, PGOFF_MAX), 2);
	CHECK_EQ(address_space_count_range(&f->as, PGOFF_MAX, PGOFF_MAX), 1);
	CHECK_EQ(address_space_count_range(&f->as, 1, PGOFF_MAX - 1), 0);
	CHECK_EQ(address_space_count_range(&f->as, 5, 4), 0);
	CHECK(!address_space_empty(&f->as));
	CHECK_EQ(address_space_check(&f->as), 0);
	f->e[f->n++] = (struct mentry){0, a, 1, false};
	f->e[f->n++] = (struct mentry){PGOFF_MAX, b, 1, false};
	m.files[1].e[m.files[1].n++] = (struct mentry){PGOFF_MAX, c, 1, false};
	/* a walk over [max, max] sees b only, and may remove it */
	{
		static struct walk w;

		w = (struct walk){.m = &m, .f = f, .stop_after = SIZE_MAX, .remove_odd = true};
		CHECK_EQ(address_space_for_range(&f->as, PGOFF_MAX, PGOFF_MAX, walk_cb, &w), 0);
		CHECK(w.n == 1 && w.seen[0] == PGOFF_MAX);
		CHECK(address_space_find(&f->as, PGOFF_MAX) == NULL);
	}
	CHECK(am_verify(&m));
	am_teardown(&m);
}

/* without ops: -ENOSYS, and nothing changes */
TEST(address_space_no_ops)
{
	static struct amodel m;
	struct address_space bare;
	struct page *b;

	am_init(&m, 45);
	address_space_init(&bare, NULL, NULL);
	b = page_alloc(&m.pool);
	REQUIRE(b && address_space_insert(&bare, b, 7) == 0);
	b->flags |= PG_DIRTY;
	CHECK_EQ(address_space_read_page(&bare, b), -ENOSYS);
	CHECK_EQ(address_space_writeback(&bare, 0, PGOFF_MAX), -ENOSYS);
	CHECK(b->flags & PG_DIRTY);
	address_space_remove(&bare, b);
	b->flags = 0;
	page_put(&m.pool, b);
	page_put(&m.pool, b);
	CHECK(address_space_empty(&bare));
	am_teardown(&m);
}

static int count_vmas(struct pst_node *node, void *arg)
{
	(void)node;
	(*(int *)arg)++;
	return 0;
}

/* i_mmap is part of the address_space: its checker runs, and it keeps the space in use. */
TEST(address_space_i_mmap)
{
	static struct amodel m;
	struct pst_node vma[3];
	struct address_space *as;
	int calls = 0;

	am_init(&m, 43);
	as = &m.files[0].as;
	memset(vma, 0, sizeof(vma));
	pst_insert(&as->i_mmap, &vma[0], 0, 9);
	pst_insert(&as->i_mmap, &vma[1], 5, 5);
	pst_insert(&as->i_mmap, &vma[2], 0, 9);
	CHECK(!address_space_empty(as));
	CHECK_EQ(address_space_check(as), 0);
	CHECK_EQ(pst_stab(&as->i_mmap, 5, count_vmas, &calls), 0);
	CHECK_EQ(calls, 3);
	as->i_mmap.count++;
	CHECK_EQ(address_space_check(as), -EINVAL);
	as->i_mmap.count--;
	for (int i = 0; i < 3; i++)
		pst_remove(&as->i_mmap, &vma[i]);
	CHECK(address_space_empty(as));
	am_teardown(&m);
}

TEST(address_space_check_catches)
{
	static struct amodel m;
	struct mfile *f;
	struct page *p[3];

	am_init(&m, 44);
	f = &m.files[0];
	for (int i = 0; i < 3; i++) {
		p[i] = page_alloc(&m.pool);
		REQUIRE(p[i] && address_space_insert(&f->as, p[i], 10 * (pgoff_t)i) == 0);
		page_put(&m.pool, p[i]);
		f->e[f->n++] = (struct mentry){10 * (pgoff_t)i, p[i], 0, false};
	}
	REQUIRE(address_space_check(&f->as) == 0);
	p[1]->index = 25; /* out of order */
	CHECK_EQ(address_space_check(&f->as), -EINVAL);
	p[1]->index = 10;
	p[2]->mapping = (uintptr_t)&m.files[1].as; /* claims another file */
	CHECK_EQ(address_space_check(&f->as), -EINVAL);
	p[2]->mapping = (uintptr_t)&f->as;
	f->as.nrpages++;
	CHECK_EQ(address_space_check(&f->as), -EINVAL);
	f->as.nrpages--;
	p[0]->refcount = 0;
	CHECK_EQ(address_space_check(&f->as), -EINVAL);
	p[0]->refcount = 1;
	REQUIRE(address_space_check(&f->as) == 0);
	am_teardown(&m);
}

TEST_MAIN(TEST_CASE(address_space_random), TEST_CASE(address_space_edges),
	  TEST_CASE(address_space_no_ops), TEST_CASE(address_space_i_mmap),
	  TEST_CASE(address_space_check_catches))
