/*
 * arch/cpu.h (x86_64): the CPU part of the arch interface: interrupt
 * masking, idling, counters, power-off and backtraces. Every arch defines
 * the same names (docs/porting.md).
 */
#ifndef PAGODA_ARCH_CPU_H
#define PAGODA_ARCH_CPU_H

#include <pagoda/compiler.h>
#include <pagoda/types.h>

#define X86_RFLAGS_IF (1ul << 9)

static inline void arch_irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline void arch_irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

/* arch_irq_save: disable interrupts, returning the state for arch_irq_restore. */
static inline unsigned long arch_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq\n\tpopq %0\n\tcli" : "=r"(flags) : : "memory");
	return flags & X86_RFLAGS_IF;
}

static inline void arch_irq_restore(unsigned long state)
{
	if (state & X86_RFLAGS_IF)
		__asm__ volatile("sti" ::: "memory");
}

/*
 * arch_wait_for_interrupt: idle until an interrupt arrives (may return
 * spuriously). Unlike RISC-V's wfi, hlt only wakes for an interrupt it can
 * take: call it with interrupts enabled (right after arch_irq_enable(),
 * sti's one-instruction shadow makes the pair atomic), or it never returns.
 */
static inline void arch_wait_for_interrupt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

/*
 * Counters. x86 has no instruction counter user mode can read, so both
 * read the time-stamp counter, which QEMU -icount shift=0 advances by one
 * per guest instruction (the benchmark's calibration checks that).
 */
static inline uint64_t arch_read_cycles(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t arch_read_instret(void)
{
	return arch_read_cycles();
}

static inline uintptr_t arch_frame_pointer(void)
{
	return (uintptr_t)__builtin_frame_address(0);
}

/* arch_shutdown: power the machine off; @failure sets a failing exit status. */
__noreturn void arch_shutdown(bool failure);

/*
 * arch_backtrace: call @emit for each return address found by walking
 * frame pointers from @fp, at most @max frames; stops at a frame that is
 * not readable or does not lie above the previous one.
 */
void arch_backtrace(uintptr_t fp, int max, void (*emit)(uintptr_t pc, void *arg), void *arg);

/* arch_name: a short description of the CPU mode for the banner. */
const char *arch_name(void);

#endif
