/*
 * arch/console.h (x86_64): the kernel console: the 16550 UART on COM1
 * (I/O port 0x3f8), polled, no interrupts. It works from the first
 * instruction of the 64-bit boot code on, so there is no early console.
 */
#ifndef PAGODA_ARCH_CONSOLE_H
#define PAGODA_ARCH_CONSOLE_H

#include <pagoda/types.h>

void arch_console_putc(char c);
/* arch_console_getc: the next input character, or -1 if none is waiting. */
int arch_console_getc(void);

#endif
