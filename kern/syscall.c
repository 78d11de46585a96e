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
#include <kern/cap.h>
#include <kern/console.h>
#include <kern/endpoint.h>
#include <kern/fastpath.h>
#include <kern/ipc.h>
#include <kern/kalloc.h>
#include <kern/sched.h>
#include <kern/syscall.h>
#include <kern/syscall_impl.h>
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
	/* Set now: a thread suspended while it waits for the CPU resumes from its frame. */
	arch_syscall_set_ret(tf, 0);
	sched_yield();
	return 0;
}

static long sys_thread_exit(struct trap_frame *tf)
{
	thread_exit((long)arch_syscall_arg(tf, 0));
}

/* Every slot is filled: syscall_entry() calls without a NULL check. */
static struct cspace *own_cspace(void)
{
	return thread_current()->cs;
}

/* endpoint_cap: the caller's endpoint capability in slot @a0 with @rights. */
static long endpoint_cap(struct trap_frame *tf, uint32_t rights, struct cap **cap)
{
	struct cspace *cs = own_cspace();

	if (!cs)
		return -EBADF;
	return cap_lookup(cs, arch_syscall_arg(tf, 0), CAP_ENDPOINT, rights, cap);
}

static long sys_send_common(struct trap_frame *tf, bool block, bool call)
{
	struct cap *cap;
	long err = endpoint_cap(tf, CAP_R_SEND, &cap);

	return err ? err : ipc_send(cap, arch_syscall_arg(tf, 1), block, call);
}

static long sys_send(struct trap_frame *tf)
{
	return sys_send_common(tf, true, false);
}

static long sys_nbsend(struct trap_frame *tf)
{
	return sys_send_common(tf, false, false);
}

static long sys_call(struct trap_frame *tf)
{
	return sys_send_common(tf, true, true);
}

static long sys_recv_common(struct trap_frame *tf, bool block)
{
	struct cap *cap;
	long err = endpoint_cap(tf, CAP_R_RECV, &cap);

	return err ? err : ipc_recv(cap, block);
}

static long sys_recv(struct trap_frame *tf)
{
	return sys_recv_common(tf, true);
}

static long sys_nbrecv(struct trap_frame *tf)
{
	return sys_recv_common(tf, false);
}

static long sys_reply(struct trap_frame *tf)
{
	return ipc_reply(arch_syscall_arg(tf, 1));
}

/*
 * reply_recv: the endpoint is checked first, so a bad slot changes
 * nothing; a missing caller does not stop the receive, unless it was a
 * faulting thread that went away (suspended or ended) while its handler
 * worked: then -ESRCH, once, and nothing received, so a pager learns that
 * its answer, and the map it may carry, was not carried out.
 */
static long sys_reply_recv(struct trap_frame *tf)
{
	struct thread *self = thread_current();
	struct cap *cap;
	long err = endpoint_cap(tf, CAP_R_RECV, &cap);

	if (err)
		return err;
	if (self->reply_to) {
		err = ipc_reply(arch_syscall_arg(tf, 1));
		if (err)
			return err;
	} else if (unlikely(self->reply_lost)) {
		self->reply_lost = false;
		return -ESRCH;
	}
	return ipc_recv(cap, true);
}

static long sys_set_ipc_buffer(struct trap_frame *tf)
{
	vaddr_t va = arch_syscall_arg(tf, 0);

	if (va & (PAGE_SIZE - 1))
		return -EINVAL;
	if (va && !user_range_ok(va, PAGE_SIZE))
		return -EFAULT;
	thread_current()->ipc_buf = va;
	return 0;
}

static long sys_endpoint_create(struct trap_frame *tf)
{
	struct cspace *cs = own_cspace();
	struct endpoint *ep;
	long err;

	if (!cs)
		return -EBADF;
	err = endpoint_create(&ep);
	if (err)
		return err;
	err = cap_insert_obj(cs, arch_syscall_arg(tf, 0), &ep->ep_ko,
			     CAP_R_SEND | CAP_R_RECV | CAP_R_GRANT);
	if (err)
		kfree(ep, sizeof(*ep));
	return err;
}

static long sys_cap_copy(struct trap_frame *tf)
{
	struct cspace *cs = own_cspace();

	if (!cs)
		return -EBADF;
	return cap_copy(cs, arch_syscall_arg(tf, 0), cs, arch_syscall_arg(tf, 1),
			(uint32_t)arch_syscall_arg(tf, 2));
}

