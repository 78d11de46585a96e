/*
 * userland/utest_proc/procs.c: the process calls (exec, spawn, wait,
 * getpid, kill), the memory calls' argument checks, brk and malloc, the
 * VMA listing, and the final count: every frame the pager lent is back.
 */
#include <lib/fmt.h>
#include "utest.h"

#define AT 0x70000000ul

static long spawn_wait(const char *name, const char *args)
{
	struct proc_status st;
	long pid = proc_spawn(name, args);

	if (pid < 0)
		return pid;
	return waitpid(pid, &st, 0) == pid ? st.code : -1000;
}

static int exec_role(unsigned long code)
{
	char args[16];

	fmt_snprintf(args, sizeof(args), "exit %lu", code);
	exec("utest_proc", args);
	return 1;
}

void test_exec_spawn(void)
{
	struct proc_status st;
	char longname[PROC_NAME_MAX + 1];

	CHECK(spawn_wait("utest_proc", "exit 7") == 7);
	CHECK(spawn_wait("utest_proc", "info") == 0, "proc_info and pids of a spawned program");
	CHECK(proc_spawn("no_such_program", "") == -ENOENT);
	CHECK(proc_spawn("bad_elf", "") == -ENOEXEC);
	CHECK(exec("no_such_program", "") == -ENOENT, "a failed exec returns");
	CHECK(exec("bad_elf", "") == -ENOEXEC);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[PROC_NAME_MAX] = '\0';
	CHECK(exec(longname, "") == -E2BIG);
	CHECK(run_child(exec_role, 9, &st) > 0 && st.code == 9, "exec'd child's code %ld",
	      st.code);
	CHECK(getpid() > 1, "this process is intact");
}

static __noreturn void blocked(void)
{
	for (;;)
		ntfn_wait(PROC_SLOT_NTFN);
}

static int check_parent(unsigned long ppid)
{
	return getppid() == (long)ppid && getpid() != (long)ppid ? 0 : 1;
}

void test_wait_kill(void)
{
	struct proc_status st;
	long a, b, pid, seen = 0;

	CHECK(waitpid(0, &st, 0) == -ECHILD, "no children");
	CHECK(run_child(check_parent, (unsigned long)getpid(), &st) > 0 && st.code == 0);
	pid = fork();
	if (pid == 0)
		blocked();
	CHECK(pid > 0);
	CHECK(waitpid(pid, &st, WNOHANG) == -EAGAIN, "still running");
	CHECK(waitpid(pid + 1000, &st, 0) == -ECHILD, "not a child");
	CHECK(kill(getpid()) == -EPERM, "not a descendant");
	CHECK(kill(getppid()) == -ESRCH, "init is no process");
	CHECK(kill(pid) == 0);
	CHECK(waitpid(pid, &st, 0) == pid && st.code == -EDEAD && st.reason == PAGER_KILL_NONE,
	      "killed: %ld", st.code);
	a = proc_spawn("utest_proc", "exit 1");
	b = proc_spawn("utest_proc", "exit 2");
	CHECK(a > 0 && b > 0);
	for (int i = 0; i < 2; i++) {
		if (wait(&st) <= 0)
			continue;
		seen |= st.code == 1 && st.pid == a ? 1 : 0;
		seen |= st.code == 2 && st.pid == b ? 2 : 0;
	}
	CHECK(seen == 3, "wait(any) gave both");
	CHECK(wait(&st) == -ECHILD);
}

static void check_vma_count(unsigned long start, unsigned long end, long want)
{
	struct pager_vma v[16];
	long n = pager_vmas(start, v, ARRAY_SIZE(v)), in = 0;

	for (long i = 0; i < n; i++)
		in += v[i].start < end;
	CHECK(in == want, "%ld VMAs in [%#lx, %#lx), expected %ld", in, start, end, want);
}

