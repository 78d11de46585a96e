/*
 * userland/lib/arch/x86_64/proc_arch.h: the register facts the process
 * manager needs to fork a thread (SYS_THREAD_READ_REGS/WRITE_REGS give
 * struct user_regs by the hardware's register numbers: rax 0, rcx 1,
 * rdx 2, rbx 3, rsp 4, rbp 5, rsi 6, rdi 7, r8..r15 8..15, rflags 16).
 *
 * A thread blocked in an IPC system call resumes after its syscall
 * instruction with the result in rax, the message's info word in rsi, its
 * words in rdx, r10, r8, r9 and the badge in rdi: exactly what
 * syscall_ipc() reads back (syscall_arch.h). rcx and r11 hold what the
 * syscall instruction left there (the return pc and rflags).
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
	static const unsigned char word_regs[IPC_WORDS] = { 2, 10, 8, 9 };	/* rdx r10 r8 r9 */

	regs->gpr[0] = (unsigned long long)result;
	regs->gpr[6] = m->info;
	for (int i = 0; i < IPC_WORDS; i++)
		regs->gpr[word_regs[i]] = m->w[i];
	regs->gpr[7] = m->badge;
}

#endif
