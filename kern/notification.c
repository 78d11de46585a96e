/* kern/notification.c: notification objects (see notification.h). */
#include <pagoda/errno.h>
#include <arch/thread.h>
#include <kern/kalloc.h>
#include <kern/notification.h>
#include <kern/sched.h>
#include <kern/thread.h>

static void wake_waiter(struct thread *t, long result)
{
	arch_syscall_set_ret(t->frame, result);
	t->ipc_wait = IPC_NONE;
	sched_enqueue(t);
}

static void notification_destroy(struct kobj *ko)
{
	struct notification *nt = notification_of(ko);

	while (!list_empty(&nt->nt_waiters))
		wake_waiter(list_entry(list_pop_front(&nt->nt_waiters), struct thread, ipc_link),
			    -EDEAD);
	kfree(nt, sizeof(*nt));
}

static const struct kobj_ops notification_ops = {
	.destroy = notification_destroy,
};

int notification_create(struct notification **out)
{
	struct notification *nt = kzalloc(sizeof(*nt));

	if (!nt)
		return -ENOMEM;
	kobj_init(&nt->nt_ko, CAP_NOTIFICATION, &notification_ops);
	list_init(&nt->nt_waiters);
	*out = nt;
	return 0;
}

void notification_signal(struct notification *nt, uint64_t bits)
{
	if (list_empty(&nt->nt_waiters)) {
		nt->nt_bits |= bits;
		return;
	}
	/* Bits are never pending while someone waits: hand them over whole. */
	wake_waiter(list_entry(list_pop_front(&nt->nt_waiters), struct thread, ipc_link),
		    (long)bits);
}

long notification_wait(struct notification *nt, bool block)
{
	struct thread *self = thread_current();
	uint64_t bits = nt->nt_bits;

	if (bits) {
		nt->nt_bits = 0;
		return (long)bits;
	}
	if (!block)
		return -EAGAIN;
	list_push_back(&nt->nt_waiters, &self->ipc_link);
	self->ipc_wait = IPC_WAIT_NTFN;
	self->state = THREAD_BLOCKED;
	thread_block_continuation(self);
	sched_switch_away();
}
