/*
 * arch/x86_64/entry.S: the IDT vector stubs, the syscall entry, the way
 * back to user mode and the fault-tolerant probes.
 *
 * Every IDT vector has a 16-byte stub (x86_vector_stubs + 16 * vector)
 * that pushes a zero error code where the CPU pushes none, then the vector,
 * and jumps to x86_trap_common, which saves the general registers below to
 * complete a struct trap_frame (arch/trap.h).
 *
 * From the kernel the frame sits on the interrupted stack; x86_trap_kernel
 * may change its rip (fixups) before iretq. From user mode the CPU switched
 * to TSS.rsp0, the top of the current thread's kernel stack, so the frame
 * is the thread's own user frame; x86_trap_user returns the frame to
 * resume (another thread's after a switch) and arch_user_return leaves.
 *
 * The syscall instruction switches nothing but CS and RIP: x86_syscall_entry
 * takes the kernel stack from x86_kstack_top (one CPU: a global), builds the
 * same frame by hand (vector X86_FRAME_SYSCALL) and calls syscall_entry().
 */
#include <arch/layout.h>
#include "frame.h"

#define X86_FRAME_SYSCALL	0x100
#define X86_KDATA		0x10
#define X86_UDATA		0x23
#define X86_UCODE		0x2b
#define EXC_PF			14
#if X86_PAGING_LA57
#define USER_TOP		0x0100000000000000
#else
#define USER_TOP		0x0000800000000000
#endif

/* Error-code exceptions: #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
		      (v) == 29 || (v) == 30)

.macro SAVE_GPRS
	movq	%r15, TF_R15(%rsp)
	movq	%r14, TF_R14(%rsp)
	movq	%r13, TF_R13(%rsp)
	movq	%r12, TF_R12(%rsp)
	movq	%r11, TF_R11(%rsp)
	movq	%r10, TF_R10(%rsp)
	movq	%r9, TF_R9(%rsp)
	movq	%r8, TF_R8(%rsp)
	movq	%rdi, TF_RDI(%rsp)
	movq	%rsi, TF_RSI(%rsp)
	movq	%rbp, TF_RBP(%rsp)
	movq	%rbx, TF_RBX(%rsp)
	movq	%rdx, TF_RDX(%rsp)
	movq	%rcx, TF_RCX(%rsp)
	movq	%rax, TF_RAX(%rsp)
.endm

/* Every register but rcx and r11 (sysret takes rip and rflags there) and rsp. */
.macro RESTORE_GPRS_BUT_RCX_R11
	movq	TF_R15(%rsp), %r15
	movq	TF_R14(%rsp), %r14
	movq	TF_R13(%rsp), %r13
	movq	TF_R12(%rsp), %r12
	movq	TF_R10(%rsp), %r10
	movq	TF_R9(%rsp), %r9
	movq	TF_R8(%rsp), %r8
	movq	TF_RDI(%rsp), %rdi
	movq	TF_RSI(%rsp), %rsi
	movq	TF_RBP(%rsp), %rbp
	movq	TF_RBX(%rsp), %rbx
	movq	TF_RDX(%rsp), %rdx
	movq	TF_RAX(%rsp), %rax
.endm

/* CLAC when SMAP is on (the instruction does not exist otherwise). */
.macro CLAC_IF_SMAP
	testb	$1, x86_smap_on(%rip)
	jz	1f
	clac
1:
.endm

	.text
	.balign 16
	.globl x86_vector_stubs
x86_vector_stubs:
	.set	vec, 0
	.rept	256
	.balign	16
	.if	!HAS_ERROR(vec)
	pushq	$0
	.endif
	pushq	$vec
	jmp	x86_trap_common
	.set	vec, vec + 1
	.endr

x86_trap_common:
	subq	$TF_VECTOR, %rsp
	SAVE_GPRS
	testb	$3, TF_CS(%rsp)
	jnz	.Ltrap_from_user
	CLAC_IF_SMAP
	cmpq	$EXC_PF, TF_VECTOR(%rsp)
	jne	2f
	movq	%cr2, %rax
	movq	%rax, TF_CR2(%rsp)
2:	movq	%rsp, %rdi
	/* A frame record, so backtraces continue into the interrupted code. */
	pushq	TF_RIP(%rsp)
	pushq	%rbp
	movq	%rsp, %rbp
	call	x86_trap_kernel
	addq	$16, %rsp
	movq	TF_R11(%rsp), %r11
	movq	TF_RCX(%rsp), %rcx
	RESTORE_GPRS_BUT_RCX_R11
	addq	$TF_RIP, %rsp
	iretq

