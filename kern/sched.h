/*
 * kern/sched.h: the scheduler: fixed priorities, round-robin within a
 * priority, preemption by the clock tick (a slice of SCHED_SLICE_TICKS) at
 * the return to user mode. The kernel itself is not preemptive: a thread
 * in the kernel runs until it blocks, yields or returns to user mode.
 * All functions run with interrupts disabled or disable them themselves.
 */
#ifndef PAGODA_KERN_SCHED_H
#define PAGODA_KERN_SCHED_H

#include <pagoda/compiler.h>
#include <kern/thread.h>

#define SCHED_SLICE_TICKS 5

/* sched_enqueue: put a RUNNABLE (or just-started) thread at the back of its queue. */
void sched_enqueue(struct thread *t);
/* sched_dequeue: take a RUNNABLE thread out of its queue (it becomes the caller's to place). */
void sched_dequeue(struct thread *t);
/* sched_yield: the current thread goes to the back of its queue; run the best one. */
void sched_yield(void);
/*
 * sched_switch_away: the current thread has left RUNNING for good on this
 * stack (blocked with a continuation, or dead); run the best runnable
 * thread, idling until there is one. Never returns.
 */
__noreturn void sched_switch_away(void);
/*
 * sched_block_current: the current (kernel) thread, already marked
 * BLOCKED and queued where it waits, runs something else and returns when
 * woken, its kernel context intact (unlike sched_switch_away).
 */
void sched_block_current(void);
/* sched_best_prio: the highest priority among runnable threads, -1 if none. */
int sched_best_prio(void);

/* Bit p set iff a thread of priority p is runnable (kern/sched.c). */
extern uint32_t sched_runq_mask;

/* sched_someone_above: is a thread of priority above @prio runnable? */
static inline bool sched_someone_above(unsigned int prio)
{
	return (sched_runq_mask >> prio) > 1;
}
/* sched_tick: clock interrupt: account the current slice. */
void sched_tick(void);

/* Read-mostly scheduler state, exposed for the inline fast paths below. */
extern struct thread *sched_current;
extern bool sched_need_resched;

/* sched_resched: the slow half of sched_preempt_point. */
void sched_resched(void);

/*
 * sched_preempt_point: on the way back to user mode: yield if the slice
 * ran out or a better thread waits; exit if the thread was doomed (its
 * last reference went while it ran). Both raise sched_need_resched.
 */
static inline void sched_preempt_point(void)
{
	if (unlikely(sched_need_resched))
		sched_resched();
}

static inline struct thread *thread_current(void)
{
	return sched_current;
}
/* sched_set_current: bootstrap only. */
void sched_set_current(struct thread *t);

#endif
