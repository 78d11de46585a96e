/*
 * arch/x86_64/x86.h: registers, instructions and declarations shared by
 * the files of arch/x86_64 (not an interface). Selector and MSR values
 * follow the Intel SDM, vol. 3.
 */
#ifndef PAGODA_X86_X86_H
#define PAGODA_X86_X86_H

#include <pagoda/types.h>
#include <pagoda/compiler.h>

struct trap_frame;

/*
 * GDT selectors. SYSRET takes the user selectors from STAR[63:48] = 0x18:
 * SS = 0x18 + 8, CS = 0x18 + 16 (RPL 3); SYSCALL takes the kernel ones from
 * STAR[47:32] = 0x08: CS = 0x08, SS = 0x10. 0x18 itself stays null: there is
 * no 32-bit user code segment, so user mode cannot reach compatibility mode.
 */
#define X86_KCODE	0x08
#define X86_KDATA	0x10
#define X86_USTAR	0x18
#define X86_UDATA	(0x20 | 3)
#define X86_UCODE	(0x28 | 3)
#define X86_TSS_SEL	0x30

/* Interrupt vectors (besides exceptions 0..31). */
#define X86_VEC_PIC_BASE	0x20	/* the 8259s, remapped and masked */
#define X86_VEC_IRQ_BASE	0x30	/* I/O APIC line n: 0x30 + n */
#define X86_VEC_IRQ_MAX		0x6f
#define X86_VEC_TIMER		0xf0
#define X86_VEC_APIC_ERROR	0xfe
#define X86_VEC_SPURIOUS	0xff

/* Exceptions. */
#define X86_EXC_DE	0
#define X86_EXC_DB	1
#define X86_EXC_NMI	2
#define X86_EXC_BP	3
#define X86_EXC_UD	6
#define X86_EXC_NM	7
#define X86_EXC_DF	8
#define X86_EXC_GP	13
#define X86_EXC_PF	14
#define X86_EXC_AC	17
#define X86_EXC_MC	18

/* Page-fault error code. */
#define X86_PF_WRITE	(1u << 1)
#define X86_PF_USER	(1u << 2)
#define X86_PF_INSN	(1u << 4)

#define X86_CR0_PE	(1ul << 0)
#define X86_CR0_MP	(1ul << 1)
#define X86_CR0_EM	(1ul << 2)
#define X86_CR0_TS	(1ul << 3)
#define X86_CR0_NE	(1ul << 5)
#define X86_CR0_WP	(1ul << 16)
#define X86_CR0_PG	(1ul << 31)

#define X86_CR4_PAE	(1ul << 5)
#define X86_CR4_PGE	(1ul << 7)
#define X86_CR4_LA57	(1ul << 12)
#define X86_CR4_PCIDE	(1ul << 17)
#define X86_CR4_SMEP	(1ul << 20)
#define X86_CR4_SMAP	(1ul << 21)

#define X86_RFLAGS_CF	(1ul << 0)
#define X86_RFLAGS_FIXED (1ul << 1)
#define X86_RFLAGS_PF	(1ul << 2)
#define X86_RFLAGS_AF	(1ul << 4)
#define X86_RFLAGS_ZF	(1ul << 6)
#define X86_RFLAGS_SF	(1ul << 7)
#define X86_RFLAGS_TF	(1ul << 8)
#define X86_RFLAGS_DF	(1ul << 10)
#define X86_RFLAGS_OF	(1ul << 11)
#define X86_RFLAGS_IOPL	(3ul << 12)
#define X86_RFLAGS_NT	(1ul << 14)
#define X86_RFLAGS_AC	(1ul << 18)
/* What user mode may set through SYS_THREAD_WRITE_REGS. */
#define X86_RFLAGS_USER	(X86_RFLAGS_CF | X86_RFLAGS_PF | X86_RFLAGS_AF | X86_RFLAGS_ZF | \
			 X86_RFLAGS_SF | X86_RFLAGS_DF | X86_RFLAGS_OF)

#define X86_MSR_APIC_BASE	0x1b
#define X86_MSR_EFER		0xc0000080
#define X86_MSR_STAR		0xc0000081
#define X86_MSR_LSTAR		0xc0000082
#define X86_MSR_CSTAR		0xc0000083
#define X86_MSR_SFMASK		0xc0000084
#define X86_MSR_FS_BASE		0xc0000100
#define X86_MSR_GS_BASE		0xc0000101
#define X86_MSR_KERNEL_GS_BASE	0xc0000102

#define X86_EFER_SCE	(1ul << 0)
#define X86_EFER_LME	(1ul << 8)
#define X86_EFER_NXE	(1ul << 11)

/* Power-off through QEMU's isa-debug-exit device: QEMU exits with (v << 1) | 1. */
#define X86_DEBUG_EXIT_PORT	0xf4

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

#define X86_READ_CR(n)                                                         \
	({                                                                     \
		unsigned long v_;                                              \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v_));             \
		v_;                                                            \
	})
#define X86_WRITE_CR(n, v) __asm__ volatile("mov %0, %%cr" #n ::"r"((unsigned long)(v)) : "memory")

/* CPU features found at boot (setup.c). */
struct x86_features {
	bool pdpe1gb;	/* 1 GiB pages */
	bool pcid;
	bool invpcid;
	bool smep;
	bool smap;
	bool la57;
	char vendor[13];
};
extern struct x86_features x86_cpu;
/* Nonzero while SMAP is on: entry.S and uaccess.S test it before stac/clac. */
extern uint8_t x86_smap_on;

/* cpu.c: GDT, TSS, IDT, control registers, system-call MSRs. */
void x86_cpu_init(void);
void x86_cpu_detect(void);

/* uart.c: the COM1 16550 (polled). */
void x86_uart_init(void);
void x86_uart_putc(char c);
int x86_uart_getc(void);
/* x86_uart_irq_enable_thre: enable or disable the "transmitter empty" interrupt. */
void x86_uart_irq_enable_thre(bool on);
#define X86_UART_IRQ 4

/* apic.c: local APIC, I/O APIC, 8259 masking. */
#define X86_LAPIC_LVT_TIMER	0x320
#define X86_LAPIC_TIMER_INIT	0x380
#define X86_LAPIC_TIMER_CUR	0x390
#define X86_LAPIC_TIMER_DIV	0x3e0
#define X86_LAPIC_LVT_MASKED	(1u << 16)
void x86_pic_disable(void);
void x86_lapic_init(paddr_t base);
uint32_t x86_lapic_read(unsigned int reg);
void x86_lapic_write(unsigned int reg, uint32_t v);
void x86_lapic_eoi(void);
void x86_lapic_error(void);
uint32_t x86_lapic_id(void);
void x86_ioapic_init(paddr_t base, uint32_t dest_apic_id);
void x86_irq_interrupt(unsigned int vector);

/* timer.c: the TSC clock and the local APIC timer. */
void x86_timer_init(void);
void x86_timer_interrupt(void);

/* pcid.c */
void x86_pcid_init(unsigned int limit);

/* thread.c: returns to a pc outside the user half turned into exceptions (tests). */
extern unsigned long x86_bad_pc_caught;

/* trap.c */
void x86_report_and_stop(const struct trap_frame *tf, const char *why);

#endif
