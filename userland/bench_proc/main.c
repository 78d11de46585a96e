/*
 * userland/bench_proc: the process and pager benchmarks, run by `make
 * bench` as the first program of the process manager (userland/bench
 * calls pm_main after its own benchmarks). Under QEMU -icount, rdinstret
 * counts guest instructions: each figure is everything the operation
 * costs (traps, IPC to the pager and to init, their work, the returns).
 * Prints the lines scripts/bench.py reads, like userland/bench:
 *   bench <name> <min> <median> <max> <reps> <batch>
 */
#include <counters.h>
#include <lib/string.h>
#include <mman.h>
#include <benchkit.h>
#include <proc.h>

#define REPS 15
#define BATCH 32
#define WARMUP 32
#define FORK_BATCH 4
#define WORDS (PAGE_SIZE / sizeof(unsigned long))

typedef void (*bench_fn)(void);

static uint64_t empty_cost;
static const char *profile_name;	/* the one benchmark scripts/profile.py traces */

static void nothing(void)
{
	__asm__ volatile("" ::: "memory");
}

static uint64_t batch_cost(bench_fn fn, int batch)
{
	uint64_t t0 = read_instret();

	for (int i = 0; i < batch; i++)
		fn();
	return read_instret() - t0;
}

/* run: warm up, then REPS batches; per-operation figures, the empty loop subtracted. */
static void run(const char *name, bench_fn fn, int warmup, int batch)
{
	uint64_t per[REPS];

	if (profile_name && strcmp(profile_name, name))
		return;
	for (int i = 0; i < warmup; i++)
		fn();
	if (profile_name) {
		/* One batch between the marks; the rest would only swell the trace. */
		profile_begin();
		batch_cost(fn, batch);
		profile_end();
		printf("profile %s %d\n", name, batch);
		return;
	}
	for (int r = 0; r < REPS; r++)
		per[r] = batch_cost(fn, batch) / (uint64_t)batch - empty_cost;
	sort_u64(per, REPS);
	printf("bench %s %llu %llu %llu %d %d\n", name, (unsigned long long)per[0],
	       (unsigned long long)per[REPS / 2], (unsigned long long)per[REPS - 1], REPS, batch);
}

static volatile unsigned long *area;	/* fresh pages, one per operation */
static unsigned long next_page;

/* A write to a page never touched: zero-filled by the pager. */
static void anon_write_fault(void)
{
	area[next_page++ * WORDS] = 1;
}

/* A write to a page shared with a child since fork: the pager copies it. */
static void cow_write_fault(void)
{
	area[next_page++ * WORDS] = 2;
}

static void fork_exit_wait(void)
{
	long pid = fork();

	if (pid == 0)
		exit(0);
	waitpid(pid, NULL, 0);
}

static void mmap_munmap(void)
{
	long a = mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, 0);

	munmap((unsigned long)a, PAGE_SIZE);
}

static unsigned long split_at;

static void mprotect_split_merge(void)
{
	mprotect(split_at, PAGE_SIZE, PROT_READ);
	mprotect(split_at, PAGE_SIZE, PROT_READ | PROT_WRITE);
}

static unsigned long fault_pages(void)
{
	return WARMUP + REPS * BATCH;
}

static int map_area(void)
{
	long a = mmap(0, fault_pages() * PAGE_SIZE, PROT_READ | PROT_WRITE, 0);

	if (a < 0)
		return (int)a;
	area = (volatile unsigned long *)a;
	next_page = 0;
	return 0;
}

/* bench_cow: a child keeps every page of the area shared while the parent writes. */
static int bench_cow(void)
{
	long pid, err = map_area();

	for (unsigned long i = 0; !err && i < fault_pages(); i++)
		area[i * WORDS] = 1;
	pid = err ? err : fork();
	if (pid == 0)
		for (;;)
			ntfn_wait(PROC_SLOT_NTFN);
	if (pid < 0)
		return (int)pid;
	run("pager_cow_write_fault", cow_write_fault, WARMUP, BATCH);
	kill(pid);
	waitpid(pid, NULL, 0);
	return (int)munmap((unsigned long)area, fault_pages() * PAGE_SIZE);
}

int main(void)
{
	long err;

	if (proc_info() && proc_info()->args[0])
		profile_name = proc_info()->args;
	empty_cost = batch_cost(nothing, BATCH * 16) / (BATCH * 16);
	err = map_area();
	if (err)
		return 1;
	run("pager_anon_write_fault", anon_write_fault, WARMUP, BATCH);
	munmap((unsigned long)area, fault_pages() * PAGE_SIZE);
	if (bench_cow())
		return 2;
	run("pager_fork_exit_wait", fork_exit_wait, FORK_BATCH, FORK_BATCH);
	run("pager_mmap_munmap_page", mmap_munmap, WARMUP, BATCH);
	err = mmap(0, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
	if (err < 0)
		return 3;
	split_at = (unsigned long)err + PAGE_SIZE;
	for (int i = 0; i < 3; i++)
		((volatile char *)err)[i * PAGE_SIZE] = 1;
	run("pager_mprotect_split_merge", mprotect_split_merge, WARMUP, BATCH);
	return 0;
}
