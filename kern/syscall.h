/* kern/syscall.h: system call dispatch (numbers in pagoda/syscall.h). */
#ifndef PAGODA_KERN_SYSCALL_H
#define PAGODA_KERN_SYSCALL_H

#include <arch/trap.h>

/* syscall_dispatch: run the call @tf asks for and store its result in @tf. */
void syscall_dispatch(struct trap_frame *tf);

/*
 * user_fault: the current thread took a fault or exception in user mode
 * that nobody handles (fault forwarding comes later): report it and end
 * the thread.
 */
__noreturn void user_fault(const char *what, uintptr_t addr, uintptr_t pc);

#endif
