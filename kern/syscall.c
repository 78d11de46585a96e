/*
 * kern/syscall.c: the system call table. Each handler validates all its
 * arguments and returns >= 0 or a negative code from pagoda/errno.h; user
 * pointers only go through kern/uaccess.
 */
#define LOG_PREFIX "syscall: "
#include <pagoda/errno.h>
#include <pagoda/syscall.h>
#include <lib/log.h>
#include <arch/console.h>
#include <arch/thread.h>
#include <kern/console.h>
#include <kern/sched.h>
#include <kern/syscall.h>
#include <kern/thread.h>
#include <kern/uaccess.h>

typedef long (*syscall_fn)(struct trap_frame *tf);

static long sys_null(struct trap_frame *tf)
{
	return 0;
}

/*
 * All or nothing: the whole buffer is copied in before anything is
 * printed, so a bad pointer prints nothing. One hart and a non-preemptive
 * kernel make the static buffer safe.
 */
static long sys_debug_write(struct trap_frame *tf)
{
	static char buf[DEBUG_WRITE_MAX];
	uintptr_t ubuf = arch_syscall_arg(tf, 0);
	size_t len = arch_syscall_arg(tf, 1);
	int err;

	if (len > DEBUG_WRITE_MAX)
		return -EINVAL;
	err = copy_from_user(buf, ubuf, len);
	if (err)
		return err;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			arch_console_putc('\r');
		arch_console_putc(buf[i]);
	}
	return (long)len;
}

static long sys_yield(struct trap_frame *tf)
{
	sched_yield();
	return 0;
}

static long sys_thread_exit(struct trap_frame *tf)
{
	thread_exit((long)arch_syscall_arg(tf, 0));
}

/* Every slot is filled: syscall_entry() calls without a NULL check. */
static const syscall_fn syscall_table[SYS_COUNT] = {
	[SYS_NULL] = sys_null,
	[SYS_DEBUG_WRITE] = sys_debug_write,
	[SYS_YIELD] = sys_yield,
	[SYS_THREAD_EXIT] = sys_thread_exit,
};

struct trap_frame *syscall_entry(struct trap_frame *tf)
{
	unsigned long nr = arch_syscall_nr(tf);
	long ret = -ENOSYS;

	if (likely(nr < SYS_COUNT))
		ret = syscall_table[nr](tf);
	arch_syscall_set_ret(tf, ret);
	sched_preempt_point();
	return thread_current()->frame;
}

void user_fault(const char *what, uintptr_t addr, uintptr_t pc)
{
	struct thread *t = thread_current();

	kprintf("[fault] thread %llu (%s): %s at %#lx, pc %#lx: thread ended\n",
		(unsigned long long)t->id, t->name, what, (unsigned long)addr, (unsigned long)pc);
	thread_exit(-EFAULT);
}
