/*
 * tests/host/vm/vma_test.c: randomized differential test of the VMA tree
 * (vm/vma.c) against a sorted array: linking, unlinking, moving starts and
 * ends, splitting and merging, with vma_find, vma_find_intersection and
 * both free-area searches compared to linear scans (finds near the cached
 * VMA too, which walk the list), and vma_check() (list
 * and tree agreement, red-black rules, exact gap_max) after each step.
 * Small trees are checked at every step; large ones (thousands of VMAs,
 * deep subtrees for the gap pruning) every few steps.
 */
#include <string.h>
#include <pagoda/errno.h>
#include <vm/mm.h>
#include <vm/vma.h>
#include "test.h"

/* test.h's CHECK(cond) without a message expands to an empty format string. */
#pragma GCC diagnostic ignored "-Wformat-zero-length"

#define MAX_VMAS 4096

struct ref {
	vaddr_t start, end;
	unsigned int prot, flags;
	struct vma *vma;
};

struct world {
	uint64_t rng;
	struct mm *mm;
	struct ref r[MAX_VMAS];
	unsigned int n;
	vaddr_t lo, hi;		/* the window VMAs live in */
};

static const unsigned int prots[] = { 0, VMA_READ, VMA_EXEC, VMA_READ | VMA_EXEC,
				      VMA_READ | VMA_WRITE, VMA_READ | VMA_WRITE | VMA_EXEC };

static uint64_t rnd(struct world *w, uint64_t n)
{
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return n ? (w->rng * 0x2545f4914f6cdd1dULL) % n : 0;
}

static vaddr_t rnd_page(struct world *w, vaddr_t lo, vaddr_t hi)
{
	return lo + rnd(w, (hi - lo) / PAGE_SIZE + 1) * PAGE_SIZE;
}

/* ------------------------------------------------- reference scans -- */

static vaddr_t ref_start_gap(const struct world *w, unsigned int i)
{
	vsize_t g = w->mm->layout.stack_guard;
	const struct ref *r = &w->r[i];

	if (!(r->flags & VMA_GROWSDOWN))
		return r->start;
	return r->start > g ? r->start - g : 0;
}

static vaddr_t ref_gap_start(const struct world *w, unsigned int i)
{
	return i ? w->r[i - 1].end : w->mm->layout.mmap_min;
}

static bool ref_fits(vaddr_t gs, vaddr_t ge, vaddr_t low, vaddr_t high, vsize_t need,
		     vaddr_t *lo, vaddr_t *hi)
{
	*lo = MAX(gs, low);
	*hi = MIN(ge, high);
	return *hi > *lo && *hi - *lo >= need;
}

static int ref_gap_up(const struct world *w, vaddr_t low, vaddr_t high, vsize_t len,
		      vsize_t align, vaddr_t *addr)
{
	vsize_t need = len + align - PAGE_SIZE;
	vaddr_t lo, hi;

	for (unsigned int i = 0; i <= w->n; i++) {
		vaddr_t ge = i < w->n ? ref_start_gap(w, i) : w->mm->layout.task_size;

		if (ref_fits(ref_gap_start(w, i), ge, low, high, need, &lo, &hi)) {
			*addr = ALIGN_UP(lo, align);
			return 0;
		}
	}
	return -ENOMEM;
}

static int ref_gap_down(const struct world *w, vaddr_t low, vaddr_t high, vsize_t len,
			vsize_t align, vaddr_t *addr)
{
	vsize_t need = len + align - PAGE_SIZE;
	vaddr_t lo, hi;

	for (int i = (int)w->n; i >= 0; i--) {
		vaddr_t ge = i < (int)w->n ? ref_start_gap(w, i) : w->mm->layout.task_size;

		if (ref_fits(ref_gap_start(w, i), ge, low, high, need, &lo, &hi)) {
			*addr = ALIGN_DOWN(hi - len, align);
			return 0;
		}
	}
	return -ENOMEM;
}

