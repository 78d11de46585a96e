/*
 * pagoda/fault.h: fault messages. When a user thread faults, the kernel
 * makes it `call` its fault endpoint (set with SYS_THREAD_SET_FAULT_EP)
 * with one of these labels; the badge of that endpoint capability tells
 * the handler which process it is. The words:
 *
 *   FAULT_LABEL_PAGE       w0 = address, w1 = FAULT_ACCESS_*, w2 = pc, w3 = thread id
 *   FAULT_LABEL_EXCEPTION  w0 = address or 0, w1 = FAULT_EXC_*, w2 = pc, w3 = thread id
 *
 * The handler's reply label decides: FAULT_REPLY_RESUME re-executes the
 * faulting instruction (after the handler mapped the page, or moved the pc
 * with SYS_THREAD_WRITE_REGS: the thread's registers are readable and
 * writable while it waits); FAULT_REPLY_MAP (page faults only) first maps
 * a page at the faulting page, replacing whatever is mapped there, and
 * then resumes:
 *
 *   FAULT_REPLY_MAP        w0 = frame region slot (the handler's), w1 = page
 *                          offset in it, w2 = MAP_* protection
 *
 * checked like SYS_MAP of one page (rights on the region, offset, valid
 * protection, the page in the user half), and allowed only if the handler
 * was set with the thread's address space (SYS_THREAD_SET_FAULT_EP's
 * third argument, map right: else -EPERM). If the map fails, the reply
 * returns its error to the handler, nothing changed, and the fault still
 * awaits an answer. Any other label ends the thread with a report. The
 * reply's words never reach the thread's registers.
 */
#ifndef PAGODA_FAULT_H
#define PAGODA_FAULT_H

#define FAULT_LABEL_PAGE	0xfa17u
#define FAULT_LABEL_EXCEPTION	0xfa18u

#define FAULT_ACCESS_READ	1
#define FAULT_ACCESS_WRITE	2
#define FAULT_ACCESS_EXEC	4

#define FAULT_EXC_ILLEGAL	1	/* illegal or privileged instruction */
#define FAULT_EXC_MISALIGNED	2
#define FAULT_EXC_BREAKPOINT	3
#define FAULT_EXC_OTHER		4

#define FAULT_REPLY_RESUME	0
#define FAULT_REPLY_KILL	1
#define FAULT_REPLY_MAP		2

#endif
