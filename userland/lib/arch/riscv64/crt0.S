/*
 * userland/lib/arch/riscv64/crt0.S: program entry. The kernel starts a
 * thread at _start with sp set and its argument in a0 (kept for
 * start_argument()); main's return value becomes the exit code.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	mv	fp, zero		/* ends backtraces */
	la	t0, start_arg		/* the first argument, for start_argument() */
	sd	a0, 0(t0)
	call	main
	tail	exit
