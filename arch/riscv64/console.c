/* arch/riscv64/console.c: the console device: SBI until the UART is known, then the UART. */
#include <arch/console.h>
#include "riscv.h"
#include "sbi.h"

void riscv_console_use_uart(uintptr_t base_va, unsigned int reg_shift, uint32_t clock_hz)
{
	uart16550_init(base_va, reg_shift, clock_hz);
}

void arch_console_putc(char c)
{
	if (uart16550_present())
		uart16550_putc(c);
	else
		sbi_console_putc(c);
}

int arch_console_getc(void)
{
	return uart16550_present() ? uart16550_getc() : -1;
}
