/*
 * kern/clock.h: the periodic tick. The arch timer interrupt calls
 * clock_tick(), which counts and programs the next deadline CLOCK_HZ times
 * a second (the scheduler will hang its preemption here).
 */
#ifndef PAGODA_KERN_CLOCK_H
#define PAGODA_KERN_CLOCK_H

#include <pagoda/types.h>

#define CLOCK_HZ 100

/* clock_start: program the first tick and unmask the timer interrupt. */
void clock_start(void);
/* clock_tick: called from the timer interrupt, interrupts disabled. */
void clock_tick(void);
/* clock_ticks: ticks since clock_start. */
uint64_t clock_ticks(void);

#endif
