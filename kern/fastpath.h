/*
 * kern/fastpath.h: the IPC fastpath (see fastpath.c). Each returns the
 * frame to resume, or NULL when a precondition fails and the slow path
 * must handle the call (nothing has changed then).
 */
#ifndef PAGODA_KERN_FASTPATH_H
#define PAGODA_KERN_FASTPATH_H

#include <arch/trap.h>

struct trap_frame *fastpath_call(struct trap_frame *tf);
struct trap_frame *fastpath_reply_recv(struct trap_frame *tf);
struct trap_frame *fastpath_fault(void);

#endif
