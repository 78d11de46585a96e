/*
 * kern/ipc.h: synchronous IPC over endpoints (message format in
 * pagoda/ipc.h, semantics in docs/ipc.md).
 *
 * Each function runs in the calling thread's system call, interrupts
 * disabled, and returns the call's result, unless the thread blocks: then
 * it does not return at all. The thread keeps nothing on its kernel stack
 * while blocked; whoever wakes it stores the result (and any message) in
 * its saved registers, and it resumes straight into user mode (see
 * thread_block_continuation). The message travels from the sender's saved
 * registers (and IPC buffer) into the receiver's.
 *
 * Replies: a call makes the receiver owe the caller one reply (reply_to);
 * a thread owes at most one: receiving a new call while a reply is still
 * owed ends the older call with -EDEAD.
 */
#ifndef PAGODA_KERN_IPC_H
#define PAGODA_KERN_IPC_H

#include <pagoda/types.h>
#include <kern/cap.h>

struct endpoint;
struct thread;

/* ipc_send: send (or call, @call) through the endpoint cap @epcap; @block: else -EAGAIN. */
long ipc_send(struct cap *epcap, uint64_t info, bool block, bool call);
/*
 * ipc_send_ep: ipc_send with the endpoint, badge and grant right given
 * directly (the kernel's own sends, such as fault messages); @info is
 * trusted.
 */
long ipc_send_ep(struct endpoint *ep, uint64_t badge, bool grant, uint64_t info, bool block,
		 bool call);
/* ipc_recv: receive from the endpoint cap @epcap. */
long ipc_recv(struct cap *epcap, bool block);
/* ipc_reply: answer the caller the current thread owes a reply; -ESRCH if none. */
long ipc_reply(uint64_t info);

/*
 * ipc_cancel: take the blocked @t out of whatever it waits on (the caller
 * sets its result); a reply it owes stays owed.
 */
void ipc_cancel(struct thread *t);
/* ipc_thread_gone: @t exits or is destroyed: leave queues, fail its partners. */
void ipc_thread_gone(struct thread *t);
/* ipc_endpoint_dying: wake every thread queued on @ep with -EDEAD. */
void ipc_endpoint_dying(struct endpoint *ep);

#endif
