/*
 * userland/lib/arch/x86_64/crt0.S: program entry. The kernel starts a
 * thread at _start with rsp set (16-byte aligned) and its argument in rdi
 * (kept for start_argument()); main's return value becomes the exit code.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	xorl	%ebp, %ebp		/* ends backtraces */
	movq	%rdi, start_arg(%rip)	/* the first argument, for start_argument() */
	call	main
	movq	%rax, %rdi
	call	exit
	ud2

	.section .note.GNU-stack, "", @progbits
