/*
 * arch/x86_64/apic.c: interrupt controllers. The two 8259 PICs are
 * remapped away from the exception vectors and masked for good; the local
 * APIC takes the timer (timer.c) and end-of-interrupt; the I/O APIC routes
 * the device lines (arch/irq.h) to vectors X86_VEC_IRQ_BASE + line, all to
 * the boot CPU, every line masked until a driver binds it.
 *
 * Without ACPI tables the I/O APIC is assumed where every PC chipset puts
 * it (0xfec00000) and the ISA lines (1..15) identity-mapped, edge-triggered
 * and active high, the PCI ones (16..) level-triggered and active low: true
 * of QEMU pc and q35 (the ISA timer's override to line 2 does not matter:
 * the kernel does not use the PIT's interrupt).
 *
 * Locking: one CPU; called with interrupts disabled or at boot.
 */
#define LOG_PREFIX "apic: "
#include <lib/log.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <kern/irq.h>
#include "x86.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1

#define LAPIC_ID	0x020
#define LAPIC_TPR	0x080
#define LAPIC_EOI	0x0b0
#define LAPIC_SVR	0x0f0
#define LAPIC_ESR	0x280
#define LAPIC_LVT_LINT0	0x350
#define LAPIC_LVT_LINT1	0x360
#define LAPIC_LVT_ERROR	0x370
#define LAPIC_LVT_NMI	(4u << 8)
#define LAPIC_SVR_ENABLE (1u << 8)
#define APIC_BASE_ENABLE (1ull << 11)

#define IOAPIC_REGSEL	0x00
#define IOAPIC_WIN	0x10
#define IOAPIC_VER	0x01
#define IOAPIC_REDIR(n)	(0x10 + 2 * (n))
#define REDIR_MASKED	(1u << 16)
#define REDIR_LEVEL	(1u << 15)
#define REDIR_LOW	(1u << 13)
#define IOAPIC_ISA_LINES 16

static volatile uint32_t *lapic;
static volatile uint32_t *ioapic;
static unsigned int ioapic_max_line;

void x86_pic_disable(void)
{
	/* ICW1..ICW4: vectors 0x20..0x2f, cascade on IRQ 2, 8086 mode; then mask all. */
	outb(PIC1_CMD, 0x11);
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, X86_VEC_PIC_BASE);
	outb(PIC2_DATA, X86_VEC_PIC_BASE + 8);
	outb(PIC1_DATA, 4);
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

uint32_t x86_lapic_read(unsigned int reg)
{
	return lapic[reg / 4];
}

void x86_lapic_write(unsigned int reg, uint32_t v)
{
	lapic[reg / 4] = v;
}

void x86_lapic_init(paddr_t base)
{
	wrmsr(X86_MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic = phys_to_virt(base);
	x86_lapic_write(LAPIC_TPR, 0);
	x86_lapic_write(LAPIC_LVT_LINT0, X86_LAPIC_LVT_MASKED);	/* the 8259s' output */
	x86_lapic_write(LAPIC_LVT_LINT1, LAPIC_LVT_NMI);
	x86_lapic_write(LAPIC_LVT_ERROR, X86_VEC_APIC_ERROR);
	x86_lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | X86_VEC_SPURIOUS);
	x86_lapic_write(LAPIC_ESR, 0);
	x86_lapic_eoi();
}

void x86_lapic_eoi(void)
{
	x86_lapic_write(LAPIC_EOI, 0);
}

uint32_t x86_lapic_id(void)
{
	return x86_lapic_read(LAPIC_ID) >> 24;
}

/* x86_lapic_error: the APIC error interrupt: latch the error status and log it. */
void x86_lapic_error(void)
{
	x86_lapic_write(LAPIC_ESR, 0);
	log_warn("local APIC error %#x\n", x86_lapic_read(LAPIC_ESR));
	x86_lapic_eoi();
}

static uint32_t ioapic_read(unsigned int reg)
{
	ioapic[IOAPIC_REGSEL / 4] = reg;
	return ioapic[IOAPIC_WIN / 4];
}

static void ioapic_write(unsigned int reg, uint32_t v)
{
	ioapic[IOAPIC_REGSEL / 4] = reg;
	ioapic[IOAPIC_WIN / 4] = v;
}

void x86_ioapic_init(paddr_t base, uint32_t dest_apic_id)
{
	unsigned int max;

	ioapic = phys_to_virt(base);
	max = (ioapic_read(IOAPIC_VER) >> 16) & 0xff;
	if (max == 0xff || X86_VEC_IRQ_BASE + max > X86_VEC_IRQ_MAX) {
		log_warn("no usable I/O APIC at %#llx: no device interrupts\n",
			 (unsigned long long)base);
		ioapic = NULL;
		return;
	}
	ioapic_max_line = max;
	for (unsigned int line = 0; line <= max; line++) {
		uint32_t lo = REDIR_MASKED | (X86_VEC_IRQ_BASE + line);

		if (line >= IOAPIC_ISA_LINES)
			lo |= REDIR_LEVEL | REDIR_LOW;
		ioapic_write(IOAPIC_REDIR(line) + 1, dest_apic_id << 24);
		ioapic_write(IOAPIC_REDIR(line), lo);
	}
}

unsigned int arch_irq_lines(void)
{
	return ioapic ? ioapic_max_line : 0;
}

void arch_irq_line_unmask(unsigned int line)
{
	if (ioapic && line >= 1 && line <= ioapic_max_line)
		ioapic_write(IOAPIC_REDIR(line), ioapic_read(IOAPIC_REDIR(line)) & ~REDIR_MASKED);
}

void arch_irq_line_mask(unsigned int line)
{
	if (ioapic && line >= 1 && line <= ioapic_max_line)
		ioapic_write(IOAPIC_REDIR(line), ioapic_read(IOAPIC_REDIR(line)) | REDIR_MASKED);
}

/* x86_irq_interrupt: a device line's vector: mask it, end the interrupt, dispatch. */
void x86_irq_interrupt(unsigned int vector)
{
	unsigned int line = vector - X86_VEC_IRQ_BASE;

	arch_irq_line_mask(line);
	x86_lapic_eoi();
	if (line >= 1)
		irq_dispatch(line);
}
