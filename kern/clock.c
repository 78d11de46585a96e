/* kern/clock.c: tick counting over the arch one-shot timer. */
#include <pagoda/compiler.h>
#include <arch/timer.h>
#include <kern/clock.h>
#include <kern/sched.h>

static volatile uint64_t ticks;
static uint64_t tick_period;	/* timer units per tick */
static uint64_t next_deadline;

void clock_start(void)
{
	tick_period = arch_timer_freq() / CLOCK_HZ;
	if (!tick_period)
		tick_period = 1;
	next_deadline = arch_timer_now() + tick_period;
	arch_timer_set_deadline(next_deadline);
	arch_timer_enable();
}

void clock_tick(void)
{
	uint64_t now = arch_timer_now();

	ticks++;
	/* Skip missed ticks instead of firing a burst of them. */
	next_deadline += tick_period;
	if (next_deadline <= now)
		next_deadline = now + tick_period;
	arch_timer_set_deadline(next_deadline);
	sched_tick();
}

uint64_t clock_ticks(void)
{
	return READ_ONCE(ticks);
}