.Ltrap_from_user:
	cld
	CLAC_IF_SMAP
	/* The CPU loaded a null SS; give the kernel a real one (AMD's sysret keeps it). */
	movl	$X86_KDATA, %eax
	movl	%eax, %ss
	cmpq	$EXC_PF, TF_VECTOR(%rsp)
	jne	3f
	movq	%cr2, %rax
	movq	%rax, TF_CR2(%rsp)
3:	movq	%rsp, %rdi
	xorl	%ebp, %ebp		/* backtraces stop at the user boundary */
	call	x86_trap_user
	movq	%rax, %rdi
	jmp	arch_user_return

/*
 * The syscall instruction: rcx = user rip, r11 = user rflags, rsp = user
 * rsp; SFMASK cleared IF, TF, DF, AC and NT.
 */
	.balign 16
	.globl x86_syscall_entry
x86_syscall_entry:
	movq	%rsp, x86_user_rsp(%rip)
	movq	x86_kstack_top(%rip), %rsp
	pushq	$X86_UDATA
	pushq	x86_user_rsp(%rip)
	pushq	%r11
	pushq	$X86_UCODE
	pushq	%rcx
	pushq	$0
	pushq	$X86_FRAME_SYSCALL
	subq	$TF_VECTOR, %rsp
	SAVE_GPRS
	movq	%rsp, %rdi
	xorl	%ebp, %ebp
	call	syscall_entry
	movq	%rax, %rdi
	/* fall through */

/*
 * void arch_user_return(struct trap_frame *tf): restore every user register
 * from @tf and leave. @tf is the top of the thread's kernel stack: its end
 * becomes TSS.rsp0 and the syscall stack. A syscall frame leaves by sysret
 * (rcx and r11 are dead), any other by iret. Interrupts are disabled; the
 * frame's rflags has IF set.
 */
	.globl arch_user_return
arch_user_return:
	leaq	TF_SIZE(%rdi), %rax
	movq	%rax, x86_kstack_top(%rip)
	movq	%rax, x86_tss + TSS_RSP0(%rip)
	movq	%rdi, %rsp
	/*
	 * A pc outside the user half: sysret would fault in ring 0 with the
	 * user's rsp, iret in ring 0 too. Turn it into the thread's exception.
	 */
	movq	TF_RIP(%rsp), %rcx
	movabsq	$USER_TOP, %rax
	cmpq	%rax, %rcx
	jae	.Lbad_pc
	cmpq	$X86_FRAME_SYSCALL, TF_VECTOR(%rsp)
	jne	.Liret
	movq	TF_RFLAGS(%rsp), %r11
	RESTORE_GPRS_BUT_RCX_R11
	movq	TF_RSP(%rsp), %rsp
	sysretq
.Liret:
	movq	TF_R11(%rsp), %r11
	movq	TF_RCX(%rsp), %rcx
	RESTORE_GPRS_BUT_RCX_R11
	addq	$TF_RIP, %rsp
	iretq
.Lbad_pc:
	call	x86_user_bad_pc
	movq	%rax, %rdi
	jmp	arch_user_return

/* A syscall from compatibility mode cannot happen (no 32-bit user code segment). */
	.globl x86_syscall_compat
x86_syscall_compat:
	ud2

/*
 * int arch_probe_read_u64(const void *addr, uint64_t *out): see arch/trap.h.
 * The load at 1: is in __extable; a fault there resumes at 2:.
 */
	.globl arch_probe_read_u64
arch_probe_read_u64:
1:	movq	(%rdi), %rax
	movq	%rax, (%rsi)
	xorl	%eax, %eax
	ret
2:	movl	$-14, %eax		/* -EFAULT */
	ret
	.pushsection __extable, "a"
	.balign 8
	.quad	1b, 2b
	.popsection

/* int arch_probe_write_u64(void *addr, uint64_t val): see arch/trap.h. */
	.globl arch_probe_write_u64
arch_probe_write_u64:
3:	movq	%rsi, (%rdi)
	xorl	%eax, %eax
	ret
4:	movl	$-14, %eax		/* -EFAULT */
	ret
	.pushsection __extable, "a"
	.balign 8
	.quad	3b, 4b
	.popsection

	.section .note.GNU-stack, "", @progbits
