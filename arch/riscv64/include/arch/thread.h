/*
 * arch/thread.h (riscv64): what the arch keeps per thread.
 *
 * struct arch_context: the callee-saved registers of a thread switched out
 * inside the kernel (arch_context_switch saves them on one side and loads
 * them on the other; everything else is on that thread's kernel stack).
 * A thread's user registers live in a struct trap_frame at the top of its
 * kernel stack; while the thread runs in user mode, sscratch points at
 * that frame so the trap vector saves into it directly.
 */
#ifndef PAGODA_ARCH_THREAD_H
#define PAGODA_ARCH_THREAD_H

#include <pagoda/types.h>
#include <pagoda/compiler.h>
#include <arch/trap.h>

struct arch_context {
	uint64_t ra;
	uint64_t sp;
	uint64_t s[12];		/* s0 (fp) .. s11 */
};

/* arch_context_switch: save the current thread into @from, resume @to. */
void arch_context_switch(struct arch_context *from, struct arch_context *to);

/* First code of a new context: calls s1(s2) (arch/riscv64/switch.S). */
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
	ctx->ra = (uintptr_t)arch_thread_start;
	ctx->sp = stack_top;
	ctx->s[0] = 0;			/* fp: ends backtraces */
	ctx->s[1] = (uintptr_t)entry;	/* see arch_thread_start */
	ctx->s[2] = (uintptr_t)arg;
}

/* arch_user_frame_init: a fresh user register state: pc, sp, first argument. */
void arch_user_frame_init(struct trap_frame *tf, uintptr_t pc, uintptr_t sp, uintptr_t arg0);

/* arch_user_return: leave the kernel into user mode with @tf's registers. */
__noreturn void arch_user_return(struct trap_frame *tf);

struct user_regs;
/* arch_regs_read / arch_regs_write: the user-visible registers of a frame. */
void arch_regs_read(const struct trap_frame *tf, struct user_regs *out);
void arch_regs_write(struct trap_frame *tf, const struct user_regs *in);

/* Syscall convention: number in a7, arguments in a0..a5, results in a0, a1. */
static inline unsigned long arch_syscall_nr(const struct trap_frame *tf)
{
	return tf->regs[17];
}

static inline unsigned long arch_syscall_arg(const struct trap_frame *tf, unsigned int i)
{
	return tf->regs[10 + i];
}

static inline void arch_syscall_set_ret(struct trap_frame *tf, long ret)
{
	tf->regs[10] = (uint64_t)ret;
}

/* arch_syscall_set_out: result register @i (1..6: a1..a6; 0 is the return value). */
static inline void arch_syscall_set_out(struct trap_frame *tf, unsigned int i, unsigned long v)
{
	tf->regs[10 + i] = v;
}

static inline uintptr_t arch_frame_pc(const struct trap_frame *tf)
{
	return tf->sepc;
}

#endif
