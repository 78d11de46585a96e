/*
 * kern/notification.h: notifications, the asynchronous half of IPC: a word
 * of pending bits. signal ORs in the badge of the capability used (bit 0
 * for an unbadged one) and never blocks; wait returns and clears the bits,
 * blocking while there are none; poll is wait without blocking. Waiters
 * are served FIFO, one per signal. Interrupts and timers will signal
 * notifications from the kernel.
 */
#ifndef PAGODA_KERN_NOTIFICATION_H
#define PAGODA_KERN_NOTIFICATION_H

#include <lib/list.h>
#include <kern/cap.h>

struct notification {
	struct kobj nt_ko;
	uint64_t nt_bits;		/* pending; nonzero only while nobody waits */
	struct list_node nt_waiters;	/* threads in IPC_WAIT_NTFN (ipc_link) */
};

/* notification_create: a new notification with no reference (insert a cap next). */
int notification_create(struct notification **out);
/* notification_signal: OR @bits in, waking the first waiter with them. */
void notification_signal(struct notification *nt, uint64_t bits);
/*
 * notification_wait: the current thread's pending bits, cleared; with
 * none, -EAGAIN if !@block, else it blocks and does not return (it resumes
 * with the bits as its syscall result).
 */
long notification_wait(struct notification *nt, bool block);

static inline struct notification *notification_of(struct kobj *ko)
{
	return container_of(ko, struct notification, nt_ko);
}

#endif
