/*
 * arch/irq.h (riscv64): external interrupt lines, through the PLIC. Lines
 * are numbered as the platform's interrupt controller numbers them (PLIC
 * sources 1..ndev); 0 is never a line. When a line fires, the arch claims
 * it, masks it, completes the claim and calls irq_dispatch(line); the line
 * stays masked until arch_irq_line_unmask().
 */
#ifndef PAGODA_ARCH_IRQ_H
#define PAGODA_ARCH_IRQ_H

#include <pagoda/types.h>

/* arch_irq_lines: the number of the highest line, 0 if there is no controller. */
unsigned int arch_irq_lines(void);
void arch_irq_line_unmask(unsigned int line);
void arch_irq_line_mask(unsigned int line);

#endif
