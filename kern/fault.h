/*
 * kern/fault.h: faults and exceptions of user threads (message format in
 * pagoda/fault.h). The arch trap code decodes the cause and calls one of
 * these on the faulting thread; neither returns: the thread either calls
 * its fault endpoint and resumes (or dies) when the handler replies, or,
 * with no handler, ends with a report on the console.
 */
#ifndef PAGODA_KERN_FAULT_H
#define PAGODA_KERN_FAULT_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>

struct thread;
struct endpoint;

/* user_page_fault: @access is FAULT_ACCESS_READ, _WRITE or _EXEC. */
struct trap_frame *user_page_fault(uintptr_t addr, unsigned int access, uintptr_t pc);
/* user_exception: @kind is a FAULT_EXC_*; @addr is the faulting address or 0. */
struct trap_frame *user_exception(unsigned int kind, uintptr_t addr, uintptr_t pc);

/*
 * fault_finish: a thread resuming after its fault handler answered: back to
 * user mode if the answer was "resume", else it ends. Called from the
 * thread's continuation.
 */
void fault_finish(struct thread *t);

/*
 * fault_reply_map: map what the reply FAULT_REPLY_MAP names (words @slot,
 * @pgoff, @prot; pagoda/fault.h) at @t's faulting page. The caller is the
 * handler answering @t's fault. 0, or an error with nothing changed
 * (-EAGAIN: a page table is missing and not @may_alloc).
 */
long fault_reply_map(struct thread *t, uint64_t info, uint64_t slot, uint64_t pgoff,
		     uint64_t prot, bool may_alloc);

/*
 * fault_set_handler: @t's faults go to @ep (referenced) with @badge; NULL:
 * none. @may_map: the handler may answer with FAULT_REPLY_MAP.
 */
void fault_set_handler(struct thread *t, struct endpoint *ep, uint64_t badge, bool may_map);

#endif
