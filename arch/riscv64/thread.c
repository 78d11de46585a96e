/* arch/riscv64/thread.c: initial register states of threads (see arch/thread.h). */
#include <lib/string.h>
#include <arch/thread.h>
#include "csr.h"

extern char arch_thread_start[];

void arch_context_init(struct arch_context *ctx, uintptr_t stack_top, void (*entry)(void *arg),
		       void *arg)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->ra = (uintptr_t)arch_thread_start;
	ctx->sp = stack_top;
	ctx->s[1] = (uintptr_t)entry;	/* s1: see arch_thread_start */
	ctx->s[2] = (uintptr_t)arg;	/* s2 */
}

void arch_user_frame_init(struct trap_frame *tf, uintptr_t pc, uintptr_t sp, uintptr_t arg0)
{
	memset(tf, 0, sizeof(*tf));
	tf->sepc = pc;
	tf->regs[2] = sp;
	tf->regs[10] = arg0;
	/* sret to U-mode with interrupts on; SUM off; no FP state (FS = Off). */
	tf->sstatus = SSTATUS_SPIE;
}
