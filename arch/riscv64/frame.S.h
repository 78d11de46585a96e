/*
 * arch/riscv64/frame.S.h: assembler macros for struct trap_frame (see
 * arch/trap.h): regs[n] holds xn at offset 8 * n. sp (x2) is the frame
 * base, so it is neither saved nor loaded here; the callers handle it.
 */
#ifndef PAGODA_RISCV_FRAME_S_H
#define PAGODA_RISCV_FRAME_S_H

#define TF_SIZE		288
#define TF_SSTATUS	256
#define TF_SEPC		264
#define TF_STVAL	272
#define TF_SCAUSE	280

/* Store x1 and x3..x31 into the frame at sp. */
.macro SAVE_GPRS_BUT_SP
	sd	x1, 1*8(sp)
	.irp n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	sd	x\n, \n*8(sp)
	.endr
.endm

/* Load x1 and x3..x31 from the frame at sp. */
.macro LOAD_GPRS_BUT_SP
	ld	x1, 1*8(sp)
	.irp n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	x\n, \n*8(sp)
	.endr
.endm

#endif
