/*
 * userland/utest_proc/limits.c: hostile or runaway processes: garbage
 * requests to the pager and to init, a fork bomb, a process that faults
 * in memory forever. Each must be refused or contained while everything
 * else goes on, and the pager must stay consistent.
 */
#include <ipcbuf.h>
#include <pm_impl.h>
#include "utest.h"

#define GARBAGE_CALLS 3000
#define GARBAGE_SEED 0x9a9ba6e5ull

static const unsigned int admin_labels[] = {
	PAGER_SETUP, PAGER_MM_CREATE, PAGER_MM_FORK, PAGER_MM_DESTROY, PAGER_EXEC,
};
static const unsigned int process_labels[] = {
	PAGER_MMAP, PAGER_MUNMAP, PAGER_MPROTECT, PAGER_BRK, PAGER_VMAS, PAGER_STATS,
};
static const unsigned int init_labels[] = {
	PROC_EXEC, PROC_SPAWN, PROC_WAIT, PROC_GETPID, PROC_KILL, 0x7107, 0,
};

static bool known(unsigned int label)
{
	return (label >= PAGER_SETUP && label <= PAGER_EXEC) ||
	       (label >= PAGER_MMAP && label <= PAGER_BRK) ||
	       (label >= PAGER_VMAS && label <= PAGER_CHECK);
}

/* garbage_msg: random words, word count and junk data; label from @labels or random. */
static void garbage_msg(uint64_t *r, struct ipc_msg *m, unsigned int label)
{
	struct ipc_buffer *buf = ipcbuf_get();
	unsigned int data = (unsigned int)(rnd_next(r) % 48);

	for (unsigned int i = 0; buf && i < data; i++)
		buf->data[i] = (unsigned char)rnd_next(r);
	for (int i = 0; i < IPC_WORDS; i++)
		m->w[i] = rnd_next(r) >> (rnd_next(r) % 64);
	m->info = IPC_INFO(label, rnd_next(r) % 5, buf ? data : 0, 0);
}

static int garbage(unsigned long seed)
{
	uint64_t r = seed;
	int bad = 0;

	for (int i = 0; i < GARBAGE_CALLS; i++) {
		unsigned int kind = (unsigned int)(rnd_next(&r) % 4), label;
		long slot = kind == 3 ? PROC_SLOT_INIT : PROC_SLOT_PAGER;
		struct ipc_msg m;
		long err;

		if (kind == 0)
			label = admin_labels[rnd_next(&r) % ARRAY_SIZE(admin_labels)];
		else if (kind == 1)
			label = (unsigned int)rnd_next(&r);
		else if (kind == 2)
			label = process_labels[rnd_next(&r) % ARRAY_SIZE(process_labels)];
		else
			label = init_labels[rnd_next(&r) % ARRAY_SIZE(init_labels)];
		garbage_msg(&r, &m, label);
		if (kind == 2 && (label == PAGER_MUNMAP || label == PAGER_MPROTECT))
			m.w[0] |= 1ull << 62;	/* never this process's own memory */
		err = ipc_call(slot, &m);
		if (kind == 0)
			EXPECT(err == 0 && IPC_INFO_LABEL(m.info) == EPERM);
		if (kind == 1 && !known(label))
			EXPECT(err == 0 && IPC_INFO_LABEL(m.info) == ENOSYS);
	}
	/* Raw info words, reserved bits and capability flags included. */
	for (int i = 0; i < GARBAGE_CALLS / 4; i++) {
		struct ipc_msg m = { .info = rnd_next(&r) & ~(0xffffull << 32) };

		m.info |= (unsigned long long)admin_labels[i % ARRAY_SIZE(admin_labels)] << 32;
		ipc_call(PROC_SLOT_PAGER, &m);
	}
	EXPECT(pager_check() == 0);
	return bad;
}

