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
#define heap_init(...) heap_na_init(__VA_ARGS__)
#define heap_add_region(...) heap_na_add_region(__VA_ARGS__)
#define heap_alloc(...) heap_na_alloc(__VA_ARGS__)
#define heap_calloc(...) heap_na_calloc(__VA_ARGS__)
#define heap_free(...) heap_na_free(__VA_ARGS__)
#define heap_realloc(...) heap_na_realloc(__VA_ARGS__)
#define heap_usable_size(...) heap_na_usable_size(__VA_ARGS__)
#define heap_stats(...) heap_na_stats(__VA_ARGS__)
#define heap_check(...) heap_na_check(__VA_ARGS__)
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
	REQUIRE(st.nused == live && st.used_bytes == used,
		"seed %#llx step %lu: %zu/%zu vs %zu/%zu", seed, step, st.nused, st.used_bytes,
		live, used);
	REQUIRE(st.used_bytes + st.free_bytes + st.nregions * HEAP_REGION_OVERHEAD ==
		st.total_bytes, "step %lu", step);
	REQUIRE(st.free_bytes + st.used_bytes == expect_free, "seed %#llx step %lu", seed, step);
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
		/* Never at offset 0: that could extend the region of the area below. */
		area_start[a] = rnd_range(1, 256) * 16;
		CHECK_EQ(heap_add_region(&heap, base + area_start[a], HEAP_MIN_REGION - 16),
			 -EINVAL);
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
	int order[NSLOTS] = { 0 };
	struct heap_stats st;
	size_t largest = 0;
	void *p;

	for (int i = 0; i < NSLOTS; i++) {
		int k = (int)(rnd() % (unsigned int)(i + 1));

		order[i] = order[k];
		order[k] = i;
	}
	for (int i = 0; i < NSLOTS; i++) {
		if (slots[order[i]].p)
			op_free(order[i]);
		check_all();
	}
	heap_stats(&heap, &st);
	CHECK_EQ(st.nused, 0);
	CHECK_EQ(st.used_bytes, 0);
	CHECK_EQ(st.nfree, st.nregions);
	CHECK_EQ(st.free_bytes, expect_free);
	for (int a = 0; a < NAREAS; a++) {
		if (area_end[a])
			largest = MAX(largest, area_end[a] - area_start[a] - HEAP_REGION_OVERHEAD);
	}
	CHECK_EQ(st.largest_free + HEAP_HDR_SIZE, largest);
	p = heap_alloc(&heap, st.largest_free);
	REQUIRE(p != NULL, "the largest free block cannot be allocated");
	CHECK_EQ(heap_usable_size(&heap, p), st.largest_free);
	if (st.nregions == 1)
		CHECK(heap_alloc(&heap, 1) == NULL);
	else
		CHECK(heap_alloc(&heap, 1) != NULL);
	CHECK_EQ(heap_check(&heap), 0);
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

		if ((r < 2 && step % 16 == 0) || step == steps / 2)
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

