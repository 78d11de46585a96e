/*
 * kern/selftest/user_ktest.c: user programs from the boot archive run in
 * user mode, make system calls, are refused bad pointers, are ended on an
 * unhandled fault, and give all their memory back.
 */
#include <pagoda/errno.h>
#include <kern/ktest.h>
#include <kern/loader.h>
#include <kern/mem.h>
#include <kern/sched.h>
#include <kern/thread.h>

/* run_program: load @name, run it to its end; its exit code, or a load error. */
static long run_program(struct ktest_ctx *t, const char *name)
{
	struct user_program prog;
	long code;
	int err = loader_load(name, THREAD_PRIO_DEFAULT, &prog);

	if (err) {
		ktest_fail(t, __FILE__, __LINE__, "loading %s: %s", name, errno_name(err));
		return err;
	}
	thread_start(prog.thread);
	code = thread_join(prog.thread);
	loader_destroy(&prog);
	return code;
}

KTEST(user_program_checks_syscalls)
{
	size_t before;

	KT_CHECK(run_program(t, "utest_basic") == 0, "utest_basic reported failures");
	/* Again, now that the object allocator has its frames: nothing may leak. */
	before = frame_pool_free_count(&kernel_frames);
	KT_CHECK(run_program(t, "utest_basic") == 0, "utest_basic failed the second time");
	KT_CHECK(frame_pool_free_count(&kernel_frames) == before, "frames leaked: %zu",
		 before - frame_pool_free_count(&kernel_frames));
}

KTEST(user_fault_ends_thread)
{
	KT_CHECK(run_program(t, "utest_fault") == -EFAULT);
}

KTEST(loader_refuses_missing_program)
{
	struct user_program prog;

	KT_CHECK(loader_load("no_such_program", THREAD_PRIO_DEFAULT, &prog) == -ENOENT);
}

KTEST(loader_refuses_malformed_elf)
{
	struct user_program prog;
	size_t before = frame_pool_free_count(&kernel_frames);

	KT_CHECK(loader_load("bad_elf", THREAD_PRIO_DEFAULT, &prog) == -ENOEXEC);
	KT_CHECK(frame_pool_free_count(&kernel_frames) == before, "nothing allocated");
}
