/*
 * arch/riscv64/uaccess.S: the only kernel code that touches user memory.
 * SUM is set just around the copy loop. Every load and store of the loops
 * is in __extable, so a bad user address ends the copy with -EFAULT (the
 * bytes before it may have been copied). kern/uaccess.c checks the range
 * lies in the user half before calling here.
 */
#define SSTATUS_SUM (1 << 18)

	.text
/* int arch_copy_user(void *dst, const void *src, size_t len) */
	.globl arch_copy_user
arch_copy_user:
	li	t1, SSTATUS_SUM
	csrs	sstatus, t1
	or	t2, a0, a1
	or	t2, t2, a2
	andi	t2, t2, 7
	bnez	t2, .Lbytes
.Lwords:
	beqz	a2, .Ldone
10:	ld	t0, 0(a1)
11:	sd	t0, 0(a0)
	addi	a0, a0, 8
	addi	a1, a1, 8
	addi	a2, a2, -8
	j	.Lwords
.Lbytes:
	beqz	a2, .Ldone
12:	lbu	t0, 0(a1)
13:	sb	t0, 0(a0)
	addi	a0, a0, 1
	addi	a1, a1, 1
	addi	a2, a2, -1
	j	.Lbytes
.Ldone:
	csrc	sstatus, t1
	li	a0, 0
	ret
.Lfault:
	csrc	sstatus, t1
	li	a0, -14			/* -EFAULT */
	ret

	.pushsection __extable, "a"
	.balign 8
	.dword	10b, .Lfault
	.dword	11b, .Lfault
	.dword	12b, .Lfault
	.dword	13b, .Lfault
	.popsection
