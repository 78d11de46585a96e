/*
 * arch/riscv64/plic.c: the RISC-V platform-level interrupt controller
 * (PLIC spec 1.0.0), as QEMU virt lays it out: the S-mode context of hart h
 * is context 2h + 1. Every source gets priority 1 and the S-mode threshold
 * is 0, so an enabled source interrupts; enabling a source is unmasking.
 */
#define LOG_PREFIX "plic: "
#include <lib/log.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <kern/irq.h>
#include "csr.h"
#include "riscv.h"

#define PLIC_PRIORITY(src)	(4u * (src))
#define PLIC_ENABLE(ctx)	(0x2000u + 0x80u * (ctx))
#define PLIC_THRESHOLD(ctx)	(0x200000u + 0x1000u * (ctx))
#define PLIC_CLAIM(ctx)		(0x200004u + 0x1000u * (ctx))
#define PLIC_MAX_SOURCES	1023

static volatile uint32_t *plic;
static unsigned int plic_ndev;
static unsigned int plic_ctx;

static inline volatile uint32_t *reg(uint32_t off)
{
	return (volatile uint32_t *)((uintptr_t)plic + off);
}

void riscv_plic_init(paddr_t base, unsigned int ndev, unsigned int hartid)
{
	if (!base || !ndev)
		return;
	plic = phys_to_virt(base);
	plic_ndev = ndev > PLIC_MAX_SOURCES ? PLIC_MAX_SOURCES : ndev;
	plic_ctx = 2 * hartid + 1;
	for (unsigned int src = 1; src <= plic_ndev; src++) {
		*reg(PLIC_PRIORITY(src)) = 1;
		arch_irq_line_mask(src);
	}
	*reg(PLIC_THRESHOLD(plic_ctx)) = 0;
	csr_set(sie, SIE_SEIE);
}

unsigned int arch_irq_lines(void)
{
	return plic ? plic_ndev : 0;
}

void arch_irq_line_unmask(unsigned int line)
{
	if (plic && line >= 1 && line <= plic_ndev)
		*reg(PLIC_ENABLE(plic_ctx) + 4 * (line / 32)) |= 1u << (line % 32);
}

void arch_irq_line_mask(unsigned int line)
{
	if (plic && line >= 1 && line <= plic_ndev)
		*reg(PLIC_ENABLE(plic_ctx) + 4 * (line / 32)) &= ~(1u << (line % 32));
}

/* riscv_plic_interrupt: claim every pending line, mask it, complete, dispatch. */
void riscv_plic_interrupt(void)
{
	uint32_t line;

	if (!plic)
		return;
	while ((line = *reg(PLIC_CLAIM(plic_ctx))) != 0) {
		arch_irq_line_mask(line);
		*reg(PLIC_CLAIM(plic_ctx)) = line;
		irq_dispatch(line);
	}
}
