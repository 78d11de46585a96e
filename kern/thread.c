/* kern/thread.c: creating, starting, ending threads (see thread.h). */
#define LOG_PREFIX "thread: "
#include <pagoda/errno.h>
#include <lib/assert.h>
#include <lib/log.h>
#include <lib/string.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <kern/aspace.h>
#include <kern/cspace_obj.h>
#include <kern/fault.h>
#include <kern/ipc.h>
#include <kern/kalloc.h>
#include <kern/mem.h>
#include <kern/sched.h>
#include <kern/thread.h>

static struct thread boot_thread;
static uint64_t next_thread_id = 1;
static struct thread *zombies;	/* DEAD, not yet reaped (zombie_next) */

static void set_name(struct thread *t, const char *name)
{
	size_t i;

	for (i = 0; name && name[i] && i < THREAD_NAME_LEN - 1; i++)
		t->name[i] = name[i];
	t->name[i] = '\0';
}

void thread_init_boot(void)
{
	list_node_init(&boot_thread.rq);
	list_node_init(&boot_thread.ipc_link);
	list_init(&boot_thread.exit_waiters);
	boot_thread.prio = THREAD_PRIO_DEFAULT;
	boot_thread.id = next_thread_id++;
	set_name(&boot_thread, "boot");
	sched_set_current(&boot_thread);
}

/*
 * The continuation of a user thread: the first code it runs, and where it
 * resumes after blocking in IPC. Its kernel stack is empty: everything is
 * in its frame (the waker stored the result there).
 */
void thread_resume_to_user(void *arg)
{
	struct thread *t = arg;

	thread_reap();
	if (unlikely(t->doomed))
		thread_exit(-EDEAD);
	if (unlikely(t->in_fault))
		fault_finish(t);
	arch_user_return(t->frame);
}


static void thread_free(struct thread *t)
{
	kfree(t, sizeof(*t));
}

/* release: free what a DEAD thread no longer needs; it must not be running. */
static void release(struct thread *t)
{
	frame_free_contig(&kernel_frames, t->kstack_pa, KSTACK_PAGES);
	fault_set_handler(t, NULL, 0, false);
	if (t->as)
		kobj_put(&t->as->as_ko);
	if (t->cs)
		kobj_put(&cspace_obj_from_cs(t->cs)->co_ko);
	t->as = NULL;
	t->cs = NULL;
	t->reaped = true;
	if (t->orphan)
		thread_free(t);
}

void thread_reap(void)
{
	while (zombies) {
		struct thread *t = zombies;

		zombies = t->zombie_next;
		release(t);
	}
}

/* mark_dead: @t leaves every queue and becomes DEAD with @code; its waiters wake. */
static void mark_dead(struct thread *t, long code)
{
	ipc_thread_gone(t);
	t->exit_code = code;
	t->state = THREAD_DEAD;
	while (!list_empty(&t->exit_waiters)) {
		struct thread *w = list_entry(list_pop_front(&t->exit_waiters), struct thread,
					      ipc_link);

		if (w->frame)	/* a kernel thread has none */
			arch_syscall_set_ret(w->frame, code);
		w->ipc_wait = IPC_NONE;
		sched_enqueue(w);
	}
}

long thread_wait(struct thread *t)
{
	struct thread *self = thread_current();

	if (t == self)
		return -EDEADLK;
	if (t->state == THREAD_DEAD)
		return t->exit_code;
	list_push_back(&t->exit_waiters, &self->ipc_link);
	self->ipc_wait = IPC_JOIN;
	self->state = THREAD_BLOCKED;
	thread_block_continuation(self);
	sched_switch_away();
}

/* The last reference to a thread went. */
static void thread_obj_destroy(struct kobj *ko)
{
	struct thread *t = container_of(ko, struct thread, ko);

	t->orphan = true;
	if (t == thread_current()) {
		/* Exits at the end of its syscall (sched_preempt_point), then is reaped. */
		t->doomed = true;
		sched_need_resched = true;
	}
	else if (t->state != THREAD_DEAD)
		thread_kill(t);		/* reaped (and freed) at once */
	else if (t->reaped)
		thread_free(t);
}

static const struct kobj_ops thread_obj_ops = {
	.destroy = thread_obj_destroy,
};

