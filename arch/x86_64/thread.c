/* arch/x86_64/thread.c: user register states of threads (see arch/thread.h). */
#include <pagoda/fault.h>
#include <pagoda/syscall.h>
#include <lib/string.h>
#include <arch/cpu.h>
#include <arch/thread.h>
#include <kern/fault.h>
#include "x86.h"

#define USER_GPRS 16
#define USER_RFLAGS_SLOT 16

void arch_user_frame_init(struct trap_frame *tf, uintptr_t pc, uintptr_t sp, uintptr_t arg0)
{
	memset(tf, 0, sizeof(*tf));
	tf->rip = pc;
	tf->rsp = sp;
	tf->rdi = arg0;
	tf->cs = X86_UCODE;
	tf->ss = X86_UDATA;
	tf->rflags = X86_RFLAGS_IF | X86_RFLAGS_FIXED;
	/* Leaves by iret: every register, rcx and r11 included, starts as set here. */
	tf->vector = X86_FRAME_SET;
}

/* gpr_slot: the frame word of register @n in the hardware's numbering (4 = rsp). */
static uint64_t *gpr_slot(struct trap_frame *tf, unsigned int n)
{
	uint64_t *const slots[USER_GPRS] = {
		&tf->rax, &tf->rcx, &tf->rdx, &tf->rbx, &tf->rsp, &tf->rbp, &tf->rsi, &tf->rdi,
		&tf->r8,  &tf->r9,  &tf->r10, &tf->r11, &tf->r12, &tf->r13, &tf->r14, &tf->r15,
	};

	return slots[n];
}

void arch_regs_read(const struct trap_frame *tf, struct user_regs *out)
{
	memset(out, 0, sizeof(*out));
	out->pc = tf->rip;
	for (unsigned int i = 0; i < USER_GPRS; i++)
		out->gpr[i] = *gpr_slot((struct trap_frame *)tf, i);
	out->gpr[USER_RFLAGS_SLOT] = tf->rflags;
}

/*
 * Only the pc, the general registers and the arithmetic flags (and DF):
 * the privilege state (segments, IF, IOPL, TF, AC) stays the kernel's. The
 * frame then leaves by iret, so every register written is restored.
 */
void arch_regs_write(struct trap_frame *tf, const struct user_regs *in)
{
	tf->rip = in->pc;
	for (unsigned int i = 0; i < USER_GPRS; i++)
		*gpr_slot(tf, i) = in->gpr[i];
	tf->rflags = (in->gpr[USER_RFLAGS_SLOT] & X86_RFLAGS_USER) | X86_RFLAGS_IF |
		     X86_RFLAGS_FIXED;
	tf->vector = X86_FRAME_SET;
}

/*
 * x86_user_bad_pc: arch_user_return found a pc outside the user half (set
 * through SYS_THREAD_WRITE_REGS or SYS_THREAD_START, or a syscall in the
 * last bytes of the user half): sysret and iret would fault in ring 0, so
 * the thread takes the exception here instead. Runs on the thread's kernel
 * stack, below its frame; returns the frame to resume (its fault handler's).
 */
unsigned long x86_bad_pc_caught;

struct trap_frame *x86_user_bad_pc(struct trap_frame *tf);
struct trap_frame *x86_user_bad_pc(struct trap_frame *tf)
{
	x86_bad_pc_caught++;
	return user_exception(FAULT_EXC_OTHER, tf->rip, tf->rip);
}
