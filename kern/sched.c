/*
 * kern/sched.c: run queues and the switch (see sched.h).
 *
 * Invariants: the current thread is RUNNING and on no queue; a thread is on
 * runq[prio] iff it is RUNNABLE; bit p of sched_runq_mask is set iff runq[p] is
 * not empty.
 */
#include <pagoda/bitops.h>
#include <lib/assert.h>
#include <arch/cpu.h>
#include <kern/aspace.h>
#include <kern/sched.h>

static struct list_node runq[THREAD_PRIO_MAX + 1] = {
#define RQ_INIT(i) [i] = LIST_HEAD_INIT(runq[i])
	RQ_INIT(0), RQ_INIT(1), RQ_INIT(2), RQ_INIT(3), RQ_INIT(4), RQ_INIT(5), RQ_INIT(6),
	RQ_INIT(7), RQ_INIT(8), RQ_INIT(9), RQ_INIT(10), RQ_INIT(11), RQ_INIT(12), RQ_INIT(13),
	RQ_INIT(14), RQ_INIT(15), RQ_INIT(16), RQ_INIT(17), RQ_INIT(18), RQ_INIT(19),
	RQ_INIT(20), RQ_INIT(21), RQ_INIT(22), RQ_INIT(23), RQ_INIT(24), RQ_INIT(25),
	RQ_INIT(26), RQ_INIT(27), RQ_INIT(28), RQ_INIT(29), RQ_INIT(30), RQ_INIT(31),
#undef RQ_INIT
};
uint32_t sched_runq_mask;	/* see sched.h */
struct thread *sched_current;	/* the RUNNING thread */
bool sched_need_resched;	/* the current thread should yield at the next chance */

void sched_set_current(struct thread *t)
{
	sched_current = t;
	t->state = THREAD_RUNNING;
	t->slice_left = SCHED_SLICE_TICKS;
}

static void rq_add(struct thread *t, bool front)
{
	ASSERT(!list_is_linked(&t->rq));
	t->state = THREAD_RUNNABLE;
	if (front)
		list_push_front(&runq[t->prio], &t->rq);
	else
		list_push_back(&runq[t->prio], &t->rq);
	sched_runq_mask |= 1u << t->prio;
}

void sched_enqueue(struct thread *t)
{
	ASSERT(t != sched_current);
	rq_add(t, false);
	if (sched_current && t->prio > sched_current->prio)
		sched_need_resched = true;
}

void sched_dequeue(struct thread *t)
{
	ASSERT(t->state == THREAD_RUNNABLE && list_is_linked(&t->rq));
	list_remove(&t->rq);
	if (list_empty(&runq[t->prio]))
		sched_runq_mask &= ~(1u << t->prio);
}

static struct thread *pick_next(void)
{
	unsigned int prio;
	struct thread *t;

	if (!sched_runq_mask)
		return NULL;
	prio = fls32(sched_runq_mask);
	t = list_entry(list_first(&runq[prio]), struct thread, rq);
	sched_dequeue(t);
	return t;
}

/*
 * pick_or_idle: the next thread to run, idling until an interrupt makes
 * one runnable. While idle nobody is current, so an interrupt may wake the
 * thread that just blocked (it is picked like any other).
 */
static struct thread *pick_or_idle(void)
{
	struct thread *prev = sched_current, *next;

	sched_current = NULL;
	while (!(next = pick_next())) {
		arch_irq_enable();
		arch_wait_for_interrupt();
		arch_irq_disable();
	}
	sched_current = prev;
	return next;
}

/*
 * switch_to: make @next current and resume it, saving @prev's kernel
 * context in @save; returns when @prev runs again (never if @save is not
 * prev's own: it blocked with a continuation or died).
 */
static void switch_to(struct thread *prev, struct thread *next, struct arch_context *save)
{
	sched_need_resched = false;
	next->state = THREAD_RUNNING;
	next->slice_left = SCHED_SLICE_TICKS;
	if (next == prev && save == &prev->ctx)
		return;
	if (next->as != prev->as)
		aspace_activate(next->as);
	sched_current = next;
	arch_context_switch(save, &next->ctx);
	/* Running again as prev: free the threads that died before we came back. */
	thread_reap();
}

void sched_switch_away(void)
{
	static struct arch_context discarded;
	struct thread *prev = sched_current;

	arch_irq_disable();
	ASSERT(prev->state == THREAD_BLOCKED || prev->state == THREAD_DEAD ||
	       prev->state == THREAD_INACTIVE);
	switch_to(prev, pick_or_idle(), &discarded);
	__builtin_unreachable();
}

void sched_block_current(void)
{
	unsigned long irq = arch_irq_save();
	struct thread *prev = sched_current;

	ASSERT(prev->state == THREAD_BLOCKED);
	switch_to(prev, pick_or_idle(), &prev->ctx);
	arch_irq_restore(irq);
}

/* sched_best_prio: the highest priority among runnable threads, or -1. */
int sched_best_prio(void)
{
	return sched_runq_mask ? (int)fls32(sched_runq_mask) : -1;
}

void sched_yield(void)
{
	unsigned long irq = arch_irq_save();
	struct thread *prev = sched_current, *next = pick_next();

	if (next) {
		/* Never yield to a lower priority: keep running instead. */
		if (next->prio < prev->prio) {
			rq_add(next, true);
			next = prev;
		} else {
			rq_add(prev, false);
		}
		switch_to(prev, next, &prev->ctx);
	} else {
		sched_need_resched = false;
		prev->slice_left = SCHED_SLICE_TICKS;
	}
	arch_irq_restore(irq);
}

void sched_tick(void)
{
	if (sched_current && sched_current->slice_left && --sched_current->slice_left == 0)
		sched_need_resched = true;
}


void sched_resched(void)
{
	if (sched_current->doomed)
		thread_exit(-EDEAD);
	sched_yield();
}
