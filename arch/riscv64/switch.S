/*
 * arch/riscv64/switch.S: kernel context switch and the way out to user mode.
 */
#include "frame.S.h"

	.text
/* void arch_context_switch(struct arch_context *from, struct arch_context *to) */
	.globl arch_context_switch
arch_context_switch:
	sd	ra, 0(a0)
	sd	sp, 8(a0)
	sd	s0, 16(a0)
	sd	s1, 24(a0)
	sd	s2, 32(a0)
	sd	s3, 40(a0)
	sd	s4, 48(a0)
	sd	s5, 56(a0)
	sd	s6, 64(a0)
	sd	s7, 72(a0)
	sd	s8, 80(a0)
	sd	s9, 88(a0)
	sd	s10, 96(a0)
	sd	s11, 104(a0)
	ld	ra, 0(a1)
	ld	sp, 8(a1)
	ld	s0, 16(a1)
	ld	s1, 24(a1)
	ld	s2, 32(a1)
	ld	s3, 40(a1)
	ld	s4, 48(a1)
	ld	s5, 56(a1)
	ld	s6, 64(a1)
	ld	s7, 72(a1)
	ld	s8, 80(a1)
	ld	s9, 88(a1)
	ld	s10, 96(a1)
	ld	s11, 104(a1)
	ret

/* First code of a new thread: arch_context_init put the entry in s1, its argument in s2. */
	.globl arch_thread_start
arch_thread_start:
	mv	a0, s2
	mv	fp, zero		/* ends backtraces */
	jalr	s1
1:	wfi				/* entry must not return */
	j	1b

/*
 * void arch_user_return(struct trap_frame *tf): restore every user register
 * from @tf and sret. sscratch = @tf, so the next trap from user mode saves
 * into the same frame (it is the top of this thread's kernel stack).
 * Called with interrupts disabled; sstatus in @tf has SPP = 0 (user).
 */
	.globl arch_user_return
arch_user_return:
	mv	sp, a0
	csrw	sscratch, a0
	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	LOAD_GPRS_BUT_SP
	ld	x2, 2*8(sp)
	sret
