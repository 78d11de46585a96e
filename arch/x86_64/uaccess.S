/*
 * arch/x86_64/uaccess.S: the only kernel code that touches user memory.
 * With SMAP on, EFLAGS.AC is set (stac) just around the copy. Both string
 * moves are in __extable, so a bad user address ends the copy with -EFAULT
 * (the bytes before it may have been copied). kern/uaccess.c checks the
 * range lies in the user half before calling here.
 */
	.text
/* int arch_copy_user(void *dst, const void *src, size_t len) */
	.globl arch_copy_user
arch_copy_user:
	testb	$1, x86_smap_on(%rip)
	jz	1f
	stac
1:	movq	%rdx, %rcx
	shrq	$3, %rcx
10:	rep movsq
	movl	%edx, %ecx
	andl	$7, %ecx
11:	rep movsb
	xorl	%eax, %eax
.Lout:
	testb	$1, x86_smap_on(%rip)
	jz	2f
	clac
2:	ret
.Lfault:
	movl	$-14, %eax		/* -EFAULT */
	jmp	.Lout

	.pushsection __extable, "a"
	.balign 8
	.quad	10b, .Lfault
	.quad	11b, .Lfault
	.popsection

	.section .note.GNU-stack, "", @progbits
