/*
 * userland/utest_proc/utest.h: the process and pager suite (run as the
 * first program of the process manager by the root task utest_pm). The
 * driver (main.c) reports KTAP; children are forked from it (or spawned
 * with a role in the argument string) and report through their exit code.
 */
#ifndef PAGODA_UTEST_PROC_H
#define PAGODA_UTEST_PROC_H

#include <lib/ktap.h>
#include <lib/string.h>
#include <check.h>
#include <mman.h>
#include <proc.h>

extern int failed;

/* In a child: count a failed expectation without printing KTAP. */
#define EXPECT(cond)                                                           \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("# %s:%d: child: %s\n", __FILE__, __LINE__, #cond); \
			bad++;                                                 \
		}                                                              \
	} while (0)

/* run_child: fork; the child returns @fn(@arg) as its exit code; the parent waits. */
long run_child(int (*fn)(unsigned long arg), unsigned long arg, struct proc_status *st);

/* expect_killed: run @fn in a child; it must be ended by the pager for @reason. */
void expect_killed(int (*fn)(unsigned long arg), unsigned long arg, unsigned int reason,
		   const char *what);

/* stats: the pager's counters for this process (the test fails if unavailable). */
void stats(struct pager_stats *st);

/* A deterministic generator (xorshift64*), seeded per test. */
uint64_t rnd_next(uint64_t *state);

/* The tests, by file. */
void test_demand_zero(void);
void test_image_pages(void);
void test_stack_growth(void);
void test_stack_limit(void);
void test_write_readonly(void);
void test_exec_nonexec(void);
void test_outside_vmas(void);
void test_kernel_address(void);
void test_cow_child(void);
void test_cow_parent(void);
void test_cow_reuse(void);
void test_fork_chain(void);
void test_stress(void);
void test_garbage(void);
void test_fork_bomb(void);
void test_endless_faults(void);
void test_table_quota(void);
void test_exec_spawn(void);
void test_wait_kill(void);
void test_mmap_args(void);
void test_brk_malloc(void);
void test_vma_listing(void);
void test_frames_back(void);

#endif
