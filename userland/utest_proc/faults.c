/*
 * userland/utest_proc/faults.c: one test per row of the pager's fault
 * table (userland/pager/fault.c): demand zero and the zero page, pages of
 * the program image, stack growth and its limit, and the accesses that end
 * a process (read-only, non-executable, outside every VMA, kernel memory).
 */
#include <arch_user.h>
#include "utest.h"

#define MIB (1024ul * 1024)

void test_demand_zero(void)
{
	long addr = mmap(0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
	volatile unsigned long *p = (volatile unsigned long *)addr;
	const unsigned long words = PAGE_SIZE / sizeof(long);
	struct pager_stats a, b, c;

	CHECK(addr > 0, "mmap %ld", addr);
	if (addr <= 0)
		return;
	stats(&a);
	CHECK(p[0] == 0 && p[words - 1] == 0, "never written memory reads as zero");
	p[words] = 42;
	CHECK(p[words] == 42 && p[words + 1] == 0);
	CHECK(p[2 * words + 7] == 0);
	p[2 * words] = 7;	/* a write after a read: the zero page is copied */
	CHECK(p[2 * words] == 7 && p[2 * words + 7] == 0 && p[0] == 0);
	stats(&b);
	CHECK(b.mm_counters[PAGER_CNT_ZERO_PAGE] - a.mm_counters[PAGER_CNT_ZERO_PAGE] >= 2);
	CHECK(b.mm_counters[PAGER_CNT_ZERO_FILL] - a.mm_counters[PAGER_CNT_ZERO_FILL] >= 1);
	CHECK(b.mm_counters[PAGER_CNT_COW_COPY] - a.mm_counters[PAGER_CNT_COW_COPY] >= 1);
	CHECK(munmap((unsigned long)addr, 4 * PAGE_SIZE) == 0);
	stats(&c);
	CHECK(c.mm_resident == b.mm_resident - 2, "two frames back: %llu -> %llu",
	      (unsigned long long)b.mm_resident, (unsigned long long)c.mm_resident);
	CHECK(c.frames_free == b.frames_free + 2);
}

static const unsigned long image_table[PAGE_SIZE / sizeof(long)] = {
	[0] = 0x1234, [PAGE_SIZE / sizeof(long) - 1] = 0x5678,
};
static unsigned long image_data = 0xabcdef;
static unsigned long image_bss[4 * PAGE_SIZE / sizeof(long)];

void test_image_pages(void)
{
	volatile const unsigned long *t = image_table;
	volatile unsigned long *d = &image_data, *z = image_bss;
	struct pager_stats st;

	CHECK(t[0] == 0x1234 && t[PAGE_SIZE / sizeof(long) - 1] == 0x5678, "rodata");
	CHECK(*d == 0xabcdef, "data %#lx", *d);
	for (unsigned long i = 0; i < ARRAY_SIZE(image_bss); i += 97)
		CHECK(z[i] == 0, "bss word %lu", i);
	z[ARRAY_SIZE(image_bss) - 1] = 3;
	*d += 1;
	CHECK(*d == 0xabcdf0 && z[ARRAY_SIZE(image_bss) - 1] == 3);
	stats(&st);
	CHECK(st.mm_counters[PAGER_CNT_FILE_FILL] > 0, "pages come from the image");
}

/* Touch every page from just below the frame down to @depth bytes, then check the VMA. */
static int grow_stack(unsigned long depth)
{
	volatile char *sp = __builtin_frame_address(0);
	struct pager_vma v[64];
	struct pager_stats st;
	long n;
	int bad = 0;

	for (unsigned long off = PAGE_SIZE; off <= depth; off += PAGE_SIZE)
		sp[-(long)off] = (char)(off >> PAGE_SHIFT);
	for (unsigned long off = PAGE_SIZE; off <= depth; off += PAGE_SIZE)
		EXPECT(sp[-(long)off] == (char)(off >> PAGE_SHIFT));
	sp[-(long)(7 * MIB)] = 1;	/* sparse: the VMA grows, only that page faults in */
	n = pager_vmas(0, v, ARRAY_SIZE(v));
	EXPECT(n > 0);
	for (long i = 0; i < n; i++)
		if (v[i].flags & PAGER_VMA_GROWSDOWN)
			EXPECT(v[i].start <= (unsigned long)sp - 7 * MIB &&
			       v[i].end > (unsigned long)sp &&
			       v[i].prot == (PROT_READ | PROT_WRITE));
	EXPECT(pager_stats(&st) == 0 && st.mm_counters[PAGER_CNT_STACK_GROW] >= 2);
	return bad;
}

void test_stack_growth(void)
{
	struct proc_status st;

	CHECK(run_child(grow_stack, MIB, &st) > 0 && st.code == 0, "code %ld", st.code);
}

static int past_stack_limit(unsigned long depth)
{
	volatile char *sp = __builtin_frame_address(0);

	sp[-(long)depth] = 1;
	return 0;
}

void test_stack_limit(void)
{
	expect_killed(past_stack_limit, 9 * MIB, PAGER_KILL_STACK, "9 MiB below the stack");
}

static int write_readonly(unsigned long unused)
{
	long addr = mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
	volatile unsigned long *p = (volatile unsigned long *)addr;

	if (addr <= 0)
		return 1;
	p[0] = 5;
	if (mprotect((unsigned long)addr, PAGE_SIZE, PROT_READ) || p[0] != 5)
		return 2;
	p[1] = 6;
	return 3;
}

void test_write_readonly(void)
{
	expect_killed(write_readonly, 0, PAGER_KILL_PROT, "write after mprotect(READ)");
}

static int exec_page(unsigned long prot)
{
	long addr = mmap(0, PAGE_SIZE, (unsigned int)prot, 0);

	if (addr <= 0)
		return 1;
	((void (*)(void))addr)();
	return 2;
}

static int breakpoint(unsigned long unused)
{
	arch_breakpoint();
	return 1;
}

void test_exec_nonexec(void)
{
	expect_killed(exec_page, PROT_READ | PROT_WRITE, PAGER_KILL_PROT, "jump to RW memory");
	/* The pager's other kind of end: an exception other than a page fault. */
	expect_killed(breakpoint, 0, PAGER_KILL_EXCEPTION, "a breakpoint");
}

static int read_at(unsigned long addr)
{
	return (int)*(volatile unsigned long *)addr;
}

/* A hole between two VMAs that do not grow down; the child reads it. */
static int read_hole(unsigned long unused)
{
	long addr = mmap(0x50000000, 3 * PAGE_SIZE, PROT_READ, MMAP_FIXED_NOREPLACE);

	if (addr != 0x50000000 || munmap(0x50000000 + PAGE_SIZE, PAGE_SIZE))
		return 1;
	return read_at(0x50000000 + PAGE_SIZE);
}

void test_outside_vmas(void)
{
	expect_killed(read_at, 0x1000, PAGER_KILL_NOVMA, "page 1, below mmap_min");
	expect_killed(read_hole, 0, PAGER_KILL_NOVMA, "a hole between two VMAs");
}

void test_kernel_address(void)
{
	expect_killed(read_at, 0xffffffc000000000ul, PAGER_KILL_BADADDR, "kernel direct map");
	expect_killed(read_at, 0xffffffff80200000ul, PAGER_KILL_BADADDR, "kernel image");
}