void test_garbage(void)
{
	struct proc_status st;
	long addr;

	ktap_diag("seed %#llx, %d calls", GARBAGE_SEED, GARBAGE_CALLS);
	CHECK(run_child(garbage, GARBAGE_SEED, &st) > 0 && st.code == 0, "code %ld", st.code);
	CHECK(pager_check() == 0, "the pager is consistent");
	addr = mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
	CHECK(addr > 0, "and still serves: %ld", addr);
	if (addr > 0) {
		*(volatile int *)addr = 1;
		CHECK(munmap((unsigned long)addr, PAGE_SIZE) == 0);
	}
	CHECK(getpid() > 1, "init still serves");
}

/* bomb: every process forks until refused, then waits (until killed). */
static __noreturn void bomb(void)
{
	while (fork() >= 0)
		;
	for (;;)
		ntfn_wait(PROC_SLOT_NTFN);
}

static int fork_once(unsigned long unused)
{
	struct proc_status st;
	long pid = fork();

	if (pid == 0)
		exit(5);
	return pid > 0 && waitpid(pid, &st, 0) == pid && st.code == 5 ? 0 : 1;
}

/* wait_mms: poll until the pager knows @n processes; whether it happened. */
static bool wait_mms(uint64_t n)
{
	struct pager_stats st;

	for (int i = 0; i < 200000; i++) {
		if (pager_stats(&st) == 0 && st.nr_mms == n)
			return true;
		sys_yield();
	}
	return false;
}

void test_fork_bomb(void)
{
	struct pager_stats a, b;
	struct proc_status st;
	long pid;

	stats(&a);
	pid = fork();
	if (pid == 0)
		bomb();
	CHECK(pid > 0, "fork %ld", pid);
	if (pid <= 0)
		return;
	CHECK(wait_mms(a.nr_mms + 1 + PM_DESC_LIMIT), "the bomb fills its subtree's limit");
	stats(&b);
	CHECK(b.nr_mms == a.nr_mms + 1 + PM_DESC_LIMIT, "and no more: %llu processes",
	      (unsigned long long)b.nr_mms);
	CHECK(run_child(fork_once, 0, &st) > 0 && st.code == 0, "others still fork");
	CHECK(kill(pid) == 0, "kill the bomb and its descendants");
	CHECK(waitpid(pid, &st, 0) == pid && st.code == -EDEAD, "code %ld", st.code);
	CHECK(wait_mms(a.nr_mms), "every bomb process ended");
	stats(&b);
	CHECK(b.frames_free == a.frames_free, "frames %llu -> %llu",
	      (unsigned long long)a.frames_free, (unsigned long long)b.frames_free);
}

static int endless(unsigned long unused)
{
	long addr = mmap(0, 1ul << 30, PROT_READ | PROT_WRITE, 0);

	if (addr <= 0)
		return 1;
	for (unsigned long off = 0;; off += PAGE_SIZE)
		*(volatile char *)(addr + off) = 1;
}

/* sparse: one page every 2 MiB, each needing a page table of its own. */
static int sparse(unsigned long unused)
{
	long addr = mmap(0, 1ul << 30, PROT_READ | PROT_WRITE, 0);

	if (addr <= 0)
		return 1;
	for (unsigned long off = 0; off < (1ul << 30); off += 2ul << 20)
		*(volatile char *)(addr + off) = 1;
	return 2;
}

/*
 * expect_killed_cleanly: @fn is killed for @reason, the pager gets every
 * frame of it back, and other processes go on.
 */
static void expect_killed_cleanly(int (*fn)(unsigned long arg), unsigned int reason,
				  const char *what)
{
	struct pager_stats a, b;
	struct proc_status st;

	stats(&a);
	expect_killed(fn, 0, reason, what);
	stats(&b);
	CHECK(b.frames_free == a.frames_free, "%s: its frames came back", what);
	CHECK(run_child(fork_once, 0, &st) > 0 && st.code == 0, "%s: others go on", what);
}

/*
 * The kernel refuses a fault's map once the space's page-table quota is
 * spent: the pager ends the process (out of memory) and gets it all back.
 */
void test_table_quota(void)
{
	expect_killed_cleanly(sparse, PAGER_KILL_NOMEM, "512 page tables, quota 64");
}

void test_endless_faults(void)
{
	expect_killed_cleanly(endless, PAGER_KILL_LIMIT, "touching pages forever");
}