void test_mmap_args(void)
{
	volatile unsigned long *p = (volatile unsigned long *)AT;

	CHECK(mmap(0, 0, PROT_READ, 0) == -EINVAL);
	CHECK(mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, 0) == -EINVAL, "W^X");
	CHECK(mmap(0, PAGE_SIZE, 8, 0) == -EINVAL);
	CHECK(mmap(0, PAGE_SIZE, PROT_READ, 0x80) == -EINVAL);
	CHECK(mmap(AT, PAGE_SIZE, PROT_READ, MMAP_FIXED | MMAP_FIXED_NOREPLACE) == -EINVAL);
	CHECK(mmap(AT + 1, PAGE_SIZE, PROT_READ, MMAP_FIXED) == -EINVAL);
	CHECK(mmap(0x1000, PAGE_SIZE, PROT_READ, MMAP_FIXED) == -EPERM, "below mmap_min");
	CHECK(mmap(0, 1ul << 62, PROT_READ, 0) == -ENOMEM);
	CHECK(mmap(AT, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MMAP_FIXED_NOREPLACE) == (long)AT);
	CHECK(mmap(AT + PAGE_SIZE, PAGE_SIZE, PROT_READ, MMAP_FIXED_NOREPLACE) == -EEXIST);
	CHECK(munmap(AT + 1, PAGE_SIZE) == -EINVAL && munmap(AT, 0) == -EINVAL);
	CHECK(mprotect(AT, 8 * PAGE_SIZE, PROT_READ) == -ENOMEM, "over a hole");
	p[0] = 1;	/* still writable: the failed mprotect changed nothing */
	CHECK(mprotect(AT, PAGE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC) == -EINVAL);
	CHECK(mprotect(AT + PAGE_SIZE, PAGE_SIZE, PROT_READ) == 0);
	check_vma_count(AT, AT + 4 * PAGE_SIZE, 3);
	CHECK(mprotect(AT + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE) == 0);
	check_vma_count(AT, AT + 4 * PAGE_SIZE, 1);
	p[PAGE_SIZE / sizeof(long)] = 2;
	CHECK(p[0] == 1 && p[PAGE_SIZE / sizeof(long)] == 2);
	CHECK(munmap(AT, 4 * PAGE_SIZE) == 0 && munmap(AT, 4 * PAGE_SIZE) == 0);
	check_vma_count(AT, AT + 4 * PAGE_SIZE, 0);
}

void test_brk_malloc(void)
{
	long b0 = brk(0), b1;
	unsigned char *big;

	CHECK(b0 > 0, "brk %ld", b0);
	if (b0 <= 0)
		return;
	CHECK(sbrk(0) == b0);
	CHECK(brk((unsigned long)b0 + 3 * PAGE_SIZE + 5) == b0 + 3 * (long)PAGE_SIZE + 5);
	((volatile char *)b0)[3 * PAGE_SIZE + 4] = 9;
	CHECK(brk((unsigned long)b0) == b0);
	CHECK(brk(PAGE_SIZE) == -ENOMEM, "below the heap's start");
	CHECK(brk(0) == b0);
	big = malloc(3 << 20);	/* beyond the static arena: grows through brk */
	CHECK(big != NULL);
	if (big) {
		memset(big, 0x5a, 3 << 20);
		CHECK(big[0] == 0x5a && big[(3 << 20) - 1] == 0x5a);
		free(big);
	}
	b1 = brk(0);
	CHECK(b1 >= b0 + (3 << 20), "the break moved up: %#lx -> %#lx", b0, b1);
}

void test_vma_listing(void)
{
	struct pager_vma v[64];
	long n = pager_vmas(0, v, ARRAY_SIZE(v));
	unsigned long text = (unsigned long)test_vma_listing;
	unsigned long stack = (unsigned long)__builtin_frame_address(0);
	struct pager_stats st;
	bool text_ok = false;

	CHECK(n >= 4, "%ld VMAs", n);
	if (n < 4)
		return;
	CHECK(v[0].start == PROC_INFO_VA && v[0].end == PROC_INFO_VA + PAGE_SIZE &&
	      v[0].prot == PROT_READ, "the info page first");
	for (long i = 0; i < n; i++)
		text_ok |= v[i].start <= text && text < v[i].end &&
			   v[i].prot == (PROT_READ | PROT_EXEC) && (v[i].flags & PAGER_VMA_IMAGE);
	CHECK(text_ok, "the text: image-backed, read and execute");
	CHECK((v[n - 1].flags & PAGER_VMA_GROWSDOWN) && v[n - 1].start <= stack &&
	      stack < v[n - 1].end, "the stack last, growing down");
	stats(&st);
	CHECK(st.mm_vmas == (uint64_t)n && st.mm_resident > 0);
}

void test_frames_back(void)
{
	struct pager_stats st;

	stats(&st);
	CHECK(st.nr_mms == 1, "only this process is left: %llu", (unsigned long long)st.nr_mms);
	CHECK(st.frames_total - st.frames_free == st.mm_resident,
	      "every frame in use is one of this process's: %llu used, %llu resident",
	      (unsigned long long)(st.frames_total - st.frames_free),
	      (unsigned long long)st.mm_resident);
	CHECK(pager_check() == 0);
}
