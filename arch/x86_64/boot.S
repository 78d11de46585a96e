/*
 * arch/x86_64/boot.S: the PVH entry, from 32-bit protected mode to long mode.
 *
 * QEMU's -kernel loads the image at its physical address (0x200000) and,
 * through its PVH option ROM, enters pvh_start (named by the Xen ELF note
 * XEN_ELFNOTE_PHYS32_ENTRY below) in 32-bit protected mode with paging
 * off, flat segments, interrupts disabled and %ebx = the physical address
 * of struct hvm_start_info (memory map, command line, initrd as module 0).
 *
 * The image is linked high (arch/layout.h); until paging is on, symbols
 * are used through PHYS(). We clear .bss, check that the CPU can run us
 * (long mode, NX, and LA57 when built for 5-level paging; otherwise a
 * message on COM1 and a failing power-off), build boot tables of 2 MiB
 * leaves, enable PAE (+ LA57), EFER.LME and NXE, paging and supervisor
 * write protection, and jump to the high image on the boot stack.
 * arch/x86_64/setup.c then builds the real tables and drops these.
 *
 * Boot tables (one PML4, also PML5 entries 0 and 511 with LA57), for
 * N = X86_BOOT_DIRECT_GB (arch/layout.h):
 *   PML4[0]   -> pdpt_low  : VA 0..N GiB     -> PA 0..N GiB (identity, for the jump)
 *   PML4[256] -> pdpt_low  : VA 0xffff800000000000 + 0..N GiB (direct map:
 *                            RAM, boot info, initrd, the APICs)
 *   PML4[511] -> pdpt_high : [510] VA 0xffffffff80000000 -> PA 0..1 GiB (image window)
 *                            [511] the next GiB
 * pdpt_low[0..N-1] -> pd[0..N-1], each 512 leaves of 2 MiB (PS | RW | P).
 */
#include <arch/layout.h>

#define PHYS(x)		((x) - KERNEL_IMAGE_OFFSET)
#define PTE_TABLE	0x03		/* P | RW */
#define PTE_LEAF_2M	0x83		/* P | RW | PS */
#define CR0_BOOT	0x80010021	/* PG | WP | NE | PE */
#define CR4_PAE		0x20
#define CR4_LA57	0x1000
#define EFER_MSR	0xc0000080
#define EFER_LME_NXE	0x900
#define COM1		0x3f8
#define DEBUG_EXIT	0xf4

	.pushsection .note.Xen, "a", @note
	.balign 4
	.long	4			/* name size: "Xen\0" */
	.long	4			/* descriptor size */
	.long	18			/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz	"Xen"
	.long	PHYS(pvh_start)
	.popsection

	.section .text.boot, "ax"
	.code32
	.globl pvh_start
pvh_start:
	cli
	cld
	movl	%ebx, %esi		/* struct hvm_start_info, kept to the end */
	movl	$PHYS(boot_stack_top), %esp

	movl	$PHYS(_bss), %edi
	movl	$PHYS(_ebss), %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl

	movl	$0x80000000, %eax
	cpuid
	movl	$PHYS(msg_no_lm), %edi
	cmpl	$0x80000001, %eax
	jb	boot_fail
	movl	$0x80000001, %eax
	cpuid
	btl	$29, %edx		/* LM */
	jnc	boot_fail
	movl	$PHYS(msg_no_nx), %edi
	btl	$20, %edx		/* NX */
	jnc	boot_fail
#if X86_PAGING_LA57
	movl	$7, %eax
	xorl	%ecx, %ecx
	cpuid
	movl	$PHYS(msg_no_la57), %edi
	btl	$16, %ecx		/* LA57 */
	jnc	boot_fail
#endif

	/* Leaves of 2 MiB for PA 0..N GiB: 64-bit entries, written as two halves. */
	movl	$PHYS(boot_pd), %edi
	movl	$PTE_LEAF_2M, %eax
	xorl	%edx, %edx
	movl	$X86_BOOT_DIRECT_GB * 512, %ecx
