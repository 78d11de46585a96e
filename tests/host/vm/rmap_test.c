/*
 * tests/host/vm/rmap_test.c: randomized test of the reverse maps (vm/rmap.c,
 * vm/anon_vma.c, with mm_fork) against a model of processes and pages.
 *
 * The model plays the pager: each process has a page table (one slot per
 * page of a small window) naming the page it maps; pages carry map counts.
 * Steps: touches (zero fill, file page, COW copy, COW reuse with
 * rmap_move_anon), forks, exits, partial munmaps, mprotect splits, fixed
 * mmaps (anonymous, private and shared file), stack growth. The unmap hook
 * drops the pages the mm gives up, as the pager would.
 *
 * Checks: rmap_walk of a page visits every (process, address) whose slot
 * holds it, each VMA at most once and inside it; an anonymous page is only
 * looked for at its own address in its creator or in processes forked
 * (transitively) from it after the page was born; a file page only in VMAs
 * of its file whose range holds its index. Every anon_vma passes
 * anon_vma_check, its page count matches the live pages naming it, and the
 * forest never holds more anon_vmas than VMAs plus pages.
 */
#include <string.h>
#include <pagoda/errno.h>
#include <vm/address_space.h>
#include <vm/anon_vma.h>
#include <vm/mm.h>
#include <vm/page.h>
#include <vm/rmap.h>
#include <vm/vma.h>
#include "test.h"

/* test.h's CHECK(cond) without a message expands to an empty format string. */
#pragma GCC diagnostic ignored "-Wformat-zero-length"

#define NPROC 8
#define NSLOT 48		/* pages in the window */
#define NPAGE 1024		/* page descriptors */
#define NFILE 2
#define FILE_PAGES 64
#define BASE ((vaddr_t)0x1000000)
#define SLOT_ADDR(i) (BASE + (vaddr_t)(i) * PAGE_SIZE)

struct tpage {
	struct page page;
	bool live;
	int file;		/* 1..NFILE for a file page, 0 for anonymous */
	int creator;		/* anonymous: id of the process that created it */
	unsigned long birth;	/* anonymous: the clock when it was created */
	vaddr_t addr;		/* anonymous: where */
	unsigned int seen;	/* scratch for one walk */
};

struct proc {
	bool alive;
	int id;			/* unique over the run: index into the history */
	struct mm *mm;
	int slot[NSLOT];	/* page index, or -1 */
};

/* the fork history of every process ever started, by id */
struct hist {
	int parent;		/* id, or -1 */
	unsigned long forked_at;
};

struct world {
	uint64_t rng;
	unsigned long now;	/* step number */
	unsigned long clock;	/* event counter: page births and forks */
	struct proc p[NPROC];
	struct tpage pg[NPAGE];
	struct address_space as[NFILE + 1];
	int cache[NFILE + 1][FILE_PAGES];	/* page index of each file page, or -1 */
	struct hist *hist;
	int nhist;
	/* what the run exercised, printed at the end */
	unsigned long n_zero, n_file, n_cow, n_reuse, n_fork, n_exit, n_visits, n_walks;
	unsigned long max_nodes, max_depth;
};

static struct world *W;

static uint64_t rnd(uint64_t n)
{
	W->rng ^= W->rng >> 12;
	W->rng ^= W->rng << 25;
	W->rng ^= W->rng >> 27;
	return n ? (W->rng * 0x2545f4914f6cdd1dULL) % n : 0;
}

static int proc_of(const struct mm *mm)
{
	for (int i = 0; i < NPROC; i++)
		if (W->p[i].alive && W->p[i].mm == mm)
			return i;
	return -1;
}

static int tpage_alloc(void)
{
	for (int i = 0; i < NPAGE; i++) {
		if (!W->pg[i].live) {
			memset(&W->pg[i], 0, sizeof(W->pg[i]));
			W->pg[i].live = true;
			return i;
		}
	}
	REQUIRE(false, "out of test pages");
	return -1;
}

/* page_unmap_one: a slot lets go of page @i, which is freed at map count 0. */
static void page_unmap_one(int i)
{
	struct tpage *t = &W->pg[i];

	REQUIRE(t->live && t->page.mapcount > 0);
	if (--t->page.mapcount)
		return;
	if (t->file)
		W->cache[t->file][t->page.index] = -1;
	else
		rmap_remove_anon(&t->page);
	t->live = false;
}

