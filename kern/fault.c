/*
 * kern/fault.c: forwarding user faults to handlers (see fault.h).
 *
 * A fault is a kernel-made `call` on the thread's fault endpoint. The
 * message lives in the thread (fault_info, fault_msg), not in its
 * registers, and the reply only sets fault_reply: the thread's user
 * registers are exactly those of the faulting instruction throughout, so a
 * handler may read or change them while the thread waits.
 */
#include <pagoda/errno.h>
#include <pagoda/fault.h>
#include <pagoda/ipc.h>
#include <pagoda/syscall.h>
#include <kern/aspace.h>
#include <kern/clock.h>
#include <kern/console.h>
#include <kern/endpoint.h>
#include <kern/fastpath.h>
#include <kern/fault.h>
#include <kern/ipc.h>
#include <kern/sched.h>
#include <kern/syscall_impl.h>
#include <kern/thread.h>
#include <kern/uaccess.h>
#include <lib/ratelimit.h>

static const char *const exc_names[] = {
	[FAULT_EXC_ILLEGAL] = "illegal instruction",
	[FAULT_EXC_MISALIGNED] = "misaligned access",
	[FAULT_EXC_BREAKPOINT] = "breakpoint",
	[FAULT_EXC_OTHER] = "exception",
};

static const char *access_name(unsigned int access)
{
	return access == FAULT_ACCESS_WRITE ? "write" :
	       access == FAULT_ACCESS_EXEC ? "execute" : "read";
}

/*
 * A program can start threads that die at once, each with a report, and
 * flood the console: a burst of reports passes, then one a second; the
 * first one dropped in a flood says so, and each one that passes says how
 * many were dropped before it.
 */
#define FAULT_REPORT_BURST 10
static struct ratelimit fault_reports = RATELIMIT_INIT(CLOCK_HZ, FAULT_REPORT_BURST);
static bool fault_reports_dropping;	/* the notice is out for this flood */

static __noreturn void end_thread(struct thread *t, const char *what, const char *why)
{
	unsigned long missed;

	if (ratelimit_pass(&fault_reports, clock_ticks(), &missed)) {
		if (missed)
			kprintf("[fault] %lu reports dropped (rate limit)\n", missed);
		else
			fault_reports_dropping = false;	/* the flood is over */
		kprintf("[fault] thread %llu (%s, fault badge %#llx): %s at %#llx, pc %#llx: %s\n",
			(unsigned long long)t->id, t->name, (unsigned long long)t->fault_badge,
			what, (unsigned long long)t->fault_msg[0],
			(unsigned long long)t->fault_msg[2], why);
	} else if (!fault_reports_dropping) {
		fault_reports_dropping = true;
		kprintf("[fault] too many reports: dropping them for a while (rate limit)\n");
	}
	thread_exit(-EFAULT);
}

static struct trap_frame *forward(uint64_t label, uint64_t addr, uint64_t kind, uint64_t pc,
				  const char *what)
{
	struct thread *t = thread_current();
	struct trap_frame *next;

	t->fault_msg[0] = addr;
	t->fault_msg[1] = kind;
	t->fault_msg[2] = pc;
	t->fault_msg[3] = t->id;
	if (!t->fault_ep)
		end_thread(t, what, "no fault handler, thread ended");
	t->fault_info = IPC_INFO(label, 4, 0, 0);
	t->fault_result = 0;
	t->fault_reply = FAULT_REPLY_KILL;
	t->in_fault = true;
	next = fastpath_fault();
	if (likely(next))
		return next;
	ipc_send_ep(t->fault_ep, t->fault_badge, false, t->fault_info, true, true);
	/* A blocking call never returns here: the thread resumes through fault_finish. */
	__builtin_unreachable();
}

struct trap_frame *user_page_fault(uintptr_t addr, unsigned int access, uintptr_t pc)
{
	const char *what = access == FAULT_ACCESS_WRITE ? "page fault (write)" :
			   access == FAULT_ACCESS_EXEC	? "page fault (execute)" :
							  "page fault (read)";

	return forward(FAULT_LABEL_PAGE, addr, access, pc, what);
}

struct trap_frame *user_exception(unsigned int kind, uintptr_t addr, uintptr_t pc)
{
	if (kind < FAULT_EXC_ILLEGAL || kind > FAULT_EXC_OTHER)
		kind = FAULT_EXC_OTHER;
	return forward(FAULT_LABEL_EXCEPTION, addr, kind, pc, exc_names[kind]);
}

/*
 * fault_reply_map: the current thread answers @t's page fault with
 * FAULT_REPLY_MAP (reply info word @info): map page @pgoff of the frame region in its @slot, with
 * MAP_* @prot, at the faulting page, replacing what is mapped there. The
 * authority is the fault itself: the handler may resolve this fault, at
 * this page, in the faulter's space, with frames it may map. Check, then
 * commit: on error nothing changed and the reply is still owed. The
 * thread's handler was set by someone holding its address space with the
 * map right (fault_may_map), so a thread's controller cannot map into its
 * space through its faults without that right (-EPERM). Without
 * @may_alloc (the fastpath) a missing page table is -EAGAIN.
 */
long fault_reply_map(struct thread *t, uint64_t info, uint64_t slot, uint64_t pgoff,
		     uint64_t prot, bool may_alloc)
{
	vaddr_t va = ALIGN_DOWN((vaddr_t)t->fault_msg[0], PAGE_SIZE);
	unsigned int flags;
	paddr_t pa;
	long err;

	if (IPC_INFO_LABEL(t->fault_info) != FAULT_LABEL_PAGE || IPC_INFO_NWORDS(info) < 3)
		return -EINVAL;
	if (!t->fault_may_map)
		return -EPERM;
	err = map_frames(slot, pgoff, 1, prot, &pa, &flags);
	if (err)
		return err;
	if (!user_range_ok(va, PAGE_SIZE))
		return -EINVAL;
	return aspace_replace_page(t->as, va, pa, flags, may_alloc);
}

void fault_finish(struct thread *t)
{
	t->in_fault = false;
	if (t->fault_result)
		end_thread(t, "fault", "the fault handler went away, thread ended");
	if (t->fault_reply != FAULT_REPLY_RESUME && t->fault_reply != FAULT_REPLY_MAP)
		end_thread(t, IPC_INFO_LABEL(t->fault_info) == FAULT_LABEL_PAGE ?
			   access_name((unsigned int)t->fault_msg[1]) : "exception",
			   "ended by its fault handler");
}

void fault_set_handler(struct thread *t, struct endpoint *ep, uint64_t badge, bool may_map)
{
	struct endpoint *old = t->fault_ep;

	if (ep)
		kobj_get(&ep->ep_ko);
	t->fault_ep = ep;
	t->fault_badge = badge;
	t->fault_may_map = ep && may_map;
	if (old)
		kobj_put(&old->ep_ko);
}
