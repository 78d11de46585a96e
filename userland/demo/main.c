/*
 * userland/demo: what `make run` shows: a program started by init, paged
 * in on demand by the pager, that forks children which fault in memory
 * (demand-zero, copy-on-write), waits for them and prints the pager's
 * counters for itself.
 */
#include <lib/string.h>
#include <mman.h>
#include <proc.h>

#define DEMO_CHILDREN 3
#define DEMO_PAGES 16

static unsigned long shared_counter = 1000;

static int child(int i)
{
	long addr = mmap(0, DEMO_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
	unsigned long sum = 0;

	if (addr < 0)
		return 100;
	for (int p = 0; p < DEMO_PAGES; p++)
		((unsigned long *)addr)[p * PAGE_SIZE / sizeof(long)] = (unsigned long)(p + i);
	for (int p = 0; p < DEMO_PAGES; p++)
		sum += ((unsigned long *)addr)[p * PAGE_SIZE / sizeof(long)];
	shared_counter += (unsigned long)i;	/* a copy-on-write fault */
	printf("demo: child %d (pid %ld): %d pages written, sum %lu, counter %lu\n", i, getpid(),
	       DEMO_PAGES, sum, shared_counter);
	return i;
}

int main(void)
{
	struct pager_stats st;
	struct proc_status ps;

	printf("demo: pid %ld, started by init; forking %d children\n", getpid(), DEMO_CHILDREN);
	for (int i = 1; i <= DEMO_CHILDREN; i++) {
		long pid = fork();

		if (pid == 0)
			exit(child(i));
		if (pid < 0)
			printf("demo: fork failed: %ld\n", pid);
	}
	while (wait(&ps) > 0)
		printf("demo: pid %ld ended with %ld\n", ps.pid, ps.code);
	if (pager_stats(&st))
		return 1;
	printf("demo: parent counter %lu; this process: %llu frames, %llu faults, "
	       "%llu zero-filled, %llu from the image, %llu COW copies\n", shared_counter,
	       (unsigned long long)st.mm_resident,
	       (unsigned long long)st.mm_counters[PAGER_CNT_FAULTS],
	       (unsigned long long)st.mm_counters[PAGER_CNT_ZERO_FILL],
	       (unsigned long long)st.mm_counters[PAGER_CNT_FILE_FILL],
	       (unsigned long long)st.mm_counters[PAGER_CNT_COW_COPY]);
	return shared_counter == 1000 ? 0 : 1;
}
