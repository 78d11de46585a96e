/*
 * arch/riscv64/timer.c: the supervisor timer through SBI TIME (stimecmp is
 * not assumed: QEMU 7.2 has no Sstc). One deadline at a time; kern/clock.c
 * decides the next one.
 */
#include <arch/timer.h>
#include <kern/clock.h>
#include "csr.h"
#include "riscv.h"
#include "sbi.h"

static uint64_t timer_freq;

void riscv_timer_init(uint64_t freq)
{
	timer_freq = freq;
}

uint64_t arch_timer_freq(void)
{
	return timer_freq;
}

void arch_timer_set_deadline(uint64_t deadline)
{
	sbi_set_timer(deadline);
}

void arch_timer_enable(void)
{
	csr_set(sie, SIE_STIE);
}

void riscv_timer_interrupt(void)
{
	/* Clears the pending bit until clock_tick() sets a new deadline. */
	sbi_set_timer(UINT64_MAX);
	clock_tick();
}
