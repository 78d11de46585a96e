/*
 * userland/lib/arch/riscv64/proc_arch.h: the register facts the process
 * manager needs to fork a thread (SYS_THREAD_READ_REGS/WRITE_REGS give
 * struct user_regs by architectural register number).
 *
 * A thread blocked in an IPC system call resumes after its ecall with the
 * result in a0 (x10), the message's info word in a1 (x11), its words in
 * a2..a5 (x12..x15) and the badge in a6 (x16): exactly what syscall_ipc()
 * reads back (syscall_arch.h).
 */
#ifndef PAGODA_USER_PROC_ARCH_H
#define PAGODA_USER_PROC_ARCH_H

#include <pagoda.h>

/*
 * arch_regs_set_ipc_return: make @regs, read from a thread blocked in an
 * IPC call, those of the same thread returning from it with @result and
 * the message @m.
 */
static inline void arch_regs_set_ipc_return(struct user_regs *regs, long result,
					    const struct ipc_msg *m)
{
	regs->gpr[10] = (unsigned long long)result;
	regs->gpr[11] = m->info;
	for (int i = 0; i < IPC_WORDS; i++)
		regs->gpr[12 + i] = m->w[i];
	regs->gpr[16] = m->badge;
}

#endif
