/*
 * kern/syscall_impl.h: the system call handlers that live outside
 * kern/syscall.c (which holds the table). Each takes the caller's saved
 * registers and returns the result: >= 0 or a negative error code.
 */
#ifndef PAGODA_KERN_SYSCALL_IMPL_H
#define PAGODA_KERN_SYSCALL_IMPL_H

#include <arch/trap.h>

long sys_aspace_create(struct trap_frame *tf);
long sys_cspace_create(struct trap_frame *tf);
long sys_thread_create(struct trap_frame *tf);
long sys_thread_start(struct trap_frame *tf);
long sys_thread_read_regs(struct trap_frame *tf);
long sys_thread_write_regs(struct trap_frame *tf);
long sys_map(struct trap_frame *tf);
long sys_unmap(struct trap_frame *tf);
long sys_cap_give(struct trap_frame *tf);
long sys_thread_wait(struct trap_frame *tf);
long sys_notification_create(struct trap_frame *tf);
long sys_signal(struct trap_frame *tf);
long sys_wait(struct trap_frame *tf);
long sys_poll(struct trap_frame *tf);
long sys_irq_bind(struct trap_frame *tf);
long sys_irq_ack(struct trap_frame *tf);
long sys_irq_unbind(struct trap_frame *tf);
long sys_thread_suspend(struct trap_frame *tf);
long sys_thread_resume(struct trap_frame *tf);
long sys_thread_set_prio(struct trap_frame *tf);
long sys_thread_set_fault_ep(struct trap_frame *tf);
long sys_protect(struct trap_frame *tf);
long sys_query(struct trap_frame *tf);

struct cap;
/* own_cap: the caller's capability in @slot of @type (or CAP_ANY) with @rights. */
long own_cap(unsigned long slot, unsigned int type, uint32_t rights, struct cap **cap);
/*
 * map_frames: check, as SYS_MAP does, that the caller may map @npages
 * pages from page @pgoff of the frame region in @slot with MAP_* @prot;
 * the first page's physical address and the PT_* flags to map with.
 */
long map_frames(unsigned long slot, unsigned long pgoff, unsigned long npages, unsigned long prot,
		paddr_t *pa, unsigned int *flags);

#endif
