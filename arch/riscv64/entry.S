/*
 * arch/riscv64/entry.S: the supervisor trap vector and fault-tolerant probes.
 *
 * sscratch tells where a trap came from: 0 while the hart runs in the
 * kernel, the current thread's user trap frame (the top of its kernel
 * stack) while it runs in user mode.
 *
 * From the kernel: struct trap_frame (arch/trap.h) is pushed on the
 * interrupted kernel stack; trap_handle() may change sepc (fixups) before
 * we restore it.
 * From user mode: the registers go into the thread's frame, the kernel
 * stack starts just below it, and trap_handle_user() returns the frame of
 * the thread to resume (another one after a switch).
 */
#include "frame.S.h"

	.text
	.balign 4
	.globl trap_vector
trap_vector:
	csrrw	sp, sscratch, sp
	bnez	sp, trap_from_user
	csrrw	sp, sscratch, zero	/* from the kernel: sp back, sscratch stays 0 */
	addi	sp, sp, -TF_SIZE
	SAVE_GPRS_BUT_SP
	addi	t0, sp, TF_SIZE
	sd	t0, 2*8(sp)		/* the interrupted sp */
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)
	csrr	t0, scause
	sd	t0, TF_SCAUSE(sp)

	/* A frame record so backtraces continue into the interrupted code. */
	mv	a0, sp
	call	trap_handle

	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	LOAD_GPRS_BUT_SP
	addi	sp, sp, TF_SIZE
	sret

trap_from_user:
	SAVE_GPRS_BUT_SP
	csrrw	t0, sscratch, zero	/* the user sp; now in the kernel */
	sd	t0, 2*8(sp)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
	csrr	t1, scause
	sd	t1, TF_SCAUSE(sp)
	csrr	t0, sepc
	mv	a0, sp
	mv	fp, zero		/* backtraces stop at the user boundary */
	li	t2, 8			/* EXC_ECALL_U: the hot path goes straight to C */
	bne	t1, t2, 1f
	addi	t0, t0, 4		/* resume after the ecall */
	sd	t0, TF_SEPC(sp)
	call	syscall_entry
	tail	arch_user_return
1:	sd	t0, TF_SEPC(sp)
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)
	call	trap_handle_user
	tail	arch_user_return

/*
 * int arch_probe_read_u64(const void *addr, uint64_t *out): see arch/trap.h.
 * The load at 1: is in __extable; a fault there resumes at 2:.
 */
	.globl arch_probe_read_u64
arch_probe_read_u64:
1:	ld	t0, 0(a0)
	sd	t0, 0(a1)
	li	a0, 0
	ret
2:	li	a0, -14			/* -EFAULT */
	ret
	.pushsection __extable, "a"
	.balign 8
	.dword	1b, 2b
	.popsection

/* int arch_probe_write_u64(void *addr, uint64_t val): see arch/trap.h. */
	.globl arch_probe_write_u64
arch_probe_write_u64:
3:	sd	a1, 0(a0)
	li	a0, 0
	ret
4:	li	a0, -14			/* -EFAULT */
	ret
	.pushsection __extable, "a"
	.balign 8
	.dword	3b, 4b
	.popsection