/* ref_find: index of the first VMA ending above @addr, or n. */
static unsigned int ref_find(const struct world *w, vaddr_t addr)
{
	unsigned int lo = 0, hi = w->n;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (w->r[mid].end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* ------------------------------------------------------ mutations -- */

/* pick_prot: a protection differing from both neighbours (no merge possible). */
static unsigned int pick_prot(struct world *w, unsigned int avoid1, unsigned int avoid2)
{
	unsigned int p;

	do {
		p = prots[rnd(w, ARRAY_SIZE(prots))];
	} while (p == avoid1 || p == avoid2);
	return p;
}

static unsigned int neighbour_prot(const struct world *w, long i)
{
	return i >= 0 && i < (long)w->n ? w->r[i].prot : ~0u;
}

static void ref_insert_at(struct world *w, unsigned int i, const struct ref *r)
{
	memmove(&w->r[i + 1], &w->r[i], (w->n - i) * sizeof(*r));
	w->r[i] = *r;
	w->n++;
}

static void ref_remove_at(struct world *w, unsigned int i)
{
	memmove(&w->r[i], &w->r[i + 1], (w->n - i - 1) * sizeof(w->r[0]));
	w->n--;
}

static void op_insert(struct world *w)
{
	vaddr_t a = rnd_page(w, w->lo, w->hi - PAGE_SIZE), lo, hi, span;
	unsigned int i = ref_find(w, a);
	struct ref r = { 0 };

	if (i < w->n && w->r[i].start <= a)
		return;		/* taken */
	lo = i ? w->r[i - 1].end : w->lo;
	hi = i < w->n ? w->r[i].start : w->hi;
	r.start = rnd_page(w, lo, a);
	span = PAGE_SIZE * (1 + rnd(w, 64));
	r.end = rnd_page(w, a + PAGE_SIZE, MIN(hi, a + span));
	r.flags = rnd(w, 4) ? 0 : VMA_GROWSDOWN;
	r.prot = pick_prot(w, neighbour_prot(w, (long)i - 1), neighbour_prot(w, i));
	r.vma = vma_alloc();
	REQUIRE(r.vma);
	r.vma->start = r.start;
	r.vma->end = r.end;
	r.vma->pgoff = r.start >> PAGE_SHIFT;
	r.vma->prot = r.prot;
	r.vma->flags = r.flags;
	vma_link(w->mm, r.vma, i ? w->r[i - 1].vma : NULL);
	ref_insert_at(w, i, &r);
}

static void op_remove(struct world *w, unsigned int i)
{
	vma_destroy(w->r[i].vma);
	ref_remove_at(w, i);
}

/* differ: may these two touch without being mergeable? */
static bool differ(const struct ref *a, const struct ref *b)
{
	return a->prot != b->prot || a->flags != b->flags;
}

static void op_move(struct world *w, unsigned int i)
{
	struct ref *r = &w->r[i];

	if (rnd(w, 2)) {
		vaddr_t lo = i ? w->r[i - 1].end : w->lo, start;

		start = rnd_page(w, lo, r->end - PAGE_SIZE);
		if (i && start == lo && !differ(&w->r[i - 1], r))
			return;	/* would touch an alike neighbour */
		r->start = start;
		vma_set_start(r->vma, r->start);
	} else {
		vaddr_t hi = i + 1 < w->n ? w->r[i + 1].start : w->hi, end;

		end = rnd_page(w, r->start + PAGE_SIZE, hi);
		if (i + 1 < w->n && end == hi && !differ(r, &w->r[i + 1]))
			return;
		r->end = end;
		vma_set_end(r->vma, r->end);
	}
}

static void op_split(struct world *w, unsigned int i)
{
	struct ref *r = &w->r[i], t;

	if (r->end - r->start < 2 * PAGE_SIZE)
		return;
	t = *r;
	t.start = rnd_page(w, r->start + PAGE_SIZE, r->end - PAGE_SIZE);
	t.vma = vma_alloc();
	REQUIRE(t.vma);
	vma_split(r->vma, t.start, t.vma);
	r->end = t.start;
	t.prot = pick_prot(w, r->prot, neighbour_prot(w, i + 1));
	t.vma->prot = t.prot;
	ref_insert_at(w, i + 1, &t);
}

/* op_merge: make i + 1 like i and merge it, when nothing else would merge. */
static void op_merge(struct world *w, unsigned int i)
{
	struct ref *a = &w->r[i], *b = &w->r[i + 1];

	if (i + 1 >= w->n || a->end != b->start || a->flags != b->flags)
		return;
	if (i + 2 < w->n && b->end == w->r[i + 2].start && w->r[i + 2].prot == a->prot &&
	    w->r[i + 2].flags == a->flags)
		return;
	b->vma->prot = a->prot;
	vma_merge_next(a->vma);
	a->end = b->end;
	ref_remove_at(w, i + 1);
}

/* --------------------------------------------------------- checks -- */

static void compare_queries(struct world *w)
{
	const struct mm_layout *l = &w->mm->layout;
	vaddr_t a = rnd_page(w, l->mmap_min, l->task_size - PAGE_SIZE) + rnd(w, PAGE_SIZE);
	vaddr_t low, high, got = 1, want = 2;
	vsize_t len = PAGE_SIZE * (1 + rnd(w, rnd(w, 2) ? 4 : 300));
	vsize_t align = PAGE_SIZE << (rnd(w, 3) ? 0 : rnd(w, 8));
	unsigned int i;
	struct vma *v;
	int e1, e2;

	if (rnd(w, 2))
		a = rnd_page(w, w->lo, w->hi - PAGE_SIZE);
	i = ref_find(w, a);
	v = vma_find(w->mm, a);
	CHECK(i == w->n ? !v : v == w->r[i].vma);
	v = vma_find_intersection(w->mm, a, a + len);
	CHECK(i == w->n || w->r[i].start >= a + len ? !v : v == w->r[i].vma);
	low = rnd_page(w, l->mmap_min, MIN(w->hi, l->task_size - PAGE_SIZE));
	high = rnd_page(w, low + PAGE_SIZE, l->task_size);
	if (rnd(w, 2)) {
		e1 = vma_gap_find_up(w->mm, low, high, len, align, &got);
		e2 = ref_gap_up(w, low, high, len, align, &want);
	} else {
		e1 = vma_gap_find_down(w->mm, low, high, len, align, &got);
		e2 = ref_gap_down(w, low, high, len, align, &want);
	}
	CHECK(e1 == e2 && (e1 || got == want),
	      "gap [%#llx,%#llx) len %#llx align %#llx: %d/%d %#llx/%#llx",
	      (unsigned long long)low, (unsigned long long)high, (unsigned long long)len,
	      (unsigned long long)align, e1, e2, (unsigned long long)got, (unsigned long long)want);
}

/*
 * compare_near: vma_find at an address within a few dozen VMAs of the one
 * the lookup cache holds, on either side, where it walks the list from
 * the cache instead of descending; now and then below mmap_min or above
 * the last VMA, where the walk runs off an end of the list.
 */
static void compare_near(struct world *w)
{
	const struct vma *c = w->mm->cache;
	const struct ref *r;
	unsigned int i;
	long k;
	vaddr_t a;

	if (!c || !w->n)
		return;
	k = (long)ref_find(w, c->start) + (long)rnd(w, 49) - 24;
	k = k < 0 ? 0 : k >= (long)w->n ? (long)w->n - 1 : k;
	r = &w->r[k];
	a = r->start - 2 * PAGE_SIZE + rnd(w, r->end - r->start + 4 * PAGE_SIZE);
	if (!rnd(w, 16))
		a = rnd(w, 2) ? w->mm->layout.mmap_min - 1 - rnd(w, PAGE_SIZE)
			      : w->r[w->n - 1].end + rnd(w, 4 * PAGE_SIZE);
	i = ref_find(w, a);
	CHECK(i == w->n ? !vma_find(w->mm, a) : vma_find(w->mm, a) == w->r[i].vma,
	      "near find at %#llx", (unsigned long long)a);
}

static void compare_all(struct world *w)
{
	unsigned int i = 0;
	struct vma *v;

	CHECK(vma_check(w->mm) == 0);
	CHECK_EQ(w->mm->map_count, w->n);
	list_for_each_entry(v, &w->mm->vma_list, node) {
		const struct ref *r = &w->r[i++];

		CHECK(v == r->vma && v->start == r->start && v->end == r->end &&
		      v->prot == r->prot);
	}
}

static void run(uint64_t seed, vaddr_t task_size, vsize_t window, unsigned int target,
		unsigned long steps, unsigned int check_every)
{
	struct world *w = calloc(1, sizeof(*w));
	struct mm_layout l;
	long live = host_alloc_live();

	REQUIRE(w);
	w->rng = seed | 1;
	mm_layout_default(&l, task_size);
	l.mmap_min = task_size - window;
	l.mmap_base = task_size;
	l.unmapped_base = l.mmap_min;
	l.stack_guard = PAGE_SIZE * (1 + rnd(w, 4));
	l.map_count_max = MAX_VMAS;
	REQUIRE(mm_create(&l, NULL, NULL, &w->mm) == 0);
	w->lo = l.mmap_min + PAGE_SIZE * rnd(w, 3);
	w->hi = task_size - PAGE_SIZE * rnd(w, 3);
	for (unsigned long s = 0; s < steps && !test_case_failures; s++) {
		uint64_t k = rnd(w, 100);
		unsigned int i = (unsigned int)rnd(w, w->n);

		if (w->n < target / 2 || (k < 35 && w->n < target))
			op_insert(w);
		else if (k < 55 && w->n)
			op_remove(w, i);
		else if (k < 75 && w->n)
			op_move(w, i);
		else if (k < 88 && w->n && w->n < MAX_VMAS)
			op_split(w, i);
		else if (w->n)
			op_merge(w, i);
		compare_queries(w);
		compare_near(w);
		if (s % check_every == 0)
			compare_all(w);
		if (test_case_failures)
			printf("# seed %#llx: failed at step %lu\n", (unsigned long long)seed, s);
	}
	compare_all(w);
	printf("# %u VMAs at the end\n", w->n);
	mm_destroy(w->mm);
	CHECK_EQ(host_alloc_live(), live);
	free(w);
}

/* mix: a distinct generator seed for each run of one test seed */
static uint64_t mix(uint64_t seed, unsigned int run)
{
	return (seed + run) * 0x9e3779b97f4a7c15ULL;
}

TEST(vma_tree_small_random)
{
	unsigned long steps = test_iterations(150000);
	uint64_t seed = test_seed();

	printf("# seed %#llx, %lu steps x 4\n", (unsigned long long)seed, steps);
	for (unsigned int i = 0; i < 4 && !test_case_failures; i++)
		run(mix(seed, i), i & 1 ? 0x100000000000000ULL : 0x4000000000ULL,
		    (vsize_t)(64 + 512 * i) << PAGE_SHIFT, 8 + 16 * i, steps, 1);
}

TEST(vma_tree_large_random)
{
	unsigned long steps = test_iterations(200000);
	uint64_t seed = test_seed();

	printf("# seed %#llx, %lu steps x 2\n", (unsigned long long)seed, steps);
	for (unsigned int i = 0; i < 2 && !test_case_failures; i++)
		run(mix(seed, 8 + i), i ? 0x800000000000ULL : 0x100000000000000ULL,
		    (vsize_t)1 << (PAGE_SHIFT + 16), 3000, steps, 97);
}

TEST_MAIN(TEST_CASE(vma_tree_small_random), TEST_CASE(vma_tree_large_random))
