/*
 * arch/x86_64/switch.S: kernel context switch and the first code of a new
 * kernel context. (The way out to user mode, arch_user_return, shares the
 * syscall exit in entry.S.)
 */
#include "frame.h"

	.text
/*
 * void arch_context_switch(struct arch_context *from, struct arch_context *to):
 * save the callee-saved registers, the stack pointer as it will be after
 * our return and the return address into @from; load @to's and jump.
 */
	.globl arch_context_switch
arch_context_switch:
	movq	(%rsp), %rax
	leaq	8(%rsp), %rcx
	movq	%rcx, CTX_RSP(%rdi)
	movq	%rax, CTX_RIP(%rdi)
	movq	%rbx, CTX_RBX(%rdi)
	movq	%rbp, CTX_RBP(%rdi)
	movq	%r12, CTX_R12(%rdi)
	movq	%r13, CTX_R13(%rdi)
	movq	%r14, CTX_R14(%rdi)
	movq	%r15, CTX_R15(%rdi)
	movq	CTX_RBX(%rsi), %rbx
	movq	CTX_RBP(%rsi), %rbp
	movq	CTX_R12(%rsi), %r12
	movq	CTX_R13(%rsi), %r13
	movq	CTX_R14(%rsi), %r14
	movq	CTX_R15(%rsi), %r15
	movq	CTX_RSP(%rsi), %rsp
	jmp	*CTX_RIP(%rsi)

/* First code of a new context: arch_context_init put the entry in rbx, its argument in r12. */
	.globl arch_thread_start
arch_thread_start:
	movq	%r12, %rdi
	xorl	%ebp, %ebp		/* ends backtraces */
	call	*%rbx
	ud2				/* entry must not return */

	.section .note.GNU-stack, "", @progbits
