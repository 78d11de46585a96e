/*
 * kern/fastpath.c: call and reply_recv between threads, straight-line.
 *
 * The common case of the page-fault path and of every client/server
 * exchange: a message of words only (no data, no capability), a partner
 * already waiting, and the partner allowed to run next, in a space the
 * hart switches to without a call (aspace_ready). Each precondition
 * is one `if (unlikely(...)) return NULL`, which sends the call down the
 * slow path (kern/ipc.c) with nothing changed. After the point of no
 * return nothing can fail: the message goes into the partner's frame, the
 * caller blocks with a continuation (its kernel stack keeps nothing), and
 * the partner's frame is returned, so the trap exit resumes the partner
 * directly: no run queue, no kernel context switch.
 *
 * Same semantics as the slow path (docs/ipc.md); words beyond the count
 * in the info word are unspecified on both paths.
 */
#include <pagoda/fault.h>
#include <pagoda/ipc.h>
#include <pagoda/syscall.h>
#include <arch/thread.h>
#include <kern/aspace.h>
#include <kern/endpoint.h>
#include <kern/fastpath.h>
#include <kern/fault.h>
#include <kern/sched.h>
#include <kern/thread.h>

/* Info words the fastpath takes: a label and up to IPC_WORDS words, nothing else. */
#define FAST_INFO_MASK (~0ull << IPC_INFO_LABEL_SHIFT | IPC_INFO_WORDS_MASK)

/* fast_endpoint: the caller's endpoint cap in @slot with @right, or NULL. */
static inline struct cap *fast_endpoint(struct thread *self, unsigned long slot, uint32_t right)
{
	struct cspace *cs = self->cs;
	struct cap *cap;

	if (unlikely(!cs || slot == 0 || slot >= cs->cs_nslots))
		return NULL;
	cap = &cs->cs_slots[slot];
	if (unlikely(cap->cp_type != CAP_ENDPOINT || !(cap->cp_rights & right)))
		return NULL;
	return cap;
}

static inline void copy_message(struct trap_frame *to, const struct trap_frame *from,
				uint64_t info, uint64_t badge)
{
	arch_syscall_set_ret(to, 0);
	arch_syscall_set_out(to, 1, info);
	arch_syscall_set_out(to, 2, arch_syscall_arg(from, 2));
	arch_syscall_set_out(to, 3, arch_syscall_arg(from, 3));
	arch_syscall_set_out(to, 4, arch_syscall_arg(from, 4));
	arch_syscall_set_out(to, 5, arch_syscall_arg(from, 5));
	arch_syscall_set_out(to, 6, badge);
}

/* partner_ready: switch_to_partner(@self, @next) would call nothing. */
static inline bool partner_ready(const struct thread *self, const struct thread *next)
{
	return next->as == self->as || (next->as && aspace_ready(next->as));
}

/* switch_to_partner: @self is blocked; @next (partner_ready) runs from its frame. */
static inline struct trap_frame *switch_to_partner(struct thread *self, struct thread *next)
{
	self->state = THREAD_BLOCKED;
	thread_block_continuation(self);
	next->state = THREAD_RUNNING;
	next->slice_left = SCHED_SLICE_TICKS;
	sched_current = next;
	if (next->as != self->as)
		aspace_activate_ready(next->as);
	return next->frame;
}

struct trap_frame *fastpath_call(struct trap_frame *tf)
{
	struct thread *self = sched_current, *r;
	uint64_t info = arch_syscall_arg(tf, 1);
	struct endpoint *ep;
	struct cap *cap;

	cap = fast_endpoint(self, arch_syscall_arg(tf, 0), CAP_R_SEND);
	if (unlikely(!cap))
		return NULL;
	if (unlikely((info & ~FAST_INFO_MASK) || IPC_INFO_NWORDS(info) > IPC_WORDS))
		return NULL;
	ep = endpoint_of(cap->cp_obj);
	if (unlikely(list_empty(&ep->ep_receivers)))
		return NULL;
	r = list_entry(list_first(&ep->ep_receivers), struct thread, ipc_link);
	if (unlikely(r->reply_to || sched_someone_above(r->prio) || !partner_ready(self, r)))
		return NULL;

