/*
 * tests/host/lib/rbtree_test.c: lib/rbtree.c against a reference model.
 *
 * The model is an array of item pointers sorted by key. Duplicate keys are
 * allowed: a new item goes after every item with an equal key (the tree's
 * insertion descends right on equality), so the model stays a total order
 * and the in-order walk must match it item for item. Three flavours run:
 * a plain tree (aug == NULL), the subtree maximum of a per-item value
 * through RB_AUGMENT_DEFINE, and a hand-written augmentation keeping both
 * that maximum and the subtree size. After every step the test runs
 * rb_check (all rules, and every augmented value through verify_aug),
 * walks the tree both ways against the model, and asks the augmented
 * queries (first item with val >= t, k-th item) against a model scan.
 */
#include <stdint.h>
#include <string.h>
#include <pagoda/errno.h>
#include <lib/rbtree.h>
#include "test.h"

struct item {
	struct rb_node rb;
	uint64_t key;
	uint32_t val;
	uint32_t sub_max;	/* max val in the subtree */
	uint32_t size;		/* items in the subtree (flavour BOTH only) */
	uint64_t seq;		/* insertion order, to sort equal keys */
};

enum flavour { PLAIN, MAX, BOTH };
static const char *const flavour_names[] = { "plain", "max", "max+size" };

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static struct item *item_of(const struct rb_node *rb)
{
	return rb_entry_safe(rb, struct item, rb);
}

static uint32_t sub_max_of(const struct rb_node *rb)
{
	return rb ? item_of(rb)->sub_max : 0;
}

static uint32_t size_of(const struct rb_node *rb)
{
	return rb ? item_of(rb)->size : 0;
}

static uint32_t item_compute_max(const struct item *it)
{
	return MAX(it->val, MAX(sub_max_of(it->rb.rb_left), sub_max_of(it->rb.rb_right)));
}

RB_AUGMENT_DEFINE(item_max_aug, struct item, rb, sub_max, item_compute_max);

/* The hand-written flavour: two values, recomputed together. */
static bool item_update_both(struct item *it)
{
	uint32_t max = item_compute_max(it);
	uint32_t size = 1 + size_of(it->rb.rb_left) + size_of(it->rb.rb_right);

	if (it->sub_max == max && it->size == size)
		return false;
	it->sub_max = max;
	it->size = size;
	return true;
}

static void both_propagate(struct rb_node *rb, struct rb_node *stop)
{
	while (rb != stop && item_update_both(item_of(rb)))
		rb = rb_parent(rb);
}

static void both_copy(struct rb_node *old, struct rb_node *new_node)
{
	item_of(new_node)->sub_max = item_of(old)->sub_max;
	item_of(new_node)->size = item_of(old)->size;
}

static void both_rotate(struct rb_node *old, struct rb_node *new_node)
{
	both_copy(old, new_node);
	item_update_both(item_of(old));
}

static const struct rb_augment both_aug = {
	.propagate = both_propagate,
	.copy = both_copy,
	.rotate = both_rotate,
};

static bool verify_max(const struct rb_node *rb)
{
	return item_of(rb)->sub_max == item_compute_max(item_of(rb));
}

static bool verify_both(const struct rb_node *rb)
{
	const struct item *it = item_of(rb);

	return verify_max(rb) && it->size == 1 + size_of(rb->rb_left) + size_of(rb->rb_right);
}

static char last_report[256];
static int reports;

static void report(const char *what)
{
	reports++;
	snprintf(last_report, sizeof(last_report), "%s", what);
}

/* ------------------------------------------------------------ the state -- */

struct state {
	enum flavour fl;
	const struct rb_augment *aug;
	bool (*verify)(const struct rb_node *rb);
	struct rb_root root;
	struct item **model;	/* sorted by key; ties in insertion order */
	size_t n;
	bool lazy;		/* model unsorted between checks (big trees) */
	struct item *pool;
	struct item **free;	/* stack of unused items */
	size_t nfree;
	uint64_t ops;
};

static void state_init(struct state *s, enum flavour fl, size_t cap)
{
	static const struct rb_augment *const augs[] = { NULL, &item_max_aug, &both_aug };
	static bool (*const verifiers[])(const struct rb_node *) = { NULL, verify_max,
								     verify_both };

	memset(s, 0, sizeof(*s));
	s->fl = fl;
	s->aug = augs[fl];
	s->verify = verifiers[fl];
	s->model = calloc(cap + 1, sizeof(*s->model));
	s->pool = calloc(cap + 1, sizeof(*s->pool));
	s->free = calloc(cap + 1, sizeof(*s->free));
	for (size_t i = 0; i <= cap; i++)
		s->free[s->nfree++] = &s->pool[i];
}

static void state_fini(struct state *s)
{
	free(s->model);
	free(s->pool);
	free(s->free);
}

