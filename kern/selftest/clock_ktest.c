/* kern/selftest/clock_ktest.c: timer interrupts arrive and the tick keeps time. */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <kern/clock.h>
#include <kern/ktest.h>

KTEST(timer_interrupts_arrive)
{
	uint64_t freq = arch_timer_freq(), start = arch_timer_now();
	uint64_t t0 = clock_ticks(), waited;

	KT_REQUIRE(freq > 0);
	/* Wait for 5 ticks (50 ms at CLOCK_HZ 100), giving up after 2 s. */
	while (clock_ticks() < t0 + 5 && arch_timer_now() - start < 2 * freq)
		arch_wait_for_interrupt();
	waited = arch_timer_now() - start;
	KT_CHECK(clock_ticks() >= t0 + 5, "%llu ticks in 2 s",
		 (unsigned long long)(clock_ticks() - t0));
	/* 5 ticks cannot take less than 4 periods. */
	KT_CHECK(waited >= 4 * (freq / CLOCK_HZ), "5 ticks in %llu timer units",
		 (unsigned long long)waited);
}