static long sys_cap_mint(struct trap_frame *tf)
{
	struct cspace *cs = own_cspace();

	if (!cs)
		return -EBADF;
	return cap_mint(cs, arch_syscall_arg(tf, 0), cs, arch_syscall_arg(tf, 1),
			(uint32_t)arch_syscall_arg(tf, 2), arch_syscall_arg(tf, 3));
}

static long sys_cap_move(struct trap_frame *tf)
{
	struct cspace *cs = own_cspace();

	if (!cs)
		return -EBADF;
	return cap_move(cs, arch_syscall_arg(tf, 0), cs, arch_syscall_arg(tf, 1));
}

static long sys_cap_delete(struct trap_frame *tf)
{
	struct cspace *cs = own_cspace();

	return cs ? cap_delete(cs, arch_syscall_arg(tf, 0)) : -EBADF;
}

static long sys_cap_revoke(struct trap_frame *tf)
{
	struct cspace *cs = own_cspace();

	return cs ? cap_revoke(cs, arch_syscall_arg(tf, 0)) : -EBADF;
}

static const syscall_fn syscall_table[SYS_COUNT] = {
	[SYS_NULL] = sys_null,
	[SYS_DEBUG_WRITE] = sys_debug_write,
	[SYS_YIELD] = sys_yield,
	[SYS_THREAD_EXIT] = sys_thread_exit,
	[SYS_SEND] = sys_send,
	[SYS_NBSEND] = sys_nbsend,
	[SYS_CALL] = sys_call,
	[SYS_RECV] = sys_recv,
	[SYS_NBRECV] = sys_nbrecv,
	[SYS_REPLY] = sys_reply,
	[SYS_REPLY_RECV] = sys_reply_recv,
	[SYS_SET_IPC_BUFFER] = sys_set_ipc_buffer,
	[SYS_ENDPOINT_CREATE] = sys_endpoint_create,
	[SYS_CAP_COPY] = sys_cap_copy,
	[SYS_CAP_MINT] = sys_cap_mint,
	[SYS_CAP_MOVE] = sys_cap_move,
	[SYS_CAP_DELETE] = sys_cap_delete,
	[SYS_CAP_REVOKE] = sys_cap_revoke,
	[SYS_ASPACE_CREATE] = sys_aspace_create,
	[SYS_CSPACE_CREATE] = sys_cspace_create,
	[SYS_THREAD_CREATE] = sys_thread_create,
	[SYS_THREAD_START] = sys_thread_start,
	[SYS_MAP] = sys_map,
	[SYS_UNMAP] = sys_unmap,
	[SYS_CAP_GIVE] = sys_cap_give,
	[SYS_THREAD_READ_REGS] = sys_thread_read_regs,
	[SYS_THREAD_WRITE_REGS] = sys_thread_write_regs,
	[SYS_THREAD_WAIT] = sys_thread_wait,
	[SYS_NOTIFICATION_CREATE] = sys_notification_create,
	[SYS_SIGNAL] = sys_signal,
	[SYS_WAIT] = sys_wait,
	[SYS_POLL] = sys_poll,
	[SYS_IRQ_BIND] = sys_irq_bind,
	[SYS_IRQ_ACK] = sys_irq_ack,
	[SYS_IRQ_UNBIND] = sys_irq_unbind,
	[SYS_THREAD_SUSPEND] = sys_thread_suspend,
	[SYS_THREAD_RESUME] = sys_thread_resume,
	[SYS_THREAD_SET_PRIO] = sys_thread_set_prio,
	[SYS_THREAD_SET_FAULT_EP] = sys_thread_set_fault_ep,
	[SYS_PROTECT] = sys_protect,
	[SYS_QUERY] = sys_query,
};

struct trap_frame *syscall_entry(struct trap_frame *tf)
{
	unsigned long nr = arch_syscall_nr(tf);
	struct trap_frame *next;
	long ret = -ENOSYS;

	if (nr == SYS_CALL) {
		next = fastpath_call(tf);
		if (likely(next))
			return next;
	} else if (nr == SYS_REPLY_RECV) {
		next = fastpath_reply_recv(tf);
		if (likely(next))
			return next;
	}
	if (likely(nr < SYS_COUNT))
		ret = syscall_table[nr](tf);
	arch_syscall_set_ret(tf, ret);
	sched_preempt_point();
	return thread_current()->frame;
}

