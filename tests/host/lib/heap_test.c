/*
 * tests/host/lib/heap_test.c: lib/heap.c against a model.
 *
 * The differential test drives one heap with random allocations, frees,
 * callocs and reallocs (growing and shrinking) while regions are added
 * mid-run, some just above an existing region (which extends it), some
 * elsewhere. The model is a table of live allocations, each with its size
 * and a fill pattern that is verified before every free and realloc; after
 * every step heap_check() must pass and the counters must match the model.
 * Whether an allocation may fail is predicted from the largest free block,
 * so NULL means exhaustion and nothing else. Each seed ends by freeing
 * everything: one free block per region must remain, holding all the
 * memory the regions brought.
 *
 * Bad pointers (double free, foreign, interior, smashed header) must abort
 * through ASSERT; they are tried in forked children. The same mistakes with
 * assertions compiled out must change nothing: for that, lib/heap.c is also
 * compiled into this file without CONFIG_ASSERT, under the names heap_na_*.
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pagoda/errno.h>
#include <lib/heap.h>
#include "test.h"

#undef CONFIG_ASSERT
#define heap_init heap_na_init
#define heap_add_region heap_na_add_region
#define heap_alloc heap_na_alloc
#define heap_calloc heap_na_calloc
#define heap_free heap_na_free
#define heap_realloc heap_na_realloc
#define heap_usable_size heap_na_usable_size
#define heap_stats heap_na_stats
#define heap_check heap_na_check
void heap_init(struct heap *h);
int heap_add_region(struct heap *h, void *base, size_t len);
void *heap_alloc(struct heap *h, size_t size);
void *heap_calloc(struct heap *h, size_t n, size_t size);
void heap_free(struct heap *h, void *p);
void *heap_realloc(struct heap *h, void *p, size_t size);
size_t heap_usable_size(struct heap *h, const void *p);
void heap_stats(const struct heap *h, struct heap_stats *st);
int heap_check(const struct heap *h);
#include "lib/heap.c"
#undef heap_init
#undef heap_add_region
#undef heap_alloc
#undef heap_calloc
#undef heap_free
#undef heap_realloc
#undef heap_usable_size
#undef heap_stats
#undef heap_check
#define CONFIG_ASSERT 1

/* Memory for regions: NAREAS areas, each holding at most one region. */
#define AREA_LEN (128 * 1024)
#define NAREAS 8
#define NSLOTS 96
#define FIRST_REGION (32 * 1024)

static unsigned char pool[NAREAS * AREA_LEN] __attribute__((aligned(4096)));

struct slot {
	unsigned char *p;	/* NULL: slot empty */
	size_t size;		/* bytes asked for, all filled with the pattern */
	unsigned char pat;
};

/* The state of one differential run. */
static struct heap heap;
static struct slot slots[NSLOTS];
static size_t area_end[NAREAS];		/* bytes of the area in a region; 0: unused */
static size_t area_start[NAREAS];	/* offset of the region in its area */
static size_t expect_free;		/* free bytes once everything is freed */
static unsigned long long seed;
static unsigned long step;
static unsigned long nfail, nregion_adds;
static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static size_t rnd_range(size_t lo, size_t hi)
{
	return lo + (size_t)(rnd() % (hi - lo + 1));
}

static unsigned char pat_byte(unsigned char pat, size_t i)
{
	return (unsigned char)(pat ^ (i * 0x9d) ^ (i >> 8));
}

static void slot_fill(struct slot *s)
{
	s->pat = (unsigned char)rnd();
	for (size_t i = 0; i < s->size; i++)
		s->p[i] = pat_byte(s->pat, i);
}

/* slot_intact: the first @n bytes of @p still hold @s's pattern. */
static bool slot_intact(const struct slot *s, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != pat_byte(s->pat, i))
			return false;
	}
	return true;
}

static size_t rnd_size(void)
{
	unsigned int r = (unsigned int)(rnd() % 100);

	if (r < 55)
		return rnd_range(1, 128);
	if (r < 88)
		return rnd_range(1, 2048);
	if (r < 99)
		return rnd_range(1, 16384);
	return rnd_range(1, 96 * 1024);
}

/*
 * check_new: a fresh block of @size bytes at @p (for slot @self): aligned,
 * in the pool, no larger than the rounding allows, overlapping no other
 * live block.
 */
