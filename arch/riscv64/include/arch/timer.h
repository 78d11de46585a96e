/*
 * arch/timer.h (riscv64): the monotonic clock and the one-shot timer
 * interrupt. Time is in ticks of the platform's timebase (from the DTB);
 * arch_timer_freq() converts. The interrupt calls kern's clock_tick().
 */
#ifndef PAGODA_ARCH_TIMER_H
#define PAGODA_ARCH_TIMER_H

#include <pagoda/types.h>

static inline uint64_t arch_timer_now(void)
{
	uint64_t v;

	__asm__ volatile("rdtime %0" : "=r"(v));
	return v;
}

/* arch_timer_freq: ticks per second. */
uint64_t arch_timer_freq(void);
/* arch_timer_set_deadline: raise the timer interrupt once now() >= @deadline. */
void arch_timer_set_deadline(uint64_t deadline);
/* arch_timer_enable: unmask the timer interrupt source. */
void arch_timer_enable(void);

#endif