static void hook_unmap(struct mm *mm, struct vma *vma, vaddr_t start, vaddr_t end)
{
	struct proc *p = mm->priv;

	CHECK(vma->mm == mm && start >= vma->start && end <= vma->end);
	for (vaddr_t a = start; a < end; a += PAGE_SIZE) {
		int s = (int)((a - BASE) / PAGE_SIZE);

		if (a < BASE || s >= NSLOT || p->slot[s] < 0)
			continue;
		page_unmap_one(p->slot[s]);
		p->slot[s] = -1;
	}
}

static const struct mm_ops hook_ops = { .unmap = hook_unmap };

/* --------------------------------------------------------- steps -- */

static int new_anon_page(struct vma *vma, int proc, vaddr_t addr)
{
	int i;

	if (anon_vma_prepare(vma))
		return -1;
	i = tpage_alloc();
	rmap_add_anon(&W->pg[i].page, vma, addr);
	W->pg[i].page.mapcount = 1;
	W->pg[i].creator = W->p[proc].id;
	W->pg[i].birth = ++W->clock;
	W->pg[i].addr = addr;
	return i;
}

static int file_page(int file, pgoff_t index)
{
	int i = W->cache[file][index];

	if (i < 0) {
		i = tpage_alloc();
		W->pg[i].file = file;
		page_set_file(&W->pg[i].page, &W->as[file], index);
		W->cache[file][index] = i;
	}
	W->pg[i].page.mapcount++;
	return i;
}

/* step_touch: a fault at a random page of process @pi, as the pager handles it. */
static void step_touch(int pi, bool write)
{
	struct proc *p = &W->p[pi];
	int s = (int)rnd(NSLOT), old = p->slot[s];
	vaddr_t addr = SLOT_ADDR(s);
	struct vma *vma;

	if (mm_grow_stack(p->mm, addr, &vma))
		return;
	if (write && !(vma->prot & VMA_WRITE))
		return;
	if (old >= 0 && (!write || (vma->flags & VMA_SHARED)))
		return;		/* already mapped well enough */
	if (old < 0 && vma->mapping && (!write || (vma->flags & VMA_SHARED))) {
		p->slot[s] = file_page((int)(vma->mapping - W->as), vma_pgoff_at(vma, addr));
		W->n_file++;
		return;
	}
	if (old >= 0 && !W->pg[old].file && W->pg[old].page.mapcount == 1) {
		W->n_reuse++;
		if (rnd(2))
			rmap_move_anon(&W->pg[old].page, vma);	/* COW reuse */
		return;
	}
	if (old >= 0)
		W->n_cow++;
	else
		W->n_zero++;
	p->slot[s] = new_anon_page(vma, pi, addr);
	if (old >= 0)
		page_unmap_one(old);
}

static int free_proc(void)
{
	for (int i = 0; i < NPROC; i++)
		if (!W->p[i].alive)
			return i;
	return -1;
}

static void step_fork(int pi)
{
	int ci = free_proc();
	struct proc *c;

	if (ci < 0)
		return;
	c = &W->p[ci];
	REQUIRE(mm_fork(W->p[pi].mm, c, &c->mm) == 0);
	c->alive = true;
	W->n_fork++;
	c->id = W->nhist++;
	W->hist[c->id].parent = W->p[pi].id;
	W->hist[c->id].forked_at = ++W->clock;
	for (int s = 0; s < NSLOT; s++) {
		c->slot[s] = W->p[pi].slot[s];
		if (c->slot[s] >= 0)
			W->pg[c->slot[s]].page.mapcount++;
	}
}

static void step_exit(int pi)
{
	mm_destroy(W->p[pi].mm);
	for (int s = 0; s < NSLOT; s++)
		CHECK(W->p[pi].slot[s] < 0, "exit left slot %d", s);
	W->p[pi].alive = false;
	W->n_exit++;
}

