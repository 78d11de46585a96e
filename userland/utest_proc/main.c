/*
 * userland/utest_proc: the process and pager suite. Started by the process
 * manager (root task utest_pm) with an empty argument string, it runs every
 * test and reports KTAP; with a role in its argument string (spawned or
 * exec'd by a test) it plays that role and exits:
 *   "exit N"   exit with code N
 *   "info"     check proc_info (name, args, arg word) and the pid calls
 */
#include <lib/string.h>
#include "utest.h"

int failed;

static void out(const char *s)
{
	sys_debug_write(s, strlen(s));
}

uint64_t rnd_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

long run_child(int (*fn)(unsigned long arg), unsigned long arg, struct proc_status *st)
{
	long pid = fork();

	if (pid == 0)
		exit(fn(arg));
	if (pid < 0)
		return pid;
	return waitpid(pid, st, 0);
}

void expect_killed(int (*fn)(unsigned long arg), unsigned long arg, unsigned int reason,
		   const char *what)
{
	struct proc_status st;
	long pid = run_child(fn, arg, &st);

	CHECK(pid > 0, "%s: fork/wait %ld", what, pid);
	if (pid <= 0)
		return;
	CHECK(st.code == -EFAULT, "%s: exit code %ld", what, st.code);
	CHECK(st.reason == reason, "%s: reason %u, expected %u", what, st.reason, reason);
}

void stats(struct pager_stats *st)
{
	long err = pager_stats(st);

	CHECK(err == 0, "pager_stats: %ld", err);
	if (err)
		memset(st, 0, sizeof(*st));
}

/* role: what a spawned or exec'd copy of this program does; its exit code. */
static int role(const struct proc_info *info)
{
	uint64_t n;

	if (!strncmp(info->args, "exit ", 5) && !str_to_u64(info->args + 5, 10, &n))
		return (int)n;
	if (!strcmp(info->args, "info"))
		return strcmp(info->name, "utest_proc") || getpid() <= 1 || getppid() < 1 ||
		       info->arg != 0;
	return 99;
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "demand_zero_fill_and_zero_page", test_demand_zero },
	{ "program_image_paged_on_demand", test_image_pages },
	{ "stack_grows_within_its_limit", test_stack_growth },
	{ "stack_growth_past_limit_is_killed", test_stack_limit },
	{ "write_to_readonly_is_killed", test_write_readonly },
	{ "execute_of_non_executable_is_killed", test_exec_nonexec },
	{ "access_outside_vmas_is_killed", test_outside_vmas },
	{ "access_to_kernel_memory_is_killed", test_kernel_address },
	{ "cow_child_sees_parent_data_writes_privately", test_cow_child },
	{ "cow_parent_writes_after_fork", test_cow_parent },
	{ "cow_reuse_at_map_count_one", test_cow_reuse },
	{ "fork_chain_depth_5_each_verifies_its_view", test_fork_chain },
	{ "random_mmap_munmap_mprotect_fork_touch_stress", test_stress },
	{ "pager_and_init_survive_garbage_requests", test_garbage },
	{ "fork_bomb_contained_by_limits", test_fork_bomb },
	{ "endless_faults_contained_by_page_limit", test_endless_faults },
	{ "page_table_quota_contained_on_the_fault_reply", test_table_quota },
	{ "exec_and_spawn_from_the_boot_archive", test_exec_spawn },
	{ "wait_getpid_and_kill", test_wait_kill },
	{ "mmap_munmap_mprotect_check_arguments", test_mmap_args },
	{ "brk_and_malloc_growth", test_brk_malloc },
	{ "vma_listing_describes_the_layout", test_vma_listing },
	{ "frames_back_after_everything_exits", test_frames_back },
};

int main(void)
{
	const struct proc_info *info = proc_info();

	if (!info)
		return 98;
	if (info->args[0])
		return role(info);
	ktap_start(out);
	ktap_plan((int)ARRAY_SIZE(tests));
	for (unsigned int i = 0; i < ARRAY_SIZE(tests); i++) {
		failed = 0;
		tests[i].fn();
		ktap_result(failed == 0, "%s", tests[i].name);
	}
	return ktap_finish();
}
