/*
 * arch/riscv64/boot.S: S-mode entry from OpenSBI.
 *
 * OpenSBI jumps to the first byte of the image (PA 0x80200000) with the MMU
 * off, a0 = hart id, a1 = PA of the DTB. The image is linked at its high
 * address (arch/layout.h), so until paging is on only PC-relative code may
 * run: `la` is PC-relative under -mcmodel=medany and yields physical
 * addresses here. We clear .bss, fill a boot page table of 1 GiB leaves,
 * turn on Sv39 and jump high; arch/riscv64/setup.c then builds the real
 * tables and drops this one.
 *
 * Boot table (Sv39 root, 512 entries of 1 GiB each):
 *   [2]        VA 0x80000000          -> PA 0x80000000 (identity, for the jump)
 *   [510]      VA 0xffffffff80000000  -> PA 0x80000000 (the image window)
 *   [256..271] VA 0xffffffc000000000+ -> PA 0..16 GiB (direct map: MMIO, RAM, DTB)
 */
#include <arch/layout.h>

#define PTE_V 0x01
#define PTE_RWX 0x0e
#define PTE_G 0x20
#define PTE_AD 0xc0
#define PTE_LEAF (PTE_V | PTE_RWX | PTE_G | PTE_AD)
#define SATP_SV39 (8 << 60)

	.section .text.boot, "ax"
	.globl _start
_start:
	/* Only the boot hart comes here with SMP=1; any other parks. */
	mv	s0, a0
	mv	s1, a1
	csrw	sie, zero
	csrw	sscratch, zero

	/* Clear .bss (physical addresses: la is PC-relative). */
	la	t0, _bss
	la	t1, _ebss
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	/* Boot page table: a 1 GiB leaf for PA p is ((p >> 12) << 10) | flags. */
	la	t0, boot_page_table
	li	t1, (0x80000000 >> 2) | PTE_LEAF
	sd	t1, 2 * 8(t0)
	li	t5, 510 * 8		/* beyond a 12-bit offset */
	add	t5, t5, t0
	sd	t1, 0(t5)
	li	t2, 0			/* PA of the next direct-map gigapage */
	li	t3, 256			/* its index */
	li	t4, 272
3:	srli	t1, t2, 2
	ori	t1, t1, PTE_LEAF
	slli	t5, t3, 3
	add	t5, t5, t0
	sd	t1, 0(t5)
	li	t5, 1 << 30
	add	t2, t2, t5
	addi	t3, t3, 1
	bltu	t3, t4, 3b

	srli	t0, t0, 12
	li	t1, SATP_SV39
	or	t0, t0, t1
	sfence.vma
	csrw	satp, t0
	sfence.vma

	/* Jump to the high alias: load the absolute link-time address. */
	ld	t0, .Lhigh_addr
	jr	t0

	.balign 8
.Lhigh_addr:
	.dword	boot_high

	.text
boot_high:
	la	sp, boot_stack_top
	mv	a0, s0
	mv	a1, s1
	mv	fp, zero		/* ends the backtrace */
	call	arch_boot
	/* arch_boot never returns. */
4:	wfi
	j	4b

	.section .bss.page_aligned, "aw", @nobits
	.balign 4096
	.globl boot_page_table
boot_page_table:
	.space	4096
	.globl boot_stack
boot_stack:
	.space	KERNEL_BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:
