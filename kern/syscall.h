/* kern/syscall.h: system call dispatch (numbers in pagoda/syscall.h). */
#ifndef PAGODA_KERN_SYSCALL_H
#define PAGODA_KERN_SYSCALL_H

#include <arch/trap.h>

/*
 * syscall_entry: called by the arch trap entry for a system call, with the
 * caller's registers saved in @tf and its pc already past the trapping
 * instruction; interrupts disabled. Runs the call, stores its result in
 * @tf, and returns the frame to resume (another thread's after a switch).
 */
struct trap_frame *syscall_entry(struct trap_frame *tf);


#endif