1:	movl	%eax, (%edi)
	movl	%edx, 4(%edi)
	addl	$0x200000, %eax
	adcl	$0, %edx
	addl	$8, %edi
	decl	%ecx
	jnz	1b

	movl	$PHYS(boot_pd) + PTE_TABLE, %eax
	movl	%eax, PHYS(boot_pdpt_high) + 510 * 8
	addl	$4096, %eax
	movl	%eax, PHYS(boot_pdpt_high) + 511 * 8
	movl	$PHYS(boot_pd) + PTE_TABLE, %eax
	movl	$PHYS(boot_pdpt_low), %edi
	movl	$X86_BOOT_DIRECT_GB, %ecx
2:	movl	%eax, (%edi)
	addl	$4096, %eax
	addl	$8, %edi
	decl	%ecx
	jnz	2b

	movl	$PHYS(boot_pdpt_low) + PTE_TABLE, %eax
	movl	%eax, PHYS(boot_pml4)
	movl	%eax, PHYS(boot_pml4) + 256 * 8
	movl	$PHYS(boot_pdpt_high) + PTE_TABLE, %eax
	movl	%eax, PHYS(boot_pml4) + 511 * 8
#if X86_PAGING_LA57
	movl	$PHYS(boot_pml4) + PTE_TABLE, %eax
	movl	%eax, PHYS(boot_pml5)
	movl	%eax, PHYS(boot_pml5) + 511 * 8
	movl	$PHYS(boot_pml5), %eax
	movl	%eax, %cr3
	movl	$CR4_PAE | CR4_LA57, %eax
#else
	movl	$PHYS(boot_pml4), %eax
	movl	%eax, %cr3
	movl	$CR4_PAE, %eax
#endif
	movl	%eax, %cr4
	movl	$EFER_MSR, %ecx
	rdmsr
	orl	$EFER_LME_NXE, %eax
	wrmsr
	movl	$CR0_BOOT, %eax
	movl	%eax, %cr0
	lgdt	PHYS(boot_gdt_desc)
	ljmp	$0x08, $PHYS(boot_long_low)

/* boot_fail: print the NUL-terminated message at %edi on COM1, power off failing. */
boot_fail:
	movw	$COM1 + 5, %dx
2:	inb	%dx, %al
	testb	$0x20, %al		/* transmitter holding register empty */
	jz	2b
	movb	(%edi), %al
	testb	%al, %al
	jz	3f
	movw	$COM1, %dx
	outb	%al, %dx
	incl	%edi
	movw	$COM1 + 5, %dx
	jmp	2b
3:	movw	$DEBUG_EXIT, %dx
	movl	$1, %eax
	outl	%eax, %dx
4:	hlt
	jmp	4b

	.code64
boot_long_low:
	/* Long mode, still at the physical address: jump to the high image. */
	movabsq	$boot_long_high, %rax
	jmp	*%rax

	.text
boot_long_high:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	leaq	boot_stack_top(%rip), %rsp
	xorl	%ebp, %ebp		/* ends the backtrace */
	movl	%esi, %edi		/* zero-extends: the upper halves are undefined */
	call	x86_boot
	/* x86_boot never returns. */
5:	hlt
	jmp	5b

	.section .rodata
	.balign 8
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code, DPL 0 */
	.quad	0x00cf92000000ffff	/* 0x10: data, DPL 0 */
boot_gdt_end:
	.balign 8
	.word	0
boot_gdt_desc:
	.word	boot_gdt_end - boot_gdt - 1
	.long	PHYS(boot_gdt)

msg_no_lm:
	.asciz	"pagoda: this CPU has no long mode (x86-64)\r\n"
msg_no_nx:
	.asciz	"pagoda: this CPU has no execute-disable (NX) bit\r\n"
msg_no_la57:
	.asciz	"pagoda: built with PAGING=la57 but this CPU has no 5-level paging (LA57): use a CPU model with LA57 (QEMU_CPU=max make run ...) or PAGING=pml4\r\n"

	.section .bss.page_aligned, "aw", @nobits
	.balign 4096
boot_pml5:
	.space	4096
boot_pml4:
	.space	4096
boot_pdpt_low:
	.space	4096
boot_pdpt_high:
	.space	4096
boot_pd:
	.space	X86_BOOT_DIRECT_GB * 4096
	.globl boot_stack
boot_stack:
	.space	KERNEL_BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
