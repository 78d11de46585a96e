/*
 * arch/x86_64/uart.c: polled driver for the 16550 UART on COM1 (I/O ports
 * 0x3f8..0x3ff, ISA IRQ 4), the kernel console. Transmit waits for the
 * holding register; receive never waits. OUT2 is set because PC boards
 * gate the UART's interrupt output with it.
 */
#include <arch/console.h>
#include "x86.h"

#define COM1		0x3f8
#define UART_RBR	0	/* receive buffer (read, DLAB=0) */
#define UART_THR	0	/* transmit holding (write, DLAB=0) */
#define UART_DLL	0	/* divisor latch low (DLAB=1) */
#define UART_IER	1	/* interrupt enable (DLAB=0) */
#define UART_DLM	1	/* divisor latch high (DLAB=1) */
#define UART_FCR	2	/* FIFO control (write) */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */

#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DATA_READY	0x01
#define LSR_THR_EMPTY	0x20
#define IER_THRE	0x02

#define UART_DIVISOR	1	/* 115200 baud from the 1.8432 MHz clock */

void x86_uart_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, UART_DIVISOR);
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);
	outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
}

void x86_uart_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
		;
	outb(COM1 + UART_THR, (uint8_t)c);
}

int x86_uart_getc(void)
{
	if (!(inb(COM1 + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1 + UART_RBR);
}

void x86_uart_irq_enable_thre(bool on)
{
	uint8_t ier = inb(COM1 + UART_IER);

	outb(COM1 + UART_IER, on ? (ier | IER_THRE) : (ier & ~IER_THRE));
}

void arch_console_putc(char c)
{
	x86_uart_putc(c);
}

int arch_console_getc(void)
{
	return x86_uart_getc();
}
