/*
 * arch/console.h (riscv64): the kernel console. Before the UART is known
 * (from the DTB) output goes through the SBI legacy console; afterwards
 * through the 16550 UART in the direct map. Polled, no interrupts: the
 * console is for the kernel's own messages and debugging.
 */
#ifndef PAGODA_ARCH_CONSOLE_H
#define PAGODA_ARCH_CONSOLE_H

#include <pagoda/types.h>

void arch_console_putc(char c);
/* arch_console_getc: the next input character, or -1 if none is waiting. */
int arch_console_getc(void);

#endif
