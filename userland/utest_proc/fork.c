/*
 * userland/utest_proc/fork.c: copy-on-write after fork, seen from the
 * child, from the parent, the reuse of a page nobody else maps any more,
 * and a chain of forks where every generation writes and checks its own
 * view of memory shared with all the others.
 */
#include "utest.h"

#define COW_PAGES 8
#define WORDS (PAGE_SIZE / sizeof(unsigned long))

static unsigned long cow_area[COW_PAGES * WORDS] __aligned(PAGE_SIZE);

static void fill(volatile unsigned long *a, unsigned long tag)
{
	for (unsigned long i = 0; i < COW_PAGES * WORDS; i += WORDS / 4)
		a[i] = tag ^ i;
}

static int count_wrong(volatile unsigned long *a, unsigned long tag)
{
	int wrong = 0;

	for (unsigned long i = 0; i < COW_PAGES * WORDS; i += WORDS / 4)
		wrong += a[i] != (tag ^ i);
	return wrong;
}

static int child_reads_then_writes(unsigned long tag)
{
	int bad = 0;

	EXPECT(count_wrong(cow_area, tag) == 0);
	fill(cow_area, tag + 1);
	EXPECT(count_wrong(cow_area, tag + 1) == 0);
	return bad;
}

void test_cow_child(void)
{
	struct proc_status st;
	struct pager_stats a, b;

	fill(cow_area, 0x1111);
	stats(&a);
	CHECK(run_child(child_reads_then_writes, 0x1111, &st) > 0 && st.code == 0, "code %ld",
	      st.code);
	stats(&b);
	CHECK(count_wrong(cow_area, 0x1111) == 0, "the parent keeps its data");
	CHECK(b.counters[PAGER_CNT_COW_COPY] - a.counters[PAGER_CNT_COW_COPY] >= COW_PAGES,
	      "the child's writes copied the pages");
}

static int child_checks_old(unsigned long tag)
{
	int bad = 0;

	EXPECT(count_wrong(cow_area, tag) == 0);
	return bad;
}

void test_cow_parent(void)
{
	struct proc_status st;
	long pid;

	fill(cow_area, 0x2222);
	pid = fork();
	if (pid == 0)
		exit(child_checks_old(0x2222));
	CHECK(pid > 0, "fork %ld", pid);
	fill(cow_area, 0x3333);	/* before or after the child reads: it must see 0x2222 */
	CHECK(count_wrong(cow_area, 0x3333) == 0);
	CHECK(waitpid(pid, &st, 0) == pid && st.code == 0, "child saw the parent's new data");
}

static int nothing(unsigned long unused)
{
	return 0;
}

void test_cow_reuse(void)
{
	volatile unsigned long *p = cow_area;
	struct pager_stats a, b;
	struct proc_status st;

	p[0] = 1;
	CHECK(run_child(nothing, 0, &st) > 0 && st.code == 0);
	stats(&a);
	p[0] = 2;	/* shared with the child until it ended: now ours alone */
	stats(&b);
	CHECK(p[0] == 2);
	CHECK(b.mm_counters[PAGER_CNT_COW_REUSE] - a.mm_counters[PAGER_CNT_COW_REUSE] == 1,
	      "reuse %llu -> %llu", (unsigned long long)a.mm_counters[PAGER_CNT_COW_REUSE],
	      (unsigned long long)b.mm_counters[PAGER_CNT_COW_REUSE]);
	CHECK(b.mm_counters[PAGER_CNT_COW_COPY] == a.mm_counters[PAGER_CNT_COW_COPY],
	      "no copy");
}

#define CHAIN_DEPTH 5

/*
 * Generation g owns page g of cow_area (and a word on its stack and in a
 * fresh mmap): it writes it, forks g + 1, and after the child ended checks
 * that every page still holds what this generation saw: its ancestors'
 * values as inherited, and its own.
 */
static int chain(unsigned long g)
{
	volatile unsigned long *a = cow_area;
	volatile unsigned long mine = 0x5000 + g;
	long m = mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
	struct proc_status st;
	int bad = 0;
	long pid;

	EXPECT(m > 0);
	if (m <= 0)
		return 1;
	for (unsigned long i = 0; i < g; i++)
		EXPECT(a[i * WORDS] == 0x700 + i && a[i * WORDS + 1] == 0x800 + i);
	a[g * WORDS] = 0x700 + g;
	a[g * WORDS + 1] = 0x800 + g;
	*(volatile unsigned long *)m = 0x900 + g;
	if (g + 1 < CHAIN_DEPTH) {
		pid = fork();
		if (pid == 0)
			exit(chain(g + 1));
		EXPECT(pid > 0 && waitpid(pid, &st, 0) == pid && st.code == 0);
	}
	for (unsigned long i = 0; i <= g; i++)
		EXPECT(a[i * WORDS] == 0x700 + i && a[i * WORDS + 1] == 0x800 + i);
	for (unsigned long i = g + 1; i < CHAIN_DEPTH; i++)
		EXPECT(a[i * WORDS] == 0 && a[i * WORDS + 1] == 0);
	EXPECT(mine == 0x5000 + g && *(volatile unsigned long *)m == 0x900 + g);
	return bad;
}

void test_fork_chain(void)
{
	struct proc_status st;

	memset(cow_area, 0, sizeof(cow_area));
	CHECK(run_child(chain, 0, &st) > 0 && st.code == 0, "code %ld", st.code);
	CHECK(pager_check() == 0);
}
