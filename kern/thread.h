/*
 * kern/thread.h: threads. A thread has a kernel stack (KSTACK_PAGES, its
 * user register frame at the top), a saved kernel context while switched
 * out, a priority, and an address space (NULL: a kernel-only thread such
 * as the boot thread, which runs on the kernel page tables).
 *
 * States: INACTIVE (created, not started) -> RUNNABLE (in a run queue)
 * <-> RUNNING (the one current thread, not queued) -> BLOCKED (waiting on
 * an IPC object; not queued) -> ... -> DEAD (exited; its owner frees it).
 *
 * Locking: one hart and a non-preemptive kernel; thread fields change
 * only with interrupts disabled (inside traps) or from the thread itself.
 */
#ifndef PAGODA_KERN_THREAD_H
#define PAGODA_KERN_THREAD_H

#include <pagoda/types.h>
#include <lib/list.h>
#include <arch/thread.h>

#define KSTACK_PAGES 2
#define THREAD_NAME_LEN 16
#define THREAD_PRIO_MAX 31	/* priorities 0 (lowest) .. 31 */
#define THREAD_PRIO_DEFAULT 10

struct aspace;

enum thread_state {
	THREAD_INACTIVE,
	THREAD_RUNNABLE,
	THREAD_RUNNING,
	THREAD_BLOCKED,
	THREAD_DEAD,
};

struct thread {
	struct arch_context ctx;	/* valid while switched out */
	struct trap_frame *frame;	/* user registers, top of the kernel stack */
	paddr_t kstack_pa;		/* KSTACK_PAGES contiguous frames; 0: boot stack */
	enum thread_state state;
	unsigned int prio;
	unsigned int slice_left;	/* ticks before round-robin preemption */
	struct list_node rq;		/* in a run queue while RUNNABLE */
	struct aspace *as;		/* NULL: kernel only */
	long exit_code;			/* valid when DEAD */
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

/* thread_start: make an INACTIVE thread runnable. -EINVAL in any other state. */
int thread_start(struct thread *t);

/* thread_exit: end the current thread with @code; never returns. */
__noreturn void thread_exit(long code);

/* thread_destroy: free a DEAD or INACTIVE thread that is not current. */
void thread_destroy(struct thread *t);

/* thread_current() (the running thread) is in kern/sched.h. */

/* thread_init_boot: make the code running kern_main the first thread. */
void thread_init_boot(void);

#endif