TEST(heap_regions)
{
	static unsigned char mem[8192] __attribute__((aligned(16)));
	struct heap h;
	struct heap_stats st;

	heap_init(&h);
	CHECK(heap_alloc(&h, 1) == NULL, "an empty heap allocated");
	CHECK_EQ(heap_add_region(&h, NULL, 4096), -EINVAL);
	CHECK_EQ(heap_add_region(&h, mem + 8, 4096), -EINVAL);
	CHECK_EQ(heap_add_region(&h, mem, HEAP_MIN_REGION - 1), -EINVAL);
	CHECK_EQ(heap_add_region(&h, (void *)(UINTPTR_MAX - 4095), 8192), -EINVAL);
	CHECK_EQ(heap_check(&h), 0);
	heap_stats(&h, &st);
	CHECK_EQ(st.nregions, 0);

	/* Regions out of address order, then one extended upwards. */
	CHECK_EQ(heap_add_region(&h, mem + 4096, 1024), 0);
	CHECK_EQ(heap_add_region(&h, mem, 1024 + 15), 0);	/* rounded down */
	CHECK_EQ(heap_add_region(&h, mem + 512, 1024), -EINVAL);
	CHECK_EQ(heap_add_region(&h, mem + 4096 - 512, 1024), -EINVAL);
	CHECK_EQ(heap_add_region(&h, mem + 2048, 2048 + 16), -EINVAL);
	CHECK_EQ(heap_add_region(&h, mem + 1024, HEAP_MIN_BLOCK - 16), -EINVAL);
	CHECK_EQ(heap_add_region(&h, mem + 1024, 1024), 0);
	CHECK_EQ(heap_check(&h), 0);
	heap_stats(&h, &st);
	CHECK_EQ(st.nregions, 2);
	CHECK_EQ(st.total_bytes, 3072);
	CHECK_EQ(st.nfree, 2);
	CHECK_EQ(st.free_bytes, 3072 - 2 * HEAP_REGION_OVERHEAD);
	CHECK_EQ(st.largest_free, 2048 - HEAP_REGION_OVERHEAD - HEAP_HDR_SIZE);
	/* The extension made one block of the seam: a block as large as it all fits. */
	CHECK(heap_alloc(&h, st.largest_free) != NULL);
	CHECK(heap_alloc(&h, 1024 - HEAP_REGION_OVERHEAD - HEAP_HDR_SIZE) != NULL);
	CHECK(heap_alloc(&h, 1) == NULL);
	CHECK_EQ(heap_check(&h), 0);
}

TEST(heap_bad_requests)
{
	static unsigned char mem[4096] __attribute__((aligned(16)));
	struct heap h;
	struct heap_stats before, after;

	heap_init(&h);
	REQUIRE(heap_add_region(&h, mem, sizeof(mem)) == 0);
	heap_stats(&h, &before);
	CHECK(heap_alloc(&h, 0) == NULL);
	CHECK(heap_alloc(&h, SIZE_MAX) == NULL);
	CHECK(heap_alloc(&h, SIZE_MAX - HEAP_HDR_SIZE) == NULL);
	CHECK(heap_alloc(&h, HEAP_MAX_ALLOC + 1) == NULL);
	CHECK(heap_alloc(&h, sizeof(mem)) == NULL);
	CHECK(heap_calloc(&h, SIZE_MAX / 2 + 1, 2) == NULL);
	CHECK(heap_calloc(&h, (size_t)1 << 32, (size_t)1 << 32) == NULL);
	CHECK(heap_calloc(&h, SIZE_MAX, SIZE_MAX) == NULL);
	CHECK(heap_calloc(&h, 0, 16) == NULL);
	CHECK(heap_realloc(&h, NULL, SIZE_MAX) == NULL);
	heap_free(&h, NULL);
	CHECK_EQ(heap_usable_size(&h, NULL), 0);
	heap_stats(&h, &after);
	CHECK(memcmp(&before, &after, sizeof(before)) == 0, "a failed request changed the heap");
	CHECK_EQ(heap_check(&h), 0);
}

/* Exhaustion: fill the heap with small blocks; frees make room again. */
TEST(heap_exhaustion)
{
	static unsigned char mem[16384] __attribute__((aligned(16)));
	static void *ptrs[512];
	struct heap h;
	struct heap_stats st;
	size_t n = 0;

	heap_init(&h);
	REQUIRE(heap_add_region(&h, mem, sizeof(mem)) == 0);
	while ((ptrs[n] = heap_alloc(&h, 100)) != NULL) {
		memset(ptrs[n], 0x5a, 100);
		REQUIRE(++n < ARRAY_SIZE(ptrs));
	}
	heap_stats(&h, &st);
	/* 100 bytes take a 144-byte block; what is left cannot hold one. */
	CHECK_EQ(n, (sizeof(mem) - HEAP_REGION_OVERHEAD) / 144);
	CHECK(st.free_bytes < 144, "%zu bytes left", st.free_bytes);
	CHECK(heap_alloc(&h, 100) == NULL);
	CHECK(heap_realloc(&h, ptrs[0], 200) == NULL, "grew into nothing");
	heap_free(&h, ptrs[5]);
	heap_free(&h, ptrs[6]);
	CHECK_EQ(heap_check(&h), 0);
	/* Two adjacent 144-byte blocks merged: 250 bytes fit, twice 100 do not. */
	ptrs[5] = heap_alloc(&h, 250);
	CHECK(ptrs[5] != NULL);
	CHECK(heap_alloc(&h, 100) == NULL);
	heap_free(&h, ptrs[5]);
	for (size_t i = 0; i < n; i++) {
		if (i != 5 && i != 6)
			heap_free(&h, ptrs[i]);
	}
	heap_stats(&h, &st);
	CHECK_EQ(st.nfree, 1);
	CHECK_EQ(st.free_bytes, sizeof(mem) - HEAP_REGION_OVERHEAD);
	CHECK_EQ(heap_check(&h), 0);
}

