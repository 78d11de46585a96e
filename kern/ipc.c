/*
 * kern/ipc.c: message transfer, blocking and waking for endpoints.
 *
 * Register use (arch_syscall_arg / arch_syscall_set_out indices): in, 0 the
 * endpoint slot, 1 the info word, 2..5 the words; out, 1 the info word as
 * delivered, 2..5 the words, 6 the badge.
 *
 * Invariants: a thread is on an endpoint queue iff its ipc_wait is
 * IPC_SEND, IPC_CALL or IPC_RECV, and then ipc_ep names that endpoint;
 * t->reply_to == c iff c->reply_from == t (and c is IPC_REPLY).
 */
#include <pagoda/errno.h>
#include <pagoda/fault.h>
#include <pagoda/ipc.h>
#include <lib/assert.h>
#include <lib/string.h>
#include <arch/thread.h>
#include <kern/aspace.h>
#include <kern/endpoint.h>
#include <kern/fault.h>
#include <kern/ipc.h>
#include <kern/sched.h>
#include <kern/thread.h>

#define IPC_WORD_ARG 2	/* first message word among the syscall arguments */

/* wake: @t's blocked system call ends with @result; it resumes from its frame. */
static void wake(struct thread *t, long result)
{
	/* A thread in a fault is not in a syscall: its registers stay as they are. */
	if (t->in_fault)
		t->fault_result = result;
	else
		arch_syscall_set_ret(t->frame, result);
	t->ipc_wait = IPC_NONE;
	t->ipc_ep = NULL;
	sched_enqueue(t);
}

/*
 * block: the current thread waits (@why). Never returns: the thread's
 * system call ends when it is woken, straight from its frame (its result
 * and message were stored there), so its kernel stack keeps nothing.
 */
static __noreturn void block(enum ipc_wait why)
{
	struct thread *self = thread_current();

	self->ipc_wait = why;
	self->state = THREAD_BLOCKED;
	thread_block_continuation(self);
	sched_switch_away();
}

/* check_info: validate what the current thread is about to send. */
static long check_info(uint64_t info, bool grant)
{
	struct thread *self = thread_current();
	unsigned int len = IPC_INFO_DATA_LEN(info);
	void *page;

	if ((info & IPC_INFO_RESERVED) || IPC_INFO_NWORDS(info) > IPC_WORDS || len > IPC_DATA_MAX)
		return -EINVAL;
	if ((len || IPC_INFO_HAS_CAP(info)) &&
	    (!self->ipc_buf || aspace_user_page(self->as, self->ipc_buf, false, &page)))
		return -EFAULT;
	if (IPC_INFO_HAS_CAP(info) && !grant)
		return -EPERM;
	return 0;
}

/* sender_word / sender_info: a sender's message: its registers, or its fault message. */
static uint64_t sender_word(const struct thread *s, unsigned int i)
{
	return s->in_fault ? s->fault_msg[i] : arch_syscall_arg(s->frame, IPC_WORD_ARG + i);
}

/*
 * The info word is the one checked when the sender blocked, never re-read
 * from its registers: a holder of the thread's capability may rewrite
 * those while it waits.
 */
static uint64_t sender_info(const struct thread *s)
{
	return s->in_fault ? s->fault_info : s->ipc_info;
}

/* transfer_cap: move the sender's capability along; false if it could not go. */
static bool transfer_cap(struct thread *s, const struct ipc_buffer *sbuf, struct thread *r,
			 const struct ipc_buffer *rbuf)
{
	if (!s->cs || !r->cs || !rbuf || !rbuf->recv_cap)
		return false;
	return cap_transfer(s->cs, (size_t)sbuf->send_cap, r->cs, (size_t)rbuf->recv_cap) == 0;
}

/*
 * transfer: deliver the message @info of @s (its words are in its saved
 * registers) to @r's registers and IPC buffer. What cannot be delivered
 * (no receive buffer, no room for the capability) is dropped and the
 * delivered info word says what arrived.
 */
static void transfer(struct thread *s, uint64_t info, uint64_t badge, bool grant,
		     struct thread *r)
{
	unsigned int nwords = IPC_INFO_NWORDS(info), len = IPC_INFO_DATA_LEN(info);
	struct ipc_buffer *sbuf = NULL, *rbuf = NULL;
	bool cap = IPC_INFO_HAS_CAP(info) && grant;

	/* check_info() vetted @info; stay within bounds whatever happens. */
	if (len > IPC_DATA_MAX)
		len = 0;

	if (r->in_fault) {
		/* The reply to a fault: only its label matters (pagoda/fault.h). */
		r->fault_reply = IPC_INFO_LABEL(info);
		return;
	}
	for (unsigned int i = 0; i < IPC_WORDS; i++)
		arch_syscall_set_out(r->frame, IPC_WORD_ARG + i, i < nwords ? sender_word(s, i) : 0);
	if (len || cap) {
		aspace_user_page(s->as, s->ipc_buf, false, (void **)&sbuf);
		if (!r->ipc_buf || aspace_user_page(r->as, r->ipc_buf, true, (void **)&rbuf))
			rbuf = NULL;
	}
	if (len && sbuf && rbuf)
		memcpy(rbuf->data, sbuf->data, len);
	else
		len = 0;
	if (cap)
		cap = sbuf && transfer_cap(s, sbuf, r, rbuf);
	info = IPC_INFO(IPC_INFO_LABEL(info), nwords, len, cap);
	arch_syscall_set_out(r->frame, 1, info);
	arch_syscall_set_out(r->frame, 6, badge);
}

