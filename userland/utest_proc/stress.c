/*
 * userland/utest_proc/stress.c: random mmap, munmap, mprotect, fork,
 * reads and writes in a window of pages, over a fixed seed, against a
 * model of the window: per page, mapped or not, its protection, and the
 * tag last written (0: never written since mapped). Every read checks the
 * bytes against the model, every so often the pager's VMA listing must
 * describe the model exactly, and a forked child must see the same
 * memory, write its own copies and leave the parent's alone.
 */
#include "utest.h"

#define NP 48			/* pages in the window */
#define WINDOW 0x60000000ul
#define STEPS 700
#define SEED 0x5eed0f5a9e41ull
#define WORDS (PAGE_SIZE / sizeof(unsigned long))

static const unsigned int prots[] = {
	PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE, PROT_READ | PROT_EXEC,
	PROT_READ | PROT_WRITE,
};

struct model {
	int prot[NP];			/* -1: not mapped */
	unsigned long tag[NP];
	uint64_t rnd;
	int bad;
};

static volatile unsigned long *page(unsigned int i)
{
	return (volatile unsigned long *)(WINDOW + i * PAGE_SIZE);
}

static void note(struct model *m, bool ok, const char *what, unsigned long a, long b)
{
	if (ok)
		return;
	printf("# stress: %s (%#lx, %ld)\n", what, a, b);
	m->bad++;
}

/* check_page: page @i reads as the model says (if readable). */
static void check_page(struct model *m, unsigned int i)
{
	unsigned long want;

	if (m->prot[i] < 0 || !(m->prot[i] & PROT_READ))
		return;
	want = m->tag[i] ? m->tag[i] ^ i : 0;
	note(m, page(i)[0] == want && page(i)[WORDS - 1] == want, "page contents", i,
	     (long)page(i)[0]);
}

static void write_page(struct model *m, unsigned int i)
{
	unsigned long tag = rnd_next(&m->rnd) | 1;

	if (m->prot[i] < 0 || !(m->prot[i] & PROT_WRITE))
		return;
	page(i)[0] = tag ^ i;
	page(i)[WORDS - 1] = tag ^ i;
	m->tag[i] = tag;
}

static void check_all(struct model *m)
{
	for (unsigned int i = 0; i < NP; i++)
		check_page(m, i);
}

/* check_vmas: the pager's VMAs over the window are the model's pages. */
static void check_vmas(struct model *m)
{
	struct pager_vma v[NP + 2];
	long n = pager_vmas(WINDOW, v, ARRAY_SIZE(v));
	long k = 0;

	note(m, n >= 0, "pager_vmas", 0, n);
	for (unsigned int i = 0; i < NP && n >= 0; i++) {
		unsigned long va = WINDOW + i * PAGE_SIZE;

		while (k < n && v[k].end <= va)
			k++;
		if (k < n && v[k].start <= va)
			note(m, m->prot[i] == (int)v[k].prot && !(v[k].flags & PAGER_VMA_IMAGE),
			     "VMA protection", va, m->prot[i]);
		else
			note(m, m->prot[i] < 0, "page mapped in the model, no VMA", va, m->prot[i]);
	}
}

static int fork_child(struct model *m)
{
	m->bad = 0;
	check_all(m);
	for (int j = 0; j < 4; j++)
		write_page(m, (unsigned int)(rnd_next(&m->rnd) % NP));
	check_all(m);
	check_vmas(m);
	return m->bad;
}

static void do_fork(struct model *m)
{
	struct proc_status st;
	long pid = fork();

	if (pid == 0)
		exit(fork_child(m));
	note(m, pid > 0 && waitpid(pid, &st, 0) == pid && st.code == 0, "forked child", 0,
	     pid > 0 ? st.code : pid);
	rnd_next(&m->rnd);	/* the child used the same sequence: move on */
	check_all(m);
}

static void do_range(struct model *m, unsigned int op)
{
	unsigned int a = (unsigned int)(rnd_next(&m->rnd) % NP);
	unsigned int n = 1 + (unsigned int)(rnd_next(&m->rnd) % MIN(8u, NP - a));
	unsigned int prot = prots[rnd_next(&m->rnd) % ARRAY_SIZE(prots)];
	unsigned long va = WINDOW + a * PAGE_SIZE, len = n * PAGE_SIZE;
	bool all = true;
	long r;

	for (unsigned int i = a; i < a + n; i++)
		all &= m->prot[i] >= 0;
	if (op == 0) {
		r = mmap(va, len, prot, MMAP_FIXED);
		note(m, r == (long)va, "mmap", va, r);
	} else if (op == 1) {
		r = munmap(va, len);
		note(m, r == 0, "munmap", va, r);
	} else {
		r = mprotect(va, len, prot);
		note(m, r == (all ? 0 : -ENOMEM), "mprotect", va, r);
		if (r)
			return;
	}
	for (unsigned int i = a; i < a + n; i++) {
		m->prot[i] = op == 1 ? -1 : (int)prot;
		if (op != 2)
			m->tag[i] = 0;
	}
}

static int stress(unsigned long seed)
{
	static struct model m;
	long r = mmap(WINDOW, NP * PAGE_SIZE, PROT_NONE, MMAP_FIXED_NOREPLACE);

	m.rnd = seed;
	for (unsigned int i = 0; i < NP; i++)
		m.prot[i] = PROT_NONE;
	note(&m, r == (long)WINDOW, "window", WINDOW, r);
	for (unsigned int step = 0; step < STEPS && r == (long)WINDOW; step++) {
		unsigned int dice = (unsigned int)(rnd_next(&m.rnd) % 100);

		if (dice < 12)
			do_range(&m, 0);
		else if (dice < 20)
			do_range(&m, 1);
		else if (dice < 34)
			do_range(&m, 2);
		else if (dice < 62)
			write_page(&m, (unsigned int)(rnd_next(&m.rnd) % NP));
		else if (dice < 90)
			check_page(&m, (unsigned int)(rnd_next(&m.rnd) % NP));
		else if (dice < 94)
			do_fork(&m);
		else
			check_vmas(&m);
		if (step % 100 == 99)
			note(&m, pager_check() == 0, "pager_check", step, 0);
	}
	check_all(&m);
	check_vmas(&m);
	return m.bad;
}

void test_stress(void)
{
	struct proc_status st;

	ktap_diag("seed %#llx, %d steps over %d pages", SEED, STEPS, NP);
	CHECK(run_child(stress, SEED, &st) > 0 && st.code == 0, "%ld mismatches", st.code);
	CHECK(pager_check() == 0);
}
