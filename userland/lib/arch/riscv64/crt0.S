/*
 * userland/lib/arch/riscv64/crt0.S: program entry. The kernel starts a
 * thread at _start with sp set and its argument in a0; main's return value
 * becomes the exit code.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	mv	fp, zero		/* ends backtraces */
	call	main
	tail	exit
