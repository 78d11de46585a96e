/* userland/lib/arch/riscv64/arch_user.h: architecture facts user programs need. */
#ifndef PAGODA_USER_ARCH_USER_H
#define PAGODA_USER_ARCH_USER_H

#define ARCH_ELF_MACHINE 243	/* EM_RISCV */

/*
 * struct user_regs: gpr[0 .. ARCH_USER_GPRS - 1] are the general registers
 * (x0..x31); gpr[ARCH_USER_GPR_ZERO] always reads as 0 (-1: none).
 */
#define ARCH_USER_GPRS 32
#define ARCH_USER_GPR_ZERO 0

/* The console UART is a memory-mapped 16550 (root_info region and IRQ "uart"). */
#define ARCH_UART_MMIO 1

/* arch_breakpoint: a breakpoint instruction of ARCH_BREAKPOINT_LEN bytes (never compressed). */
#define ARCH_BREAKPOINT_LEN 4
static inline void arch_breakpoint(void)
{
	__asm__ volatile(".option push\n\t.option norvc\n\tebreak\n\t.option pop" ::: "memory");
}

#endif