TEST(heap_realloc_in_place)
{
	static unsigned char mem[8192] __attribute__((aligned(16)));
	struct heap h;
	unsigned char *a, *b, *c, *d;

	heap_init(&h);
	REQUIRE(heap_add_region(&h, mem, sizeof(mem)) == 0);
	a = heap_alloc(&h, 64);
	b = heap_alloc(&h, 256);
	c = heap_alloc(&h, 64);
	REQUIRE(a && b && c);
	for (int i = 0; i < 64; i++)
		a[i] = (unsigned char)i;
	heap_free(&h, b);
	/* The block above is free: grow into it, in place. */
	CHECK(heap_realloc(&h, a, 200) == a);
	CHECK(heap_usable_size(&h, a) >= 200);
	CHECK_EQ(heap_check(&h), 0);
	/* Shrink: in place, the tail freed and merged with what is left above. */
	CHECK(heap_realloc(&h, a, 16) == a);
	CHECK_EQ(heap_usable_size(&h, a), 16);
	CHECK_EQ(heap_check(&h), 0);
	/* Grow past c: the block moves, with its contents. */
	d = heap_realloc(&h, a, 1000);
	REQUIRE(d != NULL);
	CHECK(d != a);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(d[i], i);
	CHECK_EQ(heap_check(&h), 0);
	heap_free(&h, c);
	heap_free(&h, d);
	CHECK_EQ(heap_check(&h), 0);
}

/* heap_check must notice a broken invariant, one per fresh heap. */
TEST(heap_check_catches_corruption)
{
	static unsigned char mem[4096] __attribute__((aligned(16)));
	struct heap h;
	unsigned char *a, *b, *c;

	for (int kind = 0; kind < 7; kind++) {
		heap_init(&h);
		REQUIRE(heap_add_region(&h, mem, sizeof(mem)) == 0);
		a = heap_alloc(&h, 64);
		b = heap_alloc(&h, 64);
		c = heap_alloc(&h, 64);
		REQUIRE(a && b && c);
		heap_free(&h, b);
		REQUIRE(heap_check(&h) == 0);
		switch (kind) {
		case 0:	h.h_used_bytes += 16; break;
		case 1:	h.h_nfree++; break;
		case 2:	h.h_binmap[0] = 0; break;
		case 3:	a[-HEAP_HDR_SIZE + 8] ^= 0x10; break;	/* size of a */
		case 4:	list_remove((struct list_node *)b); break;	/* b off its bin */
		case 5:	c[-HEAP_HDR_SIZE + 16] ^= 0x10; break;	/* prev_size of c */
		case 6:	h.h_total_bytes -= 16; break;
		}
		CHECK_EQ(heap_check(&h), -EINVAL);
	}
}

