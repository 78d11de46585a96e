/*
 * arch/irq.h (x86_64): external interrupt lines, through the I/O APIC.
 * Lines are the I/O APIC's global system interrupts 1..N (the ISA IRQs
 * keep their numbers: COM1 is line 4); 0 is never a line. When a line
 * fires, the arch masks it in the I/O APIC, signals end-of-interrupt to the
 * local APIC and calls irq_dispatch(line); the line stays masked until
 * arch_irq_line_unmask().
 */
#ifndef PAGODA_ARCH_IRQ_H
#define PAGODA_ARCH_IRQ_H

#include <pagoda/types.h>

/* arch_irq_lines: the number of the highest line, 0 if there is no controller. */
unsigned int arch_irq_lines(void);
void arch_irq_line_unmask(unsigned int line);
void arch_irq_line_mask(unsigned int line);

#endif