static void step_edit(int pi)
{
	struct mm *mm = W->p[pi].mm;
	vaddr_t a = SLOT_ADDR(rnd(NSLOT));
	vsize_t len = PAGE_SIZE * (1 + rnd(rnd(4) ? 4 : 16));
	struct mm_map_args m = { .addr = a, .len = len, .place = MM_PLACE_FIXED };
	uint64_t k = rnd(10);
	vaddr_t out;

	if (k < 3) {
		CHECK(mm_munmap(mm, a, len) == 0);
	} else if (k < 6) {
		int err = mm_mprotect(mm, a, len, rnd(2) ? VMA_READ : VMA_READ | VMA_WRITE);

		CHECK(err == 0 || err == -ENOMEM);
	} else {
		int file = k < 8 ? 0 : 1 + (int)rnd(NFILE);

		m.prot = rnd(3) ? VMA_READ | VMA_WRITE : VMA_READ;
		m.mapping = file ? &W->as[file] : NULL;
		m.flags = file && rnd(2) ? VMA_SHARED : 0;
		m.pgoff = rnd(FILE_PAGES - 16);
		CHECK(mm_mmap(mm, &m, &out) == 0);
	}
}

/* -------------------------------------------------------- checks -- */

/*
 * forked_after: is process id @q the process id @c, or forked from it
 * (transitively) after clock @t? (Each generation was forked after the one
 * above it, so checking every fork on the way is the same as checking the
 * first.)
 */
static bool forked_after(int q, int c, unsigned long t)
{
	while (q != c) {
		if (W->hist[q].forked_at <= t || W->hist[q].parent < 0)
			return false;
		q = W->hist[q].parent;
	}
	return true;
}

struct walk {
	int page;
	int seen[NPROC][NSLOT];
	bool bad;
};

static int walk_visit(struct vma *vma, vaddr_t addr, void *arg)
{
	struct walk *w = arg;
	const struct tpage *t = &W->pg[w->page];
	int q = proc_of(vma->mm);
	long s = ((long)addr - (long)BASE) / (long)PAGE_SIZE;

	if (q < 0 || addr < vma->start || addr >= vma->end || !IS_ALIGNED(addr, PAGE_SIZE)) {
		w->bad = true;
		return 0;
	}
	if (t->file) {
		w->bad |= vma->mapping != &W->as[t->file];
		w->bad |= vma_pgoff_at(vma, addr) != t->page.index;
	} else {
		w->bad |= addr != t->addr || !forked_after(W->p[q].id, t->creator, t->birth);
		w->bad |= !vma->anon_vma;
	}
	if (s >= 0 && s < NSLOT && !w->bad)
		w->seen[q][s]++;
	W->n_visits++;
	return 0;
}

static void check_walk(int i)
{
	static struct walk w;

	memset(&w, 0, sizeof(w));
	w.page = i;
	W->n_walks++;
	CHECK(rmap_walk(&W->pg[i].page, walk_visit, &w) == 0);
	CHECK(!w.bad, "page %d (file %d): a visit outside what may map it", i, W->pg[i].file);
	for (int q = 0; q < NPROC; q++) {
		for (int s = 0; s < NSLOT; s++) {
			bool maps = W->p[q].alive && W->p[q].slot[s] == i;

			CHECK(w.seen[q][s] <= 1 && (!maps || w.seen[q][s] == 1),
			      "page %d: proc %d slot %d visited %d times, maps %d", i, q, s,
			      w.seen[q][s], maps);
		}
	}
}

static const struct anon_vma *av_root(const struct anon_vma *av)
{
	while (av->parent)
		av = av->parent;
	return av;
}

