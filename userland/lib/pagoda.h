/*
 * userland/lib/pagoda.h: what user programs get from userland/lib: the
 * system calls, console output and formatted printing. Programs link only
 * against this library (and lib/, which it includes).
 */
#ifndef PAGODA_USER_PAGODA_H
#define PAGODA_USER_PAGODA_H

#include <stdarg.h>
#include <pagoda/compiler.h>
#include <pagoda/caps.h>
#include <pagoda/errno.h>
#include <pagoda/fault.h>
#include <pagoda/ipc.h>
#include <pagoda/syscall.h>
#include <pagoda/types.h>

/*
 * IPC (docs/ipc.md). A message: the info word (label, word count, data
 * length, capability flag: IPC_INFO()), up to IPC_WORDS words, and on
 * receipt the sender's badge. Data and capabilities travel through the
 * thread's IPC buffer (ipc_set_buffer). Receiving calls fill @m.
 */
struct ipc_msg {
	unsigned long long info;
	unsigned long long w[IPC_WORDS];
	unsigned long long badge;
};

#include <syscall_arch.h>

/* Raw form, for tests that pass arbitrary arguments. */
long syscall_raw(long nr, long a0, long a1, long a2, long a3, long a4, long a5);

/* System calls: >= 0 or a negative error code. Inline: one ecall each. */
static inline long sys_null(void)
{
	return syscall0(SYS_NULL);
}

static inline long sys_debug_write(const void *buf, size_t len)
{
	return syscall2(SYS_DEBUG_WRITE, (long)buf, (long)len);
}

static inline long sys_yield(void)
{
	return syscall0(SYS_YIELD);
}

__noreturn void exit(long code);

/* The priority the kernel gives the root task; children may not exceed their creator's. */
#define THREAD_PRIO_DEFAULT_USER 10

/* start_argument: the argument the thread was started with (init: its root_info). */
unsigned long start_argument(void);

/* Kernel objects (docs/syscalls.md). Slots name capabilities in the caller's CSpace. */
static inline long aspace_create(long slot, unsigned long table_quota)
{
	return syscall2(SYS_ASPACE_CREATE, slot, (long)table_quota);
}

static inline long cspace_create(long slot, unsigned long nslots)
{
	return syscall2(SYS_CSPACE_CREATE, slot, (long)nslots);
}

static inline long thread_create(long slot, long cspace, long aspace, unsigned long prio)
{
	return syscall_raw(SYS_THREAD_CREATE, slot, cspace, aspace, (long)prio, 0, 0);
}

static inline long thread_start(long thread, unsigned long pc, unsigned long sp,
				unsigned long arg)
{
	return syscall_raw(SYS_THREAD_START, thread, (long)pc, (long)sp, (long)arg, 0, 0);
}

static inline long thread_read_regs(long thread, struct user_regs *regs)
{
	return syscall2(SYS_THREAD_READ_REGS, thread, (long)regs);
}

static inline long thread_write_regs(long thread, const struct user_regs *regs)
{
	return syscall2(SYS_THREAD_WRITE_REGS, thread, (long)regs);
}

static inline long map(long aspace, unsigned long va, long frames, unsigned long pgoff,
		       unsigned long npages, unsigned long prot)
{
	return syscall_raw(SYS_MAP, aspace, (long)va, frames, (long)pgoff, (long)npages,
			   (long)prot);
}

static inline long unmap(long aspace, unsigned long va, unsigned long npages)
{
	return syscall_raw(SYS_UNMAP, aspace, (long)va, (long)npages, 0, 0, 0);
}

/* unmap_status: unmap, storing each page's QUERY_* bits from before in @status. */
static inline long unmap_status(long aspace, unsigned long va, unsigned long npages,
				unsigned char *status)
{
	return syscall_raw(SYS_UNMAP, aspace, (long)va, (long)npages, (long)status, 0, 0);
}

static inline long protect(long aspace, unsigned long va, unsigned long npages,
			   unsigned long prot)
{
	return syscall_raw(SYS_PROTECT, aspace, (long)va, (long)npages, (long)prot, 0, 0);
}

/* query: each page's QUERY_* bits into @status; @clear_accessed resets A afterwards. */
static inline long query(long aspace, unsigned long va, unsigned long npages,
			 unsigned char *status, bool clear_accessed)
{
	return syscall_raw(SYS_QUERY, aspace, (long)va, (long)npages, (long)status,
			   clear_accessed, 0);
}

/* thread_wait: block until the thread ends; its exit code. */
static inline long thread_wait(long thread)
{
	return syscall2(SYS_THREAD_WAIT, thread, 0);
}