	/* Point of no return. */
	list_remove(&r->ipc_link);
	copy_message(r->frame, tf, info, cap->cp_badge);
	r->ipc_wait = IPC_NONE;
	r->ipc_ep = NULL;
	r->reply_to = self;
	r->reply_lost = false;
	self->reply_from = r;
	self->ipc_grant = (cap->cp_rights & CAP_R_GRANT) != 0;
	self->ipc_wait = IPC_REPLY;
	return switch_to_partner(self, r);
}

/*
 * fastpath_fault: the current thread faulted (its message is in fault_info
 * and fault_msg, fault_ep set); deliver it as a call to a waiting handler.
 */
struct trap_frame *fastpath_fault(void)
{
	struct thread *self = sched_current, *r;
	struct endpoint *ep = self->fault_ep;
	struct trap_frame *rf;

	if (unlikely(list_empty(&ep->ep_receivers)))
		return NULL;
	r = list_entry(list_first(&ep->ep_receivers), struct thread, ipc_link);
	if (unlikely(r->reply_to || sched_someone_above(r->prio) || !partner_ready(self, r)))
		return NULL;

	/* Point of no return. */
	list_remove(&r->ipc_link);
	rf = r->frame;
	arch_syscall_set_ret(rf, 0);
	arch_syscall_set_out(rf, 1, self->fault_info);
	arch_syscall_set_out(rf, 2, self->fault_msg[0]);
	arch_syscall_set_out(rf, 3, self->fault_msg[1]);
	arch_syscall_set_out(rf, 4, self->fault_msg[2]);
	arch_syscall_set_out(rf, 5, self->fault_msg[3]);
	arch_syscall_set_out(rf, 6, self->fault_badge);
	r->ipc_wait = IPC_NONE;
	r->ipc_ep = NULL;
	r->reply_to = self;
	r->reply_lost = false;
	self->reply_from = r;
	self->ipc_grant = false;
	self->ipc_wait = IPC_REPLY;
	return switch_to_partner(self, r);
}

/*
 * fastpath_fault_reply: false if the reply to @c's fault needs the slow
 * path. After a map it may already switch to @c's space: the map's TLB
 * flush can cost that space its tag (x86 without INVPCID drops the PCID),
 * and switch_to_partner's call-free activation needs it ready.
 */
static __attribute__((noinline)) bool fastpath_fault_reply(struct thread *self,
							  struct thread *c,
							  const struct trap_frame *tf,
							  uint64_t info)
{
	if (IPC_INFO_LABEL(info) == FAULT_REPLY_RESUME)
		return true;
	if (IPC_INFO_LABEL(info) != FAULT_REPLY_MAP ||
	    fault_reply_map(c, info, arch_syscall_arg(tf, 2), arch_syscall_arg(tf, 3),
			    arch_syscall_arg(tf, 4), false))
		return false;
	if (!partner_ready(self, c))
		aspace_activate(c->as);
	return true;
}

struct trap_frame *fastpath_reply_recv(struct trap_frame *tf)
{
	struct thread *self = sched_current, *c = self->reply_to;
	uint64_t info = arch_syscall_arg(tf, 1);
	struct endpoint *ep;
	struct cap *cap;

	if (unlikely(!c))
		return NULL;
	if (unlikely((info & ~FAST_INFO_MASK) || IPC_INFO_NWORDS(info) > IPC_WORDS))
		return NULL;
	cap = fast_endpoint(self, arch_syscall_arg(tf, 0), CAP_R_RECV);
	if (unlikely(!cap))
		return NULL;
	ep = endpoint_of(cap->cp_obj);
	if (unlikely(!list_empty(&ep->ep_senders) || sched_someone_above(c->prio) ||
		     !partner_ready(self, c)))
		return NULL;
	/*
	 * A fault is answered by its label: "resume", or "map, then resume".
	 * The map is the last check: it changes nothing when it fails, and the
	 * slow path then repeats it, allocating a missing table or returning
	 * the error. Past it (or past the else), the point of no return.
	 */
	if (unlikely(c->in_fault)) {
		if (!fastpath_fault_reply(self, c, tf, info))
			return NULL;
		c->in_fault = false;	/* resumes at the faulting instruction, registers intact */
	} else {
		copy_message(c->frame, tf, info, 0);
	}
	self->reply_to = NULL;
	c->reply_from = NULL;
	c->ipc_wait = IPC_NONE;
	self->ipc_ep = ep;
	self->ipc_wait = IPC_RECV;
	list_push_back(&ep->ep_receivers, &self->ipc_link);
	return switch_to_partner(self, c);
}
