/* userland/lib/arch/riscv64/arch_user.h: architecture facts user programs need. */
#ifndef PAGODA_USER_ARCH_USER_H
#define PAGODA_USER_ARCH_USER_H

#define ARCH_ELF_MACHINE 243	/* EM_RISCV */

/* arch_breakpoint: a breakpoint instruction of ARCH_BREAKPOINT_LEN bytes (never compressed). */
#define ARCH_BREAKPOINT_LEN 4
static inline void arch_breakpoint(void)
{
	__asm__ volatile(".option push\n\t.option norvc\n\tebreak\n\t.option pop" ::: "memory");
}

#endif
