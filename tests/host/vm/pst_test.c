/*
 * tests/host/vm/pst_test.c: the priority search tree against a list scanned
 * linearly. Random operations compare every query's result, as a set, with
 * the model's and run pst_check() after each step; then edge cases one by
 * one (page 0, the largest pgoff_t, single pages, equal and nested
 * intervals, empty trees, early stop).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/errno.h>
#include <vm/pst.h>
#include "test.h"

/* test.h's CHECK(cond) without a message expands to an empty format string. */
#pragma GCC diagnostic ignored "-Wformat-zero-length"

#define PGOFF_MAX UINT64_MAX

struct item {
	struct pst_node node;
	bool in;	     /* in the tree, per the model */
	pgoff_t first, last; /* model copy of the interval */
	unsigned int seen;   /* times reported by the current query */
};

struct model {
	struct item *items;
	size_t nitems;
	size_t nin;
	struct pst_root root;
	uint64_t rng;
};

static uint64_t rnd(struct model *m)
{
	uint64_t z = (m->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd_below(struct model *m, uint64_t n)
{
	return n ? rnd(m) % n : 0;
}

/* A value from one of several regimes: tiny, a scale, near a power of two, near the top. */
static pgoff_t rnd_pgoff(struct model *m, unsigned int regime)
{
	unsigned int sh;

	switch (regime) {
	case 0:
		return rnd_below(m, 16);
	case 1:
		return rnd_below(m, 1024);
	case 2:
		sh = (unsigned int)rnd_below(m, 64);
		return ((pgoff_t)1 << sh) + rnd_below(m, 5) - 2;
	case 3:
		return PGOFF_MAX - rnd_below(m, 8);
	default:
		return rnd(m) >> rnd_below(m, 64);
	}
}

static void rnd_interval(struct model *m, unsigned int regime, pgoff_t *first, pgoff_t *last)
{
	pgoff_t a = rnd_pgoff(m, regime), b;

	switch (rnd_below(m, 4)) {
	case 0:
		b = a;
		break;
	case 1:
		b = a + rnd_below(m, 8);
		break;
	default:
		b = rnd_pgoff(m, regime);
		break;
	}
	if (b < a) {
		pgoff_t t = a;
		a = b;
		b = t;
	}
	*first = a;
	*last = b;
}

static int collect_cb(struct pst_node *node, void *arg)
{
	struct item *it = container_of(node, struct item, node);

	(void)arg;
	it->seen++;
	return 0;
}

static void model_init(struct model *m, size_t nitems, uint64_t seed)
{
	m->items = calloc(nitems, sizeof(*m->items));
	REQUIRE(m->items != NULL);
	m->nitems = nitems;
	m->nin = 0;
	m->rng = seed;
	pst_root_init(&m->root);
}

static void model_insert(struct model *m, struct item *it, pgoff_t first, pgoff_t last)
{
	pst_insert(&m->root, &it->node, first, last);
	it->in = true;
	it->first = first;
	it->last = last;
	m->nin++;
}

static void model_remove(struct model *m, struct item *it)
{
	pst_remove(&m->root, &it->node);
	it->in = false;
	m->nin--;
}

/* Compare one overlap query [lo, hi] (a stab when lo == hi) with the linear scan. */
static bool model_query(struct model *m, pgoff_t lo, pgoff_t hi)
{
	bool ok = true;
	int ret;

	for (size_t i = 0; i < m->nitems; i++)
		m->items[i].seen = 0;
	if (lo == hi)
		ret = pst_stab(&m->root, lo, collect_cb, NULL);
	else
		ret = pst_overlap(&m->root, lo, hi, collect_cb, NULL);
	CHECK_EQ(ret, 0);
	for (size_t i = 0; i < m->nitems; i++) {
		struct item *it = &m->items[i];
		unsigned int want = it->in && it->first <= hi && it->last >= lo;

		if (it->seen != want) {
			CHECK(it->seen == want,
			      "item [%#llx, %#llx] seen %u times, want %u, query [%#llx, %#llx]",
			      (unsigned long long)it->first, (unsigned long long)it->last, it->seen,
			      want, (unsigned long long)lo, (unsigned long long)hi);
			ok = false;
		}
	}
	return ok;
}

/* A query point: often an endpoint of a live interval (or one past it), sometimes random. */
static pgoff_t rnd_point(struct model *m, unsigned int regime)
{
	struct item *it = &m->items[rnd_below(m, m->nitems)];

	switch (rnd_below(m, 4)) {
	case 0:
		return it->first;
	case 1:
		return it->last;
	case 2:
		return rnd_below(m, 2) ? it->first - 1 : it->last + 1;
	default:
		return rnd_pgoff(m, regime);
	}
}

static bool random_step(struct model *m, unsigned int regime)
{
	struct item *it = &m->items[rnd_below(m, m->nitems)];
	uint64_t op = rnd_below(m, 100);
	pgoff_t a, b;

	if (op < 35) {
		if (it->in)
			model_remove(m, it);
		rnd_interval(m, regime, &a, &b);
		if (rnd_below(m, 4) == 0) {
			/* an interval equal to a live one, to grow dup rings */
			struct item *o = &m->items[rnd_below(m, m->nitems)];
			if (o->in) {
				a = o->first;
				b = o->last;
			}
		}
		model_insert(m, it, a, b);
	} else if (op < 60) {
		if (it->in)
			model_remove(m, it);
	} else if (op < 80) {
		a = rnd_point(m, regime);
		if (!model_query(m, a, a))
			return false;
	} else {
		a = rnd_point(m, regime);
		b = rnd_point(m, regime);
		if (a > b) {
			pgoff_t t = a;
			a = b;
			b = t;
		}
		if (!model_query(m, a, b))
			return false;
	}
	if (pst_check(&m->root) != 0) {
		CHECK(false, "pst_check failed");
		return false;
	}
	CHECK_EQ(pst_count(&m->root), m->nin);
	return pst_count(&m->root) == m->nin;
}

static void random_run(uint64_t seed, size_t nitems, unsigned long steps)
{
	struct model m;
	unsigned int regime = (unsigned int)(seed % 6); /* 5: a fresh regime per step */

	model_init(&m, nitems, seed);
	printf("# seed %#llx items %zu steps %lu regime %u\n", (unsigned long long)seed, nitems,
	       steps, regime);
	for (unsigned long s = 0; s < steps; s++) {
		if (!random_step(&m, regime == 5 ? (unsigned int)rnd_below(&m, 5) : regime)) {
			CHECK(false, "diverged at step %lu (seed %#llx)", s,
			      (unsigned long long)seed);
			break;
		}
	}
	for (size_t i = 0; i < m.nitems; i++)
		if (m.items[i].in)
			model_remove(&m, &m.items[i]);
	CHECK(pst_empty(&m.root));
	CHECK_EQ(pst_check(&m.root), 0);
	free(m.items);
}

TEST(pst_random_small)
{
	unsigned long steps = test_iterations(100000);
	uint64_t seed = test_seed();

	for (uint64_t i = 0; i < 6; i++)
		random_run(seed + i, 8 + 8 * (i % 3), steps);
}

TEST(pst_random_medium)
{
	unsigned long steps = test_iterations(80000);
	uint64_t seed = test_seed() + 100;

	for (uint64_t i = 0; i < 6; i++)
		random_run(seed + i, 64, steps);
}

TEST(pst_random_large)
{
	unsigned long steps = test_iterations(30000);
	uint64_t seed = test_seed() + 200;

	for (uint64_t i = 0; i < 6; i++)
		random_run(seed + i, 400, steps);
}

/* One item at a time, for the edge cases. */
static struct item edge_items[16];

static void edge_reset(struct model *m)
{
	memset(edge_items, 0, sizeof(edge_items));
	m->items = edge_items;
	m->nitems = ARRAY_SIZE(edge_items);
	m->nin = 0;
	m->rng = 1;
	pst_root_init(&m->root);
}

/* Every query worth asking of the edge trees: each endpoint, +-1, 0 and the top. */
static void edge_queries(struct model *m)
{
	pgoff_t pts[4 * ARRAY_SIZE(edge_items) + 2];
	size_t n = 0;

	pts[n++] = 0;
	pts[n++] = PGOFF_MAX;
	for (size_t i = 0; i < m->nitems; i++) {
		if (!m->items[i].in)
			continue;
		pts[n++] = m->items[i].first;
		pts[n++] = m->items[i].first - 1;
		pts[n++] = m->items[i].last;
		pts[n++] = m->items[i].last + 1;
	}
	for (size_t i = 0; i < n; i++) {
		CHECK(model_query(m, pts[i], pts[i]));
		for (size_t j = 0; j < n; j++)
			if (pts[i] < pts[j])
				CHECK(model_query(m, pts[i], pts[j]));
	}
	CHECK_EQ(pst_check(&m->root), 0);
}

static int count_cb(struct pst_node *node, void *arg)
{
	(void)node;
	(*(int *)arg)++;
	return 0;
}

TEST(pst_empty_tree)
{
	struct pst_root root = PST_ROOT_INIT;
	int calls = 0;

	CHECK(pst_empty(&root));
	CHECK_EQ(pst_count(&root), 0);
	CHECK_EQ(pst_check(&root), 0);
	CHECK_EQ(pst_stab(&root, 0, count_cb, &calls), 0);
	CHECK_EQ(pst_stab(&root, PGOFF_MAX, count_cb, &calls), 0);
	CHECK_EQ(pst_overlap(&root, 0, PGOFF_MAX, count_cb, &calls), 0);
	CHECK_EQ(calls, 0);
}

TEST(pst_page_zero)
{
	struct model m;

	edge_reset(&m);
	model_insert(&m, &edge_items[0], 0, 0);
	CHECK_EQ(m.root.bits, 0);
	edge_queries(&m);
	model_insert(&m, &edge_items[1], 0, 5);
	model_insert(&m, &edge_items[2], 1, 1);
	edge_queries(&m);
	model_remove(&m, &edge_items[0]);
	edge_queries(&m);
	model_remove(&m, &edge_items[2]);
	CHECK_EQ(m.root.bits, 0);
	edge_queries(&m);
}

TEST(pst_pgoff_max)
{
	struct model m;

	edge_reset(&m);
	model_insert(&m, &edge_items[0], PGOFF_MAX, PGOFF_MAX);
	CHECK_EQ(m.root.bits, 64);
	model_insert(&m, &edge_items[1], 0, PGOFF_MAX);
	model_insert(&m, &edge_items[2], PGOFF_MAX - 1, PGOFF_MAX);
	model_insert(&m, &edge_items[3], 0, PGOFF_MAX);
	model_insert(&m, &edge_items[4], (pgoff_t)1 << 63, PGOFF_MAX - 1);
	model_insert(&m, &edge_items[5], 3, 9);
	edge_queries(&m);
	model_remove(&m, &edge_items[0]);
	model_remove(&m, &edge_items[2]);
	model_remove(&m, &edge_items[4]);
	edge_queries(&m);
	/* only [0, max] twice and [3, 9] remain: bits shrinks to fit first 3 */
	CHECK_EQ(m.root.bits, 2);
	model_remove(&m, &edge_items[5]);
	CHECK_EQ(m.root.bits, 0);
	edge_queries(&m);
}

TEST(pst_single_pages)
{
	struct model m;

	edge_reset(&m);
	for (size_t i = 0; i < ARRAY_SIZE(edge_items); i++)
		model_insert(&m, &edge_items[i], 3 * i, 3 * i);
	edge_queries(&m);
	for (size_t i = 0; i < ARRAY_SIZE(edge_items); i += 2)
		model_remove(&m, &edge_items[i]);
	edge_queries(&m);
}

TEST(pst_identical_intervals)
{
	struct model m;
	int calls = 0;

	edge_reset(&m);
	for (size_t i = 0; i < 6; i++)
		model_insert(&m, &edge_items[i], 10, 20);
	model_insert(&m, &edge_items[6], 10, 21);
	model_insert(&m, &edge_items[7], 9, 20);
	edge_queries(&m);
	CHECK_EQ(pst_stab(&m.root, 15, count_cb, &calls), 0);
	CHECK_EQ(calls, 8);
	/* remove the one holding the position, then ring members, then the rest */
	for (size_t i = 0; i < 6; i++) {
		struct item *holder = NULL;

		for (size_t j = 0; j < 6; j++)
			if (edge_items[j].in && edge_items[j].node.state == PST_NODE_POS)
				holder = &edge_items[j];
		REQUIRE(holder != NULL);
		model_remove(&m, i % 2 ? holder : &edge_items[5 - i / 2]);
		edge_queries(&m);
	}
}

TEST(pst_nested_intervals)
{
	struct model m;

	edge_reset(&m);
	for (size_t i = 0; i < 8; i++)
		model_insert(&m, &edge_items[i], 100 + 5 * i, 200 - 5 * i);
	for (size_t i = 8; i < 12; i++)
		model_insert(&m, &edge_items[i], 140, 150 + i);
	edge_queries(&m);
	model_remove(&m, &edge_items[0]);
	model_remove(&m, &edge_items[7]);
	model_remove(&m, &edge_items[9]);
	edge_queries(&m);
}

/* A long same-first family exercises the splits on last - first. */
TEST(pst_same_first)
{
	static struct item items[300];
	struct model m = {.items = items, .nitems = ARRAY_SIZE(items), .rng = 7};

	memset(items, 0, sizeof(items));
	pst_root_init(&m.root);
	for (size_t i = 0; i < ARRAY_SIZE(items); i++)
		model_insert(&m, &items[i], 1000,
			     1000 + (i * 37) % 300 + (i >= 150 ? 1ULL << 40 : 0));
	REQUIRE(pst_check(&m.root) == 0);
	for (pgoff_t p = 990; p < 1320; p += 7)
		CHECK(model_query(&m, p, p));
	CHECK(model_query(&m, (1ULL << 40) + 999, (1ULL << 40) + 1200));
	for (size_t i = 0; i < ARRAY_SIZE(items); i += 3)
		model_remove(&m, &items[i]);
	REQUIRE(pst_check(&m.root) == 0);
	for (pgoff_t p = 990; p < 1320; p += 5)
		CHECK(model_query(&m, p, p));
}

struct stop_arg {
	int calls;
	int stop_at;
};

static int stop_cb(struct pst_node *node, void *arg)
{
	struct stop_arg *s = arg;

	(void)node;
	return ++s->calls == s->stop_at ? -EAGAIN : 0;
}

TEST(pst_early_stop)
{
	struct model m;

	edge_reset(&m);
	for (size_t i = 0; i < 5; i++)
		model_insert(&m, &edge_items[i], 0, 100);
	for (size_t i = 5; i < 12; i++)
		model_insert(&m, &edge_items[i], i, 50 + i);
	for (int stop = 1; stop <= 12; stop++) {
		struct stop_arg s = {0, stop};

		CHECK_EQ(pst_stab(&m.root, 20, stop_cb, &s), -EAGAIN);
		CHECK_EQ(s.calls, stop);
		s.calls = 0;
		CHECK_EQ(pst_overlap(&m.root, 30, 40, stop_cb, &s), -EAGAIN);
		CHECK_EQ(s.calls, stop);
	}
	{
		struct stop_arg s = {0, 13};

		CHECK_EQ(pst_stab(&m.root, 20, stop_cb, &s), 0);
		CHECK_EQ(s.calls, 12);
	}
}

/* A node removed from one tree can go into another with a new interval. */
TEST(pst_node_reuse)
{
	struct pst_root a = PST_ROOT_INIT, b;
	struct pst_node n;
	int calls = 0;

	pst_root_init(&b);
	pst_node_init(&n);
	CHECK(!pst_node_linked(&n));
	pst_insert(&a, &n, 5, 9);
	CHECK(pst_node_linked(&n));
	CHECK_EQ(pst_node_first(&n), 5);
	CHECK_EQ(pst_node_last(&n), 9);
	pst_remove(&a, &n);
	CHECK(!pst_node_linked(&n));
	CHECK(pst_empty(&a));
	pst_insert(&b, &n, 1ULL << 50, (1ULL << 50) + 3);
	CHECK_EQ(pst_check(&a), 0);
	CHECK_EQ(pst_check(&b), 0);
	CHECK_EQ(pst_stab(&b, (1ULL << 50) + 3, count_cb, &calls), 0);
	CHECK_EQ(calls, 1);
	pst_remove(&b, &n);
	CHECK_EQ(pst_check(&b), 0);
}

/* The checker must see corruption, or the random tests prove nothing. */
TEST(pst_check_catches)
{
	struct pst_root root = PST_ROOT_INIT;
	struct pst_node n[4], *c;
	pgoff_t saved;

	memset(n, 0, sizeof(n));
	for (int i = 0; i < 4; i++)
		pst_insert(&root, &n[i], (pgoff_t)i * 4, (pgoff_t)i * 4 + 10 - i);
	REQUIRE(pst_check(&root) == 0);
	/* heap order: the top's last falls below the largest of its children */
	saved = root.top->last;
	root.top->last = root.top->first;
	CHECK_EQ(pst_check(&root), -EINVAL);
	root.top->last = saved;
	root.count++;
	CHECK_EQ(pst_check(&root), -EINVAL);
	root.count--;
	root.bits++;
	CHECK_EQ(pst_check(&root), -EINVAL);
	root.bits--;
	/* key path: swap the top's children (one may be NULL) */
	c = root.top->child[0];
	REQUIRE(c || root.top->child[1], "want a child at the top");
	root.top->child[0] = root.top->child[1];
	root.top->child[1] = c;
	CHECK_EQ(pst_check(&root), -EINVAL);
	root.top->child[1] = root.top->child[0];
	root.top->child[0] = c;
	REQUIRE(pst_check(&root) == 0);
}

TEST_MAIN(TEST_CASE(pst_random_small), TEST_CASE(pst_random_medium), TEST_CASE(pst_random_large),
	  TEST_CASE(pst_empty_tree), TEST_CASE(pst_page_zero), TEST_CASE(pst_pgoff_max),
	  TEST_CASE(pst_single_pages), TEST_CASE(pst_identical_intervals),
	  TEST_CASE(pst_nested_intervals), TEST_CASE(pst_same_first), TEST_CASE(pst_early_stop),
	  TEST_CASE(pst_node_reuse), TEST_CASE(pst_check_catches))
