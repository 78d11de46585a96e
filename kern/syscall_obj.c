/*
 * kern/syscall_obj.c: system calls that create and wire kernel objects:
 * address spaces, CSpaces, threads, mappings, capabilities given to other
 * CSpaces. Decode, then perform: every argument is checked first, and a
 * failing call changes nothing.
 */
#include <pagoda/errno.h>
#include <pagoda/syscall.h>
#include <arch/mmu.h>
#include <arch/thread.h>
#include <kern/aspace.h>
#include <kern/cspace_obj.h>
#include <kern/endpoint.h>
#include <kern/fault.h>
#include <kern/irq.h>
#include <kern/notification.h>
#include <kern/syscall_impl.h>
#include <kern/thread.h>
#include <kern/sched.h>
#include <kern/uaccess.h>

long own_cap(unsigned long slot, unsigned int type, uint32_t rights, struct cap **cap)
{
	struct cspace *cs = thread_current()->cs;

	if (!cs)
		return -EBADF;
	return cap_lookup(cs, slot, type, rights, cap);
}

/* insert_new: put a fresh object in the caller's @slot, or free it on failure. */
static long insert_new(unsigned long slot, struct kobj *ko, uint32_t rights)
{
	struct cspace *cs = thread_current()->cs;
	long err = cs ? cap_insert_obj(cs, slot, ko, rights) : -EBADF;

	if (err) {
		kobj_get(ko);	/* no capability took it: drop it through destroy */
		kobj_put(ko);
	}
	return err;
}

long sys_aspace_create(struct trap_frame *tf)
{
	struct aspace *as;
	long err = aspace_create(arch_syscall_arg(tf, 1), &as);

	if (err)
		return err;
	return insert_new(arch_syscall_arg(tf, 0), &as->as_ko, CAP_R_MAP | CAP_R_CONTROL);
}

long sys_cspace_create(struct trap_frame *tf)
{
	struct cspace_obj *co;
	long err = cspace_obj_create(arch_syscall_arg(tf, 1), &co);

	if (err)
		return err;
	return insert_new(arch_syscall_arg(tf, 0), &co->co_ko, CAP_R_CONTROL);
}

long sys_thread_create(struct trap_frame *tf)
{
	unsigned long prio = arch_syscall_arg(tf, 3);
	struct cap *cs_cap, *as_cap;
	struct thread *t;
	long err;

	/* A thread may not create threads above its own priority. */
	if (prio > thread_current()->prio)
		return -EPERM;
	err = own_cap(arch_syscall_arg(tf, 1), CAP_CSPACE, CAP_R_CONTROL, &cs_cap);
	if (!err)
		err = own_cap(arch_syscall_arg(tf, 2), CAP_ASPACE, CAP_R_CONTROL, &as_cap);
	if (err)
		return err;
	err = thread_create_user(aspace_of(as_cap->cp_obj), "user", 0, 0, 0,
				 (unsigned int)prio, &t);
	if (err)
		return err;
	thread_set_spaces(t, NULL, &cspace_obj_of(cs_cap->cp_obj)->co_cs);
	return insert_new(arch_syscall_arg(tf, 0), &t->ko, CAP_R_CONTROL);
}

long sys_thread_start(struct trap_frame *tf)
{
	struct cap *cap;
	struct thread *t;
	struct user_regs regs = { 0 };
	long err = own_cap(arch_syscall_arg(tf, 0), CAP_THREAD, CAP_R_CONTROL, &cap);

	if (err)
		return err;
	t = container_of(cap->cp_obj, struct thread, ko);
	if (t->state != THREAD_INACTIVE)
		return -EINVAL;
	regs.pc = arch_syscall_arg(tf, 1);
	arch_user_frame_init(t->frame, regs.pc, arch_syscall_arg(tf, 2), arch_syscall_arg(tf, 3));
	return thread_start(t);
}

static long thread_regs_target(struct trap_frame *tf, struct thread **out)
{
	struct cap *cap;
	long err = own_cap(arch_syscall_arg(tf, 0), CAP_THREAD, CAP_R_CONTROL, &cap);

	if (err)
		return err;
	*out = container_of(cap->cp_obj, struct thread, ko);
	/*
	 * Stable registers: a suspended (or never started) thread, or one
	 * blocked in IPC (its kernel stack is empty; a result delivered when
	 * it wakes overwrites the return registers).
	 */
	if ((*out)->state != THREAD_INACTIVE && (*out)->state != THREAD_BLOCKED)
		return -EBUSY;
	return 0;
}

long sys_thread_read_regs(struct trap_frame *tf)
{
	struct user_regs regs;
	struct thread *t;
	long err = thread_regs_target(tf, &t);

	if (err)
		return err;
	arch_regs_read(t->frame, &regs);
	return copy_to_user(arch_syscall_arg(tf, 1), &regs, sizeof(regs));
}

long sys_thread_write_regs(struct trap_frame *tf)
{
	struct user_regs regs;
	struct thread *t;
	long err = thread_regs_target(tf, &t);

	if (!err)
		err = copy_from_user(&regs, arch_syscall_arg(tf, 1), sizeof(regs));
	if (err)
		return err;
	arch_regs_write(t->frame, &regs);
	return 0;
}

