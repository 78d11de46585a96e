/*
 * arch/x86_64/frame.h: offsets of struct trap_frame (arch/trap.h) and
 * struct arch_context (arch/thread.h) for the assembly files; trap.c checks
 * them against the C structures. Plain constants: included from assembly.
 */
#ifndef PAGODA_X86_FRAME_H
#define PAGODA_X86_FRAME_H

#define TF_CR2		8
#define TF_R15		16
#define TF_R14		24
#define TF_R13		32
#define TF_R12		40
#define TF_R11		48
#define TF_R10		56
#define TF_R9		64
#define TF_R8		72
#define TF_RDI		80
#define TF_RSI		88
#define TF_RBP		96
#define TF_RBX		104
#define TF_RDX		112
#define TF_RCX		120
#define TF_RAX		128
#define TF_VECTOR	136
#define TF_ERROR	144
#define TF_RIP		152
#define TF_CS		160
#define TF_RFLAGS	168
#define TF_RSP		176
#define TF_SS		184
#define TF_SIZE		192

#define CTX_RSP		0
#define CTX_RIP		8
#define CTX_RBX		16
#define CTX_RBP		24
#define CTX_R12		32
#define CTX_R13		40
#define CTX_R14		48
#define CTX_R15		56

/* Offset of rsp0 in the 64-bit TSS. */
#define TSS_RSP0	4

#endif
