/*
 * arch/timer.h (x86_64): the monotonic clock and the one-shot timer
 * interrupt. Time is the time-stamp counter, whose rate is measured
 * against the PIT at boot; arch_timer_freq() converts. The deadline is
 * programmed into the local APIC timer (one-shot), whose interrupt calls
 * kern's clock_tick().
 */
#ifndef PAGODA_ARCH_TIMER_H
#define PAGODA_ARCH_TIMER_H

#include <pagoda/types.h>

static inline uint64_t arch_timer_now(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* arch_timer_freq: ticks per second. */
uint64_t arch_timer_freq(void);
/* arch_timer_set_deadline: raise the timer interrupt once now() >= @deadline. */
void arch_timer_set_deadline(uint64_t deadline);
/* arch_timer_enable: unmask the timer interrupt source. */
void arch_timer_enable(void);

#endif