/* check_forest: every anon_vma reachable, checked, counted, bounded. */
static void check_forest(void)
{
	static const struct anon_vma *roots[NPAGE + NPROC * NSLOT];
	unsigned long nroots = 0, nodes = 0, vmas = 0, pages = 0;
	const struct anon_vma *av;
	struct vma *v;

	for (int i = 0; i < NPAGE; i++) {
		if (W->pg[i].live && !W->pg[i].file) {
			roots[nroots++] = av_root(page_anon_vma(&W->pg[i].page));
			pages++;
		}
	}
	for (int q = 0; q < NPROC; q++) {
		if (!W->p[q].alive)
			continue;
		CHECK(mm_check(W->p[q].mm) == 0);
		list_for_each_entry(v, &W->p[q].mm->vma_list, node) {
			vmas++;
			if (v->anon_vma)
				roots[nroots++] = av_root(v->anon_vma);
		}
	}
	for (unsigned long r = 0; r < nroots; r++) {
		bool dup = false;

		for (unsigned long e = 0; e < r && !dup; e++)
			dup = roots[e] == roots[r];
		if (dup)
			continue;
		CHECK(anon_vma_check_tree(roots[r]) == 0);
		for (av = roots[r]; av; av = anon_vma_walk_next(roots[r], av)) {
			unsigned long n = 0, depth = 0;
			const struct anon_vma *up;

			for (up = av; up->parent; up = up->parent)
				depth++;
			W->max_depth = MAX(W->max_depth, depth);

			for (int i = 0; i < NPAGE; i++)
				n += W->pg[i].live && page_anon_vma(&W->pg[i].page) == av;
			CHECK(n == av->nr_pages, "anon_vma pages %lu, counted %lu", av->nr_pages,
			      n);
			nodes++;
		}
	}
	CHECK(nodes <= vmas + pages, "%lu anon_vmas for %lu VMAs and %lu pages", nodes, vmas,
	      pages);
	W->max_nodes = MAX(W->max_nodes, nodes);
}

/* check_slots: each anonymous page a VMA maps names its anon_vma or an ancestor. */
static void check_slots(void)
{
	for (int q = 0; q < NPROC; q++) {
		for (int s = 0; W->p[q].alive && s < NSLOT; s++) {
			int i = W->p[q].slot[s];
			struct vma *v = vma_find(W->p[q].mm, SLOT_ADDR(s));
			const struct anon_vma *av;

			if (i < 0)
				continue;
			CHECK(v && v->start <= SLOT_ADDR(s), "proc %d slot %d unmapped", q, s);
			if (!v || W->pg[i].file)
				continue;
			for (av = v->anon_vma; av && av != page_anon_vma(&W->pg[i].page);)
				av = av->parent;
			CHECK(av, "proc %d slot %d: page outside its VMA's anon_vma line", q, s);
		}
	}
}

/*
 * check_light: every step: each mm (mm_check also runs anon_vma_check on
 * every anon_vma that has VMAs); the whole forest is checked every 16 steps.
 */
static void check_light(void)
{
	for (int q = 0; q < NPROC; q++)
		if (W->p[q].alive)
			CHECK(mm_check(W->p[q].mm) == 0);
}

static void check_all(void)
{
	for (int i = 0; i < NPAGE; i++)
		if (W->pg[i].live)
			check_walk(i);
	check_slots();
	check_forest();
}

/* ---------------------------------------------------------- runs -- */

static void proc_start(int pi)
{
	struct proc *p = &W->p[pi];
	struct mm_layout l;
	struct vma *v;

	mm_layout_default(&l, 0x4000000000ULL);
	REQUIRE(mm_create(&l, &hook_ops, p, &p->mm) == 0);
	p->alive = true;
	p->id = W->nhist++;
	W->hist[p->id].parent = -1;
	W->hist[p->id].forked_at = ++W->clock;
	for (int s = 0; s < NSLOT; s++)
		p->slot[s] = -1;
	REQUIRE(mm_setup_stack(p->mm, SLOT_ADDR(NSLOT), 4 * PAGE_SIZE, VMA_READ | VMA_WRITE) == 0);
	REQUIRE(mm_grow_stack(p->mm, SLOT_ADDR(NSLOT / 2), &v) == 0);
}

static void world_init(uint64_t seed, struct hist *hist)
{
	memset(W, 0, sizeof(*W));
	W->rng = seed | 1;
	W->hist = hist;
	for (int f = 1; f <= NFILE; f++) {
		address_space_init(&W->as[f], NULL, NULL);
		for (int i = 0; i < FILE_PAGES; i++)
			W->cache[f][i] = -1;
	}
	proc_start(0);
}

static int live_proc(void)
{
	int i;

	do {
		i = (int)rnd(NPROC);
	} while (!W->p[i].alive);
	return i;
}

static unsigned int nr_alive(void)
{
	unsigned int n = 0;

	for (int i = 0; i < NPROC; i++)
		n += W->p[i].alive;
	return n;
}

