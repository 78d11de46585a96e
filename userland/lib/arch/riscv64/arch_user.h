/* userland/lib/arch/riscv64/arch_user.h: architecture facts user programs need. */
#ifndef PAGODA_USER_ARCH_USER_H
#define PAGODA_USER_ARCH_USER_H

#define ARCH_ELF_MACHINE 243	/* EM_RISCV */

#endif