/* dies: does @fn, run in a child, end by abort (a failed ASSERT)? */
static bool dies(void (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		fn();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static unsigned char bad_mem[4096] __attribute__((aligned(16)));
static unsigned char other_mem[4096] __attribute__((aligned(16)));
static struct heap bad_heap, other_heap;
static unsigned char *bad_p;

static void bad_double_free(void)
{
	heap_free(&bad_heap, bad_p);
	heap_free(&bad_heap, bad_p);
}

static void bad_interior(void)
{
	heap_free(&bad_heap, bad_p + 16);
}

static void bad_misaligned(void)
{
	heap_free(&bad_heap, bad_p + 1);
}

static void bad_foreign(void)
{
	heap_free(&bad_heap, heap_alloc(&other_heap, 32));
}

static void bad_other_heap_header(void)
{
	unsigned char *q = heap_alloc(&other_heap, 48);

	/* A block of the same size, but its header is tagged with another heap's key. */
	memcpy(q - HEAP_HDR_SIZE, bad_p - HEAP_HDR_SIZE, HEAP_HDR_SIZE);
	heap_free(&other_heap, q);
}

static void bad_smashed(void)
{
	memset(bad_p - 8, 0x41, 8);	/* an underrun of the block below */
	heap_free(&bad_heap, bad_p);
}

static void bad_realloc_freed(void)
{
	heap_free(&bad_heap, bad_p);
	heap_realloc(&bad_heap, bad_p, 10);
}

static void good_free(void)
{
	heap_free(&bad_heap, bad_p);
}

TEST(heap_bad_pointers_abort)
{
	heap_init(&bad_heap);
	heap_init(&other_heap);
	REQUIRE(heap_add_region(&bad_heap, bad_mem, sizeof(bad_mem)) == 0);
	REQUIRE(heap_add_region(&other_heap, other_mem, sizeof(other_mem)) == 0);
	bad_p = heap_alloc(&bad_heap, 48);
	REQUIRE(bad_p != NULL);
	CHECK(!dies(good_free), "a good free aborted");
	CHECK(dies(bad_double_free));
	CHECK(dies(bad_interior));
	CHECK(dies(bad_misaligned));
	CHECK(dies(bad_foreign));
	CHECK(dies(bad_other_heap_header));
	CHECK(dies(bad_smashed));
	CHECK(dies(bad_realloc_freed));
	CHECK_EQ(heap_check(&bad_heap), 0);
}

/*
 * With assertions off (heap_na_*), the same mistakes are refused and
 * leave the heap exactly as it was.
 */
TEST(heap_bad_pointers_refused)
{
	static unsigned char mem[4096] __attribute__((aligned(16)));
	static unsigned char mem2[1024] __attribute__((aligned(16)));
	struct heap h, h2;
	struct heap_stats before, after;
	unsigned char *a, *b, *c, *x;
	int local;

	heap_na_init(&h);
	heap_na_init(&h2);
	REQUIRE(heap_na_add_region(&h, mem, sizeof(mem)) == 0);
	REQUIRE(heap_na_add_region(&h2, mem2, sizeof(mem2)) == 0);
	a = heap_na_alloc(&h, 64);
	b = heap_na_alloc(&h, 64);
	c = heap_na_alloc(&h, 64);
	x = heap_na_alloc(&h2, 64);
	REQUIRE(a && b && c && x);
	heap_na_free(&h, b);
	heap_na_free(&h, a);	/* a merges with b: its header is now stale */
	heap_na_stats(&h, &before);
	heap_na_free(&h, a);
	heap_na_free(&h, b);
	heap_na_free(&h, c + 16);
	heap_na_free(&h, c + 1);
	heap_na_free(&h, x);
	heap_na_free(&h, &local);
	CHECK(heap_na_realloc(&h, b, 100) == NULL);
	CHECK_EQ(heap_na_usable_size(&h, a), 0);
	c[-1] ^= 1;	/* smash c's seal */
	heap_na_free(&h, c);
	CHECK(heap_na_realloc(&h, c, 10) == NULL);
	heap_na_stats(&h, &after);
	CHECK(memcmp(&before, &after, sizeof(before)) == 0, "a refused pointer changed the heap");
	c[-1] ^= 1;
	CHECK_EQ(heap_na_check(&h), 0);
	heap_na_free(&h, c);
	heap_na_stats(&h, &after);
	CHECK_EQ(after.nused, 0);
	CHECK_EQ(after.nfree, 1);
	CHECK_EQ(heap_na_check(&h), 0);
	CHECK_EQ(heap_na_check(&h2), 0);
}

TEST_MAIN(TEST_CASE(heap_regions), TEST_CASE(heap_bad_requests), TEST_CASE(heap_exhaustion),
	  TEST_CASE(heap_realloc_in_place), TEST_CASE(heap_check_catches_corruption),
	  TEST_CASE(heap_bad_pointers_abort), TEST_CASE(heap_bad_pointers_refused),
	  TEST_CASE(heap_random_vs_model))