int thread_create_user(struct aspace *as, const char *name, uintptr_t pc, uintptr_t sp,
		       uintptr_t arg0, unsigned int prio, struct thread **out)
{
	struct thread *t;
	uintptr_t top;
	int err;

	if (prio > THREAD_PRIO_MAX)
		return -EINVAL;
	t = kzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	err = frame_alloc_contig(&kernel_frames, KSTACK_PAGES, 1, &t->kstack_pa);
	if (err) {
		kfree(t, sizeof(*t));
		return err;
	}
	kobj_init(&t->ko, CAP_THREAD, &thread_obj_ops);
	list_node_init(&t->rq);
	list_node_init(&t->ipc_link);
	list_init(&t->exit_waiters);
	t->prio = prio;
	t->state = THREAD_INACTIVE;
	t->id = next_thread_id++;
	set_name(t, name);
	top = (uintptr_t)phys_to_virt(t->kstack_pa) + KSTACK_PAGES * PAGE_SIZE;
	t->frame = (struct trap_frame *)(top - sizeof(struct trap_frame));
	arch_user_frame_init(t->frame, pc, sp, arg0);
	thread_block_continuation(t);
	if (as)
		thread_set_spaces(t, as, NULL);
	*out = t;
	return 0;
}

void thread_set_spaces(struct thread *t, struct aspace *as, struct cspace *cs)
{
	ASSERT(t->state == THREAD_INACTIVE);
	if (as && !t->as) {
		kobj_get(&as->as_ko);
		t->as = as;
	}
	if (cs && !t->cs) {
		kobj_get(&cspace_obj_from_cs(cs)->co_ko);
		t->cs = cs;
	}
}

int thread_start(struct thread *t)
{
	unsigned long irq;

	if (t->state != THREAD_INACTIVE || !t->as)
		return -EINVAL;
	t->in_fault = false;
	thread_block_continuation(t);
	irq = arch_irq_save();
	sched_enqueue(t);
	arch_irq_restore(irq);
	return 0;
}

void thread_exit(long code)
{
	struct thread *t = thread_current();

	arch_irq_disable();
	ASSERT(t != &boot_thread);
	mark_dead(t, code);
	t->zombie_next = zombies;
	zombies = t;
	sched_switch_away();
}

void thread_kill(struct thread *t)
{
	unsigned long irq = arch_irq_save();

	ASSERT(t != thread_current() && t != &boot_thread);
	if (t->state == THREAD_RUNNABLE)
		sched_dequeue(t);
	if (t->state != THREAD_DEAD) {
		mark_dead(t, -EDEAD);
		release(t);
	}
	arch_irq_restore(irq);
}

long thread_join(struct thread *t)
{
	struct thread *self = thread_current();
	unsigned long irq = arch_irq_save();

	ASSERT(t != self);
	while (t->state != THREAD_DEAD) {
		list_push_back(&t->exit_waiters, &self->ipc_link);
		self->ipc_wait = IPC_JOIN;
		self->state = THREAD_BLOCKED;
		sched_block_current();
	}
	arch_irq_restore(irq);
	return t->exit_code;
}

int thread_suspend(struct thread *t)
{
	unsigned long irq;

	if (t->state == THREAD_DEAD || t == &boot_thread)
		return -EINVAL;
	if (t->state == THREAD_INACTIVE)
		return 0;
	irq = arch_irq_save();
	if (t->state == THREAD_BLOCKED && t->in_fault) {
		/* Its registers are the faulting instruction's: it faults again on resume. */
		ipc_cancel(t);
		t->in_fault = false;
	} else if (t->state == THREAD_BLOCKED) {
		ipc_cancel(t);
		arch_syscall_set_ret(t->frame, -EINTR);
	} else if (t->state == THREAD_RUNNABLE) {
		sched_dequeue(t);
	}
	/*
	 * A runnable thread was preempted with nothing left to do in the
	 * kernel but return: resume it straight from its frame too.
	 */
	if (t != thread_current()) {
		t->state = THREAD_INACTIVE;
		thread_block_continuation(t);
		arch_irq_restore(irq);
		return 0;
	}
	arch_syscall_set_ret(t->frame, 0);
	t->state = THREAD_INACTIVE;
	thread_block_continuation(t);
	sched_switch_away();
}

int thread_resume(struct thread *t)
{
	unsigned long irq;

	if (t->state != THREAD_INACTIVE || !t->as)
		return -EINVAL;
	irq = arch_irq_save();
	sched_enqueue(t);
	arch_irq_restore(irq);
	return 0;
}

int thread_set_prio(struct thread *t, unsigned int prio)
{
	unsigned long irq;

	if (prio > THREAD_PRIO_MAX || t->state == THREAD_DEAD)
		return -EINVAL;
	irq = arch_irq_save();
	if (t->state == THREAD_RUNNABLE) {
		sched_dequeue(t);
		t->prio = prio;
		sched_enqueue(t);
	} else {
		t->prio = prio;
	}
	/* A lowered current thread yields at its next preemption point. */
	if (t == thread_current())
		sched_need_resched = true;
	arch_irq_restore(irq);
	return 0;
}
