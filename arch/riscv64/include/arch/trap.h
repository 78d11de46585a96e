/*
 * arch/trap.h (riscv64): the trap frame and exception fixups.
 *
 * Exception fixups: an instruction that may fault on purpose (probing an
 * address, and later copy-in/copy-out of user memory) is listed with a
 * fixup address in the __extable section; a fault at such an instruction
 * resumes at the fixup instead of being fatal.
 */
#ifndef PAGODA_ARCH_TRAP_H
#define PAGODA_ARCH_TRAP_H

#include <pagoda/types.h>

/* Saved by arch/riscv64/entry.S; offsets used there (TF_*). */
struct trap_frame {
	uint64_t regs[32];	/* x0..x31 by number; regs[0] is unused */
	uint64_t sstatus;
	uint64_t sepc;
	uint64_t stval;
	uint64_t scause;
};

/* arch_trap_init: install the trap vector (idempotent). */
void arch_trap_init(void);

/*
 * arch_probe_read_u64: read the 8 aligned bytes at @addr into *@out.
 * Returns 0, or -EFAULT if the access faulted (nothing is stored then).
 */
int arch_probe_read_u64(const void *addr, uint64_t *out);

/* arch_probe_write_u64: store @val at @addr; 0, or -EFAULT if the store faulted. */
int arch_probe_write_u64(void *addr, uint64_t val);

/* arch_trap_fixups_taken: how many faults were resolved by a fixup so far. */
unsigned long arch_trap_fixups_taken(void);

#endif