/* take_reply_debt: @r now owes @caller a reply (replacing an older debt). */
static void take_reply_debt(struct thread *r, struct thread *caller)
{
	struct thread *old = r->reply_to;

	if (old) {
		old->reply_from = NULL;
		wake(old, -EDEAD);
	}
	r->reply_to = caller;
	r->reply_lost = false;
	caller->reply_from = r;
	caller->ipc_wait = IPC_REPLY;
}

long ipc_send(struct cap *epcap, uint64_t info, bool block_ok, bool call)
{
	bool grant = (epcap->cp_rights & CAP_R_GRANT) != 0;
	long err = check_info(info, grant);

	if (err)
		return err;
	return ipc_send_ep(endpoint_of(epcap->cp_obj), epcap->cp_badge, grant, info, block_ok,
			   call);
}

long ipc_send_ep(struct endpoint *ep, uint64_t badge, bool grant, uint64_t info, bool block_ok,
		 bool call)
{
	struct thread *self = thread_current(), *r;

	if (list_empty(&ep->ep_receivers)) {
		if (!block_ok)
			return -EAGAIN;
		self->ipc_ep = ep;
		self->ipc_badge = badge;
		self->ipc_grant = grant;
		self->ipc_info = info;
		list_push_back(&ep->ep_senders, &self->ipc_link);
		block(call ? IPC_CALL : IPC_SEND);
	}
	r = list_entry(list_pop_front(&ep->ep_receivers), struct thread, ipc_link);
	transfer(self, info, badge, grant, r);
	if (call) {
		self->ipc_grant = grant;
		take_reply_debt(r, self);
		wake(r, 0);
		block(IPC_REPLY);
	}
	wake(r, 0);
	return 0;
}

long ipc_recv(struct cap *epcap, bool block_ok)
{
	struct endpoint *ep = endpoint_of(epcap->cp_obj);
	struct thread *self = thread_current(), *s;

	if (list_empty(&ep->ep_senders)) {
		if (!block_ok)
			return -EAGAIN;
		self->ipc_ep = ep;
		list_push_back(&ep->ep_receivers, &self->ipc_link);
		block(IPC_RECV);
	}
	s = list_entry(list_pop_front(&ep->ep_senders), struct thread, ipc_link);
	transfer(s, sender_info(s), s->ipc_badge, s->ipc_grant, self);
	if (s->ipc_wait == IPC_CALL)
		take_reply_debt(self, s);
	else
		wake(s, 0);
	return 0;
}

long ipc_reply(uint64_t info)
{
	struct thread *self = thread_current(), *c = self->reply_to;
	long err;

	if (!c) {
		self->reply_lost = false;	/* reported now */
		return -ESRCH;
	}
	err = check_info(info, c->ipc_grant);
	if (!err && c->in_fault && IPC_INFO_LABEL(info) == FAULT_REPLY_MAP)
		err = fault_reply_map(c, info, sender_word(self, 0), sender_word(self, 1),
				      sender_word(self, 2), true);
	if (err)
		return err;
	transfer(self, info, 0, c->ipc_grant, c);
	self->reply_to = NULL;
	c->reply_from = NULL;
	wake(c, 0);
	return 0;
}

void ipc_cancel(struct thread *t)
{
	if (t->ipc_wait == IPC_SEND || t->ipc_wait == IPC_CALL || t->ipc_wait == IPC_RECV ||
	    t->ipc_wait == IPC_JOIN || t->ipc_wait == IPC_WAIT_NTFN)
		list_remove(&t->ipc_link);
	if (t->reply_from) {
		/* A handler's answer to a fault may carry a map: it must learn it was lost. */
		if (t->in_fault)
			t->reply_from->reply_lost = true;
		t->reply_from->reply_to = NULL;
		t->reply_from = NULL;
	}
	t->ipc_wait = IPC_NONE;
	t->ipc_ep = NULL;
}

void ipc_thread_gone(struct thread *t)
{
	ipc_cancel(t);
	if (t->reply_to) {
		struct thread *c = t->reply_to;

		t->reply_to = NULL;
		c->reply_from = NULL;
		wake(c, -EDEAD);
	}
}

void ipc_endpoint_dying(struct endpoint *ep)
{
	struct list_node *queues[2] = { &ep->ep_senders, &ep->ep_receivers };

	for (int q = 0; q < 2; q++)
		while (!list_empty(queues[q])) {
			struct thread *t = list_entry(list_pop_front(queues[q]), struct thread,
						      ipc_link);

			wake(t, -EDEAD);
		}
}
