/* arch/riscv64/thread.c: initial register states of threads (see arch/thread.h). */
#include <pagoda/syscall.h>
#include <lib/string.h>
#include <arch/thread.h>
#include "csr.h"

void arch_user_frame_init(struct trap_frame *tf, uintptr_t pc, uintptr_t sp, uintptr_t arg0)
{
	memset(tf, 0, sizeof(*tf));
	tf->sepc = pc;
	tf->regs[2] = sp;
	tf->regs[10] = arg0;
	/* sret to U-mode with interrupts on; SUM off; no FP state (FS = Off). */
	tf->sstatus = SSTATUS_SPIE;
}

void arch_regs_read(const struct trap_frame *tf, struct user_regs *out)
{
	out->pc = tf->sepc;
	out->gpr[0] = 0;
	for (int i = 1; i < 32; i++)
		out->gpr[i] = tf->regs[i];
}

/* Only the pc and the general registers: sstatus (privilege, SUM) stays the kernel's. */
void arch_regs_write(struct trap_frame *tf, const struct user_regs *in)
{
	tf->sepc = in->pc;
	for (int i = 1; i < 32; i++)
		tf->regs[i] = in->gpr[i];
}
