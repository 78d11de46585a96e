/*
 * userland/lib/arch/riscv64/counters.h: the retired-instruction and cycle
 * counters, readable from user mode (the kernel enables them in
 * scounteren). Under QEMU -icount both count guest instructions exactly.
 */
#ifndef PAGODA_USER_COUNTERS_H
#define PAGODA_USER_COUNTERS_H

#include <pagoda/types.h>

static inline uint64_t read_instret(void)
{
	uint64_t v;

	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cycles(void)
{
	uint64_t v;

	__asm__ volatile("rdcycle %0" : "=r"(v));
	return v;
}

/*
 * calibration_loop: exactly 2 * @n + 2 instructions: a decrement and a
 * branch per iteration, plus the setup and the return.
 */
static inline void calibration_loop(uint64_t n)
{
	__asm__ volatile("1: addi %0, %0, -1\n\tbnez %0, 1b" : "+r"(n));
}

#endif