/* Index of the first model item whose key is > @key. */
static size_t model_upper_bound(const struct state *s, uint64_t key)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->model[mid]->key <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Insert @key/@val, in one of the three ways the rbtree.h contract allows
 * for augmented trees: set the leaf's value only; also update ancestors on
 * the way down; or (the old wording) propagate from the leaf itself first.
 */
static void state_insert(struct state *s, uint64_t key, uint32_t val)
{
	struct rb_node **link = &s->root.rb_node, *parent = NULL;
	struct item *it = s->free[--s->nfree];
	int style = (int)(s->ops % 3);
	size_t at = model_upper_bound(s, key);

	it->key = key;
	it->seq = s->ops;
	it->val = val;
	it->sub_max = val;
	it->size = 1;
	while (*link) {
		struct item *p = item_of(*link);

		if (s->fl != PLAIN && style == 1) {
			p->sub_max = MAX(p->sub_max, val);
			p->size++;
		}
		parent = *link;
		link = key >= p->key ? &parent->rb_right : &parent->rb_left;
	}
	rb_link(&it->rb, parent, link);
	if (s->fl != PLAIN && style == 2) {
		it->sub_max = 0;
		it->size = 0;
		s->aug->propagate(&it->rb, NULL);
	}
	rb_insert(&s->root, &it->rb, s->aug);
	if (s->lazy) {
		s->model[s->n++] = it;
		return;
	}
	memmove(&s->model[at + 1], &s->model[at], (s->n - at) * sizeof(*s->model));
	s->model[at] = it;
	s->n++;
}

static void state_erase(struct state *s, size_t i)
{
	struct item *it = s->model[i];

	rb_erase(&s->root, &it->rb, s->aug);
	memset(it, 0xa5, sizeof(*it));		/* catch any later use */
	s->free[s->nfree++] = it;
	if (s->lazy) {
		s->model[i] = s->model[--s->n];
		return;
	}
	memmove(&s->model[i], &s->model[i + 1], (s->n - i - 1) * sizeof(*s->model));
	s->n--;
}

static void state_replace(struct state *s, size_t i)
{
	struct item *old = s->model[i], *it = s->free[--s->nfree];

	*it = *old;
	rb_replace(&s->root, &old->rb, &it->rb);
	memset(old, 0xa5, sizeof(*old));
	s->free[s->nfree++] = old;
	s->model[i] = it;
}

/* The first item in order with val >= @t, found through sub_max. */
static struct item *tree_first_at_least(const struct rb_node *rb, uint32_t t)
{
	while (rb) {
		if (rb->rb_left && sub_max_of(rb->rb_left) >= t)
			rb = rb->rb_left;
		else if (item_of(rb)->val >= t)
			return item_of(rb);
		else if (rb->rb_right && sub_max_of(rb->rb_right) >= t)
			rb = rb->rb_right;
		else
			return NULL;
	}
	return NULL;
}

/* The @k-th item in order (from 0), found through size. */
static struct item *tree_select(const struct rb_node *rb, size_t k)
{
	while (rb) {
		size_t left = size_of(rb->rb_left);

		if (k == left)
			return item_of(rb);
		if (k < left) {
			rb = rb->rb_left;
		} else {
			k -= left + 1;
			rb = rb->rb_right;
		}
	}
	return NULL;
}

static void state_check_queries(const struct state *s)
{
	uint32_t t = (uint32_t)rnd(), max = 0;
	struct item *want = NULL;

	if (s->n)
		t = s->model[rnd() % s->n]->val + (uint32_t)(rnd() % 3);
	for (size_t i = 0; i < s->n; i++) {
		max = MAX(max, s->model[i]->val);
		if (!want && s->model[i]->val >= t)
			want = s->model[i];
	}
	REQUIRE(sub_max_of(s->root.rb_node) == max, "root max %u", max);
	REQUIRE(tree_first_at_least(s->root.rb_node, t) == want, "threshold %u", t);
	if (s->fl == BOTH) {
		size_t k = s->n ? rnd() % s->n : 0;

		REQUIRE(size_of(s->root.rb_node) == s->n, "root size");
		REQUIRE(tree_select(s->root.rb_node, k) == (s->n ? s->model[k] : NULL), "select %zu", k);
	}
}

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = *(struct item *const *)a, *y = *(struct item *const *)b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Everything that must hold after every step. */
static void state_check(struct state *s)
{
	struct rb_node *rb;
	size_t i;

	if (s->lazy)
		qsort(s->model, s->n, sizeof(*s->model), item_cmp);
	reports = 0;
	REQUIRE(rb_check(&s->root, s->verify, report) == 0, "op %llu: %s",
		(unsigned long long)s->ops, last_report);
	REQUIRE(reports == 0, "report from a passing check");
	REQUIRE(rb_empty(&s->root) == (s->n == 0), "rb_empty");
	for (rb = rb_first(&s->root), i = 0; rb; rb = rb_next(rb), i++)
		REQUIRE(i < s->n && item_of(rb) == s->model[i], "op %llu: in-order item %zu",
			(unsigned long long)s->ops, i);
	REQUIRE(i == s->n, "walk ended after %zu of %zu", i, s->n);
	for (rb = rb_last(&s->root), i = s->n; rb; rb = rb_prev(rb), i--)
		REQUIRE(i > 0 && item_of(rb) == s->model[i - 1], "reverse item %zu", i);
	REQUIRE(i == 0, "reverse walk ended early at %zu", i);
	if (s->fl != PLAIN)
		state_check_queries(s);
}

