/*
 * arch/trap.h (x86_64): the trap frame and exception fixups.
 *
 * A thread's trap frame sits at the very top of its kernel stack: the
 * hardware pushes the last five words (ss..rip) there on an interrupt from
 * user mode (TSS.rsp0 points just above it), the entry code the rest; the
 * syscall entry builds the same frame by hand. Traps taken in the kernel
 * push a frame of the same shape on the interrupted stack.
 *
 * Exception fixups: an instruction that may fault on purpose (a probe, a
 * user copy) is listed with a fixup address in the __extable section; a
 * page fault or general-protection fault there resumes at the fixup
 * instead of being fatal.
 */
#ifndef PAGODA_ARCH_TRAP_H
#define PAGODA_ARCH_TRAP_H

#include <pagoda/types.h>

/*
 * How a frame was entered (trap_frame.vector): an IDT vector 0..255,
 * X86_FRAME_SYSCALL for the syscall instruction, X86_FRAME_SET for
 * registers the kernel set (a new thread, SYS_THREAD_WRITE_REGS). A syscall
 * frame returns with sysret, which does not restore rcx and r11 (syscall
 * clobbered them anyway); any other frame returns with iret and restores
 * every register.
 */
#define X86_FRAME_SYSCALL	0x100
#define X86_FRAME_SET		0x101

/* Saved by arch/x86_64/entry.S; offsets used there (TF_*, checked in trap.c). */
struct trap_frame {
	uint64_t reserved;	/* keeps the frame a multiple of 16 bytes */
	uint64_t cr2;		/* page faults: the faulting address */
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t vector;	/* IDT vector or X86_FRAME_SYSCALL */
	uint64_t error;		/* the exception's error code, else 0 */
	uint64_t rip, cs, rflags, rsp, ss;	/* the hardware's interrupt frame */
};

/* arch_trap_init: load the GDT, TSS and IDT of this CPU (idempotent). */
void arch_trap_init(void);

/*
 * arch_probe_read_u64: read the 8 aligned bytes at @addr into *@out.
 * Returns 0, or -EFAULT if the access faulted (nothing is stored then).
 */
int arch_probe_read_u64(const void *addr, uint64_t *out);

/* arch_probe_write_u64: store @val at @addr; 0, or -EFAULT if the store faulted. */
int arch_probe_write_u64(void *addr, uint64_t val);

/* arch_trap_fixups_taken: how many faults were resolved by a fixup so far. */
unsigned long arch_trap_fixups_taken(void);

#endif