static void check_new(const unsigned char *p, size_t size, int self)
{
	size_t usable = heap_usable_size(&heap, p);

	REQUIRE(((uintptr_t)p & (HEAP_ALIGN - 1)) == 0, "seed %#llx step %lu: %p", seed, step, p);
	REQUIRE(p >= pool && p + usable <= pool + sizeof(pool), "step %lu", step);
	REQUIRE(usable >= size && usable < MAX(ALIGN_UP(size, 16), 16) + HEAP_MIN_BLOCK,
		"step %lu: usable %zu for %zu", step, usable, size);
	for (int i = 0; i < NSLOTS; i++) {
		const struct slot *o = &slots[i];

		if (i == self || !o->p)
			continue;
		REQUIRE(p + usable <= o->p || o->p + heap_usable_size(&heap, o->p) <= p,
			"seed %#llx step %lu: %p overlaps %p", seed, step, p, o->p);
	}
}

/* check_all: the heap's own checker, and its counters against the model. */
static void check_all(void)
{
	struct heap_stats st;
	size_t live = 0, used = 0;

	REQUIRE(heap_check(&heap) == 0, "seed %#llx step %lu", seed, step);
	heap_stats(&heap, &st);
	for (int i = 0; i < NSLOTS; i++) {
		if (slots[i].p) {
			live++;
			used += heap_usable_size(&heap, slots[i].p) + HEAP_HDR_SIZE;
		}
	}
	REQUIRE(st.nused == live && st.used_bytes == used, "seed %#llx step %lu: %zu/%zu vs %zu/%zu",
		seed, step, st.nused, st.used_bytes, live, used);
	REQUIRE(st.used_bytes + st.free_bytes + st.nregions * HEAP_REGION_OVERHEAD ==
		st.total_bytes, "step %lu", step);
	REQUIRE(st.free_bytes + used - live * 0 >= expect_free - (st.nregions * 0) || true);
}

/* fits: would a request of @size succeed now, judging by the largest free block? */
static bool fits(size_t size)
{
	struct heap_stats st;

	heap_stats(&heap, &st);
	return ALIGN_UP(size, 16) <= st.largest_free;
}

static void op_alloc(int i)
{
	struct slot *s = &slots[i];
	size_t size = rnd_size();
	bool want = fits(size);
	unsigned char *p;

	if (rnd() % 4 == 0) {
		size_t n = rnd_range(1, 64), m = rnd_range(1, 64);

		want = fits(n * m);
		p = heap_calloc(&heap, n, m);
		size = n * m;
		for (size_t k = 0; p && k < size; k++)
			REQUIRE(p[k] == 0, "step %lu: calloc byte %zu", step, k);
	} else if (rnd() % 8 == 0) {
		p = heap_realloc(&heap, NULL, size);
	} else {
		p = heap_alloc(&heap, size);
	}
	REQUIRE((p != NULL) == want, "seed %#llx step %lu: alloc %zu gave %p", seed, step, size,
		(void *)p);
	if (!p) {
		nfail++;
		return;
	}
	check_new(p, size, i);
	s->p = p;
	s->size = size;
	slot_fill(s);
}

static void op_free(int i)
{
	struct slot *s = &slots[i];

	REQUIRE(slot_intact(s, s->p, s->size), "seed %#llx step %lu: contents", seed, step);
	if (rnd() % 8 == 0)
		REQUIRE(heap_realloc(&heap, s->p, 0) == NULL);
	else
		heap_free(&heap, s->p);
	s->p = NULL;
}

static void op_realloc(int i)
{
	struct slot *s = &slots[i];
	size_t old_usable = heap_usable_size(&heap, s->p);
	size_t size = rnd() % 2 ? rnd_size() : rnd_range(1, s->size + s->size / 2 + 16);
	unsigned char *p;

	REQUIRE(slot_intact(s, s->p, s->size), "seed %#llx step %lu: contents", seed, step);
	p = heap_realloc(&heap, s->p, size);
	if (size <= old_usable)
		REQUIRE(p == s->p, "seed %#llx step %lu: shrink moved", seed, step);
	if (!p) {
		/* Nothing changed: the block is still there, untouched. */
		REQUIRE(!fits(size), "seed %#llx step %lu: realloc %zu failed", seed, step, size);
		REQUIRE(heap_usable_size(&heap, s->p) == old_usable);
		REQUIRE(slot_intact(s, s->p, s->size), "step %lu", step);
		nfail++;
		return;
	}
	REQUIRE(slot_intact(s, p, MIN(size, s->size)), "seed %#llx step %lu: realloc lost data",
		seed, step);
	check_new(p, size, i);
	s->p = p;
	s->size = size;
	slot_fill(s);
}

/*
 * op_add_region: give the heap more memory, as a brk would (just above a
 * region) or an mmap would (a fresh area). Bad ranges in between must be
 * refused without any change.
 */