/* Notifications: asynchronous bits (docs/ipc.md). */
static inline long notification_create(long slot)
{
	return syscall2(SYS_NOTIFICATION_CREATE, slot, 0);
}

static inline long ntfn_signal(long ntfn)
{
	return syscall2(SYS_SIGNAL, ntfn, 0);
}

static inline long ntfn_wait(long ntfn)
{
	return syscall2(SYS_WAIT, ntfn, 0);
}

static inline long ntfn_poll(long ntfn)
{
	return syscall2(SYS_POLL, ntfn, 0);
}

/* Interrupt lines (CAP_IRQ) delivered as notification bits. */
static inline long irq_bind(long irq, long ntfn)
{
	return syscall2(SYS_IRQ_BIND, irq, ntfn);
}

static inline long irq_ack(long irq)
{
	return syscall2(SYS_IRQ_ACK, irq, 0);
}

static inline long irq_unbind(long irq)
{
	return syscall2(SYS_IRQ_UNBIND, irq, 0);
}

static inline long thread_suspend(long thread)
{
	return syscall2(SYS_THREAD_SUSPEND, thread, 0);
}

static inline long thread_resume(long thread)
{
	return syscall2(SYS_THREAD_RESUME, thread, 0);
}

static inline long thread_set_prio(long thread, unsigned long prio)
{
	return syscall2(SYS_THREAD_SET_PRIO, thread, (long)prio);
}

/*
 * thread_set_fault_ep: where the thread's faults go (pagoda/fault.h); ep 0:
 * nowhere. @aspace (the thread's space, with the map right; 0: none) lets
 * the handler answer with FAULT_REPLY_MAP.
 */
static inline long thread_set_fault_ep(long thread, long ep, long aspace)
{
	return syscall6(SYS_THREAD_SET_FAULT_EP, thread, ep, aspace, 0, 0, 0);
}

/* cap_give: mint @src into slot @dst of the CSpace @cspace (badge 0: keep). */
static inline long cap_give(long src, long cspace, long dst, unsigned long rights,
			    unsigned long badge)
{
	return syscall_raw(SYS_CAP_GIVE, src, cspace, dst, (long)rights, (long)badge, 0);
}


static inline long ipc_send(long ep, struct ipc_msg *m)
{
	return syscall_ipc(SYS_SEND, ep, m);
}

static inline long ipc_nbsend(long ep, struct ipc_msg *m)
{
	return syscall_ipc(SYS_NBSEND, ep, m);
}

/* ipc_call: send @m and wait for the reply, which replaces @m. */
static inline long ipc_call(long ep, struct ipc_msg *m)
{
	return syscall_ipc(SYS_CALL, ep, m);
}

static inline long ipc_recv(long ep, struct ipc_msg *m)
{
	return syscall_ipc_in(SYS_RECV, ep, m);
}

static inline long ipc_nbrecv(long ep, struct ipc_msg *m)
{
	return syscall_ipc_in(SYS_NBRECV, ep, m);
}

static inline long ipc_reply(struct ipc_msg *m)
{
	return syscall_ipc(SYS_REPLY, 0, m);
}

/* ipc_reply_recv: reply with @m, then wait on @ep; the next message replaces @m. */
static inline long ipc_reply_recv(long ep, struct ipc_msg *m)
{
	return syscall_ipc(SYS_REPLY_RECV, ep, m);
}

static inline long ipc_set_buffer(struct ipc_buffer *buf)
{
	return syscall2(SYS_SET_IPC_BUFFER, (long)buf, 0);
}

static inline long endpoint_create(long slot)
{
	return syscall2(SYS_ENDPOINT_CREATE, slot, 0);
}

static inline long cap_copy(long src, long dst, unsigned long rights)
{
	return syscall_raw(SYS_CAP_COPY, src, dst, (long)rights, 0, 0, 0);
}

static inline long cap_mint(long src, long dst, unsigned long rights, unsigned long badge)
{
	return syscall_raw(SYS_CAP_MINT, src, dst, (long)rights, (long)badge, 0, 0);
}

static inline long cap_move(long src, long dst)
{
	return syscall2(SYS_CAP_MOVE, src, dst);
}

static inline long cap_delete(long slot)
{
	return syscall2(SYS_CAP_DELETE, slot, 0);
}

static inline long cap_revoke(long slot)
{
	return syscall2(SYS_CAP_REVOKE, slot, 0);
}

/* Console output through the kernel's debug console (see docs/syscalls.md). */
int puts(const char *s);
__printf(1, 2) int printf(const char *fmt, ...);
int vprintf(const char *fmt, va_list ap);

/* Memory (userland/lib/malloc.c): 16-byte aligned blocks; NULL when out of memory. */
void *malloc(size_t size);
void free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);

#endif