/* ------------------------------------------------------- random walks -- */

struct walk_config {
	unsigned long ops;	/* before PAGODA_TEST_SCALE */
	size_t cap;		/* most items at once */
	uint64_t keys;		/* keys are drawn from [0, keys) */
};

/*
 * A random walk: grow (70% inserts) until the tree holds cap items, then
 * shrink (70% erases) until it is empty, and so on; 5% of steps replace a
 * random item. Small key ranges make many duplicates.
 */
static void random_walk(const struct walk_config *cfg, enum flavour fl, uint64_t seed)
{
	unsigned long ops = test_iterations(cfg->ops);
	struct state s;
	bool grow = true;

	printf("# walk: %s, %lu ops, cap %zu, keys %llu, seed %#llx\n", flavour_names[fl], ops,
	       cfg->cap, (unsigned long long)cfg->keys, (unsigned long long)seed);
	rng_state = seed | 1;
	state_init(&s, fl, cfg->cap);
	for (s.ops = 0; s.ops < ops; s.ops++) {
		unsigned int dice = (unsigned int)(rnd() % 100);

		if (s.n == cfg->cap)
			grow = false;
		else if (s.n == 0)
			grow = true;
		if (dice < 5 && s.n)
			state_replace(&s, rnd() % s.n);
		else if (s.n < cfg->cap && (dice < 75) == grow)
			state_insert(&s, rnd() % cfg->keys, (uint32_t)rnd() >> (rnd() % 32));
		else if (s.n)
			state_erase(&s, rnd() % s.n);
		state_check(&s);
	}
	state_fini(&s);
}

TEST(random_walks)
{
	static const struct walk_config cfgs[] = {
		{ 150000, 6, 4 },
		{ 150000, 40, 1000 },
		{ 250000, 120, 50 },
		{ 250000, 400, 1ULL << 40 },
		{ 60000, 1500, 1ULL << 20 },
	};
	uint64_t seed = test_seed();
	unsigned int runs = 0;

	for (size_t c = 0; c < ARRAY_SIZE(cfgs); c++) {
		for (int fl = PLAIN; fl <= BOTH; fl++)
			random_walk(&cfgs[c], (enum flavour)fl, seed + 0x9e3779b97f4a7c15ULL * ++runs);
	}
}

/* ------------------------------------------------ deterministic shapes -- */

/* Ascending, descending and zig-zag keys in and out, as address maps do. */
TEST(sequential_patterns)
{
	const size_t n = test_iterations(1500);

	for (int fl = PLAIN; fl <= BOTH; fl++) {
		for (int pattern = 0; pattern < 3; pattern++) {
			struct state s;

			state_init(&s, (enum flavour)fl, n);
			for (size_t i = 0; i < n; i++, s.ops++) {
				uint64_t key = pattern == 0 ? i : pattern == 1 ? n - i :
					       (i & 1 ? i : n + n - i);

				state_insert(&s, key, (uint32_t)(key * 2654435761u));
				state_check(&s);
			}
			/* Erase from the front, the back, then the middle. */
			for (; s.n; s.ops++) {
				size_t at = pattern == 0 ? 0 : pattern == 1 ? s.n - 1 : s.n / 2;

				if (s.ops % 7 == 0)
					state_replace(&s, at);
				else
					state_erase(&s, at);
				state_check(&s);
			}
			state_fini(&s);
		}
	}
}

/* A big tree, checked now and then: depth stays within 2 log2(n + 1). */
static size_t tree_depth(const struct rb_node *rb)
{
	size_t l, r;

	if (!rb)
		return 0;
	l = tree_depth(rb->rb_left);
	r = tree_depth(rb->rb_right);
	return 1 + MAX(l, r);
}

