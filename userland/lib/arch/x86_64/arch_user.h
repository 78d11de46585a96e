/* userland/lib/arch/x86_64/arch_user.h: architecture facts user programs need. */
#ifndef PAGODA_USER_ARCH_USER_H
#define PAGODA_USER_ARCH_USER_H

#define ARCH_ELF_MACHINE 62	/* EM_X86_64 */

/*
 * struct user_regs: gpr[0 .. ARCH_USER_GPRS - 1] are the general registers
 * (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15), gpr[16] is rflags;
 * no register always reads as 0.
 */
#define ARCH_USER_GPRS 16
#define ARCH_USER_GPR_ZERO (-1)

/*
 * The console UART is on I/O ports, which user programs cannot reach: the
 * root task gets no "uart" region (the kernel's own self-test exercises
 * its interrupt line instead).
 */
#define ARCH_UART_MMIO 0

/*
 * arch_breakpoint: a breakpoint instruction of ARCH_BREAKPOINT_LEN bytes
 * (int3; the kernel reports the fault at the int3 itself, not after it).
 */
#define ARCH_BREAKPOINT_LEN 1
static inline void arch_breakpoint(void)
{
	__asm__ volatile("int3" ::: "memory");
}

#endif
