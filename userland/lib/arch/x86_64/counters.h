/*
 * userland/lib/arch/x86_64/counters.h: the counters the benchmarks read.
 * x86 has no instruction counter user mode can read, so both read the
 * time-stamp counter (lfence keeps earlier instructions from completing
 * after the read). Under QEMU -icount shift=0 the TSC advances by exactly
 * one per guest instruction: the calibration slope checks that; the
 * "cycles=instret" line is then true by construction.
 */
#ifndef PAGODA_USER_COUNTERS_H
#define PAGODA_USER_COUNTERS_H

#include <pagoda/types.h>

static inline uint64_t read_cycles(void)
{
	uint64_t v;

	__asm__ volatile("lfence\n\trdtsc\n\tshlq $32, %%rdx\n\torq %%rdx, %%rax"
			 : "=a"(v) : : "rdx", "memory");
	return v;
}

static inline uint64_t read_instret(void)
{
	return read_cycles();
}

/*
 * calibration_loop: exactly 2 * @n + 2 instructions: a decrement and a
 * branch per iteration, plus the setup and the return.
 */
static inline void calibration_loop(uint64_t n)
{
	__asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(n));
}

#endif
