/* kern/panic.c: panic() and the kernel's assert_fail. */
#include <arch/cpu.h>
#include <lib/assert.h>
#include <kern/console.h>
#include <kern/panic.h>

static void print_pc(uintptr_t pc, void *arg)
{
	kprintf("  [<%016lx>]\n", (unsigned long)pc);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	arch_irq_disable();
	kputs("\n*** kernel panic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kputs("\nbacktrace (addr2line -e kernel.elf):\n");
	arch_backtrace(arch_frame_pointer(), 32, print_pc, NULL);
	arch_shutdown(true);
}

void assert_fail(const char *expr, const char *file, int line, const char *func)
{
	panic("assertion '%s' failed at %s:%d (%s)", expr, file, line, func);
}