static void run(uint64_t seed, unsigned long steps)
{
	long live = host_alloc_live();
	struct hist *hist = calloc(steps + 16, sizeof(*hist));

	REQUIRE(hist);
	world_init(seed, hist);
	for (W->now = 1; W->now <= steps && !test_case_failures; W->now++) {
		int pi = live_proc();
		uint64_t k = rnd(100);

		if (k < 50)
			step_touch(pi, rnd(3) != 0);
		else if (k < 58)
			step_fork(pi);
		else if (k < 64 && nr_alive() > 1)
			step_exit(pi);
		else if (k < 64)
			proc_start(free_proc());
		else
			step_edit(pi);
		for (int j = 0; j < 3; j++) {
			int i = W->p[live_proc()].slot[rnd(NSLOT)];

			if (i >= 0)
				check_walk(i);
		}
		if (W->now % 16 == 0)
			check_all();
		else
			check_light();
		if (test_case_failures)
			printf("# seed %#llx: failed at step %lu\n", (unsigned long long)seed,
			       W->now);
	}
	check_all();
	printf("# zero %lu file %lu cow %lu reuse %lu fork %lu exit %lu; %lu walks, %lu visits; "
	       "anon_vmas at most %lu, depth %lu\n", W->n_zero, W->n_file, W->n_cow, W->n_reuse,
	       W->n_fork, W->n_exit, W->n_walks, W->n_visits, W->max_nodes, W->max_depth);
	for (int i = 0; i < NPROC; i++)
		if (W->p[i].alive)
			step_exit(i);
	for (int i = 0; i < NPAGE; i++)
		CHECK(!W->pg[i].live, "page %d outlived every process", i);
	CHECK_EQ(host_alloc_live(), live);
	free(hist);
}

TEST(rmap_random_processes)
{
	unsigned long steps = test_iterations(250000);
	uint64_t seed = test_seed();

	W = calloc(1, sizeof(*W));
	REQUIRE(W);
	printf("# seed %#llx, %lu steps x 4\n", (unsigned long long)seed, steps);
	for (int i = 0; i < 4 && !test_case_failures; i++)
		run((seed + (uint64_t)i) * 0x9e3779b97f4a7c15ULL, steps);
	free(W);
}

/* the index of the process step_fork just started, or -1 */
static int fork_of(int pi)
{
	int ci = free_proc();

	step_fork(pi);
	return ci >= 0 && W->p[ci].alive ? ci : -1;
}

/*
 * A fork chain (each child forks, then its parent exits) interleaved with
 * a fan (a parent forks children that write and exit), thousands of
 * generations deep: the forest stays within VMAs + pages at every step.
 */
TEST(rmap_fork_chains_stay_bounded)
{
	unsigned long gens = test_iterations(4000);
	struct hist *hist = calloc(2 * gens + 16, sizeof(*hist));
	long live = host_alloc_live();
	struct mm_map_args m = { .addr = BASE, .len = NSLOT * PAGE_SIZE,
				 .prot = VMA_READ | VMA_WRITE, .place = MM_PLACE_FIXED };
	vaddr_t out;
	int cur = 0;

	W = calloc(1, sizeof(*W));
	REQUIRE(W && hist);
	world_init(test_seed(), hist);
	REQUIRE(mm_mmap(W->p[0].mm, &m, &out) == 0);
	for (W->now = 1; W->now <= gens && !test_case_failures; W->now++) {
		int child;

		for (int j = 0; j < 4; j++)
			step_touch(cur, true);
		child = fork_of(cur);
		REQUIRE(child >= 0);
		for (int j = 0; j < 2; j++)
			step_touch(child, true);
		if (W->now % 2) {
			step_exit(cur);
			cur = child;
		} else {
			step_exit(child);
		}
		check_forest();
		if (W->now % 64 == 0)
			check_all();
	}
	printf("# %lu generations: anon_vmas at most %lu, depth at most %lu\n", gens, W->max_nodes,
	       W->max_depth);
	step_exit(cur);
	CHECK_EQ(host_alloc_live(), live);
	free(W);
	free(hist);
}

TEST_MAIN(TEST_CASE(rmap_random_processes), TEST_CASE(rmap_fork_chains_stay_bounded))
