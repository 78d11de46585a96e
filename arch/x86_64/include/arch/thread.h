/*
 * arch/thread.h (x86_64): what the arch keeps per thread.
 *
 * struct arch_context: the callee-saved registers of a thread switched out
 * inside the kernel, with its stack pointer and resume address
 * (arch_context_switch saves them on one side and loads them on the
 * other; everything else is on that thread's kernel stack). A thread's
 * user registers live in a struct trap_frame at the top of its kernel
 * stack (arch/trap.h).
 */
#ifndef PAGODA_ARCH_THREAD_H
#define PAGODA_ARCH_THREAD_H

#include <pagoda/types.h>
#include <pagoda/compiler.h>
#include <arch/trap.h>

struct arch_context {
	uint64_t rsp;		/* offsets used by switch.S */
	uint64_t rip;
	uint64_t rbx, rbp, r12, r13, r14, r15;
};

/* arch_context_switch: save the current thread into @from, resume @to. */
void arch_context_switch(struct arch_context *from, struct arch_context *to);

/* First code of a new context: calls rbx(r12) (arch/x86_64/switch.S). */
void arch_thread_start(void);

/*
 * arch_context_init: prepare @ctx so that switching to it runs
 * @entry(@arg) on the stack ending at @stack_top (16-byte aligned). @entry
 * must not return. The other callee-saved registers stay garbage: a fresh
 * start never reads them.
 */
static inline void arch_context_init(struct arch_context *ctx, uintptr_t stack_top,
				     void (*entry)(void *arg), void *arg)
{
	ctx->rsp = stack_top;
	ctx->rip = (uintptr_t)arch_thread_start;
	ctx->rbp = 0;			/* ends backtraces */
	ctx->rbx = (uintptr_t)entry;	/* see arch_thread_start */
	ctx->r12 = (uintptr_t)arg;
}

/* arch_user_frame_init: a fresh user register state: pc, sp, first argument. */
void arch_user_frame_init(struct trap_frame *tf, uintptr_t pc, uintptr_t sp, uintptr_t arg0);

/*
 * arch_user_return: leave the kernel into user mode with @tf's registers
 * (@tf is the top of the current thread's kernel stack). A pc outside the
 * user half cannot be returned to (sysret would fault in the kernel): the
 * thread takes an exception instead.
 */
__noreturn void arch_user_return(struct trap_frame *tf);

struct user_regs;
/*
 * arch_regs_read / arch_regs_write: the user-visible registers of a frame:
 * gpr[0..15] = rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15 (the
 * hardware's register numbers), gpr[16] = rflags; the rest read as 0 and
 * are ignored. Only the arithmetic flags and DF of rflags can be written.
 */
void arch_regs_read(const struct trap_frame *tf, struct user_regs *out);
void arch_regs_write(struct trap_frame *tf, const struct user_regs *in);

/*
 * Syscall convention: number in rax, arguments in rdi, rsi, rdx, r10, r8,
 * r9 (the syscall instruction takes rcx and r11), result in rax; results
 * 1..5 in the argument registers rsi, rdx, r10, r8, r9 and result 6 in rdi.
 */
static inline uint64_t *x86_syscall_reg(struct trap_frame *tf, unsigned int i)
{
	switch (i) {
	case 0:
		return &tf->rdi;
	case 1:
		return &tf->rsi;
	case 2:
		return &tf->rdx;
	case 3:
		return &tf->r10;
	case 4:
		return &tf->r8;
	default:
		return &tf->r9;
	}
}

static inline unsigned long arch_syscall_nr(const struct trap_frame *tf)
{
	return tf->rax;
}

static inline unsigned long arch_syscall_arg(const struct trap_frame *tf, unsigned int i)
{
	return *x86_syscall_reg((struct trap_frame *)tf, i);
}

static inline void arch_syscall_set_ret(struct trap_frame *tf, long ret)
{
	tf->rax = (uint64_t)ret;
}

/* arch_syscall_set_out: result register @i (1..5: rsi..r9, 6: rdi; 0 is the return value). */
static inline void arch_syscall_set_out(struct trap_frame *tf, unsigned int i, unsigned long v)
{
	*x86_syscall_reg(tf, i == 6 ? 0 : i) = v;
}

static inline uintptr_t arch_frame_pc(const struct trap_frame *tf)
{
	return tf->rip;
}

#endif
