/*
 * kern/endpoint.h: IPC endpoints: a rendezvous point with a queue of
 * blocked senders and one of blocked receivers (at most one of them is
 * non-empty at any time). The queues are FIFO. Lifetime: capabilities hold
 * the references; when the last goes, every queued thread wakes with
 * -EDEAD.
 */
#ifndef PAGODA_KERN_ENDPOINT_H
#define PAGODA_KERN_ENDPOINT_H

#include <lib/list.h>
#include <kern/cap.h>

struct endpoint {
	struct kobj ep_ko;
	struct list_node ep_senders;	/* threads in IPC_SEND / IPC_CALL */
	struct list_node ep_receivers;	/* threads in IPC_RECV */
};

/* endpoint_create: a new endpoint with no reference (insert a cap next). */
int endpoint_create(struct endpoint **out);

static inline struct endpoint *endpoint_of(struct kobj *ko)
{
	return container_of(ko, struct endpoint, ep_ko);
}

#endif
