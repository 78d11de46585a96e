/*
 * kern/thread.h: threads. A thread has a kernel stack (KSTACK_PAGES, its
 * user register frame at the top), a saved kernel context while switched
 * out, a priority, and an address space (NULL: a kernel-only thread such
 * as the boot thread, which runs on the kernel page tables).
 *
 * States: INACTIVE (created, not started) -> RUNNABLE (in a run queue)
 * <-> RUNNING (the one current thread, not queued) -> BLOCKED (waiting on
 * an IPC object; not queued) -> ... -> DEAD (exited or killed).
 *
 * Lifetime: a thread is a kernel object (ko); capabilities and kernel
 * users (the loader) hold references. A DEAD thread is reaped by the next
 * thread to run (its kernel stack cannot be freed while it runs on it):
 * the stack and its references to its address space and CSpace go. The
 * struct itself goes when it is reaped and unreferenced. Dropping the last
 * reference to a live thread kills it.
 *
 * Locking: one hart and a non-preemptive kernel; thread fields change
 * only with interrupts disabled (inside traps) or from the thread itself.
 */
#ifndef PAGODA_KERN_THREAD_H
#define PAGODA_KERN_THREAD_H

#include <pagoda/types.h>
#include <lib/list.h>
#include <kern/cap.h>
#include <arch/thread.h>

#define KSTACK_PAGES 2
#define THREAD_NAME_LEN 16
#define THREAD_PRIO_MAX 31	/* priorities 0 (lowest) .. 31 */
#define THREAD_PRIO_DEFAULT 10

struct aspace;
struct cspace;
struct endpoint;

/* What a BLOCKED thread waits for in IPC. */
enum ipc_wait {
	IPC_NONE,
	IPC_SEND,	/* queued on ipc_ep's senders, message in its registers */
	IPC_CALL,	/* the same, then IPC_REPLY once received */
	IPC_RECV,	/* queued on ipc_ep's receivers */
	IPC_REPLY,	/* called reply_from, waits for its reply */
	IPC_JOIN,	/* waits for another thread to end (on its exit_waiters) */
	IPC_WAIT_NTFN,	/* waits on a notification (on its nt_waiters) */
};

enum thread_state {
	THREAD_INACTIVE,
	THREAD_RUNNABLE,
	THREAD_RUNNING,
	THREAD_BLOCKED,
	THREAD_DEAD,
};

struct thread {
	struct kobj ko;			/* capabilities + kernel references */
	struct arch_context ctx;	/* valid while switched out */
	struct trap_frame *frame;	/* user registers, top of the kernel stack */
	paddr_t kstack_pa;		/* KSTACK_PAGES contiguous frames; 0: boot stack */
	enum thread_state state;
	unsigned int prio;
	unsigned int slice_left;	/* ticks before round-robin preemption */
	struct list_node rq;		/* in a run queue while RUNNABLE */
	struct aspace *as;		/* NULL: kernel only */
	struct cspace *cs;		/* its capabilities; NULL: none */
	vaddr_t ipc_buf;		/* user VA of its struct ipc_buffer; 0: none */

	/* IPC state (kern/ipc.c); see enum ipc_wait. */
	enum ipc_wait ipc_wait;
	struct endpoint *ipc_ep;	/* while IPC_SEND/CALL/RECV */
	struct list_node ipc_link;	/* in ipc_ep's queue */
	uint64_t ipc_badge;		/* while IPC_SEND/CALL: badge of the cap used */
	bool ipc_grant;			/* ... and whether it had the grant right */
	uint64_t ipc_info;		/* ... and its message's info word, as checked */
	struct thread *reply_to;	/* the caller owed a reply by this thread */
	struct thread *reply_from;	/* while IPC_REPLY: who owes this thread one */
	bool reply_lost;		/* the faulting thread owed a reply went away */

	/* Faults (kern/fault.c): where they go, and the one in progress. */
	struct endpoint *fault_ep;	/* referenced; NULL: faults end the thread */
	uint64_t fault_badge;
	bool fault_may_map;		/* the handler may answer FAULT_REPLY_MAP */
	bool in_fault;			/* calling fault_ep: message below, not in regs */
	uint64_t fault_info;		/* the fault message's info word */
	uint64_t fault_msg[4];		/* ... and its words */
	long fault_result;		/* 0, or -EDEAD if the handler went away */
	uint64_t fault_reply;		/* the handler's reply label */

	long exit_code;			/* valid when DEAD */
	bool doomed;			/* exit at the end of the current syscall */
	bool reaped;			/* DEAD and its stack and references released */
	bool orphan;			/* no reference left: free once reaped */
	struct thread *zombie_next;	/* on the list of DEAD threads to reap */
	struct list_node exit_waiters;	/* threads in IPC_JOIN on this one (ipc_link) */
	uint64_t id;
	char name[THREAD_NAME_LEN];
};

/*
 * thread_create_user: a new INACTIVE thread of @as that will enter user
 * mode at @pc with stack pointer @sp and first argument @arg0.
 * 0 or -ENOMEM (nothing allocated then).
 */
int thread_create_user(struct aspace *as, const char *name, uintptr_t pc, uintptr_t sp,
		       uintptr_t arg0, unsigned int prio, struct thread **out);

/*
 * thread_block_continuation: make @t resume straight into user mode from its
 * frame the next time it is switched to (used when it blocks in IPC: its
 * kernel stack keeps nothing).
 */
void thread_resume_to_user(void *arg);

static inline void thread_block_continuation(struct thread *t)
{
	arch_context_init(&t->ctx, (uintptr_t)t->frame & ~(uintptr_t)15, thread_resume_to_user, t);
}

/* thread_start: make an INACTIVE thread runnable. -EINVAL in any other state. */
int thread_start(struct thread *t);

/* thread_exit: end the current thread with @code; never returns. */
__noreturn void thread_exit(long code);

/*
 * thread_wait: the current thread waits until @t is DEAD; returns its exit
 * code (at once if it is already dead). -EDEADLK for itself.
 */
long thread_wait(struct thread *t);

/*
 * thread_suspend: stop @t (INACTIVE) wherever it is; a blocked call of its
 * own ends with -EINTR when it resumes; suspending the current thread
 * switches away (its call returns 0 when resumed). -EINVAL if DEAD.
 * thread_resume: make a suspended (or never started) thread runnable
 * again with its registers as they are. -EINVAL if not INACTIVE.
 */
int thread_suspend(struct thread *t);
int thread_resume(struct thread *t);

/* thread_set_prio: 0..THREAD_PRIO_MAX; -EINVAL otherwise or if DEAD. */
int thread_set_prio(struct thread *t, unsigned int prio);

/*
 * thread_join: for kernel threads (the boot thread, self-tests): block
 * until @t is DEAD, keeping the kernel context; its exit code.
 */
long thread_join(struct thread *t);

/* thread_kill: end @t (not current) wherever it is; its exit code is -EDEAD. */
void thread_kill(struct thread *t);

/* thread_reap: release the DEAD threads queued for it (called after a switch). */
void thread_reap(void);

/* thread_set_spaces: give an INACTIVE thread its address space and CSpace (referenced). */
void thread_set_spaces(struct thread *t, struct aspace *as, struct cspace *cs);

/* thread_current() (the running thread) is in kern/sched.h. */

/* thread_init_boot: make the code running kern_main the first thread. */
void thread_init_boot(void);

#endif
