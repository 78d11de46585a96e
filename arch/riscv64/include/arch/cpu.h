/*
 * arch/cpu.h (riscv64): the CPU part of the arch interface: interrupt
 * masking, idling, counters, power-off and backtraces. Every arch defines
 * the same names (docs/porting.md).
 */
#ifndef PAGODA_ARCH_CPU_H
#define PAGODA_ARCH_CPU_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>

static inline void arch_irq_enable(void)
{
	__asm__ volatile("csrs sstatus, %0" ::"r"(1ul << 1) : "memory");
}

static inline void arch_irq_disable(void)
{
	__asm__ volatile("csrc sstatus, %0" ::"r"(1ul << 1) : "memory");
}

/* arch_irq_save: disable interrupts, returning the state for arch_irq_restore. */
static inline unsigned long arch_irq_save(void)
{
	unsigned long old;

	__asm__ volatile("csrrc %0, sstatus, %1" : "=r"(old) : "r"(1ul << 1) : "memory");
	return old & (1ul << 1);
}

static inline void arch_irq_restore(unsigned long state)
{
	__asm__ volatile("csrs sstatus, %0" ::"r"(state) : "memory");
}

/* arch_wait_for_interrupt: idle until an interrupt is pending (may return spuriously). */
static inline void arch_wait_for_interrupt(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

/* Retired-instruction and cycle counters (equal under QEMU -icount). */
static inline uint64_t arch_read_instret(void)
{
	uint64_t v;

	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

static inline uint64_t arch_read_cycles(void)
{
	uint64_t v;

	__asm__ volatile("rdcycle %0" : "=r"(v));
	return v;
}

static inline uintptr_t arch_frame_pointer(void)
{
	return (uintptr_t)__builtin_frame_address(0);
}

/* arch_shutdown: power the machine off; @failure sets a failing exit status. */
__noreturn void arch_shutdown(bool failure);

/*
 * arch_backtrace: call @emit for each return address found by walking
 * frame pointers from @fp, at most @max frames; stops at a frame outside
 * the current kernel stack.
 */
void arch_backtrace(uintptr_t fp, int max, void (*emit)(uintptr_t pc, void *arg), void *arg);

/* arch_name: a short description of the CPU mode for the banner. */
const char *arch_name(void);

#endif