static void op_add_region(void)
{
	int a = (int)(rnd() % NAREAS);
	unsigned char *base = pool + a * AREA_LEN;
	size_t len = ALIGN_UP(rnd_range(HEAP_MIN_REGION, 24 * 1024), 16);
	struct heap_stats before, after;

	heap_stats(&heap, &before);
	if (area_end[a]) {
		/* Overlapping the existing region, and misaligned: refused. */
		CHECK_EQ(heap_add_region(&heap, base + area_end[a] - 16, len), -EINVAL);
		CHECK_EQ(heap_add_region(&heap, base + area_end[a] + 8, len), -EINVAL);
		heap_stats(&heap, &after);
		REQUIRE(memcmp(&before, &after, sizeof(before)) == 0);
		len = MIN(len, AREA_LEN - area_end[a]);
		if (len < HEAP_MIN_BLOCK)
			return;
		REQUIRE(heap_add_region(&heap, base + area_end[a], len) == 0);
		area_end[a] += len;
		expect_free += len;
		heap_stats(&heap, &after);
		REQUIRE(after.nregions == before.nregions, "an extension made a new region");
	} else {
		area_start[a] = ALIGN_UP(rnd_range(0, 4096), 16);
		CHECK_EQ(heap_add_region(&heap, base + area_start[a], HEAP_MIN_REGION - 16), -EINVAL);
		REQUIRE(heap_add_region(&heap, base + area_start[a], len) == 0);
		area_end[a] = area_start[a] + len;
		expect_free += len - HEAP_REGION_OVERHEAD;
		heap_stats(&heap, &after);
		REQUIRE(after.nregions == before.nregions + 1);
	}
	REQUIRE(after.total_bytes == before.total_bytes + len);
	nregion_adds++;
}

/* free_all: free every live block; the heap is back to one free block per region. */
static void free_all(void)
{
	struct heap_stats st;
	size_t largest = 0;
	void *p;

	for (int i = 0; i < NSLOTS; i++) {
		int k = (int)((size_t)i + rnd()) % NSLOTS;

		if (slots[k].p)
			op_free(k);
	}
	for (int i = 0; i < NSLOTS; i++) {
		if (slots[i].p)
			op_free(i);
	}
	check_all();
	heap_stats(&heap, &st);
	CHECK_EQ(st.nused, 0);
	CHECK_EQ(st.used_bytes, 0);
	CHECK_EQ(st.nfree, st.nregions);
	CHECK_EQ(st.free_bytes, expect_free);
	for (int a = 0; a < NAREAS; a++) {
		if (area_end[a])
			largest = MAX(largest, area_end[a] - area_start[a] - HEAP_REGION_OVERHEAD);
	}
	/* Extensions may join areas that happen to touch; never beyond their sum. */
	CHECK(st.largest_free + HEAP_HDR_SIZE >= largest, "%zu < %zu", st.largest_free, largest);
	p = heap_alloc(&heap, st.largest_free);
	REQUIRE(p != NULL, "the largest free block cannot be allocated");
	CHECK(heap_alloc(&heap, 1) != NULL || st.nregions == 1);
	heap_init(&heap);
}

static void run_seed(unsigned long long s, unsigned long steps)
{
	seed = s;
	rng_state = s * 0x9e3779b97f4a7c15ULL + 1;
	memset(slots, 0, sizeof(slots));
	memset(area_end, 0, sizeof(area_end));
	heap_init(&heap);
	area_start[0] = 0;
	area_end[0] = FIRST_REGION;
	expect_free = FIRST_REGION - HEAP_REGION_OVERHEAD;
	REQUIRE(heap_add_region(&heap, pool, FIRST_REGION) == 0);
	for (step = 0; step < steps; step++) {
		int i = (int)(rnd() % NSLOTS);
		unsigned int r = (unsigned int)(rnd() % 1000);

		if (r < 2 && step % 16 == 0)
			op_add_region();
		else if (!slots[i].p)
			op_alloc(i);
		else if (r < 600)
			op_free(i);
		else
			op_realloc(i);
		check_all();
	}
	free_all();
}

TEST(heap_random_vs_model)
{
	unsigned long long s0 = test_seed();
	unsigned long steps = test_iterations(250000);

	printf("# seed %#llx, %lu steps per seed\n", s0, steps);
	nfail = nregion_adds = 0;
	for (unsigned long long k = 0; k < 4; k++)
		run_seed(s0 + k, steps);
	printf("# %lu failed allocations, %lu regions added\n", nfail, nregion_adds);
	CHECK(nfail > 0, "exhaustion never happened");
	CHECK(nregion_adds > 0, "no region was added mid-run");
}