TEST(large_tree)
{
	const size_t n = test_iterations(200000);
	struct state s;
	uint64_t seed = test_seed() ^ 0x1a26e;
	size_t depth;

	printf("# large tree: %zu items, seed %#llx\n", n, (unsigned long long)seed);
	rng_state = seed | 1;
	state_init(&s, BOTH, n);
	s.lazy = true;
	for (size_t i = 0; i < n; i++, s.ops++) {
		state_insert(&s, rnd(), (uint32_t)rnd());
		if (i % 20000 == 0)
			state_check(&s);
	}
	state_check(&s);
	/* A red-black tree of n items is at most 2 log2(n + 1) deep. */
	depth = tree_depth(s.root.rb_node);
	CHECK(depth < 64 && (1ULL << depth) <= (uint64_t)(n + 1) * (n + 1), "depth %zu", depth);
	printf("# depth %zu for %zu items\n", depth, n);
	while (s.n) {
		state_erase(&s, rnd() % s.n);
		if (s.n % 20000 == 0)
			state_check(&s);
		s.ops++;
	}
	state_check(&s);
	state_fini(&s);
}

/* ------------------------------------------------- corrupted trees -- */

static bool red_with_child(const struct rb_node *rb)
{
	return !rb_is_black(rb) && rb->rb_left;
}

static bool red_leaf(const struct rb_node *rb)
{
	return !rb_is_black(rb) && !rb->rb_left && !rb->rb_right;
}

static bool two_children(const struct rb_node *rb)
{
	return rb->rb_left && rb->rb_right;
}

static bool deep_leaf(const struct rb_node *rb)
{
	return !rb->rb_left && !rb->rb_right && rb_parent(rb) && rb_parent(rb_parent(rb));
}

static struct rb_node *find(const struct state *s, bool (*pred)(const struct rb_node *rb))
{
	for (size_t i = 0; i < s->n; i++) {
		if (pred(&s->model[i]->rb))
			return &s->model[i]->rb;
	}
	return NULL;
}

static void set_red(struct rb_node *rb, bool red)
{
	rb->rb_parent_color = (rb->rb_parent_color & ~(uintptr_t)1) | !red;
}

/* rb_check must fail, reporting once, with @needle in the message. */
static void expect_broken(struct state *s, const char *what, const char *needle)
{
	reports = 0;
	last_report[0] = '\0';
	CHECK(rb_check(&s->root, s->verify, report) == -EINVAL, "%s: not detected", what);
	CHECK(reports == 1, "%s: %d reports", what, reports);
	CHECK(strstr(last_report, needle) != NULL, "%s: reported \"%s\"", what, last_report);
	printf("# %s: %s\n", what, last_report);
}

TEST(check_detects_corruption)
{
	struct rb_node *rb, *other, *root;
	struct state s;
	uint32_t saved;

	rng_state = test_seed() | 1;
	state_init(&s, MAX, 1000);
	/* Grow until the tree has every shape the corruptions need. */
	while (s.n < 16 || !find(&s, red_with_child) || !find(&s, red_leaf))
		state_insert(&s, rnd() % 1000, (uint32_t)(rnd() % 1000000));
	state_check(&s);
	root = s.root.rb_node;

	set_red(root, true);
	expect_broken(&s, "red root", "root is red");
	set_red(root, false);

	rb = find(&s, red_with_child)->rb_left;
	set_red(rb, true);
	expect_broken(&s, "red-red", "red parent");
	set_red(rb, false);

	rb = find(&s, red_leaf);
	set_red(rb, false);
	expect_broken(&s, "black height", "black heights");
	set_red(rb, true);

	rb = find(&s, deep_leaf);
	other = rb_parent(rb);
	rb->rb_parent_color = (uintptr_t)root | (rb->rb_parent_color & 1);
	expect_broken(&s, "wrong parent", "parent pointer");
	rb->rb_parent_color = (uintptr_t)other | (rb->rb_parent_color & 1);

	rb->rb_left = root;
	expect_broken(&s, "cycle", "parent pointer");
	rb->rb_left = NULL;

	rb = find(&s, two_children);
	other = rb->rb_right;
	rb->rb_right = rb->rb_left;
	expect_broken(&s, "shared child", "same node");
	rb->rb_right = other;

	item_of(root)->sub_max++;
	expect_broken(&s, "stale root max", "augmented");
	item_of(root)->sub_max--;

	rb = find(&s, deep_leaf);
	saved = item_of(rb)->val;
	item_of(rb)->val = item_of(root)->sub_max + 1;
	expect_broken(&s, "value changed without propagate", "augmented");
	/* Without a report callback the checker logs, and still fails. */
	CHECK(rb_check(&s.root, s.verify, NULL) == -EINVAL, "no report callback");
	item_of(rb)->val = saved;

	state_check(&s);
	state_fini(&s);
}

TEST_MAIN(TEST_CASE(random_walks), TEST_CASE(sequential_patterns), TEST_CASE(large_tree),
	  TEST_CASE(check_detects_corruption))