long sys_cap_give(struct trap_frame *tf)
{
	struct cspace *own = thread_current()->cs;
	struct cap *cs_cap;
	long err = own_cap(arch_syscall_arg(tf, 1), CAP_CSPACE, CAP_R_CONTROL, &cs_cap);

	if (err)
		return err;
	return cap_mint(own, arch_syscall_arg(tf, 0), &cspace_obj_of(cs_cap->cp_obj)->co_cs,
			arch_syscall_arg(tf, 2), (uint32_t)arch_syscall_arg(tf, 3),
			arch_syscall_arg(tf, 4));
}

long sys_thread_wait(struct trap_frame *tf)
{
	struct cap *cap;
	long err = own_cap(arch_syscall_arg(tf, 0), CAP_THREAD, 0, &cap);

	if (err)
		return err;
	return thread_wait(container_of(cap->cp_obj, struct thread, ko));
}

long sys_notification_create(struct trap_frame *tf)
{
	struct notification *nt;
	long err = notification_create(&nt);

	if (err)
		return err;
	return insert_new(arch_syscall_arg(tf, 0), &nt->nt_ko, CAP_R_SEND | CAP_R_RECV);
}

long sys_signal(struct trap_frame *tf)
{
	struct cap *cap;
	long err = own_cap(arch_syscall_arg(tf, 0), CAP_NOTIFICATION, CAP_R_SEND, &cap);

	if (err)
		return err;
	notification_signal(notification_of(cap->cp_obj), cap->cp_badge ? cap->cp_badge : 1);
	return 0;
}

static long wait_common(struct trap_frame *tf, bool block)
{
	struct cap *cap;
	long err = own_cap(arch_syscall_arg(tf, 0), CAP_NOTIFICATION, CAP_R_RECV, &cap);

	if (err)
		return err;
	return notification_wait(notification_of(cap->cp_obj), block);
}

long sys_wait(struct trap_frame *tf)
{
	return wait_common(tf, true);
}

long sys_poll(struct trap_frame *tf)
{
	return wait_common(tf, false);
}

static long irq_cap(struct trap_frame *tf, struct cap **cap)
{
	return own_cap(arch_syscall_arg(tf, 0), CAP_IRQ, CAP_R_BIND, cap);
}

long sys_irq_bind(struct trap_frame *tf)
{
	struct cap *irq, *nt;
	long err = irq_cap(tf, &irq);

	if (!err)
		err = own_cap(arch_syscall_arg(tf, 1), CAP_NOTIFICATION, CAP_R_SEND, &nt);
	if (err)
		return err;
	return irq_bind(irq->cp_irq, notification_of(nt->cp_obj), nt->cp_badge, irq);
}

long sys_irq_ack(struct trap_frame *tf)
{
	struct cap *irq;
	long err = irq_cap(tf, &irq);

	return err ? err : irq_ack(irq->cp_irq);
}

long sys_irq_unbind(struct trap_frame *tf)
{
	struct cap *irq;
	long err = irq_cap(tf, &irq);

	return err ? err : irq_unbind(irq->cp_irq);
}

static long thread_cap(struct trap_frame *tf, struct thread **t)
{
	struct cap *cap;
	long err = own_cap(arch_syscall_arg(tf, 0), CAP_THREAD, CAP_R_CONTROL, &cap);

	if (!err)
		*t = container_of(cap->cp_obj, struct thread, ko);
	return err;
}

long sys_thread_suspend(struct trap_frame *tf)
{
	struct thread *t;
	long err = thread_cap(tf, &t);

	return err ? err : thread_suspend(t);
}

long sys_thread_resume(struct trap_frame *tf)
{
	struct thread *t;
	long err = thread_cap(tf, &t);

	return err ? err : thread_resume(t);
}

long sys_thread_set_prio(struct trap_frame *tf)
{
	unsigned long prio = arch_syscall_arg(tf, 1);
	struct thread *t;
	long err = thread_cap(tf, &t);

	if (err)
		return err;
	if (prio > thread_current()->prio)
		return -EPERM;
	return thread_set_prio(t, (unsigned int)prio);
}

/*
 * SYS_THREAD_SET_FAULT_EP(thread, ep, aspace): with @aspace (the thread's
 * own space, held with the map right) the handler may also answer faults
 * with FAULT_REPLY_MAP; 0: resume or kill only.
 */
long sys_thread_set_fault_ep(struct trap_frame *tf)
{
	unsigned long slot = arch_syscall_arg(tf, 1), as_slot = arch_syscall_arg(tf, 2);
	struct cap *ep = NULL, *as = NULL;
	struct thread *t;
	long err = thread_cap(tf, &t);

	if (!err && slot)
		err = own_cap(slot, CAP_ENDPOINT, CAP_R_SEND, &ep);
	if (!err && as_slot)
		err = own_cap(as_slot, CAP_ASPACE, CAP_R_MAP, &as);
	if (err)
		return err;
	if (t->state == THREAD_DEAD || (as && aspace_of(as->cp_obj) != t->as))
		return -EINVAL;
	fault_set_handler(t, ep ? endpoint_of(ep->cp_obj) : NULL, ep ? ep->cp_badge : 0, as);
	return 0;
}
